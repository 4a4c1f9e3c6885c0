#include "html.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "rc.h"
#include "report_label.h"
#include "text.h"

/* the flipped items named in a flip count's tooltip (flips.csv has them all) */
#define HTML_FLIP_IDS 20
/* an embedded SVG plot larger than this is left out (gnuplot's are ~50 KB) */
#define MAX_SVG ((size_t)16 << 20)

static const char css[] =
	"body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0 auto;"
	"max-width:1240px;padding:0 16px 48px;color:#1d232a;background:#fff}"
	"h1{font-size:22px;margin:18px 0 4px}h2{font-size:18px;margin:28px 0 8px;"
	"border-bottom:1px solid #d8dee4;padding-bottom:4px}"
	".banner{background:#fff3cd;border:1px solid #e0c36a;padding:8px 12px;margin-top:12px;"
	"font-weight:600}.meta{color:#57606a;margin:0 0 8px}"
	"nav a{margin-right:14px}table{border-collapse:collapse;margin:6px 0;font-size:13px}"
	"th,td{padding:3px 8px;border-bottom:1px solid #e5e9ee;text-align:left;"
	"overflow-wrap:anywhere}td.n{white-space:nowrap}h3{font-size:15px;margin:18px 0 4px}"
	"th{background:#f3f5f7;position:sticky;top:0}td.n,th.n{text-align:right;"
	"font-variant-numeric:tabular-nums}tr:nth-child(even) td{background:#fafbfc}"
	".wrap{overflow-x:auto}.ns{color:#8c959f;font-style:italic}"
	".plots{display:grid;grid-template-columns:repeat(auto-fill,minmax(560px,1fr));gap:16px}"
	"figure{margin:0;border:1px solid #e5e9ee;padding:6px}figure img{width:100%;height:auto}"
	"figcaption{font-size:12px;color:#57606a}"
	"details.s{border:1px solid #e5e9ee;margin:3px 0;border-radius:4px}"
	"details.s>summary{cursor:pointer;padding:4px 8px;font-family:ui-monospace,monospace;"
	"font-size:12px}details.s .body{padding:4px 12px 10px}"
	"pre{white-space:pre-wrap;word-break:break-word;background:#f6f8fa;padding:8px;"
	"border-radius:4px;max-height:420px;overflow:auto;font-size:12px}"
	".v{display:inline-block;min-width:86px;font-weight:600}.o-correct .v{color:#1a7f37}"
	".o-incorrect .v,.o-partial .v,.o-no_answer .v,.o-truncated .v{color:#cf222e}"
	".o-error .v{color:#9a6700}.o-ungraded .v{color:#57606a}"
	"#filter{padding:4px 8px;width:320px;margin:4px 0}#selftest{color:#57606a;font-size:12px}";

static const char script[] =
	"(function(){var f=document.getElementById('filter');"
	"if(f)f.addEventListener('input',function(){var q=f.value.toLowerCase();"
	"var d=document.querySelectorAll('#browser details.s');for(var i=0;i<d.length;i++){"
	"d[i].style.display=d[i].firstElementChild.textContent.toLowerCase().indexOf(q)<0?"
	"'none':'';}});"
	"function selftest(){var o=document.getElementById('selftest');"
	"var im=document.querySelectorAll('img.plot'),ok=0,bad=[];"
	"for(var i=0;i<im.length;i++){if(im[i].complete&&im[i].naturalWidth>0)ok++;"
	"else bad.push(im[i].alt);}"
	"var s=document.querySelector('#browser details.s'),op=false;"
	"if(s){s.querySelector('summary').click();var b=s.querySelector('.body');"
	"op=s.open&&b&&b.getBoundingClientRect().height>0;}"
	"var d=document.querySelectorAll('#browser details.s'),kept=0,q='';"
	"if(f&&d.length){q=d[d.length-1].firstElementChild.textContent.trim().split(/\\s+/)[0];"
	"f.value=q;f.dispatchEvent(new Event('input'));"
	"for(var i=0;i<d.length;i++)kept+=d[i].style.display==='none'?0:1;}"
	"o.textContent='selftest: plots '+ok+'/'+im.length+' loaded'+"
	"(bad.length?' (failed: '+bad.join(', ')+')':'')+'; sample browser '+"
	"(op?'opened a sample':'did not open a sample')+'; filter kept '+kept+' of '+d.length+"
	"'; width '+wide()+' of '+window.innerWidth;}"
	/* the page's width, or a table's right edge when a box scrolls it inside */
	"function wide(){var w=document.documentElement.scrollWidth,"
	"t=document.querySelectorAll('table');for(var i=0;i<t.length;i++){"
	"var r=t[i].getBoundingClientRect();if(r.width)w=Math.max(w,Math.ceil(r.left+t[i].scrollWidth));}"
	"return w;}"
	"if(location.hash==='#selftest'){if(document.readyState==='complete')selftest();"
	"else window.addEventListener('load',selftest);}})();";

