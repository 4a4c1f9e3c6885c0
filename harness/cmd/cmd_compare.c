/* thinkbench compare BASE CAND [--alpha A] [--correction holm|bonferroni|none]
 *   [--max-drop PP] [--max-latency-increase PCT] [--max-cost-increase PCT]
 *   [--pair-models A=B]... [--format FMT[=FILE],...]
 *
 * BASE and CAND are run folders (holding store.sqlite) or store files, opened
 * read-only. Exit 0: nothing regressed; 1: a cell regressed; 2: bad usage or
 * input, or the report could not be written (so a broken compare never
 * reads as a pass). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmds.h"
#include "compare.h"
#include "log.h"
#include "opts.h"
#include "rc.h"
#include "store.h"

enum {
	OPT_ALPHA = 256, OPT_MAX_DROP, OPT_MAX_LAT, OPT_MAX_COST, OPT_FORMAT, OPT_PAIR, OPT_BOOT,
	OPT_SEED, OPT_CORRECTION,
};
enum { FMT_TEXT, FMT_MD, FMT_JUNIT, FMT_JSON, FMT_COUNT };
#define MAX_OUTPUTS 8

static const tb_opt options[] = {
	{"alpha", OPT_ALPHA, "A", "chance of a false alarm over the whole comparison (default 0.05)"},
	{"correction", OPT_CORRECTION, "C", "holm (default), bonferroni or none: how the tests share alpha"},
	{"max-drop", OPT_MAX_DROP, "PP", "tolerated accuracy drop in points: fail only a drop shown beyond it (default 0)"},
	{"max-latency-increase", OPT_MAX_LAT, "PCT", "test mean latency: fail a rise shown beyond PCT%"},
	{"max-cost-increase", OPT_MAX_COST, "PCT", "test mean cost: fail a rise shown beyond PCT%"},
	{"pair-models", OPT_PAIR, "A=B", "compare BASE's model A with CAND's model B (repeatable)"},
	{"format", OPT_FORMAT, "LIST", "text, md, junit, json; NAME=FILE writes a file (default text)"},
	{"bootstrap", OPT_BOOT, "N", "bootstrap resamples (default 2000)"},
	{"seed", OPT_SEED, "N", "bootstrap seed (default fixed: the same runs give the same report)"},
	{0},
};

static const char usage_line[] =
	"compare BASE CAND [--alpha 0.05] [--correction holm] [--max-drop PP]\n"
	"       [--max-latency-increase PCT] [--max-cost-increase PCT] [--pair-models A=B]...\n"
	"       [--format text,md,junit,json]";
static const char summary[] =
	"Pair the items of two runs by suite, item, model, mode and budget (an item's samples in one\n"
	"run against all of its samples in the other), and say per cell whether CAND regressed\n"
	"against BASE: accuracy before and after, the paired difference with Newcombe's 95% interval\n"
	"(a t interval of per-item differences when items have several samples), the items that\n"
	"fell and rose, and the change of mean latency and cost per item with paired-bootstrap 95%\n"
	"intervals. Items in one run only are counted, not compared. With --pair-models only the\n"
	"named models are compared. A format may go to a file: --format\n"
	"text,md=comment.md,junit=junit.xml.\n"
	"\n"
	"What the gate controls: each cell's accuracy is tested one-sided for a drop beyond\n"
	"--max-drop points (exact; McNemar's test at the default 0; a paired sign-flip test on\n"
	"per-item accuracy when items have several samples); with --max-latency-increase or\n"
	"--max-cost-increase, its mean latency or cost for a rise beyond that many percent (paired\n"
	"bootstrap p-value; only when both runs used the same endpoint, -j and streaming mode). All\n"
	"p-values are adjusted together (Holm by default), and a cell regressed when one of its\n"
	"adjusted p-values is at most alpha: an unchanged candidate fails with chance at most alpha\n"
	"however many cells there are. Reports show raw and adjusted p-values.\n"
	"\n"
	"Exit codes: 0 nothing regressed, 1 a cell regressed, 2 bad usage or input (a missing\n"
	"run, a bad option, no sample in common) or the report could not be written.";

typedef struct output {
	int fmt;
	const char *path;   /* NULL: stdout; borrowed from argv */
} output;

