/* Folders made for --out paths (harness/mkpath.c), and the commands that use
 * them: import --out into missing folders, errors that name the user's path. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mkpath.h"
#include "rc.h"
#include "testutil.h"

static int is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

START_TEST(test_nested)
{
	char *dir = tu_mkdtemp(), path[4200], err[1024] = "";

	ck_assert_ptr_nonnull(dir);
	snprintf(path, sizeof(path), "%s/a/b//c/", dir);
	ck_assert_msg(tb_mkpath(path, 0777, err, sizeof(err)) == TB_OK, "%s", err);
	snprintf(path, sizeof(path), "%s/a/b/c", dir);
	ck_assert(is_dir(path));
	/* again: every folder is there already */
	ck_assert_msg(tb_mkpath(path, 0777, err, sizeof(err)) == TB_OK, "%s", err);
	snprintf(path, sizeof(path), "%s/x/y/file.jsonl", dir);
	ck_assert_msg(tb_mkpath_parent(path, 0777, err, sizeof(err)) == TB_OK, "%s", err);
	snprintf(path, sizeof(path), "%s/x/y", dir);
	ck_assert(is_dir(path));
	ck_assert_int_eq(tb_mkpath_parent("plain.jsonl", 0777, err, sizeof(err)), TB_OK);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* A file where a folder should be: the message names the path given and the
 * part in the way. */
START_TEST(test_file_in_the_way)
{
	char *dir = tu_mkdtemp(), file[4200], path[4300], err[1024] = "";

	ck_assert_ptr_nonnull(dir);
	snprintf(file, sizeof(file), "%s/f", dir);
	tu_write_file(file, "x");
	snprintf(path, sizeof(path), "%s/g/h", file);
	ck_assert_int_eq(tb_mkpath(path, 0777, err, sizeof(err)), TB_ERR);
	ck_assert_msg(strstr(err, path) && strstr(err, "Not a directory"), "%s", err);
	ck_assert_int_eq(tb_mkpath(file, 0777, err, sizeof(err)), TB_ERR);
	ck_assert_msg(strstr(err, file) && strstr(err, "Not a directory"), "%s", err);
	ck_assert_int_eq(tb_mkpath("", 0777, err, sizeof(err)), TB_ERR);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* The command as a user types it: --out into folders that do not exist yet,
 * and an --out that cannot be written names the user's path, never the
 * temporary file beside it. */
START_TEST(test_import_out)
{
	char *dir = tu_mkdtemp(), out[4200], log[4200], file[4200], *text;
	char sample[] = TB_SOURCE_DIR "/examples/gsm8k-sample.jsonl";

	ck_assert_ptr_nonnull(dir);
	snprintf(out, sizeof(out), "%s/suites-extra/new/gsm8k.jsonl", dir);
	snprintf(log, sizeof(log), "%s/log", dir);
	{
		char *argv[] = {"thinkbench", "import", "gsm8k", sample, "--out", out, NULL};

		ck_assert_int_eq(tu_run_tb(argv, log, NULL, 60), TB_EXIT_OK);
		ck_assert_int_eq(tu_file_contains(out, "\"gsm8k-0005\""), 1);
	}
	snprintf(file, sizeof(file), "%s/afile", dir);
	tu_write_file(file, "x");
	snprintf(out, sizeof(out), "%s/afile/gsm8k.jsonl", dir);
	{
		char *argv[] = {"thinkbench", "import", "gsm8k", sample, "--out", out, NULL};

		ck_assert_int_ne(tu_run_tb(argv, log, NULL, 60), TB_EXIT_OK);
		text = tu_read_file(log, NULL);
		ck_assert_ptr_nonnull(text);
		ck_assert_msg(strstr(text, file) && !strstr(text, ".tmp."), "%s", text);
		ck_assert_uint_eq(tu_count(text, "\n"), 1);
		free(text);
	}
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* report --out into folders that do not exist yet; a file that cannot be
 * written is named as the user will look for it. */
START_TEST(test_report_out)
{
	char *dir = tu_mkdtemp(), suite[4200], out[4200], log[4200], run[4300], rep[4300], md[4400];
	char *text;

	ck_assert_ptr_nonnull(dir);
	snprintf(suite, sizeof(suite), "%s/sums.jsonl", dir);
	snprintf(out, sizeof(out), "%s/results", dir);
	snprintf(log, sizeof(log), "%s/log", dir);
	snprintf(run, sizeof(run), "%s/r", out);
	tu_write_suite(suite, 3, 1, 0);
	{
		char *argv[] = {"thinkbench", "run", "--suite", suite, "--out", out, "--sim", "--model",
				"qwen/qwen3-14b", "--mode", "nothink", "--run-id", "r", "--sim-time-scale", "0",
				"--quiet", "--no-summary", NULL};

		ck_assert_int_eq(tu_run_tb(argv, log, NULL, 120), 0);
	}
	snprintf(rep, sizeof(rep), "%s/reports/new/deep", dir);
	{
		char *argv[] = {"thinkbench", "report", run, "--format", "md,csv", "--out", rep, NULL};

		ck_assert_int_eq(tu_run_tb(argv, log, NULL, 120), 0);
		snprintf(md, sizeof(md), "%s/report.md", rep);
		ck_assert_int_eq(tu_file_contains(md, "qwen"), 1);
	}
	/* report.md is a folder: the message names it, not report.md.tmp */
	tu_rmtree(rep);
	{
		char err[1024];

		snprintf(md, sizeof(md), "%s/report.md", rep);
		ck_assert_msg(tb_mkpath(md, 0777, err, sizeof(err)) == TB_OK, "%s", err);
	}
	{
		char *argv[] = {"thinkbench", "report", run, "--format", "md", "--out", rep, NULL};

		ck_assert_int_ne(tu_run_tb(argv, log, NULL, 120), 0);
		text = tu_read_file(log, NULL);
		ck_assert_ptr_nonnull(text);
		ck_assert_msg(strstr(text, md) && !strstr(text, ".tmp"), "%s", text);
		free(text);
	}
	tu_rmtree(dir);
	free(dir);
}
END_TEST

static Suite *mkpath_suite(void)
{
	Suite *s = suite_create("mkpath");
	TCase *tc = tcase_create("mkpath");

	tcase_add_test(tc, test_nested);
	tcase_add_test(tc, test_file_in_the_way);
	tcase_add_test(tc, test_import_out);
	tcase_add_test(tc, test_report_out);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(mkpath_suite());
}
