/* The CSV files (see report_csv.h). */
#include "report_csv.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "csv.h"
#include "log.h"
#include "rc.h"
#include "report_trace.h"

/* significant digits of summary.csv's computed numbers */
#define SUMMARY_DIGITS 10

/* ---- CSV ---- */

typedef struct csv_ctx {
	csv_writer w;
	const tb_run_info *run;
	const report *r;
	tb_store *st;
	const char *path;     /* the temporary file, for messages */
	char *err;
	size_t errlen;
} csv_ctx;

static int write_failed(csv_ctx *x)
{
	return tb_seterr(x->err, x->errlen, "cannot write '%s': %s", x->path, strerror(errno));
}

static const char *const sample_head[] = {
	"run_id", "suite", "item_id", "model", "mode", "budget", "sample", "outcome",
	"extracted", "expected", "prompt_tokens", "completion_tokens", "reasoning_tokens",
	"cost_usd", "ttft_ms", "ttfa_ms", "total_ms", "finish_reason", "attempts", "error",
	"lang", "provider", "generation_id", "mode_leak", "lang_check", "http_status",
	"simulated", "usage_invalid", "grade_path", "ttst_ms", "gap_p50_ms", "gap_p99_ms",
};

static int on_sample_row(void *ud, const tb_sample *s)
{
	csv_ctx *x = ud;
	csv_writer *w = &x->w;

	csv_str(w, x->run->run_id);
	csv_str(w, s->suite);
	csv_str(w, s->item_id);
	csv_str(w, s->model);
	csv_str(w, s->mode);
	csv_long(w, s->budget);
	csv_long(w, s->sample);
	csv_str(w, tb_outcome_name(s->outcome));
	csv_untrusted(w, s->extracted);
	csv_str(w, s->expected);
	csv_count(w, s->prompt_tokens);
	csv_count(w, s->completion_tokens);
	csv_count(w, s->reasoning_tokens);
	csv_double(w, s->cost_usd);
	csv_double(w, s->ttft_ms);
	csv_double(w, s->ttfa_ms);
	csv_double(w, s->total_ms);
	csv_untrusted(w, s->finish_reason);
	csv_long(w, s->attempts);
	csv_untrusted(w, s->error);
	csv_str(w, s->lang);
	csv_untrusted(w, s->provider);
	csv_untrusted(w, s->generation_id);
	csv_long(w, s->mode_leak);
	/* GR_LANG_UNCHECKED (-1) is unknown; 0 wrong, 1 right */
	csv_count(w, s->lang_check);
	/* 0: no response */
	csv_count(w, s->http_status > 0 ? s->http_status : -1);
	/* CSV's first line is its header, so every row says whether it was simulated */
	csv_long(w, x->run->simulated != 0);
	csv_long(w, s->usage_invalid);
	csv_str(w, s->grade_path ? s->grade_path : "");
	csv_double(w, s->ttst_ms);
	csv_double(w, s->gap_p50_ms);
	csv_double(w, s->gap_p99_ms);
	if (report_trace_csv_row(w, x->st, s, x->err, x->errlen) != TB_OK)
		return TB_ERR;
	csv_end(w);
	return csv_error(w) == TB_OK ? 0 : write_failed(x);
}

static int samples_body(tb_store *st, csv_ctx *x)
{
	for (size_t i = 0; i < sizeof(sample_head) / sizeof(sample_head[0]); i++)
		csv_str(&x->w, sample_head[i]);
	report_trace_csv_head(&x->w);
	csv_end(&x->w);
	x->st = st;
	if (csv_error(&x->w) != TB_OK)
		return write_failed(x);
	return store_each_sample(st, on_sample_row, x, x->err, x->errlen) == 0 ? TB_OK : TB_ERR;
}