typedef struct html_ctx {
	FILE *f;
	const report *r;
	long shown, errors_shown, seen;
} html_ctx;

/* Text for HTML, cut at max bytes with a note (tb_text_put_markup). */
static void esc(FILE *f, const char *s, size_t max)
{
	tb_text_put_markup(f, s, max, TB_TEXT_HTML);
}

static void td_text(FILE *f, const char *s)
{
	fputs("<td>", f);
	esc(f, s, 4096);
	fputs("</td>", f);
}

static void td_num(FILE *f, const char *fmt, double v)
{
	fputs("<td class=n>", f);
	if (isfinite(v))
		fprintf(f, fmt, v);
	else
		fputs("-", f);
	fputs("</td>", f);
}

static void td_long(FILE *f, long v)
{
	fprintf(f, "<td class=n>%ld</td>", v);
}

static void td_budget(FILE *f, long budget)
{
	if (budget)
		td_long(f, budget);
	else
		fputs("<td class=n>-</td>", f);
}

/* Opens a row of cells with what names it (suite, language or tag; model,
 * mode, budget) and its number of samples. */
static void td_key(FILE *f, const report *r, const report_cell *c)
{
	fputs("<tr>", f);
	td_text(f, c->suite);
	if (c->group)
		td_text(f, c->group);
	td_text(f, report_model_label(r, c->model));
	td_text(f, c->mode);
	td_budget(f, c->budget);
	td_long(f, c->n);
}

static void td_acc(FILE *f, const report_cell *c)
{
	if (c->graded)
		fprintf(f, "<td class=n>%.1f <small>[%.0f&ndash;%.0f]</small></td>", c->accuracy * 100,
			floor(c->acc_lo * 100), ceil(c->acc_hi * 100));
	else
		fputs("<td class=n>-</td>", f);
}

static void td_clustered(FILE *f, const report_cell *c)
{
	if (isfinite(c->acc_clu_lo))
		fprintf(f, "<td class=n>[%.0f&ndash;%.0f]</td>", floor(c->acc_clu_lo * 100),
			ceil(c->acc_clu_hi * 100));
	else
		fputs("<td class=n>-</td>", f);
}

static void th_row(FILE *f, const char *const *h, size_t n, size_t text_cols)
{
	fputs("<tr>", f);
	for (size_t i = 0; i < n; i++)
		fprintf(f, "<th%s>%s</th>", i < text_cols ? "" : " class=n", h[i]);
	fputs("</tr>\n", f);
}

static int not_supported(const report_cell *c)
{
	return strcmp(c->status, "not_supported") == 0;
}

/* A row's model (by its label), mode and budget. */
static void td_config(FILE *f, const report *r, const report_cell *c)
{
	fputs("<tr>", f);
	td_text(f, report_model_label(r, c->model));
	td_text(f, c->mode);
	td_budget(f, c->budget);
}

/* The suite's cells [from, to): the compact table, the cells no model could
 * run in one line, then the details folded. */
