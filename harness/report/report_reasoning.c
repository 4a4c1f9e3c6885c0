#include "report_reasoning.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv.h"
#include "log.h"
#include "report.h"
#include "report_md.h"
#include "report_table.h"
#include "rc.h"
#include "stats.h"
#include "traceinfo.h"

/* T-hat / T values kept per row, at most (a quantile needs no more). */
#define MAX_FRACS 1000000
#define SUMMARY_DIGITS 4

/* ---- the SLO ---- */

static int slo_value(const char *v, size_t n, double *ms)
{
	char buf[64], *end;
	double x;

	if (n == 0 || n >= sizeof(buf))
		return TB_ERR;
	memcpy(buf, v, n);
	buf[n] = 0;
	errno = 0;
	x = strtod(buf, &end);
	if (errno || end == buf || !isfinite(x) || x < 0)
		return TB_ERR;
	if (strcmp(end, "ms") == 0)
		*ms = x;
	else if (strcmp(end, "s") == 0)
		*ms = x * 1000.0;
	else
		return TB_ERR;
	return TB_OK;
}

int slo_parse(const char *s, tb_slo *out, char *err, size_t errlen)
{
	const char *p = s;

	out->ttfa_ms = out->total_ms = NAN;
	/* bounded by the string: each pass consumes one key=value and its comma */
	while (*p) {
		size_t n = strcspn(p, ","), k = strcspn(p, "=");
		double *slot = NULL, ms;

		if (k < n && k == 4 && strncmp(p, "ttfa", 4) == 0)
			slot = &out->ttfa_ms;
		else if (k < n && k == 5 && strncmp(p, "total", 5) == 0)
			slot = &out->total_ms;
		if (!slot || !isnan(*slot) || slo_value(p + k + 1, n - k - 1, &ms) != TB_OK)
			return tb_seterr(err, errlen,
					 "option '--slo': '%.*s' is not ttfa=TIME or total=TIME given once "
					 "(TIME like 2s or 500ms)",
					 (int)n, p);
		*slot = ms;
		p += n;
		if (*p == ',')
			p++;
	}
	if (isnan(out->ttfa_ms) && isnan(out->total_ms))
		return tb_seterr(err, errlen, "option '--slo' needs ttfa=TIME, total=TIME or both");
	return TB_OK;
}

/* ---- aggregation ---- */

typedef struct row {
	char *suite, *model, *mode; /* model and mode "*" for a suite's row */
	long budget;                /* -1 for a suite's row */
	long samples, measured, graded, correct, capped, capped_thinking;
	long wrong, found_then_lost, after_n;
	double after_sum;
	long reasoning_only, answer_in_reasoning, loop, mode_disobeyed, disagrees, switches;
	long budgeted, budget_kept, good;
	stats_vec fracs;            /* T-hat / T of correct answers */
	double p25, p50, p75;
} row;

struct reasoning_report {
	row *rows;
	size_t n, cap;
	tb_slo slo;
	int have_slo;
	long measured;
	long reused;                /* samples copied by --budget-from */
	int nomem;
	char *err;
	size_t errlen;
	tb_store *st;
};

static row *find_row(reasoning_report *r, const char *suite, const char *model, const char *mode, long budget)
{
	row *w;

	for (size_t i = 0; i < r->n; i++) {
		w = &r->rows[i];
		if (w->budget == budget && strcmp(w->suite, suite) == 0 && strcmp(w->model, model) == 0 &&
		    strcmp(w->mode, mode) == 0)
			return w;
	}
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 16;
		row *v = realloc(r->rows, cap * sizeof(*v));

		if (!v)
			return NULL;
		r->rows = v;
		r->cap = cap;
	}
	w = &r->rows[r->n];
	memset(w, 0, sizeof(*w));
	w->suite = strdup(suite);
	w->model = strdup(model);
	w->mode = strdup(mode);
	w->budget = budget;
	stats_vec_init(&w->fracs, MAX_FRACS);
	r->n++;
	if (!w->suite || !w->model || !w->mode)
		return NULL;
	return w;
}

