/* An RFC 4180 CSV writer: CRLF after every record; a field that holds a
 * comma, a double quote, CR or LF is quoted, its quotes doubled. UTF-8 stays
 * UTF-8, but control characters (C0 but tab, CR, LF; DEL; C1) are written as
 * visible \xNN text, so a model's escape sequences are inert in every report.
 * Numbers the caller does not know are written as empty fields.
 *
 * Text from a model or an endpoint that begins with '=', '+', '-', '@', TAB
 * or CR is written with a leading "'" (csv_untrusted()), so that a
 * spreadsheet opening the file shows it instead of running it as a formula
 * (OWASP's advice on CSV injection); csv_set_raw(1) turns this off for data
 * pipelines that want the text as it came.
 *
 * Errors are sticky: write a whole file, then ask csv_error() once. */
#ifndef TB_CSV_H
#define TB_CSV_H

#include <stdio.h>

typedef struct csv_writer {
	FILE *f;        /* borrowed: the caller opens and closes it */
	int nfields;    /* fields written in the current record */
	int failed;     /* a write failed */
} csv_writer;

void csv_init(csv_writer *w, FILE *f);
/* A text field; NULL is written as an empty field. */
void csv_str(csv_writer *w, const char *s);
/* A text field a model or an endpoint wrote (an answer, a finish reason, a
 * provider, an error): csv_str() with the formula guard above. */
void csv_untrusted(csv_writer *w, const char *s);
/* Process-wide, set once at startup (report --csv-raw): 1 writes untrusted
 * text unchanged. */
void csv_set_raw(int raw);
void csv_long(csv_writer *w, long v);
/* A whole number where a negative value means unknown (an empty field). */
void csv_count(csv_writer *w, long v);
/* The shortest of %.15g and %.17g that reads back as the same double; NAN is
 * an empty field, infinities are "inf" / "-inf". */
void csv_double(csv_writer *w, double v);
/* A computed value with sig significant digits (%.*g), for aggregates where
 * the 17th digit is noise; NAN and infinities as in csv_double(). */
void csv_double_sig(csv_writer *w, double v, int sig);
/* Ends the record with CRLF. */
void csv_end(csv_writer *w);
/* TB_OK, or TB_ERR when any write failed. */
int csv_error(const csv_writer *w);

#endif
