/* The run's library: what `run` does beyond its options and wiring, and what
 * other commands and tests share with it. */
#ifndef TB_RUN_H
#define TB_RUN_H

#include <stddef.h>

#include "grading.h"
#include "store.h"
#include "suite.h"

/* Stores what reports and grading need of every item of the suites (prompt,
 * tags, lang, reference, grader spec), so the run's record stands without its
 * suite files. Adds each item, as stored, to catalog (may be NULL; borrowed,
 * sealed by the caller): what grading_catalog_from_store() would read back,
 * without reading it. The suites are read through cursors of its own
 * (suite_cursor_new()): another thread may read their items meanwhile.
 * run_put_items() writes inside the caller's transaction, run_record_items()
 * in one of its own. */
int run_put_items(tb_store *st, tb_suite *const *suites, size_t n, grading_catalog *catalog, char *err,
		  size_t errlen);
int run_record_items(tb_store *st, tb_suite *const *suites, size_t n, grading_catalog *catalog, char *err,
		     size_t errlen);

#endif
