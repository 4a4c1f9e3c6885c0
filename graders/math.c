/* The math grader for LaTeX answers (MATH-500, AIME): extracts the final
 * answer, rewrites both it and the reference into gr_latex_canon's canonical
 * form, and decides equality in steps: same canonical text; unions, tuples,
 * intervals, sets and matrices element by element (brackets must agree, so
 * (0,1] is not [0,1]); unbracketed lists as multisets; equations as
 * proportional left-minus-right; closed forms and polynomials by evaluating
 * both at three points (letters are variables; \frac{1}{2}, 0.5 and \dfrac12
 * agree, and so do 025 and 25); words case-insensitively.
 *
 * spec: {"type": "math", "tolerance": 1e-6}   relative, default 1e-6
 *
 * The answer is the last \boxed{}, else what follows the last answer phrase
 * on its line, else the whole answer when it is short (at most 100 bytes),
 * else the last $...$ of the answer. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "kinds.h"
#include "log.h"
#include "normalize.h"
#include "rc.h"

#define CANON_MAX 1024
#define MAX_PARTS 32
#define MAX_NEST 6
#define SHORT_ANSWER 100

typedef struct math_state {
	double tol;
} math_state;

typedef struct part {
	const char *s;
	size_t n;
} part;

static void math_release(void *p)
{
	free(p);
}

static int math_compile(const json_t *spec, void **state, char *err, size_t errlen)
{
	const json_t *t = json_object_get(spec, "tolerance");
	math_state *st;

	if (t && (!json_is_number(t) || json_number_value(t) < 0))
		return tb_seterr(err, errlen, "grader.tolerance: expected a number >= 0");
	st = calloc(1, sizeof(*st));
	if (!st)
		return tb_seterr(err, errlen, "out of memory");
	st->tol = t ? json_number_value(t) : 1e-6;
	*state = st;
	return TB_OK;
}

/* An opening or closing bracket at s[i]: its length (1, or 2 for \{ \}). */
static size_t bracket(const char *s, size_t n, size_t i, int open)
{
	const char *set = open ? "([{" : ")]}";

	if (strchr(set, s[i]) && s[i])
		return 1;
	if (s[i] == '\\' && i + 1 < n && s[i + 1] == (open ? '{' : '}'))
		return 2;
	return 0;
}

/* Splits s at depth 0 on any of the separator strings; seps[] gets the
 * separator used before each part after the first. Returns the count, or
 * -1 when there are too many parts. */
static int split(const char *s, size_t n, const char *const *by, part *parts, char *seps)
{
	int np = 0, depth = 0;
	size_t start = 0;

	for (size_t i = 0; i < n; i++) {
		size_t l;

		if ((l = bracket(s, n, i, 1)) != 0) {
			depth++;
			i += l - 1;
			continue;
		}
		if ((l = bracket(s, n, i, 0)) != 0) {
			depth--;
			i += l - 1;
			continue;
		}
		if (depth != 0)
			continue;
		for (const char *const *b = by; *b; b++) {
			l = strlen(*b);
			if (i + l <= n && memcmp(s + i, *b, l) == 0) {
				if (np + 1 >= MAX_PARTS)
					return -1;
				seps[np] = s[i];
				parts[np].s = s + start;
				parts[np].n = i - start;
				np++;
				start = i + l;
				i += l - 1;
				break;
			}
		}
		if (s[i] == '\\')
			while (i + 1 < n && isalpha((unsigned char)s[i + 1]))
				i++;
	}
	parts[np].s = s + start;
	parts[np].n = n - start;
	return np + 1;
}

/* When s is one bracketed group, (..], [..), \{..\}: the inner text and the
 * two brackets. */
static int enclosed(const char *s, size_t n, part *inner, char *open, char *close)
{
	size_t lo, lc;
	int depth = 0;

	if (n < 2 || !(lo = bracket(s, n, 0, 1)))
		return 0;
	for (size_t i = 0; i < n; i++) {
		size_t l;

		if ((l = bracket(s, n, i, 1)) != 0) {
			depth++;
			i += l - 1;
		} else if ((l = bracket(s, n, i, 0)) != 0) {
			depth--;
			if (depth == 0 && i + l != n)
				return 0;
			i += l - 1;
		}
	}
	lc = s[n - 1] == '}' && n >= 2 && s[n - 2] == '\\' ? 2 : 1;
	if (!bracket(s, n, n - lc, 0) || n < lo + lc)
		return 0;
	*open = lo == 2 ? 's' : s[0];
	*close = lc == 2 ? 's' : s[n - 1];
	inner->s = s + lo;
	inner->n = n - lo - lc;
	return 1;
}

static int same(const math_state *st, part a, part b, int nest);

