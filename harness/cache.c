/* The response cache: one table of responses, one of counters. */
#include "cache.h"

#include <errno.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "digest.h"
#include "log.h"
#include "rc.h"
#include "walmode.h"

#define CACHE_BUSY_MS 30000

static const char cache_schema_sql[] =
	"CREATE TABLE IF NOT EXISTS responses ("
	" key TEXT NOT NULL PRIMARY KEY,"  /* cache_key() */
	" base_url TEXT NOT NULL, model TEXT NOT NULL,"
	" created REAL NOT NULL,"          /* unix seconds */
	" reasoning TEXT NOT NULL, content TEXT NOT NULL,"
	" finish_reason TEXT NOT NULL, native_finish_reason TEXT NOT NULL,"
	" provider TEXT NOT NULL, generation_id TEXT NOT NULL, resp_model TEXT NOT NULL,"
	" prompt_tokens INTEGER, completion_tokens INTEGER, reasoning_tokens INTEGER,"
	" cached_tokens INTEGER, cost REAL, usage_invalid INTEGER NOT NULL,"
	" ttft_ms REAL, ttfa_ms REAL, total_ms REAL);"
	"CREATE TABLE IF NOT EXISTS counters (name TEXT NOT NULL PRIMARY KEY, n INTEGER NOT NULL);";

struct tb_cache {
	sqlite3 *db;
	char path[4200];
};

static int cerr(tb_cache *c, char *err, size_t errlen, const char *what)
{
	return tb_seterr(err, errlen, "cache '%s': cannot %s: %s", c->path, what,
			 c->db ? sqlite3_errmsg(c->db) : "out of memory");
}

