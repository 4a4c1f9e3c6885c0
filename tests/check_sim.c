/* The simulator, in-process on 127.0.0.1, spoken to with libcurl as a client
 * would: response shapes (JSON and SSE) by mode and think format, every mode
 * switch dialect, repeatability, accuracy against the profile (graded by the
 * items' own grader), items with a difficulty of their own, budgets, each fault kind, /sim/stats, delays, 500
 * concurrent connections, and a `thinkbench run` at -j 256 whose measured
 * time to first token is the profile's. */
#include <curl/curl.h>
#include <jansson.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "buf.h"
#include "clock.h"
#include "grader.h"
#include "rc.h"
#include "sim.h"
#include "sim_int.h"
#include "traceinfo.h"
#include "stats.h"
#include "store.h"
#include "suite.h"
#include "testutil.h"

#define N_ITEMS 200

static char *dir;
static tb_suite **suites;
static size_t n_suites;
static tb_suite *ts, *cs; /* the numeric suite and the code suite */

#define CODE(i) (1000 + (i)) /* item i of the code suite, for request() */

typedef struct http {
	long status;
	CURLcode rc;
	double secs;
	tb_buf body, headers;
} http;

/* What an SSE body holds, put back together. */
typedef struct sse {
	int comment_first;
	int done, bad_chunks, chunks, done_last;
	tb_buf reasoning, content;
	char finish[32];
	json_t *usage;    /* owned */
	json_t *error;    /* owned */
} sse;

static size_t on_data(char *p, size_t size, size_t n, void *ud)
{
	tb_buf_add(ud, p, size * n);
	return size * n;
}

static CURL *easy(unsigned short port, const char *path, const char *body, http *h)
{
	CURL *c = curl_easy_init();
	char url[256];

	memset(h, 0, sizeof(*h));
	tb_buf_init(&h->body, 64u << 20);
	tb_buf_init(&h->headers, 1 << 20);
	snprintf(url, sizeof(url), "http://127.0.0.1:%u%s", port, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &h->body);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, &h->headers);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_PRIVATE, h);
	if (body) {
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
		curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	}
	return c;
}

static void http_release(http *h)
{
	tb_buf_release(&h->body);
	tb_buf_release(&h->headers);
}

static void fetch(unsigned short port, const char *path, const char *body, http *h)
{
	CURL *c = easy(port, path, body, h);
	int64_t t0 = tb_now_us();

	h->rc = curl_easy_perform(c);
	h->secs = (double)(tb_now_us() - t0) / 1e6;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &h->status);
	curl_easy_cleanup(c);
}

/* A chat request for item i (or free text when i < 0) with extra fields. */
static char *request(const char *model, int i, int stream, const char *extra, const char *suffix)
{
	const char *user = "Tell me something unrelated to any suite.";
	char full[4096], *out;
	json_t *req, *add;

	if (i >= CODE(0))
		user = suite_item_user_text(&cs->items[i - CODE(0)]);
	else if (i >= 0)
		user = suite_item_user_text(&ts->items[i]);
	snprintf(full, sizeof(full), "%s%s", user, suffix ? suffix : "");
	req = json_pack("{s:s, s:[{s:s, s:s}], s:b}", "model", model, "messages", "role", "user",
			"content", full, "stream", stream);
	ck_assert_ptr_nonnull(req);
	if (extra) {
		add = json_loads(extra, 0, NULL);
		ck_assert_ptr_nonnull(add);
		json_object_update(req, add);
		json_decref(add);
	}
	out = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	return out;
}

static json_t *chat_json(unsigned short port, const char *model, int i, const char *extra,
			 const char *suffix)
{
	char *body = request(model, i, 0, extra, suffix);
	json_t *j;
	http h;

	fetch(port, "/v1/chat/completions", body, &h);
	free(body);
	ck_assert_int_eq(h.rc, CURLE_OK);
	ck_assert_int_eq(h.status, 200);
	j = json_loads(tb_buf_str(&h.body), 0, NULL);
	ck_assert_msg(j != NULL, "bad JSON: %.200s", tb_buf_str(&h.body));
	http_release(&h);
	return j;
}

static const char *msg_str(const json_t *j, const char *field)
{
	const json_t *m = json_object_get(json_array_get(json_object_get(j, "choices"), 0), "message");

	return json_string_value(json_object_get(m, field));
}

static const char *finish_of(const json_t *j)
{
	return json_string_value(
		json_object_get(json_array_get(json_object_get(j, "choices"), 0), "finish_reason"));
}

static long usage_of(const json_t *j, const char *a, const char *b)
{
	const json_t *u = json_object_get(j, "usage");

	if (b)
		u = json_object_get(u, a), a = b;
	return (long)json_integer_value(json_object_get(u, a));
}

static long words(const char *s)
{
	long n = 0;

	for (size_t i = 0; s && s[i]; i++)
		if (!strchr(" \n\t\r", s[i]) && (i == 0 || strchr(" \n\t\r", s[i - 1])))
			n++;
	return n;
}

static void sse_parse(const char *body, sse *o)
{
	const char *p = body;

	memset(o, 0, sizeof(*o));
	tb_buf_init(&o->reasoning, 64u << 20);
	tb_buf_init(&o->content, 64u << 20);
	o->comment_first = strncmp(body, ": OPENROUTER PROCESSING\n\n", 25) == 0;
	while (*p) {
		const char *end = strstr(p, "\n\n");
		size_t len = end ? (size_t)(end - p) : strlen(p);
		json_t *j, *d;
		char *ev;

		if (!end)
			break; /* an event without its blank line is dropped */
		ev = strndup(p, len);
		p = end + 2;
		if (ev[0] == ':') {
			free(ev);
			continue;
		}
		ck_assert_msg(strncmp(ev, "data: ", 6) == 0, "not a data line: %.80s", ev);
		o->done_last = 0;
		if (strcmp(ev + 6, "[DONE]") == 0) {
			o->done = o->done_last = 1;
			free(ev);
			continue;
		}
		o->chunks++;
		j = json_loads(ev + 6, 0, NULL);
		free(ev);
		if (!j) {
			o->bad_chunks++;
			continue;
		}
		if (json_object_get(j, "usage")) {
			json_decref(o->usage);
			o->usage = json_incref(json_object_get(j, "usage"));
			ck_assert_int_eq(json_array_size(json_object_get(j, "choices")), 0);
		}
		if (json_object_get(j, "error")) {
			json_decref(o->error);
			o->error = json_incref(json_object_get(j, "error"));
		}
		d = json_object_get(json_array_get(json_object_get(j, "choices"), 0), "delta");
		if (json_string_value(json_object_get(d, "reasoning")))
			tb_buf_adds(&o->reasoning, json_string_value(json_object_get(d, "reasoning")));
		if (json_string_value(json_object_get(d, "reasoning_content")))
			tb_buf_adds(&o->reasoning, json_string_value(json_object_get(d, "reasoning_content")));
		if (json_string_value(json_object_get(d, "content")))
			tb_buf_adds(&o->content, json_string_value(json_object_get(d, "content")));
		if (finish_of(j))
			snprintf(o->finish, sizeof(o->finish), "%s", finish_of(j));
		json_decref(j);
	}
}

