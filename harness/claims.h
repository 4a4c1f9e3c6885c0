/* Model card claims tested against a run: a claims file (share/claims/
 * qwen-cards.json is the seed cards') names, per claim, the model, the
 * quantity and the stated range; the run's samples give the quantity with a
 * 95% interval and a verdict. Reads only the store.
 *
 *	latency_overhead  mean total time think / nothink - 1 (no budget)
 *	latency_ratio     mean total time think / the baseline model's nothink
 *	total_seconds     median total time in think mode, in seconds
 *	accuracy_gap      accuracy on high_langs - on low_langs (both modes)
 *	budget_kept       share of think samples with a budget kept (+5%)
 *
 * Intervals: Wilson for a share, normal for a difference of shares, a
 * seeded percentile bootstrap (2,000 draws) for means and medians. */
#ifndef TB_CLAIMS_H
#define TB_CLAIMS_H

#include <stddef.h>
#include <stdio.h>

#include "store.h"

typedef struct tb_claims tb_claims;

/* Reads and checks a claims file (hostile: one-line errors naming the
 * file, the claim and the field). The caller frees with claims_free(). */
int claims_load(const char *path, tb_claims **out, char *err, size_t errlen);
void claims_free(tb_claims *c);

typedef enum claim_verdict {
	CLAIM_NOT_MEASURED = 0,
	CLAIM_HOLDS,
	CLAIM_CONTRADICTED,
	CLAIM_INCONCLUSIVE,   /* the interval straddles a bound of the range */
} claim_verdict;

const char *claim_verdict_name(claim_verdict v);
/* The verdict of an interval against a range (NAN: open on that side). */
claim_verdict claim_judge(double lo, double hi, double range_lo, double range_hi);

/* Measures every claim and capability on the store's samples. */
int claims_measure(tb_claims *c, tb_store *st, char *err, size_t errlen);
/* The table; says when the run was simulated. */
int claims_print(const tb_claims *c, const tb_run_info *run, FILE *f);
/* The cards' capabilities with success_rate, matches, confidence and
 * observed_outcomes filled, as JSON, to path (temporary file and rename). */
int claims_write_cards(const tb_claims *c, const tb_run_info *run, const char *path, char *err, size_t errlen);

#endif
