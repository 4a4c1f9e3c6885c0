/* The run's pipeline as a user meets it: every answer stored as it arrives
 * and graded after, so a killed run loses only what was in flight and
 * --resume asks only for what is not stored; the run's lock; Ctrl-C; reports
 * from the store alone. Each on the default path (seed models, no models
 * file, the built-in simulator) and, where requests must be counted, with a
 * models file and a separate simulator. All traffic is on 127.0.0.1. */
#include <check.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "grading.h"
#include "rc.h"
#include "runlock.h"
#include "store.h"
#include "testutil.h"

static const tu_spawn split = {.split_stdout = 1};

/* A suite of n Python items whose right answer sleeps ms before it returns:
 * grading is slow, requests (at time scale 0) are not. */
static void write_slow_code_suite(const char *path, int n, int ms)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	fputs("{\"suite\": {\"name\": \"slow\"}}\n", f);
	for (int i = 0; i < n; i++)
		fprintf(f,
			"{\"id\": \"c%04d\", \"prompt\": \"Write echo(x).\", \"grader\": {\"type\": \"exec\", "
			"\"language\": \"python\", \"tests\": \"assert echo(%d) == %d\\n\", \"entry_point\": \"echo\", "
			"\"timeout_s\": 10}, \"reference\": \"import time\\ndef echo(x):\\n    time.sleep(%g)\\n    "
			"return x\\n\", \"wrong_reference\": \"def echo(x):\\n    return -1\\n\"}\n",
			i, i, i, ms / 1000.0);
	fclose(f);
}

static long awaiting(const char *run)
{
	return tu_query_long(run, "SELECT count(*) FROM samples WHERE outcome = 'ungraded' AND grader != ''");
}

/* ---- the default path: seed models, no models file, built-in simulator ---- */

/* Killed three times, resumed each time: every planned sample ends stored
 * once and graded, the run ends done. The resume of a run made without
 * --models used to fail ("Expected string, got null"). */
START_TEST(kill_and_resume_default_path)
{
	char suite[600], out[600], log[600], run[700];
	char *argv[] = {"thinkbench", "run", "--suite", suite, "--out", out, "--run-id", "k", "-j", "8",
			"--sim-time-scale", "0.3", "--quiet", NULL};
	char *resume[] = {"thinkbench", "run", "--resume", run, "--quiet", "--no-summary", NULL};
	long planned;

	snprintf(suite, sizeof(suite), "%s/sums.jsonl", tu_dir);
	snprintf(out, sizeof(out), "%s/results", tu_dir);
	snprintf(log, sizeof(log), "%s/run.log", tu_dir);
	snprintf(run, sizeof(run), "%s/k", out);
	tu_write_suite(suite, 40, 4, 0);
	for (int kill_no = 0; kill_no < 3; kill_no++) {
		char *const *args = kill_no ? resume : argv;
		pid_t pid = tu_spawn_tb(args, log, &split);
		long before = tu_stored(run), now;

		for (int i = 0; i < 4000 && (now = tu_stored(run)) < before + 5; i++)
			usleep(2000);
		kill(pid, SIGKILL);
		tu_wait(pid, 30);
		tu_integrity_ok(run);
		ck_assert_int_ge(tu_stored(run), before);
	}
	ck_assert_int_eq(tu_run_tb(resume, log, &split, 240), 0);
	/* seed models, both modes: qwen3-14b both, qwq-32b think, vl nothink */
	planned = tu_query_long(run, "SELECT sum(n_planned) FROM cells");
	ck_assert_int_eq(planned, 40 * 4);
	ck_assert_int_eq(tu_stored(run), planned);
	ck_assert_int_eq(awaiting(run), 0);
	ck_assert_int_eq(tu_query_long(run, "SELECT count(*) FROM run WHERE status = 'done'"), 1);
	ck_assert_int_eq(tu_query_long(run, "SELECT count(*) FROM grades WHERE grading = 0"), planned);
}
END_TEST

