/* The regex grader: a PCRE2 pattern (UTF and UCP) compiled once, the last
 * (or first) match's capture group extracted, normalised, and compared with
 * the reference normalised the same way.
 *
 * spec: {"type": "regex", "pattern": "...", "group": 1,
 *        "occurrence": "last"|"first", "normalize": ["trim", "lower",
 *        "strip_commas", "number"]}
 *
 * The answer is untrusted and the pattern may backtrack badly, so a grade is
 * bounded three ways: PCRE2's match, depth and heap limits (per start
 * position), and a budget over the whole grade (every start position of
 * every match of the forward scan), counted in callouts (PCRE2_AUTO_CALLOUT
 * gives one per pattern item tried, backtracks included) and in wall-clock
 * time. Reaching any of them is a grader error ("regex limit"), kept out of
 * accuracy: never no_answer or incorrect. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <ctype.h>
#include <math.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "kinds.h"
#include "log.h"
#include "rc.h"

enum { NORM_TRIM = 1, NORM_LOWER = 2, NORM_COMMAS = 4, NORM_NUMBER = 8 };

#define MATCH_LIMIT 1000000u        /* pcre2's own default is 10,000,000 */
#define DEPTH_LIMIT 100000u
#define HEAP_LIMIT_KIB (64u << 10)  /* 64 MiB of backtracking frames */
/* The whole grade: about a second of matching on a slow machine, far past
 * what any sane pattern needs on an answer under the 4 MiB text ceiling. */
#define GRADE_STEPS 200000000ull
#define GRADE_BUDGET_US 2000000
#define CLOCK_EVERY 256             /* callouts between looks at the clock */

/* One grade's budget, shared by every pcre2_match() of its scan. */
typedef struct budget {
	unsigned long long steps;
	int64_t deadline_us;
	const char *hit;            /* which limit ended the grade, or NULL */
} budget;

typedef struct regex_state {
	pcre2_code *code;
	unsigned group;
	int last;
	unsigned norm;
} regex_state;

static void regex_release(void *p)
{
	regex_state *st = p;

	if (!st)
		return;
	pcre2_code_free(st->code);
	free(st);
}

static int parse_norm(const json_t *v, unsigned *out, char *err, size_t errlen)
{
	static const struct {
		const char *name;
		unsigned bit;
	} names[] = {{"trim", NORM_TRIM},
		     {"lower", NORM_LOWER},
		     {"strip_commas", NORM_COMMAS},
		     {"number", NORM_NUMBER}};
	size_t i;
	json_t *e;

	*out = NORM_TRIM;
	if (!v)
		return TB_OK;
	if (!json_is_array(v))
		return tb_seterr(err, errlen, "grader.normalize: expected an array of names");
	*out = 0;
	json_array_foreach(v, i, e) {
		const char *s = json_string_value(e);
		size_t k;

		for (k = 0; s && k < sizeof(names) / sizeof(names[0]); k++)
			if (strcmp(s, names[k].name) == 0)
				break;
		if (!s || k == sizeof(names) / sizeof(names[0]))
			return tb_seterr(err, errlen,
					 "grader.normalize: unknown step (expected trim, lower, strip_commas or number)");
		*out |= names[k].bit;
	}
	return TB_OK;
}

static int regex_compile(const json_t *spec, void **state, char *err, size_t errlen)
{
	const char *pattern = json_string_value(json_object_get(spec, "pattern"));
	const json_t *group = json_object_get(spec, "group");
	const char *occ = json_string_value(json_object_get(spec, "occurrence"));
	regex_state *st;
	int errcode;
	PCRE2_SIZE erroff;
	uint32_t ncap = 0;

	if (!pattern)
		return tb_seterr(err, errlen, "grader.pattern: expected a string");
	if (group && (!json_is_integer(group) || json_integer_value(group) < 0))
		return tb_seterr(err, errlen, "grader.group: expected a capture group number");
	if (occ && strcmp(occ, "last") != 0 && strcmp(occ, "first") != 0)
		return tb_seterr(err, errlen, "grader.occurrence: expected \"first\" or \"last\"");
	st = calloc(1, sizeof(*st));
	if (!st)
		return tb_seterr(err, errlen, "out of memory");
	st->last = !occ || strcmp(occ, "last") == 0;
	if (parse_norm(json_object_get(spec, "normalize"), &st->norm, err, errlen) != TB_OK)
		goto fail;
	st->code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
				 PCRE2_UTF | PCRE2_UCP | PCRE2_AUTO_CALLOUT, &errcode, &erroff, NULL);
	if (!st->code) {
		PCRE2_UCHAR msg[160];

		pcre2_get_error_message(errcode, msg, sizeof(msg));
		tb_seterr(err, errlen, "grader.pattern: %s at offset %zu", (char *)msg, (size_t)erroff);
		goto fail;
	}
	pcre2_pattern_info(st->code, PCRE2_INFO_CAPTURECOUNT, &ncap);
	st->group = group ? (unsigned)json_integer_value(group) : (ncap > 0 ? 1 : 0);
	if (st->group > ncap) {
		tb_seterr(err, errlen, "grader.group: the pattern has only %u capture groups", ncap);
		goto fail;
	}
	*state = st;
	return TB_OK;
fail:
	regex_release(st);
	return TB_ERR;
}

