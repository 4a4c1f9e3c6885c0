/* The math answer parser: see mathparse.h. A lexer turns LaTeX, plain text
 * and Unicode math into tokens one at a time; a recursive descent parser
 * builds the tree:
 *
 *   list    := rel { (, ; and or) rel }
 *   rel     := union { relation union }
 *   union   := ratio { \cup ratio }
 *   ratio   := sum [ : sum ]
 *   sum     := term { (+ - \pm \mp) term }
 *   term    := unary { (* / \cdot \times \div) unary | implicit factor }
 *   unary   := (- + \pm) unary | postfix
 *   postfix := primary { ! % ^arg _arg ^\circ }
 *   primary := number | letter | constant | word | (list) | [list] | \{list\}
 *            | {list} | |sum| | function | \frac | \sqrt | \binom | matrix
 *
 * Text groups (\text{}, \mbox{}, \mathrm{}) are lexed in place, so that
 * "1\text{ or }2" reads as 1, or, 2 and a hedge stays visible. */
#include "mathparse.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "normalize.h"
#include "text.h"

#define MAX_KIDS 64
#define MAX_TEXT_NEST 8

typedef enum tk {
	T_END, T_NUM, T_SYM, T_CONST, T_WORD, T_CONN, T_FUNC, T_OP, T_REL, T_OPEN, T_CLOSE,
	T_FRAC, T_SQRT, T_BINOM, T_AMP, T_ROWSEP, T_BEGIN, T_ENDENV, T_BAD
} tk;

typedef struct tok {
	tk kind;
	int op;          /* T_OP: the character; T_REL: MP_R_*; T_OPEN/T_CLOSE: the bracket;
			  * T_CONST: MP_C_*; T_FUNC: MP_F_*; T_CONN: MP_SEP_* */
	double val;      /* T_NUM */
	int dec, sig;    /* T_NUM */
	int glued;       /* T_WORD: right after a digit */
	const char *alias; /* T_SYM: the name to use instead of the text, or NULL */
	size_t off, len; /* where it was written; T_SYM, T_WORD: the name */
} tok;

typedef struct ps {
	const char *s;
	size_t n, i;
	tok cur;
	size_t text_end[MAX_TEXT_NEST]; /* closing braces of open text groups */
	int ntext, depth, single, brackets;
	mp_tree *t;
	const char *err;
} ps;

/* ---- words ---- */

static int word_eq(const char *w, size_t wl, const char *name)
{
	size_t k = 0;

	for (; k < wl && name[k]; k++)
		if (tolower((unsigned char)w[k]) != name[k])
			return 0;
	return k == wl && !name[k];
}

static int word_index(const char *w, size_t wl, const char *const *names)
{
	for (int k = 0; names[k]; k++)
		if (word_eq(w, wl, names[k]))
			return k;
	return -1;
}

static size_t letters_at(const char *s, size_t n, size_t i)
{
	size_t e = i;

	while (e < n && isalpha((unsigned char)s[e]))
		e++;
	return e - i;
}

static const char *const small_words[] = {
	"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
	"eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
	"nineteen", NULL};
static const char *const small_ordinals[] = {
	"zeroth", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth",
	"ninth", "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth",
	"sixteenth", "seventeenth", "eighteenth", "nineteenth", NULL};
static const char *const tens_words[] = {"twenty", "thirty", "forty", "fifty", "sixty",
					 "seventy", "eighty", "ninety", NULL};
static const char *const tens_ordinals[] = {"twentieth", "thirtieth", "fortieth", "fiftieth",
					    "sixtieth", "seventieth", "eightieth", "ninetieth", NULL};
static const char *const scale_words[] = {"hundred", "thousand", "million", "billion", "trillion", NULL};
static const char *const scale_ordinals[] = {"hundredth", "thousandth", "millionth", "billionth",
					     "trillionth", NULL};
static const double scale_values[] = {1e2, 1e3, 1e6, 1e9, 1e12};

size_t mp_number_words(const char *s, size_t n, double *val)
{
	double total = 0, cur = 0;
	size_t i = 0, used = 0;
	int words = 0, after_scale = 0;

	/* Each round reads one word or stops; at most 24 words. */
	for (int round = 0; round < 24; round++) {
		size_t wl = letters_at(s, n, i), next;
		int k, ord = 0;

		if (!wl)
			break;
		if (word_eq(s + i, wl, "a") && !words) {
			size_t j = i + 1, l2;

			while (j < n && s[j] == ' ')
				j++;
			l2 = letters_at(s, n, j);
			if (word_index(s + j, l2, scale_words) < 0)
				break;
			cur = 1;
			i = j;
			continue;
		}
		if ((k = word_index(s + i, wl, small_words)) >= 0 ||
		    (ord = (k = word_index(s + i, wl, small_ordinals)) >= 0)) {
			cur += k;
		} else if ((k = word_index(s + i, wl, tens_words)) >= 0 ||
			   (ord = (k = word_index(s + i, wl, tens_ordinals)) >= 0)) {
			cur += 20 + 10 * k;
		} else if ((k = word_index(s + i, wl, scale_words)) >= 0 ||
			   (ord = (k = word_index(s + i, wl, scale_ordinals)) >= 0)) {
			if (!words && cur == 0)
				break;
			if (k == 0) {
				cur = (cur ? cur : 1) * 100;
			} else {
				total += (cur ? cur : 1) * scale_values[k];
				cur = 0;
			}
		} else if (word_eq(s + i, wl, "and") && after_scale) {
			/* "three hundred and five", never "two and three". */
			size_t j = i + wl;
			double dummy;

			while (j < n && s[j] == ' ')
				j++;
			if (j == i + wl || !mp_number_words(s + j, n - j, &dummy))
				break;
			i = j;
			continue;
		} else {
			break;
		}
		words++;
		after_scale = word_index(s + i, wl, scale_words) >= 0;
		i += wl;
		used = i;
		if (ord)
			break;
		next = i;
		if (next < n && (s[next] == '-' || s[next] == ' '))
			next++;
		if (next == i || next >= n || !isalpha((unsigned char)s[next]))
			break;
		i = next;
	}
	if (!words)
		return 0;
	*val = total + cur;
	return used;
}

/* ---- lexer ---- */

static const char *const fn_names[] = {"sin", "cos", "tan", "cot", "sec", "csc", "arcsin",
				       "arccos", "arctan", "sinh", "cosh", "tanh", "ln", "log",
				       "exp", "sqrt", NULL};
/* Units written right after a number with no space ("5cm"); longer words
 * are words anyway. */
static const char *const glued_units[] = {"cm", "mm", "km", "kg", "mg", "ft", "yd", "mi", "ml",
					  "lb", "oz", "hr", "in", NULL};
