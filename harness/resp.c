/* Building a tb_resp from chunks or a body (API-NOTES.md sections 2-4).
 *
 * Parsing: jansson with JSON_ALLOW_NUL, so a "\u0000" in model output is
 * kept as text instead of failing the whole chunk. jansson refuses nesting
 * deeper than JSON_PARSER_MAX_DEPTH (2048 in 2.14) with an error, which
 * bounds its recursion: a hostile "[[[[..." is a TB_PARSE, not a crash.
 * Nothing in r is touched before the payload parsed as an object, so a
 * TB_PARSE leaves r as it was.
 *
 * First-answer time: content is checked after each append. The work per
 * chunk is kept proportional to the chunk (plus white space not yet looked
 * at), so a 100k-token trace arriving in 1-token chunks stays linear; see
 * answer_started(). */
#include "resp.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "rc.h"

static const char open_tag[] = "<think>";
static const char close_tag[] = "</think>";
enum { OPEN_LEN = sizeof(open_tag) - 1, CLOSE_LEN = sizeof(close_tag) - 1 };

void resp_init(tb_resp *r, size_t max_text)
{
	memset(r, 0, sizeof(*r));
	tb_buf_init(&r->reasoning, max_text);
	tb_buf_init(&r->content, max_text);
	r->prompt_tokens = r->completion_tokens = -1;
	r->reasoning_tokens = r->cached_tokens = -1;
	r->cost = NAN;
	r->t_first_token_us = -1;
	r->t_first_answer_us = -1;
}

void resp_release(tb_resp *r)
{
	tb_buf_release(&r->reasoning);
	tb_buf_release(&r->content);
}

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Copies a JSON string into a fixed field, cut to fit; anything else leaves
 * the field alone. */
static void copy_str(char *dst, size_t size, const json_t *v)
{
	if (json_is_string(v))
		snprintf(dst, size, "%s", json_string_value(v));
}

/* Text past the ceiling is dropped and flagged, never an error. Running out
 * of memory is recorded the same way: the text is incomplete either way. */
static void append(tb_buf *b, const char *s, size_t n)
{
	if (tb_buf_add(b, s, n) == TB_NOMEM)
		b->truncated = 1;
}

/* Appends a string value; returns its length (0 for null, absent, ""). */
static size_t append_json(tb_buf *b, const json_t *v)
{
	size_t n;

	if (!json_is_string(v))
		return 0;
	n = json_string_length(v);
	append(b, json_string_value(v), n);
	return n;
}

/* reasoning, else reasoning_content, else the texts of reasoning_details[]:
 * OpenRouter sends `reasoning` and `reasoning_details` with the same text,
 * so the first one with text is the whole of it. */
static size_t take_reasoning(tb_resp *r, const json_t *msg)
{
	const json_t *v = json_object_get(msg, "reasoning");
	const json_t *e;
	size_t i, n = 0;

	if (json_is_string(v) && json_string_length(v) > 0)
		return append_json(&r->reasoning, v);
	v = json_object_get(msg, "reasoning_content");
	if (json_is_string(v) && json_string_length(v) > 0)
		return append_json(&r->reasoning, v);
	v = json_object_get(msg, "reasoning_details");
	json_array_foreach(v, i, e) {
		const char *type = json_string_value(json_object_get(e, "type"));

		if (!type)
			continue;
		if (strcmp(type, "reasoning.text") == 0)
			n += append_json(&r->reasoning, json_object_get(e, "text"));
		else if (strcmp(type, "reasoning.summary") == 0)
			n += append_json(&r->reasoning, json_object_get(e, "summary"));
	}
	return n;
}

static size_t skip_ws(const char *s, size_t i, size_t n)
{
	while (i < n && is_ws(s[i]))
		i++;
	return i;
}

/* Content needs a </think> before the answer: with think_tags, or when it
 * opens with <think>. Returns 1 yes, 0 no, -1 not known yet (all white
 * space, or a prefix of "<think>" so far). */
static int needs_close_tag(const tb_resp *r)
{
	const char *c = r->content.data;
	size_t n = r->content.len, i;

	if (r->think_tags)
		return 1;
	i = skip_ws(c, 0, n);
	if (i == n)
		return -1;
	if (n - i < OPEN_LEN)
		return memcmp(c + i, open_tag, n - i) == 0 ? -1 : 0;
	return memcmp(c + i, open_tag, OPEN_LEN) == 0;
}

/* Whether answer text exists now, given that it did not before the last
 * append (which began at old_len). Only the new bytes, the 7 before them (a
 * </think> split across chunks) and the white space run just before them are
 * looked at: an earlier </think> followed by text would have started the
 * answer already. */
static int answer_started(const tb_resp *r, size_t old_len)
{
	const char *c = r->content.data;
	size_t n = r->content.len, from, b;
	const char *tag;
	int need = needs_close_tag(r);

	if (need < 0)
		return 0;
	if (need == 0)
		return 1;
	from = old_len > CLOSE_LEN - 1 ? old_len - (CLOSE_LEN - 1) : 0;
	tag = memmem(c + from, n - from, close_tag, CLOSE_LEN);
	if (tag)
		return skip_ws(c, (size_t)(tag - c) + CLOSE_LEN, n) < n;
	if (skip_ws(c, old_len, n) == n)
		return 0;
	b = old_len;
	while (b > 0 && is_ws(c[b - 1]))
		b--;
	return b >= CLOSE_LEN && memcmp(c + b - CLOSE_LEN, close_tag, CLOSE_LEN) == 0;
}

