#include "lines.h"

#include "rc.h"

void tb_lines_init(tb_lines *lr, FILE *f, size_t max)
{
	lr->f = f;
	tb_buf_init(&lr->line, max);
}

int tb_lines_next(tb_lines *lr, size_t *len)
{
	char piece[4096];
	size_t n = 0;
	int c = 0, rc;

	*len = 0;
	tb_buf_reset(&lr->line);
	/* Bounded by the ceiling: each pass takes one byte, and every full
	 * piece goes to the buffer, which refuses to pass the ceiling. */
	while ((c = getc_unlocked(lr->f)) != EOF) {
		piece[n++] = (char)c;
		if (c == '\n' || n == sizeof(piece)) {
			rc = tb_buf_add(&lr->line, piece, n);
			n = 0;
			if (rc != TB_OK)
				return rc;
			if (c == '\n')
				break;
		}
	}
	if (ferror(lr->f))
		return TB_ERR;
	rc = tb_buf_add(&lr->line, piece, n);
	if (rc != TB_OK)
		return rc;
	if (lr->line.len == 0)
		return 0;
	*len = lr->line.len;
	return 1;
}

void tb_lines_release(tb_lines *lr)
{
	tb_buf_release(&lr->line);
}
