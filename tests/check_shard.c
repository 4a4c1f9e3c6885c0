/* Shards and merge (shard.h, merge.h), over loopback against the simulator:
 * the shards of a plan ask exactly what the unsharded run asks, each sample
 * once, and merge into the same samples, outcomes and extracted answers; the
 * same shards merge into the same store; every inconsistent set is refused
 * with one line, exit 2, and nothing written. */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rc.h"
#include "shard.h"
#include "testutil.h"

#define N_ITEMS 40
#define N_SHARDS 3
/* qwen3-14b in two modes, two samples each */
#define N_PLANNED (N_ITEMS * 2 * 2)

/* One line per sample: its key, outcome, extracted answer, answer and seed. */
static char *samples_text(const char *run_dir)
{
	char path[800];
	sqlite3 *db;
	sqlite3_stmt *q;
	size_t cap = 1 << 20, len = 0;
	char *out = calloc(1, cap);

	snprintf(path, sizeof(path), "%s/store.sqlite", run_dir);
	db = tu_db_open(path);
	ck_assert_ptr_nonnull(out);
	ck_assert_int_eq(sqlite3_prepare_v2(db,
					    "SELECT suite || '|' || item_id || '|' || model || '|' || mode || '|' ||"
					    " budget || '|' || sample || '|' || outcome || '|' || coalesce(extracted, '') ||"
					    " '|' || coalesce(answer, '') || '|' || seed FROM samples"
					    " ORDER BY suite, item_id, model, mode, budget, sample",
					    -1, &q, NULL),
			 SQLITE_OK);
	while (sqlite3_step(q) == SQLITE_ROW) {
		const char *row = (const char *)sqlite3_column_text(q, 0);
		size_t n = strlen(row);

		ck_assert_uint_lt(len + n + 2, cap);
		memcpy(out + len, row, n);
		len += n;
		out[len++] = '\n';
	}
	sqlite3_finalize(q);
	sqlite3_close(db);
	return out;
}

static void exec_sql(const char *run_dir, const char *sql)
{
	char path[800];
	sqlite3 *db;

	snprintf(path, sizeof(path), "%s/store.sqlite", run_dir);
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_msg(sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK, "%s", sqlite3_errmsg(db));
	sqlite3_close(db);
}

/* Runs `merge` over the shards into out, expecting exit 2, one error line
 * holding want, and no out folder. */
static void refused(char **shards, size_t n, const char *want)
{
	char out[700], log[700], *text;
	char *argv[16] = {"thinkbench", "merge"};
	size_t k = 2, lines = 0;
	struct stat st;

	snprintf(out, sizeof(out), "%s/refused", tu_dir);
	snprintf(log, sizeof(log), "%s/refused.log", tu_dir);
	for (size_t i = 0; i < n; i++)
		argv[k++] = shards[i];
	argv[k++] = "--out";
	argv[k++] = out;
	argv[k] = NULL;
	ck_assert_int_eq(tu_run_tb(argv, log, NULL, 60), TB_EXIT_USAGE);
	text = tu_read_file(log, NULL);
	ck_assert_ptr_nonnull(text);
	for (const char *p = text; *p; p++)
		lines += *p == '\n';
	ck_assert_msg(lines == 1 && strncmp(text, "thinkbench: error: ", 19) == 0 && strstr(text, want),
		      "expected one error line with '%s', got '%s'", want, text);
	free(text);
	ck_assert_int_ne(stat(out, &st), 0);
}