static const char *const skip_cmds[] = {
	"left", "right", "big", "Big", "bigl", "bigr", "Bigl", "Bigr", "bigg", "Bigg", "biggl",
	"biggr", "Biggl", "Biggr", "middle", "displaystyle", "textstyle", "scriptstyle", "quad",
	"qquad", "limits", "nolimits", "hfill", "boxed", "fbox", "prime", "enspace", "thinspace",
	"negthinspace", "noindent", "hspace", "nonumber", "notag", NULL};
static const char *const text_cmds[] = {
	"text", "textbf", "textrm", "textit", "textnormal", "textsf", "texttt", "mbox", "hbox",
	"mathrm", "mathbf", "mathit", "mathsf", "mathbb", "mathcal", "mathnormal", "boldsymbol",
	"bm", "operatorname", "emph", "textup", "overline", "underline", NULL};
static const char *const matrix_envs[] = {"pmatrix", "bmatrix", "matrix", "vmatrix", "Bmatrix",
					  "smallmatrix", "array", "Vmatrix", NULL};

static size_t skip_blank(const char *s, size_t n, size_t i)
{
	while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
		i++;
	return i;
}

/* Reads the digits of any script at s[i]; appends them to buf as ASCII. */
static size_t read_digits(ps *p, size_t i, char *buf, size_t *bl, size_t cap, int one)
{
	size_t k = i;

	while (k < p->n) {
		uint32_t cp;
		size_t l = tb_text_utf8_next(p->s + k, p->n - k, &cp);
		int d = gr_digit_value(cp);

		if (d < 0 || *bl + 1 >= cap)
			break;
		buf[(*bl)++] = (char)('0' + d);
		k += l;
		if (one)
			break;
	}
	return k - i;
}

static int digit_at(const ps *p, size_t i)
{
	uint32_t cp;

	if (i >= p->n)
		return 0;
	tb_text_utf8_next(p->s + i, p->n - i, &cp);
	return gr_digit_value(cp) >= 0;
}

/* Exactly three digits at i and no fourth. */
static int group_at(const ps *p, size_t i)
{
	return i + 3 <= p->n && isdigit((unsigned char)p->s[i]) && isdigit((unsigned char)p->s[i + 1]) &&
	       isdigit((unsigned char)p->s[i + 2]) && !digit_at(p, i + 3);
}

/* The length of a thousands separator at i that a 3-digit group follows:
 * "{,}", ",", a space, a thin or no-break space. 0 when there is none. */
static size_t group_sep(const ps *p, size_t i)
{
	static const char *const seps[] = {"{,}", ",", " ", "\\,", "\xe2\x80\x89", "\xe2\x80\xaf",
					   "\xc2\xa0", ",\\!", ",\\! ", "{,}\\!", NULL};

	for (int k = 0; seps[k]; k++) {
		size_t l = strlen(seps[k]);

		if (i + l <= p->n && memcmp(p->s + i, seps[k], l) == 0 && group_at(p, i + l)) {
			/* Inside brackets a plain comma separates items: (1,234). */
			if (k == 1 && p->brackets > 0)
				return 0;
			return l;
		}
	}
	return 0;
}

static void lex_number(ps *p, tok *t)
{
	char buf[96];
	size_t bl = 0, i = p->i, l, lead;
	int dec = -1;

	t->kind = T_NUM;
	t->off = i;
	i += read_digits(p, i, buf, &bl, sizeof(buf), p->single);
	lead = bl;
	if (!p->single && lead >= 1 && lead <= 3) {
		/* Thousands groups: the same separator each time. */
		size_t first = group_sep(p, i);

		while (first && bl + 4 < sizeof(buf) && group_sep(p, i) == first) {
			i += first;
			i += read_digits(p, i, buf, &bl, sizeof(buf), 0);
		}
	}
	if (!p->single && i < p->n && p->s[i] == '.' && (digit_at(p, i + 1) || bl == 0)) {
		size_t before = bl;

		buf[bl++] = '.';
		i++;
		i += read_digits(p, i, buf, &bl, sizeof(buf), 0);
		dec = (int)(bl - before - 1);
	}
	buf[bl] = '\0';
	t->val = strtod(buf, NULL);
	/* A repeating decimal: 0.\overline{3}, 0.1\overline{6}. */
	if (!p->single && i < p->n && (p->s[i] == '.' || dec >= 0)) {
		size_t j = i + (p->s[i] == '.' && dec < 0), e;

		if (j + 10 <= p->n && memcmp(p->s + j, "\\overline", 9) == 0 &&
		    (e = skip_blank(p->s, p->n, j + 9)) < p->n && p->s[e] == '{') {
			size_t close = gr_brace_end(p->s, p->n, e), nd = 0;
			double rep = 0;
			int ok = close > e + 2;

			for (size_t k = e + 1; ok && k + 1 < close; k++) {
				if (!isdigit((unsigned char)p->s[k]))
					ok = 0;
				else if (nd++ < 15)
					rep = rep * 10 + (p->s[k] - '0');
			}
			if (ok && nd <= 15) {
				int d = dec < 0 ? 0 : dec;

				t->val += rep / (pow(10, d) * (pow(10, (double)nd) - 1));
				dec = -1;
				i = close;
			}
		}
	}
	/* 1e2, 6.72e-05: an exponent glued to the digits. */
	if (!p->single && i + 1 < p->n && (p->s[i] == 'e' || p->s[i] == 'E')) {
		size_t j = i + 1;

		if (p->s[j] == '+' || p->s[j] == '-')
			j++;
		if (j < p->n && isdigit((unsigned char)p->s[j])) {
			size_t k = j;

			while (k < p->n && isdigit((unsigned char)p->s[k]) && k - j < 4)
				k++;
			if (k >= p->n || !isalnum((unsigned char)p->s[k])) {
				t->val *= pow(10, strtod(p->s + i + 1, NULL));
				i = k;
			}
		}
	}
	t->dec = dec;
	{
		int sig = 0, started = 0;

		for (size_t k = 0; k < bl; k++) {
			if (buf[k] == '.')
				continue;
			if (buf[k] != '0')
				started = 1;
			sig += started;
		}
		t->sig = sig;
	}
	if (!p->single) {
		/* "1 million", "2.5 billion"; "2nd", "3rd". */
		size_t j = i;
		int k;

		if (j < p->n && p->s[j] == ' ')
			j++;
		l = letters_at(p->s, p->n, j);
		if (l && (k = word_index(p->s + j, l, scale_words)) > 0) {
			t->val *= scale_values[k];
			t->dec = -1;
			i = j + l;
		} else if ((l = letters_at(p->s, p->n, i)) == 2 &&
			   (word_eq(p->s + i, 2, "st") || word_eq(p->s + i, 2, "nd") ||
			    word_eq(p->s + i, 2, "rd") || word_eq(p->s + i, 2, "th"))) {
			i += 2;
		}
	}
	t->len = i - t->off;
	p->i = i;
}

