/* pairstats: McNemar's exact test against values worked by hand from the
 * binomial and published in Fagerland, Lydersen and Laake (2017), Newcombe's
 * paired interval against the same book's example, and the bootstrap's
 * determinism and coverage; every function against SciPy reference values
 * (tests/data/stats-reference.tsv). */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pairstats.h"
#include "rc.h"
#include "refcase.h"
#include "testutil.h"

START_TEST(mcnemar_small_tables)
{
	/* P(X >= 10 | n = 12, p = 1/2) = (66 + 12 + 1) / 4096 */
	ck_assert_double_eq_tol(pairstats_mcnemar_drop(10, 2), 79.0 / 4096, 1e-12);
	ck_assert_double_eq_tol(pairstats_mcnemar_drop(10, 2), 0.019287109375, 1e-12);
	/* an improvement is no evidence of a drop */
	ck_assert_double_eq_tol(pairstats_mcnemar_drop(2, 10), 0.996826171875, 1e-12);
	ck_assert_double_eq_tol(pairstats_mcnemar_drop(5, 5), 638.0 / 1024, 1e-12);
	ck_assert_double_eq(pairstats_mcnemar_drop(0, 6), 1.0);
	ck_assert_double_eq_tol(pairstats_mcnemar_drop(6, 0), 0.015625, 1e-12);
	ck_assert_double_eq_tol(pairstats_mcnemar_drop(7, 1), 0.03515625, 1e-12);
	ck_assert_double_eq_tol(pairstats_mcnemar_drop(16, 6), 0.0262393951416, 1e-12);
	ck_assert_double_eq_tol(pairstats_mcnemar_drop(30, 12), 0.00395794866745, 1e-12);
	/* one discordant pair proves little */
	ck_assert_double_eq(pairstats_mcnemar_drop(1, 0), 0.5);
	ck_assert_double_eq(pairstats_mcnemar_drop(0, 0), 1.0);
	ck_assert(isnan(pairstats_mcnemar_drop(-1, 3)));
}
END_TEST

START_TEST(mcnemar_large_counts)
{
	/* Past a few hundred pairs the exact test meets the continuity-corrected
	 * normal approximation: z = (lost - won - 1) / sqrt(lost + won). */
	double z = (100.0 - 1) / sqrt(1900.0), approx = 0.5 * erfc(z / sqrt(2.0));
	double p = pairstats_mcnemar_drop(1000, 900);

	ck_assert_msg(fabs(p - approx) / approx < 0.03, "exact %g, normal %g", p, approx);
	/* the other way round: P(X >= 900) = 1 - P(X >= 1001) */
	ck_assert(pairstats_mcnemar_drop(900, 1000) > 1 - p);
	/* a million pairs: no overflow, no NAN */
	p = pairstats_mcnemar_drop(500000, 500000);
	ck_assert(isfinite(p));
	ck_assert_double_eq_tol(p, 0.5, 1e-3);
	z = (2000.0 - 1) / sqrt(1000000.0);
	approx = 0.5 * erfc(z / sqrt(2.0));
	p = pairstats_mcnemar_drop(501000, 499000);
	ck_assert_msg(fabs(p - approx) / approx < 0.01, "exact %g, normal %g", p, approx);
	/* far in the tail: a tiny number, not 0/0 */
	p = pairstats_mcnemar_drop(600000, 400000);
	ck_assert(isfinite(p));
	ck_assert(p >= 0 && p < 1e-100);
}
END_TEST

/* Against tests/data/stats-reference.tsv: McNemar's one-sided p from
 * SciPy's binomtest, the drop test with a tolerance from a brute-force exact
 * unconditional test (every table enumerated, the supremum refined by
 * SciPy's minimiser), Holm and Bonferroni by their definitions, and the
 * bootstrap's point estimates (which do not depend on the resampling). */
typedef struct ref_counts {
	int mcnemar, drop, holm, bonferroni, boot;
} ref_counts;

