#include "scheduler.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "rc.h"
#include "rxstamp.h"

/* A Retry-After longer than this is treated as this: a run should not sleep
 * for hours on one header. */
#define MAX_RETRY_AFTER_S 600.0
/* The loop wakes at least this often, to see a stop flag set by a signal. */
#define MAX_POLL_MS 200
/* Ended transfers are judged, graded and stored in slices this long, between
 * which the loop reads what arrived and refills freed slots: a thousand
 * answers landing at once must not delay the reads that time the next ones. */
#define FINISH_SLICE_US 1000
/* Transfers one fill() starts at most. Starting 512 takes a loop 50-80 ms,
 * longer than a fast model takes to answer the first: between batches the
 * loop reads what came, so no answer waits for the start of the rest. */
#define FILL_BATCH 32
/* Ready descriptors taken from one epoll_wait; more wait for the next. */
#define MAX_EVENTS 256
/* A socket's waiting bytes are peeked for their arrival time when there are
 * fewer than this many (a streamed reply's events, a short body); more are
 * timed when curl reads them. */
#define PEEK_BYTES 65536

typedef struct lane_state {
	atomic_int in_flight;    /* counted by any loop, lock-free (lane_take) */
	int64_t next_start_us;   /* under the shared lock */
	atomic_int reached;      /* an attempt got past the connection */
	atomic_int dead;         /* the endpoint is dead: dead_msg is set */
	int unreached_jobs;      /* failed without reaching it; under the lock */
	char dead_msg[256];      /* written once, before dead is set */
} lane_state;

struct sched;

/* What the loops share. The producer's callbacks (next, done, wake) are
 * called under lock, one at a time, so the producer needs no locks of its
 * own; so are the lanes' rate limits, the starved flags and the error
 * message. */
typedef struct shared {
	pthread_mutex_t lock;
	lane_state *lanes;
	atomic_int exhausted;    /* next() has no more */
	atomic_int abort;
	char *err;
	size_t errlen;
	struct sched *loops;
	int n_loops;
} shared;

/* One transfer loop: its own curl multi handle, epoll set and share of the
 * slots. Each job stays on the loop that started it until it is handed back. */
typedef struct sched {
	const sched_config *cfg;
	const sched_ops *ops;
	void *ud;
	shared *sh;
	int max_in_flight;       /* this loop's share of cfg->max_in_flight */
	int poke_fd;             /* an eventfd: another loop wants this one to look again */
	int starved;             /* next() said "not now" to this loop (under lock) */
	pthread_t thread;
	CURLM *multi;
	int epfd;                /* curl's sockets, the wake and the poke descriptors */
	int64_t timer_at_us;     /* when curl wants its timeout action; -1: never */
	struct epoll_event *events; /* MAX_EVENTS */
	tb_job **waiting;        /* retries and rate-limited jobs, each with retry_at_us */
	size_t n_waiting, cap_waiting;
	tb_job **active;         /* in flight, max_in_flight slots */
	tb_job **unparsed;       /* jobs with stream bytes to parse: in flight, or
	                            ended since the last parse, cap_ended slots */
	size_t n_unparsed;
	tb_job **ended;          /* transfers done but not judged yet: a queue of
	                            cap_ended = 2 x max_in_flight (see fill) */
	size_t ended_head, n_ended, cap_ended;
	int running;             /* transfers curl counted as running at its last action */
	char *peek;              /* PEEK_BYTES of scratch for rxstamp_queued */
	curl_socket_t rx_fd;     /* the socket curl is acting on for a read, or CURL_SOCKET_BAD */
	int64_t rx_at_us;        /* when its waiting bytes had all arrived */
	size_t rx_left;          /* how many of them curl has not handed over yet */
	uint8_t *socks;          /* by descriptor: SOCK_* bits of curl's sockets this loop opened */
	size_t n_socks;
	CURL **idle;             /* easy handles to reuse */
	size_t n_idle, cap_idle;
	int in_flight;
	int batch_full;          /* the last fill() stopped at FILL_BATCH: more may be ready */
	int closing_idle;        /* the pool keeps no idle connection (loop_main) */
	uint64_t rng;
	sched_stats stats;       /* this loop's; summed when all have ended */
} sched;

