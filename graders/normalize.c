/* Shared normalisation: see normalize.h. The LaTeX canonicaliser is a single
 * left-to-right rewrite with recursion only into braced arguments (depth
 * capped), so hostile input costs at most linear work per level. */
#include "normalize.h"
#include "text.h"

#include <ctype.h>
#include <string.h>

#define MAX_DEPTH 48

/* The zero of each Unicode decimal-digit (Nd) block of ten. */
static const uint32_t zeros[] = {
	0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66,
	0x0CE6, 0x0D66, 0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810,
	0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0,
	0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10, 0x104A0, 0x11066, 0x110F0, 0x11136,
	0x111D0, 0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6,
};

int gr_digit_value(uint32_t cp)
{
	if (cp < 0x80)
		return cp >= '0' && cp <= '9' ? (int)(cp - '0') : -1;
	if (cp < 0x0660)
		return -1;
	for (size_t k = 0; k < sizeof(zeros) / sizeof(zeros[0]); k++)
		if (cp >= zeros[k] && cp < zeros[k] + 10)
			return (int)(cp - zeros[k]);
	return -1;
}

int gr_lang_decimal_comma(const char *lang)
{
	static const char *const comma[] = {
		"af", "az", "be", "bg", "bs", "ca", "cs", "da", "de", "el", "es", "et", "eu",
		"fi", "fo", "fr", "gl", "hr", "hu", "hy", "id", "is", "it", "ka", "kk", "ky",
		"lt", "lv", "mk", "mn", "nb", "nl", "nn", "no", "pl", "pt", "ro", "ru", "sk",
		"sl", "sq", "sr", "sv", "tr", "uk", "uz", "vi",
	};
	char primary[4];
	size_t k = 0;

	if (!lang)
		return 0;
	while (k < 3 && isalpha((unsigned char)lang[k])) {
		primary[k] = (char)tolower((unsigned char)lang[k]);
		k++;
	}
	if (k < 2 || (lang[k] && lang[k] != '-' && lang[k] != '_'))
		return 0;
	primary[k] = '\0';
	for (size_t i = 0; i < sizeof(comma) / sizeof(comma[0]); i++)
		if (strcmp(primary, comma[i]) == 0)
			return 1;
	return 0;
}

/* ---- LaTeX canonical form ---- */

typedef struct outb {
	char *p;
	size_t len, cap; /* cap excludes the NUL */
	int full;
} outb;

static void put(outb *o, const char *s, size_t n)
{
	if (o->len + n > o->cap) {
		n = o->cap - o->len;
		o->full = 1;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
}

static void putch(outb *o, char c)
{
	put(o, &c, 1);
}

static void puts_(outb *o, const char *s)
{
	put(o, s, strlen(s));
}

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '~';
}

static size_t skip_spaces(const char *s, size_t n, size_t i)
{
	while (i < n && is_space(s[i]))
		i++;
	return i;
}

/* Index just past the brace that closes the one at s[i], or n when it is
 * never closed. */
static size_t match_brace(const char *s, size_t n, size_t i, char open, char close)
{
	int depth = 0;

	for (; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n) {
			i++;
			continue;
		}
		if (s[i] == open)
			depth++;
		else if (s[i] == close && --depth == 0)
			return i + 1;
	}
	return n;
}

static void canon(outb *o, const char *s, size_t n, int depth);

/* Copies one argument of \frac, \sqrt, ^ or _ as {canonical}: a braced
 * group, a command word, or one character. Returns the index after it. */
static size_t arg(outb *o, const char *s, size_t n, size_t i, int depth)
{
	size_t e;

	i = skip_spaces(s, n, i);
	if (i >= n)
		return i;
	if (s[i] == '{') {
		e = match_brace(s, n, i, '{', '}');
		putch(o, '{');
		canon(o, s + i + 1, (e > i + 1 && e <= n && s[e - 1] == '}' ? e - 1 : e) - i - 1, depth + 1);
		putch(o, '}');
		return e;
	}
	e = i + 1;
	if (s[i] == '\\')
		while (e < n && isalpha((unsigned char)s[e]))
			e++;
	else if ((unsigned char)s[i] >= 0x80)
		while (e < n && ((unsigned char)s[e] & 0xC0) == 0x80)
			e++;
	putch(o, '{');
	canon(o, s + i, e - i, depth + 1);
	putch(o, '}');
	return e;
}

