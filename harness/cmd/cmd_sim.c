/* thinkbench sim: serves the built-in simulator until SIGINT or SIGTERM. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "jsonfile.h"
#include "log.h"
#include "opts.h"
#include "rc.h"
#include "sim.h"
#include "sim_hostile.h"
#include "suite.h"

enum {
	OPT_PORT = 256, OPT_SUITE, OPT_TIME_SCALE, OPT_SEED, OPT_THINK_FORMAT, OPT_PROFILES,
	OPT_F429, OPT_F5XX, OPT_FSTALL, OPT_FRESET, OPT_FMALFORMED, OPT_FCUT, OPT_FMID,
	OPT_STALL_S, OPT_RETRY_AFTER, OPT_QUIET, OPT_HOSTILE, OPT_FHOSTILE,
};

#define MAX_SUITE_ARGS 256

static const tb_opt options[] = {
	{"port", OPT_PORT, "N", "port on 127.0.0.1 (default 8089; 0 picks a free one)"},
	{"suite", OPT_SUITE, "PATH", "a suite file or folder whose items it knows (repeatable)"},
	{"time-scale", OPT_TIME_SCALE, "X", "multiplies every delay (default 1; 0 answers at once)"},
	{"seed", OPT_SEED, "N", "seed of every simulated decision (default 1)"},
	{"think-format", OPT_THINK_FORMAT, "F", "where reasoning goes: field, content, tags or lone"},
	{"profiles", OPT_PROFILES, "FILE", "JSON {\"models\": {\"<id>\": {field: value}}} overrides"},
	{"fault-429", OPT_F429, "P", "rate of 429 answers (half without Retry-After)"},
	{"fault-5xx", OPT_F5XX, "P", "rate of 500/502/503 answers"},
	{"fault-stall", OPT_FSTALL, "P", "rate of streams that go silent, then close"},
	{"fault-reset", OPT_FRESET, "P", "rate of connections closed with no answer"},
	{"fault-malformed", OPT_FMALFORMED, "P", "rate of broken JSON bodies or SSE chunks"},
	{"fault-cut", OPT_FCUT, "P", "rate of streams cut before the end"},
	{"fault-midstream", OPT_FMID, "P", "rate of error chunks mid-stream"},
	{"stall-seconds", OPT_STALL_S, "S", "how long a stall lasts (default 30, not scaled)"},
	{"retry-after", OPT_RETRY_AFTER, "S", "Retry-After of a 429 in seconds (default 1)"},
	{"hostile", OPT_HOSTILE, "KIND", "hostile output: huge, binary, badutf8, escapes, deepjson, endless, echokey or mixed"},
	{"fault-hostile", OPT_FHOSTILE, "P", "rate of hostile answers (default 1 with --hostile)"},
	{"quiet", OPT_QUIET, NULL, "no notes on stderr"},
	{0},
};

static const char usage_line[] = "sim [--port N] [--suite PATH]... [--time-scale X] [options]";

static int rate(const char *name, const char *arg, double *out)
{
	return tb_opt_double(name, arg, 0, 1, out);
}

/* Fills c from the options; the paths are borrowed from argv. */
static int parse(int argc, char **argv, sim_config *c, const char **suite_paths, size_t *n_paths,
		 const char **profiles)
{
	const char *arg, *hostile = NULL;
	double hostile_rate = 1;
	char err[256];
	int k, first = 1;
	long v;

	while ((k = tb_opts_next(argc, argv, options, &arg, first)) != -1) {
		int rc = TB_OK;

		first = 0;
		switch (k) {
		case OPT_PORT:
			rc = tb_opt_long("port", arg, 0, 65535, &v);
			c->port = (unsigned short)v;
			break;
		case OPT_SUITE:
			if (*n_paths == MAX_SUITE_ARGS)
				return tb_error("too many --suite options (at most %d)", MAX_SUITE_ARGS);
			suite_paths[(*n_paths)++] = arg;
			break;
		case OPT_TIME_SCALE:
			rc = tb_opt_double("time-scale", arg, 0, 1000, &c->time_scale);
			break;
		case OPT_SEED:
			rc = tb_opt_long("seed", arg, 0, 2147483647L, &v);
			c->seed = (unsigned long)v;
			break;
		case OPT_THINK_FORMAT:
			if (strcmp(arg, "field") && strcmp(arg, "content") && strcmp(arg, "tags") &&
			    strcmp(arg, "lone"))
				return tb_error("option '--think-format' expects field, content, tags or lone, not '%s'", arg);
			c->think_format = arg;
			break;
		case OPT_PROFILES:
			*profiles = arg;
			break;
		case OPT_F429: rc = rate("fault-429", arg, &c->faults.p429); break;
		case OPT_F5XX: rc = rate("fault-5xx", arg, &c->faults.p5xx); break;
		case OPT_FSTALL: rc = rate("fault-stall", arg, &c->faults.p_stall); break;
		case OPT_FRESET: rc = rate("fault-reset", arg, &c->faults.p_reset); break;
		case OPT_FMALFORMED: rc = rate("fault-malformed", arg, &c->faults.p_malformed); break;
		case OPT_FCUT: rc = rate("fault-cut", arg, &c->faults.p_cut); break;
		case OPT_FMID: rc = rate("fault-midstream", arg, &c->faults.p_midstream); break;
		case OPT_STALL_S:
			rc = tb_opt_double("stall-seconds", arg, 0, 86400, &c->faults.stall_s);
			break;
		case OPT_RETRY_AFTER:
			rc = tb_opt_double("retry-after", arg, 0, 86400, &c->faults.retry_after_s);
			break;
		case OPT_QUIET:
			tb_log_quiet(1);
			break;
		case OPT_HOSTILE:
			hostile = arg;
			break;
		case OPT_FHOSTILE: rc = rate("fault-hostile", arg, &hostile_rate); break;
		case 'h':
			tb_opts_help(stdout, usage_line,
				     "Serves OpenAI-compatible chat completions on 127.0.0.1 as the seed\n"
				     "models would, answering the items of the given suites, until SIGINT.",
				     options);
			return 1;
		default:
			return TB_ERR;
		}
		if (rc != TB_OK)
			return TB_ERR;
	}
	if (optind < argc)
		return tb_error("unexpected argument '%s' (usage: thinkbench %s)", argv[optind], usage_line);
	if (hostile && sim_hostile_set(hostile, hostile_rate, err, sizeof(err)) != TB_OK)
		return tb_error("%s", err);
	return TB_OK;
}

