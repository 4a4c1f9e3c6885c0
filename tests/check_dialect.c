/* Request bodies per dialect: the thinking switch, budgets, sampling, images,
 * usage in streams, routing; and headers that carry the key only in the
 * Authorization line. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dialect.h"
#include "rc.h"
#include "testutil.h"

static tb_suite suite;
static tb_item item;
static tb_models ms;

static json_t *body_for(const char *model_id, tb_dialect d, tb_mode mode, long budget, int stream)
{
	tb_model *m = (tb_model *)models_find(&ms, model_id);
	tb_request_spec rq = {.mode = mode, .budget = budget, .stream = stream, .seed = 7};
	tb_buf out;
	char err[256];
	json_t *j;

	ck_assert_ptr_nonnull(m);
	m->dialect = d;
	tb_buf_init(&out, 1 << 20);
	ck_assert_int_eq(dialect_build_body(m, &suite, &item, &rq, &out, err, sizeof(err)), TB_OK);
	j = json_loads(tb_buf_str(&out), 0, NULL);
	ck_assert_ptr_nonnull(j);
	tb_buf_release(&out);
	return j;
}

static const char *last_user_text(json_t *body)
{
	json_t *msgs = json_object_get(body, "messages");

	return json_string_value(json_object_get(json_array_get(msgs, json_array_size(msgs) - 1), "content"));
}

static void setup(void)
{
	char err[256];

	ck_assert_int_eq(models_builtin(&ms, "http://127.0.0.1:9/v1/", err, sizeof(err)), TB_OK);
	suite = (tb_suite){.name = "s", .system = "Be brief."};
	item = (tb_item){.id = "a", .prompt = "What is 2+2?", .expected = "4"};
}

static void teardown(void)
{
	models_release(&ms);
}

START_TEST(openrouter_modes)
{
	json_t *b = body_for("qwen/qwen3-14b", TB_DIALECT_OPENROUTER, TB_MODE_THINK, 0, 1);

	ck_assert_str_eq(json_string_value(json_object_get(b, "model")), "qwen/qwen3-14b");
	ck_assert(json_is_true(json_object_get(json_object_get(b, "reasoning"), "enabled")));
	ck_assert(json_is_true(json_object_get(b, "stream")));
	ck_assert_ptr_null(json_object_get(b, "stream_options"));
	ck_assert_double_eq_tol(json_real_value(json_object_get(b, "temperature")), 0.6, 1e-9);
	ck_assert_double_eq_tol(json_real_value(json_object_get(b, "top_p")), 0.95, 1e-9);
	ck_assert_int_eq(json_integer_value(json_object_get(b, "top_k")), 20);
	ck_assert_int_eq(json_integer_value(json_object_get(b, "seed")), 7);
	ck_assert_int_eq(json_integer_value(json_object_get(b, "max_tokens")), 32768);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(b, "messages"), 0), "role")), "system");
	ck_assert_str_eq(last_user_text(b), "What is 2+2?");
	json_decref(b);

	b = body_for("qwen/qwen3-14b", TB_DIALECT_OPENROUTER, TB_MODE_THINK, 4096, 0);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(b, "reasoning"), "max_tokens")), 4096);
	ck_assert_ptr_null(json_object_get(json_object_get(b, "reasoning"), "effort"));
	json_decref(b);

	b = body_for("qwen/qwen3-14b", TB_DIALECT_OPENROUTER, TB_MODE_NOTHINK, 0, 1);
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(b, "reasoning"), "effort")), "none");
	ck_assert_double_eq_tol(json_real_value(json_object_get(b, "temperature")), 0.7, 1e-9);
	ck_assert_double_eq_tol(json_real_value(json_object_get(b, "top_p")), 0.8, 1e-9);
	json_decref(b);

	/* One-mode models get no switch they might reject. */
	b = body_for("qwen/qwen3-vl-32b-instruct", TB_DIALECT_OPENROUTER, TB_MODE_NOTHINK, 0, 1);
	ck_assert_ptr_null(json_object_get(b, "reasoning"));
	ck_assert_double_eq_tol(json_real_value(json_object_get(b, "presence_penalty")), 1.5, 1e-9);
	json_decref(b);
	b = body_for("qwen/qwq-32b", TB_DIALECT_OPENROUTER, TB_MODE_THINK, 0, 1);
	ck_assert_ptr_null(json_object_get(b, "reasoning"));
	ck_assert_int_eq(json_integer_value(json_object_get(b, "top_k")), 40);
	json_decref(b);
}
END_TEST