/* list is copied into buf (which the outputs' paths then point into). */
static int parse_formats(const char *arg, char *list, size_t listlen, output *outs, size_t *n)
{
	static const char *const names[FMT_COUNT] = {"text", "md", "junit", "json"};
	char *save = NULL;
	int len = snprintf(list, listlen, "%s", arg);

	if (len < 0 || (size_t)len >= listlen)
		return tb_error("option '--format': list too long");
	*n = 0;
	for (char *tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(tok, '=');
		int fmt = -1;

		if (eq)
			*eq = '\0';
		for (int i = 0; i < FMT_COUNT; i++) {
			if (strcmp(tok, names[i]) == 0)
				fmt = i;
		}
		if (fmt < 0)
			return tb_error("unknown compare format '%s' (expected text, md, junit or json)", tok);
		if (eq && !eq[1])
			return tb_error("option '--format': '%s=' needs a file name", tok);
		if (*n == MAX_OUTPUTS)
			return tb_error("option '--format': at most %d outputs", MAX_OUTPUTS);
		outs[*n].fmt = fmt;
		outs[(*n)++].path = eq ? eq + 1 : NULL;
	}
	if (*n == 0)
		return tb_error("option '--format' needs text, md, junit or json");
	return TB_OK;
}

/* Splits A=B into a copy the caller frees (*owned), leaving argv alone. */
static int parse_pair(const char *arg, compare_opts *o, char **owned)
{
	const char *eq = strchr(arg, '=');
	char *copy;

	*owned = NULL;
	if (!eq || eq == arg || !eq[1])
		return tb_error("option '--pair-models' expects BASE_MODEL=CAND_MODEL, not '%s'", arg);
	if (o->n_pairs == COMPARE_MAX_PAIRS)
		return tb_error("option '--pair-models': at most %d pairs", COMPARE_MAX_PAIRS);
	for (size_t i = 0; i < o->n_pairs; i++) {
		if (strlen(o->pair_base[i]) == (size_t)(eq - arg) && strncmp(o->pair_base[i], arg, (size_t)(eq - arg)) == 0)
			return tb_error("option '--pair-models': base model '%.*s' is paired twice", (int)(eq - arg), arg);
		if (strcmp(o->pair_cand[i], eq + 1) == 0)
			return tb_error("option '--pair-models': candidate model '%s' is paired twice", eq + 1);
	}
	copy = strdup(arg);
	if (!copy)
		return tb_error("out of memory");
	copy[eq - arg] = '\0';
	o->pair_base[o->n_pairs] = copy;
	o->pair_cand[o->n_pairs++] = copy + (eq - arg) + 1;
	*owned = copy;
	return TB_OK;
}

static int open_run(const char *run, tb_store **st)
{
	char path[4096], err[1024];
	struct stat sb;
	int n;

	if (stat(run, &sb) != 0)
		return tb_error("no run at '%s': %s", run, strerror(errno));
	if (S_ISDIR(sb.st_mode)) {
		n = snprintf(path, sizeof(path), "%s/store.sqlite", run);
		if (n < 0 || (size_t)n >= sizeof(path))
			return tb_error("run folder name too long: '%s'", run);
		if (stat(path, &sb) != 0)
			return tb_error("run folder '%s' has no store.sqlite", run);
	} else {
		snprintf(path, sizeof(path), "%s", run);
	}
	if (store_open(path, 1, st, err, sizeof(err)) != TB_OK)
		return tb_error("%s", err);
	return TB_OK;
}

static int write_one(const compare_result *r, int fmt, FILE *f)
{
	switch (fmt) {
	case FMT_MD:
		return compare_write_md(r, f);
	case FMT_JUNIT:
		return compare_write_junit(r, f);
	case FMT_JSON:
		return compare_write_json(r, f);
	default:
		return compare_write_text(r, f);
	}
}

/* Writes beside the final name and renames, so a reader never sees half a file. */
static int write_file(const compare_result *r, int fmt, const char *path)
{
	char tmp[4200];
	FILE *f;
	int rc, n = snprintf(tmp, sizeof(tmp), "%s.tmp", path);

	if (n < 0 || (size_t)n >= sizeof(tmp))
		return tb_error("output file name too long: '%s'", path);
	f = fopen(tmp, "w");
	if (!f)
		return tb_error("cannot write '%s': %s", tmp, strerror(errno));
	rc = write_one(r, fmt, f);
	if (fclose(f) != 0)
		rc = TB_ERR;
	if (rc == TB_OK && rename(tmp, path) != 0)
		rc = TB_ERR;
	if (rc != TB_OK) {
		remove(tmp);
		return tb_error("cannot write '%s': %s", path, strerror(errno));
	}
	tb_note("wrote %s", path);
	return TB_OK;
}

