/* The SQLite store. One connection per tb_store, every statement prepared
 * once when the store opens. The connection has no mutex of its own
 * (SQLITE_OPEN_NOMUTEX): a store is used by one thread at a time (store.h).
 * Unknown numbers (negative token counts, NAN doubles) are stored as NULL so
 * that SQL aggregates skip them; NULL comes back as -1 or NAN. Outcomes are
 * stored by name, so the file reads well in the sqlite3 shell and survives a
 * reordering of tb_outcome. */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "clock.h"
#include "log.h"
#include "rc.h"
#include "walmode.h"

/* PRAGMA user_version of the schema below; bump it with a migration */
#define SCHEMA_VERSION 4
#define BUSY_TIMEOUT_MS 10000

static const char schema_sql[] =
	"CREATE TABLE run ("
	" run_id TEXT NOT NULL PRIMARY KEY,"
	" version TEXT NOT NULL,"
	" started TEXT NOT NULL,"
	" ended TEXT NOT NULL DEFAULT '',"
	" status TEXT NOT NULL,"
	" simulated INTEGER NOT NULL,"
	" cmdline TEXT,"          /* JSON array of strings */
	" options TEXT,"          /* JSON object */
	" suites_hash TEXT NOT NULL,"
	" models_hash TEXT NOT NULL);"
	"CREATE TABLE cells ("
	" suite TEXT NOT NULL, model TEXT NOT NULL, mode TEXT NOT NULL,"
	" budget INTEGER NOT NULL,"
	" status TEXT NOT NULL,"
	" n_planned INTEGER NOT NULL,"
	" PRIMARY KEY (suite, model, mode, budget));"
	"CREATE TABLE samples ("
	" suite TEXT NOT NULL, item_id TEXT NOT NULL, model TEXT NOT NULL,"
	" mode TEXT NOT NULL, budget INTEGER NOT NULL, sample INTEGER NOT NULL,"
	" outcome TEXT NOT NULL CHECK (outcome IN ('correct', 'incorrect', 'partial',"
	"  'no_answer', 'truncated', 'error', 'ungraded')),"
	" extracted TEXT, expected TEXT, grade_reason TEXT, grader TEXT,"
	" lang_check INTEGER NOT NULL, mode_leak INTEGER NOT NULL, split_method TEXT,"
	" reasoning TEXT, answer TEXT, text_truncated INTEGER NOT NULL,"
	" prompt_tokens INTEGER, completion_tokens INTEGER, reasoning_tokens INTEGER,"
	" cached_tokens INTEGER,"
	" cost_usd REAL, cost_reported INTEGER NOT NULL,"
	" ttft_ms REAL, ttfa_ms REAL, total_ms REAL,"
	" finish_reason TEXT, native_finish_reason TEXT,"
	" http_status INTEGER NOT NULL, attempts INTEGER NOT NULL,"
	" error TEXT, lang TEXT, provider TEXT, generation_id TEXT,"
	" seed INTEGER NOT NULL, streamed INTEGER NOT NULL, finished_at REAL,"
	" PRIMARY KEY (suite, item_id, model, mode, budget, sample));";

/* Version 1 to 2: grader versions, the gradings kept apart, pass@k and
 * maj@k. A new store runs it too, so new and migrated stores are the same.
 * The samples' gradings so far become grading 0, with no grader version. */
static const char migrate_v2_sql[] =
	"ALTER TABLE samples ADD COLUMN grader_version TEXT;"
	"CREATE TABLE grades ("
	" suite TEXT NOT NULL, item_id TEXT NOT NULL, model TEXT NOT NULL,"
	" mode TEXT NOT NULL, budget INTEGER NOT NULL, sample INTEGER NOT NULL,"
	" grading INTEGER NOT NULL CHECK (grading IN (0, 1)),"
	" outcome TEXT NOT NULL, extracted TEXT, reason TEXT, lang_check INTEGER NOT NULL,"
	" grader TEXT, grader_version TEXT, graded_at TEXT NOT NULL,"
	" PRIMARY KEY (suite, item_id, model, mode, budget, sample, grading));"
	"CREATE TABLE item_k ("
	" suite TEXT NOT NULL, item_id TEXT NOT NULL, model TEXT NOT NULL,"
	" mode TEXT NOT NULL, budget INTEGER NOT NULL, k INTEGER NOT NULL,"
	" n INTEGER NOT NULL, c INTEGER NOT NULL, pass_at_k REAL NOT NULL,"
	" maj_at_k INTEGER NOT NULL, maj_answer TEXT NOT NULL,"
	" PRIMARY KEY (suite, item_id, model, mode, budget, k));"
	"CREATE TABLE cell_k ("
	" suite TEXT NOT NULL, model TEXT NOT NULL, mode TEXT NOT NULL,"
	" budget INTEGER NOT NULL, k INTEGER NOT NULL, n_items INTEGER NOT NULL,"
	" pass_at_k REAL NOT NULL, maj_at_k REAL NOT NULL,"
	" PRIMARY KEY (suite, model, mode, budget, k));"
	"INSERT INTO grades (suite, item_id, model, mode, budget, sample, grading, outcome,"
	" extracted, reason, lang_check, grader, grader_version, graded_at)"
	" SELECT suite, item_id, model, mode, budget, sample, 0, outcome, extracted,"
	" grade_reason, lang_check, grader, NULL,"
	" coalesce(strftime('%Y-%m-%dT%H:%M:%SZ', finished_at, 'unixepoch'), '') FROM samples;"
	"PRAGMA user_version = 2;";

/* Version 2 to 3: what reports need of each item, kept with the run, so a
 * report or a re-grade from the store needs no suite file (an older store
 * has no rows: its reports have no prompts or tags); and the flag of usage
 * numbers the endpoint sent that were not believed. */
static const char migrate_v3_sql[] =
	"CREATE TABLE items ("
	" suite TEXT NOT NULL, item_id TEXT NOT NULL,"
	" prompt TEXT NOT NULL,"      /* the user text, as sent */
	" tags TEXT NOT NULL,"        /* JSON array of strings */
	" lang TEXT NOT NULL, expected TEXT NOT NULL,"
	" grader_spec TEXT,"          /* JSON object, NULL when not graded */
	" PRIMARY KEY (suite, item_id));"
	"ALTER TABLE samples ADD COLUMN usage_invalid INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE samples ADD COLUMN grade_path TEXT;"
	"PRAGMA user_version = 3;";

/* Version 3 to 4:
 * - shard: a shard of a plan (run --shard I/N) or a merge of shards
 *   (thinkbench merge) keeps one row here; any other run none;
 * - cached: the samples answered from the response cache (run --cache), with
 *   the timings of the request that filled the cache; their own latency
 *   columns in samples are NULL. A sample with no row here was asked of its
 *   endpoint;
 * - sample_metrics: what each sample's thinking cost and bought
 *   (traceinfo.h), computed after grading; a sample without a row has not
 *   been measured (an older run: `thinkbench grade` measures it);
 * - reused_samples: samples copied from an unbudgeted run by --budget-from,
 *   not asked. */
static const char migrate_v4_sql[] =
	"ALTER TABLE samples ADD COLUMN ttst_ms REAL;"
	"ALTER TABLE samples ADD COLUMN gap_p50_ms REAL;"
	"ALTER TABLE samples ADD COLUMN gap_p99_ms REAL;"
	"CREATE TABLE shard ("
	" plan_hash TEXT NOT NULL,"
	" shard_index INTEGER NOT NULL," /* -1: a merged run */
	" shard_count INTEGER NOT NULL,"
	" planned INTEGER NOT NULL,"    /* the samples of the plan this run holds */
	" merged_from TEXT,"            /* a merged run: JSON array of {run_id, shard} */
	" partial INTEGER NOT NULL DEFAULT 0);"
	"CREATE TABLE cached ("
	" suite TEXT NOT NULL, item_id TEXT NOT NULL, model TEXT NOT NULL,"
	" mode TEXT NOT NULL, budget INTEGER NOT NULL, sample INTEGER NOT NULL,"
	" ttft_ms REAL, ttfa_ms REAL, total_ms REAL,"
	" PRIMARY KEY (suite, item_id, model, mode, budget, sample));"
	"CREATE TABLE sample_metrics ("
	" suite TEXT NOT NULL, item_id TEXT NOT NULL, model TEXT NOT NULL,"
	" mode TEXT NOT NULL, budget INTEGER NOT NULL, sample INTEGER NOT NULL,"
	" reasoning_ms REAL, reasoning_tps REAL, answer_tps REAL,"
	" reasoning_tokens INTEGER NOT NULL, answer_tokens INTEGER NOT NULL,"
	" reasoning_source TEXT NOT NULL, answer_source TEXT NOT NULL,"
	" reasoning_disagrees INTEGER NOT NULL,"
	" first_correct_tokens INTEGER,"   /* NULL: never stated */
	" first_correct_frac REAL, after_correct_tokens INTEGER,"
	" found_then_lost INTEGER NOT NULL, switches INTEGER NOT NULL,"
	" reasoning_only INTEGER NOT NULL, answer_in_reasoning INTEGER NOT NULL,"
	" loop INTEGER NOT NULL, capped TEXT NOT NULL,"  /* '', 'thinking', 'answer' */
	" mode_disobeyed INTEGER NOT NULL, budget_exceeded INTEGER NOT NULL,"
	" PRIMARY KEY (suite, item_id, model, mode, budget, sample));"
	"CREATE TABLE reused_samples ("
	" suite TEXT NOT NULL, item_id TEXT NOT NULL, model TEXT NOT NULL,"
	" mode TEXT NOT NULL, budget INTEGER NOT NULL, sample INTEGER NOT NULL,"
	" source_run TEXT NOT NULL, source_budget INTEGER NOT NULL,"
	" PRIMARY KEY (suite, item_id, model, mode, budget, sample));"
	"PRAGMA user_version = 4;";

/* The samples columns, in the order of the statements built from this list. */
enum {
	C_SUITE, C_ITEM_ID, C_MODEL, C_MODE, C_BUDGET, C_SAMPLE,
	C_OUTCOME, C_EXTRACTED, C_EXPECTED, C_GRADE_REASON, C_GRADER,
	C_LANG_CHECK, C_MODE_LEAK, C_SPLIT_METHOD, C_REASONING, C_ANSWER,
	C_TEXT_TRUNCATED, C_PROMPT_TOKENS, C_COMPLETION_TOKENS, C_REASONING_TOKENS,
	C_CACHED_TOKENS, C_COST_USD, C_COST_REPORTED, C_TTFT_MS, C_TTFA_MS,
	C_TOTAL_MS, C_FINISH_REASON, C_NATIVE_FINISH_REASON, C_HTTP_STATUS,
	C_ATTEMPTS, C_ERROR, C_LANG, C_PROVIDER, C_GENERATION_ID, C_SEED,
	C_STREAMED, C_FINISHED_AT, C_GRADER_VERSION, C_USAGE_INVALID, C_GRADE_PATH,
	C_TTST_MS, C_GAP_P50_MS, C_GAP_P99_MS, C_COUNT
};

static const char *const sample_cols[C_COUNT] = {
	"suite", "item_id", "model", "mode", "budget", "sample",
	"outcome", "extracted", "expected", "grade_reason", "grader",
	"lang_check", "mode_leak", "split_method", "reasoning", "answer",
	"text_truncated", "prompt_tokens", "completion_tokens", "reasoning_tokens",
	"cached_tokens", "cost_usd", "cost_reported", "ttft_ms", "ttfa_ms",
	"total_ms", "finish_reason", "native_finish_reason", "http_status",
	"attempts", "error", "lang", "provider", "generation_id", "seed",
	"streamed", "finished_at", "grader_version", "usage_invalid", "grade_path",
	"ttst_ms", "gap_p50_ms", "gap_p99_ms",
};

/* insert_sample() binds the key with bind_key(), as ?1..?6 */
_Static_assert(C_SUITE == 0 && C_ITEM_ID == 1 && C_MODEL == 2 && C_MODE == 3 && C_BUDGET == 4 &&
		       C_SAMPLE == 5,
	       "the sample key is the first six columns");