START_TEST(server_dialects)
{
	json_t *b = body_for("qwen/qwen3-14b", TB_DIALECT_VLLM, TB_MODE_NOTHINK, 0, 1);

	ck_assert(json_is_false(json_object_get(json_object_get(b, "chat_template_kwargs"), "enable_thinking")));
	ck_assert(json_is_true(json_object_get(json_object_get(b, "stream_options"), "include_usage")));
	ck_assert_ptr_null(json_object_get(b, "reasoning"));
	json_decref(b);

	b = body_for("qwen/qwen3-14b", TB_DIALECT_VLLM, TB_MODE_THINK, 2048, 1);
	ck_assert(json_is_true(json_object_get(json_object_get(b, "chat_template_kwargs"), "enable_thinking")));
	ck_assert_int_eq(json_integer_value(json_object_get(b, "thinking_token_budget")), 2048);
	json_decref(b);

	b = body_for("qwen/qwen3-14b", TB_DIALECT_LLAMACPP, TB_MODE_THINK, 2048, 1);
	ck_assert(json_is_true(json_object_get(json_object_get(b, "chat_template_kwargs"), "enable_thinking")));
	ck_assert_ptr_null(json_object_get(b, "thinking_token_budget"));
	json_decref(b);

	b = body_for("qwen/qwen3-14b", TB_DIALECT_OLLAMA, TB_MODE_NOTHINK, 0, 0);
	ck_assert_str_eq(json_string_value(json_object_get(b, "reasoning_effort")), "none");
	ck_assert_ptr_null(json_object_get(b, "stream_options"));
	json_decref(b);

	b = body_for("qwen/qwen3-14b", TB_DIALECT_SOFT, TB_MODE_NOTHINK, 0, 1);
	ck_assert_str_eq(last_user_text(b), "What is 2+2? /no_think");
	json_decref(b);
	b = body_for("qwen/qwen3-14b", TB_DIALECT_SOFT, TB_MODE_THINK, 0, 1);
	ck_assert_str_eq(last_user_text(b), "What is 2+2? /think");
	json_decref(b);
}
END_TEST

START_TEST(images_routing_extra)
{
	tb_model *m = (tb_model *)models_find(&ms, "qwen/qwen3-vl-32b-instruct");
	char *img = strdup(TB_SOURCE_DIR "/tests/data/pixel.png");
	json_t *b, *content;

	item.images = &img;
	item.n_images = 1;
	m->provider = json_pack("{s:[s], s:b}", "order", "deepinfra", "allow_fallbacks", 0);
	m->extra_body = json_pack("{s:i}", "max_tokens", 123);
	b = body_for("qwen/qwen3-vl-32b-instruct", TB_DIALECT_OPENROUTER, TB_MODE_NOTHINK, 0, 1);
	content = json_object_get(json_array_get(json_object_get(b, "messages"), 1), "content");
	ck_assert(json_is_array(content));
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(content, 0), "type")), "text");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(content, 0), "text")), "What is 2+2?");
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(content, 1), "type")), "image_url");
	ck_assert(strncmp(json_string_value(json_object_get(json_object_get(json_array_get(content, 1), "image_url"), "url")),
			  "data:image/png;base64,iVBORw0KGgo", 33) == 0);
	ck_assert(json_is_false(json_object_get(json_object_get(b, "provider"), "allow_fallbacks")));
	ck_assert_int_eq(json_integer_value(json_object_get(b, "max_tokens")), 123);
	json_decref(b);
	/* A model without vision gets the text alone. */
	b = body_for("qwen/qwen3-14b", TB_DIALECT_OPENROUTER, TB_MODE_NOTHINK, 0, 1);
	ck_assert(json_is_string(json_object_get(json_array_get(json_object_get(b, "messages"), 1), "content")));
	json_decref(b);
	free(img);
	item.images = NULL;
	item.n_images = 0;
}
END_TEST

