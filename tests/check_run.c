/* thinkbench run end to end, over loopback against the simulator: a full run
 * of the three seed models in both modes; faults at 20% with nothing lost;
 * SIGKILL and --resume asking only for what was not stored; SIGINT; bad input;
 * and no trace of the API key in anything a run writes. */
#include <curl/curl.h>
#include <arpa/inet.h>
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rc.h"
#include "scheduler.h"
#include "testutil.h"

#define CANARY "sk-or-v1-canary-5f1e2d3c4b5a69788796a5b4c3d2e1f0"

/* The key a run is given, to look for in everything it writes. */
static const tu_spawn with_key = {.api_key = CANARY};

#define METRICS_SQL "SELECT * FROM sample_metrics ORDER BY suite, item_id, model, mode, budget, sample"
#define VERDICTS_SQL                                                                                        \
	"SELECT suite, item_id, model, mode, budget, sample, outcome, extracted, grade_reason, grader"        \
	" FROM samples ORDER BY suite, item_id, model, mode, budget, sample"

START_TEST(full_run_all_seed_models)
{
	char suite[600], out[600], log[600], run[700], csv[800];
	char *argv[] = {"thinkbench", "run", "--suite", suite, "--out", out, "--run-id", "full",
			"-j", "16", "--sim-time-scale", "0", "--quiet", NULL};
	char *rep[] = {"thinkbench", "report", run, "--format", "csv", NULL};
	char *regrade[] = {"thinkbench", "grade", run, "--from-store", "--quiet", NULL};
	char *text, *live, *whole, *verdicts, *regraded;

	snprintf(suite, sizeof(suite), "%s/sums.jsonl", tu_dir);
	snprintf(out, sizeof(out), "%s/results", tu_dir);
	snprintf(log, sizeof(log), "%s/run.log", tu_dir);
	snprintf(run, sizeof(run), "%s/full", out);
	tu_write_suite(suite, 25, 3, 0);
	ck_assert_int_eq(tu_run_tb(argv, log, NULL, 120), 0);
	text = tu_read_file(log, NULL);
	ck_assert_ptr_nonnull(text);
	ck_assert_msg(strstr(text, "SIMULATED RUN") != NULL, "%s", text);
	ck_assert_msg(strstr(text, "not supported") != NULL, "%s", text);
	free(text);
	/* qwen3-14b in two modes, qwq-32b think, qwen3-vl nothink. */
	ck_assert_int_eq(tu_stored(run), 25 * 4);
	ck_assert_int_eq(tu_query_long(run, "SELECT count(*) FROM cells"), 6);
	ck_assert_int_eq(tu_query_long(run, "SELECT count(*) FROM cells WHERE status = 'not_supported'"), 2);
	ck_assert_int_eq(tu_query_long(run, "SELECT count(*) FROM samples WHERE model = 'qwen/qwq-32b' AND mode = 'nothink'"), 0);
	ck_assert_int_eq(tu_query_long(run, "SELECT count(*) FROM samples WHERE outcome = 'error'"), 0);
	ck_assert_int_gt(tu_query_long(run, "SELECT count(*) FROM samples WHERE outcome = 'correct'"), 50);
	ck_assert_int_gt(tu_query_long(run, "SELECT count(*) FROM samples WHERE outcome = 'incorrect'"), 0);
	ck_assert_int_eq(tu_query_long(run, "SELECT count(*) FROM samples WHERE mode = 'think' AND ttft_ms IS NULL"), 0);
	ck_assert_int_gt(tu_query_long(run, "SELECT min(reasoning_tokens) FROM samples WHERE mode = 'think'"), 0);
	tu_integrity_ok(run);
	/* Graded as `grade --from-store` grades the items read back, and each
	 * sample's thinking measured as its grade was stored as a pass over the
	 * whole store measures it. */
	ck_assert_int_eq(tu_query_long(run, "SELECT count(*) FROM items"), 25);
	ck_assert_int_eq(tu_query_long(run, "SELECT count(*) FROM sample_metrics"), 25 * 4);
	ck_assert_int_gt(tu_query_long(run, "SELECT count(*) FROM sample_metrics WHERE first_correct_tokens >= 0"), 0);
	live = tu_query_text(run, METRICS_SQL);
	verdicts = tu_query_text(run, VERDICTS_SQL);
	snprintf(log, sizeof(log), "%s/grade.log", tu_dir);
	ck_assert_int_eq(tu_run_tb(regrade, log, NULL, 60), 0);
	whole = tu_query_text(run, METRICS_SQL);
	regraded = tu_query_text(run, VERDICTS_SQL);
	ck_assert_str_eq(live, whole);
	ck_assert_str_eq(verdicts, regraded);
	free(live);
	free(whole);
	free(verdicts);
	free(regraded);

	snprintf(log, sizeof(log), "%s/report.log", tu_dir);
	ck_assert_int_eq(tu_run_tb(rep, log, NULL, 60), 0);
	snprintf(csv, sizeof(csv), "%s/samples.csv", run);
	ck_assert(tu_file_contains(csv, "run_id,suite,item_id,model,mode,budget,sample,outcome"));
	snprintf(csv, sizeof(csv), "%s/summary.csv", run);
	ck_assert(tu_file_contains(csv, "not_supported"));
}
END_TEST

