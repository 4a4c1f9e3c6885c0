/* Plots with gnuplot. plot_write() writes, into one folder, a data file
 * (NAME.dat) and a gnuplot script (NAME.gp) per plot; each script draws
 * NAME.png and NAME.svg from its data file, so a user can restyle a plot by
 * editing its script and running `gnuplot NAME.gp` in that folder. The data
 * files are written whether or not gnuplot is there.
 *
 * Every plot has one panel per suite (a gnuplot multiplot), showing only the
 * configurations (model x mode x budget) that answered that suite, each in
 * the same colour in every panel. Accuracy has a 95% error bar: the interval
 * clustered by item when items have several samples, else Wilson's.
 *   acc_cost       accuracy against cost per sample, with the suite's Pareto frontier
 *   acc_latency    accuracy against mean total time, with the Pareto frontier
 *   cdf_total      CDF of the total time
 *   cdf_ttfa       CDF of the time to the first answer token
 *   tokens         mean reasoning and answer tokens, stacked bars
 *   acc_lang       accuracy by language (suites with more than one)
 *   acc_budget     accuracy against thinking budget (suites with a budget sweep),
 *                  each model's non-thinking accuracy as a dashed horizontal line
 * and, from each sample's stored thinking metrics (plot_write_thinking()):
 *   acc_tokens     accuracy against reasoning tokens: a thinking configuration's
 *                  items binned by their mean reasoning tokens, Wilson intervals
 *   efficiency     T-hat / T of correct answers per configuration (mode and
 *                  budget): box 25th-75th percentile, whiskers 10th-90th, median
 *   budget_kept    the budget-kept rate against the thinking budget (suites
 *                  with a sweep), the second panel of acc_budget
 * Text from the store reaches a script only through gp_quote(). */
#ifndef TB_PLOT_H
#define TB_PLOT_H

#include <stddef.h>

#include "report.h"
#include "store.h"

#define PLOT_MAX 12

typedef struct plot_set {
	size_t n;                    /* plots whose data and script were written */
	char name[PLOT_MAX][16];     /* "acc_cost", ... */
	char title[PLOT_MAX][96];
	int rendered;                /* gnuplot drew every plot: NAME.png and NAME.svg exist */
	char skipped[256];           /* why nothing was drawn, "" when rendered */
} plot_set;

/* Writes the data and scripts into dir (which must exist) and, when render
 * is set, runs gnuplot there (the program named by $TB_GNUPLOT, default
 * "gnuplot"). A missing or failing gnuplot is not an error: ps->rendered is
 * 0 and ps->skipped says why. TB_ERR only when a file cannot be written. */
int plot_write(const report *r, const tb_run_info *run, const char *dir, int render,
	       plot_set *ps, char *err, size_t errlen);

/* After plot_write(): appends the thinking plots, read from the store's
 * sample_metrics, to ps (nothing when no sample was measured) and, when
 * render is set, draws them; ps->rendered stays 1 only if every plot of ps
 * was drawn. TB_ERR when a file cannot be written or the store read. */
int plot_write_thinking(tb_store *st, const report *r, const tb_run_info *run, const char *dir, int render,
			plot_set *ps, char *err, size_t errlen);

#endif
