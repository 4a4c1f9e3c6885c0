/* API keys: redacted wherever endpoint text enters and wherever a message
 * leaves (redact.c, resp.c, log.c); taken out of the environment so that no
 * child inherits them; and no core file, whatever the command. */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "rc.h"
#include "redact.h"
#include "resp.h"
#include "store.h"
#include "testutil.h"

#define KEY "sk-or-v1-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define KEY_ENV "TB_CHECK_SECRETS_KEY"

/* Whether the bytes hold the key, or the 8 bytes at either of its ends (the
 * parts an endpoint masking it would show). */
static const char *leak_in(const char *t, size_t len)
{
	static const char *const parts[] = {KEY, "sk-or-v1", "89abcdef0", "23456789abcdef"};

	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++)
		if (memmem(t, len, parts[i], strlen(parts[i])))
			return parts[i];
	return NULL;
}

/* Fails the test if any file under dir holds a part of the key. */
static void no_key_under(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;

	ck_assert_msg(d != NULL, "cannot list %s", dir);
	while ((e = readdir(d)) != NULL) {
		char path[4300];
		struct stat sb;
		size_t len = 0;
		char *t;
		const char *part;

		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		ck_assert_int_eq(lstat(path, &sb), 0);
		if (S_ISDIR(sb.st_mode)) {
			no_key_under(path);
			continue;
		}
		t = tu_read_file(path, &len);
		ck_assert_msg(t != NULL, "cannot read %s", path);
		part = leak_in(t, len);
		ck_assert_msg(part == NULL, "%s holds '%s'", path, part);
		free(t);
	}
	closedir(d);
}

/* ---- the module --------------------------------------------------------- */

static void take_key(void)
{
	setenv(KEY_ENV, KEY, 1);
	ck_assert_str_eq(tb_secret_take(KEY_ENV), KEY);
	ck_assert_msg(getenv(KEY_ENV) == NULL, "the variable is still in the environment");
	/* read once: the copy stays after the variable is gone */
	ck_assert_str_eq(tb_secret_take(KEY_ENV), KEY);
}

START_TEST(whole_and_parts)
{
	char s[256];

	take_key();
	snprintf(s, sizeof(s), "Bearer %s and sk-...%s and %.12s end", KEY, KEY + strlen(KEY) - 8, KEY);
	ck_assert_uint_eq(tb_redact_str(s, sizeof(s)), 3);
	ck_assert_str_eq(s, "Bearer [REDACTED] and sk-...[REDACTED] and [REDACTED] end");
	/* seven bytes of it are not a part; words that merely share letters stay */
	snprintf(s, sizeof(s), "abcdef0 is hex, sk-or-v is not a key");
	ck_assert_uint_eq(tb_redact_str(s, sizeof(s)), 0);
	/* cut to fit: never longer than the buffer */
	memcpy(s, KEY, 15);
	s[15] = '\0';
	ck_assert_uint_eq(tb_redact_str(s, 16), 1);
	ck_assert_str_eq(s, "[REDACTED]");
}
END_TEST

START_TEST(short_value_is_no_key)
{
	char s[64];

	/* vLLM's placeholder: redacting it would cut words out of answers */
	setenv("TB_CHECK_SHORT", "EMPTY", 1);
	ck_assert_str_eq(tb_secret_take("TB_CHECK_SHORT"), "EMPTY");
	ck_assert_ptr_null(getenv("TB_CHECK_SHORT"));
	snprintf(s, sizeof(s), "the EMPTY set");
	ck_assert_uint_eq(tb_redact_str(s, sizeof(s)), 0);
	ck_assert_str_eq(s, "the EMPTY set");
	ck_assert_ptr_null(tb_secret_take("TB_CHECK_UNSET_VARIABLE"));
}
END_TEST

/* Names with nothing to hide, taken first (a models file's keyless
 * endpoints), neither hide the key taken after them nor cost text a scan. */
START_TEST(key_after_names_without_one)
{
	char s[256];

	setenv("TB_CHECK_SHORT", "EMPTY", 1);
	ck_assert_ptr_null(tb_secret_take("TB_CHECK_UNSET_VARIABLE"));
	ck_assert_str_eq(tb_secret_take("TB_CHECK_SHORT"), "EMPTY");
	snprintf(s, sizeof(s), "the EMPTY set");
	ck_assert_uint_eq(tb_redact_str(s, sizeof(s)), 0);
	take_key();
	snprintf(s, sizeof(s), "EMPTY %s", KEY);
	ck_assert_uint_eq(tb_redact_str(s, sizeof(s)), 1);
	ck_assert_str_eq(s, "EMPTY [REDACTED]");
}
END_TEST