static void suite_tables(FILE *f, const report *r, size_t from, size_t to)
{
	static const char *const head[] = {
		"model", "mode", "budget", "n", "acc % [95% CI]", "p50 s", "TTFA p50 s",
		"tokens (r+a)", "$/correct"};
	static const char *const detail[] = {
		"model", "mode", "budget", "correct / wrong / no ans / trunc / err", "clustered CI",
		"pass@1 / pass@k / maj@k", "p90 / p99 s", "reasoning / answer tok", "cost $"};
	int any_ns = 0;

	fputs("<h3>", f);
	esc(f, r->cells[from].suite, 256);
	fputs("</h3>\n<table>\n", f);
	th_row(f, head, sizeof(head) / sizeof(head[0]), 2);
	for (size_t i = from; i < to; i++) {
		const report_cell *c = &r->cells[i];

		if (not_supported(c))
			continue;
		td_config(f, r, c);
		if (c->n_planned > c->n)
			fprintf(f, "<td class=n>%ld/%ld</td>", c->n, c->n_planned);
		else
			td_long(f, c->n);
		td_acc(f, c);
		td_num(f, "%.2f", c->total_p50 / 1000);
		td_num(f, "%.2f", c->ttfa_p50 / 1000);
		td_num(f, "%.0f", c->completion_mean);
		td_num(f, "%.5f", c->cost_per_correct);
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
	for (size_t i = from; i < to; i++) {
		const report_cell *c = &r->cells[i];

		if (!not_supported(c))
			continue;
		fputs(any_ns++ ? ", " : "<p class=ns>Not supported (not run): ", f);
		esc(f, report_model_label(r, c->model), 256);
		fputc(' ', f);
		esc(f, c->mode, 64);
		if (c->budget)
			fprintf(f, " %ld", c->budget);
	}
	if (any_ns)
		fputs(".</p>\n", f);
	fputs("<details><summary>Details</summary><table>\n", f);
	th_row(f, detail, sizeof(detail) / sizeof(detail[0]), 2);
	for (size_t i = from; i < to; i++) {
		const report_cell *c = &r->cells[i];

		if (not_supported(c))
			continue;
		td_config(f, r, c);
		fprintf(f, "<td class=n>%ld / %ld / %ld / %ld / %ld</td>", c->count[TB_OUT_CORRECT],
			c->count[TB_OUT_INCORRECT] + c->count[TB_OUT_PARTIAL], c->count[TB_OUT_NOANSWER],
			c->count[TB_OUT_TRUNCATED], c->count[TB_OUT_ERROR]);
		td_clustered(f, c);
		if (isfinite(c->pass_at_1))
			fprintf(f, "<td class=n>%.3f / %.3f / %.3f <small>k=%ld</small></td>",
				c->pass_at_1, c->pass_at_k, c->maj_at_k, c->pass_k);
		else
			fputs("<td class=n>-</td>", f);
		if (isfinite(c->total_p90))
			fprintf(f, "<td class=n>%.2f / %.2f</td>", c->total_p90 / 1000, c->total_p99 / 1000);
		else
			fputs("<td class=n>-</td>", f);
		if (isfinite(c->reasoning_mean) && isfinite(c->answer_mean))
			fprintf(f, "<td class=n>%.0f / %.0f</td>", c->reasoning_mean, c->answer_mean);
		else
			fputs("<td class=n>-</td>", f);
		td_num(f, "%.4f", c->cost_usd);
		fputs("</tr>\n", f);
	}
	fputs("</table></details>\n", f);
}

static void cells_table(FILE *f, const report *r)
{
	for (size_t from = 0, to; from < r->n; from = to) {
		for (to = from + 1; to < r->n && strcmp(r->cells[to].suite, r->cells[from].suite) == 0; to++)
			;
		suite_tables(f, r, from, to);
	}
	if (!r->n)
		fputs("<p>No cells and no samples in this store.</p>\n", f);
}

static void pairs_table(FILE *f, const report *r)
{
	static const char *const head[] = {
		"suite", "model", "think budget", "items", "acc % think / not", "diff pts [95% CI]",
		"flips up / down", "&times; latency / tokens / cost", "per extra correct: $ / s"};

	if (!r->n_pairs) {
		fputs("<p>No model ran both modes.</p>\n", f);
		return;
	}
	fputs("<table>\n", f);
	th_row(f, head, sizeof(head) / sizeof(head[0]), 2);
	for (size_t i = 0; i < r->n_pairs; i++) {
		const report_pair *p = &r->pairs[i];
		const report_cell *t = &r->cells[p->think], *n = &r->cells[p->nothink];
		long n_flips = p->flip_up + p->flip_down, shown = 0;

		fputs("<tr>", f);
		td_text(f, t->suite);
		td_text(f, report_model_label(r, t->model));
		td_budget(f, t->budget);
		td_long(f, p->items);
		fprintf(f, "<td class=n>%.1f / %.1f</td>", t->accuracy * 100, n->accuracy * 100);
		if (isfinite(p->diff_lo))
			fprintf(f, "<td class=n>%+.1f <small>[%+.1f, %+.1f]</small></td>", p->diff * 100,
				p->diff_lo * 100, p->diff_hi * 100);
		else
			td_num(f, "%+.1f", p->diff * 100);
		/* the tooltip names the first flipped items; flips.csv has them all */
		fputs("<td class=n title=\"", f);
		for (long k = 0; k < n_flips && shown < HTML_FLIP_IDS; k++, shown++) {
			fputs(p->flips[k].up ? "up " : "down ", f);
			esc(f, p->flips[k].item_id, 200);
			fputs("&#10;", f);
		}
		if (n_flips > shown)
			fputs("... (all in flips.csv)", f);
		fprintf(f, "\">%ld / %ld</td>", p->flip_up, p->flip_down);
		fputs("<td class=n>", f);
		for (int k = 0; k < 3; k++) {
			double v = k == 0 ? p->latency_ratio : k == 1 ? p->token_ratio : p->cost_ratio;

			if (isfinite(v))
				fprintf(f, "%s%.2f", k ? " / " : "", v);
			else
				fprintf(f, "%s-", k ? " / " : "");
		}
		fputs("</td><td class=n>", f);
		if (isfinite(p->extra_cost_per_correct))
			fprintf(f, "%.5f / %.2f", p->extra_cost_per_correct, p->extra_secs_per_correct);
		else
			fputs("-", f);
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n<p class=meta>diff: accuracy with thinking minus without, on the "
	      "items graded in both, with a paired 95% t interval; a flip is an item right "
	      "(by majority of its samples) in one mode only; hover a flip count for the items. "
	      "Ratios are thinking over non-thinking.</p>\n", f);
}

static void breakdown_table(FILE *f, const report *r, const char *what, const report_cell *rows, size_t n)
{
	const char *head[] = {"suite", what, "model", "mode", "budget", "n", "acc % [95% CI]",
			      "clustered CI", "error", "wrong lang", "total p50 s", "cost $"};

	if (!n) {
		fputs("<p>None.</p>\n", f);
		return;
	}
	fputs("<div class=wrap><table>\n", f);
	th_row(f, head, sizeof(head) / sizeof(head[0]), 4);
	for (size_t i = 0; i < n; i++) {
		const report_cell *c = &rows[i];

		td_key(f, r, c);
		td_acc(f, c);
		td_clustered(f, c);
		td_long(f, c->count[TB_OUT_ERROR]);
		td_long(f, c->wrong_lang);
		td_num(f, "%.2f", c->total_p50 / 1000);
		td_num(f, "%.4f", c->cost_usd);
		fputs("</tr>\n", f);
	}
	fputs("</table></div>\n", f);
}

static void base64(FILE *f, const unsigned char *p, size_t n)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (unsigned)p[i + 1] << 8 | p[i + 2];

		fputc(tab[v >> 18], f);
		fputc(tab[(v >> 12) & 63], f);
		fputc(tab[(v >> 6) & 63], f);
		fputc(tab[v & 63], f);
	}
	if (i < n) {
		unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0);

		fputc(tab[v >> 18], f);
		fputc(tab[(v >> 12) & 63], f);
		fputc(i + 1 < n ? tab[(v >> 6) & 63] : '=', f);
		fputc('=', f);
	}
}

