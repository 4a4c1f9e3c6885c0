/* Measures every stored sample's thinking (traceinfo.h) and stores the
 * metrics: run after grading by `run` and `grade`, with the grading stage's
 * catalog, whose graders place the first correct statement in the reasoning. */
#ifndef TB_TRACESTORE_H
#define TB_TRACESTORE_H

#include <stddef.h>

#include "grading.h"
#include "store.h"

/* One transaction over the whole store; catalog borrowed and sealed (NULL:
 * no item is judged). Returns TB_OK, or TB_ERR with err set (nothing
 * written). *measured gets how many samples were measured (may be NULL). */
int tracestore_update(tb_store *st, const grading_catalog *catalog, long *measured, char *err, size_t errlen);

#endif
