/* The SQLite store. One connection per tb_store, every statement prepared
 * once when the store opens. Unknown numbers (negative token counts, NAN
 * doubles) are stored as NULL so that SQL aggregates skip them; NULL comes
 * back as -1 or NAN. Outcomes are stored by name, so the file reads well in
 * the sqlite3 shell and survives a reordering of tb_outcome. */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
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

/* PRAGMA user_version of the schema below; bump it with a migration */
#define SCHEMA_VERSION 1
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

/* The samples columns, in the order of the statements built from this list. */
enum {
	C_SUITE, C_ITEM_ID, C_MODEL, C_MODE, C_BUDGET, C_SAMPLE,
	C_OUTCOME, C_EXTRACTED, C_EXPECTED, C_GRADE_REASON, C_GRADER,
	C_LANG_CHECK, C_MODE_LEAK, C_SPLIT_METHOD, C_REASONING, C_ANSWER,
	C_TEXT_TRUNCATED, C_PROMPT_TOKENS, C_COMPLETION_TOKENS, C_REASONING_TOKENS,
	C_CACHED_TOKENS, C_COST_USD, C_COST_REPORTED, C_TTFT_MS, C_TTFA_MS,
	C_TOTAL_MS, C_FINISH_REASON, C_NATIVE_FINISH_REASON, C_HTTP_STATUS,
	C_ATTEMPTS, C_ERROR, C_LANG, C_PROVIDER, C_GENERATION_ID, C_SEED,
	C_STREAMED, C_FINISHED_AT, C_COUNT
};

static const char *const sample_cols[C_COUNT] = {
	"suite", "item_id", "model", "mode", "budget", "sample",
	"outcome", "extracted", "expected", "grade_reason", "grader",
	"lang_check", "mode_leak", "split_method", "reasoning", "answer",
	"text_truncated", "prompt_tokens", "completion_tokens", "reasoning_tokens",
	"cached_tokens", "cost_usd", "cost_reported", "ttft_ms", "ttfa_ms",
	"total_ms", "finish_reason", "native_finish_reason", "http_status",
	"attempts", "error", "lang", "provider", "generation_id", "seed",
	"streamed", "finished_at",
};

#define KEY_ORDER "suite, item_id, model, mode, budget, sample"

