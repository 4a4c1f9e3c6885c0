/* What a broken endpoint does to `thinkbench run`, end to end over loopback:
 *   - one response no HTTP parser accepts (a 200 KB header, a garbage status
 *     line, an 11-digit status code, HTTP/0.9) fails that one sample after
 *     its retries; every other sample of every model finishes;
 *   - a base_url where nothing listens, or where connections are never
 *     accepted (a blackholed address), is reported once, its model stops
 *     early, and the run exits 3 while the good model finishes.
 * The bad responses come from a raw socket server in this file: no HTTP
 * library would send them. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "testutil.h"

/* The raw server gives up on its own after this long, whatever the test does. */
#define RAW_LIFETIME_S 300.0
/* The most of a request it reads: thinkbench's bodies are a few KB. */
#define RAW_REQUEST_MAX (256 * 1024)

static const tu_spawn split = {.split_stdout = 1};

/* A one-thread HTTP/1.1 server on 127.0.0.1 that answers every request with a
 * short chat completion and Connection: close, except a request whose body
 * holds both `model` and `marker`, which gets `hostile` as raw bytes. */
typedef struct raw_server {
	int fd;
	int port;
	const char *hostile;
	size_t hostile_len;
	const char *model, *marker;
	atomic_int stop;
	atomic_int requests, hostile_sent;
	pthread_t thread;
} raw_server;

static const char ok_body[] =
	"{\"id\":\"raw-1\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"message\":"
	"{\"role\":\"assistant\",\"content\":\"\\\\boxed{7}\"},\"finish_reason\":\"stop\"}],"
	"\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":3,\"total_tokens\":8}}";

static void send_all(int fd, const char *p, size_t n)
{
	/* the client may close early (it refuses a giant header): that is fine */
	while (n > 0) {
		ssize_t k = send(fd, p, n, MSG_NOSIGNAL);

		if (k <= 0)
			return;
		p += k;
		n -= (size_t)k;
	}
}

/* Reads one request (head and Content-Length body) into buf; its length, or
 * 0 when the client went away or sent more than fits. */
static size_t read_request(int fd, char *buf, size_t cap)
{
	size_t len = 0, want = 0;

	while (len + 1 < cap) {
		ssize_t k = recv(fd, buf + len, cap - 1 - len, 0);
		char *head_end;

		if (k <= 0)
			return 0;
		len += (size_t)k;
		buf[len] = '\0';
		head_end = strstr(buf, "\r\n\r\n");
		if (head_end && !want) {
			const char *cl = strcasestr(buf, "\r\ncontent-length:");

			want = (size_t)(head_end + 4 - buf) + (cl && cl < head_end ? strtoul(cl + 17, NULL, 10) : 0);
		}
		if (want && len >= want)
			return len;
	}
	return 0;
}

static void answer(raw_server *rs, int fd)
{
	char *req = malloc(RAW_REQUEST_MAX);
	char head[256];
	struct timeval tv = {.tv_sec = 5};

	ck_assert_ptr_nonnull(req);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (read_request(fd, req, RAW_REQUEST_MAX) > 0) {
		atomic_fetch_add(&rs->requests, 1);
		if (rs->hostile && strstr(req, rs->model) && strstr(req, rs->marker)) {
			atomic_fetch_add(&rs->hostile_sent, 1);
			send_all(fd, rs->hostile, rs->hostile_len);
		} else {
			snprintf(head, sizeof(head),
				 "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
				 "Connection: close\r\n\r\n",
				 strlen(ok_body));
			send_all(fd, head, strlen(head));
			send_all(fd, ok_body, strlen(ok_body));
		}
	}
	free(req);
	close(fd);
}

static void *raw_main(void *arg)
{
	raw_server *rs = arg;
	double until = tu_now_s() + RAW_LIFETIME_S;

	while (!atomic_load(&rs->stop) && tu_now_s() < until) {
		struct pollfd p = {.fd = rs->fd, .events = POLLIN};
		int c;

		if (poll(&p, 1, 100) <= 0)
			continue;
		c = accept(rs->fd, NULL, NULL);
		if (c >= 0)
			answer(rs, c);
	}
	return NULL;
}

