/* thinkbench run end to end, over loopback against the simulator: a full run
 * of the three seed models in both modes; faults at 20% with nothing lost;
 * SIGKILL and --resume asking only for what was not stored; SIGINT; bad input;
 * and no trace of the API key in anything a run writes. */
#include <curl/curl.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "rc.h"
#include "store.h"
#include "testutil.h"

#define CANARY "sk-or-v1-canary-5f1e2d3c4b5a69788796a5b4c3d2e1f0"

static char *dir;

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

/* A suite of n sums, graded by the regex grader on \boxed{}. */
static void write_suite(const char *path, int n)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	fputs("{\"suite\": {\"name\": \"sums\", \"template\": \"{prompt} Put the answer in \\\\boxed{}.\","
	      " \"grader\": {\"type\": \"regex\", \"pattern\": \"\\\\\\\\boxed\\\\{([^{}]*)\\\\}\","
	      " \"normalize\": [\"trim\", \"number\"]}}}\n", f);
	for (int i = 0; i < n; i++)
		fprintf(f, "{\"id\": \"s%03d\", \"prompt\": \"What is %d + %d?\", \"answer\": %d}\n", i, i, i + 7, 2 * i + 7);
	fclose(f);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Starts the thinkbench program with output to out_path. */
static pid_t spawn_tb(char *const argv[], const char *out_path, const char *key)
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (fd < 0)
			_exit(120);
		dup2(fd, 1);
		dup2(fd, 2);
		if (key)
			setenv("OPENROUTER_API_KEY", key, 1);
		else
			unsetenv("OPENROUTER_API_KEY");
		execv(TB_BINARY, argv);
		_exit(121);
	}
	return pid;
}

/* Waits at most timeout_s; kills the child and fails the test past it. */
static int wait_tb(pid_t pid, double timeout_s)
{
	double end = now_s() + timeout_s;
	int status;

	while (now_s() < end) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		usleep(20000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	ck_abort_msg("thinkbench did not finish within %.0f s", timeout_s);
	return -1;
}

static int run_tb(char *const argv[], const char *out_path, const char *key, double timeout_s)
{
	return wait_tb(spawn_tb(argv, out_path, key), timeout_s);
}

static int free_port(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	close(fd);
	return ntohs(a.sin_port);
}

static size_t collect(char *p, size_t size, size_t n, void *ud)
{
	strncat(ud, p, size * n < 4000 - strlen(ud) ? size * n : 4000 - strlen(ud));
	return size * n;
}

/* The simulator's request count, or -1 when it does not answer. */
static long sim_requests(int port)
{
	char url[128], body[4096] = "";
	CURL *c = curl_easy_init();
	json_t *j;
	long n = -1;

	snprintf(url, sizeof(url), "http://127.0.0.1:%d/sim/stats", port);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, body);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 5L);
	if (curl_easy_perform(c) == CURLE_OK && (j = json_loads(body, 0, NULL)) != NULL) {
		n = (long)json_integer_value(json_object_get(j, "requests"));
		json_decref(j);
	}
	curl_easy_cleanup(c);
	return n;
}

/* `thinkbench sim` as a separate process, ready when its stats answer. */
static pid_t start_sim(int port, const char *suite, const char *extra)
{
	char cmd[2048], log[600];
	pid_t pid;

	snprintf(log, sizeof(log), "%s/sim.log", dir);
	snprintf(cmd, sizeof(cmd), "exec '%s' sim --port %d --suite '%s' --seed 3 %s", TB_BINARY, port, suite, extra);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		dup2(fd, 1);
		dup2(fd, 2);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(121);
	}
	for (int i = 0; i < 250 && sim_requests(port) < 0; i++)
		usleep(20000);
	ck_assert_int_ge(sim_requests(port), 0);
	return pid;
}

static void stop_sim(pid_t pid)
{
	int status;

	kill(pid, SIGTERM);
	waitpid(pid, &status, 0);
}