struct tb_store {
	sqlite3 *db;
	char *path;
	int readonly;
	sqlite3_stmt *put_sample, *has_sample, *count_samples, *each_sample;
	sqlite3_stmt *put_cell, *each_cell;
	sqlite3_stmt *get_run, *set_status;
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

/* Builds the INSERT and SELECT of samples from sample_cols. */
static int prepare_samples(tb_store *st, char *err, size_t errlen)
{
	tb_buf ins, sel;
	int rc = TB_ERR;

	tb_buf_init(&ins, 4096);
	tb_buf_init(&sel, 4096);
	tb_buf_adds(&ins, "INSERT OR REPLACE INTO samples (");
	tb_buf_adds(&sel, "SELECT ");
	for (int i = 0; i < C_COUNT; i++) {
		tb_buf_addf(&ins, "%s%s", i ? ", " : "", sample_cols[i]);
		tb_buf_addf(&sel, "%s%s", i ? ", " : "", sample_cols[i]);
	}
	tb_buf_adds(&ins, ") VALUES (");
	for (int i = 0; i < C_COUNT; i++)
		tb_buf_addf(&ins, "%s?%d", i ? ", " : "", i + 1);
	tb_buf_adds(&ins, ")");
	tb_buf_adds(&sel, " FROM samples ORDER BY " KEY_ORDER);
	if (ins.truncated || sel.truncated || !ins.data || !sel.data) {
		tb_seterr(err, errlen, "out of memory preparing store '%s'", st->path);
		goto out;
	}
	if (prepare(st, ins.data, &st->put_sample, err, errlen) != TB_OK ||
	    prepare(st, sel.data, &st->each_sample, err, errlen) != TB_OK)
		goto out;
	rc = TB_OK;
out:
	tb_buf_release(&ins);
	tb_buf_release(&sel);
	return rc;
}

static int prepare_all(tb_store *st, char *err, size_t errlen)
{
	if (prepare_samples(st, err, errlen) != TB_OK ||
	    prepare(st,
		    "SELECT 1 FROM samples WHERE suite = ?1 AND item_id = ?2 AND model = ?3"
		    " AND mode = ?4 AND budget = ?5 AND sample = ?6",
		    &st->has_sample, err, errlen) != TB_OK ||
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
 * against a crash of the program (not of the OS) without an fsync each. */
static int configure(tb_store *st, char *err, size_t errlen)
{
	sqlite3_busy_timeout(st->db, BUSY_TIMEOUT_MS);
	sqlite3_extended_result_codes(st->db, 1);
	if (exec_sql(st, "PRAGMA foreign_keys = ON", "enable foreign keys", err, errlen) != TB_OK)
		return TB_ERR;
	if (st->readonly)
		return TB_OK;
	return exec_sql(st, "PRAGMA synchronous = NORMAL", "set synchronous", err, errlen);
}

static int set_wal(tb_store *st, char *err, size_t errlen)
{
	sqlite3_stmt *q = NULL;
	int rc = TB_ERR;

	if (prepare(st, "PRAGMA journal_mode = WAL", &q, err, errlen) != TB_OK)
		goto out;
	if (sqlite3_step(q) != SQLITE_ROW) {
		dberr(st, err, errlen, "set WAL journal mode");
		goto out;
	}
	if (sqlite3_stricmp((const char *)sqlite3_column_text(q, 0), "wal") != 0) {
		tb_seterr(err, errlen, "cannot use WAL journal mode for store '%s' (its filesystem may not support it)",
			  st->path);
		goto out;
	}
	rc = TB_OK;
out:
	sqlite3_finalize(q);
	return rc;
}

static int check_version(tb_store *st, char *err, size_t errlen)
{
	sqlite3_stmt *q = NULL;
	int rc = TB_ERR, v;

	if (prepare(st, "PRAGMA user_version", &q, err, errlen) != TB_OK)
		goto out;
	if (sqlite3_step(q) != SQLITE_ROW) {
		dberr(st, err, errlen, "read the schema version");
		goto out;
	}
	v = sqlite3_column_int(q, 0);
	if (v == 0) {
		tb_seterr(err, errlen, "'%s' is not a thinkbench store (no schema version)", st->path);
		goto out;
	}
	if (v > SCHEMA_VERSION) {
		tb_seterr(err, errlen, "store '%s' has schema version %d, newer than this thinkbench knows (%d)",
			  st->path, v, SCHEMA_VERSION);
		goto out;
	}
	rc = TB_OK;
out:
	sqlite3_finalize(q);
	return rc;
}

static tb_store *store_new(const char *path, int readonly)
{
	tb_store *st = calloc(1, sizeof(*st));

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
	sqlite3_finalize(st->has_sample);
	sqlite3_finalize(st->count_samples);
	sqlite3_finalize(st->each_sample);
	sqlite3_finalize(st->put_cell);
	sqlite3_finalize(st->each_cell);
	sqlite3_finalize(st->get_run);
	sqlite3_finalize(st->set_status);
	sqlite3_close(st->db);
	free(st->path);
	free(st);
}

static int bind_text(sqlite3_stmt *q, int i, const char *s)
{
	return s ? sqlite3_bind_text(q, i, s, -1, SQLITE_STATIC) : sqlite3_bind_null(q, i);
}

/* json may be NULL; the text is handed to SQLite, which frees it. */
static int bind_json(sqlite3_stmt *q, int i, const json_t *j)
{
	char *s;

	if (!j)
		return sqlite3_bind_null(q, i);
	s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
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
	char sql[64];

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
	if (sqlite3_open_v2(path, &st->db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		dberr(st, err, errlen, "open the database");
		goto out;
	}
	if (set_wal(st, err, errlen) != TB_OK || configure(st, err, errlen) != TB_OK)
		goto out;
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %d", SCHEMA_VERSION);
	if (exec_sql(st, "BEGIN", "begin a transaction", err, errlen) != TB_OK ||
	    exec_sql(st, schema_sql, "create the schema", err, errlen) != TB_OK ||
	    exec_sql(st, sql, "set the schema version", err, errlen) != TB_OK ||
	    insert_run(st, info, err, errlen) != TB_OK ||
	    exec_sql(st, "COMMIT", "commit the schema", err, errlen) != TB_OK)
		goto out;
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

int store_open(const char *path, int readonly, tb_store **out, char *err, size_t errlen)
{
	tb_store *st = NULL;
	struct stat sb;
	int rc = TB_ERR;

	*out = NULL;
	if (stat(path, &sb) != 0)
		return tb_seterr(err, errlen, "cannot open store '%s': %s", path, strerror(errno));
	if (!S_ISREG(sb.st_mode))
		return tb_seterr(err, errlen, "cannot open store '%s': not a regular file", path);
	st = store_new(path, readonly);
	if (!st)
		return tb_seterr(err, errlen, "out of memory opening store '%s'", path);
	if (sqlite3_open_v2(path, &st->db, readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE,
			    NULL) != SQLITE_OK) {
		dberr(st, err, errlen, "open the database");
		goto out;
	}
	if (configure(st, err, errlen) != TB_OK || check_version(st, err, errlen) != TB_OK ||
	    prepare_all(st, err, errlen) != TB_OK)
		goto out;
	*out = st;
	st = NULL;
	rc = TB_OK;
out:
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
	static const char *const known[] = {"running", "done", "interrupted", "failed"};
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

int store_put_cell(tb_store *st, const tb_cell *c, char *err, size_t errlen)
{
	sqlite3_stmt *q = st->put_cell;
	int bad = 0, rc = TB_ERR;

	if (!c->suite || !c->model || !c->mode || !c->status)
		return tb_seterr(err, errlen, "store '%s': a cell field is missing", st->path);
	bad |= bind_text(q, 1, c->suite) != SQLITE_OK;
	bad |= bind_text(q, 2, c->model) != SQLITE_OK;
	bad |= bind_text(q, 3, c->mode) != SQLITE_OK;
	bad |= sqlite3_bind_int64(q, 4, c->budget) != SQLITE_OK;
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

int store_put_sample(tb_store *st, const tb_sample *s, char *err, size_t errlen)
{
	sqlite3_stmt *q = st->put_sample;
	int bad = 0, rc = TB_ERR;

	if (check_key(st, s->suite, s->item_id, s->model, s->mode, err, errlen) != TB_OK)
		return TB_ERR;
	if ((unsigned)s->outcome >= TB_OUT_COUNT)
		return tb_seterr(err, errlen, "store '%s': sample has an invalid outcome %d", st->path,
				 (int)s->outcome);
	bad |= bind_text(q, C_SUITE + 1, s->suite) != SQLITE_OK;
	bad |= bind_text(q, C_ITEM_ID + 1, s->item_id) != SQLITE_OK;
	bad |= bind_text(q, C_MODEL + 1, s->model) != SQLITE_OK;
	bad |= bind_text(q, C_MODE + 1, s->mode) != SQLITE_OK;
	bad |= sqlite3_bind_int64(q, C_BUDGET + 1, s->budget) != SQLITE_OK;
	bad |= sqlite3_bind_int(q, C_SAMPLE + 1, s->sample) != SQLITE_OK;
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

int store_has_sample(tb_store *st, const char *suite, const char *item_id, const char *model,
		     const char *mode, long budget, int sample, int *found, char *err, size_t errlen)
{
	sqlite3_stmt *q = st->has_sample;
	int bad = 0, rc = TB_ERR, step;

	*found = 0;
	if (check_key(st, suite, item_id, model, mode, err, errlen) != TB_OK)
		return TB_ERR;
	bad |= bind_text(q, 1, suite) != SQLITE_OK;
	bad |= bind_text(q, 2, item_id) != SQLITE_OK;
	bad |= bind_text(q, 3, model) != SQLITE_OK;
	bad |= bind_text(q, 4, mode) != SQLITE_OK;
	bad |= sqlite3_bind_int64(q, 5, budget) != SQLITE_OK;
	bad |= sqlite3_bind_int(q, 6, sample) != SQLITE_OK;
	if (bad) {
		dberr(st, err, errlen, "bind a sample key");
		goto out;
	}
	step = sqlite3_step(q);
	if (step != SQLITE_ROW && step != SQLITE_DONE) {
		dberr(st, err, errlen, "look up a sample");
		goto out;
	}
	*found = step == SQLITE_ROW;
	rc = TB_OK;
out:
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return rc;
}

long store_count_samples(tb_store *st)
{
	sqlite3_stmt *q = st->count_samples;
	long n = -1;

	if (sqlite3_step(q) == SQLITE_ROW)
		n = (long)sqlite3_column_int64(q, 0);
	sqlite3_reset(q);
	return n;
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

int store_each_cell(tb_store *st, store_cell_fn fn, void *ud, char *err, size_t errlen)
{
	sqlite3_stmt *q = st->each_cell;
	int rc = TB_OK, step;
	long rows = 0;

	if (walk_busy(st, q, err, errlen) != TB_OK)
		return TB_ERR;
	/* bounded by the table, which SQLite walks once */
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
		tb_cell c = {
			.suite = (const char *)sqlite3_column_text(q, 0),
			.model = (const char *)sqlite3_column_text(q, 1),
			.mode = (const char *)sqlite3_column_text(q, 2),
			.budget = (long)sqlite3_column_int64(q, 3),
			.status = (const char *)sqlite3_column_text(q, 4),
			.n_planned = (long)sqlite3_column_int64(q, 5),
		};

		rows++;
		if (!c.suite || !c.model || !c.mode || !c.status) {
			rc = tb_seterr(err, errlen, "store '%s': cell row %ld has an empty field",
				       st->path, rows);
			goto out;
		}
		rc = fn(ud, &c);
		if (rc != 0)
			goto out;
	}
	if (step != SQLITE_DONE)
		rc = dberr(st, err, errlen, "read the cells");
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

int store_each_sample(tb_store *st, store_sample_fn fn, void *ud, char *err, size_t errlen)
{
	sqlite3_stmt *q = st->each_sample;
	int rc = TB_OK, step;

	if (walk_busy(st, q, err, errlen) != TB_OK)
		return TB_ERR;
	while ((step = sqlite3_step(q)) == SQLITE_ROW) {
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
		};

		if (!s.suite || !s.item_id || !s.model || !s.mode) {
			rc = tb_seterr(err, errlen, "store '%s': a sample row has an empty key field",
				       st->path);
			goto out;
		}
		if (!outcome || tb_outcome_parse(outcome, &s.outcome) != TB_OK) {
			rc = tb_seterr(err, errlen, "store '%s': sample '%s' has an unknown outcome '%s'",
				       st->path, s.item_id, outcome ? outcome : "");
			goto out;
		}
		rc = fn(ud, &s);
		if (rc != 0)
			goto out;
	}
	if (step != SQLITE_DONE)
		rc = dberr(st, err, errlen, "read the samples");
out:
	sqlite3_reset(q);
	return rc;
}