#define KEY_ORDER "suite, item_id, model, mode, budget, sample"
#define KEY_MATCH "suite = ?1 AND item_id = ?2 AND model = ?3 AND mode = ?4 AND budget = ?5 AND sample = ?6"

enum { TX_SAVEPOINT, TX_RELEASE, TX_ROLLBACK_TO, TX_BEGIN, TX_COMMIT, TX_ROLLBACK, TX_COUNT };

static const char *const tx_sql[TX_COUNT] = {
	"SAVEPOINT tb_write", "RELEASE tb_write", "ROLLBACK TO tb_write", "BEGIN IMMEDIATE",
	"COMMIT", "ROLLBACK",
};

struct tb_store {
	sqlite3 *db;
	char *path;
	int readonly;
	int schema;              /* the file's version: below SCHEMA_VERSION only read-only */
	sqlite3_stmt *put_sample, *count_samples, *each_sample, *each_brief, *each_head, *get_sample;
	sqlite3_stmt *put_cell, *each_cell;
	sqlite3_stmt *get_run, *set_status;
	/* version 2; NULL in a version-1 store opened read-only */
	sqlite3_stmt *put_grade, *drop_latest, *update_grade, *each_grading;
	sqlite3_stmt *put_item_k, *put_cell_k, *each_item_k, *each_cell_k;
	/* version 3; NULL in an older store opened read-only */
	sqlite3_stmt *put_item, *each_item, *get_prompt;
	sqlite3_stmt *get_answer, *count_awaiting;
	/* version 4; NULL in an older store opened read-only */
	sqlite3_stmt *put_cached, *drop_cached, *each_cached;
	sqlite3_stmt *put_metrics, *get_metrics, *put_reused, *count_reused;
	/* transaction control, stepped once per sample or batch: parsed once */
	sqlite3_stmt *tx[TX_COUNT];
	/* the grader spec of the last item written, and its text: a suite's
	 * items share one spec object, written once. The reference held keeps
	 * its address from naming another object. */
	json_t *item_spec;
	char *item_spec_text;
};

static int dberr(const tb_store *st, char *err, size_t errlen, const char *what)
{
	return tb_seterr(err, errlen, "store '%s': cannot %s: %s", st->path, what,
			 sqlite3_errmsg(st->db));
}

static int exec_sql(tb_store *st, const char *sql, const char *what, char *err, size_t errlen)
{
	if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return dberr(st, err, errlen, what);
	return TB_OK;
}

static int prepare(tb_store *st, const char *sql, sqlite3_stmt **q, char *err, size_t errlen)
{
	if (sqlite3_prepare_v2(st->db, sql, -1, q, NULL) != SQLITE_OK)
		return dberr(st, err, errlen, "prepare a statement");
	return TB_OK;
}

/* The select list of samples; a column the file lacks, or the walk skips,
 * reads as NULL so that one row decoder serves every walk. */
/* Selects every column but skip and those from upto on (read as NULL). */
static void select_cols(const tb_store *st, tb_buf *b, int skip, int upto)
{
	tb_buf_adds(b, "SELECT ");
	for (int i = 0; i < C_COUNT; i++) {
		int absent = i == skip || i >= upto || (i == C_GRADER_VERSION && st->schema < 2) ||
			     ((i == C_USAGE_INVALID || i == C_GRADE_PATH) && st->schema < 3) ||
			     (i >= C_TTST_MS && st->schema < 4);

		tb_buf_addf(b, "%s%s", i ? ", " : "", absent ? "NULL" : sample_cols[i]);
	}
	tb_buf_adds(b, " FROM samples ORDER BY " KEY_ORDER);
}

/* Builds the INSERT and SELECTs of samples from sample_cols. */
static int prepare_samples(tb_store *st, char *err, size_t errlen)
{
	tb_buf ins, sel, brief, head, one;
	int rc = TB_ERR;
	int ncols = st->schema < 2   ? C_GRADER_VERSION
		    : st->schema < 3 ? C_USAGE_INVALID
		    : st->schema < 4 ? C_TTST_MS
				     : C_COUNT;

	tb_buf_init(&ins, 4096);
	tb_buf_init(&sel, 4096);
	tb_buf_init(&brief, 4096);
	tb_buf_init(&head, 4096);
	tb_buf_init(&one, 4096);
	tb_buf_adds(&ins, "INSERT OR REPLACE INTO samples (");
	for (int i = 0; i < ncols; i++)
		tb_buf_addf(&ins, "%s%s", i ? ", " : "", sample_cols[i]);
	tb_buf_adds(&ins, ") VALUES (");
	for (int i = 0; i < ncols; i++)
		tb_buf_addf(&ins, "%s?%d", i ? ", " : "", i + 1);
	tb_buf_adds(&ins, ")");
	select_cols(st, &sel, -1, C_COUNT);
	select_cols(st, &brief, C_REASONING, C_COUNT);
	select_cols(st, &head, -1, C_REASONING);
	tb_buf_adds(&one, "WITH samples AS (SELECT * FROM main.samples WHERE " KEY_MATCH ") ");
	select_cols(st, &one, -1, C_COUNT);
	if (ins.truncated || sel.truncated || brief.truncated || head.truncated || one.truncated ||
	    !ins.data || !sel.data || !brief.data || !head.data || !one.data) {
		tb_seterr(err, errlen, "out of memory preparing store '%s'", st->path);
		goto out;
	}
	if (prepare(st, ins.data, &st->put_sample, err, errlen) != TB_OK ||
	    prepare(st, sel.data, &st->each_sample, err, errlen) != TB_OK ||
	    prepare(st, brief.data, &st->each_brief, err, errlen) != TB_OK ||
	    prepare(st, head.data, &st->each_head, err, errlen) != TB_OK ||
	    prepare(st, one.data, &st->get_sample, err, errlen) != TB_OK)
		goto out;
	rc = TB_OK;
out:
	tb_buf_release(&ins);
	tb_buf_release(&sel);
	tb_buf_release(&brief);
	tb_buf_release(&head);
	tb_buf_release(&one);
	return rc;
}

static int prepare_v2(tb_store *st, char *err, size_t errlen)
{
	if (st->schema < 2)
		return TB_OK;
	if (prepare(st,
		    "INSERT OR REPLACE INTO grades (suite, item_id, model, mode, budget, sample, grading,"
		    " outcome, extracted, reason, lang_check, grader, grader_version, graded_at)"
		    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
		    &st->put_grade, err, errlen) != TB_OK ||
	    prepare(st, "DELETE FROM grades WHERE " KEY_MATCH " AND grading = 1", &st->drop_latest,
		    err, errlen) != TB_OK ||
	    prepare(st,
		    "UPDATE samples SET outcome = ?7, extracted = ?8, grade_reason = ?9, lang_check = ?10,"
		    " grader = ?11, grader_version = ?12, grade_path = ?13 WHERE " KEY_MATCH,
		    &st->update_grade, err, errlen) != TB_OK ||
	    prepare(st,
		    "SELECT suite, item_id, model, mode, budget, sample, grading, outcome, extracted,"
		    " reason, lang_check, grader, grader_version, graded_at FROM grades"
		    " ORDER BY " KEY_ORDER ", grading",
		    &st->each_grading, err, errlen) != TB_OK ||
	    prepare(st,
		    "INSERT OR REPLACE INTO item_k (suite, item_id, model, mode, budget, k, n, c,"
		    " pass_at_k, maj_at_k, maj_answer)"
		    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
		    &st->put_item_k, err, errlen) != TB_OK ||
	    prepare(st,
		    "INSERT INTO cell_k (suite, model, mode, budget, k, n_items, pass_at_k, maj_at_k)"
		    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
		    &st->put_cell_k, err, errlen) != TB_OK ||
	    prepare(st,
		    "SELECT suite, item_id, model, mode, budget, k, n, c, pass_at_k, maj_at_k, maj_answer"
		    " FROM item_k ORDER BY suite, item_id, model, mode, budget, k",
		    &st->each_item_k, err, errlen) != TB_OK ||
	    prepare(st,
		    "SELECT suite, model, mode, budget, k, n_items, pass_at_k, maj_at_k FROM cell_k"
		    " ORDER BY suite, model, mode, budget, k",
		    &st->each_cell_k, err, errlen) != TB_OK)
		return TB_ERR;
	return TB_OK;
}

static int prepare_v3(tb_store *st, char *err, size_t errlen)
{
	if (st->schema < 3)
		return TB_OK;
	if (prepare(st,
		    "INSERT OR REPLACE INTO items (suite, item_id, prompt, tags, lang, expected, grader_spec)"
		    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
		    &st->put_item, err, errlen) != TB_OK ||
	    prepare(st,
		    "SELECT suite, item_id, tags, lang, expected, grader_spec FROM items"
		    " ORDER BY suite, item_id",
		    &st->each_item, err, errlen) != TB_OK ||
	    prepare(st, "SELECT prompt FROM items WHERE suite = ?1 AND item_id = ?2", &st->get_prompt, err,
		    errlen) != TB_OK)
		return TB_ERR;
	return TB_OK;
}

#define METRIC_COLS                                                                          \
	"reasoning_ms, reasoning_tps, answer_tps, reasoning_tokens, answer_tokens,"          \
	" reasoning_source, answer_source, reasoning_disagrees, first_correct_tokens,"       \
	" first_correct_frac, after_correct_tokens, found_then_lost, switches,"              \
	" reasoning_only, answer_in_reasoning, loop, capped, mode_disobeyed, budget_exceeded"

static int prepare_v4(tb_store *st, char *err, size_t errlen)
{
	if (st->schema < 4)
		return TB_OK;
	if (prepare(st,
		    "INSERT OR REPLACE INTO cached (suite, item_id, model, mode, budget, sample, ttft_ms,"
		    " ttfa_ms, total_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
		    &st->put_cached, err, errlen) != TB_OK ||
	    prepare(st, "DELETE FROM cached WHERE " KEY_MATCH, &st->drop_cached, err, errlen) != TB_OK ||
	    prepare(st,
		    "SELECT suite, item_id, model, mode, budget, sample, ttft_ms, ttfa_ms, total_ms"
		    " FROM cached ORDER BY " KEY_ORDER,
		    &st->each_cached, err, errlen) != TB_OK ||
	    prepare(st,
		    "INSERT OR REPLACE INTO sample_metrics (" KEY_ORDER ", " METRIC_COLS ") VALUES"
		    " (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,"
		    " ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25)",
		    &st->put_metrics, err, errlen) != TB_OK ||
	    prepare(st, "SELECT " METRIC_COLS " FROM sample_metrics WHERE " KEY_MATCH, &st->get_metrics, err,
		    errlen) != TB_OK ||
	    prepare(st,
		    "INSERT OR REPLACE INTO reused_samples (" KEY_ORDER ", source_run, source_budget)"
		    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
		    &st->put_reused, err, errlen) != TB_OK ||
	    prepare(st, "SELECT count(*) FROM reused_samples", &st->count_reused, err, errlen) != TB_OK)
		return TB_ERR;
	return TB_OK;
}

