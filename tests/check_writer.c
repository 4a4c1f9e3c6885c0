/* The store's writer thread: everything put is committed by writer_finish();
 * a sample is counted only once it is committed (another connection sees
 * it); a lone sample is committed without more arriving; a failed write
 * surfaces at a later put and at finish; what the hook writes commits and
 * rolls back with its batch. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "rc.h"
#include "store.h"
#include "testutil.h"
#include "writer.h"

static char dbpath[4200];
static char err[1024];
static tb_store *st;

static void setup(void)
{
	tb_run_info ri = {0};

	tu_dir_setup();
	snprintf(dbpath, sizeof(dbpath), "%s/store.sqlite", tu_dir);
	snprintf(ri.run_id, sizeof(ri.run_id), "w");
	snprintf(ri.version, sizeof(ri.version), "0");
	snprintf(ri.started, sizeof(ri.started), "2026-11-21T19:33:47Z");
	snprintf(ri.status, sizeof(ri.status), "running");
	snprintf(ri.suites_hash, sizeof(ri.suites_hash), "%064d", 1);
	snprintf(ri.models_hash, sizeof(ri.models_hash), "%064d", 2);
	ck_assert_msg(store_create(dbpath, &ri, &st, err, sizeof(err)) == TB_OK, "%s", err);
}

static void teardown(void)
{
	store_close(st);
	st = NULL;
	tu_dir_teardown();
}

static const tb_outcome cycle[] = {TB_OUT_CORRECT, TB_OUT_INCORRECT, TB_OUT_ERROR, TB_OUT_UNGRADED,
				   TB_OUT_CORRECT, TB_OUT_TRUNCATED};
#define CYCLE (sizeof(cycle) / sizeof(cycle[0]))

/* Sample i: its own key, an outcome from the cycle, some text. */
static tb_sample sample(int i, char *id, size_t idlen)
{
	snprintf(id, idlen, "item-%06d", i);
	return (tb_sample){.suite = "s", .item_id = id, .model = "m", .mode = "think",
			   .outcome = cycle[(size_t)i % CYCLE], .reasoning = "thinking it over",
			   .answer = "\\boxed{42}", .expected = "42", .error = "",
			   .ttft_ms = 1, .total_ms = 2, .finished_at = 3};
}

static long stored(void)
{
	return tu_db_long(dbpath, "SELECT count(*) FROM samples");
}

static void wait_committed(tb_writer *w, long want)
{
	writer_counts c;
	double until = tu_now_s() + 5;

	do {
		writer_committed(w, &c);
		if (c.done >= want)
			break;
		usleep(1000);
	} while (tu_now_s() < until);
	ck_assert_int_eq(c.done, want);
}

START_TEST(counted_only_once_committed)
{
	const int n = 3000;
	tb_writer *w = NULL;
	writer_counts c, last;
	long graded = 0, correct = 0, errors = 0;

	ck_assert_msg(writer_start(st, NULL, NULL, NULL, NULL, &w, err, sizeof(err)) == TB_OK, "%s", err);
	for (int i = 0; i < n; i++) {
		char id[32];
		tb_sample s = sample(i, id, sizeof(id));

		ck_assert_msg(writer_put(w, &s, err, sizeof(err)) == TB_OK, "%s", err);
		graded += s.outcome != TB_OUT_ERROR && s.outcome != TB_OUT_UNGRADED;
		correct += s.outcome == TB_OUT_CORRECT;
		errors += s.outcome == TB_OUT_ERROR;
		if (i % 400 == 0) {
			/* What is counted is already visible to another connection. */
			writer_committed(w, &c);
			ck_assert_int_le(c.done, i + 1);
			ck_assert_int_ge(stored(), c.done);
		}
	}
	ck_assert_msg(writer_finish(w, &last, err, sizeof(err)) == TB_OK, "%s", err);
	ck_assert_int_eq(last.done, n);
	ck_assert_int_eq(last.graded, graded);
	ck_assert_int_eq(last.correct, correct);
	ck_assert_int_eq(last.errors, errors);
	ck_assert_int_eq(stored(), n);
	ck_assert_int_eq(tu_db_long(dbpath, "SELECT count(*) FROM grades WHERE grading = 0"), n);
	ck_assert_int_eq(writer_finish(NULL, &last, err, sizeof(err)), TB_OK);
	ck_assert_int_eq(last.done, 0);
}
END_TEST

