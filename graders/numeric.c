/* The numeric grader: finds the final number of an answer and compares it
 * with the reference within a tolerance.
 *
 * spec: {"type": "numeric",
 *        "tolerance": 1e-6,          absolute, default 1e-6
 *        "rel_tolerance": 0,         relative to the larger, default 0
 *        "extract": ["boxed", "phrase", "hash", "last"],   tried in order
 *        "decimal_comma": "auto"}    true, false, or "auto": from the item's lang
 *
 * "boxed" is the last \boxed{} (its content read as a closed form, so
 * \frac{3}{4} works, else its number after the last '='), "phrase" the
 * number after the last localised "the answer is", "hash" the number after
 * GSM8K's "####", "last" the last number of the answer. A percentage also
 * matches the reference read as a fraction (25% = 0.25). The reference is
 * read the same way, so a whole GSM8K solution ending "#### 72" can be one. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "kinds.h"
#include "log.h"
#include "normalize.h"
#include "rc.h"

enum { EX_BOXED, EX_PHRASE, EX_HASH, EX_LAST, EX_COUNT };

static const char *const ex_names[EX_COUNT] = {"boxed", "phrase", "hash", "last"};
static const char *const ex_where[EX_COUNT] = {"from \\boxed{}", "after the answer phrase",
					       "after ####", "the last number"};

typedef struct numeric_state {
	double tol, rel;
	int order[EX_COUNT];
	int norder;
	int dec_comma; /* -1 auto */
} numeric_state;

static void numeric_release(void *p)
{
	free(p);
}

static int get_number(const json_t *spec, const char *key, double def, double *out, char *err,
		      size_t errlen)
{
	const json_t *v = json_object_get(spec, key);

	*out = def;
	if (!v)
		return TB_OK;
	if (!json_is_number(v) || json_number_value(v) < 0)
		return tb_seterr(err, errlen, "grader.%s: expected a number >= 0", key);
	*out = json_number_value(v);
	return TB_OK;
}

static int numeric_compile(const json_t *spec, void **state, char *err, size_t errlen)
{
	const json_t *ex = json_object_get(spec, "extract");
	const json_t *dc = json_object_get(spec, "decimal_comma");
	numeric_state *st = calloc(1, sizeof(*st));
	int rc = TB_ERR;

	if (!st)
		return tb_seterr(err, errlen, "out of memory");
	if (get_number(spec, "tolerance", 1e-6, &st->tol, err, errlen) != TB_OK ||
	    get_number(spec, "rel_tolerance", 0, &st->rel, err, errlen) != TB_OK)
		goto out;
	if (!ex) {
		for (int k = 0; k < EX_COUNT; k++)
			st->order[k] = k;
		st->norder = EX_COUNT;
	} else if (!json_is_array(ex) || json_array_size(ex) == 0 ||
		   json_array_size(ex) > EX_COUNT) {
		tb_seterr(err, errlen, "grader.extract: expected an array of boxed, phrase, hash, last");
		goto out;
	} else {
		size_t i;
		json_t *e;

		json_array_foreach(ex, i, e) {
			const char *s = json_string_value(e);
			int k;

			for (k = 0; s && k < EX_COUNT; k++)
				if (strcmp(s, ex_names[k]) == 0)
					break;
			if (!s || k == EX_COUNT) {
				tb_seterr(err, errlen,
					  "grader.extract: unknown method (expected boxed, phrase, hash or last)");
				goto out;
			}
			st->order[st->norder++] = k;
		}
	}
	if (!dc || (json_is_string(dc) && strcmp(json_string_value(dc), "auto") == 0)) {
		st->dec_comma = -1;
	} else if (json_is_boolean(dc)) {
		st->dec_comma = json_is_true(dc);
	} else {
		tb_seterr(err, errlen, "grader.decimal_comma: expected true, false or \"auto\"");
		goto out;
	}
	*state = st;
	st = NULL;
	rc = TB_OK;
out:
	free(st);
	return rc;
}

