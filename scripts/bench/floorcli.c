/* floorcli: the floor of scripts/bench.sh, the least an HTTP client can do
 * on this machine. One thread, epoll, HTTP/1.1 keep-alive over C
 * connections; each sends a canned POST, reads the reply to its
 * Content-Length without looking at it, and sends the next, until N
 * replies are in. No parsing, no grading, no store: what a harness spends
 * beyond this is its own.
 *
 * Usage: floorcli -p PORT -c CONNS -n N -b BODY_FILE [-d MS]
 * Prints "wall_s W" (from its start to the last reply) and, with -d, the
 * time to first byte minus MS over every request: "ttfb_err_ms mean M p99 P".
 * The first byte's time is when the kernel received it (harness/rxstamp.c),
 * as thinkbench takes it, or the read's when the reply has no stamp. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "rxstamp.h"

#define MAX_CONNS 8192
#define IN_MAX (1 << 16)
/* A ceiling on the whole run, so a stuck endpoint cannot hold it forever. */
#define MAX_RUN_S 600

typedef struct conn {
	int fd;
	size_t sent;        /* bytes of the request written */
	char *in;
	size_t in_len;
	size_t want;        /* header + Content-Length, 0 until the header is in */
	int64_t sent_ns, first_ns;
} conn;

static char *req;
static char peek[IN_MAX];
static size_t req_len;
static double *ttfb_ms;
static long n_ttfb;

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

/* Writes what is left of the request; 0 once it is all out. */
static int send_rest(conn *c)
{
	while (c->sent < req_len) {
		ssize_t w = write(c->fd, req + c->sent, req_len - c->sent);

		if (w < 0)
			return errno == EAGAIN ? 1 : -1;
		c->sent += (size_t)w;
	}
	return 0;
}

/* Watches c for the reply, and for room to send when out is set. */
static void watch(int epfd, conn *c, int out)
{
	struct epoll_event ev = {.events = EPOLLIN | (out ? EPOLLOUT : 0), .data.ptr = c};

	if (epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev) < 0)
		die("epoll_ctl");
}

static void start_request(int epfd, conn *c)
{
	int rc;

	c->sent = 0;
	c->in_len = c->want = 0;
	c->first_ns = 0;
	c->sent_ns = now_ns();
	rc = send_rest(c);
	if (rc < 0)
		die("write");
	watch(epfd, c, rc > 0);
}

