/* Per-model behaviour of the simulator. The built-in numbers are plausible,
 * not measured: they give each seed model its own speed, verbosity and
 * accuracy so that reports have something to compare.
 *
 *   model                       ttft ms     tok/s  reasoning  answer    accuracy       USD/M tokens
 *                               think/no           mean (sd)  think/no  think/nothink  prompt/completion
 *   qwen/qwen3-14b              700/450     55     1100 (.6)  45/160    0.86/0.66      0.10/0.24
 *   qwen/qwq-32b (think only)   900         32     1800 (.55) 60/160    0.90/(0.55)    0.15/0.40
 *   qwen/qwen3-vl-32b-instruct  1100        38     (600)      60/180    (0.78)/0.70    0.20/0.60
 *     (nothink only)
 *   any other model name        500/400     50     800 (.6)   50/150    0.75/0.55      0.10/0.30
 *
 * Values in parentheses belong to a mode the model lacks; they only matter
 * to the budget model (accuracy with a budget is interpolated between the
 * nothink and think accuracy, so the nothink value is a floor). */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "rc.h"
#include "sim.h"
#include "sim_int.h"

static const sim_profile builtin[] = {
	{"qwen/qwen3-14b", TB_MODE_BIT(TB_MODE_THINK) | TB_MODE_BIT(TB_MODE_NOTHINK), TB_MODE_THINK,
	 {700, 450}, 55, 1100, 0.6, {45, 160}, {0.86, 0.66}, 0.10, 0.24, 0.45, 0},
	{"qwen/qwq-32b", TB_MODE_BIT(TB_MODE_THINK), TB_MODE_THINK,
	 {900, 900}, 32, 1800, 0.55, {60, 160}, {0.90, 0.55}, 0.15, 0.40, 0.35, 0},
	{"qwen/qwen3-vl-32b-instruct", TB_MODE_BIT(TB_MODE_NOTHINK), TB_MODE_NOTHINK,
	 {1100, 1100}, 38, 600, 0.6, {60, 180}, {0.78, 0.70}, 0.20, 0.60, 0.5, 0},
};

static const sim_profile generic = {
	"", TB_MODE_BIT(TB_MODE_THINK) | TB_MODE_BIT(TB_MODE_NOTHINK), TB_MODE_THINK,
	{500, 400}, 50, 800, 0.6, {50, 150}, {0.75, 0.55}, 0.10, 0.30, 0.5, 0,
};

/* The overridable number fields, with their ranges. */
static const struct {
	const char *name;
	size_t off;
	double min, max;
} fields[] = {
	{"ttft_ms_think", offsetof(sim_profile, ttft_ms[TB_MODE_THINK]), 0, 600000},
	{"ttft_ms_nothink", offsetof(sim_profile, ttft_ms[TB_MODE_NOTHINK]), 0, 600000},
	{"tokens_per_s", offsetof(sim_profile, tokens_per_s), 0.001, 1e9},
	{"reasoning_tokens", offsetof(sim_profile, reasoning_tokens), 1, 1e6},
	{"reasoning_spread", offsetof(sim_profile, reasoning_spread), 0, 3},
	{"answer_tokens_think", offsetof(sim_profile, answer_tokens[TB_MODE_THINK]), 1, 1e6},
	{"answer_tokens_nothink", offsetof(sim_profile, answer_tokens[TB_MODE_NOTHINK]), 1, 1e6},
	{"accuracy_think", offsetof(sim_profile, accuracy[TB_MODE_THINK]), 0, 1},
	{"accuracy_nothink", offsetof(sim_profile, accuracy[TB_MODE_NOTHINK]), 0, 1},
	{"price_prompt", offsetof(sim_profile, price_prompt), 0, 1e6},
	{"price_completion", offsetof(sim_profile, price_completion), 0, 1e6},
	{"first_statement", offsetof(sim_profile, first_statement), 0, 1},
	{"budget_ignored", offsetof(sim_profile, budget_ignored), 0, 1},
};

#define N_FIELDS (sizeof(fields) / sizeof(fields[0]))
#define MAX_PROFILES 1024

static int parse_modes(const char *id, const json_t *v, unsigned *out, char *err, size_t errlen)
{
	size_t i;
	json_t *e;
	tb_mode m;

	if (!json_is_array(v) || json_array_size(v) == 0)
		return tb_seterr(err, errlen, "profiles: models.%s.modes: expected an array of \"think\"/\"nothink\"", id);
	*out = 0;
	json_array_foreach(v, i, e) {
		if (!json_is_string(e) || tb_mode_parse(json_string_value(e), &m) != TB_OK)
			return tb_seterr(err, errlen, "profiles: models.%s.modes[%zu]: expected \"think\" or \"nothink\"", id, i);
		*out |= TB_MODE_BIT(m);
	}
	return TB_OK;
}

