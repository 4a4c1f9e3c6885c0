/* Output comparison for io tests (see iocompare.h). */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "iocompare.h"

int gr_io_compare_parse(const char *name, gr_io_compare *out)
{
	static const struct {
		const char *name;
		gr_io_compare how;
	} names[] = {{"exact", GR_IO_EXACT}, {"tokens", GR_IO_TOKENS}, {"numbers", GR_IO_NUMBERS}};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i].name) == 0) {
			*out = names[i].how;
			return 0;
		}
	return -1;
}

static int space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* The next word at or after *pos: its start and length; 0 when none. */
static size_t next_word(const char *s, size_t n, size_t *pos, const char **w)
{
	size_t i = *pos, start;

	while (i < n && space(s[i]))
		i++;
	start = i;
	while (i < n && !space(s[i]))
		i++;
	*pos = i;
	*w = s + start;
	return i - start;
}

/* A decimal number written out ("-12", "3.50", "1e-9"), never "nan",
 * "inf" or hex, which strtod would also take. */
static int number(const char *w, size_t n, double *v)
{
	char buf[64], *end;
	size_t i;

	if (n == 0 || n >= sizeof(buf))
		return 0;
	memcpy(buf, w, n);
	buf[n] = '\0';
	i = buf[0] == '-' || buf[0] == '+';
	if (strspn(buf, "+-.0123456789eE") != n ||
	    !(isdigit((unsigned char)buf[i]) || (buf[i] == '.' && isdigit((unsigned char)buf[i + 1]))))
		return 0;
	*v = strtod(buf, &end);
	return *end == '\0' && isfinite(*v);
}

static int same_word(gr_io_compare how, double tol, const char *a, size_t an, const char *b, size_t bn)
{
	double x, y;

	if (an == bn && memcmp(a, b, an) == 0)
		return 1;
	if (how != GR_IO_NUMBERS || !number(a, an, &x) || !number(b, bn, &y))
		return 0;
	return fabs(x - y) <= tol || fabs(x - y) <= tol * fabs(y);
}

int gr_io_same(gr_io_compare how, double tol, const char *got, size_t gn, const char *want, size_t wn)
{
	size_t gp = 0, wp = 0;

	if (how == GR_IO_EXACT)
		return gn == wn && memcmp(got, want, gn) == 0;
	/* Bounded: every pass consumes at least one byte of want. */
	for (;;) {
		const char *g, *w;
		size_t gl = next_word(got, gn, &gp, &g), wl = next_word(want, wn, &wp, &w);

		if (gl == 0 || wl == 0)
			return gl == wl;
		if (!same_word(how, tol, g, gl, w, wl))
			return 0;
	}
}
