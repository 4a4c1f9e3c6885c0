/* compare: pairing, per-cell verdicts and the four formats on stores built
 * here sample by sample; the command's exit codes on bad input; and end to
 * end, runs of the simulator (a separate `thinkbench sim` over loopback)
 * whose profiles make the candidate regress, stay the same or change a
 * little. The command is called as cmd_compare() in a child process, so the
 * test does not depend on main.c's table. */
#include <curl/curl.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "compare.h"
#include "pairstats.h"
#include "rc.h"
#include "store.h"
#include "testutil.h"

int cmd_compare(int argc, char **argv);

static char err[1024];

/* ---- stores built by hand ---- */

/* A store whose run row has the given command line and options (both
 * taken; NULL: a bare "thinkbench" and no options). */
static tb_store *new_store_with(const char *name, const char *run_id, int simulated, json_t *cmdline,
				json_t *options)
{
	char path[700];
	tb_run_info ri;
	tb_store *st = NULL;

	memset(&ri, 0, sizeof(ri));
	snprintf(ri.run_id, sizeof(ri.run_id), "%s", run_id);
	snprintf(ri.version, sizeof(ri.version), "test");
	snprintf(ri.started, sizeof(ri.started), "2026-01-01T00:00:00Z");
	snprintf(ri.status, sizeof(ri.status), "done");
	ri.simulated = simulated;
	ri.cmdline = cmdline ? cmdline : json_pack("[s]", "thinkbench");
	ri.options = options ? options : json_object();
	snprintf(path, sizeof(path), "%s/%s", tu_dir, name);
	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/%s/store.sqlite", tu_dir, name);
	ck_assert_msg(store_create(path, &ri, &st, err, sizeof(err)) == TB_OK, "%s", err);
	store_run_info_release(&ri);
	return st;
}

static tb_store *new_store(const char *name, const char *run_id, int simulated)
{
	return new_store_with(name, run_id, simulated, NULL, NULL);
}

static void put_sample(tb_store *st, const char *suite, const char *item, const char *model, int sample,
		       int correct, double total_ms, double cost)
{
	tb_sample s = {
		.suite = suite, .item_id = item, .model = model, .mode = "nothink", .budget = 0, .sample = sample,
		.outcome = correct < 0 ? TB_OUT_ERROR : correct ? TB_OUT_CORRECT : TB_OUT_INCORRECT,
		.extracted = "", .expected = "", .grade_reason = "", .grader = "regex", .split_method = "",
		.reasoning = "", .answer = "", .prompt_tokens = 10, .completion_tokens = 20,
		.reasoning_tokens = 0, .cached_tokens = 0, .cost_usd = cost, .ttft_ms = NAN, .ttfa_ms = NAN,
		.total_ms = total_ms, .finish_reason = "stop", .native_finish_reason = "", .http_status = 200,
		.attempts = 1, .error = correct < 0 ? "boom" : "", .lang = "en", .provider = "",
		.generation_id = "",
	};

	ck_assert_msg(store_put_sample(st, &s, err, sizeof(err)) == TB_OK, "%s", err);
}

static void put(tb_store *st, const char *suite, const char *item, const char *model, int correct,
		double total_ms, double cost)
{
	put_sample(st, suite, item, model, 0, correct, total_ms, cost);
}

static tb_store *open_ro(const char *name)
{
	char path[700];
	tb_store *st = NULL;

	snprintf(path, sizeof(path), "%s/%s/store.sqlite", tu_dir, name);
	ck_assert_msg(store_open(path, 1, &st, err, sizeof(err)) == TB_OK, "%s", err);
	return st;
}

static compare_result *run_compare(const char *a, const char *b, const compare_opts *o)
{
	tb_store *x = open_ro(a), *y = open_ro(b);
	compare_result *r = NULL;

	ck_assert_msg(compare_runs(x, y, o, &r, err, sizeof(err)) == TB_OK, "%s", err);
	store_close(x);
	store_close(y);
	return r;
}

/* Base: 40 items, the first 30 right. Candidate: the first 20 and s30, s31
 * right: 10 lost, 2 won, one-sided McNemar p = 79 / 4096 = 0.0193. */
static void make_flip_runs(void)
{
	tb_store *a = new_store("base", "run-a", 0), *b = new_store("cand", "run-b", 0);
	char id[16];

	for (int i = 0; i < 40; i++) {
		snprintf(id, sizeof(id), "s%02d", i);
		put(a, "sums", id, "m/x", i < 30, 1000 + i, 0.001);
		put(b, "sums", id, "m/x", i < 20 || i == 30 || i == 31, 1000 + i, 0.001);
	}
	store_close(a);
	store_close(b);
}

