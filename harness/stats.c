#include "stats.h"

#include <math.h>
#include <stdlib.h>

#include "rc.h"

/* In place, with no memory of its own: glibc's qsort is a merge sort that
 * copies the array, and reports sort arrays of every sample. An introsort:
 * quicksort on the median of three, heapsort past 2 log2 n levels (so
 * O(n log n) always), insertion sort for short runs. */
static void swap_d(double *a, double *b)
{
	double t = *a;

	*a = *b;
	*b = t;
}

static void insertion_sort(double *v, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		double x = v[i];
		size_t j = i;

		for (; j > 0 && x < v[j - 1]; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

static void sift_down(double *v, size_t i, size_t n)
{
	for (size_t c; (c = 2 * i + 1) < n; i = c) {
		if (c + 1 < n && v[c] < v[c + 1])
			c++;
		if (!(v[i] < v[c]))
			return;
		swap_d(&v[i], &v[c]);
	}
}

static void heap_sort(double *v, size_t n)
{
	for (size_t i = n / 2; i-- > 0;)
		sift_down(v, i, n);
	for (size_t end = n; end-- > 1;) {
		swap_d(&v[0], &v[end]);
		sift_down(v, 0, end);
	}
}

static void intro_sort(double *v, size_t n, int depth)
{
	while (n > 16) {
		size_t m = n / 2, last = n - 1, i, j;
		double p;

		if (depth-- == 0) {
			heap_sort(v, n);
			return;
		}
		/* the median of three goes first and is the pivot */
		if (v[0] < v[m] ? v[m] < v[last] : v[last] < v[m])
			swap_d(&v[0], &v[m]);
		else if (v[0] < v[m] ? v[0] < v[last] : v[last] < v[0])
			swap_d(&v[0], &v[last]);
		p = v[0];
		/* Hoare's partition; with the pivot first it ends with 0 <= j < n - 1 */
		i = 0;
		j = n;
		for (;;) {
			while (v[i] < p)
				i++;
			while (p < v[--j])
				;
			if (i >= j)
				break;
			swap_d(&v[i], &v[j]);
			i++;
		}
		/* the shorter side first, the longer one in this loop: log n stack */
		if (j + 1 < n - j - 1) {
			intro_sort(v, j + 1, depth);
			v += j + 1;
			n -= j + 1;
		} else {
			intro_sort(v + j + 1, n - j - 1, depth);
			n = j + 1;
		}
	}
	insertion_sort(v, n);
}

void stats_sort(double *v, size_t n)
{
	int depth = 0;

	for (size_t k = n; k > 1; k >>= 1)
		depth += 2;
	intro_sort(v, n, depth);
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

void stats_sum_add(stats_sum *s, double x)
{
	int i = 0;

	for (int j = 0; j < s->n; j++) {
		double y = s->p[j], hi, lo;

		if (fabs(x) < fabs(y)) {
			double t = x;

			x = y;
			y = t;
		}
		hi = x + y;
		lo = y - (hi - x);
		if (lo != 0.0)
			s->p[i++] = lo;
		x = hi;
	}
	if (i == STATS_SUM_PARTIALS) {
		s->p[i - 1] += x;
		s->n = i;
		return;
	}
	s->p[i] = x;
	s->n = i + 1;
}

double stats_sum_value(const stats_sum *s)
{
	int n = s->n;
	double hi, lo = 0.0;

	if (n == 0)
		return 0.0;
	hi = s->p[--n];
	/* Add the partials from the largest down until the sum is inexact. */
	while (n > 0) {
		double x = hi, y = s->p[--n];

		hi = x + y;
		lo = y - (hi - x);
		if (lo != 0.0)
			break;
	}
	/* Rounding half to even across partials: a remainder of exactly half an
	 * ulp, pushed the same way by the next partial, rounds away. */
	if (n > 0 && ((lo < 0.0 && s->p[n - 1] < 0.0) || (lo > 0.0 && s->p[n - 1] > 0.0))) {
		double y = lo * 2.0, x = hi + y;

		if (y == x - hi)
			hi = x;
	}
	return hi;
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
