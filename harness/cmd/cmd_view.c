/* thinkbench view: serves the live viewer over run stores until SIGINT or
 * SIGTERM. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmds.h"
#include "log.h"
#include "opts.h"
#include "rc.h"
#include "view.h"

enum { OPT_PORT = 256, OPT_OUT };

#define MAX_RUNS 256

static const tb_opt options[] = {
	{"port", OPT_PORT, "N", "port on 127.0.0.1 (default 0: a free one)"},
	{"out", OPT_OUT, "DIR", "without RUN: serve every run in this folder (default results)"},
	{0},
};

static const char usage_line[] = "view [RUN...] [--port N] [--out DIR]";

static int is_run_dir(const char *dir)
{
	char path[4200];
	struct stat sb;

	snprintf(path, sizeof(path), "%s/store.sqlite", dir);
	return stat(path, &sb) == 0 && S_ISREG(sb.st_mode);
}

/* The run folders in out_dir, sorted, as new strings in runs[]. */
static int find_runs(const char *out_dir, char **runs, size_t *n)
{
	struct dirent **names = NULL;
	int count = scandir(out_dir, &names, NULL, alphasort), rc = TB_OK;

	if (count < 0)
		return tb_error("no runs to show: cannot read '%s': %s (give RUN folders, or --out DIR)",
				out_dir, strerror(errno));
	for (int i = 0; i < count; i++) {
		char dir[4096];

		if (rc == TB_OK && names[i]->d_name[0] != '.' && *n < MAX_RUNS) {
			snprintf(dir, sizeof(dir), "%s/%s", out_dir, names[i]->d_name);
			if (is_run_dir(dir) && !(runs[(*n)++] = strdup(dir)))
				rc = tb_error("out of memory");
		}
		free(names[i]);
	}
	free(names);
	if (rc == TB_OK && *n == 0)
		return tb_error("no runs in '%s' (give RUN folders, or --out DIR)", out_dir);
	return rc;
}

int cmd_view(int argc, char **argv)
{
	char *runs[MAX_RUNS];
	const char *out_dir = "results", *arg;
	size_t n = 0;
	tb_view *v = NULL;
	sigset_t set, old;
	char err[1024];
	long port = 0;
	int k, first = 1, sig, ret = TB_EXIT_USAGE;

	while ((k = tb_opts_next(argc, argv, options, &arg, first)) != -1) {
		first = 0;
		switch (k) {
		case OPT_PORT:
			if (tb_opt_long("port", arg, 0, 65535, &port) != TB_OK)
				return TB_EXIT_USAGE;
			break;
		case OPT_OUT:
			out_dir = arg;
			break;
		case 'h':
			tb_opts_help(stdout, usage_line,
				     "Serves a viewer of stored runs on 127.0.0.1 until SIGINT: the runs,\n"
				     "each run's tables, every sample with filters, and the items that\n"
				     "flipped between two runs. Open the URL it prints (it holds a token).\n"
				     "RUN is a run folder (results/<id>/) or its store.sqlite.",
				     options);
			return TB_EXIT_OK;
		default:
			return TB_EXIT_USAGE;
		}
	}
	if (argc - optind > MAX_RUNS) {
		tb_error("too many runs (at most %d)", MAX_RUNS);
		return TB_EXIT_USAGE;
	}
	for (int i = optind; i < argc; i++) {
		if (!(runs[n] = strdup(argv[i]))) {
			tb_error("out of memory");
			goto out;
		}
		n++;
	}
	if (n == 0 && find_runs(out_dir, runs, &n) != TB_OK)
		goto out;

	/* The server's thread inherits the blocked mask, so the signals reach sigwait. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	if (view_start((const char *const *)runs, n, (unsigned short)port, &v, err, sizeof(err)) != TB_OK) {
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		tb_error("%s", err);
		goto out;
	}
	printf("thinkbench view: %zu run%s at %s\n", n, n == 1 ? "" : "s", view_url(v));
	fflush(stdout);
	sigwait(&set, &sig);
	view_stop(v);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	tb_note("view: stopped");
	ret = TB_EXIT_OK;
out:
	for (size_t i = 0; i < n; i++)
		free(runs[i]);
	return ret;
}