START_TEST(code_answers_graded_in_the_sandbox_pool)
{
	char suite[600], out[600], log[600], run[700];
	char *argv[] = {"thinkbench", "run", "--suite", suite, "--out", out, "--run-id", "code",
			"--model", "qwen/qwen3-14b", "--samples", "3", "-j", "16", "--sim-time-scale", "0",
			"--quiet", NULL};
	FILE *f;

	snprintf(suite, sizeof(suite), "%s/code.jsonl", tu_dir);
	snprintf(out, sizeof(out), "%s/results", tu_dir);
	snprintf(log, sizeof(log), "%s/run.log", tu_dir);
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
	ck_assert_int_eq(tu_run_tb(argv, log, NULL, 180), 0);
	ck_assert_int_eq(tu_stored(run), 8 * 2 * 3);
	ck_assert_int_eq(tu_query_long(run, "SELECT count(*) FROM samples WHERE outcome = 'error'"), 0);
	ck_assert_int_gt(tu_query_long(run, "SELECT count(*) FROM samples WHERE outcome = 'correct' AND grader = 'exec'"), 10);
	ck_assert_int_gt(tu_query_long(run, "SELECT count(*) FROM samples WHERE outcome = 'incorrect' AND extracted = 'fail:wrong'"), 0);
}
END_TEST

