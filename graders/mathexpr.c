/* Comparing answer and reference trees: see mathexpr.h. */
#include "mathexpr.h"

#include <complex.h>
#include <ctype.h>
#include <math.h>
#include <string.h>

#define MAX_ITEMS 64
#define MAX_PM 3
#define POINTS 8
#define EXPR_TOL 1e-7
#define EXACT_TOL 1e-9
#define APPROX_TOL 0.01

typedef double complex cx;

typedef struct item {
	mp_tree *t;
	int x;
	unsigned mask; /* the sign each \pm takes, in evaluation order */
	int fixed;     /* the signs are chosen: one value, not a set */
} item;

typedef struct evx {
	int point;
	unsigned mask;
	int pm, err, vars;
} evx;

static int same(item a, item r, const mx_opts *o, const char **rule, int depth);

/* ---- evaluation ---- */

/* A variable's value at a point: different names, different values, all in
 * [0.6, 2.1] where logs, roots and quotients are defined. */
static cx sym_value(const char *s, size_t l, int point)
{
	uint32_t h = 2166136261u;

	for (size_t k = 0; k < l; k++)
		h = (h ^ (unsigned char)s[k]) * 16777619u;
	h ^= (uint32_t)point * 2654435761u;
	h = (h ^ (h >> 15)) * 2246822519u;
	h ^= h >> 13;
	return 0.6 + 1.5 * (double)(h % 100003u) / 100003.0;
}

static double fact(double n)
{
	if (n < 0 || n != floor(n) || n > 170)
		return NAN;
	return tgamma(n + 1);
}

static cx eval(const mp_tree *t, int x, evx *e, int depth);

static cx eval_func(const mp_tree *t, const mp_node *nd, evx *e, int depth)
{
	cx a = eval(t, nd->kid, e, depth + 1), b;

	switch (nd->op) {
	case MP_F_SIN: return csin(a);
	case MP_F_COS: return ccos(a);
	case MP_F_TAN: return ctan(a);
	case MP_F_COT: return 1 / ctan(a);
	case MP_F_SEC: return 1 / ccos(a);
	case MP_F_CSC: return 1 / csin(a);
	case MP_F_ASIN: return casin(a);
	case MP_F_ACOS: return cacos(a);
	case MP_F_ATAN: return catan(a);
	case MP_F_SINH: return csinh(a);
	case MP_F_COSH: return ccosh(a);
	case MP_F_TANH: return ctanh(a);
	case MP_F_LN: return clog(a);
	case MP_F_EXP: return cexp(a);
	case MP_F_SQRT: return csqrt(a);
	case MP_F_LOG:
		if (nd->nkid < 2)
			return clog(a);
		b = eval(t, t->node[nd->kid].next, e, depth + 1);
		return clog(a) / clog(b);
	case MP_F_ROOT:
		b = eval(t, t->node[nd->kid].next, e, depth + 1);
		/* The real cube root of a negative number, as \sqrt[3]{-8} means. */
		if (cimag(a) == 0 && creal(a) < 0 && cimag(b) == 0 && fmod(creal(b), 2) == 1)
			return -pow(-creal(a), 1 / creal(b));
		return cpow(a, 1 / b);
	}
	e->err = 1;
	return NAN;
}

static cx power(cx b, cx x)
{
	if (cimag(b) == 0 && cimag(x) == 0) {
		double rb = creal(b), rx = creal(x);

		if (rb >= 0 || rx == floor(rx))
			return pow(rb, rx);
		/* (-8)^{1/3}: the real root when the exponent is 1/odd. */
		if (fmod(1 / rx, 2) == 1 || fmod(1 / rx, 2) == -1)
			return -pow(-rb, rx);
	}
	if (b == 0)
		return creal(x) > 0 ? 0 : NAN;
	return cpow(b, x);
}

