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

/* An exactly rounded sum, by Shewchuk's algorithm (as Python's math.fsum):
 * the terms are kept as non-overlapping partials, so the result is the exact
 * sum rounded once, whatever order the terms came in. Finite terms only.
 * Terms from 0 to 1 need a few partials; should a sum need more than
 * STATS_SUM_PARTIALS, the newest folds into the largest, and the result is
 * then no longer exact. Zero it to start. */
#define STATS_SUM_PARTIALS 40
typedef struct stats_sum {
	double p[STATS_SUM_PARTIALS];
	int n;
} stats_sum;
void stats_sum_add(stats_sum *s, double x);
double stats_sum_value(const stats_sum *s);

/* The Wilson score interval for k successes out of n trials at the normal
 * quantile z (STATS_Z95 for 95%). Returns TB_OK with *lo and *hi in 0..1, or
 * TB_ERR (and NAN bounds) when n <= 0, k < 0, k > n or z <= 0. */
int stats_wilson(long k, long n, double z, double *lo, double *hi);

/* The unbiased pass@k estimator of Chen et al. (2021) for one item with n
 * samples of which c are correct: 1 - C(n-c, k) / C(n, k), computed as the
 * product form 1 - prod_{i=n-c+1..n} (1 - k / i) so no binomial overflows.
 * NAN when n < 1, k < 1, k > n, c < 0 or c > n. */
double stats_pass_at_k(long n, long c, long k);

/* Sums for a proportion over samples clustered by item: item i has n_i
 * samples with c_i successes. stats_cluster_add() adds one item;
 * stats_cluster_ci() gives p = sum c / sum n and the cluster-robust
 * (sandwich, CR1) standard error
 *   se^2 = G / (G - 1) * sum_i (c_i - p n_i)^2 / (sum_i n_i)^2
 * over G items, and the normal interval p +- z se clipped to 0..1. TB_ERR and
 * NAN bounds when G < 2. */
typedef struct stats_cluster {
	double g, sn, sc, scc, scn, snn;
} stats_cluster;
void stats_cluster_add(stats_cluster *k, double n_i, double c_i);
int stats_cluster_ci(const stats_cluster *k, double z, double *p, double *lo, double *hi);

/* Sums for a paired difference: one d_i per pair. stats_paired_ci() gives the
 * mean difference and its interval mean +- q se, se = sd / sqrt(n), where q
 * is Student's t quantile at 97.5% with n - 1 degrees of freedom (tabled to
 * 30, then the normal 1.96): a t interval that is the usual normal one for
 * large n. TB_ERR and NAN bounds when n < 2. */
typedef struct stats_paired {
	double n, sd, sdd;
} stats_paired;
void stats_paired_add(stats_paired *k, double d);
int stats_paired_ci(const stats_paired *k, double *mean, double *lo, double *hi);
/* Student's t 97.5% quantile for df degrees of freedom (df >= 1). */
double stats_t975(long df);

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
