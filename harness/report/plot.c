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
#include "report_label.h"
#include "stats.h"
#include "traceinfo.h"

/* points per CDF curve: enough to look smooth, few enough to stay small */
#define CDF_POINTS 200
/* suites drawn, one panel each; a colour per configuration, the same in every panel */
#define MAX_PANELS 24
#define MAX_CONFIGS 64
#define LABEL_LEN 96
#define PANEL_W 720
#define PANEL_H 460

/* A suite: the cells [from, to) of r->cells. */
typedef struct panel {
	const char *suite;
	size_t from, to;
} panel;

typedef struct plotter {
	const report *r;
	const tb_run_info *run;
	const char *dir;
	panel pan[MAX_PANELS];
	size_t n_pan, more_suites;
	const report_cell *cfg[MAX_CONFIGS]; /* a representative cell per model x mode x budget */
	size_t n_cfg;
	plot_set *ps;
	char *err;
	size_t errlen;
} plotter;

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

static int same_config(const report_cell *a, const report_cell *b)
{
	return strcmp(a->model, b->model) == 0 && strcmp(a->mode, b->mode) == 0 &&
	       a->budget == b->budget;
}

/* The configuration's colour: its gnuplot line type, the same in every panel. */
static int colour(const plotter *p, const report_cell *c)
{
	for (size_t i = 0; i < p->n_cfg; i++)
		if (same_config(p->cfg[i], c))
			return (int)i + 1;
	return (int)p->n_cfg + 1;
}

/* A cell a model answered: it has samples. */
static int answered(const report_cell *c)
{
	return c->n > 0;
}

static void gather(plotter *p)
{
	const report *r = p->r;

	for (size_t i = 0; i < r->n; i++) {
		const report_cell *c = &r->cells[i];
		int seen = 0;

		if (!answered(c))
			continue;
		if (!p->n_pan || strcmp(p->pan[p->n_pan - 1].suite, c->suite) != 0) {
			if (p->n_pan == MAX_PANELS) {
				p->more_suites++;
				continue;
			}
			p->pan[p->n_pan++] = (panel){c->suite, i, i};
		}
		/* an unanswered cell in between stays in the range; panels skip it */
		p->pan[p->n_pan - 1].to = i + 1;
		for (size_t k = 0; k < p->n_cfg && !seen; k++)
			seen = same_config(p->cfg[k], c);
		if (!seen && p->n_cfg < MAX_CONFIGS)
			p->cfg[p->n_cfg++] = c;
	}
}

static double pct(double v)
{
	return isfinite(v) ? 100.0 * v : NAN;
}

/* The 95% interval drawn as an error bar: clustered by item when some item
 * has several samples (they are not independent), else Wilson's. */
static void interval(const report_cell *c, double *lo, double *hi)
{
	int clustered = c->max_per_item > 1 && isfinite(c->acc_clu_lo);

	*lo = pct(clustered ? c->acc_clu_lo : c->acc_lo);
	*hi = pct(clustered ? c->acc_clu_hi : c->acc_hi);
}

static double cost_per(const report_cell *c)
{
	return c->cost_per_sample;
}

static double lat_mean_s(const report_cell *c)
{
	return isfinite(c->total_mean) ? c->total_mean / 1000.0 : NAN;
}

/* A round tick step near span/4: 1, 2 or 5 times a power of ten. */
static double tick_step(double span)
{
	double raw = span / 4, mag = pow(10, floor(log10(raw))), m = raw / mag;

	return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * mag;
}

/* The x axis of a panel whose values lie in [lo, hi]: a log axis when they
 * are positive and span more than LOG_SPAN times, else a linear one from 0
 * with four or five ticks printed with just the decimals the step needs,
 * so small values (dollars per sample) never crowd into one another. */
#define LOG_SPAN 3
static void x_axis(FILE *gp, double lo, double hi)
{
	double step, top;
	int decimals;

	if (!isfinite(hi) || hi <= 0) {
		fputs("set xrange [0:*]\n", gp);
		return;
	}
	if (isfinite(lo) && lo > 0 && hi / lo > LOG_SPAN) {
		fprintf(gp, "set logscale x\nset xrange [%.6g:%.6g]\n", lo / 1.5, hi * 1.5);
		return;
	}
	step = tick_step(hi);
	top = ceil(hi * 1.05 / step) * step;
	decimals = step >= 1 ? 0 : (int)ceil(-log10(step) - 1e-9);
	fprintf(gp, "set xrange [0:%.6g]\nset xtics 0,%.6g\nset format x \"%%.%df\"\n", top, step,
		decimals);
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

/* A line type per configuration (colour(), used as `lt N`): gnuplot's own
 * repeat their colours after 8, so a ninth configuration looked like the
 * first. Twelve colours, then the same colours with another point shape. */
static void line_types(FILE *gp)
{
	static const char *const rgb[12] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
					    "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#000000", "#f5c000"};
	static const int pt[5] = {7, 5, 9, 11, 13};

	for (int n = 0; n <= MAX_CONFIGS; n++)
		fprintf(gp, "set linetype %d lc rgb \"%s\" pt %d\n", n + 1, rgb[n % 12], pt[(n / 12) % 5]);
}

/* Opens NAME.dat and NAME.gp and starts the script: a loop that draws the
 * panels once as PNG and once as SVG, n_panels of them in a grid. */