static void lex_letters(ps *p, tok *t)
{
	size_t i = p->i, l = letters_at(p->s, p->n, i);
	int k;
	double v;
	size_t used;

	t->off = i;
	t->glued = i > 0 && isdigit((unsigned char)p->s[i - 1]);
	if (!p->single && (used = mp_number_words(p->s + i, p->n - i, &v)) != 0 &&
	    (i + used >= p->n || !isalpha((unsigned char)p->s[i + used]))) {
		t->kind = T_NUM;
		t->val = v;
		t->dec = -1;
		t->sig = 0;
		t->len = used;
		p->i = i + used;
		return;
	}
	if (!p->single && l > 1) {
		t->len = l;
		p->i = i + l;
		if (word_eq(p->s + i, l, "and")) {
			t->kind = T_CONN;
			t->op = MP_SEP_AND;
			return;
		}
		if (word_eq(p->s + i, l, "or")) {
			t->kind = T_CONN;
			t->op = MP_SEP_OR;
			return;
		}
		if ((k = word_index(p->s + i, l, fn_names)) >= 0) {
			t->kind = T_FUNC;
			t->op = MP_F_SIN + k;
			return;
		}
		if (word_eq(p->s + i, l, "pi")) {
			t->kind = T_CONST;
			t->op = MP_C_PI;
			return;
		}
		if (word_eq(p->s + i, l, "infinity") || word_eq(p->s + i, l, "infty") ||
		    word_eq(p->s + i, l, "inf")) {
			t->kind = T_CONST;
			t->op = MP_C_INF;
			return;
		}
		if (l > 2 || p->ntext > 0 || (t->glued && word_index(p->s + i, l, glued_units) >= 0)) {
			t->kind = T_WORD;
			return;
		}
	}
	/* One letter: a variable, or the constants e and i. In a text group
	 * it may be a unit ("\text{ m}"), which glued records as 2. */
	t->len = 1;
	p->i = i + 1;
	t->kind = T_SYM;
	t->glued = p->ntext > 0 ? 2 : 0;
	if (p->s[i] == 'e' || p->s[i] == 'i') {
		t->kind = T_CONST;
		t->op = p->s[i] == 'e' ? MP_C_E : MP_C_I;
	}
}

static void set_op(tok *t, tk kind, int op)
{
	t->kind = kind;
	t->op = op;
}

/* A command at p->i (the backslash). Returns 1 when it made a token, 0
 * when it was skipped. */
static int lex_command(ps *p, tok *t)
{
	size_t i = p->i + 1, wl, b;
	const char *w;
	int k;

	if (i >= p->n) {
		p->i = i;
		return 0;
	}
	if (!isalpha((unsigned char)p->s[i])) {
		char c = p->s[i];

		p->i = i + 1;
		switch (c) {
		case '\\': set_op(t, T_ROWSEP, 0); return 1;
		case '{': set_op(t, T_OPEN, 's'); return 1;
		case '}': set_op(t, T_CLOSE, 's'); return 1;
		case '%': set_op(t, T_OP, '%'); return 1;
		case '|': set_op(t, T_OP, '|'); return 1;
		case '(': case '[': p->brackets++; set_op(t, T_OPEN, c); return 1;
		case ')': case ']': p->brackets--; set_op(t, T_CLOSE, c); return 1;
		}
		return 0; /* \, \; \! \  \$ \& and the like */
	}
	w = p->s + i;
	wl = letters_at(p->s, p->n, i);
	p->i = i + wl;
	t->off = i;
	t->len = wl;
	if (word_index(w, wl, skip_cmds) >= 0) {
		if ((word_eq(w, wl, "left") || word_eq(w, wl, "right")) && p->i < p->n && p->s[p->i] == '.')
			p->i++;
		return 0;
	}
	if (word_index(w, wl, text_cmds) >= 0) {
		size_t e;

		b = skip_blank(p->s, p->n, p->i);
		if (b < p->n && p->s[b] == '{' && p->ntext < MAX_TEXT_NEST && (e = gr_brace_end(p->s, p->n, b))) {
			p->text_end[p->ntext++] = e - 1;
			p->i = b + 1;
		}
		return 0;
	}
	if (word_eq(w, wl, "begin") || word_eq(w, wl, "end")) {
		size_t e;

		b = skip_blank(p->s, p->n, p->i);
		if (b >= p->n || p->s[b] != '{' || !(e = gr_brace_end(p->s, p->n, b)))
			return 0;
		p->i = e;
		if (word_index(p->s + b + 1, e - b - 2, matrix_envs) < 0)
			return 0; /* aligned, cases, equation: their content reads inline */
		if (w[0] == 'b' && word_eq(p->s + b + 1, e - b - 2, "array") && e < p->n &&
		    p->s[e] == '{' && (b = gr_brace_end(p->s, p->n, e)))
			p->i = b;
		set_op(t, w[0] == 'b' ? T_BEGIN : T_ENDENV, 0);
		return 1;
	}
	if (word_eq(w, wl, "pmod") || word_eq(w, wl, "bmod") || word_eq(w, wl, "mod")) {
		/* n \equiv 5 \pmod{17}: the modulus is context, not the answer. */
		size_t e;

		b = skip_blank(p->s, p->n, p->i);
		if (b < p->n && p->s[b] == '{' && (e = gr_brace_end(p->s, p->n, b)))
			p->i = e;
		else
			while (p->i < p->n && (isdigit((unsigned char)p->s[p->i]) || p->s[p->i] == ' '))
				p->i++;
		return 0;
	}
	if (word_eq(w, wl, "frac") || word_eq(w, wl, "dfrac") || word_eq(w, wl, "tfrac") ||
	    word_eq(w, wl, "cfrac")) {
		set_op(t, T_FRAC, 0);
		return 1;
	}
	if (word_eq(w, wl, "sqrt")) {
		set_op(t, T_SQRT, 0);
		return 1;
	}
	if (word_eq(w, wl, "binom") || word_eq(w, wl, "dbinom") || word_eq(w, wl, "tbinom")) {
		set_op(t, T_BINOM, 0);
		return 1;
	}
	if ((k = word_index(w, wl, fn_names)) >= 0) {
		set_op(t, T_FUNC, MP_F_SIN + k);
		return 1;
	}
	if (word_eq(w, wl, "pi")) { set_op(t, T_CONST, MP_C_PI); return 1; }
	if (word_eq(w, wl, "infty")) { set_op(t, T_CONST, MP_C_INF); return 1; }
	if (word_eq(w, wl, "cdot") || word_eq(w, wl, "times") || word_eq(w, wl, "ast")) {
		set_op(t, T_OP, '*');
		return 1;
	}
	if (word_eq(w, wl, "div")) { set_op(t, T_OP, '/'); return 1; }
	if (word_eq(w, wl, "pm")) { set_op(t, T_OP, 'p'); return 1; }
	if (word_eq(w, wl, "mp")) { set_op(t, T_OP, 'm'); return 1; }
	if (word_eq(w, wl, "cup")) { set_op(t, T_OP, 'c'); return 1; }
	if (word_eq(w, wl, "circ") || word_eq(w, wl, "degree") || word_eq(w, wl, "degrees")) {
		set_op(t, T_OP, 'D');
		return 1;
	}
	if (word_eq(w, wl, "colon")) { set_op(t, T_OP, ':'); return 1; }
	if (word_eq(w, wl, "le") || word_eq(w, wl, "leq") || word_eq(w, wl, "leqslant")) {
		set_op(t, T_REL, MP_R_LE);
		return 1;
	}
	if (word_eq(w, wl, "ge") || word_eq(w, wl, "geq") || word_eq(w, wl, "geqslant")) {
		set_op(t, T_REL, MP_R_GE);
		return 1;
	}
	if (word_eq(w, wl, "lt")) { set_op(t, T_REL, MP_R_LT); return 1; }
	if (word_eq(w, wl, "gt")) { set_op(t, T_REL, MP_R_GT); return 1; }
	if (word_eq(w, wl, "ne") || word_eq(w, wl, "neq")) { set_op(t, T_REL, MP_R_NE); return 1; }
	if (word_eq(w, wl, "approx") || word_eq(w, wl, "simeq") || word_eq(w, wl, "thickapprox")) {
		set_op(t, T_REL, MP_R_APPROX);
		return 1;
	}
	if (word_eq(w, wl, "equiv") || word_eq(w, wl, "cong")) { set_op(t, T_REL, MP_R_EQUIV); return 1; }
	if (word_eq(w, wl, "in")) { set_op(t, T_REL, MP_R_IN); return 1; }
	if (word_eq(w, wl, "lbrace")) { set_op(t, T_OPEN, 's'); return 1; }
	if (word_eq(w, wl, "rbrace")) { set_op(t, T_CLOSE, 's'); return 1; }
	if (word_eq(w, wl, "langle")) { p->brackets++; set_op(t, T_OPEN, '('); return 1; }
	if (word_eq(w, wl, "rangle")) { p->brackets--; set_op(t, T_CLOSE, ')'); return 1; }
	if (word_eq(w, wl, "lvert") || word_eq(w, wl, "rvert") || word_eq(w, wl, "vert") ||
	    word_eq(w, wl, "mid")) {
		set_op(t, T_OP, '|');
		return 1;
	}
	if (word_eq(w, wl, "dots") || word_eq(w, wl, "ldots") || word_eq(w, wl, "cdots")) {
		t->kind = T_WORD;
		t->glued = 0;
		return 1;
	}
	/* Greek letters and any other command: a symbol by its name; the
	 * empty set has one name however written. */
	t->kind = T_SYM;
	if (word_eq(w, wl, "varnothing"))
		t->alias = "emptyset";
	return 1;
}

