/* Inter-chunk gaps as a log-binned histogram (see gaps.h). */
#include "gaps.h"

#include <math.h>

#define GAP_FLOOR_US 10.0
#define GAP_GROWTH 1.1

static int bin_of(int64_t gap_us)
{
	double k;

	if (gap_us < GAP_FLOOR_US)
		return 0;
	k = floor(log((double)gap_us / GAP_FLOOR_US) / log(GAP_GROWTH)) + 1;
	return k >= TB_GAP_BINS - 1 ? TB_GAP_BINS - 1 : (int)k;
}

void tb_gaps_add(tb_gaps *g, int64_t gap_us)
{
	int b = bin_of(gap_us < 0 ? 0 : gap_us);

	if (g->n == UINT32_MAX)
		return;
	g->bin[b]++;
	g->n++;
}

double tb_gaps_quantile_ms(const tb_gaps *g, double q)
{
	/* the rank of the quantile among the gaps, 1-based */
	uint64_t rank, seen = 0;

	if (g->n == 0)
		return NAN;
	rank = (uint64_t)ceil(q * g->n);
	if (rank < 1)
		rank = 1;
	for (int b = 0; b < TB_GAP_BINS; b++) {
		seen += g->bin[b];
		if (seen >= rank)
			/* the bin's geometric middle: [10 * 1.1^(b-1), 10 * 1.1^b) us */
			return b == 0 ? GAP_FLOOR_US / 2 / 1000
				      : GAP_FLOOR_US * pow(GAP_GROWTH, b - 0.5) / 1000;
	}
	return NAN;
}