static cx eval(const mp_tree *t, int x, evx *e, int depth)
{
	const mp_node *nd;
	cx v, w;
	size_t l;
	const char *nm;

	if (x < 0 || depth > MP_MAX_DEPTH) {
		e->err = 1;
		return NAN;
	}
	nd = &t->node[x];
	switch (nd->kind) {
	case MP_NUM:
		return nd->val;
	case MP_SYM:
		e->vars = 1;
		nm = mp_name(t, x, &l);
		return sym_value(nm, l, e->point);
	case MP_CONST:
		switch (nd->op) {
		case MP_C_PI: return M_PI;
		case MP_C_E: return M_E;
		case MP_C_I: return I;
		default: return INFINITY;
		}
	case MP_ADD:
		v = 0;
		for (int c = nd->kid; c >= 0; c = t->node[c].next)
			v += eval(t, c, e, depth + 1);
		return v;
	case MP_MUL:
		v = 1;
		for (int c = nd->kid; c >= 0; c = t->node[c].next)
			v *= eval(t, c, e, depth + 1);
		return v;
	case MP_DIV:
		v = eval(t, nd->kid, e, depth + 1);
		w = eval(t, t->node[nd->kid].next, e, depth + 1);
		return w == 0 ? NAN : v / w;
	case MP_NEG:
		/* 0 - v, not -v: the sign of a zero imaginary part picks csqrt's branch. */
		return (cx)0 - eval(t, nd->kid, e, depth + 1);
	case MP_POW:
		v = eval(t, nd->kid, e, depth + 1);
		return power(v, eval(t, t->node[nd->kid].next, e, depth + 1));
	case MP_FUNC:
		return eval_func(t, nd, e, depth);
	case MP_FACT:
		v = eval(t, nd->kid, e, depth + 1);
		return cimag(v) == 0 ? fact(creal(v)) : NAN;
	case MP_BINOM:
		v = eval(t, nd->kid, e, depth + 1);
		w = eval(t, t->node[nd->kid].next, e, depth + 1);
		return fact(creal(v)) / (fact(creal(w)) * fact(creal(v) - creal(w)));
	case MP_PM: {
		int minus = e->pm < 32 && ((e->mask >> e->pm) & 1);

		e->pm++;
		if (nd->nkid == 1) {
			v = eval(t, nd->kid, e, depth + 1);
			return minus ? -v : v;
		}
		v = eval(t, nd->kid, e, depth + 1);
		w = eval(t, t->node[nd->kid].next, e, depth + 1);
		return minus ? v - w : v + w;
	}
	case MP_PCT:
		return eval(t, nd->kid, e, depth + 1) / 100;
	case MP_DEG:
		return eval(t, nd->kid, e, depth + 1) * M_PI / 180;
	case MP_ABS:
		return cabs(eval(t, nd->kid, e, depth + 1));
	default:
		e->err = 1;
		return NAN;
	}
}

static int is_finite_cx(cx v)
{
	return isfinite(creal(v)) && isfinite(cimag(v));
}

/* ---- tree queries ---- */

static int count_kind(const mp_tree *t, int x, int kind, int depth)
{
	int n;

	if (x < 0 || depth > MP_MAX_DEPTH)
		return 0;
	n = t->node[x].kind == kind;
	for (int c = t->node[x].kid; c >= 0; c = t->node[c].next)
		n += count_kind(t, c, kind, depth + 1);
	return n;
}

static int kind_of(const mp_tree *t, int x)
{
	return x < 0 ? -1 : t->node[x].kind;
}

static int is_set(const mp_tree *t, int x)
{
	return kind_of(t, x) == MP_GROUP && t->node[x].open == 's';
}

static int is_tuple(const mp_tree *t, int x)
{
	return kind_of(t, x) == MP_GROUP && t->node[x].open != 's' && t->node[x].open != 'r';
}

/* A bare signed number: 5, -2.5. */
static int bare_number(const mp_tree *t, int x)
{
	if (kind_of(t, x) == MP_NEG)
		x = t->node[x].kid;
	return kind_of(t, x) == MP_NUM;
}

static const char *const unit_words[] = {
	"cm", "mm", "km", "m", "kg", "g", "mg", "lb", "lbs", "oz", "ft", "feet", "foot", "inch",
	"inches", "in", "yd", "yard", "yards", "mi", "mile", "miles", "meter", "meters", "metre",
	"metres", "centimeter", "centimeters", "kilometer", "kilometers", "millimeter",
	"millimeters", "gram", "grams", "kilogram", "kilograms", "pound", "pounds", "ounce", "ounces",
	"liter", "liters", "litre", "litres", "l", "ml", "gallon", "gallons", "cup", "cups",
	"second", "seconds", "sec", "s", "minute", "minutes", "min", "mins", "hour", "hours", "hr",
	"hrs", "h", "day", "days", "week", "weeks", "month", "months", "year", "years", "mph",
	"kmh", "dollar", "dollars", "cent", "cents", "euro", "euros", "yen", "yuan", "rupee",
	"rupees", "peso", "pesos", "pence", "usd", "degree", "degrees", "deg", "rad", "radian",
	"radians", "unit", "units", "sq", "square", "cubic", "percent", "points", "point", "times",
	"people", "persons", "students", "items", "apples", "ways", "per", "kmh", "kph", "ms",
	"mps", "fps", NULL};
/* Words that make trailing text more than a unit: a hedge, a clause. */
static const char *const not_units[] = {
	"or", "and", "but", "maybe", "perhaps", "possibly", "probably", "not", "if", "when",
	"because", "since", "which", "so", "then", "is", "are", "was", "were", "nor", "either",
	"also", "else", "otherwise", "unless", "assuming", "approximately", "about", "roughly",
	"wait", "hmm", "hence", "thus", "therefore", "the", "a", "an", "of", "to", "for", "with",
	"yes", "no", "none", "undefined", "infinity", "impossible", NULL};

