/* The numeric grader: finds the final number of an answer and compares it
 * with the reference within a tolerance.
 *
 * spec: {"type": "numeric",
 *        "tolerance": 0,             an accepted absolute difference, none by default
 *        "rel_tolerance": 0,         an accepted relative difference, none by default
 *        "sig_digits": 3,            a rounded decimal needs this many (mathexpr.h)
 *        "extract": ["boxed", "phrase", "hash", "last"],   tried in order
 *        "decimal_comma": "auto"}    true, false, or "auto": from the item's lang
 *
 * "boxed" is the final answer block's boxes, "phrase" the expression after
 * the last localised "the answer is", "hash" the number after GSM8K's
 * "####", "last" the number the final sentence asserts. An answer phrase
 * after the last box, with a number, beats the box. A span that is one
 * number, maybe with a unit or a full stop, is read as written (any
 * script's digits and grouping); anything else is parsed (mathparse.h), so
 * "\frac{3}{4}", "x = 5" and "9 * 2 = 18" work and "1 or 2" is a hedge,
 * wrong. A percentage equals the number, or the reference read as a
 * fraction when that is between -1 and 1 (25% = 0.25, 1200% is not 12). The
 * reference is read the same way, so a whole GSM8K solution ending "#### 72"
 * can be one. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "extract.h"
#include "kinds.h"
#include "log.h"
#include "mathexpr.h"
#include "normalize.h"
#include "rc.h"

enum { EX_BOXED, EX_PHRASE, EX_HASH, EX_LAST, EX_COUNT };

static const char *const ex_names[EX_COUNT] = {"boxed", "phrase", "hash", "last"};
static const char *const ex_where[EX_COUNT] = {"from \\boxed{}", "after the answer phrase",
					       "after ####", "the final sentence's number"};

typedef struct numeric_state {
	mx_opts opts;
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
	double sig;
	int rc = TB_ERR;

	if (!st)
		return tb_seterr(err, errlen, "out of memory");
	if (get_number(spec, "tolerance", 0, &st->opts.abs_tol, err, errlen) != TB_OK ||
	    get_number(spec, "rel_tolerance", 0, &st->opts.rel_tol, err, errlen) != TB_OK ||
	    get_number(spec, "sig_digits", MX_SIG_DIGITS, &sig, err, errlen) != TB_OK)
		goto out;
	if (sig < 1 || sig > 15 || sig != floor(sig)) {
		tb_seterr(err, errlen, "grader.sig_digits: expected a whole number from 1 to 15");
		goto out;
	}
	st->opts.sig_digits = (int)sig;
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

/* What a span gave: a number, none, or several (a hedge). */
enum { SPAN_NONE = 0, SPAN_NUMBER = 1, SPAN_HEDGE = -1 };

/* Words after a number that make it more than an answer with a unit: a
 * hedge, arithmetic, a scale ("1 million" is for the parser). */
static int hedge_word(const char *s, size_t n)
{
	static const char *const words[] = {"or", "and", "but", "maybe", "perhaps", "possibly",
					    "probably", "not", "either", "plus", "minus", "times",
					    "hundred", "thousand", "million", "billion", "trillion", NULL};

	for (size_t i = 0; i < n; i++) {
		size_t l = 0;

		if (i > 0 && isalpha((unsigned char)s[i - 1]))
			continue;
		while (i + l < n && isalpha((unsigned char)s[i + l]))
			l++;
		for (int k = 0; l && words[k]; k++)
			if (strlen(words[k]) == l && strncasecmp(s + i, words[k], l) == 0)
				return 1;
	}
	return 0;
}

/* The fast path: the span is one number as written (after markup or a
 * currency sign), then nothing but a full stop, markup or a few words of
 * unit without digits. Letters glued to the digits must be an ordinal or a
 * short unit ("2nd", "5cm", never "3xyz"). */
