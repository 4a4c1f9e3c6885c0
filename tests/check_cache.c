/* The response cache (cache.h, run --cache): a re-run with new items pays
 * only for those; cached samples are marked with their original timings and
 * no latency of their own; errors are never cached; a cache file from
 * elsewhere gives misses, not crashes; two processes share one cache; a
 * version-3 store reads as it is and migrates to 4 on write. */
#include <check.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cache.h"
#include "rc.h"
#include "store.h"
#include "testutil.h"

static int run_tb(const char *suite, const char *models, const char *cache, const char *limit,
		  const char *log)
{
	char out[700];
	char *argv[20] = {"thinkbench", "run", "--suite", (char *)suite, "--models", (char *)models,
			  "--mode", "nothink", "--out", out, "--no-summary", "-q"};
	int n = 12;

	ck_assert_int_lt(snprintf(out, sizeof(out), "%s/results", tu_dir), (int)sizeof(out));
	if (cache) {
		argv[n++] = "--cache";
		argv[n++] = (char *)cache;
	}
	if (limit) {
		argv[n++] = "--limit";
		argv[n++] = (char *)limit;
	}
	argv[n] = NULL;
	return tu_run_tb(argv, log, NULL, 300);
}

/* The store of the run whose log is at log ("run folder: DIR" on it). */
static void store_of(const char *log, char *path, size_t n)
{
	char *text = tu_read_file(log, NULL), *at;

	ck_assert_ptr_nonnull(text);
	at = strstr(text, "run folder: ");
	ck_assert_msg(at != NULL, "no run folder in %s", log);
	at += strlen("run folder: ");
	snprintf(path, n, "%.*s/store.sqlite", (int)strcspn(at, "\n"), at);
	free(text);
}

/* The files of a run against the simulator, in tu_dir. */
typedef struct sim_files {
	char suite[700], models[700], cache[700];
} sim_files;

/* Writes a suite of n_items and a models file for the simulator on port
 * (key_env as tu_write_models() takes it), names the cache folder, and
 * starts the simulator with sim_flags. Returns its pid. */
static pid_t start_sim_run(sim_files *f, int port, int n_items, const char *key_env, const char *sim_flags)
{
	snprintf(f->suite, sizeof(f->suite), "%s/s.jsonl", tu_dir);
	snprintf(f->models, sizeof(f->models), "%s/models.json", tu_dir);
	snprintf(f->cache, sizeof(f->cache), "%s/cache", tu_dir);
	tu_write_suite(f->suite, n_items, 3, 0);
	tu_write_models(f->models, port, key_env);
	return tu_start_sim(tu_dir, port, f->suite, sim_flags);
}

START_TEST(a_rerun_pays_only_for_new_items)
{
	char log[700], store1[800], store2[800], sql[900];
	int port = tu_free_port();
	sim_files f;
	pid_t sim = start_sim_run(&f, port, 30, NULL, "--time-scale 0");
	long before;

	snprintf(log, sizeof(log), "%s/run1.log", tu_dir);
	ck_assert_int_eq(run_tb(f.suite, f.models, f.cache, "20", log), 0);
	store_of(log, store1, sizeof(store1));
	ck_assert_int_eq(tu_sim_requests(port), 20);

	/* the same 20 and 10 new: 10 requests */
	snprintf(log, sizeof(log), "%s/run2.log", tu_dir);
	ck_assert_int_eq(run_tb(f.suite, f.models, f.cache, NULL, log), 0);
	store_of(log, store2, sizeof(store2));
	ck_assert_int_eq(tu_sim_requests(port), 30);
	ck_assert(tu_file_contains(log, "20 answers from the cache"));
	ck_assert_int_eq(tu_db_long(store2, "SELECT count(*) FROM samples"), 30);
	ck_assert_int_eq(tu_db_long(store2, "SELECT count(*) FROM cached"), 20);
	/* a cached sample measured nothing of this run, and keeps what was measured */
	ck_assert_int_eq(tu_db_long(store2, "SELECT count(*) FROM samples s JOIN cached c USING"
					    " (suite, item_id, model, mode, budget, sample)"
					    " WHERE s.total_ms IS NULL AND s.ttft_ms IS NULL AND c.total_ms >= 0"
					    " AND s.attempts = 0"),
			 20);
	ck_assert_int_eq(tu_db_long(store2, "SELECT count(*) FROM samples WHERE total_ms IS NULL"), 20);
	/* the same answers as the run that asked */
	snprintf(sql, sizeof(sql), "ATTACH '%s' AS a", store1);
	{
		sqlite3 *db;
		sqlite3_stmt *q;

		ck_assert_int_eq(sqlite3_open(store2, &db), SQLITE_OK);
		ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
		ck_assert_int_eq(sqlite3_prepare_v2(db,
						    "SELECT count(*) FROM samples s JOIN a.samples t USING"
						    " (suite, item_id, model, mode, budget, sample)"
						    " WHERE s.answer = t.answer AND s.outcome = t.outcome"
						    " AND s.completion_tokens = t.completion_tokens",
						    -1, &q, NULL),
				 SQLITE_OK);
		ck_assert_int_eq(sqlite3_step(q), SQLITE_ROW);
		ck_assert_int_eq(sqlite3_column_int(q, 0), 20);
		sqlite3_finalize(q);
		sqlite3_close(db);
	}

	/* without the cache, every item is asked */
	before = tu_sim_requests(port);
	snprintf(log, sizeof(log), "%s/run3.log", tu_dir);
	ck_assert_int_eq(run_tb(f.suite, f.models, NULL, NULL, log), 0);
	ck_assert_int_eq(tu_sim_requests(port) - before, 30);
	tu_stop_sim(sim);
}
END_TEST