static void poke(sched *s)
{
	uint64_t one = 1;

	/* EAGAIN: the counter is full, which already says "look again". */
	if (write(s->poke_fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		tb_warn("scheduler: cannot wake a transfer loop: %s", strerror(errno));
}

/* Under lock: wakes the other loops that next() told "not now", after a
 * callback that may have changed its mind. */
static void poke_starved(shared *sh, const sched *self)
{
	for (int i = 0; i < sh->n_loops; i++) {
		sched *l = &sh->loops[i];

		if (l != self && l->starved) {
			l->starved = 0;
			poke(l);
		}
	}
}

/* Under lock: stops every loop; the first message is the one kept. */
static int fail_locked(shared *sh, const char *msg)
{
	if (!atomic_exchange(&sh->abort, 1)) {
		tb_seterr(sh->err, sh->errlen, "%s", msg);
		for (int i = 0; i < sh->n_loops; i++)
			poke(&sh->loops[i]);
	}
	return TB_ERR;
}

static int fail(shared *sh, const char *msg)
{
	pthread_mutex_lock(&sh->lock);
	fail_locked(sh, msg);
	pthread_mutex_unlock(&sh->lock);
	return TB_ERR;
}

void sched_config_defaults(sched_config *c)
{
	memset(c, 0, sizeof(*c));
	c->max_in_flight = 16;
	c->max_attempts = 5;
	c->backoff_base_s = 1.0;
	c->backoff_max_s = 60.0;
	c->max_text = 4u << 20;
	c->max_body = 64u << 20;
	c->wake_fd = -1;
	c->stop_grace_s = 3.0;
}

sched_class sched_classify_http(int status, int has_retry_after)
{
	if (status >= 200 && status < 300)
		return SCHED_OK;
	switch (status) {
	case 401:
		return SCHED_ABORT;
	case 402:
		return has_retry_after ? SCHED_RETRY : SCHED_ABORT;
	case 408:
	case 425:
	case 429:
		return SCHED_RETRY;
	default:
		break;
	}
	if (status >= 500)
		return SCHED_RETRY;
	return SCHED_FAIL;
}

/* Only an answer's status (401, 402) stops the run: whatever a transfer
 * meets is that job's. That includes CURLE_OUT_OF_MEMORY, libcurl's answer to
 * a header over 100 KB, and CURLE_UNSUPPORTED_PROTOCOL, its answer to a
 * garbage status line (read as HTTP/0.9). */
sched_class sched_classify_curl(CURLcode rc)
{
	switch (rc) {
	case CURLE_OK:
		return SCHED_OK;
	case CURLE_URL_MALFORMAT:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
		return SCHED_FAIL; /* asking again meets the same refusal */
	default:
		return SCHED_RETRY;
	}
}

int sched_unreachable(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_CONNECT:
	case CURLE_URL_MALFORMAT:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
		return 1;
	default:
		return 0;
	}
}

static int lane_is_dead(const sched *s, int lane)
{
	return atomic_load(&s->sh->lanes[lane].dead);
}

/* Under lock, for a job handed back: the dead-endpoint rule (scheduler.h,
 * lane_dead). */
static void judge_lane(sched *s, const tb_job *job)
{
	lane_state *l = &s->sh->lanes[job->lane];

	if (job->status != TB_JOB_FAILED || job->reached || job->attempts == 0 ||
	    atomic_load(&l->reached) || atomic_load(&l->dead))
		return;
	if (++l->unreached_jobs < SCHED_DEAD_AFTER)
		return;
	snprintf(l->dead_msg, sizeof(l->dead_msg), "%s", job->error);
	atomic_store(&l->dead, 1);
	if (s->ops->lane_dead)
		s->ops->lane_dead(s->ud, job->lane, l->dead_msg);
}

static uint64_t next_rand(sched *s)
{
	/* xorshift64*: jitter needs spread, not cryptographic quality. */
	s->rng ^= s->rng >> 12;
	s->rng ^= s->rng << 25;
	s->rng ^= s->rng >> 27;
	return s->rng * 2685821657736338717ULL;
}

void sched_job_init(tb_job *job)
{
	memset(job, 0, sizeof(*job));
	resp_init(&job->resp, 1);
	tb_buf_init(&job->raw, 1);
	tb_buf_init(&job->unparsed, 1);
}

void sched_job_release(tb_job *job)
{
	resp_release(&job->resp);
	sse_release(&job->sse);
	tb_buf_release(&job->raw);
	tb_buf_release(&job->unparsed);
}

static int on_event(void *ud, const char *event, const char *data, size_t len)
{
	tb_job *job = ud;

	(void)event;
	if (resp_on_chunk(&job->resp, data, len, job->event_us - job->t_start_us) != TB_OK)
		job->bad_chunks++;
	return 0;
}

/* When the n bytes curl hands job over reached this host: the kernel's time
 * while they are among those waiting on the socket being read (drive), else
 * now. Never before the request went out or an earlier read of the job. */
static int64_t arrived_at(sched *s, tb_job *job, size_t n)
{
	int64_t at = tb_now_us();

	if (s->rx_left && job->fd == s->rx_fd) {
		if (n <= s->rx_left) {
			s->rx_left -= n;
			at = s->rx_at_us;
		} else {
			s->rx_left = 0;
		}
	}
	if (at < job->t_start_us)
		at = job->t_start_us;
	return at > job->last_read_us ? at : job->last_read_us;
}

static size_t on_write(char *p, size_t size, size_t nmemb, void *ud)
{
	tb_job *job = ud;
	size_t n = size * nmemb;

	job->last_read_us = arrived_at(job->sched, job, n);
	job->total_bytes += (int64_t)n;
	if (job->total_bytes > (int64_t)job->raw.max) {
		snprintf(job->error, sizeof(job->error), "response larger than %zu bytes", job->raw.max);
		return 0;
	}
	if (job->is_sse < 0) {
		long status = 0;
		char *ct = NULL;

		curl_easy_getinfo(job->easy, CURLINFO_RESPONSE_CODE, &status);
		curl_easy_getinfo(job->easy, CURLINFO_CONTENT_TYPE, &ct);
		job->is_sse = job->stream && status == 200 && ct && strstr(ct, "text/event-stream");
	}
	if (job->is_sse) {
		sched *s = job->sched;

		/* Only stamp and keep the bytes: parsing waits until curl has read
		 * every ready socket, so no transfer's time includes another's parse. */
		if (job->parse_failed)
			return 0;
		if (job->unparsed.len == 0)
			job->unparsed_us = job->last_read_us;
		tb_buf_add(&job->unparsed, p, n);
		if (!job->listed) {
			job->listed = 1;
			s->unparsed[s->n_unparsed++] = job;
		}
		return n;
	}
	/* raw.max equals the body ceiling checked above, so this always fits. */
	tb_buf_add(&job->raw, p, n);
	return n;
}

static void reset_attempt(sched *s, tb_job *job)
{
	resp_release(&job->resp);
	resp_init(&job->resp, s->cfg->max_text);
	job->resp.think_tags = job->think_tags;
	sse_release(&job->sse);
	sse_init(&job->sse, s->cfg->max_text, on_event, job);
	tb_buf_release(&job->raw);
	tb_buf_init(&job->raw, s->cfg->max_body);
	tb_buf_release(&job->unparsed);
	tb_buf_init(&job->unparsed, s->cfg->max_body);
	job->sched = s;
	job->listed = 0;
	job->parse_failed = 0;
	job->last_read_us = 0;
	job->fd = CURL_SOCKET_BAD;
	job->is_sse = -1;
	job->bad_chunks = 0;
	job->total_bytes = 0;
	job->retry_after_s = 0;
	job->http_status = 0;
	job->error[0] = '\0';
}

static int push_waiting(sched *s, tb_job *job)
{
	if (s->n_waiting == s->cap_waiting) {
		size_t cap = s->cap_waiting ? s->cap_waiting * 2 : 64;
		tb_job **v = realloc(s->waiting, cap * sizeof(*v));

		if (!v)
			return TB_NOMEM;
		s->waiting = v;
		s->cap_waiting = cap;
	}
	s->waiting[s->n_waiting++] = job;
	return TB_OK;
}

/* Counts the job on its lane if the lane has room. Lock-free, so that loops
 * start their transfers side by side: the cap holds across them. */
static int lane_take(const sched *s, const tb_job *job)
{
	int max = s->cfg->lanes[job->lane].max_in_flight;
	atomic_int *n = &s->sh->lanes[job->lane].in_flight;
	int cur = atomic_load(n);

	do {
		if (max > 0 && cur >= max)
			return 0;
	} while (!atomic_compare_exchange_weak(n, &cur, cur + 1));
	return 1;
}

static void lane_give_back(const sched *s, const tb_job *job)
{
	atomic_fetch_sub(&s->sh->lanes[job->lane].in_flight, 1);
}

/* A transfer's clock starts when its request is about to leave: curl calls
 * this once the connection is made or picked for reuse. Not when the
 * transfer was added, nor at the action that drives it, nor before its
 * connect: one action may connect a thousand transfers in turn before any of
 * them sends, and that time is the harness's and the network's, not the
 * model's. */
static int on_request_ready(void *ud, char *remote_ip, char *local_ip, int remote_port,
			    int local_port)
{
	tb_job *job = ud;

	(void)remote_ip;
	(void)local_ip;
	(void)remote_port;
	(void)local_port;
	job->t_start_us = tb_now_us();
	job->sent = 1;
	return CURL_PREREQFUNC_OK;
}

/* A socket this loop opened keeps its place in the epoll set while curl
 * does not want it (between the requests of a kept connection): two
 * epoll_ctl calls a request fewer. The SOCK_* bits per descriptor say so; a
 * socket another way opened (a resolver's) is watched exactly as curl asks. */
enum {
	SOCK_OURS = 1,    /* opened by on_open_socket, not closed since */
	SOCK_IN = 2,      /* in the epoll set for reading */
	SOCK_OUT = 4,     /* ... and for writing */
	SOCK_RESTING = 8, /* in the set, but curl wants nothing of it */
};

static uint8_t *sock_bits(sched *s, curl_socket_t fd)
{
	return fd >= 0 && (size_t)fd < s->n_socks ? &s->socks[fd] : NULL;
}

static curl_socket_t on_open_socket(void *ud, curlsocktype purpose, struct curl_sockaddr *a)
{
	sched *s = ud;
	curl_socket_t fd = socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);

	(void)purpose;
	if (fd < 0)
		return CURL_SOCKET_BAD;
	/* Without stamps, replies are timed when curl reads them. */
	(void)rxstamp_enable(fd);
	if ((size_t)fd >= s->n_socks) {
		size_t n = ((size_t)fd + 1) * 2;
		uint8_t *grown = realloc(s->socks, n);

		/* Without room it is watched as curl asks, like any other. */
		if (!grown)
			return fd;
		memset(grown + s->n_socks, 0, n - s->n_socks);
		s->socks = grown;
		s->n_socks = n;
	}
	s->socks[fd] = SOCK_OURS;
	return fd;
}