/* Reads a whole file of at most max bytes; NULL when it cannot. */
static unsigned char *slurp(const char *path, size_t max, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && (size_t)n <= max &&
	    fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n + 1);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*len = (size_t)n;
	}
	fclose(f);
	return buf;
}

static void plots_section(FILE *f, const plot_set *ps, const char *plot_dir)
{
	if (!ps || !ps->n) {
		fputs("<p>No plots were made.</p>\n", f);
		return;
	}
	if (!ps->rendered) {
		fputs("<p><strong>Plots skipped:</strong> ", f);
		esc(f, ps->skipped, 256);
		fputs(". Their data (.dat) and gnuplot scripts (.gp) are in <code>", f);
		esc(f, plot_dir, 4096);
		fputs("</code>.</p>\n", f);
		return;
	}
	fputs("<div class=plots>\n", f);
	for (size_t i = 0; i < ps->n; i++) {
		char path[4200];
		size_t len = 0;
		unsigned char *svg;

		snprintf(path, sizeof(path), "%s/%s.svg", plot_dir, ps->name[i]);
		svg = slurp(path, MAX_SVG, &len);
		fputs("<figure>", f);
		if (svg) {
			fputs("<img class=plot alt=\"", f);
			esc(f, ps->title[i], 200);
			fputs("\" src=\"data:image/svg+xml;base64,", f);
			base64(f, svg, len);
			fputs("\">", f);
		} else {
			fputs("<p>(image missing)</p>", f);
		}
		fputs("<figcaption>", f);
		esc(f, ps->title[i], 200);
		fprintf(f, " &mdash; <code>plots/%s.gp</code>, <code>%s.dat</code></figcaption></figure>\n",
			ps->name[i], ps->name[i]);
		free(svg);
	}
	fputs("</div>\n", f);
}

