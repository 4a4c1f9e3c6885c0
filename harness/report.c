#include "report.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv.h"
#include "log.h"
#include "rc.h"
#include "stats.h"

#define MAX_CELLS 100000
/* per cell and per latency: 128 MiB of doubles at most */
#define MAX_CELL_SAMPLES ((size_t)1 << 24)
#define TABLE_WIDTH 100
/* significant digits of summary.csv's computed numbers */
#define SUMMARY_DIGITS 10
#define SIMULATED_LINE "SIMULATED RUN: answers come from thinkbench's built-in simulator, not a model"
#define UNSAFE_EXEC_LINE "UNSAFE EXEC: code answers ran without the bubblewrap sandbox (--unsafe-exec)"

enum { TOK_PROMPT, TOK_COMPLETION, TOK_REASONING, TOK_ANSWER, TOK_COUNT };

/* What a cell gathers while the samples stream by; freed when load ends. */
typedef struct accum {
	stats_vec total, ttft, ttfa;
	double tok_sum[TOK_COUNT];
	long tok_n[TOK_COUNT];
} accum;

typedef struct loader {
	report *r;
	accum *acc;      /* parallel to r->cells */
	size_t cap;
	char *err;
	size_t errlen;
} loader;

typedef struct cell_key {
	const char *suite, *model, *mode;
	long budget;
} cell_key;

static int key_cmp(const report_cell *c, const cell_key *k)
{
	int d = strcmp(c->suite, k->suite);

	if (!d)
		d = strcmp(c->model, k->model);
	if (!d)
		d = strcmp(c->mode, k->mode);
	if (!d)
		d = (c->budget > k->budget) - (c->budget < k->budget);
	return d;
}

