/* Responses built from the real payloads in ../shared/payloads (streams
 * through the SSE parser, bodies, JSON Lines), plus timing, ceilings and
 * hostile input. */
#include <check.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rc.h"
#include "resp.h"
#include "sse.h"
#include "testutil.h"

enum { MAX_TEXT = 1 << 20 };

typedef struct stream {
	tb_resp *r;
	int64_t now_us;
} stream;

/* Each event arrives 1000 us after the previous one. */
static int on_event(void *ud, const char *event, const char *data, size_t len)
{
	stream *st = ud;

	(void)event;
	st->now_us += 1000;
	ck_assert_int_eq(resp_on_chunk(st->r, data, len, st->now_us), TB_OK);
	return 0;
}

static long run_sse(const char *rel, tb_resp *r)
{
	sse_parser p;
	stream st = {r, 0};
	size_t n;
	char *s = tu_read_file(tu_shared(rel), &n);
	long events;

	ck_assert_ptr_nonnull(s);
	sse_init(&p, MAX_TEXT, on_event, &st);
	ck_assert_int_eq(sse_feed(&p, s, n), TB_OK);
	events = p.events;
	sse_release(&p);
	free(s);
	return events;
}

/* Drops // comments outside strings, as in the docs' .jsonc examples. */
static char *strip_jsonc(const char *s, size_t *n)
{
	tb_buf b;
	int in_str = 0;

	tb_buf_init(&b, 1 << 20);
	for (size_t i = 0; i < *n; i++) {
		if (in_str) {
			if (s[i] == '\\' && i + 1 < *n)
				tb_buf_add(&b, s + i++, 1);
			else if (s[i] == '"')
				in_str = 0;
		} else if (s[i] == '"') {
			in_str = 1;
		} else if (s[i] == '/' && i + 1 < *n && s[i + 1] == '/') {
			while (i < *n && s[i] != '\n')
				i++;
			if (i == *n)
				break;
		}
		tb_buf_add(&b, s + i, 1);
	}
	*n = b.len;
	return tb_buf_detach(&b);
}

/* Reads a payload, without comments when it is .jsonc; the caller frees. */
static char *payload(const char *rel, size_t *n)
{
	char *s = tu_read_file(tu_shared(rel), n);
	char *t;

	ck_assert_ptr_nonnull(s);
	if (!strstr(rel, ".jsonc"))
		return s;
	t = strip_jsonc(s, n);
	free(s);
	return t;
}

static int body_file(const char *rel, tb_resp *r)
{
	size_t n;
	char *s = payload(rel, &n);
	int rc = resp_parse_body(r, s, n);

	free(s);
	return rc;
}

static int chunk_file(const char *rel, tb_resp *r, int64_t now)
{
	size_t n;
	char *s = payload(rel, &n);
	int rc = resp_on_chunk(r, s, n, now);

	free(s);
	return rc;
}

/* Sends {"choices":[{"delta":{field: text}}]}. */
static int delta(tb_resp *r, const char *field, const char *text, int64_t now)
{
	json_t *j = json_pack("{s:[{s:{s:s}}]}", "choices", "delta", field, text);
	char *s = json_dumps(j, 0);
	int rc = resp_on_chunk(r, s, strlen(s), now);

	free(s);
	json_decref(j);
	return rc;
}

START_TEST(t_stream_reasoning_then_content)
{
	tb_resp r;

	resp_init(&r, MAX_TEXT);
	ck_assert_int_eq(run_sse("payloads/openrouter-stream-reasoning-then-content.sse", &r), 8);
	ck_assert_str_eq(tb_buf_str(&r.reasoning),
			 "I need to think about this step by step... First, I should analyze the "
			 "request. Then I should provide a helpful response.");
	ck_assert_str_eq(tb_buf_str(&r.content), "Hello! How can I help you today?");
	ck_assert_str_eq(r.finish_reason, "stop");
	ck_assert_str_eq(r.native_finish_reason, "");
	ck_assert_str_eq(r.generation_id, "chatcmpl-order-test");
	ck_assert_str_eq(r.model, "gpt-3.5-turbo-0125");
	ck_assert_int_eq(r.prompt_tokens, 17);
	ck_assert_int_eq(r.completion_tokens, 30);
	ck_assert_int_eq(r.reasoning_tokens, -1);
	ck_assert_int_eq(r.cached_tokens, -1);
	ck_assert(isnan(r.cost));
	ck_assert_str_eq(r.error_code, "");
	ck_assert_int_eq(r.done, 1);
	ck_assert_int_eq(r.chunks, 7);
	ck_assert_int_eq(r.t_first_token_us, 1000);
	ck_assert_int_eq(r.t_first_answer_us, 4000);
	resp_release(&r);
}
END_TEST

START_TEST(t_stream_usage_reasoning_tokens)
{
	tb_resp r;

	resp_init(&r, MAX_TEXT);
	ck_assert_int_eq(run_sse("payloads/openrouter-stream-usage-reasoning-tokens.sse", &r), 3);
	ck_assert_str_eq(tb_buf_str(&r.content), "Hello");
	ck_assert_int_eq(r.reasoning.len, 0);
	ck_assert_str_eq(r.finish_reason, "stop");
	ck_assert_str_eq(r.model, "anthropic/claude-3.5-sonnet");
	ck_assert_int_eq(r.prompt_tokens, 50);
	ck_assert_int_eq(r.completion_tokens, 30);
	ck_assert_int_eq(r.reasoning_tokens, 5);
	ck_assert_int_eq(r.cached_tokens, 10);
	ck_assert_int_eq(r.done, 1);
	ck_assert_int_eq(r.t_first_token_us, 1000);
	ck_assert_int_eq(r.t_first_answer_us, 1000);
	resp_release(&r);
}
END_TEST

