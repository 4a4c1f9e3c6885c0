/* pass@k and maj@k: the estimator against Chen et al. (2021)'s worked
 * numbers and against exact binomials, the k values, answer normalisation,
 * majority votes with ties, and the item_k / cell_k tables written from a
 * store built by hand, by a pass over it and as its samples are stored. */
#include <check.h>
#include <math.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "passk.h"
#include "rc.h"
#include "store.h"
#include "testutil.h"

static char dbpath[4200];
static char err[1024];

static void setup(void)
{
	tu_dir_setup();
	snprintf(dbpath, sizeof(dbpath), "%s/store.sqlite", tu_dir);
}

static unsigned long long binom(int n, int k)
{
	unsigned long long r = 1;

	if (k < 0 || k > n)
		return 0;
	for (int i = 1; i <= k; i++)
		r = r * (unsigned long long)(n - k + i) / (unsigned long long)i;
	return r;
}

START_TEST(estimator_worked_examples)
{
	/* n = 10, c = 3: pass@1 = c/n; pass@5 = 1 - C(7,5)/C(10,5) = 1 - 21/252 */
	ck_assert_double_eq_tol(passk_estimate(10, 3, 1), 0.3, 1e-12);
	ck_assert_double_eq_tol(passk_estimate(10, 3, 5), 1.0 - 21.0 / 252.0, 1e-12);
	ck_assert_double_eq_tol(passk_estimate(10, 3, 5), 0.9166666666666666, 1e-12);
	/* more draws than wrong samples: certain */
	ck_assert_double_eq(passk_estimate(10, 3, 8), 1.0);
	ck_assert_double_eq(passk_estimate(5, 0, 1), 0.0);
	ck_assert_double_eq(passk_estimate(5, 0, 5), 0.0);
	ck_assert_double_eq(passk_estimate(5, 5, 1), 1.0);
	ck_assert_double_eq(passk_estimate(5, 5, 5), 1.0);
	ck_assert_double_eq(passk_estimate(1, 1, 1), 1.0);
	ck_assert_double_eq(passk_estimate(1, 0, 1), 0.0);
	/* out of range */
	ck_assert(isnan(passk_estimate(0, 0, 1)));
	ck_assert(isnan(passk_estimate(5, 6, 1)));
	ck_assert(isnan(passk_estimate(5, 2, 6)));
	ck_assert(isnan(passk_estimate(5, 2, 0)));
	ck_assert(isnan(passk_estimate(5, -1, 1)));
}
END_TEST

START_TEST(estimator_matches_binomials)
{
	for (int n = 1; n <= 30; n++)
		for (int c = 0; c <= n; c++)
			for (int k = 1; k <= n; k++) {
				double want = 1.0 - (double)binom(n - c, k) / (double)binom(n, k);

				ck_assert_msg(fabs(passk_estimate(n, c, k) - want) < 1e-9,
					      "n=%d c=%d k=%d: %.12f, want %.12f", n, c, k,
					      passk_estimate(n, c, k), want);
			}
	/* large n stays in range and monotone in k, with no overflow */
	for (int k = 1; k < 1000; k++) {
		double a = passk_estimate(1000, 7, k), b = passk_estimate(1000, 7, k + 1);

		ck_assert(a >= 0 && a <= 1 && b >= a);
	}
}
END_TEST

START_TEST(k_values)
{
	int ks[40];
	size_t n;

	n = passk_ks(1, ks, 40);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(ks[0], 1);
	n = passk_ks(4, ks, 40);
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(ks[0], 1);
	ck_assert_int_eq(ks[1], 2);
	ck_assert_int_eq(ks[2], 4);
	n = passk_ks(10, ks, 40);
	ck_assert_uint_eq(n, 5);
	ck_assert_int_eq(ks[3], 8);
	ck_assert_int_eq(ks[4], 10);
	ck_assert_uint_eq(passk_ks(1000, ks, 40), 11);
	ck_assert_int_eq(ks[10], 1000);
	ck_assert_uint_eq(passk_ks(0, ks, 40), 0);
	ck_assert_uint_eq(passk_ks(1000, ks, 3), 3);
}
END_TEST

