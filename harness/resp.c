/* Building a tb_resp from chunks or a body (HACKING.md, "Endpoints").
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
 * answer_started().
 *
 * Chunks and bodies take a fast path first: one validating pass over the bytes that
 * notes where the few fields we read are, with no allocation (a jansson parse
 * builds four objects with hash tables and a string per field, for chunks of
 * a few hundred bytes; it was half of the client's time). Anything it is not
 * sure of (a syntax error, an exponent or a long number, a key with escapes,
 * a repeated key we read, nesting past FAST_DEPTH, an `error`, text only in
 * reasoning_details) goes to jansson instead, which then decides; so the fast
 * path only ever accepts what jansson accepts, and reads it the same way. */
#include "resp.h"

#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "rc.h"
#include "redact.h"
#include "text.h"

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
	r->t_second_token_us = -1;
	r->t_last_token_us = -1;
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

/* The one rule for a token count, from either parser: -1 when absent or not
 * a number; a number that is no believable count is -1 too, and flagged. */
static long usage_count(tb_resp *r, int is_number, double v)
{
	if (!is_number)
		return -1;
	if (!(v >= 0 && v <= RESP_MAX_TOKENS) || v != floor(v)) {
		r->usage_invalid = 1;
		return -1;
	}
	return (long)v;
}

/* The same for usage.cost: NAN when absent, NAN and flagged when negative,
 * not finite or absurd. */
static double usage_cost(tb_resp *r, int is_number, double v)
{
	if (!is_number)
		return NAN;
	if (!(v >= 0 && v <= RESP_MAX_COST)) {
		r->usage_invalid = 1;
		return NAN;
	}
	return v;
}

static long count(tb_resp *r, const json_t *v)
{
	return usage_count(r, json_is_number(v), json_number_value(v));
}