static int prepare_all(tb_store *st, char *err, size_t errlen)
{
	for (int i = 0; i < TX_COUNT; i++)
		if (prepare(st, tx_sql[i], &st->tx[i], err, errlen) != TB_OK)
			return TB_ERR;
	if (prepare_samples(st, err, errlen) != TB_OK || prepare_v2(st, err, errlen) != TB_OK ||
	    prepare_v3(st, err, errlen) != TB_OK || prepare_v4(st, err, errlen) != TB_OK ||
	    prepare(st, "SELECT answer FROM samples WHERE " KEY_MATCH, &st->get_answer, err, errlen) != TB_OK ||
	    prepare(st, "SELECT count(*) FROM samples WHERE outcome = 'ungraded' AND coalesce(grader, '') != ''",
		    &st->count_awaiting, err, errlen) != TB_OK ||
	    prepare(st, "SELECT count(*) FROM samples", &st->count_samples, err, errlen) != TB_OK ||
	    prepare(st,
		    "INSERT OR REPLACE INTO cells (suite, model, mode, budget, status, n_planned)"
		    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
		    &st->put_cell, err, errlen) != TB_OK ||
	    prepare(st,
		    "SELECT suite, model, mode, budget, status, n_planned FROM cells"
		    " ORDER BY suite, model, mode, budget",
		    &st->each_cell, err, errlen) != TB_OK ||
	    prepare(st,
		    "SELECT run_id, version, started, ended, status, simulated, cmdline, options,"
		    " suites_hash, models_hash FROM run LIMIT 1",
		    &st->get_run, err, errlen) != TB_OK ||
	    prepare(st, "UPDATE run SET status = ?1, ended = ?2", &st->set_status, err, errlen) != TB_OK)
		return TB_ERR;
	return TB_OK;
}

/* Per-connection settings. journal_mode is a property of the file, set once
 * at creation; synchronous=NORMAL in WAL mode keeps every commit durable
 * against a crash of the program (not of the OS) without an fsync each.
 * Checkpointing every 128 pages (not SQLite's 1,000) leaves closing a store
 * little to copy: it took 7-8 ms at the end of a 10,000-sample run, while the
 * writer thread's checkpoints on the way cost no one a wait. */