static void write_models(const char *path, int port, const char *key_env)
{
	char text[1024];

	snprintf(text, sizeof(text),
		 "{\"models\": [{\"id\": \"qwen/qwen3-14b\", \"base_url\": \"http://127.0.0.1:%d/v1\", \"dialect\": \"sim\"%s%s%s}]}\n",
		 port, key_env ? ", \"api_key_env\": \"" : "", key_env ? key_env : "", key_env ? "\"" : "");
	if (!key_env) {
		/* The seed entry names OPENROUTER_API_KEY: say there is no key. */
		snprintf(text, sizeof(text),
			 "{\"models\": [{\"id\": \"qwen/qwen3-14b\", \"base_url\": \"http://127.0.0.1:%d/v1\", \"dialect\": \"sim\", \"api_key_env\": \"TB_TEST_NO_KEY\"}]}\n",
			 port);
		setenv("TB_TEST_NO_KEY", "none", 1);
	}
	write_file(path, text);
}

static long stored(const char *run_dir)
{
	char path[700], err[256];
	tb_store *st;
	long n;

	snprintf(path, sizeof(path), "%s/store.sqlite", run_dir);
	if (store_open(path, 1, &st, err, sizeof(err)) != TB_OK)
		return 0;
	n = store_count_samples(st);
	store_close(st);
	return n;
}

static long query_long(const char *run_dir, const char *sql)
{
	char path[700];
	sqlite3 *db;
	sqlite3_stmt *stmt;
	long v = -1;

	snprintf(path, sizeof(path), "%s/store.sqlite", run_dir);
	ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), SQLITE_OK);
	if (sqlite3_step(stmt) == SQLITE_ROW)
		v = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return v;
}

static void integrity_ok(const char *run_dir)
{
	char path[700];
	sqlite3 *db;
	sqlite3_stmt *stmt;

	snprintf(path, sizeof(path), "%s/store.sqlite", run_dir);
	ck_assert_int_eq(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &stmt, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(stmt), SQLITE_ROW);
	ck_assert_str_eq((const char *)sqlite3_column_text(stmt, 0), "ok");
	sqlite3_finalize(stmt);
	sqlite3_close(db);
}

static int file_contains(const char *path, const char *needle)
{
	size_t len = 0;
	char *text = tu_read_file(path, &len);
	int found = 0;

	if (!text)
		return 0;
	for (size_t i = 0; i + strlen(needle) <= len && !found; i++)
		found = memcmp(text + i, needle, strlen(needle)) == 0;
	free(text);
	return found;
}

START_TEST(full_run_all_seed_models)
{
	char suite[600], out[600], log[600], run[700], csv[800];
	char *argv[] = {"thinkbench", "run", "--suite", suite, "--out", out, "--run-id", "full",
			"-j", "16", "--sim-time-scale", "0", "--quiet", NULL};
	char *rep[] = {"thinkbench", "report", run, "--format", "csv", NULL};
	char *text;

	snprintf(suite, sizeof(suite), "%s/sums.jsonl", dir);
	snprintf(out, sizeof(out), "%s/results", dir);
	snprintf(log, sizeof(log), "%s/run.log", dir);
	snprintf(run, sizeof(run), "%s/full", out);
	write_suite(suite, 25);
	ck_assert_int_eq(run_tb(argv, log, NULL, 120), 0);
	text = tu_read_file(log, NULL);
	ck_assert_ptr_nonnull(text);
	ck_assert_msg(strstr(text, "SIMULATED RUN") != NULL, "%s", text);
	ck_assert_msg(strstr(text, "not supported") != NULL, "%s", text);
	free(text);
	/* qwen3-14b in two modes, qwq-32b think, qwen3-vl nothink. */
	ck_assert_int_eq(stored(run), 25 * 4);
	ck_assert_int_eq(query_long(run, "SELECT count(*) FROM cells"), 6);
	ck_assert_int_eq(query_long(run, "SELECT count(*) FROM cells WHERE status = 'not_supported'"), 2);
	ck_assert_int_eq(query_long(run, "SELECT count(*) FROM samples WHERE model = 'qwen/qwq-32b' AND mode = 'nothink'"), 0);
	ck_assert_int_eq(query_long(run, "SELECT count(*) FROM samples WHERE outcome = 'error'"), 0);
	ck_assert_int_gt(query_long(run, "SELECT count(*) FROM samples WHERE outcome = 'correct'"), 50);
	ck_assert_int_gt(query_long(run, "SELECT count(*) FROM samples WHERE outcome = 'incorrect'"), 0);
	ck_assert_int_eq(query_long(run, "SELECT count(*) FROM samples WHERE mode = 'think' AND ttft_ms IS NULL"), 0);
	ck_assert_int_gt(query_long(run, "SELECT min(reasoning_tokens) FROM samples WHERE mode = 'think'"), 0);
	integrity_ok(run);

	snprintf(log, sizeof(log), "%s/report.log", dir);
	ck_assert_int_eq(run_tb(rep, log, NULL, 60), 0);
	snprintf(csv, sizeof(csv), "%s/samples.csv", run);
	ck_assert(file_contains(csv, "run_id,suite,item_id,model,mode,budget,sample,outcome"));
	snprintf(csv, sizeof(csv), "%s/summary.csv", run);
	ck_assert(file_contains(csv, "not_supported"));
}
END_TEST

