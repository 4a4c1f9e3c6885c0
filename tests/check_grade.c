/* thinkbench grade: a run of 4 samples against the simulator over loopback,
 * then a grader change in the suite and a re-grade: the first grading kept,
 * the latest changed exactly where the grader changed, grader versions
 * stored, item_k / cell_k as computed directly from the samples (the run's
 * own, written as its samples were stored, the same as a pass over the
 * store writes). Also: a missing suite (exit 2, then --suite), and a
 * version-1 store made by hand that opens read-only as it is, migrates when
 * opened for writing, and re-grades. */
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmds.h"
#include "passk.h"
#include "rc.h"
#include "store.h"
#include "testutil.h"


#define GRADED "('correct','incorrect','partial','no_answer','truncated')"

/* cmd_grade in a child of this test, so its exit code and output are its
 * own (and a leak shows under the sanitizers as a non-zero exit). */
static int grade(char **argv, int argc, const char *out_path)
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int rc;

		tu_redirect(out_path);
		rc = cmd_grade(argc, argv);
		fflush(stdout);
		exit(rc);
	}
	return tu_wait(pid, 120);
}

/* A query's single text result, malloc'd. */
static char *query_text(const char *db_path, const char *sql)
{
	sqlite3 *db = tu_db_open(db_path);
	sqlite3_stmt *q;
	char *v = NULL;

	ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &q, NULL) == SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(q) == SQLITE_ROW && sqlite3_column_text(q, 0))
		v = strdup((const char *)sqlite3_column_text(q, 0));
	sqlite3_finalize(q);
	sqlite3_close(db);
	ck_assert_ptr_nonnull(v);
	return v;
}

static int count_lines(const char *path)
{
	char *text = tu_read_file(path, NULL);
	int n = 0;

	ck_assert_ptr_nonnull(text);
	for (char *p = text; *p; p++)
		n += *p == '\n';
	free(text);
	return n;
}

/* Every item_k row against the estimator with its own n and c, and n and c
 * against the samples. */
static int check_item(void *ud, const tb_item_k *r)
{
	long *rows = ud;

	ck_assert_msg(fabs(r->pass_at_k - passk_estimate(r->n, r->c, r->k)) < 1e-12, "%s k=%d", r->item_id, r->k);
	(*rows)++;
	return 0;
}

/* Every row of item_k and cell_k, as one text. */
#define K_ROWS                                                                                    \
	"SELECT (SELECT group_concat(r, ';') FROM (SELECT suite || '|' || item_id || '|' || model"   \
	" || '|' || mode || '|' || budget || '|' || k || '|' || n || '|' || c || '|'"                \
	" || printf('%.17g', pass_at_k) || '|' || maj_at_k || '|' || maj_answer AS r FROM item_k"     \
	" ORDER BY r)) || '/' || (SELECT group_concat(r, ';') FROM (SELECT suite || '|' || model"     \
	" || '|' || mode || '|' || budget || '|' || k || '|' || n_items || '|'"                      \
	" || printf('%.17g', pass_at_k) || '|' || printf('%.17g', maj_at_k) AS r FROM cell_k ORDER BY r))"