static int open_plot(plotter *p, files *f, const char *name, const char *title, size_t n_panels,
		     int wide)
{
	size_t cols = n_panels > 1 && !wide ? 2 : 1, rows = (n_panels + cols - 1) / cols;
	size_t width = wide ? 2 * PANEL_W : cols * PANEL_W;
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
		       "# one panel per suite; the same colour is the same configuration in every panel\n"
		       "do for [term = 1:2] {\n"
		       "if (term == 1) {\n"
		       "set terminal pngcairo size %zu,%zu font \"sans,10\" noenhanced\n",
		name, name, name, name, width, rows * PANEL_H + 30);
	put_output(f->gp, name, "png");
	fprintf(f->gp, "} else {\n"
		       "set terminal svg size %zu,%zu font \"sans,11\" noenhanced background \"white\"\n",
		width, rows * PANEL_H + 30);
	put_output(f->gp, name, "svg");
	fprintf(f->gp, "}\nset multiplot layout %zu,%zu title ", rows, cols);
	gp_quote(f->gp, title);
	fprintf(f->gp, "%s\nset grid\nset key outside right top box font \",9\"\nset border 3\n"
		       "set tics nomirror\n",
		p->run->simulated ? " . \"  (simulated run)\"" : "");
	line_types(f->gp);
	return TB_OK;
}

/* Starts a panel: its title is the suite; nothing of the panel before
 * (a log scale, a range) carries over. */
static void open_panel(files *f, const panel *pn)
{
	fputs("unset logscale\nset autoscale\nset xtics autofreq\nset format x \"%g\"\nset title ", f->gp);
	gp_quote(f->gp, pn->suite);
	fputc('\n', f->gp);
}