/* A lone sample does not wait for company, before and after a quiet spell. */
START_TEST(lone_samples_are_committed)
{
	tb_writer *w = NULL;
	char id[32];
	tb_sample s;
	double t0;

	ck_assert_msg(writer_start(st, NULL, NULL, NULL, NULL, &w, err, sizeof(err)) == TB_OK, "%s", err);
	s = sample(1, id, sizeof(id));
	t0 = tu_now_s();
	ck_assert_int_eq(writer_put(w, &s, err, sizeof(err)), TB_OK);
	wait_committed(w, 1);
	ck_assert_msg(tu_now_s() - t0 < 1, "a lone sample waited %.3f s", tu_now_s() - t0);
	ck_assert_int_eq(stored(), 1);
	usleep(50000);
	s = sample(2, id, sizeof(id));
	ck_assert_int_eq(writer_put(w, &s, err, sizeof(err)), TB_OK);
	wait_committed(w, 2);
	ck_assert_int_eq(writer_finish(w, NULL, err, sizeof(err)), TB_OK);
}
END_TEST

/* A flush does not wait out the gathering of a batch: the end of a run
 * flushes its last answers and grades, and each wait there is the user's.
 * Each of these flushes would take GATHER_NS (10 ms) if it did; together
 * they are held to less than that many gathers. */
START_TEST(flush_ends_a_gather)
{
	const int n = 50;
	tb_writer *w = NULL;
	double t0;

	ck_assert_msg(writer_start(st, NULL, NULL, NULL, NULL, &w, err, sizeof(err)) == TB_OK, "%s", err);
	t0 = tu_now_s();
	for (int i = 0; i < n; i++) {
		char id[32];
		tb_sample s = sample(i, id, sizeof(id));

		ck_assert_int_eq(writer_put(w, &s, err, sizeof(err)), TB_OK);
		ck_assert_msg(writer_flush(w, err, sizeof(err)) == TB_OK, "%s", err);
		ck_assert_int_eq(stored(), i + 1);
	}
	ck_assert_msg(tu_now_s() - t0 < n * 0.010,
		      "%d flushes took %.3f s: each waited for company", n, tu_now_s() - t0);
	ck_assert_int_eq(writer_finish(w, NULL, err, sizeof(err)), TB_OK);
}
END_TEST

START_TEST(failure_surfaces)
{
	tb_writer *w = NULL;
	writer_counts last;
	char id[32];
	tb_sample bad;
	int rc = TB_OK, i;

	ck_assert_msg(writer_start(st, NULL, NULL, NULL, NULL, &w, err, sizeof(err)) == TB_OK, "%s", err);
	bad = sample(0, id, sizeof(id));
	bad.outcome = TB_OUT_COUNT; /* the store refuses it */
	ck_assert_int_eq(writer_put(w, &bad, err, sizeof(err)), TB_OK);
	/* bounded: the failure is seen within seconds */
	for (i = 1; i < 100000 && rc == TB_OK; i++) {
		tb_sample s = sample(i, id, sizeof(id));

		rc = writer_put(w, &s, err, sizeof(err));
		if (rc == TB_OK && i % 100 == 0)
			usleep(10000);
	}
	ck_assert_int_eq(rc, TB_ERR);
	ck_assert_msg(strstr(err, "invalid outcome") != NULL, "%s", err);
	err[0] = '\0';
	ck_assert_int_eq(writer_finish(w, &last, err, sizeof(err)), TB_ERR);
	ck_assert_msg(strstr(err, "invalid outcome") != NULL, "%s", err);
	/* the failed batch is not counted, and not stored */
	ck_assert_int_eq(last.done, stored());
}
END_TEST

/* The hook writes beside each sample, in its batch. */
typedef struct hook_ctx {
	int fail_at; /* the call that fails */
	int calls;   /* the writer thread's alone until writer_finish() */
} hook_ctx;

static int hook(void *ud, const tb_sample *s, char *e, size_t elen)
{
	hook_ctx *h = ud;
	tb_item_k r = {.suite = s->suite, .item_id = s->item_id, .model = s->model, .mode = s->mode,
		       .budget = s->budget, .k = 1, .n = 1, .maj_answer = ""};

	if (++h->calls == h->fail_at)
		return tb_seterr(e, elen, "the hook refused %s", s->item_id);
	return store_put_item_k(st, &r, e, elen);
}

START_TEST(hook_commits_and_fails_with_its_batch)
{
	hook_ctx h = {.fail_at = 2500};
	tb_writer *w = NULL;
	writer_counts last;
	int rc = TB_OK;

	ck_assert_msg(writer_start(st, hook, &h, NULL, NULL, &w, err, sizeof(err)) == TB_OK, "%s", err);
	for (int i = 0; i < 3000 && rc == TB_OK; i++) {
		char id[32];
		tb_sample s = sample(i, id, sizeof(id));

		rc = writer_put(w, &s, err, sizeof(err));
		if (i % 100 == 0)
			usleep(5000);
	}
	err[0] = '\0';
	ck_assert_int_eq(writer_finish(w, &last, err, sizeof(err)), TB_ERR);
	ck_assert_msg(strstr(err, "the hook refused") != NULL, "%s", err);
	ck_assert_int_ge(h.calls, h.fail_at);
	/* batches before the failure: every sample with its row; the failed
	 * batch: neither */
	ck_assert_int_gt(last.done, 0);
	ck_assert_int_lt(last.done, h.fail_at);
	ck_assert_int_eq(stored(), last.done);
	ck_assert_int_eq(tu_db_long(dbpath, "SELECT count(*) FROM item_k"), last.done);
}
END_TEST

