/* thinkbench import KIND FILE...: a public benchmark file into a suite. */
#include <stdio.h>
#include <stdlib.h>

#include "cmds.h"
#include "import.h"
#include "log.h"
#include "opts.h"
#include "rc.h"

enum { OPT_LIMIT = 256, OPT_SAMPLE, OPT_SEED, OPT_TEMPLATE, OPT_OUT, OPT_NAME };

static const tb_opt options[] = {
	{"limit", OPT_LIMIT, "N", "keep the first N items (after --sample)"},
	{"sample", OPT_SAMPLE, "N", "keep N items picked by a seeded shuffle, in file order"},
	{"seed", OPT_SEED, "S", "the seed of --sample (default 1); the same seed picks the same items"},
	{"template", OPT_TEMPLATE, "NAME", "the prompt template (see below; default per kind)"},
	{"out", OPT_OUT, "PATH", "write the suite to PATH (whole or not at all) instead of stdout"},
	{"name", OPT_NAME, "NAME", "the suite's name (default from the kind and the files)"},
	{0},
};

static const char usage_line[] =
	"import KIND FILE... [--limit N] [--sample N [--seed S]] [--template NAME] [--out PATH] [--name NAME]";

int cmd_import(int argc, char **argv)
{
	import_opts o = {.seed = 1};
	import_suite s = {0};
	const char *out = NULL, *arg;
	char err[1024];
	long v;
	int c, first = 1, seed_given = 0, rc = TB_EXIT_USAGE;

	while ((c = tb_opts_next(argc, argv, options, &arg, first)) != -1) {
		first = 0;
		switch (c) {
		case OPT_LIMIT:
			if (tb_opt_long("limit", arg, 1, 100000000, &v) != TB_OK)
				return TB_EXIT_USAGE;
			o.limit = (size_t)v;
			break;
		case OPT_SAMPLE:
			if (tb_opt_long("sample", arg, 1, 100000000, &v) != TB_OK)
				return TB_EXIT_USAGE;
			o.sample = (size_t)v;
			break;
		case OPT_SEED:
			if (tb_opt_long("seed", arg, 0, 0x7fffffffffffffffL, &v) != TB_OK)
				return TB_EXIT_USAGE;
			o.seed = (uint64_t)v;
			seed_given = 1;
			break;
		case OPT_TEMPLATE:
			o.template_name = arg;
			break;
		case OPT_OUT:
			out = arg;
			break;
		case OPT_NAME:
			o.name = arg;
			break;
		case 'h':
			tb_opts_help(stdout, usage_line,
				     "Turns a public benchmark file into a thinkbench suite (JSON Lines):\n"
				     "a header line with the template and grader, then one item per record,\n"
				     "with ids taken from the source. Several files of one kind make one\n"
				     "suite. Errors name file:line and the field, and nothing is written.",
				     options);
			import_help(stdout);
			return TB_EXIT_OK;
		default:
			return TB_EXIT_USAGE;
		}
	}
	if (seed_given && !o.sample) {
		tb_error("option '--seed' needs '--sample N'");
		return TB_EXIT_USAGE;
	}
	if (optind >= argc || !import_kind_known(argv[optind])) {
		if (optind < argc)
			tb_error("unknown kind '%s' (expected gsm8k, math, aime, mgsm, humaneval or mbpp)",
				 argv[optind]);
		else
			tb_error("import what? (usage: thinkbench %s)", usage_line);
		return TB_EXIT_USAGE;
	}
	if (optind + 1 >= argc) {
		tb_error("import %s: expected at least one file (usage: thinkbench %s)", argv[optind],
			 usage_line);
		return TB_EXIT_USAGE;
	}
	if (import_build(argv[optind], (const char *const *)argv + optind + 1,
			 (size_t)(argc - optind - 1), &o, &s, err, sizeof(err)) != TB_OK) {
		tb_error("%s", err);
		goto out;
	}
	if (out) {
		if (import_save(&s, out, err, sizeof(err)) != TB_OK) {
			tb_error("%s", err);
			rc = TB_EXIT_FATAL;
			goto out;
		}
		tb_note("wrote %zu items to '%s'", json_array_size(s.items), out);
	} else if (import_write(&s, stdout) != TB_OK) {
		tb_error("cannot write to standard output");
		rc = TB_EXIT_FATAL;
		goto out;
	}
	rc = TB_EXIT_OK;
out:
	import_suite_release(&s);
	return rc;
}
