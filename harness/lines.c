#include "lines.h"

#include <stdlib.h>

#include "rc.h"

void tb_lines_init(tb_lines *lr, FILE *f, size_t max)
{
	lr->f = f;
	lr->max = max;
	lr->buf = NULL;
	lr->cap = 0;
}

static int grow(tb_lines *lr, size_t need)
{
	size_t cap = lr->cap ? lr->cap : 4096;
	char *b;

	while (cap < need)
		cap *= 2;
	if (cap > lr->max + 2)
		cap = lr->max + 2;
	b = realloc(lr->buf, cap);
	if (!b)
		return TB_NOMEM;
	lr->buf = b;
	lr->cap = cap;
	return TB_OK;
}

int tb_lines_next(tb_lines *lr, size_t *len)
{
	size_t n = 0;
	int c = 0;

	*len = 0;
	/* Bounded by the ceiling: each pass stores one byte or ends. */
	while ((c = getc_unlocked(lr->f)) != EOF) {
		if (n == lr->max)
			return TB_TOOBIG;
		if (n + 2 > lr->cap && grow(lr, n + 2) != TB_OK)
			return TB_NOMEM;
		lr->buf[n++] = (char)c;
		if (c == '\n')
			break;
	}
	if (ferror(lr->f))
		return TB_ERR;
	if (n == 0)
		return 0;
	lr->buf[n] = '\0';
	*len = n;
	return 1;
}

void tb_lines_release(tb_lines *lr)
{
	free(lr->buf);
	lr->buf = NULL;
	lr->cap = 0;
}
