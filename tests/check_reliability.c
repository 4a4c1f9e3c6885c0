/* Reliability of thinkbench run, end to end over loopback:
 *   - faults: every kind of the simulator at 20% together over 5,000 samples;
 *     Retry-After and backoff timed against a scripted server;
 *   - kills: SIGKILL at ten random moments, resumed each time, against an
 *     uninterrupted run; a double SIGINT;
 *   - disk: a file size limit (full disk), a 1 MB tmpfs, a read-only folder;
 *   - hostile model output: huge, binary, invalid UTF-8, terminal escapes,
 *     deep JSON, a never-ending stream. */
#include <curl/curl.h>
#include <math.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"


/* Every run here keeps stdout apart: the hostile cases look at both. */
static const tu_spawn split = {.split_stdout = 1};

static void stop_sim(pid_t pid)
{
	int status = tu_stop_sim(pid);

	/* The simulator itself must not have crashed on what it served. */
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the simulator ended with status %d", status);
}

static int count_lines(const char *text)
{
	int n = 0;

	for (const char *p = text; *p; p++)
		n += *p == '\n';
	return n;
}

/* Whether the file holds a raw ESC or a C1 control (U+0080-U+009F in UTF-8). */
static int has_escape(const char *path)
{
	size_t len = 0;
	char *t = tu_read_file(path, &len);
	int found = 0;

	ck_assert_ptr_nonnull(t);
	for (size_t i = 0; i < len && !found; i++)
		found = t[i] == '\x1b' || ((unsigned char)t[i] == 0xc2 && i + 1 < len &&
					   (unsigned char)t[i + 1] >= 0x80 && (unsigned char)t[i + 1] <= 0x9f);
	free(t);
	return found;
}

/* ---- faults ----------------------------------------------------------------- */

/* The field of a CSV line (no quoted fields in the rows read here). */
static void csv_field(const char *line, int k, char *out, size_t n)
{
	const char *p = line;

	for (int i = 0; i < k && p; i++) {
		p = strchr(p, ',');
		if (p)
			p++;
	}
	ck_assert_ptr_nonnull(p);
	snprintf(out, n, "%.*s", (int)strcspn(p, ",\r\n"), p);
}

static int header_index(const char *header, const char *name)
{
	char f[64];

	for (int k = 0; k < 64; k++) {
		csv_field(header, k, f, sizeof(f));
		if (strcmp(f, name) == 0)
			return k;
	}
	ck_abort_msg("no column %s", name);
	return -1;
}