/* Every answer from the cache is written before any request goes out, in
 * more than one batch: the items must be stored first even then, or the
 * answers cannot be graded. */
START_TEST(a_run_all_from_the_cache_grades_every_answer)
{
	char log[700], store[800];
	int port = tu_free_port();
	sim_files f;
	pid_t sim = start_sim_run(&f, port, 300, NULL, "--time-scale 0");

	snprintf(log, sizeof(log), "%s/run1.log", tu_dir);
	ck_assert_int_eq(run_tb(f.suite, f.models, f.cache, NULL, log), 0);

	snprintf(log, sizeof(log), "%s/run2.log", tu_dir);
	ck_assert_int_eq(run_tb(f.suite, f.models, f.cache, NULL, log), 0);
	ck_assert_int_eq(tu_sim_requests(port), 300);
	ck_assert(tu_file_contains(log, "300 answers from the cache"));
	store_of(log, store, sizeof(store));
	ck_assert_int_eq(tu_db_long(store, "SELECT count(*) FROM items"), 300);
	ck_assert_int_eq(tu_db_long(store, "SELECT count(*) FROM samples WHERE outcome IN"
					   " ('correct', 'incorrect')"),
			 300);
	tu_stop_sim(sim);
}
END_TEST

START_TEST(errors_are_never_cached)
{
	char log[700], db[800];
	int port = tu_free_port();
	sim_files f;
	pid_t sim = start_sim_run(&f, port, 5, NULL, "--time-scale 0 --fault-5xx 1");
	int rc;
	char *argv[] = {"thinkbench", "run", "--suite", f.suite, "--models", f.models, "--mode", "nothink",
			"--out", f.cache, "--retries", "1", "--cache", f.cache, "--no-summary", "-q", NULL};

	snprintf(db, sizeof(db), "%s/cache/" CACHE_FILE, tu_dir);
	snprintf(log, sizeof(log), "%s/run.log", tu_dir);
	rc = tu_run_tb(argv, log, NULL, 300);
	ck_assert_int_eq(rc, 3);
	ck_assert_int_eq(tu_db_long(db, "SELECT count(*) FROM responses"), 0);
	tu_stop_sim(sim);
}
END_TEST

/* The key travels in a header: it is in no cache key and no cached answer,
 * even from an endpoint that echoes it. */