START_TEST(regrade_after_a_grader_change)
{
	char suite[600], out[600], log[600], run[700], db[800], glog[700];
	char *argv[] = {"thinkbench", "run", "--suite", suite, "--out", out, "--run-id", "g",
			"--model", "qwen/qwen3-14b", "--samples", "4", "-j", "8",
			"--sim-time-scale", "0", "--quiet", "--no-summary", NULL};
	char *gargv[] = {"grade", run, "--quiet", NULL};
	char *first, *kept, *live_k, *full_k;
	long total, graded, broken_changed, rows = 0;
	tb_store *st;
	char err[512];

	snprintf(suite, sizeof(suite), "%s/sums.jsonl", tu_dir);
	snprintf(out, sizeof(out), "%s/results", tu_dir);
	snprintf(log, sizeof(log), "%s/run.log", tu_dir);
	snprintf(glog, sizeof(glog), "%s/grade.log", tu_dir);
	snprintf(run, sizeof(run), "%s/g", out);
	snprintf(db, sizeof(db), "%s/store.sqlite", run);
	tu_write_suite(suite, 8, 3, 0);
	ck_assert_int_eq(tu_run_tb(argv, log, NULL, 120), 0);

	/* the run: grader versions, grading 0 for every sample, pass@k */
	total = tu_db_long(db, "SELECT count(*) FROM samples");
	ck_assert_int_eq(total, 8 * 2 * 4);
	graded = tu_db_long(db, "SELECT count(*) FROM samples WHERE outcome NOT IN ('error', 'truncated')");
	ck_assert_int_gt(graded, 0);
	ck_assert_int_eq(tu_db_long(db, "SELECT count(*) FROM samples WHERE grader_version = 'regex/2'"), total);
	ck_assert_int_eq(tu_db_long(db, "SELECT count(*) FROM grades WHERE grading = 0"), total);
	ck_assert_int_eq(tu_db_long(db, "SELECT count(*) FROM grades WHERE grading = 1"), 0);
	ck_assert_int_gt(tu_db_long(db, "SELECT count(*) FROM item_k"), 0);
	ck_assert_int_eq(tu_db_long(db, "SELECT count(DISTINCT k) FROM cell_k"), 3);
	/* the run wrote pass@k beside its samples: the rows a pass over the store writes */
	live_k = query_text(db, K_ROWS);
	ck_assert_msg(store_open(db, 0, &st, err, sizeof(err)) == TB_OK, "%s", err);
	ck_assert_msg(passk_update_store(st, err, sizeof(err)) == TB_OK, "%s", err);
	store_close(st);
	full_k = query_text(db, K_ROWS);
	ck_assert_str_eq(live_k, full_k);
	free(live_k);
	free(full_k);
	first = query_text(db, "SELECT group_concat(outcome || ':' || coalesce(extracted, ''), ',') FROM"
			   " (SELECT outcome, extracted FROM samples ORDER BY suite, item_id, model, mode, budget, sample)");
	broken_changed = tu_db_long(db, "SELECT count(*) FROM samples WHERE item_id < 's003'"
				    " AND outcome NOT IN ('no_answer', 'error', 'truncated')");
	ck_assert_int_gt(broken_changed, 0);

	/* the grader of three items changes: nothing matches there any more */
	tu_write_suite(suite, 8, 3, 3);
	ck_assert_int_eq(grade(gargv, 3, glog), 0);
	/* one warning line (the suites changed), one line per cell */
	ck_assert(tu_file_contains(glog, "suites changed"));
	ck_assert_int_eq(count_lines(glog), 1 + 2);
	ck_assert(tu_file_contains(glog, "sums qwen/qwen3-14b think budget 0:"));
	ck_assert(tu_file_contains(glog, "sums qwen/qwen3-14b nothink budget 0:"));

	/* grading 0 is the run's, untouched */
	kept = query_text(db, "SELECT group_concat(outcome || ':' || coalesce(extracted, ''), ',') FROM"
			  " (SELECT outcome, extracted FROM grades WHERE grading = 0"
			  "  ORDER BY suite, item_id, model, mode, budget, sample)");
	ck_assert_str_eq(kept, first);
	free(kept);
	free(first);
	/* grading 1 for each sample with an answer, and nothing else */
	ck_assert_int_eq(tu_db_long(db, "SELECT count(*) FROM grades WHERE grading = 1"), graded);
	ck_assert_int_eq(tu_db_long(db, "SELECT count(*) FROM grades WHERE grading = 1 AND (grader_version != 'regex/2'"
				    " OR graded_at NOT LIKE '20%Z')"), 0);
	/* the broken items: no answer found now; the others as before */
	ck_assert_int_eq(tu_db_long(db, "SELECT count(*) FROM samples WHERE item_id < 's003'"
				    " AND outcome NOT IN ('no_answer', 'error', 'truncated')"), 0);
	ck_assert_int_eq(tu_db_long(db, "SELECT count(*) FROM grades a JOIN grades b"
				    " USING (suite, item_id, model, mode, budget, sample)"
				    " WHERE a.grading = 0 AND b.grading = 1 AND a.outcome != b.outcome"),
			 broken_changed);
	ck_assert_int_eq(tu_db_long(db, "SELECT count(*) FROM grades a JOIN grades b"
				    " USING (suite, item_id, model, mode, budget, sample)"
				    " WHERE a.grading = 0 AND b.grading = 1 AND item_id >= 's003'"
				    " AND (a.outcome != b.outcome OR a.extracted != b.extracted)"), 0);
	/* the current columns are the latest grading */
	ck_assert_int_eq(tu_db_long(db, "SELECT count(*) FROM samples s JOIN grades g"
				    " USING (suite, item_id, model, mode, budget, sample)"
				    " WHERE g.grading = 1 AND (s.outcome != g.outcome OR s.extracted != g.extracted"
				    " OR s.grade_reason != g.reason OR s.grader_version != g.grader_version)"), 0);

	/* item_k from the samples: n, c per item; estimator per row; cell means */
	ck_assert_int_eq(tu_db_long(db, "SELECT count(*) FROM item_k i JOIN (SELECT suite, item_id, model, mode,"
				    " budget, count(*) AS n2, sum(outcome = 'correct') AS c2 FROM samples"
				    " WHERE outcome IN " GRADED " GROUP BY suite, item_id, model, mode, budget) s"
				    " USING (suite, item_id, model, mode, budget) WHERE i.n != s.n2 OR i.c != s.c2"), 0);
	ck_assert_int_eq(tu_db_long(db, "SELECT count(*) FROM item_k WHERE item_id < 's003'"
				    " AND (pass_at_k != 0 OR maj_at_k != 0)"), 0);
	ck_assert_int_eq(tu_db_long(db, "SELECT count(*) FROM item_k WHERE k = 1 AND abs(pass_at_k - 1.0 * c / n) > 1e-12"), 0);
	ck_assert_int_eq(tu_db_long(db, "SELECT count(*) FROM cell_k c WHERE abs(c.pass_at_k - (SELECT avg(pass_at_k)"
				    " FROM item_k i WHERE i.suite = c.suite AND i.model = c.model AND i.mode = c.mode"
				    " AND i.budget = c.budget AND i.k = c.k)) > 1e-12 OR abs(c.maj_at_k - (SELECT"
				    " avg(maj_at_k) FROM item_k i WHERE i.suite = c.suite AND i.model = c.model"
				    " AND i.mode = c.mode AND i.budget = c.budget AND i.k = c.k)) > 1e-12"), 0);
	ck_assert_int_eq(tu_db_long(db, "SELECT count(*) FROM cell_k"), 2 * 3);
	/* maj@1 is the first graded sample's verdict when it gave an answer */
	ck_assert_int_eq(tu_db_long(db, "SELECT count(*) FROM item_k i WHERE k = 1 AND maj_at_k != (SELECT"
				    " outcome = 'correct' FROM samples s WHERE s.suite = i.suite AND s.item_id = i.item_id"
				    " AND s.model = i.model AND s.mode = i.mode AND s.budget = i.budget"
				    " AND s.outcome IN " GRADED " ORDER BY sample LIMIT 1)"), 0);
	ck_assert_int_eq(store_open(db, 1, &st, err, sizeof(err)), TB_OK);
	ck_assert_int_eq(store_each_item_k(st, check_item, &rows, err, sizeof(err)), TB_OK);
	store_close(st);
	ck_assert_int_eq(rows, tu_db_long(db, "SELECT count(*) FROM item_k"));

	/* grading again replaces grading 1 and keeps grading 0 */
	tu_write_suite(suite, 8, 3, 0);
	ck_assert_int_eq(grade(gargv, 3, glog), 0);
	ck_assert_int_eq(tu_db_long(db, "SELECT count(*) FROM grades WHERE grading = 1"), graded);
	ck_assert_int_eq(tu_db_long(db, "SELECT count(*) FROM grades a JOIN grades b"
				    " USING (suite, item_id, model, mode, budget, sample)"
				    " WHERE a.grading = 0 AND b.grading = 1 AND a.outcome != b.outcome"), 0);
}
END_TEST