int cache_open(const char *dir, int create, tb_cache **out, char *err, size_t errlen)
{
	tb_cache *c = calloc(1, sizeof(*c));
	struct stat sb;
	int n, is_wal;

	*out = NULL;
	if (!c)
		return tb_seterr(err, errlen, "out of memory");
	if (create && mkdir(dir, 0777) != 0 && errno != EEXIST) {
		tb_seterr(err, errlen, "cannot make cache folder '%s': %s", dir, strerror(errno));
		goto fail;
	}
	n = snprintf(c->path, sizeof(c->path), "%s/%s", dir, CACHE_FILE);
	if (n < 0 || (size_t)n >= sizeof(c->path)) {
		tb_seterr(err, errlen, "cache folder name too long: '%s'", dir);
		goto fail;
	}
	if (!create && stat(c->path, &sb) != 0) {
		tb_seterr(err, errlen, "no cache at '%s': %s", c->path, strerror(errno));
		goto fail;
	}
	if (sqlite3_open_v2(c->path, &c->db,
			    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL) !=
	    SQLITE_OK) {
		cerr(c, err, errlen, "open it");
		goto fail;
	}
	sqlite3_busy_timeout(c->db, CACHE_BUSY_MS);
	/* WAL lets runs share the cache; in another mode (is_wal 0) it still
	 * works, one writer at a time */
	if (walmode_set(c->db, CACHE_BUSY_MS, &is_wal) != SQLITE_OK ||
	    sqlite3_exec(c->db, "PRAGMA synchronous = NORMAL", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(c->db, cache_schema_sql, NULL, NULL, NULL) != SQLITE_OK) {
		cerr(c, err, errlen, "set it up (is it a thinkbench cache?)");
		goto fail;
	}
	*out = c;
	return TB_OK;
fail:
	cache_close(c);
	return TB_ERR;
}

void cache_close(tb_cache *c)
{
	if (!c)
		return;
	sqlite3_close(c->db);
	free(c);
}

/* Each part with its length before it, so no two different requests give
 * the same bytes to hash. */
static void hash_part(tb_sha256 *h, const char *s)
{
	char len[32];
	size_t n = strlen(s);

	snprintf(len, sizeof(len), "%zu:", n);
	tb_sha256_update(h, len, strlen(len));
	tb_sha256_update(h, s, n);
}

void cache_key(const char *base_url, const char *model, const char *body, int sample, char key[65])
{
	tb_sha256 *h = tb_sha256_new();
	char idx[32];

	key[0] = '\0';
	if (!h)
		return;
	snprintf(idx, sizeof(idx), "%d", sample);
	hash_part(h, "thinkbench-cache/1");
	hash_part(h, base_url);
	hash_part(h, model);
	hash_part(h, body);
	hash_part(h, idx);
	tb_sha256_final(h, key);
}

int cache_wants(int http_status, const tb_resp *resp)
{
	return http_status == 200 && !resp->error_code[0] && !resp->error_message[0] &&
	       resp->finish_reason[0] && !resp->reasoning.truncated && !resp->content.truncated;
}

static double col_ms(sqlite3_stmt *q, int i)
{
	return sqlite3_column_type(q, i) == SQLITE_NULL ? NAN : sqlite3_column_double(q, i);
}

/* A text column that must be TEXT and fit dst (with its NUL). */
static int col_copy(sqlite3_stmt *q, int i, char *dst, size_t n)
{
	const unsigned char *t;
	int len;

	if (sqlite3_column_type(q, i) != SQLITE_TEXT)
		return -1;
	t = sqlite3_column_text(q, i);
	len = sqlite3_column_bytes(q, i);
	if (!t || len < 0 || (size_t)len >= n || memchr(t, '\0', (size_t)len))
		return -1;
	memcpy(dst, t, (size_t)len + 1);
	return 0;
}

static int col_buf(sqlite3_stmt *q, int i, size_t max, tb_buf *b)
{
	const unsigned char *t;
	int len;

	if (sqlite3_column_type(q, i) != SQLITE_TEXT)
		return -1;
	t = sqlite3_column_text(q, i);
	len = sqlite3_column_bytes(q, i);
	if (!t || len < 0 || (size_t)len > max)
		return -1;
	tb_buf_reset(b);
	return len == 0 || tb_buf_add(b, t, (size_t)len) == 0 ? 0 : -1;
}

/* A token count: NULL is unknown; anything but a whole number in range is a bad row. */
static int col_tokens(sqlite3_stmt *q, int i, long *out)
{
	sqlite3_int64 v;

	*out = -1;
	if (sqlite3_column_type(q, i) == SQLITE_NULL)
		return 0;
	if (sqlite3_column_type(q, i) != SQLITE_INTEGER)
		return -1;
	v = sqlite3_column_int64(q, i);
	if (v < 0 || v > (sqlite3_int64)RESP_MAX_TOKENS)
		return -1;
	*out = (long)v;
	return 0;
}

static void count_hit(tb_cache *c)
{
	sqlite3_exec(c->db, "INSERT INTO counters (name, n) VALUES ('hits', 1)"
			    " ON CONFLICT (name) DO UPDATE SET n = n + 1",
		     NULL, NULL, NULL);
}

int cache_get(tb_cache *c, const char *key, size_t max_text, tb_resp *resp, tb_cache_timing *t)
{
	static const char sql[] =
		"SELECT reasoning, content, finish_reason, native_finish_reason, provider,"
		" generation_id, resp_model, prompt_tokens, completion_tokens, reasoning_tokens,"
		" cached_tokens, cost, usage_invalid, ttft_ms, ttfa_ms, total_ms"
		" FROM responses WHERE key = ?1";
	sqlite3_stmt *q = NULL;
	int hit = 0;

	if (sqlite3_prepare_v2(c->db, sql, -1, &q, NULL) != SQLITE_OK ||
	    sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC) != SQLITE_OK || sqlite3_step(q) != SQLITE_ROW)
		goto out;
	if (col_buf(q, 0, max_text, &resp->reasoning) || col_buf(q, 1, max_text, &resp->content) ||
	    col_copy(q, 2, resp->finish_reason, sizeof(resp->finish_reason)) ||
	    !resp->finish_reason[0] ||
	    col_copy(q, 3, resp->native_finish_reason, sizeof(resp->native_finish_reason)) ||
	    col_copy(q, 4, resp->provider, sizeof(resp->provider)) ||
	    col_copy(q, 5, resp->generation_id, sizeof(resp->generation_id)) ||
	    col_copy(q, 6, resp->model, sizeof(resp->model)) ||
	    col_tokens(q, 7, &resp->prompt_tokens) || col_tokens(q, 8, &resp->completion_tokens) ||
	    col_tokens(q, 9, &resp->reasoning_tokens) || col_tokens(q, 10, &resp->cached_tokens))
		goto out;
	for (int i = 11; i <= 15; i++)
		if (sqlite3_column_type(q, i) == SQLITE_TEXT || sqlite3_column_type(q, i) == SQLITE_BLOB)
			goto out;
	resp->cost = col_ms(q, 11);
	if (!isnan(resp->cost) && !(resp->cost >= 0 && resp->cost <= RESP_MAX_COST))
		goto out;
	resp->usage_invalid = sqlite3_column_int(q, 12) != 0;
	t->ttft_ms = col_ms(q, 13);
	t->ttfa_ms = col_ms(q, 14);
	t->total_ms = col_ms(q, 15);
	resp->done = 1;
	hit = 1;
out:
	sqlite3_finalize(q);
	if (hit)
		count_hit(c);
	return hit;
}