static int configure(tb_store *st, char *err, size_t errlen)
{
	sqlite3_busy_timeout(st->db, BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(st->db, 1);
	if (exec_sql(st, "PRAGMA foreign_keys = ON", "enable foreign keys", err, errlen) != TB_OK)
		return TB_ERR;
	if (st->readonly)
		return TB_OK;
	if (exec_sql(st, "PRAGMA wal_autocheckpoint = 128", "set the checkpoint interval", err,
		     errlen) != TB_OK)
		return TB_ERR;
	return exec_sql(st, "PRAGMA synchronous = NORMAL", "set synchronous", err, errlen);
}

static int set_wal(tb_store *st, char *err, size_t errlen)
{
	int is_wal;

	if (walmode_set(st->db, BUSY_TIMEOUT_MS, &is_wal) != SQLITE_OK)
		return dberr(st, err, errlen, "set WAL journal mode");
	if (!is_wal)
		return tb_seterr(err, errlen,
				 "cannot use WAL journal mode for store '%s' (its filesystem may not support it)",
				 st->path);
	return TB_OK;
}

static int read_version(tb_store *st, int *v, char *err, size_t errlen)
{
	sqlite3_stmt *q = NULL;
	int rc = TB_ERR;

	if (prepare(st, "PRAGMA user_version", &q, err, errlen) != TB_OK)
		goto out;
	if (sqlite3_step(q) != SQLITE_ROW) {
		dberr(st, err, errlen, "read the schema version");
		goto out;
	}
	*v = sqlite3_column_int(q, 0);
	rc = TB_OK;
out:
	sqlite3_finalize(q);
	return rc;
}

static int check_version(tb_store *st, char *err, size_t errlen)
{
	int v;

	if (read_version(st, &v, err, errlen) != TB_OK)
		return TB_ERR;
	if (v == 0)
		return tb_seterr(err, errlen, "'%s' is not a thinkbench store (no schema version)", st->path);
	if (v > SCHEMA_VERSION)
		return tb_seterr(err, errlen,
				 "store '%s' has schema version %d, newer than this thinkbench knows (%d)",
				 st->path, v, SCHEMA_VERSION);
	st->schema = v;
	return TB_OK;
}

/* Brings an older store to SCHEMA_VERSION. IMMEDIATE takes the write lock
 * first, so two programs opening the same old store migrate it once. */
static int migrate(tb_store *st, char *err, size_t errlen)
{
	int v, rc = TB_ERR;

	if (st->readonly || st->schema >= SCHEMA_VERSION)
		return TB_OK;
	if (exec_sql(st, "BEGIN IMMEDIATE", "begin the schema migration", err, errlen) != TB_OK)
		return TB_ERR;
	if (read_version(st, &v, err, errlen) != TB_OK)
		goto out;
	if (v < 2 && exec_sql(st, migrate_v2_sql, "migrate the schema to version 2", err, errlen) != TB_OK)
		goto out;
	if (v < 3 && exec_sql(st, migrate_v3_sql, "migrate the schema to version 3", err, errlen) != TB_OK)
		goto out;
	if (v < 4 && exec_sql(st, migrate_v4_sql, "migrate the schema to version 4", err, errlen) != TB_OK)
		goto out;
	if (exec_sql(st, "COMMIT", "commit the schema migration", err, errlen) != TB_OK)
		goto out;
	st->schema = SCHEMA_VERSION;
	rc = TB_OK;
out:
	if (rc != TB_OK)
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* SQLite's allocation statistics, which nothing here reads, cost every one
 * of its allocations (about 76 a stored answer) a global mutex. The setting
 * must come before SQLite initialises; once it has, this changes nothing. */
static void sqlite_setup(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static tb_store *store_new(const char *path, int readonly)
{
	static pthread_once_t setup = PTHREAD_ONCE_INIT;
	tb_store *st;

	pthread_once(&setup, sqlite_setup);
	st = calloc(1, sizeof(*st));
	if (!st)
		return NULL;
	st->path = strdup(path);
	if (!st->path) {
		free(st);
		return NULL;
	}
	st->readonly = readonly;
	return st;
}

void store_close(tb_store *st)
{
	if (!st)
		return;
	sqlite3_finalize(st->put_sample);
	sqlite3_finalize(st->count_samples);
	sqlite3_finalize(st->each_sample);
	sqlite3_finalize(st->put_cell);
	sqlite3_finalize(st->each_cell);
	sqlite3_finalize(st->get_run);
	sqlite3_finalize(st->set_status);
	sqlite3_finalize(st->each_brief);
	sqlite3_finalize(st->each_head);
	sqlite3_finalize(st->get_sample);
	sqlite3_finalize(st->put_grade);
	sqlite3_finalize(st->drop_latest);
	sqlite3_finalize(st->update_grade);
	sqlite3_finalize(st->each_grading);
	sqlite3_finalize(st->put_item_k);
	sqlite3_finalize(st->put_cell_k);
	sqlite3_finalize(st->each_item_k);
	sqlite3_finalize(st->each_cell_k);
	sqlite3_finalize(st->put_item);
	sqlite3_finalize(st->each_item);
	sqlite3_finalize(st->get_prompt);
	sqlite3_finalize(st->get_answer);
	sqlite3_finalize(st->count_awaiting);
	sqlite3_finalize(st->put_cached);
	sqlite3_finalize(st->drop_cached);
	sqlite3_finalize(st->each_cached);
	sqlite3_finalize(st->put_metrics);
	sqlite3_finalize(st->get_metrics);
	sqlite3_finalize(st->put_reused);
	sqlite3_finalize(st->count_reused);
	for (int i = 0; i < TX_COUNT; i++)
		sqlite3_finalize(st->tx[i]);
	sqlite3_close(st->db);
	json_decref(st->item_spec);
	free(st->item_spec_text);
	free(st->path);
	free(st);
}

static int bind_text(sqlite3_stmt *q, int i, const char *s)
{
	return s ? sqlite3_bind_text(q, i, s, -1, SQLITE_STATIC) : sqlite3_bind_null(q, i);
}

/* How the store writes JSON. */
static char *json_text(const json_t *j)
{
	return json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
}

/* json may be NULL; the text is handed to SQLite, which frees it. */
static int bind_json(sqlite3_stmt *q, int i, const json_t *j)
{
	char *s;

	if (!j)
		return sqlite3_bind_null(q, i);
	s = json_text(j);
	if (!s)
		return SQLITE_NOMEM;
	return sqlite3_bind_text(q, i, s, -1, free);
}

static int bind_tokens(sqlite3_stmt *q, int i, long v)
{
	return v < 0 ? sqlite3_bind_null(q, i) : sqlite3_bind_int64(q, i, v);
}

static int bind_real(sqlite3_stmt *q, int i, double v)
{
	return isnan(v) ? sqlite3_bind_null(q, i) : sqlite3_bind_double(q, i, v);
}

static void unlink_store(const char *path)
{
	char side[4200];

	unlink(path);
	snprintf(side, sizeof(side), "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	unlink(side);
}

static int insert_run(tb_store *st, const tb_run_info *info, char *err, size_t errlen)
{
	sqlite3_stmt *q = NULL;
	int bad = 0, rc = TB_ERR;

	if (prepare(st,
		    "INSERT INTO run (run_id, version, started, ended, status, simulated, cmdline,"
		    " options, suites_hash, models_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
		    &q, err, errlen) != TB_OK)
		goto out;
	bad |= bind_text(q, 1, info->run_id) != SQLITE_OK;
	bad |= bind_text(q, 2, info->version) != SQLITE_OK;
	bad |= bind_text(q, 3, info->started) != SQLITE_OK;
	bad |= bind_text(q, 4, info->ended) != SQLITE_OK;
	bad |= bind_text(q, 5, info->status[0] ? info->status : "running") != SQLITE_OK;
	bad |= sqlite3_bind_int(q, 6, info->simulated != 0) != SQLITE_OK;
	bad |= bind_json(q, 7, info->cmdline) != SQLITE_OK;
	bad |= bind_json(q, 8, info->options) != SQLITE_OK;
	bad |= bind_text(q, 9, info->suites_hash) != SQLITE_OK;
	bad |= bind_text(q, 10, info->models_hash) != SQLITE_OK;
	if (bad) {
		tb_seterr(err, errlen, "cannot encode the run row for store '%s'", st->path);
		goto out;
	}
	if (sqlite3_step(q) != SQLITE_DONE) {
		dberr(st, err, errlen, "write the run row");
		goto out;
	}
	rc = TB_OK;
out:
	sqlite3_finalize(q);
	return rc;
}

int store_create(const char *path, const tb_run_info *info, tb_store **out, char *err, size_t errlen)
{
	tb_store *st = NULL;
	int created = 0, rc = TB_ERR, fd;

	*out = NULL;
	/* O_EXCL makes "must not exist" atomic: two runs never share a store */
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		if (errno == EEXIST)
			return tb_seterr(err, errlen, "store '%s' already exists", path);
		return tb_seterr(err, errlen, "cannot create store '%s': %s", path, strerror(errno));
	}
	close(fd);
	created = 1;
	st = store_new(path, 0);
	if (!st) {
		tb_seterr(err, errlen, "out of memory opening store '%s'", path);
		goto out;
	}
	if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		dberr(st, err, errlen, "open the database");
		goto out;
	}
	if (set_wal(st, err, errlen) != TB_OK || configure(st, err, errlen) != TB_OK)
		goto out;
	/* version 1, then every migration: new and migrated stores are alike */
	if (exec_sql(st, "BEGIN", "begin a transaction", err, errlen) != TB_OK ||
	    exec_sql(st, schema_sql, "create the schema", err, errlen) != TB_OK ||
	    exec_sql(st, migrate_v2_sql, "create the schema", err, errlen) != TB_OK ||
	    exec_sql(st, migrate_v3_sql, "create the schema", err, errlen) != TB_OK ||
	    exec_sql(st, migrate_v4_sql, "create the schema", err, errlen) != TB_OK ||
	    insert_run(st, info, err, errlen) != TB_OK ||
	    exec_sql(st, "COMMIT", "commit the schema", err, errlen) != TB_OK)
		goto out;
	st->schema = SCHEMA_VERSION;
	if (prepare_all(st, err, errlen) != TB_OK)
		goto out;
	*out = st;
	st = NULL;
	rc = TB_OK;
out:
	store_close(st);
	if (rc != TB_OK && created)
		unlink_store(path);
	return rc;
}

/* A store read in a folder we cannot write (a read-only file system, a CI
 * artifact) could not get the -shm file a WAL reader needs: it is opened as
 * an immutable file instead, which needs none. Returns the name to open
 * (sqlite3_free() it), or NULL when the plain path will do (or no memory). */
static char *readonly_uri(const char *path)
{
	static const char safe[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/._-~";
	char *dir = strdup(path), *slash, *uri;
	const char *folder;
	tb_buf b;
	int writable;

	if (!dir)
		return NULL;
	slash = strrchr(dir, '/');
	if (slash)
		*(slash == dir ? slash + 1 : slash) = '\0';
	folder = slash ? dir : ".";
	writable = access(folder, W_OK) == 0;
	free(dir);
	if (writable)
		return NULL;
	tb_buf_init(&b, 3 * strlen(path) + 64);
	tb_buf_adds(&b, "file:");
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if (strchr(safe, *p))
			tb_buf_add(&b, p, 1);
		else
			tb_buf_addf(&b, "%%%02X", *p);
	}
	tb_buf_adds(&b, "?mode=ro&immutable=1");
	uri = sqlite3_mprintf("%s", tb_buf_str(&b));
	tb_buf_release(&b);
	return uri;
}

int store_open(const char *path, int readonly, tb_store **out, char *err, size_t errlen)
{
	tb_store *st = NULL;
	struct stat sb;
	int rc = TB_ERR;
	char *uri = NULL;

	*out = NULL;
	if (stat(path, &sb) != 0)
		return tb_seterr(err, errlen, "cannot open store '%s': %s", path, strerror(errno));
	if (!S_ISREG(sb.st_mode))
		return tb_seterr(err, errlen, "cannot open store '%s': not a regular file", path);
	st = store_new(path, readonly);
	if (!st)
		return tb_seterr(err, errlen, "out of memory opening store '%s'", path);
	uri = readonly ? readonly_uri(path) : NULL;
	if (sqlite3_open_v2(uri ? uri : path, &st->db,
			    (readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) | SQLITE_OPEN_NOMUTEX |
				    (uri ? SQLITE_OPEN_URI : 0),
			    NULL) != SQLITE_OK) {
		dberr(st, err, errlen, "open the database");
		goto out;
	}
	if (configure(st, err, errlen) != TB_OK || check_version(st, err, errlen) != TB_OK ||
	    migrate(st, err, errlen) != TB_OK || prepare_all(st, err, errlen) != TB_OK)
		goto out;
	*out = st;
	st = NULL;
	rc = TB_OK;
out:
	sqlite3_free(uri);
	store_close(st);
	return rc;
}

static void copy_col(char *dst, size_t dstlen, sqlite3_stmt *q, int i)
{
	const unsigned char *s = sqlite3_column_text(q, i);

	snprintf(dst, dstlen, "%s", s ? (const char *)s : "");
}

static int load_json(tb_store *st, sqlite3_stmt *q, int i, const char *name, json_t **out,
		     char *err, size_t errlen)
{
	const char *s = (const char *)sqlite3_column_text(q, i);
	json_error_t je;

	*out = NULL;
	if (!s)
		return TB_OK;
	*out = json_loads(s, JSON_DECODE_ANY, &je);
	if (!*out)
		return tb_seterr(err, errlen, "store '%s': run.%s is not valid JSON: %s", st->path,
				 name, je.text);
	return TB_OK;
}

int store_get_run(tb_store *st, tb_run_info *info, char *err, size_t errlen)
{
	sqlite3_stmt *q = st->get_run;
	int rc = TB_ERR, step;
	char msg[160];

	memset(info, 0, sizeof(*info));
	step = sqlite3_step(q);
	if (step == SQLITE_DONE) {
		tb_seterr(err, errlen, "store '%s' has no run row", st->path);
		goto out;
	}
	if (step != SQLITE_ROW) {
		dberr(st, err, errlen, "read the run row");
		goto out;
	}
	/* A store may come from anywhere; its id reaches folders and gnuplot. */
	if (tb_runid_check(sqlite3_column_text(q, 0) ? (const char *)sqlite3_column_text(q, 0) : "",
			   msg, sizeof(msg)) != TB_OK) {
		tb_seterr(err, errlen, "store '%s': run.run_id: %s", st->path, msg);
		goto out;
	}
	copy_col(info->run_id, sizeof(info->run_id), q, 0);
	copy_col(info->version, sizeof(info->version), q, 1);
	copy_col(info->started, sizeof(info->started), q, 2);
	copy_col(info->ended, sizeof(info->ended), q, 3);
	copy_col(info->status, sizeof(info->status), q, 4);
	info->simulated = sqlite3_column_int(q, 5);
	copy_col(info->suites_hash, sizeof(info->suites_hash), q, 8);
	copy_col(info->models_hash, sizeof(info->models_hash), q, 9);
	if (load_json(st, q, 6, "cmdline", &info->cmdline, err, errlen) != TB_OK ||
	    load_json(st, q, 7, "options", &info->options, err, errlen) != TB_OK)
		goto out;
	rc = TB_OK;
out:
	sqlite3_reset(q);
	if (rc != TB_OK)
		store_run_info_release(info);
	return rc;
}

void store_run_info_release(tb_run_info *info)
{
	json_decref(info->cmdline);
	json_decref(info->options);
	info->cmdline = NULL;
	info->options = NULL;
}

int store_set_status(tb_store *st, const char *status, char *err, size_t errlen)
{
	static const char *const known[] = {"running", "done", "interrupted", "failed", "capped"};
	sqlite3_stmt *q = st->set_status;
	char ended[32] = "";
	size_t i;
	int rc = TB_ERR;

	for (i = 0; i < sizeof(known) / sizeof(known[0]); i++)
		if (strcmp(status, known[i]) == 0)
			break;
	if (i == sizeof(known) / sizeof(known[0]))
		return tb_seterr(err, errlen, "unknown run status '%s'", status);
	/* a resumed run is running again and has not ended */
	if (strcmp(status, "running") != 0)
		tb_wall_iso(ended, sizeof(ended));
	if (bind_text(q, 1, status) != SQLITE_OK || bind_text(q, 2, ended) != SQLITE_OK) {
		dberr(st, err, errlen, "bind the run status");
		goto out;
	}
	if (sqlite3_step(q) != SQLITE_DONE) {
		dberr(st, err, errlen, "set the run status");
		goto out;
	}
	rc = TB_OK;
out:
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return rc;
}

static int check_key(const tb_store *st, const char *suite, const char *item_id,
		     const char *model, const char *mode, char *err, size_t errlen)
{
	if (!suite || !item_id || !model || !mode)
		return tb_seterr(err, errlen, "store '%s': a sample key field is missing", st->path);
	return TB_OK;
}

/* Binds a cell's key to parameters 1-4. */
static int bind_cell_key(sqlite3_stmt *q, const char *suite, const char *model, const char *mode,
			 long budget)
{
	int bad = 0;

	bad |= bind_text(q, 1, suite) != SQLITE_OK;
	bad |= bind_text(q, 2, model) != SQLITE_OK;
	bad |= bind_text(q, 3, mode) != SQLITE_OK;
	bad |= sqlite3_bind_int64(q, 4, budget) != SQLITE_OK;
	return bad ? SQLITE_ERROR : SQLITE_OK;
}

int store_put_cell(tb_store *st, const tb_cell *c, char *err, size_t errlen)
{
	sqlite3_stmt *q = st->put_cell;
	int bad = 0, rc = TB_ERR;

	if (!c->suite || !c->model || !c->mode || !c->status)
		return tb_seterr(err, errlen, "store '%s': a cell field is missing", st->path);
	bad |= bind_cell_key(q, c->suite, c->model, c->mode, c->budget) != SQLITE_OK;
	bad |= bind_text(q, 5, c->status) != SQLITE_OK;
	bad |= sqlite3_bind_int64(q, 6, c->n_planned) != SQLITE_OK;
	if (bad) {
		dberr(st, err, errlen, "bind a cell");
		goto out;
	}
	if (sqlite3_step(q) != SQLITE_DONE) {
		dberr(st, err, errlen, "write a cell");
		goto out;
	}
	rc = TB_OK;
out:
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return rc;
}

/* Steps one of the transaction statements; the message names what failed. */
static int tx_run(tb_store *st, int which, const char *what, char *err, size_t errlen)
{
	sqlite3_stmt *q = st->tx[which];
	int rc = TB_OK;

	if (sqlite3_step(q) != SQLITE_DONE)
		rc = what ? dberr(st, err, errlen, what) : TB_ERR;
	sqlite3_reset(q);
	return rc;
}

/* Every write of more than one statement runs in this savepoint: inside
 * store_begin() it nests, outside it is its own transaction. */
static int sp_begin(tb_store *st, char *err, size_t errlen)
{
	return tx_run(st, TX_SAVEPOINT, "begin a transaction", err, errlen);
}

/* Releases the savepoint after success (the message names what failed), or
 * rolls it back. */
static int sp_end(tb_store *st, int rc, const char *what, char *err, size_t errlen)
{
	if (rc == TB_OK && tx_run(st, TX_RELEASE, what, err, errlen) == TB_OK)
		return TB_OK;
	tx_run(st, TX_ROLLBACK_TO, NULL, NULL, 0);
	tx_run(st, TX_RELEASE, NULL, NULL, 0);
	return TB_ERR;
}

/* Binds ?1..?6 to a row's key: suite, item id, model, mode, budget, and the
 * sample (samples, grades) or k (item_k). */
static int bind_row_key(sqlite3_stmt *q, const char *suite, const char *item_id, const char *model,
			const char *mode, long budget, int last)
{
	int bad = 0;

	bad |= bind_text(q, 1, suite) != SQLITE_OK;
	bad |= bind_text(q, 2, item_id) != SQLITE_OK;
	bad |= bind_text(q, 3, model) != SQLITE_OK;
	bad |= bind_text(q, 4, mode) != SQLITE_OK;
	bad |= sqlite3_bind_int64(q, 5, budget) != SQLITE_OK;
	bad |= sqlite3_bind_int(q, 6, last) != SQLITE_OK;
	return bad ? SQLITE_ERROR : SQLITE_OK;
}

static int bind_key(sqlite3_stmt *q, const tb_sample *s)
{
	return bind_row_key(q, s->suite, s->item_id, s->model, s->mode, s->budget, s->sample);
}

/* Steps a statement that returns no rows, then resets it and drops its
 * bindings (texts are bound SQLITE_STATIC). */
static int step_done(tb_store *st, sqlite3_stmt *q, int bad, const char *what, char *err, size_t errlen)
{
	int rc = TB_OK;

	if (bad)
		rc = dberr(st, err, errlen, what);
	else if (sqlite3_step(q) != SQLITE_DONE)
		rc = dberr(st, err, errlen, what);
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return rc;
}

/* Writes s's grade fields as grading `grading` of its sample. */
static int put_grading(tb_store *st, const tb_sample *s, int grading, char *err, size_t errlen)
{
	sqlite3_stmt *q = st->put_grade;
	char now[32];
	int bad = 0;

	tb_wall_iso(now, sizeof(now));
	bad |= bind_key(q, s) != SQLITE_OK;
	bad |= sqlite3_bind_int(q, 7, grading) != SQLITE_OK;
	bad |= bind_text(q, 8, tb_outcome_name(s->outcome)) != SQLITE_OK;
	bad |= bind_text(q, 9, s->extracted) != SQLITE_OK;
	bad |= bind_text(q, 10, s->grade_reason) != SQLITE_OK;
	bad |= sqlite3_bind_int(q, 11, s->lang_check) != SQLITE_OK;
	bad |= bind_text(q, 12, s->grader) != SQLITE_OK;
	bad |= bind_text(q, 13, s->grader_version) != SQLITE_OK;
	bad |= bind_text(q, 14, now) != SQLITE_OK;
	return step_done(st, q, bad, "write a grading", err, errlen);
}

static int check_sample(const tb_store *st, const tb_sample *s, char *err, size_t errlen)
{
	if (check_key(st, s->suite, s->item_id, s->model, s->mode, err, errlen) != TB_OK)
		return TB_ERR;
	if ((unsigned)s->outcome >= TB_OUT_COUNT)
		return tb_seterr(err, errlen, "store '%s': sample has an invalid outcome %d", st->path,
				 (int)s->outcome);
	return TB_OK;
}

/* A version-1 store is only ever open read-only: its writes fail on that. */
static int need_v2(const tb_store *st, char *err, size_t errlen)
{
	if (st->schema < 2)
		return tb_seterr(err, errlen, "store '%s' is open readonly (schema version %d)", st->path,
				 st->schema);
	return TB_OK;
}

static int insert_sample(tb_store *st, const tb_sample *s, char *err, size_t errlen)
{
	sqlite3_stmt *q = st->put_sample;
	int bad = 0, rc = TB_ERR;

	bad |= bind_key(q, s) != SQLITE_OK;
	bad |= bind_text(q, C_OUTCOME + 1, tb_outcome_name(s->outcome)) != SQLITE_OK;
	bad |= bind_text(q, C_EXTRACTED + 1, s->extracted) != SQLITE_OK;
	bad |= bind_text(q, C_EXPECTED + 1, s->expected) != SQLITE_OK;
	bad |= bind_text(q, C_GRADE_REASON + 1, s->grade_reason) != SQLITE_OK;
	bad |= bind_text(q, C_GRADER + 1, s->grader) != SQLITE_OK;
	bad |= sqlite3_bind_int(q, C_LANG_CHECK + 1, s->lang_check) != SQLITE_OK;
	bad |= sqlite3_bind_int(q, C_MODE_LEAK + 1, s->mode_leak) != SQLITE_OK;
	bad |= bind_text(q, C_SPLIT_METHOD + 1, s->split_method) != SQLITE_OK;
	bad |= bind_text(q, C_REASONING + 1, s->reasoning) != SQLITE_OK;
	bad |= bind_text(q, C_ANSWER + 1, s->answer) != SQLITE_OK;
	bad |= sqlite3_bind_int(q, C_TEXT_TRUNCATED + 1, s->text_truncated) != SQLITE_OK;
	bad |= bind_tokens(q, C_PROMPT_TOKENS + 1, s->prompt_tokens) != SQLITE_OK;
	bad |= bind_tokens(q, C_COMPLETION_TOKENS + 1, s->completion_tokens) != SQLITE_OK;
	bad |= bind_tokens(q, C_REASONING_TOKENS + 1, s->reasoning_tokens) != SQLITE_OK;
	bad |= bind_tokens(q, C_CACHED_TOKENS + 1, s->cached_tokens) != SQLITE_OK;
	bad |= bind_real(q, C_COST_USD + 1, s->cost_usd) != SQLITE_OK;
	bad |= sqlite3_bind_int(q, C_COST_REPORTED + 1, s->cost_reported) != SQLITE_OK;
	bad |= bind_real(q, C_TTFT_MS + 1, s->ttft_ms) != SQLITE_OK;
	bad |= bind_real(q, C_TTFA_MS + 1, s->ttfa_ms) != SQLITE_OK;
	bad |= bind_real(q, C_TOTAL_MS + 1, s->total_ms) != SQLITE_OK;
	bad |= bind_text(q, C_FINISH_REASON + 1, s->finish_reason) != SQLITE_OK;
	bad |= bind_text(q, C_NATIVE_FINISH_REASON + 1, s->native_finish_reason) != SQLITE_OK;
	bad |= sqlite3_bind_int(q, C_HTTP_STATUS + 1, s->http_status) != SQLITE_OK;
	bad |= sqlite3_bind_int(q, C_ATTEMPTS + 1, s->attempts) != SQLITE_OK;
	bad |= bind_text(q, C_ERROR + 1, s->error) != SQLITE_OK;
	bad |= bind_text(q, C_LANG + 1, s->lang) != SQLITE_OK;
	bad |= bind_text(q, C_PROVIDER + 1, s->provider) != SQLITE_OK;
	bad |= bind_text(q, C_GENERATION_ID + 1, s->generation_id) != SQLITE_OK;
	bad |= sqlite3_bind_int64(q, C_SEED + 1, s->seed) != SQLITE_OK;
	bad |= sqlite3_bind_int(q, C_STREAMED + 1, s->streamed) != SQLITE_OK;
	bad |= bind_real(q, C_FINISHED_AT + 1, s->finished_at) != SQLITE_OK;
	if (st->schema >= 2)
		bad |= bind_text(q, C_GRADER_VERSION + 1, s->grader_version) != SQLITE_OK;
	if (st->schema >= 3) {
		bad |= sqlite3_bind_int(q, C_USAGE_INVALID + 1, s->usage_invalid) != SQLITE_OK;
		bad |= bind_text(q, C_GRADE_PATH + 1, s->grade_path) != SQLITE_OK;
	}
	if (st->schema >= 4) {
		bad |= bind_real(q, C_TTST_MS + 1, s->ttst_ms) != SQLITE_OK;
		bad |= bind_real(q, C_GAP_P50_MS + 1, s->gap_p50_ms) != SQLITE_OK;
		bad |= bind_real(q, C_GAP_P99_MS + 1, s->gap_p99_ms) != SQLITE_OK;
	}
	if (bad) {
		/* only a string over SQLite's length limit fails to bind */
		dberr(st, err, errlen, "bind a sample");
		goto out;
	}
	if (sqlite3_step(q) != SQLITE_DONE) {
		dberr(st, err, errlen, "write a sample");
		goto out;
	}
	rc = TB_OK;
out:
	sqlite3_reset(q);
	/* the texts were bound SQLITE_STATIC: drop them before the caller frees them */
	sqlite3_clear_bindings(q);
	return rc;
}

/* A sample from the response cache gets its row in cached; any other drops
 * the row a replaced sample may have left. */
static int put_cached(tb_store *st, const tb_sample *s, char *err, size_t errlen)
{
	sqlite3_stmt *q = s->cached ? st->put_cached : st->drop_cached;
	int bad;

	if (!q)
		return TB_OK;
	bad = bind_key(q, s) != SQLITE_OK;
	if (s->cached) {
		bad |= bind_real(q, 7, s->cached_ttft_ms) != SQLITE_OK;
		bad |= bind_real(q, 8, s->cached_ttfa_ms) != SQLITE_OK;
		bad |= bind_real(q, 9, s->cached_total_ms) != SQLITE_OK;
	}
	return step_done(st, q, bad, "write a cached sample", err, errlen);
}

int store_put_sample(tb_store *st, const tb_sample *s, char *err, size_t errlen)
{
	int rc;

	if (check_sample(st, s, err, errlen) != TB_OK)
		return TB_ERR;
	if (st->schema < 2)
		return insert_sample(st, s, err, errlen);
	if (sp_begin(st, err, errlen) != TB_OK)
		return TB_ERR;
	rc = insert_sample(st, s, err, errlen);
	if (rc == TB_OK)
		rc = put_grading(st, s, 0, err, errlen);
	if (rc == TB_OK)
		rc = step_done(st, st->drop_latest, bind_key(st->drop_latest, s) != SQLITE_OK,
			       "write a sample", err, errlen);
	if (rc == TB_OK)
		rc = put_cached(st, s, err, errlen);
	return sp_end(st, rc, "write a sample", err, errlen);
}

int store_update_grade(tb_store *st, const tb_sample *s, int grading, char *err, size_t errlen)
{
	sqlite3_stmt *q = st->update_grade;
	int bad = 0, rc;

	if (check_sample(st, s, err, errlen) != TB_OK || need_v2(st, err, errlen) != TB_OK)
		return TB_ERR;
	if (sp_begin(st, err, errlen) != TB_OK)
		return TB_ERR;
	bad |= bind_key(q, s) != SQLITE_OK;
	bad |= bind_text(q, 7, tb_outcome_name(s->outcome)) != SQLITE_OK;
	bad |= bind_text(q, 8, s->extracted) != SQLITE_OK;
	bad |= bind_text(q, 9, s->grade_reason) != SQLITE_OK;
	bad |= sqlite3_bind_int(q, 10, s->lang_check) != SQLITE_OK;
	bad |= bind_text(q, 11, s->grader) != SQLITE_OK;
	bad |= bind_text(q, 12, s->grader_version) != SQLITE_OK;
	bad |= bind_text(q, 13, s->grade_path) != SQLITE_OK;
	rc = step_done(st, q, bad, "update a grade", err, errlen);
	if (rc == TB_OK && sqlite3_changes(st->db) != 1)
		rc = tb_seterr(err, errlen, "store '%s': no sample %s/%s/%s/%s/%ld/%d to grade", st->path,
			       s->suite, s->item_id, s->model, s->mode, s->budget, s->sample);
	if (rc == TB_OK)
		rc = put_grading(st, s, grading ? 1 : 0, err, errlen);
	return sp_end(st, rc, "update a grade", err, errlen);
}

int store_begin(tb_store *st, char *err, size_t errlen)
{
	return tx_run(st, TX_BEGIN, "begin a transaction", err, errlen);
}

int store_commit(tb_store *st, char *err, size_t errlen)
{
	if (tx_run(st, TX_COMMIT, "commit", err, errlen) == TB_OK)
		return TB_OK;
	store_rollback(st);
	return TB_ERR;
}

void store_rollback(tb_store *st)
{
	tx_run(st, TX_ROLLBACK, NULL, NULL, 0);
}

/* Opens the savepoint of a rewrite of pass@k and empties its tables. */
static int k_begin(tb_store *st, const char *clear_sql, const char *what, char *err, size_t errlen)
{
	if (need_v2(st, err, errlen) != TB_OK || sp_begin(st, err, errlen) != TB_OK)
		return TB_ERR;
	if (exec_sql(st, clear_sql, what, err, errlen) != TB_OK) {
		sp_end(st, TB_ERR, "", err, errlen);
		return TB_ERR;
	}
	return TB_OK;
}

int store_k_begin(tb_store *st, char *err, size_t errlen)
{
	return k_begin(st, "DELETE FROM item_k; DELETE FROM cell_k", "clear pass@k", err, errlen);
}

int store_k_cells_begin(tb_store *st, char *err, size_t errlen)
{
	return k_begin(st, "DELETE FROM cell_k", "clear pass@k of the cells", err, errlen);
}

int store_put_item_k(tb_store *st, const tb_item_k *r, char *err, size_t errlen)
{
	sqlite3_stmt *q = st->put_item_k;
	int bad = 0;

	if (check_key(st, r->suite, r->item_id, r->model, r->mode, err, errlen) != TB_OK ||
	    need_v2(st, err, errlen) != TB_OK)
		return TB_ERR;
	bad |= bind_row_key(q, r->suite, r->item_id, r->model, r->mode, r->budget, r->k) != SQLITE_OK;
	bad |= sqlite3_bind_int(q, 7, r->n) != SQLITE_OK;
	bad |= sqlite3_bind_int(q, 8, r->c) != SQLITE_OK;
	bad |= sqlite3_bind_double(q, 9, r->pass_at_k) != SQLITE_OK;
	bad |= sqlite3_bind_int(q, 10, r->maj_correct != 0) != SQLITE_OK;
	bad |= bind_text(q, 11, r->maj_answer ? r->maj_answer : "") != SQLITE_OK;
	return step_done(st, q, bad, "write pass@k", err, errlen);
}

int store_put_cell_k(tb_store *st, const tb_cell_k *r, char *err, size_t errlen)
{
	sqlite3_stmt *q = st->put_cell_k;
	int bad = 0;

	if (!r->suite || !r->model || !r->mode)
		return tb_seterr(err, errlen, "store '%s': a cell field is missing", st->path);
	if (need_v2(st, err, errlen) != TB_OK)
		return TB_ERR;
	bad |= bind_cell_key(q, r->suite, r->model, r->mode, r->budget) != SQLITE_OK;
	bad |= sqlite3_bind_int(q, 5, r->k) != SQLITE_OK;
	bad |= sqlite3_bind_int64(q, 6, r->n_items) != SQLITE_OK;
	bad |= sqlite3_bind_double(q, 7, r->pass_at_k) != SQLITE_OK;
	bad |= sqlite3_bind_double(q, 8, r->maj_at_k) != SQLITE_OK;
	return step_done(st, q, bad, "write pass@k of a cell", err, errlen);
}

int store_k_commit(tb_store *st, char *err, size_t errlen)
{
	return sp_end(st, TB_OK, "commit pass@k", err, errlen);
}

void store_k_abort(tb_store *st)
{
	sp_end(st, TB_ERR, "", NULL, 0);
}

static long count_rows(sqlite3_stmt *q)
{
	long n = -1;

	if (sqlite3_step(q) == SQLITE_ROW)
		n = (long)sqlite3_column_int64(q, 0);
	sqlite3_reset(q);
	return n;
}

long store_count_samples(tb_store *st)
{
	return count_rows(st->count_samples);
}

long store_count_awaiting(tb_store *st)
{
	return count_rows(st->count_awaiting);
}

/* A walk's statement is shared; a callback that starts the same walk again
 * would reset it under the outer walk. */
static int walk_busy(const tb_store *st, sqlite3_stmt *q, char *err, size_t errlen)
{
	if (sqlite3_stmt_busy(q))
		return tb_seterr(err, errlen, "store '%s': a walk over it is already in progress",
				 st->path);
	return TB_OK;
}

/* The caller's callback and its data, for the row decoders of walk(). */
typedef struct walk_ctx {
	union {
		store_cell_fn cell;
		store_sample_fn sample;
		store_grading_fn grading;
		store_item_k_fn item_k;
		store_cell_k_fn cell_k;
		store_item_fn item;
	} fn;
	void *ud;
	long rows;
} walk_ctx;

/* Decodes the current row of q and hands it to w's callback; returns what
 * the callback returned, or TB_ERR (err set) for a row it cannot decode. */
typedef int (*row_fn)(tb_store *st, sqlite3_stmt *q, walk_ctx *w, char *err, size_t errlen);

/* Steps q over its rows until a row decoder returns nonzero; what names the
 * rows in a read error. A NULL q (a table the store's version lacks) has no rows. */
static int walk(tb_store *st, sqlite3_stmt *q, row_fn row, walk_ctx *w, const char *what,
		char *err, size_t errlen)
{
	int rc = TB_OK, step;

	if (!q)
		return TB_OK;
	if (walk_busy(st, q, err, errlen) != TB_OK)
		return TB_ERR;
	/* bounded by the table, which SQLite walks once */
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		w->rows++;
		rc = row(st, q, w, err, errlen);
		if (rc != 0)
			goto out;
	}
	if (step != SQLITE_DONE)
		rc = dberr(st, err, errlen, what);
out:
	sqlite3_reset(q);
	return rc;
}

static const char *col_text(sqlite3_stmt *q, int i)
{
	return (const char *)sqlite3_column_text(q, i);
}

static long col_tokens(sqlite3_stmt *q, int i)
{
	return sqlite3_column_type(q, i) == SQLITE_NULL ? -1 : (long)sqlite3_column_int64(q, i);
}

static double col_real(sqlite3_stmt *q, int i)
{
	return sqlite3_column_type(q, i) == SQLITE_NULL ? NAN : sqlite3_column_double(q, i);
}

static int cell_row(tb_store *st, sqlite3_stmt *q, walk_ctx *w, char *err, size_t errlen)
{
	tb_cell c = {
		.suite = col_text(q, 0),
		.model = col_text(q, 1),
		.mode = col_text(q, 2),
		.budget = (long)sqlite3_column_int64(q, 3),
		.status = col_text(q, 4),
		.n_planned = (long)sqlite3_column_int64(q, 5),
	};

	if (!c.suite || !c.model || !c.mode || !c.status)
		return tb_seterr(err, errlen, "store '%s': cell row %ld has an empty field", st->path,
				 w->rows);
	return w->fn.cell(w->ud, &c);
}

int store_each_cell(tb_store *st, store_cell_fn fn, void *ud, char *err, size_t errlen)
{
	walk_ctx w = {.fn.cell = fn, .ud = ud};

	return walk(st, st->each_cell, cell_row, &w, "read the cells", err, errlen);
}

static int sample_row(tb_store *st, sqlite3_stmt *q, walk_ctx *w, char *err, size_t errlen)
{
	const char *outcome = col_text(q, C_OUTCOME);
	tb_sample s = {
		.suite = col_text(q, C_SUITE),
		.item_id = col_text(q, C_ITEM_ID),
		.model = col_text(q, C_MODEL),
		.mode = col_text(q, C_MODE),
		.budget = (long)sqlite3_column_int64(q, C_BUDGET),
		.sample = sqlite3_column_int(q, C_SAMPLE),
		.extracted = col_text(q, C_EXTRACTED),
		.expected = col_text(q, C_EXPECTED),
		.grade_reason = col_text(q, C_GRADE_REASON),
		.grader = col_text(q, C_GRADER),
		.lang_check = sqlite3_column_int(q, C_LANG_CHECK),
		.mode_leak = sqlite3_column_int(q, C_MODE_LEAK),
		.split_method = col_text(q, C_SPLIT_METHOD),
		.reasoning = col_text(q, C_REASONING),
		.answer = col_text(q, C_ANSWER),
		.text_truncated = sqlite3_column_int(q, C_TEXT_TRUNCATED),
		.prompt_tokens = col_tokens(q, C_PROMPT_TOKENS),
		.completion_tokens = col_tokens(q, C_COMPLETION_TOKENS),
		.reasoning_tokens = col_tokens(q, C_REASONING_TOKENS),
		.cached_tokens = col_tokens(q, C_CACHED_TOKENS),
		.cost_usd = col_real(q, C_COST_USD),
		.cost_reported = sqlite3_column_int(q, C_COST_REPORTED),
		.ttft_ms = col_real(q, C_TTFT_MS),
		.ttfa_ms = col_real(q, C_TTFA_MS),
		.total_ms = col_real(q, C_TOTAL_MS),
		.finish_reason = col_text(q, C_FINISH_REASON),
		.native_finish_reason = col_text(q, C_NATIVE_FINISH_REASON),
		.http_status = sqlite3_column_int(q, C_HTTP_STATUS),
		.attempts = sqlite3_column_int(q, C_ATTEMPTS),
		.error = col_text(q, C_ERROR),
		.lang = col_text(q, C_LANG),
		.provider = col_text(q, C_PROVIDER),
		.generation_id = col_text(q, C_GENERATION_ID),
		.seed = (long)sqlite3_column_int64(q, C_SEED),
		.streamed = sqlite3_column_int(q, C_STREAMED),
		.finished_at = col_real(q, C_FINISHED_AT),
		.grader_version = col_text(q, C_GRADER_VERSION),
		.usage_invalid = sqlite3_column_int(q, C_USAGE_INVALID),
		.grade_path = col_text(q, C_GRADE_PATH),
		.ttst_ms = col_real(q, C_TTST_MS),
		.gap_p50_ms = col_real(q, C_GAP_P50_MS),
		.gap_p99_ms = col_real(q, C_GAP_P99_MS),
	};

	if (!s.suite || !s.item_id || !s.model || !s.mode)
		return tb_seterr(err, errlen, "store '%s': a sample row has an empty key field",
				 st->path);
	if (!outcome || tb_outcome_parse(outcome, &s.outcome) != TB_OK)
		return tb_seterr(err, errlen, "store '%s': sample '%s' has an unknown outcome '%s'",
				 st->path, s.item_id, outcome ? outcome : "");
	return w->fn.sample(w->ud, &s);
}

int store_each_sample(tb_store *st, store_sample_fn fn, void *ud, char *err, size_t errlen)
{
	walk_ctx w = {.fn.sample = fn, .ud = ud};

	return walk(st, st->each_sample, sample_row, &w, "read the samples", err, errlen);
}

int store_each_sample_brief(tb_store *st, store_sample_fn fn, void *ud, char *err, size_t errlen)
{
	walk_ctx w = {.fn.sample = fn, .ud = ud};

	return walk(st, st->each_brief, sample_row, &w, "read the samples", err, errlen);
}

int store_each_sample_head(tb_store *st, store_sample_fn fn, void *ud, char *err, size_t errlen)
{
	walk_ctx w = {.fn.sample = fn, .ud = ud};

	return walk(st, st->each_head, sample_row, &w, "read the samples", err, errlen);
}

static int grading_row(tb_store *st, sqlite3_stmt *q, walk_ctx *w, char *err, size_t errlen)
{
	const char *outcome = col_text(q, 7);
	tb_grading g = {
		.suite = col_text(q, 0),
		.item_id = col_text(q, 1),
		.model = col_text(q, 2),
		.mode = col_text(q, 3),
		.budget = (long)sqlite3_column_int64(q, 4),
		.sample = sqlite3_column_int(q, 5),
		.grading = sqlite3_column_int(q, 6),
		.extracted = col_text(q, 8),
		.reason = col_text(q, 9),
		.lang_check = sqlite3_column_int(q, 10),
		.grader = col_text(q, 11),
		.grader_version = col_text(q, 12),
		.graded_at = col_text(q, 13),
	};

	if (!g.suite || !g.item_id || !g.model || !g.mode || !outcome ||
	    tb_outcome_parse(outcome, &g.outcome) != TB_OK)
		return tb_seterr(err, errlen,
				 "store '%s': a grading row has an empty key or unknown outcome", st->path);
	return w->fn.grading(w->ud, &g);
}

int store_each_grading(tb_store *st, store_grading_fn fn, void *ud, char *err, size_t errlen)
{
	walk_ctx w = {.fn.grading = fn, .ud = ud};

	return walk(st, st->each_grading, grading_row, &w, "read the gradings", err, errlen);
}

static int item_k_row(tb_store *st, sqlite3_stmt *q, walk_ctx *w, char *err, size_t errlen)
{
	tb_item_k r = {
		.suite = col_text(q, 0),
		.item_id = col_text(q, 1),
		.model = col_text(q, 2),
		.mode = col_text(q, 3),
		.budget = (long)sqlite3_column_int64(q, 4),
		.k = sqlite3_column_int(q, 5),
		.n = sqlite3_column_int(q, 6),
		.c = sqlite3_column_int(q, 7),
		.pass_at_k = sqlite3_column_double(q, 8),
		.maj_correct = sqlite3_column_int(q, 9),
		.maj_answer = col_text(q, 10),
	};

	if (!r.suite || !r.item_id || !r.model || !r.mode || !r.maj_answer)
		return tb_seterr(err, errlen, "store '%s': an item_k row has an empty field", st->path);
	return w->fn.item_k(w->ud, &r);
}

int store_each_item_k(tb_store *st, store_item_k_fn fn, void *ud, char *err, size_t errlen)
{
	walk_ctx w = {.fn.item_k = fn, .ud = ud};

	return walk(st, st->each_item_k, item_k_row, &w, "read pass@k of the items", err, errlen);
}

static int cell_k_row(tb_store *st, sqlite3_stmt *q, walk_ctx *w, char *err, size_t errlen)
{
	tb_cell_k c = {
		.suite = col_text(q, 0),
		.model = col_text(q, 1),
		.mode = col_text(q, 2),
		.budget = (long)sqlite3_column_int64(q, 3),
		.k = sqlite3_column_int(q, 4),
		.n_items = (long)sqlite3_column_int64(q, 5),
		.pass_at_k = sqlite3_column_double(q, 6),
		.maj_at_k = sqlite3_column_double(q, 7),
	};

	if (!c.suite || !c.model || !c.mode)
		return tb_seterr(err, errlen, "store '%s': a cell_k row has an empty field", st->path);
	return w->fn.cell_k(w->ud, &c);
}

int store_each_cell_k(tb_store *st, store_cell_k_fn fn, void *ud, char *err, size_t errlen)
{
	walk_ctx w = {.fn.cell_k = fn, .ud = ud};

	return walk(st, st->each_cell_k, cell_k_row, &w, "read pass@k of the cells", err, errlen);
}

/* bind_json() of an item's grader spec, dumped only when it is not the
 * previous item's object */
static int bind_item_spec(tb_store *st, sqlite3_stmt *q, int i, json_t *spec)
{
	char *text;

	if (!spec)
		return sqlite3_bind_null(q, i);
	if (spec != st->item_spec) {
		if (!(text = json_text(spec)))
			return SQLITE_NOMEM;
		json_decref(st->item_spec);
		free(st->item_spec_text);
		st->item_spec = json_incref(spec);
		st->item_spec_text = text;
	}
	return sqlite3_bind_text(q, i, st->item_spec_text, -1, SQLITE_TRANSIENT);
}

int store_put_item(tb_store *st, const tb_stored_item *it, char *err, size_t errlen)
{
	sqlite3_stmt *q = st->put_item;
	int bad = 0;

	if (!q)
		return tb_seterr(err, errlen, "store '%s' is open readonly (schema version %d)", st->path,
				 st->schema);
	bad |= bind_text(q, 1, it->suite) != SQLITE_OK;
	bad |= bind_text(q, 2, it->item_id) != SQLITE_OK;
	bad |= bind_text(q, 3, it->prompt ? it->prompt : "") != SQLITE_OK;
	bad |= (it->tags ? bind_json(q, 4, it->tags) : bind_text(q, 4, "[]")) != SQLITE_OK;
	bad |= bind_text(q, 5, it->lang ? it->lang : "") != SQLITE_OK;
	bad |= bind_text(q, 6, it->expected ? it->expected : "") != SQLITE_OK;
	bad |= bind_item_spec(st, q, 7, it->grader_spec) != SQLITE_OK;
	return step_done(st, q, bad, "write an item", err, errlen);
}

static int item_row(tb_store *st, sqlite3_stmt *q, walk_ctx *w, char *err, size_t errlen)
{
	tb_stored_item it = {
		.suite = col_text(q, 0), .item_id = col_text(q, 1), .lang = col_text(q, 3),
		.expected = col_text(q, 4),
	};
	json_error_t jerr;
	int rc;

	it.tags = json_loads(col_text(q, 2), 0, &jerr);
	if (sqlite3_column_type(q, 5) != SQLITE_NULL)
		it.grader_spec = json_loads(col_text(q, 5), 0, &jerr);
	if (!json_is_array(it.tags) ||
	    (sqlite3_column_type(q, 5) != SQLITE_NULL && !json_is_object(it.grader_spec))) {
		rc = tb_seterr(err, errlen, "store '%s': item %s/%s has unreadable tags or grader spec",
			       st->path, it.suite, it.item_id);
	} else {
		rc = w->fn.item(w->ud, &it);
	}
	json_decref(it.tags);
	json_decref(it.grader_spec);
	return rc;
}

int store_each_item(tb_store *st, store_item_fn fn, void *ud, char *err, size_t errlen)
{
	walk_ctx w = {.fn.item = fn, .ud = ud};

	return walk(st, st->each_item, item_row, &w, "read the items", err, errlen);
}

/* Reads the one text column of a keyed lookup into a new string. */
static int lookup_text(tb_store *st, sqlite3_stmt *q, int bad, const char *what, char **out, char *err,
		       size_t errlen)
{
	int step, rc = TB_OK;

	*out = NULL;
	if (bad) {
		rc = dberr(st, err, errlen, what);
	} else if ((step = sqlite3_step(q)) == SQLITE_ROW) {
		*out = strdup(col_text(q, 0));
		if (!*out)
			rc = tb_seterr(err, errlen, "out of memory");
	} else if (step != SQLITE_DONE) {
		rc = dberr(st, err, errlen, what);
	}
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return rc;
}

int store_get_prompt(tb_store *st, const char *suite, const char *item_id, char **out, char *err,
		     size_t errlen)
{
	sqlite3_stmt *q = st->get_prompt;
	int bad = 0;

	*out = NULL;
	if (!q)
		return TB_OK;
	bad |= bind_text(q, 1, suite) != SQLITE_OK;
	bad |= bind_text(q, 2, item_id) != SQLITE_OK;
	return lookup_text(st, q, bad, "read a prompt", out, err, errlen);
}

int store_get_answer(tb_store *st, const tb_sample *key, char **out, char *err, size_t errlen)
{
	sqlite3_stmt *q = st->get_answer;

	return lookup_text(st, q, bind_key(q, key) != SQLITE_OK, "read an answer", out, err, errlen);
}

int store_put_grading(tb_store *st, const tb_grading *g, char *err, size_t errlen)
{
	sqlite3_stmt *q = st->put_grade;
	int bad = 0;

	if (need_v2(st, err, errlen) != TB_OK ||
	    check_key(st, g->suite, g->item_id, g->model, g->mode, err, errlen) != TB_OK)
		return TB_ERR;
	if ((unsigned)g->outcome >= TB_OUT_COUNT || (g->grading != 0 && g->grading != 1) || !g->graded_at)
		return tb_seterr(err, errlen, "store '%s': a grading of %s/%s has an invalid outcome, number or time",
				 st->path, g->suite, g->item_id);
	bad |= bind_row_key(q, g->suite, g->item_id, g->model, g->mode, g->budget, g->sample) != SQLITE_OK;
	bad |= sqlite3_bind_int(q, 7, g->grading) != SQLITE_OK;
	bad |= bind_text(q, 8, tb_outcome_name(g->outcome)) != SQLITE_OK;
	bad |= bind_text(q, 9, g->extracted) != SQLITE_OK;
	bad |= bind_text(q, 10, g->reason) != SQLITE_OK;
	bad |= sqlite3_bind_int(q, 11, g->lang_check) != SQLITE_OK;
	bad |= bind_text(q, 12, g->grader) != SQLITE_OK;
	bad |= bind_text(q, 13, g->grader_version) != SQLITE_OK;
	bad |= bind_text(q, 14, g->graded_at) != SQLITE_OK;
	return step_done(st, q, bad, "write a grading", err, errlen);
}

int store_put_shard(tb_store *st, const tb_shard_row *r, char *err, size_t errlen)
{
	sqlite3_stmt *q = NULL;
	int bad = 0, rc;

	if (st->schema < 4)
		return tb_seterr(err, errlen, "store '%s' is open readonly (schema version %d)", st->path,
				 st->schema);
	if (exec_sql(st, "DELETE FROM shard", "replace the shard row", err, errlen) != TB_OK ||
	    prepare(st,
		    "INSERT INTO shard (plan_hash, shard_index, shard_count, planned, merged_from, partial)"
		    " VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
		    &q, err, errlen) != TB_OK)
		return TB_ERR;
	bad |= bind_text(q, 1, r->plan_hash) != SQLITE_OK;
	bad |= sqlite3_bind_int(q, 2, r->index) != SQLITE_OK;
	bad |= sqlite3_bind_int(q, 3, r->count) != SQLITE_OK;
	bad |= sqlite3_bind_int64(q, 4, r->planned) != SQLITE_OK;
	bad |= bind_json(q, 5, r->merged_from) != SQLITE_OK;
	bad |= sqlite3_bind_int(q, 6, r->partial != 0) != SQLITE_OK;
	rc = step_done(st, q, bad, "write the shard row", err, errlen);
	sqlite3_finalize(q);
	return rc;
}

int store_get_shard(tb_store *st, tb_shard_row *r, int *found, char *err, size_t errlen)
{
	sqlite3_stmt *q = NULL;
	int rc = TB_ERR, step;

	memset(r, 0, sizeof(*r));
	*found = 0;
	if (st->schema < 4)
		return TB_OK;
	if (prepare(st,
		    "SELECT plan_hash, shard_index, shard_count, planned, merged_from, partial FROM shard"
		    " LIMIT 1",
		    &q, err, errlen) != TB_OK)
		return TB_ERR;
	step = sqlite3_step(q);
	if (step == SQLITE_DONE) {
		rc = TB_OK;
		goto out;
	}
	if (step != SQLITE_ROW) {
		dberr(st, err, errlen, "read the shard row");
		goto out;
	}
	copy_col(r->plan_hash, sizeof(r->plan_hash), q, 0);
	r->index = sqlite3_column_int(q, 1);
	r->count = sqlite3_column_int(q, 2);
	r->planned = (long)sqlite3_column_int64(q, 3);
	r->partial = sqlite3_column_int(q, 5);
	if (load_json(st, q, 4, "merged_from", &r->merged_from, err, errlen) != TB_OK)
		goto out;
	*found = 1;
	rc = TB_OK;
out:
	sqlite3_finalize(q);
	return rc;
}

void store_filter_init(tb_sample_filter *f)
{
	*f = (tb_sample_filter){.budget = -1, .mode_leak = -1, .wrong_lang = -1};
}

/* The WHERE clause of a filter, its values bound from ?1 on in the order
 * bind_filter() binds them. */
static void filter_where(const tb_sample_filter *f, tb_buf *b)
{
	tb_buf_adds(b, " WHERE 1");
	if (f->suite && *f->suite)
		tb_buf_adds(b, " AND suite = ?");
	if (f->model && *f->model)
		tb_buf_adds(b, " AND model = ?");
	if (f->mode && *f->mode)
		tb_buf_adds(b, " AND mode = ?");
	if (f->outcome && *f->outcome)
		tb_buf_adds(b, " AND outcome = ?");
	if (f->lang && *f->lang)
		tb_buf_adds(b, " AND lang = ?");
	if (f->budget >= 0)
		tb_buf_adds(b, " AND budget = ?");
	if (f->mode_leak >= 0)
		tb_buf_adds(b, f->mode_leak ? " AND mode_leak != 0" : " AND mode_leak = 0");
	if (f->wrong_lang >= 0)
		tb_buf_addf(b, " AND lang_check %s %d", f->wrong_lang ? "=" : "!=", GR_LANG_WRONG);
}

/* Binds a filter's values; returns the next free parameter index, or 0. */
static int bind_filter(sqlite3_stmt *q, const tb_sample_filter *f)
{
	const char *texts[] = {f->suite, f->model, f->mode, f->outcome, f->lang};
	int i = 1;

	for (size_t k = 0; k < sizeof(texts) / sizeof(texts[0]); k++)
		if (texts[k] && *texts[k] && bind_text(q, i++, texts[k]) != SQLITE_OK)
			return 0;
	if (f->budget >= 0 && sqlite3_bind_int64(q, i++, f->budget) != SQLITE_OK)
		return 0;
	return i;
}

/* Prepares sql (built in b) on the store's connection for one query. */
static int prepare_built(tb_store *st, tb_buf *b, sqlite3_stmt **q, char *err, size_t errlen)
{
	*q = NULL;
	if (b->truncated || !b->data)
		return tb_seterr(err, errlen, "out of memory querying store '%s'", st->path);
	return prepare(st, b->data, q, err, errlen);
}

int store_query_samples(tb_store *st, const tb_sample_filter *f, long offset, long limit,
			store_sample_fn fn, void *ud, long *total, char *err, size_t errlen)
{
	walk_ctx w = {.fn.sample = fn, .ud = ud};
	sqlite3_stmt *count = NULL, *page = NULL;
	tb_buf where, b;
	int rc = TB_ERR, next;

	*total = 0;
	tb_buf_init(&where, 1024);
	tb_buf_init(&b, 8192);
	filter_where(f, &where);
	tb_buf_addf(&b, "SELECT count(*) FROM samples%s", tb_buf_str(&where));
	if (prepare_built(st, &b, &count, err, errlen) != TB_OK)
		goto out;
	if (!bind_filter(count, f) || sqlite3_step(count) != SQLITE_ROW) {
		dberr(st, err, errlen, "count the samples");
		goto out;
	}
	*total = (long)sqlite3_column_int64(count, 0);
	/* The page is chosen in a CTE that shadows the table, so that the one
	 * select list of the head walk reads it. */
	tb_buf_reset(&b);
	tb_buf_addf(&b, "WITH samples AS (SELECT * FROM main.samples%s ORDER BY " KEY_ORDER
			" LIMIT ? OFFSET ?) ",
		    tb_buf_str(&where));
	select_cols(st, &b, C_REASONING, C_COUNT);
	if (prepare_built(st, &b, &page, err, errlen) != TB_OK)
		goto out;
	next = bind_filter(page, f);
	if (!next || sqlite3_bind_int64(page, next, limit) != SQLITE_OK ||
	    sqlite3_bind_int64(page, next + 1, offset) != SQLITE_OK) {
		dberr(st, err, errlen, "bind a query");
		goto out;
	}
	rc = walk(st, page, sample_row, &w, "read the samples", err, errlen);
out:
	sqlite3_finalize(count);
	sqlite3_finalize(page);
	tb_buf_release(&where);
	tb_buf_release(&b);
	return rc;
}

int store_get_sample(tb_store *st, const tb_sample *key, store_sample_fn fn, void *ud, char *err,
		     size_t errlen)
{
	walk_ctx w = {.fn.sample = fn, .ud = ud};
	int rc;

	if (bind_key(st->get_sample, key) != SQLITE_OK) {
		sqlite3_clear_bindings(st->get_sample);
		return dberr(st, err, errlen, "bind a query");
	}
	rc = walk(st, st->get_sample, sample_row, &w, "read a sample", err, errlen);
	sqlite3_clear_bindings(st->get_sample);
	return rc;
}

int store_each_unmeasured_sample(tb_store *st, store_sample_fn fn, void *ud, char *err, size_t errlen)
{
	walk_ctx w = {.fn.sample = fn, .ud = ud};
	sqlite3_stmt *q = NULL;
	tb_buf b;
	long all_measured;
	int rc = TB_ERR;

	/* Two counts read two indexes; the walk probes one row a sample (5 ms
	 * for 10,000 of them, all measured, at the end of a run). */
	if (prepare(st, "SELECT (SELECT count(*) FROM sample_metrics) >= (SELECT count(*) FROM samples)",
		    &q, err, errlen) != TB_OK)
		return TB_ERR;
	all_measured = count_rows(q);
	sqlite3_finalize(q);
	q = NULL;
	if (all_measured == 1)
		return TB_OK;
	tb_buf_init(&b, 8192);
	tb_buf_adds(&b, "WITH samples AS (SELECT * FROM main.samples AS s WHERE NOT EXISTS (SELECT 1 FROM"
			" sample_metrics AS m WHERE m.suite = s.suite AND m.item_id = s.item_id AND"
			" m.model = s.model AND m.mode = s.mode AND m.budget = s.budget AND"
			" m.sample = s.sample)) ");
	select_cols(st, &b, -1, C_COUNT);
	if (prepare_built(st, &b, &q, err, errlen) != TB_OK)
		goto out;
	rc = walk(st, q, sample_row, &w, "read the samples", err, errlen);
out:
	sqlite3_finalize(q);
	tb_buf_release(&b);
	return rc;
}

int store_each_outcome_count(tb_store *st, store_count_fn fn, void *ud, char *err, size_t errlen)
{
	static const char sql[] = "SELECT suite, model, mode, budget, outcome, count(*) FROM samples"
				  " GROUP BY suite, model, mode, budget, outcome"
				  " ORDER BY suite, model, mode, budget, outcome";
	sqlite3_stmt *q = NULL;
	int rc = TB_OK, step;

	if (prepare(st, sql, &q, err, errlen) != TB_OK)
		return TB_ERR;
	/* bounded by the groups of the table */
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		tb_outcome_count c = {
			.suite = col_text(q, 0),
			.model = col_text(q, 1),
			.mode = col_text(q, 2),
			.budget = (long)sqlite3_column_int64(q, 3),
			.n = (long)sqlite3_column_int64(q, 5),
		};
		const char *outcome = col_text(q, 4);

		if (!c.suite || !c.model || !c.mode || !outcome ||
		    tb_outcome_parse(outcome, &c.outcome) != TB_OK) {
			rc = tb_seterr(err, errlen, "store '%s': a sample has an empty key or an unknown outcome",
				       st->path);
			goto out;
		}
		rc = fn(ud, &c);
		if (rc != 0)
			goto out;
	}
	if (step != SQLITE_DONE)
		rc = dberr(st, err, errlen, "count the outcomes");
out:
	sqlite3_finalize(q);
	return rc;
}