START_TEST(code_answers_graded_in_the_sandbox_pool)
{
	char suite[600], out[600], log[600], run[700];
	char *argv[] = {"thinkbench", "run", "--suite", suite, "--out", out, "--run-id", "code",
			"--model", "qwen/qwen3-14b", "--samples", "3", "-j", "16", "--sim-time-scale", "0",
			"--quiet", NULL};
	FILE *f;

	snprintf(suite, sizeof(suite), "%s/code.jsonl", dir);
	snprintf(out, sizeof(out), "%s/results", dir);
	snprintf(log, sizeof(log), "%s/run.log", dir);
	snprintf(run, sizeof(run), "%s/code", out);
	f = fopen(suite, "wb");
	ck_assert_ptr_nonnull(f);
	for (int i = 0; i < 8; i++)
		fprintf(f, "{\"id\": \"c%d\", \"prompt\": \"Write add%d(a, b) in Python.\", "
			   "\"grader\": {\"type\": \"exec\", \"language\": \"python\", \"entry_point\": \"add%d\", "
			   "\"tests\": \"assert add%d(1, 2) == 3\\nassert add%d(-5, 5) == 0\\n\"}, "
			   "\"reference\": \"def add%d(a, b):\\n    return a + b\\n\", "
			   "\"wrong_reference\": \"def add%d(a, b):\\n    return a - b\\n\"}\n",
			i, i, i, i, i, i, i);
	fclose(f);
	ck_assert_int_eq(run_tb(argv, log, NULL, 180), 0);
	ck_assert_int_eq(stored(run), 8 * 2 * 3);
	ck_assert_int_eq(query_long(run, "SELECT count(*) FROM samples WHERE outcome = 'error'"), 0);
	ck_assert_int_gt(query_long(run, "SELECT count(*) FROM samples WHERE outcome = 'correct' AND grader = 'exec'"), 10);
	ck_assert_int_gt(query_long(run, "SELECT count(*) FROM samples WHERE outcome = 'incorrect' AND extracted = 'fail:wrong'"), 0);
}
END_TEST