static int summary_body(tb_store *st, csv_ctx *x)
{
	static const char *const head1[] = {"run_id", "simulated", "suite", "model", "mode",
					    "budget", "status", "n_planned", "n"};
	static const char *const head2[] = {
		"graded", "accuracy", "acc_lo95", "acc_hi95", "total_ms_p50", "total_ms_p90",
		"ttft_ms_p50", "ttft_ms_p90", "ttfa_ms_p50", "mean_prompt_tokens",
		"mean_completion_tokens", "mean_reasoning_tokens", "mean_answer_tokens", "cost_usd",
		"cost_unknown", "mode_leaks", "wrong_language", "acc_clustered_lo95",
		"acc_clustered_hi95", "items", "pass_k", "pass_at_1", "pass_at_k", "maj_at_k",
		"total_ms_mean", "total_ms_p99", "ttft_ms_p99", "ttfa_ms_p90", "ttfa_ms_p99",
		"output_tokens_per_s", "total_prompt_tokens", "total_completion_tokens",
		"total_reasoning_tokens", "cost_per_sample_usd", "cost_per_correct_usd"};
	csv_writer *w = &x->w;

	(void)st;
	for (size_t i = 0; i < sizeof(head1) / sizeof(head1[0]); i++)
		csv_str(w, head1[i]);
	for (int o = 0; o < TB_OUT_COUNT; o++)
		csv_str(w, tb_outcome_name((tb_outcome)o));
	for (size_t i = 0; i < sizeof(head2) / sizeof(head2[0]); i++)
		csv_str(w, head2[i]);
	csv_end(w);
	for (size_t i = 0; i < x->r->n; i++) {
		const report_cell *c = &x->r->cells[i];

		csv_str(w, x->run->run_id);
		csv_long(w, x->run->simulated != 0);
		csv_str(w, c->suite);
		csv_str(w, c->model);
		csv_str(w, c->mode);
		csv_long(w, c->budget);
		csv_str(w, c->status);
		csv_count(w, c->n_planned);
		csv_long(w, c->n);
		for (int o = 0; o < TB_OUT_COUNT; o++)
			csv_long(w, c->count[o]);
		csv_long(w, c->graded);
		csv_double_sig(w, c->accuracy, SUMMARY_DIGITS);
		csv_double_sig(w, c->acc_lo, SUMMARY_DIGITS);
		csv_double_sig(w, c->acc_hi, SUMMARY_DIGITS);
		csv_double_sig(w, c->total_p50, SUMMARY_DIGITS);
		csv_double_sig(w, c->total_p90, SUMMARY_DIGITS);
		csv_double_sig(w, c->ttft_p50, SUMMARY_DIGITS);
		csv_double_sig(w, c->ttft_p90, SUMMARY_DIGITS);
		csv_double_sig(w, c->ttfa_p50, SUMMARY_DIGITS);
		csv_double_sig(w, c->prompt_mean, SUMMARY_DIGITS);
		csv_double_sig(w, c->completion_mean, SUMMARY_DIGITS);
		csv_double_sig(w, c->reasoning_mean, SUMMARY_DIGITS);
		csv_double_sig(w, c->answer_mean, SUMMARY_DIGITS);
		csv_double_sig(w, c->cost_usd, SUMMARY_DIGITS);
		csv_long(w, c->cost_unknown);
		csv_long(w, c->mode_leaks);
		csv_long(w, c->wrong_lang);
		csv_double_sig(w, c->acc_clu_lo, SUMMARY_DIGITS);
		csv_double_sig(w, c->acc_clu_hi, SUMMARY_DIGITS);
		csv_long(w, c->items);
		csv_long(w, c->pass_k);
		csv_double_sig(w, c->pass_at_1, SUMMARY_DIGITS);
		csv_double_sig(w, c->pass_at_k, SUMMARY_DIGITS);
		csv_double_sig(w, c->maj_at_k, SUMMARY_DIGITS);
		csv_double_sig(w, c->total_mean, SUMMARY_DIGITS);
		csv_double_sig(w, c->total_p99, SUMMARY_DIGITS);
		csv_double_sig(w, c->ttft_p99, SUMMARY_DIGITS);
		csv_double_sig(w, c->ttfa_p90, SUMMARY_DIGITS);
		csv_double_sig(w, c->ttfa_p99, SUMMARY_DIGITS);
		csv_double_sig(w, c->out_tps, SUMMARY_DIGITS);
		csv_double_sig(w, c->prompt_total, SUMMARY_DIGITS);
		csv_double_sig(w, c->completion_total, SUMMARY_DIGITS);
		csv_double_sig(w, c->reasoning_total, SUMMARY_DIGITS);
		csv_double_sig(w, c->cost_per_sample, SUMMARY_DIGITS);
		csv_double_sig(w, c->cost_per_correct, SUMMARY_DIGITS);
		csv_end(w);
	}
	return csv_error(w) == TB_OK ? TB_OK : write_failed(x);
}