/* The progress line is drawn only on a terminal: run under script(1)'s pty. */
START_TEST(progress_line_only_on_a_terminal)
{
	char suite[600], out[600], log[600], cmd[2400];
	char *text;

	snprintf(suite, sizeof(suite), "%s/sums.jsonl", tu_dir);
	snprintf(out, sizeof(out), "%s/results", tu_dir);
	snprintf(log, sizeof(log), "%s/tty.log", tu_dir);
	tu_write_suite(suite, 30, 3, 0);
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
	int port = tu_free_port();
	char *argv[] = {"thinkbench", "run", "--suite", suite, "--models", models, "--out", out,
			"--run-id", "faults", "-j", "32", "--retries", "10", "--stall", "1", "--quiet", NULL};
	pid_t sim;
	long total = 150 * 2;

	snprintf(suite, sizeof(suite), "%s/sums.jsonl", tu_dir);
	snprintf(out, sizeof(out), "%s/results", tu_dir);
	snprintf(log, sizeof(log), "%s/run.log", tu_dir);
	snprintf(run, sizeof(run), "%s/faults", out);
	snprintf(models, sizeof(models), "%s/models.json", tu_dir);
	tu_write_suite(suite, 150, 3, 0);
	tu_write_models(models, port, NULL);
	/* Seven kinds at 3% each: about 20% of requests fail somehow. */
	sim = tu_start_sim(tu_dir, port, suite,
			"--time-scale 0 --fault-429 0.03 --fault-5xx 0.03 --fault-stall 0.03 --stall-seconds 3 "
			"--fault-reset 0.03 --fault-malformed 0.03 --fault-cut 0.03 --fault-midstream 0.03 --retry-after 1");
	{
		int rc = tu_run_tb(argv, log, NULL, 300);

		ck_assert_msg(rc == 0 || rc == 3, "exit %d", rc);
	}
	ck_assert_int_eq(tu_stored(run), total);
	/* Every sample is graded or an error with its reason and attempts. */
	ck_assert_int_eq(tu_query_long(run, "SELECT count(*) FROM samples WHERE outcome NOT IN "
				    "('correct','incorrect','no_answer','truncated','error')"), 0);
	ck_assert_int_eq(tu_query_long(run, "SELECT count(*) FROM samples WHERE outcome = 'error' AND (error = '' OR attempts < 1)"), 0);
	ck_assert_int_gt(tu_query_long(run, "SELECT count(*) FROM samples WHERE attempts > 1"), 20);
	ck_assert_int_eq(tu_query_long(run, "SELECT count(*) FROM (SELECT 1 FROM samples GROUP BY suite, item_id, model, mode, budget, sample HAVING count(*) > 1)"), 0);
	/* Retries cost requests: the simulator saw more than one per sample. */
	ck_assert_int_gt(tu_sim_requests(port), total);
	tu_integrity_ok(run);
	tu_stop_sim(sim);
}
END_TEST

START_TEST(kill_and_resume_ask_only_for_missing)
{
	char suite[600], out[600], log[600], run[700], models[600];
	int port = tu_free_port();
	char *argv[] = {"thinkbench", "run", "--suite", suite, "--models", models, "--out", out,
			"--run-id", "killed", "-j", "8", "--quiet", NULL};
	/* --exec-rate, like -j, is the resumed process's own */
	char *resume[] = {"thinkbench", "run", "--resume", run, "-j", "16", "--exec-rate", "0", "--quiet", NULL};
	long total = 120 * 2, before, asked_before, asked_after;
	pid_t sim, pid;
	int status;

	snprintf(suite, sizeof(suite), "%s/sums.jsonl", tu_dir);
	snprintf(out, sizeof(out), "%s/results", tu_dir);
	snprintf(log, sizeof(log), "%s/run.log", tu_dir);
	snprintf(run, sizeof(run), "%s/killed", out);
	snprintf(models, sizeof(models), "%s/models.json", tu_dir);
	tu_write_suite(suite, 120, 3, 0);
	tu_write_models(models, port, NULL);
	sim = tu_start_sim(tu_dir, port, suite, "--time-scale 0.01");
	pid = tu_spawn_tb(argv, log, NULL);
	for (int i = 0; i < 1500 && tu_stored(run) < 40; i++)
		usleep(10000);
	ck_assert_int_ge(tu_stored(run), 40);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	ck_assert(WIFSIGNALED(status));
	tu_integrity_ok(run);
	before = tu_stored(run);
	ck_assert_int_lt(before, total);
	asked_before = tu_sim_requests(port);

	ck_assert_int_eq(tu_run_tb(resume, log, NULL, 300), 0);
	asked_after = tu_sim_requests(port);
	ck_assert_int_eq(tu_stored(run), total);
	/* Exactly the samples not stored were asked again; none stored twice. */
	ck_assert_int_eq(asked_after - asked_before, total - before);
	ck_assert_int_eq(tu_query_long(run, "SELECT count(DISTINCT item_id || mode) FROM samples"), total);
	tu_integrity_ok(run);
	tu_stop_sim(sim);
}
END_TEST