START_TEST(normalize)
{
	char out[16];

	passk_normalize("  Forty\t Two \n", out, sizeof(out));
	ck_assert_str_eq(out, "forty two");
	passk_normalize("", out, sizeof(out));
	ck_assert_str_eq(out, "");
	passk_normalize(" \t ", out, sizeof(out));
	ck_assert_str_eq(out, "");
	/* bytes above ASCII (UTF-8) are kept as they are */
	passk_normalize("Ünï X", out, sizeof(out));
	ck_assert_str_eq(out, "Ünï x");
	passk_normalize("abcdefghijklmnopqrstuvwxyz", out, sizeof(out));
	ck_assert_str_eq(out, "abcdefghijklmno");
	passk_normalize("a b", out, 2);
	ck_assert_str_eq(out, "a");
}
END_TEST

START_TEST(majority)
{
	const char *a1[] = {"7", "8", "8", "7", "7"};
	const int c1[] = {0, 0, 0, 0, 0};
	const int c1b[] = {0, 1, 1, 0, 0};
	const char *a2[] = {"", "", "5"};
	const int c2[] = {0, 0, 1};
	const char *a3[] = {"b", "a", "a", "b"};
	const int c3[] = {1, 0, 0, 1};
	const char *none[] = {"", ""};
	const int cn[] = {0, 0};
	int ok;

	/* k=1: the first answer */
	ck_assert_int_eq(passk_majority(a1, c1, 1, &ok), 0);
	/* k=3: 8 has two votes */
	ck_assert_int_eq(passk_majority(a1, c1b, 3, &ok), 1);
	ck_assert_int_eq(ok, 1);
	/* k=4: 7 and 8 tie at two; 7 came first */
	ck_assert_int_eq(passk_majority(a1, c1b, 4, &ok), 0);
	ck_assert_int_eq(ok, 0);
	/* k=5: 7 wins outright */
	ck_assert_int_eq(passk_majority(a1, c1, 5, &ok), 0);
	ck_assert_int_eq(ok, 0);
	/* samples without an answer do not vote */
	ck_assert_int_eq(passk_majority(a2, c2, 2, &ok), -1);
	ck_assert_int_eq(ok, 0);
	ck_assert_int_eq(passk_majority(a2, c2, 3, &ok), 2);
	ck_assert_int_eq(ok, 1);
	/* a 2-2 tie goes to the earlier answer, b, graded correct */
	ck_assert_int_eq(passk_majority(a3, c3, 4, &ok), 0);
	ck_assert_int_eq(ok, 1);
	/* k=3: a leads 2-1 and is wrong */
	ck_assert_int_eq(passk_majority(a3, c3, 3, &ok), 1);
	ck_assert_int_eq(ok, 0);
	ck_assert_int_eq(passk_majority(none, cn, 2, &ok), -1);
	ck_assert_int_eq(ok, 0);
}
END_TEST

/* ---- item_k and cell_k from a hand-made store ---- */

static tb_store *new_store(int samples)
{
	tb_run_info ri = {0};
	tb_store *st = NULL;

	snprintf(ri.run_id, sizeof(ri.run_id), "passk");
	snprintf(ri.version, sizeof(ri.version), "0");
	snprintf(ri.started, sizeof(ri.started), "2026-11-21T00:00:00Z");
	snprintf(ri.status, sizeof(ri.status), "done");
	ri.options = json_pack("{si}", "samples", samples);
	snprintf(ri.suites_hash, sizeof(ri.suites_hash), "x");
	snprintf(ri.models_hash, sizeof(ri.models_hash), "y");
	ck_assert_msg(store_create(dbpath, &ri, &st, err, sizeof(err)) == TB_OK, "%s", err);
	store_run_info_release(&ri);
	return st;
}

static void put(tb_store *st, const char *item, const char *mode, int sample, tb_outcome o,
		const char *extracted)
{
	tb_sample s = {
		.suite = "s", .item_id = item, .model = "m", .mode = mode, .sample = sample,
		.outcome = o, .extracted = extracted, .grader = "regex", .grader_version = "regex/1",
		.lang_check = -1, .prompt_tokens = -1, .completion_tokens = -1, .reasoning_tokens = -1,
		.cached_tokens = -1, .cost_usd = NAN, .ttft_ms = NAN, .ttfa_ms = NAN, .total_ms = NAN,
		.finished_at = NAN,
	};

	ck_assert_msg(store_put_sample(st, &s, err, sizeof(err)) == TB_OK, "%s", err);
}