static int word_in(const char *w, size_t l, const char *const *list)
{
	for (int k = 0; list[k]; k++) {
		size_t n = strlen(list[k]), i = 0;

		if (n != l)
			continue;
		while (i < l && tolower((unsigned char)w[i]) == list[k][i])
			i++;
		if (i == l)
			return 1;
	}
	return 0;
}

/* A word that may follow a number as its unit. Glued to the digits ("5cm")
 * only a listed unit; after a space also any plain word when the
 * reference is a bare number ("3 trucks"), never a hedge word. */
static int unit_word(const mp_tree *t, int x, int plain_ok)
{
	size_t l;
	const char *w;

	if (kind_of(t, x) == MP_POW)
		x = t->node[x].kid;
	/* km/h, m/s */
	if (kind_of(t, x) == MP_DIV && t->node[x].op != 'f')
		return unit_word(t, t->node[x].kid, 0) && unit_word(t, t->node[t->node[x].kid].next, 0);
	if (kind_of(t, x) != MP_TEXT && kind_of(t, x) != MP_SYM)
		return 0;
	w = mp_name(t, x, &l);
	if (word_in(w, l, not_units))
		return 0;
	/* A single letter is a variable unless a text group holds it. */
	if (word_in(w, l, unit_words))
		return kind_of(t, x) == MP_TEXT || t->node[x].op == 2;
	if (kind_of(t, x) != MP_TEXT || t->node[x].op || !plain_ok || l < 2)
		return 0;
	for (size_t k = 0; k < l; k++)
		if (!isalpha((unsigned char)w[k]))
			return 0;
	return 1;
}

/* Drops trailing unit words of a product and degree marks: "5 \text{ cm}^2",
 * "30^\circ", "3 trucks". */
static int strip_units(mp_tree *t, int x, int plain_ok)
{
	mp_node *nd;

	if (x < 0)
		return x;
	nd = &t->node[x];
	if (nd->kind == MP_DEG) {
		t->node[nd->kid].unit = 1;
		return nd->kid;
	}
	if (nd->kind == MP_NEG && kind_of(t, nd->kid) == MP_DEG) {
		nd->kid = t->node[nd->kid].kid;
		return x;
	}
	/* "5 \text{ m/s}": a unit over a unit. */
	if (nd->kind == MP_DIV && nd->op != 'f' && unit_word(t, t->node[nd->kid].next, 0)) {
		int num = strip_units(t, nd->kid, plain_ok);

		if (num != nd->kid || t->node[num].unit) {
			t->node[num].next = -1;
			return num;
		}
		return x;
	}
	if (nd->kind == MP_MUL && nd->nkid >= 2) {
		int kids[64], nk = 0, dropped = 0;

		for (int c = nd->kid; c >= 0 && nk < 64; c = t->node[c].next)
			kids[nk++] = c;
		/* At most three unit words: "square feet", "miles per hour". */
		while (nk > 1 && dropped < 3 && unit_word(t, kids[nk - 1], plain_ok && (nk == 2 || dropped))) {
			nk--;
			dropped++;
		}
		if (!dropped)
			return x;
		if (nk == 1) {
			t->node[kids[0]].next = -1;
			t->node[kids[0]].unit = 1;
			return strip_units(t, kids[0], 0);
		}
		t->node[kids[nk - 1]].next = -1;
		nd->nkid = (uint16_t)nk;
		nd->unit = 1;
	}
	return x;
}

static int new_node(mp_tree *t, int kind)
{
	return mp_new(t, kind);
}

/* x < 5, 5 \ge x, 0 < f(x) < 1: the solution interval, or -1 when the
 * relation is no such inequality. */