/* The number a span holds. A box is read as a closed form first. */
static int span_number(const char *s, gr_span sp, int boxed, int dec_comma, double *v, int *pct)
{
	const char *t = s + sp.off;
	size_t n = sp.len, from = 0;
	gr_num num;

	*pct = memchr(t, '%', n) != NULL;
	if (boxed) {
		char canon[256];

		if (n < 200 && gr_latex_canon(t, n, canon, sizeof(canon)) == 0 &&
		    gr_eval(canon, strlen(canon), NULL, v) == 0)
			return 1;
		for (size_t k = n; k-- > 0;)
			if (t[k] == '=') {
				from = k + 1;
				break;
			}
	}
	if (gr_next_number(t, n, from, dec_comma, &num) ||
	    (from && gr_next_number(t, n, 0, dec_comma, &num))) {
		*v = num.value;
		*pct = num.percent;
		return 1;
	}
	return 0;
}

/* Runs the extraction methods in order; returns the method used or -1. */
static int find_answer(const numeric_state *st, const char *s, size_t n, int dec_comma, double *v,
		       int *pct)
{
	for (int k = 0; k < st->norder; k++) {
		gr_span sp;
		gr_num num;

		switch (st->order[k]) {
		case EX_BOXED:
			if (gr_find_boxed(s, n, &sp) && span_number(s, sp, 1, dec_comma, v, pct))
				return EX_BOXED;
			break;
		case EX_PHRASE:
			if (gr_find_phrase(s, n, &sp) && span_number(s, sp, 0, dec_comma, v, pct))
				return EX_PHRASE;
			break;
		case EX_HASH:
			if (gr_find_hash(s, n, &sp) && span_number(s, sp, 0, dec_comma, v, pct))
				return EX_HASH;
			break;
		case EX_LAST:
			if (gr_last_number(s, n, dec_comma, &num)) {
				*v = num.value;
				*pct = num.percent;
				return EX_LAST;
			}
			break;
		}
	}
	return -1;
}

static int close_enough(const numeric_state *st, double a, double b)
{
	double d = fabs(a - b);

	return d <= st->tol || d <= st->rel * fmax(fabs(a), fabs(b));
}

/* The reference: a closed form ("2,125", "\frac{1}{2}", "-3"), else read like
 * an answer. */
static int reference(const numeric_state *st, const char *s, double *v)
{
	size_t n = strlen(s);
	char canon[256];
	int pct;

	if (n < 200 && gr_latex_canon(s, n, canon, sizeof(canon)) == 0 &&
	    gr_eval(canon, strlen(canon), NULL, v) == 0)
		return 0;
	return find_answer(st, s, n, 0, v, &pct) >= 0 ? 0 : -1;
}

static int numeric_grade(const void *p, const gr_input *in, gr_result *out)
{
	const numeric_state *st = p;
	int dec_comma = st->dec_comma >= 0 ? st->dec_comma : gr_lang_decimal_comma(in->lang);
	double got, want;
	int pct, how;

	if (!in->expected || reference(st, in->expected, &want) != 0) {
		snprintf(out->reason, sizeof(out->reason), "the reference '%.200s' is not a number",
			 in->expected ? in->expected : "(none)");
		return TB_ERR;
	}
	how = find_answer(st, in->answer, strlen(in->answer), dec_comma, &got, &pct);
	if (how < 0) {
		out->verdict = GR_NOANSWER;
		snprintf(out->reason, sizeof(out->reason), "no number in the answer");
		return TB_OK;
	}
	snprintf(out->extracted, sizeof(out->extracted), "%.15g%s", got, pct ? "%" : "");
	if (close_enough(st, got, want) || (pct && close_enough(st, got / 100, want))) {
		out->verdict = GR_CORRECT;
		out->score = 1;
		snprintf(out->reason, sizeof(out->reason), "%s matches %.15g", ex_where[how], want);
	} else {
		out->verdict = GR_INCORRECT;
		snprintf(out->reason, sizeof(out->reason), "%s differs from %.15g", ex_where[how], want);
	}
	return TB_OK;
}

const gr_ops gr_numeric_ops = {
	.name = "numeric",
	.compile = numeric_compile,
	.grade = numeric_grade,
	.release = numeric_release,
};
