#include "pairstats.h"

#include <math.h>
#include <stdlib.h>

#include "rc.h"
#include "stats.h"

static double log_choose(long n, long k)
{
	return lgamma((double)n + 1) - lgamma((double)k + 1) - lgamma((double)(n - k) + 1);
}

/* log P(X >= k) for X ~ Binomial(m, 1/2) */
static double log_half_tail(long m, long k)
{
	double top, sum = 0;

	if (k <= 0)
		return 0;
	if (k > m)
		return -INFINITY;
	/* The terms past the mode shrink as i grows and those before it are
	 * below C(m, m/2): scaling by the largest term kept keeps every exp()
	 * in 0..1. */
	top = log_choose(m, k > m / 2 ? k : m / 2);
	for (long i = k; i <= m; i++)
		sum += exp(log_choose(m, i) - top);
	return top + log(sum) - (double)m * M_LN2;
}

double pairstats_mcnemar_drop(long lost, long won)
{
	double p;

	if (lost < 0 || won < 0)
		return NAN;
	if (lost + won == 0)
		return 1;
	p = exp(log_half_tail(lost + won, lost));
	return p > 1 ? 1 : p;
}

/* The maximum-likelihood p21 when p12 = p21 + margin. */
static double constrained_p21(double n, double lost, double won, double margin)
{
	double b = lost + won + (lost - won - 2 * n) * margin;

	return (b + sqrt(b * b + 8 * n * won * margin * (1 - margin))) / (4 * n);
}

double pairstats_tango_z(long n, long lost, long won, double margin)
{
	double q, var;

	if (n <= 0)
		return 0;
	q = constrained_p21((double)n, (double)lost, (double)won, margin);
	var = (double)n * (2 * q + margin - margin * margin);
	if (!(var > 0))
		return 0;
	return ((double)lost - (double)won - (double)n * margin) / sqrt(var);
}

/* What the unconditional sum needs, computed once per table. */
typedef struct drop_ctx {
	long n;
	double margin;
	double *lf;     /* lf[k] = log k!, k = 0..n */
	long *first;    /* first[m]: the least lost of m discordant pairs with Z >= the observed */
} drop_ctx;

static double log_pmf(const drop_ctx *d, long k, long m, double lp, double l1p)
{
	return d->lf[m] - d->lf[k] - d->lf[m - k] + (k ? (double)k * lp : 0) +
	       (m - k ? (double)(m - k) * l1p : 0);
}

/* Sums P(k) over k in lo..hi of Binomial(m, p) terms, only where they are
 * not negligible: within 9 standard deviations of the mean (beyond, the
 * mass is below 1e-18). */
static double binom_range(const drop_ctx *d, long m, double p, long lo, long hi)
{
	double mu = (double)m * p, w = 9 * sqrt((double)m * p * (1 - p)) + 2, lp = log(p), l1p = log1p(-p), sum = 0;
	long a = lo, b = hi;

	if (a < (long)floor(mu - w))
		a = (long)floor(mu - w);
	if (b > (long)ceil(mu + w))
		b = (long)ceil(mu + w);
	if (a < 0)
		a = 0;
	if (b > m)
		b = m;
	for (long k = a; k <= b; k++)
		sum += exp(log_pmf(d, k, m, lp, l1p));
	return sum;
}

/* The chance of a table at least as extreme as the observed one when
 * p21 = x and p12 = x + margin: the discordant count m is Binomial(n,
 * 2x + margin), and given m, lost is Binomial(m, (x + margin) / (2x +
 * margin)). */
static double tail_given(const drop_ctx *d, double x)
{
	double psi = 2 * x + d->margin, q = (x + d->margin) / psi, mu = (double)d->n * psi, sum = 0, lp, l1p, w;
	long lo, hi;

	if (psi >= 1)
		psi = 1;
	w = 9 * sqrt((double)d->n * psi * (1 - psi)) + 2;
	lo = (long)floor(mu - w);
	hi = (long)ceil(mu + w);
	if (lo < 0)
		lo = 0;
	if (hi > d->n)
		hi = d->n;
	lp = log(psi);
	l1p = log1p(-psi);
	for (long m = lo; m <= hi; m++) {
		double pm, t;

		if (d->first[m] > m)
			continue;
		pm = exp(log_pmf(d, m, d->n, lp, l1p));
		if (pm < 1e-300)
			continue;
		t = q >= 1 ? 1 : binom_range(d, m, q, d->first[m], m);
		sum += pm * t;
	}
	return sum > 1 ? 1 : sum;
}

/* The least lost of m discordant pairs whose Z reaches z_obs (m + 1 when
 * none does). Z grows with lost at a fixed m, so a bisection finds it. */
