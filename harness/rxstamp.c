#include "rxstamp.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "clock.h"

int rxstamp_enable(int fd)
{
	int on = 1;

	return setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof(on));
}

/* The kernel stamps on the wall clock; latencies use the monotonic one. The
 * two are read together here, so the shift is right unless the wall clock
 * was set between the arrival and now: the result is then held to now. */
static int64_t wall_to_now_us(const struct timespec *wall)
{
	struct timespec w;
	int64_t now = tb_now_us(), age_us;

	clock_gettime(CLOCK_REALTIME, &w);
	age_us = ((int64_t)w.tv_sec - wall->tv_sec) * 1000000 + (w.tv_nsec - wall->tv_nsec) / 1000;
	return age_us > 0 ? now - age_us : now;
}

size_t rxstamp_queued(int fd, void *buf, size_t bufsize, int64_t *at_us)
{
	union {
		char space[CMSG_SPACE(sizeof(struct timespec))];
		struct cmsghdr align;
	} control;
	struct iovec iov = {.iov_base = buf, .iov_len = bufsize};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.space,
			     .msg_controllen = sizeof(control.space)};
	ssize_t n;

	/* TCP reports the stamp of the last segment the peek copied from: with
	 * the whole queue copied, the newest. */
	do
		n = recvmsg(fd, &msg, MSG_PEEK | MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n <= 0 || (size_t)n >= bufsize || (msg.msg_flags & MSG_CTRUNC))
		return 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
			struct timespec wall;

			memcpy(&wall, CMSG_DATA(c), sizeof(wall));
			*at_us = wall_to_now_us(&wall);
			return (size_t)n;
		}
	}
	return 0;
}
