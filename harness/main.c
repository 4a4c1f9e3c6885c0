/* thinkbench: the command table and nothing else (HACKING.md, rule 2). */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "cmds.h"
#include "nearest.h"
#include "rc.h"
#include "redact.h"

static const struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{"run", cmd_run, "ask the models every item of the suites, grade, store"},
	{"report", cmd_report, "summarise a stored run: table, CSV"},
	{"compare", cmd_compare, "compare two runs and fail on a regression"},
	{"grade", cmd_grade, "re-grade a stored run with the current graders"},
	{"merge", cmd_merge, "join the shards of a run (run --shard I/N) into one run"},
	{"list", cmd_list, "list models, suites or runs"},
	{"sim", cmd_sim, "serve the built-in simulator on loopback"},
	{"import", cmd_import, "turn a public benchmark file into a suite"},
	{"view", cmd_view, "serve a viewer of stored runs on loopback"},
	{"cache", cmd_cache, "statistics or pruning of the response cache (run --cache)"},
};

static void usage(FILE *f)
{
	fprintf(f, "usage: thinkbench <command> [options]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\n'thinkbench <command> --help' describes a command's options.\n"
		   "exit codes: 0 done, 1 the run stopped on a fatal error, 2 bad usage or input,\n"
		   "3 finished with samples in error or capped by --max-cost, 130 interrupted (what\n"
		   "finished is stored)\n");
}

/* A core file would hold whatever the process read: the API keys first. */
static int no_core_dumps(void)
{
	const struct rlimit none = {0, 0};

	if (setrlimit(RLIMIT_CORE, &none) != 0 || prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) {
		perror("thinkbench: error: cannot turn core dumps off");
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int rc;

	/* Before anything reads the environment; then the default key is taken
	 * out of it, so that no child of any command inherits it. */
	if (no_core_dumps() != 0)
		return TB_EXIT_FATAL;
	tb_secret_take("OPENROUTER_API_KEY");
	if (argc < 2) {
		usage(stderr);
		return TB_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "version") == 0) {
		printf("thinkbench %s\n", TB_VERSION);
		return TB_EXIT_OK;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return TB_EXIT_OK;
	}
	/* A closed reader (thinkbench report | head) must end us quietly. */
	signal(SIGPIPE, SIG_IGN);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[1], commands[i].name) == 0) {
			rc = commands[i].fn(argc - 1, argv + 1);
			if (fflush(stdout) != 0 || ferror(stdout)) {
				fprintf(stderr, "thinkbench: error: cannot write to standard output\n");
				if (rc == TB_EXIT_OK)
					rc = TB_EXIT_FATAL;
			}
			return rc;
		}
	}
	{
		tb_nearest nr;
		char hint[128];

		tb_nearest_init(&nr, argv[1]);
		for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
			tb_nearest_offer(&nr, commands[i].name);
		tb_nearest_hint(&nr, "", hint, sizeof(hint));
		fprintf(stderr, "thinkbench: error: unknown command '%s'%s%s\n", argv[1], hint,
			*hint ? "" : " (see thinkbench --help)");
	}
	return TB_EXIT_USAGE;
}
