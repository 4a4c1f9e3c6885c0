/* thinkbench report RUN [--format text,csv,json,md,html,junit] [--plots] [--out DIR] [--csv-raw]
 *
 * RUN is a run folder (holding store.sqlite) or a store file. The text table
 * goes to stdout; every other format is a file in --out or the run folder
 * (samples.csv, summary.csv, modes.csv, flips.csv, by_lang.csv, by_tag.csv, report.json,
 * report.md, junit.xml, report.html), plots in its plots/ folder, and the
 * paths written go to stderr. The store is opened read-only. html implies
 * the plots, which it embeds. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmds.h"
#include "claims.h"
#include "csv.h"
#include "html.h"
#include "log.h"
#include "mkpath.h"
#include "opts.h"
#include "plot.h"
#include "rc.h"
#include "preset.h"
#include "report.h"
#include "report_csv.h"
#include "report_json.h"
#include "report_junit.h"
#include "report_md.h"
#include "report_reasoning.h"
#include "report_table.h"
#include "store.h"

enum { OPT_FORMAT = 256, OPT_OUT, OPT_PLOTS, OPT_CSV_RAW, OPT_SLO, OPT_CLAIMS };
enum { FMT_TEXT = 1, FMT_CSV = 2, FMT_JSON = 4, FMT_MD = 8, FMT_HTML = 16, FMT_JUNIT = 32 };

static const struct {
	const char *name;
	unsigned bit;
} format_names[] = {
	{"text", FMT_TEXT}, {"csv", FMT_CSV}, {"json", FMT_JSON},
	{"md", FMT_MD}, {"html", FMT_HTML}, {"junit", FMT_JUNIT},
};

static const tb_opt options[] = {
	{"format", OPT_FORMAT, "LIST", "comma-separated: text, csv, json, md, html, junit, or all "
				       "(default text)"},
	{"plots", OPT_PLOTS, NULL, "write plot data and gnuplot scripts to OUT/plots and draw them"},
	{"out", OPT_OUT, "DIR", "folder for the files (default: the run folder)"},
	{"csv-raw", OPT_CSV_RAW, NULL, "write model text that begins with = + - @ TAB or CR into CSV "
				      "as it is (default: after a ', so spreadsheets run no formula)"},
	{"slo", OPT_SLO, "ttfa=2s,total=30s", "goodput: the share of graded samples correct and within "
					     "these latency bounds (ms or s)"},
	{"claims", OPT_CLAIMS, "FILE", "test model card claims (share/claims/qwen-cards.json): a table, "
				       "and the cards' success rates to OUT/claims.json"},
	{0},
};

static const char usage_line[] =
	"report RUN [--format text,csv,json,md,html,junit] [--plots] [--out DIR] [--csv-raw] [--slo SPEC] [--claims FILE]";
static const char summary[] =
	"Summarise a run from its store: accuracy with 95% intervals, pass@k and maj@k,\n"
	"outcomes, latency percentiles, tokens, cost per suite x model x mode x budget,\n"
	"by language and by tag, and thinking against non-thinking on the same items.\n"
	"RUN is a run folder (results/<id>/) or its store.sqlite.";

static int parse_formats(const char *list, unsigned *out)
{
	const char *p = list;

	*out = 0;
	/* bounded by the string: each pass consumes one name and its comma */
	while (*p) {
		size_t n = strcspn(p, ",");

		size_t k, nf = sizeof(format_names) / sizeof(format_names[0]);

		for (k = 0; k < nf; k++)
			if (strlen(format_names[k].name) == n && strncmp(p, format_names[k].name, n) == 0)
				break;
		if (k < nf)
			*out |= format_names[k].bit;
		else if (n == 3 && strncmp(p, "all", 3) == 0)
			*out |= FMT_TEXT | FMT_CSV | FMT_JSON | FMT_MD | FMT_HTML | FMT_JUNIT;
		else
			return tb_error("unknown report format '%.*s' (expected text, csv, json, md, html "
					"or junit)", (int)n, p);
		p += n;
		if (*p == ',')
			p++;
	}
	if (!*out)
		return tb_error("option '--format' needs a list of formats");
	return TB_OK;
}

