/* Small descriptor chores the sandbox and the warm sandbox share. */
#ifndef GR_FDIO_H
#define GR_FDIO_H

#include <stddef.h>

#include "buf.h"

/* Closes *fd if open and marks it closed (-1). */
void fd_close(int *fd);
/* Writes all n bytes, through EINTR; 0, or -1 when the descriptor fails. */
int fd_write_all(int fd, const char *p, size_t n);
/* Reads what a nonblocking *fd holds now (at most 64 reads of 64 KiB) into
 * b; at EOF closes *fd and returns 1, else 0. Bytes past b's ceiling set
 * *over when over is not NULL. */
int fd_drain(int *fd, tb_buf *b, int *over);

#endif