typedef struct found {
	int n;
	tb_item_k rows[64];
	char answers[64][16], items[64][16], modes[64][16];
	int ncells;
	char cell_modes[16][16];
	tb_cell_k cells[16];
} found;

static int on_item(void *ud, const tb_item_k *r)
{
	found *f = ud;

	ck_assert_int_lt(f->n, 64);
	f->rows[f->n] = *r;
	/* the row's strings live only during the call */
	snprintf(f->answers[f->n], sizeof(f->answers[0]), "%s", r->maj_answer);
	snprintf(f->items[f->n], sizeof(f->items[0]), "%s", r->item_id);
	snprintf(f->modes[f->n], sizeof(f->modes[0]), "%s", r->mode);
	f->rows[f->n].item_id = f->items[f->n];
	f->rows[f->n].mode = f->modes[f->n];
	f->rows[f->n].suite = f->rows[f->n].model = f->rows[f->n].maj_answer = NULL;
	f->n++;
	return 0;
}

static int on_cell(void *ud, const tb_cell_k *c)
{
	found *f = ud;

	ck_assert_int_lt(f->ncells, 16);
	f->cells[f->ncells] = *c;
	snprintf(f->cell_modes[f->ncells], sizeof(f->cell_modes[0]), "%s", c->mode);
	f->cells[f->ncells].mode = f->cell_modes[f->ncells];
	f->cells[f->ncells].suite = f->cells[f->ncells].model = NULL;
	f->ncells++;
	return 0;
}

static const tb_item_k *row(const found *f, const char *item, const char *mode, int k)
{
	for (int i = 0; i < f->n; i++)
		if (strcmp(f->rows[i].item_id, item) == 0 && strcmp(f->rows[i].mode, mode) == 0 && f->rows[i].k == k)
			return &f->rows[i];
	return NULL;
}

START_TEST(store_tables)
{
	tb_store *st = new_store(4);
	static found f;
	const tb_item_k *r;

	memset(&f, 0, sizeof(f));
	/* a: 2 of 4 correct; answers 3, 3, 5 (right), 5 (right): k=4 tie -> 3 (wrong) */
	put(st, "a", "think", 0, TB_OUT_INCORRECT, "3");
	put(st, "a", "think", 1, TB_OUT_INCORRECT, " 3 ");
	put(st, "a", "think", 2, TB_OUT_CORRECT, "5");
	put(st, "a", "think", 3, TB_OUT_CORRECT, "5");
	/* b: an error and a truncation; 1 of 3 graded correct, truncated has no vote */
	put(st, "b", "think", 0, TB_OUT_CORRECT, "X");
	put(st, "b", "think", 1, TB_OUT_ERROR, "");
	put(st, "b", "think", 2, TB_OUT_TRUNCATED, "");
	put(st, "b", "think", 3, TB_OUT_INCORRECT, "y");
	/* c in another mode: all correct */
	for (int i = 0; i < 4; i++)
		put(st, "c", "nothink", i, TB_OUT_CORRECT, "ok");
	/* d: ungraded only: no rows at all */
	put(st, "d", "think", 0, TB_OUT_UNGRADED, "");

	/* nothing until computed */
	ck_assert_int_eq(store_each_item_k(st, on_item, &f, err, sizeof(err)), TB_OK);
	ck_assert_int_eq(f.n, 0);
	ck_assert_msg(passk_update_store(st, err, sizeof(err)) == TB_OK, "%s", err);
	ck_assert_int_eq(store_each_item_k(st, on_item, &f, err, sizeof(err)), TB_OK);
	ck_assert_int_eq(store_each_cell_k(st, on_cell, &f, err, sizeof(err)), TB_OK);
	/* a: k 1,2,4; b (n=3): k 1,2; c: 1,2,4 */
	ck_assert_int_eq(f.n, 8);
	r = row(&f, "a", "think", 1);
	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(r->n, 4);
	ck_assert_int_eq(r->c, 2);
	ck_assert_double_eq_tol(r->pass_at_k, 0.5, 1e-12);
	ck_assert_int_eq(r->maj_correct, 0);
	r = row(&f, "a", "think", 2);
	ck_assert_double_eq_tol(r->pass_at_k, 1.0 - 1.0 / 6.0, 1e-12);
	r = row(&f, "a", "think", 4);
	ck_assert_double_eq(r->pass_at_k, 1.0);
	ck_assert_int_eq(r->maj_correct, 0);
	ck_assert_str_eq(f.answers[r - f.rows], "3");
	ck_assert_ptr_null(row(&f, "b", "think", 4));
	r = row(&f, "b", "think", 2);
	ck_assert_int_eq(r->n, 3);
	ck_assert_int_eq(r->c, 1);
	ck_assert_double_eq_tol(r->pass_at_k, 1.0 - 1.0 / 3.0, 1e-12);
	/* x then the truncated sample: x leads */
	ck_assert_int_eq(r->maj_correct, 1);
	ck_assert_str_eq(f.answers[r - f.rows], "x");
	r = row(&f, "c", "nothink", 4);
	ck_assert_double_eq(r->pass_at_k, 1.0);
	ck_assert_int_eq(r->maj_correct, 1);

	/* cells: think has a and b at k 1, 2 and a alone at 4; nothink c at 1, 2, 4 */
	ck_assert_int_eq(f.ncells, 6);
	for (int i = 0; i < f.ncells; i++) {
		const tb_cell_k *c = &f.cells[i];

		if (strcmp(c->mode, "think") == 0 && c->k == 1) {
			ck_assert_int_eq(c->n_items, 2);
			ck_assert_double_eq_tol(c->pass_at_k, (0.5 + 1.0 / 3.0) / 2, 1e-12);
			ck_assert_double_eq_tol(c->maj_at_k, 0.5, 1e-12);
		} else if (strcmp(c->mode, "think") == 0 && c->k == 4) {
			ck_assert_int_eq(c->n_items, 1);
			ck_assert_double_eq(c->maj_at_k, 0.0);
		} else if (strcmp(c->mode, "nothink") == 0) {
			ck_assert_int_eq(c->n_items, 1);
			ck_assert_double_eq(c->pass_at_k, 1.0);
		}
	}
	/* computing again replaces, never adds */
	ck_assert_msg(passk_update_store(st, err, sizeof(err)) == TB_OK, "%s", err);
	f.n = 0;
	ck_assert_int_eq(store_each_item_k(st, on_item, &f, err, sizeof(err)), TB_OK);
	ck_assert_int_eq(f.n, 8);
	store_close(st);
}
END_TEST