static void sse_release(sse *o)
{
	tb_buf_release(&o->reasoning);
	tb_buf_release(&o->content);
	json_decref(o->usage);
	json_decref(o->error);
}

static sim_server *start(const sim_config *cfg)
{
	sim_server *s = NULL;
	char err[512] = "";

	ck_assert_msg(sim_start(cfg, suites, n_suites, &s, err, sizeof(err)) == TB_OK, "%s", err);
	ck_assert_uint_gt(sim_port(s), 0);
	return s;
}

static sim_config fast_config(void)
{
	sim_config c;

	sim_config_defaults(&c);
	c.port = 0;
	c.time_scale = 0;
	return c;
}

START_TEST(nonstream_shapes)
{
	sim_config c = fast_config();
	sim_server *s = start(&c);
	json_t *j = chat_json(sim_port(s), "qwen/qwen3-14b", 0, NULL, NULL);
	const char *r = msg_str(j, "reasoning"), *a = msg_str(j, "content");
	long rt = usage_of(j, "completion_tokens_details", "reasoning_tokens");
	double cost = json_real_value(json_object_get(json_object_get(j, "usage"), "cost"));

	ck_assert_str_eq(json_string_value(json_object_get(j, "provider")), "thinkbench-sim");
	ck_assert_str_eq(json_string_value(json_object_get(j, "model")), "qwen/qwen3-14b");
	ck_assert(strncmp(json_string_value(json_object_get(j, "id")), "gen-sim-", 8) == 0);
	ck_assert_ptr_nonnull(r);
	ck_assert_ptr_nonnull(a);
	ck_assert_str_eq(finish_of(j), "stop");
	ck_assert(strncmp(r, "Let me work through this step by step.", 38) == 0);
	ck_assert_int_gt(rt, 15);
	ck_assert_int_eq(rt, words(r));
	ck_assert_int_eq(usage_of(j, "completion_tokens", NULL), rt + words(a));
	ck_assert_int_eq(usage_of(j, "total_tokens", NULL),
			 usage_of(j, "completion_tokens", NULL) + usage_of(j, "prompt_tokens", NULL));
	ck_assert_int_eq(usage_of(j, "prompt_tokens_details", "cached_tokens"), 0);
	ck_assert(fabs(cost - (usage_of(j, "prompt_tokens", NULL) * 0.10 +
			       usage_of(j, "completion_tokens", NULL) * 0.24) / 1e6) < 1e-12);
	ck_assert_ptr_nonnull(strstr(a, "\\boxed{"));
	json_decref(j);

	/* Nothink: no trace, no reasoning tokens. */
	j = chat_json(sim_port(s), "qwen/qwen3-14b", 0, "{\"reasoning\": {\"effort\": \"none\"}}", NULL);
	ck_assert_ptr_null(msg_str(j, "reasoning"));
	ck_assert_int_eq(usage_of(j, "completion_tokens_details", "reasoning_tokens"), 0);
	ck_assert_ptr_nonnull(strstr(msg_str(j, "content"), "\\boxed{"));
	json_decref(j);
	sim_stop(s);
}
END_TEST

/* Every dialect's switch, and models answering in the mode they have. */
START_TEST(mode_switches)
{
	static const struct {
		const char *model, *extra, *suffix;
		int think;
	} cases[] = {
		{"qwen/qwen3-14b", NULL, NULL, 1},
		{"qwen/qwen3-14b", "{\"reasoning\": {\"enabled\": false}}", NULL, 0},
		{"qwen/qwen3-14b", "{\"reasoning\": {\"enabled\": true}}", NULL, 1},
		{"qwen/qwen3-14b", "{\"chat_template_kwargs\": {\"enable_thinking\": false}}", NULL, 0},
		{"qwen/qwen3-14b", "{\"reasoning_effort\": \"none\"}", NULL, 0},
		{"qwen/qwen3-14b", "{\"reasoning_effort\": \"high\"}", NULL, 1},
		{"qwen/qwen3-14b", NULL, " /no_think", 0},
		{"qwen/qwen3-14b", "{\"reasoning\": {\"effort\": \"none\"}}", " /think", 0},
		{"qwen/qwen3-14b", "{\"thinking_token_budget\": 100000}", NULL, 1},
		{"qwen/qwq-32b", "{\"reasoning\": {\"effort\": \"none\"}}", NULL, 1},
		{"qwen/qwq-32b", NULL, " /no_think", 1},
		{"qwen/qwen3-vl-32b-instruct", NULL, NULL, 0},
		{"qwen/qwen3-vl-32b-instruct", "{\"reasoning\": {\"enabled\": true}}", NULL, 0},
		{"some/other-model", NULL, NULL, 1},
	};
	sim_config c = fast_config();
	sim_server *s = start(&c);
	json_t *plain = chat_json(sim_port(s), "qwen/qwen3-14b", 3, "{\"reasoning_effort\": \"none\"}", NULL);

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *j = chat_json(sim_port(s), cases[i].model, 3, cases[i].extra, cases[i].suffix);
		long rt = usage_of(j, "completion_tokens_details", "reasoning_tokens");

		ck_assert_msg((rt > 0) == cases[i].think, "case %zu: reasoning_tokens %ld", i, rt);
		ck_assert_msg((msg_str(j, "reasoning") != NULL) == cases[i].think, "case %zu", i);
		json_decref(j);
	}
	/* The soft switch is stripped before the item is looked up: same answer. */
	{
		json_t *j = chat_json(sim_port(s), "qwen/qwen3-14b", 3, NULL, " /no_think");

		ck_assert_str_eq(msg_str(j, "content"), msg_str(plain, "content"));
		json_decref(j);
	}
	json_decref(plain);
	sim_stop(s);
}
END_TEST