/* The latest usage object replaces the earlier one as a whole. */
static void take_usage(tb_resp *r, const json_t *u)
{
	const json_t *cost = json_object_get(u, "cost");

	r->prompt_tokens = count(r, json_object_get(u, "prompt_tokens"));
	r->completion_tokens = count(r, json_object_get(u, "completion_tokens"));
	r->reasoning_tokens =
		count(r, json_object_get(json_object_get(u, "completion_tokens_details"), "reasoning_tokens"));
	r->cached_tokens =
		count(r, json_object_get(json_object_get(u, "prompt_tokens_details"), "cached_tokens"));
	r->cost = usage_cost(r, json_is_number(cost), json_number_value(cost));
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

/* First-token, second-token and first-answer times, and the gap since the
 * last chunk with text, after a chunk appended got bytes of text (content
 * began at old_len). */
static void mark_times(tb_resp *r, size_t old_len, size_t got, int64_t now_us)
{
	if (got > 0) {
		if (r->t_first_token_us < 0)
			r->t_first_token_us = now_us;
		else if (r->t_second_token_us < 0)
			r->t_second_token_us = now_us;
		if (r->t_last_token_us >= 0)
			tb_gaps_add(&r->gaps, now_us - r->t_last_token_us);
		r->t_last_token_us = now_us;
	}
	if (r->t_first_answer_us < 0 && r->content.len > old_len && answer_started(r, old_len))
		r->t_first_answer_us = now_us;
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
	if (now_us >= 0)
		mark_times(r, old_len, got_r + got_c, now_us);
}

/* jansson refuses an integer past 64 bits ("too big integer"), which is
 * valid JSON: the payload is read again with every integer as a double, so
 * that one absurd number in the usage does not lose the answer. */
static json_t *load_object(tb_resp *r, const char *s, size_t len)
{
	json_error_t jerr;
	json_t *root = json_loadb(s, len, JSON_ALLOW_NUL, &jerr);

	if (!root && strstr(jerr.text, "too big")) {
		root = json_loadb(s, len, JSON_ALLOW_NUL | JSON_DECODE_INT_AS_REAL, &jerr);
		if (root && json_is_object(root))
			r->usage_invalid = 1;
	}
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

/* ---- the chunk fast path ---- */

enum { FAST_OK = 0, FAST_NO = -1, FAST_DEPTH = 32, FAST_MAX_NUM = 18 };

enum { V_NONE = 0, V_STRING, V_INT, V_REAL, V_OTHER };

/* Where a value is in the chunk. A string's span is inside its quotes. */
typedef struct fspan {
	const char *p;
	size_t n;
	int kind;          /* V_* (V_NONE: absent) */
	int esc;           /* a string with backslash escapes */
	size_t decoded;    /* a string's length once unescaped */
} fspan;

/* What the reader of a chunk looks at, by where it sits. */
typedef enum frole {
	R_SKIP = 0, R_ROOT, R_CHOICES, R_CHOICE0, R_DELTA, R_USAGE, R_CTD, R_PTD,
} frole;

typedef struct fast {
	const char *s, *end;
	const char *msg_key;  /* the choice's field that holds the text: "delta" or "message" */
	size_t msg_len;
	fspan id, provider, model, finish, native_finish;
	fspan reasoning, reasoning_content, content;
	int details;       /* reasoning_details held something other than null or [] */
	int usage;         /* usage was an object */
	fspan choices, delta, usage_key, details_key, ctd, ptd; /* seen markers */
	fspan prompt_tokens, completion_tokens, reasoning_tokens, cached_tokens, cost;
} fast;

static int scan_value(fast *f, const char **pp, frole role, int depth, fspan *out);

static const char *fskip_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

static int hex4(const char *p, const char *end, unsigned *v)
{
	*v = 0;
	if (end - p < 4)
		return FAST_NO;
	for (int i = 0; i < 4; i++) {
		char c = p[i];

		*v <<= 4;
		if (c >= '0' && c <= '9')
			*v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			*v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			*v |= (unsigned)(c - 'A' + 10);
		else
			return FAST_NO;
	}
	return FAST_OK;
}

static size_t utf8_len(unsigned cp)
{
	return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
}

/* One escape after its backslash: the code point and the bytes it used.
 * Lone surrogates are refused, as jansson refuses them. */
static int unescape(const char *p, const char *end, unsigned *cp, size_t *used)
{
	static const char plain[] = "\"\\/bfnrt", value[] = "\"\\/\b\f\n\r\t";
	const char *k;
	unsigned lo;

	if (p >= end)
		return FAST_NO;
	if (*p != 'u') {
		k = *p ? strchr(plain, *p) : NULL;
		if (!k)
			return FAST_NO;
		*cp = (unsigned char)value[k - plain];
		*used = 1;
		return FAST_OK;
	}
	if (hex4(p + 1, end, cp) != FAST_OK)
		return FAST_NO;
	*used = 5;
	if (*cp >= 0xDC00 && *cp <= 0xDFFF)
		return FAST_NO;
	if (*cp >= 0xD800 && *cp <= 0xDBFF) {
		if (end - p < 11 || p[5] != '\\' || p[6] != 'u' || hex4(p + 7, end, &lo) != FAST_OK ||
		    lo < 0xDC00 || lo > 0xDFFF)
			return FAST_NO;
		*cp = 0x10000 + ((*cp - 0xD800) << 10) + (lo - 0xDC00);
		*used = 11;
	}
	return FAST_OK;
}

/* Of 8 bytes, those scan_string() must look at one by one ('"', '\\', a
 * control byte or not ASCII) as their high bits: the tests of "Bit Twiddling
 * Hacks". A borrow may flag bytes after a flagged one, never before, so the
 * lowest bit set is exact when the bytes are read little-endian. */
static uint64_t special8(uint64_t w)
{
	const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
	uint64_t quote = w ^ (ones * '"'), bslash = w ^ (ones * '\\');

	return (w | ((quote - ones) & ~quote) | ((bslash - ones) & ~bslash) | ((w - ones * 0x20) & ~w)) &
	       highs;
}

static int scan_string(fast *f, const char **pp, fspan *out)
{
	const char *p = *pp + 1;
	fspan sp = {.p = p, .kind = V_STRING};

	for (;;) {
		unsigned char c;

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		/* Plain ASCII eight bytes at a time, up to the next byte to look at. */
		while (f->end - p >= 8) {
			uint64_t w, m;
			size_t k;

			memcpy(&w, p, 8);
			m = special8(w);
			k = m ? (size_t)__builtin_ctzll(m) / 8 : 8;
			sp.decoded += k;
			p += k;
			if (k < 8)
				break;
		}
#endif
		if (p >= f->end)
			return FAST_NO;
		c = (unsigned char)*p;
		if (c == '"')
			break;
		if (c < 0x20)
			return FAST_NO;
		if (c == '\\') {
			unsigned cp;
			size_t used;

			if (unescape(p + 1, f->end, &cp, &used) != FAST_OK)
				return FAST_NO;
			sp.esc = 1;
			sp.decoded += utf8_len(cp);
			p += 1 + used;
		} else if (c >= 0x80) {
			uint32_t cp;
			size_t n = tb_text_utf8_seq(p, (size_t)(f->end - p), &cp);

			if (n == 0)
				return FAST_NO;
			sp.decoded += n;
			p += n;
		} else {
			sp.decoded++;
			p++;
		}
	}
	sp.n = (size_t)(p - sp.p);
	*pp = p + 1;
	if (out)
		*out = sp;
	return FAST_OK;
}

/* Plain decimals only: an exponent or a long literal (which jansson may
 * refuse as out of range) goes the slow way. */
static int scan_number(fast *f, const char **pp, fspan *out)
{
	const char *p = *pp, *start = p;
	int real = 0;

	if (p < f->end && *p == '-')
		p++;
	if (p >= f->end || *p < '0' || *p > '9')
		return FAST_NO;
	if (*p == '0')
		p++;
	else
		while (p < f->end && *p >= '0' && *p <= '9')
			p++;
	if (p < f->end && *p == '.') {
		real = 1;
		p++;
		if (p >= f->end || *p < '0' || *p > '9')
			return FAST_NO;
		while (p < f->end && *p >= '0' && *p <= '9')
			p++;
	}
	if ((p < f->end && (*p == 'e' || *p == 'E')) || p - start > FAST_MAX_NUM)
		return FAST_NO;
	if (out)
		*out = (fspan){.p = start, .n = (size_t)(p - start), .kind = real ? V_REAL : V_INT};
	*pp = p;
	return FAST_OK;
}

static int scan_word(fast *f, const char **pp, const char *w, fspan *out)
{
	size_t n = strlen(w);

	if ((size_t)(f->end - *pp) < n || memcmp(*pp, w, n) != 0)
		return FAST_NO;
	if (out)
		*out = (fspan){.p = *pp, .n = n, .kind = V_OTHER};
	*pp += n;
	return FAST_OK;
}

/* The field a key fills in an object of the given role, and the role of its
 * value; NULL (and R_SKIP) for keys nobody reads. */
static fspan *field_for(fast *f, frole role, const char *k, size_t n, frole *sub, int *details,
			int *usage)
{
#define KEY(s) (n == sizeof(s) - 1 && memcmp(k, s, n) == 0)

	*sub = R_SKIP;
	*details = *usage = 0;
	switch (role) {
	case R_ROOT:
		if (KEY("id"))
			return &f->id;
		if (KEY("provider"))
			return &f->provider;
		if (KEY("model"))
			return &f->model;
		if (KEY("choices"))
			return *sub = R_CHOICES, &f->choices;
		if (KEY("usage"))
			return *sub = R_USAGE, *usage = 1, &f->usage_key;
		return NULL;
	case R_CHOICE0:
		if (n == f->msg_len && memcmp(k, f->msg_key, n) == 0)
			return *sub = R_DELTA, &f->delta;
		if (KEY("finish_reason"))
			return &f->finish;
		if (KEY("native_finish_reason"))
			return &f->native_finish;
		return NULL;
	case R_DELTA:
		if (KEY("reasoning"))
			return &f->reasoning;
		if (KEY("reasoning_content"))
			return &f->reasoning_content;
		if (KEY("content"))
			return &f->content;
		if (KEY("reasoning_details"))
			return *details = 1, &f->details_key;
		return NULL;
	case R_USAGE:
		if (KEY("prompt_tokens"))
			return &f->prompt_tokens;
		if (KEY("completion_tokens"))
			return &f->completion_tokens;
		if (KEY("cost"))
			return &f->cost;
		if (KEY("completion_tokens_details"))
			return *sub = R_CTD, &f->ctd;
		if (KEY("prompt_tokens_details"))
			return *sub = R_PTD, &f->ptd;
		return NULL;
	case R_CTD:
		return KEY("reasoning_tokens") ? &f->reasoning_tokens : NULL;
	case R_PTD:
		return KEY("cached_tokens") ? &f->cached_tokens : NULL;
	default:
		return NULL;
	}
#undef KEY
}

static int scan_object(fast *f, const char **pp, frole role, int depth)
{
	const char *p = fskip_ws(*pp + 1, f->end);

	if (p < f->end && *p == '}') {
		*pp = p + 1;
		return FAST_OK;
	}
	for (;;) {
		fspan key, *field = NULL;
		frole sub = R_SKIP;
		int details = 0, usage = 0;

		/* Keys with escapes go the slow way: jansson refuses a NUL in a key
		 * even with JSON_ALLOW_NUL, and "\u0069d" must still be "id". */
		if (p >= f->end || *p != '"' || scan_string(f, &p, &key) != FAST_OK || key.esc)
			return FAST_NO;
		p = fskip_ws(p, f->end);
		if (p >= f->end || *p != ':')
			return FAST_NO;
		p = fskip_ws(p + 1, f->end);
		if (p >= f->end)
			return FAST_NO;
		if (role != R_SKIP)
			field = field_for(f, role, key.p, key.n, &sub, &details, &usage);
		/* A repeated key we read: jansson keeps the last, the slow path too. */
		if (field && field->kind != V_NONE)
			return FAST_NO;
		/* An error object is rare and read by the slow path. */
		if (role == R_ROOT && key.n == 5 && memcmp(key.p, "error", 5) == 0 && *p != 'n')
			return FAST_NO;
		if (details) {
			const char *q = *p == '[' ? fskip_ws(p + 1, f->end) : NULL;

			if (*p != 'n' && !(q && q < f->end && *q == ']'))
				f->details = 1;
		}
		if (usage && *p == '{')
			f->usage = 1;
		if (scan_value(f, &p, sub, depth + 1, field) != FAST_OK)
			return FAST_NO;
		p = fskip_ws(p, f->end);
		if (p < f->end && *p == ',') {
			p = fskip_ws(p + 1, f->end);
			continue;
		}
		if (p < f->end && *p == '}') {
			*pp = p + 1;
			return FAST_OK;
		}
		return FAST_NO;
	}
}

static int scan_array(fast *f, const char **pp, frole role, int depth)
{
	const char *p = fskip_ws(*pp + 1, f->end);

	if (p < f->end && *p == ']') {
		*pp = p + 1;
		return FAST_OK;
	}
	for (size_t i = 0;; i++) {
		frole sub = role == R_CHOICES && i == 0 ? R_CHOICE0 : R_SKIP;

		if (scan_value(f, &p, sub, depth + 1, NULL) != FAST_OK)
			return FAST_NO;
		p = fskip_ws(p, f->end);
		if (p < f->end && *p == ',') {
			p = fskip_ws(p + 1, f->end);
			continue;
		}
		if (p < f->end && *p == ']') {
			*pp = p + 1;
			return FAST_OK;
		}
		return FAST_NO;
	}
}

/* A role applies only to the kind of value it expects (R_CHOICES to an
 * array, the others to objects); a value of another kind is skipped, as the
 * slow path's json_object_get / json_array_get give NULL for it. */
static int scan_value(fast *f, const char **pp, frole role, int depth, fspan *out)
{
	const char *p = *pp;
	fspan dummy;

	if (depth > FAST_DEPTH || p >= f->end)
		return FAST_NO;
	if (!out)
		out = &dummy;
	switch (*p) {
	case '{':
		if (scan_object(f, pp, role == R_CHOICES ? R_SKIP : role, depth) != FAST_OK)
			return FAST_NO;
		out->kind = V_OTHER;
		return FAST_OK;
	case '[':
		if (scan_array(f, pp, role == R_CHOICES ? role : R_SKIP, depth) != FAST_OK)
			return FAST_NO;
		out->kind = V_OTHER;
		return FAST_OK;
	case '"':
		return scan_string(f, pp, out);
	case 't':
		return scan_word(f, pp, "true", out);
	case 'f':
		return scan_word(f, pp, "false", out);
	case 'n':
		return scan_word(f, pp, "null", out);
	default:
		return scan_number(f, pp, out);
	}
}

static int fast_scan(fast *f, const char *s, size_t len, const char *msg_key)
{
	const char *p;

	memset(f, 0, sizeof(*f));
	f->s = s;
	f->end = s + len;
	f->msg_key = msg_key;
	f->msg_len = strlen(msg_key);
	p = fskip_ws(s, f->end);
	if (p >= f->end || *p != '{' || scan_object(f, &p, R_ROOT, 1) != FAST_OK)
		return FAST_NO;
	if (fskip_ws(p, f->end) != f->end)
		return FAST_NO;
	/* reasoning_details is read only when the other two fields are empty. */
	if (f->details && !(f->reasoning.kind == V_STRING && f->reasoning.n > 0) &&
	    !(f->reasoning_content.kind == V_STRING && f->reasoning_content.n > 0))
		return FAST_NO;
	return FAST_OK;
}

/* Appends a scanned string, unescaped; returns its length. */
static size_t append_span(tb_buf *b, const fspan *sp)
{
	const char *p = sp->p, *end;

	/* A field that was absent has no span (p is NULL): no arithmetic on it. */
	if (sp->kind != V_STRING)
		return 0;
	end = sp->p + sp->n;
	if (!sp->esc) {
		append(b, p, sp->n);
		return sp->n;
	}
	while (p < end) {
		const char *bs = memchr(p, '\\', (size_t)(end - p));
		char u[4];
		unsigned cp;
		size_t used, n;

		if (!bs) {
			append(b, p, (size_t)(end - p));
			break;
		}
		if (bs > p)
			append(b, p, (size_t)(bs - p));
		unescape(bs + 1, end, &cp, &used); /* validated by the scan */
		n = utf8_len(cp);
		if (n == 1) {
			u[0] = (char)cp;
		} else if (n == 2) {
			u[0] = (char)(0xC0 | (cp >> 6));
			u[1] = (char)(0x80 | (cp & 0x3F));
		} else if (n == 3) {
			u[0] = (char)(0xE0 | (cp >> 12));
			u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
			u[2] = (char)(0x80 | (cp & 0x3F));
		} else {
			u[0] = (char)(0xF0 | (cp >> 18));
			u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
			u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
			u[3] = (char)(0x80 | (cp & 0x3F));
		}
		append(b, u, n);
		p = bs + 1 + used;
	}
	return sp->decoded;
}

/* copy_str() for a scanned string: cut to fit, and at a NUL as "%s" cuts. */
static void copy_span(char *dst, size_t size, const fspan *sp)
{
	tb_buf b;

	if (sp->kind != V_STRING)
		return;
	if (!sp->esc) {
		size_t n = sp->n < size - 1 ? sp->n : size - 1;

		memcpy(dst, sp->p, n);
		dst[n] = '\0';
		return;
	}
	tb_buf_init(&b, size - 1);
	append_span(&b, sp);
	snprintf(dst, size, "%s", tb_buf_str(&b));
	tb_buf_release(&b);
}

/* count() for a scanned number. */
static long span_count(tb_resp *r, const fspan *sp)
{
	int num = sp->kind == V_INT || sp->kind == V_REAL;

	return usage_count(r, num, num ? strtod(sp->p, NULL) : 0);
}

/* now_us < 0: a body, whose first-token times stay unknown (as in apply()). */
static void fast_apply(tb_resp *r, const fast *f, int64_t now_us)
{
	size_t old_len = r->content.len, got = 0;

	copy_span(r->generation_id, sizeof(r->generation_id), &f->id);
	copy_span(r->provider, sizeof(r->provider), &f->provider);
	copy_span(r->model, sizeof(r->model), &f->model);
	if (f->reasoning.kind == V_STRING && f->reasoning.n > 0)
		got += append_span(&r->reasoning, &f->reasoning);
	else if (f->reasoning_content.kind == V_STRING && f->reasoning_content.n > 0)
		got += append_span(&r->reasoning, &f->reasoning_content);
	got += append_span(&r->content, &f->content);
	copy_span(r->finish_reason, sizeof(r->finish_reason), &f->finish);
	copy_span(r->native_finish_reason, sizeof(r->native_finish_reason), &f->native_finish);
	if (f->usage) {
		double cost = NAN;

		r->prompt_tokens = span_count(r, &f->prompt_tokens);
		r->completion_tokens = span_count(r, &f->completion_tokens);
		r->reasoning_tokens = span_count(r, &f->reasoning_tokens);
		r->cached_tokens = span_count(r, &f->cached_tokens);
		if (f->cost.kind == V_INT || f->cost.kind == V_REAL)
			cost = strtod(f->cost.p, NULL);
		r->cost = usage_cost(r, f->cost.kind == V_INT || f->cost.kind == V_REAL, cost);
	}
	if (now_us >= 0)
		mark_times(r, old_len, got, now_us);
}

/* Writes each NUL of b from `from` on as the six characters \u0000 (what
 * the JSON said): C strings downstream (the store, the graders) would end
 * the text there without a word. */
static void escape_nuls(tb_buf *b, size_t from)
{
	tb_buf tail;

	if (!b->data || from >= b->len || !memchr(b->data + from, '\0', b->len - from))
		return;
	tb_buf_init(&tail, b->max);
	/* Bounded by the text: each pass takes one byte. */
	for (size_t i = from; i < b->len; i++) {
		if (b->data[i])
			tb_buf_add(&tail, b->data + i, 1);
		else
			tb_buf_adds(&tail, "\\u0000");
	}
	b->len = from;
	append(b, tail.data ? tail.data : "", tail.len);
	if (tail.truncated)
		b->truncated = 1;
	tb_buf_release(&tail);
}

/* Every text an endpoint sent passes here once it is decoded, before anyone
 * reads it: NULs are escaped, and an endpoint that echoes the API key (in an
 * error, a provider or id field, or the answer) leaves no copy of it in the
 * harness. The texts grow from old_r and old_c on. */
static void redact(tb_resp *r, size_t old_r, size_t old_c)
{
	escape_nuls(&r->reasoning, old_r);
	escape_nuls(&r->content, old_c);
	tb_redact_buf(&r->reasoning, old_r);
	tb_redact_buf(&r->content, old_c);
	tb_redact_str(r->finish_reason, sizeof(r->finish_reason));
	tb_redact_str(r->native_finish_reason, sizeof(r->native_finish_reason));
	tb_redact_str(r->provider, sizeof(r->provider));
	tb_redact_str(r->generation_id, sizeof(r->generation_id));
	tb_redact_str(r->model, sizeof(r->model));
	tb_redact_str(r->error_code, sizeof(r->error_code));
	tb_redact_str(r->error_message, sizeof(r->error_message));
	tb_redact_str(r->error_type, sizeof(r->error_type));
}

int resp_on_chunk(tb_resp *r, const char *data, size_t len, int64_t now_us)
{
	size_t old_r = r->reasoning.len, old_c = r->content.len;
	json_t *root;
	fast f;

	if (is_done(data, len)) {
		r->done = 1;
		return TB_OK;
	}
	if (fast_scan(&f, data, len, "delta") == FAST_OK) {
		r->chunks++;
		fast_apply(r, &f, now_us < 0 ? 0 : now_us);
		redact(r, old_r, old_c);
		return TB_OK;
	}
	root = load_object(r, data, len);
	if (!root)
		return TB_PARSE;
	r->chunks++;
	apply(r, root, "delta", now_us < 0 ? 0 : now_us);
	json_decref(root);
	redact(r, old_r, old_c);
	return TB_OK;
}

int resp_parse_body_jansson(tb_resp *r, const char *body, size_t len)
{
	size_t old_r = r->reasoning.len, old_c = r->content.len;
	json_t *root = load_object(r, body, len);

	if (!root)
		return TB_PARSE;
	apply(r, root, "message", -1);
	json_decref(root);
	redact(r, old_r, old_c);
	return TB_OK;
}

int resp_parse_body(tb_resp *r, const char *body, size_t len)
{
	size_t old_r = r->reasoning.len, old_c = r->content.len;
	fast f;

	if (fast_scan(&f, body, len, "message") == FAST_OK) {
		fast_apply(r, &f, -1);
		redact(r, old_r, old_c);
		return TB_OK;
	}
	return resp_parse_body_jansson(r, body, len);
}