/* A key split across stream chunks, in every field an endpoint fills. */
START_TEST(split_across_chunks)
{
	static const char *const chunks[] = {
		"{\"id\":\"" KEY "\",\"provider\":\"p " KEY "\",\"choices\":[{\"delta\":{\"content\":\"a sk-or-v1-0123\"}}]}",
		"{\"choices\":[{\"delta\":{\"content\":\"456789abcdef0123456789abcdef\"}}]}",
		"{\"choices\":[{\"delta\":{\"content\":\"0123456789abcdef0123456789abcdef b\"}}]}",
		"{\"error\":{\"code\":401,\"message\":\"bad key " KEY "\",\"metadata\":{\"error_type\":\"" KEY "\"}}}",
	};
	tb_resp r;

	take_key();
	resp_init(&r, 1 << 20);
	for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++)
		ck_assert_int_eq(resp_on_chunk(&r, chunks[i], strlen(chunks[i]), 1000), TB_OK);
	ck_assert_msg(!leak_in(r.content.data, r.content.len), "content: %s", r.content.data);
	ck_assert_msg(strncmp(r.content.data, "a ", 2) == 0 && strstr(r.content.data, " b"), "%s",
		      r.content.data);
	ck_assert_str_eq(r.generation_id, "[REDACTED]");
	ck_assert_str_eq(r.provider, "p [REDACTED]");
	ck_assert_str_eq(r.error_message, "bad key [REDACTED]");
	ck_assert_str_eq(r.error_type, "[REDACTED]");
	resp_release(&r);

	resp_init(&r, 1 << 20);
	ck_assert_int_eq(resp_parse_body(&r, chunks[3], strlen(chunks[3])), TB_OK);
	ck_assert_str_eq(r.error_message, "bad key [REDACTED]");
	resp_release(&r);
}
END_TEST

START_TEST(messages)
{
	char err[128];

	take_key();
	tb_seterr(err, sizeof(err), "HTTP 401: Incorrect API key provided: %s", KEY);
	ck_assert_str_eq(err, "HTTP 401: Incorrect API key provided: [REDACTED]");
}
END_TEST

/* ---- the program -------------------------------------------------------- */

/* An endpoint that echoes the key, in each of the ways sim_hostile.h lists:
 * no byte of the run folder, the reports or the output holds it. */
static void echo_run(const char *stream_flag)
{
	char suite[600], out[600], log[600], rlog[600], run[700], models[600], logs[600];
	int port = tu_free_port();
	char *argv[] = {"thinkbench", "run", "--suite", suite, "--models", models, "--out", out,
			"--run-id", "echo", "-j", "4", "--retries", "1", (char *)stream_flag, NULL};
	char *rep[] = {"thinkbench", "report", run, "--format", "all", "--plots", NULL};
	tu_spawn split = {.split_stdout = 1};
	pid_t sim;
	int rc;

	snprintf(suite, sizeof(suite), "%s/sums.jsonl", tu_dir);
	snprintf(out, sizeof(out), "%s/results", tu_dir);
	snprintf(log, sizeof(log), "%s/logs/run.log", tu_dir);
	snprintf(rlog, sizeof(rlog), "%s/logs/report.log", tu_dir);
	snprintf(run, sizeof(run), "%s/echo", out);
	snprintf(models, sizeof(models), "%s/logs/models.json", tu_dir);
	snprintf(logs, sizeof(logs), "%s/logs", tu_dir);
	ck_assert_int_eq(mkdir(logs, 0777), 0);
	tu_write_suite(suite, 10, 4, 0);
	tu_write_models(models, port, KEY_ENV);
	sim = tu_start_sim(tu_dir, port, suite, "--time-scale 0 --hostile echokey");
	setenv(KEY_ENV, KEY, 1);
	rc = tu_run_tb(argv, log, &split, 120);
	unsetenv(KEY_ENV);
	ck_assert_msg(rc == 0 || rc == 3, "run: exit %d", rc);
	/* the sim saw the key: the harness did send it */
	ck_assert_int_ge(tu_sim_requests(port), 10);
	tu_stop_sim(sim);
	ck_assert_int_eq(tu_run_tb(rep, rlog, &split, 120), 0);
	/* the run folder with its reports and plots, and stderr and stdout of
	 * both commands (the simulator's own log is no output of ours) */
	no_key_under(out);
	no_key_under(logs);
	/* every way was served, and their texts were kept, redacted */
	ck_assert_int_ge(tu_query_long(run, "SELECT count(*) FROM samples WHERE provider = '[REDACTED]'"), 1);
	ck_assert_int_ge(tu_query_long(run, "SELECT count(*) FROM samples WHERE generation_id = '[REDACTED]'"), 1);
	ck_assert_int_ge(tu_query_long(run, "SELECT count(*) FROM samples WHERE instr(answer, 'Your key is [REDACTED]') > 0"), 1);
	ck_assert_int_ge(tu_query_long(run, "SELECT count(*) FROM samples WHERE instr(error, '[REDACTED]') > 0"), 1);
}

START_TEST(echoing_endpoint_stream)
{
	echo_run(NULL);
}
END_TEST

START_TEST(echoing_endpoint_body)
{
	echo_run("--no-stream");
}
END_TEST