static int to_interval(mp_tree *t, int x)
{
	mp_node *nd = &t->node[x];
	size_t l;
	const char *ops = mp_name(t, x, &l);
	int sides[3], var = -1, lo, hi, g;
	char open, close;

	if (nd->kind != MP_REL || nd->nkid < 2 || nd->nkid > 3)
		return -1;
	for (size_t k = 0; k < l; k++)
		if (!strchr("<>lg", ops[k]))
			return -1;
	for (int k = 0; k < nd->nkid; k++) {
		evx e = {0};

		sides[k] = mp_kid(t, x, k);
		eval(t, sides[k], &e, 0);
		if (e.vars || e.err) {
			if (var >= 0)
				return -1;
			var = k;
		}
	}
	if (var < 0)
		return -1;
	if (nd->nkid == 3) {
		int up = ops[0] == '<' || ops[0] == 'l';

		if (var != 1 || up != (ops[1] == '<' || ops[1] == 'l'))
			return -1;
		lo = sides[up ? 0 : 2];
		hi = sides[up ? 2 : 0];
		open = (up ? ops[0] : ops[1]) == (up ? '<' : '>') ? '(' : '[';
		close = (up ? ops[1] : ops[0]) == (up ? '<' : '>') ? ')' : ']';
	} else {
		int other = sides[1 - var], inf = new_node(t, MP_CONST);
		/* The relation read with the variable on the left. */
		char op = ops[0];
		int below;

		if (inf < 0)
			return -1;
		t->node[inf].op = MP_C_INF;
		if (var == 1)
			op = op == '<' ? '>' : op == '>' ? '<' : op == 'l' ? 'g' : 'l';
		below = op == '<' || op == 'l';
		if (below) {
			int neg = new_node(t, MP_NEG);

			if (neg < 0)
				return -1;
			t->node[neg].kid = (int16_t)inf;
			t->node[neg].nkid = 1;
			t->node[inf].next = -1;
			lo = neg;
			hi = other;
			open = '(';
			close = op == '<' ? ')' : ']';
		} else {
			lo = other;
			hi = inf;
			open = op == '>' ? '(' : '[';
			close = ')';
		}
	}
	g = new_node(t, MP_GROUP);
	if (g < 0)
		return -1;
	t->node[g].kid = (int16_t)lo;
	t->node[lo].next = (int16_t)hi;
	t->node[hi].next = -1;
	t->node[g].nkid = 2;
	t->node[g].open = (uint8_t)open;
	t->node[g].close = (uint8_t)close;
	return g;
}

/* The sides of a relation the answer may be: the last side of an
 * =, \equiv or \in chain, and after \approx also the exact side before it.
 * Returns how many were written to out. */
static int rel_sides(mp_tree *t, int x, int *out)
{
	size_t l;
	const char *ops = mp_name(t, x, &l);
	int n = 0, nk = t->node[x].nkid;

	for (size_t k = 0; k < l; k++)
		if (!strchr("=~ei", ops[k]))
			return 0;
	out[n++] = mp_kid(t, x, nk - 1);
	/* The exact side of "\frac{\sqrt3}{3} \approx 0.577", when the
	 * approximation is one of it: "7 \approx 11" offers two values. */
	for (int k = nk - 2; k >= 0 && ops[k] == '~' && n < 4; k--) {
		evx e1 = {0}, e2 = {0};
		cx exact = eval(t, mp_kid(t, x, k), &e1, 0), approx = eval(t, out[0], &e2, 0);

		if (e1.err || e2.err || e1.vars || e2.vars ||
		    cabs(exact - approx) > APPROX_TOL * fmax(cabs(exact), cabs(approx)))
			break;
		out[n++] = mp_kid(t, x, k);
	}
	return n;
}

/* Reduces a whole answer or reference: units, relations. Writes the
 * candidates (one, or two after \approx) to out and returns their count. */
static int reduce(mp_tree *t, int x, int plain_ok, int *out)
{
	int n = 0, sides[4], ns;

	x = strip_units(t, x, plain_ok);
	if (kind_of(t, x) == MP_REL) {
		/* Made once per relation: comparing lists reduces parts often. */
		int iv = t->node[x].alt >= 0 ? t->node[x].alt : to_interval(t, x);

		t->node[x].alt = (int16_t)iv;

		if (iv >= 0) {
			out[0] = iv;
			return 1;
		}
		ns = rel_sides(t, x, sides);
		for (int k = 0; k < ns; k++)
			out[n++] = strip_units(t, sides[k], plain_ok);
		if (n)
			return n;
	}
	out[0] = x;
	return 1;
}

/* ---- numbers ---- */

static double round_step(int dec)
{
	return 0.5 * pow(10, -dec) * (1 + 1e-9);
}

int mx_close(mx_num a, mx_num r, const mx_opts *o, const char **rule)
{
	double d = fabs(a.val - r.val), scale = fmax(fabs(a.val), fabs(r.val));
	int need = o && o->sig_digits > 0 ? o->sig_digits : MX_SIG_DIGITS;
	int whole = a.val == floor(a.val) && r.val == floor(r.val) && fabs(r.val) < 9e15;
	const char *dummy;

	if (!rule)
		rule = &dummy;
	*rule = "exact";
	if (a.val == r.val)
		return 1;
	if (!isfinite(a.val) || !isfinite(r.val))
		return 0;
	*rule = "tolerance";
	if (o && ((o->abs_tol > 0 && d <= o->abs_tol) || (o->rel_tol > 0 && d <= o->rel_tol * scale)))
		return 1;
	*rule = "exact";
	if (whole)
		return 0;
	if (d <= EXACT_TOL * scale)
		return 1;
	if (r.dec >= 1 && r.sig >= need) {
		*rule = "precision";
		return d <= round_step(r.dec) + 1e-12 * scale;
	}
	*rule = "rounded";
	return a.dec >= 1 && a.sig >= need && d <= round_step(a.dec);
}

