/* A worker pool for grades: jobs run on N threads while the caller's loop
 * goes on (requests still in flight), and finished jobs come back to the
 * caller's thread through a file descriptor it can poll next to curl's.
 *
 *	gr_pool_new(0, &p, err, errlen);        0 threads = one per online core
 *	gr_pool_submit(p, work, done, arg);      work(arg) runs on a worker
 *	poll on gr_pool_fd(p) ... gr_pool_reap(p) runs done(arg) on this thread
 *
 * gr_grade() is synchronous and thread-safe, so work() may simply call it.
 * The pool never owns arg: done() is where the caller frees it. */
#ifndef GR_GRADEPOOL_H
#define GR_GRADEPOOL_H

#include <stddef.h>

typedef struct gr_pool gr_pool;
typedef void (*gr_pool_fn)(void *arg);

/* Starts nthreads workers (0: one per online core, at most 256). */
int gr_pool_new(unsigned nthreads, gr_pool **out, char *err, size_t errlen);
unsigned gr_pool_threads(const gr_pool *p);
/* Queues a job; never blocks. TB_TOOBIG when a million jobs already wait,
 * TB_NOMEM when no memory: then neither callback runs. */
int gr_pool_submit(gr_pool *p, gr_pool_fn work, gr_pool_fn done, void *arg);
/* Readable (an eventfd) while finished jobs wait for gr_pool_reap(). */
int gr_pool_fd(const gr_pool *p);
/* Makes gr_pool_fd() readable with no job finished: wakes whoever polls it
 * for a reason of its own. Any thread. */
void gr_pool_wake(gr_pool *p);
/* Runs done() for every finished job on the calling thread; returns how many. */
size_t gr_pool_reap(gr_pool *p);
/* Jobs submitted and not yet reaped. */
size_t gr_pool_pending(const gr_pool *p);
/* Runs fn(arg) once on every worker (to ready what each keeps per thread)
 * and returns when all have, reaping as gr_pool_drain() does: call it when
 * no other job is pending. TB_NOMEM when a job cannot be queued (then
 * nothing ran). */
int gr_pool_each(gr_pool *p, gr_pool_fn fn, void *arg);
/* Waits until every submitted job was reaped (running done() as they finish). */
void gr_pool_drain(gr_pool *p);
/* Drains, stops the workers and frees the pool. NULL is fine. */
void gr_pool_free(gr_pool *p);

#endif
