#include "runopts.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "models.h"
#include "preset.h"
#include "rc.h"
#include "shard.h"

void runopts_defaults(tb_run_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->suites = json_array();
	o->models = json_array();
	o->modes = TB_MODE_BIT(TB_MODE_THINK) | TB_MODE_BIT(TB_MODE_NOTHINK);
	o->n_budgets = 1;
	o->samples = 1;
	o->jobs = 32;
	o->grade_queue = 1024;
	o->exec_rate = -1;
	o->seed = 1;
	o->retries = 5;
	o->stream = 1;
	o->sim_time_scale = 0.02;
	o->out_dir = strdup("results");
}

void runopts_release(tb_run_opts *o)
{
	json_decref(o->suites);
	json_decref(o->models);
	free(o->models_file);
	free(o->out_dir);
	free(o->resume);
	free(o->run_id);
	free(o->preset);
	free(o->budget_from);
	memset(o, 0, sizeof(*o));
}

int runopts_parse_modes(const char *s, unsigned *modes)
{
	tb_mode m;

	if (strcmp(s, "both") == 0) {
		*modes = TB_MODE_BIT(TB_MODE_THINK) | TB_MODE_BIT(TB_MODE_NOTHINK);
		return TB_OK;
	}
	if (tb_mode_parse(s, &m) != TB_OK)
		return TB_ERR;
	*modes = TB_MODE_BIT(m);
	return TB_OK;
}

int runopts_parse_budgets(const char *s, tb_run_opts *o)
{
	const char *p = s;

	o->n_budgets = 0;
	while (*p) {
		char *end;
		long v;

		errno = 0;
		v = strtol(p, &end, 10);
		if (errno || end == p || v < 0 || v > 10000000 || (*end && *end != ',') ||
		    o->n_budgets == TB_MAX_BUDGETS)
			return tb_error("option '--budget' expects up to %d token counts like 1024,4096 (0 = no budget), not '%s'",
					TB_MAX_BUDGETS, s);
		for (size_t i = 0; i < o->n_budgets; i++)
			if (o->budgets[i] == v)
				return tb_error("option '--budget' names %ld twice", v);
		o->budgets[o->n_budgets++] = v;
		p = *end ? end + 1 : end;
	}
	if (o->n_budgets == 0)
		return tb_error("option '--budget' expects token counts like 1024,4096");
	return TB_OK;
}

json_t *runopts_to_json(const tb_run_opts *o, int simulated)
{
	json_t *budgets = json_array(), *modes = json_array(), *j;
	char shard[32];

	snprintf(shard, sizeof(shard), "%d/%d", o->shard_index, o->shard_count);
	for (size_t i = 0; i < o->n_budgets; i++)
		json_array_append_new(budgets, json_integer(o->budgets[i]));
	for (int m = 0; m < TB_N_MODES; m++)
		if (o->modes & TB_MODE_BIT(m))
			json_array_append_new(modes, json_string(tb_mode_name((tb_mode)m)));
	j = json_pack("{s:O, s:O, s:s?, s:o, s:o, s:I, s:I, s:I, s:I, s:I, s:b, s:f, s:f, s:b, s:f, s:b, s:b}",
			 "suites", o->suites, "models", o->models, "models_file", o->models_file,
			 "modes", modes, "budgets", budgets, "samples", (json_int_t)o->samples,
			 "jobs", (json_int_t)o->jobs,
			 "limit", (json_int_t)o->limit, "seed", (json_int_t)o->seed, "retries",
			 (json_int_t)o->retries, "stream", o->stream, "timeout_s", o->timeout_s,
			 "stall_s", o->stall_s, "simulator", simulated && !o->models_file,
			 "sim_time_scale", o->sim_time_scale, "insecure", o->insecure, "unsafe_exec",
			 o->unsafe_exec);
	if (j && o->shard_count)
		json_object_set_new(j, "shard", json_string(shard));
	/* Only when given, so that runs without caps store what they always did. */
	if (j && o->max_cost > 0)
		json_object_set_new(j, "max_cost", json_real(o->max_cost));
	if (j && o->max_tokens_total > 0)
		json_object_set_new(j, "max_tokens_total", json_integer(o->max_tokens_total));
	if (j && ((o->preset && json_object_set_new(j, "preset", json_string(o->preset)) != 0) ||
		  (o->budget_from && json_object_set_new(j, "budget_from", json_string(o->budget_from)) != 0))) {
		json_decref(j);
		return NULL;
	}
	return j;
}