START_TEST(stream_matches_nonstream)
{
	sim_config c = fast_config();
	sim_server *s = start(&c);
	json_t *j = chat_json(sim_port(s), "qwen/qwen3-14b", 5, NULL, NULL);
	char *body = request("qwen/qwen3-14b", 5, 1, NULL, NULL);
	http h;
	sse e;

	fetch(sim_port(s), "/v1/chat/completions", body, &h);
	ck_assert_int_eq(h.rc, CURLE_OK);
	ck_assert_int_eq(h.status, 200);
	ck_assert_ptr_nonnull(strstr(tb_buf_str(&h.headers), "text/event-stream"));
	sse_parse(tb_buf_str(&h.body), &e);
	ck_assert(e.comment_first);
	ck_assert(e.done && e.done_last);
	ck_assert_int_eq(e.bad_chunks, 0);
	ck_assert_int_gt(e.chunks, 10);
	ck_assert_str_eq(tb_buf_str(&e.reasoning), msg_str(j, "reasoning"));
	ck_assert_str_eq(tb_buf_str(&e.content), msg_str(j, "content"));
	ck_assert_str_eq(e.finish, "stop");
	ck_assert_ptr_nonnull(e.usage);
	ck_assert_int_eq(json_integer_value(json_object_get(e.usage, "completion_tokens")),
			 usage_of(j, "completion_tokens", NULL));
	sse_release(&e);
	http_release(&h);
	free(body);

	/* Nothink stream: content only. */
	body = request("qwen/qwen3-14b", 5, 1, "{\"reasoning\": {\"effort\": \"none\"}}", NULL);
	fetch(sim_port(s), "/api/v1/chat/completions", body, &h);
	sse_parse(tb_buf_str(&h.body), &e);
	ck_assert_int_eq(e.reasoning.len, 0);
	ck_assert_int_gt(e.content.len, 0);
	ck_assert(e.done);
	sse_release(&e);
	http_release(&h);
	free(body);
	json_decref(j);
	sim_stop(s);
}
END_TEST

START_TEST(think_formats)
{
	static const char *const fmts[] = {"content", "tags", "lone"};

	for (size_t f = 0; f < 3; f++) {
		sim_config c = fast_config();
		sim_server *s;
		json_t *j;
		const char *content;
		char *body;
		http h;
		sse e;

		c.think_format = fmts[f];
		s = start(&c);
		j = chat_json(sim_port(s), "qwen/qwen3-14b", 7, NULL, NULL);
		content = msg_str(j, "content");
		ck_assert_ptr_null(msg_str(j, "reasoning"));
		if (f == 0) {
			ck_assert_ptr_nonnull(msg_str(j, "reasoning_content"));
			ck_assert_ptr_null(strstr(content, "think>"));
		} else {
			ck_assert_ptr_null(msg_str(j, "reasoning_content"));
			ck_assert_int_eq(strncmp(content, "<think>\n", 8) == 0, f == 1);
			ck_assert_ptr_nonnull(strstr(content, "\n</think>\n\n"));
		}
		body = request("qwen/qwen3-14b", 7, 1, NULL, NULL);
		fetch(sim_port(s), "/v1/chat/completions", body, &h);
		sse_parse(tb_buf_str(&h.body), &e);
		if (f == 0)
			ck_assert_str_eq(tb_buf_str(&e.reasoning), msg_str(j, "reasoning_content"));
		else
			ck_assert_str_eq(tb_buf_str(&e.content), content);
		sse_release(&e);
		http_release(&h);
		free(body);
		json_decref(j);
		/* Qwen3's /no_think still writes an empty think block. */
		if (f == 1) {
			j = chat_json(sim_port(s), "qwen/qwen3-14b", 7, NULL, " /no_think");
			ck_assert(strncmp(msg_str(j, "content"), "<think>\n\n</think>\n\n", 19) == 0);
			json_decref(j);
		}
		sim_stop(s);
	}
}
END_TEST

START_TEST(repeatable)
{
	sim_config c = fast_config();
	sim_server *s = start(&c);
	int differ = 0;

	for (int i = 0; i < 20; i++) {
		char extra[64];
		json_t *a, *b, *d;

		snprintf(extra, sizeof(extra), "{\"seed\": %d}", i);
		a = chat_json(sim_port(s), "qwen/qwen3-14b", i, extra, NULL);
		b = chat_json(sim_port(s), "qwen/qwen3-14b", i, extra, NULL);
		ck_assert_str_eq(msg_str(a, "content"), msg_str(b, "content"));
		ck_assert_str_eq(msg_str(a, "reasoning"), msg_str(b, "reasoning"));
		snprintf(extra, sizeof(extra), "{\"seed\": %d}", i + 1000);
		d = chat_json(sim_port(s), "qwen/qwen3-14b", i, extra, NULL);
		differ += strcmp(msg_str(a, "reasoning"), msg_str(d, "reasoning")) != 0;
		json_decref(a);
		json_decref(b);
		json_decref(d);
	}
	ck_assert_int_gt(differ, 10);
	sim_stop(s);
}
END_TEST

/* Accuracy over N_ITEMS items, graded by the items' own grader. */
static double accuracy(unsigned short port, const char *model, const char *extra, int *n_zh)
{
	int right = 0;

	for (int i = 0; i < N_ITEMS; i++) {
		const tb_item *it = &ts->items[i];
		json_t *j = chat_json(port, model, i, extra, NULL);
		gr_input in = {msg_str(j, "content"), it->expected, it->lang, it->id, NULL};
		gr_result res;

		ck_assert_int_eq(gr_grade(it->grader, &in, &res), TB_OK);
		ck_assert_msg(res.verdict == GR_CORRECT || res.verdict == GR_INCORRECT,
			      "item %s: %s (%s)", it->id, gr_verdict_str(res.verdict), in.answer);
		right += res.verdict == GR_CORRECT;
		if (n_zh && it->lang && strcmp(it->lang, "zh") == 0 && strstr(in.answer, "答案"))
			(*n_zh)++;
		json_decref(j);
	}
	return (double)right / N_ITEMS;
}

START_TEST(accuracy_by_mode)
{
	sim_config c = fast_config();
	sim_server *s = start(&c);
	int zh = 0;
	double think = accuracy(sim_port(s), "qwen/qwen3-14b", NULL, &zh);
	double nothink = accuracy(sim_port(s), "qwen/qwen3-14b", "{\"reasoning\": {\"effort\": \"none\"}}", NULL);
	double qwq = accuracy(sim_port(s), "qwen/qwq-32b", NULL, NULL);

	/* Deterministic for a given seed; 0.05 is two binomial sd at 200 items. */
	ck_assert_msg(fabs(think - 0.86) < 0.05, "think accuracy %.3f", think);
	ck_assert_msg(fabs(nothink - 0.66) < 0.05, "nothink accuracy %.3f", nothink);
	ck_assert_msg(fabs(qwq - 0.90) < 0.05, "qwq accuracy %.3f", qwq);
	ck_assert_msg(think > nothink + 0.1, "think %.3f vs nothink %.3f", think, nothink);
	ck_assert_int_gt(zh, 0);
	sim_stop(s);
}
END_TEST

/* Item difficulty: over many items the profile's accuracy holds, while one
 * model asked one item with two request seeds mostly answers alike (another
 * seed redraws only the sample's noise), unlike independent draws, which at
 * accuracy 0.66 would disagree on 45% of items. */