START_TEST(t_stream_midstream_errors)
{
	tb_resp r;

	resp_init(&r, MAX_TEXT);
	ck_assert_int_eq(run_sse("payloads/openrouter-midstream-error.sse", &r), 1);
	ck_assert_str_eq(r.error_code, "429");
	ck_assert_str_eq(r.error_message, "Rate limit exceeded");
	ck_assert_str_eq(r.error_type, "rate_limit_exceeded");
	ck_assert_str_eq(r.finish_reason, "error");
	ck_assert_str_eq(r.provider, "OpenAI");
	ck_assert_str_eq(r.generation_id, "gen-abc123");
	ck_assert_int_eq(r.content.len, 0);
	/* The empty content delta is no token. */
	ck_assert_int_eq(r.t_first_token_us, -1);
	ck_assert_int_eq(r.t_first_answer_us, -1);
	ck_assert_int_eq(r.done, 0);
	resp_release(&r);

	resp_init(&r, MAX_TEXT);
	ck_assert_int_eq(run_sse("payloads/openrouter-midstream-error-streaming-doc.sse", &r), 1);
	ck_assert_str_eq(r.error_code, "server_error");
	ck_assert_str_eq(r.error_message, "Provider disconnected unexpectedly");
	ck_assert_str_eq(r.error_type, "");
	ck_assert_str_eq(r.finish_reason, "error");
	ck_assert_str_eq(r.provider, "openai");
	ck_assert_str_eq(r.model, "openai/gpt-4o");
	resp_release(&r);
}
END_TEST

START_TEST(t_stream_keepalive_only)
{
	tb_resp r;

	resp_init(&r, MAX_TEXT);
	ck_assert_int_eq(run_sse("payloads/openrouter-keepalive-comment.sse", &r), 0);
	ck_assert_int_eq(r.chunks, 0);
	ck_assert_int_eq(r.t_first_token_us, -1);
	resp_release(&r);
}
END_TEST

/* JSON per line, no "data:" framing; usage rides on the finish chunk. */
START_TEST(t_deepseek_jsonl)
{
	tb_resp r;
	size_t n;
	char *s = tu_read_file(tu_shared("payloads/deepseek-stream-usage-on-finish-chunk.jsonl"), &n);
	char *line = s, *nl;
	int lines = 0;

	ck_assert_ptr_nonnull(s);
	resp_init(&r, MAX_TEXT);
	while (line < s + n) {
		nl = memchr(line, '\n', (size_t)(s + n - line));
		if (!nl)
			nl = s + n;
		lines++;
		ck_assert_int_eq(resp_on_chunk(&r, line, (size_t)(nl - line), lines * 1000), TB_OK);
		line = nl + 1;
	}
	ck_assert_int_eq(lines, 2);
	ck_assert_int_eq(r.chunks, 2);
	ck_assert_str_eq(tb_buf_str(&r.content), "sanitized");
	ck_assert_str_eq(r.finish_reason, "length");
	ck_assert_str_eq(r.model, "deepseek-v4-flash");
	ck_assert_int_eq(r.prompt_tokens, 88);
	ck_assert_int_eq(r.completion_tokens, 4);
	ck_assert_int_eq(r.reasoning_tokens, 4);
	ck_assert_int_eq(r.cached_tokens, 0);
	ck_assert(isnan(r.cost));
	ck_assert_int_eq(r.t_first_token_us, 2000);
	ck_assert_int_eq(r.t_first_answer_us, 2000);
	resp_release(&r);
	free(s);
}
END_TEST

START_TEST(t_body_deepseek)
{
	tb_resp r;

	resp_init(&r, MAX_TEXT);
	ck_assert_int_eq(body_file("payloads/deepseek-nonstream-reasoning-content.json", &r), TB_OK);
	ck_assert_str_eq(tb_buf_str(&r.content),
			 "There are **3** \xe2\x80\x9cr\xe2\x80\x9ds in **\xe2\x80\x9cstrawberry\xe2\x80\x9d**.");
	ck_assert(strncmp(tb_buf_str(&r.reasoning), "We need answer simple. Count r in strawberry.", 45) == 0);
	ck_assert_ptr_nonnull(strstr(tb_buf_str(&r.reasoning), "\"strawberry\" letters"));
	ck_assert_int_ge(r.reasoning.len, 22);
	ck_assert_str_eq(tb_buf_str(&r.reasoning) + r.reasoning.len - 22, "Total 3. Need respond.");
	ck_assert_str_eq(r.finish_reason, "stop");
	ck_assert_str_eq(r.generation_id, "96ab47fa-9056-448e-8293-24546c4b4c2a");
	ck_assert_int_eq(r.prompt_tokens, 97);
	ck_assert_int_eq(r.completion_tokens, 131);
	ck_assert_int_eq(r.reasoning_tokens, 113);
	ck_assert_int_eq(r.cached_tokens, 0);
	ck_assert_int_eq(r.t_first_token_us, -1);
	ck_assert_int_eq(r.t_first_answer_us, -1);
	ck_assert_int_eq(r.chunks, 0);
	resp_release(&r);
}
END_TEST

START_TEST(t_body_reasoning_details)
{
	tb_resp r;

	resp_init(&r, MAX_TEXT);
	ck_assert_int_eq(body_file("payloads/openrouter-nonstream-reasoning-details.json", &r), TB_OK);
	/* The summary, then the text; nothing between (stream deltas join the same way). */
	ck_assert_str_eq(tb_buf_str(&r.reasoning),
			 "Analyzed the problem by breaking it into components"
			 "Let me work through this systematically:\n1. First consideration...\n"
			 "2. Second consideration...");
	ck_assert_str_eq(tb_buf_str(&r.content), "Based on my analysis, I recommend the following approach...");
	ck_assert_str_eq(r.finish_reason, "");
	ck_assert_int_eq(r.prompt_tokens, -1);
	resp_release(&r);
}
END_TEST

