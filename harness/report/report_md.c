/* The report as Markdown (see report_md.h). */
#include "report_md.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "rc.h"
#include "report_label.h"

/* A Markdown table cell: pipes escaped, HTML specials as entities, line
 * breaks and other controls as spaces. */
void report_md_put(FILE *f, const char *s)
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

/* A model's label and the mode and budget, as table cells. */
static void md_config(FILE *f, const report *r, const report_cell *c)
{
	fputs("| ", f);
	report_md_put(f, report_model_label(r, c->model));
	fputs(" | ", f);
	report_md_put(f, c->mode);
	if (c->budget)
		fprintf(f, " | %ld |", c->budget);
	else
		fputs(" | - |", f);
}

/* The row's first columns: name (the suite, or a breakdown's group), model,
 * mode, budget. */
static void md_cell_name(FILE *f, const report *r, const char *name, const report_cell *c)
{
	fputs("| ", f);
	report_md_put(f, name);
	fputc(' ', f);
	md_config(f, r, c);
}

static void md_breakdown(FILE *f, const report *r, const char *what, const report_cell *rows, size_t n)
{
	if (!n)
		return;
	fprintf(f, "\n### Accuracy by %s, per suite\n\n| suite | %s | model | mode | budget | n "
		   "| acc %% [95%% CI] | clustered CI |\n|---|---|---|---|--:|--:|--:|--:|\n",
		what, what);
	for (size_t i = 0; i < n; i++) {
		const report_cell *c = &rows[i];

		fputs("| ", f);
		report_md_put(f, c->suite);
		fputc(' ', f);
		md_cell_name(f, r, c->group, c);
		fprintf(f, " %ld |", c->n);
		if (c->graded)
			fprintf(f, " %.1f [%.0f-%.0f] |", c->accuracy * 100, floor(c->acc_lo * 100),
				ceil(c->acc_hi * 100));
		else
			fputs(" - |", f);
		if (isfinite(c->acc_clu_lo))
			fprintf(f, " [%.0f-%.0f] |\n", floor(c->acc_clu_lo * 100), ceil(c->acc_clu_hi * 100));
		else
			fputs(" - |\n", f);
	}
}

/* The suite's cells [from, to): the compact table (nine columns), the cells
 * no model could run in one line, then the details. */
static void md_suite(FILE *f, const report *r, size_t from, size_t to)
{
	int any_ns = 0;

	fputs("\n### ", f);
	report_md_put(f, r->cells[from].suite);
	fputs("\n\n| model | mode | budget | n | acc % [95% CI] | p50 s | TTFA p50 s | tokens (r+a) "
	      "| $/correct |\n|---|---|--:|--:|--:|--:|--:|--:|--:|\n", f);
	for (size_t i = from; i < to; i++) {
		const report_cell *c = &r->cells[i];

		if (report_cell_unsupported(c))
			continue;
		md_config(f, r, c);
		if (c->n_planned > c->n)
			fprintf(f, " %ld/%ld |", c->n, c->n_planned);
		else
			fprintf(f, " %ld |", c->n);
		if (c->graded)
			fprintf(f, " %.1f [%.0f-%.0f] |", c->accuracy * 100, floor(c->acc_lo * 100),
				ceil(c->acc_hi * 100));
		else
			fputs(" - |", f);
		md_secs(f, c->total_p50);
		md_secs(f, c->ttfa_p50);
		if (isfinite(c->completion_mean))
			fprintf(f, " %.0f |", c->completion_mean);
		else
			fputs(" - |", f);
		md_num(f, "%.5f", c->cost_per_correct);
		fputc('\n', f);
	}
	for (size_t i = from; i < to; i++) {
		const report_cell *c = &r->cells[i];

		if (!report_cell_unsupported(c))
			continue;
		fputs(any_ns++ ? ", " : "\nNot supported (not run): ", f);
		report_md_put(f, report_model_label(r, c->model));
		fputc(' ', f);
		report_md_put(f, c->mode);
		if (c->budget)
			fprintf(f, " %ld", c->budget);
	}
	if (any_ns)
		fputs(".\n", f);
	fputs("\n<details><summary>Details</summary>\n\n"
	      "| model | mode | budget | correct / wrong / no ans / trunc / err | clustered CI "
	      "| pass@1 / pass@k / maj@k | p90 / p99 s | reasoning / answer tok | cost $ |\n"
	      "|---|---|--:|--:|--:|--:|--:|--:|--:|\n", f);
	for (size_t i = from; i < to; i++) {
		const report_cell *c = &r->cells[i];

		if (report_cell_unsupported(c))
			continue;
		md_config(f, r, c);
		fprintf(f, " %ld / %ld / %ld / %ld / %ld |", c->count[TB_OUT_CORRECT],
			c->count[TB_OUT_INCORRECT] + c->count[TB_OUT_PARTIAL], c->count[TB_OUT_NOANSWER],
			c->count[TB_OUT_TRUNCATED], c->count[TB_OUT_ERROR]);
		if (isfinite(c->acc_clu_lo))
			fprintf(f, " [%.0f-%.0f] |", floor(c->acc_clu_lo * 100), ceil(c->acc_clu_hi * 100));
		else
			fputs(" - |", f);
		if (isfinite(c->pass_at_1))
			fprintf(f, " %.3f / %.3f / %.3f |", c->pass_at_1, c->pass_at_k, c->maj_at_k);
		else
			fputs(" - |", f);
		if (isfinite(c->total_p90))
			fprintf(f, " %.2f / %.2f |", c->total_p90 / 1000, c->total_p99 / 1000);
		else
			fputs(" - |", f);
		if (isfinite(c->reasoning_mean) && isfinite(c->answer_mean))
			fprintf(f, " %.0f / %.0f |", c->reasoning_mean, c->answer_mean);
		else
			fputs(" - |", f);
		md_num(f, "%.4f", c->cost_usd);
		fputc('\n', f);
	}
	fputs("\n</details>\n", f);
}

int report_write_md(const report *r, const tb_run_info *run, FILE *f, char *err, size_t errlen)
{
	if (run->simulated)
		fprintf(f, "> **%s**\n\n", REPORT_SIMULATED_LINE);
	fputs("## thinkbench report: run `", f);
	report_md_put(f, run->run_id);
	fprintf(f, "`\n\nthinkbench %s, %s, started %s%s%s; %ld samples.\n\n", run->version,
		run->status, run->started, run->ended[0] ? ", ended " : "", run->ended, r->samples);
	for (int h = 0; h < REPORT_HEADER_LINES; h++) {
		char line[512];

		report_header_line(r, run, h, line, sizeof(line));
		if (!*line)
			continue;
		fputs("> ", f);
		report_md_put(f, line);
		fputs("\n\n", f);
	}
	for (size_t from = 0, to; from < r->n; from = to) {
		for (to = from + 1; to < r->n && strcmp(r->cells[to].suite, r->cells[from].suite) == 0; to++)
			;
		md_suite(f, r, from, to);
	}
	if (!r->n)
		fputs("No cells and no samples in this store.\n", f);
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
			report_md_put(f, t->suite);
			fputs(" | ", f);
			report_md_put(f, report_model_label(r, t->model));
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
	md_breakdown(f, r, "language", r->by_lang, r->n_lang);
	md_breakdown(f, r, "tag", r->by_tag, r->n_tag);
	if (ferror(f))
		return tb_seterr(err, errlen, "cannot write the Markdown report");
	return TB_OK;
}

