/* Shards of a plan: `run --shard I/N` keeps the samples whose key hashes to
 * shard I of N, and `merge` puts the shards back together. The rule of which
 * sample goes to which shard, and of what a plan's hash covers, is here and
 * nowhere else (README, "Running on a cluster", states it for users):
 *
 *   key   = suite 0x1F item_id 0x1F model 0x1F mode 0x1F budget 0x1F sample
 *           (budget and sample in decimal, no terminator)
 *   shard = the first 8 bytes of SHA-256(key) read as a big-endian
 *           unsigned 64-bit number, modulo N
 *   plan hash = SHA-256 of "thinkbench-plan/1\n", the suites' hash, "\n",
 *           the models' hash, "\n", the options that change answers as
 *           compact JSON with sorted keys, "\n", then every planned key in
 *           byte order, each followed by "\n".
 *
 * The planned keys are read from a store (its supported cells x its items x
 * the samples option), so a run and a merge compute the same list from what
 * each store holds. */
#ifndef TB_SHARD_H
#define TB_SHARD_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "store.h"

#define TB_SHARD_MAX 10000
/* A plan bigger than this is refused: a hostile store of a few MB could
 * otherwise claim a plan of gigabytes (its items times 1,000 samples). */
#define TB_PLAN_MAX_KEYS 5000000L

/* "I/N" with 0 <= I < N <= TB_SHARD_MAX; TB_ERR on anything else. */
int shard_parse(const char *s, int *index, int *count);
/* The key of a sample, as above, into out (n bytes; truncated keys never
 * happen with n >= 4096 and the store's bounded ids). */
void shard_key(char *out, size_t n, const char *suite, const char *item_id, const char *model,
	       const char *mode, long budget, int sample);
/* The first 8 bytes of SHA-256(key), big-endian. */
uint64_t shard_hash64(const char *key);
/* The shard (0..count-1) a key belongs to. */
int shard_of(const char *key, int count);
/* The run options that change what is asked or how it is graded: a new
 * object the caller frees. */
json_t *shard_answer_options(const json_t *options);

typedef struct shard_plan {
	char **keys;           /* sorted, owned */
	size_t n;
	char hash[65];
} shard_plan;

/* Reads the planned keys and computes the plan hash from a store. Release
 * with shard_plan_release(), also after a failure. */
int shard_plan_from_store(tb_store *st, shard_plan *out, char *err, size_t errlen);
void shard_plan_release(shard_plan *p);
/* The planned keys that belong to shard index of count. */
long shard_plan_count(const shard_plan *p, int index, int count);
/* 1 when key is planned. */
int shard_plan_has(const shard_plan *p, const char *key);

#endif