START_TEST(pairs_flips_and_mcnemar)
{
	compare_opts o;
	compare_result *r;
	const compare_cell *c;

	make_flip_runs();
	compare_opts_defaults(&o);
	r = run_compare("base", "cand", &o);
	ck_assert_uint_eq(r->n, 1);
	c = &r->cells[0];
	ck_assert_str_eq(c->suite, "sums");
	ck_assert_str_eq(c->model, "m/x");
	ck_assert_int_eq(r->paired, 40);
	ck_assert_int_eq(c->n11, 20);
	ck_assert_int_eq(c->n12, 10);
	ck_assert_int_eq(c->n21, 2);
	ck_assert_int_eq(c->n22, 8);
	ck_assert_double_eq_tol(c->acc_base, 0.75, 1e-12);
	ck_assert_double_eq_tol(c->acc_cand, 0.55, 1e-12);
	ck_assert_double_eq_tol(c->diff, -0.20, 1e-12);
	ck_assert(c->diff_lo < -0.2 && c->diff_hi > -0.2 && c->diff_hi < 0);
	ck_assert_double_eq_tol(c->p_value, 79.0 / 4096, 1e-12);
	/* one test: Holm leaves it as it is */
	ck_assert_double_eq_tol(c->p_adj, 79.0 / 4096, 1e-12);
	ck_assert_uint_eq(r->n_tests, 1);
	ck_assert_uint_eq(c->regressed, COMPARE_REG_ACCURACY);
	ck_assert_uint_eq(r->n_regressed, 1);
	ck_assert_uint_eq(c->n_lost_kept, 10);
	ck_assert_str_eq(c->lost[0], "s20");
	ck_assert_str_eq(c->lost[9], "s29");
	ck_assert_uint_eq(c->n_won_kept, 2);
	ck_assert_str_eq(c->won[1], "s31");
	/* unchanged latency and cost: a change of 0 */
	ck_assert_double_eq_tol(c->latency.pct, 0, 1e-9);
	ck_assert_double_eq_tol(c->cost.diff, 0, 1e-12);
	compare_free(r);

	/* the other way round is an improvement, not a regression */
	r = run_compare("cand", "base", &o);
	ck_assert_int_eq(r->cells[0].n12, 2);
	ck_assert_uint_eq(r->n_regressed, 0);
	compare_free(r);
	/* a stricter alpha lets 0.0193 pass */
	o.alpha = 0.01;
	r = run_compare("base", "cand", &o);
	ck_assert_uint_eq(r->n_regressed, 0);
	compare_free(r);
}
END_TEST

START_TEST(different_item_sets_and_errors)
{
	tb_store *a = new_store("base", "run-a", 0), *b = new_store("cand", "run-b", 0);
	compare_opts o;
	compare_result *r;
	const compare_cell *c;
	char id[16];

	for (int i = 0; i < 40; i++) {
		snprintf(id, sizeof(id), "s%02d", i);
		put(a, "sums", id, "m/x", 1, 500, NAN);
	}
	/* the candidate has 25 of them, one in error, and 5 the base lacks */
	for (int i = 0; i < 30; i++) {
		snprintf(id, sizeof(id), i < 25 ? "s%02d" : "t%02d", i);
		put(b, "sums", id, "m/x", i == 3 ? -1 : 1, 600, NAN);
	}
	store_close(a);
	store_close(b);
	compare_opts_defaults(&o);
	r = run_compare("base", "cand", &o);
	ck_assert_uint_eq(r->n, 1);
	c = &r->cells[0];
	ck_assert_int_eq(r->paired, 25);
	ck_assert_int_eq(r->base.samples, 40);
	ck_assert_int_eq(r->cand.samples, 30);
	ck_assert_int_eq(c->n_base, 40);
	ck_assert_int_eq(c->n_cand, 30);
	ck_assert_int_eq(c->n_paired, 25);
	/* the error is paired but kept out of accuracy and latency */
	ck_assert_int_eq(c->n11, 24);
	ck_assert_uint_eq(c->latency.n, 24);
	ck_assert_double_eq_tol(c->latency.pct, 20, 1e-9);
	/* unknown costs: nothing to compare */
	ck_assert_uint_eq(c->cost.n, 0);
	ck_assert(isnan(c->cost.pct));
	ck_assert_uint_eq(r->n_regressed, 0);
	compare_free(r);
}
END_TEST

START_TEST(pair_models)
{
	tb_store *a = new_store("base", "run-a", 0), *b = new_store("cand", "run-b", 0);
	compare_opts o;
	compare_result *r;
	char id[16];

	for (int i = 0; i < 20; i++) {
		snprintf(id, sizeof(id), "s%02d", i);
		put(a, "sums", id, "org/big", 1, 900, 0.002);
		put(a, "sums", id, "org/other", 0, 900, 0.002);
		put(b, "sums", id, "org/small", i < 12, 300, 0.0005);
		put(b, "sums", id, "org/big", 1, 900, 0.002);
	}
	store_close(a);
	store_close(b);
	compare_opts_defaults(&o);
	/* by equal ids: org/big against itself; the rest in one run only */
	r = run_compare("base", "cand", &o);
	ck_assert_uint_eq(r->n, 3);
	ck_assert_int_eq(r->paired, 20);
	ck_assert_uint_eq(r->n_regressed, 0);
	compare_free(r);

	o.pair_base[0] = "org/big";
	o.pair_cand[0] = "org/small";
	o.n_pairs = 1;
	r = run_compare("base", "cand", &o);
	ck_assert_uint_eq(r->n, 1);
	ck_assert_str_eq(r->cells[0].model, "org/big");
	ck_assert_str_eq(r->cells[0].cand_model, "org/small");
	ck_assert_int_eq(r->paired, 20);
	ck_assert_int_eq(r->base.samples, 20);
	ck_assert_int_eq(r->cand.samples, 20);
	ck_assert_int_eq(r->cells[0].n12, 8);
	ck_assert_uint_eq(r->cells[0].regressed, COMPARE_REG_ACCURACY);
	ck_assert_double_eq_tol(r->cells[0].latency.pct, -200.0 / 3, 1e-9);
	ck_assert_double_eq_tol(r->cells[0].cost.pct, -75, 1e-9);
	compare_free(r);
}
END_TEST

