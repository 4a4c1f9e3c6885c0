/* The scheduler: the error classes of HACKING.md, "Endpoints", and its
 * behaviour against a loopback server that replays canned answers: retries
 * that honour Retry-After, items that fail at once, a 401 that stops the run,
 * streams that stall, and per-lane caps. */
#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <unistd.h>

#include "clock.h"
#include "rc.h"
#include "scheduler.h"
#include "testutil.h"

/* The canned server: each request takes the next script step for its path
 * ("/a", "/b", ...); the last step repeats. */
typedef struct step {
	int status;
	const char *retry_after; /* NULL: no header */
	const char *body;
	const char *type;
} step;

static const step *script;
static int loops = 1; /* transfer loops for every run: one, or two (the second case) */
static size_t n_steps;
static unsigned idle_close_s; /* the server closes a connection idle this long; 0: never */
static int hits, in_flight_now, in_flight_max;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static const char ok_stream[] =
	": OPENROUTER PROCESSING\n\n"
	"data: {\"id\":\"gen-1\",\"provider\":\"p\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"reasoning\":\"think\"}}]}\n\n"
	"data: {\"id\":\"gen-1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"42\"},\"finish_reason\":\"stop\"}]}\n\n"
	"data: {\"id\":\"gen-1\",\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"completion_tokens_details\":{\"reasoning_tokens\":1},\"cost\":0.5}}\n\n"
	"data: [DONE]\n\n";

static const step slow_ok = {200, NULL, ok_stream, "text/event-stream"};
/* answered_lane_is_never_dead's server, stopped from the done callback */
static struct MHD_Daemon *server_to_stop;

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url, const char *method,
			      const char *version, const char *upload, size_t *upload_size, void **state)
{
	struct MHD_Response *r;
	const step *s;
	enum MHD_Result ret;
	int n;

	(void)cls, (void)url, (void)method, (void)version, (void)upload;
	if (!*state) {
		*state = (void *)1;
		return MHD_YES;
	}
	if (*upload_size) {
		*upload_size = 0;
		return MHD_YES;
	}
	pthread_mutex_lock(&lock);
	n = hits++;
	if (++in_flight_now > in_flight_max)
		in_flight_max = in_flight_now;
	pthread_mutex_unlock(&lock);
	s = &script[(size_t)n < n_steps ? (size_t)n : n_steps - 1];
	if (s->status == 0) {
		/* A slow answer, to see how many are in flight at once. */
		usleep(100000);
		s = &slow_ok;
	}
	r = MHD_create_response_from_buffer(strlen(s->body), (void *)s->body, MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(r, "Content-Type", s->type);
	if (s->retry_after)
		MHD_add_response_header(r, "Retry-After", s->retry_after);
	ret = MHD_queue_response(c, (unsigned)s->status, r);
	MHD_destroy_response(r);
	pthread_mutex_lock(&lock);
	in_flight_now--;
	pthread_mutex_unlock(&lock);
	return ret;
}

static struct MHD_Daemon *serve(const step *steps, size_t n, char *url, size_t urllen)
{
	struct MHD_Daemon *d;
	const union MHD_DaemonInfo *info;

	script = steps;
	n_steps = n;
	hits = in_flight_now = in_flight_max = 0;
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION, 0, NULL, NULL,
			     answer, NULL, MHD_OPTION_CONNECTION_TIMEOUT, idle_close_s, MHD_OPTION_END);
	ck_assert_ptr_nonnull(d);
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	snprintf(url, urllen, "http://127.0.0.1:%u/v1/chat/completions", info->port);
	return d;
}

typedef struct producer {
	tb_job *jobs;
	int n, next, done, ok, failed, cancelled;
	int64_t done_at[16];
} producer;

static tb_job *next(void *ud, int *finished)
{
	producer *p = ud;

	*finished = p->next >= p->n;
	return p->next < p->n ? &p->jobs[p->next++] : NULL;
}

static int done(void *ud, tb_job *job, char *err, size_t errlen)
{
	producer *p = ud;

	(void)err, (void)errlen;
	if (p->done < 16)
		p->done_at[p->done] = tb_now_us();
	p->done++;
	p->ok += job->status == TB_JOB_OK;
	p->failed += job->status == TB_JOB_FAILED;
	p->cancelled += job->status == TB_JOB_CANCELLED;
	return 0;
}

