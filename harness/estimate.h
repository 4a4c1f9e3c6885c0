/* What a run would cost, before any request (run --dry-run): per plan cell,
 * the samples, requests, prompt tokens, completion tokens (an upper bound
 * from max_tokens and an expected value) and dollars. */
#ifndef TB_ESTIMATE_H
#define TB_ESTIMATE_H

#include <stdio.h>

#include "plan.h"
#include "suite.h"

/* Bytes of UTF-8 text a prompt token is counted as, and the tokens counted
 * for an image: rough, documented approximations (README, "Dry run"). */
#define EST_BYTES_PER_TOKEN 4
#define EST_IMAGE_TOKENS 1000

typedef struct est_cell {
	const tb_plan_cell *cell;  /* borrowed from the plan */
	long samples;              /* requests too: one a sample */
	double prompt_tokens;      /* all samples */
	double completion_max;     /* all samples at their max_tokens */
	double completion_expected; /* all samples; < 0 when nothing to expect from */
	const char *expected_from; /* "earlier runs", "simulator profile" or "" */
	double usd_max, usd_expected; /* usd_expected < 0 with completion_expected */
} est_cell;

/* The mean completion tokens of earlier runs, per model, mode and budget. */
typedef struct est_history est_history;

/* The prompt tokens of one request for item of suite s: its system prompt
 * and every message text at EST_BYTES_PER_TOKEN bytes a token (rounded up),
 * and EST_IMAGE_TOKENS an image. */
long est_prompt_tokens(const tb_suite *s, const tb_item *it);

/* Reads the samples of the runs in out_dir (at most the 50 last by name; a
 * folder that is absent or holds no run gives an empty history). Stores that
 * cannot be read are skipped. The caller frees *out with est_history_free(). */
int est_history_load(const char *out_dir, est_history **out, char *err, size_t errlen);
void est_history_free(est_history *h);

/* Fills cells[i] for every supported cell of the plan (n_out of them; cells
 * holds plan->n_cells). The expected completion comes from history (NULL:
 * none) when it has that model, mode and budget, else from the simulator's
 * profile when simulated, else it is unknown. Reads every item of the
 * plan's suites once. */
int est_plan(const tb_plan *p, const est_history *h, int simulated, est_cell *cells, size_t *n_out,
	     char *err, size_t errlen);

/* The plan as a table, per cell and in total (results: stdout). */
void est_print(FILE *f, const est_cell *cells, size_t n);

#endif