static int epoll_change(sched *s, int op, curl_socket_t fd, struct epoll_event *ev)
{
	s->stats.watch_changes++;
	return epoll_ctl(s->epfd, op, fd, ev);
}

/* Out of the set before the close: a child forked meanwhile (a sandbox
 * starting) would hold the socket open, and keep it in the set, until it
 * execs. */
static int on_close_socket(void *ud, curl_socket_t fd)
{
	sched *s = ud;
	uint8_t *bits = sock_bits(s, fd);

	if (bits) {
		if (*bits & (SOCK_IN | SOCK_OUT))
			epoll_change(s, EPOLL_CTL_DEL, fd, NULL);
		*bits = 0;
	}
	return close(fd);
}

/* Which socket a transfer reads from (arrived_at). */
static void note_socket(CURL *e, curl_socket_t fd)
{
	tb_job *job = NULL;

	if (curl_easy_getinfo(e, CURLINFO_PRIVATE, (char **)&job) == CURLE_OK && job)
		job->fd = fd;
}

/* curl says which events it wants on a socket; epoll watches for them. */
static int on_socket(CURL *e, curl_socket_t fd, int what, void *ud, void *known)
{
	sched *s = ud;
	uint8_t *bits = sock_bits(s, fd);
	int ours = bits && (*bits & SOCK_OURS);
	uint8_t watched = ours ? *bits & (SOCK_IN | SOCK_OUT) : 0;
	uint8_t want = (what & CURL_POLL_IN ? SOCK_IN : 0) | (what & CURL_POLL_OUT ? SOCK_OUT : 0);
	struct epoll_event ev = {.data.fd = fd};
	int op = known || watched ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;

	if (what == CURL_POLL_REMOVE) {
		if (watched) {
			*bits |= SOCK_RESTING;
			return 0;
		}
		/* curl may have closed it already, which removed it: not an error. */
		epoll_change(s, EPOLL_CTL_DEL, fd, NULL);
		if (ours)
			*bits = SOCK_OURS;
		return 0;
	}
	if (ours && watched == want) {
		*bits &= (uint8_t)~SOCK_RESTING;
	} else {
		ev.events = (want & SOCK_IN ? EPOLLIN : 0u) | (want & SOCK_OUT ? EPOLLOUT : 0u);
		if (epoll_change(s, op, fd, &ev) != 0) {
			/* A descriptor number curl closed and opened again, or one it
			 * closed without a REMOVE: try the other operation once. */
			op = op == EPOLL_CTL_ADD ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
			if ((errno != EEXIST && errno != ENOENT) || epoll_change(s, op, fd, &ev) != 0)
				return -1;
		}
		if (ours)
			*bits = SOCK_OURS | want;
	}
	if (!known)
		curl_multi_assign(s->multi, fd, s);
	note_socket(e, fd);
	return 0;
}