static int plain_number(const char *t, size_t n, int dec_comma, gr_num *num)
{
	size_t i = 0, e;

	while (i < n && strchr(" \t*:$([{", t[i]))
		i++;
	if (i + 1 < n && t[i] == '\\' && (t[i + 1] == '$' || t[i + 1] == '(' || t[i + 1] == '['))
		i += 2;
	if (!gr_next_number(t, n, i, dec_comma, num))
		return 0;
	/* Only a sign or currency sign may stand before it. */
	for (size_t k = i; k < num->off; k++)
		if (isalnum((unsigned char)t[k]) || strchr("\\{}=", t[k]))
			return 0;
	e = num->off + num->len;
	if (e < n && isalpha((unsigned char)t[e])) {
		size_t l = 0;

		while (e + l < n && isalpha((unsigned char)t[e + l]))
			l++;
		if (!(l == 2 && strchr("snrt", tolower((unsigned char)t[e]))) &&
		    !(l <= 2 && strchr("ckmgfl", tolower((unsigned char)t[e]))))
			return 0;
	}
	if (n - e > 40 || hedge_word(t + e, n - e))
		return 0;
	for (size_t k = e; k < n; k++)
		if (isdigit((unsigned char)t[k]) || strchr("\\=^/+-_{}(,;!", t[k]) ||
		    (t[k] == '.' && k + 1 < n && t[k + 1] != ' '))
			return 0;
	return 1;
}

static int span_number(const char *s, gr_span sp, int dec_comma, mx_num *v)
{
	const char *t = s + sp.off;
	gr_num num;
	mp_tree *tree;
	int r;

	if (plain_number(t, sp.len, dec_comma, &num)) {
		*v = (mx_num){num.value, num.dec, num.sig, num.percent};
		return SPAN_NUMBER;
	}
	tree = malloc(sizeof(*tree));
	if (!tree)
		return SPAN_NONE;
	r = mp_parse(t, sp.len, tree, NULL) == 0 ? mx_number(tree, v) : SPAN_NONE;
	free(tree);
	/* "2 (or 3)": unreadable, but a hedge all the same. */
	if (r == SPAN_NONE && hedge_word(t, sp.len) && gr_next_number(t, sp.len, 0, dec_comma, &num))
		return SPAN_HEDGE;
	return r;
}

/* What a span gives with the text after it: a hedge that follows the
 * answer ("The answer is 5. Or maybe 6.") makes it several values. */
static int answer_number(const char *s, size_t n, gr_span sp, int dec_comma, mx_num *v)
{
	int got = span_number(s, sp, dec_comma, v);
	gr_span h;

	if (got == SPAN_NUMBER && gr_hedge_after(s, n, sp.off + sp.len, &h))
		return SPAN_HEDGE;
	return got;
}

/* Runs the extraction methods in order: the method used and what its span
 * gave, or -1 when none found an answer. */
static int find_answer(const numeric_state *st, const char *s, size_t n, int dec_comma, mx_num *v,
		       int *got)
{
	gr_span bx[8], sp;
	int nb = -1;
	size_t at = 0;

	for (int k = 0; k < st->norder; k++) {
		gr_num num;

		switch (st->order[k]) {
		case EX_BOXED:
			nb = gr_final_boxes(s, n, bx, 8);
			if (!nb)
				break;
			/* A later answer phrase with a number beats the box. */
			if (gr_phrase_answer(s, n, &sp, &at) && at > bx[nb - 1].off + bx[nb - 1].len &&
			    (*got = answer_number(s, n, sp, dec_comma, v)) != SPAN_NONE)
				return EX_PHRASE;
			if (nb > 1) {
				/* Several boxes are one answer only when they agree. */
				mx_num first;

				if ((*got = span_number(s, bx[0], dec_comma, &first)) != SPAN_NUMBER)
					return *got == SPAN_HEDGE ? EX_BOXED : -1;
				for (int b = 1; b < nb; b++)
					if (span_number(s, bx[b], dec_comma, v) != SPAN_NUMBER || v->val != first.val) {
						*got = SPAN_HEDGE;
						return EX_BOXED;
					}
			}
			/* A box is the answer even when it holds no number. */
			*got = answer_number(s, n, bx[nb - 1], dec_comma, v);
			return EX_BOXED;
		case EX_PHRASE:
			if (gr_phrase_answer(s, n, &sp, &at) &&
			    (*got = answer_number(s, n, sp, dec_comma, v)) != SPAN_NONE)
				return EX_PHRASE;
			break;
		case EX_HASH:
			if (gr_find_hash(s, n, &sp) && (*got = span_number(s, sp, dec_comma, v)) != SPAN_NONE)
				return EX_HASH;
			break;
		case EX_LAST:
			if (gr_final_number(s, n, dec_comma, &num)) {
				*v = (mx_num){num.value, num.dec, num.sig, num.percent};
				*got = SPAN_NUMBER;
				return EX_LAST;
			}
			break;
		}
	}
	return -1;
}