/* The index of the first cell not below k; *found when it equals k. */
static size_t find_cell(const report *r, const cell_key *k, int *found)
{
	size_t lo = 0, hi = r->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (key_cmp(&r->cells[mid], k) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < r->n && key_cmp(&r->cells[lo], k) == 0;
	return lo;
}

static int grow_cells(loader *ld)
{
	report *r = ld->r;
	size_t cap = ld->cap ? ld->cap * 2 : 16;
	report_cell *cells;
	accum *acc;

	if (r->n >= MAX_CELLS)
		return tb_seterr(ld->err, ld->errlen, "the store has more than %d cells", MAX_CELLS);
	if (cap > MAX_CELLS)
		cap = MAX_CELLS;
	cells = realloc(r->cells, cap * sizeof(*cells));
	if (!cells)
		return tb_seterr(ld->err, ld->errlen, "out of memory reading the cells");
	r->cells = cells;
	acc = realloc(ld->acc, cap * sizeof(*acc));
	if (!acc)
		return tb_seterr(ld->err, ld->errlen, "out of memory reading the cells");
	ld->acc = acc;
	ld->cap = cap;
	return TB_OK;
}

static int insert_cell(loader *ld, const cell_key *k, const char *status, long n_planned,
		       size_t *at)
{
	report *r = ld->r;
	report_cell *c;
	accum *a;
	int found;
	size_t i = find_cell(r, k, &found);

	if (found) {
		*at = i;
		return TB_OK;
	}
	if (r->n == ld->cap && grow_cells(ld) != TB_OK)
		return TB_ERR;
	memmove(&r->cells[i + 1], &r->cells[i], (r->n - i) * sizeof(*r->cells));
	memmove(&ld->acc[i + 1], &ld->acc[i], (r->n - i) * sizeof(*ld->acc));
	r->n++;
	c = &r->cells[i];
	a = &ld->acc[i];
	memset(c, 0, sizeof(*c));
	memset(a, 0, sizeof(*a));
	stats_vec_init(&a->total, MAX_CELL_SAMPLES);
	stats_vec_init(&a->ttft, MAX_CELL_SAMPLES);
	stats_vec_init(&a->ttfa, MAX_CELL_SAMPLES);
	c->budget = k->budget;
	c->n_planned = n_planned;
	snprintf(c->status, sizeof(c->status), "%s", status);
	c->suite = strdup(k->suite);
	c->model = strdup(k->model);
	c->mode = strdup(k->mode);
	*at = i;
	if (!c->suite || !c->model || !c->mode)
		return tb_seterr(ld->err, ld->errlen, "out of memory reading the cells");
	return TB_OK;
}

static int on_cell(void *ud, const tb_cell *c)
{
	loader *ld = ud;
	cell_key k = {c->suite, c->model, c->mode, c->budget};
	size_t at;

	return insert_cell(ld, &k, c->status, c->n_planned, &at);
}

static int push_known(loader *ld, const report_cell *c, stats_vec *v, double x)
{
	int rc;

	if (!isfinite(x))
		return TB_OK;
	rc = stats_vec_push(v, x);
	if (rc == TB_TOOBIG)
		return tb_seterr(ld->err, ld->errlen, "cell %s %s %s %ld has more than %zu samples",
				 c->suite, c->model, c->mode, c->budget, MAX_CELL_SAMPLES);
	if (rc != TB_OK)
		return tb_seterr(ld->err, ld->errlen, "out of memory reading the samples");
	return TB_OK;
}

static void add_tokens(accum *a, int which, long v)
{
	if (v < 0)
		return;
	a->tok_sum[which] += (double)v;
	a->tok_n[which]++;
}

static int on_sample(void *ud, const tb_sample *s)
{
	loader *ld = ud;
	cell_key k = {s->suite, s->model, s->mode, s->budget};
	report_cell *c;
	accum *a;
	size_t at;

	if ((unsigned)s->outcome >= TB_OUT_COUNT)
		return tb_seterr(ld->err, ld->errlen, "sample '%s' has an invalid outcome", s->item_id);
	if (insert_cell(ld, &k, "unplanned", -1, &at) != TB_OK)
		return TB_ERR;
	c = &ld->r->cells[at];
	a = &ld->acc[at];
	c->n++;
	ld->r->samples++;
	c->count[s->outcome]++;
	if (s->mode_leak)
		c->mode_leaks++;
	if (isfinite(s->cost_usd))
		c->cost_usd += s->cost_usd;
	else
		c->cost_unknown++;
	if (s->outcome == TB_OUT_ERROR)
		return TB_OK;
	if (push_known(ld, c, &a->total, s->total_ms) != TB_OK ||
	    push_known(ld, c, &a->ttft, s->ttft_ms) != TB_OK ||
	    push_known(ld, c, &a->ttfa, s->ttfa_ms) != TB_OK)
		return TB_ERR;
	add_tokens(a, TOK_PROMPT, s->prompt_tokens);
	add_tokens(a, TOK_COMPLETION, s->completion_tokens);
	add_tokens(a, TOK_REASONING, s->reasoning_tokens);
	if (s->completion_tokens >= 0 && s->reasoning_tokens >= 0)
		add_tokens(a, TOK_ANSWER, s->completion_tokens - s->reasoning_tokens);
	return TB_OK;
}

static double tok_mean(const accum *a, int which)
{
	return a->tok_n[which] ? a->tok_sum[which] / (double)a->tok_n[which] : NAN;
}

static void finish_cell(report_cell *c, accum *a)
{
	c->graded = c->count[TB_OUT_CORRECT] + c->count[TB_OUT_INCORRECT] +
		    c->count[TB_OUT_PARTIAL] + c->count[TB_OUT_NOANSWER] + c->count[TB_OUT_TRUNCATED];
	c->accuracy = c->graded ? (double)c->count[TB_OUT_CORRECT] / (double)c->graded : NAN;
	stats_wilson(c->count[TB_OUT_CORRECT], c->graded, STATS_Z95, &c->acc_lo, &c->acc_hi);
	c->total_p50 = stats_percentile(a->total.v, a->total.n, 50);
	c->total_p90 = stats_percentile_sorted(a->total.v, a->total.n, 90);
	c->ttft_p50 = stats_percentile(a->ttft.v, a->ttft.n, 50);
	c->ttft_p90 = stats_percentile_sorted(a->ttft.v, a->ttft.n, 90);
	c->ttfa_p50 = stats_percentile(a->ttfa.v, a->ttfa.n, 50);
	c->prompt_mean = tok_mean(a, TOK_PROMPT);
	c->completion_mean = tok_mean(a, TOK_COMPLETION);
	c->reasoning_mean = tok_mean(a, TOK_REASONING);
	c->answer_mean = tok_mean(a, TOK_ANSWER);
}

static void release_accums(loader *ld)
{
	for (size_t i = 0; ld->acc && i < ld->r->n; i++) {
		stats_vec_release(&ld->acc[i].total);
		stats_vec_release(&ld->acc[i].ttft);
		stats_vec_release(&ld->acc[i].ttfa);
	}
	free(ld->acc);
	ld->acc = NULL;
}

int report_load(tb_store *st, report **out, char *err, size_t errlen)
{
	loader ld = {.err = err, .errlen = errlen};
	int rc = TB_ERR;

	*out = NULL;
	ld.r = calloc(1, sizeof(*ld.r));
	if (!ld.r)
		return tb_seterr(err, errlen, "out of memory loading a report");
	if (store_each_cell(st, on_cell, &ld, err, errlen) != 0 ||
	    store_each_sample(st, on_sample, &ld, err, errlen) != 0)
		goto out;
	for (size_t i = 0; i < ld.r->n; i++)
		finish_cell(&ld.r->cells[i], &ld.acc[i]);
	rc = TB_OK;
out:
	release_accums(&ld);
	if (rc == TB_OK)
		*out = ld.r;
	else
		report_free(ld.r);
	return rc;
}

void report_free(report *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		free(r->cells[i].suite);
		free(r->cells[i].model);
		free(r->cells[i].mode);
	}
	free(r->cells);
	free(r);
}

