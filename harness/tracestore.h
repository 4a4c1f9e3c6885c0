/* Measures stored samples' thinking (traceinfo.h) and stores the metrics:
 * run after grading by `run` and `grade`, with the grading stage's catalog,
 * whose graders place the first correct statement in the reasoning. A fresh
 * run's grading stage measures each sample it grades (grading_config's
 * measure); the pass after it only measures the samples left. */
#ifndef TB_TRACESTORE_H
#define TB_TRACESTORE_H

#include <stddef.h>

#include "grading.h"
#include "store.h"

typedef enum tracestore_which {
	TRACESTORE_ALL,          /* every sample, measured again */
	TRACESTORE_UNMEASURED,   /* the samples without metrics */
} tracestore_which;

/* One transaction over the store's samples; catalog borrowed and sealed (NULL:
 * no item is judged). Returns TB_OK, or TB_ERR with err set (nothing
 * written). *measured gets how many samples were measured (may be NULL). */
int tracestore_update(tb_store *st, const grading_catalog *catalog, tracestore_which which, long *measured,
		      char *err, size_t errlen);

#endif