static long first_extreme(long n, long m, double margin, double z_obs)
{
	long lo = 0, hi = m + 1;

	/* bounded: the interval halves each pass */
	while (lo < hi) {
		long mid = lo + (hi - lo) / 2;

		if (pairstats_tango_z(n, mid, m - mid, margin) >= z_obs - 1e-9)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

double pairstats_drop_test(long n, long lost, long won, double margin)
{
	drop_ctx d = {n, margin, NULL, NULL};
	double p0, z_obs, lo, hi, best = 0, best_x = 0, step, a, b, gr = (sqrt(5.0) - 1) / 2, p;

	if (n < 0 || lost < 0 || won < 0 || lost + won > n || !(margin >= 0 && margin < 1))
		return NAN;
	if (n == 0)
		return 1;
	p0 = pairstats_mcnemar_drop(lost, won);
	if (margin == 0)
		return p0;
	z_obs = pairstats_tango_z(n, lost, won, margin);
	if (n > PAIRSTATS_EXACT_MAX_PAIRS) {
		p = 0.5 * erfc(z_obs / M_SQRT2);
		return p > p0 ? p : p0;
	}
	d.lf = malloc((size_t)(n + 1) * sizeof(*d.lf));
	d.first = malloc((size_t)(n + 1) * sizeof(*d.first));
	if (!d.lf || !d.first) {
		p = NAN;
		goto out;
	}
	for (long k = 0; k <= n; k++)
		d.lf[k] = lgamma((double)k + 1);
	for (long m = 0; m <= n; m++)
		d.first[m] = first_extreme(n, m, margin, z_obs);
	/* the nuisance p21 ranges over 0..(1 - margin) / 2 on the boundary */
	lo = 0;
	hi = (1 - margin) / 2;
	step = (hi - lo) / (PAIRSTATS_GRID - 1);
	for (int i = 0; i < PAIRSTATS_GRID; i++) {
		double x = lo + step * i, t = tail_given(&d, x);

		if (t > best) {
			best = t;
			best_x = x;
		}
	}
	/* golden-section search between the best point's neighbours */
	a = best_x - step > lo ? best_x - step : lo;
	b = best_x + step < hi ? best_x + step : hi;
	for (int i = 0; i < 30 && b - a > 1e-12; i++) {
		double x1 = b - gr * (b - a), x2 = a + gr * (b - a), t1 = tail_given(&d, x1), t2 = tail_given(&d, x2);

		if (t1 > best)
			best = t1;
		if (t2 > best)
			best = t2;
		if (t1 > t2)
			b = x2;
		else
			a = x1;
	}
	p = best;
	if (p < p0)
		p = p0;
	if (p > 1)
		p = 1;
out:
	free(d.lf);
	free(d.first);
	return p;
}

typedef struct ranked {
	double p;
	size_t i;
} ranked;

static int ranked_cmp(const void *pa, const void *pb)
{
	const ranked *a = pa, *b = pb;

	if (a->p != b->p)
		return a->p < b->p ? -1 : 1;
	return (a->i > b->i) - (a->i < b->i);
}

int pairstats_adjust(const double *p, size_t m, int method, double *adj)
{
	ranked *r;
	double run = 0;

	for (size_t i = 0; i < m; i++) {
		if (isnan(p[i]))
			return TB_ERR;
	}
	switch (method) {
	case PAIRSTATS_NONE:
		for (size_t i = 0; i < m; i++)
			adj[i] = p[i];
		return TB_OK;
	case PAIRSTATS_BONFERRONI:
		for (size_t i = 0; i < m; i++)
			adj[i] = fmin(1.0, (double)m * p[i]);
		return TB_OK;
	case PAIRSTATS_HOLM:
		break;
	default:
		return TB_ERR;
	}
	if (m == 0)
		return TB_OK;
	r = malloc(m * sizeof(*r));
	if (!r)
		return TB_NOMEM;
	for (size_t i = 0; i < m; i++)
		r[i] = (ranked){p[i], i};
	qsort(r, m, sizeof(*r), ranked_cmp);
	for (size_t j = 0; j < m; j++) {
		double v = fmin(1.0, (double)(m - j) * r[j].p);

		/* step-down: an adjusted p never falls below an earlier one */
		if (v > run)
			run = v;
		adj[r[j].i] = run;
	}
	free(r);
	return TB_OK;
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
		   double level, double null_pct, pairstats_boot_result *out)
{
	double *diffs = NULL, *pcts = NULL, sx = 0, sy = 0, a;
	size_t npct = 0, at_most = 0;
	uint64_t s = seed;
	int rc = TB_NOMEM;

	out->n = n;
	out->mean_x = out->mean_y = NAN;
	out->diff = out->diff_lo = out->diff_hi = NAN;
	out->pct = out->pct_lo = out->pct_hi = NAN;
	out->p = NAN;
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
		if (!(bx > 0) || 100 * (by / bx - 1) <= null_pct)
			at_most++;
	}
	if (!isnan(null_pct))
		out->p = (1.0 + (double)at_most) / ((double)b + 1.0);
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

double pairstats_signflip_drop(const double *x, const double *y, size_t n, double margin, int b, uint64_t seed)
{
	double t = 0, *w;
	long below = 0;

	if (b < 10 || !(margin >= 0 && margin < 1))
		return NAN;
	if (n == 0)
		return 1;
	w = malloc(n * sizeof(*w));
	if (!w)
		return NAN;
	for (size_t i = 0; i < n; i++) {
		w[i] = y[i] - x[i] + margin;
		t += w[i];
	}
	for (int k = 0; k < b; k++) {
		double s = 0;
		uint64_t bits = 0;

		for (size_t i = 0; i < n; i++) {
			if (i % 64 == 0)
				bits = splitmix64(&seed);
			s += (bits & 1) ? w[i] : -w[i];
			bits >>= 1;
		}
		/* a slack so that a sum equal to t in exact arithmetic counts
		 * as equal whatever order it was added in */
		below += s <= t + 1e-9 * (1 + fabs(t));
	}
	free(w);
	return (1.0 + (double)below) / ((double)b + 1.0);
}
