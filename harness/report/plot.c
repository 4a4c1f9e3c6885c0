#include "plot.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "log.h"
#include "rc.h"
#include "stats.h"

/* points per CDF curve: enough to look smooth, few enough to stay small */
#define CDF_POINTS 200
#define MAX_CONFIGS 64
#define TERM_SIZE "960,600"

/* A model x mode x budget, summed over the suites. */
typedef struct config {
	const char *model, *mode;
	long budget;
	char label[96];
	long correct, graded, n, errors, cost_n;
	double cost, lat_sum, reasoning_sum, answer_sum;
	long lat_n, tok_n;
	double *total, *ttfa;       /* merged ascending latencies, owned */
	size_t n_total, n_ttfa;
} config;

typedef struct plotter {
	const report *r;
	const tb_run_info *run;
	const char *dir;
	config cfg[MAX_CONFIGS];
	size_t n_cfg;
	plot_set *ps;
	char *err;
	size_t errlen;
} plotter;

static const char *base_name(const char *model)
{
	const char *slash = strrchr(model, '/');

	return slash && slash[1] ? slash + 1 : model;
}

/* The one way text reaches a gnuplot script: s as a double-quoted string
 * literal. gnuplot runs `...` inside double quotes as a shell command and
 * expands @name macros, so besides the quote and the backslash, the backquote,
 * the at sign and every control byte (a newline would end the command) are
 * written as octal escapes, which gnuplot turns back into the same bytes. */
static void gp_quote(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '"' || ch == '\\')
			fprintf(f, "\\%c", ch);
		else if (ch == '`' || ch == '@' || ch < 0x20 || ch == 0x7f)
			fprintf(f, "\\%03o", ch);
		else
			fputc(ch, f);
	}
	fputc('"', f);
}

static config *find_config(plotter *p, const report_cell *c)
{
	config *g;

	for (size_t i = 0; i < p->n_cfg; i++) {
		g = &p->cfg[i];
		if (strcmp(g->model, c->model) == 0 && strcmp(g->mode, c->mode) == 0 &&
		    g->budget == c->budget)
			return g;
	}
	if (p->n_cfg == MAX_CONFIGS)
		return NULL;
	g = &p->cfg[p->n_cfg++];
	memset(g, 0, sizeof(*g));
	g->model = c->model;
	g->mode = c->mode;
	g->budget = c->budget;
	if (c->budget)
		snprintf(g->label, sizeof(g->label), "%s %s %ld", base_name(c->model), c->mode,
			 c->budget);
	else
		snprintf(g->label, sizeof(g->label), "%s %s", base_name(c->model), c->mode);
	return g;
}

static int merge(double **dst, size_t *n, const double *src, size_t m)
{
	double *v;

	if (!m)
		return TB_OK;
	v = realloc(*dst, (*n + m) * sizeof(*v));
	if (!v)
		return TB_NOMEM;
	memcpy(v + *n, src, m * sizeof(*v));
	*dst = v;
	*n += m;
	return TB_OK;
}

static int cmp_config(const void *x, const void *y)
{
	const config *a = x, *b = y;
	int d = strcmp(a->model, b->model);

	if (!d)
		d = strcmp(a->mode, b->mode);
	if (!d)
		d = (a->budget > b->budget) - (a->budget < b->budget);
	return d;
}