void store_shard_row_release(tb_shard_row *r)
{
	json_decref(r->merged_from);
	r->merged_from = NULL;
}

int store_each_lang(tb_store *st, store_text_fn fn, void *ud, char *err, size_t errlen)
{
	sqlite3_stmt *q = NULL;
	int rc = TB_OK, step;

	if (prepare(st, "SELECT DISTINCT lang FROM samples WHERE lang IS NOT NULL ORDER BY lang", &q,
		    err, errlen) != TB_OK)
		return TB_ERR;
	/* bounded by the table */
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		rc = fn(ud, col_text(q, 0));
		if (rc != 0)
			goto out;
	}
	if (step != SQLITE_DONE)
		rc = dberr(st, err, errlen, "read the languages");
out:
	sqlite3_finalize(q);
	return rc;
}

static int cached_row(tb_store *st, sqlite3_stmt *q, walk_ctx *w, char *err, size_t errlen)
{
	tb_sample s = {
		.suite = col_text(q, 0),
		.item_id = col_text(q, 1),
		.model = col_text(q, 2),
		.mode = col_text(q, 3),
		.budget = (long)sqlite3_column_int64(q, 4),
		.sample = sqlite3_column_int(q, 5),
		.cached = 1,
		.cached_ttft_ms = col_real(q, 6),
		.cached_ttfa_ms = col_real(q, 7),
		.cached_total_ms = col_real(q, 8),
	};

	if (!s.suite || !s.item_id || !s.model || !s.mode)
		return tb_seterr(err, errlen, "store '%s': a cached row has an empty key field", st->path);
	return w->fn.sample(w->ud, &s);
}