/* --resume refuses a flag it would ignore, and nothing changes. */
START_TEST(resume_refuses_ignored_flags)
{
	char suite[600], out[600], log[600], run[700];
	char *argv[] = {"thinkbench", "run", "--suite", suite, "--out", out, "--run-id", "r", "--model",
			"qwen/qwen3-14b", "--sim-time-scale", "0", "--quiet", "--no-summary", NULL};
	char *bad[] = {"thinkbench", "run", "--resume", run, "--samples", "3", NULL};
	char *text;

	snprintf(suite, sizeof(suite), "%s/sums.jsonl", tu_dir);
	snprintf(out, sizeof(out), "%s/results", tu_dir);
	snprintf(log, sizeof(log), "%s/run.log", tu_dir);
	snprintf(run, sizeof(run), "%s/r", out);
	tu_write_suite(suite, 5, 4, 0);
	ck_assert_int_eq(tu_run_tb(argv, log, &split, 60), 0);
	ck_assert_int_eq(tu_run_tb(bad, log, &split, 60), 2);
	text = tu_read_file(log, NULL);
	ck_assert_ptr_nonnull(text);
	ck_assert_msg(strstr(text, "--samples") && strchr(text, '\n') == strrchr(text, '\n'), "%s", text);
	free(text);
	ck_assert_int_eq(tu_stored(run), 10);
}
END_TEST

/* A report reads only the store: with the suite file deleted it is the same,
 * byte for byte. */
START_TEST(report_without_suite_files)
{
	char suite[600], out[600], log[600], run[700], a[700], b[700];
	char *argv[] = {"thinkbench", "run", "--suite", suite, "--out", out, "--run-id", "rep", "--model",
			"qwen/qwen3-14b", "--sim-time-scale", "0", "--quiet", "--no-summary", NULL};
	char *rep_a[] = {"thinkbench", "report", run, "--format", "text,csv,md", "--out", a, NULL};
	char *rep_b[] = {"thinkbench", "report", run, "--format", "text,csv,md", "--out", b, NULL};
	static const char *const files[] = {"samples.csv", "summary.csv", "by_tag.csv", "by_lang.csv",
					    "report.md"};
	char cmd[2200];

	snprintf(suite, sizeof(suite), "%s/sums.jsonl", tu_dir);
	snprintf(out, sizeof(out), "%s/results", tu_dir);
	snprintf(log, sizeof(log), "%s/run.log", tu_dir);
	snprintf(run, sizeof(run), "%s/rep", out);
	snprintf(a, sizeof(a), "%s/a", tu_dir);
	snprintf(b, sizeof(b), "%s/b", tu_dir);
	tu_write_file(suite, "{\"suite\": {\"name\": \"tagged\", \"tags\": [\"t\"]}}\n"
			     "{\"id\": \"x1\", \"prompt\": \"What is 2 + 2?\", \"answer\": 4, \"lang\": \"en\","
			     " \"tags\": [\"easy\"], \"grader\": {\"type\": \"numeric\"}}\n"
			     "{\"id\": \"x2\", \"prompt\": \"What is 3 + 4?\", \"answer\": 7, \"lang\": \"fr\","
			     " \"grader\": {\"type\": \"numeric\"}}\n");
	ck_assert_int_eq(tu_run_tb(argv, log, &split, 60), 0);
	mkdir(a, 0777);
	mkdir(b, 0777);
	ck_assert_int_eq(tu_run_tb(rep_a, log, &split, 60), 0);
	snprintf(cmd, sizeof(cmd), "cp '%s.stdout' '%s/stdout'", log, a);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_eq(unlink(suite), 0);
	ck_assert_int_eq(tu_run_tb(rep_b, log, &split, 60), 0);
	snprintf(cmd, sizeof(cmd), "cp '%s.stdout' '%s/stdout'", log, b);
	ck_assert_int_eq(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "cmp -s '%s/stdout' '%s/stdout'", a, b);
	ck_assert_msg(system(cmd) == 0, "the text report changed without the suite file");
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(cmd, sizeof(cmd), "cmp -s '%s/%s' '%s/%s'", a, files[i], b, files[i]);
		ck_assert_msg(system(cmd) == 0, "%s changed without the suite file", files[i]);
	}
	/* the tags came through: by_tag has the item's and the suite's */
	snprintf(cmd, sizeof(cmd), "grep -q easy '%s/by_tag.csv'", b);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* ---- counted requests: a models file and a separate simulator ---- */