/* Fails unless the two stores hold the same rows (the run row but its id). */
static void same_content(const char *a, const char *b)
{
	static const char *const tables[] = {"samples", "grades", "cells", "items", "item_k", "cell_k", "shard"};
	char path[800], sql[1200];
	sqlite3 *db;

	snprintf(path, sizeof(path), "%s/store.sqlite", a);
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	snprintf(sql, sizeof(sql), "ATTACH '%s/store.sqlite' AS o", b);
	ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	for (size_t i = 0; i < sizeof(tables) / sizeof(tables[0]); i++) {
		sqlite3_stmt *q;

		snprintf(sql, sizeof(sql),
			 "SELECT (SELECT count(*) FROM (SELECT * FROM main.%s EXCEPT SELECT * FROM o.%s)) +"
			 " (SELECT count(*) FROM (SELECT * FROM o.%s EXCEPT SELECT * FROM main.%s)) +"
			 " abs((SELECT count(*) FROM main.%s) - (SELECT count(*) FROM o.%s))",
			 tables[i], tables[i], tables[i], tables[i], tables[i], tables[i]);
		ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &q, NULL), SQLITE_OK);
		ck_assert_int_eq(sqlite3_step(q), SQLITE_ROW);
		ck_assert_msg(sqlite3_column_int(q, 0) == 0, "table %s differs", tables[i]);
		sqlite3_finalize(q);
	}
	{
		sqlite3_stmt *q;

		ck_assert_int_eq(sqlite3_prepare_v2(db,
						    "SELECT count(*) FROM (SELECT started, ended, status, options,"
						    " suites_hash, models_hash FROM main.run EXCEPT SELECT started,"
						    " ended, status, options, suites_hash, models_hash FROM o.run)",
						    -1, &q, NULL),
				 SQLITE_OK);
		ck_assert_int_eq(sqlite3_step(q), SQLITE_ROW);
		ck_assert_msg(sqlite3_column_int(q, 0) == 0, "the run rows differ");
		sqlite3_finalize(q);
	}
	sqlite3_close(db);
}

START_TEST(shard_hash_and_spec)
{
	int i, n;

	/* SHA-256("abc") starts ba7816bf8f01cfea (FIPS 180-2's example) */
	ck_assert_uint_eq(shard_hash64("abc"), 0xba7816bf8f01cfeaULL);
	ck_assert_int_eq(shard_of("abc", 7), (int)(0xba7816bf8f01cfeaULL % 7));
	/* the key's bytes, as the README states them */
	{
		char key[256];

		shard_key(key, sizeof(key), "math", "q1", "qwen/qwen3-14b", "think", 1024, 2);
		ck_assert_str_eq(key, "math\x1fq1\x1fqwen/qwen3-14b\x1fthink\x1f" "1024\x1f" "2");
	}
	ck_assert_int_eq(shard_parse("3/4", &i, &n), TB_OK);
	ck_assert_int_eq(i, 3);
	ck_assert_int_eq(n, 4);
	ck_assert_int_eq(shard_parse("0/1", &i, &n), TB_OK);
	ck_assert_int_eq(shard_parse("4/4", &i, &n), TB_ERR);
	ck_assert_int_eq(shard_parse("-1/4", &i, &n), TB_ERR);
	ck_assert_int_eq(shard_parse("1/0", &i, &n), TB_ERR);
	ck_assert_int_eq(shard_parse("1/", &i, &n), TB_ERR);
	ck_assert_int_eq(shard_parse("1/4x", &i, &n), TB_ERR);
	ck_assert_int_eq(shard_parse("0/99999999999999999999", &i, &n), TB_ERR);
}
END_TEST

