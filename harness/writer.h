/* The writer: one thread that owns the store's writes during a run. Samples
 * are copied into a bounded queue and committed in batches (whatever queued
 * while the previous commit ran), so the transfer loop never waits on SQLite
 * and its first-token times stay the endpoint's. A sample in the queue counts
 * as in flight: a killed run loses it and --resume asks for it again. */
#ifndef TB_WRITER_H
#define TB_WRITER_H

#include <stddef.h>

#include "sample.h"
#include "store.h"

typedef struct tb_writer tb_writer;

/* Starts the thread. st is borrowed and must not be used by anyone else
 * until writer_finish(). */
int writer_start(tb_store *st, tb_writer **out, char *err, size_t errlen);
/* Copies s (every string) and queues it; blocks while the queue is full.
 * TB_ERR once a write has failed, with that failure in err. */
int writer_put(tb_writer *w, const tb_sample *s, char *err, size_t errlen);
/* Commits what is queued, stops the thread and frees the writer. Returns
 * TB_OK, or the first write failure. NULL is fine. */
int writer_finish(tb_writer *w, char *err, size_t errlen);

#endif