/* The progress line is drawn only on a terminal: run under script(1)'s pty. */
START_TEST(progress_line_only_on_a_terminal)
{
	char suite[600], out[600], log[600], cmd[2400];
	char *text;

	snprintf(suite, sizeof(suite), "%s/sums.jsonl", dir);
	snprintf(out, sizeof(out), "%s/results", dir);
	snprintf(log, sizeof(log), "%s/tty.log", dir);
	write_suite(suite, 30);
	snprintf(cmd, sizeof(cmd),
		 "env -u OPENROUTER_API_KEY script -qec \"'%s' run --suite '%s' --out '%s' --model qwen/qwen3-14b "
		 "--sim-time-scale 0.01 -j 4 --no-summary\" /dev/null > '%s' 2>&1",
		 TB_BINARY, suite, out, log);
	ck_assert_int_eq(system(cmd), 0);
	text = tu_read_file(log, NULL);
	ck_assert_ptr_nonnull(text);
	ck_assert_msg(strstr(text, "/60  acc ") && strstr(text, "req/s") && strstr(text, "errors 0") &&
			      strstr(text, "ETA"), "no progress line in: %s", text);
	free(text);

	/* Not a terminal: no progress line at all. */
	snprintf(cmd, sizeof(cmd),
		 "env -u OPENROUTER_API_KEY '%s' run --suite '%s' --out '%s' --model qwen/qwen3-14b "
		 "--sim-time-scale 0 -j 4 --no-summary > '%s' 2>&1", TB_BINARY, suite, out, log);
	ck_assert_int_eq(system(cmd), 0);
	text = tu_read_file(log, NULL);
	ck_assert_ptr_nonnull(text);
	ck_assert_msg(!strstr(text, "req/s") && !strchr(text, '\r'), "a progress line without a terminal: %s", text);
	free(text);
}
END_TEST

START_TEST(faults_lose_nothing)
{
	char suite[600], out[600], log[600], run[700], models[600];
	int port = free_port();
	char *argv[] = {"thinkbench", "run", "--suite", suite, "--models", models, "--out", out,
			"--run-id", "faults", "-j", "32", "--retries", "10", "--stall", "1", "--quiet", NULL};
	pid_t sim;
	long total = 150 * 2;

	snprintf(suite, sizeof(suite), "%s/sums.jsonl", dir);
	snprintf(out, sizeof(out), "%s/results", dir);
	snprintf(log, sizeof(log), "%s/run.log", dir);
	snprintf(run, sizeof(run), "%s/faults", out);
	snprintf(models, sizeof(models), "%s/models.json", dir);
	write_suite(suite, 150);
	write_models(models, port, NULL);
	/* Seven kinds at 3% each: about 20% of requests fail somehow. */
	sim = start_sim(port, suite,
			"--time-scale 0 --fault-429 0.03 --fault-5xx 0.03 --fault-stall 0.03 --stall-seconds 3 "
			"--fault-reset 0.03 --fault-malformed 0.03 --fault-cut 0.03 --fault-midstream 0.03 --retry-after 1");
	{
		int rc = run_tb(argv, log, NULL, 300);

		ck_assert_msg(rc == 0 || rc == 3, "exit %d", rc);
	}
	ck_assert_int_eq(stored(run), total);
	/* Every sample is graded or an error with its reason and attempts. */
	ck_assert_int_eq(query_long(run, "SELECT count(*) FROM samples WHERE outcome NOT IN "
				    "('correct','incorrect','no_answer','truncated','error')"), 0);
	ck_assert_int_eq(query_long(run, "SELECT count(*) FROM samples WHERE outcome = 'error' AND (error = '' OR attempts < 1)"), 0);
	ck_assert_int_gt(query_long(run, "SELECT count(*) FROM samples WHERE attempts > 1"), 20);
	ck_assert_int_eq(query_long(run, "SELECT count(*) FROM (SELECT 1 FROM samples GROUP BY suite, item_id, model, mode, budget, sample HAVING count(*) > 1)"), 0);
	/* Retries cost requests: the simulator saw more than one per sample. */
	ck_assert_int_gt(sim_requests(port), total);
	integrity_ok(run);
	stop_sim(sim);
}
END_TEST

