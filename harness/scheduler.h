/* The scheduler: libcurl multi loops (curl_multi_socket_action over epoll,
 * so a wake costs what is ready, not what is in flight; one or more threads,
 * each with its share of the slots) that keep up to max_in_flight requests
 * going, with per-lane (per-model) concurrency caps and rate limits that hold
 * across the loops, retries with exponential backoff and full jitter that
 * honour Retry-After, the error classes of HACKING.md, "Endpoints", a total
 * timeout and a stall timeout, HTTP/2 where offered and connection reuse.
 *
 * It knows nothing of suites, grading or the store: a producer hands it jobs
 * (next) and gets each back once (done) with the response or the final
 * error. The producer's callbacks are called one at a time under a lock, from
 * any loop's thread, so the producer needs no locks of its own. Responses are
 * parsed as they stream (sse + resp). */
#ifndef TB_SCHEDULER_H
#define TB_SCHEDULER_H

#include <curl/curl.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "resp.h"
#include "sse.h"

typedef enum tb_job_status {
	TB_JOB_OK = 0,      /* a complete response: resp holds it */
	TB_JOB_FAILED,      /* no usable response after every attempt: error says why */
	TB_JOB_CANCELLED,   /* the run stopped (SIGINT, fatal error) before it finished */
} tb_job_status;

typedef struct tb_job {
	/* Set by the producer; borrowed by the scheduler until done(). */
	const char *url;
	const struct curl_slist *headers;
	const char *body;
	int stream;
	int think_tags;        /* see resp.h */
	int lane;              /* index into sched_config.lanes */
	double timeout_s;      /* one attempt, whole */
	double stall_s;        /* no byte for this long ends the attempt */
	void *ud;              /* the producer's */

	/* Filled by the scheduler. */
	tb_job_status status;
	tb_resp resp;
	int http_status;
	int attempts;
	int64_t t_start_us;    /* the final attempt's start: when its request was about
	                          to be sent, on a new or a reused connection */
	int64_t t_end_us;      /* when its last byte arrived */
	char error[256];       /* "" unless status is FAILED */

	/* The scheduler's own. */
	CURL *easy;
	sse_parser sse;
	tb_buf raw;            /* a non-streamed body, or an error body */
	int is_sse;            /* decided on the first byte */
	int bad_chunks;
	double retry_after_s;
	int64_t retry_at_us;
	int64_t total_bytes;
	size_t slot;           /* index in the in-flight list */
	char curl_err[CURL_ERROR_SIZE];
	void *sched;           /* the scheduler running it */
	tb_buf unparsed;       /* stream bytes read but not parsed yet */
	int64_t unparsed_us;   /* when the first of them arrived (as last_read_us) */
	int64_t event_us;      /* that time, for the event being parsed */
	int64_t last_read_us;  /* when its last bytes arrived (rxstamp), or curl handed
	                          them over; 0: none yet */
	curl_socket_t fd;      /* the socket curl last watched for it */
	int listed;            /* on the scheduler's list of jobs with unparsed bytes */
	int parse_failed;      /* an event was over the ceiling: error says so */
	CURLcode result;       /* how the transfer ended, kept until it is judged */
	int64_t added_us;      /* when the attempt was handed to curl: t_start_us if
	                          it ended before its request was sent */
	int sent;              /* this attempt's connection was made and its request sent */
	int reached;           /* an attempt got past the connection (attempt_reached) */
} tb_job;

typedef struct sched_lane {
	int max_in_flight;     /* 0: no cap of its own */
	double rate_per_s;     /* 0: no limit */
} sched_lane;

typedef struct sched_config {
	int max_in_flight;
	int max_attempts;      /* including the first */
	double backoff_base_s; /* the first retry waits up to this long */
	double backoff_max_s;
	size_t max_text;       /* ceiling on reasoning and on content, each */
	size_t max_body;       /* ceiling on the bytes of one response */
	int insecure;          /* no TLS verification (loopback endpoints only) */
	const sched_lane *lanes;
	size_t n_lanes;
	int loops;             /* transfer loops, each on its own thread with its share
	                          of max_in_flight; 0 or 1: one, on the calling thread */
	volatile sig_atomic_t *stop;  /* set by a signal handler: start nothing new, let
	                                 what is in flight finish for stop_grace_s */
	double stop_grace_s;
	int wake_fd;                  /* polled beside the transfers; -1: none */
} sched_config;

typedef struct sched_ops {
	/* The next job, or NULL: with *finished set when there will be no more,
	 * else only none for now (the producer is holding back, say while grades
	 * catch up), and it is asked again after the next wake or transfer. */
	tb_job *(*next)(void *ud, int *finished);
	/* Each job comes back exactly once, in any status. The producer owns it
	 * again and frees it with sched_job_release() plus its own parts. A non-zero
	 * return stops the run (as a fatal error: err holds the message). */
	int (*done)(void *ud, tb_job *job, char *err, size_t errlen);
	/* Called just before done() for the same job, but outside the lock that
	 * serialises the other callbacks, so loops run it side by side: work on
	 * the job alone (splitting, grading) that touches nothing shared. May be
	 * NULL. */
	void (*prepare)(void *ud, tb_job *job);
	/* Called when sched_config.wake_fd is readable; may be NULL. A non-zero
	 * return stops the run like done()'s. */
	int (*wake)(void *ud, char *err, size_t errlen);
	/* Called once per lane, under the lock, when the scheduler finds the
	 * lane's endpoint dead: SCHED_DEAD_AFTER of its jobs failed every attempt
	 * without reaching it (sched_unreachable) before any attempt of the lane
	 * reached it. msg (borrowed for the call) is libcurl's message for the
	 * last of them. From then on the lane's jobs come back FAILED with msg as
	 * their error: those not started yet without a request (attempts 0), those
	 * in flight without another attempt. May be NULL. */
	void (*lane_dead)(void *ud, int lane, const char *msg);
} sched_ops;

/* Jobs of a lane that must fail unreached, none reached, for its endpoint to
 * count as dead. */
#define SCHED_DEAD_AFTER 3

typedef struct sched_stats {
	long started, retried, succeeded, failed, cancelled;
	long unasked;          /* failed without a request: their lane was dead */
	long watch_changes;    /* epoll_ctl calls for curl's sockets */
} sched_stats;

void sched_config_defaults(sched_config *c);
/* Runs until next() has no more jobs and every job is done, or until *stop
 * is set and what was in flight has finished or stop_grace_s has passed
 * (jobs still in flight, or waiting to retry, come back CANCELLED). Returns TB_OK, TB_ABORT when
 * an answer said the whole run cannot go on (401, 402 without Retry-After;
 * err says why), or TB_ERR when done() failed or libcurl failed. Any other
 * failure of a transfer, however malformed the answer, is that job's. */
int sched_run(const sched_config *c, const sched_ops *ops, void *ud, sched_stats *stats, char *err,
	      size_t errlen);

void sched_job_init(tb_job *job);
void sched_job_release(tb_job *job);

/* The classification of HACKING.md, "Endpoints", exposed for tests. */
typedef enum sched_class {
	SCHED_OK = 0,
	SCHED_RETRY,     /* transient: try again after a delay */
	SCHED_FAIL,      /* this item fails, the run goes on */
	SCHED_ABORT,     /* the whole run stops */
} sched_class;
sched_class sched_classify_http(int status, int has_retry_after);
sched_class sched_classify_curl(CURLcode rc);
/* Whether a transfer that ended so never reached the endpoint: its name did
 * not resolve, nothing accepted the connection, or TLS refused the peer. */
int sched_unreachable(CURLcode rc);

#endif