START_TEST(thresholds)
{
	tb_store *a = new_store("base", "run-a", 0), *b = new_store("cand", "run-b", 0);
	compare_opts o;
	compare_result *r;
	char id[16];

	/* two items lost, none won: p = 0.25, not significant; latency +50%
	 * with some spread; cost +5% */
	for (int i = 0; i < 60; i++) {
		snprintf(id, sizeof(id), "s%02d", i);
		put(a, "sums", id, "m/x", 1, 1000 + 10 * (i % 7), 0.0100);
		put(b, "sums", id, "m/x", i >= 2, 1500 + 10 * (i % 5), 0.0105);
	}
	store_close(a);
	store_close(b);
	compare_opts_defaults(&o);
	r = run_compare("base", "cand", &o);
	ck_assert_double_eq_tol(r->cells[0].p_value, 0.25, 1e-12);
	ck_assert_uint_eq(r->n_regressed, 0);
	ck_assert(r->cells[0].latency.pct_lo > 40 && r->cells[0].latency.pct_hi < 60);
	/* latency and cost are not tested unless asked */
	ck_assert(isnan(r->cells[0].latency.p) && isnan(r->cells[0].cost.p));
	ck_assert_uint_eq(r->n_tests, 1);
	compare_free(r);

	/* a tolerance is not a threshold: 3.33 points dropped are not shown to
	 * be beyond 3, and the p-value grows with the tolerance */
	o.max_drop_pp = 3;
	r = run_compare("base", "cand", &o);
	ck_assert_uint_eq(r->n_regressed, 0);
	ck_assert_msg(r->cells[0].p_value > 0.25, "p %g", r->cells[0].p_value);
	compare_free(r);
	o.max_drop_pp = 5;
	o.max_latency_pct = 20;
	o.max_cost_pct = 10;
	r = run_compare("base", "cand", &o);
	ck_assert_uint_eq(r->cells[0].regressed, COMPARE_REG_LATENCY);
	ck_assert_uint_eq(r->n_tests, 3);
	/* every replicate rose past 20%: the smallest bootstrap p, times 3 by Holm */
	ck_assert_double_eq_tol(r->cells[0].latency.p, 1.0 / (PAIRSTATS_BOOT_B + 1), 1e-12);
	ck_assert_double_eq_tol(r->cells[0].latency_p_adj, 3.0 / (PAIRSTATS_BOOT_B + 1), 1e-12);
	ck_assert(r->cells[0].cost.p > 0.99);
	compare_free(r);
	o.max_latency_pct = 60;
	o.max_cost_pct = 4;
	r = run_compare("base", "cand", &o);
	ck_assert_uint_eq(r->cells[0].regressed, COMPARE_REG_COST);
	compare_free(r);
}
END_TEST

START_TEST(holm_across_cells)
{
	tb_store *a = new_store("base", "run-a", 0), *b = new_store("cand", "run-b", 0);
	compare_opts o;
	compare_result *r;
	char id[16], suite[16];

	/* Five cells: "a" lost 20 of 40 items and won none (p = 2^-20); b..e
	 * lost 10 and won 2 (p = 0.0193 each: alone, each would fail). */
	for (int c = 0; c < 5; c++) {
		snprintf(suite, sizeof(suite), "%c", 'a' + c);
		for (int i = 0; i < 40; i++) {
			snprintf(id, sizeof(id), "s%02d", i);
			put(a, suite, id, "m/x", i < 30, 1000, NAN);
			if (c == 0)
				put(b, suite, id, "m/x", i < 10, 1000, NAN);
			else
				put(b, suite, id, "m/x", i < 20 || i == 30 || i == 31, 1000, NAN);
		}
	}
	store_close(a);
	store_close(b);
	compare_opts_defaults(&o);
	r = run_compare("base", "cand", &o);
	ck_assert_uint_eq(r->n_tests, 5);
	ck_assert_double_eq_tol(r->cells[0].p_value, ldexp(1, -20), 1e-15);
	ck_assert_double_eq_tol(r->cells[0].p_adj, 5 * ldexp(1, -20), 1e-15);
	/* Holm: the four others share 4 * 0.0193 = 0.077 > 0.05 */
	ck_assert_double_eq_tol(r->cells[1].p_adj, 4 * 79.0 / 4096, 1e-12);
	ck_assert_double_eq_tol(r->cells[4].p_adj, 4 * 79.0 / 4096, 1e-12);
	ck_assert_uint_eq(r->cells[0].regressed, COMPARE_REG_ACCURACY);
	ck_assert_uint_eq(r->n_regressed, 1);
	compare_free(r);
	o.correction = PAIRSTATS_BONFERRONI;
	r = run_compare("base", "cand", &o);
	ck_assert_double_eq_tol(r->cells[1].p_adj, 5 * 79.0 / 4096, 1e-12);
	ck_assert_uint_eq(r->n_regressed, 1);
	compare_free(r);
	o.correction = PAIRSTATS_NONE;
	r = run_compare("base", "cand", &o);
	ck_assert_double_eq_tol(r->cells[1].p_adj, 79.0 / 4096, 1e-12);
	ck_assert_uint_eq(r->n_regressed, 5);
	compare_free(r);
}
END_TEST