/* A token count, or -1 when absent, null or nonsense. */
static long count(const json_t *v)
{
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > LONG_MAX)
		return -1;
	return (long)json_integer_value(v);
}

/* The latest usage object replaces the earlier one as a whole. */
static void take_usage(tb_resp *r, const json_t *u)
{
	const json_t *cost = json_object_get(u, "cost");

	r->prompt_tokens = count(json_object_get(u, "prompt_tokens"));
	r->completion_tokens = count(json_object_get(u, "completion_tokens"));
	r->reasoning_tokens =
		count(json_object_get(json_object_get(u, "completion_tokens_details"), "reasoning_tokens"));
	r->cached_tokens =
		count(json_object_get(json_object_get(u, "prompt_tokens_details"), "cached_tokens"));
	r->cost = json_is_number(cost) && isfinite(json_number_value(cost)) ? json_number_value(cost) : NAN;
}

/* error.code is a number or a string; availability errors have none and
 * carry http_status instead. error_code is what callers test for "this was
 * an error", so an error without any code still gets one. */
static void take_error(tb_resp *r, const json_t *e)
{
	const json_t *code, *type;

	if (json_is_string(e)) {
		copy_str(r->error_message, sizeof(r->error_message), e);
		snprintf(r->error_code, sizeof(r->error_code), "error");
		return;
	}
	if (!json_is_object(e))
		return;
	code = json_object_get(e, "code");
	if (!code || json_is_null(code))
		code = json_object_get(e, "http_status");
	if (json_is_integer(code))
		snprintf(r->error_code, sizeof(r->error_code), "%lld",
			 (long long)json_integer_value(code));
	else if (json_is_real(code))
		snprintf(r->error_code, sizeof(r->error_code), "%g", json_real_value(code));
	else if (json_is_string(code) && json_string_length(code) > 0)
		copy_str(r->error_code, sizeof(r->error_code), code);
	else
		snprintf(r->error_code, sizeof(r->error_code), "error");
	copy_str(r->error_message, sizeof(r->error_message), json_object_get(e, "message"));
	type = json_object_get(json_object_get(e, "metadata"), "error_type");
	if (!json_is_string(type))
		type = json_object_get(e, "error_type");
	copy_str(r->error_type, sizeof(r->error_type), type);
}

/* Applies one parsed object. key is "delta" or "message"; now_us < 0 means
 * a body, whose first-token times stay unknown. */
static void apply(tb_resp *r, const json_t *root, const char *key, int64_t now_us)
{
	const json_t *choice = json_array_get(json_object_get(root, "choices"), 0);
	const json_t *msg = json_object_get(choice, key);
	const json_t *v;
	size_t old_len = r->content.len, got_r, got_c;

	copy_str(r->generation_id, sizeof(r->generation_id), json_object_get(root, "id"));
	copy_str(r->provider, sizeof(r->provider), json_object_get(root, "provider"));
	copy_str(r->model, sizeof(r->model), json_object_get(root, "model"));
	got_r = take_reasoning(r, msg);
	got_c = append_json(&r->content, json_object_get(msg, "content"));
	copy_str(r->finish_reason, sizeof(r->finish_reason), json_object_get(choice, "finish_reason"));
	copy_str(r->native_finish_reason, sizeof(r->native_finish_reason),
		 json_object_get(choice, "native_finish_reason"));
	v = json_object_get(root, "usage");
	if (json_is_object(v))
		take_usage(r, v);
	v = json_object_get(root, "error");
	if (v && !json_is_null(v))
		take_error(r, v);
	if (now_us < 0)
		return;
	if (r->t_first_token_us < 0 && (got_r > 0 || got_c > 0))
		r->t_first_token_us = now_us;
	if (r->t_first_answer_us < 0 && r->content.len > old_len && answer_started(r, old_len))
		r->t_first_answer_us = now_us;
}

static json_t *load_object(const char *s, size_t len)
{
	json_error_t jerr;
	json_t *root = json_loadb(s, len, JSON_ALLOW_NUL, &jerr);

	if (root && !json_is_object(root)) {
		json_decref(root);
		root = NULL;
	}
	return root;
}

static int is_done(const char *s, size_t len)
{
	size_t i = skip_ws(s, 0, len);

	while (len > i && is_ws(s[len - 1]))
		len--;
	return len - i == 6 && memcmp(s + i, "[DONE]", 6) == 0;
}

int resp_on_chunk(tb_resp *r, const char *data, size_t len, int64_t now_us)
{
	json_t *root;

	if (is_done(data, len)) {
		r->done = 1;
		return TB_OK;
	}
	root = load_object(data, len);
	if (!root)
		return TB_PARSE;
	r->chunks++;
	apply(r, root, "delta", now_us < 0 ? 0 : now_us);
	json_decref(root);
	return TB_OK;
}

int resp_parse_body(tb_resp *r, const char *body, size_t len)
{
	json_t *root = load_object(body, len);

	if (!root)
		return TB_PARSE;
	apply(r, root, "message", -1);
	json_decref(root);
	return TB_OK;
}
