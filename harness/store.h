/* The store: one SQLite file per run (WAL). Each sample is written when it
 * finishes, in its own transaction, so a killed run loses at most what was in
 * flight. The run row keeps what is needed to resume and to trust a report:
 * the command line, the harness version, the options, the suites' and models'
 * hashes, start and end. The API key is never given to the store. */
#ifndef TB_STORE_H
#define TB_STORE_H

#include <jansson.h>
#include <stddef.h>

#include "sample.h"

typedef struct tb_store tb_store;

typedef struct tb_run_info {
	char run_id[64];
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
/* Writes one sample (replacing a row with the same key) and commits. */
int store_put_sample(tb_store *st, const tb_sample *s, char *err, size_t errlen);
/* *found = 1 when a sample with this key is stored. */
int store_has_sample(tb_store *st, const char *suite, const char *item_id, const char *model,
		     const char *mode, long budget, int sample, int *found, char *err, size_t errlen);
long store_count_samples(tb_store *st);

/* Calls fn for every cell, then for every sample, in key order. A non-zero
 * return from fn stops the walk and is returned. The records are valid only
 * during the call. */
typedef int (*store_cell_fn)(void *ud, const tb_cell *c);
typedef int (*store_sample_fn)(void *ud, const tb_sample *s);
int store_each_cell(tb_store *st, store_cell_fn fn, void *ud, char *err, size_t errlen);
int store_each_sample(tb_store *st, store_sample_fn fn, void *ud, char *err, size_t errlen);

#endif