START_TEST(latency_like_with_like)
{
	tb_store *a = new_store_with("base", "run-a", 1, json_pack("[s, s, s, s]", "thinkbench", "run", "-j", "4"),
				     json_pack("{s:b, s:f}", "stream", 1, "sim_time_scale", 0.02));
	tb_store *b = new_store_with("cand", "run-b", 1, json_pack("[s, s, s]", "thinkbench", "run", "--jobs=256"),
				     json_pack("{s:b, s:f}", "stream", 1, "sim_time_scale", 0.02));
	tb_store *c = new_store_with("same", "run-c", 1, json_pack("[s, s, s]", "thinkbench", "run", "-j4"),
				     json_pack("{s:b, s:f}", "stream", 1, "sim_time_scale", 0.02));
	compare_opts o;
	compare_result *r;
	char id[16];

	/* the same answers, the latency doubled */
	for (int i = 0; i < 30; i++) {
		snprintf(id, sizeof(id), "s%02d", i);
		put(a, "sums", id, "m/x", 1, 1000 + i, 0.01);
		put(b, "sums", id, "m/x", 1, 2000 + i, 0.01);
		put(c, "sums", id, "m/x", 1, 2000 + i, 0.01);
	}
	store_close(a);
	store_close(b);
	store_close(c);
	compare_opts_defaults(&o);
	o.max_latency_pct = 10;
	r = run_compare("base", "cand", &o);
	ck_assert_str_eq(r->not_comparable, "-j 4 vs -j 256");
	ck_assert_int_eq(r->base.jobs, 4);
	ck_assert_int_eq(r->cand.jobs, 256);
	ck_assert(isnan(r->cells[0].latency.p));
	ck_assert_double_eq_tol(r->cells[0].latency.pct, 100000.0 / 1014.5, 1e-9);
	ck_assert_uint_eq(r->n_regressed, 0);
	compare_free(r);
	/* the same -j however it was written: the rise is tested and fails */
	r = run_compare("base", "same", &o);
	ck_assert_str_eq(r->not_comparable, "");
	ck_assert_uint_eq(r->cells[0].regressed, COMPARE_REG_LATENCY);
	compare_free(r);
}
END_TEST

START_TEST(per_item_means)
{
	tb_store *a = new_store("base", "run-a", 0), *b = new_store("cand", "run-b", 0);
	compare_opts o;
	compare_result *r;
	char id[16];

	/* 10 items of 3 samples; the candidate's samples of item i take
	 * 100 + i, 200 + i, 300 + i ms against the base's 200 + i each */
	for (int i = 0; i < 10; i++) {
		snprintf(id, sizeof(id), "s%02d", i);
		for (int k = 0; k < 3; k++) {
			put_sample(a, "sums", id, "m/x", k, 1, 200 + i, 0.01);
			put_sample(b, "sums", id, "m/x", k, 1, 100 * (k + 1) + i, 0.01 * (k + 1));
		}
	}
	store_close(a);
	store_close(b);
	compare_opts_defaults(&o);
	r = run_compare("base", "cand", &o);
	ck_assert_int_eq(r->paired, 30);
	/* items, not samples, are what the bootstrap resamples */
	ck_assert_uint_eq(r->cells[0].latency.n, 10);
	ck_assert_uint_eq(r->cells[0].cost.n, 10);
	/* each item's means are equal: no change, and no spread */
	ck_assert_double_eq_tol(r->cells[0].latency.diff, 0, 1e-9);
	ck_assert_double_eq_tol(r->cells[0].latency.diff_lo, 0, 1e-9);
	ck_assert_double_eq_tol(r->cells[0].latency.diff_hi, 0, 1e-9);
	ck_assert_double_eq_tol(r->cells[0].cost.pct, 100, 1e-9);
	compare_free(r);
}
END_TEST

/* Items asked 3 times: the candidate's samples are numbered 3..5 and right
 * in other places than the base's 0..2, with the same 2 of 3 right on every
 * item; the 60 items pair, and nothing changed. Pairing sample k with
 * sample k would have seen 120 flips. Then the candidate gets the first 20
 * items wrong in all three samples: a planted 22-point drop, 20 items lost,
 * found by the test on per-item accuracy. */
static void make_multi_runs(const char *cand, int planted)
{
	tb_store *a = new_store("base", "run-a", 0), *b = new_store(cand, "run-b", 0);
	char id[16];

	for (int i = 0; i < 60; i++) {
		snprintf(id, sizeof(id), "s%02d", i);
		for (int k = 0; k < 3; k++) {
			put_sample(a, "sums", id, "m/x", k, (i + k) % 3 != 0, 1000, 0.001);
			put_sample(b, "sums", id, "m/x", k + 3, (i + k + 1) % 3 != 0 && !(planted && i < 20), 1000,
				   0.001);
		}
	}
	store_close(a);
	store_close(b);
}

