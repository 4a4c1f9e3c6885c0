/* The writer: one thread that owns the store's writes during a run. Samples
 * are copied into a bounded queue and committed in batches, so the transfer
 * loop never waits on SQLite and its first-token times stay the endpoint's.
 * A batch is what queued while the previous commit ran, or, when that is
 * little, what queues within a few milliseconds: a commit costs far more
 * than a row. A sample in the queue counts as in flight: a killed run loses
 * it and --resume asks for it again. Only committed samples are counted
 * (writer_committed()), so whatever the progress line shows is stored. */
#ifndef TB_WRITER_H
#define TB_WRITER_H

#include <stddef.h>

#include "sample.h"
#include "store.h"

typedef struct tb_writer tb_writer;

/* Committed samples, as the progress line counts them. */
typedef struct writer_counts {
	long done;      /* samples stored */
	long graded;    /* verdicts stored (tb_outcome_is_graded()) */
	long correct;
	long errors;
} writer_counts;

/* Called by the thread after it writes each sample, inside the batch's
 * transaction: what it writes commits or rolls back with the batch. Not
 * TB_OK fails the batch as a failed write does. */
typedef int (*writer_after_fn)(void *ud, const tb_sample *s, char *err, size_t errlen);

/* Called by the thread after each commit, outside any transaction, for every
 * sample the commit stored that awaits its grade (tb_sample_awaits_grade()):
 * a paid answer is graded only once it is stored. s is valid during the call. */
typedef void (*writer_stored_fn)(void *ud, const tb_sample *s);

/* Starts the thread. st is borrowed and must not be used by anyone else
 * until writer_finish(). after and stored (either may be NULL) and their
 * data are borrowed too. */
int writer_start(tb_store *st, writer_after_fn after, void *ud, writer_stored_fn stored,
		 void *stored_ud, tb_writer **out, char *err, size_t errlen);
/* Copies s (every string) and queues it; blocks while the queue is full.
 * TB_ERR once a write has failed, with that failure in err. */
int writer_put(tb_writer *w, const tb_sample *s, char *err, size_t errlen);
/* Queues the run's grading of a sample already queued or stored ungraded:
 * its key and grade fields (store_update_grade(), grading 0), and with
 * them its thinking's metrics when m is not NULL (copied). */
int writer_put_grade(tb_writer *w, const tb_sample *s, const tb_trace_metrics *m, char *err, size_t errlen);
/* Queues a change of the run's status, committed in order with the rest. */
int writer_put_status(tb_writer *w, const char *status, char *err, size_t errlen);
/* A task for the thread, in order with the records queued around it. */
typedef struct writer_task {
	/* Runs with the store, inside the batch's transaction (what it writes
	 * commits or rolls back with the batch). Not TB_OK fails the batch as
	 * a failed write does. */
	int (*run)(void *ud, tb_store *st, char *err, size_t errlen);
	/* Then, on the writer's thread, once the batch has committed (1) or
	 * not (0; also when an earlier write had failed and run never ran):
	 * with 0 the writer has failed already, and refuses what is put.
	 * May be NULL. */
	void (*ended)(void *ud, int committed);
	void *ud;
} writer_task;
/* Queues a copy of *t; t->ud is borrowed until ended() (or writer_flush()). */
int writer_put_task(tb_writer *w, const writer_task *t, char *err, size_t errlen);
/* Waits until everything queued so far is committed (and its stored hook
 * called); a batch still gathering company is committed at once. TB_ERR
 * once a write has failed. */
int writer_flush(tb_writer *w, char *err, size_t errlen);
/* The samples committed so far. Lock-free; the four figures may be a batch
 * apart from each other while the thread commits. */
void writer_committed(const tb_writer *w, writer_counts *out);
/* Commits what is queued, stops the thread and frees the writer. Returns
 * TB_OK, or the first write failure. committed (may be NULL) gets the final
 * counts. NULL w is fine (the counts are zero). */
int writer_finish(tb_writer *w, writer_counts *committed, char *err, size_t errlen);

#endif