START_TEST(faults_5000_samples)
{
	char suite[600], out[600], log[600], run[700], models[600], csv[800], f[64];
	int port = tu_free_port();
	char *argv[] = {"thinkbench", "run", "--suite", suite, "--models", models, "--out", out,
			"--run-id", "faults", "--model", "qwen/qwen3-14b", "-j", "64", "--retries", "3",
			"--stall", "1", "--quiet", NULL};
	char *rep[] = {"thinkbench", "report", run, "--format", "csv", NULL};
	const long total = 2500 * 2;
	long errors, graded, correct, asked, resets;
	char *text, *line;
	pid_t sim;
	int rc;

	snprintf(suite, sizeof(suite), "%s/sums.jsonl", tu_dir);
	snprintf(out, sizeof(out), "%s/results", tu_dir);
	snprintf(log, sizeof(log), "%s/run.log", tu_dir);
	snprintf(run, sizeof(run), "%s/faults", out);
	snprintf(models, sizeof(models), "%s/models.json", tu_dir);
	tu_write_suite(suite, 2500, 4, 0);
	tu_write_models(models, port, NULL);
	/* Seven kinds at 2.9% each: 20% of requests fail one way or another
	 * (429 half with Retry-After; 500/502/503; a stall past --stall; a
	 * reset; broken JSON; a stream cut before [DONE]; an error chunk). */
	sim = tu_start_sim(tu_dir, port, suite,
			"--time-scale 0 --fault-429 0.029 --fault-5xx 0.029 --fault-stall 0.029 --stall-seconds 3 "
			"--fault-reset 0.029 --fault-malformed 0.029 --fault-cut 0.029 --fault-midstream 0.029 --retry-after 1");
	rc = tu_run_tb(argv, log, &split, 240);
	ck_assert_msg(rc == 0 || rc == 3, "exit %d", rc);
	asked = tu_sim_requests(port);
	resets = tu_sim_stat(port, "reset");
	stop_sim(sim);

	ck_assert_int_eq(tu_stored(run), total);
	/* Graded, or an error with its final message and attempt count. */
	ck_assert_int_eq(tu_query_long(run, "SELECT count(*) FROM samples WHERE outcome NOT IN "
				    "('correct','incorrect','no_answer','truncated','error')"), 0);
	errors = tu_query_long(run, "SELECT count(*) FROM samples WHERE outcome = 'error'");
	ck_assert_int_eq(tu_query_long(run, "SELECT count(*) FROM samples WHERE outcome = 'error' AND (error = '' OR error IS NULL OR attempts != 3)"), 0);
	ck_assert_int_eq(tu_query_long(run, "SELECT count(*) FROM samples WHERE outcome != 'error' AND (attempts < 1 OR attempts > 3)"), 0);
	/* 0.2^3 of 5,000 fail every attempt: about 40. */
	ck_assert_int_gt(errors, 5);
	ck_assert_int_lt(errors, 200);
	ck_assert_int_gt(tu_query_long(run, "SELECT count(*) FROM samples WHERE attempts > 1 AND outcome != 'error'"), 500);
	/* Nothing counted twice: one row per sample, one request per attempt. */
	ck_assert_int_eq(tu_query_long(run, "SELECT count(*) FROM (SELECT 1 FROM samples GROUP BY suite, item_id, model, mode, budget, sample HAVING count(*) > 1)"), 0);
	/* libcurl sends a request again, once, when a reused connection turns
	 * out closed before any answer: only a reset can cost a request more. */
	ck_assert_int_ge(asked, tu_query_long(run, "SELECT sum(attempts) FROM samples"));
	ck_assert_int_le(asked, tu_query_long(run, "SELECT sum(attempts) FROM samples") + resets);
	tu_integrity_ok(run);

	/* Accuracy over the samples with an answer only; errors apart. */
	ck_assert_int_eq(tu_run_tb(rep, log, &split, 120), 0);
	snprintf(csv, sizeof(csv), "%s/summary.csv", run);
	text = tu_read_file(csv, NULL);
	ck_assert_ptr_nonnull(text);
	line = strchr(text, '\n') + 1;
	ck_assert_msg(count_lines(text) == 3, "%s", text); /* header, think, nothink */
	for (int row = 0; row < 2; row++, line = strchr(line, '\n') + 1) {
		char mode[16], sql[256];

		csv_field(line, header_index(text, "mode"), mode, sizeof(mode));
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM samples WHERE mode = '%s' AND outcome = 'error'", mode);
		csv_field(line, header_index(text, "error"), f, sizeof(f));
		ck_assert_int_eq(atol(f), tu_query_long(run, sql));
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM samples WHERE mode = '%s' AND outcome != 'error'", mode);
		graded = tu_query_long(run, sql);
		csv_field(line, header_index(text, "graded"), f, sizeof(f));
		ck_assert_int_eq(atol(f), graded);
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM samples WHERE mode = '%s' AND outcome = 'correct'", mode);
		correct = tu_query_long(run, sql);
		csv_field(line, header_index(text, "accuracy"), f, sizeof(f));
		ck_assert_msg(fabs(atof(f) - (double)correct / (double)graded) < 1e-9, "%s: accuracy %s, want %ld/%ld",
			      mode, f, correct, graded);
	}
	free(text);
}
END_TEST

/* A scripted endpoint: 429 with Retry-After: 2, then 503 twice, then an
 * answer; it records when each request came. */
static double hit_at[8];
static int n_hits;
static pthread_mutex_t hit_lock = PTHREAD_MUTEX_INITIALIZER;

static const char ok_body[] =
	"{\"id\":\"gen-1\",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,\"finish_reason\":\"stop\","
	"\"message\":{\"role\":\"assistant\",\"content\":\"\\\\boxed{7}\"}}],"
	"\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2}}";