START_TEST(pairs_items_not_samples)
{
	compare_opts o;
	compare_result *r;
	const compare_cell *c;

	make_multi_runs("cand", 0);
	compare_opts_defaults(&o);
	r = run_compare("base", "cand", &o);
	c = &r->cells[0];
	ck_assert_int_eq(r->paired, 180);
	ck_assert_int_eq(c->n11, 60);
	ck_assert_int_eq(c->n12 + c->n21 + c->n22, 0);
	ck_assert_double_eq_tol(c->acc_base, 2.0 / 3, 1e-12);
	ck_assert_double_eq_tol(c->diff, 0, 1e-12);
	ck_assert_double_eq_tol(c->p_value, 1, 1e-12);
	ck_assert_uint_eq(r->n_regressed, 0);
	compare_free(r);
}
END_TEST

START_TEST(planted_drop_with_samples)
{
	compare_opts o;
	compare_result *r;
	const compare_cell *c;

	make_multi_runs("cand", 1);
	compare_opts_defaults(&o);
	r = run_compare("base", "cand", &o);
	c = &r->cells[0];
	ck_assert_int_eq(c->n12, 20);
	ck_assert_int_eq(c->n11, 40);
	ck_assert_uint_eq(c->n_lost_kept, 20);
	ck_assert_str_eq(c->lost[0], "s00");
	ck_assert_double_eq_tol(c->acc_cand - c->acc_base, -20.0 * 2 / 3 / 60, 1e-12);
	ck_assert_double_eq_tol(c->diff, -20.0 * 2 / 3 / 60, 1e-12);
	ck_assert(c->diff_lo < c->diff && c->diff_hi < 0);
	/* every sign vector but the observed one sums higher: p = 1 / (b + 1) */
	ck_assert_double_eq_tol(c->p_value, 1.0 / (PAIRSTATS_SIGNFLIP_B + 1), 1e-12);
	ck_assert_uint_eq(r->n_regressed, 1);
	compare_free(r);
	/* a tolerance of 25 points covers the 22-point drop */
	o.max_drop_pp = 25;
	r = run_compare("base", "cand", &o);
	ck_assert(r->cells[0].p_value > 0.5);
	ck_assert_uint_eq(r->n_regressed, 0);
	compare_free(r);
}
END_TEST

/* ---- the formats ---- */

static char *render(const compare_result *r, int (*fn)(const compare_result *, FILE *))
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fn(r, f), TB_OK);
	fclose(f);
	return text;
}

static int first_line_has(const char *text, const char *needle)
{
	const char *nl = strchr(text, '\n'), *hit = strstr(text, needle);

	return hit && nl && hit < nl;
}

static int python_parses_xml(const char *text)
{
	char path[700], cmd[1500];
	FILE *f;

	if (system("python3 -c 'import xml.dom.minidom' 2>/dev/null") != 0)
		return 1;
	snprintf(path, sizeof(path), "%s/junit.xml", tu_dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' '%s'",
		 path);
	return system(cmd) == 0;
}

START_TEST(formats_escape_everything)
{
	static const char hostile_suite[] = "s|u<b>&\"'`*_[x](y)";
	static const char hostile_item[] = "it<x>|\"\x01\xff\xc3(&amp;";
	/* run ids are plain names, checked when a store is read (check_bad_input) */
	tb_store *a = new_store("base", "r1", 1), *b = new_store("cand", "r2", 0);
	compare_opts o;
	compare_result *r;
	char *t, id[32];
	json_t *j, *cell;

	for (int i = 0; i < 12; i++) {
		snprintf(id, sizeof(id), "%s%d", hostile_item, i);
		put(a, hostile_suite, id, "v/m<&>", 1, 100, 0.01);
		put(b, hostile_suite, id, "v/m<&>", i < 2, 100, 0.01);
	}
	store_close(a);
	store_close(b);
	compare_opts_defaults(&o);
	r = run_compare("base", "cand", &o);
	ck_assert_uint_eq(r->n_regressed, 1);

	t = render(r, compare_write_text);
	ck_assert_msg(first_line_has(t, "SIMULATED RUN") && first_line_has(t, "base run"), "%s", t);
	ck_assert_ptr_nonnull(strstr(t, "1 cell regressed"));
	ck_assert_ptr_null(strchr(t, '\x01'));
	ck_assert_ptr_null(strstr(t, "\xff"));
	for (const char *p = t, *nl; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		ck_assert_ptr_nonnull(nl);
		ck_assert_msg(nl - p <= 100, "line over 100 columns: %.*s", (int)(nl - p), p);
	}
	free(t);

	t = render(r, compare_write_md);
	ck_assert_msg(strncmp(t, "> **SIMULATED RUN**", 19) == 0, "%s", t);
	ck_assert_ptr_nonnull(strstr(t, "### thinkbench compare: 1 cell regressed"));
	ck_assert_ptr_null(strstr(t, "<b>"));
	ck_assert_ptr_null(strstr(t, "<x>"));
	ck_assert_ptr_nonnull(strstr(t, "s\\|u&lt;b&gt;&amp;"));
	ck_assert_ptr_nonnull(strstr(t, "it&lt;x&gt;\\|"));
	/* 10 lost: all listed, none cut */
	ck_assert_ptr_nonnull(strstr(t, "Lost (right in base, wrong in candidate) (10)"));
	ck_assert_ptr_null(strstr(t, "shown)"));
	free(t);

	t = render(r, compare_write_junit);
	ck_assert_msg(first_line_has(t, "SIMULATED RUN"), "%s", t);
	ck_assert_ptr_nonnull(strstr(t, "<failure type=\"regression\""));
	ck_assert_ptr_nonnull(strstr(t, "tests=\"1\" failures=\"1\""));
	ck_assert_ptr_null(strstr(t, "<x>"));
	ck_assert_ptr_null(strstr(t, "<b>"));
	ck_assert_msg(python_parses_xml(t), "not well-formed XML:\n%s", t);
	free(t);

	t = render(r, compare_write_json);
	ck_assert_msg(strncmp(t, "{\"simulated\": true", 18) == 0, "%s", t);
	ck_assert_ptr_eq(strchr(t, '\n'), t + strlen(t) - 1);
	j = json_loads(t, 0, NULL);
	ck_assert_ptr_nonnull(j);
	cell = json_array_get(json_object_get(j, "cells"), 0);
	ck_assert_str_eq(json_string_value(json_object_get(cell, "suite")), hostile_suite);
	ck_assert_int_eq(json_integer_value(json_object_get(cell, "lost")), 10);
	/* control bytes and broken UTF-8 come out as '?' */
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(cell, "lost_items"), 0)),
			 "it<x>|\"??" "?(&amp;10");
	ck_assert(json_is_true(json_object_get(cell, "regressed")));
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(j, "base"), "run_id")), "r1");
	json_decref(j);
	free(t);
	compare_free(r);
}
END_TEST