/* A killed run leaves its --unsafe-exec work dirs: they go into tu_dir
 * (through TMPDIR), which the slot uids must be able to enter. */
static void keep_unsafe_dirs_in_tu_dir(void)
{
	ck_assert_int_eq(chmod(tu_dir, 0711), 0);
	ck_assert_int_eq(setenv("TMPDIR", tu_dir, 1), 0);
}

/* Ten SIGKILLs at random moments of a run with slow code grading and 20%
 * faults, a resume after each: every sample stored once and graded, and the
 * simulator answered (faults aside) at most the samples plus the requests in
 * flight at each kill. */
START_TEST(ten_kills_count_requests)
{
	char suite[600], out[600], log[600], run[700], models[600];
	int port = tu_free_port();
	char *argv[] = {"thinkbench", "run", "--suite", suite, "--models", models, "--out", out,
			"--run-id", "tk", "-j", "16", "--unsafe-exec", "--quiet", "--no-summary", NULL};
	char *resume[] = {"thinkbench", "run", "--resume", run, "--quiet", "--no-summary", NULL};
	static const char *const faults[] = {"429", "5xx", "stall", "reset", "malformed", "cut", "midstream"};
	const int n_items = 60, jobs = 16, kills = 10;
	long answered, faulted = 0, samples = n_items * 2;
	pid_t sim;
	unsigned seed = 7;

	keep_unsafe_dirs_in_tu_dir();
	snprintf(suite, sizeof(suite), "%s/slow.jsonl", tu_dir);
	snprintf(out, sizeof(out), "%s/results", tu_dir);
	snprintf(log, sizeof(log), "%s/run.log", tu_dir);
	snprintf(run, sizeof(run), "%s/tk", out);
	snprintf(models, sizeof(models), "%s/models.json", tu_dir);
	write_slow_code_suite(suite, n_items, 150);
	tu_write_models(models, port, NULL);
	sim = tu_start_sim(tu_dir, port, suite,
			   "--time-scale 0.05 --fault-5xx 0.1 --fault-cut 0.05 --fault-reset 0.05");
	for (int k = 0; k < kills; k++) {
		pid_t pid = tu_spawn_tb(k ? resume : argv, log, &split);

		/* a run killed before its store holds anything has nothing to
		 * resume: the first kill waits for a first sample */
		for (int i = 0; k == 0 && i < 3000 && tu_stored(run) == 0; i++)
			usleep(10000);
		usleep(100000 + rand_r(&seed) % 700000);
		kill(pid, SIGKILL);
		tu_wait(pid, 30);
		tu_integrity_ok(run);
	}
	ck_assert_msg(awaiting(run) > 0 || tu_stored(run) < samples,
		      "the kills came too late to leave anything to do");
	ck_assert_int_eq(tu_run_tb(resume, log, &split, 300), 0);
	ck_assert_int_eq(tu_stored(run), samples);
	ck_assert_int_eq(awaiting(run), 0);
	ck_assert_int_eq(tu_query_long(run, "SELECT count(*) FROM samples WHERE outcome = 'correct'"), samples);
	for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++)
		faulted += tu_sim_stat(port, faults[i]);
	answered = tu_sim_requests(port) - faulted;
	printf("ten_kills_count_requests: %ld samples, %ld answers asked for (%ld re-asked), "
	       "%ld faulted requests\n", samples, answered, answered - samples, faulted);
	ck_assert_int_le(answered, samples + (long)kills * jobs);
	tu_stop_sim(sim);
}
END_TEST