static enum MHD_Result scripted(void *cls, struct MHD_Connection *c, const char *url, const char *method,
				const char *version, const char *upload, size_t *upload_size, void **state)
{
	static const char err429[] = "{\"error\":{\"code\":429,\"message\":\"slow down\"}}";
	static const char err503[] = "{\"error\":{\"code\":503,\"message\":\"no provider\"}}";
	struct MHD_Response *r;
	enum MHD_Result ret;
	const char *body;
	unsigned status;
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
	pthread_mutex_lock(&hit_lock);
	n = n_hits++;
	if (n < 8)
		hit_at[n] = tu_now_s();
	pthread_mutex_unlock(&hit_lock);
	status = n == 0 ? 429 : n < 3 ? 503 : 200;
	body = n == 0 ? err429 : n < 3 ? err503 : ok_body;
	r = MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(r, "Content-Type", "application/json");
	if (status == 429)
		MHD_add_response_header(r, "Retry-After", "2");
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

START_TEST(retry_after_and_backoff)
{
	char suite[600], out[600], log[600], run[700], models[600], text[512];
	char *argv[] = {"thinkbench", "run", "--suite", suite, "--models", models, "--out", out,
			"--run-id", "backoff", "--mode", "nothink", "--no-stream", "--retries", "5", "--quiet", NULL};
	struct MHD_Daemon *d;
	const union MHD_DaemonInfo *info;

	snprintf(suite, sizeof(suite), "%s/sums.jsonl", tu_dir);
	snprintf(out, sizeof(out), "%s/results", tu_dir);
	snprintf(log, sizeof(log), "%s/run.log", tu_dir);
	snprintf(run, sizeof(run), "%s/backoff", out);
	snprintf(models, sizeof(models), "%s/models.json", tu_dir);
	tu_write_suite(suite, 1, 4, 0);
	n_hits = 0;
	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION, 0, NULL, NULL,
			     scripted, NULL, MHD_OPTION_END);
	ck_assert_ptr_nonnull(d);
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
	/* An ordinary endpoint (not the simulator): the real backoff, 1 s base. */
	snprintf(text, sizeof(text),
		 "{\"models\": [{\"id\": \"local/x\", \"base_url\": \"http://127.0.0.1:%u/v1\", \"dialect\": \"vllm\"}]}\n",
		 info->port);
	tu_write_file(models, text);
	ck_assert_int_eq(tu_run_tb(argv, log, &split, 60), 0);
	MHD_stop_daemon(d);
	ck_assert_int_eq(n_hits, 4);
	ck_assert_int_eq(tu_query_long(run, "SELECT attempts FROM samples"), 4);
	ck_assert_int_eq(tu_query_long(run, "SELECT count(*) FROM samples WHERE outcome = 'correct'"), 1);
	/* Retry-After: 2 is waited for in full. */
	ck_assert_msg(hit_at[1] - hit_at[0] >= 1.95, "retried %.3f s after Retry-After: 2", hit_at[1] - hit_at[0]);
	/* Then full jitter under a cap that doubles: at most 2 s, then 4 s. */
	ck_assert_msg(hit_at[2] - hit_at[1] <= 2.5, "second retry after %.3f s", hit_at[2] - hit_at[1]);
	ck_assert_msg(hit_at[3] - hit_at[2] <= 4.5, "third retry after %.3f s", hit_at[3] - hit_at[2]);
}
END_TEST

/* ---- kills ------------------------------------------------------------------ */