START_TEST(kill_and_resume_ask_only_for_missing)
{
	char suite[600], out[600], log[600], run[700], models[600];
	int port = free_port();
	char *argv[] = {"thinkbench", "run", "--suite", suite, "--models", models, "--out", out,
			"--run-id", "killed", "-j", "8", "--quiet", NULL};
	char *resume[] = {"thinkbench", "run", "--resume", run, "-j", "16", "--quiet", NULL};
	long total = 120 * 2, before, asked_before, asked_after;
	pid_t sim, pid;
	int status;

	snprintf(suite, sizeof(suite), "%s/sums.jsonl", dir);
	snprintf(out, sizeof(out), "%s/results", dir);
	snprintf(log, sizeof(log), "%s/run.log", dir);
	snprintf(run, sizeof(run), "%s/killed", out);
	snprintf(models, sizeof(models), "%s/models.json", dir);
	write_suite(suite, 120);
	write_models(models, port, NULL);
	sim = start_sim(port, suite, "--time-scale 0.01");
	pid = spawn_tb(argv, log, NULL);
	for (int i = 0; i < 1500 && stored(run) < 40; i++)
		usleep(10000);
	ck_assert_int_ge(stored(run), 40);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	ck_assert(WIFSIGNALED(status));
	integrity_ok(run);
	before = stored(run);
	ck_assert_int_lt(before, total);
	asked_before = sim_requests(port);

	ck_assert_int_eq(run_tb(resume, log, NULL, 300), 0);
	asked_after = sim_requests(port);
	ck_assert_int_eq(stored(run), total);
	/* Exactly the samples not stored were asked again; none stored twice. */
	ck_assert_int_eq(asked_after - asked_before, total - before);
	ck_assert_int_eq(query_long(run, "SELECT count(DISTINCT item_id || mode) FROM samples"), total);
	integrity_ok(run);
	stop_sim(sim);
}
END_TEST

START_TEST(sigint_saves_and_exits_130)
{
	char suite[600], out[600], log[600], run[700], models[600];
	int port = free_port();
	char *argv[] = {"thinkbench", "run", "--suite", suite, "--models", models, "--out", out,
			"--run-id", "int", "-j", "4", "--quiet", NULL};
	pid_t sim, pid;

	snprintf(suite, sizeof(suite), "%s/sums.jsonl", dir);
	snprintf(out, sizeof(out), "%s/results", dir);
	snprintf(log, sizeof(log), "%s/run.log", dir);
	snprintf(run, sizeof(run), "%s/int", out);
	snprintf(models, sizeof(models), "%s/models.json", dir);
	write_suite(suite, 100);
	write_models(models, port, NULL);
	sim = start_sim(port, suite, "--time-scale 0.01");
	pid = spawn_tb(argv, log, NULL);
	for (int i = 0; i < 1500 && stored(run) < 5; i++)
		usleep(10000);
	kill(pid, SIGINT);
	ck_assert_int_eq(wait_tb(pid, 30), 130);
	ck_assert_int_gt(stored(run), 0);
	ck_assert_int_lt(stored(run), 200);
	ck_assert_int_eq(query_long(run, "SELECT count(*) FROM run WHERE status = 'interrupted'"), 1);
	integrity_ok(run);
	stop_sim(sim);
}
END_TEST

/* Every file under a folder, recursively, must not hold the canary. */
static void no_canary_under(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL) {
		char full[1200];
		struct stat st;

		if (e->d_name[0] == '.')
			continue;
		snprintf(full, sizeof(full), "%s/%s", path, e->d_name);
		ck_assert_int_eq(stat(full, &st), 0);
		if (S_ISDIR(st.st_mode))
			no_canary_under(full);
		else
			ck_assert_msg(!file_contains(full, CANARY) && !file_contains(full, "canary-5f1e"),
				      "the API key is in %s", full);
	}
	closedir(d);
}

