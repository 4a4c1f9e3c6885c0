/* Finding the final answer in a model's text: the last \boxed{} (nested
 * braces), the last localised "the answer is" phrase, GSM8K's "#### N", and
 * numbers written in any script with any grouping style. Pure functions on
 * borrowed text: no allocation, linear in the text's length. */
#ifndef GR_EXTRACT_H
#define GR_EXTRACT_H

#include <stddef.h>

#define GR_BOX_DEPTH 64

/* A part of the text: bytes [off, off + len). */
typedef struct gr_span {
	size_t off, len;
} gr_span;

/* Where the part of an answer the graders search starts: the last
 * GR_TAIL_BYTES (at a character boundary). A final answer sits at the end;
 * a longer text costs no more than this much. */
#define GR_TAIL_BYTES 65536
size_t gr_tail_start(const char *s, size_t n);

/* Index just past the brace closing the one at s[i] (\{ and \} do not
 * count), or 0 when it never closes. */
size_t gr_brace_end(const char *s, size_t n, size_t i);

/* The content of the last complete \boxed{...} or \fbox{...} (braces
 * balanced; "\boxed 5" also counts). A box whose braces never close, as in a
 * cut-off answer, is skipped for the one before it. One pass over the text,
 * nesting followed to GR_BOX_DEPTH. Returns 1 when found. */
int gr_find_boxed(const char *s, size_t n, gr_span *out);
/* The boxes of the final answer block: the last box and the boxes just
 * before it that only separators join to it ("and", "or", ",", "$", "\quad",
 * spaces), in text order, at most max. Returns how many (0 for none). */
int gr_final_boxes(const char *s, size_t n, gr_span *out, int max);
/* The text after the last answer phrase ("The answer is", "Answer:", "La
 * respuesta es", "Ответ:", "答案是", "คำตอบคือ", "উত্তর হল", ... for the MGSM
 * and Qwen languages), up to the end of its line and at most 300 bytes.
 * Returns 1 when found. */
int gr_find_phrase(const char *s, size_t n, gr_span *out);
/* The answer the last answer phrase introduces, as an expression: the
 * $...$, \(...\), \[...\] or \boxed{} right after it, else its sentence up
 * to the full stop, a new line or a clause ("which", "because"), and after
 * the sentence's last "is"/"are"/"equals"/"=" ("The largest $n$ is 34").
 * *at gets where the phrase starts. Returns 1 when found and not empty. */
int gr_phrase_answer(const char *s, size_t n, gr_span *out, size_t *at);
/* A hedge right after an answer that ends at byte from: "\boxed{1} or 2",
 * "The answer is 5. Or maybe 6." Returns 1 with out on the hedging text
 * (from its "or", "maybe", "perhaps", "possibly" or "alternatively" to the
 * end of that sentence, which holds a number), 0 when the answer stands
 * alone. */
int gr_hedge_after(const char *s, size_t n, size_t from, gr_span *out);
/* The text after the last "####", up to the end of its line. */
int gr_find_hash(const char *s, size_t n, gr_span *out);
/* The content of the last $...$, $$...$$, \(...\) or \[...\] when only a
 * short tail without digits follows it (it ends the final sentence). */
int gr_last_math(const char *s, size_t n, gr_span *out);

typedef struct gr_num {
	double value;
	int percent;    /* a % sign followed it */
	int dec, sig;   /* decimals printed (-1 none), significant digits */
	size_t off, len; /* where it was written, sign and digits */
} gr_num;

/* The first number at or after byte `from`: any script's digits, a sign
 * (ASCII or unicode minus, also before a currency sign), thousands
 * separators (, . ' thin and no-break space, Arabic ٬) and a decimal point or,
 * where dec_comma is set, a decimal comma; a/b fractions; a % after it.
 * A lone separator is read as follows: "1,234" is a thousand and more in any
 * language, "1.5" is one and a half unless dec_comma and three digits follow
 * ("1.234" is then 1234), "3,5" is 3.5 with dec_comma and the number 3
 * followed by 5 without. Returns 1 when a number was found. */
int gr_next_number(const char *s, size_t n, size_t from, int dec_comma, gr_num *num);
/* The last number in s[0..n). Returns 1 when there is one. */
int gr_last_number(const char *s, size_t n, int dec_comma, gr_num *num);
/* The number the final sentence asserts: of the last sentence with a digit,
 * the first number after its last "=", "is", "are", "equals" or "total",
 * else its only number. A digit inside a word (H2O) is no number. Returns 0
 * when the sentence asserts none ("5 cars drove by in 15 minutes"). */
int gr_final_number(const char *s, size_t n, int dec_comma, gr_num *num);

#endif
