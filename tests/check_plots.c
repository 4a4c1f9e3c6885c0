/* Plot data and gnuplot scripts from a report made by hand: the Pareto
 * frontier, the units in the labels, a hostile model name in a script, the
 * budget sweep, and what happens with and without gnuplot. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plot.h"
#include "rc.h"
#include "report.h"
#include "store.h"
#include "testutil.h"
#include "traceinfo.h"

#define EVIL "m/y\"q\\ `rm`"

static char err[1024];
static report_cell cells[4], langs[2];
static double lat[4][10];
static report rep;
static tb_run_info run;

static void set_cell(report_cell *c, const char *suite, const char *model, const char *mode,
		     long budget, long correct, double cost, double *lat_ms)
{
	memset(c, 0, sizeof(*c));
	c->suite = (char *)suite;
	c->model = (char *)model;
	c->mode = (char *)mode;
	c->budget = budget;
	snprintf(c->status, sizeof(c->status), "planned");
	c->n = c->graded = 10;
	c->count[TB_OUT_CORRECT] = correct;
	c->count[TB_OUT_INCORRECT] = 10 - correct;
	c->accuracy = correct / 10.0;
	c->cost_usd = cost;
	c->cost_per_sample = cost / 10;
	c->reasoning_mean = budget ? (double)budget / 2 : 0;
	c->answer_mean = 100;
	for (int i = 0; i < 10; i++)
		lat_ms[i] = 100.0 * (i + 1) * (budget ? (double)budget / 256 : 1);
	c->total_ms = c->ttfa_ms = lat_ms;
	c->n_total_ms = c->n_ttfa_ms = 10;
	c->total_mean = lat_ms[4] / 2 + lat_ms[5] / 2;
}

static void setup(void)
{
	tu_dir_setup();
	/* cost per sample: 0.001, 0.005, 0.02, 0.05; accuracy 50, 70, 90, 60 */
	set_cell(&cells[0], "s1", "m/x", "nothink", 0, 5, 0.01, lat[0]);
	set_cell(&cells[1], "s1", "m/x", "think", 512, 7, 0.05, lat[1]);
	set_cell(&cells[2], "s1", "m/x", "think", 2048, 9, 0.2, lat[2]);
	set_cell(&cells[3], "s1", EVIL, "think", 0, 6, 0.5, lat[3]);
	set_cell(&langs[0], "s1", "m/x", "nothink", 0, 6, 0.005, lat[0]);
	langs[0].group = "en";
	set_cell(&langs[1], "s1", "m/x", "nothink", 0, 4, 0.005, lat[0]);
	langs[1].group = "zh";
	memset(&rep, 0, sizeof(rep));
	rep.cells = cells;
	rep.n = 4;
	rep.by_lang = langs;
	rep.n_lang = 2;
	memset(&run, 0, sizeof(run));
	run.simulated = 1;
	snprintf(run.run_id, sizeof(run.run_id), "run-plot");
}

/* A store whose think cells have 12 items of one sample each, measured:
 * item i thought 100 + 10 i tokens; items 0-5 are correct with T-hat / T
 * 0.5, the rest wrong; in the 512 budget cell items 0-2 went over the
 * budget. model3: the fourth cell's model (its name may be hostile). */
