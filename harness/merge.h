/* Merging the shards of one plan (run --shard I/N, shard.h) into one run
 * that report, compare and grade read like any other. Shard stores come from
 * other machines: each is checked against itself (its plan hash against its
 * cells and items, each sample against its shard) and against the others
 * (plan hash, suites and models hashes, answer options, shard count) before
 * anything is written. */
#ifndef TB_MERGE_H
#define TB_MERGE_H

#include <jansson.h>
#include <stddef.h>

typedef struct merge_opts {
	const char *const *shards;   /* run folders; borrowed */
	size_t n_shards;
	const char *out;             /* the merged run's folder: must not exist */
	int allow_partial;           /* merge a set with shards or samples missing, marked partial */
} merge_opts;

typedef struct merge_result {
	long samples, planned;
	int partial;
} merge_result;

/* TB_PARSE: the shards are inconsistent or unreadable (err says which, in
 * one line) and nothing was written; TB_ERR: the merged store could not be
 * written (the folder is removed). */
int merge_shards(const merge_opts *o, merge_result *res, char *err, size_t errlen);

#endif
