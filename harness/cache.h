/* The response cache (`run --cache DIR`): one SQLite file, DIR/cache.sqlite,
 * of complete responses keyed by cache_key(): the endpoint, the model, the
 * exact request body and the sample index. The API key is no part of the
 * key (it travels in a header, never in the body) and is never stored.
 * Only a complete answer with HTTP 200 and no error object goes in. Several
 * runs may share the file (WAL, a busy timeout). The file may come from
 * elsewhere: a row that does not decode is a miss, never a crash. */
#ifndef TB_CACHE_H
#define TB_CACHE_H

#include <stddef.h>

#include "resp.h"
#include "scheduler.h"

typedef struct tb_cache tb_cache;

#define CACHE_FILE "cache.sqlite"

/* The timings of the request that filled an entry, in ms (NAN: unknown). */
typedef struct tb_cache_timing {
	double ttft_ms, ttfa_ms, total_ms;
} tb_cache_timing;

/* Opens (creating DIR and the file when create is set) DIR's cache. */
int cache_open(const char *dir, int create, tb_cache **out, char *err, size_t errlen);
void cache_close(tb_cache *c);
/* 64 hex digits and a NUL. */
void cache_key(const char *base_url, const char *model, const char *body, int sample, char key[65]);
/* 1 on a hit, with resp (initialised by the caller with resp_init) and t
 * filled; 0 on a miss, a row that does not decode, or a text over
 * max_text. */
int cache_get(tb_cache *c, const char *key, size_t max_text, tb_resp *resp, tb_cache_timing *t);
/* Stores a response unless it is not cacheable (cache_wants()). */
int cache_put(tb_cache *c, const char *key, const char *base_url, const char *model,
	      const tb_resp *resp, const tb_cache_timing *t, char *err, size_t errlen);
/* Whether a finished request's response may be cached: HTTP 200, no error
 * object, a finish reason, and neither text cut at the ceiling. */
int cache_wants(int http_status, const tb_resp *resp);

/* The run's hook (cmd_run.c). The endpoint is what the request goes to
 * ("thinkbench-sim" for the built-in simulator, whose port changes from run
 * to run). cache_fill_job(): on a hit, the job is done as if it came back
 * from the scheduler: status OK, HTTP 200, no attempt, no time of this run
 * (t_start_us = t_end_us = 0), resp holding the stored response with texts
 * capped at max_text, *t the stored timings; returns 1. 0 on a miss. key
 * gets the job's key either way, for cache_put_job(). */
int cache_fill_job(tb_cache *c, const char *endpoint, const char *model, int sample, tb_job *job,
		   size_t max_text, tb_cache_timing *t, char key[65]);
/* Stores a finished job's response when it may be cached (cache_wants()). */
int cache_put_job(tb_cache *c, const char *key, const char *endpoint, const char *model,
		  const tb_job *job, const tb_cache_timing *t, char *err, size_t errlen);

typedef struct tb_cache_stats {
	long entries;
	double bytes;                 /* of the texts */
	double oldest, newest;        /* unix seconds; 0 when empty */
	long hits;                    /* lookups answered since the file was made */
} tb_cache_stats;
int cache_stats(tb_cache *c, tb_cache_stats *s, char *err, size_t errlen);
/* Removes the entries stored more than age_s seconds ago. */
int cache_prune(tb_cache *c, double age_s, long *removed, char *err, size_t errlen);

#endif
