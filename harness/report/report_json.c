/* The report as one JSON document (see report_json.h). */
#include "report_json.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "rc.h"

/* ---- JSON ---- */

static json_t *jnum(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *cell_json(const report_cell *c, const char *key)
{
	json_t *o = json_object(), *counts = json_object(), *lat = json_object(), *tok = json_object();

	json_object_set_new(o, "suite", json_string(c->suite));
	if (key)
		json_object_set_new(o, key, json_string(c->group ? c->group : ""));
	json_object_set_new(o, "model", json_string(c->model));
	json_object_set_new(o, "mode", json_string(c->mode));
	json_object_set_new(o, "budget", json_integer(c->budget));
	json_object_set_new(o, "status", json_string(c->status));
	json_object_set_new(o, "n_planned", c->n_planned >= 0 ? json_integer(c->n_planned) : json_null());
	json_object_set_new(o, "n", json_integer(c->n));
	json_object_set_new(o, "graded", json_integer(c->graded));
	json_object_set_new(o, "accuracy", jnum(c->accuracy));
	json_object_set_new(o, "acc_lo95", jnum(c->acc_lo));
	json_object_set_new(o, "acc_hi95", jnum(c->acc_hi));
	json_object_set_new(o, "acc_clustered_lo95", jnum(c->acc_clu_lo));
	json_object_set_new(o, "acc_clustered_hi95", jnum(c->acc_clu_hi));
	json_object_set_new(o, "items", json_integer(c->items));
	json_object_set_new(o, "pass_k", json_integer(c->pass_k));
	json_object_set_new(o, "pass_at_1", jnum(c->pass_at_1));
	json_object_set_new(o, "pass_at_k", jnum(c->pass_at_k));
	json_object_set_new(o, "maj_at_k", jnum(c->maj_at_k));
	for (int k = 0; k < TB_OUT_COUNT; k++)
		json_object_set_new(counts, tb_outcome_name((tb_outcome)k), json_integer(c->count[k]));
	json_object_set_new(counts, "wrong_language", json_integer(c->wrong_lang));
	json_object_set_new(counts, "mode_leak", json_integer(c->mode_leaks));
	json_object_set_new(counts, "not_supported",
			    json_integer(report_cell_unsupported(c) ? c->n_planned : 0));
	json_object_set_new(o, "outcomes", counts);
	json_object_set_new(lat, "total_p50", jnum(c->total_p50));
	json_object_set_new(lat, "total_p90", jnum(c->total_p90));
	json_object_set_new(lat, "total_p99", jnum(c->total_p99));
	json_object_set_new(lat, "total_mean", jnum(c->total_mean));
	json_object_set_new(lat, "ttft_p50", jnum(c->ttft_p50));
	json_object_set_new(lat, "ttft_p90", jnum(c->ttft_p90));
	json_object_set_new(lat, "ttft_p99", jnum(c->ttft_p99));
	json_object_set_new(lat, "ttfa_p50", jnum(c->ttfa_p50));
	json_object_set_new(lat, "ttfa_p90", jnum(c->ttfa_p90));
	json_object_set_new(lat, "ttfa_p99", jnum(c->ttfa_p99));
	json_object_set_new(o, "latency_ms", lat);
	json_object_set_new(o, "output_tokens_per_s", jnum(c->out_tps));
	json_object_set_new(tok, "prompt_mean", jnum(c->prompt_mean));
	json_object_set_new(tok, "completion_mean", jnum(c->completion_mean));
	json_object_set_new(tok, "reasoning_mean", jnum(c->reasoning_mean));
	json_object_set_new(tok, "answer_mean", jnum(c->answer_mean));
	json_object_set_new(tok, "prompt_total", jnum(c->prompt_total));
	json_object_set_new(tok, "completion_total", jnum(c->completion_total));
	json_object_set_new(tok, "reasoning_total", jnum(c->reasoning_total));
	json_object_set_new(o, "tokens", tok);
	json_object_set_new(o, "cost_usd", jnum(c->cost_usd));
	json_object_set_new(o, "cost_unknown", json_integer(c->cost_unknown));
	json_object_set_new(o, "cost_per_sample_usd", jnum(c->cost_per_sample));
	json_object_set_new(o, "cost_per_correct_usd", jnum(c->cost_per_correct));
	return o;
}

static json_t *pair_json(const report *r, const report_pair *p)
{
	const report_cell *t = &r->cells[p->think], *n = &r->cells[p->nothink];
	json_t *o = json_object(), *up = json_array(), *down = json_array();

	json_object_set_new(o, "suite", json_string(t->suite));
	json_object_set_new(o, "model", json_string(t->model));
	json_object_set_new(o, "think_budget", json_integer(t->budget));
	json_object_set_new(o, "nothink_budget", json_integer(n->budget));
	json_object_set_new(o, "items", json_integer(p->items));
	json_object_set_new(o, "acc_think", jnum(t->accuracy));
	json_object_set_new(o, "acc_nothink", jnum(n->accuracy));
	json_object_set_new(o, "acc_diff", jnum(p->diff));
	json_object_set_new(o, "diff_lo95", jnum(p->diff_lo));
	json_object_set_new(o, "diff_hi95", jnum(p->diff_hi));
	json_object_set_new(o, "flip_up", json_integer(p->flip_up));
	json_object_set_new(o, "flip_down", json_integer(p->flip_down));
	for (long k = 0; k < p->flip_up + p->flip_down; k++)
		json_array_append_new(p->flips[k].up ? up : down, json_string(p->flips[k].item_id));
	json_object_set_new(o, "flip_up_items", up);
	json_object_set_new(o, "flip_down_items", down);
	json_object_set_new(o, "latency_ratio", jnum(p->latency_ratio));
	json_object_set_new(o, "token_ratio", jnum(p->token_ratio));
	json_object_set_new(o, "cost_ratio", jnum(p->cost_ratio));
	json_object_set_new(o, "extra_cost_per_correct_usd", jnum(p->extra_cost_per_correct));
	json_object_set_new(o, "extra_seconds_per_correct", jnum(p->extra_secs_per_correct));
	return o;
}

int report_write_json(const report *r, const tb_run_info *run, FILE *out, char *err, size_t errlen)
{
	json_t *doc = json_object(), *ri = json_object(), *a;
	char *text = NULL;
	int rc = TB_ERR;

	json_object_set_new(ri, "run_id", json_string(run->run_id));
	json_object_set_new(ri, "version", json_string(run->version));
	json_object_set_new(ri, "status", json_string(run->status));
	json_object_set_new(ri, "started", json_string(run->started));
	json_object_set_new(ri, "ended", json_string(run->ended));
	json_object_set_new(ri, "simulated", json_boolean(run->simulated));
	json_object_set_new(ri, "suites_hash", json_string(run->suites_hash));
	json_object_set_new(ri, "models_hash", json_string(run->models_hash));
	{
		char line[512];

		report_regrade_line(r, line, sizeof(line));
		json_object_set_new(ri, "regraded_samples", json_integer(r->regraded));
		json_object_set_new(ri, "regrade", *line ? json_string(line) : json_null());
		report_time_scale_line(run, line, sizeof(line));
		json_object_set_new(ri, "sim_time_scale", *line ? json_string(line) : json_null());
	}
	json_object_set_new(doc, "run", ri);
	json_object_set_new(doc, "samples", json_integer(r->samples));
	a = json_array();
	for (size_t i = 0; i < r->n; i++)
		json_array_append_new(a, cell_json(&r->cells[i], NULL));
	json_object_set_new(doc, "cells", a);
	a = json_array();
	for (size_t i = 0; i < r->n_pairs; i++)
		json_array_append_new(a, pair_json(r, &r->pairs[i]));
	json_object_set_new(doc, "modes", a);
	a = json_array();
	for (size_t i = 0; i < r->n_lang; i++)
		json_array_append_new(a, cell_json(&r->by_lang[i], "lang"));
	json_object_set_new(doc, "by_lang", a);
	a = json_array();
	for (size_t i = 0; i < r->n_tag; i++)
		json_array_append_new(a, cell_json(&r->by_tag[i], "tag"));
	json_object_set_new(doc, "by_tag", a);
	json_object_set_new(doc, "tags_complete", json_boolean(!r->tags_missing));
	text = json_dumps(doc, JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10));
	if (!text) {
		tb_seterr(err, errlen, "out of memory writing the JSON report");
		goto out;
	}
	/* the notice goes on the first line, before the rest of the object */
	if (run->simulated)
		fprintf(out, "{\"notice\": \"%s\",%s\n", REPORT_SIMULATED_LINE, text + 1);
	else
		fprintf(out, "%s\n", text);
	rc = ferror(out) ? tb_seterr(err, errlen, "cannot write the JSON report") : TB_OK;
out:
	free(text);
	json_decref(doc);
	return rc;
}