START_TEST(t_body_jsonc_docs)
{
	tb_resp r;

	resp_init(&r, MAX_TEXT);
	ck_assert_int_eq(body_file("payloads/openrouter-nonstream-response-example.jsonc", &r), TB_OK);
	ck_assert_str_eq(tb_buf_str(&r.content), "Hello there!");
	ck_assert_str_eq(r.finish_reason, "stop");
	ck_assert_str_eq(r.native_finish_reason, "stop");
	ck_assert_str_eq(r.generation_id, "gen-xxxxxxxxxxxxxx");
	ck_assert_str_eq(r.model, "openai/gpt-4o");
	ck_assert_int_eq(r.prompt_tokens, 10);
	ck_assert_int_eq(r.completion_tokens, 4);
	ck_assert_int_eq(r.reasoning_tokens, 0);
	ck_assert_int_eq(r.cached_tokens, 0);
	ck_assert_double_eq_tol(r.cost, 0.00014, 1e-12);
	resp_release(&r);

	resp_init(&r, MAX_TEXT);
	ck_assert_int_eq(body_file("payloads/llamacpp-usage.jsonc", &r), TB_OK);
	ck_assert_int_eq(r.prompt_tokens, 44);
	ck_assert_int_eq(r.completion_tokens, 48);
	ck_assert_int_eq(r.reasoning_tokens, -1);
	ck_assert_int_eq(r.cached_tokens, 0);
	ck_assert(isnan(r.cost));
	resp_release(&r);

	/* choices: [] must be guarded. */
	resp_init(&r, MAX_TEXT);
	ck_assert_int_eq(body_file("payloads/llamacpp-timings.jsonc", &r), TB_OK);
	ck_assert_str_eq(r.generation_id, "chatcmpl-ecQULm0WqPrftUqjPZO1CFYeDjGZNbDu");
	ck_assert_int_eq(r.content.len, 0);
	ck_assert_int_eq(r.prompt_tokens, -1);
	resp_release(&r);
}
END_TEST

/* vLLM's documented chunk has a trailing comma: invalid JSON, so TB_PARSE;
 * without the comma it is a reasoning delta. */
START_TEST(t_vllm_chunk)
{
	tb_resp r;
	size_t n;
	char *s = payload("payloads/vllm-stream-delta-reasoning.jsonc", &n);
	char *comma = strstr(s, "\"is\",");

	ck_assert_ptr_nonnull(comma);
	resp_init(&r, MAX_TEXT);
	ck_assert_int_eq(resp_on_chunk(&r, s, n, 5), TB_PARSE);
	ck_assert_int_eq(r.chunks, 0);
	comma[4] = ' ';
	ck_assert_int_eq(resp_on_chunk(&r, s, n, 7), TB_OK);
	ck_assert_str_eq(tb_buf_str(&r.reasoning), "is");
	ck_assert_str_eq(r.model, "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B");
	ck_assert_str_eq(r.generation_id, "chatcmpl-123");
	ck_assert_int_eq(r.t_first_token_us, 7);
	ck_assert_int_eq(r.t_first_answer_us, -1);
	resp_release(&r);
	free(s);
}
END_TEST

START_TEST(t_chunk_files)
{
	tb_resp r;

	resp_init(&r, MAX_TEXT);
	ck_assert_int_eq(chunk_file("payloads/openrouter-stream-delta-reasoning-details.json", &r, 3), TB_OK);
	ck_assert_str_eq(tb_buf_str(&r.reasoning), "Let me think about this step by step...");
	ck_assert_int_eq(r.t_first_token_us, 3);
	ck_assert_int_eq(chunk_file("payloads/openrouter-usage-final-chunk.json", &r, 9), TB_OK);
	ck_assert_int_eq(r.prompt_tokens, 194);
	ck_assert_int_eq(r.completion_tokens, 2);
	ck_assert_int_eq(r.reasoning_tokens, 0);
	ck_assert_int_eq(r.cached_tokens, 0);
	ck_assert_double_eq_tol(r.cost, 0.95, 1e-12);
	ck_assert_int_eq(r.chunks, 2);
	resp_release(&r);
}
END_TEST