static int same_lists(const math_state *st, const part *pa, const part *pb, int n, int ordered, int nest)
{
	int used[MAX_PARTS] = {0};

	for (int i = 0; i < n; i++) {
		int found = 0;

		if (ordered) {
			if (!same(st, pa[i], pb[i], nest + 1))
				return 0;
			continue;
		}
		for (int j = 0; j < n && !found; j++)
			if (!used[j] && same(st, pa[i], pb[j], nest + 1))
				used[j] = found = 1;
		if (!found)
			return 0;
	}
	return 1;
}

static void point(gr_vars *v, int k)
{
	for (int c = 0; c < 128; c++)
		v->v[c] = 0.37 + 0.113 * (c % 29) + 0.71 * k;
}

/* Whole numbers must be equal: 11111111101 is not 11111111100, however
 * small the relative difference. */
static int close_enough(const math_state *st, double x, double y)
{
	double d = fabs(x - y);

	if (x == floor(x) && y == floor(y))
		return d == 0;
	return d <= 1e-12 || d <= st->tol * fmax(fabs(x), fabs(y));
}

/* Both sides evaluate, at three points, to the same values: 1; differ: 0;
 * either side is no expression: -1. */
static int same_value(const math_state *st, part a, part b)
{
	gr_vars v;

	for (int k = 0; k < 3; k++) {
		double x, y;

		point(&v, k);
		if (gr_eval(a.s, a.n, &v, &x) != 0 || gr_eval(b.s, b.n, &v, &y) != 0)
			return -1;
		if (!close_enough(st, x, y))
			return 0;
	}
	return 1;
}

/* Equations are equal when left minus right agree up to a factor. */
static int same_equation(const math_state *st, part a, part b)
{
	static const char *const eq[] = {"=", NULL};
	part pa[MAX_PARTS], pb[MAX_PARTS];
	char sa[MAX_PARTS], sb[MAX_PARTS];
	double ratio = 0;
	gr_vars v;

	if (split(a.s, a.n, eq, pa, sa) != 2 || split(b.s, b.n, eq, pb, sb) != 2)
		return -1;
	for (int k = 0; k < 3; k++) {
		double al, ar, bl, br, da, db;

		point(&v, k);
		if (gr_eval(pa[0].s, pa[0].n, &v, &al) || gr_eval(pa[1].s, pa[1].n, &v, &ar) ||
		    gr_eval(pb[0].s, pb[0].n, &v, &bl) || gr_eval(pb[1].s, pb[1].n, &v, &br))
			return -1;
		da = al - ar;
		db = bl - br;
		if (fabs(db) < 1e-12) {
			if (fabs(da) > 1e-12)
				return 0;
			continue;
		}
		if (k > 0 && ratio != 0 && !close_enough(st, da / db, ratio))
			return 0;
		ratio = da / db;
	}
	return ratio != 0;
}

/* Words compare without case, backslashes or braces: \text{Evelyn} = evelyn. */
static int same_words(part a, part b)
{
	size_t i = 0, j = 0;

	for (;;) {
		while (i < a.n && strchr("\\{}", a.s[i]))
			i++;
		while (j < b.n && strchr("\\{}", b.s[j]))
			j++;
		if (i == a.n || j == b.n)
			return i == a.n && j == b.n;
		if (tolower((unsigned char)a.s[i]) != tolower((unsigned char)b.s[j]))
			return 0;
		i++, j++;
	}
}

static int same(const math_state *st, part a, part b, int nest)
{
	static const char *const cup[] = {"\\cup", NULL};
	static const char *const items[] = {",", ";", NULL};
	part pa[MAX_PARTS], pb[MAX_PARTS], ia, ib;
	char sa[MAX_PARTS], sb[MAX_PARTS], oa, ca, ob, cb;
	int na, nb, ea, eb, r;

	if (a.n == b.n && memcmp(a.s, b.s, a.n) == 0)
		return 1;
	if (nest > MAX_NEST)
		return 0;
	na = split(a.s, a.n, cup, pa, sa);
	nb = split(b.s, b.n, cup, pb, sb);
	if (na < 0 || nb < 0)
		return 0;
	if (na > 1 || nb > 1)
		return na == nb && same_lists(st, pa, pb, na, 1, nest);
	ea = enclosed(a.s, a.n, &ia, &oa, &ca);
	eb = enclosed(b.s, b.n, &ib, &ob, &cb);
	if (ea || eb) {
		/* "(3,-1)" and "3, -1" are one tuple; "(5)" is 5. */
		if (!ea) {
			ia = a;
			oa = ob, ca = cb;
		}
		if (!eb) {
			ib = b;
			ob = oa, cb = ca;
		}
		na = split(ia.s, ia.n, items, pa, sa);
		nb = split(ib.s, ib.n, items, pb, sb);
		if (na < 0 || na != nb || memcmp(sa, sb, (size_t)na - 1) != 0)
			return 0;
		/* A bare list may stand for a tuple or a set, not an interval. */
		if ((!ea || !eb) && na > 1 && (ea ? oa : ob) != '(' && (ea ? oa : ob) != 's')
			return 0;
		if (oa != ob || ca != cb)
			return 0;
		return same_lists(st, pa, pb, na, oa != 's', nest);
	}
	na = split(a.s, a.n, items, pa, sa);
	nb = split(b.s, b.n, items, pb, sb);
	if (na < 0 || nb < 0)
		return 0;
	if (na > 1 || nb > 1)
		return na == nb && same_lists(st, pa, pb, na, 0, nest);
	if (memchr(a.s, '=', a.n) && memchr(b.s, '=', b.n)) {
		r = same_equation(st, a, b);
		if (r >= 0)
			return r;
	}
	r = same_value(st, a, b);
	if (r >= 0)
		return r;
	return same_words(a, b);
}