START_TEST(sigint_saves_and_exits_130)
{
	char suite[600], out[600], log[600], run[700], models[600];
	int port = tu_free_port();
	char *argv[] = {"thinkbench", "run", "--suite", suite, "--models", models, "--out", out,
			"--run-id", "int", "-j", "4", "--quiet", NULL};
	pid_t sim, pid;

	snprintf(suite, sizeof(suite), "%s/sums.jsonl", tu_dir);
	snprintf(out, sizeof(out), "%s/results", tu_dir);
	snprintf(log, sizeof(log), "%s/run.log", tu_dir);
	snprintf(run, sizeof(run), "%s/int", out);
	snprintf(models, sizeof(models), "%s/models.json", tu_dir);
	tu_write_suite(suite, 100, 3, 0);
	tu_write_models(models, port, NULL);
	sim = tu_start_sim(tu_dir, port, suite, "--time-scale 0.01");
	pid = tu_spawn_tb(argv, log, NULL);
	for (int i = 0; i < 1500 && tu_stored(run) < 5; i++)
		usleep(10000);
	kill(pid, SIGINT);
	ck_assert_int_eq(tu_wait(pid, 30), 130);
	ck_assert_int_gt(tu_stored(run), 0);
	ck_assert_int_lt(tu_stored(run), 200);
	ck_assert_int_eq(tu_query_long(run, "SELECT count(*) FROM run WHERE status = 'interrupted'"), 1);
	tu_integrity_ok(run);
	tu_stop_sim(sim);
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
			ck_assert_msg(!tu_file_contains(full, CANARY) && !tu_file_contains(full, "canary-5f1e"),
				      "the API key is in %s", full);
	}
	closedir(d);
}

START_TEST(api_key_never_written)
{
	char suite[600], out[600], log[600], run[700], models[600], replog[600];
	int port = tu_free_port();
	char *argv[] = {"thinkbench", "run", "--suite", suite, "--models", models, "--out", out,
			"--run-id", "secret", "-j", "8", NULL};
	char *rep[] = {"thinkbench", "report", run, "--format", "text,csv", NULL};
	pid_t sim;

	snprintf(suite, sizeof(suite), "%s/sums.jsonl", tu_dir);
	snprintf(out, sizeof(out), "%s/results", tu_dir);
	snprintf(log, sizeof(log), "%s/run.log", tu_dir);
	snprintf(replog, sizeof(replog), "%s/report.log", tu_dir);
	snprintf(run, sizeof(run), "%s/secret", out);
	snprintf(models, sizeof(models), "%s/models.json", tu_dir);
	tu_write_suite(suite, 20, 3, 0);
	tu_write_models(models, port, "OPENROUTER_API_KEY");
	/* Faults put error bodies and retries through the paths that log. */
	sim = tu_start_sim(tu_dir, port, suite, "--time-scale 0 --fault-5xx 0.2 --fault-429 0.1");
	{
		int rc = tu_run_tb(argv, log, &with_key, 120);

		ck_assert_msg(rc == 0 || rc == 3, "exit %d", rc);
	}
	ck_assert_int_eq(tu_run_tb(rep, replog, &with_key, 60), 0);
	ck_assert_int_eq(tu_stored(run), 40);
	no_canary_under(out);
	ck_assert(!tu_file_contains(log, "canary-5f1e"));
	ck_assert(!tu_file_contains(replog, "canary-5f1e"));
	tu_stop_sim(sim);
}
END_TEST

/* A /proc file, whose size stat() does not know; NUL bytes become spaces. */
static char *read_proc(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *text = calloc(1, 65536);
	size_t n;

	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(text);
	n = fread(text, 1, 65535, f);
	fclose(f);
	for (size_t i = 0; i < n; i++)
		if (!text[i])
			text[i] = ' ';
	return text;
}

/* While a keyed run is going: the key is not on its command line, and it
 * writes no core file. */