START_TEST(t_error_bodies)
{
	static const struct {
		const char *file, *code, *message, *type;
	} cases[] = {
		{"payloads/openrouter-error-403-guardrail.json", "403",
		 "Request blocked: prompt injection patterns detected", ""},
		{"payloads/openrouter-error-429-provider.json", "429", "Rate limit exceeded",
		 "rate_limit_exceeded"},
		{"payloads/openrouter-error-prestream-400.json", "400", "Invalid model specified", ""},
		/* No error.code: http_status stands in. */
		{"payloads/openrouter-error-capacity-exhausted.json", "429",
		 "All providers for anthropic/claude-sonnet-4.5 are at capacity. Retry after 40 seconds.",
		 "rate_limit_exceeded"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		tb_resp r;

		resp_init(&r, MAX_TEXT);
		ck_assert_int_eq(body_file(cases[i].file, &r), TB_OK);
		ck_assert_str_eq(r.error_code, cases[i].code);
		ck_assert_str_eq(r.error_message, cases[i].message);
		ck_assert_str_eq(r.error_type, cases[i].type);
		ck_assert_int_eq(r.content.len, 0);
		resp_release(&r);
	}
}
END_TEST

START_TEST(t_error_shapes)
{
	tb_resp r;
	static const char real_code[] = "{\"error\":{\"code\":502.0,\"message\":\"bad gateway\"}}";
	static const char no_code[] = "{\"error\":{\"message\":\"odd\"}}";
	static const char as_string[] = "{\"error\":\"plain text\"}";
	static const char null_error[] = "{\"error\":null,\"id\":\"x\"}";

	resp_init(&r, MAX_TEXT);
	ck_assert_int_eq(resp_parse_body(&r, real_code, strlen(real_code)), TB_OK);
	ck_assert_str_eq(r.error_code, "502");
	resp_release(&r);
	resp_init(&r, MAX_TEXT);
	ck_assert_int_eq(resp_parse_body(&r, no_code, strlen(no_code)), TB_OK);
	ck_assert_str_eq(r.error_code, "error");
	ck_assert_str_eq(r.error_message, "odd");
	resp_release(&r);
	resp_init(&r, MAX_TEXT);
	ck_assert_int_eq(resp_parse_body(&r, as_string, strlen(as_string)), TB_OK);
	ck_assert_str_eq(r.error_code, "error");
	ck_assert_str_eq(r.error_message, "plain text");
	resp_release(&r);
	resp_init(&r, MAX_TEXT);
	ck_assert_int_eq(resp_on_chunk(&r, null_error, strlen(null_error), 1), TB_OK);
	ck_assert_str_eq(r.error_code, "");
	ck_assert_str_eq(r.generation_id, "x");
	resp_release(&r);
}
END_TEST

START_TEST(t_fields_null_and_priority)
{
	tb_resp r;
	static const char nulls[] =
		"{\"choices\":[{\"delta\":{\"content\":null,\"reasoning\":null,"
		"\"reasoning_content\":null,\"reasoning_details\":null},\"finish_reason\":null}],"
		"\"usage\":null}";
	static const char both[] =
		"{\"choices\":[{\"delta\":{\"reasoning\":\"abc\",\"reasoning_details\":"
		"[{\"type\":\"reasoning.text\",\"text\":\"abc\"}]}}]}";
	static const char fallback[] =
		"{\"choices\":[{\"delta\":{\"reasoning\":\"\",\"reasoning_content\":\"def\"}}]}";
	static const char details[] =
		"{\"choices\":[{\"delta\":{\"reasoning_details\":[{\"type\":\"reasoning.encrypted\","
		"\"data\":\"xyz\"},{\"type\":\"reasoning.summary\",\"summary\":\"ghi\"},{\"text\":\"no type\"},"
		"7,{\"type\":\"reasoning.text\",\"text\":null}]}}]}";
	static const char finish[] =
		"{\"choices\":[{\"delta\":{},\"finish_reason\":\"length\",\"native_finish_reason\":\"max_tokens\"}]}";
	static const char no_choices[] = "{\"choices\":{},\"id\":7}";
	static const char usage1[] = "{\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":6,\"cost\":0.5}}";
	static const char usage2[] = "{\"choices\":[],\"usage\":{\"prompt_tokens\":8,\"completion_tokens\":-3}}";

	resp_init(&r, MAX_TEXT);
	ck_assert_int_eq(resp_on_chunk(&r, nulls, strlen(nulls), 1), TB_OK);
	ck_assert_int_eq(r.reasoning.len + r.content.len, 0);
	ck_assert_int_eq(r.t_first_token_us, -1);
	ck_assert_int_eq(resp_on_chunk(&r, both, strlen(both), 2), TB_OK);
	ck_assert_str_eq(tb_buf_str(&r.reasoning), "abc");
	ck_assert_int_eq(resp_on_chunk(&r, fallback, strlen(fallback), 3), TB_OK);
	ck_assert_int_eq(resp_on_chunk(&r, details, strlen(details), 4), TB_OK);
	ck_assert_str_eq(tb_buf_str(&r.reasoning), "abcdefghi");
	ck_assert_int_eq(resp_on_chunk(&r, finish, strlen(finish), 5), TB_OK);
	ck_assert_int_eq(resp_on_chunk(&r, nulls, strlen(nulls), 6), TB_OK);
	/* A later null finish_reason does not erase the one remembered. */
	ck_assert_str_eq(r.finish_reason, "length");
	ck_assert_str_eq(r.native_finish_reason, "max_tokens");
	ck_assert_int_eq(resp_on_chunk(&r, no_choices, strlen(no_choices), 7), TB_OK);
	ck_assert_str_eq(r.generation_id, "");
	ck_assert_int_eq(resp_on_chunk(&r, usage1, strlen(usage1), 8), TB_OK);
	ck_assert_int_eq(r.prompt_tokens, 5);
	ck_assert_double_eq_tol(r.cost, 0.5, 1e-12);
	/* The latest usage wins as a whole; a negative count is unknown. */
	ck_assert_int_eq(resp_on_chunk(&r, usage2, strlen(usage2), 9), TB_OK);
	ck_assert_int_eq(r.prompt_tokens, 8);
	ck_assert_int_eq(r.completion_tokens, -1);
	ck_assert(isnan(r.cost));
	ck_assert_int_eq(r.t_first_token_us, 2);
	ck_assert_int_eq(r.t_first_answer_us, -1);
	ck_assert_int_eq(resp_on_chunk(&r, " [DONE]\n", 8, 10), TB_OK);
	ck_assert_int_eq(r.done, 1);
	ck_assert_int_eq(r.chunks, 9);
	resp_release(&r);
}
END_TEST

START_TEST(t_nul_in_content)
{
	tb_resp r;
	static const char s[] = "{\"choices\":[{\"delta\":{\"content\":\"a\\u0000b\"}}]}";
	static const char two[] = "{\"choices\":[{\"message\":{\"content\":\"x\\u0000\\u0000y 42\"}}]}";

	/* kept as the escape it came as: a C string would end at a NUL byte */
	resp_init(&r, MAX_TEXT);
	ck_assert_int_eq(resp_on_chunk(&r, s, strlen(s), 1), TB_OK);
	ck_assert_int_eq(r.content.len, 8);
	ck_assert_str_eq(r.content.data, "a\\u0000b");
	resp_release(&r);
	resp_init(&r, MAX_TEXT);
	ck_assert_int_eq(resp_parse_body(&r, two, strlen(two)), TB_OK);
	ck_assert_str_eq(r.content.data, "x\\u0000\\u0000y 42");
	resp_release(&r);
}
END_TEST

/* Stream timings: the second chunk with text, and the gaps between chunks
 * with text; a chunk without text (usage alone) is no token. */
START_TEST(t_chunk_times)
{
	static const char *const text = "{\"choices\":[{\"delta\":{\"content\":\"ab\"}}]}";
	static const char *const usage = "{\"choices\":[],\"usage\":{\"prompt_tokens\":3}}";
	tb_resp r;

	resp_init(&r, MAX_TEXT);
	ck_assert_int_eq(resp_on_chunk(&r, text, strlen(text), 100000), TB_OK);
	ck_assert_int_eq(resp_on_chunk(&r, text, strlen(text), 150000), TB_OK);
	ck_assert_int_eq(resp_on_chunk(&r, text, strlen(text), 250000), TB_OK);
	ck_assert_int_eq(resp_on_chunk(&r, usage, strlen(usage), 900000), TB_OK);
	ck_assert_int_eq(r.t_first_token_us, 100000);
	ck_assert_int_eq(r.t_second_token_us, 150000);
	ck_assert_uint_eq(r.gaps.n, 2);
	ck_assert(fabs(tb_gaps_quantile_ms(&r.gaps, 0.5) - 50) < 2.5);
	ck_assert(fabs(tb_gaps_quantile_ms(&r.gaps, 0.99) - 100) < 5);
	resp_release(&r);
}
END_TEST

/* Usage numbers from an endpoint: believed only when they are believable;
 * the rest are dropped with a flag, never with the answer. Both parsers. */
START_TEST(t_usage_checked)
{
	static const struct {
		const char *usage;
		long prompt, completion;
		int cost_known, invalid;
	} cases[] = {
		{"{\"prompt_tokens\":12,\"completion_tokens\":30,\"cost\":0.002}", 12, 30, 1, 0},
		{"{\"prompt_tokens\":12.0,\"completion_tokens\":30}", 12, 30, 0, 0},
		{"{\"prompt_tokens\":-5,\"completion_tokens\":30,\"cost\":-200}", -1, 30, 0, 1},
		{"{\"prompt_tokens\":12,\"completion_tokens\":1e300,\"cost\":1e300}", 12, -1, 0, 1},
		{"{\"prompt_tokens\":12,\"completion_tokens\":99999999999,\"cost\":0.5}", 12, -1, 1, 1},
		{"{\"prompt_tokens\":12,\"completion_tokens\":3.5}", 12, -1, 0, 1},
		/* past 64 bits: jansson refuses it, the payload is read again */
		{"{\"prompt_tokens\":12,\"completion_tokens\":123456789012345678901234567890}", 12, -1, 0, 1},
		{"{\"prompt_tokens\":null,\"completion_tokens\":\"7\"}", -1, -1, 0, 0},
	};
	char body[512];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (int chunk = 0; chunk < 2; chunk++) {
			tb_resp r;
			int n = snprintf(body, sizeof(body),
					 "{\"choices\":[{\"%s\":{\"content\":\"the answer\"},\"finish_reason\":\"stop\"}],"
					 "\"usage\":%s}", chunk ? "delta" : "message", cases[i].usage);

			resp_init(&r, MAX_TEXT);
			ck_assert_int_eq(chunk ? resp_on_chunk(&r, body, (size_t)n, 1)
					       : resp_parse_body(&r, body, (size_t)n), TB_OK);
			ck_assert_msg(r.prompt_tokens == cases[i].prompt && r.completion_tokens == cases[i].completion,
				      "%s: %ld %ld", cases[i].usage, r.prompt_tokens, r.completion_tokens);
			ck_assert_msg((!isnan(r.cost)) == cases[i].cost_known, "%s: cost %g", cases[i].usage, r.cost);
			ck_assert_msg(r.usage_invalid == cases[i].invalid, "%s: flag %d", cases[i].usage,
				      r.usage_invalid);
			ck_assert_str_eq(r.content.data, "the answer");
			resp_release(&r);
		}
	}
}
END_TEST

