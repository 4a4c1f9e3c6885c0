#include "stats.h"

#include <math.h>
#include <stdlib.h>

#include "rc.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

void stats_sort(double *v, size_t n)
{
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_double);
}

double stats_percentile_sorted(const double *v, size_t n, double p)
{
	double h, lo;
	size_t i;

	if (n == 0 || !(p >= 0 && p <= 100))
		return NAN;
	h = (double)(n - 1) * p / 100.0;
	lo = floor(h);
	i = (size_t)lo;
	if (i + 1 >= n)
		return v[n - 1];
	return v[i] + (h - lo) * (v[i + 1] - v[i]);
}

double stats_percentile(double *v, size_t n, double p)
{
	stats_sort(v, n);
	return stats_percentile_sorted(v, n, p);
}

double stats_mean(const double *v, size_t n)
{
	double sum = 0;

	if (n == 0)
		return NAN;
	for (size_t i = 0; i < n; i++)
		sum += v[i];
	return sum / (double)n;
}

int stats_wilson(long k, long n, double z, double *lo, double *hi)
{
	double p, z2, denom, centre, half;

	*lo = *hi = NAN;
	if (n <= 0 || k < 0 || k > n || !(z > 0))
		return TB_ERR;
	p = (double)k / (double)n;
	z2 = z * z;
	denom = 1 + z2 / (double)n;
	centre = (p + z2 / (2.0 * (double)n)) / denom;
	half = z / denom * sqrt(p * (1 - p) / (double)n + z2 / (4.0 * (double)n * (double)n));
	/* rounding can push a bound a hair past 0 or 1 at k = 0 or k = n */
	*lo = fmax(0.0, centre - half);
	*hi = fmin(1.0, centre + half);
	return TB_OK;
}

void stats_vec_init(stats_vec *d, size_t max)
{
	d->v = NULL;
	d->n = d->cap = 0;
	d->max = max;
}

int stats_vec_push(stats_vec *d, double x)
{
	if (d->n >= d->max)
		return TB_TOOBIG;
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		double *p;

		if (cap > d->max)
			cap = d->max;
		p = realloc(d->v, cap * sizeof(*p));
		if (!p)
			return TB_NOMEM;
		d->v = p;
		d->cap = cap;
	}
	d->v[d->n++] = x;
	return TB_OK;
}

void stats_vec_release(stats_vec *d)
{
	free(d->v);
	d->v = NULL;
	d->n = d->cap = 0;
}

double stats_pass_at_k(long n, long c, long k)
{
	double miss = 1.0;

	if (n < 1 || k < 1 || k > n || c < 0 || c > n)
		return NAN;
	if (n - c < k)
		return 1.0;
	/* C(n-c, k) / C(n, k) = prod_{i=n-c+1..n} (1 - k / i); at most c terms */
	for (long i = n - c + 1; i <= n; i++)
		miss *= 1.0 - (double)k / (double)i;
	return 1.0 - miss;
}

void stats_cluster_add(stats_cluster *k, double n_i, double c_i)
{
	k->g += 1;
	k->sn += n_i;
	k->sc += c_i;
	k->scc += c_i * c_i;
	k->scn += c_i * n_i;
	k->snn += n_i * n_i;
}

int stats_cluster_ci(const stats_cluster *k, double z, double *p, double *lo, double *hi)
{
	double m, ss, se;

	*p = k->sn > 0 ? k->sc / k->sn : NAN;
	*lo = *hi = NAN;
	if (k->g < 2 || k->sn <= 0)
		return TB_ERR;
	m = *p;
	/* sum (c - m n)^2 expanded, so one pass over the items is enough */
	ss = k->scc - 2 * m * k->scn + m * m * k->snn;
	if (ss < 0)
		ss = 0;
	se = sqrt(k->g / (k->g - 1) * ss) / k->sn;
	*lo = fmax(0.0, m - z * se);
	*hi = fmin(1.0, m + z * se);
	return TB_OK;
}

void stats_paired_add(stats_paired *k, double d)
{
	k->n += 1;
	k->sd += d;
	k->sdd += d * d;
}

double stats_t975(long df)
{
	static const double t[30] = {
		12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
		2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
		2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
	};

	if (df < 1)
		return NAN;
	if (df <= 30)
		return t[df - 1];
	/* beyond 30 the normal quantile plus the first Cornish-Fisher term */
	return STATS_Z95 + (STATS_Z95 * STATS_Z95 * STATS_Z95 + STATS_Z95) / (4.0 * (double)df);
}

int stats_paired_ci(const stats_paired *k, double *mean, double *lo, double *hi)
{
	double var, se, q;

	*mean = k->n > 0 ? k->sd / k->n : NAN;
	*lo = *hi = NAN;
	if (k->n < 2)
		return TB_ERR;
	var = (k->sdd - k->n * *mean * *mean) / (k->n - 1);
	if (var < 0)
		var = 0;
	se = sqrt(var / k->n);
	q = stats_t975((long)k->n - 1);
	*lo = *mean - q * se;
	*hi = *mean + q * se;
	return TB_OK;
}