START_TEST(key_not_on_command_line_and_no_core)
{
	char suite[600], out[600], log[600], models[600], path[64];
	int port = tu_free_port();
	char *argv[] = {"thinkbench", "run", "--suite", suite, "--models", models, "--out", out,
			"--run-id", "live", "-j", "2", "--quiet", NULL};
	pid_t sim, pid;
	char *text;

	snprintf(suite, sizeof(suite), "%s/sums.jsonl", tu_dir);
	snprintf(out, sizeof(out), "%s/results", tu_dir);
	snprintf(log, sizeof(log), "%s/run.log", tu_dir);
	snprintf(models, sizeof(models), "%s/models.json", tu_dir);
	tu_write_suite(suite, 40, 3, 0);
	tu_write_models(models, port, "OPENROUTER_API_KEY");
	sim = tu_start_sim(tu_dir, port, suite, "--time-scale 0.01");
	pid = tu_spawn_tb(argv, log, &with_key);
	for (int i = 0; i < 1000; i++) {
		char run[700];

		snprintf(run, sizeof(run), "%s/live", out);
		if (tu_stored(run) > 0)
			break;
		usleep(5000);
	}
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	text = read_proc(path);
	ck_assert_msg(strstr(text, "--run-id live") != NULL, "%s", text);
	ck_assert_ptr_null(strstr(text, "canary-5f1e"));
	free(text);
	snprintf(path, sizeof(path), "/proc/%d/limits", (int)pid);
	text = read_proc(path);
	ck_assert_msg(strstr(text, "Max core file size        0                    0") != NULL, "%s", text);
	free(text);
	kill(pid, SIGINT);
	ck_assert_int_eq(tu_wait(pid, 30), 130);
	tu_stop_sim(sim);
}
END_TEST

/* A self-signed endpoint on loopback: refused by default (certificates are
 * verified: each sample fails, and the endpoint is reported dead), reached
 * with --insecure, which the run records. */
