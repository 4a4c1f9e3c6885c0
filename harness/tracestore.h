/* Measures stored samples' thinking (traceinfo.h) and stores the metrics,
 * with the grading stage's catalog, whose graders place the first correct
 * statement in the reasoning: all of them after grading (`grade`, a resumed
 * run), or each as its outcome is final (a fresh run). */
#ifndef TB_TRACESTORE_H
#define TB_TRACESTORE_H

#include <stddef.h>

#include "grading.h"
#include "store.h"

/* One transaction over the whole store; catalog borrowed and sealed (NULL:
 * no item is judged). Returns TB_OK, or TB_ERR with err set (nothing
 * written). *measured gets how many samples were measured (may be NULL). */
int tracestore_update(tb_store *st, const grading_catalog *catalog, long *measured, char *err, size_t errlen);
/* Measures one sample, read back from the store by its key, and stores its
 * metrics: for a run's writer hook, once the sample's outcome is final, so
 * that no pass over the whole store is left for the end. Within the caller's
 * transaction when there is one. Returns TB_OK (also when no such sample is
 * stored), or TB_ERR with err set. */
int tracestore_add(tb_store *st, const grading_catalog *catalog, const tb_sample *key, char *err, size_t errlen);

#endif