START_TEST(the_api_key_stays_out_of_the_cache)
{
	static const char key[] = "sk-or-v1-cachetest0123456789abcdef";
	char log[700], db[800], out[700];
	int port = tu_free_port();
	sim_files f;
	pid_t sim = start_sim_run(&f, port, 5, "OPENROUTER_API_KEY", "--time-scale 0 --hostile echokey");
	tu_spawn o = {.api_key = key};
	char *argv[] = {"thinkbench", "run", "--suite", f.suite, "--models", f.models, "--mode", "nothink",
			"--out", out, "--cache", f.cache, "--no-summary", "-q", NULL};
	int rc;

	snprintf(out, sizeof(out), "%s/results", tu_dir);
	snprintf(db, sizeof(db), "%s/cache/" CACHE_FILE, tu_dir);
	snprintf(log, sizeof(log), "%s/run.log", tu_dir);
	rc = tu_run_tb(argv, log, &o, 300);
	ck_assert_msg(rc == 0 || rc == 3, "exit %d", rc);
	ck_assert_int_gt(tu_db_long(db, "SELECT count(*) FROM responses"), 0);
	ck_assert(!tu_file_contains(db, "cachetest0123"));
	tu_stop_sim(sim);
}
END_TEST

static void fill_resp(tb_resp *r, const char *answer)
{
	resp_init(r, 1 << 20);
	tb_buf_adds(&r->content, answer);
	snprintf(r->finish_reason, sizeof(r->finish_reason), "stop");
	r->prompt_tokens = 5;
	r->completion_tokens = 7;
}

START_TEST(hostile_rows_are_misses)
{
	static const char *const bad[] = {
		"UPDATE responses SET content = x'00ff' WHERE key = 'K'",
		"UPDATE responses SET reasoning = x'ff' WHERE key = 'K'",
		"UPDATE responses SET prompt_tokens = 'many' WHERE key = 'K'",
		"UPDATE responses SET completion_tokens = -5 WHERE key = 'K'",
		"UPDATE responses SET reasoning_tokens = 99999999999999 WHERE key = 'K'",
		"UPDATE responses SET cost = -1 WHERE key = 'K'",
		"UPDATE responses SET cost = 'free' WHERE key = 'K'",
		"UPDATE responses SET total_ms = x'00' WHERE key = 'K'",
		"UPDATE responses SET finish_reason = '' WHERE key = 'K'",
		"UPDATE responses SET provider = hex(randomblob(200)) WHERE key = 'K'",
		"UPDATE responses SET content = hex(zeroblob(600000)) WHERE key = 'K'",
		"UPDATE responses SET generation_id = x'41' WHERE key = 'K'",
	};
	char dir[700], db[800], err[256], key[65];
	tb_cache *c;
	tb_resp r, got;
	tb_cache_timing t = {1, 2, 3}, gt;
	sqlite3 *h;

	snprintf(dir, sizeof(dir), "%s/cache", tu_dir);
	snprintf(db, sizeof(db), "%s/" CACHE_FILE, dir);
	ck_assert_msg(cache_open(dir, 1, &c, err, sizeof(err)) == TB_OK, "%s", err);
	fill_resp(&r, "\\boxed{4}");
	cache_key("http://x/v1", "m", "{\"body\": 1}", 0, key);
	ck_assert_uint_eq(strlen(key), 64);
	ck_assert_int_eq(cache_put(c, "K", "http://x/v1", "m", &r, &t, err, sizeof(err)), TB_OK);
	resp_init(&got, 1 << 20);
	ck_assert_int_eq(cache_get(c, "K", 1 << 20, &got, &gt), 1);
	ck_assert_str_eq(tb_buf_str(&got.content), "\\boxed{4}");
	ck_assert(gt.total_ms == 3);
	resp_release(&got);
	ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
	sqlite3_busy_timeout(h, 10000);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(cache_put(c, "K", "http://x/v1", "m", &r, &t, err, sizeof(err)), TB_OK);
		ck_assert_msg(sqlite3_exec(h, bad[i], NULL, NULL, NULL) == SQLITE_OK, "%s", sqlite3_errmsg(h));
		resp_init(&got, 1 << 19);
		ck_assert_msg(cache_get(c, "K", 1 << 19, &got, &gt) == 0, "a hit after: %s", bad[i]);
		resp_release(&got);
	}
	/* a table of another shape */
	ck_assert_int_eq(sqlite3_exec(h, "DROP TABLE responses; CREATE TABLE responses (key TEXT, x)", NULL,
				      NULL, NULL),
			 SQLITE_OK);
	resp_init(&got, 1 << 19);
	ck_assert_int_eq(cache_get(c, "K", 1 << 19, &got, &gt), 0);
	resp_release(&got);
	sqlite3_close(h);
	cache_close(c);
	/* a file that is no database: one clear error */
	snprintf(db, sizeof(db), "%s/" CACHE_FILE "-wal", dir);
	unlink(db);
	snprintf(db, sizeof(db), "%s/" CACHE_FILE "-shm", dir);
	unlink(db);
	snprintf(db, sizeof(db), "%s/" CACHE_FILE, dir);
	tu_write_file(db, "this is not a cache, but text long enough to be read as a header of one\n");
	ck_assert_int_eq(cache_open(dir, 1, &c, err, sizeof(err)), TB_ERR);
	ck_assert_ptr_nonnull(strstr(err, CACHE_FILE));
	/* what is not cacheable is not stored */
	r.error_code[0] = '5';
	ck_assert_int_eq(cache_wants(200, &r), 0);
	r.error_code[0] = '\0';
	ck_assert_int_eq(cache_wants(429, &r), 0);
	ck_assert_int_eq(cache_wants(200, &r), 1);
	resp_release(&r);
}
END_TEST

