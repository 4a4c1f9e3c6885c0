/* The store: one SQLite file per run (WAL). Each sample is written when it
 * finishes, in its own transaction, so a killed run loses at most what was in
 * flight. The run row keeps what is needed to resume and to trust a report:
 * the command line, the harness version, the options, the suites' and models'
 * hashes, start and end. The API key is never given to the store.
 *
 * Schema (PRAGMA user_version 4; an older store is migrated when opened for
 * writing, and read as it is when opened read-only):
 *   run      the run row
 *   cells    every planned suite x model x mode x budget
 *   samples  one row per sample; its outcome, extracted, grade_reason,
 *            lang_check, grader and grader_version columns are the CURRENT
 *            grading, the one reports read; usage_invalid (version 3) marks
 *            usage numbers the endpoint sent that were not believed
 *   grades   the gradings of each sample, keyed by the sample's key and
 *            `grading`: 0 = the first (written with the sample by the run),
 *            1 = the latest (`thinkbench grade`; absent until a re-grade).
 *            Columns outcome, extracted, reason, lang_check, grader,
 *            grader_version ("<kind>/<N>", NULL when graded before version 2
 *            of the schema), graded_at (ISO 8601 UTC).
 *   item_k   pass@k and maj@k per suite x item x model x mode x budget x k
 *   cell_k   their means over the items of a cell, per k
 *   items    (version 3) what reports and re-grades need of each item of the
 *            run's suites: prompt, tags, lang, expected answer, grader spec,
 *            written when the run starts
 *   shard    (version 4) one row in a shard of a plan (run --shard) or a
 *            merge of shards (thinkbench merge): the plan's hash, I/N, the
 *            samples planned, the shards merged, partial
 *   cached   (version 4) the samples answered from the response cache, by
 *            sample key, with the timings of the request that filled it
 *            (their latency columns in samples are NULL)
 * item_k and cell_k are derived: passk_update_store() (passk.h) rewrites
 * them from the samples' current gradings. */
#ifndef TB_STORE_H
#define TB_STORE_H

#include <jansson.h>
#include <stddef.h>

#include "runid.h"
#include "sample.h"
#include "traceinfo.h"

/* A store may pass from thread to thread (the run's writer), but is used by
 * one thread at a time: its connection takes no lock of its own. */
typedef struct tb_store tb_store;

typedef struct tb_run_info {
	char run_id[TB_RUN_ID_MAX + 1];
	char version[32];
	char started[32], ended[32]; /* ISO 8601 UTC, "" while running */
	char status[16];             /* "running", "done", "interrupted", "failed" */
	int simulated;               /* answered by the built-in simulator */
	json_t *cmdline;             /* array of strings; owned by whoever filled the struct */
	json_t *options;             /* the parsed run options, for --resume; owned likewise */
	char suites_hash[65], models_hash[65];
} tb_run_info;

/* A cell is one suite x model x mode x budget. The run records every cell it
 * planned, so a mode a model lacks shows as "not supported". */
typedef struct tb_cell {
	const char *suite, *model, *mode;
	long budget;
	const char *status;          /* "planned" or "not_supported" */
	long n_planned;
} tb_cell;

/* Creates the store file (which must not exist) and writes the run row. */
int store_create(const char *path, const tb_run_info *info, tb_store **out, char *err, size_t errlen);
/* Opens an existing store; readonly for reports. */
int store_open(const char *path, int readonly, tb_store **out, char *err, size_t errlen);
void store_close(tb_store *st);

/* Fills info; the caller releases it with store_run_info_release(). */
int store_get_run(tb_store *st, tb_run_info *info, char *err, size_t errlen);
void store_run_info_release(tb_run_info *info);
int store_set_status(tb_store *st, const char *status, char *err, size_t errlen);

int store_put_cell(tb_store *st, const tb_cell *c, char *err, size_t errlen);
/* One item as the store keeps it. Borrowed from whoever fills it. */
typedef struct tb_stored_item {
	const char *suite, *item_id;
	const char *prompt;          /* the user text; NULL in a walk (store_get_prompt) */
	json_t *tags;                /* array of strings */
	const char *lang, *expected;
	json_t *grader_spec;         /* NULL: not graded */
} tb_stored_item;

/* Writes (or replaces) one item. Commits, unless inside store_begin(). */
int store_put_item(tb_store *st, const tb_stored_item *it, char *err, size_t errlen);
typedef int (*store_item_fn)(void *ud, const tb_stored_item *it);
/* Every item, by suite and id. A store older than version 3 has none. */
int store_each_item(tb_store *st, store_item_fn fn, void *ud, char *err, size_t errlen);
/* A new string (the caller frees it) with the item's prompt; *out NULL when
 * the store has no such item. */
int store_get_prompt(tb_store *st, const char *suite, const char *item_id, char **out, char *err,
		     size_t errlen);
/* A new string with the stored answer of the sample with key's key; *out
 * NULL when none is stored. */
