#include "writer.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "log.h"
#include "rc.h"

/* The queue's bounds: records, and bytes of text (answers can be megabytes). */
#define MAX_QUEUED 1024
#define MAX_QUEUED_BYTES (8u << 20)
/* A commit takes at most this many records, so one batch cannot hold the
 * write lock for long. */
#define MAX_BATCH 1024
/* Below this many records the thread waits up to GATHER_NS for more before
 * it commits: at thousands of samples a second the commits, not the rows,
 * were the writer's cost. The wait bounds what a kill loses beyond that. */
#define GATHER_MIN 128
#define GATHER_NS 10000000L

typedef enum record_kind {
	REC_SAMPLE,      /* a new sample: stored whole */
	REC_GRADE,       /* the run's grading of a sample stored ungraded */
	REC_STATUS,      /* the run's status: its text in s.outcome's place, see put_status() */
	REC_TASK,        /* a function run with the store: task */
} record_kind;

typedef struct record {
	record_kind kind;
	writer_task task;
	tb_sample s;     /* its strings point into text */
	int measured;    /* REC_GRADE: m is the sample's thinking, stored with the grade */
	tb_trace_metrics m;
	size_t bytes;
	char text[];
} record;

struct tb_writer {
	tb_store *st;
	writer_after_fn after;
	void *after_ud;
	writer_stored_fn stored;
	void *stored_ud;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t not_empty, not_full, flushed;
	record *queue[MAX_QUEUED]; /* a ring */
	size_t head, n, bytes;
	int idle;                  /* the thread waits for a first record */
	int gathering;             /* the thread waits for GATHER_MIN records */
	int flushing;              /* writer_flush() callers waiting: no gather waits */
	int stopping;
	int busy;                  /* the thread writes a batch, the lock let go */
	int failed;
	char error[512];
	/* written by the thread after each commit, read by anyone */
	atomic_long done, graded, correct, errors;
};

static record *copy_sample(const tb_sample *s)
{
	size_t len = tb_sample_copy_size(s, 0);
	record *r = malloc(sizeof(*r) + len);

	if (!r)
		return NULL;
	r->bytes = len;
	r->measured = 0;
	tb_sample_copy(&r->s, s, 0, r->text);
	return r;
}

/* Waits, the lock held, until GATHER_MIN records are queued, the run stops,
 * someone waits for a flush, or GATHER_NS have passed. */
static void gather(tb_writer *w)
{
	struct timespec until = tb_deadline(tb_now_us() + GATHER_NS / 1000);

	w->gathering = 1;
	/* bounded by the deadline */
	while (w->n < GATHER_MIN && !w->stopping && !w->failed && !w->flushing)
		if (pthread_cond_timedwait(&w->not_empty, &w->lock, &until) == ETIMEDOUT)
			break;
	w->gathering = 0;
}

/* Adds a committed batch to the counts: a sample when it is stored, its
 * verdict when its grading is. */
static void count(tb_writer *w, record *const *batch, size_t k)
{
	long done = 0, graded = 0, correct = 0, errors = 0;

	for (size_t i = 0; i < k; i++) {
		tb_outcome o = batch[i]->s.outcome;

		if (batch[i]->kind != REC_SAMPLE && batch[i]->kind != REC_GRADE)
			continue;
		done += batch[i]->kind == REC_SAMPLE;
		graded += tb_outcome_is_graded(o);
		correct += o == TB_OUT_CORRECT;
		errors += o == TB_OUT_ERROR;
	}
	atomic_fetch_add(&w->graded, graded);
	atomic_fetch_add(&w->correct, correct);
	atomic_fetch_add(&w->errors, errors);
	atomic_fetch_add(&w->done, done);
}

/* One record's write, inside the batch's transaction. The hook sees only
 * final outcomes: a sample stored to be graded reaches it with its grade. */
