/* Descriptor chores (see fdio.h). */
#include "fdio.h"

#include <errno.h>
#include <unistd.h>

#include "rc.h"

void fd_close(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

int fd_write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int fd_drain(int *fd, tb_buf *b, int *over)
{
	char chunk[65536];

	for (int i = 0; i < 64; i++) {
		ssize_t n = read(*fd, chunk, sizeof(chunk));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return 0;
		if (n == 0) {
			fd_close(fd);
			return 1;
		}
		if (tb_buf_add(b, chunk, (size_t)n) == TB_TOOBIG && over)
			*over = 1;
	}
	return 0;
}