/* Finds the store and the folder the CSV files go to by default. */
static int resolve_run(const char *run, char *store, size_t storelen, char *dir, size_t dirlen)
{
	struct stat sb;
	const char *slash;
	int n;

	if (stat(run, &sb) != 0)
		return tb_error("no run at '%s': %s", run, strerror(errno));
	if (S_ISDIR(sb.st_mode)) {
		n = snprintf(store, storelen, "%s/store.sqlite", run);
		if (n < 0 || (size_t)n >= storelen)
			return tb_error("run folder name too long: '%s'", run);
		if (stat(store, &sb) != 0)
			return tb_error("run folder '%s' has no store.sqlite", run);
		snprintf(dir, dirlen, "%s", run);
		return TB_OK;
	}
	n = snprintf(store, storelen, "%s", run);
	if (n < 0 || (size_t)n >= storelen)
		return tb_error("store path too long: '%s'", run);
	slash = strrchr(run, '/');
	if (!slash)
		snprintf(dir, dirlen, ".");
	else if (slash == run)
		snprintf(dir, dirlen, "/");
	else
		snprintf(dir, dirlen, "%.*s", (int)(slash - run), run);
	return TB_OK;
}

static int make_dir(const char *dir)
{
	char err[1024];

	if (tb_mkpath(dir, 0755, err, sizeof(err)) != TB_OK)
		return tb_error("%s", err);
	return TB_OK;
}

static int write_csv(tb_store *st, const report *r, const reasoning_report *rr, const tb_run_info *run,
		     const char *dir)
{
	static const char *const names[] = {"samples", "summary", "modes", "flips", "by_lang", "by_tag", "reasoning"};
	char err[1024];

	if (report_write_csv(st, r, dir, err, sizeof(err)) != TB_OK ||
	    report_write_csv_extra(r, run, dir, err, sizeof(err)) != TB_OK ||
	    reasoning_report_csv(rr, run, dir, err, sizeof(err)) != TB_OK)
		return tb_error("%s", err);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		tb_note("wrote %s/%s.csv", dir, names[i]);
	return TB_OK;
}

typedef struct out_ctx {
	tb_store *st;
	const report *r;
	const reasoning_report *rr;
	const tb_run_info *run;
	const plot_set *ps;
	const char *plot_dir;
} out_ctx;

/* The preset the run was asked with (its stored options), NULL for none. */
static const tb_preset *run_preset(const tb_run_info *run)
{
	return preset_find(json_string_value(json_object_get(run->options, "preset")));
}

/* The Markdown formats' own sections after report_write_md()'s. */
static int write_md_extra(const out_ctx *x, FILE *f)
{
	const tb_preset *p = run_preset(x->run);

	if (reasoning_report_md(x->rr, f) != TB_OK)
		return TB_ERR;
	if (p) {
		fputc('\n', f);
		preset_describe(p, f);
	}
	return ferror(f) ? TB_ERR : TB_OK;
}

/* Writes one format to <dir>/<name> through a temporary file and a rename;
 * errors name <dir>/<name>, the path the user asked for. */