/* Writes <dir>/<name> through <dir>/<name>.tmp and a rename. */
static int write_file(tb_store *st, csv_ctx *x, const char *dir, const char *name,
		      int (*body)(tb_store *, csv_ctx *))
{
	char path[4096], tmp[4200];
	FILE *f = NULL;
	int rc = TB_ERR, n;

	n = snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof(path))
		return tb_seterr(x->err, x->errlen, "output folder name too long: '%s'", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	x->path = tmp;
	f = fopen(tmp, "wb");
	if (!f)
		return tb_seterr(x->err, x->errlen, "cannot write '%s': %s", tmp, strerror(errno));
	csv_init(&x->w, f);
	if (body(st, x) != TB_OK)
		goto out;
	if (fflush(f) != 0) {
		write_failed(x);
		goto out;
	}
	rc = TB_OK;
out:
	if (fclose(f) != 0 && rc == TB_OK)
		rc = write_failed(x);
	if (rc == TB_OK && rename(tmp, path) != 0)
		rc = tb_seterr(x->err, x->errlen, "cannot rename '%s' to '%s': %s", tmp, path,
			       strerror(errno));
	if (rc != TB_OK)
		unlink(tmp);
	return rc;
}

int report_write_csv(tb_store *st, const report *r, const char *dir, char *err, size_t errlen)
{
	tb_run_info run;
	csv_ctx x = {.r = r, .run = &run, .err = err, .errlen = errlen};
	int rc;

	if (store_get_run(st, &run, err, errlen) != TB_OK)
		return TB_ERR;
	rc = write_file(st, &x, dir, "samples.csv", samples_body);
	if (rc == TB_OK)
		rc = write_file(st, &x, dir, "summary.csv", summary_body);
	store_run_info_release(&run);
	return rc;
}

/* ---- modes.csv, by_lang.csv, by_tag.csv ---- */

static void pair_row_name(csv_writer *w, const report *r, const report_pair *p)
{
	const report_cell *t = &r->cells[p->think], *n = &r->cells[p->nothink];

	csv_str(w, t->suite);
	csv_str(w, t->model);
	csv_long(w, t->budget);
	csv_long(w, n->budget);
}

static int modes_body(tb_store *st, csv_ctx *x)
{
	static const char *const head[] = {
		"run_id", "simulated", "suite", "model", "think_budget", "nothink_budget", "items",
		"acc_think", "acc_nothink", "acc_diff", "diff_lo95", "diff_hi95", "flip_up",
		"flip_down", "latency_ratio", "token_ratio", "cost_ratio",
		"extra_cost_per_correct_usd", "extra_seconds_per_correct"};
	csv_writer *w = &x->w;

	(void)st;
	for (size_t i = 0; i < sizeof(head) / sizeof(head[0]); i++)
		csv_str(w, head[i]);
	csv_end(w);
	for (size_t i = 0; i < x->r->n_pairs; i++) {
		const report_pair *p = &x->r->pairs[i];

		csv_str(w, x->run->run_id);
		csv_long(w, x->run->simulated != 0);
		pair_row_name(w, x->r, p);
		csv_long(w, p->items);
		csv_double_sig(w, x->r->cells[p->think].accuracy, SUMMARY_DIGITS);
		csv_double_sig(w, x->r->cells[p->nothink].accuracy, SUMMARY_DIGITS);
		csv_double_sig(w, p->diff, SUMMARY_DIGITS);
		csv_double_sig(w, p->diff_lo, SUMMARY_DIGITS);
		csv_double_sig(w, p->diff_hi, SUMMARY_DIGITS);
		csv_long(w, p->flip_up);
		csv_long(w, p->flip_down);
		csv_double_sig(w, p->latency_ratio, SUMMARY_DIGITS);
		csv_double_sig(w, p->token_ratio, SUMMARY_DIGITS);
		csv_double_sig(w, p->cost_ratio, SUMMARY_DIGITS);
		csv_double_sig(w, p->extra_cost_per_correct, SUMMARY_DIGITS);
		csv_double_sig(w, p->extra_secs_per_correct, SUMMARY_DIGITS);
		csv_end(w);
	}
	return csv_error(w) == TB_OK ? TB_OK : write_failed(x);
}