static int gather(plotter *p)
{
	for (size_t i = 0; i < p->r->n; i++) {
		const report_cell *c = &p->r->cells[i];
		long ok = c->n - c->count[TB_OUT_ERROR];
		config *g;

		if (c->n == 0)
			continue;
		g = find_config(p, c);
		if (!g)
			continue;
		g->correct += c->count[TB_OUT_CORRECT];
		g->graded += c->graded;
		g->n += c->n;
		g->errors += c->count[TB_OUT_ERROR];
		g->cost += c->cost_usd;
		g->cost_n += c->n - c->cost_unknown;
		if (c->n_total_ms) {
			g->lat_sum += c->total_mean * (double)c->n_total_ms;
			g->lat_n += (long)c->n_total_ms;
		}
		if (ok > 0 && isfinite(c->reasoning_mean) && isfinite(c->answer_mean)) {
			g->reasoning_sum += c->reasoning_mean * (double)ok;
			g->answer_sum += c->answer_mean * (double)ok;
			g->tok_n += ok;
		}
		if (merge(&g->total, &g->n_total, c->total_ms, c->n_total_ms) != TB_OK ||
		    merge(&g->ttfa, &g->n_ttfa, c->ttfa_ms, c->n_ttfa_ms) != TB_OK)
			return tb_seterr(p->err, p->errlen, "out of memory gathering plot data");
	}
	qsort(p->cfg, p->n_cfg, sizeof(p->cfg[0]), cmp_config);
	for (size_t i = 0; i < p->n_cfg; i++) {
		stats_sort(p->cfg[i].total, p->cfg[i].n_total);
		stats_sort(p->cfg[i].ttfa, p->cfg[i].n_ttfa);
	}
	return TB_OK;
}

static double acc_pct(const config *g)
{
	return g->graded ? 100.0 * (double)g->correct / (double)g->graded : NAN;
}

static double cost_per(const config *g)
{
	return g->cost_n ? g->cost / (double)g->cost_n : NAN;
}

static double lat_mean_s(const config *g)
{
	return g->lat_n ? g->lat_sum / (double)g->lat_n / 1000.0 : NAN;
}

typedef struct files {
	FILE *dat, *gp;
	char dat_path[4096], gp_path[4096];
} files;

/* A data block's label, as a comment line that no label can end early. */
static void dat_label(FILE *dat, const char *label)
{
	fputs("# ", dat);
	gp_quote(dat, label);
	fputc('\n', dat);
}

/* "NAME.dat" in a plot command. */
static void put_dat(FILE *gp, const char *name)
{
	char file[64];

	snprintf(file, sizeof(file), "%s.dat", name);
	gp_quote(gp, file);
}

/* set output "NAME.EXT" */
static void put_output(FILE *gp, const char *name, const char *ext)
{
	char file[64];

	snprintf(file, sizeof(file), "%s.%s", name, ext);
	fputs("set output ", gp);
	gp_quote(gp, file);
	fputc('\n', gp);
}

static int open_plot(plotter *p, files *f, const char *name, const char *title)
{
	plot_set *ps = p->ps;
	int n1, n2;

	memset(f, 0, sizeof(*f));
	n1 = snprintf(f->dat_path, sizeof(f->dat_path), "%s/%s.dat", p->dir, name);
	n2 = snprintf(f->gp_path, sizeof(f->gp_path), "%s/%s.gp", p->dir, name);
	if (n1 < 0 || n2 < 0 || (size_t)n1 >= sizeof(f->dat_path) || (size_t)n2 >= sizeof(f->gp_path))
		return tb_seterr(p->err, p->errlen, "plot folder name too long: '%s'", p->dir);
	f->dat = fopen(f->dat_path, "w");
	if (!f->dat)
		return tb_seterr(p->err, p->errlen, "cannot write '%s': %s", f->dat_path, strerror(errno));
	f->gp = fopen(f->gp_path, "w");
	if (!f->gp) {
		fclose(f->dat);
		return tb_seterr(p->err, p->errlen, "cannot write '%s': %s", f->gp_path, strerror(errno));
	}
	if (ps->n < PLOT_MAX) {
		snprintf(ps->name[ps->n], sizeof(ps->name[0]), "%s", name);
		snprintf(ps->title[ps->n], sizeof(ps->title[0]), "%s", title);
		ps->n++;
	}
	if (p->run->simulated) {
		fprintf(f->dat, "# %s\n", REPORT_SIMULATED_LINE);
		fprintf(f->gp, "# %s\n", REPORT_SIMULATED_LINE);
	}
	fputs("# run ", f->dat);
	gp_quote(f->dat, p->run->run_id);
	fprintf(f->dat, ": data for %s.gp\n", name);
	fputs("# run ", f->gp);
	gp_quote(f->gp, p->run->run_id);
	fprintf(f->gp, ": draws %s.png and %s.svg from %s.dat; run `gnuplot %s.gp` here.\n"
		       "set terminal pngcairo size " TERM_SIZE " font \"sans,11\" noenhanced\n",
		name, name, name, name);
	put_output(f->gp, name, "png");
	fputs("set title ", f->gp);
	gp_quote(f->gp, title);
	fprintf(f->gp, "%s\nset grid\nset key outside right top box\nset border 3\n"
		       "set tics nomirror\n",
		p->run->simulated ? " . \"  (simulated run)\"" : "");
	return TB_OK;
}

