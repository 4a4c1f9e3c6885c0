/* Stores made elsewhere: a run folder on a read-only file system is
 * reported (read as an immutable file), and `list runs` shows a store it
 * cannot read as corrupt, with the reason, instead of leaving it out. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rc.h"
#include "store.h"
#include "testutil.h"

/* A finished run with one sample in <tu_dir>/results/<id>. */
static void make_run(const char *id)
{
	char dir[700], path[800], err[256];
	tb_run_info ri = {0};
	tb_store *st;
	tb_sample s = {
		.suite = "s", .item_id = "i", .model = "m/x", .mode = "nothink", .outcome = TB_OUT_CORRECT,
		.extracted = "4", .expected = "4", .grade_reason = "", .grader = "regex", .lang_check = -1,
		.split_method = "none", .reasoning = "", .answer = "4", .prompt_tokens = 1,
		.completion_tokens = 1, .reasoning_tokens = -1, .cached_tokens = -1, .cost_usd = 0.001,
		.ttft_ms = 1, .ttfa_ms = 1, .total_ms = 1, .finish_reason = "stop",
		.native_finish_reason = "", .http_status = 200, .attempts = 1, .error = "", .lang = "en",
		.provider = "p", .generation_id = "g", .finished_at = 1e9,
	};

	snprintf(dir, sizeof(dir), "%s/results", tu_dir);
	mkdir(dir, 0777);
	snprintf(dir, sizeof(dir), "%s/results/%s", tu_dir, id);
	ck_assert_int_eq(mkdir(dir, 0777), 0);
	snprintf(path, sizeof(path), "%s/store.sqlite", dir);
	snprintf(ri.run_id, sizeof(ri.run_id), "%s", id);
	snprintf(ri.status, sizeof(ri.status), "done");
	ck_assert_msg(store_create(path, &ri, &st, err, sizeof(err)) == TB_OK, "%s", err);
	ck_assert_msg(store_put_sample(st, &s, err, sizeof(err)) == TB_OK, "%s", err);
	store_close(st);
}

START_TEST(report_from_a_read_only_file_system)
{
	char run[700], out[700], log[700], csv[800];
	char *argv[] = {"bwrap", "--dev-bind", "/", "/", "--ro-bind", run, run, TB_BINARY, "report",
			run, "--format", "csv,json", "--out", out, NULL};
	pid_t pid;
	int rc;
	char *text;

	if (access("/usr/bin/bwrap", X_OK) != 0) {
		fprintf(stderr, "bubblewrap not installed: read-only file system not checked\n");
		return;
	}
	make_run("ro");
	snprintf(run, sizeof(run), "%s/results/ro", tu_dir);
	snprintf(out, sizeof(out), "%s/elsewhere", tu_dir);
	snprintf(log, sizeof(log), "%s/report.log", tu_dir);
	ck_assert_int_eq(mkdir(out, 0777), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		tu_redirect(log);
		execv("/usr/bin/bwrap", argv);
		_exit(121);
	}
	rc = tu_wait(pid, 60);
	text = tu_read_file(log, NULL);
	ck_assert_msg(rc == 0, "report exited %d: %s", rc, text);
	free(text);
	snprintf(csv, sizeof(csv), "%s/samples.csv", out);
	ck_assert_msg(tu_file_contains(csv, "ro,s,i,m/x"), "no samples.csv in --out");
}
END_TEST

START_TEST(list_shows_a_corrupt_store)
{
	char dir[700], path[800], log[700], outdir[700];
	char *argv[] = {"thinkbench", "list", "runs", "--out", outdir, NULL};
	tu_spawn split = {.split_stdout = 1};
	char *text;

	make_run("good");
	snprintf(dir, sizeof(dir), "%s/results/bad", tu_dir);
	ck_assert_int_eq(mkdir(dir, 0777), 0);
	snprintf(path, sizeof(path), "%s/store.sqlite", dir);
	tu_write_file(path, "junk junk junk, whatever its name says\n");
	snprintf(dir, sizeof(dir), "%s/results/no-store-here", tu_dir);
	ck_assert_int_eq(mkdir(dir, 0777), 0);
	snprintf(outdir, sizeof(outdir), "%s/results", tu_dir);
	snprintf(log, sizeof(log), "%s/list.log", tu_dir);
	ck_assert_int_eq(tu_run_tb(argv, log, &split, 60), 0);
	strcat(log, ".stdout");
	text = tu_read_file(log, NULL);
	ck_assert_msg(strstr(text, "\ngood ") != NULL, "%s", text);
	ck_assert_msg(strstr(text, "\nbad ") != NULL && strstr(text, "corrupt") != NULL &&
		      strstr(text, "not a database") != NULL, "%s", text);
	ck_assert_msg(strstr(text, "no-store-here") == NULL, "%s", text);
	free(text);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("readonly");
	TCase *tc = tcase_create("stores");

	tcase_add_checked_fixture(tc, tu_dir_setup, tu_dir_teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, report_from_a_read_only_file_system);
	tcase_add_test(tc, list_shows_a_corrupt_store);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