static int within_slo(const reasoning_report *r, const tb_sample *s)
{
	/* an unknown time (not streamed) cannot be shown to meet a bound */
	if (!isnan(r->slo.ttfa_ms) && !(isfinite(s->ttfa_ms) && s->ttfa_ms <= r->slo.ttfa_ms))
		return 0;
	if (!isnan(r->slo.total_ms) && !(isfinite(s->total_ms) && s->total_ms <= r->slo.total_ms))
		return 0;
	return 1;
}

static void add(reasoning_report *r, row *w, const tb_sample *s, const tb_trace_metrics *m, int found)
{
	int graded = tb_outcome_is_graded(s->outcome), correct = s->outcome == TB_OUT_CORRECT;

	w->samples++;
	if (!found)
		return;
	w->measured++;
	w->graded += graded;
	w->correct += correct;
	if (graded && m->capped != TB_CAP_NONE)
		w->capped++;
	if (graded && m->capped == TB_CAP_THINKING)
		w->capped_thinking++;
	if (correct && isfinite(m->first_correct_frac) && stats_vec_push(&w->fracs, m->first_correct_frac) == TB_NOMEM)
		r->nomem = 1;
	if (correct && m->after_correct_tokens >= 0) {
		w->after_sum += (double)m->after_correct_tokens;
		w->after_n++;
	}
	if (graded && !correct) {
		w->wrong++;
		w->found_then_lost += m->found_then_lost;
	}
	w->reasoning_only += m->reasoning_only;
	w->answer_in_reasoning += m->answer_in_reasoning;
	w->loop += m->loop;
	w->mode_disobeyed += m->mode_disobeyed;
	w->disagrees += m->reasoning_disagrees;
	w->switches += m->switches;
	if (strcmp(s->mode, "think") == 0 && s->budget > 0 && m->reasoning_source != TB_TOK_NONE) {
		w->budgeted++;
		w->budget_kept += !m->budget_exceeded;
	}
	if (r->have_slo && correct && within_slo(r, s))
		w->good++;
}

static int on_sample(void *ud, const tb_sample *s)
{
	reasoning_report *r = ud;
	tb_trace_metrics m;
	row *cell, *suite;
	int found;

	if (store_get_metrics(r->st, s, &m, &found, r->err, r->errlen) != TB_OK)
		return TB_ERR;
	cell = find_row(r, s->suite, s->model, s->mode, s->budget);
	suite = cell ? find_row(r, s->suite, "*", "*", -1) : NULL;
	if (!cell || !suite) {
		r->nomem = 1;
		return tb_seterr(r->err, r->errlen, "out of memory");
	}
	r->measured += found;
	add(r, cell, s, &m, found);
	add(r, suite, s, &m, found);
	return 0;
}

/* Cells in key order, each suite's row after its cells. */
static int row_cmp(const void *a, const void *b)
{
	const row *x = a, *y = b;
	int c = strcmp(x->suite, y->suite);

	if (c)
		return c;
	if ((x->budget < 0) != (y->budget < 0))
		return x->budget < 0 ? 1 : -1;
	if ((c = strcmp(x->model, y->model)) || (c = strcmp(x->mode, y->mode)))
		return c;
	return (x->budget > y->budget) - (x->budget < y->budget);
}

int reasoning_report_load(tb_store *st, const tb_slo *slo, reasoning_report **out, char *err, size_t errlen)
{
	reasoning_report *r = calloc(1, sizeof(*r));

	*out = NULL;
	if (!r)
		return tb_seterr(err, errlen, "out of memory");
	r->st = st;
	r->err = err;
	r->errlen = errlen;
	if (slo) {
		r->slo = *slo;
		r->have_slo = 1;
	}
	if (store_each_sample_brief(st, on_sample, r, err, errlen) != 0 || r->nomem) {
		if (r->nomem)
			tb_seterr(err, errlen, "out of memory");
		reasoning_report_free(r);
		return TB_ERR;
	}
	if (r->n)
		qsort(r->rows, r->n, sizeof(*r->rows), row_cmp);
	r->reused = store_count_reused(st);
	for (size_t i = 0; i < r->n; i++) {
		row *w = &r->rows[i];

		stats_sort(w->fracs.v, w->fracs.n);
		w->p25 = w->fracs.n ? stats_percentile_sorted(w->fracs.v, w->fracs.n, 25) : NAN;
		w->p50 = w->fracs.n ? stats_percentile_sorted(w->fracs.v, w->fracs.n, 50) : NAN;
		w->p75 = w->fracs.n ? stats_percentile_sorted(w->fracs.v, w->fracs.n, 75) : NAN;
	}
	r->st = NULL;
	r->err = NULL;
	*out = r;
	return TB_OK;
}