static tb_store *make_store(const char *model3)
{
	char path[4300];
	tb_run_info ri = {0};
	tb_store *st = NULL;

	snprintf(path, sizeof(path), "%s/store.sqlite", tu_dir);
	snprintf(ri.run_id, sizeof(ri.run_id), "r");
	snprintf(ri.version, sizeof(ri.version), "0");
	snprintf(ri.started, sizeof(ri.started), "2026-12-05T11:00:00Z");
	snprintf(ri.status, sizeof(ri.status), "done");
	ck_assert_msg(store_create(path, &ri, &st, err, sizeof(err)) == TB_OK, "%s", err);
	for (int c = 1; c < 4; c++)
		for (int i = 0; i < 12; i++) {
			char item[16];
			tb_sample s = {.suite = "s1", .item_id = item, .model = c == 3 ? model3 : "m/x",
				       .mode = "think", .budget = cells[c].budget, .lang = "en",
				       .outcome = i < 6 ? TB_OUT_CORRECT : TB_OUT_INCORRECT, .reasoning = "r",
				       .answer = "a", .finish_reason = "stop", .prompt_tokens = -1,
				       .completion_tokens = -1, .reasoning_tokens = 100 + 10 * i,
				       .cached_tokens = -1, .ttft_ms = NAN, .ttfa_ms = NAN, .total_ms = NAN};
			tb_trace_metrics m;

			memset(&m, 0, sizeof(m));
			snprintf(item, sizeof(item), "i%02d", i);
			m.reasoning_source = TB_TOK_USAGE;
			m.reasoning_tokens = 100 + 10 * i;
			m.first_correct_frac = i < 6 ? 0.5 : NAN;
			m.first_correct_tokens = i < 6 ? 50 + 5 * i : -1;
			m.after_correct_tokens = m.first_correct_tokens < 0 ? -1 : m.reasoning_tokens - m.first_correct_tokens;
			m.reasoning_ms = m.reasoning_tps = m.answer_tps = NAN;
			m.budget_exceeded = c == 1 && i < 3;
			ck_assert_msg(store_put_sample(st, &s, err, sizeof(err)) == TB_OK, "%s", err);
			ck_assert_msg(store_put_metrics(st, &s, &m, err, sizeof(err)) == TB_OK, "%s", err);
		}
	return st;
}

static char *read_plot(const char *name)
{
	char path[4300];
	char *s;

	snprintf(path, sizeof(path), "%s/%s", tu_dir, name);
	s = tu_read_file(path, NULL);
	ck_assert_msg(s != NULL, "no %s", name);
	return s;
}

static int exists(const char *name)
{
	char path[4300];
	struct stat sb;

	snprintf(path, sizeof(path), "%s/%s", tu_dir, name);
	return stat(path, &sb) == 0 && sb.st_size > 0;
}