static int bind_ms(sqlite3_stmt *q, int i, double v)
{
	return isnan(v) ? sqlite3_bind_null(q, i) : sqlite3_bind_double(q, i, v);
}

static int bind_tok(sqlite3_stmt *q, int i, long v)
{
	return v < 0 ? sqlite3_bind_null(q, i) : sqlite3_bind_int64(q, i, v);
}

int cache_put(tb_cache *c, const char *key, const char *base_url, const char *model,
	      const tb_resp *resp, const tb_cache_timing *t, char *err, size_t errlen)
{
	static const char sql[] =
		"INSERT OR REPLACE INTO responses (key, base_url, model, created, reasoning, content,"
		" finish_reason, native_finish_reason, provider, generation_id, resp_model,"
		" prompt_tokens, completion_tokens, reasoning_tokens, cached_tokens, cost,"
		" usage_invalid, ttft_ms, ttfa_ms, total_ms)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20)";
	sqlite3_stmt *q = NULL;
	int bad = 0, rc = TB_ERR;

	if (!cache_wants(200, resp))
		return TB_OK;
	if (sqlite3_prepare_v2(c->db, sql, -1, &q, NULL) != SQLITE_OK)
		return cerr(c, err, errlen, "prepare a write");
	bad |= sqlite3_bind_text(q, 1, key, -1, SQLITE_STATIC);
	bad |= sqlite3_bind_text(q, 2, base_url, -1, SQLITE_STATIC);
	bad |= sqlite3_bind_text(q, 3, model, -1, SQLITE_STATIC);
	bad |= sqlite3_bind_double(q, 4, (double)time(NULL));
	bad |= sqlite3_bind_text(q, 5, tb_buf_str(&resp->reasoning), (int)resp->reasoning.len, SQLITE_STATIC);
	bad |= sqlite3_bind_text(q, 6, tb_buf_str(&resp->content), (int)resp->content.len, SQLITE_STATIC);
	bad |= sqlite3_bind_text(q, 7, resp->finish_reason, -1, SQLITE_STATIC);
	bad |= sqlite3_bind_text(q, 8, resp->native_finish_reason, -1, SQLITE_STATIC);
	bad |= sqlite3_bind_text(q, 9, resp->provider, -1, SQLITE_STATIC);
	bad |= sqlite3_bind_text(q, 10, resp->generation_id, -1, SQLITE_STATIC);
	bad |= sqlite3_bind_text(q, 11, resp->model, -1, SQLITE_STATIC);
	bad |= bind_tok(q, 12, resp->prompt_tokens);
	bad |= bind_tok(q, 13, resp->completion_tokens);
	bad |= bind_tok(q, 14, resp->reasoning_tokens);
	bad |= bind_tok(q, 15, resp->cached_tokens);
	bad |= bind_ms(q, 16, resp->cost);
	bad |= sqlite3_bind_int(q, 17, resp->usage_invalid);
	bad |= bind_ms(q, 18, t->ttft_ms);
	bad |= bind_ms(q, 19, t->ttfa_ms);
	bad |= bind_ms(q, 20, t->total_ms);
	if (bad || sqlite3_step(q) != SQLITE_DONE) {
		cerr(c, err, errlen, "store a response");
		goto out;
	}
	rc = TB_OK;
out:
	sqlite3_finalize(q);
	return rc;
}