/* An event on a resting socket (its peer closed it, or wrote out of turn) is
 * not curl's: the socket leaves the set, and curl finds out when it next
 * looks at the connection. Returns whether it was one. */
static int rested(sched *s, curl_socket_t fd)
{
	uint8_t *bits = sock_bits(s, fd);

	if (!bits || !(*bits & SOCK_RESTING))
		return 0;
	epoll_change(s, EPOLL_CTL_DEL, fd, NULL);
	*bits = SOCK_OURS;
	return 1;
}

/* Starts a job already counted on its lane. */
static int start(sched *s, tb_job *job, char *msg, size_t msglen)
{
	CURL *e = s->n_idle ? s->idle[--s->n_idle] : curl_easy_init();
	long timeout_ms = (long)(job->timeout_s * 1000.0);
	long stall = (long)ceil(job->stall_s);

	if (!e)
		return tb_seterr(msg, msglen, "cannot create a transfer (out of memory)");
	curl_easy_reset(e);
	job->easy = e;
	reset_attempt(s, job);
	curl_easy_setopt(e, CURLOPT_URL, job->url);
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, job->headers);
	curl_easy_setopt(e, CURLOPT_POSTFIELDS, job->body);
	curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)strlen(job->body));
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, job);
	curl_easy_setopt(e, CURLOPT_PRIVATE, job);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout_ms > 0 ? timeout_ms : 1L);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, stall > 0 ? stall : 1L);
	curl_easy_setopt(e, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2TLS);
	/* Waiting to multiplex only pays where HTTP/2 can be had (TLS); on plain
	 * HTTP/1.1 it delays every new connection until an earlier one answers. */
	if (strncmp(job->url, "https:", 6) == 0)
		curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
	curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
	if (s->cfg->insecure) {
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	job->curl_err[0] = '\0';
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, job->curl_err);
	curl_easy_setopt(e, CURLOPT_PREREQFUNCTION, on_request_ready);
	curl_easy_setopt(e, CURLOPT_PREREQDATA, job);
	curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
	curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, s);
	curl_easy_setopt(e, CURLOPT_CLOSESOCKETFUNCTION, on_close_socket);
	curl_easy_setopt(e, CURLOPT_CLOSESOCKETDATA, s);
	job->attempts++;
	job->t_start_us = 0;
	job->sent = 0;
	job->added_us = tb_now_us();
	if (curl_multi_add_handle(s->multi, e) != CURLM_OK)
		return tb_seterr(msg, msglen, "cannot start a transfer");
	job->slot = (size_t)s->in_flight;
	s->active[job->slot] = job;
	s->in_flight++;
	s->stats.started++;
	return TB_OK;
}

static void detach(sched *s, tb_job *job)
{
	curl_multi_remove_handle(s->multi, job->easy);
	if (s->n_idle < s->cap_idle)
		s->idle[s->n_idle++] = job->easy;
	else
		curl_easy_cleanup(job->easy);
	job->easy = NULL;
	lane_give_back(s, job);
	s->in_flight--;
	/* The last active job takes the freed slot. */
	s->active[job->slot] = s->active[s->in_flight];
	s->active[job->slot]->slot = job->slot;
}

static int hand_back(sched *s, tb_job *job, tb_job_status status)
{
	char err[512] = "";
	int rc = TB_OK;

	job->status = status;
	if (status == TB_JOB_OK)
		s->stats.succeeded++;
	else if (status == TB_JOB_FAILED)
		s->stats.failed++;
	else
		s->stats.cancelled++;
	if (s->ops->prepare)
		s->ops->prepare(s->ud, job);
	pthread_mutex_lock(&s->sh->lock);
	judge_lane(s, job);
	if (s->ops->done(s->ud, job, err, sizeof(err)) != 0)
		rc = fail_locked(s->sh, err);
	poke_starved(s->sh, s);
	pthread_mutex_unlock(&s->sh->lock);
	return rc;
}

/* Replaces control characters so that an endpoint's message cannot move the
 * cursor of whoever reads the log. */
static void clean_text(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = ' ';
}

static double backoff(sched *s, const tb_job *job)
{
	double cap;

	if (job->retry_after_s > 0)
		return fmin(job->retry_after_s, MAX_RETRY_AFTER_S);
	cap = fmin(s->cfg->backoff_max_s, s->cfg->backoff_base_s * pow(2.0, job->attempts - 1));
	return cap * (double)(next_rand(s) >> 11) / 9007199254740992.0;
}

/* Parses the stream bytes read since the last parse, each stamped with the
 * time curl read it. */
