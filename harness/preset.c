#include "preset.h"

#include <math.h>
#include <string.h>
#include <strings.h>

static const tb_preset presets[] = {
	{
		.name = "qwen3",
		.source = "Qwen3 Technical Report (2025), evaluation settings",
		.sampling = {
			[TB_MODE_THINK] = {.temperature = 0.6, .top_p = 0.95, .top_k = 20, .min_p = NAN,
					   .presence_penalty = NAN},
			[TB_MODE_NOTHINK] = {.temperature = 0.7, .top_p = 0.8, .top_k = 20, .min_p = NAN,
					     .presence_penalty = 1.5},
		},
		.max_tokens = 32768,
		.aime_max_tokens = 38912,
		.aime_samples = 64,
	},
};

const tb_preset *preset_find(const char *name)
{
	for (size_t i = 0; name && i < sizeof(presets) / sizeof(presets[0]); i++)
		if (strcmp(presets[i].name, name) == 0)
			return &presets[i];
	return NULL;
}

const char *preset_names(void)
{
	return "qwen3";
}

int preset_is_aime(const tb_suite *s)
{
	const char *n = s->name;

	for (; n && *n; n++)
		if (strncasecmp(n, "aime", 4) == 0)
			return 1;
	return 0;
}

void preset_apply_model(const tb_preset *p, tb_model *m)
{
	for (int i = 0; i < TB_N_MODES; i++)
		m->sampling[i] = p->sampling[i];
	m->max_tokens = p->max_tokens;
}

void preset_apply_suite(const tb_preset *p, tb_suite *s)
{
	if (!preset_is_aime(s))
		return;
	for (size_t i = 0; i < s->n_items; i++)
		if (!s->items[i].max_tokens)
			s->items[i].max_tokens = p->aime_max_tokens;
}

void preset_describe(const tb_preset *p, FILE *f)
{
	const tb_sampling *t = &p->sampling[TB_MODE_THINK], *n = &p->sampling[TB_MODE_NOTHINK];

	fprintf(f,
		"preset %s (%s): thinking temperature %g, top-p %g, top-k %d; non-thinking temperature %g, "
		"top-p %g, top-k %d, presence penalty %g; output cap %ld (AIME %ld); AIME %ld samples per item\n",
		p->name, p->source, t->temperature, t->top_p, t->top_k, n->temperature, n->top_p, n->top_k,
		n->presence_penalty, p->max_tokens, p->aime_max_tokens, p->aime_samples);
}
