/* benchsrv: the loopback endpoint of scripts/bench.sh. One thread, epoll,
 * HTTP/1.1 keep-alive. Every POST gets the same canned chat completion,
 * prebuilt at start: an OpenAI-style event stream when the request body
 * says "stream":true, one JSON body otherwise. It does no other work per
 * request, so what a client measures against it is the client.
 *
 * With -d MS each response is held back MS milliseconds after its request
 * was fully read, then written whole: for a stream that makes the first
 * token arrive MS after the request (time to first token), for a body the
 * whole reply (a slow model). Deadlines come in arrival order (one fixed
 * delay), so a FIFO and one absolute timerfd keep them to the microsecond.
 *
 * With -a TEXT the answer is TEXT (plain text, escaped here; at most 1,000
 * bytes) instead of "The answer is \\boxed{42}.": for example a fenced
 * Python block, for the exec grader. With -n N it prints "first" on stdout
 * when its first request is read whole, and "served N" once its Nth reply
 * is written whole (the client's requests are over; what it does after,
 * grading, can be looked at then).
 *
 * Usage: benchsrv [-p PORT] [-d MS] [-c CHUNKS] [-b BYTES_PER_CHUNK] [-a TEXT] [-n N]
 * Prints "port N" on stdout once listening; SIGTERM or SIGINT stop it, and it
 * prints "cpu_s X requests N" (its own user+system CPU) on stderr, and with -d
 * "late_us mean M p99 P": how late its held replies went out; then
 * "turn_us mean M p99 P", the client's turnaround from a reply's last byte
 * to the next request on that connection, and "span_ms S", from the first
 * request to the last reply. */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 8192
#define REQ_MAX (1 << 20)

typedef struct conn {
	int fd;
	char *in;
	size_t in_len;
	const char *out;        /* the canned reply being written */
	size_t out_len, out_off;
	int64_t due_ns;         /* when the held reply may go */
	int64_t reply_done_ns;  /* when its last reply was written whole, 0: none yet */
	struct conn *next;      /* in the FIFO of held replies */
	int held;
} conn;

static volatile sig_atomic_t stopping;
static char *sse_reply, *json_reply;
static size_t sse_len, json_len;
static long requests, replies, notify_at;

static void on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static char *xappend(char *b, size_t *len, size_t *cap, const char *s, size_t n)
{
	if (*len + n + 1 > *cap) {
		*cap = (*len + n + 1) * 2;
		b = realloc(b, *cap);
		if (!b) {
			perror("benchsrv");
			exit(1);
		}
	}
	memcpy(b + *len, s, n);
	*len += n;
	b[*len] = '\0';
	return b;
}

/* TEXT as the inside of a JSON string, in out (6 bytes a byte at most). */
static void json_escape(const char *text, char *out, size_t cap)
{
	size_t o = 0;

	for (const unsigned char *p = (const unsigned char *)text; *p && o + 7 < cap; p++) {
		if (*p == '"' || *p == '\\') {
			out[o++] = '\\';
			out[o++] = (char)*p;
		} else if (*p == '\n') {
			out[o++] = '\\';
			out[o++] = 'n';
		} else if (*p < 0x20) {
			o += (size_t)snprintf(out + o, cap - o, "\\u%04x", *p);
		} else {
			out[o++] = (char)*p;
		}
	}
	out[o] = '\0';
}

/* The canned replies: chunks-2 reasoning chunks, then the answer, then a
 * finish chunk with usage, then [DONE]. */