/* n jobs to url on lane 0, each with a whole 10 s and a 5 s stall. */
static void make_jobs(producer *p, int n, const char *url)
{
	p->jobs = calloc((size_t)n, sizeof(*p->jobs));
	ck_assert_ptr_nonnull(p->jobs);
	p->n = n;
	for (int i = 0; i < n; i++) {
		sched_job_init(&p->jobs[i]);
		p->jobs[i].url = url;
		p->jobs[i].body = "{}";
		p->jobs[i].stream = 1;
		p->jobs[i].timeout_s = 10;
		p->jobs[i].stall_s = 5;
	}
}

/* The tests' configuration: fast backoff, the loops of the test case. */
static void test_config(sched_config *c, int max_in_flight, int max_attempts, const sched_lane *lanes,
			size_t n_lanes)
{
	sched_config_defaults(c);
	c->loops = loops;
	c->max_in_flight = max_in_flight;
	c->max_attempts = max_attempts;
	c->backoff_base_s = 0.01;
	c->backoff_max_s = 0.05;
	c->lanes = lanes;
	c->n_lanes = n_lanes;
}

static int run(producer *p, const char *url, int n, int max_in_flight, const sched_lane *lane,
	       sched_stats *stats, char *err, size_t errlen)
{
	sched_config c;
	sched_lane one = {0};
	int rc;

	make_jobs(p, n, url);
	test_config(&c, max_in_flight, 4, lane ? lane : &one, 1);
	rc = sched_run(&c, &(sched_ops){.next = next, .done = done}, p, stats, err, errlen);
	return rc;
}

static void release(producer *p)
{
	for (int i = 0; i < p->n; i++)
		sched_job_release(&p->jobs[i]);
	free(p->jobs);
}