static void parse_read(sched *s)
{
	for (size_t i = 0; i < s->n_unparsed; i++) {
		tb_job *job = s->unparsed[i];

		job->event_us = job->unparsed_us;
		if (sse_feed(&job->sse, job->unparsed.data, job->unparsed.len) != TB_OK) {
			snprintf(job->error, sizeof(job->error), "stream event larger than %zu bytes",
				 s->cfg->max_text);
			job->parse_failed = 1;
		}
		tb_buf_reset(&job->unparsed);
		job->listed = 0;
	}
	s->n_unparsed = 0;
}

/* Decides what a finished attempt means. */
static sched_class judge(tb_job *job, CURLcode result, const char *curl_err)
{
	tb_resp *r = &job->resp;

	if (job->parse_failed)
		return SCHED_FAIL; /* over a ceiling: asking again gives the same */
	if (result != CURLE_OK) {
		if (result == CURLE_WRITE_ERROR && job->error[0])
			return SCHED_FAIL; /* over a ceiling: asking again gives the same */
		if (result == CURLE_OPERATION_TIMEDOUT)
			snprintf(job->error, sizeof(job->error), "%s", curl_err[0] ? curl_err : "timed out");
		else if (result == CURLE_OUT_OF_MEMORY && !curl_err[0])
			/* libcurl's only word for a header line over its 100 KB limit */
			snprintf(job->error, sizeof(job->error),
				 "Out of memory (a response header over 100 KB, or no memory left)");
		else
			snprintf(job->error, sizeof(job->error), "%s",
				 curl_err[0] ? curl_err : curl_easy_strerror(result));
		return sched_classify_curl(result);
	}
	if (job->http_status < 200 || job->http_status >= 300) {
		resp_parse_body(r, tb_buf_str(&job->raw), job->raw.len);
		snprintf(job->error, sizeof(job->error), "HTTP %d%s%.200s", job->http_status,
			 r->error_message[0] ? ": " : "", r->error_message);
		return sched_classify_http(job->http_status, job->retry_after_s > 0);
	}
	if (!job->is_sse && resp_parse_body(r, tb_buf_str(&job->raw), job->raw.len) != TB_OK) {
		snprintf(job->error, sizeof(job->error), "malformed JSON in the response body");
		return SCHED_RETRY;
	}
	if (r->error_code[0] || r->error_message[0]) {
		snprintf(job->error, sizeof(job->error), "error in the response (code %.24s): %.180s",
			 r->error_code[0] ? r->error_code : "?", r->error_message);
		return SCHED_RETRY;
	}
	if (job->bad_chunks) {
		snprintf(job->error, sizeof(job->error), "%d malformed chunk(s) in the stream",
			 job->bad_chunks);
		return SCHED_RETRY;
	}
	if (job->is_sse && !r->done && !r->finish_reason[0]) {
		snprintf(job->error, sizeof(job->error), "the stream ended before [DONE]");
		return SCHED_RETRY;
	}
	if (!job->is_sse && !r->finish_reason[0] && r->content.len == 0 && r->reasoning.len == 0) {
		snprintf(job->error, sizeof(job->error), "a response with no choices");
		return SCHED_RETRY;
	}
	return SCHED_OK;
}

/* A transfer ended: keeps what its handle knows and frees the handle, so
 * that its slot can start the next request before this one is judged. */