static void build_replies(int chunks, int chunk_bytes, const char *answer_text)
{
	char *body = NULL, *rtext, *hdr;
	size_t len = 0, cap = 0, rlen = 0, rcap = 0;
	char line[8192], answer[6001];
	int n;

	json_escape(answer_text, answer, sizeof(answer));

	if (chunk_bytes < 8)
		chunk_bytes = 8;
	if (chunk_bytes > 400)
		chunk_bytes = 400;
	rtext = malloc((size_t)chunk_bytes + 1);
	for (int i = 0; i < chunk_bytes; i++)
		rtext[i] = "think about it "[i % 15];
	rtext[chunk_bytes] = '\0';
	for (int i = 0; i < chunks - 2; i++) {
		n = snprintf(line, sizeof(line),
			     "data: {\"id\":\"gen-bench\",\"object\":\"chat.completion.chunk\",\"model\":\"bench\","
			     "\"provider\":\"bench\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
			     "\"content\":\"\",\"reasoning\":\"%s\"},\"finish_reason\":null}]}\n\n", rtext);
		body = xappend(body, &len, &cap, line, (size_t)n);
	}
	n = snprintf(line, sizeof(line),
		     "data: {\"id\":\"gen-bench\",\"object\":\"chat.completion.chunk\",\"model\":\"bench\","
		     "\"provider\":\"bench\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
		     "\"content\":\"%s\"},\"finish_reason\":null}]}\n\n", answer);
	body = xappend(body, &len, &cap, line, (size_t)n);
	n = snprintf(line, sizeof(line),
		     "data: {\"id\":\"gen-bench\",\"object\":\"chat.completion.chunk\",\"model\":\"bench\","
		     "\"provider\":\"bench\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},"
		     "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":20,\"completion_tokens\":%d,"
		     "\"total_tokens\":%d,\"completion_tokens_details\":{\"reasoning_tokens\":%d}}}\n\n"
		     "data: [DONE]\n\n", chunks, chunks + 20, chunks - 2);
	body = xappend(body, &len, &cap, line, (size_t)n);
	n = asprintf(&hdr, "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
			   "Cache-Control: no-cache\r\nContent-Length: %zu\r\n\r\n", len);
	if (n < 0)
		exit(1);
	sse_len = 0;
	cap = 0;
	sse_reply = xappend(NULL, &sse_len, &cap, hdr, (size_t)n);
	sse_reply = xappend(sse_reply, &sse_len, &cap, body, len);
	free(hdr);
	free(body);

	/* The same text as one body. */
	body = NULL;
	len = cap = 0;
	for (int i = 0; i < chunks - 2; i++)
		body = xappend(body, &rlen, &rcap, rtext, strlen(rtext));
	n = snprintf(line, sizeof(line), "{\"id\":\"gen-bench\",\"object\":\"chat.completion\",\"model\":\"bench\","
					 "\"provider\":\"bench\",\"choices\":[{\"index\":0,\"finish_reason\":\"stop\","
					 "\"message\":{\"role\":\"assistant\",\"content\":\"%s\",\"reasoning\":\"",
		     answer);
	{
		char *j = NULL;
		size_t jl = 0, jc = 0;

		j = xappend(j, &jl, &jc, line, (size_t)n);
		j = xappend(j, &jl, &jc, body ? body : "", rlen);
		n = snprintf(line, sizeof(line),
			     "\"}}],\"usage\":{\"prompt_tokens\":20,\"completion_tokens\":%d,\"total_tokens\":%d,"
			     "\"completion_tokens_details\":{\"reasoning_tokens\":%d}}}",
			     chunks, chunks + 20, chunks - 2);
		j = xappend(j, &jl, &jc, line, (size_t)n);
		n = asprintf(&hdr, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
				   "Content-Length: %zu\r\n\r\n", jl);
		if (n < 0)
			exit(1);
		json_len = 0;
		cap = 0;
		json_reply = xappend(NULL, &json_len, &cap, hdr, (size_t)n);
		json_reply = xappend(json_reply, &json_len, &cap, j, jl);
		free(hdr);
		free(j);
	}
	free(body);
	free(rtext);
}

static conn *conns[MAX_CONNS];
static conn *fifo_head, *fifo_tail;
static int epfd, tfd;

static void close_conn(conn *c)
{
	epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	conns[c->fd] = NULL;
	/* A held conn stays in the FIFO marked dead; it is freed when reached. */
	if (c->held) {
		c->fd = -1;
		return;
	}
	free(c->in);
	free(c);
}

static void arm_timer(void)
{
	struct itimerspec its = {0};

	if (fifo_head) {
		its.it_value.tv_sec = fifo_head->due_ns / 1000000000;
		its.it_value.tv_nsec = fifo_head->due_ns % 1000000000;
		if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0)
			its.it_value.tv_nsec = 1;
	}
	timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, NULL);
}

/* Times in 10 us buckets up to 1 s, for a mean and a p99. */
#define HIST_BUCKETS 100000
typedef struct hist {
	long n, b[HIST_BUCKETS];
	double sum_us;
} hist;