int reasoning_report_measured(const reasoning_report *r)
{
	return r->measured > 0;
}

void reasoning_report_free(reasoning_report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		free(r->rows[i].suite);
		free(r->rows[i].model);
		free(r->rows[i].mode);
		stats_vec_release(&r->rows[i].fracs);
	}
	free(r->rows);
	free(r);
}

/* ---- output ---- */

static double share(long k, long n)
{
	return n > 0 ? (double)k / (double)n : NAN;
}

static void pct(FILE *f, double x, int width)
{
	if (isnan(x))
		fprintf(f, "%*s", width, "-");
	else
		fprintf(f, "%*.0f%%", width - 1, 100.0 * x);
}

static void budget_name(char *buf, size_t n, long budget)
{
	if (budget < 0)
		snprintf(buf, n, "all");
	else if (budget == 0)
		snprintf(buf, n, "-");
	else
		snprintf(buf, n, "%ld", budget);
}

static void slo_line(const reasoning_report *r, FILE *f)
{
	if (!r->have_slo) {
		fputs("goodput: no --slo given\n", f);
		return;
	}
	fputs("goodput: correct and within", f);
	if (!isnan(r->slo.ttfa_ms))
		fprintf(f, " ttfa <= %g s", r->slo.ttfa_ms / 1000.0);
	if (!isnan(r->slo.total_ms))
		fprintf(f, "%s total <= %g s", isnan(r->slo.ttfa_ms) ? "" : ",", r->slo.total_ms / 1000.0);
	fputs(" (a sample without a time fails its bound), of graded samples\n", f);
}

static void reused_line(const reasoning_report *r, FILE *f)
{
	if (r->reused)
		fprintf(f, "%ld budgeted samples were reused from an unbudgeted run (--budget-from), not asked\n",
			r->reused);
}

int reasoning_report_text(const reasoning_report *r, FILE *f)
{
	fputs("\nthinking: what it cost and bought\n", f);
	if (!r->measured) {
		fputs("no sample measured (a run that did not end, or a store older than version 4: "
		      "'thinkbench grade RUN' measures it)\n",
		      f);
		return ferror(f) ? TB_ERR : TB_OK;
	}
	fprintf(f, "%-10s %-14s %-7s %6s %-16s %17s %7s %5s %5s %5s %5s %5s %5s %7s\n", "suite", "model",
		"mode", "budget", "accuracy", "T^/T p25/p50/p75", "after", "lost", "loop", "ronly", "inr",
		"leak", "kept", "goodput");
	for (size_t i = 0; i < r->n; i++) {
		const row *w = &r->rows[i];
		char b[32], acc[64], fr[64];

		budget_name(b, sizeof(b), w->budget);
		if (w->graded)
			snprintf(acc, sizeof(acc), "%.0f%% (%.0f%% capped)", 100.0 * share(w->correct, w->graded),
				 100.0 * share(w->capped, w->graded));
		else
			snprintf(acc, sizeof(acc), "-");
		if (w->fracs.n)
			snprintf(fr, sizeof(fr), "%.2f/%.2f/%.2f", w->p25, w->p50, w->p75);
		else
			snprintf(fr, sizeof(fr), "-");
		report_put_field(f, w->suite, 10);
		fputc(' ', f);
		report_put_field(f, w->model, 14);
		fputc(' ', f);
		report_put_field(f, w->mode, 7);
		fprintf(f, " %6s %-16s %17s ", b, acc, fr);
		if (w->after_n)
			fprintf(f, "%7.0f", w->after_sum / (double)w->after_n);
		else
			fprintf(f, "%7s", "-");
		pct(f, share(w->found_then_lost, w->wrong), 6);
		pct(f, share(w->loop, w->measured), 6);
		pct(f, share(w->reasoning_only, w->measured), 6);
		pct(f, share(w->answer_in_reasoning, w->measured), 6);
		pct(f, share(w->mode_disobeyed, w->measured), 6);
		pct(f, share(w->budget_kept, w->budgeted), 6);
		pct(f, r->have_slo ? share(w->good, w->graded) : NAN, 8);
		fputc('\n', f);
	}
	fputs("after: mean reasoning tokens after the first correct statement (correct answers);\n"
	      "lost: wrong answers whose reasoning had stated the reference; loop, ronly (reasoning only),\n"
	      "inr (answer in reasoning), leak (mode disobeyed): share of samples; kept: budget kept\n",
	      f);
	slo_line(r, f);
	reused_line(r, f);
	return ferror(f) ? TB_ERR : TB_OK;
}

