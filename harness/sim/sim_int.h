/* Internals of the simulator shared by sim.c (the HTTP server),
 * sim_profile.c (per-model behaviour) and sim_text.c (what a sample says and
 * how it is put on the wire). Nothing here is used outside harness/sim/. */
#ifndef TB_SIM_INT_H
#define TB_SIM_INT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "models.h"
#include "suite.h"

/* ---- deterministic draws ---------------------------------------------- */

uint64_t sim_mix(uint64_t x);                    /* splitmix64 finaliser */
uint64_t sim_hash_str(uint64_t h, const char *s); /* folds FNV-1a of s into h */
uint64_t sim_hash_u64(uint64_t h, uint64_t v);
double sim_unit(uint64_t h);                     /* [0, 1) */
double sim_normal(uint64_t h);                   /* standard normal */

/* The share of an item's latent variance that belongs to the item (its
 * difficulty) rather than to the sample: 0.92 makes an item's chance of being
 * answered right mostly near 0 or 1, so two runs of one model that differ
 * only in their seed flip few items, as real models do. */
#define SIM_ITEM_SHARE 0.92
/* A sample is right when this is below the accuracy: Phi of the item's and
 * the sample's standard normals mixed by SIM_ITEM_SHARE. Uniform on [0, 1). */
double sim_correct_u(double z_item, double e_sample);

/* ---- profiles ----------------------------------------------------------- */

typedef struct sim_profile {
	char id[128];
	unsigned modes;                    /* TB_MODE_BIT() set */
	tb_mode default_mode;
	double ttft_ms[TB_N_MODES];
	double tokens_per_s;
	double reasoning_tokens;           /* mean reasoning a sample needs (think) */
	double reasoning_spread;           /* sigma of its log-normal */
	double answer_tokens[TB_N_MODES];  /* mean answer length */
	double accuracy[TB_N_MODES];       /* for a mode the model lacks: the floor the budget model starts from */
	double price_prompt, price_completion; /* USD per million tokens */
	double first_statement;            /* typical fraction of a trace before it first states an answer */
	double budget_ignored;             /* share of budgeted requests whose budget is not enforced */
} sim_profile;

typedef struct sim_profiles {
	sim_profile *v;
	size_t n;
	sim_profile generic; /* for model names no profile knows; id is "" */
} sim_profiles;

/* Builds the built-in profiles and applies overrides ({"models": {"<id>":
 * {field: value}}}, borrowed, may be NULL). On failure nothing is left to
 * release and err names the model and the field. */
int sim_profiles_init(sim_profiles *ps, const json_t *overrides, char *err, size_t errlen);
/* Borrowed; the generic profile when id is unknown. */
const sim_profile *sim_profiles_find(const sim_profiles *ps, const char *id);
/* The /v1/models body; the caller frees. NULL when out of memory. */
char *sim_profiles_list_json(const sim_profiles *ps);
void sim_profiles_release(sim_profiles *ps);

/* ---- one sample ---------------------------------------------------------- */

typedef enum sim_fmt { SIM_FMT_FIELD = 0, SIM_FMT_CONTENT, SIM_FMT_TAGS, SIM_FMT_LONE } sim_fmt;

/* What a request asks for, once parsed. Strings borrowed. */
typedef struct sim_ask {
	const char *model;
	const sim_profile *prof;
	const tb_item *item;     /* NULL: a prompt the simulator does not know */
	const char *item_key;    /* "suite/id", or the user text when item is NULL */
	tb_mode mode;            /* already mapped to a mode the model has */
	int soft_nothink;        /* the mode came from a trailing /no_think */
	int exclude;             /* think but return no trace */
	long budget;             /* thinking budget in tokens; 0: none */
	long max_tokens;         /* 0: none */
	uint64_t seed;           /* the request's "seed" (0 when absent) */
	uint64_t sim_seed;
} sim_ask;

/* What the simulated model produced. Texts are owned; sim_sample_release. */
typedef struct sim_sample {
	tb_mode mode;
	long reasoning_tokens;
	long answer_tokens;
	int correct;            /* 1, 0, or -1 when the item is unknown or ungraded */
	int think_cut;          /* thinking never ended (no </think>) */
	const char *finish;     /* "stop" or "length" */
	tb_buf reasoning;
	tb_buf answer;
} sim_sample;

/* Decides and writes a sample: a pure function of the ask. Returns TB_OK or
 * TB_NOMEM; on failure the sample must still be released. */
int sim_generate(const sim_ask *a, sim_sample *out);
void sim_sample_release(sim_sample *s);

/* ---- wire ---------------------------------------------------------------- */

/* Response metadata common to every shape. Strings borrowed. */
typedef struct sim_wire {
	long gen_no;            /* "gen-sim-<n>" */
	long created;
	const char *model;
	sim_fmt fmt;
	int exclude;
	int soft_nothink;
	long prompt_tokens;
	const sim_profile *prof;
} sim_wire;

/* A stream body with marks: bytes [0, end) may be sent once `tokens` tokens
 * have been generated (0: at once); the server turns that into `due`
 * (monotonic microseconds). Marks are in order and the last one ends at
 * body.len. */
typedef struct sim_mark {
	size_t end;
	long tokens;
	int64_t due;
} sim_mark;

typedef struct sim_stream {
	tb_buf body;
	sim_mark *marks;
	size_t n_marks, cap_marks;
} sim_stream;

/* Words in s: a token, for the simulator. */
long sim_count_words(const char *s, size_t n);
/* Appends s (n bytes) as a quoted JSON string. */
int sim_json_str(tb_buf *b, const char *s, size_t n);
/* The non-streaming body. broken: cut the JSON in the middle. */
int sim_body_json(const sim_wire *w, const sim_sample *smp, int broken, tb_buf *out);
/* The SSE body: comment, role chunk, reasoning and content chunks, finish,
 * usage, [DONE]. broken_chunk >= 0 writes that data chunk as bad JSON. */
int sim_body_sse(const sim_wire *w, const sim_sample *smp, long broken_chunk, sim_stream *out);
/* Appends a mid-stream error (HTTP already 200): an SSE chunk when sse, else
 * a whole chat.completion body, both with a top-level `error` and
 * finish_reason "error". */
int sim_midstream_error(const sim_wire *w, int sse, tb_buf *out);
/* An OpenRouter error body: {"error": {"code": ..., "message": ..., "metadata": {...}}}. */
int sim_error_body(tb_buf *out, int code, const char *message, const char *error_type);
void sim_stream_release(sim_stream *st);

#endif