int cmd_compare(int argc, char **argv)
{
	compare_opts o;
	output outs[MAX_OUTPUTS] = {{FMT_TEXT, NULL}};
	size_t n_outs = 1;
	const char *arg;
	char err[1024], formats[8192], *pair_copy[COMPARE_MAX_PAIRS] = {0};
	tb_store *base = NULL, *cand = NULL;
	compare_result *r = NULL;
	int rc = TB_EXIT_USAGE, c;
	long v;

	compare_opts_defaults(&o);
	for (int reset = 1;; reset = 0) {
		c = tb_opts_next(argc, argv, options, &arg, reset);
		if (c == -1)
			break;
		switch (c) {
		case 'h':
			tb_opts_help(stdout, usage_line, summary, options);
			rc = TB_EXIT_OK;
			goto out;
		case OPT_ALPHA:
			if (tb_opt_double("alpha", arg, 1e-12, 0.5, &o.alpha) != TB_OK)
				goto out;
			break;
		case OPT_CORRECTION:
			if (strcmp(arg, "holm") == 0) {
				o.correction = PAIRSTATS_HOLM;
			} else if (strcmp(arg, "bonferroni") == 0) {
				o.correction = PAIRSTATS_BONFERRONI;
			} else if (strcmp(arg, "none") == 0) {
				o.correction = PAIRSTATS_NONE;
			} else {
				tb_error("option '--correction' expects holm, bonferroni or none, not '%s'", arg);
				goto out;
			}
			break;
		case OPT_MAX_DROP:
			if (tb_opt_double("max-drop", arg, 0, 99, &o.max_drop_pp) != TB_OK)
				goto out;
			break;
		case OPT_MAX_LAT:
			if (tb_opt_double("max-latency-increase", arg, 0, 1e6, &o.max_latency_pct) != TB_OK)
				goto out;
			break;
		case OPT_MAX_COST:
			if (tb_opt_double("max-cost-increase", arg, 0, 1e6, &o.max_cost_pct) != TB_OK)
				goto out;
			break;
		case OPT_PAIR:
			if (parse_pair(arg, &o, &pair_copy[o.n_pairs]) != TB_OK)
				goto out;
			break;
		case OPT_FORMAT:
			if (parse_formats(arg, formats, sizeof(formats), outs, &n_outs) != TB_OK)
				goto out;
			break;
		case OPT_BOOT:
			if (tb_opt_long("bootstrap", arg, 100, 1000000, &v) != TB_OK)
				goto out;
			o.boot_b = (int)v;
			break;
		case OPT_SEED:
			if (tb_opt_long("seed", arg, 0, 0x7fffffffL, &v) != TB_OK)
				goto out;
			o.seed = (uint64_t)v;
			break;
		default:
			goto out;
		}
	}
	if (argc - optind != 2) {
		tb_error("%s (usage: thinkbench compare BASE CAND [options])",
			 argc - optind < 2 ? "missing BASE or CAND" : "too many arguments");
		goto out;
	}
	if (open_run(argv[optind], &base) != TB_OK || open_run(argv[optind + 1], &cand) != TB_OK)
		goto out;
	if (compare_runs(base, cand, &o, &r, err, sizeof(err)) != TB_OK) {
		tb_error("%s", err);
		goto out;
	}
	if (r->paired == 0) {
		tb_error("no sample of '%s' pairs with one of '%s' (different suites or models? see --pair-models)",
			 argv[optind], argv[optind + 1]);
		goto out;
	}
	if (o.correction == PAIRSTATS_NONE && r->n_tests > 1)
		tb_warn("--correction none: %zu tests over %zu cells, each at alpha %g; with nothing changed, "
			"about %.2g of them fail by chance", r->n_tests, r->n, o.alpha, o.alpha * (double)r->n_tests);
	for (size_t i = 0; i < n_outs; i++) {
		if (outs[i].path ? write_file(r, outs[i].fmt, outs[i].path) != TB_OK
				 : write_one(r, outs[i].fmt, stdout) != TB_OK)
			goto out;
	}
	rc = r->n_regressed ? 1 : TB_EXIT_OK;
out:
	for (size_t i = 0; i < COMPARE_MAX_PAIRS; i++)
		free(pair_copy[i]);
	compare_free(r);
	store_close(cand);
	store_close(base);
	return rc;
}