/* Length of the reply at the front of c->in once its header is in. */
static size_t reply_len(const conn *c)
{
	const char *end = memmem(c->in, c->in_len, "\r\n\r\n", 4), *p;

	if (!end)
		return 0;
	for (p = c->in; p < end; p++)
		if ((p == c->in || p[-1] == '\n') && strncasecmp(p, "content-length:", 15) == 0)
			return (size_t)(end - c->in) + 4 + strtoul(p + 15, NULL, 10);
	fprintf(stderr, "floorcli: a reply without Content-Length\n");
	exit(1);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	int port = 0, conns = 0, delay_ms = -1, opt, epfd;
	long total = 0, started = 0, done = 0;
	const char *body_file = NULL;
	struct sockaddr_in sa = {.sin_family = AF_INET};
	struct rlimit rl;
	conn *cs;
	FILE *f;
	char *body;
	long body_len;
	int64_t t0, deadline;

	while ((opt = getopt(argc, argv, "p:c:n:b:d:")) != -1) {
		switch (opt) {
		case 'p': port = atoi(optarg); break;
		case 'c': conns = atoi(optarg); break;
		case 'n': total = atol(optarg); break;
		case 'b': body_file = optarg; break;
		case 'd': delay_ms = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: floorcli -p PORT -c CONNS -n N -b BODY_FILE [-d MS]\n");
			return 2;
		}
	}
	if (port <= 0 || conns <= 0 || conns > MAX_CONNS || total <= 0 || !body_file) {
		fprintf(stderr, "usage: floorcli -p PORT -c CONNS -n N -b BODY_FILE [-d MS]\n");
		return 2;
	}
	t0 = now_ns();
	deadline = t0 + (int64_t)MAX_RUN_S * 1000000000;
	f = fopen(body_file, "rb");
	if (!f || fseek(f, 0, SEEK_END) != 0 || (body_len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
		die(body_file);
	body = malloc((size_t)body_len + 1);
	if (!body || fread(body, 1, (size_t)body_len, f) != (size_t)body_len)
		die(body_file);
	fclose(f);
	if (asprintf(&req, "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
			   "Content-Type: application/json\r\nContent-Length: %ld\r\n\r\n%.*s",
		     port, body_len, (int)body_len, body) < 0)
		die("asprintf");
	req_len = strlen(req);
	free(body);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (conns > total)
		conns = (int)total;
	cs = calloc((size_t)conns, sizeof(*cs));
	ttfb_ms = calloc((size_t)total, sizeof(*ttfb_ms));
	epfd = epoll_create1(0);
	if (!cs || !ttfb_ms || epfd < 0)
		die("setup");
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (int i = 0; i < conns; i++) {
		conn *c = &cs[i];
		struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.ptr = c};
		int one = 1;

		c->fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		c->in = malloc(IN_MAX);
		if (c->fd < 0 || !c->in)
			die("socket");
		setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		rxstamp_enable(c->fd);
		if (connect(c->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 && errno != EINPROGRESS)
			die("connect");
		if (epoll_ctl(epfd, EPOLL_CTL_ADD, c->fd, &ev) < 0)
			die("epoll_ctl");
		c->sent = req_len + 1; /* not started: the first EPOLLOUT starts it */
	}
	while (done < total) {
		struct epoll_event evs[256];
		int n = epoll_wait(epfd, evs, 256, 1000);

		if (n < 0 && errno != EINTR)
			die("epoll_wait");
		if (now_ns() > deadline) {
			fprintf(stderr, "floorcli: %ld of %ld replies after %d s\n", done, total, MAX_RUN_S);
			return 1;
		}
		for (int i = 0; i < n; i++) {
			conn *c = evs[i].data.ptr;

			if (evs[i].events & EPOLLOUT) {
				if (c->sent > req_len) { /* just connected */
					c->sent = req_len;
					if (started < total) {
						started++;
						start_request(epfd, c);
					} else {
						watch(epfd, c, 0);
					}
				} else if (c->sent < req_len) { /* the rest of a request */
					int rc = send_rest(c);

					if (rc < 0)
						die("write");
					watch(epfd, c, rc > 0);
				}
			}
			if (!(evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
				continue;
			for (;;) {
				int64_t at_us = 0;
				ssize_t r;

				if (!c->first_ns)
					(void)rxstamp_queued(c->fd, peek, sizeof(peek), &at_us);
				r = read(c->fd, c->in + c->in_len, IN_MAX - c->in_len);

				if (r < 0 && errno == EAGAIN)
					break;
				if (r <= 0) {
					fprintf(stderr, "floorcli: the endpoint closed a connection\n");
					return 1;
				}
				if (!c->first_ns)
					c->first_ns = at_us ? (at_us * 1000 > c->sent_ns ? at_us * 1000 : c->sent_ns)
							    : now_ns();
				c->in_len += (size_t)r;
				if (!c->want)
					c->want = reply_len(c);
				if (c->want && c->in_len >= c->want) {
					ttfb_ms[done++] = (double)(c->first_ns - c->sent_ns) / 1e6;
					if (started < total) {
						started++;
						start_request(epfd, c);
					}
					break;
				}
				if (c->in_len == IN_MAX) {
					fprintf(stderr, "floorcli: a reply over %d bytes\n", IN_MAX);
					return 1;
				}
			}
		}
	}
	printf("wall_s %.6f\n", (double)(now_ns() - t0) / 1e9);
	if (delay_ms >= 0) {
		double sum = 0;

		n_ttfb = done;
		qsort(ttfb_ms, (size_t)n_ttfb, sizeof(*ttfb_ms), cmp_double);
		for (long i = 0; i < n_ttfb; i++)
			sum += ttfb_ms[i];
		/* the p99 as bench.sh takes it: the int(0.99 N)-th smallest */
		printf("ttfb_err_ms mean %.4f p99 %.4f\n", sum / (double)n_ttfb - delay_ms,
		       ttfb_ms[n_ttfb >= 100 ? (long)((double)n_ttfb * 0.99) - 1 : 0] - delay_ms);
	}
	for (int i = 0; i < conns; i++) {
		close(cs[i].fd);
		free(cs[i].in);
	}
	free(cs);
	free(ttfb_ms);
	free(req);
	return 0;
}