/* How late the held replies went out: the endpoint's own share of any
 * time-to-first-token error. */
static hist late;
/* From a reply's last byte written to the next request on its connection
 * read whole: the client's turnaround (its read, parse and next send). */
static hist turn;
/* The first request read and the last reply written, for the client's own
 * start and end around them. */
static int64_t first_req_ns, last_reply_ns;

static void hist_add(hist *h, int64_t ns)
{
	long b = ns / 10000;

	h->b[b < 0 ? 0 : b >= HIST_BUCKETS ? HIST_BUCKETS - 1 : b]++;
	h->sum_us += (double)ns / 1e3;
	h->n++;
}

static double hist_p99_us(const hist *h)
{
	long want = h->n - h->n / 100, seen = 0;

	for (long b = 0; b < HIST_BUCKETS; b++)
		if ((seen += h->b[b]) >= want)
			return (double)(b + 1) * 10.0;
	return 0;
}

/* Writes what it can; returns -1 when the connection is gone. */
static int flush_out(conn *c)
{
	while (c->out_off < c->out_len) {
		ssize_t w = write(c->fd, c->out + c->out_off, c->out_len - c->out_off);

		if (w < 0) {
			if (errno == EAGAIN) {
				struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT, .data.ptr = c};

				epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
				return 0;
			}
			return -1;
		}
		c->out_off += (size_t)w;
	}
	c->out = NULL;
	c->reply_done_ns = last_reply_ns = now_ns();
	if (++replies == notify_at) {
		printf("served %ld\n", replies);
		fflush(stdout);
	}
	return 0;
}

/* A complete request at the front of c->in: its length, 0 if not yet. */
static size_t request_len(conn *c)
{
	char *end = memmem(c->in, c->in_len, "\r\n\r\n", 4);
	size_t hlen, clen = 0;
	char *p;

	if (!end)
		return 0;
	hlen = (size_t)(end - c->in) + 4;
	for (p = c->in; p < end; p++) {
		if ((p == c->in || p[-1] == '\n') && strncasecmp(p, "content-length:", 15) == 0) {
			clen = strtoul(p + 15, NULL, 10);
			break;
		}
	}
	return c->in_len >= hlen + clen ? hlen + clen : 0;
}

static int64_t delay_ns;

/* Returns -1 when it closed (and freed) c. */
static int on_request(conn *c, size_t rlen)
{
	int stream = memmem(c->in, rlen, "\"stream\":true", 13) || memmem(c->in, rlen, "\"stream\": true", 14);

	int64_t now = now_ns();

	if (requests++ == 0) {
		first_req_ns = now;
		if (notify_at) {
			printf("first\n");
			fflush(stdout);
		}
	} else if (c->reply_done_ns) {
		hist_add(&turn, now - c->reply_done_ns);
	}
	c->out = stream ? sse_reply : json_reply;
	c->out_len = stream ? sse_len : json_len;
	c->out_off = 0;
	memmove(c->in, c->in + rlen, c->in_len - rlen);
	c->in_len -= rlen;
	if (delay_ns > 0) {
		c->due_ns = now + delay_ns;
		c->held = 1;
		c->next = NULL;
		if (fifo_tail)
			fifo_tail->next = c;
		else
			fifo_head = c;
		fifo_tail = c;
		if (fifo_head == c)
			arm_timer();
		return 0;
	}
	if (flush_out(c) < 0) {
		close_conn(c);
		return -1;
	}
	return 0;
}

static void on_readable(conn *c)
{
	for (;;) {
		ssize_t r;
		size_t rlen;

		if (c->in_len == REQ_MAX) {
			close_conn(c);
			return;
		}
		r = read(c->fd, c->in + c->in_len, REQ_MAX - c->in_len);
		if (r == 0 || (r < 0 && errno != EAGAIN)) {
			close_conn(c);
			return;
		}
		if (r < 0)
			return;
		c->in_len += (size_t)r;
		/* One request at a time per connection (no pipelining from curl). */
		if (!c->out && !c->held) {
			rlen = request_len(c);
			if (rlen > 0 && on_request(c, rlen) < 0)
				return;
		}
	}
}