START_TEST(t_ttft_plain)
{
	tb_resp r;

	resp_init(&r, MAX_TEXT);
	ck_assert_int_eq(delta(&r, "role", "assistant", 10), TB_OK);
	ck_assert_int_eq(delta(&r, "content", "", 20), TB_OK);
	ck_assert_int_eq(r.t_first_token_us, -1);
	ck_assert_int_eq(delta(&r, "reasoning", "hmm", 30), TB_OK);
	ck_assert_int_eq(r.t_first_token_us, 30);
	ck_assert_int_eq(delta(&r, "content", "\n\n", 40), TB_OK);
	/* White space is a token but not yet an answer. */
	ck_assert_int_eq(r.t_first_answer_us, -1);
	ck_assert_int_eq(delta(&r, "content", "42", 50), TB_OK);
	ck_assert_int_eq(r.t_first_answer_us, 50);
	ck_assert_int_eq(delta(&r, "content", " more", 60), TB_OK);
	ck_assert_int_eq(r.t_first_answer_us, 50);
	ck_assert_int_eq(r.t_first_token_us, 30);
	resp_release(&r);

	resp_init(&r, MAX_TEXT);
	ck_assert_int_eq(delta(&r, "content", "  ", 5), TB_OK);
	ck_assert_int_eq(r.t_first_token_us, 5);
	ck_assert_int_eq(delta(&r, "content", "Hi", 6), TB_OK);
	ck_assert_int_eq(r.t_first_answer_us, 6);
	resp_release(&r);
}
END_TEST