START_TEST(data_and_scripts)
{
	plot_set ps;
	char *dat, *gp, *front;

	ck_assert_msg(plot_write(&rep, &run, tu_dir, 0, &ps, err, sizeof(err)) == TB_OK, "%s", err);
	/* acc_cost, acc_latency, cdf_total, cdf_ttfa, tokens, acc_lang, acc_budget */
	ck_assert_uint_eq(ps.n, 7);
	ck_assert_int_eq(ps.rendered, 0);
	ck_assert_str_eq(ps.name[5], "acc_lang");
	ck_assert_str_eq(ps.name[6], "acc_budget");
	for (size_t i = 0; i < ps.n; i++) {
		char n[64];

		snprintf(n, sizeof(n), "%s.dat", ps.name[i]);
		ck_assert_msg(exists(n), "%s", n);
		snprintf(n, sizeof(n), "%s.gp", ps.name[i]);
		ck_assert_msg(exists(n), "%s", n);
	}
	dat = read_plot("acc_cost.dat");
	ck_assert_msg(strncmp(dat, "# SIMULATED RUN", 15) == 0, "%.40s", dat);
	front = strstr(dat, "# Pareto frontier");
	ck_assert_ptr_nonnull(front);
	/* the suite's frontier block ends at the blank lines */
	ck_assert_ptr_nonnull(strstr(front, "\n\n"));
	strstr(front, "\n\n")[1] = '\0';
	/* the frontier keeps 0.001/50, 0.005/70, 0.02/90 and drops 0.05/60 */
	ck_assert_ptr_nonnull(strstr(front, "0.001 50\n0.005 70\n0.02 90\n"));
	ck_assert_ptr_null(strstr(front, "0.05 60"));
	gp = read_plot("acc_cost.gp");
	ck_assert_ptr_nonnull(strstr(gp, "set xlabel \"cost per sample (USD)\""));
	ck_assert_ptr_nonnull(strstr(gp, "set ylabel \"accuracy (%)\""));
	/* the backquotes go as octal escapes: gnuplot runs `...` in double quotes */
	ck_assert_ptr_nonnull(strstr(gp, "title \"y\\\"q\\\\ \\140rm\\140 think\""));
	ck_assert_ptr_nonnull(strstr(gp, "set output \"acc_cost.svg\""));
	ck_assert_ptr_nonnull(strstr(gp, "Pareto frontier"));
	/* one panel per suite, error bars on every point */
	ck_assert_ptr_nonnull(strstr(gp, "set multiplot layout 1,1"));
	ck_assert_ptr_nonnull(strstr(gp, "set title \"s1\""));
	ck_assert_ptr_nonnull(strstr(gp, "using 1:2:3:4 with yerrorbars"));
	free(dat);
	free(gp);
	dat = read_plot("acc_budget.dat");
	ck_assert_ptr_nonnull(strstr(dat, "512 70 "));
	ck_assert_ptr_nonnull(strstr(dat, "2048 90 "));
	/* the non-thinking baseline across the budgets */
	ck_assert_ptr_nonnull(strstr(dat, "# \"no thinking\"\n365.714 50\n2867.2 50\n"));
	free(dat);
	dat = read_plot("acc_lang.dat");
	ck_assert_ptr_nonnull(strstr(dat, "\"en\" 60 0 0 - - -"));
	ck_assert_ptr_nonnull(strstr(dat, "\"zh\" 40 0 0 - - -"));
	free(dat);
	dat = read_plot("cdf_total.dat");
	/* m/x nothink: 0.1 s .. 1 s, fractions 0.1 .. 1 */
	ck_assert_ptr_nonnull(strstr(dat, "0.1 0.1\n0.2 0.2\n"));
	free(dat);
}
END_TEST

/* The thinking plots, from a store's sample metrics: accuracy against binned
 * reasoning tokens, T-hat / T boxes, the budget-kept rate. */
START_TEST(thinking_plots)
{
	plot_set ps;
	tb_store *st = make_store(EVIL);
	char *dat, *gp;

	ck_assert_msg(plot_write(&rep, &run, tu_dir, 0, &ps, err, sizeof(err)) == TB_OK, "%s", err);
	ck_assert_msg(plot_write_thinking(st, &rep, &run, tu_dir, 0, &ps, err, sizeof(err)) == TB_OK, "%s", err);
	store_close(st);
	ck_assert_uint_eq(ps.n, 10);
	ck_assert_str_eq(ps.name[7], "acc_tokens");
	ck_assert_str_eq(ps.name[8], "efficiency");
	ck_assert_str_eq(ps.name[9], "budget_kept");
	/* 12 items in 3 bins of 4: 100..130 tokens (mean 115) all right, then
	 * 140..170 half right, then 180..210 all wrong; Wilson intervals */
	dat = read_plot("acc_tokens.dat");
	ck_assert_msg(strstr(dat, "# \"x think 512\"\n115 100 51.01 100 4 4\n155 50 15 85 4 4\n195 0 0 48.99 4 4\n") !=
			      NULL, "%s", dat);
	free(dat);
	gp = read_plot("acc_tokens.gp");
	ck_assert_ptr_nonnull(strstr(gp, "set multiplot layout 1,1"));
	ck_assert_ptr_nonnull(strstr(gp, "set title \"s1\""));
	ck_assert_ptr_nonnull(strstr(gp, "set xlabel \"reasoning tokens per sample (item mean, binned)\""));
	ck_assert_ptr_nonnull(strstr(gp, "using 1:2:3:4 with yerrorlines"));
	ck_assert_ptr_nonnull(strstr(gp, "title \"y\\\"q\\\\ \\140rm\\140 think\""));
	free(gp);
	/* six correct answers at 0.5 in each thinking cell */
	dat = read_plot("efficiency.dat");
	ck_assert_msg(strstr(dat, "0 0.5 0.5 0.5 0.5 0.5 6 \"x think 512\"") != NULL, "%s", dat);
	free(dat);
	gp = read_plot("efficiency.gp");
	ck_assert_ptr_nonnull(strstr(gp, "set title \"s1\""));
	ck_assert_ptr_nonnull(strstr(gp, "with candlesticks whiskerbars"));
	ck_assert_ptr_nonnull(strstr(gp, "set yrange [0:1]"));
	free(gp);
	/* 9 of 12 kept at 512, all at 2048 */
	dat = read_plot("budget_kept.dat");
	ck_assert_msg(strstr(dat, "512 75 46.77 91.11 12\n2048 100 75.75 100 12\n") != NULL, "%s", dat);
	free(dat);
	gp = read_plot("budget_kept.gp");
	ck_assert_ptr_nonnull(strstr(gp, "set ylabel \"budget kept (% of samples)\""));
	free(gp);
}
END_TEST