/* ---- the same tables written as samples are stored ---- */

typedef struct dump {
	char text[1 << 18];
	size_t len;
	int rows;
} dump;

static int dump_item(void *ud, const tb_item_k *r)
{
	dump *d = ud;

	d->len += (size_t)snprintf(d->text + d->len, sizeof(d->text) - d->len,
				   "%s|%s|%s|%ld|%d|%d|%d|%.17g|%d|%s\n", r->item_id, r->model, r->mode,
				   r->budget, r->k, r->n, r->c, r->pass_at_k, r->maj_correct, r->maj_answer);
	ck_assert_uint_lt(d->len, sizeof(d->text));
	d->rows++;
	return 0;
}

static int dump_cell(void *ud, const tb_cell_k *c)
{
	dump *d = ud;

	d->len += (size_t)snprintf(d->text + d->len, sizeof(d->text) - d->len,
				   "cell %s|%s|%ld|%d|%ld|%.17g|%.17g\n", c->model, c->mode, c->budget, c->k,
				   c->n_items, c->pass_at_k, c->maj_at_k);
	ck_assert_uint_lt(d->len, sizeof(d->text));
	return 0;
}

static void dump_tables(tb_store *st, dump *d)
{
	memset(d, 0, sizeof(*d));
	ck_assert_msg(store_each_item_k(st, dump_item, d, err, sizeof(err)) == TB_OK, "%s", err);
	ck_assert_msg(store_each_cell_k(st, dump_cell, d, err, sizeof(err)) == TB_OK, "%s", err);
}

/* pairs / 2 items x 2 modes x samples, with votes that tie, errors and
 * truncations, stored in batches of 5 in an order far from the samples':
 * the sample index descending, items interleaved, so every item stays open
 * until the last round. skip (>= 0) leaves out that one sample. */