int cmd_sim(int argc, char **argv)
{
	const char *suite_paths[MAX_SUITE_ARGS], *profiles_path = NULL;
	size_t n_paths = 0, n_suites = 0, n_items = 0;
	tb_suite **suites = NULL;
	json_t *profiles = NULL;
	sim_server *srv = NULL;
	sigset_t set, old;
	sim_config cfg;
	char err[512];
	int rc, sig, ret = TB_EXIT_USAGE;

	sim_config_defaults(&cfg);
	rc = parse(argc, argv, &cfg, suite_paths, &n_paths, &profiles_path);
	if (rc == 1)
		return TB_EXIT_OK;
	if (rc != TB_OK)
		return TB_EXIT_USAGE;
	if (profiles_path) {
		if (tb_json_file_load(profiles_path, 0, &profiles, err, sizeof(err)) != TB_OK) {
			tb_error("cannot read profiles: %s", err);
			goto out;
		}
		cfg.profiles = profiles;
	}
	for (size_t i = 0; i < n_paths; i++) {
		if (suite_load_path(suite_paths[i], 0, &suites, &n_suites, err, sizeof(err)) != TB_OK) {
			tb_error("%s", err);
			goto out;
		}
	}
	for (size_t i = 0; i < n_suites; i++)
		n_items += suites[i]->n_items;

	/* The server's threads inherit the blocked mask, so the signals reach sigwait. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	if (sim_start(&cfg, suites, n_suites, &srv, err, sizeof(err)) != TB_OK) {
		pthread_sigmask(SIG_SETMASK, &old, NULL);
		tb_error("%s", err);
		ret = TB_EXIT_FATAL;
		goto out;
	}
	fprintf(stderr, "thinkbench sim: listening on http://127.0.0.1:%u/v1 (%zu items from %zu suites)\n",
		sim_port(srv), n_items, n_suites);
	sigwait(&set, &sig);
	tb_note("sim: %s after %ld requests", sig == SIGINT ? "interrupted" : "terminated",
		sim_requests(srv));
	sim_stop(srv);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	ret = TB_EXIT_OK;
out:
	for (size_t i = 0; i < n_suites; i++)
		suite_free(suites[i]);
	free(suites);
	json_decref(profiles);
	return ret;
}
