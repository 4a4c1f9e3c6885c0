#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rc.h"
#include "stats.h"
#include "refcase.h"
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

static double exact_sum(const double *v, size_t n)
{
	stats_sum s = {0};

	for (size_t i = 0; i < n; i++)
		stats_sum_add(&s, v[i]);
	return stats_sum_value(&s);
}

START_TEST(sum_known)
{
	double tenths[10], cancel[] = {1e100, 1.0, -1e100}, tie[] = {1e16, 1.0, 1e-16};
	double naive = 0;

	for (int i = 0; i < 10; i++) {
		tenths[i] = 0.1;
		naive += 0.1;
	}
	ck_assert_double_ne(naive, 1.0);
	ck_assert_double_eq(exact_sum(tenths, 10), 1.0);
	ck_assert_double_eq(exact_sum(cancel, 3), 1.0);
	/* Python: math.fsum([1e16, 1., 1e-16]) == 1.0000000000000002e16, where
	 * rounding 1e16 + 1 alone would go to the even 1e16 */
	ck_assert_double_eq(exact_sum(tie, 3), 10000000000000002.0);
	ck_assert_double_eq(exact_sum(tie, 0), 0.0);
}
END_TEST

/* 2,000 terms below 1 with bits down to 2^-62: their exact sum fits in 128
 * bits, and each order of adding them must give it, rounded once. */
