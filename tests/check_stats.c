#include <check.h>
#include <math.h>
#include <stdlib.h>

#include "rc.h"
#include "stats.h"
#include "testutil.h"

#define EPS 1e-9

START_TEST(percentile_numpy_doc)
{
	/* numpy.percentile's documentation: a = [[10, 7, 4], [3, 2, 1]];
	 * np.percentile(a, 50) == 3.5, and along axis 0: [6.5, 4.5, 2.5] */
	double a[] = {10, 7, 4, 3, 2, 1};
	double c0[] = {10, 3}, c1[] = {7, 2}, c2[] = {4, 1};

	ck_assert_double_eq_tol(stats_percentile(a, 6, 50), 3.5, EPS);
	ck_assert_double_eq_tol(stats_percentile(c0, 2, 50), 6.5, EPS);
	ck_assert_double_eq_tol(stats_percentile(c1, 2, 50), 4.5, EPS);
	ck_assert_double_eq_tol(stats_percentile(c2, 2, 50), 2.5, EPS);
}
END_TEST

START_TEST(percentile_by_hand)
{
	/* h = (n-1) p/100 */
	double v[] = {50, 15, 40, 20, 35};
	double four[] = {4, 1, 3, 2};
	double one[] = {42};

	/* sorted 15 20 35 40 50; p40: h = 1.6 -> 20 + 0.6 * 15 = 29 */
	ck_assert_double_eq_tol(stats_percentile(v, 5, 40), 29.0, EPS);
	/* the array was sorted in place */
	ck_assert_double_eq(v[0], 15);
	ck_assert_double_eq(v[4], 50);
	ck_assert_double_eq_tol(stats_percentile_sorted(v, 5, 0), 15, EPS);
	ck_assert_double_eq_tol(stats_percentile_sorted(v, 5, 100), 50, EPS);
	ck_assert_double_eq_tol(stats_percentile_sorted(v, 5, 50), 35, EPS);
	/* p90: h = 3.6 -> 40 + 0.6 * 10 = 46 */
	ck_assert_double_eq_tol(stats_percentile_sorted(v, 5, 90), 46, EPS);
	/* 1 2 3 4: p50 = 2.5, p90: h = 2.7 -> 3.7 */
	ck_assert_double_eq_tol(stats_percentile(four, 4, 50), 2.5, EPS);
	ck_assert_double_eq_tol(stats_percentile_sorted(four, 4, 90), 3.7, EPS);
	ck_assert_double_eq_tol(stats_percentile(one, 1, 90), 42, EPS);
	ck_assert(isnan(stats_percentile(one, 0, 50)));
	ck_assert(isnan(stats_percentile(one, 1, 101)));
	ck_assert(isnan(stats_percentile(one, 1, -1)));
	ck_assert(isnan(stats_percentile(one, 1, NAN)));
}
END_TEST

START_TEST(mean_values)
{
	double v[] = {1, 2, 3, 4, 10};

	ck_assert_double_eq_tol(stats_mean(v, 5), 4.0, EPS);
	ck_assert(isnan(stats_mean(v, 0)));
}
END_TEST

START_TEST(wilson_known)
{
	double lo, hi;

	ck_assert_int_eq(stats_wilson(8, 10, STATS_Z95, &lo, &hi), TB_OK);
	ck_assert_double_eq_tol(lo, 0.4902, 5e-5);
	ck_assert_double_eq_tol(hi, 0.9433, 5e-5);
	ck_assert_int_eq(stats_wilson(0, 10, STATS_Z95, &lo, &hi), TB_OK);
	ck_assert_double_eq_tol(lo, 0.0, EPS);
	ck_assert_double_eq_tol(hi, 0.27753, 5e-5);
	ck_assert_int_eq(stats_wilson(10, 10, STATS_Z95, &lo, &hi), TB_OK);
	ck_assert_double_eq_tol(lo, 0.72247, 5e-5);
	ck_assert(hi <= 1.0);
	ck_assert_double_eq_tol(hi, 1.0, 1e-12);
	ck_assert_int_eq(stats_wilson(1, 2, STATS_Z95, &lo, &hi), TB_OK);
	ck_assert_double_eq_tol(lo, 0.09453, 5e-5);
	ck_assert_double_eq_tol(hi, 0.90547, 5e-5);
	ck_assert_int_eq(stats_wilson(45, 50, STATS_Z95, &lo, &hi), TB_OK);
	ck_assert_double_eq_tol(lo, 0.78640, 5e-5);
	ck_assert_double_eq_tol(hi, 0.95652, 5e-5);
}
END_TEST

START_TEST(wilson_bad_input)
{
	double lo, hi;

	ck_assert_int_eq(stats_wilson(0, 0, STATS_Z95, &lo, &hi), TB_ERR);
	ck_assert(isnan(lo) && isnan(hi));
	ck_assert_int_eq(stats_wilson(3, 2, STATS_Z95, &lo, &hi), TB_ERR);
	ck_assert_int_eq(stats_wilson(-1, 2, STATS_Z95, &lo, &hi), TB_ERR);
	ck_assert_int_eq(stats_wilson(1, 2, 0, &lo, &hi), TB_ERR);
}
END_TEST

START_TEST(vec_ceiling)
{
	stats_vec d;

	stats_vec_init(&d, 100);
	for (int i = 0; i < 100; i++)
		ck_assert_int_eq(stats_vec_push(&d, i), TB_OK);
	ck_assert_int_eq(stats_vec_push(&d, 100), TB_TOOBIG);
	ck_assert_uint_eq(d.n, 100);
	ck_assert(d.cap <= 100);
	ck_assert_double_eq(d.v[99], 99);
	ck_assert_double_eq_tol(stats_percentile(d.v, d.n, 50), 49.5, EPS);
	stats_vec_release(&d);
	ck_assert_ptr_null(d.v);
	ck_assert_uint_eq(d.n, 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("stats");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, percentile_numpy_doc);
	tcase_add_test(tc, percentile_by_hand);
	tcase_add_test(tc, mean_values);
	tcase_add_test(tc, wilson_known);
	tcase_add_test(tc, wilson_bad_input);
	tcase_add_test(tc, vec_ceiling);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