static int write_record(tb_writer *w, const record *r, char *err, size_t errlen)
{
	int rc;

	switch (r->kind) {
	case REC_STATUS:
		return store_set_status(w->st, r->s.grade_reason, err, errlen);
	case REC_TASK:
		return r->task.run(r->task.ud, w->st, err, errlen);
	case REC_GRADE:
		rc = store_update_grade(w->st, &r->s, 0, err, errlen);
		if (rc == TB_OK && r->measured)
			rc = store_put_metrics(w->st, &r->s, &r->m, err, errlen);
		break;
	default:
		rc = store_put_sample(w->st, &r->s, err, errlen);
		if (tb_sample_awaits_grade(&r->s))
			return rc;
		break;
	}
	if (rc == TB_OK && w->after)
		rc = w->after(w->after_ud, &r->s, err, errlen);
	return rc;
}

static void *writer_main(void *arg)
{
	tb_writer *w = arg;
	record *batch[MAX_BATCH];

	pthread_mutex_lock(&w->lock);
	for (;;) {
		size_t k = 0, bytes = 0;
		char err[512] = "";
		int rc = TB_OK, committed;

		while (!w->n && !w->stopping) {
			w->idle = 1;
			pthread_cond_wait(&w->not_empty, &w->lock);
		}
		w->idle = 0;
		if (!w->n)
			break;
		if (w->n < GATHER_MIN)
			gather(w);
		while (w->n && k < MAX_BATCH) {
			batch[k] = w->queue[w->head];
			bytes += batch[k++]->bytes;
			w->head = (w->head + 1) % MAX_QUEUED;
			w->n--;
		}
		w->bytes -= bytes;
		w->busy = 1;
		pthread_cond_broadcast(&w->not_full);
		pthread_mutex_unlock(&w->lock);

		/* After a failure the queue is only drained, so producers never block. */
		committed = 0;
		if (!w->failed) {
			rc = store_begin(w->st, err, sizeof(err));
			for (size_t i = 0; i < k && rc == TB_OK; i++)
				rc = write_record(w, batch[i], err, sizeof(err));
			if (rc == TB_OK)
				rc = store_commit(w->st, err, sizeof(err));
			else
				store_rollback(w->st);
			committed = rc == TB_OK;
			if (committed) {
				count(w, batch, k);
				/* only now, stored, may an answer be graded */
				for (size_t i = 0; i < k && w->stored; i++)
					if (batch[i]->kind == REC_SAMPLE && tb_sample_awaits_grade(&batch[i]->s))
						w->stored(w->stored_ud, &batch[i]->s);
			}
		}
		/* the failure first: a task that hears its batch failed finds
		 * the writer failed, and what it lets go on is refused */
		if (rc != TB_OK) {
			pthread_mutex_lock(&w->lock);
			if (!w->failed) {
				w->failed = 1;
				snprintf(w->error, sizeof(w->error), "%s", err);
			}
			pthread_mutex_unlock(&w->lock);
		}
		for (size_t i = 0; i < k; i++) {
			if (batch[i]->kind == REC_TASK && batch[i]->task.ended)
				batch[i]->task.ended(batch[i]->task.ud, committed);
			free(batch[i]);
		}

		pthread_mutex_lock(&w->lock);
		w->busy = 0;
		pthread_cond_broadcast(&w->flushed);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

int writer_start(tb_store *st, writer_after_fn after, void *ud, writer_stored_fn stored,
		 void *stored_ud, tb_writer **out, char *err, size_t errlen)
{
	tb_writer *w = calloc(1, sizeof(*w));

	*out = NULL;
	if (!w)
		return tb_seterr(err, errlen, "out of memory");
	w->st = st;
	w->after = after;
	w->after_ud = ud;
	w->stored = stored;
	w->stored_ud = stored_ud;
	pthread_mutex_init(&w->lock, NULL);
	/* gather() waits against the monotonic clock */
	tb_cond_init_monotonic(&w->not_empty);
	pthread_cond_init(&w->not_full, NULL);
	pthread_cond_init(&w->flushed, NULL);
	if (pthread_create(&w->thread, NULL, writer_main, w) != 0) {
		pthread_cond_destroy(&w->flushed);
		pthread_cond_destroy(&w->not_full);
		pthread_cond_destroy(&w->not_empty);
		pthread_mutex_destroy(&w->lock);
		free(w);
		return tb_seterr(err, errlen, "cannot start the store's writer thread");
	}
	*out = w;
	return TB_OK;
}

static int put_record(tb_writer *w, record *r, char *err, size_t errlen)
{
	int rc = TB_OK;

	if (!r)
		return tb_seterr(err, errlen, "out of memory");
	pthread_mutex_lock(&w->lock);
	/* Bounded: the writer thread empties the queue whatever happens. */
	while (!w->failed && (w->n == MAX_QUEUED || (w->n && w->bytes + r->bytes > MAX_QUEUED_BYTES)))
		pthread_cond_wait(&w->not_full, &w->lock);
	if (w->failed) {
		rc = tb_seterr(err, errlen, "%s", w->error);
		free(r);
	} else {
		w->queue[(w->head + w->n) % MAX_QUEUED] = r;
		w->n++;
		w->bytes += r->bytes;
		/* Woken for the first record, and once a gathered batch is full:
		 * not once per record. */
		if (w->idle || (w->gathering && w->n == GATHER_MIN)) {
			w->idle = 0;
			pthread_cond_signal(&w->not_empty);
		}
	}
	pthread_mutex_unlock(&w->lock);
	return rc;
}

int writer_put(tb_writer *w, const tb_sample *s, char *err, size_t errlen)
{
	record *r = copy_sample(s);

	if (r)
		r->kind = REC_SAMPLE;
	return put_record(w, r, err, errlen);
}

int writer_put_grade(tb_writer *w, const tb_sample *s, const tb_trace_metrics *m, char *err, size_t errlen)
{
	/* the key and the grade fields: no texts of the response */
	tb_sample g = {
		.suite = s->suite, .item_id = s->item_id, .model = s->model, .mode = s->mode,
		.budget = s->budget, .sample = s->sample, .outcome = s->outcome,
		.extracted = s->extracted, .grade_reason = s->grade_reason, .grader = s->grader,
		.grader_version = s->grader_version, .lang_check = s->lang_check, .error = s->error,
		.grade_path = s->grade_path,
	};
	record *r = copy_sample(&g);

	if (r) {
		r->kind = REC_GRADE;
		r->measured = m != NULL;
		if (m)
			r->m = *m;
	}
	return put_record(w, r, err, errlen);
}

int writer_put_status(tb_writer *w, const char *status, char *err, size_t errlen)
{
	tb_sample g = {.grade_reason = status};
	record *r = copy_sample(&g);

	if (r)
		r->kind = REC_STATUS;
	return put_record(w, r, err, errlen);
}

int writer_put_task(tb_writer *w, const writer_task *t, char *err, size_t errlen)
{
	record *r = copy_sample(&(tb_sample){0});

	if (r) {
		r->kind = REC_TASK;
		r->task = *t;
	}
	return put_record(w, r, err, errlen);
}

int writer_flush(tb_writer *w, char *err, size_t errlen)
{
	int rc;

	pthread_mutex_lock(&w->lock);
	w->flushing++;
	if (w->idle || w->gathering)
		pthread_cond_signal(&w->not_empty);
	/* bounded: the thread empties the queue whatever happens */
	while ((w->n || w->busy) && !w->failed)
		pthread_cond_wait(&w->flushed, &w->lock);
	w->flushing--;
	rc = w->failed ? tb_seterr(err, errlen, "%s", w->error) : TB_OK;
	pthread_mutex_unlock(&w->lock);
	return rc;
}

void writer_committed(const tb_writer *w, writer_counts *out)
{
	out->done = atomic_load(&w->done);
	out->graded = atomic_load(&w->graded);
	out->correct = atomic_load(&w->correct);
	out->errors = atomic_load(&w->errors);
}

int writer_finish(tb_writer *w, writer_counts *committed, char *err, size_t errlen)
{
	int rc;

	if (committed)
		*committed = (writer_counts){0};
	if (!w)
		return TB_OK;
	pthread_mutex_lock(&w->lock);
	w->stopping = 1;
	pthread_cond_signal(&w->not_empty);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	if (committed)
		writer_committed(w, committed);
	rc = w->failed ? tb_seterr(err, errlen, "%s", w->error) : TB_OK;
	pthread_cond_destroy(&w->flushed);
	pthread_cond_destroy(&w->not_full);
	pthread_cond_destroy(&w->not_empty);
	pthread_mutex_destroy(&w->lock);
	free(w);
	return rc;
}