/* Two resumes of one run: the second exits 2 at once, naming the first's
 * PID; the first finishes. */
START_TEST(two_resumes_at_once)
{
	char suite[600], out[600], log[600], log2[600], run[700], models[600], want[64];
	int port = tu_free_port();
	char *argv[] = {"thinkbench", "run", "--suite", suite, "--models", models, "--out", out,
			"--run-id", "two", "-j", "2", "--quiet", "--no-summary", NULL};
	char *resume[] = {"thinkbench", "run", "--resume", run, "-j", "2", "--quiet", "--no-summary", NULL};
	pid_t sim, first;
	long holder = 0;
	double t0;

	snprintf(suite, sizeof(suite), "%s/sums.jsonl", tu_dir);
	snprintf(out, sizeof(out), "%s/results", tu_dir);
	snprintf(log, sizeof(log), "%s/run.log", tu_dir);
	snprintf(log2, sizeof(log2), "%s/run2.log", tu_dir);
	snprintf(run, sizeof(run), "%s/two", out);
	snprintf(models, sizeof(models), "%s/models.json", tu_dir);
	tu_write_suite(suite, 40, 4, 0);
	tu_write_models(models, port, NULL);
	sim = tu_start_sim(tu_dir, port, suite, "--time-scale 0.1");
	first = tu_spawn_tb(argv, log, &split);
	for (int i = 0; i < 4000 && tu_stored(run) < 2; i++)
		usleep(2000);
	kill(first, SIGKILL);
	tu_wait(first, 30);
	first = tu_spawn_tb(resume, log, &split);
	/* held, and its PID written (a moment after the lock is taken) */
	for (int i = 0; i < 4000 && !(runlock_held(run, &holder) && holder); i++)
		usleep(2000);
	ck_assert_int_eq(holder, first);
	t0 = tu_now_s();
	ck_assert_int_eq(tu_run_tb(resume, log2, &split, 30), 2);
	ck_assert_msg(tu_now_s() - t0 < 5, "the second resume took %.1f s", tu_now_s() - t0);
	snprintf(want, sizeof(want), "in use by process %ld", (long)first);
	ck_assert_msg(tu_file_contains(log2, want), "no '%s' in the second resume's output", want);
	ck_assert_int_eq(tu_wait(first, 120), 0);
	ck_assert_int_eq(tu_stored(run), 80);
	tu_stop_sim(sim);
}
END_TEST

/* Ctrl-C in a real terminal (script) with a grading backlog: the stopping
 * line at once, exit 130 within seconds, the backlog stored ungraded; a
 * resume grades it with no request. */