/* A node as a written number: a literal keeps its digits. */
static mx_num as_num(const mp_tree *t, int x, double v)
{
	mx_num m = {v, -1, 0, 0};
	int pct;

	if (kind_of(t, x) == MP_NEG)
		x = t->node[x].kid;
	pct = kind_of(t, x) == MP_PCT;
	if (pct)
		x = t->node[x].kid;
	if (kind_of(t, x) == MP_NUM) {
		/* 33.3% is 0.333: two more decimals. */
		m.dec = t->node[x].dec < 0 ? -1 : t->node[x].dec + 2 * pct;
		m.sig = t->node[x].sig;
	}
	return m;
}

/* Both sides at several points: 1 equal, 0 not, -1 not evaluable. The
 * answer's and reference's variables take the same values by name. */
static int same_value(item a, item r, const mx_opts *o, const char **rule)
{
	int valid = 0;

	for (int k = 0; k < POINTS && valid < 4; k++) {
		evx ea = {k, a.mask, 0, 0, 0}, er = {k, r.mask, 0, 0, 0};
		cx va = eval(a.t, a.x, &ea, 0), vr = eval(r.t, r.x, &er, 0);

		if (ea.err || er.err)
			return -1;
		if (!ea.vars && !er.vars) {
			if (cimag(va) == 0 && cimag(vr) == 0)
				return mx_close(as_num(a.t, a.x, creal(va)), as_num(r.t, r.x, creal(vr)), o, rule);
			*rule = "value";
			if (!is_finite_cx(va) || !is_finite_cx(vr))
				return 0;
			return cabs(va - vr) <= EXACT_TOL * fmax(cabs(va), cabs(vr)) ||
			       (o && o->rel_tol > 0 && cabs(va - vr) <= o->rel_tol * fmax(cabs(va), cabs(vr)));
		}
		*rule = "expression";
		if (!is_finite_cx(va) || !is_finite_cx(vr))
			continue;
		if (cabs(va - vr) > EXPR_TOL * fmax(1, fmax(cabs(va), cabs(vr))))
			return 0;
		valid++;
	}
	return valid >= 2 ? 1 : -1;
}

/* Equations: left minus right agree up to a nonzero factor. */
static int same_equation(item a, item r)
{
	int la = a.t->node[a.x].kid, lr = r.t->node[r.x].kid;
	int ra = a.t->node[la].next, rr = r.t->node[lr].next;
	double ratio = 0;
	int valid = 0;

	for (int k = 0; k < POINTS && valid < 4; k++) {
		evx e1 = {k, 0, 0, 0, 0}, e2 = e1, e3 = e1, e4 = e1;
		cx da = eval(a.t, la, &e1, 0) - eval(a.t, ra, &e2, 0);
		cx dr = eval(r.t, lr, &e3, 0) - eval(r.t, rr, &e4, 0);
		double q;

		if (e1.err || e2.err || e3.err || e4.err)
			return -1;
		if (!is_finite_cx(da) || !is_finite_cx(dr))
			continue;
		if (cabs(dr) < 1e-12) {
			if (cabs(da) > 1e-9)
				return 0;
			continue;
		}
		if (cimag(da / dr) > 1e-9 || cimag(da / dr) < -1e-9)
			return 0;
		q = creal(da / dr);
		if (q == 0 || (valid && fabs(q - ratio) > EXPR_TOL * fabs(ratio)))
			return 0;
		ratio = q;
		valid++;
	}
	return valid >= 2 ? 1 : -1;
}

/* Words compare without case, spaces or backslashes. */
static int same_text(item a, item r)
{
	char sa[256], sr[256];
	size_t i = 0, j = 0;

	mp_print(a.t, a.x, sa, sizeof(sa));
	mp_print(r.t, r.x, sr, sizeof(sr));
	for (;;) {
		while (sa[i] == ' ' || sa[i] == '\\')
			i++;
		while (sr[j] == ' ' || sr[j] == '\\')
			j++;
		if (!sa[i] || !sr[j])
			return !sa[i] && !sr[j];
		if (tolower((unsigned char)sa[i]) != tolower((unsigned char)sr[j]))
			return 0;
		i++, j++;
	}
}

/* ---- structures ---- */

static int kids_of(const mp_tree *t, int x, int *out, int max)
{
	int n = 0;

	for (int c = t->node[x].kid; c >= 0 && n < max; c = t->node[c].next)
		out[n++] = c;
	return n;
}