/* The template's body for an item is dialect_build_body()'s, byte for byte,
 * or the same failure. */
static int same_body(const tb_model *m, const tb_request_spec *rq, long seed, size_t max)
{
	tb_request_spec one = *rq;
	dialect_tmpl *t = NULL;
	tb_buf want, got;
	char err[256], werr[256] = "", gerr[256] = "";
	int wrc, grc, usable;

	one.seed = seed;
	tb_buf_init(&want, max);
	tb_buf_init(&got, max);
	ck_assert_int_eq(dialect_tmpl_new(m, &suite, rq, &t, err, sizeof(err)), TB_OK);
	wrc = dialect_build_body(m, &suite, &item, &one, &want, werr, sizeof(werr));
	grc = dialect_tmpl_body(t, &item, seed, &got, gerr, sizeof(gerr));
	ck_assert_int_eq(grc, wrc);
	if (wrc == TB_OK)
		ck_assert_str_eq(tb_buf_str(&got), tb_buf_str(&want));
	else
		ck_assert_str_eq(gerr, werr);
	usable = dialect_tmpl_usable(t);
	dialect_tmpl_free(t);
	tb_buf_release(&want);
	tb_buf_release(&got);
	return usable;
}

START_TEST(template_bodies)
{
	static const char *const prompts[] = {
		"What is 2+2?", "", "quote \" backslash \\ slash / tab \t nl \n cr \r bs \b ff \f",
		"ctl \x01\x02\x1f del \x7f", "caf\xc3\xa9 \xe4\xb8\xad\xe6\x96\x87 \xf0\x9f\x98\x80",
		"bad \xc3\x28 utf-8", "overlong \xc0\xaf", "surrogate \xed\xa0\x80", "cut \xe4\xb8",
		"\x01tb-prompt\x01", "\\u0001tb-max\\u0001", "\"\\u0001tb-seed\\u0001\"",
	};
	static const char *const models[] = {"qwen/qwen3-14b", "qwen/qwen3-vl-32b-instruct", "qwen/qwq-32b"};
	static const char *const systems[] = {"Be brief.", NULL, "\x01tb-prompt\x01", "sys \"\n"};
	char *img = strdup(TB_SOURCE_DIR "/tests/data/pixel.png");
	json_t *msgs = json_pack("[{s:s, s:s}]", "role", "user", "content", "from messages \x01");

	for (size_t mi = 0; mi < sizeof(models) / sizeof(models[0]); mi++) {
		tb_model *m = (tb_model *)models_find(&ms, models[mi]);

		ck_assert_ptr_nonnull(m);
		for (int d = TB_DIALECT_OPENROUTER; d <= TB_DIALECT_SIM; d++) {
			m->dialect = (tb_dialect)d;
			for (int mode = 0; mode < TB_N_MODES; mode++)
				for (int stream = 0; stream < 2; stream++)
					for (long budget = 0; budget <= 512; budget += 512) {
						tb_request_spec rq = {.mode = (tb_mode)mode, .budget = budget,
								      .stream = stream, .seed = 3};

						for (size_t pi = 0; pi < sizeof(prompts) / sizeof(prompts[0]); pi++) {
							item.prompt = (char *)prompts[pi];
							suite.system = (char *)systems[pi % 4];
							item.max_tokens = pi % 3 ? 0 : 77;
							/* a system prompt holding a placeholder spoils the template */
							ck_assert_int_eq(same_body(m, &rq, (long)pi, 1 << 20),
									 pi % 4 != 2);
						}
					}
		}
	}
	/* Seeds sent or not, images, messages, a small ceiling, extra_body. */
	{
		tb_model *m = (tb_model *)models_find(&ms, "qwen/qwen3-vl-32b-instruct");
		tb_request_spec rq = {.mode = TB_MODE_NOTHINK, .stream = 1, .seed = 5};
		static const char *const extras[] = {
			"{\"max_tokens\": 9}", "{\"seed\": 1}", "{\"messages\": []}",
			"{\"seed\": \"\\u0001tb-seed\\u0001\"}", "{\"x\": \"\\u0001tb-max\\u0001\"}",
			"{\"messages\": \"\\u0001tb-prompt\\u0001\"}",
		};

		m->dialect = TB_DIALECT_VLLM;
		item.prompt = "What is 2+2?";
		suite.system = "Be brief.";
		ck_assert(same_body(m, &rq, -1, 1 << 20));
		rq.seed = -1;
		same_body(m, &rq, 4, 1 << 20);
		same_body(m, &rq, -1, 1 << 20);
		same_body(m, &rq, -1, 40);
		item.prompt = "a long prompt that does not fit into the ceiling of this body at all";
		same_body(m, &rq, -1, 200);
		rq.seed = 5;
		item.images = &img;
		item.n_images = 1;
		same_body(m, &rq, 6, 1 << 20);
		item.images = NULL;
		item.n_images = 0;
		item.prompt = NULL;
		item.messages = msgs;
		same_body(m, &rq, 6, 1 << 20);
		item.messages = NULL;
		item.prompt = "What is 2+2?";
		for (size_t i = 0; i < sizeof(extras) / sizeof(extras[0]); i++) {
			m->extra_body = json_loads(extras[i], 0, NULL);
			ck_assert_ptr_nonnull(m->extra_body);
			/* a placeholder still there after extra_body is not where it was put */
			ck_assert_int_eq(same_body(m, &rq, 6, 1 << 20), i < 3);
			json_decref(m->extra_body);
			m->extra_body = NULL;
		}
	}
	json_decref(msgs);
	free(img);
}
END_TEST