#define PER_CHILD 300

START_TEST(two_processes_share_a_cache)
{
	char dir[700], db[800], err[256];
	pid_t kids[2];

	snprintf(dir, sizeof(dir), "%s/cache", tu_dir);
	snprintf(db, sizeof(db), "%s/" CACHE_FILE, dir);
	for (int k = 0; k < 2; k++) {
		kids[k] = fork();
		ck_assert_int_ge(kids[k], 0);
		if (kids[k] == 0) {
			tb_cache *c;
			tb_resp r, got;
			tb_cache_timing t = {1, 2, 3}, gt;
			char key[32];
			int bad = 0;

			if (cache_open(dir, 1, &c, err, sizeof(err)) != TB_OK) {
				fprintf(stderr, "%s\n", err);
				_exit(10);
			}
			fill_resp(&r, "\\boxed{4}");
			for (int i = 0; i < PER_CHILD && !bad; i++) {
				snprintf(key, sizeof(key), "%d-%d", k, i);
				resp_init(&got, 1 << 20);
				bad = cache_put(c, key, "u", "m", &r, &t, err, sizeof(err)) != TB_OK ||
				      cache_get(c, key, 1 << 20, &got, &gt) != 1;
				resp_release(&got);
			}
			resp_release(&r);
			cache_close(c);
			_exit(bad ? 11 : 0);
		}
	}
	for (int k = 0; k < 2; k++)
		ck_assert_int_eq(tu_wait(kids[k], 300), 0);
	ck_assert_int_eq(tu_db_long(db, "SELECT count(*) FROM responses"), 2 * PER_CHILD);
	ck_assert_int_eq(tu_db_long(db, "SELECT n FROM counters WHERE name = 'hits'"), 2 * PER_CHILD);
}
END_TEST

#define NEW_CACHES 150
#define OPENERS 4

/* SQLite refuses the switch to WAL mode at once, not after the busy timeout,
 * when another process opens the same new file at that moment. The openers
 * wait for the closing of a pipe, so they start together. */
START_TEST(processes_opening_a_new_cache_at_once)
{
	char dir[700], err[256], byte;
	pid_t kids[OPENERS];
	int failed = 0, go[2];

	for (int i = 0; i < NEW_CACHES; i++) {
		snprintf(dir, sizeof(dir), "%s/cache%d", tu_dir, i);
		ck_assert_int_eq(pipe(go), 0);
		for (int k = 0; k < OPENERS; k++) {
			kids[k] = fork();
			ck_assert_int_ge(kids[k], 0);
			if (kids[k] == 0) {
				tb_cache *c;

				close(go[1]);
				if (read(go[0], &byte, 1) != 0)
					_exit(9);
				if (cache_open(dir, 1, &c, err, sizeof(err)) != TB_OK) {
					fprintf(stderr, "%s\n", err);
					_exit(10);
				}
				cache_close(c);
				_exit(0);
			}
		}
		close(go[0]);
		close(go[1]);
		for (int k = 0; k < OPENERS; k++)
			failed += tu_wait(kids[k], 60) != 0;
	}
	ck_assert_int_eq(failed, 0);
}
END_TEST

