/* thinkbench merge SHARD_RUN... --out RUN [--allow-partial]: the shards of
 * one plan (run --shard I/N) into one run folder. The logic is merge.c's. */
#include <stdio.h>
#include <stdlib.h>

#include "cmds.h"
#include "log.h"
#include "merge.h"
#include "opts.h"
#include "rc.h"

enum { OPT_OUT = 256, OPT_ALLOW_PARTIAL };

static const tb_opt options[] = {
	{"out", OPT_OUT, "RUN", "the merged run's folder (must not exist; its name is the run id)"},
	{"allow-partial", OPT_ALLOW_PARTIAL, NULL, "merge even with shards or samples missing; the run is marked partial"},
	{0},
};

static const char usage_line[] = "merge SHARD_RUN... --out RUN [--allow-partial]";
static const char summary[] =
	"Join the run folders made by 'thinkbench run --shard I/N' (one per shard of one plan) into\n"
	"one run that report, compare and grade read like any other. The shards must have the same\n"
	"plan hash, suites, models file and options, and together hold every planned sample once;\n"
	"otherwise one line names the missing or duplicate shards and samples and nothing is\n"
	"written. The same shards always merge into the same store.\n"
	"Exit codes: 0 merged, 1 the merged store could not be written, 2 bad usage or shards\n"
	"that do not make one plan.";

int cmd_merge(int argc, char **argv)
{
	merge_opts mo = {0};
	merge_result res;
	const char *arg;
	char err[2048];
	int c, first = 1, rc;

	while ((c = tb_opts_next(argc, argv, options, &arg, first)) != -1) {
		first = 0;
		switch (c) {
		case OPT_OUT:
			mo.out = arg;
			break;
		case OPT_ALLOW_PARTIAL:
			mo.allow_partial = 1;
			break;
		case 'h':
			tb_opts_help(stdout, usage_line, summary, options);
			return TB_EXIT_OK;
		default:
			return TB_EXIT_USAGE;
		}
	}
	if (!mo.out) {
		tb_error("merge needs --out RUN (the merged run's folder)");
		return TB_EXIT_USAGE;
	}
	mo.shards = (const char *const *)argv + optind;
	mo.n_shards = (size_t)(argc - optind);
	rc = merge_shards(&mo, &res, err, sizeof(err));
	if (rc != TB_OK) {
		tb_error("%s", err);
		return rc == TB_PARSE ? TB_EXIT_USAGE : TB_EXIT_FATAL;
	}
	printf("merged %zu shard%s: %ld of %ld planned samples%s\nrun folder: %s\n", mo.n_shards,
	       mo.n_shards > 1 ? "s" : "", res.samples, res.planned, res.partial ? " (partial)" : "", mo.out);
	return TB_EXIT_OK;
}