int store_get_answer(tb_store *st, const tb_sample *key, char **out, char *err, size_t errlen);

/* Writes one sample (replacing a row with the same key) with its grading as
 * grading 0, drops a grading 1 left by a replaced sample, records whether it
 * came from the response cache (s->cached), and commits. */
int store_put_sample(tb_store *st, const tb_sample *s, char *err, size_t errlen);
/* A grading of a stored sample: writes the grade fields of s (outcome,
 * extracted, grade_reason, lang_check, grader, grader_version) as grading
 * `grading` of the stored sample with s's key and as its current grading.
 * Grading 0 is the run's own, of a sample stored ungraded; grading 1 a
 * re-grade (grading 0 stays). The other fields of s are not read. TB_ERR
 * when no such sample is stored. Commits, unless inside store_begin(). */
int store_update_grade(tb_store *st, const tb_sample *s, int grading, char *err, size_t errlen);
/* Groups writes into one transaction (many re-grades commit at once).
 * store_commit() ends it; store_rollback() undoes it. Not nestable. */
int store_begin(tb_store *st, char *err, size_t errlen);
int store_commit(tb_store *st, char *err, size_t errlen);
void store_rollback(tb_store *st);
long store_count_samples(tb_store *st);
/* Samples stored that await their grade (tb_sample_awaits_grade()). */
long store_count_awaiting(tb_store *st);

/* Calls fn for every cell, then for every sample, in key order. A non-zero
 * return from fn stops the walk and is returned. The records are valid only
 * during the call. */
typedef int (*store_cell_fn)(void *ud, const tb_cell *c);
typedef int (*store_sample_fn)(void *ud, const tb_sample *s);
int store_each_cell(tb_store *st, store_cell_fn fn, void *ud, char *err, size_t errlen);
int store_each_sample(tb_store *st, store_sample_fn fn, void *ud, char *err, size_t errlen);
/* Like store_each_sample(), without the reasoning text (s->reasoning is
 * NULL): for walks that only need the answers and gradings. */
int store_each_sample_brief(tb_store *st, store_sample_fn fn, void *ud, char *err, size_t errlen);
/* Like store_each_sample(), only the samples without a sample_metrics row.
 * Nothing when there are as many metrics rows as samples: a store with a
 * metrics row whose sample is gone (thinkbench writes none) may hide one. */
int store_each_unmeasured_sample(tb_store *st, store_sample_fn fn, void *ud, char *err, size_t errlen);
/* Like store_each_sample(), with only the fields stored before the texts:
 * the key, outcome, extracted, expected, grade_reason, grader, lang_check,
 * mode_leak and split_method (texts NULL, numbers 0 or unknown). SQLite reads
 * these without walking a long text's overflow pages: several times faster
 * on runs with long reasoning. */
int store_each_sample_head(tb_store *st, store_sample_fn fn, void *ud, char *err, size_t errlen);

/* One grading of a sample, as the grades table keeps it. */
typedef struct tb_grading {
	const char *suite, *item_id, *model, *mode;
	long budget;
	int sample;
	int grading;                 /* 0 first, 1 latest */
	tb_outcome outcome;
	const char *extracted, *reason, *grader;
	const char *grader_version;  /* NULL: unknown (a migrated version-1 store) */
	const char *graded_at;
	int lang_check;
} tb_grading;
/* Writes one grading as it is given, its time included (a merge copies the
 * gradings of its shards). Commits, unless inside store_begin(). */
int store_put_grading(tb_store *st, const tb_grading *g, char *err, size_t errlen);
typedef int (*store_grading_fn)(void *ud, const tb_grading *g);
/* Every grading, in sample key order, grading 0 before 1. A version-1 store
 * opened read-only has none. */
int store_each_grading(tb_store *st, store_grading_fn fn, void *ud, char *err, size_t errlen);

/* pass@k and maj@k of one item (suite x item x model x mode x budget) for one
 * k <= n. n counts the graded samples (correct, incorrect, partial,
 * no_answer, truncated: errors and ungraded ones are left out), c the
 * correct ones among them. */
typedef struct tb_item_k {
	const char *suite, *item_id, *model, *mode;
	long budget;
	int k, n, c;
	double pass_at_k;            /* unbiased estimate, 0..1 */
	int maj_correct;             /* maj@k: the majority answer of the first k is correct */
	const char *maj_answer;      /* the normalised majority answer, "" when none */
} tb_item_k;

/* Means over the items of a cell that have at least k graded samples. */
typedef struct tb_cell_k {
	const char *suite, *model, *mode;
	long budget;
	int k;
	long n_items;
	double pass_at_k, maj_at_k;
} tb_cell_k;

/* Rewriting item_k and cell_k, in one transaction: store_k_begin() empties
 * both, store_put_item_k() and store_put_cell_k() add rows, store_k_commit()
 * commits; store_k_abort() leaves both tables as they were. The caller
 * computes the cells' means (passk.c). store_k_cells_begin() empties cell_k
 * only: for item rows written one at a time with store_put_item_k() (in the
 * caller's transactions) as items finish. */