/* The values a part stands for: one, or one per sign of each \pm. */
static int expand(mp_tree *t, int x, item *out, int n, int max)
{
	int pms = count_kind(t, x, MP_PM, 0);

	if (pms > MAX_PM)
		pms = MAX_PM;
	for (unsigned m = 0; m < (1u << pms) && n < max; m++)
		out[n++] = (item){t, x, m, 1};
	return n;
}

/* The parts of a list, set or tuple (when tuple_ok), each expanded. */
static int items_of(mp_tree *t, int x, int tuple_ok, item *out)
{
	int kids[MAX_ITEMS], nk, n = 0;

	if (kind_of(t, x) == MP_LIST || is_set(t, x) || (tuple_ok && is_tuple(t, x))) {
		nk = kids_of(t, x, kids, MAX_ITEMS);
		for (int k = 0; k < nk; k++)
			n = expand(t, kids[k], out, n, MAX_ITEMS);
		return n;
	}
	return expand(t, x, out, 0, MAX_ITEMS);
}

/* Drops repeats: {1, 1, 2} is {1, 2}. */
static int distinct(item *it, int n, const mx_opts *o, int depth)
{
	int m = 0;
	const char *rule;

	for (int k = 0; k < n; k++) {
		int dup = 0;

		for (int j = 0; j < m && !dup; j++)
			dup = same(it[k], it[j], o, &rule, depth + 1) == 1;
		if (!dup)
			it[m++] = it[k];
	}
	return m;
}

static int same_sets(item a, item r, int tuple_ok, const mx_opts *o, const char **rule, int depth)
{
	item ia[MAX_ITEMS], ir[MAX_ITEMS];
	int na = distinct(ia, items_of(a.t, a.x, tuple_ok, ia), o, depth);
	int nr = distinct(ir, items_of(r.t, r.x, tuple_ok, ir), o, depth);
	const char *sub;

	if (na > 1 && nr == 1) {
		*rule = "hedge";
		return 0;
	}
	*rule = "set";
	if (na != nr)
		return 0;
	for (int k = 0; k < nr; k++) {
		int found = 0;

		for (int j = 0; j < na && !found; j++)
			found = same(ia[j], ir[k], o, &sub, depth + 1) == 1;
		if (!found)
			return 0;
	}
	return 1;
}

/* Element by element, in order. */
static int same_seq(item a, item r, const mx_opts *o, int depth)
{
	int ka[MAX_ITEMS], kr[MAX_ITEMS];
	int na = kids_of(a.t, a.x, ka, MAX_ITEMS), nr = kids_of(r.t, r.x, kr, MAX_ITEMS);
	const char *sub;

	if (na != nr)
		return 0;
	for (int k = 0; k < na; k++)
		if (same((item){a.t, ka[k], a.mask, a.fixed}, (item){r.t, kr[k], r.mask, r.fixed}, o, &sub, depth + 1) != 1)
			return 0;
	return 1;
}

/* A matrix of one row or one column as its elements in order: the row (a
 * GROUP), or -1. Column vectors are compared cell by cell by the caller. */
static int vector_cells(const mp_tree *t, int m, int *cells, int max)
{
	int rows[MAX_ITEMS], nr = kids_of(t, m, rows, MAX_ITEMS), n = 0;

	if (nr == 1)
		return kids_of(t, rows[0], cells, max);
	for (int k = 0; k < nr && n < max; k++) {
		if (t->node[rows[k]].nkid != 1)
			return -1;
		cells[n++] = t->node[rows[k]].kid;
	}
	return n;
}

static int same_vector(item m, item tup, const mx_opts *o, int depth)
{
	int cm[MAX_ITEMS], ct[MAX_ITEMS];
	int nm = vector_cells(m.t, m.x, cm, MAX_ITEMS), nt = kids_of(tup.t, tup.x, ct, MAX_ITEMS);
	const char *sub;

	if (nm != nt || tup.t->node[tup.x].open != '(')
		return 0;
	for (int k = 0; k < nm; k++)
		if (same((item){m.t, cm[k], 0, 0}, (item){tup.t, ct[k], 0, 0}, o, &sub, depth + 1) != 1)
			return 0;
	return 1;
}

static int same_matrix(item a, item r, const mx_opts *o, int depth)
{
	int ra[MAX_ITEMS], rr[MAX_ITEMS];
	int na = kids_of(a.t, a.x, ra, MAX_ITEMS), nr = kids_of(r.t, r.x, rr, MAX_ITEMS);

	if (na != nr)
		return 0;
	for (int k = 0; k < na; k++)
		if (!same_seq((item){a.t, ra[k], 0, 0}, (item){r.t, rr[k], 0, 0}, o, depth + 1))
			return 0;
	return 1;
}

