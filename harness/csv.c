#include "csv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rc.h"

void csv_init(csv_writer *w, FILE *f)
{
	w->f = f;
	w->nfields = 0;
	w->failed = 0;
}

static void put(csv_writer *w, const char *p, size_t n)
{
	if (n && fwrite(p, 1, n, w->f) != n)
		w->failed = 1;
}

static void sep(csv_writer *w)
{
	if (w->nfields++)
		put(w, ",", 1);
}

void csv_str(csv_writer *w, const char *s)
{
	const char *p;

	sep(w);
	if (!s)
		return;
	if (!s[strcspn(s, ",\"\r\n")]) {
		put(w, s, strlen(s));
		return;
	}
	put(w, "\"", 1);
	/* bounded by the string's length: each pass consumes at least one byte */
	for (p = s; *p;) {
		size_t n = strcspn(p, "\"");

		put(w, p, n);
		p += n;
		if (*p == '"') {
			put(w, "\"\"", 2);
			p++;
		}
	}
	put(w, "\"", 1);
}

void csv_long(csv_writer *w, long v)
{
	char b[32];

	sep(w);
	put(w, b, (size_t)snprintf(b, sizeof(b), "%ld", v));
}

void csv_count(csv_writer *w, long v)
{
	if (v < 0)
		sep(w);
	else
		csv_long(w, v);
}

/* Writes NAN (nothing) and infinities; returns 1 when v was one of them. */
static int special(csv_writer *w, double v)
{
	if (isnan(v))
		return 1;
	if (isinf(v)) {
		put(w, v > 0 ? "inf" : "-inf", v > 0 ? 3 : 4);
		return 1;
	}
	return 0;
}

void csv_double(csv_writer *w, double v)
{
	char b[40];
	int n;

	sep(w);
	if (special(w, v))
		return;
	n = snprintf(b, sizeof(b), "%.15g", v);
	if (strtod(b, NULL) != v)
		n = snprintf(b, sizeof(b), "%.17g", v);
	put(w, b, (size_t)n);
}

void csv_double_sig(csv_writer *w, double v, int sig)
{
	char b[40];
	int n;

	sep(w);
	if (special(w, v))
		return;
	n = snprintf(b, sizeof(b), "%.*g", sig < 1 ? 1 : sig > 17 ? 17 : sig, v);
	put(w, b, (size_t)n);
}

void csv_end(csv_writer *w)
{
	put(w, "\r\n", 2);
	w->nfields = 0;
}

int csv_error(const csv_writer *w)
{
	return w->failed || ferror(w->f) ? TB_ERR : TB_OK;
}
