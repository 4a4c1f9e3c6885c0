/* run --dry-run and its estimate (harness/estimate.c): the prompt-token rule,
 * nothing sent or written, and the expected completion tokens against what a
 * simulated run then used. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "estimate.h"
#include "rc.h"
#include "suite.h"
#include "testutil.h"

START_TEST(test_prompt_tokens)
{
	char *dir = tu_mkdtemp(), path[4200], err[1024] = "";
	tb_suite *s = NULL;

	ck_assert_ptr_nonnull(dir);
	snprintf(path, sizeof(path), "%s/t.jsonl", dir);
	tu_write_file(path,
		      "{\"suite\": {\"name\": \"t\", \"system\": \"12345\"}}\n"
		      "{\"id\": \"a\", \"prompt\": \"12345678\"}\n"
		      "{\"id\": \"b\", \"prompt\": \"123456789\"}\n"
		      "{\"id\": \"c\", \"messages\": [{\"role\": \"user\", \"content\": \"1234\"},"
		      " {\"role\": \"assistant\", \"content\": [{\"type\": \"text\", \"text\": \"12345\"}]},"
		      " {\"role\": \"user\", \"content\": \"1\"}]}\n");
	ck_assert_msg(suite_load(path, 0, &s, err, sizeof(err)) == TB_OK, "%s", err);
	/* the system prompt's 5 bytes are 2 tokens; each text rounds up */
	ck_assert_int_eq(est_prompt_tokens(s, &s->items[0]), 2 + 2);
	ck_assert_int_eq(est_prompt_tokens(s, &s->items[1]), 2 + 3);
	ck_assert_int_eq(est_prompt_tokens(s, &s->items[2]), 2 + 1 + 2 + 1);
	suite_free(s);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* The "total" line of a dry run's table: samples, prompt tokens, completion
 * at most, completion expected. */
static void read_total(const char *out_path, long *samples, double *prompt, double *cmax, double *cexp)
{
	char *text = tu_read_file(out_path, NULL), *line;

	ck_assert_ptr_nonnull(text);
	line = strstr(text, "\ntotal ");
	ck_assert_msg(line != NULL, "%s", text);
	ck_assert_int_eq(sscanf(line, " total %ld %lf %lf %lf", samples, prompt, cmax, cexp), 4);
	free(text);
}

START_TEST(test_dry_run)
{
	char *dir = tu_mkdtemp(), suite[4200], out[4200], log[4200], run[4300], stdout_path[4300];
	tu_spawn sp = {.split_stdout = 1};
	struct stat st;
	long samples, actual, stored;
	double prompt, cmax, cexp;

	ck_assert_ptr_nonnull(dir);
	snprintf(suite, sizeof(suite), "%s/sums.jsonl", dir);
	snprintf(out, sizeof(out), "%s/results", dir);
	snprintf(log, sizeof(log), "%s/log", dir);
	snprintf(stdout_path, sizeof(stdout_path), "%s.stdout", log);
	snprintf(run, sizeof(run), "%s/a", out);
	tu_write_suite(suite, 40, 2, 0);
	{
		char *argv[] = {"thinkbench", "run", "--suite", suite, "--out", out, "--sim", "--model",
				"qwen/qwen3-14b", "--mode", "both", "--samples", "2", "--dry-run", NULL};

		ck_assert_int_eq(tu_run_tb(argv, log, &sp, 120), 0);
		ck_assert_int_eq(tu_file_contains(stdout_path, "simulator profile"), 1);
		ck_assert_int_eq(tu_file_contains(stdout_path, "no request was sent"), 1);
		ck_assert_msg(stat(out, &st) != 0, "a dry run made %s", out);
		read_total(stdout_path, &samples, &prompt, &cmax, &cexp);
		ck_assert_int_eq(samples, 160);
		/* max_tokens (32768) bounds every sample */
		ck_assert(cmax == 160.0 * 32768);
		ck_assert(cexp > 0 && cexp < cmax);
	}
	{
		char *argv[] = {"thinkbench", "run", "--suite", suite, "--out", out, "--sim", "--model",
				"qwen/qwen3-14b", "--mode", "both", "--samples", "2", "--run-id", "a",
				"--sim-time-scale", "0", "--quiet", "--no-summary", NULL};

		ck_assert_int_eq(tu_run_tb(argv, log, NULL, 300), 0);
	}
	stored = tu_query_long(run, "SELECT COUNT(*) FROM samples");
	actual = tu_query_long(run, "SELECT SUM(completion_tokens) FROM samples");
	ck_assert_int_eq(stored, 160);
	/* the profile's expectation is within a third of what the run used */
	ck_assert_msg(cexp > actual * 0.67 && cexp < actual * 1.5, "expected %.0f, used %ld", cexp, actual);
	{
		char *argv[] = {"thinkbench", "run", "--suite", suite, "--out", out, "--sim", "--model",
				"qwen/qwen3-14b", "--mode", "both", "--samples", "2", "--dry-run", NULL};

		ck_assert_int_eq(tu_run_tb(argv, log, &sp, 120), 0);
		ck_assert_int_eq(tu_file_contains(stdout_path, "earlier runs"), 1);
		read_total(stdout_path, &samples, &prompt, &cmax, &cexp);
		/* the same plan again: the earlier run's means give its own total */
		ck_assert_msg(cexp > actual - 2 && cexp < actual + 2, "expected %.0f, used %ld", cexp, actual);
		/* nothing new under --out */
		ck_assert_int_eq(tu_query_long(run, "SELECT COUNT(*) FROM samples"), 160);
	}
	tu_rmtree(dir);
	free(dir);
}
END_TEST

static Suite *estimate_suite(void)
{
	Suite *s = suite_create("estimate");
	TCase *tc = tcase_create("estimate");

	tcase_add_test(tc, test_prompt_tokens);
	tcase_add_test(tc, test_dry_run);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(estimate_suite());
}
