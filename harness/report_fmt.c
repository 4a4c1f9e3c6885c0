/* The report as JSON, Markdown and JUnit XML (see report.h). */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "log.h"
#include "rc.h"
#include "report.h"
#include "text.h"

/* the answer text kept in a JUnit testcase's system-out */
#define JUNIT_TEXT_MAX 4000

/* ---- escaping ---- */

static void xml_put(FILE *f, const char *s, int attr, size_t max)
{
	tb_text_put_markup(f, s, max, attr ? TB_TEXT_XML_ATTR : TB_TEXT_XML);
}

/* A Markdown table cell: pipes escaped, HTML specials as entities, line
 * breaks and other controls as spaces. */
static void md_put(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	for (; *p; p++) {
		if (*p == '|')
			fputs("\\|", f);
		else if (*p == '<')
			fputs("&lt;", f);
		else if (*p == '>')
			fputs("&gt;", f);
		else if (*p == '&')
			fputs("&amp;", f);
		else if (*p == '\\' || *p == '`' || *p == '*' || *p == '_' || *p == '[' || *p == ']')
			fprintf(f, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7F)
			fputc(' ', f);
		else
			fputc(*p, f);
	}
}

void report_md_put(FILE *f, const char *s)
{
	md_put(f, s);
}

/* ---- JSON ---- */

static json_t *jnum(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *cell_json(const report_cell *c, const char *key)
{
	json_t *o = json_object(), *counts = json_object(), *lat = json_object(), *tok = json_object();

	json_object_set_new(o, key, json_string(c->suite));
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
			    json_integer(strcmp(c->status, "not_supported") == 0 ? c->n_planned : 0));
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
	for (int k = 0; k < REPORT_FLIP_IDS; k++) {
		if (p->up_ids[k])
			json_array_append_new(up, json_string(p->up_ids[k]));
		if (p->down_ids[k])
			json_array_append_new(down, json_string(p->down_ids[k]));
	}
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
	json_object_set_new(doc, "run", ri);
	json_object_set_new(doc, "samples", json_integer(r->samples));
	a = json_array();
	for (size_t i = 0; i < r->n; i++)
		json_array_append_new(a, cell_json(&r->cells[i], "suite"));
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

/* ---- Markdown ---- */

static void md_pct(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, " %.1f |", v * 100);
	else
		fputs(" - |", f);
}

static void md_secs(FILE *f, double ms)
{
	if (isfinite(ms))
		fprintf(f, " %.2f |", ms / 1000.0);
	else
		fputs(" - |", f);
}

static void md_num(FILE *f, const char *fmt, double v)
{
	fputc(' ', f);
	if (isfinite(v))
		fprintf(f, fmt, v);
	else
		fputc('-', f);
	fputs(" |", f);
}

static void md_cell_name(FILE *f, const report_cell *c)
{
	fputs("| ", f);
	md_put(f, c->suite);
	fputs(" | ", f);
	md_put(f, c->model);
	fputs(" | ", f);
	md_put(f, c->mode);
	if (c->budget)
		fprintf(f, " | %ld |", c->budget);
	else
		fputs(" | - |", f);
}

static void md_breakdown(FILE *f, const char *what, const report_cell *rows, size_t n)
{
	if (!n)
		return;
	fprintf(f, "\n### Accuracy by %s\n\n| %s | model | mode | budget | n | acc %% [95%% CI] |\n"
		   "|---|---|---|--:|--:|--:|\n",
		what, what);
	for (size_t i = 0; i < n; i++) {
		const report_cell *c = &rows[i];

		md_cell_name(f, c);
		fprintf(f, " %ld |", c->n);
		if (c->graded)
			fprintf(f, " %.1f [%.0f-%.0f] |\n", c->accuracy * 100, floor(c->acc_lo * 100),
				ceil(c->acc_hi * 100));
		else
			fputs(" - |\n", f);
	}
}