static void store_live(tb_store *st, passk_live *p, int pairs, int samples, int skip)
{
	static const char *answers[] = {"7", "8", " 7", "x", "", "8 "};
	static const tb_outcome others[] = {TB_OUT_ERROR, TB_OUT_TRUNCATED, TB_OUT_NOANSWER,
					    TB_OUT_UNGRADED, TB_OUT_PARTIAL};
	int order = 0, in_batch = 0;

	for (int sample = samples - 1; sample >= 0; sample--)
		for (int i = 0; i < pairs; i++, order++) {
			char item[16];
			int v = (i * 7 + sample * 3) % 11;
			tb_sample s = {
				.suite = "s", .item_id = item, .model = "m", .mode = i % 2 ? "think" : "nothink",
				.sample = sample, .outcome = v < 6 ? (v % 2 ? TB_OUT_INCORRECT : TB_OUT_CORRECT)
								   : others[v - 6],
				.extracted = answers[(i + sample) % 6], .grader = "regex",
				.grader_version = "regex/1", .lang_check = -1, .prompt_tokens = -1,
				.completion_tokens = -1, .reasoning_tokens = -1, .cached_tokens = -1,
				.cost_usd = NAN, .ttft_ms = NAN, .ttfa_ms = NAN, .total_ms = NAN,
				.finished_at = NAN,
			};

			if (order == skip)
				continue;
			snprintf(item, sizeof(item), "i%04d", i / 2);
			if (in_batch == 0)
				ck_assert_msg(store_begin(st, err, sizeof(err)) == TB_OK, "%s", err);
			ck_assert_msg(store_put_sample(st, &s, err, sizeof(err)) == TB_OK, "%s", err);
			ck_assert_msg(passk_live_add(p, &s, err, sizeof(err)) == TB_OK, "%s", err);
			if (++in_batch == 5) {
				ck_assert_msg(store_commit(st, err, sizeof(err)) == TB_OK, "%s", err);
				in_batch = 0;
			}
		}
	if (in_batch)
		ck_assert_msg(store_commit(st, err, sizeof(err)) == TB_OK, "%s", err);
}

static void live_against_pass(int pairs, int samples, int skip)
{
	tb_store *st = new_store(samples);
	passk_live *p = NULL;
	static dump before, live, pass;

	ck_assert_msg(passk_live_new(st, &p, err, sizeof(err)) == TB_OK, "%s", err);
	store_live(st, p, pairs, samples, skip);
	dump_tables(st, &before);
	ck_assert_msg(passk_live_finish(p, err, sizeof(err)) == TB_OK, "%s", err);
	passk_live_free(p);
	dump_tables(st, &live);
	ck_assert_ptr_nonnull(strstr(live.text, "cell "));
	ck_assert_msg(passk_update_store(st, err, sizeof(err)) == TB_OK, "%s", err);
	dump_tables(st, &pass);
	ck_assert_str_eq(live.text, pass.text);
	if (skip < 0) {
		/* every item's rows were written as its last sample came, before
		 * the end: only cell_k was missing */
		ck_assert_int_gt(before.rows, pairs);
		ck_assert_ptr_null(strstr(before.text, "cell "));
		ck_assert_int_eq(before.rows, pass.rows);
		ck_assert_int_eq(strncmp(before.text, pass.text, before.len), 0);
	}
	store_close(st);
}

START_TEST(live_rows_match_the_pass)
{
	live_against_pass(24, 4, -1);
}
END_TEST

START_TEST(live_many_items_open)
{
	/* 1,200 open at once: the table grows twice on the way */
	live_against_pass(1200, 2, -1);
}
END_TEST

START_TEST(live_item_short_of_a_sample)
{
	/* the last sample of an item: its rows come from the pass at the end */
	live_against_pass(24, 4, 24 * 4 - 1);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("passk");
	TCase *tc = tcase_create("passk");

	tcase_add_checked_fixture(tc, setup, tu_dir_teardown);
	tcase_add_test(tc, estimator_worked_examples);
	tcase_add_test(tc, estimator_matches_binomials);
	tcase_add_test(tc, k_values);
	tcase_add_test(tc, normalize);
	tcase_add_test(tc, majority);
	tcase_add_test(tc, store_tables);
	tcase_add_test(tc, live_rows_match_the_pass);
	tcase_add_test(tc, live_many_items_open);
	tcase_add_test(tc, live_item_short_of_a_sample);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