static int write_doc(const out_ctx *x, const char *dir, const char *name, unsigned fmt)
{
	char path[4096], tmp[4200], err[1024] = "";
	FILE *f;
	int rc = TB_ERR, n = snprintf(path, sizeof(path), "%s/%s", dir, name);

	if (n < 0 || (size_t)n >= sizeof(path))
		return tb_error("output folder name too long: '%s'", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "wb");
	if (!f)
		return tb_error("cannot write '%s': %s", path, strerror(errno));
	if (fmt == FMT_JSON)
		rc = report_write_json(x->r, x->run, f, err, sizeof(err));
	else if (fmt == FMT_MD)
		rc = report_write_md(x->r, x->run, f, err, sizeof(err)) == TB_OK ? write_md_extra(x, f) : TB_ERR;
	else if (fmt == FMT_JUNIT)
		rc = report_write_junit(x->st, x->r, x->run, f, err, sizeof(err));
	else
		rc = html_write(x->st, x->r, x->run, x->ps, x->plot_dir, f, err, sizeof(err));
	if (fclose(f) != 0 && rc == TB_OK)
		rc = tb_seterr(err, sizeof(err), "cannot write '%s': %s", path, strerror(errno));
	if (rc == TB_OK && rename(tmp, path) != 0)
		rc = tb_seterr(err, sizeof(err), "cannot write '%s': %s", path, strerror(errno));
	if (rc != TB_OK) {
		unlink(tmp);
		return tb_error("%s", err[0] ? err : "cannot write the report");
	}
	tb_note("wrote %s", path);
	return TB_OK;
}

static int write_plots(const out_ctx *x, plot_set *ps, char *plot_dir, size_t len, const char *dir)
{
	char err[1024];
	int n = snprintf(plot_dir, len, "%s/plots", dir);

	if (n < 0 || (size_t)n >= len)
		return tb_error("output folder name too long: '%s'", dir);
	if (make_dir(plot_dir) != TB_OK)
		return TB_ERR;
	if (plot_write(x->r, x->run, plot_dir, 1, ps, err, sizeof(err)) != TB_OK ||
	    plot_write_thinking(x->st, x->r, x->run, plot_dir, 1, ps, err, sizeof(err)) != TB_OK)
		return tb_error("%s", err);
	if (ps->rendered)
		tb_note("wrote %zu plots (PNG and SVG, with their .dat and .gp) to %s", ps->n, plot_dir);
	else
		tb_warn("%s; data and scripts are in %s", ps->skipped, plot_dir);
	return TB_OK;
}

static int write_files(tb_store *st, const report *r, const reasoning_report *rr, const tb_run_info *run,
		       unsigned formats, int plots, const char *dir)
{
	static const struct {
		unsigned fmt;
		const char *file;
	} docs[] = {
		{FMT_JSON, "report.json"}, {FMT_MD, "report.md"}, {FMT_JUNIT, "junit.xml"},
		{FMT_HTML, "report.html"},
	};
	out_ctx x = {.st = st, .r = r, .rr = rr, .run = run};
	char plot_dir[4200];
	plot_set ps;

	if (make_dir(dir) != TB_OK)
		return TB_ERR;
	if ((formats & FMT_CSV) && write_csv(st, r, rr, run, dir) != TB_OK)
		return TB_ERR;
	if (plots || (formats & FMT_HTML)) {
		if (write_plots(&x, &ps, plot_dir, sizeof(plot_dir), dir) != TB_OK)
			return TB_ERR;
		x.ps = &ps;
		x.plot_dir = plot_dir;
	}
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++)
		if ((formats & docs[i].fmt) && write_doc(&x, dir, docs[i].file, docs[i].fmt) != TB_OK)
			return TB_ERR;
	return TB_OK;
}

/* --claims: the table to stdout, the cards' evidence to <dir>/claims.json. */
static int report_claims(tb_store *st, tb_claims *claims, const tb_run_info *run, const char *dir)
{
	char err[1024], path[4200];
	int n = snprintf(path, sizeof(path), "%s/claims.json", dir);

	if (n < 0 || (size_t)n >= sizeof(path))
		return tb_error("output folder name too long: '%s'", dir);
	if (claims_measure(claims, st, err, sizeof(err)) != TB_OK)
		return tb_error("%s", err);
	if (claims_print(claims, run, stdout) != TB_OK)
		return TB_ERR;
	if (make_dir(dir) != TB_OK)
		return TB_ERR;
	if (claims_write_cards(claims, run, path, err, sizeof(err)) != TB_OK)
		return tb_error("%s", err);
	tb_note("wrote %s", path);
	return TB_OK;
}