int store_each_cached(tb_store *st, store_sample_fn fn, void *ud, char *err, size_t errlen)
{
	walk_ctx w = {.fn.sample = fn, .ud = ud};

	return walk(st, st->each_cached, cached_row, &w, "read the cached samples", err, errlen);
}

/* ---- per-sample thinking metrics (version 4) ---- */

int store_put_metrics(tb_store *st, const tb_sample *key, const tb_trace_metrics *m, char *err, size_t errlen)
{
	sqlite3_stmt *q = st->put_metrics;
	int bad = 0, never = m->first_correct_tokens < 0;

	if (!q)
		return tb_seterr(err, errlen, "store '%s' is open readonly (schema version %d)", st->path,
				 st->schema);
	bad |= bind_key(q, key) != SQLITE_OK;
	bad |= bind_real(q, 7, m->reasoning_ms) != SQLITE_OK;
	bad |= bind_real(q, 8, m->reasoning_tps) != SQLITE_OK;
	bad |= bind_real(q, 9, m->answer_tps) != SQLITE_OK;
	bad |= sqlite3_bind_int64(q, 10, m->reasoning_tokens) != SQLITE_OK;
	bad |= sqlite3_bind_int64(q, 11, m->answer_tokens) != SQLITE_OK;
	bad |= bind_text(q, 12, traceinfo_source_name(m->reasoning_source)) != SQLITE_OK;
	bad |= bind_text(q, 13, traceinfo_source_name(m->answer_source)) != SQLITE_OK;
	bad |= sqlite3_bind_int(q, 14, m->reasoning_disagrees) != SQLITE_OK;
	bad |= (never ? sqlite3_bind_null(q, 15) : sqlite3_bind_int64(q, 15, m->first_correct_tokens)) != SQLITE_OK;
	bad |= bind_real(q, 16, m->first_correct_frac) != SQLITE_OK;
	bad |= (never ? sqlite3_bind_null(q, 17) : sqlite3_bind_int64(q, 17, m->after_correct_tokens)) != SQLITE_OK;
	bad |= sqlite3_bind_int(q, 18, m->found_then_lost) != SQLITE_OK;
	bad |= sqlite3_bind_int64(q, 19, m->switches) != SQLITE_OK;
	bad |= sqlite3_bind_int(q, 20, m->reasoning_only) != SQLITE_OK;
	bad |= sqlite3_bind_int(q, 21, m->answer_in_reasoning) != SQLITE_OK;
	bad |= sqlite3_bind_int(q, 22, m->loop) != SQLITE_OK;
	bad |= bind_text(q, 23, traceinfo_capped_name(m->capped)) != SQLITE_OK;
	bad |= sqlite3_bind_int(q, 24, m->mode_disobeyed) != SQLITE_OK;
	bad |= sqlite3_bind_int(q, 25, m->budget_exceeded) != SQLITE_OK;
	return step_done(st, q, bad, "write a sample's metrics", err, errlen);
}