START_TEST(missing_suite)
{
	char suite[600], moved[600], out[600], log[600], run[700], glog[700];
	char *argv[] = {"thinkbench", "run", "--suite", suite, "--out", out, "--run-id", "m",
			"--model", "qwen/qwen3-14b", "--mode", "nothink", "--sim-time-scale", "0",
			"--quiet", "--no-summary", NULL};
	char *gargv[] = {"grade", run, NULL};
	char *gmoved[] = {"grade", run, "--suite", moved, "--quiet", NULL};
	char *text;

	snprintf(suite, sizeof(suite), "%s/sums.jsonl", tu_dir);
	snprintf(moved, sizeof(moved), "%s/elsewhere.jsonl", tu_dir);
	snprintf(out, sizeof(out), "%s/results", tu_dir);
	snprintf(log, sizeof(log), "%s/run.log", tu_dir);
	snprintf(glog, sizeof(glog), "%s/grade.log", tu_dir);
	snprintf(run, sizeof(run), "%s/m", out);
	tu_write_suite(suite, 3, 3, 0);
	ck_assert_int_eq(tu_run_tb(argv, log, NULL, 60), 0);
	ck_assert_int_eq(rename(suite, moved), 0);
	ck_assert_int_eq(grade(gargv, 2, glog), 2);
	text = tu_read_file(glog, NULL);
	ck_assert_ptr_nonnull(text);
	ck_assert_msg(strstr(text, "missing") && strstr(text, "--suite"), "%s", text);
	ck_assert_int_eq(count_lines(glog), 1);
	free(text);
	/* the same file elsewhere: same hash, no warning */
	ck_assert_int_eq(grade(gmoved, 5, glog), 0);
	ck_assert(!tu_file_contains(glog, "warning"));
	ck_assert(tu_file_contains(glog, "sums qwen/qwen3-14b nothink budget 0: 3 re-graded, 0 changed"));
	ck_assert_int_eq(grade((char *[]){"grade", NULL}, 1, glog), 2);
	ck_assert_int_eq(grade((char *[]){"grade", "/no/such/run", NULL}, 2, glog), 2);
}
END_TEST

