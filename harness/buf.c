#include "buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rc.h"

void tb_buf_init(tb_buf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->max = max;
}

static int grow(tb_buf *b, size_t need)
{
	size_t cap = b->cap ? b->cap : 64;
	char *p;

	while (cap < need + 1)
		cap *= 2;
	if (cap > b->max + 1)
		cap = b->max + 1;
	p = realloc(b->data, cap);
	if (!p)
		return TB_NOMEM;
	b->data = p;
	b->cap = cap;
	return TB_OK;
}

int tb_buf_add(tb_buf *b, const void *p, size_t n)
{
	int rc = TB_OK;

	if (n > b->max - b->len) {
		n = b->max - b->len;
		b->truncated = 1;
		rc = TB_TOOBIG;
	}
	if (b->len + n + 1 > b->cap || !b->data) {
		if (grow(b, b->len + n) != TB_OK)
			return TB_NOMEM;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return rc;
}

int tb_buf_adds(tb_buf *b, const char *s)
{
	return tb_buf_add(b, s, strlen(s));
}

int tb_buf_vaddf(tb_buf *b, const char *fmt, va_list ap)
{
	char small[256];
	va_list ap2;
	int n, rc;
	char *big;

	va_copy(ap2, ap);
	n = vsnprintf(small, sizeof(small), fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return TB_ERR;
	if ((size_t)n < sizeof(small))
		return tb_buf_add(b, small, (size_t)n);
	big = malloc((size_t)n + 1);
	if (!big)
		return TB_NOMEM;
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	rc = tb_buf_add(b, big, (size_t)n);
	free(big);
	return rc;
}

int tb_buf_addf(tb_buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = tb_buf_vaddf(b, fmt, ap);
	va_end(ap);
	return rc;
}

const char *tb_buf_str(const tb_buf *b)
{
	return b->data ? b->data : "";
}

void tb_buf_reset(tb_buf *b)
{
	b->len = 0;
	b->truncated = 0;
	if (b->data)
		b->data[0] = '\0';
}

char *tb_buf_detach(tb_buf *b)
{
	char *p = b->data;

	if (!p)
		p = calloc(1, 1);
	b->data = NULL;
	b->len = b->cap = 0;
	b->truncated = 0;
	return p;
}

void tb_buf_release(tb_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
	b->truncated = 0;
}