/* One row per flipped item of every pair, all of them. */
static int flips_body(tb_store *st, csv_ctx *x)
{
	static const char *const head[] = {
		"run_id", "simulated", "suite", "model", "think_budget", "nothink_budget", "item_id",
		"direction", "acc_think_item", "acc_nothink_item"};
	csv_writer *w = &x->w;

	(void)st;
	for (size_t i = 0; i < sizeof(head) / sizeof(head[0]); i++)
		csv_str(w, head[i]);
	csv_end(w);
	for (size_t i = 0; i < x->r->n_pairs; i++) {
		const report_pair *p = &x->r->pairs[i];

		for (long k = 0; k < p->flip_up + p->flip_down; k++) {
			const report_flip *fl = &p->flips[k];

			csv_str(w, x->run->run_id);
			csv_long(w, x->run->simulated != 0);
			pair_row_name(w, x->r, p);
			csv_str(w, fl->item_id);
			csv_str(w, fl->up ? "up" : "down");
			csv_double_sig(w, fl->think, SUMMARY_DIGITS);
			csv_double_sig(w, fl->nothink, SUMMARY_DIGITS);
			csv_end(w);
		}
	}
	return csv_error(w) == TB_OK ? TB_OK : write_failed(x);
}

static int breakdown_body(csv_ctx *x, const char *what, const report_cell *rows, size_t n)
{
	static const char *const head[] = {
		"model", "mode", "budget", "n", "graded", "correct", "accuracy", "acc_lo95",
		"acc_hi95", "acc_clustered_lo95", "acc_clustered_hi95", "items", "error",
		"wrong_language", "total_ms_p50", "mean_completion_tokens", "cost_usd"};
	csv_writer *w = &x->w;

	csv_str(w, "run_id");
	csv_str(w, "simulated");
	csv_str(w, "suite");
	csv_str(w, what);
	for (size_t i = 0; i < sizeof(head) / sizeof(head[0]); i++)
		csv_str(w, head[i]);
	csv_end(w);
	for (size_t i = 0; i < n; i++) {
		const report_cell *c = &rows[i];

		csv_str(w, x->run->run_id);
		csv_long(w, x->run->simulated != 0);
		csv_str(w, c->suite);
		csv_str(w, c->group);
		csv_str(w, c->model);
		csv_str(w, c->mode);
		csv_long(w, c->budget);
		csv_long(w, c->n);
		csv_long(w, c->graded);
		csv_long(w, c->count[TB_OUT_CORRECT]);
		csv_double_sig(w, c->accuracy, SUMMARY_DIGITS);
		csv_double_sig(w, c->acc_lo, SUMMARY_DIGITS);
		csv_double_sig(w, c->acc_hi, SUMMARY_DIGITS);
		csv_double_sig(w, c->acc_clu_lo, SUMMARY_DIGITS);
		csv_double_sig(w, c->acc_clu_hi, SUMMARY_DIGITS);
		csv_long(w, c->items);
		csv_long(w, c->count[TB_OUT_ERROR]);
		csv_long(w, c->wrong_lang);
		csv_double_sig(w, c->total_p50, SUMMARY_DIGITS);
		csv_double_sig(w, c->completion_mean, SUMMARY_DIGITS);
		csv_double_sig(w, c->cost_usd, SUMMARY_DIGITS);
		csv_end(w);
	}
	return csv_error(w) == TB_OK ? TB_OK : write_failed(x);
}

static int lang_body(tb_store *st, csv_ctx *x)
{
	(void)st;
	return breakdown_body(x, "lang", x->r->by_lang, x->r->n_lang);
}

static int tag_body(tb_store *st, csv_ctx *x)
{
	(void)st;
	return breakdown_body(x, "tag", x->r->by_tag, x->r->n_tag);
}

int report_write_csv_extra(const report *r, const tb_run_info *run, const char *dir,
			   char *err, size_t errlen)
{
	csv_ctx x = {.r = r, .run = run, .err = err, .errlen = errlen};

	if (write_file(NULL, &x, dir, "modes.csv", modes_body) != TB_OK ||
	    write_file(NULL, &x, dir, "flips.csv", flips_body) != TB_OK ||
	    write_file(NULL, &x, dir, "by_lang.csv", lang_body) != TB_OK ||
	    write_file(NULL, &x, dir, "by_tag.csv", tag_body) != TB_OK)
		return TB_ERR;
	return TB_OK;
}
