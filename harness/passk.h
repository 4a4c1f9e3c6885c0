/* pass@k and maj@k over a run's samples.
 *
 * pass@k is the unbiased estimator of Chen et al. (2021), "Evaluating Large
 * Language Models Trained on Code": of n samples of an item, c correct, the
 * chance that at least one of k drawn without replacement is correct,
 * 1 - C(n-c, k) / C(n, k), computed as the product
 * 1 - prod_{i=n-c+1..n} (1 - k/i), which never forms a binomial coefficient.
 *
 * maj@k takes the first k graded samples of an item (by sample index), and
 * their extracted answers after passk_normalize(); samples with no answer do
 * not vote. The most common answer wins; a tie goes to the answer given
 * first (the lowest sample index). The majority answer is correct when any
 * of those k samples that gave it was graded correct. With no vote at all,
 * maj@k is 0.
 *
 * Which samples count: correct, incorrect, partial, no_answer and truncated
 * (as in the report's accuracy); errors and ungraded samples are left out,
 * so an item with errors has n below the run's --samples. */
#ifndef TB_PASSK_H
#define TB_PASSK_H

#include <stddef.h>

#include "store.h"

/* pass@k for n samples with c correct, 1 <= k <= n, 0 <= c <= n; NAN when
 * the arguments are out of range. The estimator is stats_pass_at_k()
 * (stats.h), which the report uses too. */
double passk_estimate(int n, int c, int k);

/* The k values a run with `samples` samples per item reports: 1, the powers
 * of two below samples, and samples itself, ascending. Writes at most max;
 * returns how many. */
size_t passk_ks(int samples, int *ks, size_t max);

/* Answer normalisation for voting: outer white space trimmed, inner runs of
 * white space made one space, ASCII letters lower case. Writes at most outlen
 * bytes with the NUL (a longer answer is cut). */
void passk_normalize(const char *in, char *out, size_t outlen);

/* maj@k over the first k of n samples: answers[i] are normalised answers
 * ("" = no vote), correct[i] their verdicts. Returns the index of the sample
 * whose answer won (its first occurrence), or -1 when none voted; *is_correct
 * is maj@k's verdict. O(k^2) string comparisons: k is small. */
int passk_majority(const char *const *answers, const int *correct, int k, int *is_correct);

/* Rewrites the store's item_k and cell_k tables from the samples' current
 * gradings, for the k values of passk_ks() with the run's --samples. Items
 * with fewer than k graded samples have no row for that k. All or nothing:
 * on failure the tables stay as they were. */
int passk_update_store(tb_store *st, char *err, size_t errlen);

/* The same tables for a fresh run, written as its samples are stored rather
 * than in a pass over the store at its end: an item's item_k rows go in with
 * the batch that stores its last sample (the run's --samples of them, of any
 * outcome), and passk_live_finish() computes cell_k. The rows are the ones
 * passk_update_store() would write. An interrupted run keeps the rows of
 * the items it finished, and no cell_k. */
typedef struct passk_live passk_live;

/* Reads the run's --samples from st (borrowed: it must outlive the
 * passk_live). The caller frees *out with passk_live_free(). */
int passk_live_new(tb_store *st, passk_live **out, char *err, size_t errlen);
/* Counts a sample just written to the store, from the thread that wrote it
 * and in its transaction; writes its item's rows when they are complete. */
int passk_live_add(passk_live *p, const tb_sample *s, char *err, size_t errlen);
/* After the last sample: writes cell_k. Should an item have missed samples
 * (or had one twice), it falls back to passk_update_store(). */
int passk_live_finish(passk_live *p, char *err, size_t errlen);
void passk_live_free(passk_live *p);

#endif