START_TEST(classification_table)
{
	static const struct {
		int status, retry_after;
		sched_class want;
	} cases[] = {
		{200, 0, SCHED_OK},    {400, 0, SCHED_FAIL},  {401, 0, SCHED_ABORT}, {402, 0, SCHED_ABORT},
		{402, 1, SCHED_RETRY}, {403, 0, SCHED_FAIL},  {404, 0, SCHED_FAIL},  {408, 0, SCHED_RETRY},
		{429, 0, SCHED_RETRY}, {429, 1, SCHED_RETRY}, {500, 0, SCHED_RETRY}, {502, 0, SCHED_RETRY},
		{503, 1, SCHED_RETRY}, {524, 0, SCHED_RETRY}, {529, 0, SCHED_RETRY}, {422, 0, SCHED_FAIL},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_msg(sched_classify_http(cases[i].status, cases[i].retry_after) == cases[i].want,
			      "HTTP %d", cases[i].status);
	ck_assert_int_eq(sched_classify_curl(CURLE_OK), SCHED_OK);
	ck_assert_int_eq(sched_classify_curl(CURLE_OPERATION_TIMEDOUT), SCHED_RETRY);
	ck_assert_int_eq(sched_classify_curl(CURLE_COULDNT_CONNECT), SCHED_RETRY);
	ck_assert_int_eq(sched_classify_curl(CURLE_RECV_ERROR), SCHED_RETRY);
	ck_assert_int_eq(sched_classify_curl(CURLE_GOT_NOTHING), SCHED_RETRY);
	/* Only 401 and 402 stop a run: a header over 100 KB (libcurl's out of
	 * memory) and a bad status line (HTTP/0.9) are one attempt's errors. */
	ck_assert_int_eq(sched_classify_curl(CURLE_OUT_OF_MEMORY), SCHED_RETRY);
	ck_assert_int_eq(sched_classify_curl(CURLE_UNSUPPORTED_PROTOCOL), SCHED_RETRY);
	ck_assert_int_eq(sched_classify_curl(CURLE_WEIRD_SERVER_REPLY), SCHED_RETRY);
	ck_assert_int_eq(sched_classify_curl(CURLE_PEER_FAILED_VERIFICATION), SCHED_FAIL);
	ck_assert_int_eq(sched_classify_curl(CURLE_URL_MALFORMAT), SCHED_FAIL);
	ck_assert(sched_unreachable(CURLE_COULDNT_CONNECT));
	ck_assert(sched_unreachable(CURLE_COULDNT_RESOLVE_HOST));
	ck_assert(sched_unreachable(CURLE_PEER_FAILED_VERIFICATION));
	ck_assert(!sched_unreachable(CURLE_OK));
	ck_assert(!sched_unreachable(CURLE_OPERATION_TIMEDOUT));
	ck_assert(!sched_unreachable(CURLE_GOT_NOTHING));
	ck_assert(!sched_unreachable(CURLE_OUT_OF_MEMORY));
}
END_TEST

START_TEST(retry_after_is_honoured)
{
	static const step steps[] = {
		{429, "1", "{\"error\":{\"code\":429,\"message\":\"slow down\"}}", "application/json"},
		{200, NULL, ok_stream, "text/event-stream"},
	};
	char url[128], err[256] = "";
	struct MHD_Daemon *d = serve(steps, 2, url, sizeof(url));
	producer p = {0};
	sched_stats stats;
	int64_t t0 = tb_now_us();

	ck_assert_int_eq(run(&p, url, 1, 4, NULL, &stats, err, sizeof(err)), TB_OK);
	ck_assert_int_eq(p.ok, 1);
	ck_assert_int_eq(p.jobs[0].attempts, 2);
	ck_assert_int_eq(stats.retried, 1);
	/* The header said one second; the backoff alone would be 50 ms at most. */
	ck_assert_int_ge(p.done_at[0] - t0, 950000);
	ck_assert_str_eq(tb_buf_str(&p.jobs[0].resp.content), "42");
	ck_assert_str_eq(tb_buf_str(&p.jobs[0].resp.reasoning), "think");
	ck_assert_int_eq(p.jobs[0].resp.reasoning_tokens, 1);
	ck_assert_int_ge(p.jobs[0].resp.t_first_token_us, 0);
	release(&p);
	MHD_stop_daemon(d);
}
END_TEST

START_TEST(server_errors_retry_then_give_up)
{
	static const step steps[] = {
		{503, NULL, "{\"error\":{\"code\":503,\"message\":\"no provider\"}}", "application/json"},
	};
	char url[128], err[256] = "";
	struct MHD_Daemon *d = serve(steps, 1, url, sizeof(url));
	producer p = {0};
	sched_stats stats;

	ck_assert_int_eq(run(&p, url, 2, 4, NULL, &stats, err, sizeof(err)), TB_OK);
	ck_assert_int_eq(p.failed, 2);
	ck_assert_int_eq(p.jobs[0].attempts, 4);
	ck_assert_int_eq(p.jobs[0].http_status, 503);
	ck_assert_str_eq(p.jobs[0].error, "HTTP 503: no provider");
	ck_assert_int_eq(hits, 8);
	release(&p);
	MHD_stop_daemon(d);
}
END_TEST

START_TEST(bad_request_fails_at_once)
{
	static const step steps[] = {
		{400, NULL, "{\"error\":{\"code\":400,\"message\":\"context \\u001b[31mtoo long\"}}", "application/json"},
	};
	char url[128], err[256] = "";
	struct MHD_Daemon *d = serve(steps, 1, url, sizeof(url));
	producer p = {0};
	sched_stats stats;

	ck_assert_int_eq(run(&p, url, 3, 4, NULL, &stats, err, sizeof(err)), TB_OK);
	ck_assert_int_eq(p.failed, 3);
	ck_assert_int_eq(p.jobs[0].attempts, 1);
	ck_assert_int_eq(hits, 3);
	/* The escape byte from the endpoint does not reach the log. */
	ck_assert_ptr_null(strchr(p.jobs[0].error, '\033'));
	release(&p);
	MHD_stop_daemon(d);
}
END_TEST

START_TEST(unauthorized_stops_the_run)
{
	static const step steps[] = {
		{401, NULL, "{\"error\":{\"code\":401,\"message\":\"User not found.\"}}", "application/json"},
	};
	char url[128], err[256] = "";
	struct MHD_Daemon *d = serve(steps, 1, url, sizeof(url));
	producer p = {0};
	sched_stats stats;

	ck_assert_int_eq(run(&p, url, 50, 2, NULL, &stats, err, sizeof(err)), TB_ABORT);
	ck_assert_msg(strstr(err, "HTTP 401: User not found.") != NULL, "%s", err);
	/* It stops early: not all fifty were asked. */
	pthread_mutex_lock(&lock);
	ck_assert_int_lt(hits, 10);
	pthread_mutex_unlock(&lock);
	ck_assert_int_eq(p.done, p.next);
	release(&p);
	MHD_stop_daemon(d);
}
END_TEST

START_TEST(cut_stream_and_malformed_body_retry)
{
	static const step steps[] = {
		{200, NULL, "data: {\"choices\":[{\"delta\":{\"content\":\"4\"}}]}\n\n", "text/event-stream"},
		{200, NULL, "{\"choices\": [{\"message\": {\"content\": \"4", "application/json"},
		{200, NULL, "data: {\"choices\":[{\"delta\":{\"content\":\"4\"}}]}\n\ndata: {broken\n\n", "text/event-stream"},
		{200, NULL, ok_stream, "text/event-stream"},
	};
	char url[128], err[256] = "";
	struct MHD_Daemon *d = serve(steps, 4, url, sizeof(url));
	producer p = {0};
	sched_stats stats;

	ck_assert_int_eq(run(&p, url, 1, 1, NULL, &stats, err, sizeof(err)), TB_OK);
	ck_assert_int_eq(p.ok, 1);
	ck_assert_int_eq(p.jobs[0].attempts, 4);
	/* Only the final attempt's text is kept. */
	ck_assert_str_eq(tb_buf_str(&p.jobs[0].resp.content), "42");
	release(&p);
	MHD_stop_daemon(d);
}
END_TEST

START_TEST(lane_cap_holds)
{
	static const step steps[] = {{0, NULL, "", ""}};
	char url[128], err[256] = "";
	struct MHD_Daemon *d = serve(steps, 1, url, sizeof(url));
	producer p = {0};
	sched_stats stats;
	sched_lane lane = {.max_in_flight = 3};

	ck_assert_int_eq(run(&p, url, 12, 10, &lane, &stats, err, sizeof(err)), TB_OK);
	ck_assert_int_eq(p.ok, 12);
	ck_assert_int_le(in_flight_max, 3);
	ck_assert_int_ge(in_flight_max, 2);
	release(&p);
	MHD_stop_daemon(d);
}
END_TEST

/* A kept connection stays in the epoll set between its requests: 200
 * requests over 4 connections change the set a few times a connection, not
 * twice a request. */
START_TEST(kept_connection_stays_watched)
{
	static const step steps[] = {{200, NULL, ok_stream, "text/event-stream"}};
	char url[128], err[256] = "";
	struct MHD_Daemon *d = serve(steps, 1, url, sizeof(url));
	producer p = {0};
	sched_stats stats;

	ck_assert_int_eq(run(&p, url, 200, 4, NULL, &stats, err, sizeof(err)), TB_OK);
	ck_assert_int_eq(p.ok, 200);
	ck_assert_int_gt(stats.watch_changes, 0);
	ck_assert_int_le(stats.watch_changes, 4 * 4);
	release(&p);
	MHD_stop_daemon(d);
}
END_TEST

/* The clock starts before the request leaves: the server answers 100 ms after
 * reading it, so no first token or end can be timed earlier than that, however
 * many transfers start together. A transfer that never reaches the server is
 * timed from when it was handed to curl. */
START_TEST(clock_starts_before_the_request_leaves)
{
	static const step steps[] = {{0, NULL, "", ""}};
	char url[128], err[256] = "";
	struct MHD_Daemon *d = serve(steps, 1, url, sizeof(url));
	producer p = {0};
	sched_stats stats;

	ck_assert_int_eq(run(&p, url, 40, 40, NULL, &stats, err, sizeof(err)), TB_OK);
	ck_assert_int_eq(p.ok, 40);
	for (int i = 0; i < p.n; i++) {
		const tb_job *j = &p.jobs[i];

		ck_assert_int_ge(j->t_start_us, j->added_us);
		ck_assert_int_ge(j->resp.t_first_token_us, 100000);
		ck_assert_int_ge(j->t_end_us - j->t_start_us, 100000);
	}
	release(&p);
	MHD_stop_daemon(d);
}
END_TEST

/* done() for reply_is_timed_at_its_arrival: the first answer keeps the loop
 * busy for 400 ms, while the second arrives. */
static int done_slowly(void *ud, tb_job *job, char *err, size_t errlen)
{
	producer *p = ud;

	if (p->done == 0)
		usleep(400000);
	return done(ud, job, err, errlen);
}

/* A reply that arrives while the loop is busy is timed when it arrived, not
 * when the loop read it: one answer comes at once, the other 100 ms later,
 * while the first one's done() holds the only loop for 400 ms. */
START_TEST(reply_is_timed_at_its_arrival)
{
	static const step steps[] = {{200, NULL, ok_stream, "text/event-stream"}, {0, NULL, "", ""}};
	static const sched_lane one = {0};
	char url[128], err[256] = "";
	struct MHD_Daemon *d = serve(steps, 2, url, sizeof(url));
	producer p = {0};
	sched_stats stats;
	sched_config c;
	int64_t slow = 0;

	make_jobs(&p, 2, url);
	test_config(&c, 2, 1, &one, 1);
	ck_assert_int_eq(sched_run(&c, &(sched_ops){.next = next, .done = done_slowly}, &p, &stats, err,
				   sizeof(err)),
			 TB_OK);
	ck_assert_int_eq(p.ok, 2);
	for (int i = 0; i < p.n; i++)
		if (p.jobs[i].resp.t_first_token_us > slow)
			slow = p.jobs[i].resp.t_first_token_us;
	ck_assert_int_ge(slow, 100000);
	ck_assert_int_lt(slow, 300000);
	for (int i = 0; i < p.n; i++)
		ck_assert_int_lt(p.jobs[i].t_end_us - p.jobs[i].t_start_us, 300000);
	release(&p);
	MHD_stop_daemon(d);
}
END_TEST

START_TEST(unreachable_transfer_is_timed_from_its_start)
{
	char url[128], err[256] = "";
	producer p = {0};
	sched_stats stats;
	struct MHD_Daemon *d = serve((const step[]){{200, NULL, "{}", "application/json"}}, 1, url,
				     sizeof(url));

	/* The port is free again once the daemon stops: nothing listens there. */
	MHD_stop_daemon(d);
	ck_assert_int_eq(run(&p, url, 2, 2, NULL, &stats, err, sizeof(err)), TB_OK);
	ck_assert_int_eq(p.failed, 2);
	for (int i = 0; i < p.n; i++) {
		ck_assert_int_gt(p.jobs[i].t_start_us, 0);
		ck_assert_int_eq(p.jobs[i].t_start_us, p.jobs[i].added_us);
		ck_assert_int_ge(p.jobs[i].t_end_us, p.jobs[i].t_start_us);
	}
	release(&p);
}
END_TEST

/* Two lanes, one where nothing listens: lane_dead() is told once, the dead
 * lane's jobs come back failed (most without a request), the other lane's
 * all succeed. */
typedef struct deaths {
	producer p;
	int n, lane;
	char msg[256];
} deaths;

static int deaths_done(void *ud, tb_job *job, char *err, size_t errlen)
{
	return done(&((deaths *)ud)->p, job, err, errlen);
}

static tb_job *deaths_next(void *ud, int *finished)
{
	return next(&((deaths *)ud)->p, finished);
}

static void on_dead(void *ud, int lane, const char *msg)
{
	deaths *d = ud;

	d->n++;
	d->lane = lane;
	snprintf(d->msg, sizeof(d->msg), "%s", msg);
}

static void run_two_lanes(deaths *d, const char *url0, const char *url1, int n, sched_stats *stats)
{
	static const sched_lane lanes[2] = {{0}, {0}};
	char err[256] = "";
	sched_config c;

	make_jobs(&d->p, n, url0);
	for (int i = 1; i < n; i += 2) {
		d->p.jobs[i].url = url1;
		d->p.jobs[i].lane = 1;
	}
	test_config(&c, 4, 3, lanes, 2);
	ck_assert_int_eq(sched_run(&c, &(sched_ops){.next = deaths_next, .done = deaths_done, .lane_dead = on_dead},
				   d, stats, err, sizeof(err)),
			 TB_OK);
}

/* The most jobs of a dead lane that a loop at 4 in flight still asks: three
 * decide; at most 2 x 4 more were in flight or ended and not yet judged (a
 * loaded machine judges later), and four waited to retry. */
#define DEAD_LANE_MOST_ASKED (SCHED_DEAD_AFTER + 3 * 4)

START_TEST(dead_lane_fails_the_rest_unasked)
{
	static const step steps[] = {{200, NULL, ok_stream, "text/event-stream"}};
	char url[128], gone[128];
	struct MHD_Daemon *d = serve(steps, 1, url, sizeof(url));
	deaths dd = {0};
	sched_stats stats;
	long unasked = 0;

	snprintf(gone, sizeof(gone), "http://127.0.0.1:%d/v1/chat/completions", tu_free_port());
	run_two_lanes(&dd, gone, url, 40, &stats);
	ck_assert_int_eq(dd.n, 1);
	ck_assert_int_eq(dd.lane, 0);
	ck_assert_msg(strstr(dd.msg, "Couldn't connect to server") != NULL, "%s", dd.msg);
	for (int i = 0; i < dd.p.n; i++) {
		tb_job *j = &dd.p.jobs[i];

		if (j->lane == 1) {
			ck_assert_int_eq(j->status, TB_JOB_OK);
			continue;
		}
		ck_assert_int_eq(j->status, TB_JOB_FAILED);
		ck_assert_msg(strstr(j->error, "Couldn't connect to server") != NULL, "%s", j->error);
		unasked += j->attempts == 0;
	}
	ck_assert_int_ge(unasked, 20 - DEAD_LANE_MOST_ASKED);
	ck_assert_int_eq(stats.unasked, unasked);
	release(&dd.p);
	MHD_stop_daemon(d);
}
END_TEST

/* A dead lane's jobs fail as fast as the loop can hand them back: the loop
 * does not sleep between batches while nothing is in flight. */
START_TEST(dead_lane_drains_at_once)
{
	enum { JOBS = 5000 };
	static const sched_lane lane = {0};
	char gone[128], err[256] = "";
	deaths dd = {0};
	sched_stats stats;
	sched_config c;
	double t0;

	snprintf(gone, sizeof(gone), "http://127.0.0.1:%d/v1/chat/completions", tu_free_port());
	make_jobs(&dd.p, JOBS, gone);
	test_config(&c, 4, 3, &lane, 1);
	t0 = tu_now_s();
	ck_assert_int_eq(sched_run(&c, &(sched_ops){.next = deaths_next, .done = deaths_done, .lane_dead = on_dead},
				   &dd, &stats, err, sizeof(err)),
			 TB_OK);
	/* sleeping the loop's 200 ms between batches of 32 would take 31 s */
	ck_assert_msg(tu_now_s() - t0 < 10.0, "took %.1f s", tu_now_s() - t0);
	ck_assert_int_eq(dd.n, 1);
	ck_assert_int_eq(dd.p.failed, JOBS);
	ck_assert_int_ge(stats.unasked, JOBS - DEAD_LANE_MOST_ASKED);
	release(&dd.p);
}
END_TEST

/* A lane whose endpoint answered once is never dead, whatever follows: here
 * the server is gone after the first answer, and every later job still gets
 * all its attempts. */
static int stop_after_first(void *ud, tb_job *job, char *err, size_t errlen)
{
	deaths *d = ud;

	if (job->status == TB_JOB_OK && d->p.ok == 0) {
		MHD_stop_daemon(server_to_stop);
		server_to_stop = NULL;
	}
	return done(&d->p, job, err, errlen);
}

START_TEST(answered_lane_is_never_dead)
{
	static const step steps[] = {{200, NULL, ok_stream, "text/event-stream"}};
	static const sched_lane lane = {0};
	char url[128], err[256] = "";
	deaths dd = {0};
	sched_stats stats;
	sched_config c;

	server_to_stop = serve(steps, 1, url, sizeof(url));
	make_jobs(&dd.p, 8, url);
	test_config(&c, 1, 2, &lane, 1);
	ck_assert_int_eq(sched_run(&c, &(sched_ops){.next = deaths_next, .done = stop_after_first, .lane_dead = on_dead},
				   &dd, &stats, err, sizeof(err)),
			 TB_OK);
	ck_assert_ptr_null(server_to_stop);
	ck_assert_int_eq(dd.n, 0);
	ck_assert_int_eq(dd.p.ok, 1);
	ck_assert_int_eq(stats.unasked, 0);
	for (int i = 1; i < dd.p.n; i++) {
		ck_assert_int_eq(dd.p.jobs[i].status, TB_JOB_FAILED);
		ck_assert_int_eq(dd.p.jobs[i].attempts, 2);
	}
	release(&dd.p);
}
END_TEST

/* A producer that holds back until its wake descriptor says so: every loop
 * must go on asking after a wake, none may take "not now" for "no more", and
 * every job comes back once. */
typedef struct held {
	producer p;
	int allowed, wakes;
	int efd;
	atomic_int over; /* the run has returned: the releaser stops */
} held;

static tb_job *held_next(void *ud, int *finished)
{
	held *h = ud;

	if (h->p.next < h->allowed)
		return next(&h->p, finished);
	*finished = 0;
	return NULL;
}

static int held_done(void *ud, tb_job *job, char *err, size_t errlen)
{
	return done(&((held *)ud)->p, job, err, errlen);
}

static int held_wake(void *ud, char *err, size_t errlen)
{
	held *h = ud;
	uint64_t n;

	(void)err, (void)errlen;
	if (read(h->efd, &n, sizeof(n)) == (ssize_t)sizeof(n)) {
		h->allowed += 4 * (int)n;
		h->wakes++;
	}
	return 0;
}

static void *releaser(void *arg)
{
	held *h = arg;
	uint64_t one = 1;

	for (int i = 0; i < 400 && !atomic_load(&h->over); i++) {
		usleep(5000);
		if (write(h->efd, &one, sizeof(one)) < 0)
			break;
	}
	return NULL;
}

/* Runs n jobs to url through the held producer, max_in_flight at once, while
 * feed() writes to its wake descriptor from another thread; returns what
 * sched_run() returned. */
static int run_held(held *h, const char *url, int n, int max_in_flight, void *(*feed)(void *),
		    sched_stats *stats, char *err, size_t errlen)
{
	sched_config c;
	pthread_t t;
	int rc;

	h->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	ck_assert_int_ge(h->efd, 0);
	make_jobs(&h->p, n, url);
	sched_config_defaults(&c);
	c.loops = loops;
	c.max_in_flight = max_in_flight;
	c.lanes = &(sched_lane){0};
	c.n_lanes = 1;
	c.wake_fd = h->efd;
	ck_assert_int_eq(pthread_create(&t, NULL, feed, h), 0);
	rc = sched_run(&c, &(sched_ops){.next = held_next, .done = held_done, .wake = held_wake}, h,
		       stats, err, errlen);
	atomic_store(&h->over, 1);
	pthread_join(t, NULL);
	return rc;
}

START_TEST(held_back_producer_goes_on_after_wake)
{
	static const step steps[] = {{200, NULL, ok_stream, "text/event-stream"}};
	char url[128], err[256] = "";
	struct MHD_Daemon *d = serve(steps, 1, url, sizeof(url));
	held h = {.allowed = 4};
	sched_stats stats;

	ck_assert_int_eq(run_held(&h, url, 40, 8, releaser, &stats, err, sizeof(err)), TB_OK);
	ck_assert_int_eq(h.p.ok, 40);
	ck_assert_int_eq(h.p.done, 40);
	ck_assert_int_eq(stats.succeeded, 40);
	ck_assert_int_gt(h.wakes, 0);
	release(&h.p);
	close(h.efd);
	MHD_stop_daemon(d);
}
END_TEST

static double cpu_s(void)
{
	struct rusage u;

	getrusage(RUSAGE_SELF, &u);
	return (double)(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
	       (double)(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

static void *late_releaser(void *arg)
{
	held *h = arg;
	uint64_t two = 2; /* room for the 4 jobs left and past them: the end */

	ssize_t w;

	usleep(2500000);
	w = write(h->efd, &two, sizeof(two));
	(void)w; /* a failed write leaves the run held: the test's timeout says so */
	return NULL;
}

/* The server closes kept connections while the producer holds back: the
 * closes wake no busy loop (a spinning loop would burn the 2.5 s of the
 * wait), and the next requests go out on new connections. */
START_TEST(peer_closes_resting_connection)
{
	static const step steps[] = {{200, NULL, ok_stream, "text/event-stream"}};
	char url[128], err[256] = "";
	struct MHD_Daemon *d;
	held h = {.allowed = 4};
	sched_stats stats;
	double cpu0;

	idle_close_s = 1;
	d = serve(steps, 1, url, sizeof(url));
	idle_close_s = 0;
	cpu0 = cpu_s();
	ck_assert_int_eq(run_held(&h, url, 8, 4, late_releaser, &stats, err, sizeof(err)), TB_OK);
	ck_assert_int_eq(h.p.ok, 8);
	ck_assert_int_eq(stats.succeeded, 8);
	ck_assert_msg(cpu_s() - cpu0 < 1.0, "%.2f s of CPU over a 2.5 s wait", cpu_s() - cpu0);
	release(&h.p);
	close(h.efd);
	MHD_stop_daemon(d);
}
END_TEST

START_TEST(stop_flag_cancels)
{
	static const step steps[] = {{0, NULL, "", ""}};
	char url[128], err[256] = "";
	struct MHD_Daemon *d = serve(steps, 1, url, sizeof(url));
	producer p = {0};
	sched_stats stats;
	sched_config c;
	static volatile sig_atomic_t stop = 1;

	p.jobs = calloc(5, sizeof(*p.jobs));
	p.n = 5;
	for (int i = 0; i < 5; i++) {
		sched_job_init(&p.jobs[i]);
		p.jobs[i].url = url;
		p.jobs[i].body = "{}";
		p.jobs[i].timeout_s = 10;
		p.jobs[i].stall_s = 5;
	}
	sched_config_defaults(&c);
	c.loops = loops;
	c.lanes = &(sched_lane){0};
	c.n_lanes = 1;
	c.stop = &stop;
	ck_assert_int_eq(sched_run(&c, &(sched_ops){.next = next, .done = done}, &p, &stats, err, sizeof(err)), TB_OK);
	ck_assert_int_eq(p.ok, 0);
	ck_assert_int_eq(p.done, p.next);
	release(&p);
	MHD_stop_daemon(d);
}
END_TEST

static void two_loops(void)
{
	loops = 2;
}

static void add_loopback_tests(TCase *tc)
{
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, retry_after_is_honoured);
	tcase_add_test(tc, server_errors_retry_then_give_up);
	tcase_add_test(tc, bad_request_fails_at_once);
	tcase_add_test(tc, unauthorized_stops_the_run);
	tcase_add_test(tc, cut_stream_and_malformed_body_retry);
	tcase_add_test(tc, lane_cap_holds);
	tcase_add_test(tc, kept_connection_stays_watched);
	tcase_add_test(tc, stop_flag_cancels);
	tcase_add_test(tc, clock_starts_before_the_request_leaves);
	tcase_add_test(tc, unreachable_transfer_is_timed_from_its_start);
	tcase_add_test(tc, held_back_producer_goes_on_after_wake);
	tcase_add_test(tc, peer_closes_resting_connection);
	tcase_add_test(tc, dead_lane_fails_the_rest_unasked);
	tcase_add_test(tc, dead_lane_drains_at_once);
	tcase_add_test(tc, answered_lane_is_never_dead);
}

int main(void)
{
	Suite *s = suite_create("scheduler");
	TCase *tc = tcase_create("loopback");
	TCase *two = tcase_create("two loops");

	curl_global_init(CURL_GLOBAL_DEFAULT);
	tcase_add_test(tc, classification_table);
	tcase_add_test(tc, reply_is_timed_at_its_arrival);
	add_loopback_tests(tc);
	tcase_add_checked_fixture(two, two_loops, NULL);
	add_loopback_tests(two);
	suite_add_tcase(s, tc);
	suite_add_tcase(s, two);
	return tu_run(s);
}