int reasoning_report_md(const reasoning_report *r, FILE *f)
{
	fputs("\n## Thinking: what it cost and bought\n\n", f);
	if (!r->measured) {
		fputs("No sample was measured.\n", f);
		return ferror(f) ? TB_ERR : TB_OK;
	}
	fputs("| suite | model | mode | budget | accuracy (capped) | T̂/T p50 | tokens after correct | "
	      "found then lost | loop | reasoning only | answer in reasoning | mode disobeyed | budget kept | "
	      "goodput |\n|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n",
	      f);
	for (size_t i = 0; i < r->n; i++) {
		const row *w = &r->rows[i];
		char b[32];
		const double v[] = {share(w->found_then_lost, w->wrong), share(w->loop, w->measured),
				    share(w->reasoning_only, w->measured), share(w->answer_in_reasoning, w->measured),
				    share(w->mode_disobeyed, w->measured), share(w->budget_kept, w->budgeted),
				    r->have_slo ? share(w->good, w->graded) : NAN};

		budget_name(b, sizeof(b), w->budget);
		fputs("| ", f);
		report_md_put(f, w->suite);
		fputs(" | ", f);
		report_md_put(f, w->model);
		fputs(" | ", f);
		report_md_put(f, w->mode);
		fprintf(f, " | %s | ", b);
		if (w->graded)
			fprintf(f, "%.0f%% (%.0f%% capped) | ", 100.0 * share(w->correct, w->graded),
				100.0 * share(w->capped, w->graded));
		else
			fputs("- | ", f);
		if (w->fracs.n)
			fprintf(f, "%.2f | ", w->p50);
		else
			fputs("- | ", f);
		if (w->after_n)
			fprintf(f, "%.0f |", w->after_sum / (double)w->after_n);
		else
			fputs("- |", f);
		for (size_t k = 0; k < sizeof(v) / sizeof(v[0]); k++) {
			if (isnan(v[k]))
				fputs(" - |", f);
			else
				fprintf(f, " %.0f%% |", 100.0 * v[k]);
		}
		fputc('\n', f);
	}
	fputc('\n', f);
	slo_line(r, f);
	reused_line(r, f);
	return ferror(f) ? TB_ERR : TB_OK;
}

static const char *const csv_head[] = {
	"run_id", "simulated", "suite", "model", "mode", "budget", "samples", "measured", "graded",
	"accuracy", "capped_share", "capped_in_thinking_share", "efficiency_n", "efficiency_p25",
	"efficiency_p50", "efficiency_p75", "tokens_after_correct_mean", "found_then_lost_rate",
	"reasoning_only_rate", "answer_in_reasoning_rate", "loop_rate", "mode_disobeyed_rate",
	"reasoning_count_disagrees_rate", "switches_mean", "budgeted", "budget_kept_rate",
	"slo_ttfa_ms", "slo_total_ms", "goodput",
};