/* Ends the script: the same plot again as SVG. */
static int close_plot(plotter *p, files *f, const char *name)
{
	int rc = TB_OK;

	fputs("set terminal svg size 800,500 font \"sans,12\" noenhanced background \"white\"\n",
	      f->gp);
	put_output(f->gp, name, "svg");
	fputs("replot\nunset output\n", f->gp);
	if (ferror(f->dat) || ferror(f->gp))
		rc = TB_ERR;
	if (fclose(f->dat) != 0)
		rc = TB_ERR;
	if (fclose(f->gp) != 0)
		rc = TB_ERR;
	if (rc != TB_OK)
		return tb_seterr(p->err, p->errlen, "cannot write the plot files '%s': %s", f->gp_path,
				 strerror(errno));
	return TB_OK;
}

/* One series per configuration (index i of the data file) for a scatter. */
static void plot_series(plotter *p, files *f, const char *name, const char *using)
{
	size_t k = 0;

	fputs("plot ", f->gp);
	for (size_t i = 0; i < p->n_cfg; i++) {
		fputs(k++ ? ", \\\n     " : "", f->gp);
		put_dat(f->gp, name);
		fprintf(f->gp, " index %zu using %s with points pt 7 ps 1.8 title ", i, using);
		gp_quote(f->gp, p->cfg[i].label);
	}
}

static int cmp_cost(const void *x, const void *y)
{
	const config *a = *(const config *const *)x, *b = *(const config *const *)y;
	double ca = cost_per(a), cb = cost_per(b);

	if (ca != cb)
		return (ca > cb) - (ca < cb);
	return (acc_pct(a) < acc_pct(b)) - (acc_pct(a) > acc_pct(b));
}

static int plot_acc_cost(plotter *p)
{
	files f;
	const config *by_cost[MAX_CONFIGS];
	size_t n = 0;
	double best = -1, lo = INFINITY, hi = 0;

	if (open_plot(p, &f, "acc_cost", "Accuracy against cost per sample") != TB_OK)
		return TB_ERR;
	fputs("# one block per configuration: label, cost per sample (USD), accuracy (%)\n", f.dat);
	for (size_t i = 0; i < p->n_cfg; i++) {
		const config *g = &p->cfg[i];
		double c = cost_per(g), a = acc_pct(g);

		dat_label(f.dat, g->label);
		fprintf(f.dat, "%.6g %.4g\n\n\n", c, a);
		if (isfinite(c) && isfinite(a)) {
			by_cost[n++] = g;
			lo = fmin(lo, c);
			hi = fmax(hi, c);
		}
	}
	/* the frontier: sorted by cost, each point more accurate than all cheaper ones */
	qsort(by_cost, n, sizeof(by_cost[0]), cmp_cost);
	fprintf(f.dat, "# Pareto frontier (index %zu): cost per sample (USD), accuracy (%%)\n",
		p->n_cfg);
	for (size_t i = 0; i < n; i++)
		if (acc_pct(by_cost[i]) > best) {
			best = acc_pct(by_cost[i]);
			fprintf(f.dat, "%.6g %.4g\n", cost_per(by_cost[i]), best);
		}
	if (!n)
		fputs("NaN NaN\n", f.dat);
	fputs("set xlabel \"cost per sample (USD)\"\nset ylabel \"accuracy (%)\"\n"
	      "set yrange [0:100]\nset format x \"%g\"\n", f.gp);
	if (n && lo > 0 && hi / lo > 20)
		fputs("set logscale x\n", f.gp);
	plot_series(p, &f, "acc_cost", "1:2");
	fputs(p->n_cfg ? ", \\\n     " : "", f.gp);
	put_dat(f.gp, "acc_cost");
	fprintf(f.gp, " index %zu using 1:2 with lines dt 2 lw 2 lc rgb \"#555555\" "
		      "title \"Pareto frontier\"\n",
		p->n_cfg);
	return close_plot(p, &f, "acc_cost");
}

