/* The grading stage, shared by `run` and `grade`: answers that are already
 * stored are graded on a pool of workers and their verdicts handed back.
 *
 *	catalog:  what grading needs of each item (reference, language, grader
 *	          spec), filled from the suites or from the store's items table;
 *	          each distinct spec is compiled once
 *	offer:    a stored sample to grade (a copy of it while fewer than
 *	          max_answers and max_held_bytes are held; past that only its
 *	          key, and the worker reads it from the store when it starts)
 *	measure:  optionally, the sample's thinking measured once its grade is
 *	          known (the run's fresh samples: no pass over the store after)
 *	verdict:  the key and grade fields, on the thread that reaps
 *
 * The stage never writes: its caller stores each verdict (the run through its
 * writer, `grade` in its transaction). So a sample offered and not yet
 * handed back stays stored ungraded, and a stopped run loses no answer. */
#ifndef TB_GRADING_H
#define TB_GRADING_H

#include <jansson.h>
#include <stddef.h>

#include "sample.h"
#include "store.h"
#include "traceinfo.h"

typedef struct grading_catalog grading_catalog;
typedef struct grading_stage grading_stage;

/* An empty catalog; NULL when out of memory. */
grading_catalog *grading_catalog_new(void);
/* Adds an item (every argument borrowed; spec NULL: not graded). A bad spec
 * fails with the grader's message. */
int grading_catalog_add(grading_catalog *c, const char *suite, const char *item_id, const char *expected,
			const char *lang, const json_t *spec, char *err, size_t errlen);
/* Every item of the store's items table. */
int grading_catalog_from_store(grading_catalog *c, tb_store *st, char *err, size_t errlen);
/* Sorts the catalog for lookups; call once, after the last add. */
void grading_catalog_seal(grading_catalog *c);
size_t grading_catalog_size(const grading_catalog *c);
/* 1: the catalog has the item and a grader for it; 0: the item, ungraded;
 * -1: no such item. Sealed catalogs only. */
int grading_catalog_find(const grading_catalog *c, const char *suite, const char *item_id);
/* Whether some item is graded by kind (say "exec"). */
int grading_catalog_uses(const grading_catalog *c, const char *kind);
/* The item's grader run on text as if it were the answer (text borrowed,
 * len bytes): 1 correct, 0 not; -1 when the item has no grader or its
 * grader runs code (exec), or out of memory. Thread-safe on a sealed catalog. */
int grading_catalog_judge(const grading_catalog *c, const char *suite, const char *item_id, const char *text,
			  size_t len);
/* The sample's thinking (traceinfo_compute()), the item's grader judging
 * which step first states the reference. c NULL, or sealed. */
void grading_catalog_measure(const grading_catalog *c, const tb_sample *s, tb_trace_metrics *m);
void grading_catalog_free(grading_catalog *c);

/* s holds the key and the grade fields (outcome, extracted, grade_reason,
 * grader, grader_version, lang_check); a grader that failed gives outcome
 * error with its reason. m is the sample's thinking measured with this
 * grade, or NULL when the stage does not measure or could not read it. tag
 * is what was offered with the sample. */
typedef void (*grading_verdict_fn)(void *ud, const tb_sample *s, const tb_trace_metrics *m, void *tag);

typedef struct grading_config {
	const grading_catalog *catalog;  /* borrowed, sealed */
	unsigned threads;                /* workers; 0: one per online core */
	size_t max_answers;              /* answers held in memory at most (0: 1,024) */
	size_t max_held_bytes;           /* and their samples' bytes at most (0: 64 MiB) */
	int measure;                     /* also measure each sample's thinking, for the verdict */
	const char *store_path;          /* where answers past max_answers are read */
	grading_verdict_fn verdict;
	void *verdict_ud;
} grading_config;

int grading_new(const grading_config *c, grading_stage **out, char *err, size_t errlen);
/* Queues a stored sample for grading; thread-safe, never blocks. s->answer
 * may be NULL: it is read from the store. A sample whose item is not in the
 * catalog, or has no grader, is answered at once (on the next reap) with
 * outcome ungraded and a reason. TB_NOMEM when out of memory. */
int grading_offer(grading_stage *g, const tb_sample *s, void *tag);
/* Readies every worker for what grading the catalog's items will need
 * there (gr_warm: a warm sandbox per suite), and returns when all have:
 * before the first offer, so that what starting a sandbox costs the
 * process is paid before requests are in flight. TB_NOMEM, or TB_OK. */
int grading_warm(grading_stage *g);
/* Offered and not yet handed back. */
size_t grading_backlog(const grading_stage *g);
/* The backlog reached max_answers: a producer holds back until it falls. */
int grading_full(const grading_stage *g);
/* Readable while verdicts wait for grading_reap(). */
int grading_fd(const grading_stage *g);
/* Makes grading_fd() readable with no verdict (gr_pool_wake()). Any thread. */
void grading_wake(grading_stage *g);
/* Hands back every finished verdict on the calling thread; returns how many. */
size_t grading_reap(grading_stage *g);
/* Waits until every offered sample was handed back. */
void grading_drain(grading_stage *g);
/* Stops grading: samples not yet started are handed back to no one (they
 * stay stored ungraded); those being graded finish. Then waits at most
 * wait_ms for them; returns 0 when none is left running. */
int grading_cancel(grading_stage *g, int wait_ms);
/* Frees the stage; only after grading_drain() or a grading_cancel() that
 * returned 0. NULL is fine. */
void grading_free(grading_stage *g);

#endif
