/* Text at the bottom floor: UTF-8 decoding, display width, and the escaping
 * that keeps untrusted text (model output, store contents) from acting on a
 * terminal, breaking markup or a JSON body. Every module that looks at code
 * points uses these, so all agree on what valid UTF-8 is: no overlong forms,
 * no surrogates, nothing past U+10FFFF (jansson's rules). Pure functions,
 * bounded by their input; nothing here allocates except through tb_buf. */
#ifndef TB_TEXT_H
#define TB_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "buf.h"

/* The longest UTF-8 sequence, in bytes. */
#define TB_TEXT_UTF8_MAX 4
/* Length (1..4) of the valid UTF-8 sequence at s, of which at most n bytes
 * may be read (n > 0); 0 when the bytes there are not one, or it would run
 * past n. *cp gets the code point; ASCII, NUL included, is one byte. Reading
 * stops at the first byte that is not a continuation byte, so a
 * NUL-terminated string may pass TB_TEXT_UTF8_MAX as n: its NUL ends the
 * sequence. */
size_t tb_text_utf8_seq(const char *s, size_t n, uint32_t *cp);
/* The same, forgiving: an invalid byte gives U+FFFD and 1, so a loop over
 * any bytes always advances. */
size_t tb_text_utf8_next(const char *s, size_t n, uint32_t *cp);
/* Display width of a string in columns: one per code point (continuation
 * bytes do not count; East Asian wide characters count as one). */
size_t tb_text_columns(const char *s);

/* Writes text into out with every byte a terminal would act on made visible:
 * C0 controls and DEL as \xNN, invalid UTF-8 as \xNN, C1 controls as \u0080..
 * For model output printed on a terminal. NULL reads as "". */
void tb_text_put_visible(FILE *out, const char *s);

/* Text for HTML or XML, at most max bytes of s (NULL reads as ""), then a
 * note of the cut: the five specials as entities; invalid UTF-8 and the C0
 * controls but tab, LF and CR shown as \xNN. The dialects differ in what
 * else is shown as \xNN, how ' and a cut are written, and (XML attribute
 * values) whether tab/LF/CR become character references to survive parsing. */
typedef enum tb_text_markup {
	TB_TEXT_HTML,     /* DEL and C1 as \xNN too; ' as &#39;; the cut names both lengths */
	TB_TEXT_XML,      /* U+FFFE and U+FFFF as \xNN too; ' as &apos;; the cut as [...] */
	TB_TEXT_XML_ATTR, /* XML, and tab/LF/CR as &#9; &#10; &#13; */
} tb_text_markup;
void tb_text_put_markup(FILE *out, const char *s, size_t max, tb_text_markup how);

/* Appends s as the inside of a JSON string, escaped byte for byte as
 * json_dumps() escapes it. Returns TB_OK; TB_ERR when s is not valid UTF-8
 * (json_string() refuses it too; out may hold part of s); TB_TOOBIG when out
 * reached its ceiling or memory ran out. */
int tb_text_json_escape(tb_buf *out, const char *s);

#endif
