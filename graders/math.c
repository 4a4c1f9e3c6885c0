/* The math grader for LaTeX answers (MATH-500, AIME): extracts the final
 * answer, parses it and the reference into expression trees (mathparse.h)
 * and compares the trees (mathexpr.h), so equal values written differently
 * agree and hedges ("1 or 2") do not.
 *
 * spec: {"type": "math",
 *        "sig_digits": 3,     a rounded decimal for an exact reference needs this many
 *        "tolerance": 0}      an accepted relative difference, none by default
 *
 * The answer, in this order: the final answer block's boxes (the last
 * \boxed{} and the boxes joined to it, one multi-part answer) unless an
 * answer phrase after them gives a mathematical answer; the answer phrase;
 * "####"; the last $...$ or \[...\] when it ends the text; the whole answer
 * when it is short; the number the final sentence asserts. A reference that
 * does not parse is compared as canonical text. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "kinds.h"
#include "log.h"
#include "mathexpr.h"
#include "normalize.h"
#include "rc.h"

#define MAX_BOXES 8
#define SHORT_ANSWER 100
#define CANON_MAX 1024

typedef struct math_state {
	mx_opts opts;
} math_state;

/* One extracted answer: its text (boxes joined) and how it was found. */
typedef struct found {
	char text[MP_MAX_INPUT + 1];
	size_t len;
	const char *how;
} found;

static void math_release(void *p)
{
	free(p);
}

static int math_compile(const json_t *spec, void **state, char *err, size_t errlen)
{
	const json_t *t = json_object_get(spec, "tolerance");
	const json_t *sd = json_object_get(spec, "sig_digits");
	math_state *st;

	if (t && (!json_is_number(t) || json_number_value(t) < 0))
		return tb_seterr(err, errlen, "grader.tolerance: expected a number >= 0");
	if (sd && (!json_is_integer(sd) || json_integer_value(sd) < 1 || json_integer_value(sd) > 15))
		return tb_seterr(err, errlen, "grader.sig_digits: expected a whole number from 1 to 15");
	st = calloc(1, sizeof(*st));
	if (!st)
		return tb_seterr(err, errlen, "out of memory");
	st->opts.rel_tol = t ? json_number_value(t) : 0;
	st->opts.sig_digits = sd ? (int)json_integer_value(sd) : MX_SIG_DIGITS;
	*state = st;
	return TB_OK;
}

static int set_found(found *f, const char *s, gr_span sp, const char *how)
{
	if (sp.len > MP_MAX_INPUT)
		return 0;
	memcpy(f->text, s + sp.off, sp.len);
	f->text[sp.len] = '\0';
	f->len = sp.len;
	f->how = how;
	return 1;
}

/* The boxes of the final block, joined by commas into one answer. */
static int join_boxes(found *f, const char *s, const gr_span *bx, int nb)
{
	size_t o = 0;

	for (int k = 0; k < nb; k++) {
		if (o + bx[k].len + 2 > MP_MAX_INPUT)
			return 0;
		if (k) {
			f->text[o++] = ',';
			f->text[o++] = ' ';
		}
		memcpy(f->text + o, s + bx[k].off, bx[k].len);
		o += bx[k].len;
	}
	f->text[o] = '\0';
	f->len = o;
	f->how = nb > 1 ? "boxes" : "boxed";
	return 1;
}

/* Appends a hedge that follows the answer in the text ("\boxed{1} or 2")
 * so that the comparison sees it. */
static void add_hedge(found *f, const char *s, size_t n, size_t end)
{
	gr_span h;

	if (!gr_hedge_after(s, n, end, &h) || f->len + 1 + h.len > MP_MAX_INPUT)
		return;
	f->text[f->len++] = ' ';
	memcpy(f->text + f->len, s + h.off, h.len);
	f->len += h.len;
	f->text[f->len] = '\0';
}

/* Whether a parsed answer holds more than words: a phrase such as "the
 * answer is correct" gives no mathematical answer. */
static int has_math(const mp_tree *t)
{
	for (int k = 0; k < t->n; k++)
		if (t->node[k].kind != MP_TEXT && t->node[k].kind != MP_MUL && t->node[k].kind != MP_LIST)
			return 1;
	return 0;
}

/* Whether a whole reply reads as an answer, not as prose: at most one
 * word beside its math (a unit), or a few words and no digit ("Evelyn",
 * "Three trucks"). Words are runs of two letters or more, not commands. */
static int answer_like(const char *s, size_t n)
{
	int words = 0, digits = 0;

	for (size_t i = 0; i < n; i++) {
		size_t l = 0;

		digits += isdigit((unsigned char)s[i]) != 0;
		if (!isalpha((unsigned char)s[i]) || (i > 0 && (s[i - 1] == '\\' || isalpha((unsigned char)s[i - 1]))))
			continue;
		while (i + l < n && isalpha((unsigned char)s[i + l]))
			l++;
		/* {pmatrix}, {array}: an environment's name. */
		if (i > 0 && s[i - 1] == '{' && i + l < n && s[i + l] == '}')
			continue;
		words += l >= 2;
	}
	return words <= 1 || (!digits && words <= 3);
}

static int parses(found *f, mp_tree *t)
{
	return mp_parse(f->text, f->len, t, NULL) == 0;
}

