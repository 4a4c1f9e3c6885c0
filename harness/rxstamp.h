#ifndef TB_RXSTAMP_H
#define TB_RXSTAMP_H

#include <stddef.h>
#include <stdint.h>

/* When the kernel received the bytes waiting on a TCP socket: the times a
 * busy client reads them at are its own delay, not the endpoint's, so a
 * latency taken at the read holds the client's load. */

/* Asks the kernel to stamp what fd receives. Returns 0, or -1 with errno. */
int rxstamp_enable(int fd);

/* Peeks at what waits on fd, reading nothing, into buf (bufsize bytes, the
 * caller's scratch). Returns how many bytes wait when buf held them all and
 * the kernel stamped them, with *at_us the time the last of them arrived on
 * tb_now_us()'s clock (at most now); 0 when nothing waits, when more than
 * bufsize wait, or when they carry no stamp (a socket never enabled). */
size_t rxstamp_queued(int fd, void *buf, size_t bufsize, int64_t *at_us);

#endif