START_TEST(item_difficulty)
{
	enum { ITEMS = 5000 };
	sim_profiles ps;
	char err[256], key[32];
	const double acc[] = {0.1, 0.35, 0.66, 0.9};

	ck_assert_int_eq(sim_profiles_init(&ps, NULL, err, sizeof(err)), TB_OK);
	for (size_t k = 0; k < sizeof(acc) / sizeof(acc[0]); k++) {
		sim_profile prof = *sim_profiles_find(&ps, "qwen/qwen3-14b");
		long right = 0, differ = 0;

		prof.accuracy[TB_MODE_NOTHINK] = acc[k];
		for (int i = 0; i < ITEMS; i++) {
			sim_ask a = {.model = "m", .prof = &prof, .item = &ts->items[0], .item_key = key,
				     .mode = TB_MODE_NOTHINK, .seed = 1, .sim_seed = 7};
			sim_sample s1, s2;

			snprintf(key, sizeof(key), "d/%d", i);
			ck_assert_int_eq(sim_generate(&a, &s1), TB_OK);
			a.seed = 2;
			ck_assert_int_eq(sim_generate(&a, &s2), TB_OK);
			right += s1.correct == 1;
			differ += s1.correct != s2.correct;
			sim_sample_release(&s1);
			sim_sample_release(&s2);
		}
		printf("item difficulty: accuracy %.2f -> %.4f over %d items; another seed flips %.1f%%\n", acc[k],
		       (double)right / ITEMS, ITEMS, 100.0 * (double)differ / ITEMS);
		/* 0.015 is over two binomial sd at 5000 items; deterministic */
		ck_assert_msg(fabs((double)right / ITEMS - acc[k]) < 0.015, "accuracy %.2f: measured %.4f", acc[k],
			      (double)right / ITEMS);
		ck_assert_msg(differ < 0.4 * 2 * acc[k] * (1 - acc[k]) * ITEMS, "accuracy %.2f: %ld of %d items flip",
			      acc[k], differ, ITEMS);
		ck_assert_int_gt(differ, 0);
	}
	sim_profiles_release(&ps);
}
END_TEST

/* traceinfo's judge for the test: the step's conclusion is the item's value. */
static int states_expected(void *ud, const char *step, size_t len)
{
	char want[256];
	int n = snprintf(want, sizeof(want), "\\boxed{%s}", (const char *)ud);

	return memmem(step, len, want, (size_t)n) != NULL;
}

/* A think trace states an answer partway, as real ones do: right answers
 * mostly state the right value near the profile's first_statement (a fifth
 * state a wrong value first), and three in ten wrong answers state the right
 * value and then lose it. The trace keeps the word count the usage reports,
 * and whether the answer is right does not depend on the trace. */
START_TEST(reasoning_states_answers)
{
	enum { ITEMS = 2000 };
	sim_profiles ps;
	char err[256], key[32];
	long right = 0, right_found = 0, wrong_first = 0, wrong = 0, lost = 0, with_nothink = 0;
	double frac_sum = 0;
	const char *exp_value = ts->items[0].expected;

	ck_assert_ptr_nonnull(exp_value);
	ck_assert_int_eq(sim_profiles_init(&ps, NULL, err, sizeof(err)), TB_OK);
	for (int i = 0; i < ITEMS; i++) {
		const sim_profile *prof = sim_profiles_find(&ps, "qwen/qwen3-14b");
		sim_ask a = {.model = "m", .prof = prof, .item = &ts->items[0], .item_key = key,
			     .mode = TB_MODE_THINK, .seed = 1, .sim_seed = 7};
		sim_sample s;
		const char *r;
		size_t at, first_box;

		snprintf(key, sizeof(key), "t/%d", i);
		ck_assert_int_eq(sim_generate(&a, &s), TB_OK);
		r = tb_buf_str(&s.reasoning);
		ck_assert_int_eq(sim_count_words(r, s.reasoning.len), s.reasoning_tokens);
		at = traceinfo_first_correct(r, s.reasoning.len, states_expected, (void *)exp_value);
		first_box = (size_t)(strstr(r, "\\boxed{") ? strstr(r, "\\boxed{") - r : -1);
		if (s.reasoning_tokens >= 60 && s.correct == 1) {
			right++;
			right_found += at != (size_t)-1;
			wrong_first += at != (size_t)-1 && first_box < at &&
				       strncmp(r + first_box + 7, exp_value, strlen(exp_value)) != 0;
			if (at != (size_t)-1)
				frac_sum += (double)at / (double)s.reasoning.len;
		} else if (s.reasoning_tokens >= 60 && s.correct == 0 && !s.think_cut) {
			wrong++;
			lost += at != (size_t)-1;
		}
		sim_sample_release(&s);
	}
	printf("reasoning: %ld right (%ld state it, %ld a wrong value first, mean position %.2f), "
	       "%ld wrong (%ld found then lost)\n",
	       right, right_found, wrong_first, frac_sum / (double)right_found, wrong, lost);
	ck_assert_int_gt(right, 1000);
	ck_assert_int_eq(right_found, right);
	ck_assert_msg(wrong_first > right / 8 && wrong_first < right * 3 / 10, "%ld of %ld", wrong_first, right);
	ck_assert_msg(lost > wrong / 5 && lost < wrong * 2 / 5, "%ld of %ld", lost, wrong);
	ck_assert_msg(frac_sum / (double)right_found > 0.3 && frac_sum / (double)right_found < 0.75, "%.2f",
		      frac_sum / (double)right_found);
	/* non-thinking samples carry no trace to state anything in */
	for (int i = 0; i < 50; i++) {
		sim_ask a = {.model = "m", .prof = sim_profiles_find(&ps, "qwen/qwen3-14b"), .item = &ts->items[0],
			     .item_key = key, .mode = TB_MODE_NOTHINK, .seed = 1, .sim_seed = 7};
		sim_sample s;

		snprintf(key, sizeof(key), "t/%d", i);
		ck_assert_int_eq(sim_generate(&a, &s), TB_OK);
		with_nothink += s.reasoning.len > 0;
		sim_sample_release(&s);
	}
	ck_assert_int_eq(with_nothink, 0);
	sim_profiles_release(&ps);
}
END_TEST

/* A profile's budget_ignored: that share of budgeted requests thinks as long
 * as it would unbudgeted (an endpoint that does not enforce budgets). */