/* ---- the text table ---- */

enum { COL_SUITE, COL_MODEL, COL_MODE, COL_BUDGET, COL_N, COL_ACC, COL_TOTAL, COL_TTFT, COL_TOK,
       COL_COST, COL_ERR, NCOL };

static const char *const col_head[NCOL] = {
	"suite", "model", "mode", "budget", "n", "acc% [95% CI]", "p50/p90 s", "ttft s",
	"tok p/a/r", "cost $", "err",
};
static const int col_right[NCOL] = {0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1};

#define FIELD_LEN 48

typedef struct row {
	const char *txt[NCOL];
	char buf[NCOL][FIELD_LEN];
} row;

/* Display width in code points: UTF-8 continuation bytes do not count. East
 * Asian wide characters count as one, so such names may misalign a little. */
static size_t width_of(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

static const char *base_name(const char *model)
{
	const char *slash = strrchr(model, '/');

	return slash && slash[1] ? slash + 1 : model;
}

static void fmt_secs(char *b, size_t len, double ms)
{
	double s = ms / 1000.0;

	if (isnan(ms))
		snprintf(b, len, "-");
	else if (s < 10)
		snprintf(b, len, "%.2f", s);
	else if (s < 1000)
		snprintf(b, len, "%.1f", s);
	else
		snprintf(b, len, "%.0f", s);
}

static void fmt_tokens(char *b, size_t len, double v)
{
	if (isnan(v))
		snprintf(b, len, "-");
	else if (v < 999.5)
		snprintf(b, len, "%.0f", v);
	else if (v < 9950)
		snprintf(b, len, "%.1fk", v / 1e3);
	else if (v < 999500)
		snprintf(b, len, "%.0fk", v / 1e3);
	else
		snprintf(b, len, "%.1fM", v / 1e6);
}

static void fill_row(row *w, const report_cell *c, int short_models)
{
	int unsupported = strcmp(c->status, "not_supported") == 0;
	char t[3][16];

	w->txt[COL_SUITE] = c->suite;
	w->txt[COL_MODEL] = short_models ? base_name(c->model) : c->model;
	w->txt[COL_MODE] = c->mode;
	for (int i = COL_BUDGET; i < NCOL; i++)
		w->txt[i] = w->buf[i];
	if (c->budget)
		snprintf(w->buf[COL_BUDGET], FIELD_LEN, "%ld", c->budget);
	else
		snprintf(w->buf[COL_BUDGET], FIELD_LEN, "-");
	if (c->n_planned > c->n)
		snprintf(w->buf[COL_N], FIELD_LEN, "%ld/%ld", c->n, c->n_planned);
	else
		snprintf(w->buf[COL_N], FIELD_LEN, "%ld", c->n);
	if (unsupported)
		snprintf(w->buf[COL_ACC], FIELD_LEN, "not supported");
	else if (c->graded == 0)
		snprintf(w->buf[COL_ACC], FIELD_LEN, "-");
	else
		/* the bounds are rounded outwards, never narrowing the interval */
		snprintf(w->buf[COL_ACC], FIELD_LEN, "%.1f [%.0f-%.0f]", c->accuracy * 100,
			 floor(c->acc_lo * 100), ceil(c->acc_hi * 100));
	if (isnan(c->total_p50)) {
		snprintf(w->buf[COL_TOTAL], FIELD_LEN, "-");
	} else {
		fmt_secs(t[0], sizeof(t[0]), c->total_p50);
		fmt_secs(t[1], sizeof(t[1]), c->total_p90);
		snprintf(w->buf[COL_TOTAL], FIELD_LEN, "%s/%s", t[0], t[1]);
	}
	fmt_secs(w->buf[COL_TTFT], FIELD_LEN, c->ttft_p50);
	fmt_tokens(t[0], sizeof(t[0]), c->prompt_mean);
	fmt_tokens(t[1], sizeof(t[1]), c->answer_mean);
	fmt_tokens(t[2], sizeof(t[2]), c->reasoning_mean);
	if (c->n == 0)
		snprintf(w->buf[COL_TOK], FIELD_LEN, "-");
	else
		snprintf(w->buf[COL_TOK], FIELD_LEN, "%s/%s/%s", t[0], t[1], t[2]);
	if (c->n == 0 || c->cost_unknown == c->n)
		snprintf(w->buf[COL_COST], FIELD_LEN, "-");
	else
		snprintf(w->buf[COL_COST], FIELD_LEN, "%.*f%s", c->cost_usd < 10 ? 4 : 2, c->cost_usd,
			 c->cost_unknown ? "?" : "");
	snprintf(w->buf[COL_ERR], FIELD_LEN, "%ld", c->count[TB_OUT_ERROR]);
}

/* Writes s in exactly width columns: control bytes shown as '?', a longer
 * text cut at a character boundary and ended with '~'. */
static void put_field(FILE *f, const char *s, size_t width, int right)
{
	size_t len = width_of(s), shown = len > width ? width - 1 : len, n = 0;

	if (right && len < width)
		fprintf(f, "%*s", (int)(width - len), "");
	for (const char *p = s; *p; p++) {
		unsigned char ch = (unsigned char)*p;

		if ((ch & 0xC0) != 0x80 && n++ == shown)
			break;
		fputc(ch < 0x20 || ch == 0x7f ? '?' : ch, f);
	}
	if (len > width)
		fputc('~', f);
	if (!right && len < width)
		fprintf(f, "%*s", (int)(width - len), "");
}

static size_t measure(const report *r, int short_models, size_t width[NCOL])
{
	row w;
	size_t total = NCOL - 1;

	for (int i = 0; i < NCOL; i++)
		width[i] = strlen(col_head[i]);
	for (size_t k = 0; k < r->n; k++) {
		fill_row(&w, &r->cells[k], short_models);
		for (int i = 0; i < NCOL; i++) {
			size_t n = width_of(w.txt[i]);

			if (n > width[i])
				width[i] = n;
		}
	}
	for (int i = 0; i < NCOL; i++)
		total += width[i];
	return total;
}

static void shrink(size_t width[NCOL], size_t *total, int col, size_t min)
{
	while (*total > TABLE_WIDTH && width[col] > min) {
		width[col]--;
		(*total)--;
	}
}

static void put_row(FILE *f, const char *const txt[NCOL], const size_t width[NCOL])
{
	for (int i = 0; i < NCOL; i++) {
		put_field(f, txt[i], width[i], col_right[i]);
		fputc(i + 1 < NCOL ? ' ' : '\n', f);
	}
}

static void put_cell_name(FILE *f, const report_cell *c)
{
	put_field(f, c->suite, width_of(c->suite), 0);
	fputc(' ', f);
	put_field(f, c->model, width_of(c->model), 0);
	fputc(' ', f);
	put_field(f, c->mode, width_of(c->mode), 0);
	if (c->budget)
		fprintf(f, " budget %ld", c->budget);
}

static void put_notes(FILE *f, const report *r)
{
	int incomplete = 0, unknown_cost = 0;

	fprintf(f, "\nacc%% = correct / (correct + incorrect + partial + no_answer + truncated), with its 95%%\n"
		   "Wilson interval; samples in error or ungraded are left out and counted apart.\n"
		   "Times are p50/p90 seconds; tok p/a/r = mean prompt / answer / reasoning tokens.\n");
	for (size_t i = 0; i < r->n; i++) {
		const report_cell *c = &r->cells[i];

		incomplete |= c->n_planned > c->n;
		unknown_cost |= c->cost_unknown > 0 && c->cost_unknown < c->n;
		if (c->mode_leaks) {
			fputs("mode leak: ", f);
			put_cell_name(f, c);
			fprintf(f, ": %ld of %ld samples\n", c->mode_leaks, c->n);
		}
		if (c->count[TB_OUT_UNGRADED]) {
			fputs("ungraded: ", f);
			put_cell_name(f, c);
			fprintf(f, ": %ld of %ld samples\n", c->count[TB_OUT_UNGRADED], c->n);
		}
		if (c->n_planned < 0) {
			fputs("not in the run's plan: ", f);
			put_cell_name(f, c);
			fputc('\n', f);
		}
	}
	if (incomplete)
		fputs("n a/b: a samples stored of b planned\n", f);
	if (unknown_cost)
		fputs("cost ?: some samples' cost is unknown and not in the sum\n", f);
}

int report_print_table(const report *r, FILE *out, const tb_run_info *run)
{
	size_t width[NCOL], total;
	int short_models = 0;
	row w;

	if (run && run->simulated)
		fprintf(out, "%s\n", SIMULATED_LINE);
	if (run && json_is_true(json_object_get(run->options, "unsafe_exec")))
		fprintf(out, "%s\n", UNSAFE_EXEC_LINE);
	if (run) {
		fputs("run ", out);
		put_field(out, run->run_id, width_of(run->run_id), 0);
		fprintf(out, "  thinkbench %s  %s  started %s", run->version, run->status,
			run->started[0] ? run->started : "?");
		if (run->ended[0])
			fprintf(out, "  ended %s", run->ended);
		fputs("\n\n", out);
	}
	total = measure(r, 0, width);
	if (total > TABLE_WIDTH) {
		short_models = 1;
		total = measure(r, 1, width);
	}
	shrink(width, &total, COL_MODEL, 8);
	shrink(width, &total, COL_SUITE, 5);
	put_row(out, col_head, width);
	for (size_t k = 0; k < r->n; k++) {
		fill_row(&w, &r->cells[k], short_models);
		put_row(out, w.txt, width);
	}
	if (r->n == 0)
		fputs("(no cells and no samples in this store)\n", out);
	put_notes(out, r);
	return ferror(out) ? TB_ERR : TB_OK;
}

/* ---- CSV ---- */

typedef struct csv_ctx {
	csv_writer w;
	const tb_run_info *run;
	const report *r;
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
	csv_str(w, s->extracted);
	csv_str(w, s->expected);
	csv_count(w, s->prompt_tokens);
	csv_count(w, s->completion_tokens);
	csv_count(w, s->reasoning_tokens);
	csv_double(w, s->cost_usd);
	csv_double(w, s->ttft_ms);
	csv_double(w, s->ttfa_ms);
	csv_double(w, s->total_ms);
	csv_str(w, s->finish_reason);
	csv_long(w, s->attempts);
	csv_str(w, s->error);
	csv_str(w, s->lang);
	csv_str(w, s->provider);
	csv_str(w, s->generation_id);
	csv_long(w, s->mode_leak);
	/* GR_LANG_UNCHECKED (-1) is unknown; 0 wrong, 1 right */
	csv_count(w, s->lang_check);
	/* 0: no response */
	csv_count(w, s->http_status > 0 ? s->http_status : -1);
	csv_end(w);
	return csv_error(w) == TB_OK ? 0 : write_failed(x);
}

static int samples_body(tb_store *st, csv_ctx *x)
{
	for (size_t i = 0; i < sizeof(sample_head) / sizeof(sample_head[0]); i++)
		csv_str(&x->w, sample_head[i]);
	csv_end(&x->w);
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
		"cost_unknown", "mode_leaks"};
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
