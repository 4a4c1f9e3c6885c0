/* The language check for multilingual items: is an answer written in the
 * item's language? Any grader spec may ask for it with "check_lang": true.
 *
 * The rule, in order:
 *  1. Letters are counted by script; digits, punctuation, LaTeX commands and
 *     $...$ math are not letters. No language, or an unknown one: OK.
 *  2. Fewer than GR_LANG_MIN_LETTERS letters ("18", "x = 5 cm",
 *     {"answer": "C"}): undecidable,
 *     OK.
 *  3. Script: at least half the letters must be in the language's script
 *     (Thai for th, Devanagari for hi/mr/ne, Bengali for bn, Telugu for te,
 *     Arabic for ar/fa/ur, Hangul for ko, kana and Han for ja, Han for zh,
 *     Cyrillic for ru/uk/bg/..., Greek for el, Hebrew for he, Latin for the
 *     rest), else WRONG. Japanese needs some kana once there are 8 Han
 *     letters; Chinese must not be mostly kana.
 *  4. Where several languages share the script (Latin, Cyrillic, Arabic,
 *     Devanagari) and there are at least GR_LANG_NGRAM_LETTERS letters,
 *     libexttextcat's n-gram classifier decides: WRONG only when it names
 *     other languages and not this one; "unknown" or "too short" is OK.
 *     Without libexttextcat installed, step 4 is skipped (script only). */
#ifndef GR_LANGCHECK_H
#define GR_LANGCHECK_H

#define GR_LANG_MIN_LETTERS 8
#define GR_LANG_NGRAM_LETTERS 40

/* Returns GR_LANG_OK or GR_LANG_WRONG (grader.h) for text (UTF-8, borrowed)
 * and lang (BCP 47, may be NULL). Thread-safe. */
int gr_lang_check(const char *text, const char *lang);
/* Whether the n-gram classifier (libexttextcat) could be loaded. */
int gr_lang_have_ngrams(void);

#endif