static void on_timer(void)
{
	uint64_t ticks;
	int64_t now = now_ns();

	if (read(tfd, &ticks, sizeof(ticks)) < 0 && errno != EAGAIN)
		return;
	while (fifo_head && fifo_head->due_ns <= now) {
		conn *c = fifo_head;

		fifo_head = c->next;
		if (!fifo_head)
			fifo_tail = NULL;
		c->held = 0;
		hist_add(&late, now_ns() - c->due_ns);
		if (c->fd < 0) {
			free(c->in);
			free(c);
			continue;
		}
		if (flush_out(c) < 0)
			close_conn(c);
	}
	arm_timer();
}

int main(int argc, char **argv)
{
	int port = 0, chunks = 24, chunk_bytes = 24, opt, lfd, one = 1;
	const char *answer = "The answer is \\boxed{42}.";
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t sl = sizeof(sa);
	struct epoll_event ev, evs[256];
	struct rusage ru;
	static int listen_tag, timer_tag;

	while ((opt = getopt(argc, argv, "p:d:c:b:a:n:")) != -1) {
		switch (opt) {
		case 'p': port = atoi(optarg); break;
		case 'd': delay_ns = (int64_t)(atof(optarg) * 1e6); break;
		case 'c': chunks = atoi(optarg); break;
		case 'b': chunk_bytes = atoi(optarg); break;
		case 'a': answer = optarg; break;
		case 'n': notify_at = atol(optarg); break;
		default:
			fprintf(stderr, "usage: benchsrv [-p PORT] [-d MS] [-c CHUNKS] [-b BYTES] [-a TEXT] [-n N]\n");
			return 2;
		}
	}
	if (chunks < 3)
		chunks = 3;
	if (strlen(answer) > 1000) {
		fprintf(stderr, "benchsrv: -a: at most 1,000 bytes\n");
		return 2;
	}
	build_replies(chunks, chunk_bytes, answer);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons((uint16_t)port);
	if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(lfd, 4096) < 0) {
		perror("benchsrv: listen");
		return 1;
	}
	getsockname(lfd, (struct sockaddr *)&sa, &sl);
	printf("port %d\n", ntohs(sa.sin_port));
	fflush(stdout);
	epfd = epoll_create1(0);
	tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	ev.events = EPOLLIN;
	ev.data.ptr = &listen_tag;
	epoll_ctl(epfd, EPOLL_CTL_ADD, lfd, &ev);
	ev.data.ptr = &timer_tag;
	epoll_ctl(epfd, EPOLL_CTL_ADD, tfd, &ev);
	while (!stopping) {
		int n = epoll_wait(epfd, evs, 256, 500);

		for (int i = 0; i < n; i++) {
			void *tag = evs[i].data.ptr;

			if (tag == &listen_tag) {
				int fd;

				while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
					conn *c;

					if (fd >= MAX_CONNS) {
						close(fd);
						continue;
					}
					setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
					c = calloc(1, sizeof(*c));
					c->fd = fd;
					c->in = malloc(REQ_MAX);
					conns[fd] = c;
					ev.events = EPOLLIN;
					ev.data.ptr = c;
					epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
				}
			} else if (tag == &timer_tag) {
				on_timer();
			} else {
				conn *c = tag;

				if (c->out && !c->held && (evs[i].events & EPOLLOUT)) {
					if (flush_out(c) < 0) {
						close_conn(c);
						continue;
					}
					if (!c->out) {
						struct epoll_event e2 = {.events = EPOLLIN, .data.ptr = c};

						epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &e2);
					}
				}
				if (evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))
					on_readable(c);
			}
		}
	}
	getrusage(RUSAGE_SELF, &ru);
	fprintf(stderr, "cpu_s %.3f requests %ld\n",
		(double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
			(double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6,
		requests);
	if (late.n)
		fprintf(stderr, "late_us mean %.1f p99 %.0f\n", late.sum_us / (double)late.n, hist_p99_us(&late));
	if (turn.n)
		fprintf(stderr, "turn_us mean %.1f p99 %.0f\n", turn.sum_us / (double)turn.n, hist_p99_us(&turn));
	if (requests)
		fprintf(stderr, "span_ms %.3f\n", (double)(last_reply_ns - first_req_ns) / 1e6);
	return 0;
}
