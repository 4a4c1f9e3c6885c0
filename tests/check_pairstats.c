/* pairstats: McNemar's exact test against values worked by hand from the
 * binomial and published in Fagerland, Lydersen and Laake (2017), Newcombe's
 * paired interval against the same book's example, and the bootstrap's
 * determinism and coverage. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "pairstats.h"
#include "rc.h"
#include "testutil.h"

START_TEST(mcnemar_small_tables)
{
	/* 2 * P(X <= 2 | n = 12, p = 1/2) = 2 * (1 + 12 + 66) / 4096 */
	ck_assert_double_eq_tol(pairstats_mcnemar_exact(10, 2), 158.0 / 4096, 1e-12);
	ck_assert_double_eq_tol(pairstats_mcnemar_exact(10, 2), 0.0386, 5e-5);
	ck_assert_double_eq_tol(pairstats_mcnemar_exact(2, 10), 158.0 / 4096, 1e-12);
	ck_assert_double_eq(pairstats_mcnemar_exact(5, 5), 1.0);
	ck_assert_double_eq_tol(pairstats_mcnemar_exact(0, 6), 0.03125, 1e-12);
	ck_assert_double_eq_tol(pairstats_mcnemar_exact(6, 0), 0.03125, 1e-12);
	/* one discordant pair proves nothing */
	ck_assert_double_eq(pairstats_mcnemar_exact(1, 0), 1.0);
	ck_assert_double_eq(pairstats_mcnemar_exact(0, 0), 1.0);
	ck_assert(isnan(pairstats_mcnemar_exact(-1, 3)));
}
END_TEST

START_TEST(mcnemar_published_examples)
{
	/* Fagerland, Lydersen & Laake, Statistical Analysis of Contingency
	 * Tables, ch. 8: Bentur et al. (2009), n12 = 1, n21 = 7: exact
	 * conditional p = 0.0703; Cavo et al. (2012), n12 = 6, n21 = 16:
	 * p = 0.0525 (2 * 110056 / 2^22). */
	ck_assert_double_eq_tol(pairstats_mcnemar_exact(1, 7), 0.0703125, 1e-12);
	ck_assert_double_eq_tol(pairstats_mcnemar_exact(6, 16), 2.0 * 110056 / 4194304, 1e-12);
	ck_assert_double_eq_tol(pairstats_mcnemar_exact(6, 16), 0.0525, 5e-5);
}
END_TEST

START_TEST(mcnemar_large_counts)
{
	/* Past a few hundred pairs the exact test meets the continuity-corrected
	 * normal approximation: z = (|b - c| - 1) / sqrt(b + c). */
	double z = (100.0 - 1) / sqrt(1900.0), approx = erfc(z / sqrt(2.0));
	double p = pairstats_mcnemar_exact(1000, 900);

	ck_assert_msg(fabs(p - approx) / approx < 0.03, "exact %g, normal %g", p, approx);
	ck_assert_double_eq_tol(p, pairstats_mcnemar_exact(900, 1000), 1e-15);
	/* a million pairs: no overflow, no NAN */
	p = pairstats_mcnemar_exact(500000, 500000);
	ck_assert(isfinite(p));
	ck_assert_double_eq_tol(p, 1.0, 1e-9);
	z = (2000.0 - 1) / sqrt(1000000.0);
	approx = erfc(z / sqrt(2.0));
	p = pairstats_mcnemar_exact(501000, 499000);
	ck_assert_msg(fabs(p - approx) / approx < 0.01, "exact %g, normal %g", p, approx);
	/* far in the tail: a tiny number, not 0/0 */
	p = pairstats_mcnemar_exact(600000, 400000);
	ck_assert(isfinite(p));
	ck_assert(p >= 0 && p < 1e-100);
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
	ck_assert_int_eq(pairstats_boot(x, y, 50, 500, 1, 0.95, &r), TB_OK);
	ck_assert_uint_eq(r.n, 50);
	ck_assert_double_eq_tol(r.diff, 10, 1e-9);
	ck_assert_double_eq_tol(r.diff_lo, 10, 1e-9);
	ck_assert_double_eq_tol(r.diff_hi, 10, 1e-9);
	ck_assert_double_eq_tol(r.mean_x, 100 + 7 * 24.5, 1e-9);
	/* and of a constant ratio, the ratio */
	ck_assert_int_eq(pairstats_boot(x, z, 50, 500, 1, 0.95, &r), TB_OK);
	ck_assert_double_eq_tol(r.pct, 20, 1e-9);
	ck_assert_double_eq_tol(r.pct_lo, 20, 1e-9);
	ck_assert_double_eq_tol(r.pct_hi, 20, 1e-9);
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
	ck_assert_int_eq(pairstats_boot(x, y, N, PAIRSTATS_BOOT_B, 7, 0.95, &a), TB_OK);
	ck_assert_int_eq(pairstats_boot(x, y, N, PAIRSTATS_BOOT_B, 7, 0.95, &b), TB_OK);
	ck_assert_int_eq(pairstats_boot(x, y, N, PAIRSTATS_BOOT_B, 8, 0.95, &c), TB_OK);
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
	free(x);
	free(y);
}
END_TEST

START_TEST(bootstrap_edges)
{
	double zero[3] = {0, 0, 0}, y[3] = {1, 2, 3};
	pairstats_boot_result r;

	ck_assert_int_eq(pairstats_boot(NULL, NULL, 0, 100, 1, 0.95, &r), TB_OK);
	ck_assert_uint_eq(r.n, 0);
	ck_assert(isnan(r.mean_x) && isnan(r.diff_lo) && isnan(r.pct));
	/* a base mean of 0 has no ratio */
	ck_assert_int_eq(pairstats_boot(zero, y, 3, 100, 1, 0.95, &r), TB_OK);
	ck_assert_double_eq_tol(r.diff, 2, 1e-12);
	ck_assert(isnan(r.pct) && isnan(r.pct_lo));
	ck_assert_int_eq(pairstats_boot(zero, y, 3, 5, 1, 0.95, &r), TB_ERR);
	ck_assert_int_eq(pairstats_boot(zero, y, 3, 100, 1, 1.5, &r), TB_ERR);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("pairstats");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, mcnemar_small_tables);
	tcase_add_test(tc, mcnemar_published_examples);
	tcase_add_test(tc, mcnemar_large_counts);
	tcase_add_test(tc, newcombe_published_example);
	tcase_add_test(tc, newcombe_edges);
	tcase_add_test(tc, bootstrap_exact_shifts);
	tcase_add_test(tc, bootstrap_deterministic_and_calibrated);
	tcase_add_test(tc, bootstrap_edges);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