static void raw_start(raw_server *rs)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);

	rs->fd = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(rs->fd, 0);
	ck_assert_int_eq(bind(rs->fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(listen(rs->fd, 64), 0);
	ck_assert_int_eq(getsockname(rs->fd, (struct sockaddr *)&a, &len), 0);
	rs->port = ntohs(a.sin_port);
	ck_assert_int_eq(pthread_create(&rs->thread, NULL, raw_main, rs), 0);
}

static void raw_stop(raw_server *rs)
{
	atomic_store(&rs->stop, 1);
	pthread_join(rs->thread, NULL);
	close(rs->fd);
}

/* ---- one bad response ------------------------------------------------------ */

typedef struct hostile_kind {
	const char *name;
	const char *head; /* the response up to the big header, or all of it */
	size_t big;       /* bytes of an X-Big header value after head; 0: none */
	const char *tail;
	const char *reason; /* in the sample's stored error */
} hostile_kind;

static const hostile_kind kinds[] = {
	{"200 KB header", "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Big: ", 200 * 1024,
	 "\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}", "header over 100 KB"},
	{"garbage status line", "GARBAGE\x01 LINE\r\n\r\n{}", 0, "", "HTTP/0.9"},
	{"11-digit status", "HTTP/1.1 20000000000 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}", 0, "",
	 "Unsupported response code"},
	{"HTTP/0.9", "{\"choices\": []}", 0, "", "HTTP/0.9"},
};

/* Three models on the raw server, six items each; model m-bad's item s03 gets
 * the bad response every time it is asked. */
START_TEST(one_bad_response_fails_one_sample)
{
	const hostile_kind *k = &kinds[_i];
	char suite[600], models[600], out[600], log[600], run[700], text[1024], sql[512];
	char *argv[] = {"thinkbench", "run", "--suite", suite, "--models", models, "--out", out,
			"--run-id", "bad", "--mode", "nothink", "--retries", "2", "-j", "4", "--quiet", NULL};
	size_t head = strlen(k->head), tail = strlen(k->tail);
	char *bytes = malloc(head + k->big + tail);
	raw_server rs = {.model = "m-bad", .marker = "What is 3 + 10?"};
	int rc;

	ck_assert_ptr_nonnull(bytes);
	memcpy(bytes, k->head, head);
	memset(bytes + head, 'a', k->big);
	memcpy(bytes + head + k->big, k->tail, tail);
	rs.hostile = bytes;
	rs.hostile_len = head + k->big + tail;
	raw_start(&rs);
	snprintf(suite, sizeof(suite), "%s/sums.jsonl", tu_dir);
	snprintf(models, sizeof(models), "%s/models.json", tu_dir);
	snprintf(out, sizeof(out), "%s/results", tu_dir);
	snprintf(log, sizeof(log), "%s/run.log", tu_dir);
	snprintf(run, sizeof(run), "%s/bad", out);
	tu_write_suite(suite, 6, 2, 0);
	snprintf(text, sizeof(text),
		 "{\"models\": ["
		 "{\"id\": \"m-ok1\", \"base_url\": \"http://127.0.0.1:%d/v1\", \"dialect\": \"vllm\", \"api_key_env\": \"TB_TEST_NO_KEY\"},"
		 "{\"id\": \"m-bad\", \"base_url\": \"http://127.0.0.1:%d/v1\", \"dialect\": \"vllm\", \"api_key_env\": \"TB_TEST_NO_KEY\"},"
		 "{\"id\": \"m-ok2\", \"base_url\": \"http://127.0.0.1:%d/v1\", \"dialect\": \"vllm\", \"api_key_env\": \"TB_TEST_NO_KEY\"}]}\n",
		 rs.port, rs.port, rs.port);
	tu_write_file(models, text);

	rc = tu_run_tb(argv, log, &split, 120);
	raw_stop(&rs);
	free(bytes);
	ck_assert_msg(rc == 3, "%s: exit %d", k->name, rc);
	tu_integrity_ok(run);
	ck_assert_int_eq(tu_query_long(run, "SELECT count(*) FROM samples"), 18);
	/* the one sample: an error with its reason, after the usual retries */
	ck_assert_int_eq(tu_query_long(run, "SELECT count(*) FROM samples WHERE outcome = 'error'"), 1);
	snprintf(sql, sizeof(sql),
		 "SELECT count(*) FROM samples WHERE outcome = 'error' AND model = 'm-bad' AND item_id = 's03'"
		 " AND attempts = 2 AND instr(error, '%s') > 0",
		 k->reason);
	ck_assert_msg(tu_query_long(run, sql) == 1, "%s: the error is not m-bad's s03 after 2 attempts with '%s'",
		      k->name, k->reason);
	ck_assert_int_eq(atomic_load(&rs.hostile_sent), 2);
	/* every other sample of every model finished */
	ck_assert_int_eq(tu_query_long(run, "SELECT count(*) FROM samples WHERE outcome = 'incorrect'"
					    " OR outcome = 'correct'"),
			 17);
}
END_TEST

/* ---- a dead endpoint ------------------------------------------------------- */

/* A port that takes no connection: its accept queue (of one) is filled and
 * never served, so the kernel drops every further SYN and a connect waits
 * until the client gives up. The caller closes fds[0..2]. */
static int blackhole_port(int fds[3])
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);

	fds[0] = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(fds[0], 0);
	ck_assert_int_eq(bind(fds[0], (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(listen(fds[0], 0), 0);
	ck_assert_int_eq(getsockname(fds[0], (struct sockaddr *)&a, &len), 0);
	for (int i = 1; i < 3; i++) {
		fds[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		ck_assert_int_ge(fds[i], 0);
		connect(fds[i], (struct sockaddr *)&a, sizeof(a));
	}
	usleep(200 * 1000);
	return ntohs(a.sin_port);
}

static const struct dead_case {
	const char *name;
	int blackhole;         /* else nothing listens */
	const char *curl_says; /* once on stderr */
	const char *like;      /* every sample's error, as SQL LIKE */
} dead_cases[] = {
	{"refused", 0, "Couldn't connect to server", "%Couldn''t connect to server%"},
	{"blackholed", 1, "timed out", "%timed out%"},
};

START_TEST(dead_endpoint_is_reported)
{
	enum { ITEMS = 20 };
	const struct dead_case *c = &dead_cases[_i];
	char suite[600], models[600], out[600], log[600], so[700], run[700], text[1024], like[200];
	char *argv[] = {"thinkbench", "run", "--suite", suite, "--models", models, "--out", out,
			"--run-id", "dead", "--mode", "nothink", "--retries", "3", "-j", "4", "--quiet", NULL};
	int port = tu_free_port(), rc, dead_port = 9, hole[3] = {-1, -1, -1};
	char *err_text, *out_text;
	pid_t sim;

	snprintf(suite, sizeof(suite), "%s/sums.jsonl", tu_dir);
	snprintf(models, sizeof(models), "%s/models.json", tu_dir);
	snprintf(out, sizeof(out), "%s/results", tu_dir);
	snprintf(log, sizeof(log), "%s/run.log", tu_dir);
	snprintf(so, sizeof(so), "%s.stdout", log);
	snprintf(run, sizeof(run), "%s/dead", out);
	tu_write_suite(suite, ITEMS, 2, 0);
	if (c->blackhole)
		dead_port = blackhole_port(hole);
	/* a short timeout: each attempt at the blackhole waits it out */
	snprintf(text, sizeof(text),
		 "{\"models\": ["
		 "{\"id\": \"gone/model\", \"base_url\": \"http://127.0.0.1:%d/v1\", \"dialect\": \"sim\", \"api_key_env\": \"TB_TEST_NO_KEY\", \"timeout_s\": 1},"
		 "{\"id\": \"qwen/qwen3-14b\", \"base_url\": \"http://127.0.0.1:%d/v1\", \"dialect\": \"sim\", \"api_key_env\": \"TB_TEST_NO_KEY\"}]}\n",
		 dead_port, port);
	tu_write_file(models, text);
	sim = tu_start_sim(tu_dir, port, suite, "--time-scale 0.01");

	rc = tu_run_tb(argv, log, &split, 120);
	ck_assert_int_eq(tu_sim_requests(port), ITEMS);
	tu_stop_sim(sim);
	for (int i = 0; i < 3; i++)
		if (hole[i] >= 0)
			close(hole[i]);
	err_text = tu_read_file(log, NULL);
	out_text = tu_read_file(so, NULL);
	ck_assert_ptr_nonnull(err_text);
	ck_assert_ptr_nonnull(out_text);
	ck_assert_msg(rc == 3, "%s: exit %d: %s", c->name, rc, err_text);
	/* said once on stderr, and again under the summary */
	ck_assert_msg(tu_count(err_text, c->curl_says) == 1, "%s: stderr: %s", c->name, err_text);
	ck_assert_msg(strstr(err_text, "gone/model") != NULL, "stderr: %s", err_text);
	ck_assert_msg(strstr(out_text, "gone/model: endpoint unreachable: ") != NULL, "stdout: %s", out_text);
	free(err_text);
	free(out_text);

	tu_integrity_ok(run);
	ck_assert_int_eq(tu_query_long(run, "SELECT count(*) FROM samples WHERE model = 'qwen/qwen3-14b'"
					    " AND outcome != 'error'"),
			 ITEMS);
	snprintf(like, sizeof(like),
		 "SELECT count(*) FROM samples WHERE model = 'gone/model' AND outcome = 'error' AND error LIKE '%s'",
		 c->like);
	ck_assert_int_eq(tu_query_long(run, like), ITEMS);
	/* three samples decide; at most four more were in flight and four waited
	 * to retry: the rest were never asked */
	ck_assert_int_ge(tu_query_long(run, "SELECT count(*) FROM samples WHERE model = 'gone/model'"
					    " AND attempts = 0"),
			 ITEMS - 3 - 2 * 4);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("transport_faults");
	TCase *tc = tcase_create("loopback");

	tcase_add_checked_fixture(tc, tu_dir_setup, tu_dir_teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_loop_test(tc, one_bad_response_fails_one_sample, 0, (int)(sizeof(kinds) / sizeof(kinds[0])));
	tcase_add_loop_test(tc, dead_endpoint_is_reported, 0, (int)(sizeof(dead_cases) / sizeof(dead_cases[0])));
	suite_add_tcase(s, tc);
	return tu_run(s);
}