/* The version-1 schema, as thinkbench 0.1 wrote it. */
static const char v1_sql[] =
	"CREATE TABLE run (run_id TEXT NOT NULL PRIMARY KEY, version TEXT NOT NULL, started TEXT NOT NULL,"
	" ended TEXT NOT NULL DEFAULT '', status TEXT NOT NULL, simulated INTEGER NOT NULL, cmdline TEXT,"
	" options TEXT, suites_hash TEXT NOT NULL, models_hash TEXT NOT NULL);"
	"CREATE TABLE cells (suite TEXT NOT NULL, model TEXT NOT NULL, mode TEXT NOT NULL,"
	" budget INTEGER NOT NULL, status TEXT NOT NULL, n_planned INTEGER NOT NULL,"
	" PRIMARY KEY (suite, model, mode, budget));"
	"CREATE TABLE samples (suite TEXT NOT NULL, item_id TEXT NOT NULL, model TEXT NOT NULL,"
	" mode TEXT NOT NULL, budget INTEGER NOT NULL, sample INTEGER NOT NULL,"
	" outcome TEXT NOT NULL CHECK (outcome IN ('correct', 'incorrect', 'partial',"
	"  'no_answer', 'truncated', 'error', 'ungraded')),"
	" extracted TEXT, expected TEXT, grade_reason TEXT, grader TEXT,"
	" lang_check INTEGER NOT NULL, mode_leak INTEGER NOT NULL, split_method TEXT,"
	" reasoning TEXT, answer TEXT, text_truncated INTEGER NOT NULL,"
	" prompt_tokens INTEGER, completion_tokens INTEGER, reasoning_tokens INTEGER,"
	" cached_tokens INTEGER, cost_usd REAL, cost_reported INTEGER NOT NULL,"
	" ttft_ms REAL, ttfa_ms REAL, total_ms REAL, finish_reason TEXT, native_finish_reason TEXT,"
	" http_status INTEGER NOT NULL, attempts INTEGER NOT NULL,"
	" error TEXT, lang TEXT, provider TEXT, generation_id TEXT,"
	" seed INTEGER NOT NULL, streamed INTEGER NOT NULL, finished_at REAL,"
	" PRIMARY KEY (suite, item_id, model, mode, budget, sample));"
	"PRAGMA user_version = 1;";