static void ref_pairstats(const ref_case *c, void *ud)
{
	ref_counts *n = ud;
	double adj[REF_MAX_VALUES];

	if (strcmp(c->kind, "mcnemar") == 0) {
		ref_check(c, 0, pairstats_mcnemar_drop((long)c->in[0], (long)c->in[1]), 1);
		n->mcnemar++;
	} else if (strcmp(c->kind, "drop") == 0) {
		long pairs = (long)c->in[0], lost = (long)c->in[1], won = (long)c->in[2];

		ref_check(c, 0, pairstats_tango_z(pairs, lost, won, c->in[3]), 0);
		ref_check(c, 1, pairstats_drop_test(pairs, lost, won, c->in[3]), 1);
		n->drop++;
	} else if (strcmp(c->kind, "holm") == 0 || strcmp(c->kind, "bonferroni") == 0) {
		int holm = c->kind[0] == 'h';

		ck_assert_int_eq(pairstats_adjust(c->in, c->n_in, holm ? PAIRSTATS_HOLM : PAIRSTATS_BONFERRONI, adj),
				 TB_OK);
		for (size_t i = 0; i < c->n_in; i++)
			ref_check(c, i, adj[i], 0);
		holm ? n->holm++ : n->bonferroni++;
	} else if (strcmp(c->kind, "boot_point") == 0) {
		size_t pairs = (size_t)c->in[0];
		pairstats_boot_result r;

		ck_assert_int_eq(pairstats_boot(c->in + 1, c->in + 1 + pairs, pairs, 200, 1, 0.95, NAN, &r), TB_OK);
		ref_check(c, 0, r.mean_x, 0);
		ref_check(c, 1, r.mean_y, 0);
		ref_check(c, 2, r.diff, 0);
		ref_check(c, 3, r.pct, 0);
		n->boot++;
	}
}

START_TEST(scipy_reference)
{
	ref_counts n = {0};

	ck_assert_int_gt(ref_each(ref_pairstats, &n), 0);
	ck_assert_int_ge(n.mcnemar, 8);
	ck_assert_int_ge(n.drop, 6);
	ck_assert_int_ge(n.holm, 3);
	ck_assert_int_ge(n.bonferroni, 3);
	ck_assert_int_ge(n.boot, 1);
}
END_TEST

START_TEST(drop_test_properties)
{
	double p0, prev = 0;

	/* margin 0 is McNemar's test */
	ck_assert_double_eq(pairstats_drop_test(40, 10, 2, 0), pairstats_mcnemar_drop(10, 2));
	ck_assert_double_eq(pairstats_drop_test(0, 0, 0, 0.02), 1);
	ck_assert(isnan(pairstats_drop_test(10, 8, 8, 0.02)));
	ck_assert(isnan(pairstats_drop_test(10, 1, 1, 1)));
	ck_assert(isnan(pairstats_drop_test(10, 1, 1, -0.1)));
	/* a larger tolerance never makes a drop more significant */
	p0 = pairstats_drop_test(300, 45, 15, 0);
	for (int k = 0; k <= 8; k++) {
		double p = pairstats_drop_test(300, 45, 15, k / 100.0);

		ck_assert_msg(p >= prev - 1e-12 && p >= p0, "margin %d: p %g after %g", k, p, prev);
		prev = p;
	}
	/* at Tango's Z below 0 (the drop is within the tolerance) p is large */
	ck_assert(pairstats_drop_test(300, 20, 15, 0.02) > 0.5);
	/* past the exact range the normal tail of Z stands in, and meets it */
	p0 = pairstats_drop_test(PAIRSTATS_EXACT_MAX_PAIRS, 2000, 1700, 0.01);
	prev = pairstats_drop_test(PAIRSTATS_EXACT_MAX_PAIRS + 1, 2000, 1700, 0.01);
	ck_assert_msg(fabs(p0 - prev) < 0.1 * p0, "exact %g, normal %g", p0, prev);
}
END_TEST

/* The sign-flip test on per-item accuracies: with one binary sample per
 * item and no margin its null law is McNemar's, so its p agrees with the
 * exact one up to the Monte Carlo error (sd sqrt(p (1 - p) / b), under
 * 0.0011 here; 0.005 is over four of them). */