static int plot_acc_latency(plotter *p)
{
	files f;

	if (open_plot(p, &f, "acc_latency", "Accuracy against mean total time") != TB_OK)
		return TB_ERR;
	fputs("# one block per configuration: mean total time (s), accuracy (%)\n", f.dat);
	for (size_t i = 0; i < p->n_cfg; i++) {
		dat_label(f.dat, p->cfg[i].label);
		fprintf(f.dat, "%.6g %.4g\n\n\n", lat_mean_s(&p->cfg[i]), acc_pct(&p->cfg[i]));
	}
	fputs("set xlabel \"mean total time per sample (s)\"\nset ylabel \"accuracy (%)\"\n"
	      "set yrange [0:100]\nset xrange [0:*]\n", f.gp);
	plot_series(p, &f, "acc_latency", "1:2");
	if (!p->n_cfg)
		fputs("NaN notitle", f.gp);
	fputc('\n', f.gp);
	return close_plot(p, &f, "acc_latency");
}

static int plot_cdf(plotter *p, const char *name, const char *title, const char *xlabel, int ttfa)
{
	files f;
	size_t k = 0;

	if (open_plot(p, &f, name, title) != TB_OK)
		return TB_ERR;
	fputs("# one block per configuration: time (s), fraction of samples at or below it\n", f.dat);
	for (size_t i = 0; i < p->n_cfg; i++) {
		const config *g = &p->cfg[i];
		const double *v = ttfa ? g->ttfa : g->total;
		size_t n = ttfa ? g->n_ttfa : g->n_total;
		size_t step = n > CDF_POINTS ? n / CDF_POINTS : 1;

		dat_label(f.dat, g->label);
		for (size_t j = 0; j < n; j += step)
			fprintf(f.dat, "%.6g %.6g\n", v[j] / 1000.0, (double)(j + 1) / (double)n);
		if (n)
			fprintf(f.dat, "%.6g 1\n", v[n - 1] / 1000.0);
		else
			fputs("NaN NaN\n", f.dat);
		fputs("\n\n", f.dat);
	}
	fputs("set xlabel ", f.gp);
	gp_quote(f.gp, xlabel);
	fputs("\nset ylabel \"fraction of samples\"\nset yrange [0:1]\nset xrange [0:*]\nplot ", f.gp);
	for (size_t i = 0; i < p->n_cfg; i++) {
		fputs(k++ ? ", \\\n     " : "", f.gp);
		put_dat(f.gp, name);
		fprintf(f.gp, " index %zu using 1:2 with steps lw 2 title ", i);
		gp_quote(f.gp, p->cfg[i].label);
	}
	if (!k)
		fputs("NaN notitle", f.gp);
	fputc('\n', f.gp);
	return close_plot(p, &f, name);
}

static int plot_tokens(plotter *p)
{
	files f;

	if (open_plot(p, &f, "tokens", "Mean reasoning and answer tokens per sample") != TB_OK)
		return TB_ERR;
	fputs("# configuration, mean reasoning tokens, mean answer tokens\n", f.dat);
	for (size_t i = 0; i < p->n_cfg; i++) {
		const config *g = &p->cfg[i];
		double n = (double)g->tok_n;

		gp_quote(f.dat, g->label);
		if (g->tok_n)
			fprintf(f.dat, " %.6g %.6g\n", g->reasoning_sum / n, g->answer_sum / n);
		else
			fputs(" 0 0\n", f.dat);
	}
	if (!p->n_cfg)
		fputs("\"(none)\" 0 0\n", f.dat);
	fputs("set ylabel \"tokens per sample (mean)\"\nset style data histograms\n"
	      "set style histogram rowstacked\nset style fill solid 0.85 border -1\n"
	      "set boxwidth 0.7\nset xtics rotate by -30\nset yrange [0:*]\nset grid ytics\n"
	      "plot \"tokens.dat\" using 2:xtic(1) title \"reasoning\" lc rgb \"#4e79a7\", \\\n"
	      "     \"\" using 3 title \"answer\" lc rgb \"#f28e2b\"\n",
	      f.gp);
	return close_plot(p, &f, "tokens");
}