static void make_v1_store(const char *path, const char *suite)
{
	sqlite3 *db;
	char *sql;

	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "PRAGMA journal_mode = WAL", NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, v1_sql, NULL, NULL, NULL), SQLITE_OK);
	sql = sqlite3_mprintf(
		"INSERT INTO run VALUES ('old', '0.1.0', '2026-11-01T00:00:00Z', '2026-11-01T00:01:00Z', 'done', 1,"
		" '[\"thinkbench\"]', '{\"suites\": [\"%q\"], \"samples\": 2, \"limit\": 0}', 'h', 'm');"
		"INSERT INTO cells VALUES ('sums', 'qwen/qwen3-14b', 'nothink', 0, 'planned', 2);",
		suite);
	ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_free(sql);
	/* s000 expects 7: the first answer was graded wrong by an older grader */
	ck_assert_int_eq(sqlite3_exec(db,
		"INSERT INTO samples (suite, item_id, model, mode, budget, sample, outcome, extracted, expected,"
		" grade_reason, grader, lang_check, mode_leak, reasoning, answer, text_truncated, cost_reported,"
		" http_status, attempts, seed, streamed, finished_at) VALUES"
		" ('sums', 's000', 'qwen/qwen3-14b', 'nothink', 0, 0, 'incorrect', '7.', '7', 'old', 'regex', -1, 0,"
		"  '', 'So \\boxed{7}.', 0, 0, 200, 1, 1, 1, 1790000000),"
		" ('sums', 's000', 'qwen/qwen3-14b', 'nothink', 0, 1, 'correct', '7', '7', 'old', 'regex', -1, 0,"
		"  '', '\\boxed{7}', 0, 0, 200, 1, 2, 1, 1790000001)",
		NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

static int on_sample_v1(void *ud, const tb_sample *s)
{
	int *n = ud;

	ck_assert_ptr_null(s->grader_version);
	(*n)++;
	return 0;
}

static int on_grading(void *ud, const tb_grading *g)
{
	int *n = ud;

	(void)g;
	(*n)++;
	return 0;
}

static int on_cell_k(void *ud, const tb_cell_k *c)
{
	int *n = ud;

	ck_assert_int_eq(c->n_items, 1);
	(*n)++;
	return 0;
}

START_TEST(schema_1_store)
{
	char suite[600], db[600], glog[600];
	char *gargv[] = {"grade", db, "--quiet", NULL};
	tb_store *st;
	char err[512];
	int n = 0;

	snprintf(suite, sizeof(suite), "%s/sums.jsonl", tu_dir);
	snprintf(db, sizeof(db), "%s/old.sqlite", tu_dir);
	snprintf(glog, sizeof(glog), "%s/grade.log", tu_dir);
	tu_write_suite(suite, 2, 3, 0);
	make_v1_store(db, suite);

	/* read-only: read as it is, nothing written */
	ck_assert_msg(store_open(db, 1, &st, err, sizeof(err)) == TB_OK, "%s", err);
	ck_assert_int_eq(store_each_sample(st, on_sample_v1, &n, err, sizeof(err)), TB_OK);
	ck_assert_int_eq(n, 2);
	n = 0;
	ck_assert_int_eq(store_each_grading(st, on_grading, &n, err, sizeof(err)), TB_OK);
	ck_assert_int_eq(store_each_cell_k(st, on_cell_k, &n, err, sizeof(err)), TB_OK);
	ck_assert_int_eq(n, 0);
	ck_assert_int_eq(passk_update_store(st, err, sizeof(err)), TB_ERR);
	store_close(st);
	ck_assert_int_eq(tu_db_long(db, "PRAGMA user_version"), 1);

	/* for writing: migrated, the old gradings become grading 0 */
	ck_assert_msg(store_open(db, 0, &st, err, sizeof(err)) == TB_OK, "%s", err);
	store_close(st);
	ck_assert_int_eq(tu_db_long(db, "PRAGMA user_version"), 4);
	ck_assert_int_eq(tu_db_long(db, "SELECT count(*) FROM grades WHERE grading = 0 AND grader_version IS NULL"
				    " AND graded_at LIKE '2026-%Z'"), 2);
	/* opening again does not migrate twice */
	ck_assert_msg(store_open(db, 0, &st, err, sizeof(err)) == TB_OK, "%s", err);
	store_close(st);
	ck_assert_int_eq(tu_db_long(db, "SELECT count(*) FROM grades"), 2);

	/* and re-grades: the first sample's "7." was a grader bug, now correct */
	ck_assert_int_eq(grade(gargv, 3, glog), 0);
	ck_assert(tu_file_contains(glog, "2 re-graded, 1 changed (correct 1 -> 2)"));
	ck_assert_int_eq(tu_db_long(db, "SELECT count(*) FROM samples WHERE outcome = 'correct'"
				    " AND grader_version = 'regex/2'"), 2);
	ck_assert_int_eq(tu_db_long(db, "SELECT count(*) FROM grades WHERE grading = 0 AND outcome = 'incorrect'"), 1);
	ck_assert_msg(store_open(db, 1, &st, err, sizeof(err)) == TB_OK, "%s", err);
	n = 0;
	ck_assert_int_eq(store_each_cell_k(st, on_cell_k, &n, err, sizeof(err)), TB_OK);
	ck_assert_int_eq(n, 2);
	n = 0;
	ck_assert_int_eq(store_each_grading(st, on_grading, &n, err, sizeof(err)), TB_OK);
	ck_assert_int_eq(n, 4);
	store_close(st);
	ck_assert_int_eq(tu_db_long(db, "SELECT count(*) FROM cell_k WHERE k = 2 AND pass_at_k = 1 AND maj_at_k = 1"), 1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("grade");
	TCase *tc = tcase_create("grade");

	tcase_add_checked_fixture(tc, tu_dir_setup, tu_dir_teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, regrade_after_a_grader_change);
	tcase_add_test(tc, missing_suite);
	tcase_add_test(tc, schema_1_store);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
