/* Models: the three seed models are built in; a JSON models file adds others
 * or overrides them (README "Models file"). A model entry names the
 * environment variable that holds its key, never the key itself. */
#ifndef TB_MODELS_H
#define TB_MODELS_H

#include <jansson.h>
#include <stddef.h>

typedef enum tb_dialect {
	TB_DIALECT_OPENROUTER = 0,
	TB_DIALECT_VLLM,
	TB_DIALECT_SGLANG,
	TB_DIALECT_LLAMACPP,
	TB_DIALECT_OLLAMA,
	TB_DIALECT_SOFT,  /* /think and /no_think in the prompt */
	TB_DIALECT_SIM,   /* the built-in simulator: OpenRouter's shapes */
} tb_dialect;

typedef enum tb_mode { TB_MODE_THINK = 0, TB_MODE_NOTHINK = 1 } tb_mode;
#define TB_N_MODES 2
#define TB_MODE_BIT(m) (1u << (m))

typedef struct tb_sampling {
	double temperature, top_p, min_p, presence_penalty; /* NAN: not sent */
	int top_k;                                          /* <0: not sent */
} tb_sampling;

typedef struct tb_model {
	char *id;             /* as the user names it, and as stored */
	char *api_model;      /* the "model" field sent; defaults to id */
	char *base_url;       /* up to and including /v1 (or /api/v1) */
	char *api_key_env;    /* NULL: no Authorization header */
	tb_dialect dialect;
	unsigned modes;       /* TB_MODE_BIT() set */
	double price_prompt_per_m, price_completion_per_m; /* USD per million tokens */
	tb_sampling sampling[TB_N_MODES];
	long max_tokens;
	double timeout_s;     /* whole request */
	double stall_s;       /* no byte for this long: retry */
	int concurrency;      /* 0: no cap of its own */
	double rate_per_s;    /* requests started per second; 0: no limit */
	int vision;           /* accepts images */
	json_t *provider;     /* OpenRouter routing object sent as given; owned, may be NULL */
	json_t *extra_body;   /* merged into every request; owned, may be NULL */
} tb_model;

typedef struct tb_models {
	tb_model *v;
	size_t n;
	char hash[65];        /* sha256 of the models file, or of "builtin" */
} tb_models;

/* The seed models, pointed at base_url (OpenRouter's, or a simulator's). */
int models_builtin(tb_models *out, const char *base_url, char *err, size_t errlen);
/* Adds or replaces models from a models file. Errors name the file, the
 * entry and the field. */
int models_load_file(tb_models *ms, const char *path, char *err, size_t errlen);
const tb_model *models_find(const tb_models *ms, const char *id);
void models_release(tb_models *ms);

const char *tb_dialect_name(tb_dialect d);
int tb_dialect_parse(const char *s, tb_dialect *out);
const char *tb_mode_name(tb_mode m);  /* "think" / "nothink" */
int tb_mode_parse(const char *s, tb_mode *out);

#endif
