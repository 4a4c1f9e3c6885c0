#include "pairstats.h"

#include <math.h>
#include <stdlib.h>

#include "rc.h"
#include "stats.h"

static double log_choose(long n, long k)
{
	return lgamma((double)n + 1) - lgamma((double)k + 1) - lgamma((double)(n - k) + 1);
}

double pairstats_mcnemar_exact(long n12, long n21)
{
	long n, k;
	double top, sum = 0, p;

	if (n12 < 0 || n21 < 0)
		return NAN;
	n = n12 + n21;
	if (n == 0)
		return 1;
	k = n12 < n21 ? n12 : n21;
	/* k <= n/2, so the terms grow with i: the last is the largest, and
	 * scaling by it keeps every exp() in 0..1. */
	top = log_choose(n, k);
	for (long i = 0; i <= k; i++)
		sum += exp(log_choose(n, i) - top);
	p = 2 * exp(top + log(sum) - (double)n * M_LN2);
	return p > 1 ? 1 : p;
}

int pairstats_paired_diff(long n11, long n12, long n21, long n22, double z,
			  double *est, double *lo, double *hi)
{
	double n, r1, r2, c1, c2, p1, p2, l1, u1, l2, u2, a, phi = 0, d1, d2;

	*est = *lo = *hi = NAN;
	if (n11 < 0 || n12 < 0 || n21 < 0 || n22 < 0 || z <= 0)
		return TB_ERR;
	n = (double)n11 + (double)n12 + (double)n21 + (double)n22;
	if (n <= 0)
		return TB_ERR;
	r1 = (double)(n11 + n12);    /* right in the first */
	r2 = (double)(n21 + n22);
	c1 = (double)(n11 + n21);    /* right in the second */
	c2 = (double)(n12 + n22);
	p1 = r1 / n;
	p2 = c1 / n;
	if (stats_wilson(n11 + n12, (long)n, z, &l1, &u1) != TB_OK ||
	    stats_wilson(n11 + n21, (long)n, z, &l2, &u2) != TB_OK)
		return TB_ERR;
	if (r1 > 0 && r2 > 0 && c1 > 0 && c2 > 0) {
		a = (double)n11 * (double)n22 - (double)n12 * (double)n21;
		/* Newcombe's correction: a positive correlation counts only past n/2 */
		if (a > n / 2)
			phi = (a - n / 2) / sqrt(r1 * r2 * c1 * c2);
		else if (a < 0)
			phi = a / sqrt(r1 * r2 * c1 * c2);
	}
	*est = p2 - p1;
	/* Lower end: the second marginal at its lower bound, the first at its upper. */
	d1 = (p2 - l2) * (p2 - l2) + (u1 - p1) * (u1 - p1) - 2 * phi * (p2 - l2) * (u1 - p1);
	d2 = (u2 - p2) * (u2 - p2) + (p1 - l1) * (p1 - l1) - 2 * phi * (u2 - p2) * (p1 - l1);
	*lo = *est - sqrt(d1 > 0 ? d1 : 0);
	*hi = *est + sqrt(d2 > 0 ? d2 : 0);
	if (*lo < -1)
		*lo = -1;
	if (*hi > 1)
		*hi = 1;
	return TB_OK;
}

static uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* An index in 0..n-1 (Lemire's multiply-shift; the bias is below 2^-32 for
 * the sizes compared here). */
static size_t draw(uint64_t *s, size_t n)
{
	return (size_t)(((splitmix64(s) >> 32) * (uint64_t)n) >> 32);
}

int pairstats_boot(const double *x, const double *y, size_t n, int b, uint64_t seed,
		   double level, pairstats_boot_result *out)
{
	double *diffs = NULL, *pcts = NULL, sx = 0, sy = 0, a;
	size_t npct = 0;
	uint64_t s = seed;
	int rc = TB_NOMEM;

	out->n = n;
	out->mean_x = out->mean_y = NAN;
	out->diff = out->diff_lo = out->diff_hi = NAN;
	out->pct = out->pct_lo = out->pct_hi = NAN;
	if (b < 10 || !(level > 0 && level < 1) || n > (size_t)UINT32_MAX)
		return TB_ERR;
	if (n == 0)
		return TB_OK;
	for (size_t i = 0; i < n; i++) {
		sx += x[i];
		sy += y[i];
	}
	out->mean_x = sx / (double)n;
	out->mean_y = sy / (double)n;
	out->diff = out->mean_y - out->mean_x;
	if (out->mean_x > 0)
		out->pct = 100 * (out->mean_y / out->mean_x - 1);
	diffs = malloc((size_t)b * sizeof(*diffs));
	pcts = malloc((size_t)b * sizeof(*pcts));
	if (!diffs || !pcts)
		goto out;
	for (int r = 0; r < b; r++) {
		double bx = 0, by = 0;

		for (size_t i = 0; i < n; i++) {
			size_t j = draw(&s, n);

			bx += x[j];
			by += y[j];
		}
		bx /= (double)n;
		by /= (double)n;
		diffs[r] = by - bx;
		if (bx > 0)
			pcts[npct++] = 100 * (by / bx - 1);
	}
	a = 100 * (1 - level) / 2;
	stats_sort(diffs, (size_t)b);
	out->diff_lo = stats_percentile_sorted(diffs, (size_t)b, a);
	out->diff_hi = stats_percentile_sorted(diffs, (size_t)b, 100 - a);
	if (npct * 2 >= (size_t)b) {
		stats_sort(pcts, npct);
		out->pct_lo = stats_percentile_sorted(pcts, npct, a);
		out->pct_hi = stats_percentile_sorted(pcts, npct, 100 - a);
	}
	rc = TB_OK;
out:
	free(diffs);
	free(pcts);
	return rc;
}