START_TEST(real_runs_not_called_simulated)
{
	compare_opts o;
	compare_result *r;
	char *t;

	make_flip_runs();
	compare_opts_defaults(&o);
	r = run_compare("base", "cand", &o);
	t = render(r, compare_write_text);
	ck_assert_ptr_null(strstr(t, "SIMULATED"));
	ck_assert(strncmp(t, "compare base run-a -> candidate run-b: 40 samples paired", 56) == 0);
	free(t);
	t = render(r, compare_write_md);
	ck_assert(strncmp(t, "### thinkbench compare: 1 cell regressed", 40) == 0);
	free(t);
	t = render(r, compare_write_json);
	ck_assert(strncmp(t, "{\"simulated\": false", 19) == 0);
	free(t);
	compare_free(r);
}
END_TEST

/* ---- the command ---- */

/* Runs cmd_compare in a child: stdout to out_path, stderr to out_path.err. */
static int compare_cmd(char **argv, const char *out_path)
{
	char err_path[800];
	int argc = 0, status;
	pid_t pid;

	while (argv[argc])
		argc++;
	snprintf(err_path, sizeof(err_path), "%s.err", out_path);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int fd2 = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (fd < 0 || fd2 < 0)
			_exit(120);
		dup2(fd, 1);
		dup2(fd2, 2);
		status = cmd_compare(argc, argv);
		fflush(stdout);
		fflush(stderr);
		_exit(status);
	}
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	return WEXITSTATUS(status);
}

START_TEST(command_exit_codes)
{
	char base[700], cand[700], empty[700], out[700], err_out[800], md[700], nope[700];
	char *ok[] = {"compare", base, cand, "--alpha", "0.01", NULL};
	char *reg[] = {"compare", base, cand, "--format", "text,md=x,json", NULL};
	char *missing[] = {"compare", base, nope, NULL};
	char *one[] = {"compare", base, NULL};
	char *flag[] = {"compare", base, cand, "--frobnicate", NULL};
	char *fmt[] = {"compare", base, cand, "--format", "html", NULL};
	char *alpha[] = {"compare", base, cand, "--alpha", "2", NULL};
	char *pairs[] = {"compare", base, cand, "--pair-models", "m/x", NULL};
	char *twice[] = {"compare", base, cand, "--pair-models", "a=b", "--pair-models", "a=c", NULL};
	char *nopairs[] = {"compare", base, empty, NULL};
	char *unpaired_models[] = {"compare", base, cand, "--pair-models", "a=b", NULL};
	char *help[] = {"compare", "--help", NULL};
	char **bad[] = {missing, one, flag, fmt, alpha, pairs, twice, nopairs, unpaired_models};
	char *text;
	tb_store *e;

	make_flip_runs();
	e = new_store("empty", "run-e", 0);
	put(e, "other", "z", "m/x", 1, 1, 0);
	store_close(e);
	snprintf(base, sizeof(base), "%s/base", tu_dir);
	snprintf(cand, sizeof(cand), "%s/cand/store.sqlite", tu_dir);
	snprintf(empty, sizeof(empty), "%s/empty", tu_dir);
	snprintf(nope, sizeof(nope), "%s/nope", tu_dir);
	snprintf(out, sizeof(out), "%s/out.txt", tu_dir);
	snprintf(err_out, sizeof(err_out), "%s.err", out);
	snprintf(md, sizeof(md), "text,md=%s/comment.md,json", tu_dir);
	reg[4] = md;

	ck_assert_int_eq(compare_cmd(ok, out), 0);
	text = tu_read_file(out, NULL);
	ck_assert_msg(strstr(text, "No regressions") != NULL, "%s", text);
	free(text);
	ck_assert_int_eq(compare_cmd(reg, out), 1);
	text = tu_read_file(out, NULL);
	ck_assert_msg(strstr(text, "1 cell regressed") && strstr(text, "{\"simulated\": false"), "%s", text);
	free(text);
	snprintf(md, sizeof(md), "%s/comment.md", tu_dir);
	text = tu_read_file(md, NULL);
	ck_assert_ptr_nonnull(text);
	ck_assert(strncmp(text, "### thinkbench compare: 1 cell regressed", 40) == 0);
	free(text);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		int lines = 0;

		ck_assert_msg(compare_cmd(bad[i], out) == 2, "case %zu", i);
		text = tu_read_file(out, NULL);
		ck_assert_msg(text && !*text, "case %zu wrote a report: %s", i, text);
		free(text);
		text = tu_read_file(err_out, NULL);
		ck_assert_ptr_nonnull(text);
		for (char *p = text; *p; p++)
			lines += *p == '\n';
		ck_assert_msg(lines == 1 && strstr(text, "error: "), "case %zu: %s", i, text);
		free(text);
	}
	ck_assert_int_eq(compare_cmd(help, out), 0);
	text = tu_read_file(out, NULL);
	ck_assert_ptr_nonnull(strstr(text, "McNemar"));
	ck_assert_ptr_nonnull(strstr(text, "--max-latency-increase"));
	free(text);
}
END_TEST