START_TEST(budget_ignored)
{
	enum { N = 1000 };
	sim_profiles ps;
	char err[256], key[32];
	long ignored = 0;

	ck_assert_int_eq(sim_profiles_init(&ps, NULL, err, sizeof(err)), TB_OK);
	for (int k = 0; k < 3; k++) {
		sim_profile prof = *sim_profiles_find(&ps, "qwen/qwen3-14b");

		prof.budget_ignored = k * 0.5;
		ignored = 0;
		for (int i = 0; i < N; i++) {
			sim_ask a = {.model = "m", .prof = &prof, .item = &ts->items[0], .item_key = key,
				     .mode = TB_MODE_THINK, .seed = 1, .sim_seed = 7};
			sim_sample free_run, capped;

			snprintf(key, sizeof(key), "b/%d", i);
			ck_assert_int_eq(sim_generate(&a, &free_run), TB_OK);
			a.budget = 8;
			ck_assert_int_eq(sim_generate(&a, &capped), TB_OK);
			if (capped.reasoning_tokens == free_run.reasoning_tokens) {
				ignored++;
				ck_assert_int_eq(capped.correct, free_run.correct);
			} else {
				ck_assert_int_eq(capped.reasoning_tokens, 8);
			}
			sim_sample_release(&free_run);
			sim_sample_release(&capped);
		}
		if (k == 0)
			ck_assert_int_eq(ignored, 0);
		else if (k == 1)
			ck_assert_msg(ignored > N * 0.44 && ignored < N * 0.56, "%ld of %d", ignored, N);
		else
			ck_assert_int_eq(ignored, N);
	}
	sim_profiles_release(&ps);
}
END_TEST

START_TEST(budgets)
{
	sim_config c = fast_config();
	sim_server *s = start(&c);
	int stopped = 0;

	for (int i = 0; i < 30; i++) {
		json_t *j = chat_json(sim_port(s), "qwen/qwen3-14b", i, "{\"reasoning\": {\"max_tokens\": 8}}", NULL);

		/* 8 is far below half of what any sample needs: cut in thinking. */
		ck_assert_str_eq(finish_of(j), "length");
		ck_assert_str_eq(msg_str(j, "content"), "");
		ck_assert_int_eq(usage_of(j, "completion_tokens_details", "reasoning_tokens"), 8);
		ck_assert_int_eq(usage_of(j, "completion_tokens", NULL), 8);
		json_decref(j);

		j = chat_json(sim_port(s), "qwen/qwen3-14b", i, "{\"thinking_token_budget\": 1000000}", NULL);
		stopped += strcmp(finish_of(j), "stop") == 0;
		json_decref(j);

		/* max_tokens below the reasoning: cut at max_tokens. */
		j = chat_json(sim_port(s), "qwen/qwen3-14b", i, "{\"max_tokens\": 5}", NULL);
		ck_assert_str_eq(finish_of(j), "length");
		ck_assert_int_eq(usage_of(j, "completion_tokens", NULL), 5);
		json_decref(j);
	}
	ck_assert_int_eq(stopped, 30);
	{
		/* A budget between half and all of the need: thinking cut at B, still answers. */
		json_t *full = chat_json(sim_port(s), "qwen/qwen3-14b", 9, NULL, NULL);
		long need = usage_of(full, "completion_tokens_details", "reasoning_tokens");
		char extra[80];
		json_t *j;

		snprintf(extra, sizeof(extra), "{\"reasoning\": {\"max_tokens\": %ld}}", need * 3 / 4);
		j = chat_json(sim_port(s), "qwen/qwen3-14b", 9, extra, NULL);
		ck_assert_int_eq(usage_of(j, "completion_tokens_details", "reasoning_tokens"), need * 3 / 4);
		ck_assert_str_eq(finish_of(j), "stop");
		ck_assert_ptr_nonnull(strstr(msg_str(j, "content"), "\\boxed{"));
		json_decref(j);
		json_decref(full);
	}
	sim_stop(s);
}
END_TEST

/* Starts a server whose only fault, at rate 1, is the one at `off`. */
static sim_server *with_fault(size_t off)
{
	sim_config c = fast_config();

	c.faults.retry_after_s = 7;
	c.faults.stall_s = 1;
	*(double *)((char *)&c.faults + off) = 1.0;
	return start(&c);
}

static void post(sim_server *s, int stream, http *h)
{
	char *body = request("qwen/qwen3-14b", 1, stream, NULL, NULL);

	fetch(sim_port(s), "/v1/chat/completions", body, h);
	free(body);
}

START_TEST(fault_429_5xx_reset)
{
	sim_server *s = with_fault(offsetof(sim_faults, p429));
	int with = 0, without = 0;
	http h;

	for (int i = 0; i < 10; i++) {
		json_t *j;

		post(s, i & 1, &h);
		ck_assert_int_eq(h.status, 429);
		j = json_loads(tb_buf_str(&h.body), 0, NULL);
		ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(j, "error"), "code")), 429);
		json_decref(j);
		if (strstr(tb_buf_str(&h.headers), "Retry-After: 7\r\n"))
			with++;
		else
			without++;
		http_release(&h);
	}
	ck_assert_int_gt(with, 0);
	ck_assert_int_gt(without, 0);
	sim_stop(s);

	s = with_fault(offsetof(sim_faults, p5xx));
	for (int i = 0; i < 6; i++) {
		json_t *j;

		post(s, i & 1, &h);
		ck_assert_msg(h.status == 500 || h.status == 502 || h.status == 503, "%ld", h.status);
		j = json_loads(tb_buf_str(&h.body), 0, NULL);
		ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(j, "error"), "code")), h.status);
		json_decref(j);
		http_release(&h);
	}
	sim_stop(s);

	s = with_fault(offsetof(sim_faults, p_reset));
	post(s, 0, &h);
	ck_assert_int_ne(h.rc, CURLE_OK);
	ck_assert_int_eq(h.body.len, 0);
	http_release(&h);
	sim_stop(s);
}
END_TEST