int store_k_begin(tb_store *st, char *err, size_t errlen);
int store_k_cells_begin(tb_store *st, char *err, size_t errlen);
int store_put_item_k(tb_store *st, const tb_item_k *r, char *err, size_t errlen);
int store_put_cell_k(tb_store *st, const tb_cell_k *r, char *err, size_t errlen);
int store_k_commit(tb_store *st, char *err, size_t errlen);
void store_k_abort(tb_store *st);

typedef int (*store_cell_k_fn)(void *ud, const tb_cell_k *c);
typedef int (*store_item_k_fn)(void *ud, const tb_item_k *r);
/* In key order, then k ascending. A version-1 store opened read-only has
 * none; so has a run that was never finished nor graded. */
int store_each_cell_k(tb_store *st, store_cell_k_fn fn, void *ud, char *err, size_t errlen);
int store_each_item_k(tb_store *st, store_item_k_fn fn, void *ud, char *err, size_t errlen);

/* The shard row (see the schema above). */
typedef struct tb_shard_row {
	char plan_hash[65];
	int index, count;            /* index -1: a merged run of count shards */
	long planned;                /* the samples of the plan this run holds */
	json_t *merged_from;         /* a merged run's shards; owned by whoever filled the struct */
	int partial;                 /* a merge with shards or samples missing */
} tb_shard_row;

/* Writes (replaces) the shard row. Commits, unless inside store_begin(). */
int store_put_shard(tb_store *st, const tb_shard_row *r, char *err, size_t errlen);
/* *found is 0 for a run that is neither a shard nor a merge (and for a store
 * older than version 4). Release r with store_shard_row_release(). */
int store_get_shard(tb_store *st, tb_shard_row *r, int *found, char *err, size_t errlen);
void store_shard_row_release(tb_shard_row *r);
/* Which samples a query selects; an empty or NULL text, or -1, selects any
 * (store_filter_init() sets every field so). */
typedef struct tb_sample_filter {
	const char *suite, *model, *mode, *outcome, *lang; /* borrowed */
	long budget;
	int mode_leak;               /* 1: a mode leak; 0: none */
	int wrong_lang;              /* 1: lang_check is GR_LANG_WRONG; 0: it is not */
} tb_sample_filter;
void store_filter_init(tb_sample_filter *f);
/* The samples f selects: *total gets their number, and fn is called for at
 * most limit of them from offset, in key order, with the fields of
 * store_each_sample_brief(). The filter's values are bound, never spliced
 * into the SQL. Each call reads the file anew (a running run's new rows). */
int store_query_samples(tb_store *st, const tb_sample_filter *f, long offset, long limit,
			store_sample_fn fn, void *ud, long *total, char *err, size_t errlen);
/* The sample with key's key, every field, given to fn; fn is not called
 * when none is stored. One prepared statement serves every call: fn must not
 * call store_get_sample() itself. */
int store_get_sample(tb_store *st, const tb_sample *key, store_sample_fn fn, void *ud, char *err,
		     size_t errlen);
/* The number of samples of each cell with each outcome, in cell order. */
typedef struct tb_outcome_count {
	const char *suite, *model, *mode;
	long budget;
	tb_outcome outcome;
	long n;
} tb_outcome_count;
typedef int (*store_count_fn)(void *ud, const tb_outcome_count *c);
int store_each_outcome_count(tb_store *st, store_count_fn fn, void *ud, char *err, size_t errlen);
/* The samples answered from the response cache: the key, cached = 1 and
 * the cached_* timings (nothing else). A store older than version 4 has
 * none. */
int store_each_cached(tb_store *st, store_sample_fn fn, void *ud, char *err, size_t errlen);
/* Every language the samples have, sorted. */
typedef int (*store_text_fn)(void *ud, const char *s);
int store_each_lang(tb_store *st, store_text_fn fn, void *ud, char *err, size_t errlen);
/* A sample's thinking metrics (traceinfo.h), by its key: written (or
 * replaced) by store_put_metrics(), which commits unless inside
 * store_begin(); store_get_metrics() sets *found to 0 when the sample has
 * none (not measured, or a store older than version 4). */
int store_put_metrics(tb_store *st, const tb_sample *key, const tb_trace_metrics *m, char *err, size_t errlen);
int store_get_metrics(tb_store *st, const tb_sample *key, tb_trace_metrics *m, int *found, char *err,
		      size_t errlen);

/* A sample copied from another run (--budget-from): stored as
 * store_put_sample() does, with its source in reused_samples. Commits
 * unless inside store_begin(). */
int store_put_reused(tb_store *st, const tb_sample *s, const char *source_run, long source_budget, char *err,
		     size_t errlen);
/* Samples stored by store_put_reused(); 0 in a store older than version 4. */
long store_count_reused(tb_store *st);

#endif