/* ---- end to end over the simulator ---- */

/* How each simulator here runs; two of them add --profiles to change a model. */
#define SIM_FLAGS "--time-scale 0 --quiet"

/* One nothink run of qwen/qwen3-14b against the simulator on port, with
 * up to four more arguments (NULL-terminated; extra may be NULL). */
static void sim_run(int port, const char *suite, const char *run_id, char *const *extra)
{
	char models[700], out[700], log[700];
	char *argv[24] = {"thinkbench", "run", "--suite", (char *)suite, "--models", models, "--out", out,
			  "--run-id", (char *)run_id, "--model", "qwen/qwen3-14b", "--mode", "nothink",
			  "-j", "16", "--quiet", "--no-summary", NULL};
	size_t n = 18;

	for (size_t i = 0; extra && extra[i] && i < 4; i++)
		argv[n++] = extra[i];

	snprintf(models, sizeof(models), "%s/models-%d.json", tu_dir, port);
	tu_write_models(models, port, NULL);
	snprintf(out, sizeof(out), "%s/results", tu_dir);
	snprintf(log, sizeof(log), "%s/run-%s.log", tu_dir, run_id);
	ck_assert_msg(tu_run_tb(argv, log, NULL, 120) == 0, "run %s failed; see %s", run_id, log);
}

/* Compares two runs (with --max-drop when max_drop is not NULL), writing
 * JSON to a file; returns the exit code and the only cell's lost and won
 * counts and the pairs. */
static int sim_compare(const char *base, const char *cand, const char *max_drop, long *lost, long *won,
		       long *paired)
{
	char b[700], c[700], fmt[800], out[700], jpath[700];
	char *argv[] = {"compare", b, c, "--format", fmt, max_drop ? "--max-drop" : NULL, (char *)max_drop, NULL};
	json_t *j, *cell;
	int rc;

	snprintf(b, sizeof(b), "%s/results/%s", tu_dir, base);
	snprintf(c, sizeof(c), "%s/results/%s", tu_dir, cand);
	snprintf(jpath, sizeof(jpath), "%s/%s-%s.json", tu_dir, base, cand);
	snprintf(fmt, sizeof(fmt), "text,json=%s", jpath);
	snprintf(out, sizeof(out), "%s/%s-%s.txt", tu_dir, base, cand);
	rc = compare_cmd(argv, out);
	j = json_load_file(jpath, 0, NULL);
	ck_assert_msg(j != NULL, "no JSON from compare %s %s", base, cand);
	ck_assert(json_is_true(json_object_get(j, "simulated")));
	ck_assert_int_eq(json_array_size(json_object_get(j, "cells")), 1);
	cell = json_array_get(json_object_get(j, "cells"), 0);
	*lost = (long)json_integer_value(json_object_get(cell, "lost"));
	*won = (long)json_integer_value(json_object_get(cell, "won"));
	*paired = (long)json_integer_value(json_object_get(j, "paired"));
	json_decref(j);
	return rc;
}