START_TEST(headers_and_url)
{
	const tb_model *m = models_find(&ms, "qwen/qwen3-14b");
	tb_model km = *m;
	struct curl_slist *h = NULL, *p;
	char err[256], url[256];
	int auth = 0;

	ck_assert_int_eq(dialect_url(m, url, sizeof(url)), TB_OK);
	ck_assert_str_eq(url, "http://127.0.0.1:9/v1/chat/completions");
	/* Keys are read once (redact.h): each case names its own variable. */
	unsetenv("TB_DIALECT_NO_KEY");
	km.api_key_env = (char *)"TB_DIALECT_NO_KEY";
	ck_assert_int_ne(dialect_headers(&km, 1, &h, err, sizeof(err)), TB_OK);
	ck_assert_msg(strstr(err, "TB_DIALECT_NO_KEY is not set") != NULL, "%s", err);
	setenv("TB_DIALECT_KEY", "sk-canary-1234", 1);
	km.api_key_env = (char *)"TB_DIALECT_KEY";
	ck_assert_int_eq(dialect_headers(&km, 1, &h, err, sizeof(err)), TB_OK);
	for (p = h; p; p = p->next) {
		if (strstr(p->data, "sk-canary-1234")) {
			ck_assert_str_eq(p->data, "Authorization: Bearer sk-canary-1234");
			auth++;
		}
	}
	ck_assert_int_eq(auth, 1);
	curl_slist_free_all(h);
	setenv("TB_DIALECT_BAD_KEY", "bad\r\nX-Injected: 1", 1);
	km.api_key_env = (char *)"TB_DIALECT_BAD_KEY";
	ck_assert_int_ne(dialect_headers(&km, 1, &h, err, sizeof(err)), TB_OK);
	ck_assert_ptr_null(strstr(err, "Injected"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("dialect");
	TCase *tc = tcase_create("bodies");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, openrouter_modes);
	tcase_add_test(tc, server_dialects);
	tcase_add_test(tc, images_routing_extra);
	tcase_add_test(tc, template_bodies);
	tcase_add_test(tc, headers_and_url);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