/* A character outside ASCII: returns 1 with a token, 0 when skipped. */
static int lex_unicode(ps *p, tok *t)
{
	uint32_t cp;
	size_t l = tb_text_utf8_next(p->s + p->i, p->n - p->i, &cp);

	if (gr_digit_value(cp) >= 0) {
		lex_number(p, t);
		return 1;
	}
	p->i += l;
	switch (cp) {
	case 0x2212: case 0x2013: case 0xFE63: case 0xFF0D: set_op(t, T_OP, '-'); return 1;
	case 0x00D7: case 0x00B7: case 0x22C5: case 0x2219: case 0x2217: set_op(t, T_OP, '*'); return 1;
	case 0x00F7: set_op(t, T_OP, '/'); return 1;
	case 0x03C0: set_op(t, T_CONST, MP_C_PI); return 1;
	case 0x221E: set_op(t, T_CONST, MP_C_INF); return 1;
	case 0x221A: set_op(t, T_SQRT, 0); return 1;
	case 0x00B0: set_op(t, T_OP, 'D'); return 1;
	case 0x00B1: set_op(t, T_OP, 'p'); return 1;
	case 0x2213: set_op(t, T_OP, 'm'); return 1;
	case 0x222A: set_op(t, T_OP, 'c'); return 1;
	case 0x2264: set_op(t, T_REL, MP_R_LE); return 1;
	case 0x2265: set_op(t, T_REL, MP_R_GE); return 1;
	case 0x2260: set_op(t, T_REL, MP_R_NE); return 1;
	case 0x2248: set_op(t, T_REL, MP_R_APPROX); return 1;
	case 0x2261: set_op(t, T_REL, MP_R_EQUIV); return 1;
	case 0x2208: set_op(t, T_REL, MP_R_IN); return 1;
	case 0xFF0C: set_op(t, T_OP, ','); return 1;
	case 0x00A0: case 0x2009: case 0x202F: case 0x200B: case 0x3000: case 0xFF0E: case 0x3002:
		return 0;
	}
	/* Any other character is part of a word ("米", "ÿ"). */
	t->kind = T_WORD;
	t->off = p->i - l;
	t->len = l;
	t->glued = 0;
	while (p->i < p->n && (unsigned char)p->s[p->i] >= 0x80) {
		l = tb_text_utf8_next(p->s + p->i, p->n - p->i, &cp);
		if (gr_digit_value(cp) >= 0 || (cp >= 0x2000 && cp < 0x2BFF) || cp == 0xA0 || cp == 0xB0 ||
		    cp == 0xB1 || cp == 0xD7 || cp == 0xF7 || cp == 0x3C0 || cp == 0x3002 || cp == 0xFF0C)
			break;
		p->i += l;
		t->len += l;
	}
	return 1;
}

static void lex(ps *p)
{
	tok *t = &p->cur;

	/* Each round consumes at least one byte or returns. */
	for (;;) {
		char c;

		memset(t, 0, sizeof(*t));
		if (p->ntext && p->i >= p->text_end[p->ntext - 1]) {
			p->i = p->text_end[--p->ntext] + 1;
			continue;
		}
		if (p->i >= p->n) {
			t->kind = T_END;
			t->off = p->n;
			return;
		}
		c = p->s[p->i];
		t->off = p->i;
		t->len = 1;
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '~' || c == '$' || c == '`' ||
		    (c == '.' && !(p->i + 1 < p->n && isdigit((unsigned char)p->s[p->i + 1])))) {
			p->i++;
			continue;
		}
		if (isdigit((unsigned char)c) || (c == '.' && p->i + 1 < p->n && isdigit((unsigned char)p->s[p->i + 1]))) {
			lex_number(p, t);
			return;
		}
		if (isalpha((unsigned char)c)) {
			lex_letters(p, t);
			return;
		}
		if (c == '\\') {
			if (lex_command(p, t))
				return;
			continue;
		}
		if ((unsigned char)c >= 0x80) {
			if (lex_unicode(p, t))
				return;
			continue;
		}
		p->i++;
		switch (c) {
		case '*':
			if (p->i < p->n && p->s[p->i] == '*') {
				p->i++; /* markdown bold */
				continue;
			}
			set_op(t, T_OP, '*');
			return;
		case '(': case '[':
			p->brackets++;
			set_op(t, T_OPEN, c);
			return;
		case '{':
			set_op(t, T_OPEN, c);
			return;
		case ')': case ']':
			p->brackets--;
			set_op(t, T_CLOSE, c);
			return;
		case '}':
			set_op(t, T_CLOSE, c);
			return;
		case '=':
			set_op(t, T_REL, MP_R_EQ);
			return;
		case '<': case '>':
			if (p->i < p->n && p->s[p->i] == '=') {
				p->i++;
				set_op(t, T_REL, c == '<' ? MP_R_LE : MP_R_GE);
			} else {
				set_op(t, T_REL, c == '<' ? MP_R_LT : MP_R_GT);
			}
			return;
		case '&':
			set_op(t, T_AMP, 0);
			return;
		case '+': case '-': case '/': case '^': case '_': case '!': case '%': case ':':
		case '|': case ',': case ';': case '\'':
			set_op(t, T_OP, c);
			return;
		}
		t->kind = T_BAD;
		return;
	}
}