static void csv_rows(const reasoning_report *r, const tb_run_info *run, csv_writer *w)
{
	for (size_t i = 0; i < sizeof(csv_head) / sizeof(csv_head[0]); i++)
		csv_str(w, csv_head[i]);
	csv_end(w);
	for (size_t i = 0; i < r->n; i++) {
		const row *x = &r->rows[i];

		csv_str(w, run->run_id);
		csv_long(w, run->simulated != 0);
		csv_str(w, x->suite);
		csv_str(w, x->model);
		csv_str(w, x->mode);
		if (x->budget < 0)
			csv_str(w, "*");
		else
			csv_long(w, x->budget);
		csv_long(w, x->samples);
		csv_long(w, x->measured);
		csv_long(w, x->graded);
		csv_double_sig(w, share(x->correct, x->graded), SUMMARY_DIGITS);
		csv_double_sig(w, share(x->capped, x->graded), SUMMARY_DIGITS);
		csv_double_sig(w, share(x->capped_thinking, x->graded), SUMMARY_DIGITS);
		csv_long(w, (long)x->fracs.n);
		csv_double_sig(w, x->p25, SUMMARY_DIGITS);
		csv_double_sig(w, x->p50, SUMMARY_DIGITS);
		csv_double_sig(w, x->p75, SUMMARY_DIGITS);
		csv_double_sig(w, x->after_n ? x->after_sum / (double)x->after_n : NAN, SUMMARY_DIGITS);
		csv_double_sig(w, share(x->found_then_lost, x->wrong), SUMMARY_DIGITS);
		csv_double_sig(w, share(x->reasoning_only, x->measured), SUMMARY_DIGITS);
		csv_double_sig(w, share(x->answer_in_reasoning, x->measured), SUMMARY_DIGITS);
		csv_double_sig(w, share(x->loop, x->measured), SUMMARY_DIGITS);
		csv_double_sig(w, share(x->mode_disobeyed, x->measured), SUMMARY_DIGITS);
		csv_double_sig(w, share(x->disagrees, x->measured), SUMMARY_DIGITS);
		csv_double_sig(w, x->measured ? (double)x->switches / (double)x->measured : NAN, SUMMARY_DIGITS);
		csv_long(w, x->budgeted);
		csv_double_sig(w, share(x->budget_kept, x->budgeted), SUMMARY_DIGITS);
		csv_double(w, r->have_slo ? r->slo.ttfa_ms : NAN);
		csv_double(w, r->have_slo ? r->slo.total_ms : NAN);
		csv_double_sig(w, r->have_slo ? share(x->good, x->graded) : NAN, SUMMARY_DIGITS);
		csv_end(w);
	}
}

int reasoning_report_csv(const reasoning_report *r, const tb_run_info *run, const char *dir, char *err,
			 size_t errlen)
{
	char path[4096], tmp[4200];
	csv_writer w;
	FILE *f;
	int rc = TB_OK, n = snprintf(path, sizeof(path), "%s/reasoning.csv", dir);

	if (n < 0 || (size_t)n >= sizeof(path))
		return tb_seterr(err, errlen, "output folder name too long: '%s'", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "wb");
	if (!f)
		return tb_seterr(err, errlen, "cannot write '%s': %s", tmp, strerror(errno));
	csv_init(&w, f);
	csv_rows(r, run, &w);
	if (csv_error(&w) != TB_OK || fflush(f) != 0)
		rc = tb_seterr(err, errlen, "cannot write '%s': %s", tmp, strerror(errno));
	if (fclose(f) != 0 && rc == TB_OK)
		rc = tb_seterr(err, errlen, "cannot write '%s': %s", tmp, strerror(errno));
	if (rc == TB_OK && rename(tmp, path) != 0)
		rc = tb_seterr(err, errlen, "cannot rename '%s' to '%s': %s", tmp, path, strerror(errno));
	if (rc != TB_OK)
		unlink(tmp);
	return rc;
}
