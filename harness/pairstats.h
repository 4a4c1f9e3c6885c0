/* Statistics of paired samples, for `thinkbench compare`: the same item
 * asked of a base and a candidate.
 *
 * Accuracy pairs form a 2x2 table: n11 both right, n12 right in the first
 * (base) and wrong in the second (candidate), n21 wrong then right, n22 both
 * wrong. A drop in accuracy is tested one-sided, exactly, against a
 * tolerance; latency and cost pairs are compared by a paired bootstrap of
 * their means; the p-values of a family of tests are adjusted together.
 * Only pairstats_boot() and pairstats_adjust() allocate, and they free
 * what they take. */
#ifndef TB_PAIRSTATS_H
#define TB_PAIRSTATS_H

#include <stddef.h>
#include <stdint.h>

/* McNemar's exact (conditional) test, one-sided for a drop: under the null
 * of no change the `lost` (n12) of the lost + won discordant pairs are
 * Binomial(lost + won, 1/2), and p = P(X >= lost). The binomial terms are
 * summed in log space (lgamma, then a log-sum-exp), so a million discordant
 * pairs neither overflow nor underflow to a wrong answer. Returns 1 when
 * there is no discordant pair, NAN when a count is negative. */
double pairstats_mcnemar_drop(long lost, long won);

/* The test of a drop beyond a tolerance, on n graded pairs of which `lost`
 * went from right to wrong and `won` from wrong to right. With p12 and p21
 * the chances of a lost and of a won pair, the drop is d = p12 - p21 and the
 * null hypothesis is d <= margin (0 <= margin < 1); a small p says the
 * accuracy fell by more than the margin.
 *
 * margin 0: McNemar's exact conditional test above.
 * margin > 0: the conditional test is not available (given the discordant
 * pairs, the split under the null still depends on p21), so the test is
 * exact unconditional: pairs are ordered by Tango's score statistic
 *   Z = (lost - won - n margin) / sqrt(n (2 q + margin - margin^2)),
 * q the maximum-likelihood p21 under p12 = p21 + margin (Tango 1998, the
 * positive root of 2n q^2 - (lost + won + (lost - won - 2n) margin) q
 * - won margin (1 - margin) = 0), and p is the largest chance, over the
 * nuisance p21 on the null's boundary, of a table with Z at least the
 * observed one under the trinomial law of (lost, won, rest). The supremum
 * over p21 in 0..(1 - margin) / 2 is found on a grid of PAIRSTATS_GRID
 * points, refined by golden-section search around the best. The p returned is never
 * below the margin-0 one, so the test never rejects a drop beyond a margin
 * and keeps one of no drop at all. Above PAIRSTATS_EXACT_MAX_PAIRS pairs, Z's
 * normal tail stands for the exact sum (they agree to a few per cent
 * there). NAN for bad counts or a margin outside 0..1; 1 when n is 0. */
#define PAIRSTATS_GRID 64
#define PAIRSTATS_EXACT_MAX_PAIRS 20000L
double pairstats_drop_test(long n, long lost, long won, double margin);

/* Tango's score statistic above (0 when it is undefined: no discordant
 * pair at margin 0). */
double pairstats_tango_z(long n, long lost, long won, double margin);

/* Adjusted p-values for a family of m tests, in the order given.
 *   PAIRSTATS_HOLM: Holm's step-down (1979): with the p sorted ascending,
 *     adj(i) = max over j <= i of min(1, (m - j + 1) p(j)); rejecting where
 *     adj <= alpha controls the family-wise error rate at alpha under any
 *     dependence between the tests;
 *   PAIRSTATS_BONFERRONI: min(1, m p), the same control, never more power;
 *   PAIRSTATS_NONE: p itself; each test at alpha, no control of the family.
 * Returns TB_NOMEM, TB_ERR for a NAN p or an unknown method, else TB_OK. */
enum { PAIRSTATS_HOLM = 0, PAIRSTATS_BONFERRONI, PAIRSTATS_NONE };
int pairstats_adjust(const double *p, size_t m, int method, double *adj);

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
	double p;                       /* of "pct <= null_pct"; NAN when not tested */
} pairstats_boot_result;

#define PAIRSTATS_BOOT_B 2000

/* Resamples the n pairs (x[i], y[i]) with replacement b times (b >= 10),
 * with a splitmix64 stream from seed, so the same input and seed give the
 * same interval. The interval is the percentile one at the given level
 * (0.95 for 95%), by stats_percentile's linear interpolation over the b
 * replicates. A replicate whose mean(x) is not above 0 leaves the ratio
 * out; pct_lo/pct_hi are NAN when half of them did. With n = 0 every field
 * but n is NAN and 0 is returned.
 *
 * The p-value of the null "the mean rose by at most null_pct percent" (NAN
 * null_pct: none) is the share of replicates whose change is at most
 * null_pct, a replicate without a ratio counting for the null:
 * p = (1 + #{pct* <= null_pct}) / (b + 1). It is the level at which the
 * one-sided percentile interval starts to exclude null_pct (the test the
 * interval inverts); the +1 keeps it above 0, so b must be large enough
 * that 1 / (b + 1) is below the smallest level it meets (alpha / m under
 * Holm's correction). Returns TB_NOMEM when the replicates
 * cannot be allocated, TB_ERR on bad arguments. */
int pairstats_boot(const double *x, const double *y, size_t n, int b, uint64_t seed,
		   double level, double null_pct, pairstats_boot_result *out);

/* The test of a drop beyond a tolerance on per-item means, for items asked
 * several times: x[i] and y[i] are item i's accuracy (0..1) over its graded
 * samples in the base and in the candidate. The null hypothesis is "the mean
 * of y - x is at least -margin"; with w_i = y_i - x_i + margin, symmetric
 * about 0 on the null's boundary, the statistic is T = sum w_i and its null
 * law is that of sum s_i w_i over random signs s_i (a paired sign-flip
 * permutation test, one-sided). b sign vectors come from a splitmix64 stream
 * from seed (the same input and seed give the same p), and
 * p = (1 + #{T* <= T}) / (b + 1), so b must be large enough that 1 / (b + 1)
 * is below the smallest level it meets (alpha / m under Holm). For one binary
 * sample per item and margin 0 its null law is McNemar's (the lost of the
 * discordant items are Binomial(lost + won, 1/2)). 1 when n is 0; NAN for
 * b < 10, a margin outside 0..1 or no memory. */
#define PAIRSTATS_SIGNFLIP_B 20000
double pairstats_signflip_drop(const double *x, const double *y, size_t n, double margin, int b, uint64_t seed);

#endif
