/* tb_buf: a growable byte buffer with a ceiling (curl's dynbuf). Appending past
 * the ceiling keeps what fits, sets `truncated` and returns TB_TOOBIG, so a
 * hostile response is a recorded outcome, never unbounded memory. The data is
 * always NUL-terminated once anything was added. */
#ifndef TB_BUF_H
#define TB_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct tb_buf {
	char *data;     /* NULL until the first append */
	size_t len;
	size_t cap;
	size_t max;     /* ceiling on len */
	int truncated;  /* an append was cut at the ceiling */
} tb_buf;

void tb_buf_init(tb_buf *b, size_t max);
/* Returns 0, TB_TOOBIG (partly appended), or TB_NOMEM (nothing appended). */
int tb_buf_add(tb_buf *b, const void *p, size_t n);
int tb_buf_adds(tb_buf *b, const char *s);
int tb_buf_addf(tb_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int tb_buf_vaddf(tb_buf *b, const char *fmt, va_list ap);
/* The contents as a string: "" when empty, never NULL. Borrowed. */
const char *tb_buf_str(const tb_buf *b);
/* Empties the buffer and keeps its memory. */
void tb_buf_reset(tb_buf *b);
/* Hands the data to the caller, who frees it; the buffer is left empty. */
char *tb_buf_detach(tb_buf *b);
void tb_buf_release(tb_buf *b);

#endif
