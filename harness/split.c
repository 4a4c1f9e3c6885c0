/* Reasoning versus answer (HACKING.md, "Endpoints").
 *
 * Order of evidence: the server's reasoning field, when it holds more than
 * white space (some servers send "\n" in nothink mode); else </think> in the
 * content, split at the LAST one (an earlier one may be quoted in the
 * trace); else an opened, never closed <think>; else, for a backend whose
 * template pre-opens <think> (r->think_tags, QwQ) in think mode, content
 * with no </think> at all, which is a trace cut before it ended. The
 * method is NONE whenever no non-white-space reasoning was found, so an
 * empty "<think>\n\n</think>" from /no_think is not reasoning. */
#include "split.h"

#include <string.h>

static const char open_tag[] = "<think>";
static const char close_tag[] = "</think>";
enum { OPEN_LEN = sizeof(open_tag) - 1, CLOSE_LEN = sizeof(close_tag) - 1 };

static int is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static void trim_left(const char **s, size_t *n)
{
	while (*n > 0 && is_ws(**s))
		(*s)++, (*n)--;
}

static void trim(const char **s, size_t *n)
{
	trim_left(s, n);
	while (*n > 0 && is_ws((*s)[*n - 1]))
		(*n)--;
}

static int starts_with(const char *s, size_t n, const char *p, size_t pn)
{
	return n >= pn && memcmp(s, p, pn) == 0;
}

/* Offset of the last </think> in s, or -1. Bounded: each step moves on. */
static long last_close(const char *s, size_t n)
{
	const char *hit = NULL, *p = s;
	size_t left = n;

	for (;;) {
		const char *q = memmem(p, left, close_tag, CLOSE_LEN);

		if (!q)
			break;
		hit = q;
		left -= (size_t)(q - p) + 1;
		p = q + 1;
	}
	return hit ? (long)(hit - s) : -1;
}

/* Drops an empty "<think> </think>" at the start of an answer: Qwen3 emits
 * one with /no_think even when the server split the reasoning off. */
static void strip_empty_pair(const char **s, size_t *n)
{
	const char *p = *s;
	size_t m = *n;

	if (!starts_with(p, m, open_tag, OPEN_LEN))
		return;
	p += OPEN_LEN, m -= OPEN_LEN;
	trim_left(&p, &m);
	if (!starts_with(p, m, close_tag, CLOSE_LEN))
		return;
	p += CLOSE_LEN, m -= CLOSE_LEN;
	trim_left(&p, &m);
	*s = p;
	*n = m;
}

static int has_text(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_ws(s[i]))
			return 1;
	return 0;
}

void split_response(const tb_resp *r, int think_mode, tb_split *out)
{
	const char *c = tb_buf_str(&r->content);
	size_t cn = r->content.len;
	const char *lead = c;
	size_t lead_n = cn;
	long at = last_close(c, cn);
	int opened, reasoned, failed;

	memset(out, 0, sizeof(*out));
	out->reasoning = c;
	out->answer = c + cn;
	trim_left(&lead, &lead_n);
	opened = starts_with(lead, lead_n, open_tag, OPEN_LEN);
	if (has_text(tb_buf_str(&r->reasoning), r->reasoning.len)) {
		out->method = TB_SPLIT_FIELD;
		out->reasoning = tb_buf_str(&r->reasoning);
		out->reasoning_len = r->reasoning.len;
		out->answer = lead;
		out->answer_len = lead_n;
		strip_empty_pair(&out->answer, &out->answer_len);
	} else if (at >= 0) {
		out->method = TB_SPLIT_TAGS;
		out->reasoning = c;
		out->reasoning_len = (size_t)at;
		trim_left(&out->reasoning, &out->reasoning_len);
		if (starts_with(out->reasoning, out->reasoning_len, open_tag, OPEN_LEN))
			out->reasoning += OPEN_LEN, out->reasoning_len -= OPEN_LEN;
		trim(&out->reasoning, &out->reasoning_len);
		out->answer = c + at + CLOSE_LEN;
		out->answer_len = cn - (size_t)at - CLOSE_LEN;
		trim_left(&out->answer, &out->answer_len);
	} else if (opened || (think_mode && r->think_tags && lead_n > 0)) {
		/* Opened, by the model or by the template, and never closed. */
		out->method = TB_SPLIT_TAGS;
		out->reasoning = opened ? lead + OPEN_LEN : lead;
		out->reasoning_len = opened ? lead_n - OPEN_LEN : lead_n;
		trim(&out->reasoning, &out->reasoning_len);
		out->truncated_in_thinking = 1;
	} else {
		out->answer = lead;
		out->answer_len = lead_n;
	}
	if (out->reasoning_len == 0)
		out->method = TB_SPLIT_NONE;
	/* A budget spent on thinking: the server split it, nothing came after. */
	if (think_mode && out->reasoning_len > 0 && out->answer_len == 0 &&
	    strcmp(r->finish_reason, "length") == 0)
		out->truncated_in_thinking = 1;
	reasoned = has_text(out->reasoning, out->reasoning_len);
	failed = r->error_code[0] != '\0' || strcmp(r->finish_reason, "error") == 0;
	out->mode_leak = think_mode ? !reasoned && !failed : reasoned;
}

const char *split_method_name(tb_split_method m)
{
	switch (m) {
	case TB_SPLIT_FIELD:
		return "field";
	case TB_SPLIT_TAGS:
		return "tags";
	case TB_SPLIT_NONE:
		break;
	}
	return "none";
}
