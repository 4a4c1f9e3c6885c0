/* Small statistics for reports: percentiles, mean, the Wilson score interval
 * of a proportion, and a growable vector of doubles with a ceiling. */
#ifndef TB_STATS_H
#define TB_STATS_H

#include <stddef.h>

/* z for a two-sided 95% interval */
#define STATS_Z95 1.959964

/* Sorts v in place, ascending. NAN must not be present (the callers keep
 * unknown values out of their vectors). */
void stats_sort(double *v, size_t n);

/* The p-th percentile (p from 0 to 100) of an ascending array, by linear
 * interpolation between the closest ranks: h = (n - 1) * p / 100, then
 * v[floor(h)] + (h - floor(h)) * (v[floor(h) + 1] - v[floor(h)]). This is
 * Hyndman and Fan's definition 7, R's default type 7 and NumPy's default
 * ("linear"). Returns NAN when n is 0 or p is outside 0..100. */
double stats_percentile_sorted(const double *v, size_t n, double p);
/* The same on an unsorted array, which it sorts IN PLACE first. */
double stats_percentile(double *v, size_t n, double p);

/* The arithmetic mean; NAN when n is 0. */
double stats_mean(const double *v, size_t n);

/* The Wilson score interval for k successes out of n trials at the normal
 * quantile z (STATS_Z95 for 95%). Returns TB_OK with *lo and *hi in 0..1, or
 * TB_ERR (and NAN bounds) when n <= 0, k < 0, k > n or z <= 0. */
int stats_wilson(long k, long n, double z, double *lo, double *hi);

/* A growable array of doubles. v is NULL until the first push; the owner
 * frees it with stats_vec_release(). */
typedef struct stats_vec {
	double *v;
	size_t n, cap;
	size_t max;   /* ceiling on n */
} stats_vec;

void stats_vec_init(stats_vec *d, size_t max);
/* Returns TB_OK, TB_TOOBIG at the ceiling or TB_NOMEM; on failure nothing is
 * added. */
int stats_vec_push(stats_vec *d, double x);
void stats_vec_release(stats_vec *d);

#endif
