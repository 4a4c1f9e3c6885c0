/* How the exec grader's io tests compare a program's output with the
 * expected one (outside the sandbox: the expected output never enters it).
 * Pure functions, bounded by the inputs' lengths. */
#ifndef GR_IOCOMPARE_H
#define GR_IOCOMPARE_H

#include <stddef.h>

typedef enum gr_io_compare {
	GR_IO_EXACT,    /* the same bytes */
	GR_IO_TOKENS,   /* the same words, whatever whitespace separates them */
	GR_IO_NUMBERS,  /* as TOKENS, with words that are both decimal numbers
			 * equal within an absolute or relative tolerance */
} gr_io_compare;

/* "exact", "tokens" or "numbers": 0 and *out, or -1 for any other name. */
int gr_io_compare_parse(const char *name, gr_io_compare *out);

/* Whether got matches want under how (tol: NUMBERS only). */
int gr_io_same(gr_io_compare how, double tol, const char *got, size_t gn, const char *want, size_t wn);

#endif
