/* --budget-from: a budget sweep reuses an unbudgeted think run's samples
 * whose reasoning ended under each budget (exact counts, the same outcomes
 * and texts), asks only the rest, and is refused without a budget. */
#include <check.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "rc.h"
#include "testutil.h"

/* One integer from sql over the new run's store with the source attached. */
static long both(const char *dst, const char *src, const char *sql)
{
	sqlite3 *db = tu_db_open(dst);
	sqlite3_stmt *q;
	char attach[1200];
	long v = -1;

	snprintf(attach, sizeof(attach), "ATTACH 'file:%s?mode=ro' AS src", src);
	ck_assert_ptr_nonnull(db);
	ck_assert_int_eq(sqlite3_exec(db, attach, NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
	if (sqlite3_step(q) == SQLITE_ROW)
		v = (long)sqlite3_column_int64(q, 0);
	sqlite3_finalize(q);
	sqlite3_close(db);
	return v;
}

START_TEST(t_reuse)
{
	char suite[600], out[600], log[600], src[700], dst[700], srcdb[800], dstdb[800];
	char *first[] = {"thinkbench", "run", "--suite", suite, "--out", out, "--run-id", "src", "--sim",
			 "--model", "qwen/qwen3-14b", "--mode", "think", "--samples", "2",
			 "--sim-time-scale", "0", "--quiet", NULL};
	char *sweep[] = {"thinkbench", "run", "--suite", suite, "--out", out, "--run-id", "sweep", "--sim",
			 "--model", "qwen/qwen3-14b", "--mode", "think", "--samples", "2", "--budget",
			 "1200,100000", "--budget-from", src, "--sim-time-scale", "0", "--no-summary", NULL};
	char *bad[] = {"thinkbench", "run", "--suite", suite, "--out", out, "--budget-from", src, NULL};
	long under, all;

	snprintf(suite, sizeof(suite), "%s/sums.jsonl", tu_dir);
	snprintf(out, sizeof(out), "%s/results", tu_dir);
	snprintf(log, sizeof(log), "%s/run.log", tu_dir);
	snprintf(src, sizeof(src), "%s/src", out);
	snprintf(dst, sizeof(dst), "%s/sweep", out);
	snprintf(srcdb, sizeof(srcdb), "%s/store.sqlite", src);
	snprintf(dstdb, sizeof(dstdb), "%s/store.sqlite", dst);
	tu_write_suite(suite, 30, 2, 0);
	ck_assert_int_eq(tu_run_tb(first, log, NULL, 180), 0);
	under = tu_query_long(src, "SELECT count(*) FROM samples WHERE reasoning_tokens < 1200 AND "
				   "finish_reason != 'length' AND outcome != 'error'");
	all = tu_query_long(src, "SELECT count(*) FROM samples WHERE reasoning_tokens < 100000 AND "
				 "finish_reason != 'length' AND outcome != 'error'");
	/* the test means something only when some samples thought longer */
	ck_assert_int_gt(under, 0);
	ck_assert_int_lt(under, 60);

	ck_assert_int_eq(tu_run_tb(sweep, log, NULL, 180), 0);
	ck_assert(tu_file_contains(log, "samples reused from"));
	ck_assert_int_eq(tu_query_long(dst, "SELECT count(*) FROM samples"), 120);
	ck_assert_int_eq(tu_query_long(dst, "SELECT count(*) FROM reused_samples WHERE budget = 1200"), under);
	ck_assert_int_eq(tu_query_long(dst, "SELECT count(*) FROM reused_samples WHERE budget = 100000"), all);
	/* every reused sample is its source's: outcome, answer and reasoning */
	ck_assert_int_eq(both(dstdb, srcdb,
			      "SELECT count(*) FROM reused_samples r JOIN main.samples d USING (suite, item_id, model,"
			      " mode, budget, sample) JOIN src.samples s ON s.suite = d.suite AND s.item_id ="
			      " d.item_id AND s.model = d.model AND s.mode = d.mode AND s.sample = d.sample AND"
			      " s.budget = 0 WHERE s.outcome = d.outcome AND s.answer = d.answer AND s.reasoning ="
			      " d.reasoning AND s.reasoning_tokens < r.budget"),
			 under + all);
	/* the rest were asked: budgeted samples not reused thought past 1200 in the source */
	ck_assert_int_eq(both(dstdb, srcdb,
			      "SELECT count(*) FROM main.samples d JOIN src.samples s ON s.suite = d.suite AND"
			      " s.item_id = d.item_id AND s.sample = d.sample WHERE d.budget = 1200 AND NOT EXISTS"
			      " (SELECT 1 FROM reused_samples r WHERE r.item_id = d.item_id AND r.sample = d.sample"
			      " AND r.budget = 1200) AND s.reasoning_tokens < 1200 AND s.finish_reason != 'length'"),
			 0);
	ck_assert_int_eq(tu_query_long(dst, "SELECT count(*) FROM samples WHERE outcome = 'ungraded'"), 0);

	snprintf(log, sizeof(log), "%s/bad.log", tu_dir);
	ck_assert_int_eq(tu_run_tb(bad, log, NULL, 60), 2);
	ck_assert(tu_file_contains(log, "option '--budget-from' needs think mode and --budget"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("budgetreuse");
	TCase *tc = tcase_create("run");

	tcase_add_checked_fixture(tc, tu_dir_setup, tu_dir_teardown);
	tcase_add_test(tc, t_reuse);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