typedef struct task_ctx {
	const char *item_id; /* the item it writes */
	long seen;           /* samples stored when the task ran */
	int fail;
	int ended;           /* ended() calls */
	int committed;       /* what the last said */
	long stored_at_end;  /* samples in the store then */
	tb_writer *w;        /* set: ended() puts a sample to it */
	int put_rc;          /* what that put returned */
} task_ctx;

static int task(void *ud, tb_store *tst, char *terr, size_t terrlen)
{
	task_ctx *t = ud;
	tb_stored_item it = {.suite = "s", .item_id = t->item_id, .prompt = "p", .lang = "", .expected = ""};

	it.tags = json_array();
	t->seen = store_count_samples(tst);
	if (store_put_item(tst, &it, terr, terrlen) != TB_OK)
		t->seen = -1;
	json_decref(it.tags);
	return t->fail ? tb_seterr(terr, terrlen, "the task refused") : TB_OK;
}

static void task_ended(void *ud, int committed)
{
	task_ctx *t = ud;

	t->ended++;
	t->committed = committed;
	t->stored_at_end = stored();
	if (t->w) {
		char id[32], perr[256];
		tb_sample s = sample(999, id, sizeof(id));

		t->put_rc = writer_put(t->w, &s, perr, sizeof(perr));
	}
}

static int put_task(tb_writer *w, task_ctx *t)
{
	return writer_put_task(w, &(writer_task){.run = task, .ended = task_ended, .ud = t}, err, sizeof(err));
}

/* A task runs after what was queued before it, what it writes commits or
 * rolls back with its batch, and it hears which, after the commit. */
START_TEST(tasks_run_in_order_inside_their_batch)
{
	task_ctx t = {.item_id = "kept"}, bad = {.item_id = "rolled-back", .fail = 1}, late = {.item_id = "late"};
	tb_writer *w = NULL;
	int rc = TB_OK;

	ck_assert_msg(writer_start(st, NULL, NULL, NULL, NULL, &w, err, sizeof(err)) == TB_OK, "%s", err);
	for (int i = 0; i < 200; i++) {
		char id[32];
		tb_sample s = sample(i, id, sizeof(id));

		if (i == 150)
			ck_assert_int_eq(put_task(w, &t), TB_OK);
		ck_assert_int_eq(writer_put(w, &s, err, sizeof(err)), TB_OK);
	}
	ck_assert_msg(writer_finish(w, NULL, err, sizeof(err)) == TB_OK, "%s", err);
	ck_assert_int_eq(t.seen, 150);
	ck_assert_int_eq(t.ended, 1);
	ck_assert_int_eq(t.committed, 1);
	ck_assert_int_ge(t.stored_at_end, 151);
	ck_assert_int_eq(stored(), 200);
	ck_assert_int_eq(tu_db_long(dbpath, "SELECT count(*) FROM items WHERE item_id = 'kept'"), 1);

	ck_assert_msg(writer_start(st, NULL, NULL, NULL, NULL, &w, err, sizeof(err)) == TB_OK, "%s", err);
	bad.w = w;
	ck_assert_int_eq(put_task(w, &bad), TB_OK);
	for (int i = 200; i < 300 && rc == TB_OK; i++) {
		char id[32];
		tb_sample s = sample(i, id, sizeof(id));

		rc = writer_put(w, &s, err, sizeof(err));
	}
	if (rc == TB_OK)
		rc = put_task(w, &late);
	err[0] = '\0';
	ck_assert_int_eq(writer_finish(w, NULL, err, sizeof(err)), TB_ERR);
	ck_assert_msg(strstr(err, "the task refused") != NULL, "%s", err);
	ck_assert_int_eq(bad.seen, 200);
	ck_assert_int_eq(bad.ended, 1);
	ck_assert_int_eq(bad.committed, 0);
	/* the writer had failed when the task heard it */
	ck_assert_int_eq(bad.put_rc, TB_ERR);
	ck_assert_int_eq(late.seen, 0);
	ck_assert_int_eq(late.ended, rc == TB_OK);
	ck_assert_int_eq(late.committed, 0);
	ck_assert_int_eq(tu_db_long(dbpath, "SELECT count(*) FROM items"), 1);
	ck_assert_int_eq(stored(), 200);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("writer");
	TCase *tc = tcase_create("writer");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, counted_only_once_committed);
	tcase_add_test(tc, lone_samples_are_committed);
	tcase_add_test(tc, flush_ends_a_gather);
	tcase_add_test(tc, failure_surfaces);
	tcase_add_test(tc, hook_commits_and_fails_with_its_batch);
	tcase_add_test(tc, tasks_run_in_order_inside_their_batch);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