/* Ends the script: the loop over the two terminals closes. */
static int close_plot(plotter *p, files *f)
{
	int rc = TB_OK;

	fputs("unset multiplot\nunset output\n}\n", f->gp);
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

static void sep(FILE *gp, size_t *k)
{
	fputs((*k)++ ? ", \\\n     " : "plot ", gp);
}

/* Ends a plot command; a panel with nothing to draw draws an empty frame. */
static void end_plot(FILE *gp, size_t k)
{
	fputs(k ? "\n" : "plot NaN notitle\n", gp);
}

/* Starts a panel's data: a comment naming the suite. */
static void dat_suite(files *f, const panel *pn)
{
	fputs("# suite ", f->dat);
	gp_quote(f->dat, pn->suite);
	fputc('\n', f->dat);
}

typedef struct point {
	double x, y;
} point;

static int cmp_point(const void *a, const void *b)
{
	const point *u = a, *v = b;

	if (u->x != v->x)
		return (u->x > v->x) - (u->x < v->x);
	return (u->y < v->y) - (u->y > v->y);
}

/* Writes the panel's Pareto frontier as one data block: sorted by x (cost or
 * time), each point more accurate than all cheaper ones. *lo and *hi: the
 * range of x over the panel's points. */
static void frontier_block(plotter *p, files *f, const panel *pn, double (*fx)(const report_cell *),
			   const char *what, size_t index, double *lo, double *hi)
{
	point v[MAX_CONFIGS];
	size_t n = 0;
	double best = -1;

	*lo = INFINITY;
	*hi = 0;
	for (size_t i = pn->from; i < pn->to && n < MAX_CONFIGS; i++) {
		const report_cell *c = &p->r->cells[i];
		double x = fx(c), y = pct(c->accuracy);

		if (answered(c) && isfinite(x) && isfinite(y)) {
			v[n++] = (point){x, y};
			*lo = fmin(*lo, x);
			*hi = fmax(*hi, x);
		}
	}
	qsort(v, n, sizeof(v[0]), cmp_point);
	fprintf(f->dat, "# Pareto frontier (index %zu): %s, accuracy (%%)\n", index, what);
	for (size_t i = 0; i < n; i++)
		if (v[i].y > best) {
			best = v[i].y;
			fprintf(f->dat, "%.6g %.4g\n", v[i].x, best);
		}
	if (!n)
		fputs("NaN NaN\n", f->dat);
	fputs("\n\n", f->dat);
}

/* Accuracy (with its error bar) against x, one point per configuration that
 * answered the suite, and the suite's Pareto frontier. */
static int plot_acc_x(plotter *p, const char *name, const char *title, const char *xlabel,
		      const char *what, double (*fx)(const report_cell *))
{
	files f;
	size_t index = 0;

	if (open_plot(p, &f, name, title, p->n_pan, 0) != TB_OK)
		return TB_ERR;
	fprintf(f.dat, "# per suite: its Pareto frontier, then one block per configuration:\n"
		       "# %s, accuracy (%%), its 95%% interval (low, high; clustered by item\n"
		       "# when items have several samples)\n", what);
	for (size_t s = 0; s < p->n_pan; s++) {
		const panel *pn = &p->pan[s];
		size_t k = 0, front = index++;
		double lo, hi;

		dat_suite(&f, pn);
		frontier_block(p, &f, pn, fx, what, front, &lo, &hi);
		open_panel(&f, pn);
		fputs("set xlabel ", f.gp);
		gp_quote(f.gp, xlabel);
		fputs("\nset ylabel \"accuracy (%)\"\nset yrange [0:100]\n", f.gp);
		x_axis(f.gp, lo, hi);
		for (size_t i = pn->from; i < pn->to; i++) {
			const report_cell *c = &p->r->cells[i];
			char label[LABEL_LEN];
			double elo, ehi;

			if (!answered(c))
				continue;
			report_config_label(p->r, c, label, sizeof(label));
			interval(c, &elo, &ehi);
			dat_label(f.dat, label);
			fprintf(f.dat, "%.6g %.4g %.4g %.4g\n\n\n", fx(c), pct(c->accuracy), elo, ehi);
			sep(f.gp, &k);
			put_dat(f.gp, name);
			fprintf(f.gp, " index %zu using 1:2:3:4 with yerrorbars lt %d ps 1.4 title ",
				index++, colour(p, c));
			gp_quote(f.gp, label);
		}
		sep(f.gp, &k);
		put_dat(f.gp, name);
		fprintf(f.gp, " index %zu using 1:2 with lines dt 2 lw 2 lc rgb \"#555555\" "
			      "title \"Pareto frontier\"\n",
			front);
	}
	return close_plot(p, &f);
}

/* The largest time (s) of the panel's samples; the values are sorted. */
static double cdf_max_s(const plotter *p, const panel *pn, int ttfa)
{
	double hi = NAN;

	for (size_t i = pn->from; i < pn->to; i++) {
		const report_cell *c = &p->r->cells[i];
		size_t n = ttfa ? c->n_ttfa_ms : c->n_total_ms;

		if (answered(c) && n)
			hi = fmax(hi, (ttfa ? c->ttfa_ms : c->total_ms)[n - 1] / 1000.0);
	}
	return hi;
}

static int plot_cdf(plotter *p, const char *name, const char *title, const char *xlabel, int ttfa)
{
	files f;
	size_t index = 0;

	if (open_plot(p, &f, name, title, p->n_pan, 0) != TB_OK)
		return TB_ERR;
	fputs("# per suite, one block per configuration: time (s), fraction of samples at or below it\n",
	      f.dat);
	for (size_t s = 0; s < p->n_pan; s++) {
		const panel *pn = &p->pan[s];
		size_t k = 0;

		dat_suite(&f, pn);
		open_panel(&f, pn);
		fputs("set xlabel ", f.gp);
		gp_quote(f.gp, xlabel);
		fputs("\nset ylabel \"fraction of samples\"\nset yrange [0:1]\n", f.gp);
		/* a CDF starts at 0: a linear axis up to the slowest sample */
		x_axis(f.gp, 0, cdf_max_s(p, pn, ttfa));
		for (size_t i = pn->from; i < pn->to; i++) {
			const report_cell *c = &p->r->cells[i];
			const double *v = ttfa ? c->ttfa_ms : c->total_ms;
			size_t n = ttfa ? c->n_ttfa_ms : c->n_total_ms;
			size_t step = n > CDF_POINTS ? n / CDF_POINTS : 1;
			char label[LABEL_LEN];

			if (!answered(c) || !n)
				continue;
			report_config_label(p->r, c, label, sizeof(label));
			dat_label(f.dat, label);
			for (size_t j = 0; j < n; j += step)
				fprintf(f.dat, "%.6g %.6g\n", v[j] / 1000.0, (double)(j + 1) / (double)n);
			fprintf(f.dat, "%.6g 1\n\n\n", v[n - 1] / 1000.0);
			sep(f.gp, &k);
			put_dat(f.gp, name);
			fprintf(f.gp, " index %zu using 1:2 with steps lt %d lw 2 title ", index++,
				colour(p, c));
			gp_quote(f.gp, label);
		}
		end_plot(f.gp, k);
	}
	return close_plot(p, &f);
}

static int plot_tokens(plotter *p)
{
	files f;
	size_t index = 0;

	if (open_plot(p, &f, "tokens", "Mean reasoning and answer tokens per sample", p->n_pan, 0) != TB_OK)
		return TB_ERR;
	fputs("# one block per suite: configuration, mean reasoning tokens, mean answer tokens\n", f.dat);
	fputs("set style data histograms\nset style histogram rowstacked\n"
	      "set style fill solid 0.85 border -1\nset boxwidth 0.7\nset xtics rotate by -30\n", f.gp);
	for (size_t s = 0; s < p->n_pan; s++) {
		const panel *pn = &p->pan[s];

		dat_suite(&f, pn);
		for (size_t i = pn->from; i < pn->to; i++) {
			const report_cell *c = &p->r->cells[i];
			char label[LABEL_LEN];

			if (!answered(c))
				continue;
			report_config_label(p->r, c, label, sizeof(label));
			gp_quote(f.dat, label);
			fprintf(f.dat, " %.6g %.6g\n", isfinite(c->reasoning_mean) ? c->reasoning_mean : 0,
				isfinite(c->answer_mean) ? c->answer_mean : 0);
		}
		fputs("\n\n", f.dat);
		open_panel(&f, pn);
		fputs("set ylabel \"tokens per sample (mean)\"\nset xlabel \"\"\nset yrange [0:*]\n"
		      "set xrange [*:*]\n", f.gp);
		fprintf(f.gp, "plot \"tokens.dat\" index %zu using 2:xtic(1) title \"reasoning\" "
			      "lc rgb \"#4e79a7\", \\\n     \"\" index %zu using 3 title \"answer\" "
			      "lc rgb \"#f28e2b\"\n",
			index, index);
		index++;
	}
	fputs("unset xtics\nset xtics\nset style data points\n", f.gp);
	return close_plot(p, &f);
}

/* The suite's by_lang rows: [*from, *to); the number of languages. */
static int suite_langs(const report *r, const char *suite, size_t *from, size_t *to)
{
	int n = 0;

	*from = *to = 0;
	for (size_t i = 0; i < r->n_lang; i++) {
		if (strcmp(r->by_lang[i].suite, suite) != 0)
			continue;
		if (!n)
			*from = i;
		n += i == *from || strcmp(r->by_lang[i].group, r->by_lang[i - 1].group) != 0;
		*to = i + 1;
	}
	return n;
}

static const report_cell *lang_cell(const report *r, size_t from, size_t to, const char *lang,
				    const report_cell *c)
{
	for (size_t i = from; i < to; i++)
		if (strcmp(r->by_lang[i].group, lang) == 0 && same_config(&r->by_lang[i], c))
			return &r->by_lang[i];
	return NULL;
}

/* Accuracy by language, per suite with several languages: one bar per
 * configuration that answered the suite, with its error bar. */
static int plot_acc_lang(plotter *p, size_t n_panels)
{
	const report *r = p->r;
	files f;
	size_t index = 0;

	if (open_plot(p, &f, "acc_lang", "Accuracy by language, per suite", n_panels, 1) != TB_OK)
		return TB_ERR;
	fputs("# one block per suite: language, then per configuration accuracy (%) and its 95%\n"
	      "# interval (low, high); - when not asked\n", f.dat);
	fputs("set datafile missing \"-\"\n", f.gp);
	for (size_t s = 0; s < p->n_pan; s++) {
		const panel *pn = &p->pan[s];
		size_t from, to, k = 0, col = 2, n_cfg = 0, j_cfg = 0;
		int langs;
		const char *prev = NULL;

		langs = suite_langs(r, pn->suite, &from, &to);
		if (langs < 2)
			continue;
		for (size_t j = pn->from; j < pn->to; j++)
			n_cfg += answered(&r->cells[j]);
		dat_suite(&f, pn);
		for (size_t i = from; i < to; i++) {
			const char *lang = r->by_lang[i].group;

			if (prev && strcmp(prev, lang) == 0)
				continue;
			prev = lang;
			gp_quote(f.dat, lang);
			for (size_t j = pn->from; j < pn->to; j++) {
				const report_cell *c = &r->cells[j];
				const report_cell *l;
				double lo, hi;

				if (!answered(c))
					continue;
				l = lang_cell(r, from, to, lang, c);
				if (l && l->graded) {
					interval(l, &lo, &hi);
					fprintf(f.dat, " %.4g %.4g %.4g", pct(l->accuracy), lo, hi);
				} else {
					fputs(" - - -", f.dat);
				}
			}
			fputc('\n', f.dat);
		}
		fputs("\n\n", f.dat);
		open_panel(&f, pn);
		fprintf(f.gp, "set ylabel \"accuracy (%%)\"\nset xlabel \"language\"\nset yrange [0:100]\n"
			      "set xrange [-0.5:%d.5]\nset xtics 1\n", langs - 1);
		/* the languages' names, at the middle of each group */
		sep(f.gp, &k);
		fprintf(f.gp, "\"acc_lang.dat\" index %zu using 0:(NaN):xtic(1) notitle", index);
		for (size_t j = pn->from; j < pn->to; j++) {
			const report_cell *c = &r->cells[j];
			char label[LABEL_LEN];

			if (!answered(c))
				continue;
			report_config_label(r, c, label, sizeof(label));
			sep(f.gp, &k);
			/* the configurations side by side around each language's tick */
			fprintf(f.gp, "\"acc_lang.dat\" index %zu using ($0%+.3f):%zu:%zu:%zu with yerrorbars "
				      "lt %d ps 1.1 title ",
				index, ((double)j_cfg - (double)(n_cfg - 1) / 2) * 0.8 / (double)n_cfg, col,
				col + 1, col + 2, colour(p, c));
			gp_quote(f.gp, label);
			col += 3;
			j_cfg++;
		}
		end_plot(f.gp, k);
		index++;
	}
	return close_plot(p, &f);
}

/* The suite has a sweep: some model has think cells at two or more budgets. */
static int has_sweep(const plotter *p, const panel *pn)
{
	for (size_t i = pn->from; i < pn->to; i++)
		for (size_t k = i + 1; k < pn->to; k++) {
			const report_cell *a = &p->r->cells[i], *b = &p->r->cells[k];

			if (answered(a) && answered(b) && strcmp(a->model, b->model) == 0 &&
			    strcmp(a->mode, "think") == 0 && strcmp(b->mode, "think") == 0 &&
			    a->budget != b->budget)
				return 1;
		}
	return 0;
}

/* Accuracy against the thinking budget, per suite with a sweep: a line per
 * model with error bars, and the model's non-thinking accuracy as a dashed
 * horizontal line across the budgets. */
static int plot_acc_budget(plotter *p, size_t n_panels)
{
	const report *r = p->r;
	files f;
	size_t index = 0;

	if (open_plot(p, &f, "acc_budget", "Accuracy against thinking budget", n_panels, 0) != TB_OK)
		return TB_ERR;
	fputs("# per suite, one block per model: thinking budget (tokens), accuracy (%), its 95%\n"
	      "# interval (low, high); then the model's non-thinking accuracy at the lowest and\n"
	      "# the highest budget\n", f.dat);
	for (size_t s = 0; s < p->n_pan; s++) {
		const panel *pn = &p->pan[s];
		size_t k = 0;
		long bmin = 0, bmax = 0;

		if (!has_sweep(p, pn))
			continue;
		dat_suite(&f, pn);
		for (size_t i = pn->from; i < pn->to; i++) {
			const report_cell *c = &r->cells[i];

			if (answered(c) && strcmp(c->mode, "think") == 0 && c->budget) {
				bmin = bmin && bmin < c->budget ? bmin : c->budget;
				bmax = bmax > c->budget ? bmax : c->budget;
			}
		}
		open_panel(&f, pn);
		fputs("set xlabel \"thinking budget (tokens, log scale)\"\nset ylabel \"accuracy (%)\"\n"
		      "set yrange [0:100]\nset logscale x 2\nset format x \"%g\"\n", f.gp);
		fprintf(f.gp, "set xrange [%g:%g]\n", (double)bmin / 1.4, (double)bmax * 1.4);
		/* cells are sorted by model, mode, budget: a model's think cells are together */
		for (size_t i = pn->from; i < pn->to; i++) {
			const report_cell *c = &r->cells[i], *base = NULL;
			char label[LABEL_LEN];
			const char *model = report_model_label(r, c->model);
			size_t j;

			if (!answered(c) || strcmp(c->mode, "think") != 0 || !c->budget ||
			    (i > pn->from && strcmp(r->cells[i - 1].model, c->model) == 0 &&
			     strcmp(r->cells[i - 1].mode, "think") == 0 && r->cells[i - 1].budget))
				continue;
			dat_label(f.dat, model);
			for (j = i; j < pn->to && strcmp(r->cells[j].model, c->model) == 0 &&
				    strcmp(r->cells[j].mode, "think") == 0; j++) {
				double lo, hi;

				if (!answered(&r->cells[j]) || !r->cells[j].budget)
					continue;
				interval(&r->cells[j], &lo, &hi);
				fprintf(f.dat, "%ld %.4g %.4g %.4g\n", r->cells[j].budget,
					pct(r->cells[j].accuracy), lo, hi);
			}
			fputs("\n\n", f.dat);
			sep(f.gp, &k);
			put_dat(f.gp, "acc_budget");
			fprintf(f.gp, " index %zu using 1:2:3:4 with yerrorlines lt %d ps 1.3 lw 2 "
				      "title ", index++, colour(p, c));
			snprintf(label, sizeof(label), "%s think", model);
			gp_quote(f.gp, label);
			/* the model's non-thinking cell in this suite: the lowest budget */
			for (j = pn->from; j < pn->to && !base; j++)
				if (answered(&r->cells[j]) && strcmp(r->cells[j].model, c->model) == 0 &&
				    strcmp(r->cells[j].mode, "nothink") == 0 && r->cells[j].graded)
					base = &r->cells[j];
			if (!base)
				continue;
			dat_label(f.dat, "no thinking");
			fprintf(f.dat, "%g %.4g\n%g %.4g\n\n\n", (double)bmin / 1.4, pct(base->accuracy),
				(double)bmax * 1.4, pct(base->accuracy));
			sep(f.gp, &k);
			put_dat(f.gp, "acc_budget");
			fprintf(f.gp, " index %zu using 1:2 with lines lt %d dt 3 lw 2 title ", index++,
				colour(p, c));
			snprintf(label, sizeof(label), "%s no thinking", model);
			gp_quote(f.gp, label);
		}
		end_plot(f.gp, k);
	}
	fputs("unset logscale x\n", f.gp);
	return close_plot(p, &f);
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

/* Draws the plots ps->name[first..]; ps->rendered says whether all were drawn. */
static void render(plotter *p, size_t first)
{
	plot_set *ps = p->ps;

	ps->rendered = 0;
	for (size_t i = first; i < ps->n; i++) {
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

/* ---- the thinking plots: from each sample's stored metrics ---- */

/* samples kept for the thinking plots: bounds memory (about 40 bytes each) */
#define THINK_SAMPLES_MAX (1L << 22)
/* items per bin of accuracy against reasoning tokens, at least; at most BINS bins */
#define BIN_ITEMS_MIN 4
#define BINS 6

typedef struct tsample {
	size_t cell;   /* index into r->cells */
	char *item;    /* owned */
	double tokens; /* reasoning tokens T; NAN unknown */
	double frac;   /* T-hat / T of a correct answer whose trace states it; NAN */
	int graded, correct, budgeted, kept;
} tsample;

typedef struct twalk {
	const report *r;
	tb_store *st;
	tsample *v;
	size_t n, cap;
	size_t *from, *to; /* per cell: its samples [from, to) of v once sorted */
	int nomem, full;
	char *err;
	size_t errlen;
} twalk;

static long cell_of(const report *r, const tb_sample *s)
{
	for (size_t i = 0; i < r->n; i++) {
		const report_cell *c = &r->cells[i];

		if (c->budget == s->budget && strcmp(c->suite, s->suite) == 0 &&
		    strcmp(c->model, s->model) == 0 && strcmp(c->mode, s->mode) == 0)
			return (long)i;
	}
	return -1;
}

static int on_tsample(void *ud, const tb_sample *s)
{
	twalk *w = ud;
	tb_trace_metrics m;
	tsample *t;
	long cell;
	int found;

	if (store_get_metrics(w->st, s, &m, &found, w->err, w->errlen) != TB_OK)
		return TB_ERR;
	cell = cell_of(w->r, s);
	if (!found || cell < 0)
		return 0;
	if (w->n == (size_t)THINK_SAMPLES_MAX) {
		w->full = 1;
		return 0;
	}
	if (w->n == w->cap) {
		size_t cap = w->cap ? 2 * w->cap : 1024;
		tsample *v = realloc(w->v, cap * sizeof(*v));

		if (!v) {
			w->nomem = 1;
			return tb_seterr(w->err, w->errlen, "out of memory");
		}
		w->v = v;
		w->cap = cap;
	}
	t = &w->v[w->n];
	t->item = strdup(s->item_id);
	if (!t->item) {
		w->nomem = 1;
		return tb_seterr(w->err, w->errlen, "out of memory");
	}
	w->n++;
	t->cell = (size_t)cell;
	t->graded = tb_outcome_is_graded(s->outcome);
	t->correct = s->outcome == TB_OUT_CORRECT;
	t->tokens = m.reasoning_source != TB_TOK_NONE ? (double)m.reasoning_tokens : NAN;
	t->frac = t->correct ? m.first_correct_frac : NAN;
	t->budgeted = strcmp(s->mode, "think") == 0 && s->budget > 0 && m.reasoning_source != TB_TOK_NONE;
	t->kept = t->budgeted && !m.budget_exceeded;
	return 0;
}

static int cmp_tsample(const void *a, const void *b)
{
	const tsample *x = a, *y = b;

	if (x->cell != y->cell)
		return (x->cell > y->cell) - (x->cell < y->cell);
	return strcmp(x->item, y->item);
}

static void twalk_release(twalk *w)
{
	for (size_t i = 0; i < w->n; i++)
		free(w->v[i].item);
	free(w->v);
	free(w->from);
	free(w->to);
}

/* Reads every measured sample of the report's cells, sorted by cell and item. */
static int twalk_load(twalk *w)
{
	if (store_each_sample_brief(w->st, on_tsample, w, w->err, w->errlen) != 0 || w->nomem)
		return TB_ERR;
	if (w->full)
		tb_warn("plots: only the first %ld measured samples are in the thinking plots", THINK_SAMPLES_MAX);
	if (w->n)
		qsort(w->v, w->n, sizeof(*w->v), cmp_tsample);
	w->from = calloc(w->r->n + 1, sizeof(size_t));
	w->to = calloc(w->r->n + 1, sizeof(size_t));
	if (!w->from || !w->to)
		return tb_seterr(w->err, w->errlen, "out of memory");
	for (size_t i = w->n; i-- > 0;)
		w->from[w->v[i].cell] = i;
	for (size_t i = 0; i < w->n; i++)
		w->to[w->v[i].cell] = i + 1;
	return TB_OK;
}

typedef struct item_acc {
	double tokens; /* the item's mean reasoning tokens */
	long correct, graded;
} item_acc;

static int cmp_item_acc(const void *a, const void *b)
{
	const item_acc *x = a, *y = b;

	return (x->tokens > y->tokens) - (x->tokens < y->tokens);
}

/* The cell's items with known reasoning tokens and a graded sample, sorted
 * by their mean tokens; the caller frees *out. */
static size_t cell_items(const twalk *w, size_t cell, item_acc **out)
{
	size_t n = 0;
	item_acc *v = malloc((w->to[cell] - w->from[cell] + 1) * sizeof(*v));

	*out = v;
	if (!v)
		return 0;
	for (size_t i = w->from[cell]; i < w->to[cell];) {
		size_t j = i;
		double sum = 0;
		long known = 0, correct = 0, graded = 0;

		for (; j < w->to[cell] && strcmp(w->v[j].item, w->v[i].item) == 0; j++) {
			if (isfinite(w->v[j].tokens)) {
				sum += w->v[j].tokens;
				known++;
			}
			correct += w->v[j].correct;
			graded += w->v[j].graded;
		}
		if (known && graded)
			v[n++] = (item_acc){sum / (double)known, correct, graded};
		i = j;
	}
	qsort(v, n, sizeof(*v), cmp_item_acc);
	return n;
}

typedef struct tbin {
	double tokens; /* the bin's mean of its items' mean reasoning tokens */
	long correct, graded;
	size_t items;
} tbin;

/* The cell's items sorted by their mean reasoning tokens, cut into bins of
 * equal item counts (at least BIN_ITEMS_MIN items each, at most BINS bins).
 * The number of bins; -1 when out of memory. */
static long cell_bins(const twalk *w, size_t cell, tbin *out)
{
	item_acc *it;
	size_t n = cell_items(w, cell, &it), bins;

	if (!it)
		return -1;
	bins = n / BIN_ITEMS_MIN;
	bins = !n ? 0 : bins < 1 ? 1 : bins > BINS ? BINS : bins;
	for (size_t b = 0; b < bins; b++) {
		size_t a0 = b * n / bins, a1 = (b + 1) * n / bins;
		tbin *t = &out[b];

		memset(t, 0, sizeof(*t));
		for (size_t a = a0; a < a1; a++) {
			t->tokens += it[a].tokens;
			t->correct += it[a].correct;
			t->graded += it[a].graded;
		}
		t->items = a1 - a0;
		t->tokens /= (double)t->items;
	}
	free(it);
	return (long)bins;
}

static int thinks(const report_cell *c)
{
	return answered(c) && strcmp(c->mode, "think") == 0;
}

/* Whether the panel has something for a thinking plot: a thinking cell with
 * a measured reasoning length (tokens), or a correct answer with a T-hat / T. */
static int panel_has(const plotter *p, const twalk *w, const panel *pn, int fracs)
{
	for (size_t i = pn->from; i < pn->to; i++)
		for (size_t t = w->from[i]; t < w->to[i]; t++)
			if (fracs ? isfinite(w->v[t].frac) : thinks(&p->r->cells[i]) && isfinite(w->v[t].tokens))
				return 1;
	return 0;
}

static size_t panels_with(const plotter *p, const twalk *w, int fracs)
{
	size_t n = 0;

	for (size_t s = 0; s < p->n_pan; s++)
		n += panel_has(p, w, &p->pan[s], fracs);
	return n;
}

/* Accuracy against reasoning tokens: per thinking configuration, a point
 * per bin of items (cell_bins()) at the bin's mean tokens, with Wilson's
 * interval over the bin's samples. */
static int plot_acc_tokens(plotter *p, const twalk *w, size_t n_panels)
{
	files f;
	size_t index = 0;

	if (open_plot(p, &f, "acc_tokens", "Accuracy against reasoning tokens (items binned by their mean), per suite",
		      n_panels, 0) != TB_OK)
		return TB_ERR;
	fputs("# per suite, one block per thinking configuration; its items sorted by their mean\n"
	      "# reasoning tokens and cut into bins of equal item counts. Columns: the bin's mean\n"
	      "# reasoning tokens, accuracy (%), its 95% Wilson interval (low, high), items, samples\n", f.dat);
	for (size_t s = 0; s < p->n_pan; s++) {
		const panel *pn = &p->pan[s];
		size_t k = 0;
		double lo = INFINITY, hi = 0;
		tbin bins[BINS];
		long nb;

		if (!panel_has(p, w, pn, 0))
			continue;
		for (size_t i = pn->from; i < pn->to; i++) {
			if (!thinks(&p->r->cells[i]))
				continue;
			if ((nb = cell_bins(w, i, bins)) < 0)
				goto nomem;
			for (long b = 0; b < nb; b++) {
				lo = fmin(lo, bins[b].tokens);
				hi = fmax(hi, bins[b].tokens);
			}
		}
		dat_suite(&f, pn);
		open_panel(&f, pn);
		fputs("set xlabel \"reasoning tokens per sample (item mean, binned)\"\n"
		      "set ylabel \"accuracy (%)\"\nset yrange [0:100]\n", f.gp);
		x_axis(f.gp, lo, hi);
		for (size_t i = pn->from; i < pn->to; i++) {
			const report_cell *c = &p->r->cells[i];
			char label[LABEL_LEN];

			if (!thinks(c))
				continue;
			if ((nb = cell_bins(w, i, bins)) < 0)
				goto nomem;
			if (!nb)
				continue;
			report_config_label(p->r, c, label, sizeof(label));
			dat_label(f.dat, label);
			for (long b = 0; b < nb; b++) {
				double elo, ehi;

				stats_wilson(bins[b].correct, bins[b].graded, STATS_Z95, &elo, &ehi);
				fprintf(f.dat, "%.6g %.4g %.4g %.4g %zu %ld\n", bins[b].tokens,
					100.0 * (double)bins[b].correct / (double)bins[b].graded, pct(elo), pct(ehi),
					bins[b].items, bins[b].graded);
			}
			fputs("\n\n", f.dat);
			sep(f.gp, &k);
			put_dat(f.gp, "acc_tokens");
			fprintf(f.gp, " index %zu using 1:2:3:4 with yerrorlines lt %d ps 1.1 lw 2 title ",
				index++, colour(p, c));
			gp_quote(f.gp, label);
		}
		end_plot(f.gp, k);
	}
	return close_plot(p, &f);
nomem:
	close_plot(p, &f);
	return tb_seterr(p->err, p->errlen, "out of memory");
}

/* The 10th, 25th, 50th, 75th and 90th percentiles of T-hat / T over the
 * cell's correct answers whose trace states the reference; 0 when none. */
static size_t cell_fracs(const twalk *w, size_t cell, double q[5], int *nomem)
{
	static const double at[5] = {10, 25, 50, 75, 90};
	size_t n = 0;
	double *v = malloc((w->to[cell] - w->from[cell] + 1) * sizeof(double));

	if (!v) {
		*nomem = 1;
		return 0;
	}
	for (size_t i = w->from[cell]; i < w->to[cell]; i++)
		if (isfinite(w->v[i].frac))
			v[n++] = w->v[i].frac;
	stats_sort(v, n);
	for (int k = 0; k < 5 && n; k++)
		q[k] = stats_percentile_sorted(v, n, at[k]);
	free(v);
	return n;
}

/* The distribution of T-hat / T over correct answers, per configuration
 * (mode and budget): a box from the 25th to the 75th percentile, whiskers at
 * the 10th and 90th, a bar at the median. */
static int plot_efficiency(plotter *p, const twalk *w, size_t n_panels)
{
	files f;
	size_t index = 0;
	int nomem = 0;

	if (open_plot(p, &f, "efficiency", "Efficiency T\xcc\x82/T of correct answers, per suite", n_panels, 0) != TB_OK)
		return TB_ERR;
	fputs("# per suite, one block per configuration with correct answers whose reasoning states\n"
	      "# the reference: position, T-hat/T percentiles 10, 25, 50, 75, 90, answers, label\n", f.dat);
	fputs("set style fill solid 0.35 border -1\nset boxwidth 0.6\nset xtics rotate by -30\n", f.gp);
	for (size_t s = 0; s < p->n_pan; s++) {
		const panel *pn = &p->pan[s];
		size_t k = 0, x = 0, boxes = 0;

		if (!panel_has(p, w, pn, 1))
			continue;
		for (size_t i = pn->from; i < pn->to; i++) {
			double q[5];

			boxes += answered(&p->r->cells[i]) && cell_fracs(w, i, q, &nomem) > 0;
			if (nomem)
				goto nomem;
		}
		dat_suite(&f, pn);
		open_panel(&f, pn);
		fprintf(f.gp, "set xrange [-0.7:%zu.7]\n", boxes - 1);
		fputs("set xtics rotate by -30\nset ylabel \"T\xcc\x82/T (share of reasoning before the first correct statement)\"\n"
		      "set xlabel \"\"\nset yrange [0:1]\n", f.gp);
		for (size_t i = pn->from; i < pn->to; i++) {
			const report_cell *c = &p->r->cells[i];
			char label[LABEL_LEN];
			double q[5];
			size_t n;

			if (!answered(c))
				continue;
			n = cell_fracs(w, i, q, &nomem);
			if (nomem)
				goto nomem;
			if (!n)
				continue;
			report_config_label(p->r, c, label, sizeof(label));
			dat_label(f.dat, label);
			fprintf(f.dat, "%zu %.4g %.4g %.4g %.4g %.4g %zu ", x, q[0], q[1], q[2], q[3], q[4], n);
			gp_quote(f.dat, label);
			fputs("\n\n\n", f.dat);
			sep(f.gp, &k);
			put_dat(f.gp, "efficiency");
			fprintf(f.gp, " index %zu using 1:3:2:6:5:xtic(8) with candlesticks whiskerbars lt %d lw 1.5 "
				      "title ", index, colour(p, c));
			gp_quote(f.gp, label);
			sep(f.gp, &k);
			put_dat(f.gp, "efficiency");
			fprintf(f.gp, " index %zu using 1:4:4:4:4 with candlesticks lw 3 lc rgb \"black\" notitle",
				index++);
			x++;
		}
		end_plot(f.gp, k);
	}
	return close_plot(p, &f);
nomem:
	close_plot(p, &f);
	return tb_seterr(p->err, p->errlen, "out of memory");
}

/* The budget-kept rate against the thinking budget, per suite with a sweep:
 * the share of budgeted samples whose reasoning stayed within the budget
 * (5% over allowed), a line per model with Wilson's interval. */
static int plot_budget_kept(plotter *p, const twalk *w, size_t n_panels)
{
	const report *r = p->r;
	files f;
	size_t index = 0;

	if (open_plot(p, &f, "budget_kept", "Thinking budget kept (reasoning within the budget), per suite",
		      n_panels, 0) != TB_OK)
		return TB_ERR;
	fputs("# per suite, one block per model: thinking budget (tokens), budget kept (%), its 95%\n"
	      "# Wilson interval (low, high), budgeted samples\n", f.dat);
	for (size_t s = 0; s < p->n_pan; s++) {
		const panel *pn = &p->pan[s];
		size_t k = 0;

		if (!has_sweep(p, pn))
			continue;
		dat_suite(&f, pn);
		open_panel(&f, pn);
		fputs("set xlabel \"thinking budget (tokens, log scale)\"\nset ylabel \"budget kept (% of samples)\"\n"
		      "set yrange [0:105]\nset logscale x 2\nset format x \"%g\"\nset offsets graph 0.05, graph 0.05, 0, 0\n",
		      f.gp);
		for (size_t i = pn->from; i < pn->to; i++) {
			const report_cell *c = &r->cells[i];
			const char *model = report_model_label(r, c->model);
			char label[LABEL_LEN];
			size_t pts = 0;

			/* a model's first budgeted think cell starts its line */
			if (!thinks(c) || !c->budget ||
			    (i > pn->from && strcmp(r->cells[i - 1].model, c->model) == 0 &&
			     strcmp(r->cells[i - 1].mode, "think") == 0 && r->cells[i - 1].budget))
				continue;
			dat_label(f.dat, model);
			for (size_t j = i; j < pn->to && strcmp(r->cells[j].model, c->model) == 0 &&
					    strcmp(r->cells[j].mode, "think") == 0; j++) {
				long kept = 0, n = 0;
				double lo, hi;

				for (size_t t = w->from[j]; t < w->to[j]; t++) {
					n += w->v[t].budgeted;
					kept += w->v[t].kept;
				}
				if (!n)
					continue;
				stats_wilson(kept, n, STATS_Z95, &lo, &hi);
				fprintf(f.dat, "%ld %.4g %.4g %.4g %ld\n", r->cells[j].budget,
					100.0 * (double)kept / (double)n, pct(lo), pct(hi), n);
				pts++;
			}
			if (!pts)
				fputs("NaN NaN NaN NaN 0\n", f.dat);
			fputs("\n\n", f.dat);
			sep(f.gp, &k);
			put_dat(f.gp, "budget_kept");
			fprintf(f.gp, " index %zu using 1:2:3:4 with yerrorlines lt %d ps 1.3 lw 2 title ", index++,
				colour(p, c));
			snprintf(label, sizeof(label), "%s think", model);
			gp_quote(f.gp, label);
		}
		end_plot(f.gp, k);
	}
	return close_plot(p, &f);
}

int plot_write_thinking(tb_store *st, const report *r, const tb_run_info *run, const char *dir, int do_render,
			plot_set *ps, char *err, size_t errlen)
{
	plotter p = {.r = r, .run = run, .dir = dir, .ps = ps, .err = err, .errlen = errlen};
	twalk w = {.r = r, .st = st, .err = err, .errlen = errlen};
	size_t first = ps->n, n_sweep = 0, n_tokens, n_fracs;
	int rc = TB_ERR, rendered = ps->rendered;

	gather(&p);
	if (twalk_load(&w) != TB_OK)
		goto out;
	if (!w.n) {
		rc = TB_OK;
		goto out;
	}
	for (size_t s = 0; s < p.n_pan; s++)
		n_sweep += has_sweep(&p, &p.pan[s]);
	n_tokens = panels_with(&p, &w, 0);
	n_fracs = panels_with(&p, &w, 1);
	if ((n_tokens && plot_acc_tokens(&p, &w, n_tokens) != TB_OK) ||
	    (n_fracs && plot_efficiency(&p, &w, n_fracs) != TB_OK) ||
	    (n_sweep && plot_budget_kept(&p, &w, n_sweep) != TB_OK))
		goto out;
	if (do_render) {
		render(&p, first);
		ps->rendered = rendered && ps->rendered;
		if (ps->rendered)
			ps->skipped[0] = '\0';
	}
	rc = TB_OK;
out:
	twalk_release(&w);
	return rc;
}

int plot_write(const report *r, const tb_run_info *run, const char *dir, int do_render,
	       plot_set *ps, char *err, size_t errlen)
{
	plotter p = {.r = r, .run = run, .dir = dir, .ps = ps, .err = err, .errlen = errlen};
	size_t n_lang = 0, n_sweep = 0;

	memset(ps, 0, sizeof(*ps));
	snprintf(ps->skipped, sizeof(ps->skipped), "plots not drawn");
	gather(&p);
	if (p.more_suites)
		tb_warn("plots: %zu more suites than the %d drawn", p.more_suites, MAX_PANELS);
	for (size_t s = 0; s < p.n_pan; s++) {
		size_t from, to;

		n_lang += suite_langs(r, p.pan[s].suite, &from, &to) > 1;
		n_sweep += has_sweep(&p, &p.pan[s]);
	}
	if (plot_acc_x(&p, "acc_cost", "Accuracy against cost per sample, per suite",
		       "cost per sample (USD)", "cost per sample (USD)", cost_per) != TB_OK ||
	    plot_acc_x(&p, "acc_latency", "Accuracy against mean total time, per suite",
		       "mean total time per sample (s)", "mean total time (s)", lat_mean_s) != TB_OK ||
	    plot_cdf(&p, "cdf_total", "Latency: total time per sample (CDF), per suite",
		     "total time (s)", 0) != TB_OK ||
	    plot_cdf(&p, "cdf_ttfa", "Latency: time to first answer token (CDF), per suite",
		     "time to first answer token (s)", 1) != TB_OK ||
	    plot_tokens(&p) != TB_OK)
		return TB_ERR;
	if (n_lang && plot_acc_lang(&p, n_lang) != TB_OK)
		return TB_ERR;
	if (n_sweep && plot_acc_budget(&p, n_sweep) != TB_OK)
		return TB_ERR;
	if (do_render)
		render(&p, 0);
	if (ps->rendered)
		ps->skipped[0] = '\0';
	return TB_OK;
}