static int word_is(const char *w, size_t wl, const char *name)
{
	return strlen(name) == wl && memcmp(w, name, wl) == 0;
}

static int word_in(const char *w, size_t wl, const char *const *names)
{
	for (; *names; names++)
		if (word_is(w, wl, *names))
			return 1;
	return 0;
}

/* A \text{} group is a unit when it holds only letters and spaces and only
 * an exponent, full stop or dollar follows it: "15\mbox{ cm}^2". */
static int is_unit(const outb *o, const char *in, size_t inl, const char *s, size_t n, size_t after)
{
	int letters = 0;

	if (o->len == 0)
		return 0;
	for (size_t k = 0; k < inl; k++) {
		if (isalpha((unsigned char)in[k]))
			letters++;
		else if (in[k] != ' ' && in[k] != '.')
			return 0;
	}
	if (!letters)
		return 0;
	for (size_t k = after; k < n; k++)
		if (!strchr(" ^{}23.$\\,!", s[k]))
			return 0;
	return 1;
}

/* "^\circ" or "^{\circ}" at s[i] (the caret): returns its length or 0. */
static size_t degree_at(const char *s, size_t n, size_t i)
{
	static const char *const forms[] = {"^\\circ", "^{\\circ}", "^{ \\circ }", "^{\\circ }", "^ \\circ"};

	for (size_t k = 0; k < sizeof(forms) / sizeof(forms[0]); k++) {
		size_t l = strlen(forms[k]);

		if (i + l <= n && memcmp(s + i, forms[k], l) == 0)
			return l;
	}
	return 0;
}

static void unicode_sym(outb *o, uint32_t cp, const char *s, size_t l)
{
	int d = gr_digit_value(cp);

	if (d >= 0) {
		putch(o, (char)('0' + d));
		return;
	}
	switch (cp) {
	case 0x2212: case 0x2013: case 0xFE63: case 0xFF0D:
		putch(o, '-');
		return;
	case 0x03C0:
		puts_(o, "\\pi");
		return;
	case 0x221E:
		puts_(o, "\\infty");
		return;
	case 0x00D7: case 0x00B7: case 0x22C5: case 0x2219:
		putch(o, '*');
		return;
	case 0x00B0: case 0x00A0: case 0x2009: case 0x202F: case 0x200B:
		return;
	case 0x2264:
		puts_(o, "\\le");
		return;
	case 0x2265:
		puts_(o, "\\ge");
		return;
	case 0xFF0C:
		putch(o, ',');
		return;
	case 0xFF0E:
		putch(o, '.');
		return;
	case 0x222A:
		puts_(o, "\\cup");
		return;
	}
	put(o, s, l);
}