int cache_stats(tb_cache *c, tb_cache_stats *s, char *err, size_t errlen)
{
	sqlite3_stmt *q = NULL;
	int rc = TB_ERR;

	*s = (tb_cache_stats){0};
	if (sqlite3_prepare_v2(c->db,
			       "SELECT count(*), coalesce(sum(length(CAST(reasoning AS BLOB))"
			       " + length(CAST(content AS BLOB))), 0), coalesce(min(created), 0),"
			       " coalesce(max(created), 0),"
			       " (SELECT coalesce(max(n), 0) FROM counters WHERE name = 'hits')"
			       " FROM responses",
			       -1, &q, NULL) != SQLITE_OK ||
	    sqlite3_step(q) != SQLITE_ROW) {
		cerr(c, err, errlen, "read its statistics");
		goto out;
	}
	s->entries = (long)sqlite3_column_int64(q, 0);
	s->bytes = sqlite3_column_double(q, 1);
	s->oldest = sqlite3_column_double(q, 2);
	s->newest = sqlite3_column_double(q, 3);
	s->hits = (long)sqlite3_column_int64(q, 4);
	rc = TB_OK;
out:
	sqlite3_finalize(q);
	return rc;
}

int cache_prune(tb_cache *c, double age_s, long *removed, char *err, size_t errlen)
{
	sqlite3_stmt *q = NULL;
	int rc = TB_ERR;

	*removed = 0;
	if (sqlite3_prepare_v2(c->db, "DELETE FROM responses WHERE NOT (created >= ?1)", -1, &q, NULL) !=
		    SQLITE_OK ||
	    sqlite3_bind_double(q, 1, (double)time(NULL) - age_s) != SQLITE_OK ||
	    sqlite3_step(q) != SQLITE_DONE) {
		cerr(c, err, errlen, "prune it");
		goto out;
	}
	*removed = (long)sqlite3_changes(c->db);
	rc = TB_OK;
out:
	sqlite3_finalize(q);
	return rc;
}

int cache_fill_job(tb_cache *c, const char *endpoint, const char *model, int sample, tb_job *job,
		   size_t max_text, tb_cache_timing *t, char key[65])
{
	tb_resp fresh;

	cache_key(endpoint, model, job->body, sample, key);
	if (!key[0])
		return 0;
	resp_init(&fresh, max_text);
	fresh.think_tags = job->think_tags;
	if (!cache_get(c, key, max_text, &fresh, t)) {
		resp_release(&fresh);
		return 0;
	}
	resp_release(&job->resp);
	job->resp = fresh;
	job->status = TB_JOB_OK;
	job->http_status = 200;
	job->attempts = 0;
	job->t_start_us = job->t_end_us = 0;
	job->error[0] = '\0';
	return 1;
}

int cache_put_job(tb_cache *c, const char *key, const char *endpoint, const char *model,
		  const tb_job *job, const tb_cache_timing *t, char *err, size_t errlen)
{
	if (!key[0] || job->status != TB_JOB_OK || !cache_wants(job->http_status, &job->resp))
		return TB_OK;
	return cache_put(c, key, endpoint, model, &job->resp, t, err, errlen);
}
