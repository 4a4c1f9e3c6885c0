/* --max-cost and --max-tokens-total (harness/spend.c): the rule, and runs on
 * the simulator (which reports usage.cost) that end capped within their cap,
 * then go on with --resume and a higher one. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spend.h"
#include "testutil.h"

START_TEST(test_rule)
{
	tb_spend sp = {.cap_usd = 1.0};

	ck_assert(spend_allows(&sp, 0.4, 10));
	spend_start(&sp, 0.4, 10);
	spend_start(&sp, 0.4, 10);
	/* 0.8 in flight: another 0.4 could pass the cap */
	ck_assert(!spend_allows(&sp, 0.4, 10));
	ck_assert(spend_allows(&sp, 0.2, 10));
	/* one ends having cost 0.1: 0.5 spent or in flight */
	spend_end(&sp, 0.4, 10, 0.1, 500);
	ck_assert(spend_allows(&sp, 0.4, 10));
	ck_assert(fabs(sp.spent_usd - 0.1) < 1e-12);
	ck_assert_int_eq(sp.spent_tokens, 500);
	/* unknown costs add nothing; bounds leave the flight */
	spend_end(&sp, 0.4, 10, NAN, -1);
	ck_assert(fabs(sp.inflight_usd) < 1e-12);
	ck_assert_int_eq(sp.inflight_tokens, 0);
	sp.cap_usd = 0;
	sp.cap_tokens = 600;
	ck_assert(spend_allows(&sp, 1e9, 100));
	ck_assert(!spend_allows(&sp, 0, 101));
}
END_TEST

static void run_dir_of(char *out, size_t n, const char *dir)
{
	snprintf(out, n, "%s/results/c", dir);
}

/* Caps that leave the run short of its plan; then --resume with a cap large
 * enough finishes it. */
static void capped_then_resumed(const char *flag, const char *cap, const char *higher, const char *spent_sql,
				double cap_value)
{
	char *dir = tu_mkdtemp(), suite[4200], out[4200], log[4200], run[4300];
	long stored, total = 240;

	ck_assert_ptr_nonnull(dir);
	snprintf(suite, sizeof(suite), "%s/sums.jsonl", dir);
	snprintf(out, sizeof(out), "%s/results", dir);
	snprintf(log, sizeof(log), "%s/log", dir);
	run_dir_of(run, sizeof(run), dir);
	tu_write_suite(suite, 40, 2, 0);
	{
		char *argv[] = {"thinkbench", "run", "--suite", suite, "--out", out, "--sim", "--model",
				"qwen/qwen3-14b", "--mode", "both", "--samples", "3", "--run-id", "c",
				"--sim-time-scale", "0", "--no-summary", "-j", "8", (char *)flag, (char *)cap, NULL};

		ck_assert_int_eq(tu_run_tb(argv, log, NULL, 300), 3);
		ck_assert_int_eq(tu_file_contains(log, "capped: spent"), 1);
	}
	stored = tu_stored(run);
	ck_assert_msg(stored > 0 && stored < total, "%ld samples stored", stored);
	ck_assert_int_eq(tu_query_long(run, "SELECT status = 'capped' FROM run"), 1);
	/* what was spent stays within the cap (in millionths of a dollar, or tokens) */
	ck_assert_msg((double)tu_query_long(run, spent_sql) <= cap_value, "spent %ld of %g",
		      tu_query_long(run, spent_sql), cap_value);
	{
		/* the same cap again: nothing more fits, still capped */
		char *argv[] = {"thinkbench", "run", "--resume", run, "--no-summary", (char *)flag, (char *)cap, NULL};

		ck_assert_int_eq(tu_run_tb(argv, log, NULL, 300), 3);
		ck_assert_int_eq(tu_stored(run), stored);
	}
	{
		char *argv[] = {"thinkbench", "run", "--resume", run, "--no-summary", (char *)flag, (char *)higher, NULL};

		ck_assert_int_eq(tu_run_tb(argv, log, NULL, 300), 0);
		ck_assert_int_eq(tu_stored(run), total);
		ck_assert_int_eq(tu_query_long(run, "SELECT status = 'done' FROM run"), 1);
	}
	tu_rmtree(dir);
	free(dir);
}

START_TEST(test_max_cost)
{
	capped_then_resumed("--max-cost", "0.02", "5",
			    "SELECT CAST(SUM(cost_usd) * 1e6 AS INTEGER) FROM samples", 0.02 * 1e6);
}
END_TEST

START_TEST(test_max_tokens_total)
{
	capped_then_resumed("--max-tokens-total", "100000", "100000000",
			    "SELECT SUM(prompt_tokens + completion_tokens) FROM samples", 100000);
}
END_TEST

static Suite *spend_suite(void)
{
	Suite *s = suite_create("spend");
	TCase *tc = tcase_create("spend");

	tcase_add_test(tc, test_rule);
	tcase_add_test(tc, test_max_cost);
	tcase_add_test(tc, test_max_tokens_total);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(spend_suite());
}
