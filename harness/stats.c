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