START_TEST(fault_malformed_cut_midstream)
{
	sim_server *s = with_fault(offsetof(sim_faults, p_malformed));
	json_t *j;
	http h;
	sse e;

	post(s, 0, &h);
	ck_assert_int_eq(h.status, 200);
	j = json_loads(tb_buf_str(&h.body), 0, NULL);
	ck_assert_ptr_null(j);
	http_release(&h);
	post(s, 1, &h);
	ck_assert_int_eq(h.status, 200);
	sse_parse(tb_buf_str(&h.body), &e);
	ck_assert_int_eq(e.bad_chunks, 1);
	ck_assert(e.done);
	sse_release(&e);
	http_release(&h);
	sim_stop(s);

	s = with_fault(offsetof(sim_faults, p_cut));
	post(s, 1, &h);
	ck_assert_int_ne(h.rc, CURLE_OK);
	sse_parse(tb_buf_str(&h.body), &e);
	ck_assert(!e.done);
	ck_assert_str_eq(e.finish, "");
	ck_assert_int_gt(e.chunks, 0);
	sse_release(&e);
	http_release(&h);
	post(s, 0, &h);
	ck_assert_int_ne(h.rc, CURLE_OK);
	http_release(&h);
	sim_stop(s);

	s = with_fault(offsetof(sim_faults, p_midstream));
	for (int i = 0; i < 4; i++) {
		post(s, 1, &h);
		ck_assert_int_eq(h.status, 200);
		sse_parse(tb_buf_str(&h.body), &e);
		ck_assert_ptr_nonnull(e.error);
		ck_assert_int_eq(json_integer_value(json_object_get(e.error, "code")), 502);
		ck_assert_str_eq(e.finish, "error");
		ck_assert(e.done == (h.rc == CURLE_OK));
		sse_release(&e);
		http_release(&h);
	}
	post(s, 0, &h);
	j = json_loads(tb_buf_str(&h.body), 0, NULL);
	ck_assert_ptr_nonnull(json_object_get(j, "error"));
	ck_assert_str_eq(finish_of(j), "error");
	json_decref(j);
	http_release(&h);
	sim_stop(s);
}
END_TEST

START_TEST(fault_stall)
{
	sim_server *s = with_fault(offsetof(sim_faults, p_stall));
	http h;
	sse e;

	post(s, 1, &h);
	ck_assert_msg(h.secs >= 0.8 && h.secs < 10, "stall took %.2f s", h.secs);
	ck_assert_int_ne(h.rc, CURLE_OK);
	sse_parse(tb_buf_str(&h.body), &e);
	ck_assert(!e.done);
	ck_assert_int_ge(e.chunks, 1);
	sse_release(&e);
	http_release(&h);
	post(s, 0, &h);
	ck_assert_msg(h.secs >= 0.8 && h.secs < 10, "stall took %.2f s", h.secs);
	ck_assert_int_ne(h.rc, CURLE_OK);
	http_release(&h);
	sim_stop(s);
}
END_TEST

START_TEST(stats_and_endpoints)
{
	sim_config c = fast_config();
	sim_server *s;
	json_t *j, *st;
	http h;

	c.faults.p429 = 0.5;
	s = start(&c);
	for (int i = 0; i < 5; i++) {
		char *body = request(i < 3 ? "qwen/qwen3-14b" : "qwen/qwq-32b", i, 0, NULL, NULL);

		fetch(sim_port(s), "/v1/chat/completions", body, &h);
		http_release(&h);
		free(body);
	}
	fetch(sim_port(s), "/sim/stats", NULL, &h);
	ck_assert_int_eq(h.status, 200);
	st = json_loads(tb_buf_str(&h.body), 0, NULL);
	ck_assert_ptr_nonnull(st);
	ck_assert_int_eq(json_integer_value(json_object_get(st, "requests")), 5);
	ck_assert_int_eq(sim_requests(s), 5);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(st, "models"), "qwen/qwen3-14b")), 3);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(st, "models"), "qwen/qwq-32b")), 2);
	ck_assert(json_is_integer(json_object_get(json_object_get(st, "faults"), "429")));
	ck_assert(json_is_integer(json_object_get(json_object_get(st, "faults"), "midstream")));
	json_decref(st);
	http_release(&h);

	fetch(sim_port(s), "/v1/models", NULL, &h);
	ck_assert_int_eq(h.status, 200);
	ck_assert_ptr_nonnull(strstr(tb_buf_str(&h.body), "\"qwen/qwq-32b\""));
	ck_assert_ptr_nonnull(strstr(tb_buf_str(&h.body), "\"qwen/qwen3-vl-32b-instruct\""));
	http_release(&h);

	fetch(sim_port(s), "/nope", NULL, &h);
	ck_assert_int_eq(h.status, 404);
	j = json_loads(tb_buf_str(&h.body), 0, NULL);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(j, "error"), "code")), 404);
	json_decref(j);
	http_release(&h);

	fetch(sim_port(s), "/v1/chat/completions", "{\"model\": ", &h);
	ck_assert_int_eq(h.status, 400);
	j = json_loads(tb_buf_str(&h.body), 0, NULL);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(j, "error"), "code")), 400);
	json_decref(j);
	http_release(&h);

	/* An unknown prompt still gets a valid completion. */
	sim_stop(s);
	c.faults.p429 = 0;
	s = start(&c);
	j = chat_json(sim_port(s), "qwen/qwen3-14b", -1, NULL, NULL);
	ck_assert_int_gt(strlen(msg_str(j, "content")), 0);
	ck_assert_ptr_null(strstr(msg_str(j, "content"), "\\boxed"));
	json_decref(j);
	sim_stop(s);
}
END_TEST

START_TEST(delays)
{
	sim_config c = fast_config();
	sim_server *s;
	json_t *j;
	char *body;
	double expect;
	http h;
	sse e;

	c.time_scale = 0.01;
	s = start(&c);
	body = request("qwen/qwen3-14b", 2, 0, NULL, NULL);
	fetch(sim_port(s), "/v1/chat/completions", body, &h);
	free(body);
	j = json_loads(tb_buf_str(&h.body), 0, NULL);
	/* ttft 700 ms + 1/55 s per further token, times 0.01. */
	expect = (0.7 + (double)(usage_of(j, "completion_tokens", NULL) - 1) / 55.0) * 0.01;
	ck_assert_msg(h.secs >= expect * 0.5 && h.secs < expect * 3 + 1, "took %.3f s, expected %.3f s",
		      h.secs, expect);
	json_decref(j);
	http_release(&h);

	body = request("qwen/qwen3-14b", 2, 1, NULL, NULL);
	fetch(sim_port(s), "/v1/chat/completions", body, &h);
	free(body);
	sse_parse(tb_buf_str(&h.body), &e);
	ck_assert(e.done);
	ck_assert_msg(h.secs >= expect * 0.5 && h.secs < expect * 3 + 1, "stream took %.3f s", h.secs);
	sse_release(&e);
	http_release(&h);
	sim_stop(s);
}
END_TEST

/* 500 connections at once, each answer delayed: all are answered, and in
 * far less time than one after another would take. */