static void collect(sched *s, tb_job *job, CURLcode result)
{
	long status = 0;
	curl_off_t retry_after = 0;

	curl_easy_getinfo(job->easy, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(job->easy, CURLINFO_RETRY_AFTER, &retry_after);
	job->http_status = (int)status;
	job->retry_after_s = (double)retry_after;
	if (!job->t_start_us)
		job->t_start_us = job->added_us;
	job->t_end_us = job->last_read_us ? job->last_read_us : tb_now_us();
	job->result = result;
	detach(s, job);
	s->ended[(s->ended_head + s->n_ended++) % s->cap_ended] = job;
}

/* Whether an ended attempt got to the endpoint. A timeout before its request
 * could be sent is an address that answers nothing, as much as a refused
 * connection is. */
static int attempt_reached(const tb_job *job)
{
	return !sched_unreachable(job->result) && !(job->result == CURLE_OPERATION_TIMEDOUT && !job->sent);
}

/* Judges an ended transfer: hand it back, or queue a retry. */
static int finish(sched *s, tb_job *job)
{
	sched_class cls = judge(job, job->result, job->curl_err);

	clean_text(job->error);
	if (attempt_reached(job)) {
		job->reached = 1;
		atomic_store(&s->sh->lanes[job->lane].reached, 1);
	}
	switch (cls) {
	case SCHED_OK:
		job->error[0] = '\0';
		return hand_back(s, job, TB_JOB_OK);
	case SCHED_RETRY:
		if (job->attempts < s->cfg->max_attempts && !atomic_load(&s->sh->abort) &&
		    !lane_is_dead(s, job->lane)) {
			job->retry_at_us = tb_now_us() + (int64_t)(backoff(s, job) * 1e6);
			s->stats.retried++;
			if (push_waiting(s, job) == TB_OK)
				return TB_OK;
		}
		return hand_back(s, job, TB_JOB_FAILED);
	case SCHED_FAIL:
		return hand_back(s, job, TB_JOB_FAILED);
	case SCHED_ABORT: {
		char msg[300];

		snprintf(msg, sizeof(msg), "%s (stopping the run)", job->error);
		fail(s->sh, msg);
		hand_back(s, job, TB_JOB_FAILED);
		return TB_ABORT;
	}
	}
	return TB_OK;
}

/* A waiting job whose time has come and whose lane had room (it is counted
 * there now), or one whose lane is dead (*dead set; not counted), or NULL. */
static tb_job *take_due(sched *s, int64_t now, int *dead)
{
	for (size_t i = 0; i < s->n_waiting; i++) {
		tb_job *job = s->waiting[i];

		*dead = lane_is_dead(s, job->lane);
		if (*dead || (job->retry_at_us <= now && lane_take(s, job))) {
			s->waiting[i] = s->waiting[--s->n_waiting];
			return job;
		}
	}
	*dead = 0;
	return NULL;
}

/* Hands back a job of a dead lane without another attempt. One never
 * started gets its lane's message as its error; a retry keeps its own. */
static int fail_dead(sched *s, tb_job *job)
{
	if (job->attempts == 0) {
		snprintf(job->error, sizeof(job->error), "%s", s->sh->lanes[job->lane].dead_msg);
		job->t_start_us = job->t_end_us = tb_now_us();
		s->stats.unasked++;
	}
	return hand_back(s, job, TB_JOB_FAILED);
}

/* Starts what may start now. A job that must wait for its lane goes to the
 * waiting list; next() is asked only while that list is short, so a slow lane
 * cannot pull the whole plan into memory. Nothing starts while the loop's
 * max_in_flight ended transfers wait to be judged, which keeps in_flight +
 * n_ended below cap_ended. The lock is held only for next() and the rate
 * limits, so another loop's callbacks need not wait for this one's starts. */
static int fill(sched *s)
{
	shared *sh = s->sh;
	size_t max = (size_t)s->max_in_flight;
	char msg[256] = "";
	int rc = TB_OK, started = 0, dead;

	while ((size_t)s->in_flight < max && s->n_ended < max && started < FILL_BATCH &&
	       !atomic_load(&sh->abort)) {
		int64_t now = tb_now_us();
		tb_job *job = take_due(s, now, &dead);
		const sched_lane *l;

		if (!job) {
			int finished = 0;

			if (atomic_load(&sh->exhausted) || s->n_waiting >= max)
				break;
			pthread_mutex_lock(&sh->lock);
			job = s->ops->next(s->ud, &finished);
			if (!job) {
				if (finished)
					atomic_store(&sh->exhausted, 1);
				else
					s->starved = 1;
			}
			pthread_mutex_unlock(&sh->lock);
			if (!job)
				break;
			if ((size_t)job->lane >= s->cfg->n_lanes) {
				rc = tb_seterr(msg, sizeof(msg), "a job names lane %d of %zu", job->lane,
					       s->cfg->n_lanes);
				break;
			}
			job->retry_at_us = 0;
			dead = lane_is_dead(s, job->lane);
			if (!dead && !lane_take(s, job)) {
				if (push_waiting(s, job) != TB_OK) {
					rc = tb_seterr(msg, sizeof(msg), "out of memory");
					break;
				}
				continue;
			}
		}
		if (dead) {
			/* counted as a start: a dead lane's plan cannot hold the loop */
			started++;
			if (fail_dead(s, job) != TB_OK)
				break;
			continue;
		}
		l = &s->cfg->lanes[job->lane];
		if (l->rate_per_s > 0) {
			lane_state *ls = &sh->lanes[job->lane];
			int64_t due;

			pthread_mutex_lock(&sh->lock);
			due = ls->next_start_us;
			if (now >= due)
				ls->next_start_us = (now > due ? now : due) + (int64_t)(1e6 / l->rate_per_s);
			pthread_mutex_unlock(&sh->lock);
			if (now < due) {
				lane_give_back(s, job);
				job->retry_at_us = due;
				if (push_waiting(s, job) != TB_OK) {
					rc = tb_seterr(msg, sizeof(msg), "out of memory");
					break;
				}
				if (s->n_waiting >= max)
					break;
				continue;
			}
		}
		if ((rc = start(s, job, msg, sizeof(msg))) != TB_OK)
			break;
		started++;
	}
	s->batch_full = started >= FILL_BATCH;
	if (rc != TB_OK)
		fail(sh, msg);
	return rc;
}

/* How long the loop may sleep: until curl's timer, the first waiting job,
 * or the cap, whichever comes first. */
static int wait_ms(const sched *s)
{
	int64_t now = tb_now_us(), soonest = now + MAX_POLL_MS * 1000;

	/* Ended transfers to judge, finished ones still in curl's queue, or jobs
	 * fill() had no turn for (a dead lane's, failed without a request). */
	if (s->n_ended || s->running < s->in_flight || s->batch_full)
		return 0;
	if (s->timer_at_us >= 0 && s->timer_at_us < soonest)
		soonest = s->timer_at_us;
	for (size_t i = 0; i < s->n_waiting; i++)
		if (s->waiting[i]->retry_at_us < soonest)
			soonest = s->waiting[i]->retry_at_us;
	return soonest <= now ? 0 : (int)((soonest - now + 999) / 1000);
}

static void cancel_all(sched *s)
{
	while (s->in_flight > 0) {
		tb_job *job = s->active[s->in_flight - 1];

		detach(s, job);
		hand_back(s, job, TB_JOB_CANCELLED);
	}
	for (size_t i = 0; i < s->n_waiting; i++)
		hand_back(s, s->waiting[i], TB_JOB_CANCELLED);
	s->n_waiting = 0;
}

static int on_timer(CURLM *multi, long timeout_ms, void *ud)
{
	sched *s = ud;

	(void)multi;
	s->timer_at_us = timeout_ms < 0 ? -1 : tb_now_us() + (int64_t)timeout_ms * 1000;
	return 0;
}

static int drive_failed(sched *s)
{
	return fail(s->sh, "the transfer loop failed");
}

/* Waits up to timeout_ms for a ready socket, the wake descriptor or curl's
 * timer, and lets curl act on what is ready (parse_read() parses what it
 * read). *woken says whether the wake descriptor was readable. */
static int drive(sched *s, int timeout_ms, int *woken)
{
	CURLMcode rc;
	int n;

	n = epoll_wait(s->epfd, s->events, MAX_EVENTS, timeout_ms);
	if (n < 0 && errno != EINTR)
		return drive_failed(s);
	for (int i = 0; i < n; i++) {
		uint32_t ev = s->events[i].events;
		int mask = 0;

		if (s->events[i].data.fd == s->cfg->wake_fd) {
			*woken = 1;
			continue;
		}
		if (s->events[i].data.fd == s->poke_fd) {
			uint64_t count;

			/* Only to end the wait: the loop looks at everything next. */
			if (read(s->poke_fd, &count, sizeof(count)) < 0 && errno != EAGAIN)
				return drive_failed(s);
			continue;
		}
		if (rested(s, s->events[i].data.fd))
			continue;
		mask |= ev & EPOLLIN ? CURL_CSELECT_IN : 0;
		mask |= ev & EPOLLOUT ? CURL_CSELECT_OUT : 0;
		mask |= ev & (EPOLLERR | EPOLLHUP) ? CURL_CSELECT_ERR : 0;
		/* The bytes waiting now are timed by their arrival, not by when
		 * this loop, busy with the other events, gets to them. */
		if (ev & EPOLLIN) {
			s->rx_fd = s->events[i].data.fd;
			s->rx_left = rxstamp_queued(s->rx_fd, s->peek, PEEK_BYTES, &s->rx_at_us);
		}
		rc = curl_multi_socket_action(s->multi, s->events[i].data.fd, mask, &s->running);
		s->rx_fd = CURL_SOCKET_BAD;
		s->rx_left = 0;
		if (rc != CURLM_OK)
			return drive_failed(s);
	}
	if (s->timer_at_us >= 0 && tb_now_us() >= s->timer_at_us) {
		s->timer_at_us = -1;
		if (curl_multi_socket_action(s->multi, CURL_SOCKET_TIMEOUT, 0, &s->running) != CURLM_OK)
			return drive_failed(s);
	}
	return TB_OK;
}

/* Judges the oldest ended transfers, for one slice of time or, with all set,
 * until none is left. */
static void finish_queued(sched *s, int all)
{
	int64_t until = tb_now_us() + FINISH_SLICE_US;

	while (s->n_ended) {
		tb_job *job = s->ended[s->ended_head];

		s->ended_head = (s->ended_head + 1) % s->cap_ended;
		s->n_ended--;
		finish(s, job);
		if (!all && tb_now_us() >= until)
			break;
	}
}

/* Moves the transfers curl has finished to the ended queue. */
static void collect_ended(sched *s)
{
	CURLMsg *msg;
	int left;

	while ((msg = curl_multi_info_read(s->multi, &left)) != NULL) {
		tb_job *job = NULL;

		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&job);
		if (job)
			collect(s, job, msg->data.result);
	}
}

