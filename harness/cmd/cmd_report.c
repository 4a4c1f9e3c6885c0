/* thinkbench report RUN [--format text,csv] [--out DIR]
 *
 * RUN is a run folder (holding store.sqlite) or a store file. The text table
 * goes to stdout; the CSV files go to --out or the run folder, and their
 * paths to stderr. The store is opened read-only. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmds.h"
#include "log.h"
#include "opts.h"
#include "rc.h"
#include "report.h"
#include "store.h"

enum { OPT_FORMAT = 256, OPT_OUT };
enum { FMT_TEXT = 1, FMT_CSV = 2 };

static const tb_opt options[] = {
	{"format", OPT_FORMAT, "LIST", "text, csv, or both: text,csv (default text)"},
	{"out", OPT_OUT, "DIR", "folder for the CSV files (default: the run folder)"},
	{0},
};

static const char usage_line[] = "report RUN [--format text,csv] [--out DIR]";
static const char summary[] =
	"Summarise a run from its store: accuracy with a 95% Wilson interval, latency,\n"
	"tokens, cost and errors per suite x model x mode x budget. RUN is a run folder\n"
	"(results/<id>/) or its store.sqlite.";

static int parse_formats(const char *list, unsigned *out)
{
	const char *p = list;

	*out = 0;
	/* bounded by the string: each pass consumes one name and its comma */
	while (*p) {
		size_t n = strcspn(p, ",");

		if (n == 4 && strncmp(p, "text", 4) == 0)
			*out |= FMT_TEXT;
		else if (n == 3 && strncmp(p, "csv", 3) == 0)
			*out |= FMT_CSV;
		else
			return tb_error("unknown report format '%.*s' (expected text or csv)", (int)n, p);
		p += n;
		if (*p == ',')
			p++;
	}
	if (!*out)
		return tb_error("option '--format' needs text, csv or both");
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

static int write_csv(tb_store *st, const report *r, const char *dir)
{
	char err[1024];

	if (mkdir(dir, 0755) != 0 && errno != EEXIST) {
		tb_error("cannot create folder '%s': %s", dir, strerror(errno));
		return TB_EXIT_FATAL;
	}
	if (report_write_csv(st, r, dir, err, sizeof(err)) != TB_OK) {
		tb_error("%s", err);
		return TB_EXIT_FATAL;
	}
	tb_note("wrote %s/samples.csv", dir);
	tb_note("wrote %s/summary.csv", dir);
	return TB_EXIT_OK;
}

int cmd_report(int argc, char **argv)
{
	const char *out_dir = NULL, *arg;
	char store_path[4096], run_dir[4096], err[1024];
	unsigned formats = FMT_TEXT;
	tb_run_info run;
	int have_run = 0, rc = TB_EXIT_USAGE, c;
	tb_store *st = NULL;
	report *r = NULL;

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
		if (c == OPT_OUT) {
			out_dir = arg;
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
	if (store_open(store_path, 1, &st, err, sizeof(err)) != TB_OK ||
	    store_get_run(st, &run, err, sizeof(err)) != TB_OK) {
		tb_error("%s", err);
		goto out;
	}
	have_run = 1;
	if (report_load(st, &r, err, sizeof(err)) != TB_OK) {
		tb_error("%s", err);
		goto out;
	}
	rc = TB_EXIT_OK;
	/* main() reports a failed standard output once, for every command */
	if ((formats & FMT_TEXT) && report_print_table(r, stdout, &run) != TB_OK) {
		rc = TB_EXIT_FATAL;
		goto out;
	}
	if (formats & FMT_CSV)
		rc = write_csv(st, r, out_dir ? out_dir : run_dir);
out:
	report_free(r);
	if (have_run)
		store_run_info_release(&run);
	store_close(st);
	return rc;
}