/* Unions of intervals, in any order. */
static int same_union(item a, item r, const mx_opts *o, int depth)
{
	int ka[MAX_ITEMS], kr[MAX_ITEMS], used[MAX_ITEMS] = {0};
	int na = kids_of(a.t, a.x, ka, MAX_ITEMS), nr = kids_of(r.t, r.x, kr, MAX_ITEMS);
	const char *sub;

	if (na != nr)
		return 0;
	for (int k = 0; k < nr; k++) {
		int found = 0;

		for (int j = 0; j < na && !found; j++)
			if (!used[j] && same((item){a.t, ka[j], 0, 0}, (item){r.t, kr[k], 0, 0}, o, &sub, depth + 1) == 1)
				used[j] = found = 1;
		if (!found)
			return 0;
	}
	return 1;
}

static int percent_of(const mp_tree *t, int x)
{
	return kind_of(t, x) == MP_PCT ? t->node[x].kid : -1;
}

/* Scalars: values, with a percentage read as the number (25% is 25) and as
 * a fraction only against a reference between -1 and 1. */
static int same_scalar(item a, item r, const mx_opts *o, const char **rule)
{
	int pa = percent_of(a.t, a.x), pr = percent_of(r.t, r.x), v;

	if (pa >= 0 && pr < 0) {
		evx e = {0};
		cx rv = eval(r.t, r.x, &e, 0);

		if ((v = same_value((item){a.t, pa, a.mask, a.fixed}, r, o, rule)) == 1)
			return 1;
		if (!e.err && !e.vars && cimag(rv) == 0 && fabs(creal(rv)) < 1 && creal(rv) != 0 &&
		    same_value(a, r, o, rule) == 1) {
			*rule = "percent";
			return 1;
		}
		return v < 0 ? -1 : 0;
	}
	if (pr >= 0 && pa < 0) {
		evx e = {0};
		cx av = eval(a.t, a.x, &e, 0);

		if ((v = same_value(a, (item){r.t, pr, r.mask, r.fixed}, o, rule)) == 1)
			return 1;
		if (!e.err && !e.vars && cimag(av) == 0 && fabs(creal(av)) < 1 && creal(av) != 0 &&
		    same_value(a, r, o, rule) == 1) {
			*rule = "percent";
			return 1;
		}
		return v < 0 ? -1 : 0;
	}
	return same_value(a, r, o, rule);
}

static int is_equation(const mp_tree *t, int x)
{
	size_t l;
	const char *ops;

	if (kind_of(t, x) != MP_REL || t->node[x].nkid != 2)
		return 0;
	ops = mp_name(t, x, &l);
	return l == 1 && ops[0] == '=';
}

static int same(item a, item r, const mx_opts *o, const char **rule, int depth)
{
	const mp_tree *ta = a.t, *tr = r.t;
	int ka, kr, v;

	if (depth > 8) {
		*rule = "too deep";
		return 0;
	}
	if (is_equation(ta, a.x) && is_equation(tr, r.x)) {
		*rule = "equation";
		if ((v = same_equation(a, r)) >= 0)
			return v;
	}
	if (depth > 0) {
		/* A part of a list or tuple reduces like a whole answer. */
		int c[4];

		reduce(a.t, a.x, 0, c);
		a.x = c[0];
		reduce(r.t, r.x, 0, c);
		r.x = c[0];
	}
	ka = kind_of(ta, a.x);
	kr = kind_of(tr, r.x);
	if ((ka == MP_UNION && kr == MP_LIST) || (kr == MP_UNION && ka == MP_LIST)) {
		*rule = "interval";
		return same_union(a, r, o, depth);
	}
	if (kr == MP_LIST || ka == MP_LIST || is_set(tr, r.x) || is_set(ta, a.x) ||
	    (!r.fixed && count_kind(tr, r.x, MP_PM, 0) && !is_tuple(tr, r.x)) ||
	    (!a.fixed && count_kind(ta, a.x, MP_PM, 0) && !is_tuple(ta, a.x))) {
		/* A bare list against a tuple: the tuple in order. */
		if (kr == MP_LIST && is_tuple(ta, a.x) && ta->node[a.x].open == '(') {
			*rule = "tuple";
			return same_seq(a, r, o, depth);
		}
		if (ka == MP_LIST && is_tuple(tr, r.x) && tr->node[r.x].open == '(') {
			*rule = "tuple";
			return same_seq(a, r, o, depth);
		}
		return same_sets(a, r, 0, o, rule, depth);
	}
	if (kr == MP_GROUP || ka == MP_GROUP) {
		if (ka == MP_MATRIX && is_tuple(tr, r.x)) {
			*rule = "matrix";
			return same_vector(a, r, o, depth);
		}
		if (kr == MP_MATRIX && is_tuple(ta, a.x)) {
			*rule = "matrix";
			return same_vector(r, a, o, depth);
		}
		/* one side a group, the other nothing at all */
		if (a.x < 0 || r.x < 0)
			return 0;
		*rule = tr->node[r.x].open == '(' && tr->node[r.x].close == ')' ? "tuple" : "interval";
		if (ka != kr || ta->node[a.x].open != tr->node[r.x].open ||
		    ta->node[a.x].close != tr->node[r.x].close)
			return 0;
		return same_seq(a, r, o, depth);
	}
	if (ka == MP_MATRIX || kr == MP_MATRIX) {
		*rule = "matrix";
		return ka == kr && same_matrix(a, r, o, depth);
	}
	if (ka == MP_UNION || kr == MP_UNION) {
		/* "x < 1 or x > 2" is the union of its intervals. */
		*rule = "interval";
		return (ka == kr || ka == MP_LIST || kr == MP_LIST) && same_union(a, r, o, depth);
	}
	if (ka == MP_CONST && kr == MP_CONST && ta->node[a.x].op == MP_C_INF) {
		*rule = "exact";
		return tr->node[r.x].op == MP_C_INF;
	}
	if ((v = same_scalar(a, r, o, rule)) >= 0)
		return v;
	*rule = "text";
	return same_text(a, r);
}