int report_write_md(const report *r, const tb_run_info *run, FILE *f, char *err, size_t errlen)
{
	if (run->simulated)
		fprintf(f, "> **%s**\n\n", REPORT_SIMULATED_LINE);
	fputs("## thinkbench report: run `", f);
	md_put(f, run->run_id);
	fprintf(f, "`\n\nthinkbench %s, %s, started %s%s%s; %ld samples.\n\n", run->version,
		run->status, run->started, run->ended[0] ? ", ended " : "", run->ended, r->samples);
	fputs("| suite | model | mode | budget | n | acc % [95% CI] | clustered CI | pass@1 | pass@k "
	      "| maj@k | correct | wrong | no ans | trunc | wrong lang | leak | err | p50 s | p90 s "
	      "| p99 s | ttfa p50 s | tok/s | reasoning tok | answer tok | cost $ | $/correct |\n"
	      "|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
	      "--:|--:|--:|--:|--:|\n",
	      f);
	for (size_t i = 0; i < r->n; i++) {
		const report_cell *c = &r->cells[i];

		md_cell_name(f, c);
		fprintf(f, " %ld |", c->n);
		if (strcmp(c->status, "not_supported") == 0) {
			fputs(" not supported |||||||||||||||||||||\n", f);
			continue;
		}
		if (c->graded)
			fprintf(f, " %.1f [%.0f-%.0f] |", c->accuracy * 100, floor(c->acc_lo * 100),
				ceil(c->acc_hi * 100));
		else
			fputs(" - |", f);
		if (isfinite(c->acc_clu_lo))
			fprintf(f, " [%.0f-%.0f] |", floor(c->acc_clu_lo * 100), ceil(c->acc_clu_hi * 100));
		else
			fputs(" - |", f);
		md_pct(f, c->pass_at_1);
		md_pct(f, c->pass_at_k);
		md_pct(f, c->maj_at_k);
		fprintf(f, " %ld | %ld | %ld | %ld | %ld | %ld | %ld |", c->count[TB_OUT_CORRECT],
			c->count[TB_OUT_INCORRECT] + c->count[TB_OUT_PARTIAL], c->count[TB_OUT_NOANSWER],
			c->count[TB_OUT_TRUNCATED], c->wrong_lang, c->mode_leaks, c->count[TB_OUT_ERROR]);
		md_secs(f, c->total_p50);
		md_secs(f, c->total_p90);
		md_secs(f, c->total_p99);
		md_secs(f, c->ttfa_p50);
		md_num(f, "%.0f", c->out_tps);
		md_num(f, "%.0f", c->reasoning_mean);
		md_num(f, "%.0f", c->answer_mean);
		md_num(f, "%.4f", c->cost_usd);
		md_num(f, "%.5f", c->cost_per_correct);
		fputc('\n', f);
	}
	fputs("\npass@k and maj@k use k = the fewest samples of an item in the cell; the clustered "
	      "interval treats items as clusters (shown with several samples per item).\n", f);
	if (r->n_pairs) {
		fputs("\n### Thinking against non-thinking (same items)\n\n"
		      "| suite | model | think budget | items | acc think % | acc nothink % | diff pts [95% CI] "
		      "| flips up / down | latency x | tokens x | cost x | $ per extra correct "
		      "| s per extra correct |\n|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n",
		      f);
		for (size_t i = 0; i < r->n_pairs; i++) {
			const report_pair *p = &r->pairs[i];
			const report_cell *t = &r->cells[p->think], *n = &r->cells[p->nothink];

			fputs("| ", f);
			md_put(f, t->suite);
			fputs(" | ", f);
			md_put(f, t->model);
			if (t->budget)
				fprintf(f, " | %ld | %ld |", t->budget, p->items);
			else
				fprintf(f, " | - | %ld |", p->items);
			md_pct(f, t->accuracy);
			md_pct(f, n->accuracy);
			if (isfinite(p->diff_lo))
				fprintf(f, " %+.1f [%+.1f, %+.1f] |", p->diff * 100, p->diff_lo * 100,
					p->diff_hi * 100);
			else
				md_num(f, "%+.1f", p->diff * 100);
			fprintf(f, " %ld / %ld |", p->flip_up, p->flip_down);
			md_num(f, "%.2f", p->latency_ratio);
			md_num(f, "%.2f", p->token_ratio);
			md_num(f, "%.2f", p->cost_ratio);
			md_num(f, "%.5f", p->extra_cost_per_correct);
			md_num(f, "%.2f", p->extra_secs_per_correct);
			fputc('\n', f);
		}
	}
	md_breakdown(f, "language", r->by_lang, r->n_lang);
	md_breakdown(f, "tag", r->by_tag, r->n_tag);
	if (ferror(f))
		return tb_seterr(err, errlen, "cannot write the Markdown report");
	return TB_OK;
}

/* ---- JUnit XML ---- */

typedef struct junit_ctx {
	FILE *f;
	const report *r;
	char *cur_suite;
	int failed;
} junit_ctx;

static void suite_counts(const report *r, const char *suite, long c[4])
{
	memset(c, 0, 4 * sizeof(*c));
	for (size_t i = 0; i < r->n; i++) {
		const report_cell *x = &r->cells[i];

		if (strcmp(x->suite, suite) != 0)
			continue;
		c[0] += x->n + (strcmp(x->status, "not_supported") == 0);
		c[1] += x->count[TB_OUT_INCORRECT] + x->count[TB_OUT_PARTIAL] +
			x->count[TB_OUT_NOANSWER] + x->count[TB_OUT_TRUNCATED];
		c[2] += x->count[TB_OUT_ERROR];
		c[3] += x->count[TB_OUT_UNGRADED] + (strcmp(x->status, "not_supported") == 0);
	}
}