/* A store made elsewhere may hold NULL where this schema says NOT NULL. */
static const char *col_text_or_empty(sqlite3_stmt *q, int i)
{
	const char *t = col_text(q, i);

	return t ? t : "";
}

static tb_tok_source source_parse(const char *s)
{
	return strcmp(s, "usage") == 0 ? TB_TOK_USAGE : strcmp(s, "estimate") == 0 ? TB_TOK_ESTIMATE : TB_TOK_NONE;
}

int store_get_metrics(tb_store *st, const tb_sample *key, tb_trace_metrics *m, int *found, char *err,
		      size_t errlen)
{
	sqlite3_stmt *q = st->get_metrics;
	int step, rc = TB_OK;

	*found = 0;
	if (!q)
		return TB_OK;
	if (bind_key(q, key) != SQLITE_OK) {
		rc = dberr(st, err, errlen, "read a sample's metrics");
	} else if ((step = sqlite3_step(q)) == SQLITE_ROW) {
		const char *capped = col_text_or_empty(q, 16);

		*found = 1;
		m->reasoning_ms = col_real(q, 0);
		m->reasoning_tps = col_real(q, 1);
		m->answer_tps = col_real(q, 2);
		m->reasoning_tokens = col_tokens(q, 3);
		m->answer_tokens = col_tokens(q, 4);
		m->reasoning_source = source_parse(col_text_or_empty(q, 5));
		m->answer_source = source_parse(col_text_or_empty(q, 6));
		m->reasoning_disagrees = sqlite3_column_int(q, 7);
		m->first_correct_tokens = col_tokens(q, 8);
		m->first_correct_frac = col_real(q, 9);
		m->after_correct_tokens = col_tokens(q, 10);
		m->found_then_lost = sqlite3_column_int(q, 11);
		m->switches = (long)sqlite3_column_int64(q, 12);
		m->reasoning_only = sqlite3_column_int(q, 13);
		m->answer_in_reasoning = sqlite3_column_int(q, 14);
		m->loop = sqlite3_column_int(q, 15);
		m->capped = strcmp(capped, "thinking") == 0 ? TB_CAP_THINKING
			    : strcmp(capped, "answer") == 0 ? TB_CAP_ANSWER
							     : TB_CAP_NONE;
		m->mode_disobeyed = sqlite3_column_int(q, 17);
		m->budget_exceeded = sqlite3_column_int(q, 18);
	} else if (step != SQLITE_DONE) {
		rc = dberr(st, err, errlen, "read a sample's metrics");
	}
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return rc;
}

/* ---- samples reused by --budget-from (version 4) ---- */

int store_put_reused(tb_store *st, const tb_sample *s, const char *source_run, long source_budget, char *err,
		     size_t errlen)
{
	sqlite3_stmt *q = st->put_reused;
	int bad = 0;

	if (!q)
		return tb_seterr(err, errlen, "store '%s' is open readonly (schema version %d)", st->path,
				 st->schema);
	if (store_put_sample(st, s, err, errlen) != TB_OK)
		return TB_ERR;
	bad |= bind_key(q, s) != SQLITE_OK;
	bad |= bind_text(q, 7, source_run) != SQLITE_OK;
	bad |= sqlite3_bind_int64(q, 8, source_budget) != SQLITE_OK;
	return step_done(st, q, bad, "write a reused sample", err, errlen);
}

long store_count_reused(tb_store *st)
{
	return st->count_reused ? count_rows(st->count_reused) : 0;
}
