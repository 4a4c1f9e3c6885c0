/* Shared answer normalisation for the numeric, math and choice graders:
 * the decimal digits of every script the seed models and
 * MGSM use, which languages write a decimal comma, and LaTeX
 * canonicalisation (the text comparison for what the math parser cannot
 * read, and the choice grader's boxed letter).
 * Everything here is pure: no allocation, no global state, bounded by the
 * input's length. */
#ifndef GR_NORMALIZE_H
#define GR_NORMALIZE_H

#include <stddef.h>
#include <stdint.h>

/* The value 0-9 of a decimal digit of any supported script (ASCII,
 * full-width, Arabic-Indic, Persian, Devanagari, Bengali, Telugu, Thai and
 * the other Nd blocks), or -1. */
int gr_digit_value(uint32_t cp);
/* Whether a language (BCP 47, NULL allowed) writes "3,5" for three and a
 * half. */
int gr_lang_decimal_comma(const char *lang);

/* Rewrites LaTeX (a math answer or reference) into one canonical form so
 * that equal answers written differently compare equal as strings: no
 * spaces, $, \left/\right, spacing commands, degree signs, \text{} wrappers
 * or trailing units and full stops; \dfrac/\tfrac become \frac, and
 * arguments of \frac and \sqrt are braced (\frac12 -> \frac{1}{2}); unicode
 * symbols (π, √, −, ×) become their commands; matrices become [a,b;c,d].
 * Writes at most outlen bytes including the NUL; returns 0, or -1 when the
 * result did not fit (out then holds a cut prefix). */
int gr_latex_canon(const char *in, size_t n, char *out, size_t outlen);

#endif