START_TEST(concurrent)
{
	enum { N = 500 };
	sim_config c = fast_config();
	sim_server *s;
	CURLM *m = curl_multi_init();
	static http hs[N];
	CURL *e[N];
	char *bodies[N];
	int running = 1, ok = 0;
	int64_t t0;
	double secs;

	c.time_scale = 0.05;
	s = start(&c);
	curl_multi_setopt(m, CURLMOPT_MAX_TOTAL_CONNECTIONS, 0L);
	curl_multi_setopt(m, CURLMOPT_MAXCONNECTS, (long)N);
	for (int i = 0; i < N; i++) {
		bodies[i] = request("qwen/qwen3-14b", i % N_ITEMS, i & 1,
				    "{\"reasoning\": {\"effort\": \"none\"}}", NULL);
		e[i] = easy(sim_port(s), "/v1/chat/completions", bodies[i], &hs[i]);
		curl_multi_add_handle(m, e[i]);
	}
	t0 = tb_now_us();
	for (int guard = 0; running && guard < 100000; guard++) {
		curl_multi_perform(m, &running);
		if (running)
			curl_multi_poll(m, NULL, 0, 100, NULL);
	}
	secs = (double)(tb_now_us() - t0) / 1e6;
	for (int i = 0; i < N; i++) {
		long status = 0;
		json_t *j = i & 1 ? NULL : json_loads(tb_buf_str(&hs[i].body), 0, NULL);

		curl_easy_getinfo(e[i], CURLINFO_RESPONSE_CODE, &status);
		if (status == 200 && (i & 1 ? strstr(tb_buf_str(&hs[i].body), "data: [DONE]") != NULL
					    : j != NULL))
			ok++;
		json_decref(j);
		curl_multi_remove_handle(m, e[i]);
		curl_easy_cleanup(e[i]);
		http_release(&hs[i]);
		free(bodies[i]);
	}
	curl_multi_cleanup(m);
	ck_assert_int_eq(ok, N);
	/* Each takes >= 0.05 * (450 ms + ~120 tokens / 55 per s) > 0.1 s; serial: > 50 s. */
	ck_assert_msg(secs < 20, "500 requests took %.1f s", secs);
	sim_stop(s);
}
END_TEST

/* Code items: the reference in a fenced block when right; the item's
 * wrong_reference, or the reference with its body replaced, when wrong. */
START_TEST(code_items)
{
	sim_config c = fast_config();
	sim_server *s = start(&c);
	int right = 0, wrong = 0;

	for (size_t i = 0; i < cs->n_items; i++) {
		json_t *j = chat_json(sim_port(s), "qwen/qwen3-14b", CODE((int)i), NULL, NULL);
		const char *a = msg_str(j, "content");

		ck_assert_ptr_nonnull(strstr(a, "```python\ndef add(a, b):\n"));
		ck_assert(a[strlen(a) - 1] == '`');
		if (strstr(a, "return a + b"))
			right++;
		else if (strstr(a, cs->items[i].wrong_reference ? "return a - b" : "    return None\n"))
			wrong++;
		json_decref(j);
	}
	ck_assert_int_eq(right + wrong, (int)cs->n_items);
	ck_assert_int_gt(right, 0);
	ck_assert_int_gt(wrong, 0);
	sim_stop(s);
}
END_TEST

START_TEST(profile_overrides)
{
	sim_config c = fast_config();
	sim_server *s = NULL;
	json_t *prof = json_loads("{\"models\": {\"qwen/qwen3-14b\": {\"accuracy_think\": 1, "
				  "\"reasoning_tokens\": 50, \"reasoning_spread\": 0}, "
				  "\"acme/tiny\": {\"modes\": [\"nothink\"], \"accuracy_nothink\": 0}}}",
				  0, NULL);
	char err[512] = "";
	http h;

	ck_assert_ptr_nonnull(prof);
	c.profiles = prof;
	s = start(&c);
	for (int i = 0; i < 20; i++) {
		const tb_item *it = &ts->items[i];
		json_t *j = chat_json(sim_port(s), "qwen/qwen3-14b", i, NULL, NULL);
		gr_input in = {msg_str(j, "content"), it->expected, it->lang, it->id, NULL};
		gr_result res;

		ck_assert_int_eq(usage_of(j, "completion_tokens_details", "reasoning_tokens"), 50);
		ck_assert_int_eq(gr_grade(it->grader, &in, &res), TB_OK);
		ck_assert_int_eq(res.verdict, GR_CORRECT);
		json_decref(j);
		j = chat_json(sim_port(s), "acme/tiny", i, "{\"reasoning\": {\"enabled\": true}}", NULL);
		in.answer = msg_str(j, "content");
		ck_assert_int_eq(usage_of(j, "completion_tokens_details", "reasoning_tokens"), 0);
		ck_assert_int_eq(gr_grade(it->grader, &in, &res), TB_OK);
		ck_assert_int_eq(res.verdict, GR_INCORRECT);
		json_decref(j);
	}
	fetch(sim_port(s), "/v1/models", NULL, &h);
	ck_assert_ptr_nonnull(strstr(tb_buf_str(&h.body), "\"acme/tiny\""));
	http_release(&h);
	sim_stop(s);
	json_decref(prof);

	prof = json_loads("{\"models\": {\"x/y\": {\"bogus\": 1}}}", 0, NULL);
	c.profiles = prof;
	s = NULL;
	ck_assert_int_ne(sim_start(&c, suites, n_suites, &s, err, sizeof(err)), TB_OK);
	ck_assert_ptr_null(s);
	ck_assert_ptr_nonnull(strstr(err, "bogus"));
	json_decref(prof);
	c.profiles = NULL;
	c.think_format = "xml";
	ck_assert_int_ne(sim_start(&c, suites, n_suites, &s, err, sizeof(err)), TB_OK);
	c.think_format = "field";
	c.host = "0.0.0.0";
	ck_assert_int_ne(sim_start(&c, suites, n_suites, &s, err, sizeof(err)), TB_OK);
	ck_assert_ptr_nonnull(strstr(err, "loopback"));
}
END_TEST

/* `thinkbench sim` refuses bad usage with exit code 2. */
START_TEST(cli_usage)
{
	static const char *const bad[] = {"--port nope", "--fault-429 2", "--think-format xml",
					  "--bogus", "extra", "--suite /nonexistent/x.jsonl"};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char cmd[512];
		int st;

		snprintf(cmd, sizeof(cmd), "'%s' sim --port 0 %s 2>/dev/null", TB_BINARY, bad[i]);
		st = system(cmd);
		ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 2, "'%s' gave %d", bad[i], st);
	}
}
END_TEST

/* Runs before the tests start, so no ck_assert here. */
static int write_suite(const char *path)
{
	FILE *f = fopen(path, "wb");

	if (!f)
		return TB_ERR;
	fprintf(f, "{\"suite\": {\"name\": \"simt\", \"grader\": {\"type\": \"numeric\"}, \"lang\": \"en\"}}\n");
	for (int i = 0; i < N_ITEMS; i++) {
		int a = 3 * i + 1, b = 7 * i + 2;

		if (i % 10 == 9)
			fprintf(f, "{\"id\": \"q%03d\", \"prompt\": \"问题 %d：%d 加 %d 等于多少？\", \"answer\": \"%d\", \"lang\": \"zh\"}\n",
				i, i, a, b, a + b);
		else
			fprintf(f, "{\"id\": \"q%03d\", \"prompt\": \"Question %d: what is %d plus %d?\", \"answer\": \"%d\"}\n",
				i, i, a, b, a + b);
	}
	return fclose(f) == 0 ? TB_OK : TB_ERR;
}

