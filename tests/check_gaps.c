/* The inter-chunk gap histogram: quantiles within 5% of the true gap. */
#include <check.h>
#include <math.h>
#include <string.h>

#include "gaps.h"
#include "testutil.h"

static void near(double got, double want)
{
	ck_assert_msg(fabs(got - want) <= 0.05 * want, "got %.4f, want %.4f within 5%%", got, want);
}

START_TEST(quantiles_within_five_percent)
{
	tb_gaps g;

	memset(&g, 0, sizeof(g));
	ck_assert(isnan(tb_gaps_quantile_ms(&g, 0.5)));
	/* 1..1000 ms, in a shuffled order: the order must not matter */
	for (int i = 0; i < 1000; i++)
		tb_gaps_add(&g, (int64_t)((i * 337) % 1000 + 1) * 1000);
	near(tb_gaps_quantile_ms(&g, 0.5), 500);
	near(tb_gaps_quantile_ms(&g, 0.99), 990);
	near(tb_gaps_quantile_ms(&g, 0.0), 1);
	near(tb_gaps_quantile_ms(&g, 1.0), 1000);
}
END_TEST

START_TEST(extremes)
{
	tb_gaps g;

	memset(&g, 0, sizeof(g));
	tb_gaps_add(&g, -5);
	tb_gaps_add(&g, 3);
	ck_assert(tb_gaps_quantile_ms(&g, 1.0) < 0.01);
	/* a gap past the last bin lands in it: finite, never out of bounds */
	tb_gaps_add(&g, INT64_MAX);
	ck_assert(isfinite(tb_gaps_quantile_ms(&g, 1.0)));
	ck_assert_uint_eq(g.n, 3);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("gaps");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, quantiles_within_five_percent);
	tcase_add_test(tc, extremes);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