/* ---- tree ---- */

int mp_new(mp_tree *t, int kind)
{
	mp_node *x;

	if (t->n >= MP_MAX_NODES)
		return -1;
	x = &t->node[t->n];
	memset(x, 0, sizeof(*x));
	x->kind = (uint8_t)kind;
	x->kid = x->next = x->alt = -1;
	x->dec = -1;
	return t->n++;
}

int mp_kid(const mp_tree *t, int node, int k)
{
	int c = t->node[node].kid;

	while (c >= 0 && k-- > 0)
		c = t->node[c].next;
	return c;
}

const char *mp_name(const mp_tree *t, int node, size_t *len)
{
	*len = t->node[node].nlen;
	return t->pool + t->node[node].name;
}

static int fail(ps *p, const char *why)
{
	if (!p->err)
		p->err = why;
	return -1;
}

static int make(ps *p, int kind)
{
	int x = mp_new(p->t, kind);

	return x < 0 ? fail(p, "too many nodes") : x;
}

/* A node of `kind` over kids[0..nk). */
static int nary(ps *p, int kind, const int *kids, int nk)
{
	int x = make(p, kind);

	if (x < 0)
		return -1;
	p->t->node[x].kid = nk ? (int16_t)kids[0] : -1;
	p->t->node[x].nkid = (uint16_t)nk;
	for (int k = 0; k + 1 < nk; k++)
		p->t->node[kids[k]].next = (int16_t)kids[k + 1];
	if (nk)
		p->t->node[kids[nk - 1]].next = -1;
	return x;
}

static int binary(ps *p, int kind, int a, int b)
{
	int kids[2] = {a, b};

	if (a < 0 || b < 0)
		return -1;
	return nary(p, kind, kids, b >= 0 ? 2 : 1);
}

static int unary_node(ps *p, int kind, int a)
{
	if (a < 0)
		return -1;
	return nary(p, kind, &a, 1);
}

/* Stores text in the pool for node x. */
static int set_name(ps *p, int x, const char *s, size_t n)
{
	mp_tree *t = p->t;

	if (x < 0)
		return -1;
	if (t->plen + n > MP_POOL)
		return fail(p, "too much text");
	memcpy(t->pool + t->plen, s, n);
	t->node[x].name = (uint16_t)t->plen;
	t->node[x].nlen = (uint16_t)n;
	t->plen += (int)n;
	return x;
}

static int is_op(const ps *p, int c)
{
	return p->cur.kind == T_OP && p->cur.op == c;
}

static int is_close(const ps *p)
{
	return p->cur.kind == T_CLOSE;
}

static int list(ps *p);
static int rel(ps *p);
static int sum(ps *p);
static int unary(ps *p);
/* An ordinal suffix as a superscript at the current token: 2^{nd},
 * 3^{\text{rd}}, 1^{st}. Moves past it and returns 1. */
static int ordinal_sup(ps *p)
{
	static const char *const forms[] = {"{%s}", "{\\text{%s}}", "{\\mathrm{%s}}", "{\\textrm{%s}}", NULL};
	static const char *const suffixes[] = {"st", "nd", "rd", "th", NULL};
	size_t i = p->cur.off;

	for (int f = 0; forms[f]; f++)
		for (int k = 0; suffixes[k]; k++) {
			char want[32];
			int l = snprintf(want, sizeof(want), forms[f], suffixes[k]);

			if (i + (size_t)l <= p->n && memcmp(p->s + i, want, (size_t)l) == 0) {
				p->i = i + (size_t)l;
				p->ntext = 0;
				return 1;
			}
		}
	return 0;
}

static int postfix(ps *p, int base);
static int primary(ps *p);

static int enter(ps *p)
{
	if (++p->depth > MP_MAX_DEPTH)
		return fail(p, "nested too deep");
	return 0;
}

static int leave(ps *p, int x)
{
	p->depth--;
	return x;
}

/* Starts an implicit factor: 2x, 2(x+1), x\sqrt{2}, 5 apples. */
static int starts_factor(const ps *p)
{
	switch (p->cur.kind) {
	case T_NUM: case T_SYM: case T_CONST: case T_WORD: case T_FUNC: case T_FRAC: case T_SQRT:
	case T_BINOM: case T_BEGIN: case T_OPEN:
		return 1;
	default:
		return 0;
	}
}

/* One argument of \frac, \sqrt, ^ or _: a braced group, or one token of
 * which a number gives only its first digit (\frac12). */
static int arg(ps *p)
{
	int x;

	if (enter(p))
		return -1;
	if (p->cur.kind == T_OPEN && p->cur.op == '{') {
		lex(p);
		if (is_close(p))
			return leave(p, fail(p, "empty group"));
		x = list(p);
		if (x < 0)
			return leave(p, -1);
		if (!(is_close(p) && p->cur.op == '}'))
			return leave(p, fail(p, "unclosed group"));
		lex(p);
		return leave(p, x);
	}
	if ((p->cur.kind == T_NUM && p->cur.len > 1) || (p->cur.kind == T_WORD && p->cur.len > 1 &&
							   isalpha((unsigned char)p->s[p->cur.off]))) {
		p->i = p->cur.off;
		p->single = 1;
		lex(p);
		p->single = 0;
	}
	if (is_op(p, '-')) {
		lex(p);
		return leave(p, unary_node(p, MP_NEG, arg(p)));
	}
	x = primary(p);
	return leave(p, x);
}

/* The argument of a function written without brackets: \sin 2x, \ln 2,
 * \sin 30^\circ; it stops before the next function. */
static int func_arg(ps *p)
{
	int kids[MAX_KIDS], nk = 0;

	kids[nk++] = unary(p);
	if (kids[0] < 0)
		return -1;
	while (starts_factor(p) && p->cur.kind != T_FUNC && !(p->cur.kind == T_OPEN && p->cur.op == '(') &&
	       nk < MAX_KIDS) {
		if ((kids[nk++] = postfix(p, primary(p))) < 0)
			return -1;
	}
	return nk == 1 ? kids[0] : nary(p, MP_MUL, kids, nk);
}