int runopts_from_json(tb_run_opts *o, const json_t *j, char *err, size_t errlen)
{
	json_t *suites = NULL, *models = NULL, *modes = NULL, *budgets = NULL, *models_file = NULL;
	json_int_t samples, limit, seed, retries, jobs = 0;
	int stream, simulator, insecure, unsafe_exec;
	double timeout_s, stall_s, scale;
	json_error_t jerr;
	size_t i;
	json_t *v;

	if (json_unpack_ex((json_t *)j, &jerr, 0,
			   "{s:o, s:o, s?o, s:o, s:o, s:I, s?I, s:I, s:I, s:I, s:b, s:F, s:F, s:b, s:F, s:b, s:b}",
			   "suites", &suites, "models", &models, "models_file", &models_file, "modes",
			   &modes, "budgets", &budgets, "samples", &samples, "jobs", &jobs, "limit", &limit, "seed",
			   &seed, "retries", &retries, "stream", &stream, "timeout_s", &timeout_s,
			   "stall_s", &stall_s, "simulator", &simulator, "sim_time_scale", &scale,
			   "insecure", &insecure, "unsafe_exec", &unsafe_exec) != 0)
		return tb_seterr(err, errlen, "the stored run options are unreadable: %s", jerr.text);
	/* A run without a models file stores null (and older runs no key). */
	if (models_file && !json_is_null(models_file) && !json_is_string(models_file))
		return tb_seterr(err, errlen, "the stored run options are unreadable: models_file is not a path");
	v = json_object_get(j, "preset");
	if (v && !(json_is_string(v) && preset_find(json_string_value(v))))
		return tb_seterr(err, errlen, "the stored run options are unreadable: preset is not one of %s",
				 preset_names());
	free(o->preset);
	o->preset = v ? strdup(json_string_value(v)) : NULL;
	json_decref(o->suites);
	json_decref(o->models);
	o->suites = json_deep_copy(suites);
	o->models = json_deep_copy(models);
	free(o->models_file);
	o->models_file = json_is_string(models_file) ? strdup(json_string_value(models_file)) : NULL;
	o->modes = 0;
	json_array_foreach(modes, i, v) {
		tb_mode m;

		if (!json_is_string(v) || tb_mode_parse(json_string_value(v), &m) != TB_OK)
			return tb_seterr(err, errlen, "the stored run options name an unknown mode");
		o->modes |= TB_MODE_BIT(m);
	}
	o->n_budgets = 0;
	json_array_foreach(budgets, i, v) {
		if (o->n_budgets < TB_MAX_BUDGETS)
			o->budgets[o->n_budgets++] = (long)json_integer_value(v);
	}
	o->samples = (long)samples;
	if (jobs > 0)
		o->jobs = (long)jobs;
	o->limit = (long)limit;
	o->seed = (long)seed;
	o->retries = (long)retries;
	o->stream = stream;
	o->timeout_s = timeout_s;
	o->stall_s = stall_s;
	o->force_sim = simulator;
	o->sim_time_scale = scale;
	o->insecure = insecure;
	o->unsafe_exec = unsafe_exec;
	o->shard_count = 0;
	v = json_object_get(j, "shard");
	if (v && (!json_is_string(v) ||
		  shard_parse(json_string_value(v), &o->shard_index, &o->shard_count) != TB_OK))
		return tb_seterr(err, errlen, "the stored run options are unreadable: shard is not I/N");
	v = json_object_get(j, "max_cost");
	o->max_cost = json_is_number(v) && json_number_value(v) > 0 ? json_number_value(v) : 0;
	v = json_object_get(j, "max_tokens_total");
	o->max_tokens_total = json_is_integer(v) && json_integer_value(v) > 0 ? (long)json_integer_value(v) : 0;
	return TB_OK;
}