/* The last $...$ of s, when there is one. */
static int last_dollars(const char *s, size_t n, gr_span *sp)
{
	const char *e = NULL, *b = NULL;

	for (size_t i = n; i-- > 0;) {
		if (s[i] != '$' || (i > 0 && s[i - 1] == '\\'))
			continue;
		if (!e) {
			e = s + i;
		} else {
			b = s + i + 1;
			break;
		}
	}
	if (!b || e <= b)
		return 0;
	sp->off = (size_t)(b - s);
	sp->len = (size_t)(e - b);
	return 1;
}

static int find_answer(const char *s, size_t n, gr_span *sp, const char **how)
{
	size_t b = 0, e = n;

	if (gr_find_boxed(s, n, sp)) {
		*how = "\\boxed{}";
		return 1;
	}
	if (gr_find_phrase(s, n, sp)) {
		gr_span d;

		if (last_dollars(s + sp->off, sp->len, &d))
			sp->off += d.off, sp->len = d.len;
		*how = "the answer phrase";
		return sp->len > 0;
	}
	while (b < e && isspace((unsigned char)s[b]))
		b++;
	while (e > b && isspace((unsigned char)s[e - 1]))
		e--;
	if (e > b && e - b <= SHORT_ANSWER) {
		sp->off = b;
		sp->len = e - b;
		*how = "the whole answer";
		return 1;
	}
	*how = "the last $...$";
	return last_dollars(s, n, sp);
}

static int math_grade(const void *p, const gr_input *in, gr_result *out)
{
	const math_state *st = p;
	char got[CANON_MAX], want[CANON_MAX];
	const char *how;
	gr_span sp;
	size_t n = strlen(in->answer);

	if (!in->expected) {
		snprintf(out->reason, sizeof(out->reason), "the item has no reference answer");
		return TB_ERR;
	}
	sp.off = 0;
	sp.len = strlen(in->expected);
	gr_find_boxed(in->expected, sp.len, &sp);
	if (gr_latex_canon(in->expected + sp.off, sp.len, want, sizeof(want)) != 0) {
		snprintf(out->reason, sizeof(out->reason), "the reference is too long");
		return TB_ERR;
	}
	if (!find_answer(in->answer, n, &sp, &how)) {
		out->verdict = GR_NOANSWER;
		snprintf(out->reason, sizeof(out->reason), "no \\boxed{}, answer phrase or $...$ in the answer");
		return TB_OK;
	}
	if (gr_latex_canon(in->answer + sp.off, sp.len, got, sizeof(got)) != 0 || !got[0]) {
		snprintf(out->extracted, sizeof(out->extracted), "%.*s", (int)(sp.len > 500 ? 500 : sp.len),
			 in->answer + sp.off);
		out->verdict = got[0] ? GR_INCORRECT : GR_NOANSWER;
		snprintf(out->reason, sizeof(out->reason), "%s is %s", how, got[0] ? "too long" : "empty");
		return TB_OK;
	}
	snprintf(out->extracted, sizeof(out->extracted), "%.500s", got);
	if (same(st, (part){got, strlen(got)}, (part){want, strlen(want)}, 0)) {
		out->verdict = GR_CORRECT;
		out->score = 1;
		snprintf(out->reason, sizeof(out->reason), "%s equals %.200s", how, want);
	} else {
		out->verdict = GR_INCORRECT;
		snprintf(out->reason, sizeof(out->reason), "%s differs from %.200s", how, want);
	}
	return TB_OK;
}

const gr_ops gr_math_ops = {
	.name = "math",
	.compile = math_compile,
	.grade = math_grade,
	.release = math_release,
};
