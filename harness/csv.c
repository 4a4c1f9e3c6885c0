#include "csv.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rc.h"
#include "text.h"

static int raw;

void csv_set_raw(int r)
{
	raw = r;
}

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

/* How many bytes at p form a control character a terminal would act on:
 * C0 but tab, CR and LF; DEL; C1 (U+0080 to U+009F, two bytes in UTF-8). */
static size_t control_len(const unsigned char *p)
{
	uint32_t cp;

	if (tb_text_utf8_seq((const char *)p, TB_TEXT_UTF8_MAX, &cp) == 0)
		return 0;
	if ((cp < 0x20 && cp != '\t' && cp != '\r' && cp != '\n') || cp == 0x7f)
		return 1;
	return cp >= 0x80 && cp <= 0x9f ? 2 : 0;
}

/* Writes s with every control byte as visible \xNN text and quotes doubled,
 * so that a model's escape sequences never reach a terminal that shows the
 * file. Bounded by the string's length: each pass consumes a byte or more. */
static void put_text(csv_writer *w, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		size_t run = 0, ctl;

		while (p[run] && p[run] != '"' && !control_len(p + run))
			run++;
		put(w, (const char *)p, run);
		p += run;
		if (*p == '"') {
			put(w, "\"\"", 2);
			p++;
		}
		for (ctl = *p ? control_len(p) : 0; ctl > 0; ctl--, p++) {
			char hex[5];

			snprintf(hex, sizeof(hex), "\\x%02x", *p);
			put(w, hex, 4);
		}
	}
}

static void put_field(csv_writer *w, const char *s, int guard)
{
	int quote;

	sep(w);
	if (!s)
		return;
	quote = s[strcspn(s, ",\"\r\n")] != '\0';
	if (quote)
		put(w, "\"", 1);
	if (guard && *s && strchr("=+-@\t\r", *s))
		put(w, "'", 1);
	put_text(w, s);
	if (quote)
		put(w, "\"", 1);
}

void csv_str(csv_writer *w, const char *s)
{
	put_field(w, s, 0);
}

void csv_untrusted(csv_writer *w, const char *s)
{
	put_field(w, s, !raw);
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