START_TEST(shards_merge_into_the_unsharded_run)
{
	char suite[600], out[600], log[600], models[600], full[700], sh[N_SHARDS][700], m1[700], m2[700];
	char part[16], seed_run[700];
	int port = tu_free_port();
	char *run[] = {"thinkbench", "run", "--suite", suite, "--models", models, "--out", out, "--mode",
		       "both", "--samples", "2", "--run-id", "full", "-j", "8", "--quiet", "--no-summary",
		       NULL, NULL, NULL};
	long asked = 0, sum = 0;
	char *want, *got, *got2;
	pid_t sim;

	snprintf(suite, sizeof(suite), "%s/sums.jsonl", tu_dir);
	snprintf(out, sizeof(out), "%s/results", tu_dir);
	snprintf(log, sizeof(log), "%s/run.log", tu_dir);
	snprintf(models, sizeof(models), "%s/models.json", tu_dir);
	snprintf(full, sizeof(full), "%s/full", out);
	tu_write_suite(suite, N_ITEMS, 3, 0);
	tu_write_models(models, port, NULL);
	sim = tu_start_sim(tu_dir, port, suite, "--time-scale 0");

	ck_assert_int_eq(tu_run_tb(run, log, NULL, 300), 0);
	ck_assert_int_eq(tu_stored(full), N_PLANNED);
	ck_assert_int_eq(tu_sim_requests(port), N_PLANNED);
	for (int i = 0; i < N_SHARDS; i++) {
		long before = tu_sim_requests(port), planned;

		snprintf(sh[i], sizeof(sh[i]), "%s/shard-%d", out, i);
		snprintf(part, sizeof(part), "%d/%d", i, N_SHARDS);
		run[13] = sh[i] + strlen(out) + 1;
		run[18] = "--shard";
		run[19] = part;
		ck_assert_int_eq(tu_run_tb(run, log, NULL, 300), 0);
		/* each shard asks for its own samples only, each once */
		asked = tu_sim_requests(port) - before;
		planned = tu_query_long(sh[i], "SELECT planned FROM shard");
		ck_assert_int_eq(asked, planned);
		ck_assert_int_eq(tu_stored(sh[i]), planned);
		ck_assert_int_gt(planned, N_PLANNED / N_SHARDS / 2);
		sum += planned;
		ck_assert_int_eq(tu_query_long(sh[i], "SELECT shard_index FROM shard"), i);
	}
	ck_assert_int_eq(sum, N_PLANNED);

	/* the shards in any order merge into the same samples as the full run */
	snprintf(m1, sizeof(m1), "%s/merged", out);
	snprintf(m2, sizeof(m2), "%s/merged-again", tu_dir);
	{
		char *merge1[] = {"thinkbench", "merge", sh[2], sh[0], sh[1], "--out", m1, NULL};
		char *merge2[] = {"thinkbench", "merge", "--out", m2, sh[0], sh[1], sh[2], NULL};
		char *report[] = {"thinkbench", "report", m1, NULL};

		ck_assert_int_eq(tu_run_tb(merge1, log, NULL, 120), 0);
		ck_assert_int_eq(tu_run_tb(merge2, log, NULL, 120), 0);
		ck_assert_int_eq(tu_run_tb(report, log, NULL, 120), 0);
		ck_assert(tu_file_contains(log, "done"));
	}
	want = samples_text(full);
	got = samples_text(m1);
	got2 = samples_text(m2);
	ck_assert_str_eq(got, want);
	ck_assert_str_eq(got2, want);
	free(want);
	free(got);
	free(got2);
	ck_assert_int_eq(tu_query_long(m1, "SELECT count(*) FROM grades"), N_PLANNED);
	ck_assert_int_eq(tu_query_long(m1, "SELECT count(*) FROM items"), N_ITEMS);
	ck_assert_int_eq(tu_query_long(m1, "SELECT shard_count FROM shard WHERE shard_index = -1"), N_SHARDS);
	ck_assert_int_eq(tu_query_long(m1, "SELECT cmdline = '[\"thinkbench\",\"merge\",\"shard-0\",\"shard-1\","
					   "\"shard-2\",\"--out\",\"merged\"]' FROM run"), 1);
	ck_assert_int_gt(tu_query_long(m1, "SELECT count(*) FROM cell_k"), 0);
	tu_integrity_ok(m1);
	/* the same shards, the same store, gradings' and run's times included */
	same_content(m1, m2);

	/* a resumed shard keeps its part: nothing more to ask */
	{
		long before = tu_sim_requests(port);
		char *resume[] = {"thinkbench", "run", "--resume", sh[1], "--quiet", "--no-summary", NULL};

		ck_assert_int_eq(tu_run_tb(resume, log, NULL, 120), 0);
		ck_assert_int_eq(tu_sim_requests(port), before);
	}

	/* inconsistent sets */
	{
		char *two[] = {sh[0], sh[1]};
		char *dup[] = {sh[0], sh[1], sh[1], sh[2]};
		char *notshard[] = {sh[0], full};
		char other[700], other_part[16];
		char *mixed[] = {sh[0], sh[1], other};

		refused(two, 2, "missing shard 2/3");
		refused(dup, 4, "duplicate shard 1/3");
		refused(notshard, 2, "not a shard");
		/* another plan: another seed */
		snprintf(other, sizeof(other), "%s/other-2", out);
		snprintf(other_part, sizeof(other_part), "2/%d", N_SHARDS);
		{
			char *alt[] = {"thinkbench", "run", "--suite", suite, "--models", models, "--out", out,
				       "--mode", "both", "--samples", "2", "--run-id", "other-2", "--seed", "9",
				       "--shard", other_part, "--quiet", "--no-summary", NULL};

			ck_assert_int_eq(tu_run_tb(alt, log, NULL, 300), 0);
		}
		refused(mixed, 3, "plan hash differs");
		snprintf(seed_run, sizeof(seed_run), "%s/nowhere", tu_dir);
		{
			char *none[] = {sh[0], seed_run};

			refused(none, 2, "not a run folder");
		}
	}

	/* hostile shards: a sample dropped, a sample of another shard, a forged plan hash */
	{
		char *all[] = {sh[0], sh[1], sh[2]};
		char sql[4000];

		exec_sql(sh[1], "CREATE TABLE keep AS SELECT * FROM samples;"
				"DELETE FROM samples WHERE rowid = (SELECT min(rowid) FROM samples)");
		refused(all, 3, "planned sample is missing from the shards: ");
		{
			char part_out[700];
			char *partial[] = {"thinkbench", "merge", sh[0], sh[1], sh[2], "--out", part_out,
					   "--allow-partial", NULL};

			snprintf(part_out, sizeof(part_out), "%s/partial", tu_dir);
			ck_assert_int_eq(tu_run_tb(partial, log, NULL, 120), 0);
			ck_assert_int_eq(tu_query_long(part_out, "SELECT partial FROM shard"), 1);
			ck_assert_int_eq(tu_stored(part_out), N_PLANNED - 1);
			ck_assert_int_eq(tu_query_long(part_out, "SELECT count(*) FROM run WHERE status = 'partial'"), 1);
		}
		exec_sql(sh[1], "INSERT INTO samples SELECT * FROM keep WHERE rowid = (SELECT min(rowid) FROM keep);"
				"DROP TABLE keep");
		snprintf(sql, sizeof(sql), "ATTACH '%s/store.sqlite' AS s2;"
			 "INSERT INTO samples SELECT * FROM s2.samples LIMIT 1", sh[2]);
		exec_sql(sh[1], sql);
		refused(all, 3, "belongs to shard 2/3, not 1/3");
		exec_sql(sh[1], "DELETE FROM samples WHERE rowid = (SELECT max(rowid) FROM samples);"
				"UPDATE shard SET plan_hash = 'forged'");
		refused(all, 3, "does not match its own cells and items");
		exec_sql(sh[1], "UPDATE shard SET shard_index = 7");
		refused(all, 3, "not a shard");
		snprintf(sql, sizeof(sql), "%s/store.sqlite", sh[1]);
		tu_write_file(sql, "not a database, but long enough to look like a header of one......\n");
		refused(all, 3, "store.sqlite");
	}
	tu_stop_sim(sim);
}
END_TEST