static void command(outb *o, const char *s, size_t n, size_t *ip, int depth)
{
	static const char *const drop[] = {"left", "right", "big", "Big", "bigl", "bigr", "Bigl",
					   "Bigr", "bigg", "Bigg", "biggl", "biggr", "Biggl", "Biggr",
					   "displaystyle", "textstyle", "quad", "qquad", "limits",
					   "circ", "degree", "degrees", "dots", "ldots", "cdots", "!",
					   "mathrm", NULL};
	static const char *const text[] = {"text", "textbf", "textrm", "textit", "textnormal",
					   "mbox", "hbox", "mathbf", "mathit", "emph",
					   "operatorname", "boldsymbol", NULL};
	static const char *const matrix[] = {"pmatrix", "bmatrix", "matrix", "vmatrix",
					     "Bmatrix", "smallmatrix", "array", NULL};
	size_t i = *ip + 1, ws = i, wl;
	const char *w;

	if (i >= n) {
		*ip = i;
		return;
	}
	if (!isalpha((unsigned char)s[i])) {
		char c = s[i];

		*ip = i + 1;
		if (strchr("!,;: >", c) || c == '%' || c == '$')
			return;
		if (c == '\\') {
			putch(o, ';');
			return;
		}
		putch(o, '\\');
		putch(o, c);
		return;
	}
	while (i < n && isalpha((unsigned char)s[i]))
		i++;
	w = s + ws;
	wl = i - ws;
	*ip = i;
	if (word_is(w, wl, "mathrm") || word_in(w, wl, text)) {
		size_t b = skip_spaces(s, n, i), e;

		if (b >= n || s[b] != '{')
			return;
		e = match_brace(s, n, b, '{', '}');
		*ip = e;
		if (is_unit(o, s + b + 1, (e > b + 1 ? e - 1 : e) - b - 1, s, n, e)) {
			*ip = n;
			return;
		}
		canon(o, s + b + 1, (e > b + 1 && s[e - 1] == '}' ? e - 1 : e) - b - 1, depth + 1);
		return;
	}
	if (word_in(w, wl, drop)) {
		/* \left. and \right. are invisible delimiters. */
		if ((word_is(w, wl, "left") || word_is(w, wl, "right")) && i < n && s[i] == '.')
			*ip = i + 1;
		return;
	}
	if (word_is(w, wl, "frac") || word_is(w, wl, "dfrac") || word_is(w, wl, "tfrac") ||
	    word_is(w, wl, "cfrac")) {
		puts_(o, "\\frac");
		i = arg(o, s, n, i, depth);
		*ip = arg(o, s, n, i, depth);
		return;
	}
	if (word_is(w, wl, "sqrt")) {
		puts_(o, "\\sqrt");
		i = skip_spaces(s, n, i);
		if (i < n && s[i] == '[') {
			size_t e = match_brace(s, n, i, '[', ']');

			putch(o, '[');
			canon(o, s + i + 1, (e > i + 1 && s[e - 1] == ']' ? e - 1 : e) - i - 1, depth + 1);
			putch(o, ']');
			i = e;
		}
		*ip = arg(o, s, n, i, depth);
		return;
	}
	if (word_is(w, wl, "begin") || word_is(w, wl, "end")) {
		size_t b = skip_spaces(s, n, i), e;

		if (b >= n || s[b] != '{')
			return;
		e = match_brace(s, n, b, '{', '}');
		*ip = e;
		if (e > b + 2 && word_in(s + b + 1, e - b - 2, matrix)) {
			putch(o, w[0] == 'b' ? '[' : ']');
			/* array's column spec {cc} is layout, not content. */
			if (w[0] == 'b' && word_is(s + b + 1, e - b - 2, "array") && e < n && s[e] == '{')
				*ip = match_brace(s, n, e, '{', '}');
		}
		return;
	}
	if (word_is(w, wl, "cdot") || word_is(w, wl, "times") || word_is(w, wl, "ast")) {
		putch(o, '*');
		return;
	}
	if (word_is(w, wl, "div")) {
		putch(o, '/');
		return;
	}
	if (word_is(w, wl, "leq") || word_is(w, wl, "leqslant")) {
		puts_(o, "\\le");
		return;
	}
	if (word_is(w, wl, "geq") || word_is(w, wl, "geqslant")) {
		puts_(o, "\\ge");
		return;
	}
	if (word_is(w, wl, "neq")) {
		puts_(o, "\\ne");
		return;
	}
	putch(o, '\\');
	put(o, w, wl);
	/* Keep a space where dropping it would glue a word to the command:
	 * "\cot x" must not become "\cotx". */
	i = skip_spaces(s, n, i);
	if (i < n && i > *ip && isalpha((unsigned char)s[i]))
		putch(o, ' ');
	*ip = i;
}

