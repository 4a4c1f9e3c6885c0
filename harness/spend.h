/* What a run has spent, and its caps (--max-cost, --max-tokens-total): a
 * request starts only when what was spent, plus the upper bound of every
 * request in flight, plus its own upper bound stays within each cap. One
 * thread at a time (the scheduler's producer lock). */
#ifndef TB_SPEND_H
#define TB_SPEND_H

#include "models.h"
#include "suite.h"

typedef struct tb_spend {
	double cap_usd;          /* 0: no cap */
	long cap_tokens;         /* 0: no cap */
	double spent_usd;        /* usage.cost, else tokens at the model's prices */
	long spent_tokens;       /* prompt + completion tokens the endpoints reported */
	double inflight_usd;     /* upper bounds of the requests in flight */
	long inflight_tokens;
} tb_spend;

/* The most one request can cost: its prompt tokens as the dry run counts
 * them (estimate.h) plus its max_tokens (the item's, else the model's), in
 * tokens and at the model's prices. */
void spend_bound(const tb_suite *s, const tb_item *it, const tb_model *m, double *usd, long *tokens);
/* 1 when a request with these bounds may start under the caps. */
int spend_allows(const tb_spend *sp, double bound_usd, long bound_tokens);
void spend_start(tb_spend *sp, double bound_usd, long bound_tokens);
/* A request ended: its bounds leave the flight; what it cost (NAN and < 0:
 * unknown) is spent. */
void spend_end(tb_spend *sp, double bound_usd, long bound_tokens, double cost_usd, long tokens);

#endif