/* Normalises s into out (at most outlen bytes, NUL-terminated). */
static void normalise(const char *s, size_t n, unsigned norm, char *out, size_t outlen)
{
	size_t o = 0;

	if (norm & NORM_TRIM) {
		while (n && isspace((unsigned char)*s))
			s++, n--;
		while (n && isspace((unsigned char)s[n - 1]))
			n--;
	}
	for (size_t i = 0; i < n && o + 1 < outlen; i++) {
		char c = s[i];

		if ((norm & NORM_COMMAS) && c == ',')
			continue;
		if (norm & NORM_LOWER)
			c = (char)tolower((unsigned char)c);
		out[o++] = c;
	}
	out[o] = '\0';
}

static int same_number(const char *a, const char *b)
{
	char *ea, *eb;
	double x = strtod(a, &ea), y = strtod(b, &eb);

	if (ea == a || eb == b || *ea || *eb)
		return 0;
	return fabs(x - y) <= 1e-9 * fmax(1.0, fmax(fabs(x), fabs(y)));
}

/* Called by PCRE2 at every pattern item it tries: counts the step and, now
 * and then, looks at the clock. A negative return abandons the match. */
static int on_callout(pcre2_callout_block *cb, void *data)
{
	budget *b = data;

	(void)cb;
	if (++b->steps > GRADE_STEPS) {
		b->hit = "step budget";
		return PCRE2_ERROR_CALLOUT;
	}
	if (b->steps % CLOCK_EVERY == 0 && tb_now_us() > b->deadline_us) {
		b->hit = "time budget";
		return PCRE2_ERROR_CALLOUT;
	}
	return 0;
}

/* Why a match failed, for a limit; NULL for "no match". */
static const char *limit_name(int rc, const budget *b)
{
	if (rc <= PCRE2_ERROR_UTF8_ERR1 && rc >= PCRE2_ERROR_UTF8_ERR21)
		return NULL; /* not UTF-8: nothing to match, as before */
	switch (rc) {
	case PCRE2_ERROR_NOMATCH:
		return NULL;
	case PCRE2_ERROR_MATCHLIMIT:
		return "match limit";
	case PCRE2_ERROR_DEPTHLIMIT:
		return "depth limit";
	case PCRE2_ERROR_HEAPLIMIT:
		return "heap limit";
	case PCRE2_ERROR_NOMEMORY:
		return "out of memory";
	case PCRE2_ERROR_CALLOUT:
		return b->hit ? b->hit : "callout";
	default:
		return "match error";
	}
}

static int regex_grade(const void *p, const gr_input *in, gr_result *out)
{
	const regex_state *st = p;
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(st->code, NULL);
	pcre2_match_context *mc = pcre2_match_context_create(NULL);
	PCRE2_SIZE start = 0, len = strlen(in->answer), found_at = 0, found_len = 0;
	budget b = {.deadline_us = tb_now_us() + GRADE_BUDGET_US};
	const char *limit = NULL;
	int found = 0;
	char expected[512];

	if (!md || !mc) {
		pcre2_match_data_free(md);
		pcre2_match_context_free(mc);
		snprintf(out->reason, sizeof(out->reason), "out of memory");
		return TB_ERR;
	}
	pcre2_set_match_limit(mc, MATCH_LIMIT);
	pcre2_set_depth_limit(mc, DEPTH_LIMIT);
	pcre2_set_heap_limit(mc, HEAP_LIMIT_KIB);
	pcre2_set_callout(mc, on_callout, &b);
	/* One forward pass: each match starts where the last ended, so the
	 * whole scan shares one budget and ends within it. */
	while (start <= len) {
		/* The first call checks the whole answer's UTF-8; checking the rest
		 * again at every match would make the scan quadratic. */
		int rc = pcre2_match(st->code, (PCRE2_SPTR)in->answer, len, start,
				     start ? PCRE2_NO_UTF_CHECK : 0, md, mc);
		PCRE2_SIZE *ov;

		if (rc < 0) {
			limit = limit_name(rc, &b);
			break;
		}
		ov = pcre2_get_ovector_pointer(md);
		if (ov[2 * st->group] != PCRE2_UNSET) {
			found = 1;
			found_at = ov[2 * st->group];
			found_len = ov[2 * st->group + 1] - found_at;
		}
		if (!st->last)
			break;
		start = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
		/* Never restart inside a UTF-8 sequence. */
		while (start < len && ((unsigned char)in->answer[start] & 0xC0) == 0x80)
			start++;
	}
	pcre2_match_context_free(mc);
	if (limit) {
		/* The last match cannot be known: whatever was found may not be it. */
		pcre2_match_data_free(md);
		snprintf(out->reason, sizeof(out->reason), "regex limit (%s)", limit);
		return TB_ERR;
	}
	pcre2_match_data_free(md);
	if (!found) {
		out->verdict = GR_NOANSWER;
		snprintf(out->reason, sizeof(out->reason), "pattern did not match");
		return TB_OK;
	}
	normalise(in->answer + found_at, found_len, st->norm, out->extracted, sizeof(out->extracted));
	normalise(in->expected ? in->expected : "", in->expected ? strlen(in->expected) : 0,
		  st->norm, expected, sizeof(expected));
	if ((st->norm & NORM_NUMBER) ? same_number(out->extracted, expected)
				     : strcmp(out->extracted, expected) == 0) {
		out->verdict = GR_CORRECT;
		out->score = 1;
		snprintf(out->reason, sizeof(out->reason), "matches the reference");
	} else {
		out->verdict = GR_INCORRECT;
		snprintf(out->reason, sizeof(out->reason), "differs from the reference");
	}
	return TB_OK;
}

const gr_ops gr_regex_ops = {
	.name = "regex",
	.compile = regex_compile,
	.grade = regex_grade,
	.release = regex_release,
};