START_TEST(signflip_reduces_to_mcnemar)
{
	static const struct {
		long lost, won, same;
	} t[] = {{10, 2, 28}, {5, 5, 30}, {7, 1, 10}, {20, 12, 100}};
	double x[200], y[200];

	for (size_t k = 0; k < sizeof(t) / sizeof(t[0]); k++) {
		size_t n = 0;
		double p, exact = pairstats_mcnemar_drop(t[k].lost, t[k].won);

		for (long i = 0; i < t[k].lost; i++, n++)
			x[n] = 1, y[n] = 0;
		for (long i = 0; i < t[k].won; i++, n++)
			x[n] = 0, y[n] = 1;
		for (long i = 0; i < t[k].same; i++, n++)
			x[n] = y[n] = i % 2;
		p = pairstats_signflip_drop(x, y, n, 0, PAIRSTATS_SIGNFLIP_B, 42 + k);
		ck_assert_msg(fabs(p - exact) < 0.005, "lost %ld won %ld: sign-flip %.5f, McNemar %.5f", t[k].lost,
			      t[k].won, p, exact);
		/* the same seed, the same p */
		ck_assert_double_eq(p, pairstats_signflip_drop(x, y, n, 0, PAIRSTATS_SIGNFLIP_B, 42 + k));
	}
	/* a margin makes it harder to reject; the edges */
	ck_assert(pairstats_signflip_drop(x, y, 152, 0.1, 2000, 1) > pairstats_signflip_drop(x, y, 152, 0, 2000, 1));
	ck_assert_double_eq(pairstats_signflip_drop(x, y, 0, 0, 2000, 1), 1);
	ck_assert(isnan(pairstats_signflip_drop(x, y, 10, 0, 5, 1)));
	ck_assert(isnan(pairstats_signflip_drop(x, y, 10, 1, 2000, 1)));
	ck_assert(isnan(pairstats_signflip_drop(x, y, 10, NAN, 2000, 1)));
}
END_TEST

START_TEST(holm_and_bonferroni)
{
	/* Holm (1979) by hand: sorted 0.01 0.02 0.03 0.04 0.05 times 5 4 3 2 1
	 * = 0.05 0.08 0.09 0.08 0.05, then the running maximum. R's
	 * p.adjust(c(0.03, 0.01, 0.05, 0.02, 0.04), "holm") gives the same. */
	const double p[5] = {0.03, 0.01, 0.05, 0.02, 0.04}, holm[5] = {0.09, 0.05, 0.09, 0.08, 0.09};
	const double tie[3] = {0.5, 0.01, 0.5};
	double adj[5];

	ck_assert_int_eq(pairstats_adjust(p, 5, PAIRSTATS_HOLM, adj), TB_OK);
	for (int i = 0; i < 5; i++)
		ck_assert_double_eq_tol(adj[i], holm[i], 1e-15);
	ck_assert_int_eq(pairstats_adjust(p, 5, PAIRSTATS_BONFERRONI, adj), TB_OK);
	ck_assert_double_eq_tol(adj[0], 0.15, 1e-15);
	ck_assert_double_eq_tol(adj[2], 0.25, 1e-15);
	ck_assert_int_eq(pairstats_adjust(p, 5, PAIRSTATS_NONE, adj), TB_OK);
	ck_assert_double_eq(adj[3], 0.02);
	/* capped at 1; ties keep their order */
	ck_assert_int_eq(pairstats_adjust(tie, 3, PAIRSTATS_HOLM, adj), TB_OK);
	ck_assert_double_eq_tol(adj[1], 0.03, 1e-15);
	ck_assert_double_eq(adj[0], 1);
	ck_assert_double_eq(adj[2], 1);
	ck_assert_int_eq(pairstats_adjust(p, 0, PAIRSTATS_HOLM, adj), TB_OK);
	adj[0] = NAN;
	ck_assert_int_eq(pairstats_adjust(adj, 1, PAIRSTATS_HOLM, adj + 1), TB_ERR);
	ck_assert_int_eq(pairstats_adjust(p, 5, 7, adj), TB_ERR);
}
END_TEST

START_TEST(newcombe_published_example)
{
	/* Cavo et al. (2012) in Fagerland et al. ch. 8: table [59 6; 16 80];
	 * Newcombe square-and-add: first minus second = -0.0621 (95% CI -0.1186
	 * to -0.0046). Second minus first negates it. */
	double est, lo, hi;

	ck_assert_int_eq(pairstats_paired_diff(59, 6, 16, 80, 1.959964, &est, &lo, &hi), TB_OK);
	ck_assert_double_eq_tol(est, 10.0 / 161, 1e-12);
	ck_assert_double_eq_tol(lo, 0.0046, 5e-5);
	ck_assert_double_eq_tol(hi, 0.1186, 5e-5);
	/* swapping the runs mirrors the interval */
	ck_assert_int_eq(pairstats_paired_diff(59, 16, 6, 80, 1.959964, &est, &lo, &hi), TB_OK);
	ck_assert_double_eq_tol(lo, -0.1186, 5e-5);
	ck_assert_double_eq_tol(hi, -0.0046, 5e-5);
}
END_TEST

