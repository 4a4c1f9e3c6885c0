#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "gradepool.h"
#include "log.h"
#include "rc.h"

enum { MAX_THREADS = 256, MAX_QUEUED = 1 << 20 };

typedef struct job {
	gr_pool_fn work, done;
	void *arg;
	struct job *next;
} job;

struct gr_pool {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	job *todo, *todo_tail;  /* waiting for a worker */
	job *fin, *fin_tail;    /* finished, waiting for reap */
	size_t queued, pending;
	int stop;
	int efd;
	unsigned nthreads;
	pthread_t threads[MAX_THREADS];
};

static void *worker(void *p)
{
	gr_pool *pool = p;

	for (;;) {
		job *j;
		uint64_t one = 1;
		int was_empty;

		pthread_mutex_lock(&pool->mu);
		while (!pool->todo && !pool->stop)
			pthread_cond_wait(&pool->cv, &pool->mu);
		if (!pool->todo) {
			pthread_mutex_unlock(&pool->mu);
			return NULL;
		}
		j = pool->todo;
		pool->todo = j->next;
		if (!pool->todo)
			pool->todo_tail = NULL;
		pool->queued--;
		pthread_mutex_unlock(&pool->mu);

		j->work(j->arg);

		j->next = NULL;
		pthread_mutex_lock(&pool->mu);
		was_empty = !pool->fin;
		if (pool->fin_tail)
			pool->fin_tail->next = j;
		else
			pool->fin = j;
		pool->fin_tail = j;
		pthread_mutex_unlock(&pool->mu);
		/* Only the first finished job of a list signals: gr_pool_reap()
		 * reads the signal before it takes the list, so a job added to
		 * a list not yet taken is reaped with it, and one added after
		 * finds the list empty and signals. One wake of the reaping loop
		 * per batch, not per job. */
		if (was_empty && write(pool->efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
			tb_warn("grade pool: cannot signal a finished job: %s", strerror(errno));
	}
}

int gr_pool_new(unsigned nthreads, gr_pool **out, char *err, size_t errlen)
{
	gr_pool *p;

	*out = NULL;
	if (nthreads == 0) {
		long n = sysconf(_SC_NPROCESSORS_ONLN);

		nthreads = n > 0 ? (unsigned)n : 1;
	}
	if (nthreads > MAX_THREADS)
		nthreads = MAX_THREADS;
	p = calloc(1, sizeof(*p));
	if (!p)
		return tb_seterr(err, errlen, "out of memory");
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	p->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (p->efd < 0) {
		tb_seterr(err, errlen, "grade pool: eventfd: %s", strerror(errno));
		free(p);
		return TB_ERR;
	}
	for (unsigned i = 0; i < nthreads; i++) {
		if (pthread_create(&p->threads[i], NULL, worker, p) != 0) {
			tb_seterr(err, errlen, "grade pool: cannot start a thread");
			gr_pool_free(p);
			return TB_ERR;
		}
		p->nthreads++;
	}
	*out = p;
	return TB_OK;
}

unsigned gr_pool_threads(const gr_pool *p)
{
	return p->nthreads;
}

/* Under p->mu. */
static void enqueue_locked(gr_pool *p, job *j)
{
	if (p->todo_tail)
		p->todo_tail->next = j;
	else
		p->todo = j;
	p->todo_tail = j;
	p->queued++;
	p->pending++;
}

int gr_pool_submit(gr_pool *p, gr_pool_fn work, gr_pool_fn done, void *arg)
{
	job *j;

	pthread_mutex_lock(&p->mu);
	if (p->queued >= MAX_QUEUED) {
		pthread_mutex_unlock(&p->mu);
		return TB_TOOBIG;
	}
	pthread_mutex_unlock(&p->mu);
	j = calloc(1, sizeof(*j));
	if (!j)
		return TB_NOMEM;
	j->work = work;
	j->done = done;
	j->arg = arg;
	pthread_mutex_lock(&p->mu);
	enqueue_locked(p, j);
	pthread_cond_signal(&p->cv);
	pthread_mutex_unlock(&p->mu);
	return TB_OK;
}

int gr_pool_fd(const gr_pool *p)
{
	return p->efd;
}

void gr_pool_wake(gr_pool *p)
{
	uint64_t one = 1;

	if (write(p->efd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		tb_warn("grade pool: cannot signal a wake: %s", strerror(errno));
}

size_t gr_pool_reap(gr_pool *p)
{
	job *list;
	uint64_t n;
	size_t count = 0;

	if (read(p->efd, &n, sizeof(n)) < 0 && errno != EAGAIN)
		tb_warn("grade pool: eventfd read: %s", strerror(errno));
	pthread_mutex_lock(&p->mu);
	list = p->fin;
	p->fin = p->fin_tail = NULL;
	pthread_mutex_unlock(&p->mu);
	while (list) {
		job *next = list->next;

		if (list->done)
			list->done(list->arg);
		free(list);
		list = next;
		count++;
	}
	pthread_mutex_lock(&p->mu);
	p->pending -= count;
	pthread_mutex_unlock(&p->mu);
	return count;
}

size_t gr_pool_pending(const gr_pool *p)
{
	size_t n;

	pthread_mutex_lock((pthread_mutex_t *)&p->mu);
	n = p->pending;
	pthread_mutex_unlock((pthread_mutex_t *)&p->mu);
	return n;
}

typedef struct each {
	gr_pool_fn fn;
	void *arg;
	pthread_barrier_t all_ran;
} each;

/* A worker runs fn, then waits for the others: none can take two. */
static void each_work(void *p)
{
	each *e = p;

	e->fn(e->arg);
	pthread_barrier_wait(&e->all_ran);
}

int gr_pool_each(gr_pool *p, gr_pool_fn fn, void *arg)
{
	each e = {.fn = fn, .arg = arg};
	job *js[MAX_THREADS];
	unsigned n;

	for (n = 0; n < p->nthreads; n++) {
		js[n] = calloc(1, sizeof(*js[n]));
		if (!js[n]) {
			while (n > 0)
				free(js[--n]);
			return TB_NOMEM;
		}
		*js[n] = (job){.work = each_work, .arg = &e};
	}
	pthread_barrier_init(&e.all_ran, NULL, p->nthreads);
	pthread_mutex_lock(&p->mu);
	for (unsigned i = 0; i < n; i++)
		enqueue_locked(p, js[i]);
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	gr_pool_drain(p);
	pthread_barrier_destroy(&e.all_ran);
	return TB_OK;
}

void gr_pool_drain(gr_pool *p)
{
	/* Bounded by the jobs submitted: each pass reaps at least one or waits
	 * for the next to finish. */
	while (gr_pool_pending(p) > 0) {
		struct pollfd pf = {.fd = p->efd, .events = POLLIN};

		if (gr_pool_reap(p) == 0)
			poll(&pf, 1, 1000);
	}
}

void gr_pool_free(gr_pool *p)
{
	if (!p)
		return;
	if (p->nthreads)
		gr_pool_drain(p);
	pthread_mutex_lock(&p->mu);
	p->stop = 1;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
	for (unsigned i = 0; i < p->nthreads; i++)
		pthread_join(p->threads[i], NULL);
	close(p->efd);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	free(p);
}