/* A cell of by_lang for (lang, config), or NULL. */
static const report_cell *lang_cell(const report *r, const char *lang, const config *g)
{
	for (size_t i = 0; i < r->n_lang; i++) {
		const report_cell *c = &r->by_lang[i];

		if (strcmp(c->group, lang) == 0 && strcmp(c->model, g->model) == 0 &&
		    strcmp(c->mode, g->mode) == 0 && c->budget == g->budget)
			return c;
	}
	return NULL;
}

static int plot_acc_lang(plotter *p)
{
	const report *r = p->r;
	files f;
	const char *prev = NULL;

	if (open_plot(p, &f, "acc_lang", "Accuracy by language") != TB_OK)
		return TB_ERR;
	fputs("# language, then accuracy (%) per configuration; - when not asked\nlanguage", f.dat);
	for (size_t i = 0; i < p->n_cfg; i++) {
		fputc(' ', f.dat);
		gp_quote(f.dat, p->cfg[i].label);
	}
	fputc('\n', f.dat);
	/* by_lang is sorted by language first: one row per language */
	for (size_t i = 0; i < r->n_lang; i++) {
		const char *lang = r->by_lang[i].group;

		if (prev && strcmp(prev, lang) == 0)
			continue;
		prev = lang;
		gp_quote(f.dat, lang);
		for (size_t k = 0; k < p->n_cfg; k++) {
			const report_cell *c = lang_cell(r, lang, &p->cfg[k]);

			if (c && c->graded)
				fprintf(f.dat, " %.4g", c->accuracy * 100);
			else
				fputs(" -", f.dat);
		}
		fputc('\n', f.dat);
	}
	fprintf(f.gp, "set ylabel \"accuracy (%%)\"\nset yrange [0:100]\nset datafile missing \"-\"\n"
		      "set style data histograms\nset style histogram clustered gap 1\n"
		      "set style fill solid 0.85 border -1\nset grid ytics\nset key autotitle columnheader\n"
		      "plot for [i=2:%zu] \"acc_lang.dat\" using i:xtic(1)\n",
		p->n_cfg + 1);
	return close_plot(p, &f, "acc_lang");
}

/* A sweep: some model has think cells at two or more budgets. */
static int has_sweep(const plotter *p)
{
	for (size_t i = 0; i < p->n_cfg; i++)
		for (size_t k = i + 1; k < p->n_cfg; k++)
			if (strcmp(p->cfg[i].model, p->cfg[k].model) == 0 &&
			    strcmp(p->cfg[i].mode, "think") == 0 && strcmp(p->cfg[k].mode, "think") == 0 &&
			    p->cfg[i].budget != p->cfg[k].budget)
				return 1;
	return 0;
}

