/* The gaps between a stream's text chunks, kept as a histogram of fixed
 * size (a long trace has tens of thousands of chunks, and thousands of
 * requests are in flight), with its quantiles. Bins grow by 10% from 10 us,
 * so a quantile is within 5% of the true gap (below 10 us: reported as 5 us). */
#ifndef TB_GAPS_H
#define TB_GAPS_H

#include <stdint.h>

#define TB_GAP_BINS 200

typedef struct tb_gaps {
	uint32_t bin[TB_GAP_BINS];
	uint32_t n;
} tb_gaps;

/* Counts one gap (negative gaps count as 0). */
void tb_gaps_add(tb_gaps *g, int64_t gap_us);
/* The q-quantile (0..1) of the gaps counted, in milliseconds; NAN when none. */
double tb_gaps_quantile_ms(const tb_gaps *g, double q);

#endif