/* A store with no measured sample adds no thinking plot. */
START_TEST(thinking_plots_need_metrics)
{
	plot_set ps;
	tb_store *st = NULL;
	tb_run_info ri = {0};
	char path[4300];

	snprintf(path, sizeof(path), "%s/store.sqlite", tu_dir);
	snprintf(ri.run_id, sizeof(ri.run_id), "r");
	ck_assert_msg(store_create(path, &ri, &st, err, sizeof(err)) == TB_OK, "%s", err);
	ck_assert_msg(plot_write(&rep, &run, tu_dir, 0, &ps, err, sizeof(err)) == TB_OK, "%s", err);
	ck_assert_msg(plot_write_thinking(st, &rep, &run, tu_dir, 0, &ps, err, sizeof(err)) == TB_OK, "%s", err);
	store_close(st);
	ck_assert_uint_eq(ps.n, 7);
	ck_assert(!exists("acc_tokens.gp"));
}
END_TEST

/* Small dollar values on a linear axis get a few round ticks with just the
 * decimals they need (not gnuplot's own, which ran into one another); values
 * that span more than three times get a log axis. */
START_TEST(ticks_stay_apart)
{
	plot_set ps;
	char *gp;

	for (int i = 0; i < 4; i++)
		cells[i].cost_per_sample = 0.0001 + 0.00005 * i;
	ck_assert_msg(plot_write(&rep, &run, tu_dir, 0, &ps, err, sizeof(err)) == TB_OK, "%s", err);
	gp = read_plot("acc_cost.gp");
	ck_assert_msg(strstr(gp, "set xtics 0,5e-05\nset format x \"%.5f\"") != NULL, "%s", gp);
	ck_assert_ptr_null(strstr(gp, "set logscale x"));
	free(gp);
	cells[0].cost_per_sample = 0.00002;
	ck_assert_msg(plot_write(&rep, &run, tu_dir, 0, &ps, err, sizeof(err)) == TB_OK, "%s", err);
	gp = read_plot("acc_cost.gp");
	ck_assert_ptr_nonnull(strstr(gp, "set logscale x\n"));
	free(gp);
}
END_TEST

START_TEST(without_gnuplot)
{
	plot_set ps;

	setenv("TB_GNUPLOT", "/nonexistent/gnuplot", 1);
	ck_assert_int_eq(plot_write(&rep, &run, tu_dir, 1, &ps, err, sizeof(err)), TB_OK);
	unsetenv("TB_GNUPLOT");
	ck_assert_int_eq(ps.rendered, 0);
	ck_assert_ptr_nonnull(strstr(ps.skipped, "gnuplot not found"));
	ck_assert(exists("tokens.dat") && exists("tokens.gp"));
	ck_assert(!exists("tokens.png"));
}
END_TEST

