/* Budget sweeps that cost less (--budget-from): a think sample asked with
 * no budget whose reasoning ended on its own under B tokens is what the
 * same request with budget B would have given, when the endpoint enforces a
 * budget only by cutting the thinking at B (README, "--budget-from"). Such
 * samples are copied into the new run as its budget-B samples, flagged in
 * reused_samples; only the rest are asked. */
#ifndef TB_BUDGETREUSE_H
#define TB_BUDGETREUSE_H

#include <stddef.h>

#include "store.h"

/* Whether the new run plans this sample (s carries the target budget). */
typedef int (*reuse_wanted_fn)(void *ud, const tb_sample *s);

/* Copies from the store at src_path (opened read-only) into st every think
 * sample with budget 0 that did not fail and was not cut by the output cap,
 * whose reasoning tokens (the server's count, else estimated from the text)
 * are below B, for each B > 0 of budgets that wanted accepts. One
 * transaction; *reused gets how many were copied. */
int budgetreuse_copy(tb_store *st, const char *src_path, const long *budgets, size_t n_budgets,
		     reuse_wanted_fn wanted, void *ud, long *reused, char *err, size_t errlen);

#endif