START_TEST(api_key_never_written)
{
	char suite[600], out[600], log[600], run[700], models[600], replog[600];
	int port = free_port();
	char *argv[] = {"thinkbench", "run", "--suite", suite, "--models", models, "--out", out,
			"--run-id", "secret", "-j", "8", NULL};
	char *rep[] = {"thinkbench", "report", run, "--format", "text,csv", NULL};
	pid_t sim;

	snprintf(suite, sizeof(suite), "%s/sums.jsonl", dir);
	snprintf(out, sizeof(out), "%s/results", dir);
	snprintf(log, sizeof(log), "%s/run.log", dir);
	snprintf(replog, sizeof(replog), "%s/report.log", dir);
	snprintf(run, sizeof(run), "%s/secret", out);
	snprintf(models, sizeof(models), "%s/models.json", dir);
	write_suite(suite, 20);
	write_models(models, port, "OPENROUTER_API_KEY");
	/* Faults put error bodies and retries through the paths that log. */
	sim = start_sim(port, suite, "--time-scale 0 --fault-5xx 0.2 --fault-429 0.1");
	{
		int rc = run_tb(argv, log, CANARY, 120);

		ck_assert_msg(rc == 0 || rc == 3, "exit %d", rc);
	}
	ck_assert_int_eq(run_tb(rep, replog, CANARY, 60), 0);
	ck_assert_int_eq(stored(run), 40);
	no_canary_under(out);
	ck_assert(!file_contains(log, "canary-5f1e"));
	ck_assert(!file_contains(replog, "canary-5f1e"));
	stop_sim(sim);
}
END_TEST

START_TEST(bad_input_exits_2_and_writes_nothing)
{
	char suite[600], out[600], log[600], bad[600];
	char *unknown_model[] = {"thinkbench", "run", "--suite", suite, "--out", out, "--model", "no/such", NULL};
	char *bad_mode[] = {"thinkbench", "run", "--suite", suite, "--out", out, "--mode", "sometimes", NULL};
	char *bad_suite[] = {"thinkbench", "run", "--suite", bad, "--out", out, NULL};
	char *bad_flag[] = {"thinkbench", "run", "--suite", suite, "--out", out, "--frobnicate", NULL};
	char *bad_jobs[] = {"thinkbench", "run", "--suite", suite, "--out", out, "-j", "0", NULL};
	char *const *cases[] = {unknown_model, bad_mode, bad_suite, bad_flag, bad_jobs};
	struct stat st;

	snprintf(suite, sizeof(suite), "%s/sums.jsonl", dir);
	snprintf(bad, sizeof(bad), "%s/bad.jsonl", dir);
	snprintf(out, sizeof(out), "%s/results", dir);
	snprintf(log, sizeof(log), "%s/run.log", dir);
	write_suite(suite, 3);
	write_file(bad, "{\"id\": \"a\", \"prompt\": \"x\"}\n{\"id\": \"a\", \"prompt\": \"y\"}\n");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *text;
		int lines = 0;

		ck_assert_int_eq(run_tb(cases[i], log, NULL, 30), 2);
		text = tu_read_file(log, NULL);
		ck_assert_ptr_nonnull(text);
		for (char *p = text; *p; p++)
			lines += *p == '\n';
		ck_assert_msg(lines == 1 && strncmp(text, "thinkbench: error: ", 19) == 0,
			      "case %zu: expected one error line, got '%s'", i, text);
		free(text);
		ck_assert_int_ne(stat(out, &st), 0);
	}
}
END_TEST

static void setup(void)
{
	dir = tu_mkdtemp();
	ck_assert_ptr_nonnull(dir);
}

static void teardown(void)
{
	tu_rmtree(dir);
	free(dir);
}

int main(void)
{
	Suite *s = suite_create("run");
	TCase *tc = tcase_create("loopback");

	curl_global_init(CURL_GLOBAL_DEFAULT);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, full_run_all_seed_models);
	tcase_add_test(tc, code_answers_graded_in_the_sandbox_pool);
	tcase_add_test(tc, progress_line_only_on_a_terminal);
	tcase_add_test(tc, faults_lose_nothing);
	tcase_add_test(tc, kill_and_resume_ask_only_for_missing);
	tcase_add_test(tc, sigint_saves_and_exits_130);
	tcase_add_test(tc, api_key_never_written);
	tcase_add_test(tc, bad_input_exits_2_and_writes_nothing);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