static void close_suite(junit_ctx *x)
{
	if (!x->cur_suite)
		return;
	/* a mode a model lacks is one skipped case, so the CI shows it */
	for (size_t i = 0; i < x->r->n; i++) {
		const report_cell *c = &x->r->cells[i];

		if (strcmp(c->suite, x->cur_suite) != 0 || strcmp(c->status, "not_supported") != 0)
			continue;
		fputs("  <testcase classname=\"", x->f);
		xml_put(x->f, c->suite, 1, SIZE_MAX);
		fputs("\" name=\"", x->f);
		xml_put(x->f, c->model, 1, SIZE_MAX);
		fputc(' ', x->f);
		xml_put(x->f, c->mode, 1, SIZE_MAX);
		fputs("\"><skipped message=\"not supported\"/></testcase>\n", x->f);
	}
	fputs(" </testsuite>\n", x->f);
	free(x->cur_suite);
	x->cur_suite = NULL;
}

static int open_suite(junit_ctx *x, const char *suite)
{
	long c[4];

	close_suite(x);
	x->cur_suite = strdup(suite);
	if (!x->cur_suite)
		return TB_ERR;
	suite_counts(x->r, suite, c);
	fputs(" <testsuite name=\"", x->f);
	xml_put(x->f, suite, 1, SIZE_MAX);
	fprintf(x->f, "\" tests=\"%ld\" failures=\"%ld\" errors=\"%ld\" skipped=\"%ld\">\n", c[0], c[1],
		c[2], c[3]);
	return TB_OK;
}

static int junit_sample(void *ud, const tb_sample *s)
{
	junit_ctx *x = ud;
	FILE *f = x->f;
	const char *o = tb_outcome_name(s->outcome);

	if ((!x->cur_suite || strcmp(x->cur_suite, s->suite) != 0) && open_suite(x, s->suite) != TB_OK)
		return TB_ERR;
	fputs("  <testcase classname=\"", f);
	xml_put(f, s->suite, 1, SIZE_MAX);
	fputs(".", f);
	xml_put(f, s->model, 1, SIZE_MAX);
	fputs("\" name=\"", f);
	xml_put(f, s->item_id, 1, SIZE_MAX);
	fprintf(f, " %s", s->mode);
	if (s->budget)
		fprintf(f, " budget %ld", s->budget);
	fprintf(f, " #%d\"", s->sample);
	if (isfinite(s->total_ms))
		fprintf(f, " time=\"%.3f\"", s->total_ms / 1000.0);
	fputs(">", f);
	if (s->outcome == TB_OUT_ERROR) {
		fputs("<error message=\"", f);
		xml_put(f, s->error, 1, 1000);
		fputs("\"/>", f);
	} else if (s->outcome == TB_OUT_UNGRADED) {
		fputs("<skipped message=\"ungraded\"/>", f);
	} else if (s->outcome != TB_OUT_CORRECT) {
		fprintf(f, "<failure type=\"%s\" message=\"expected ", o);
		xml_put(f, s->expected, 1, 500);
		fputs(", got ", f);
		xml_put(f, s->extracted && *s->extracted ? s->extracted : "(nothing)", 1, 500);
		fputs("\">", f);
		xml_put(f, s->grade_reason, 0, 2000);
		fputs("</failure>", f);
	}
	if (s->outcome != TB_OUT_CORRECT && s->answer && *s->answer) {
		fputs("<system-out>", f);
		xml_put(f, s->answer, 0, JUNIT_TEXT_MAX);
		fputs("</system-out>", f);
	}
	fputs("</testcase>\n", f);
	return ferror(f) ? TB_ERR : 0;
}

int report_write_junit(tb_store *st, const report *r, const tb_run_info *run, FILE *f,
		       char *err, size_t errlen)
{
	junit_ctx x = {.f = f, .r = r};
	long t = 0, fl = 0, e = 0, sk = 0;
	int rc;

	/* no XML declaration: UTF-8 is the default, and the notice comes first */
	if (run->simulated)
		fprintf(f, "<!-- %s -->\n", REPORT_SIMULATED_LINE);
	for (size_t i = 0; i < r->n; i++) {
		const report_cell *c = &r->cells[i];
		int ns = strcmp(c->status, "not_supported") == 0;

		t += c->n + ns;
		fl += c->count[TB_OUT_INCORRECT] + c->count[TB_OUT_PARTIAL] + c->count[TB_OUT_NOANSWER] +
		      c->count[TB_OUT_TRUNCATED];
		e += c->count[TB_OUT_ERROR];
		sk += c->count[TB_OUT_UNGRADED] + ns;
	}
	fputs("<testsuites name=\"thinkbench ", f);
	xml_put(f, run->run_id, 1, SIZE_MAX);
	fprintf(f, "%s\" tests=\"%ld\" failures=\"%ld\" errors=\"%ld\" skipped=\"%ld\">\n",
		run->simulated ? " (simulated)" : "", t, fl, e, sk);
	rc = store_each_sample(st, junit_sample, &x, err, errlen);
	close_suite(&x);
	fputs("</testsuites>\n", f);
	if (rc != 0)
		return err[0] ? TB_ERR : tb_seterr(err, errlen, "cannot write the JUnit report");
	if (ferror(f))
		return tb_seterr(err, errlen, "cannot write the JUnit report");
	return TB_OK;
}