static int write_suites(const char *dir_path)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/code.jsonl", dir_path);
	f = fopen(path, "wb");
	if (!f)
		return TB_ERR;
	fprintf(f, "{\"suite\": {\"name\": \"simcode\", \"grader\": {\"type\": \"exec\", "
		   "\"language\": \"python\", \"tests\": \"assert add(1, 2) == 3\\n\", "
		   "\"entry_point\": \"add\"}}}\n");
	for (int i = 0; i < 40; i++)
		fprintf(f, "{\"id\": \"c%02d\", \"prompt\": \"Write add(a, b), variant %d.\", "
			   "\"reference\": \"def add(a, b):\\n    return a + b\\n\"%s}\n", i, i,
			i % 2 ? ", \"wrong_reference\": \"def add(a, b):\\n    return a - b\\n\"" : "");
	if (fclose(f) != 0)
		return TB_ERR;
	snprintf(path, sizeof(path), "%s/simt.jsonl", dir_path);
	return write_suite(path);
}

static int collect_ttft(void *ud, const tb_sample *smp)
{
	stats_vec *v = ud;

	return isfinite(smp->ttft_ms) ? stats_vec_push(v, smp->ttft_ms) : 0;
}

/* `thinkbench run` at -j 256 against a simulator in its own process: 256
 * requests in one burst, a TTFT of 5 s and 10 answer tokens at 5 a second.
 * The simulator answers each request's first token at its arrival plus
 * TTFT however many others are in flight, so the measured TTFT is the
 * profile's: the earliest tenth to within 3% (before, the first chunk went
 * when its third token was due, 400 ms late), the median within 20% (what
 * the burst's handling may add: well under a second of CPU even under ASan
 * on a loaded machine). */
START_TEST(ttft_at_high_concurrency)
{
	char path[700], profiles[600], models[600], out[600], log[600], extra[700], err[512];
	char *argv[] = {"thinkbench", "run", "--suite", path, "--models", models, "--out", out, "--run-id", "j256",
			"--model", "qwen/qwen3-14b", "--mode", "nothink", "--samples", "2", "--limit", "128", "-j",
			"256", "--quiet", "--no-summary", NULL};
	int port = tu_free_port();
	stats_vec v;
	tb_store *st;
	double p10, p50;
	pid_t sim;

	snprintf(path, sizeof(path), "%s/simt.jsonl", dir);
	snprintf(profiles, sizeof(profiles), "%s/ttft-profiles.json", dir);
	snprintf(models, sizeof(models), "%s/ttft-models.json", dir);
	snprintf(out, sizeof(out), "%s/ttft-results", dir);
	snprintf(log, sizeof(log), "%s/ttft-run.log", dir);
	tu_write_file(profiles, "{\"models\": {\"qwen/qwen3-14b\": {\"ttft_ms_nothink\": 5000, "
				"\"tokens_per_s\": 5, \"answer_tokens_nothink\": 10}}}\n");
	tu_write_models(models, port, NULL);
	snprintf(extra, sizeof(extra), "--time-scale 1 --quiet --profiles '%s'", profiles);
	sim = tu_start_sim(dir, port, path, extra);
	ck_assert_msg(tu_run_tb(argv, log, NULL, 120) == 0, "the run failed; see %s", log);
	tu_stop_sim(sim);
	snprintf(path, sizeof(path), "%s/j256/store.sqlite", out);
	ck_assert_msg(store_open(path, 1, &st, err, sizeof(err)) == TB_OK, "%s", err);
	stats_vec_init(&v, 10000);
	ck_assert_msg(store_each_sample(st, collect_ttft, &v, err, sizeof(err)) == TB_OK, "%s", err);
	store_close(st);
	ck_assert_uint_eq(v.n, 256);
	p10 = stats_percentile(v.v, v.n, 10);
	p50 = stats_percentile_sorted(v.v, v.n, 50);
	printf("-j 256, TTFT profile 5000 ms: measured p10 %.0f ms, p50 %.0f ms, p90 %.0f ms\n", p10, p50,
	       stats_percentile_sorted(v.v, v.n, 90));
	ck_assert_msg(p10 >= 4990 && p10 <= 5150, "p10 %.0f ms, not the profile's 5000 ms", p10);
	ck_assert_msg(p50 <= 6000, "p50 %.0f ms: more than 20%% past the profile's 5000 ms", p50);
	stats_vec_release(&v);
}
END_TEST

static Suite *sim_suite(void)
{
	Suite *s = suite_create("sim");
	TCase *t = tcase_create("sim");

	tcase_set_timeout(t, 60);
	tcase_add_test(t, nonstream_shapes);
	tcase_add_test(t, mode_switches);
	tcase_add_test(t, stream_matches_nonstream);
	tcase_add_test(t, think_formats);
	tcase_add_test(t, repeatable);
	tcase_add_test(t, accuracy_by_mode);
	tcase_add_test(t, item_difficulty);
	tcase_add_test(t, reasoning_states_answers);
	tcase_add_test(t, budget_ignored);
	tcase_add_test(t, budgets);
	tcase_add_test(t, fault_429_5xx_reset);
	tcase_add_test(t, fault_malformed_cut_midstream);
	tcase_add_test(t, fault_stall);
	tcase_add_test(t, stats_and_endpoints);
	tcase_add_test(t, delays);
	tcase_add_test(t, concurrent);
	tcase_add_test(t, code_items);
	tcase_add_test(t, profile_overrides);
	tcase_add_test(t, cli_usage);
	tcase_add_test(t, ttft_at_high_concurrency);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	char err[512];
	int rc;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	dir = tu_mkdtemp();
	if (!dir || write_suites(dir) != TB_OK ||
	    suite_load_path(dir, 0, &suites, &n_suites, err, sizeof(err)) != TB_OK) {
		fprintf(stderr, "cannot set up the test suites: %s\n", dir ? err : "no temp folder");
		return 1;
	}
	for (size_t i = 0; i < n_suites; i++) {
		if (strcmp(suites[i]->name, "simt") == 0)
			ts = suites[i];
		if (strcmp(suites[i]->name, "simcode") == 0)
			cs = suites[i];
	}
	if (!ts || !cs || ts->n_items != N_ITEMS) {
		fprintf(stderr, "the test suites did not load as written\n");
		return 1;
	}
	rc = tu_run(sim_suite());
	for (size_t i = 0; i < n_suites; i++)
		suite_free(suites[i]);
	free(suites);
	tu_rmtree(dir);
	free(dir);
	curl_global_cleanup();
	return rc;
}