START_TEST(with_gnuplot)
{
	plot_set ps;
	char *png, *svg;
	tb_store *st;

	if (system("command -v gnuplot >/dev/null 2>&1") != 0) {
		fprintf(stderr, "gnuplot not installed: drawing not checked\n");
		return;
	}
	st = make_store(EVIL);
	ck_assert_int_eq(plot_write(&rep, &run, tu_dir, 1, &ps, err, sizeof(err)), TB_OK);
	ck_assert_msg(plot_write_thinking(st, &rep, &run, tu_dir, 1, &ps, err, sizeof(err)) == TB_OK, "%s", err);
	store_close(st);
	ck_assert_msg(ps.rendered, "%s", ps.skipped);
	ck_assert_str_eq(ps.skipped, "");
	ck_assert_uint_eq(ps.n, 10);
	for (size_t i = 0; i < ps.n; i++) {
		char n[64];

		snprintf(n, sizeof(n), "%s.png", ps.name[i]);
		png = read_plot(n);
		ck_assert_msg(memcmp(png, "\x89PNG", 4) == 0, "%s is no PNG", n);
		free(png);
		snprintf(n, sizeof(n), "%s.svg", ps.name[i]);
		svg = read_plot(n);
		ck_assert_msg(strstr(svg, "<svg") != NULL, "%s is no SVG", n);
		free(svg);
	}
	svg = read_plot("acc_cost.svg");
	ck_assert_ptr_nonnull(strstr(svg, "Accuracy against cost per sample"));
	ck_assert_ptr_nonnull(strstr(svg, "cost per sample (USD)"));
	free(svg);
}
END_TEST

/* A store made elsewhere may hold any run id and model name; drawing its
 * plots must not run a command. Each name below would create a file in the
 * plot folder if it reached gnuplot as a command. */
START_TEST(hostile_names_run_nothing)
{
	static const char *const pwned[] = {"pwned1", "pwned2", "pwned3", "pwned4"};
	plot_set ps;
	tb_store *st;

	if (system("command -v gnuplot >/dev/null 2>&1") != 0) {
		fprintf(stderr, "gnuplot not installed: hostile names not checked\n");
		return;
	}
	snprintf(run.run_id, sizeof(run.run_id), "r\n!touch pwned1\nsystem \"touch pwned2\"\n#");
	cells[3].model = (char *)"m/`touch pwned3`\n!touch pwned4\n";
	st = make_store(cells[3].model);
	ck_assert_int_eq(plot_write(&rep, &run, tu_dir, 1, &ps, err, sizeof(err)), TB_OK);
	ck_assert_msg(plot_write_thinking(st, &rep, &run, tu_dir, 1, &ps, err, sizeof(err)) == TB_OK, "%s", err);
	store_close(st);
	ck_assert_uint_eq(ps.n, 10);
	ck_assert_msg(ps.rendered, "%s", ps.skipped);
	for (size_t i = 0; i < sizeof(pwned) / sizeof(pwned[0]); i++) {
		char path[4300];

		snprintf(path, sizeof(path), "%s/%s", tu_dir, pwned[i]);
		ck_assert_msg(access(path, F_OK) != 0 && access(pwned[i], F_OK) != 0,
			      "a name ran a command: %s exists", pwned[i]);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("plots");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, tu_dir_teardown);
	tcase_set_timeout(tc, 50);
	tcase_add_test(tc, data_and_scripts);
	tcase_add_test(tc, thinking_plots);
	tcase_add_test(tc, thinking_plots_need_metrics);
	tcase_add_test(tc, ticks_stay_apart);
	tcase_add_test(tc, without_gnuplot);
	tcase_add_test(tc, with_gnuplot);
	tcase_add_test(tc, hostile_names_run_nothing);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