START_TEST(newcombe_edges)
{
	double est, lo, hi;

	/* all right in both: no change, an interval around 0 inside -1..1 */
	ck_assert_int_eq(pairstats_paired_diff(50, 0, 0, 0, 1.959964, &est, &lo, &hi), TB_OK);
	ck_assert_double_eq(est, 0);
	ck_assert(lo <= 0 && hi >= 0 && lo >= -1 && hi <= 1);
	/* everything lost: -1, and the interval stays in range */
	ck_assert_int_eq(pairstats_paired_diff(0, 20, 0, 0, 1.959964, &est, &lo, &hi), TB_OK);
	ck_assert_double_eq(est, -1);
	ck_assert(lo >= -1 && hi < 0);
	ck_assert_int_eq(pairstats_paired_diff(0, 0, 0, 0, 1.959964, &est, &lo, &hi), TB_ERR);
	ck_assert(isnan(est) && isnan(lo) && isnan(hi));
	ck_assert_int_eq(pairstats_paired_diff(1, -1, 0, 0, 1.959964, &est, &lo, &hi), TB_ERR);
}
END_TEST

/* A fixed stream of normals (Box-Muller over an LCG), for test data. */
static double normal(uint64_t *s)
{
	double u1, u2;

	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	u1 = ((double)(*s >> 11) + 1) / 9007199254740993.0;
	*s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
	u2 = (double)(*s >> 11) / 9007199254740992.0;
	return sqrt(-2 * log(u1)) * cos(2 * M_PI * u2);
}

START_TEST(bootstrap_exact_shifts)
{
	double x[50], y[50], z[50];
	pairstats_boot_result r;

	for (int i = 0; i < 50; i++) {
		x[i] = 100 + 7 * i;
		y[i] = x[i] + 10;
		z[i] = x[i] * 1.2;
	}
	/* every replicate of a constant shift is the shift */
	ck_assert_int_eq(pairstats_boot(x, y, 50, 500, 1, 0.95, NAN, &r), TB_OK);
	ck_assert_uint_eq(r.n, 50);
	ck_assert_double_eq_tol(r.diff, 10, 1e-9);
	ck_assert_double_eq_tol(r.diff_lo, 10, 1e-9);
	ck_assert_double_eq_tol(r.diff_hi, 10, 1e-9);
	ck_assert_double_eq_tol(r.mean_x, 100 + 7 * 24.5, 1e-9);
	/* and of a constant ratio, the ratio */
	ck_assert_int_eq(pairstats_boot(x, z, 50, 500, 1, 0.95, NAN, &r), TB_OK);
	ck_assert_double_eq_tol(r.pct, 20, 1e-9);
	ck_assert_double_eq_tol(r.pct_lo, 20, 1e-9);
	ck_assert_double_eq_tol(r.pct_hi, 20, 1e-9);
	ck_assert(isnan(r.p));
	/* every replicate rose 20%: beyond 10% with the smallest p, within 30% with p 1 */
	ck_assert_int_eq(pairstats_boot(x, z, 50, 500, 1, 0.95, 10, &r), TB_OK);
	ck_assert_double_eq_tol(r.p, 1.0 / 501, 1e-15);
	ck_assert_int_eq(pairstats_boot(x, z, 50, 500, 1, 0.95, 30, &r), TB_OK);
	ck_assert_double_eq_tol(r.p, 1, 1e-15);
}
END_TEST