static int apply(sim_profile *p, const char *id, const json_t *o, char *err, size_t errlen)
{
	const char *key;
	json_t *v;
	tb_mode m;

	if (!json_is_object(o))
		return tb_seterr(err, errlen, "profiles: models.%s: expected an object", id);
	json_object_foreach((json_t *)o, key, v) {
		size_t k;

		if (strcmp(key, "modes") == 0) {
			if (parse_modes(id, v, &p->modes, err, errlen) != TB_OK)
				return TB_ERR;
			continue;
		}
		if (strcmp(key, "default_mode") == 0) {
			if (!json_is_string(v) || tb_mode_parse(json_string_value(v), &m) != TB_OK)
				return tb_seterr(err, errlen, "profiles: models.%s.default_mode: expected \"think\" or \"nothink\"", id);
			p->default_mode = m;
			continue;
		}
		for (k = 0; k < N_FIELDS; k++)
			if (strcmp(key, fields[k].name) == 0)
				break;
		if (k == N_FIELDS)
			return tb_seterr(err, errlen, "profiles: models.%s.%s: unknown field", id, key);
		if (!json_is_number(v) || json_number_value(v) < fields[k].min ||
		    json_number_value(v) > fields[k].max)
			return tb_seterr(err, errlen, "profiles: models.%s.%s: expected a number from %g to %g",
					 id, key, fields[k].min, fields[k].max);
		*(double *)((char *)p + fields[k].off) = json_number_value(v);
	}
	if (!(p->modes & TB_MODE_BIT(p->default_mode)))
		p->default_mode = (p->modes & TB_MODE_BIT(TB_MODE_THINK)) ? TB_MODE_THINK : TB_MODE_NOTHINK;
	return TB_OK;
}

int sim_profiles_init(sim_profiles *ps, const json_t *overrides, char *err, size_t errlen)
{
	const json_t *models = NULL;
	size_t nb = sizeof(builtin) / sizeof(builtin[0]);
	size_t cap;
	const char *id;
	json_t *o;

	memset(ps, 0, sizeof(*ps));
	if (overrides) {
		models = json_object_get(overrides, "models");
		if (!json_is_object(overrides) || (models && !json_is_object(models)))
			return tb_seterr(err, errlen, "profiles: expected {\"models\": {\"<id>\": {...}}}");
	}
	cap = nb + (models ? json_object_size(models) : 0);
	if (cap > MAX_PROFILES)
		return tb_seterr(err, errlen, "profiles: more than %d models", MAX_PROFILES);
	ps->v = calloc(cap, sizeof(*ps->v));
	if (!ps->v)
		return tb_seterr(err, errlen, "out of memory");
	memcpy(ps->v, builtin, sizeof(builtin));
	ps->n = nb;
	ps->generic = generic;
	if (!models)
		return TB_OK;
	json_object_foreach((json_t *)models, id, o) {
		sim_profile *p = NULL;

		if (strlen(id) == 0 || strlen(id) >= sizeof(p->id)) {
			tb_seterr(err, errlen, "profiles: models: a model id must have 1 to %zu bytes",
				  sizeof(p->id) - 1);
			goto fail;
		}
		for (size_t i = 0; i < ps->n; i++)
			if (strcmp(ps->v[i].id, id) == 0)
				p = &ps->v[i];
		if (!p) {
			p = &ps->v[ps->n++];
			*p = generic;
			snprintf(p->id, sizeof(p->id), "%s", id);
		}
		if (apply(p, id, o, err, errlen) != TB_OK)
			goto fail;
	}
	return TB_OK;
fail:
	sim_profiles_release(ps);
	return TB_ERR;
}

const sim_profile *sim_profiles_find(const sim_profiles *ps, const char *id)
{
	for (size_t i = 0; i < ps->n; i++)
		if (strcmp(ps->v[i].id, id) == 0)
			return &ps->v[i];
	return &ps->generic;
}

char *sim_profiles_list_json(const sim_profiles *ps)
{
	json_t *root = json_object(), *data = json_array();
	char *out = NULL;

	if (!root || !data)
		goto out;
	for (size_t i = 0; i < ps->n; i++) {
		const sim_profile *p = &ps->v[i];
		json_t *m = json_pack("{s:s, s:s, s:s, s:{s:s, s:s}, s:{s:[s]}, s:[s, s, s, s]}",
				      "id", p->id, "object", "model", "owned_by", "thinkbench-sim",
				      "pricing", "prompt", "", "completion", "",
				      "architecture", "input_modalities", "text",
				      "supported_parameters", "max_tokens", "seed", "temperature", "top_p");
		char price[64];

		if (!m)
			goto out;
		/* OpenRouter gives prices as strings in USD per token. */
		snprintf(price, sizeof(price), "%.10g", p->price_prompt / 1e6);
		json_object_set_new(json_object_get(m, "pricing"), "prompt", json_string(price));
		snprintf(price, sizeof(price), "%.10g", p->price_completion / 1e6);
		json_object_set_new(json_object_get(m, "pricing"), "completion", json_string(price));
		if (p->modes & TB_MODE_BIT(TB_MODE_THINK))
			json_array_append_new(json_object_get(m, "supported_parameters"),
					      json_string("reasoning"));
		if (strstr(p->id, "-vl-"))
			json_array_append_new(json_object_get(json_object_get(m, "architecture"),
							      "input_modalities"),
					      json_string("image"));
		json_array_append_new(data, m);
	}
	json_object_set_new(root, "object", json_string("list"));
	json_object_set(root, "data", data);
	out = json_dumps(root, JSON_COMPACT);
out:
	json_decref(data);
	json_decref(root);
	return out;
}

void sim_profiles_release(sim_profiles *ps)
{
	free(ps->v);
	memset(ps, 0, sizeof(*ps));
}

double sim_expected_completion(const char *model, tb_mode mode, long budget, long max_tokens)
{
	const sim_profile *p = &generic;
	double reasoning = 0, total;

	for (size_t i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++)
		if (strcmp(builtin[i].id, model) == 0)
			p = &builtin[i];
	/* The reasoning drawn is log-normal with this mean; the answer's length
	 * is drawn uniformly around its mean. */
	if (mode == TB_MODE_THINK) {
		reasoning = p->reasoning_tokens;
		if (budget > 0 && reasoning > (double)budget)
			reasoning = (double)budget;
	}
	total = reasoning + p->answer_tokens[mode];
	if (max_tokens > 0 && total > (double)max_tokens)
		total = (double)max_tokens;
	return total;
}
