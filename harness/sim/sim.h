/* The built-in simulator: a real HTTP server on loopback (libmicrohttpd) that
 * speaks OpenAI-compatible chat completions, streaming and not, for the seed
 * models, so thinkbench runs with no key and no network. It knows answers only
 * because it loads the same suites: it finds an item by its user text.
 *
 * POST /v1/chat/completions   (also /api/v1/chat/completions)
 * GET  /v1/models             the profiles it serves
 * GET  /sim/stats             {"requests": N, "models": {"id": N}, "faults": {...}}
 *
 * Behaviour per model comes from a profile (time to first token, tokens per
 * second, reasoning length, accuracy by mode, how accuracy grows with the
 * thinking budget); the built-in profiles can be overridden from a JSON file.
 * Whether a sample is right is a pure function of (sim seed, model, mode,
 * item id, request seed, budget), so runs repeat. */
#ifndef TB_SIM_H
#define TB_SIM_H

#include <jansson.h>
#include <stddef.h>

#include "models.h"
#include "suite.h"

typedef struct sim_faults {
	double p429;        /* 429 with Retry-After (half of them without the header) */
	double p5xx;        /* 500, 502 or 503 */
	double p_stall;     /* the stream stops sending for stall_s, then ends */
	double p_reset;     /* the connection is closed with no response */
	double p_malformed; /* a 200 whose JSON (or one SSE chunk) is broken */
	double p_cut;       /* the stream ends before [DONE] without finish_reason */
	double p_midstream; /* an `error` chunk mid-stream (HTTP 200) */
	double stall_s;
	double retry_after_s;
} sim_faults;

typedef struct sim_config {
	const char *host;        /* "127.0.0.1"; the simulator binds loopback only */
	unsigned short port;     /* 0: pick a free port */
	double time_scale;       /* multiplies every delay; 0 = answer at once */
	unsigned long seed;
	const char *think_format; /* "field" (OpenRouter `reasoning`), "content" (`reasoning_content`), "tags" (<think> in content), "lone" (QwQ: no opening tag) */
	sim_faults faults;
	json_t *profiles;        /* borrowed; NULL for the built-in profiles */
} sim_config;

typedef struct sim_server sim_server;

void sim_config_defaults(sim_config *c);
/* Starts serving the suites (borrowed: they must outlive the server). On
 * success *out is a running server the caller stops with sim_stop(). */
int sim_start(const sim_config *c, tb_suite *const *suites, size_t n_suites, sim_server **out,
	      char *err, size_t errlen);
unsigned short sim_port(const sim_server *s);
/* Total chat requests served so far. */
long sim_requests(const sim_server *s);
void sim_stop(sim_server *s);

/* The mean completion tokens of one sample of the built-in profile of model
 * (the generic profile for an id it does not know) in mode: reasoning (think
 * mode, cut at a thinking budget > 0) plus answer, all cut at max_tokens
 * (> 0), as the simulator cuts them. What a dry run expects of a simulated
 * run. */
double sim_expected_completion(const char *model, tb_mode mode, long budget, long max_tokens);

#endif