START_TEST(ten_kills_then_resume)
{
	char suite[600], out[600], log[600], run[700], ref[700], models[600];
	int port = tu_free_port();
	char *first[] = {"thinkbench", "run", "--suite", suite, "--models", models, "--out", out,
			 "--run-id", "killed", "-j", "8", "--quiet", NULL};
	char *whole[] = {"thinkbench", "run", "--suite", suite, "--models", models, "--out", out,
			 "--run-id", "whole", "-j", "8", "--quiet", NULL};
	char *resume[] = {"thinkbench", "run", "--resume", run, "-j", "8", "--quiet", NULL};
	const long total = 300 * 2;
	long asked0, asked_whole, kills = 0, wasted = 0;
	unsigned seed = (unsigned)time(NULL);
	sqlite3 *db;
	sqlite3_stmt *q;
	pid_t sim;

	snprintf(suite, sizeof(suite), "%s/sums.jsonl", tu_dir);
	snprintf(out, sizeof(out), "%s/results", tu_dir);
	snprintf(log, sizeof(log), "%s/run.log", tu_dir);
	snprintf(run, sizeof(run), "%s/killed", out);
	snprintf(ref, sizeof(ref), "%s/whole", out);
	snprintf(models, sizeof(models), "%s/models.json", tu_dir);
	tu_write_suite(suite, 300, 4, 0);
	tu_write_models(models, port, NULL);
	sim = tu_start_sim(tu_dir, port, suite, "--time-scale 0.005");

	/* The uninterrupted run: the samples the killed one must end with. */
	asked0 = tu_sim_requests(port);
	ck_assert_int_eq(tu_run_tb(whole, log, &split, 300), 0);
	asked_whole = tu_sim_requests(port) - asked0;
	ck_assert_int_eq(asked_whole, total);

	printf("ten_kills_then_resume: seed %u\n", seed);
	srand(seed);
	while (kills < 10) {
		long before = tu_stored(run), asked_before = tu_sim_requests(port), after;
		double wait = 0.05 + 0.45 * (double)rand() / RAND_MAX;
		pid_t pid = tu_spawn_tb(kills == 0 ? first : resume, log, &split);
		int status;

		/* The first kill comes once the store exists, so there is a run to resume. */
		for (int i = 0; kills == 0 && i < 1000 && tu_stored(run) < 1; i++)
			usleep(5000);
		usleep((useconds_t)(wait * 1e6));
		if (waitpid(pid, &status, WNOHANG) == pid) {
			/* It finished before the kill: the plan was too small. */
			ck_abort_msg("the run finished before kill %ld", kills + 1);
		}
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
		kills++;
		tu_integrity_ok(run);
		after = tu_stored(run);
		ck_assert_int_ge(after, before);
		/* Asked for: what it stored, plus at most what was in flight when it
		 * died: 8 requests (-j 8) and the answers waiting for the writer's
		 * next commit (no more than another 8 at this rate). A stored sample
		 * asked again would show up here. */
		ck_assert_int_le(tu_sim_requests(port) - asked_before - (after - before), 16);
		wasted += tu_sim_requests(port) - asked_before - (after - before);
	}
	{
		long before = tu_stored(run), asked_before = tu_sim_requests(port);

		ck_assert_int_lt(before, total);
		ck_assert_int_eq(tu_run_tb(resume, log, &split, 300), 0);
		ck_assert_int_eq(tu_sim_requests(port) - asked_before, total - before);
	}
	stop_sim(sim);
	ck_assert_int_le(wasted, 10 * 16);
	ck_assert_int_eq(tu_stored(run), total);
	tu_integrity_ok(run);
	/* Exactly the samples of the uninterrupted run. */
	{
		char sql[1200];

		snprintf(sql, sizeof(sql), "%s/store.sqlite", run);
		db = tu_db_open(sql);
		snprintf(sql, sizeof(sql), "ATTACH '%s/store.sqlite' AS w", ref);
		ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	}
	ck_assert_int_eq(sqlite3_prepare_v2(db,
		"SELECT count(*) FROM (SELECT suite, item_id, model, mode, budget, sample, outcome, extracted, answer, reasoning FROM main.samples"
		" EXCEPT SELECT suite, item_id, model, mode, budget, sample, outcome, extracted, answer, reasoning FROM w.samples)",
		-1, &q, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(q), SQLITE_ROW);
	ck_assert_int_eq(sqlite3_column_int(q, 0), 0);
	sqlite3_finalize(q);
	sqlite3_close(db);
	ck_assert_int_eq(tu_query_long(run, "SELECT count(*) FROM run WHERE status = 'done'"), 1);
}
END_TEST

/* A fresh run's writer records the items while the first requests go out.
 * Their answers wait in its queue, unstored, until the items are committed:
 * so one round of -j goes out and no more, and a kill then loses no more
 * than what is in flight. The simulator answers in about a millisecond;
 * 40,000 items take far longer to record. */
START_TEST(first_round_waits_for_the_items)
{
	char suite[600], out[600], log[600], run[700], models[600];
	int port = tu_free_port();
	char *argv[] = {"thinkbench", "run", "--suite", suite, "--models", models, "--out", out,
			"--run-id", "early", "-j", "3", "--quiet", NULL};
	long asked0, seen_pending = 0, items = -1;
	pid_t sim, pid;
	int status;

	snprintf(suite, sizeof(suite), "%s/many.jsonl", tu_dir);
	snprintf(out, sizeof(out), "%s/results", tu_dir);
	snprintf(log, sizeof(log), "%s/run.log", tu_dir);
	snprintf(run, sizeof(run), "%s/early", out);
	snprintf(models, sizeof(models), "%s/models.json", tu_dir);
	tu_write_suite(suite, 40000, 5, 0);
	tu_write_models(models, port, NULL);
	sim = tu_start_sim(tu_dir, port, suite, "--time-scale 0.001");
	asked0 = tu_sim_requests(port);
	pid = tu_spawn_tb(argv, log, &split);
	/* bounded: 60 s */
	for (int i = 0; i < 12000 && items <= 0; i++) {
		/* asked first: items still 0 after it means they were uncommitted then */
		long asked = tu_sim_requests(port) - asked0;

		items = tu_query_or(run, "SELECT count(*) FROM items", -1);
		if (items == 0) {
			ck_assert_msg(asked <= 3, "%ld requests before the items were stored, -j 3", asked);
			seen_pending++;
		}
		usleep(5000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	stop_sim(sim);
	ck_assert_int_eq(items, 40000);
	ck_assert_msg(seen_pending > 0, "the items were never seen unstored");
	printf("first_round_waits_for_the_items: %ld looks while the items were recorded\n", seen_pending);
}
END_TEST

START_TEST(second_sigint_exits_at_once)
{
	char suite[600], out[600], log[600], run[700], models[600];
	int port = tu_free_port();
	char *argv[] = {"thinkbench", "run", "--suite", suite, "--models", models, "--out", out,
			"--run-id", "int2", "-j", "4", "--quiet", NULL};
	pid_t sim, pid;
	double t0;

	snprintf(suite, sizeof(suite), "%s/sums.jsonl", tu_dir);
	snprintf(out, sizeof(out), "%s/results", tu_dir);
	snprintf(log, sizeof(log), "%s/run.log", tu_dir);
	snprintf(run, sizeof(run), "%s/int2", out);
	snprintf(models, sizeof(models), "%s/models.json", tu_dir);
	tu_write_suite(suite, 100, 4, 0);
	tu_write_models(models, port, NULL);
	sim = tu_start_sim(tu_dir, port, suite, "--time-scale 0.05");
	pid = tu_spawn_tb(argv, log, &split);
	for (int i = 0; i < 2000 && tu_stored(run) < 3; i++)
		usleep(5000);
	ck_assert_int_ge(tu_stored(run), 3);
	/* Two signals sent at once may arrive as one: the second goes once the
	 * first has said it is stopping. */
	kill(pid, SIGINT);
	for (int i = 0; i < 400 && !tu_file_contains(log, "stopping:"); i++)
		usleep(5000);
	ck_assert_msg(tu_file_contains(log, "stopping:"), "no 'stopping' line after the first SIGINT");
	t0 = tu_now_s();
	kill(pid, SIGINT);
	ck_assert_int_eq(tu_wait(pid, 30), 130);
	ck_assert_msg(tu_now_s() - t0 < 2.0, "took %.2f s after the second SIGINT", tu_now_s() - t0);
	tu_integrity_ok(run);
	ck_assert_int_eq(tu_query_long(run, "SELECT count(*) FROM run WHERE status = 'interrupted'"), 1);
	ck_assert_int_ge(tu_stored(run), 3);
	stop_sim(sim);
}
END_TEST

/* ---- disk ------------------------------------------------------------------- */

/* The run's output is one "thinkbench: error:" line (notes aside, which
 * --quiet drops), and what was stored still reads. */
static void stopped_with_one_line(const char *log, const char *run_dir, int rc)
{
	char *text = tu_read_file(log, NULL);

	ck_assert_ptr_nonnull(text);
	ck_assert_msg(rc == 1, "exit %d: %s", rc, text);
	ck_assert_msg(count_lines(text) == 1 && strncmp(text, "thinkbench: error: ", 19) == 0,
		      "expected one error line, got '%s'", text);
	free(text);
	if (run_dir) {
		tu_integrity_ok(run_dir);
		ck_assert_int_ge(tu_query_long(run_dir, "SELECT count(*) FROM samples"), 0);
	}
}

START_TEST(full_disk_by_file_size_limit)
{
	char suite[600], out[600], log[600], run[700];
	char *argv[] = {"thinkbench", "run", "--suite", suite, "--out", out, "--run-id", "full",
			"--model", "qwen/qwen3-14b", "-j", "16", "--sim", "--sim-time-scale", "0",
			"--quiet", "--no-summary", NULL};
	/* 1 MiB per file: the store (or its WAL) fills up part way through the
	 * samples (about half of them fit); the 200 items take a twentieth. */
	static const tu_spawn full_disk = {.split_stdout = 1, .fsize = 1024 * 1024};
	int rc;

	snprintf(suite, sizeof(suite), "%s/sums.jsonl", tu_dir);
	snprintf(out, sizeof(out), "%s/results", tu_dir);
	snprintf(log, sizeof(log), "%s/run.log", tu_dir);
	snprintf(run, sizeof(run), "%s/full", out);
	tu_write_suite(suite, 200, 4, 0);
	rc = tu_run_tb(argv, log, &full_disk, 120);
	stopped_with_one_line(log, run, rc);
	ck_assert_int_gt(tu_stored(run), 0);
	ck_assert_int_lt(tu_stored(run), 400);
}
END_TEST

/* A 3 MB tmpfs (a full disk: the run's items fit, its samples do not), and a
 * read-only bind mount, in a private mount namespace; skipped where
 * namespaces are not allowed. */
START_TEST(tmpfs_full_and_read_only)
{
	char suite[300], script[300], log[300], cmd[8192], mnt[300];
	char *text;
	int rc;

	snprintf(suite, sizeof(suite), "%s/sums.jsonl", tu_dir);
	snprintf(mnt, sizeof(mnt), "%s/mnt", tu_dir);
	snprintf(script, sizeof(script), "%s/disk.sh", tu_dir);
	snprintf(log, sizeof(log), "%s/disk.log", tu_dir);
	tu_write_suite(suite, 3000, 4, 0);
	ck_assert_int_eq(mkdir(mnt, 0755), 0);
	if (system("unshare --mount true 2>/dev/null") != 0) {
		printf("tmpfs_full_and_read_only: skipped (no mount namespaces here)\n");
		return;
	}
	snprintf(cmd, sizeof(cmd),
		 "set -u\n"
		 "mount -t tmpfs -o size=3m tmpfs '%s' || exit 77\n"
		 "mkdir '%s/ro' && mount --bind '%s/ro' '%s/ro' && mount -o remount,ro,bind '%s/ro' || exit 77\n"
		 "unset OPENROUTER_API_KEY\n"
		 "'%s' run --suite '%s' --out '%s/res' --run-id full --model qwen/qwen3-14b -j 16 --sim "
		 "--sim-time-scale 0 --quiet --no-summary > '%s/full.log.stdout' 2> '%s/full.log'; echo $? > '%s/full.rc'\n"
		 "sqlite3 '%s/res/full/store.sqlite' 'PRAGMA integrity_check; SELECT count(*) > 0 FROM samples;' > '%s/full.check' 2>&1\n"
		 "'%s' run --suite '%s' --out '%s/ro/res' --model qwen/qwen3-14b --sim --quiet 2> '%s/ro.log'; echo $? > '%s/ro.rc'\n"
		 "'%s' run --suite '%s' --out '%s/ro' --model qwen/qwen3-14b --sim --quiet 2> '%s/ro2.log'; echo $? > '%s/ro2.rc'\n",
		 mnt, mnt, mnt, mnt, mnt,
		 TB_BINARY, suite, mnt, tu_dir, tu_dir, tu_dir,
		 mnt, tu_dir,
		 TB_BINARY, suite, mnt, tu_dir, tu_dir,
		 TB_BINARY, suite, mnt, tu_dir, tu_dir);
	tu_write_file(script, cmd);
	snprintf(cmd, sizeof(cmd), "unshare --mount --propagation private sh '%s' > '%s' 2>&1", script, log);
	rc = system(cmd);
	if (WIFEXITED(rc) && WEXITSTATUS(rc) == 77) {
		printf("tmpfs_full_and_read_only: skipped (cannot mount here)\n");
		return;
	}
	text = tu_read_file(log, NULL);
	ck_assert_msg(WIFEXITED(rc) && WEXITSTATUS(rc) == 0, "%s", text ? text : "");
	free(text);
	{
		static const char *const cases[] = {"full", "ro", "ro2"};

		for (size_t i = 0; i < 3; i++) {
			char p[700], q[700];
			char *rct;

			snprintf(p, sizeof(p), "%s/%s.rc", tu_dir, cases[i]);
			snprintf(q, sizeof(q), "%s/%s.log", tu_dir, cases[i]);
			rct = tu_read_file(p, NULL);
			ck_assert_ptr_nonnull(rct);
			stopped_with_one_line(q, NULL, atoi(rct));
			free(rct);
		}
	}
	/* The store on the full tmpfs still reads and holds what was stored. */
	snprintf(cmd, sizeof(cmd), "%s/full.check", tu_dir);
	text = tu_read_file(cmd, NULL);
	ck_assert_ptr_nonnull(text);
	ck_assert_msg(strcmp(text, "ok\n1\n") == 0, "%s", text);
	free(text);
}
END_TEST

/* ---- hostile output --------------------------------------------------------- */

static const struct hostile_case {
	const char *kind;
	const char *mode;   /* stream or not */
	const char *check;  /* SQL that must count 0 */
} hostile_cases[] = {
	/* Capped at 4 MiB and recorded as truncated. */
	{"huge", "", "SELECT count(*) FROM samples WHERE text_truncated != 1 OR length(CAST(answer AS BLOB)) > 4194304 OR outcome = 'error'"},
	{"huge", "--no-stream", "SELECT count(*) FROM samples WHERE text_truncated != 1 OR length(CAST(answer AS BLOB)) > 4194304 OR outcome = 'error'"},
	{"binary", "", "SELECT count(*) FROM samples WHERE outcome = 'error'"},
	{"binary", "--no-stream", "SELECT count(*) FROM samples WHERE outcome = 'error'"},
	/* Invalid UTF-8 is not JSON: retried, then an error with its reason. */
	{"badutf8", "", "SELECT count(*) FROM samples WHERE outcome != 'error' OR attempts != 2 OR error = ''"},
	{"badutf8", "--no-stream", "SELECT count(*) FROM samples WHERE outcome != 'error' OR attempts != 2 OR error = ''"},
	/* The store keeps the bytes; reports and the terminal must not. */
	{"escapes", "", "SELECT count(*) FROM samples WHERE instr(answer, char(27)) = 0"},
	{"escapes", "--no-stream", "SELECT count(*) FROM samples WHERE instr(answer, char(27)) = 0"},
	{"deepjson", "", "SELECT count(*) FROM samples WHERE outcome != 'error' OR attempts != 2"},
	{"deepjson", "--no-stream", "SELECT count(*) FROM samples WHERE outcome != 'error' OR attempts != 2"},
	/* Usage not believed, flagged, answers kept whole past their NUL. */
	{"numbers", "", "SELECT count(*) FROM samples WHERE usage_invalid != 1 OR outcome IN ('error', 'no_answer')"
			" OR instr(answer, 'see.' || char(92) || 'u0000 ') = 0 OR prompt_tokens IS NOT NULL OR cost_usd < 0"},
	{"numbers", "--no-stream", "SELECT count(*) FROM samples WHERE usage_invalid != 1 OR outcome IN ('error', 'no_answer')"
			" OR instr(answer, 'see.' || char(92) || 'u0000 ') = 0 OR prompt_tokens IS NOT NULL OR cost_usd < 0"},
	/* Ends at the per-attempt --timeout, every attempt. */
	{"endless", "", "SELECT count(*) FROM samples WHERE outcome != 'error' OR attempts != 2 OR total_ms > 20000"},
	{"endless", "--no-stream", "SELECT count(*) FROM samples WHERE outcome != 'error' OR attempts != 2 OR total_ms > 20000"},
};

START_TEST(hostile_output)
{
	const struct hostile_case *hc = &hostile_cases[_i];
	char suite[600], out[600], log[600], run[700], models[600], extra[200], rlog[800];
	int port = tu_free_port();
	char *argv[] = {"thinkbench", "run", "--suite", suite, "--models", models, "--out", out,
			"--run-id", "hostile", "-j", "32", "--retries", "2", "--timeout", "10", "--stall", "5",
			hc->mode[0] ? (char *)hc->mode : NULL, NULL};
	char *rep[] = {"thinkbench", "report", run, "--format", "text,csv", NULL};
	double t0;
	pid_t sim;
	int rc;

	snprintf(suite, sizeof(suite), "%s/sums.jsonl", tu_dir);
	snprintf(out, sizeof(out), "%s/results", tu_dir);
	snprintf(log, sizeof(log), "%s/run.log", tu_dir);
	snprintf(rlog, sizeof(rlog), "%s/report.log", tu_dir);
	snprintf(run, sizeof(run), "%s/hostile", out);
	snprintf(models, sizeof(models), "%s/models.json", tu_dir);
	tu_write_suite(suite, 8, 4, 0);
	tu_write_models(models, port, NULL);
	snprintf(extra, sizeof(extra), "--time-scale 0 --hostile %s", hc->kind);
	sim = tu_start_sim(tu_dir, port, suite, extra);
	t0 = tu_now_s();
	rc = tu_run_tb(argv, log, &split, 90);
	ck_assert_msg(rc == 0 || rc == 3, "%s %s: exit %d", hc->kind, hc->mode, rc);
	/* Endless: two attempts of 10 s each, at once for all 16 samples (a 4 MiB
	 * answer needs more than 3 s on a loaded machine). */
	ck_assert_msg(tu_now_s() - t0 < 60, "%s %s took %.1f s", hc->kind, hc->mode, tu_now_s() - t0);
	stop_sim(sim);
	ck_assert_msg(tu_stored(run) == 16, "%s %s: %ld stored", hc->kind, hc->mode, tu_stored(run));
	ck_assert_msg(tu_query_long(run, hc->check) == 0, "%s %s: %s", hc->kind, hc->mode, hc->check);
	tu_integrity_ok(run);
	/* What the terminal saw (the run's summary and messages) and the text
	 * report carry no escape sequences. */
	ck_assert_msg(!has_escape(log), "%s %s: an escape sequence on the terminal", hc->kind, hc->mode);
	strcat(log, ".stdout");
	ck_assert_msg(!has_escape(log), "%s %s: an escape sequence on the terminal", hc->kind, hc->mode);
	ck_assert_int_eq(tu_run_tb(rep, rlog, &split, 60), 0);
	ck_assert_msg(!has_escape(rlog), "%s %s: an escape sequence in the report", hc->kind, hc->mode);
	strcat(rlog, ".stdout");
	ck_assert_msg(!has_escape(rlog), "%s %s: an escape sequence in the report", hc->kind, hc->mode);
	/* ... and neither do the files the report wrote. */
	snprintf(rlog, sizeof(rlog), "%s/samples.csv", run);
	ck_assert_msg(!has_escape(rlog), "%s %s: an escape sequence in samples.csv", hc->kind, hc->mode);
	snprintf(rlog, sizeof(rlog), "%s/summary.csv", run);
	ck_assert_msg(!has_escape(rlog), "%s %s: an escape sequence in summary.csv", hc->kind, hc->mode);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("reliability");
	TCase *tc = tcase_create("loopback");

	curl_global_init(CURL_GLOBAL_DEFAULT);
	tcase_add_checked_fixture(tc, tu_dir_setup, tu_dir_teardown);
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, faults_5000_samples);
	tcase_add_test(tc, retry_after_and_backoff);
	tcase_add_test(tc, ten_kills_then_resume);
	tcase_add_test(tc, first_round_waits_for_the_items);
	tcase_add_test(tc, second_sigint_exits_at_once);
	tcase_add_test(tc, full_disk_by_file_size_limit);
	tcase_add_test(tc, tmpfs_full_and_read_only);
	tcase_add_loop_test(tc, hostile_output, 0, (int)(sizeof(hostile_cases) / sizeof(hostile_cases[0])));
	suite_add_tcase(s, tc);
	return tu_run(s);
}