START_TEST(tls_verified_unless_insecure)
{
	char suite[600], suite3[600], out[600], log[600], models[600], cmd[2400], run[700];
	int port = tu_free_port();
	/* one at a time: s_server would keep a second handshake waiting (a
	 * timeout, which reaches the endpoint) while it serves the first */
	char *strict[] = {"thinkbench", "run", "--suite", suite3, "--models", models, "--out", out,
			  "--run-id", "strict", "--retries", "1", "-j", "1", "--quiet", NULL};
	char *loose[] = {"thinkbench", "run", "--suite", suite, "--models", models, "--out", out,
			 "--run-id", "loose", "--retries", "1", "--insecure", "--quiet", NULL};
	pid_t server;
	char *text;

	snprintf(suite, sizeof(suite), "%s/sums.jsonl", tu_dir);
	snprintf(out, sizeof(out), "%s/results", tu_dir);
	snprintf(log, sizeof(log), "%s/run.log", tu_dir);
	snprintf(models, sizeof(models), "%s/models.json", tu_dir);
	tu_write_suite(suite, 2, 3, 0);
	/* enough samples for the scheduler to call the endpoint dead */
	snprintf(suite3, sizeof(suite3), "%s/sums3.jsonl", tu_dir);
	tu_write_suite(suite3, SCHED_DEAD_AFTER, 3, 0);
	snprintf(cmd, sizeof(cmd),
		 "cd '%s' && openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem "
		 "-days 1 -subj /CN=127.0.0.1 >/dev/null 2>&1", tu_dir);
	ck_assert_int_eq(system(cmd), 0);
	snprintf(cmd, sizeof(cmd),
		 "{\"models\": [{\"id\": \"tls/m\", \"base_url\": \"https://127.0.0.1:%d/v1\", "
		 "\"dialect\": \"vllm\", \"modes\": [\"nothink\"], \"timeout_s\": 2}]}\n", port);
	tu_write_file(models, cmd);
	server = fork();
	ck_assert_int_ge(server, 0);
	if (server == 0) {
		char portarg[16];

		snprintf(portarg, sizeof(portarg), "%d", port);
		if (chdir(tu_dir) != 0)
			_exit(121);
		tu_redirect("/dev/null");
		execlp("openssl", "openssl", "s_server", "-accept", portarg, "-cert", "cert.pem", "-key",
		       "key.pem", "-www", "-quiet", (char *)NULL);
		_exit(121);
	}
	/* Ready when it accepts a connection. */
	for (int i = 0; i < 250; i++) {
		struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
					.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
		int fd = socket(AF_INET, SOCK_STREAM, 0), up;

		up = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
		if (fd >= 0)
			close(fd);
		if (up)
			break;
		usleep(20000);
	}

	ck_assert_int_eq(tu_run_tb(strict, log, NULL, 60), TB_EXIT_SAMPLE_ERRORS);
	text = tu_read_file(log, NULL);
	ck_assert_ptr_nonnull(text);
	ck_assert_msg(strstr(text, "certificate") != NULL, "%s", text);
	free(text);
	snprintf(run, sizeof(run), "%s/strict", out);
	ck_assert_int_eq(tu_query_long(run, "SELECT count(*) FROM samples WHERE outcome = 'error'"
					    " AND error LIKE '%certificate%'"),
			 SCHED_DEAD_AFTER);

	/* Past the certificate check: s_server never answers a POST, so each
	 * sample ends in a timeout, not a certificate error; and the run records
	 * --insecure. s_server serves one connection at a time, so the second
	 * sample may time out in its handshake ("SSL connection timeout"). */
	ck_assert_int_eq(tu_run_tb(loose, log, NULL, 60), TB_EXIT_SAMPLE_ERRORS);
	snprintf(run, sizeof(run), "%s/loose", out);
	ck_assert_int_eq(tu_query_long(run, "SELECT count(*) FROM samples WHERE (error LIKE '%timed out%' "
					    "OR error LIKE '%timeout%') AND error NOT LIKE '%certificate%'"),
			 2);
	ck_assert_int_eq(tu_query_long(run, "SELECT json_extract(options, '$.insecure') FROM run"), 1);
	kill(server, SIGTERM);
	waitpid(server, NULL, 0);
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

	snprintf(suite, sizeof(suite), "%s/sums.jsonl", tu_dir);
	snprintf(bad, sizeof(bad), "%s/bad.jsonl", tu_dir);
	snprintf(out, sizeof(out), "%s/results", tu_dir);
	snprintf(log, sizeof(log), "%s/run.log", tu_dir);
	tu_write_suite(suite, 3, 3, 0);
	tu_write_file(bad, "{\"id\": \"a\", \"prompt\": \"x\"}\n{\"id\": \"a\", \"prompt\": \"y\"}\n");
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *text;
		int lines = 0;

		ck_assert_int_eq(tu_run_tb(cases[i], log, NULL, 30), 2);
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

int main(void)
{
	Suite *s = suite_create("run");
	TCase *tc = tcase_create("loopback");

	curl_global_init(CURL_GLOBAL_DEFAULT);
	tcase_add_checked_fixture(tc, tu_dir_setup, tu_dir_teardown);
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, full_run_all_seed_models);
	tcase_add_test(tc, code_answers_graded_in_the_sandbox_pool);
	tcase_add_test(tc, progress_line_only_on_a_terminal);
	tcase_add_test(tc, faults_lose_nothing);
	tcase_add_test(tc, kill_and_resume_ask_only_for_missing);
	tcase_add_test(tc, sigint_saves_and_exits_130);
	tcase_add_test(tc, api_key_never_written);
	tcase_add_test(tc, key_not_on_command_line_and_no_core);
	tcase_add_test(tc, tls_verified_unless_insecure);
	tcase_add_test(tc, bad_input_exits_2_and_writes_nothing);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