static int count_cached(void *ud, const tb_sample *s)
{
	(*(int *)ud)++;
	ck_assert(s->cached && s->cached_total_ms == 9);
	return 0;
}

START_TEST(a_version_3_store_reads_and_migrates)
{
	char path[700], err[256];
	tb_run_info ri = {0};
	tb_store *st;
	sqlite3 *h;
	int n = 0;
	tb_sample s = {
		.suite = "s", .item_id = "i", .model = "m/x", .mode = "nothink", .outcome = TB_OUT_CORRECT,
		.extracted = "4", .expected = "4", .grade_reason = "", .grader = "regex", .lang_check = -1,
		.split_method = "none", .reasoning = "", .answer = "4", .prompt_tokens = 1,
		.completion_tokens = 1, .reasoning_tokens = -1, .cached_tokens = -1, .cost_usd = 0.001,
		.ttft_ms = NAN, .ttfa_ms = NAN, .total_ms = NAN, .finish_reason = "stop",
		.native_finish_reason = "", .http_status = 200, .error = "", .lang = "en",
		.provider = "p", .generation_id = "g", .finished_at = 1e9, .cached = 1,
		.cached_total_ms = 9,
	};

	snprintf(path, sizeof(path), "%s/store.sqlite", tu_dir);
	snprintf(ri.run_id, sizeof(ri.run_id), "v3");
	snprintf(ri.status, sizeof(ri.status), "done");
	ck_assert_msg(store_create(path, &ri, &st, err, sizeof(err)) == TB_OK, "%s", err);
	ck_assert_msg(store_put_sample(st, &s, err, sizeof(err)) == TB_OK, "%s", err);
	ck_assert_int_eq(store_each_cached(st, count_cached, &n, err, sizeof(err)), TB_OK);
	ck_assert_int_eq(n, 1);
	/* replaced by an asked sample: no longer cached */
	s.cached = 0;
	ck_assert_msg(store_put_sample(st, &s, err, sizeof(err)) == TB_OK, "%s", err);
	store_close(st);
	ck_assert_int_eq(tu_db_long(path, "SELECT count(*) FROM cached"), 0);
	/* as a version-3 thinkbench left it */
	ck_assert_int_eq(sqlite3_open(path, &h), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(h,
				      "DROP TABLE cached; DROP TABLE shard; DROP TABLE sample_metrics;"
				      " DROP TABLE reused_samples; ALTER TABLE samples DROP COLUMN ttst_ms;"
				      " ALTER TABLE samples DROP COLUMN gap_p50_ms;"
				      " ALTER TABLE samples DROP COLUMN gap_p99_ms; PRAGMA user_version = 3",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(h);
	ck_assert_msg(store_open(path, 1, &st, err, sizeof(err)) == TB_OK, "%s", err);
	n = 0;
	ck_assert_int_eq(store_each_cached(st, count_cached, &n, err, sizeof(err)), TB_OK);
	ck_assert_int_eq(n, 0);
	ck_assert_int_eq(store_count_samples(st), 1);
	store_close(st);
	ck_assert_int_eq(tu_db_long(path, "PRAGMA user_version"), 3);
	ck_assert_msg(store_open(path, 0, &st, err, sizeof(err)) == TB_OK, "%s", err);
	s.cached = 1;
	ck_assert_msg(store_put_sample(st, &s, err, sizeof(err)) == TB_OK, "%s", err);
	store_close(st);
	ck_assert_int_eq(tu_db_long(path, "PRAGMA user_version"), 4);
	ck_assert_int_eq(tu_db_long(path, "SELECT count(*) FROM cached"), 1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cache");
	TCase *tc = tcase_create("cache");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, tu_dir_setup, tu_dir_teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, a_rerun_pays_only_for_new_items);
	tcase_add_test(tc, a_run_all_from_the_cache_grades_every_answer);
	tcase_add_test(tc, errors_are_never_cached);
	tcase_add_test(tc, the_api_key_stays_out_of_the_cache);
	tcase_add_test(tc, hostile_rows_are_misses);
	tcase_add_test(tc, two_processes_share_a_cache);
	tcase_add_test(tc, processes_opening_a_new_cache_at_once);
	tcase_add_test(tc, a_version_3_store_reads_and_migrates);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