/* The reference: one number ("2,125", "\frac{1}{2}", "-3"), else read like
 * an answer (a GSM8K solution ending "#### 72"). */
static int reference(const numeric_state *st, const char *s, mx_num *v)
{
	size_t n = strlen(s);
	int got;

	if (span_number(s, (gr_span){0, n}, 0, v) == SPAN_NUMBER)
		return 0;
	return find_answer(st, s, n, 0, v, &got) >= 0 && got == SPAN_NUMBER ? 0 : -1;
}

static int numeric_grade(const void *p, const gr_input *in, gr_result *out)
{
	const numeric_state *st = p;
	int dec_comma = st->dec_comma >= 0 ? st->dec_comma : gr_lang_decimal_comma(in->lang);
	mx_num got, want, frac;
	const char *rule = "exact";
	int how, what = SPAN_NONE, ok;
	size_t n, tail;

	if (!in->expected || reference(st, in->expected, &want) != 0) {
		snprintf(out->reason, sizeof(out->reason), "the reference '%.200s' is not a number",
			 in->expected ? in->expected : "(none)");
		return TB_ERR;
	}
	n = strlen(in->answer);
	tail = gr_tail_start(in->answer, n);
	how = find_answer(st, in->answer + tail, n - tail, dec_comma, &got, &what);
	if (how < 0) {
		out->verdict = GR_NOANSWER;
		snprintf(out->path, sizeof(out->path), "none");
		snprintf(out->reason, sizeof(out->reason), "no number in the answer");
		return TB_OK;
	}
	if (what != SPAN_NUMBER) {
		/* A hedge is wrong; a box without a number answers nothing. */
		out->verdict = what == SPAN_HEDGE ? GR_INCORRECT : GR_NOANSWER;
		snprintf(out->extracted, sizeof(out->extracted), "%s",
			 what == SPAN_HEDGE ? "(several values)" : "(not a number)");
		snprintf(out->path, sizeof(out->path), "%s/%s", ex_names[how],
			 what == SPAN_HEDGE ? "hedge" : "not-a-number");
		snprintf(out->reason, sizeof(out->reason), "%s %s", ex_where[how],
			 what == SPAN_HEDGE ? "offers several values" : "holds no single number");
		return TB_OK;
	}
	snprintf(out->extracted, sizeof(out->extracted), "%.15g%s", got.val, got.percent ? "%" : "");
	ok = mx_close(got, want, &st->opts, &rule);
	/* 25% for 0.25: only when the reference is a fraction. */
	if (!ok && got.percent && fabs(want.val) < 1 && want.val != 0) {
		frac = (mx_num){got.val / 100, got.dec < 0 ? -1 : got.dec + 2, got.sig, 0};
		if ((ok = mx_close(frac, want, &st->opts, &rule)) != 0)
			rule = "percent";
	}
	snprintf(out->path, sizeof(out->path), "%s/%s", ex_names[how], rule);
	if (ok) {
		out->verdict = GR_CORRECT;
		out->score = 1;
		snprintf(out->reason, sizeof(out->reason), "%s matches %.15g (%s)", ex_where[how], want.val, rule);
	} else {
		out->verdict = GR_INCORRECT;
		snprintf(out->reason, sizeof(out->reason), "%s differs from %.15g (%s)", ex_where[how], want.val,
			 rule);
	}
	return TB_OK;
}

const gr_ops gr_numeric_ops = {
	.name = "numeric",
	.compile = numeric_compile,
	.grade = numeric_grade,
	.release = numeric_release,
};