/* think_tags on: the answer starts only after </think>, which may be split
 * across chunks. */
START_TEST(t_ttfa_think_tags)
{
	static const char *const qwen[] = {"<think>\nhmm", " ok</thi", "nk>", "\n\n", "The answer"};
	static const char *const qwq[] = {"hmm", "\n</think>", "x"};
	static const char *const one[] = {"a", "b</think>\n\n42"};
	static const char *const cut[] = {"<think>a</th", "ink>42"};
	tb_resp r;

	resp_init(&r, MAX_TEXT);
	r.think_tags = 1;
	for (int i = 0; i < 5; i++) {
		ck_assert_int_eq(delta(&r, "content", qwen[i], (i + 1) * 100), TB_OK);
		ck_assert_int_eq(r.t_first_answer_us, i < 4 ? -1 : 500);
	}
	ck_assert_int_eq(r.t_first_token_us, 100);
	resp_release(&r);

	resp_init(&r, MAX_TEXT);
	r.think_tags = 1;
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(delta(&r, "content", qwq[i], (i + 1) * 100), TB_OK);
	ck_assert_int_eq(r.t_first_answer_us, 300);
	resp_release(&r);

	resp_init(&r, MAX_TEXT);
	r.think_tags = 1;
	for (int i = 0; i < 2; i++)
		ck_assert_int_eq(delta(&r, "content", one[i], (i + 1) * 100), TB_OK);
	ck_assert_int_eq(r.t_first_answer_us, 200);
	resp_release(&r);

	/* The tag's two halves, the answer right after the second. */
	resp_init(&r, MAX_TEXT);
	r.think_tags = 1;
	for (int i = 0; i < 2; i++)
		ck_assert_int_eq(delta(&r, "content", cut[i], (i + 1) * 100), TB_OK);
	ck_assert_int_eq(r.t_first_answer_us, 200);
	resp_release(&r);

	/* A trace that never closes has no answer. */
	resp_init(&r, MAX_TEXT);
	r.think_tags = 1;
	ck_assert_int_eq(delta(&r, "content", "just thinking", 100), TB_OK);
	ck_assert_int_eq(delta(&r, "content", " and more", 200), TB_OK);
	ck_assert_int_eq(r.t_first_token_us, 100);
	ck_assert_int_eq(r.t_first_answer_us, -1);
	resp_release(&r);
}
END_TEST

/* think_tags off: content that opens with <think> (even split as "<thi" +
 * "nk>") still needs its </think>; anything else answers at once. */
START_TEST(t_ttfa_tags_off)
{
	static const char *const tagged[] = {"\n", "<thi", "nk>plan", "</think>", " ", "B"};
	static const char *const pair[] = {"<think>\n\n</think>\n\n", "Paris"};
	tb_resp r;

	resp_init(&r, MAX_TEXT);
	for (int i = 0; i < 6; i++) {
		ck_assert_int_eq(delta(&r, "content", tagged[i], (i + 1) * 10), TB_OK);
		ck_assert_int_eq(r.t_first_answer_us, i < 5 ? -1 : 60);
	}
	ck_assert_int_eq(r.t_first_token_us, 10);
	resp_release(&r);

	resp_init(&r, MAX_TEXT);
	for (int i = 0; i < 2; i++)
		ck_assert_int_eq(delta(&r, "content", pair[i], (i + 1) * 10), TB_OK);
	ck_assert_int_eq(r.t_first_answer_us, 20);
	resp_release(&r);

	/* "<th" that turns out not to be a tag is answer text. */
	resp_init(&r, MAX_TEXT);
	ck_assert_int_eq(delta(&r, "content", "<th", 10), TB_OK);
	ck_assert_int_eq(r.t_first_answer_us, -1);
	ck_assert_int_eq(delta(&r, "content", "ree>", 20), TB_OK);
	ck_assert_int_eq(r.t_first_answer_us, 20);
	resp_release(&r);
}
END_TEST

START_TEST(t_malformed_keeps_state)
{
	static const char good[] =
		"{\"id\":\"g\",\"choices\":[{\"delta\":{\"content\":\"ok\"},\"finish_reason\":null}],"
		"\"usage\":{\"prompt_tokens\":3}}";
	static const char *const bad[] = {
		"{\"choices\":[{\"delta\":{\"content\":\"lost\"}}]",
		"[{\"choices\":[]}]",
		"\"text\"",
		"null",
		"",
		"{\"id\":\"g2\"} trailing",
		"data: {\"id\":\"x\"}",
		"{\"a\":\"\xff\xfe\"}",
	};
	tb_resp r;

	resp_init(&r, MAX_TEXT);
	ck_assert_int_eq(resp_on_chunk(&r, good, strlen(good), 5), TB_OK);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(resp_on_chunk(&r, bad[i], strlen(bad[i]), 99), TB_PARSE);
		ck_assert_int_eq(resp_parse_body(&r, bad[i], strlen(bad[i])), TB_PARSE);
	}
	ck_assert_int_eq(resp_on_chunk(&r, NULL, 0, 99), TB_PARSE);
	ck_assert_str_eq(tb_buf_str(&r.content), "ok");
	ck_assert_str_eq(r.generation_id, "g");
	ck_assert_int_eq(r.prompt_tokens, 3);
	ck_assert_int_eq(r.chunks, 1);
	ck_assert_int_eq(r.t_first_token_us, 5);
	ck_assert_int_eq(r.done, 0);
	resp_release(&r);
}
END_TEST