static void canon(outb *o, const char *s, size_t n, int depth)
{
	size_t i = 0;

	if (depth > MAX_DEPTH) {
		o->full = 1;
		return;
	}
	while (i < n && !o->full) {
		char c = s[i];
		size_t l;

		if (is_space(c) || c == '$') {
			i++;
			continue;
		}
		if (c == '\\') {
			command(o, s, n, &i, depth);
			continue;
		}
		if (c == '^') {
			l = degree_at(s, n, i);
			if (l) {
				i += l;
				continue;
			}
			putch(o, '^');
			i = arg(o, s, n, i + 1, depth);
			continue;
		}
		if (c == '_') {
			putch(o, '_');
			i = arg(o, s, n, i + 1, depth);
			continue;
		}
		if (c == '{' && i + 2 < n && s[i + 1] == ',' && s[i + 2] == '}') {
			i += 3; /* 10{,}000 */
			continue;
		}
		if (c == '&') {
			putch(o, ',');
			i++;
			continue;
		}
		if (c == '%') {
			i++;
			continue;
		}
		if ((unsigned char)c >= 0x80) {
			uint32_t cp;

			l = tb_text_utf8_next(s + i, n - i, &cp);
			if (cp == 0x221A) {
				puts_(o, "\\sqrt");
				i = arg(o, s, n, i + l, depth);
				continue;
			}
			unicode_sym(o, cp, s + i, l);
			i += l;
			continue;
		}
		putch(o, c);
		i++;
	}
}

static int all_digits(const char *s, size_t n)
{
	if (!n)
		return 0;
	for (size_t k = 0; k < n; k++)
		if (!isdigit((unsigned char)s[k]))
			return 0;
	return 1;
}

/* -?d{1,3}(,ddd)+(.d+)? written with thousands commas: drop the commas. */
static void drop_group_commas(char *s, size_t *len)
{
	size_t i = s[0] == '-' ? 1 : 0, run = 0, groups = 0, o;

	while (i + run < *len && isdigit((unsigned char)s[i + run]))
		run++;
	if (run < 1 || run > 3)
		return;
	i += run;
	while (i < *len && s[i] == ',') {
		if (i + 4 > *len || !all_digits(s + i + 1, 3) ||
		    (i + 4 < *len && isdigit((unsigned char)s[i + 4])))
			return;
		i += 4;
		groups++;
	}
	if (!groups)
		return;
	if (i < *len && s[i] == '.') {
		if (!all_digits(s + i + 1, *len - i - 1))
			return;
	} else if (i != *len) {
		return;
	}
	o = 0;
	for (i = 0; i < *len; i++)
		if (s[i] != ',')
			s[o++] = s[i];
	*len = o;
}

static void tidy(char *s, size_t *len)
{
	static const char *const units2[] = {"cm", "mm", "km", "kg", "ft", "yd", "mi", "ml", "mg", NULL};
	size_t n = *len, k;

	while (n && s[n - 1] == '.')
		n--;
	/* Trailing plain-word units after a number: "18dollars", "5cm". */
	k = n;
	while (k && isalpha((unsigned char)s[k - 1]))
		k--;
	if (k && k < n && isdigit((unsigned char)s[k - 1]) && (n - k >= 3 || word_in(s + k, n - k, units2)))
		n = k;
	/* A variable name before the value: "x=5", "x\in[-2,7]". */
	if (n > 2 && isalpha((unsigned char)s[0]) && s[1] == '=' && !memchr(s + 2, '=', n - 2)) {
		memmove(s, s + 2, n - 2);
		n -= 2;
	} else if (n > 4 && isalpha((unsigned char)s[0]) && memcmp(s + 1, "\\in", 3) == 0 &&
		   !isalpha((unsigned char)s[4])) {
		memmove(s, s + 4, n - 4);
		n -= 4;
	}
	/* A choice letter in brackets: "(B)" is "B". */
	if (n == 3 && s[0] == '(' && isalpha((unsigned char)s[1]) && s[2] == ')') {
		s[0] = s[1];
		n = 1;
	}
	s[n] = '\0';
	if (n)
		drop_group_commas(s, &n);
	s[n] = '\0';
	*len = n;
}

int gr_latex_canon(const char *in, size_t n, char *out, size_t outlen)
{
	outb o = {out, 0, outlen ? outlen - 1 : 0, 0};

	if (!outlen)
		return -1;
	canon(&o, in, n, 0);
	out[o.len] = '\0';
	if (o.full)
		return -1;
	tidy(out, &o.len);
	return 0;
}