/* The producer's wake callback, when its descriptor was readable. Every
 * loop watches that descriptor, so a loop may find nothing left to do: the
 * callback must cope (gr_pool_reap does). */
static int on_wake(sched *s)
{
	char msg[512] = "";
	int rc = TB_OK;

	if (!s->ops->wake)
		return TB_OK;
	pthread_mutex_lock(&s->sh->lock);
	if (s->ops->wake(s->ud, msg, sizeof(msg)) != 0)
		rc = fail_locked(s->sh, msg);
	poke_starved(s->sh, s);
	pthread_mutex_unlock(&s->sh->lock);
	return rc;
}

/* The easy handles and the multi handle, with its connections. */
static void close_transfers(sched *s)
{
	for (size_t i = 0; i < s->n_idle; i++)
		curl_easy_cleanup(s->idle[i]);
	s->n_idle = 0;
	if (s->multi)
		curl_multi_cleanup(s->multi);
	s->multi = NULL;
}

static void *loop_main(void *arg)
{
	sched *s = arg;
	shared *sh = s->sh;
	volatile sig_atomic_t *stop = s->cfg->stop;

	int64_t stop_by = 0;

	for (;;) {
		int woken = 0;

		if (atomic_load(&sh->abort))
			break;
		/* A stop starts nothing new; what is in flight may finish (it is
		 * paid for) until the grace ends. */
		if (stop && *stop) {
			if (!stop_by)
				stop_by = tb_now_us() + (int64_t)(s->cfg->stop_grace_s * 1e6);
			if (s->in_flight == 0 || tb_now_us() >= stop_by)
				break;
		} else if (fill(s) != TB_OK) {
			break;
		}
		if (s->in_flight == 0 && s->n_waiting == 0 && s->n_ended == 0 &&
		    atomic_load(&sh->exhausted))
			break;
		/* Nothing is left to start, so a connection that goes idle now is
		 * not used again: closed then, between replies, not with all the
		 * others at the end (1,024 took 8-12 ms there, after the last
		 * reply). */
		if (!s->closing_idle && atomic_load(&sh->exhausted)) {
			s->closing_idle = 1;
			curl_multi_setopt(s->multi, CURLMOPT_MAXCONNECTS, 1L);
		}
		/* Level-triggered: a socket left ready, or a due timer, ends the
		 * wait at once. */
		if (drive(s, stop_by ? 50 : wait_ms(s), &woken) != TB_OK)
			break;
		collect_ended(s);
		/* The freed slots send their next requests before the ended ones are
		 * parsed, judged, graded and stored: that work is the harness's, and
		 * the endpoint need not wait for it. */
		if (s->n_ended && !atomic_load(&sh->abort) && !(stop && *stop)) {
			if (fill(s) != TB_OK || drive(s, 0, &woken) != TB_OK)
				break;
		}
		parse_read(s);
		finish_queued(s, 0);
		if (atomic_load(&sh->abort))
			break;
		if (woken && on_wake(s) != TB_OK)
			break;
	}
	parse_read(s);
	finish_queued(s, 1);
	cancel_all(s);
	/* Closing a thousand connections takes milliseconds: each loop closes
	 * its own, at once. */
	close_transfers(s);
	return NULL;
}