/* A constant's value, with variables an error: 1 with *v, else 0. */
static int constant(mp_tree *t, int x, double *v)
{
	evx e = {0};
	cx c = eval(t, x, &e, 0);

	if (e.err || e.vars || cimag(c) != 0 || !isfinite(creal(c)))
		return 0;
	*v = creal(c);
	return 1;
}

/* \frac{\pi}{3} against 60^\circ: 1 equal, -1 not, 0 when neither side is
 * an angle in degrees against one with \pi. */
static int same_angle(mp_tree *ta, int a, mp_tree *tr, int r)
{
	double va, vr;
	int deg_a = kind_of(ta, a) == MP_DEG, deg_r = kind_of(tr, r) == MP_DEG;

	if (deg_a == deg_r || !count_kind(deg_a ? tr : ta, deg_a ? r : a, MP_CONST, 0))
		return 0;
	/* The degree node evaluates in radians already. */
	if (!constant(ta, a, &va) || !constant(tr, r, &vr))
		return 0;
	return fabs(va - vr) <= EXACT_TOL * fmax(fabs(va), fabs(vr)) ? 1 : -1;
}

int mx_equal(mp_tree *ta, mp_tree *tr, const mx_opts *o, const char **rule)
{
	int ca[4], cr[4], na, nr, v;
	const char *dummy;
	item a = {ta, ta->root, 0, 0}, r = {tr, tr->root, 0, 0};

	if (!rule)
		rule = &dummy;
	if (ta->root < 0 || tr->root < 0) {
		*rule = "empty";
		return 0;
	}
	if (is_equation(ta, ta->root) && is_equation(tr, tr->root)) {
		*rule = "equation";
		if ((v = same_equation(a, r)) >= 0)
			return v;
	}
	nr = reduce(tr, tr->root, 0, cr);
	na = reduce(ta, ta->root, bare_number(tr, cr[0]), ca);
	for (int i = 0; i < na; i++)
		for (int j = 0; j < nr; j++)
			if (same((item){ta, ca[i], 0, 0}, (item){tr, cr[j], 0, 0}, o, rule, 0) == 1)
				return 1;
	/* An angle in radians against one in degrees, or the other way. */
	if ((v = same_angle(ta, ta->root, tr, tr->root)) != 0) {
		*rule = "degrees";
		return v > 0;
	}
	/* Report the rule of the answer's main candidate. */
	same((item){ta, ca[0], 0, 0}, (item){tr, cr[0], 0, 0}, o, rule, 0);
	return 0;
}

int mx_number(mp_tree *t, mx_num *out)
{
	int c[4], ni, pct;
	item it[MAX_ITEMS];
	const mx_opts o = {0, 0, 0};
	evx e = {0};
	cx v;

	if (t->root < 0)
		return 0;
	reduce(t, t->root, 1, c);
	ni = distinct(it, items_of(t, c[0], 0, it), &o, 0);
	if (ni > 1)
		return -1;
	/* A percentage is its number: the caller decides what it means. */
	pct = kind_of(t, c[0]) == MP_PCT;
	if (pct)
		c[0] = t->node[c[0]].kid;
	v = eval(t, c[0], &e, 0);
	if (e.err || e.vars || cimag(v) != 0 || !isfinite(creal(v)))
		return 0;
	*out = as_num(t, c[0], creal(v));
	out->percent = pct;
	return 1;
}