static int on_sample(void *ud, const tb_sample *s)
{
	html_ctx *x = ud;
	FILE *f = x->f;
	const char *o = tb_outcome_name(s->outcome);
	const char *prompt;

	x->seen++;
	if (x->shown >= HTML_MAX_SAMPLES) {
		if (s->outcome != TB_OUT_ERROR || x->errors_shown >= HTML_MAX_ERRORS)
			return 0;
		x->errors_shown++;
	} else {
		x->shown++;
	}
	prompt = report_prompt(x->r, s->suite, s->item_id);
	fprintf(f, "<details class=\"s o-%s\"><summary><span class=v>%s</span> ", o, o);
	esc(f, s->suite, 200);
	fputs(" / ", f);
	esc(f, s->item_id, 200);
	fputs(" &middot; ", f);
	esc(f, s->model, 200);
	fprintf(f, " &middot; %s", strcmp(s->mode, "think") == 0 ? "think" : "nothink");
	if (s->budget)
		fprintf(f, " %ld", s->budget);
	fprintf(f, " &middot; #%d", s->sample);
	if (s->lang && *s->lang) {
		fputs(" &middot; ", f);
		esc(f, s->lang, 32);
	}
	fputs("</summary><div class=body>\n<h4>Prompt</h4><pre>", f);
	esc(f, prompt ? prompt : "(prompt unavailable)", HTML_MAX_TEXT);
	fprintf(f, "</pre>\n<details><summary>Reasoning (%zu bytes", s->reasoning ? strlen(s->reasoning) : 0);
	if (s->reasoning_tokens >= 0)
		fprintf(f, ", %ld tokens", s->reasoning_tokens);
	fputs(")</summary><pre>", f);
	esc(f, s->reasoning && *s->reasoning ? s->reasoning : "(none)", HTML_MAX_TEXT);
	fputs("</pre></details>\n<h4>Answer</h4><pre>", f);
	esc(f, s->answer && *s->answer ? s->answer : "(none)", HTML_MAX_TEXT);
	fputs("</pre>\n<p>Extracted: <code>", f);
	esc(f, s->extracted, 2000);
	fputs("</code> &middot; expected: <code>", f);
	esc(f, s->expected, 2000);
	fprintf(f, "</code> &middot; verdict: <strong>%s</strong>", o);
	if (s->grade_reason && *s->grade_reason) {
		fputs(" (", f);
		esc(f, s->grade_reason, 2000);
		fputs(")", f);
	}
	if (s->error && *s->error) {
		fputs(" &middot; error: ", f);
		esc(f, s->error, 2000);
	}
	if (s->lang_check == 0)
		fputs(" &middot; wrong language", f);
	if (s->mode_leak)
		fputs(" &middot; mode leak", f);
	fputs("</p>", f);
	if (isfinite(s->total_ms))
		fprintf(f, "<p class=meta>total %.2f s, TTFT %.2f s, TTFA %.2f s; tokens %ld prompt, "
			   "%ld completion, %ld reasoning</p>",
			s->total_ms / 1000, s->ttft_ms / 1000, s->ttfa_ms / 1000, s->prompt_tokens,
			s->completion_tokens, s->reasoning_tokens);
	fputs("</div></details>\n", f);
	return ferror(f) ? TB_ERR : 0;
}