int cmd_report(int argc, char **argv)
{
	const char *out_dir = NULL, *arg;
	char store_path[4096], run_dir[4096], err[1024];
	unsigned formats = FMT_TEXT;
	tb_run_info run;
	int have_run = 0, rc = TB_EXIT_USAGE, c, plots = 0;
	tb_store *st = NULL;
	report *r = NULL;
	reasoning_report *rr = NULL;
	tb_claims *claims = NULL;
	const char *claims_path = NULL;
	tb_slo slo;
	int have_slo = 0;

	for (int reset = 1;; reset = 0) {
		c = tb_opts_next(argc, argv, options, &arg, reset);
		if (c == -1)
			break;
		if (c == 'h') {
			tb_opts_help(stdout, usage_line, summary, options);
			return TB_EXIT_OK;
		}
		if (c == OPT_FORMAT && parse_formats(arg, &formats) == TB_OK)
			continue;
		if (c == OPT_PLOTS) {
			plots = 1;
			continue;
		}
		if (c == OPT_OUT) {
			out_dir = arg;
			continue;
		}
		if (c == OPT_CSV_RAW) {
			csv_set_raw(1);
			continue;
		}
		if (c == OPT_CLAIMS) {
			claims_path = arg;
			continue;
		}
		if (c == OPT_SLO) {
			if (slo_parse(arg, &slo, err, sizeof(err)) != TB_OK) {
				tb_error("%s", err);
				return TB_EXIT_USAGE;
			}
			have_slo = 1;
			continue;
		}
		return TB_EXIT_USAGE;
	}
	if (optind >= argc) {
		tb_error("missing RUN (usage: thinkbench %s)", usage_line);
		return TB_EXIT_USAGE;
	}
	if (optind + 1 < argc) {
		tb_error("unexpected argument '%s' (usage: thinkbench %s)", argv[optind + 1], usage_line);
		return TB_EXIT_USAGE;
	}
	if (resolve_run(argv[optind], store_path, sizeof(store_path), run_dir, sizeof(run_dir)) != TB_OK)
		return TB_EXIT_USAGE;
	if (claims_path && claims_load(claims_path, &claims, err, sizeof(err)) != TB_OK) {
		tb_error("%s", err);
		return TB_EXIT_USAGE;
	}
	if (store_open(store_path, 1, &st, err, sizeof(err)) != TB_OK ||
	    store_get_run(st, &run, err, sizeof(err)) != TB_OK) {
		tb_error("%s", err);
		goto out;
	}
	have_run = 1;
	if (report_load(st, &r, err, sizeof(err)) != TB_OK ||
	    reasoning_report_load(st, have_slo ? &slo : NULL, &rr, err, sizeof(err)) != TB_OK) {
		tb_error("%s", err);
		goto out;
	}
	rc = TB_EXIT_OK;
	/* main() reports a failed standard output once, for every command */
	if ((formats & FMT_TEXT) &&
	    (report_print_table(r, stdout, &run) != TB_OK || reasoning_report_text(rr, stdout) != TB_OK)) {
		rc = TB_EXIT_FATAL;
		goto out;
	}
	if ((formats & FMT_TEXT) && run_preset(&run))
		preset_describe(run_preset(&run), stdout);
	if (((formats & ~(unsigned)FMT_TEXT) || plots) &&
	    write_files(st, r, rr, &run, formats, plots, out_dir ? out_dir : run_dir) != TB_OK)
		rc = TB_EXIT_FATAL;
	if (claims && rc == TB_EXIT_OK && report_claims(st, claims, &run, out_dir ? out_dir : run_dir) != TB_OK)
		rc = TB_EXIT_FATAL;
out:
	report_free(r);
	reasoning_report_free(rr);
	claims_free(claims);
	if (have_run)
		store_run_info_release(&run);
	store_close(st);
	return rc;
}