static int function(ps *p)
{
	int fn = p->cur.op, power = -1, base = -1, a, x;

	lex(p);
	for (int k = 0; k < 2; k++) {
		if (is_op(p, '^')) {
			lex(p);
			if ((power = arg(p)) < 0)
				return -1;
		} else if (is_op(p, '_')) {
			lex(p);
			if ((base = arg(p)) < 0)
				return -1;
		}
	}
	/* \sin^{-1} x is arcsin x. */
	if (power >= 0 && p->t->node[power].kind == MP_NEG) {
		int one = p->t->node[power].kid;

		if (p->t->node[one].kind == MP_NUM && p->t->node[one].val == 1 && fn >= MP_F_SIN &&
		    fn <= MP_F_TAN) {
			fn += MP_F_ASIN - MP_F_SIN;
			power = -1;
		}
	}
	a = (p->cur.kind == T_OPEN && p->cur.op == '(') ? postfix(p, primary(p)) : func_arg(p);
	if (a < 0)
		return -1;
	x = base >= 0 ? binary(p, MP_FUNC, a, base) : unary_node(p, MP_FUNC, a);
	if (x < 0)
		return -1;
	p->t->node[x].op = (uint8_t)fn;
	if (power >= 0)
		x = binary(p, MP_POW, x, power);
	return x;
}

static int matrix(ps *p)
{
	int rows[MAX_KIDS], nr = 0;

	lex(p);
	/* Bounded: every row reads tokens or fails. */
	while (nr < MAX_KIDS) {
		int cells[MAX_KIDS], nc = 0;

		while (nc < MAX_KIDS) {
			if ((cells[nc++] = rel(p)) < 0)
				return -1;
			if (p->cur.kind != T_AMP)
				break;
			lex(p);
		}
		if ((rows[nr] = nary(p, MP_GROUP, cells, nc)) < 0)
			return -1;
		p->t->node[rows[nr]].open = 'r';
		nr++;
		if (p->cur.kind != T_ROWSEP)
			break;
		lex(p);
		if (p->cur.kind == T_ENDENV)
			break;
	}
	if (p->cur.kind != T_ENDENV)
		return fail(p, "unclosed matrix");
	lex(p);
	return nary(p, MP_MATRIX, rows, nr);
}

/* A bracketed group: (a, b], [a, b), \{a, b\}, or a parenthesised
 * expression. */
static int group(ps *p)
{
	int open = p->cur.op, x, kids[MAX_KIDS] = {0}, nk = 0, close;

	lex(p);
	if (is_close(p)) {
		close = p->cur.op;
		lex(p);
		x = nary(p, MP_GROUP, kids, 0);
	} else {
		int e = list(p);

		if (e < 0)
			return -1;
		if (!is_close(p))
			return fail(p, "unclosed bracket");
		close = p->cur.op;
		lex(p);
		if (open == '{' && close == '}')
			return e;
		if (p->t->node[e].kind == MP_LIST && p->t->node[e].op == ',') {
			for (int c = p->t->node[e].kid; c >= 0 && nk < MAX_KIDS; c = p->t->node[c].next)
				kids[nk++] = c;
		} else {
			kids[nk++] = e;
		}
		/* (x+1) and [x] are the expression, \{x\} is a set. */
		if (nk == 1 && open != 's' && (close == ')' || close == ']'))
			return e;
		x = nary(p, MP_GROUP, kids, nk);
	}
	if (x >= 0) {
		p->t->node[x].open = (uint8_t)open;
		p->t->node[x].close = (uint8_t)close;
	}
	return x;
}

/* \frac{a}{b}, \binom{n}{k}: the command and its two arguments. */
static int two_args(ps *p, int kind)
{
	int a, b;

	lex(p);
	a = arg(p);
	b = a >= 0 ? arg(p) : -1;
	return binary(p, kind, a, b);
}

static int primary(ps *p)
{
	tok c = p->cur;
	int x = -1;

	if (enter(p))
		return -1;
	switch (c.kind) {
	case T_NUM:
		if ((x = make(p, MP_NUM)) >= 0) {
			p->t->node[x].val = c.val;
			p->t->node[x].dec = (int16_t)c.dec;
			p->t->node[x].sig = (int16_t)c.sig;
		}
		lex(p);
		break;
	case T_SYM:
	case T_WORD:
		x = c.alias ? set_name(p, make(p, MP_SYM), c.alias, strlen(c.alias))
			    : set_name(p, make(p, c.kind == T_SYM ? MP_SYM : MP_TEXT), p->s + c.off, c.len);
		if (x >= 0)
			p->t->node[x].op = (uint8_t)c.glued;
		lex(p);
		break;
	case T_CONST:
		if ((x = make(p, MP_CONST)) >= 0)
			p->t->node[x].op = (uint8_t)c.op;
		lex(p);
		break;
	case T_OPEN:
		x = group(p);
		break;
	case T_OP:
		if (c.op == '|') {
			lex(p);
			x = sum(p);
			if (x >= 0 && !is_op(p, '|'))
				x = fail(p, "unclosed |");
			if (x >= 0) {
				lex(p);
				x = unary_node(p, MP_ABS, x);
			}
		} else {
			x = fail(p, "unexpected operator");
		}
		break;
	case T_FUNC:
		x = function(p);
		break;
	case T_FRAC:
		x = two_args(p, MP_DIV);
		if (x >= 0)
			p->t->node[x].op = 'f';
		break;
	case T_SQRT: {
		int idx = -1, a;

		lex(p);
		if (p->cur.kind == T_OPEN && p->cur.op == '[') {
			lex(p);
			idx = list(p);
			if (idx < 0 || !is_close(p)) {
				x = fail(p, "bad root index");
				break;
			}
			lex(p);
		}
		a = arg(p);
		x = idx >= 0 ? binary(p, MP_FUNC, a, idx) : unary_node(p, MP_FUNC, a);
		if (x >= 0)
			p->t->node[x].op = idx >= 0 ? MP_F_ROOT : MP_F_SQRT;
		break;
	}
	case T_BINOM:
		x = two_args(p, MP_BINOM);
		break;
	case T_BEGIN:
		x = matrix(p);
		break;
	default:
		x = fail(p, c.kind == T_END ? "nothing" : "unexpected token");
		break;
	}
	return leave(p, x);
}

/* 204_5: digits read in base 5. Returns the value, or -1 when a digit is
 * too big. */
static double in_base(double v, double base)
{
	char digits[32];
	double r = 0;

	if (v < 0 || v > 1e15 || v != floor(v))
		return -1;
	snprintf(digits, sizeof(digits), "%.0f", v);
	for (char *d = digits; *d; d++) {
		if (*d - '0' >= base)
			return -1;
		r = r * base + (*d - '0');
	}
	return r;
}