int html_write(tb_store *st, const report *r, const tb_run_info *run, const plot_set *ps,
	       const char *plot_dir, FILE *f, char *err, size_t errlen)
{
	html_ctx x = {.f = f, .r = r};

	fputs("<!DOCTYPE html>", f);
	if (run->simulated)
		fprintf(f, "<!-- %s -->", REPORT_SIMULATED_LINE);
	fputs("\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>", f);
	if (run->simulated)
		fputs("[SIMULATED] ", f);
	fputs("thinkbench report ", f);
	esc(f, run->run_id, 64);
	fprintf(f, "</title>\n<style>%s</style></head><body>\n", css);
	if (run->simulated)
		fprintf(f, "<div class=banner>%s</div>\n", REPORT_SIMULATED_LINE);
	fputs("<h1>thinkbench report <code>", f);
	esc(f, run->run_id, 64);
	fputs("</code></h1>\n<p class=meta>thinkbench ", f);
	esc(f, run->version, 32);
	fputs(" &middot; ", f);
	esc(f, run->status, 16);
	fputs(" &middot; started ", f);
	esc(f, run->started, 32);
	if (run->ended[0]) {
		fputs(" &middot; ended ", f);
		esc(f, run->ended, 32);
	}
	fprintf(f, " &middot; %ld samples</p>\n", r->samples);
	for (int regrade = 1; regrade >= 0; regrade--) {
		char line[512];

		if (regrade)
			report_regrade_line(r, line, sizeof(line));
		else
			report_time_scale_line(run, line, sizeof(line));
		if (!*line)
			continue;
		fputs(regrade ? "<div class=banner>" : "<p class=meta>", f);
		esc(f, line, sizeof(line));
		fputs(regrade ? "</div>\n" : "</p>\n", f);
	}
	fputs("<nav><a href=\"#summary\">Summary</a>"
		   "<a href=\"#modes\">Thinking vs not</a><a href=\"#plots\">Plots</a>"
		   "<a href=\"#lang\">By language</a><a href=\"#tags\">By tag</a>"
		   "<a href=\"#samples\">Samples</a></nav>\n", f);
	fputs("<h2 id=summary>Summary per suite</h2>\n", f);
	cells_table(f, r);
	fputs("<p class=meta>acc = correct / graded (errors and ungraded samples apart), 95% Wilson "
	      "interval; the clustered interval treats items as clusters (several samples per item "
	      "only); pass@k and maj@k with k = the fewest samples of an item. Times in seconds.</p>\n",
	      f);
	fputs("<h2 id=modes>Thinking against non-thinking, same items</h2>\n", f);
	pairs_table(f, r);
	fputs("<h2 id=plots>Plots</h2>\n", f);
	plots_section(f, ps, plot_dir);
	fputs("<h2 id=lang>By language</h2>\n", f);
	breakdown_table(f, r, "language", r->by_lang, r->n_lang);
	fputs("<h2 id=tags>By tag</h2>\n", f);
	if (r->tags_missing)
		fputs("<p class=meta>This run was stored by an older thinkbench, without its items: "
		      "its samples have no tags and no prompt here.</p>\n", f);
	breakdown_table(f, r, "tag", r->by_tag, r->n_tag);
	fputs("<h2 id=samples>Samples</h2>\n", f);
	if (r->samples > HTML_MAX_SAMPLES)
		fprintf(f, "<p><strong>This page holds the first %d samples in store order and up to %d "
			   "more that ended in error, of %ld samples.</strong> samples.csv has them "
			   "all.</p>\n",
			HTML_MAX_SAMPLES, HTML_MAX_ERRORS, r->samples);
	fputs("<input id=filter placeholder=\"filter: item, model, verdict...\">\n<div id=browser>\n",
	      f);
	if (store_each_sample(st, on_sample, &x, err, errlen) != 0)
		return err[0] ? TB_ERR : tb_seterr(err, errlen, "cannot write the HTML report");
	fprintf(f, "</div>\n<p class=meta>%ld of %ld samples shown.</p>\n<div id=selftest></div>\n"
		   "<script>%s</script>\n</body></html>\n",
		x.shown + x.errors_shown, x.seen, script);
	if (ferror(f))
		return tb_seterr(err, errlen, "cannot write the HTML report: %s", strerror(errno));
	return TB_OK;
}