START_TEST(t_deep_nesting)
{
	enum { DEPTH = 100000 };
	char *s = malloc(2 * DEPTH + 16);
	size_t n = 0;
	tb_resp r;

	ck_assert_ptr_nonnull(s);
	resp_init(&r, MAX_TEXT);
	memset(s, '[', DEPTH);
	ck_assert_int_eq(resp_on_chunk(&r, s, DEPTH, 1), TB_PARSE);
	memset(s + DEPTH, ']', DEPTH);
	ck_assert_int_eq(resp_parse_body(&r, s, 2 * DEPTH), TB_PARSE);
	for (int i = 0; i < DEPTH / 5; i++) {
		memcpy(s + n, "{\"a\":", 5);
		n += 5;
	}
	ck_assert_int_eq(resp_on_chunk(&r, s, n, 1), TB_PARSE);
	/* Deep but inside an object the parser accepts: a deep usage value. */
	n = (size_t)sprintf(s, "{\"usage\":");
	for (int i = 0; i < 1000; i++)
		s[n++] = '[';
	for (int i = 0; i < 1000; i++)
		s[n++] = ']';
	s[n++] = '}';
	ck_assert_int_eq(resp_on_chunk(&r, s, n, 1), TB_OK);
	ck_assert_int_eq(r.prompt_tokens, -1);
	resp_release(&r);
	free(s);
}
END_TEST

START_TEST(t_text_ceiling)
{
	char piece[301];
	tb_resp r;

	memset(piece, 'x', 300);
	piece[300] = '\0';
	resp_init(&r, 1000);
	for (int i = 0; i < 10; i++) {
		ck_assert_int_eq(delta(&r, "content", piece, i), TB_OK);
		ck_assert_int_eq(delta(&r, "reasoning", piece, i), TB_OK);
	}
	ck_assert_int_eq(r.content.len, 1000);
	ck_assert_int_eq(r.reasoning.len, 1000);
	ck_assert_int_eq(r.content.truncated, 1);
	ck_assert_int_eq(r.reasoning.truncated, 1);
	ck_assert_int_eq(r.chunks, 20);
	resp_release(&r);
}
END_TEST

START_TEST(t_text_ceiling_body)
{
	enum { BIG = 3 << 20 };
	char *s = malloc(BIG + 64);
	size_t n;
	tb_resp r;

	ck_assert_ptr_nonnull(s);
	n = (size_t)sprintf(s, "{\"choices\":[{\"message\":{\"content\":\"");
	memset(s + n, 'y', BIG);
	n += BIG;
	n += (size_t)sprintf(s + n, "\"}}]}");
	resp_init(&r, MAX_TEXT);
	ck_assert_int_eq(resp_parse_body(&r, s, n), TB_OK);
	ck_assert_int_eq(r.content.len, MAX_TEXT);
	ck_assert_int_eq(r.content.truncated, 1);
	ck_assert_int_eq(r.reasoning.truncated, 0);
	resp_release(&r);
	free(s);
}
END_TEST

/* A long trace in one-token chunks stays fast (the first-answer check looks
 * only at what is new). */
START_TEST(t_long_trace_linear)
{
	tb_resp r;

	resp_init(&r, 4 << 20);
	r.think_tags = 1;
	for (int i = 0; i < 200000; i++)
		ck_assert_int_eq(delta(&r, "content", i % 7 ? "word " : "\n\n", i), TB_OK);
	ck_assert_int_eq(r.t_first_answer_us, -1);
	ck_assert_int_eq(delta(&r, "content", "</think>", 200000), TB_OK);
	ck_assert_int_eq(delta(&r, "content", "\n\n", 200001), TB_OK);
	ck_assert_int_eq(delta(&r, "content", "7", 200002), TB_OK);
	ck_assert_int_eq(r.t_first_answer_us, 200002);
	resp_release(&r);
}
END_TEST

/* ---- the body's fast path against jansson alone ---- */