START_TEST(sum_any_order)
{
	enum { N = 2000 };
	double v[N];
	__int128 exact = 0;
	double want;
	int naive_order_differs = 0;
	unsigned long long seed = 42;

	for (int i = 0; i < N; i++) {
		int e;
		unsigned long long m;

		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		m = (seed >> 11) | (1ULL << 52);
		e = (int)(seed % 10);
		v[i] = ldexp((double)m, -(53 + e));
		exact += (__int128)m << (9 - e);
	}
	want = ldexp((double)exact, -62);
	for (int round = 0; round < 5; round++) {
		double naive = 0;

		ck_assert_double_eq(exact_sum(v, N), want);
		for (int i = 0; i < N; i++)
			naive += v[i];
		naive_order_differs += naive != want;
		for (int i = N - 1; i > 0; i--) {
			int j;
			double t;

			seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
			j = (int)((seed >> 33) % (unsigned long long)(i + 1));
			t = v[i];
			v[i] = v[j];
			v[j] = t;
		}
	}
	/* the test means something only if adding in order would not do */
	ck_assert(naive_order_differs > 0);
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

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* stats_sort against qsort on the shapes that break quicksorts: sorted,
 * reversed, all equal, few values, organ pipe, random, and the sizes around
 * the insertion-sort cut. */
START_TEST(sort_shapes)
{
	static const size_t sizes[] = {0, 1, 2, 3, 15, 16, 17, 18, 33, 100, 1000, 65537};
	double *a = malloc(65537 * sizeof(*a)), *b = malloc(65537 * sizeof(*b));
	unsigned seed = 12345;

	ck_assert(a && b);
	for (size_t si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++) {
		size_t n = sizes[si];

		for (int shape = 0; shape < 6; shape++) {
			for (size_t i = 0; i < n; i++) {
				seed = seed * 1103515245u + 12345u;
				switch (shape) {
				case 0: a[i] = (double)i; break;
				case 1: a[i] = (double)(n - i); break;
				case 2: a[i] = 7.5; break;
				case 3: a[i] = (double)(seed >> 16 & 3); break;
				case 4: a[i] = (double)(i < n / 2 ? i : n - i); break;
				default: a[i] = (double)(seed >> 8) / 3.0 - 1e6; break;
				}
				b[i] = a[i];
			}
			stats_sort(a, n);
			qsort(b, n, sizeof(*b), cmp_double);
			for (size_t i = 0; i < n; i++)
				ck_assert_msg(a[i] == b[i], "n %zu shape %d: [%zu] %g != %g", n, shape, i,
					      a[i], b[i]);
		}
	}
	free(a);
	free(b);
}
END_TEST

/* Worked examples of 1 - C(n-c,k)/C(n,k), by hand:
 * n=10 c=3 k=5: 1 - C(7,5)/C(10,5) = 1 - 21/252; n=200 c=1 k=100: 1 - 100/200;
 * n=4 c=2 k=2: 1 - C(2,2)/C(4,2) = 1 - 1/6. */
START_TEST(pass_at_k_examples)
{
	ck_assert_double_eq_tol(stats_pass_at_k(10, 3, 1), 0.3, EPS);
	ck_assert_double_eq_tol(stats_pass_at_k(10, 3, 5), 1.0 - 21.0 / 252.0, EPS);
	ck_assert_double_eq_tol(stats_pass_at_k(200, 1, 100), 0.5, EPS);
	ck_assert_double_eq_tol(stats_pass_at_k(4, 2, 2), 1.0 - 1.0 / 6.0, EPS);
	ck_assert_double_eq_tol(stats_pass_at_k(5, 0, 1), 0.0, EPS);
	ck_assert_double_eq_tol(stats_pass_at_k(5, 5, 5), 1.0, EPS);
	/* n - c < k: every draw of k holds a correct one */
	ck_assert_double_eq_tol(stats_pass_at_k(5, 3, 3), 1.0, EPS);
	ck_assert(isnan(stats_pass_at_k(3, 1, 4)));
	ck_assert(isnan(stats_pass_at_k(0, 0, 1)));
	ck_assert(isnan(stats_pass_at_k(3, 4, 1)));
}
END_TEST

/* Five items of two samples, 2,2,1,1,0 correct: p = 0.6, residuals
 * 0.8,0.8,-0.2,-0.2,-1.2, sum of squares 2.8, se = sqrt(5/4 * 2.8) / 10. */
START_TEST(cluster_by_hand)
{
	stats_cluster k = {0};
	static const double c[5] = {2, 2, 1, 1, 0};
	double p, lo, hi, se = sqrt(1.25 * 2.8) / 10;

	for (int i = 0; i < 5; i++)
		stats_cluster_add(&k, 2, c[i]);
	ck_assert_int_eq(stats_cluster_ci(&k, STATS_Z95, &p, &lo, &hi), TB_OK);
	ck_assert_double_eq_tol(p, 0.6, EPS);
	ck_assert_double_eq_tol(lo, 0.6 - STATS_Z95 * se, EPS);
	ck_assert_double_eq_tol(hi, 0.6 + STATS_Z95 * se, EPS);
	stats_cluster k1 = {0};
	stats_cluster_add(&k1, 3, 1);
	ck_assert_int_eq(stats_cluster_ci(&k1, STATS_Z95, &p, &lo, &hi), TB_ERR);
	ck_assert(isnan(lo) && isnan(hi));
}
END_TEST

/* d = 1,0,0,1,-1: mean 0.2, sample variance (3 - 5 * 0.04) / 4 = 0.7, t(4) = 2.776. */
START_TEST(paired_by_hand)
{
	stats_paired k = {0};
	static const double d[5] = {1, 0, 0, 1, -1};
	double m, lo, hi, half = 2.776 * sqrt(0.7 / 5);

	for (int i = 0; i < 5; i++)
		stats_paired_add(&k, d[i]);
	ck_assert_int_eq(stats_paired_ci(&k, &m, &lo, &hi), TB_OK);
	ck_assert_double_eq_tol(m, 0.2, EPS);
	ck_assert_double_eq_tol(lo, 0.2 - half, EPS);
	ck_assert_double_eq_tol(hi, 0.2 + half, EPS);
	ck_assert_double_eq_tol(stats_t975(1), 12.706, 1e-3);
	ck_assert_double_eq_tol(stats_t975(30), 2.042, 1e-3);
	/* df 60: 2.000 in the tables */
	ck_assert_double_eq_tol(stats_t975(60), 2.000, 2e-3);
}
END_TEST

/* Against tests/data/stats-reference.tsv (SciPy and NumPy; the file says
 * which function gave each value and how close the C must come). */
typedef struct ref_counts {
	int wilson, cluster, paired_t, t975, pass_at_k, percentile;
} ref_counts;

static void ref_stats(const ref_case *c, void *ud)
{
	ref_counts *n = ud;
	double p, lo, hi, v[REF_MAX_VALUES];

	if (strcmp(c->kind, "wilson") == 0) {
		ck_assert_int_eq(stats_wilson((long)c->in[0], (long)c->in[1], STATS_Z95, &lo, &hi), TB_OK);
		ref_check(c, 0, lo, 0);
		ref_check(c, 1, hi, 0);
		n->wilson++;
	} else if (strcmp(c->kind, "cluster") == 0) {
		stats_cluster k = {0};

		for (size_t i = 0; i + 1 < c->n_in; i += 2)
			stats_cluster_add(&k, c->in[i], c->in[i + 1]);
		ck_assert_int_eq(stats_cluster_ci(&k, STATS_Z95, &p, &lo, &hi), TB_OK);
		ref_check(c, 0, p, 0);
		ref_check(c, 1, lo, 0);
		ref_check(c, 2, hi, 0);
		n->cluster++;
	} else if (strcmp(c->kind, "paired_t") == 0) {
		stats_paired k = {0};

		for (size_t i = 0; i < c->n_in; i++)
			stats_paired_add(&k, c->in[i]);
		ck_assert_int_eq(stats_paired_ci(&k, &p, &lo, &hi), TB_OK);
		ref_check(c, 0, p, 0);
		ref_check(c, 1, lo, 0);
		ref_check(c, 2, hi, 0);
		n->paired_t++;
	} else if (strcmp(c->kind, "t975") == 0) {
		ref_check(c, 0, stats_t975((long)c->in[0]), 0);
		n->t975++;
	} else if (strcmp(c->kind, "pass_at_k") == 0) {
		ref_check(c, 0, stats_pass_at_k((long)c->in[0], (long)c->in[1], (long)c->in[2]), 0);
		n->pass_at_k++;
	} else if (strcmp(c->kind, "percentile") == 0) {
		memcpy(v, c->in + 1, (c->n_in - 1) * sizeof(*v));
		stats_sort(v, c->n_in - 1);
		ref_check(c, 0, stats_percentile_sorted(v, c->n_in - 1, c->in[0]), 0);
		n->percentile++;
	}
}

START_TEST(scipy_reference)
{
	ref_counts n = {0};

	ck_assert_int_gt(ref_each(ref_stats, &n), 0);
	ck_assert_int_ge(n.wilson, 6);
	ck_assert_int_ge(n.cluster, 3);
	ck_assert_int_ge(n.paired_t, 3);
	ck_assert_int_ge(n.t975, 8);
	ck_assert_int_ge(n.pass_at_k, 5);
	ck_assert_int_ge(n.percentile, 7);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("stats");
	TCase *tc = tcase_create("core");

	/* sort_shapes sorts millions of doubles: seconds under ASan on a loaded machine */
	tcase_set_timeout(tc, 120);

	tcase_add_test(tc, percentile_numpy_doc);
	tcase_add_test(tc, scipy_reference);
	tcase_add_test(tc, percentile_by_hand);
	tcase_add_test(tc, mean_values);
	tcase_add_test(tc, sum_known);
	tcase_add_test(tc, sum_any_order);
	tcase_add_test(tc, wilson_known);
	tcase_add_test(tc, wilson_bad_input);
	tcase_add_test(tc, vec_ceiling);
	tcase_add_test(tc, sort_shapes);
	tcase_add_test(tc, pass_at_k_examples);
	tcase_add_test(tc, cluster_by_hand);
	tcase_add_test(tc, paired_by_hand);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