START_TEST(simulator_runs_regress_or_not)
{
	char suite[700], low[700], slight[700], extra[800];
	int p1 = tu_free_port(), p2 = tu_free_port(), p3 = tu_free_port();
	pid_t s1, s2, s3;
	long lost, won, paired;

	snprintf(suite, sizeof(suite), "%s/sums.jsonl", tu_dir);
	snprintf(low, sizeof(low), "%s/low.json", tu_dir);
	snprintf(slight, sizeof(slight), "%s/slight.json", tu_dir);
	tu_write_suite(suite, 150, 3, 0);
	/* the built-in accuracy_nothink of qwen3-14b is 0.66 */
	tu_write_file(low, "{\"models\": {\"qwen/qwen3-14b\": {\"accuracy_nothink\": 0.40}}}\n");
	tu_write_file(slight, "{\"models\": {\"qwen/qwen3-14b\": {\"accuracy_nothink\": 0.62}}}\n");
	s1 = tu_start_sim(tu_dir, p1, suite, SIM_FLAGS);
	snprintf(extra, sizeof(extra), SIM_FLAGS " --profiles '%s'", low);
	s2 = tu_start_sim(tu_dir, p2, suite, extra);
	snprintf(extra, sizeof(extra), SIM_FLAGS " --profiles '%s'", slight);
	s3 = tu_start_sim(tu_dir, p3, suite, extra);
	sim_run(p1, suite, "base", NULL);
	sim_run(p1, suite, "same", NULL);
	sim_run(p2, suite, "worse", NULL);
	sim_run(p3, suite, "slight", NULL);
	sim_run(p1, suite, "part", (char *[]){"--limit", "100", NULL});
	sim_run(p1, suite, "base3", (char *[]){"--samples", "3", NULL});
	sim_run(p1, suite, "aa3", (char *[]){"--samples", "3", "--seed", "2", NULL});
	sim_run(p2, suite, "worse3", (char *[]){"--samples", "3", "--seed", "2", NULL});
	tu_stop_sim(s1);
	tu_stop_sim(s2);
	tu_stop_sim(s3);

	/* correctness is a pure function of seed, model, mode and item: the
	 * same profile gives the same answers */
	ck_assert_int_eq(sim_compare("base", "same", NULL, &lost, &won, &paired), 0);
	ck_assert_int_eq(paired, 150);
	ck_assert_int_eq(lost, 0);
	ck_assert_int_eq(won, 0);
	/* 0.66 -> 0.40: about 39 items lost */
	ck_assert_int_eq(sim_compare("base", "worse", NULL, &lost, &won, &paired), 1);
	ck_assert_msg(lost > 25 && won == 0, "lost %ld, won %ld", lost, won);
	/* 0.66 -> 0.62: a few lost (9 of 9 discordant: p = 1/512) is shown */
	ck_assert_int_eq(sim_compare("base", "slight", NULL, &lost, &won, &paired), 1);
	ck_assert_msg(lost >= 5 && lost <= 12 && won == 0, "lost %ld, won %ld", lost, won);
	/* but not shown to be beyond a tolerance of 5 points */
	ck_assert_int_eq(sim_compare("base", "slight", "5", &lost, &won, &paired), 0);
	/* --samples 3: the items pair and their accuracies are tested; another
	 * seed flips a few items both ways, and 0.66 -> 0.40 is caught */
	ck_assert_int_eq(sim_compare("base3", "aa3", NULL, &lost, &won, &paired), 0);
	ck_assert_int_eq(paired, 450);
	ck_assert_msg(lost + won > 0, "another seed changed no item");
	ck_assert_int_eq(sim_compare("base3", "worse3", NULL, &lost, &won, &paired), 1);
	ck_assert_msg(lost > 25 && lost > 3 * won, "lost %ld, won %ld", lost, won);
	/* a candidate over the first 100 items pairs on those */
	ck_assert_int_eq(sim_compare("base", "part", NULL, &lost, &won, &paired), 0);
	ck_assert_int_eq(paired, 100);
	{
		char path[700], *text;

		snprintf(path, sizeof(path), "%s/base-part.txt", tu_dir);
		text = tu_read_file(path, NULL);
		ck_assert_ptr_nonnull(text);
		ck_assert_msg(strncmp(text, "SIMULATED RUN", 13) == 0, "%s", text);
		ck_assert_msg(strstr(text, "100 samples paired (base 150, candidate 100)") != NULL, "%s", text);
		free(text);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("compare");
	TCase *tc = tcase_create("stores");
	TCase *sim = tcase_create("simulator");

	curl_global_init(CURL_GLOBAL_DEFAULT);
	tcase_add_checked_fixture(tc, tu_dir_setup, tu_dir_teardown);
	/* the XML check starts python3 twice: seconds on a loaded machine */
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, pairs_flips_and_mcnemar);
	tcase_add_test(tc, different_item_sets_and_errors);
	tcase_add_test(tc, pair_models);
	tcase_add_test(tc, thresholds);
	tcase_add_test(tc, holm_across_cells);
	tcase_add_test(tc, latency_like_with_like);
	tcase_add_test(tc, per_item_means);
	tcase_add_test(tc, pairs_items_not_samples);
	tcase_add_test(tc, planted_drop_with_samples);
	tcase_add_test(tc, formats_escape_everything);
	tcase_add_test(tc, real_runs_not_called_simulated);
	tcase_add_test(tc, command_exit_codes);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(sim, tu_dir_setup, tu_dir_teardown);
	tcase_set_timeout(sim, 300);
	tcase_add_test(sim, simulator_runs_regress_or_not);
	suite_add_tcase(s, sim);
	return tu_run(s);
}