static int is_ordinal_suffix(const ps *p, int x)
{
	size_t l;
	const char *w;

	if (p->t->node[x].kind != MP_TEXT && p->t->node[x].kind != MP_SYM)
		return 0;
	w = mp_name(p->t, x, &l);
	return l == 2 && (word_eq(w, 2, "st") || word_eq(w, 2, "nd") || word_eq(w, 2, "rd") ||
			  word_eq(w, 2, "th"));
}

static int postfix(ps *p, int base)
{
	/* Each round consumes a token. */
	for (int round = 0; base >= 0 && round < MAX_KIDS; round++) {
		mp_node *b = &p->t->node[base];

		if (is_op(p, '!')) {
			lex(p);
			base = unary_node(p, MP_FACT, base);
		} else if (is_op(p, '%')) {
			lex(p);
			base = unary_node(p, MP_PCT, base);
		} else if (is_op(p, 'D')) {
			lex(p);
			base = unary_node(p, MP_DEG, base);
		} else if (is_op(p, '\'')) {
			lex(p);
		} else if (is_op(p, '^')) {
			int e;

			lex(p);
			if (is_op(p, 'D')) {
				lex(p);
				base = unary_node(p, MP_DEG, base);
				continue;
			}
			if (b->kind == MP_NUM && ordinal_sup(p)) {
				lex(p);
				continue;
			}
			if (p->cur.kind == T_OPEN && p->cur.op == '{') {
				/* ^{\circ} */
				size_t save = p->i;
				tok keep = p->cur;

				lex(p);
				if (is_op(p, 'D')) {
					lex(p);
					if (is_close(p)) {
						lex(p);
						base = unary_node(p, MP_DEG, base);
						continue;
					}
				}
				p->i = save;
				p->cur = keep;
			}
			if ((e = arg(p)) < 0)
				return -1;
			if (b->kind == MP_NUM && is_ordinal_suffix(p, e))
				continue; /* 2^{nd} */
			base = binary(p, MP_POW, base, e);
		} else if (is_op(p, '_')) {
			int e;

			lex(p);
			if ((e = arg(p)) < 0)
				return -1;
			b = &p->t->node[base];
			if (b->kind == MP_NUM && p->t->node[e].kind == MP_NUM) {
				double v = in_base(b->val, p->t->node[e].val);

				if (p->t->node[e].val < 2 || p->t->node[e].val > 36 || v < 0)
					return fail(p, "bad base");
				b->val = v;
			} else if (b->kind == MP_SYM) {
				/* x_1, S_{ABC}: the subscript is part of the name. */
				char sub[64];
				size_t l, nl = 0;
				const char *nm = mp_name(p->t, base, &l);
				char full[96];

				mp_print(p->t, e, sub, sizeof(sub));
				nl = (size_t)snprintf(full, sizeof(full), "%.*s_%s", (int)l, nm, sub);
				if (nl >= sizeof(full))
					nl = sizeof(full) - 1;
				if (set_name(p, base, full, nl) < 0)
					return -1;
			}
		} else {
			break;
		}
	}
	return base;
}

static int unary(ps *p)
{
	int x;

	if (enter(p))
		return -1;
	if (is_op(p, '-')) {
		lex(p);
		x = unary_node(p, MP_NEG, unary(p));
	} else if (is_op(p, '+')) {
		lex(p);
		x = unary(p);
	} else if (is_op(p, 'p') || is_op(p, 'm')) {
		lex(p);
		x = unary_node(p, MP_PM, unary(p));
	} else {
		x = postfix(p, primary(p));
	}
	return leave(p, x);
}

static int is_int_literal(const ps *p, int x)
{
	const mp_node *n = &p->t->node[x];

	return n->kind == MP_NUM && n->dec < 0 && n->val == floor(n->val);
}

/* A scale word ("million") after a number multiplies it: returns 1 when
 * word x was taken into number n. */
static int scale_after(ps *p, int n, int x)
{
	mp_node *num = &p->t->node[n];
	size_t l;
	const char *w;
	int k;

	if (num->kind != MP_NUM || p->t->node[x].kind != MP_TEXT)
		return 0;
	w = mp_name(p->t, x, &l);
	if ((k = word_index(w, l, scale_words)) < 1)
		return 0;
	num->val *= scale_values[k];
	num->dec = -1;
	return 1;
}

static int term(ps *p)
{
	int kids[MAX_KIDS], nk = 0;

	if ((kids[nk++] = unary(p)) < 0)
		return -1;
	while (nk < MAX_KIDS) {
		int f;

		if (is_op(p, '*')) {
			lex(p);
			f = unary(p);
		} else if (is_op(p, '/')) {
			lex(p);
			f = unary(p);
			if ((kids[nk - 1] = binary(p, MP_DIV, kids[nk - 1], f)) < 0)
				return -1;
			continue;
		} else if (starts_factor(p)) {
			f = postfix(p, primary(p));
			/* 1 \text{ million} */
			if (f >= 0 && scale_after(p, kids[nk - 1], f))
				continue;
			/* 1\frac{4}{5} is a mixed number. */
			if (f >= 0 && nk == 1 && is_int_literal(p, kids[0]) && p->t->node[f].kind == MP_DIV &&
			    p->t->node[f].op == 'f' && is_int_literal(p, mp_kid(p->t, f, 0)) &&
			    is_int_literal(p, mp_kid(p->t, f, 1))) {
				kids[0] = binary(p, MP_ADD, kids[0], f);
				if (kids[0] < 0)
					return -1;
				continue;
			}
		} else {
			break;
		}
		if (f < 0)
			return -1;
		kids[nk++] = f;
	}
	return nk == 1 ? kids[0] : nary(p, MP_MUL, kids, nk);
}

static int sum(ps *p)
{
	int kids[MAX_KIDS], nk = 0;

	if (enter(p))
		return -1;
	if ((kids[nk++] = term(p)) < 0)
		return leave(p, -1);
	while (nk < MAX_KIDS && (is_op(p, '+') || is_op(p, '-') || is_op(p, 'p') || is_op(p, 'm'))) {
		int op = p->cur.op, t;

		lex(p);
		if ((t = term(p)) < 0)
			return leave(p, -1);
		if (op == '-')
			t = unary_node(p, MP_NEG, t);
		if (op == 'p' || op == 'm') {
			int left = nk == 1 ? kids[0] : nary(p, MP_ADD, kids, nk);

			kids[0] = binary(p, MP_PM, left, t);
			nk = 1;
			if (kids[0] < 0)
				return leave(p, -1);
			continue;
		}
		if (t < 0)
			return leave(p, -1);
		kids[nk++] = t;
	}
	return leave(p, nk == 1 ? kids[0] : nary(p, MP_ADD, kids, nk));
}

static int ratio(ps *p)
{
	int a = sum(p), x;

	if (a < 0 || !is_op(p, ':'))
		return a;
	lex(p);
	x = binary(p, MP_DIV, a, sum(p));
	if (x >= 0)
		p->t->node[x].op = ':';
	return x;
}