START_TEST(bootstrap_deterministic_and_calibrated)
{
	enum { N = 400 };
	double *x = malloc(N * sizeof(*x)), *y = malloc(N * sizeof(*y)), sd = 0, mean = 0, w;
	pairstats_boot_result a, b, c;
	uint64_t s = 42;

	ck_assert_ptr_nonnull(x);
	ck_assert_ptr_nonnull(y);
	for (int i = 0; i < N; i++) {
		x[i] = 1000 + 200 * normal(&s);
		y[i] = x[i] + 30 + 100 * normal(&s);
		mean += y[i] - x[i];
	}
	mean /= N;
	for (int i = 0; i < N; i++)
		sd += (y[i] - x[i] - mean) * (y[i] - x[i] - mean);
	sd = sqrt(sd / (N - 1));
	ck_assert_int_eq(pairstats_boot(x, y, N, PAIRSTATS_BOOT_B, 7, 0.95, NAN, &a), TB_OK);
	ck_assert_int_eq(pairstats_boot(x, y, N, PAIRSTATS_BOOT_B, 7, 0.95, NAN, &b), TB_OK);
	ck_assert_int_eq(pairstats_boot(x, y, N, PAIRSTATS_BOOT_B, 8, 0.95, NAN, &c), TB_OK);
	/* the same seed, the same interval; another seed, another */
	ck_assert_double_eq(a.diff_lo, b.diff_lo);
	ck_assert_double_eq(a.pct_hi, b.pct_hi);
	ck_assert_double_ne(a.diff_lo, c.diff_lo);
	ck_assert_double_eq_tol(a.diff, mean, 1e-9);
	/* the percentile interval is close to the normal one, mean +- 1.96 se */
	w = 2 * 1.959964 * sd / sqrt((double)N);
	ck_assert_msg(fabs((a.diff_hi - a.diff_lo) - w) < 0.15 * w, "width %g, normal %g",
		      a.diff_hi - a.diff_lo, w);
	ck_assert(a.diff_lo < mean && mean < a.diff_hi);
	ck_assert(a.diff_lo > 0);
	ck_assert(a.pct_lo > 0 && a.pct_lo < a.pct && a.pct < a.pct_hi);
	/* the p-value inverts the one-sided interval: at the lower 2.5% bound
	 * of the change it is about 0.025, and it grows with the null */
	ck_assert_int_eq(pairstats_boot(x, y, N, PAIRSTATS_BOOT_B, 7, 0.95, a.pct_lo, &b), TB_OK);
	ck_assert_msg(fabs(b.p - 0.025) < 0.003, "p %g at the interval's end", b.p);
	ck_assert_int_eq(pairstats_boot(x, y, N, PAIRSTATS_BOOT_B, 7, 0.95, a.pct, &c), TB_OK);
	ck_assert_msg(fabs(c.p - 0.5) < 0.05, "p %g at the estimate", c.p);
	free(x);
	free(y);
}
END_TEST

START_TEST(bootstrap_edges)
{
	double zero[3] = {0, 0, 0}, y[3] = {1, 2, 3};
	pairstats_boot_result r;

	ck_assert_int_eq(pairstats_boot(NULL, NULL, 0, 100, 1, 0.95, NAN, &r), TB_OK);
	ck_assert_uint_eq(r.n, 0);
	ck_assert(isnan(r.mean_x) && isnan(r.diff_lo) && isnan(r.pct));
	/* a base mean of 0 has no ratio */
	ck_assert_int_eq(pairstats_boot(zero, y, 3, 100, 1, 0.95, NAN, &r), TB_OK);
	ck_assert_double_eq_tol(r.diff, 2, 1e-12);
	ck_assert(isnan(r.pct) && isnan(r.pct_lo));
	ck_assert_int_eq(pairstats_boot(zero, y, 3, 5, 1, 0.95, NAN, &r), TB_ERR);
	ck_assert_int_eq(pairstats_boot(zero, y, 3, 100, 1, 1.5, NAN, &r), TB_ERR);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pairstats");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, mcnemar_small_tables);
	tcase_add_test(tc, scipy_reference);
	tcase_add_test(tc, drop_test_properties);
	tcase_add_test(tc, signflip_reduces_to_mcnemar);
	tcase_add_test(tc, holm_and_bonferroni);
	tcase_add_test(tc, mcnemar_large_counts);
	tcase_add_test(tc, newcombe_published_example);
	tcase_add_test(tc, newcombe_edges);
	tcase_add_test(tc, bootstrap_exact_shifts);
	tcase_add_test(tc, bootstrap_deterministic_and_calibrated);
	tcase_add_test(tc, bootstrap_edges);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