/* Finds and parses the answer. Returns 1 with f and t set; 0 with f->how
 * set when a candidate was found but does not parse; -1 when there is
 * none. */
static int find_answer(const char *s, size_t n, found *f, mp_tree *t)
{
	gr_span bx[MAX_BOXES], sp;
	int nb = gr_final_boxes(s, n, bx, MAX_BOXES);
	size_t at = 0;
	int phrase = gr_phrase_answer(s, n, &sp, &at);
	gr_num num;

	if (nb && phrase && at > bx[nb - 1].off + bx[nb - 1].len && set_found(f, s, sp, "phrase") &&
	    parses(f, t) && has_math(t)) {
		add_hedge(f, s, n, sp.off + sp.len);
		return parses(f, t) ? 1 : 0;
	}
	if (nb && join_boxes(f, s, bx, nb)) {
		if (f->len == 0)
			return -1;
		add_hedge(f, s, n, bx[nb - 1].off + bx[nb - 1].len);
		return parses(f, t) ? 1 : 0;
	}
	/* The phrase's answer is the answer, read or not: "2 (or 3)" must not
	 * fall through to a number found later. */
	if (phrase && set_found(f, s, sp, "phrase")) {
		add_hedge(f, s, n, sp.off + sp.len);
		return parses(f, t) ? 1 : 0;
	}
	if (gr_find_hash(s, n, &sp) && set_found(f, s, sp, "hash") && parses(f, t))
		return 1;
	if (gr_last_math(s, n, &sp) && set_found(f, s, sp, "math")) {
		add_hedge(f, s, n, sp.off + sp.len);
		if (parses(f, t))
			return 1;
	}
	sp.off = 0;
	sp.len = n;
	while (sp.len && isspace((unsigned char)s[sp.off])) {
		sp.off++;
		sp.len--;
	}
	while (sp.len && isspace((unsigned char)s[sp.off + sp.len - 1]))
		sp.len--;
	if (sp.len && sp.len <= SHORT_ANSWER && answer_like(s + sp.off, sp.len) &&
	    set_found(f, s, sp, "whole") && parses(f, t))
		return 1;
	if (gr_final_number(s, n, 0, &num)) {
		sp.off = num.off;
		sp.len = num.len;
		if (set_found(f, s, sp, "last") && parses(f, t))
			return 1;
	}
	return -1;
}

/* Canonical text of both, for what the parser cannot read. */
static int same_canon(const char *a, size_t an, const char *b, size_t bn)
{
	char ca[CANON_MAX], cb[CANON_MAX];

	return gr_latex_canon(a, an, ca, sizeof(ca)) == 0 && gr_latex_canon(b, bn, cb, sizeof(cb)) == 0 &&
	       ca[0] && strcmp(ca, cb) == 0;
}

static int math_grade(const void *p, const gr_input *in, gr_result *out)
{
	const math_state *st = p;
	mp_tree *ta = NULL, *tr = NULL;
	found *f = NULL, ref;
	gr_span sp;
	const char *rule = "text";
	int rc = TB_ERR, got, ref_ok, eq;
	size_t n, tail;

	if (!in->expected) {
		snprintf(out->reason, sizeof(out->reason), "the item has no reference answer");
		return TB_ERR;
	}
	sp.off = 0;
	sp.len = strlen(in->expected);
	gr_find_boxed(in->expected, sp.len, &sp);
	if (!set_found(&ref, in->expected, sp, "reference")) {
		snprintf(out->reason, sizeof(out->reason), "the reference is too long");
		return TB_ERR;
	}
	ta = malloc(sizeof(*ta));
	tr = malloc(sizeof(*tr));
	f = malloc(sizeof(*f));
	if (!ta || !tr || !f) {
		snprintf(out->reason, sizeof(out->reason), "out of memory");
		goto cleanup;
	}
	rc = TB_OK;
	n = strlen(in->answer);
	tail = gr_tail_start(in->answer, n);
	got = find_answer(in->answer + tail, n - tail, f, ta);
	if (got < 0) {
		out->verdict = GR_NOANSWER;
		snprintf(out->path, sizeof(out->path), "none");
		snprintf(out->reason, sizeof(out->reason), "no \\boxed{}, answer phrase, $...$ or number in the answer");
		goto cleanup;
	}
	snprintf(out->extracted, sizeof(out->extracted), "%.500s", f->text);
	ref_ok = parses(&ref, tr);
	if (got == 1 && ref_ok) {
		eq = mx_equal(ta, tr, &st->opts, &rule);
	} else {
		rule = "text";
		eq = same_canon(f->text, f->len, ref.text, ref.len);
	}
	snprintf(out->path, sizeof(out->path), "%s/%s", f->how, rule);
	if (eq) {
		out->verdict = GR_CORRECT;
		out->score = 1;
	} else {
		out->verdict = GR_INCORRECT;
	}
	snprintf(out->reason, sizeof(out->reason), "%s %s %.200s (%s)", f->how,
		 eq ? "equals" : "differs from", ref.text, rule);
cleanup:
	free(ta);
	free(tr);
	free(f);
	return rc;
}

const gr_ops gr_math_ops = {
	.name = "math",
	.compile = math_compile,
	.grade = math_grade,
	.release = math_release,
};