static void loop_free(sched *s)
{
	free(s->active);
	free(s->unparsed);
	free(s->ended);
	close_transfers(s);
	free(s->socks);
	free(s->idle);
	free(s->waiting);
	free(s->events);
	free(s->peek);
	if (s->epfd >= 0)
		close(s->epfd);
	if (s->poke_fd >= 0)
		close(s->poke_fd);
}

static int watch(sched *s, int fd)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.fd = fd};

	return epoll_ctl(s->epfd, EPOLL_CTL_ADD, fd, &ev);
}

static int loop_init(sched *s, shared *sh, const sched_config *c, const sched_ops *ops, void *ud,
		     int max_in_flight, uint64_t seed)
{
	size_t max = (size_t)max_in_flight;

	s->cfg = c;
	s->ops = ops;
	s->ud = ud;
	s->sh = sh;
	s->max_in_flight = max_in_flight;
	s->timer_at_us = -1;
	s->rx_fd = CURL_SOCKET_BAD;
	s->rng = seed | 1;
	s->multi = curl_multi_init();
	s->epfd = epoll_create1(EPOLL_CLOEXEC);
	s->poke_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	s->events = calloc(MAX_EVENTS, sizeof(*s->events));
	s->peek = malloc(PEEK_BYTES);
	s->cap_idle = max;
	s->idle = calloc(max, sizeof(*s->idle));
	s->active = calloc(max, sizeof(*s->active));
	s->cap_ended = 2 * max;
	s->unparsed = calloc(s->cap_ended, sizeof(*s->unparsed));
	s->ended = calloc(s->cap_ended, sizeof(*s->ended));
	if (!s->multi || s->epfd < 0 || s->poke_fd < 0 || !s->events || !s->peek || !s->idle ||
	    !s->active || !s->unparsed || !s->ended)
		return tb_seterr(sh->err, sh->errlen, "out of memory");
	if (watch(s, s->poke_fd) != 0 || (c->wake_fd >= 0 && watch(s, c->wake_fd) != 0))
		return tb_seterr(sh->err, sh->errlen, "cannot watch the wake descriptor");
	curl_multi_setopt(s->multi, CURLMOPT_SOCKETFUNCTION, on_socket);
	curl_multi_setopt(s->multi, CURLMOPT_SOCKETDATA, s);
	curl_multi_setopt(s->multi, CURLMOPT_TIMERFUNCTION, on_timer);
	curl_multi_setopt(s->multi, CURLMOPT_TIMERDATA, s);
	curl_multi_setopt(s->multi, CURLMOPT_MAXCONNECTS, (long)max);
	curl_multi_setopt(s->multi, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
	return TB_OK;
}

int sched_run(const sched_config *c, const sched_ops *ops, void *ud, sched_stats *stats, char *err,
	      size_t errlen)
{
	shared sh = {.err = err, .errlen = errlen};
	int n = c->loops > 1 ? c->loops : 1, started = 1, rc = TB_ERR;
	uint64_t seed = (uint64_t)tb_now_us();

	memset(stats, 0, sizeof(*stats));
	if (n > c->max_in_flight)
		n = c->max_in_flight > 0 ? c->max_in_flight : 1;
	/* curl's global set-up is not thread-safe: done here, before any loop. */
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return tb_seterr(err, errlen, "cannot initialise libcurl");
	pthread_mutex_init(&sh.lock, NULL);
	sh.lanes = calloc(c->n_lanes ? c->n_lanes : 1, sizeof(*sh.lanes));
	sh.loops = calloc((size_t)n, sizeof(*sh.loops));
	if (!sh.lanes || !sh.loops) {
		tb_seterr(err, errlen, "out of memory");
		goto out;
	}
	sh.n_loops = n;
	for (int i = 0; i < n; i++) {
		sh.loops[i].epfd = sh.loops[i].poke_fd = -1;
		if (loop_init(&sh.loops[i], &sh, c, ops, ud,
			      c->max_in_flight / n + (i < c->max_in_flight % n), seed + (uint64_t)i * 7919) !=
		    TB_OK)
			goto out;
	}
	/* Loop 0 runs on this thread; a loop that cannot start leaves its share
	 * of the slots unused. */
	for (; started < n; started++)
		if (pthread_create(&sh.loops[started].thread, NULL, loop_main, &sh.loops[started]) != 0) {
			tb_warn("scheduler: %d transfer loop(s) instead of %d", started, n);
			break;
		}
	loop_main(&sh.loops[0]);
	for (int i = 1; i < started; i++)
		pthread_join(sh.loops[i].thread, NULL);
	for (int i = 0; i < n; i++) {
		stats->started += sh.loops[i].stats.started;
		stats->retried += sh.loops[i].stats.retried;
		stats->succeeded += sh.loops[i].stats.succeeded;
		stats->failed += sh.loops[i].stats.failed;
		stats->cancelled += sh.loops[i].stats.cancelled;
		stats->unasked += sh.loops[i].stats.unasked;
		stats->watch_changes += sh.loops[i].stats.watch_changes;
	}
	rc = atomic_load(&sh.abort) ? (err[0] ? TB_ABORT : TB_ERR) : TB_OK;
out:
	for (int i = 0; sh.loops && i < n; i++)
		loop_free(&sh.loops[i]);
	free(sh.loops);
	free(sh.lanes);
	pthread_mutex_destroy(&sh.lock);
	curl_global_cleanup();
	return rc;
}
