/* The text table (see report_table.h). */
#include "report_table.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rc.h"
#include "report_label.h"
#include "text.h"

#define TABLE_WIDTH 100
/* the flipped items named per pair (flips.csv has them all) */
#define TABLE_FLIP_IDS 20
#define UNSAFE_EXEC_LINE "UNSAFE EXEC: code answers ran without the bubblewrap sandbox (--unsafe-exec)"

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

static void fill_row(row *w, const report *r, const report_cell *c, int short_models)
{
	char t[3][16];

	w->txt[COL_SUITE] = c->suite;
	w->txt[COL_MODEL] = short_models ? report_model_label(r, c->model) : c->model;
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
	if (c->graded == 0)
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
	size_t len = tb_text_columns(s), shown = len > width ? width - 1 : len, n = 0;

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

void report_put_field(FILE *f, const char *s, size_t width)
{
	put_field(f, s, width, 0);
}

static size_t measure(const report *r, int short_models, size_t width[NCOL])
{
	row w;
	size_t total = NCOL - 1;

	for (int i = 0; i < NCOL; i++)
		width[i] = strlen(col_head[i]);
	for (size_t k = 0; k < r->n; k++) {
		if (report_cell_unsupported(&r->cells[k]))
			continue;
		fill_row(&w, r, &r->cells[k], short_models);
		for (int i = 0; i < NCOL; i++) {
			size_t n = tb_text_columns(w.txt[i]);

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
	put_field(f, c->suite, tb_text_columns(c->suite), 0);
	fputc(' ', f);
	put_field(f, c->model, tb_text_columns(c->model), 0);
	fputc(' ', f);
	put_field(f, c->mode, tb_text_columns(c->mode), 0);
	if (c->budget)
		fprintf(f, " budget %ld", c->budget);
}

/* A line per suite naming the cells its models could not run, wrapped at
 * the table's width. */
static void put_unsupported(FILE *f, const report *r)
{
	const char *suite = NULL;
	size_t col = 0;

	for (size_t i = 0; i < r->n; i++) {
		const report_cell *c = &r->cells[i];
		const char *label = report_model_label(r, c->model);
		size_t w = tb_text_columns(label) + 1 + tb_text_columns(c->mode) + (c->budget ? 21 : 0);

		if (!report_cell_unsupported(c))
			continue;
		if (!suite || strcmp(suite, c->suite) != 0) {
			fputs(suite ? "\nnot supported (not run) in " : "not supported (not run) in ", f);
			put_field(f, c->suite, tb_text_columns(c->suite), 0);
			fputs(":", f);
			col = 28 + tb_text_columns(c->suite);
			suite = c->suite;
		} else if (col + 2 + w > TABLE_WIDTH) {
			fputs(",\n   ", f);
			col = 3;
		} else {
			fputs(",", f);
			col++;
		}
		fputc(' ', f);
		put_field(f, label, tb_text_columns(label), 0);
		fputc(' ', f);
		put_field(f, c->mode, tb_text_columns(c->mode), 0);
		if (c->budget)
			fprintf(f, " %ld", c->budget);
		col += 1 + w;
	}
	if (suite)
		fputc('\n', f);
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


/* Colour only on a terminal, and never with NO_COLOR set (no-color.org). */
static int use_colour(FILE *f)
{
	const char *nc = getenv("NO_COLOR");

	return isatty(fileno(f)) && !(nc && *nc);
}

static void put_name(FILE *f, const char *s, size_t width)
{
	put_field(f, s, width, 0);
	fputc(' ', f);
}

static void put_budget(FILE *f, long budget)
{
	if (budget)
		fprintf(f, "%6ld ", budget);
	else
		fprintf(f, "%6s ", "-");
}

/* What names a row of the per-cell tables: suite, model, mode, budget. */
static void put_key(FILE *f, const report *r, const report_cell *c, size_t suite_width)
{
	put_name(f, c->suite, suite_width);
	put_name(f, report_model_label(r, c->model), 14);
	put_name(f, c->mode, 7);
	put_budget(f, c->budget);
}

static void put_num(FILE *f, int width, int prec, double v)
{
	if (isfinite(v))
		fprintf(f, "%*.*f", width, prec, v);
	else
		fprintf(f, "%*s", width, "-");
}

/* Outcomes, tail latency and throughput per cell. */
static void put_outcomes(FILE *f, const report *r, const char *bold, const char *plain)
{
	int any = 0;

	for (size_t i = 0; i < r->n; i++)
		any |= r->cells[i].n > 0;
	if (!any)
		return;
	fprintf(f, "\n%soutcomes%s\n%-10s %-14s %-7s %6s %5s %5s %5s %5s %5s %4s %4s %6s %6s %5s\n",
		bold, plain, "suite", "model", "mode", "budget", "ok", "wrong", "noans", "trunc",
		"wlang", "leak", "err", "p99 s", "ttfa s", "tok/s");
	for (size_t i = 0; i < r->n; i++) {
		const report_cell *c = &r->cells[i];

		if (!c->n)
			continue;
		put_key(f, r, c, 10);
		fprintf(f, "%5ld %5ld %5ld %5ld %5ld %4ld %4ld ", c->count[TB_OUT_CORRECT],
			c->count[TB_OUT_INCORRECT] + c->count[TB_OUT_PARTIAL], c->count[TB_OUT_NOANSWER],
			c->count[TB_OUT_TRUNCATED], c->wrong_lang, c->mode_leaks, c->count[TB_OUT_ERROR]);
		put_num(f, 6, 2, c->total_p99 / 1000);
		fputc(' ', f);
		put_num(f, 6, 2, c->ttfa_p50 / 1000);
		fputc(' ', f);
		put_num(f, 5, 0, c->out_tps);
		fputc('\n', f);
	}
}

/* pass@k, maj@k and the clustered interval, when some item has several samples. */
static void put_repeats(FILE *f, const report *r, const char *bold, const char *plain)
{
	int any = 0;

	for (size_t i = 0; i < r->n; i++)
		any |= r->cells[i].max_per_item > 1;
	if (!any)
		return;
	fprintf(f, "\n%ssamples per item%s\n%-12s %-14s %-7s %6s %5s %3s %7s %7s %7s %13s\n", bold,
		plain, "suite", "model", "mode", "budget", "items", "k", "pass@1", "pass@k", "maj@k",
		"clustered CI");
	for (size_t i = 0; i < r->n; i++) {
		const report_cell *c = &r->cells[i];

		if (!c->items)
			continue;
		put_key(f, r, c, 12);
		fprintf(f, "%5ld %3ld ", c->items, c->pass_k);
		put_num(f, 7, 3, c->pass_at_1);
		fputc(' ', f);
		put_num(f, 7, 3, c->pass_at_k);
		fputc(' ', f);
		put_num(f, 7, 3, c->maj_at_k);
		if (isfinite(c->acc_clu_lo))
			fprintf(f, "      [%.0f-%.0f]\n", floor(c->acc_clu_lo * 100), ceil(c->acc_clu_hi * 100));
		else
			fprintf(f, " %13s\n", "-");
	}
}

static void put_pairs(FILE *f, const report *r, const char *bold, const char *plain)
{
	if (!r->n_pairs)
		return;
	fprintf(f, "\n%sthinking against non-thinking, same items%s\n"
		   "%-10s %-12s %6s %5s %-20s %7s %5s %5s %5s %8s %7s\n",
		bold, plain, "suite", "model", "budget", "items", "diff pts [95% CI]", "up/down",
		"lat x", "tok x", "$ x", "$/extra", "s/extra");
	for (size_t i = 0; i < r->n_pairs; i++) {
		const report_pair *p = &r->pairs[i];
		const report_cell *t = &r->cells[p->think];
		char d[48], ud[24];

		put_name(f, t->suite, 10);
		put_name(f, report_model_label(r, t->model), 12);
		put_budget(f, t->budget);
		if (isfinite(p->diff_lo))
			/* the bounds rounded outwards, as in the main table */
			snprintf(d, sizeof(d), "%+.1f [%+.0f, %+.0f]", p->diff * 100,
				 floor(p->diff_lo * 100), ceil(p->diff_hi * 100));
		else if (isfinite(p->diff))
			snprintf(d, sizeof(d), "%+.1f", p->diff * 100);
		else
			snprintf(d, sizeof(d), "-");
		snprintf(ud, sizeof(ud), "%ld/%ld", p->flip_up, p->flip_down);
		fprintf(f, "%5ld %-20s %7s ", p->items, d, ud);
		put_num(f, 5, 1, p->latency_ratio);
		fputc(' ', f);
		put_num(f, 5, 1, p->token_ratio);
		fputc(' ', f);
		put_num(f, 5, 1, p->cost_ratio);
		fputc(' ', f);
		put_num(f, 8, 5, p->extra_cost_per_correct);
		fputc(' ', f);
		put_num(f, 7, 2, p->extra_secs_per_correct);
		fputc('\n', f);
	}
	fputs("up/down: items right only with thinking / only without (by majority of samples);\n"
	      "x: thinking over non-thinking (mean time, completion tokens, cost per sample);\n"
	      "$/extra, s/extra: extra cost and seconds per extra correct answer.\n", f);
	for (size_t i = 0; i < r->n_pairs; i++) {
		const report_pair *p = &r->pairs[i];

		for (int up = 1; up >= 0; up--) {
			long shown = 0, n_flips = p->flip_up + p->flip_down;

			if (!(up ? p->flip_up : p->flip_down))
				continue;
			size_t col = (size_t)fprintf(f, "%s %s %s:", up ? "flips up" : "flips down",
						     r->cells[p->think].suite,
						     report_model_label(r, r->cells[p->think].model));

			for (long k = 0; k < n_flips && shown < TABLE_FLIP_IDS; k++) {
				const char *id = p->flips[k].item_id;

				if (p->flips[k].up != up)
					continue;
				/* wrapped to the table's width; ids are shown escaped */
				if (col + 1 + tb_text_columns(id) > TABLE_WIDTH - 4) {
					fputs("\n   ", f);
					col = 3;
				}
				fputc(' ', f);
				tb_text_put_visible(f, id);
				col += 1 + tb_text_columns(id);
				shown++;
			}
			if ((up ? p->flip_up : p->flip_down) > shown)
				fputs(" ... (all in flips.csv)", f);
			fputc('\n', f);
		}
	}
}

#define LANG_COLS 6

/* The same model x mode x budget? */
static int same_config(const report_cell *a, const report_cell *b)
{
	return strcmp(a->model, b->model) == 0 && strcmp(a->mode, b->mode) == 0 &&
	       a->budget == b->budget;
}

/* Accuracy by language in one suite (by_lang rows [from, to)): one row per
 * language, one column per model x mode x budget (the first LANG_COLS). */
static void put_suite_langs(FILE *f, const report *r, size_t from, size_t to, const char *bold,
			    const char *plain)
{
	const report_cell *cols[LANG_COLS];
	size_t n_cols = 0, more = 0;
	int langs = 0;

	for (size_t i = from; i < to; i++) {
		const report_cell *c = &r->by_lang[i];
		int seen = 0;

		langs += i == from || strcmp(c->group, r->by_lang[i - 1].group) != 0;
		for (size_t k = 0; k < n_cols && !seen; k++)
			seen = same_config(cols[k], c);
		if (!seen && n_cols < LANG_COLS)
			cols[n_cols++] = c;
		else if (!seen)
			more++;
	}
	if (langs < 2)
		return;
	fprintf(f, "\n%saccuracy by language, %%, in ", bold);
	tb_text_put_visible(f, r->by_lang[from].suite);
	fprintf(f, "%s\n%-8s", plain, "lang");
	for (size_t k = 0; k < n_cols; k++) {
		fputc(' ', f);
		put_field(f, report_model_label(r, cols[k]->model), 14, 1);
	}
	fprintf(f, "\n%-8s", "");
	for (size_t k = 0; k < n_cols; k++) {
		char m[32];

		if (cols[k]->budget)
			snprintf(m, sizeof(m), "%s %ld", cols[k]->mode, cols[k]->budget);
		else
			snprintf(m, sizeof(m), "%s", cols[k]->mode);
		fprintf(f, " %14s", m);
	}
	fputc('\n', f);
	for (size_t i = from; i < to; i++) {
		const char *lang = r->by_lang[i].group;

		if (i > from && strcmp(lang, r->by_lang[i - 1].group) == 0)
			continue;
		put_field(f, lang, 8, 0);
		for (size_t k = 0; k < n_cols; k++) {
			const report_cell *c = NULL;

			for (size_t j = i; j < to && strcmp(r->by_lang[j].group, lang) == 0 && !c; j++)
				if (same_config(&r->by_lang[j], cols[k]))
					c = &r->by_lang[j];
			fputc(' ', f);
			put_num(f, 14, 1, c && c->graded ? c->accuracy * 100 : NAN);
		}
		fputc('\n', f);
	}
	if (more)
		fprintf(f, "(%zu more model/mode columns in by_lang.csv)\n", more);
}

/* by_lang is sorted by suite first: one table per suite with several languages. */
static void put_langs(FILE *f, const report *r, const char *bold, const char *plain)
{
	size_t from = 0;

	for (size_t i = 1; i <= r->n_lang; i++)
		if (i == r->n_lang || strcmp(r->by_lang[i].suite, r->by_lang[from].suite) != 0) {
			put_suite_langs(f, r, from, i, bold, plain);
			from = i;
		}
}

/* The header lines that apply, shown as visible text (a grader version comes
 * from the store). */
static void put_header_lines(FILE *f, const report *r, const tb_run_info *run)
{
	for (int h = 0; h < REPORT_HEADER_LINES; h++) {
		char line[512];

		report_header_line(r, run, h, line, sizeof(line));
		if (!*line)
			continue;
		tb_text_put_visible(f, line);
		fputc('\n', f);
	}
}

int report_print_table(const report *r, FILE *out, const tb_run_info *run)
{
	size_t width[NCOL], total;
	int short_models = 0;
	row w;

	int colour = use_colour(out);
	const char *bold = colour ? "\033[1m" : "", *plain = colour ? "\033[0m" : "";

	if (run && run->simulated)
		fprintf(out, "%s%s%s\n", colour ? "\033[1;33m" : "", REPORT_SIMULATED_LINE, plain);
	if (run && json_is_true(json_object_get(run->options, "unsafe_exec")))
		fprintf(out, "%s\n", UNSAFE_EXEC_LINE);
	if (run) {
		fputs("run ", out);
		put_field(out, run->run_id, tb_text_columns(run->run_id), 0);
		fprintf(out, "  thinkbench %s  %s  %s", run->version, run->status,
			run->started[0] ? run->started : "?");
		if (run->ended[0])
			fprintf(out, " to %s", run->ended);
		fputc('\n', out);
		put_header_lines(out, r, run);
		fputc('\n', out);
	}
	total = measure(r, 0, width);
	if (total > TABLE_WIDTH) {
		short_models = 1;
		total = measure(r, 1, width);
	}
	shrink(width, &total, COL_MODEL, 8);
	shrink(width, &total, COL_SUITE, 5);
	fputs(bold, out);
	put_row(out, col_head, width);
	fputs(plain, out);
	for (size_t k = 0; k < r->n; k++) {
		if (report_cell_unsupported(&r->cells[k]))
			continue;
		fill_row(&w, r, &r->cells[k], short_models);
		put_row(out, w.txt, width);
	}
	if (r->n == 0)
		fputs("(no cells and no samples in this store)\n", out);
	put_unsupported(out, r);
	put_notes(out, r);
	put_outcomes(out, r, bold, plain);
	put_repeats(out, r, bold, plain);
	put_pairs(out, r, bold, plain);
	put_langs(out, r, bold, plain);
	return ferror(out) ? TB_ERR : TB_OK;
}