START_TEST(ctrl_c_leaves_backlog_for_resume)
{
	char suite[600], out[600], log[600], run[700], models[600], cmd[4096], pidfile[600];
	int port = tu_free_port();
	const int n_items = 500;
	char *resume[] = {"thinkbench", "run", "--resume", run, "--quiet", "--no-summary", NULL};
	long requests, stored, waiting;
	pid_t sim, shell, tb = 0;
	double t_sig, t_line = -1, t_exit;
	int status;

	keep_unsafe_dirs_in_tu_dir();
	if (system("command -v script > /dev/null") != 0) {
		printf("ctrl_c_leaves_backlog_for_resume: skipped: no 'script' command\n");
		return;
	}
	snprintf(suite, sizeof(suite), "%s/slow.jsonl", tu_dir);
	snprintf(out, sizeof(out), "%s/results", tu_dir);
	snprintf(log, sizeof(log), "%s/tty.log", tu_dir);
	snprintf(run, sizeof(run), "%s/cc", out);
	snprintf(models, sizeof(models), "%s/models.json", tu_dir);
	snprintf(pidfile, sizeof(pidfile), "%s/tb.pid", tu_dir);
	write_slow_code_suite(suite, n_items, 200);
	tu_write_models(models, port, NULL);
	sim = tu_start_sim(tu_dir, port, suite, "--time-scale 0");
	snprintf(cmd, sizeof(cmd),
		 "exec script -qfec 'echo $$ > %s; exec env -u OPENROUTER_API_KEY TB_TEST_NO_KEY=unused %s run --suite %s --models %s --out %s --run-id cc "
		 "--mode nothink -j 64 --unsafe-exec --no-summary' %s > /dev/null 2>&1",
		 pidfile, TB_BINARY, suite, models, out, log);
	shell = fork();
	ck_assert_int_ge(shell, 0);
	if (shell == 0) {
		setsid();
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	/* every answer stored, most still waiting for their grade */
	for (int i = 0; i < 6000 && tu_stored(run) < n_items; i++)
		usleep(5000);
	ck_assert_int_eq(tu_stored(run), n_items);
	{
		char *p = tu_read_file(pidfile, NULL);

		ck_assert_ptr_nonnull(p);
		tb = (pid_t)atol(p);
		free(p);
	}
	ck_assert_int_gt(awaiting(run), 100);
	t_sig = tu_now_s();
	kill(tb, SIGINT);
	/* bounded: 10 s at most */
	for (int i = 0; i < 10000; i++) {
		if (t_line < 0 && tu_file_contains(log, "stopping:"))
			t_line = tu_now_s();
		if (waitpid(shell, &status, WNOHANG) == shell)
			break;
		usleep(1000);
	}
	t_exit = tu_now_s();
	ck_assert_msg(t_line > 0, "no stopping line");
	printf("ctrl_c_leaves_backlog_for_resume: stopping line after %.0f ms, exit after %.2f s\n",
	       (t_line - t_sig) * 1000, t_exit - t_sig);
	ck_assert_msg(t_line - t_sig < 0.1, "the stopping line came after %.0f ms", (t_line - t_sig) * 1000);
	ck_assert_msg(t_exit - t_sig < 5, "exit after %.2f s", t_exit - t_sig);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 130);
	tu_integrity_ok(run);
	ck_assert_int_eq(tu_query_long(run, "SELECT count(*) FROM run WHERE status = 'interrupted'"), 1);
	stored = tu_stored(run);
	waiting = awaiting(run);
	ck_assert_int_gt(waiting, 0);
	requests = tu_sim_requests(port);
	ck_assert_int_eq(tu_run_tb(resume, log, &split, 600), 0);
	ck_assert_int_eq(tu_sim_requests(port), requests);
	ck_assert_int_eq(tu_stored(run), stored);
	ck_assert_int_eq(awaiting(run), 0);
	ck_assert_int_eq(tu_query_long(run, "SELECT count(*) FROM samples WHERE outcome = 'correct'"), n_items);
	tu_stop_sim(sim);
}
END_TEST

/* ---- the lock and the grading stage, as units ---- */