static int union_(ps *p)
{
	int kids[MAX_KIDS], nk = 0;

	if ((kids[nk++] = ratio(p)) < 0)
		return -1;
	while (nk < MAX_KIDS && is_op(p, 'c')) {
		lex(p);
		if ((kids[nk++] = ratio(p)) < 0)
			return -1;
	}
	return nk == 1 ? kids[0] : nary(p, MP_UNION, kids, nk);
}

static int rel(ps *p)
{
	int kids[MAX_KIDS], nk = 0, x;
	char ops[MAX_KIDS];

	if (enter(p))
		return -1;
	if ((kids[nk++] = union_(p)) < 0)
		return leave(p, -1);
	while (nk < MAX_KIDS && p->cur.kind == T_REL) {
		ops[nk - 1] = (char)p->cur.op;
		lex(p);
		if ((kids[nk++] = union_(p)) < 0)
			return leave(p, -1);
	}
	if (nk == 1)
		return leave(p, kids[0]);
	x = nary(p, MP_REL, kids, nk);
	return leave(p, set_name(p, x, ops, (size_t)nk - 1));
}

static int list(ps *p)
{
	int kids[MAX_KIDS], nk = 0, sep = 0, x;

	if (enter(p))
		return -1;
	if ((kids[nk++] = rel(p)) < 0)
		return leave(p, -1);
	while (nk < MAX_KIDS && (is_op(p, ',') || is_op(p, ';') || p->cur.kind == T_CONN)) {
		int s = p->cur.kind == T_CONN ? p->cur.op : ',';

		lex(p);
		if (p->cur.kind == T_CONN) { /* "1, 2, and 3" */
			s = p->cur.op;
			lex(p);
		}
		/* "or" wins over "and", "and" over a comma. */
		if (s == MP_SEP_OR || (s == MP_SEP_AND && sep != MP_SEP_OR) || !sep)
			sep = s;
		if ((kids[nk++] = rel(p)) < 0)
			return leave(p, -1);
	}
	if (nk == MAX_KIDS)
		return leave(p, fail(p, "too many items"));
	if (nk == 1)
		return leave(p, kids[0]);
	x = nary(p, MP_LIST, kids, nk);
	if (x >= 0)
		p->t->node[x].op = (uint8_t)sep;
	return leave(p, x);
}

int mp_parse(const char *s, size_t n, mp_tree *t, const char **err)
{
	ps p;

	memset(&p, 0, sizeof(p));
	p.s = s;
	p.n = n;
	p.t = t;
	t->n = 0;
	t->plen = 0;
	t->root = -1;
	if (n > MP_MAX_INPUT) {
		if (err)
			*err = "too long";
		return -1;
	}
	lex(&p);
	/* "= 5", "\approx 3.14": the value a relation gives. */
	if (p.cur.kind == T_REL && (p.cur.op == MP_R_EQ || p.cur.op == MP_R_APPROX))
		lex(&p);
	t->root = list(&p);
	if (t->root >= 0 && p.cur.kind != T_END)
		t->root = fail(&p, p.cur.kind == T_CLOSE ? "unbalanced bracket" : "unexpected token");
	if (err)
		*err = p.err;
	return t->root >= 0 ? 0 : -1;
}

/* ---- printing ---- */

typedef struct pr {
	char *o;
	size_t len, cap;
} pr;

static void out(pr *w, const char *s, size_t n)
{
	if (w->len + n + 1 > w->cap)
		n = w->cap > w->len + 1 ? w->cap - w->len - 1 : 0;
	memcpy(w->o + w->len, s, n);
	w->len += n;
	w->o[w->len] = '\0';
}

static void outs(pr *w, const char *s)
{
	out(w, s, strlen(s));
}

static void print(pr *w, const mp_tree *t, int x, int depth)
{
	static const char *const fns[] = {"", "sin", "cos", "tan", "cot", "sec", "csc", "asin", "acos",
					  "atan", "sinh", "cosh", "tanh", "ln", "log", "exp", "sqrt",
					  "root"};
	static const char *const consts[] = {"", "pi", "e", "i", "inf"};
	const mp_node *nd = &t->node[x];
	char buf[48];
	size_t l;
	const char *nm;
	int k = 0;

	if (depth > MP_MAX_DEPTH || w->len + 1 >= w->cap)
		return;
	switch (nd->kind) {
	case MP_NUM:
		snprintf(buf, sizeof(buf), "%.15g", nd->val);
		outs(w, buf);
		return;
	case MP_SYM: case MP_TEXT:
		nm = mp_name(t, x, &l);
		out(w, nm, l);
		return;
	case MP_CONST:
		outs(w, consts[nd->op < 5 ? nd->op : 0]);
		return;
	case MP_FUNC:
		outs(w, fns[nd->op < 18 ? nd->op : 0]);
		break;
	case MP_NEG: outs(w, "-"); break;
	case MP_PM: outs(w, "pm"); break;
	case MP_ABS: outs(w, "abs"); break;
	case MP_FACT: outs(w, "fact"); break;
	case MP_PCT: outs(w, "pct"); break;
	case MP_DEG: outs(w, "deg"); break;
	case MP_BINOM: outs(w, "binom"); break;
	case MP_MATRIX: outs(w, "matrix"); break;
	default: break;
	}
	{
		char open = '(', close = ')';
		const char *sep = ",";
		char rs[2] = {0, 0};

		if (nd->kind == MP_GROUP && nd->open != 'r') {
			open = nd->open == 's' ? '{' : (char)nd->open;
			close = nd->close == 's' ? '}' : (char)nd->close;
		}
		switch (nd->kind) {
		case MP_ADD: sep = "+"; break;
		case MP_MUL: sep = "*"; break;
		case MP_DIV: sep = "/"; break;
		case MP_POW: sep = "^"; break;
		case MP_UNION: sep = " U "; break;
		case MP_LIST: sep = nd->op == MP_SEP_OR ? " or " : nd->op == MP_SEP_AND ? " and " : ", "; break;
		default: break;
		}
		out(w, &open, 1);
		nm = mp_name(t, x, &l);
		for (int c = nd->kid; c >= 0; c = t->node[c].next, k++) {
			if (k) {
				if (nd->kind == MP_REL && (size_t)k - 1 < l) {
					rs[0] = nm[k - 1];
					outs(w, rs[0] == 'l' ? "<=" : rs[0] == 'g' ? ">=" : rs[0] == '~' ? "~" : rs);
				} else {
					outs(w, sep);
				}
			}
			print(w, t, c, depth + 1);
		}
		out(w, &close, 1);
	}
}

void mp_print(const mp_tree *t, int node, char *o, size_t outlen)
{
	pr w = {o, 0, outlen};

	if (!outlen)
		return;
	o[0] = '\0';
	if (node >= 0)
		print(&w, t, node, 0);
}
