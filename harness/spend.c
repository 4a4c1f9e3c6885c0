/* The caps are checked before a request starts, against the worst case of
 * everything in flight, so a run never passes its cap whatever the answers
 * in flight turn out to cost. */
#include <math.h>

#include "estimate.h"
#include "spend.h"

void spend_bound(const tb_suite *s, const tb_item *it, const tb_model *m, double *usd, long *tokens)
{
	long prompt = est_prompt_tokens(s, it);
	long completion = it->max_tokens ? it->max_tokens : m->max_tokens;

	*tokens = prompt + completion;
	*usd = ((double)prompt * m->price_prompt_per_m + (double)completion * m->price_completion_per_m) / 1e6;
}

int spend_allows(const tb_spend *sp, double bound_usd, long bound_tokens)
{
	if (sp->cap_usd > 0 && sp->spent_usd + sp->inflight_usd + bound_usd > sp->cap_usd)
		return 0;
	if (sp->cap_tokens > 0 && sp->spent_tokens + sp->inflight_tokens + bound_tokens > sp->cap_tokens)
		return 0;
	return 1;
}

void spend_start(tb_spend *sp, double bound_usd, long bound_tokens)
{
	sp->inflight_usd += bound_usd;
	sp->inflight_tokens += bound_tokens;
}

void spend_end(tb_spend *sp, double bound_usd, long bound_tokens, double cost_usd, long tokens)
{
	sp->inflight_usd -= bound_usd;
	if (sp->inflight_usd < 0)
		sp->inflight_usd = 0;
	sp->inflight_tokens -= bound_tokens;
	if (isfinite(cost_usd) && cost_usd > 0)
		sp->spent_usd += cost_usd;
	if (tokens > 0)
		sp->spent_tokens += tokens;
}