static int same_buf(const tb_buf *a, const tb_buf *b)
{
	return a->len == b->len && a->truncated == b->truncated &&
	       (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

static int same_resp(const tb_resp *a, const tb_resp *b)
{
	return same_buf(&a->reasoning, &b->reasoning) && same_buf(&a->content, &b->content) &&
	       strcmp(a->finish_reason, b->finish_reason) == 0 &&
	       strcmp(a->native_finish_reason, b->native_finish_reason) == 0 &&
	       strcmp(a->provider, b->provider) == 0 && strcmp(a->generation_id, b->generation_id) == 0 &&
	       strcmp(a->model, b->model) == 0 && a->prompt_tokens == b->prompt_tokens &&
	       a->completion_tokens == b->completion_tokens && a->reasoning_tokens == b->reasoning_tokens &&
	       a->cached_tokens == b->cached_tokens && a->usage_invalid == b->usage_invalid &&
	       (a->cost == b->cost || (isnan(a->cost) && isnan(b->cost))) &&
	       strcmp(a->error_code, b->error_code) == 0 && strcmp(a->error_message, b->error_message) == 0 &&
	       strcmp(a->error_type, b->error_type) == 0 && a->t_first_token_us == b->t_first_token_us &&
	       a->t_first_answer_us == b->t_first_answer_us && a->chunks == b->chunks && a->done == b->done;
}

/* Parses one body both ways; returns 1 when they agree. */
static int body_agrees(const char *s, size_t n)
{
	tb_resp fast, slow;
	int rf, rs, same;

	resp_init(&fast, 64);
	resp_init(&slow, 64);
	rf = resp_parse_body(&fast, s, n);
	rs = resp_parse_body_jansson(&slow, s, n);
	same = rf == rs && same_resp(&fast, &slow);
	resp_release(&fast);
	resp_release(&slow);
	return same;
}

/* Every real body, hand-made ones for the fast path's edges, and for each of
 * them every truncation and every one-byte deletion, plus bytes swapped for
 * the characters JSON turns on: the fast path must give what jansson gives,
 * or hand the body over. Texts are capped at 64 bytes so ceilings are hit. */
START_TEST(t_body_fast_path_matches_jansson)
{
	static const char *const files[] = {
		"payloads/deepseek-nonstream-reasoning-content.json",
		"payloads/openrouter-nonstream-reasoning-details.json",
		"payloads/openrouter-nonstream-response-example.jsonc",
		"payloads/openrouter-error-403-guardrail.json", "payloads/openrouter-error-prestream-400.json",
		"payloads/openrouter-usage-final-chunk.json",
	};
	static const char *const made[] = {
		"{\"id\":\"gen-1\",\"provider\":\"P\",\"model\":\"m\",\"choices\":[{\"index\":0,\"message\":"
		"{\"role\":\"assistant\",\"content\":\"The answer is \\\\boxed{42}.\",\"reasoning\":\"6*7\"},"
		"\"finish_reason\":\"stop\",\"native_finish_reason\":\"eos\"}],\"usage\":{\"prompt_tokens\":12,"
		"\"completion_tokens\":30,\"completion_tokens_details\":{\"reasoning_tokens\":20},"
		"\"prompt_tokens_details\":{\"cached_tokens\":4},\"cost\":0.000123}}",
		"{\"choices\":[{\"message\":{\"content\":\"caf\\u00e9 \\ud83d\\ude00 \\\"q\\\" \\n\\u0000x\","
		"\"reasoning_content\":\"r\\tt\"}}],\"usage\":{\"cost\":1e-5,\"prompt_tokens\":-1}}",
		"{\"choices\":[{\"message\":{\"content\":null,\"reasoning\":\"\",\"reasoning_details\":[{\"type\":"
		"\"reasoning.text\",\"text\":\"deep\"}]},\"finish_reason\":null}]}",
		"{\"choices\":[{\"message\":{\"content\":\"a\",\"content\":\"b\"}}]}",
		"{\"choices\":[{\"message\":\"not an object\"},{\"message\":{\"content\":\"second\"}}]}",
		"{\"choices\":{\"message\":{\"content\":\"x\"}},\"usage\":[1,2]}",
		"{\"error\":{\"code\":429,\"message\":\"slow down\",\"metadata\":{\"error_type\":\"rate\"}}}",
		"{\"error\":null,\"choices\":[{\"delta\":{\"content\":\"a chunk, not a body\"}}]}",
		"{\"choices\":[{\"message\":{\"content\":\"" "0123456789012345678901234567890123456789"
		"0123456789012345678901234567890123456789\"}}],\"usage\":{\"completion_tokens\":"
		"123456789012345678901234567890}}",
		"  {\"choices\" : [ { \"message\" : { \"content\" : \"spaced\" } } ] , \"x\" : [[[{}]]] }\n",
		"{\"\\u0063hoices\":[{\"message\":{\"content\":\"escaped key\"}}]}",
	};
	static const char swaps[] = "\"\\{}[],:0-.etnu \x01\xc3\xff";
	long bodies = 0, disagree = 0;

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]) + sizeof(made) / sizeof(made[0]); i++) {
		size_t n;
		char *base;

		if (i < sizeof(files) / sizeof(files[0])) {
			base = payload(files[i], &n);
		} else {
			base = strdup(made[i - sizeof(files) / sizeof(files[0])]);
			ck_assert_ptr_nonnull(base);
			n = strlen(base);
		}
		for (size_t cut = 0; cut <= n; cut++, bodies++)
			disagree += !body_agrees(base, cut);
		for (size_t at = 0; at < n; at++) {
			char *m = malloc(n);

			ck_assert_ptr_nonnull(m);
			memcpy(m, base, at);
			memcpy(m + at, base + at + 1, n - at - 1);
			disagree += !body_agrees(m, n - 1);
			bodies++;
			for (size_t k = 0; k < sizeof(swaps) - 1; k++, bodies++) {
				memcpy(m, base, n);
				m[at] = swaps[k];
				disagree += !body_agrees(m, n);
			}
			free(m);
		}
		free(base);
	}
	ck_assert_msg(disagree == 0, "%ld of %ld bodies parsed differently", disagree, bodies);
	ck_assert_int_gt(bodies, 10000);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("resp");
	TCase *tc = tcase_create("core");

	tu_require_shared();
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, t_stream_reasoning_then_content);
	tcase_add_test(tc, t_stream_usage_reasoning_tokens);
	tcase_add_test(tc, t_stream_midstream_errors);
	tcase_add_test(tc, t_stream_keepalive_only);
	tcase_add_test(tc, t_deepseek_jsonl);
	tcase_add_test(tc, t_body_deepseek);
	tcase_add_test(tc, t_body_reasoning_details);
	tcase_add_test(tc, t_body_jsonc_docs);
	tcase_add_test(tc, t_vllm_chunk);
	tcase_add_test(tc, t_chunk_files);
	tcase_add_test(tc, t_error_bodies);
	tcase_add_test(tc, t_error_shapes);
	tcase_add_test(tc, t_fields_null_and_priority);
	tcase_add_test(tc, t_nul_in_content);
	tcase_add_test(tc, t_usage_checked);
	tcase_add_test(tc, t_chunk_times);
	tcase_add_test(tc, t_ttft_plain);
	tcase_add_test(tc, t_ttfa_think_tags);
	tcase_add_test(tc, t_ttfa_tags_off);
	tcase_add_test(tc, t_malformed_keeps_state);
	tcase_add_test(tc, t_deep_nesting);
	tcase_add_test(tc, t_text_ceiling);
	tcase_add_test(tc, t_text_ceiling_body);
	tcase_add_test(tc, t_long_trace_linear);
	tcase_add_test(tc, t_body_fast_path_matches_jansson);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
