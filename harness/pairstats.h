/* Statistics of paired samples, for `thinkbench compare`: the same item
 * asked of a base and a candidate.
 *
 * Accuracy pairs form a 2x2 table: n11 both right, n12 right in the first
 * (base) and wrong in the second (candidate), n21 wrong then right, n22 both
 * wrong. Only the discordant pairs (n12, n21) carry evidence of a change;
 * McNemar's exact test asks whether they split evenly. Latency and cost
 * pairs are compared by a paired bootstrap of their means. Nothing here
 * allocates except pairstats_boot(), which frees what it takes. */
#ifndef TB_PAIRSTATS_H
#define TB_PAIRSTATS_H

#include <stddef.h>
#include <stdint.h>

/* McNemar's exact (conditional) test, two-sided: under the null the n12 of
 * the n12 + n21 discordant pairs are Binomial(n12 + n21, 1/2), and
 * p = min(1, 2 * P(X <= min(n12, n21))). The binomial terms are summed in
 * log space (lgamma, then a log-sum-exp), so a million discordant pairs
 * neither overflow nor underflow to a wrong answer. Returns 1 when there is
 * no discordant pair, NAN when a count is negative. */
double pairstats_mcnemar_exact(long n12, long n21);

/* The difference of paired proportions, second minus first:
 * (n21 - n12) / n, with n = n11 + n12 + n21 + n22, and its interval by
 * Newcombe's square-and-add method for paired data (Newcombe 1998, method
 * 10): each marginal gets its Wilson score interval at z, and the two are
 * combined with the phi correlation of the table, corrected toward 0 by n/2
 * when positive. It keeps to -1..1, needs no iteration, and covers far
 * better than the Wald interval near 0 or 1 and for small n. Returns 0 with
 * *est, *lo and *hi set, or TB_ERR (and NANs) when n is 0, a count is
 * negative or z <= 0. */
int pairstats_paired_diff(long n11, long n12, long n21, long n22, double z,
			  double *est, double *lo, double *hi);

/* What a paired bootstrap of y against x found. Unknown values are NAN. */
typedef struct pairstats_boot_result {
	size_t n;                   /* pairs */
	double mean_x, mean_y;
	double diff, diff_lo, diff_hi;  /* mean(y) - mean(x) and its interval */
	double pct, pct_lo, pct_hi;     /* 100 * (mean(y) / mean(x) - 1); NAN when
					 * mean(x) is not above 0 */
} pairstats_boot_result;

#define PAIRSTATS_BOOT_B 2000

/* Resamples the n pairs (x[i], y[i]) with replacement b times (b >= 10),
 * with a splitmix64 stream from seed, so the same input and seed give the
 * same interval. The interval is the percentile one at the given level
 * (0.95 for 95%), by stats_percentile's linear interpolation over the b
 * replicates. A replicate whose mean(x) is not above 0 leaves the ratio
 * out; pct_lo/pct_hi are NAN when half of them did. With n = 0 every field
 * but n is NAN and 0 is returned. Returns TB_NOMEM when the replicates
 * cannot be allocated, TB_ERR on bad arguments. */
int pairstats_boot(const double *x, const double *y, size_t n, int b, uint64_t seed,
		   double level, pairstats_boot_result *out);

#endif