START_TEST(bad_shard_option_exits_2)
{
	static const char *const bad[] = {"3/3", "x", "1/0", "-1/2", "1/2/3"};
	char out[600], log[600], *text;

	snprintf(out, sizeof(out), "%s/results", tu_dir);
	snprintf(log, sizeof(log), "%s/run.log", tu_dir);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char *argv[] = {"thinkbench", "run", "--sim", "--out", out, "--shard", (char *)bad[i], NULL};
		struct stat st;

		ck_assert_int_eq(tu_run_tb(argv, log, NULL, 60), TB_EXIT_USAGE);
		text = tu_read_file(log, NULL);
		ck_assert_msg(text && strstr(text, "option '--shard' expects I/N"), "%s", text);
		free(text);
		ck_assert_int_ne(stat(out, &st), 0);
	}
}
END_TEST

START_TEST(merge_usage_exits_2)
{
	char out[600], log[600], bad_id[600];
	char *no_shards[] = {"thinkbench", "merge", "--out", out, NULL};
	char *no_out[] = {"thinkbench", "merge", tu_dir, NULL};
	char *exists[] = {"thinkbench", "merge", tu_dir, "--out", tu_dir, NULL};
	char *bad_name[] = {"thinkbench", "merge", tu_dir, "--out", bad_id, NULL};
	char **cases[] = {no_shards, no_out, exists, bad_name};

	snprintf(out, sizeof(out), "%s/merged", tu_dir);
	snprintf(bad_id, sizeof(bad_id), "%s/..", tu_dir);
	snprintf(log, sizeof(log), "%s/merge.log", tu_dir);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *text;

		ck_assert_int_eq(tu_run_tb(cases[i], log, NULL, 60), TB_EXIT_USAGE);
		text = tu_read_file(log, NULL);
		ck_assert_msg(text && strncmp(text, "thinkbench: error: ", 19) == 0 && tu_count(text, "\n") == 1,
			      "case %zu: %s", i, text);
		free(text);
	}
	ck_assert_int_ne(access(out, F_OK), 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("shard");
	TCase *tc = tcase_create("loopback");

	tcase_add_checked_fixture(tc, tu_dir_setup, tu_dir_teardown);
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, shard_hash_and_spec);
	tcase_add_test(tc, shards_merge_into_the_unsharded_run);
	tcase_add_test(tc, bad_shard_option_exits_2);
	tcase_add_test(tc, merge_usage_exits_2);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