START_TEST(lock_two_processes_and_a_killed_holder)
{
	char err[512];
	int fd, pipefd[2];
	long pid = 0;
	pid_t child;
	char c;

	ck_assert_int_eq(pipe(pipefd), 0);
	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		int cfd;

		if (runlock_take(tu_dir, &cfd, err, sizeof(err)) != TB_OK)
			_exit(1);
		if (write(pipefd[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	ck_assert_int_eq(read(pipefd[0], &c, 1), 1);
	ck_assert_int_eq(runlock_take(tu_dir, &fd, err, sizeof(err)), TB_ERR);
	ck_assert_msg(strstr(err, "in use by process"), "%s", err);
	ck_assert(runlock_held(tu_dir, &pid));
	ck_assert_int_eq(pid, child);
	ck_assert_str_eq(runlock_status(tu_dir, "running"), "running");
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	/* the kernel let go of it with the holder */
	ck_assert(!runlock_held(tu_dir, &pid));
	ck_assert_str_eq(runlock_status(tu_dir, "running"), "stopped");
	ck_assert_str_eq(runlock_status(tu_dir, "done"), "done");
	ck_assert_msg(runlock_take(tu_dir, &fd, err, sizeof(err)) == TB_OK, "%s", err);
	close(fd);
	close(pipefd[0]);
	close(pipefd[1]);
}
END_TEST

typedef struct verdicts {
	long n, correct, errors, measured, found;
} verdicts;

static void count_verdict(void *ud, const tb_sample *s, const tb_trace_metrics *m, void *tag)
{
	verdicts *v = ud;

	(void)tag;
	v->n++;
	v->correct += s->outcome == TB_OUT_CORRECT;
	v->errors += s->outcome == TB_OUT_ERROR;
	v->measured += m != NULL;
	v->found += m && m->first_correct_tokens >= 0;
}

#define REASONING "Add them: 40 + 2 = 42\n"

/* Past max_answers (or max_held_bytes) the stage holds only keys and reads
 * each answer, or with measure each whole sample, from the store; every
 * offer is answered once, with its thinking measured when asked; an unknown
 * item is an error, never a wrong answer; a cancelled stage grades nothing
 * more. Run 0 grades only, 1 measures too, 2 measures holding nothing. */
START_TEST(grading_stage_bounds_its_answers)
{
	char db[600], err[512];
	tb_run_info ri = {.simulated = 1};
	tb_store *st;
	grading_catalog *cat = grading_catalog_new();
	json_t *spec = json_pack("{s:s}", "type", "numeric");
	grading_stage *g;
	verdicts v = {0};
	char ids[200][16];
	const int n = 200;

	snprintf(db, sizeof(db), "%s/store%d.sqlite", tu_dir, _i);
	snprintf(ri.run_id, sizeof(ri.run_id), "g");
	snprintf(ri.version, sizeof(ri.version), "0");
	snprintf(ri.status, sizeof(ri.status), "running");
	ck_assert_msg(store_create(db, &ri, &st, err, sizeof(err)) == TB_OK, "%s", err);
	for (int i = 0; i < n; i++) {
		tb_sample s = {.suite = "s", .item_id = ids[i], .model = "m", .mode = "think",
			       .outcome = TB_OUT_UNGRADED, .grader = "numeric", .answer = "The answer is 42.",
			       .reasoning = REASONING, .lang_check = GR_LANG_UNCHECKED};

		snprintf(ids[i], sizeof(ids[i]), "i%03d", i);
		ck_assert_msg(store_put_sample(st, &s, err, sizeof(err)) == TB_OK, "%s", err);
		ck_assert_int_eq(grading_catalog_add(cat, "s", ids[i], "42", NULL, spec, err, sizeof(err)), TB_OK);
	}
	grading_catalog_seal(cat);
	ck_assert_int_eq(grading_catalog_find(cat, "s", "i007"), 1);
	ck_assert_int_eq(grading_catalog_find(cat, "s", "nope"), -1);
	ck_assert_int_eq(grading_new(&(grading_config){.catalog = cat, .threads = 2, .max_answers = 16,
						       .max_held_bytes = _i == 2 ? 1 : 0, .measure = _i > 0,
						       .store_path = db, .verdict = count_verdict,
						       .verdict_ud = &v},
				     &g, err, sizeof(err)),
			 TB_OK);
	for (int i = 0; i < n; i++) {
		/* half offered with the answer, half without */
		tb_sample s = {.suite = "s", .item_id = ids[i], .model = "m", .mode = "think",
			       .answer = i % 2 ? "The answer is 42." : NULL, .reasoning = i % 2 ? REASONING : NULL};

		ck_assert_int_eq(grading_offer(g, &s, NULL), TB_OK);
	}
	ck_assert_int_eq(grading_offer(g, &(tb_sample){.suite = "s", .item_id = "gone", .model = "m",
						       .mode = "think", .answer = "1"}, NULL),
			 TB_OK);
	grading_drain(g);
	ck_assert_int_eq(grading_backlog(g), 0);
	ck_assert_int_eq(v.n, n + 1);
	ck_assert_int_eq(v.correct, n);
	ck_assert_int_eq(v.errors, 1);
	ck_assert_int_eq(v.measured, _i > 0 ? n : 0);
	ck_assert_int_eq(v.found, _i > 0 ? n : 0);
	/* cancelled: what is offered now is handed back to no one */
	ck_assert_int_eq(grading_cancel(g, 1000), 0);
	ck_assert_int_eq(grading_offer(g, &(tb_sample){.suite = "s", .item_id = "i001", .model = "m",
						       .mode = "think", .answer = "42"}, NULL),
			 TB_OK);
	grading_drain(g);
	ck_assert_int_eq(v.n, n + 1);
	grading_free(g);
	grading_catalog_free(cat);
	json_decref(spec);
	store_close(st);
}
END_TEST

/* The catalog looks a spec shared by consecutive items up once: each item
 * must still get its own grader, when each spec is freed after its item is
 * added (as a suite's own item graders are) and the next may take its
 * address. */
START_TEST(catalog_keeps_each_items_grader)
{
	static const char *const tags[] = {"alpha", "beta", "gamma", "delta"};
	grading_catalog *cat = grading_catalog_new();
	json_t *shared = json_pack("{s:s}", "type", "numeric");
	char err[512], id[16], text[32];

	for (int i = 0; i < 4; i++) {
		char pattern[32];
		json_t *own;

		snprintf(pattern, sizeof(pattern), "%s(\\d+)", tags[i]);
		own = json_pack("{s:s, s:s, s:i}", "type", "regex", "pattern", pattern, "group", 1);
		snprintf(id, sizeof(id), "own%d", i);
		ck_assert_msg(grading_catalog_add(cat, "s", id, "42", NULL, own, err, sizeof(err)) == TB_OK, "%s",
			      err);
		json_decref(own);
	}
	for (int i = 0; i < 4; i++) {
		snprintf(id, sizeof(id), "shared%d", i);
		ck_assert_msg(grading_catalog_add(cat, "s", id, "42", NULL, shared, err, sizeof(err)) == TB_OK, "%s",
			      err);
	}
	json_decref(shared);
	grading_catalog_seal(cat);
	for (int i = 0; i < 4; i++) {
		snprintf(id, sizeof(id), "own%d", i);
		snprintf(text, sizeof(text), "%s42", tags[i]);
		ck_assert_int_eq(grading_catalog_judge(cat, "s", id, text, strlen(text)), 1);
		snprintf(text, sizeof(text), "%s42", tags[(i + 1) % 4]);
		ck_assert_int_eq(grading_catalog_judge(cat, "s", id, text, strlen(text)), 0);
		snprintf(id, sizeof(id), "shared%d", i);
		ck_assert_int_eq(grading_catalog_judge(cat, "s", id, "42", 2), 1);
	}
	grading_catalog_free(cat);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pipeline");
	TCase *units = tcase_create("units");
	TCase *loop = tcase_create("loopback");

	tcase_add_checked_fixture(units, tu_dir_setup, tu_dir_teardown);
	tcase_add_test(units, lock_two_processes_and_a_killed_holder);
	tcase_add_loop_test(units, grading_stage_bounds_its_answers, 0, 3);
	tcase_add_test(units, catalog_keeps_each_items_grader);
	suite_add_tcase(s, units);
	tcase_add_checked_fixture(loop, tu_dir_setup, tu_dir_teardown);
	tcase_set_timeout(loop, 900);
	tcase_add_test(loop, kill_and_resume_default_path);
	tcase_add_test(loop, resume_refuses_ignored_flags);
	tcase_add_test(loop, report_without_suite_files);
	tcase_add_test(loop, ten_kills_count_requests);
	tcase_add_test(loop, two_resumes_at_once);
	tcase_add_test(loop, ctrl_c_leaves_backlog_for_resume);
	suite_add_tcase(s, loop);
	return tu_run(s);
}