static int plot_acc_budget(plotter *p)
{
	files f;
	size_t k = 0;
	const char *models[MAX_CONFIGS];
	size_t n_models = 0;

	if (open_plot(p, &f, "acc_budget", "Accuracy against thinking budget") != TB_OK)
		return TB_ERR;
	for (size_t i = 0; i < p->n_cfg; i++) {
		int seen = 0;

		if (strcmp(p->cfg[i].mode, "think") != 0 || !p->cfg[i].budget)
			continue;
		for (size_t m = 0; m < n_models && !seen; m++)
			seen = strcmp(models[m], p->cfg[i].model) == 0;
		if (!seen)
			models[n_models++] = p->cfg[i].model;
	}
	fputs("# one block per model: thinking budget (tokens), accuracy (%); configurations\n"
	      "# come sorted by model and budget\n", f.dat);
	for (size_t m = 0; m < n_models; m++) {
		dat_label(f.dat, models[m]);
		for (size_t i = 0; i < p->n_cfg; i++)
			if (strcmp(p->cfg[i].model, models[m]) == 0 &&
			    strcmp(p->cfg[i].mode, "think") == 0 && p->cfg[i].budget)
				fprintf(f.dat, "%ld %.4g\n", p->cfg[i].budget, acc_pct(&p->cfg[i]));
		fputs("\n\n", f.dat);
	}
	fputs("set xlabel \"thinking budget (tokens, log scale)\"\nset ylabel \"accuracy (%)\"\n"
	      "set yrange [0:100]\nset logscale x 2\nset format x \"%g\"\nplot ", f.gp);
	for (size_t m = 0; m < n_models; m++) {
		fputs(k++ ? ", \\\n     " : "", f.gp);
		put_dat(f.gp, "acc_budget");
		fprintf(f.gp, " index %zu using 1:2 with linespoints pt 7 ps 1.5 lw 2 title ", m);
		gp_quote(f.gp, base_name(models[m]));
	}
	if (!k)
		fputs("NaN notitle", f.gp);
	fputc('\n', f.gp);
	return close_plot(p, &f, "acc_budget");
}

static int distinct_langs(const report *r)
{
	int n = 0;

	for (size_t i = 0; i < r->n_lang && n < 2; i++)
		n += i == 0 || strcmp(r->by_lang[i].group, r->by_lang[i - 1].group) != 0;
	return n;
}

/* Runs gnuplot NAME.gp in dir; 0 when it exited 0, 127 when it could not start. */
static int run_gnuplot(const char *dir, const char *name)
{
	const char *prog = getenv("TB_GNUPLOT");
	char script[64];
	int status;
	pid_t pid;

	if (!prog || !*prog)
		prog = "gnuplot";
	snprintf(script, sizeof(script), "%s.gp", name);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
			dup2(null, 2);
		}
		if (chdir(dir) != 0)
			_exit(126);
		execlp(prog, prog, script, (char *)NULL);
		_exit(127);
	}
	/* bounded: one child, waited for once (EINTR retried) */
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void render(plotter *p)
{
	plot_set *ps = p->ps;

	for (size_t i = 0; i < ps->n; i++) {
		int rc = run_gnuplot(p->dir, ps->name[i]);

		if (rc == 127) {
			snprintf(ps->skipped, sizeof(ps->skipped),
				 "gnuplot not found: plots skipped (data and scripts written)");
			return;
		}
		if (rc != 0) {
			snprintf(ps->skipped, sizeof(ps->skipped),
				 "gnuplot failed on %s.gp (exit %d): plots skipped", ps->name[i], rc);
			return;
		}
	}
	ps->rendered = 1;
}

int plot_write(const report *r, const tb_run_info *run, const char *dir, int do_render,
	       plot_set *ps, char *err, size_t errlen)
{
	plotter p = {.r = r, .run = run, .dir = dir, .ps = ps, .err = err, .errlen = errlen};
	int rc = TB_ERR;

	memset(ps, 0, sizeof(*ps));
	snprintf(ps->skipped, sizeof(ps->skipped), "plots not drawn");
	if (gather(&p) != TB_OK)
		goto out;
	if (plot_acc_cost(&p) != TB_OK || plot_acc_latency(&p) != TB_OK ||
	    plot_cdf(&p, "cdf_total", "Latency: total time per sample (CDF)", "total time (s)", 0) != TB_OK ||
	    plot_cdf(&p, "cdf_ttfa", "Latency: time to first answer token (CDF)",
		     "time to first answer token (s)", 1) != TB_OK ||
	    plot_tokens(&p) != TB_OK)
		goto out;
	if (distinct_langs(r) > 1 && plot_acc_lang(&p) != TB_OK)
		goto out;
	if (has_sweep(&p) && plot_acc_budget(&p) != TB_OK)
		goto out;
	rc = TB_OK;
	if (do_render)
		render(&p);
	if (ps->rendered)
		ps->skipped[0] = '\0';
out:
	for (size_t i = 0; i < p.n_cfg; i++) {
		free(p.cfg[i].total);
		free(p.cfg[i].ttfa);
	}
	return rc;
}