/* An empty finished store in tu_dir/run, for report. */
static void make_store(char *dir, size_t n)
{
	char path[1200], err[256];
	tb_run_info info = {0};
	tb_store *st = NULL;

	snprintf(dir, n, "%s/run", tu_dir);
	ck_assert_int_eq(mkdir(dir, 0777), 0);
	snprintf(path, sizeof(path), "%s/store.sqlite", dir);
	snprintf(info.run_id, sizeof(info.run_id), "r1");
	snprintf(info.status, sizeof(info.status), "done");
	ck_assert_msg(store_create(path, &info, &st, err, sizeof(err)) == TB_OK, "%s", err);
	store_close(st);
}

/* A gnuplot that writes its environment and its pid, then waits. */
static void fake_gnuplot(char *prog, size_t n)
{
	char text[1200];

	snprintf(prog, n, "%s/gnuplot.sh", tu_dir);
	snprintf(text, sizeof(text), "#!/bin/sh\nenv > '%s/gnuplot.env'\necho $$ > '%s/gnuplot.pid.tmp'\n"
		 "mv '%s/gnuplot.pid.tmp' '%s/gnuplot.pid'\nexec sleep 30\n", tu_dir, tu_dir, tu_dir, tu_dir);
	tu_write_file(prog, text);
	ck_assert_int_eq(chmod(prog, 0755), 0);
}

/* Waits up to 30 s for the fake gnuplot to start; returns its pid. */
static pid_t gnuplot_started(void)
{
	char path[700];
	double end = tu_now_s() + 30;

	snprintf(path, sizeof(path), "%s/gnuplot.pid", tu_dir);
	while (tu_now_s() < end) {
		char *t = tu_read_file(path, NULL);

		if (t) {
			pid_t pid = (pid_t)atol(t);

			free(t);
			return pid;
		}
		usleep(20000);
	}
	ck_abort_msg("gnuplot never started");
	return -1;
}

/* report, started as `ulimit -c unlimited` would, from tu_dir; killed by
 * SIGQUIT (whose default is to dump core) while gnuplot runs. Neither a
 * core file nor the key in gnuplot's environment. */
START_TEST(report_crash_leaves_no_core)
{
	char dir[700], prog[700], log[700], path[800];
	char *rep[] = {"thinkbench", "report", dir, "--plots", NULL};
	struct rlimit unlimited = {RLIM_INFINITY, RLIM_INFINITY};
	pid_t pid, plot;
	int status;
	char *env;
	DIR *d;
	struct dirent *e;

	make_store(dir, sizeof(dir));
	fake_gnuplot(prog, sizeof(prog));
	snprintf(log, sizeof(log), "%s/report.log", tu_dir);
	if (setrlimit(RLIMIT_CORE, &unlimited) != 0) {
		struct rlimit hard;

		getrlimit(RLIMIT_CORE, &hard);
		unlimited.rlim_cur = hard.rlim_max;
		ck_assert_msg(hard.rlim_max > 0 && setrlimit(RLIMIT_CORE, &unlimited) == 0,
			      "core files are off for this test process: nothing to check");
	}
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		tu_redirect(log);
		if (chdir(tu_dir) != 0)
			_exit(122);
		setenv("TB_GNUPLOT", prog, 1);
		setenv("OPENROUTER_API_KEY", KEY, 1);
		execv(TB_BINARY, rep);
		_exit(121);
	}
	plot = gnuplot_started();
	ck_assert_int_eq(kill(pid, SIGQUIT), 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	kill(plot, SIGKILL);
	ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGQUIT, "status %d", status);
	ck_assert_msg(!WCOREDUMP(status), "report dumped core");
	d = opendir(tu_dir);
	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL)
		ck_assert_msg(strncmp(e->d_name, "core", 4) != 0, "a core file: %s", e->d_name);
	closedir(d);
	snprintf(path, sizeof(path), "%s/gnuplot.env", tu_dir);
	env = tu_read_file(path, NULL);
	ck_assert_ptr_nonnull(env);
	ck_assert_msg(strstr(env, "OPENROUTER_API_KEY") == NULL && !strstr(env, KEY),
		      "gnuplot inherited the key");
	free(env);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("secrets");
	TCase *unit = tcase_create("module"), *prog = tcase_create("program");

	tcase_add_test(unit, whole_and_parts);
	tcase_add_test(unit, short_value_is_no_key);
	tcase_add_test(unit, key_after_names_without_one);
	tcase_add_test(unit, split_across_chunks);
	tcase_add_test(unit, messages);
	suite_add_tcase(s, unit);
	tcase_add_checked_fixture(prog, tu_dir_setup, tu_dir_teardown);
	tcase_set_timeout(prog, 300);
	tcase_add_test(prog, echoing_endpoint_stream);
	tcase_add_test(prog, echoing_endpoint_body);
	tcase_add_test(prog, report_crash_leaves_no_core);
	suite_add_tcase(s, prog);
	return tu_run(s);
}
