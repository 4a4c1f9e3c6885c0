/* thinkbench list models|suites|runs */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmds.h"
#include "log.h"
#include "models.h"
#include "nearest.h"
#include "opts.h"
#include "rc.h"
#include "runlock.h"
#include "store.h"
#include "suite.h"

enum { OPT_MODELS = 256, OPT_OUT };

static const tb_opt options[] = {
	{"models", OPT_MODELS, "FILE", "with 'models': add or override models from FILE"},
	{"out", OPT_OUT, "DIR", "with 'runs': the folder of run folders (default results)"},
	{0},
};

static const char usage_line[] = "list models|suites [PATH...]|runs [--out DIR]";

static void modes_text(unsigned modes, char *out, size_t n)
{
	snprintf(out, n, "%s%s%s", modes & TB_MODE_BIT(TB_MODE_THINK) ? "think" : "",
		 modes == (TB_MODE_BIT(TB_MODE_THINK) | TB_MODE_BIT(TB_MODE_NOTHINK)) ? "," : "",
		 modes & TB_MODE_BIT(TB_MODE_NOTHINK) ? "nothink" : "");
}

static int list_models(const char *models_file)
{
	tb_models ms;
	char err[512];

	if (models_builtin(&ms, "https://openrouter.ai/api/v1", err, sizeof(err)) != TB_OK)
		return tb_error("%s", err), TB_EXIT_FATAL;
	if (models_file && models_load_file(&ms, models_file, err, sizeof(err)) != TB_OK) {
		models_release(&ms);
		tb_error("%s", err);
		return TB_EXIT_USAGE;
	}
	printf("%-34s %-10s %-13s %9s %9s  %s\n", "model", "dialect", "modes", "$/M in", "$/M out",
	       "endpoint");
	for (size_t i = 0; i < ms.n; i++) {
		char modes[32];

		modes_text(ms.v[i].modes, modes, sizeof(modes));
		printf("%-34s %-10s %-13s %9.3f %9.3f  %s\n", ms.v[i].id, tb_dialect_name(ms.v[i].dialect),
		       modes, ms.v[i].price_prompt_per_m, ms.v[i].price_completion_per_m,
		       ms.v[i].base_url);
	}
	models_release(&ms);
	return TB_EXIT_OK;
}

/* Counts of a string key, kept in a JSON object: the set is small. */
static void count_key(json_t *counts, const char *key)
{
	json_t *v = json_object_get(counts, key);

	json_object_set_new(counts, key, json_integer(v ? json_integer_value(v) + 1 : 1));
}

static void print_counts(const char *label, json_t *counts)
{
	const char *key;
	json_t *v;
	int first = 1;

	printf("    %-6s", label);
	json_object_foreach(counts, key, v) {
		printf("%s%s %lld", first ? " " : ", ", key, (long long)json_integer_value(v));
		first = 0;
	}
	printf("\n");
}

static int list_suites(int n_paths, char **paths)
{
	static char *default_path[] = {"suites"};
	tb_suite **suites = NULL;
	size_t n = 0;
	char err[1024];
	int rc = TB_EXIT_OK;

	if (n_paths == 0) {
		n_paths = 1;
		paths = default_path;
	}
	for (int i = 0; i < n_paths && rc == TB_EXIT_OK; i++) {
		if (suite_load_path(paths[i], 0, &suites, &n, err, sizeof(err)) != TB_OK) {
			tb_error("%s", err);
			rc = TB_EXIT_USAGE;
		}
	}
	for (size_t i = 0; i < n && rc == TB_EXIT_OK; i++) {
		json_t *tags = json_object(), *langs = json_object(), *graders = json_object();
		const tb_suite *s = suites[i];

		for (size_t k = 0; k < s->n_items; k++) {
			const tb_item *it = &s->items[k];
			size_t t;
			json_t *tag;

			json_array_foreach(it->tags, t, tag)
				count_key(tags, json_string_value(tag));
			count_key(langs, it->lang ? it->lang : "-");
			count_key(graders, it->grader ? gr_name(it->grader) : "none");
		}
		printf("%s  %zu items  %s\n", s->name, s->n_items, s->path);
		if (s->description)
			printf("    %s\n", s->description);
		print_counts("grader", graders);
		print_counts("lang", langs);
		print_counts("tags", tags);
		json_decref(tags);
		json_decref(langs);
		json_decref(graders);
	}
	for (size_t i = 0; i < n; i++)
		suite_free(suites[i]);
	free(suites);
	return rc;
}

static int run_dir_filter(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* A run whose store cannot be read: its folder's name and the reason, with
 * control bytes shown as '?' (the name and the message may hold anything). */
static void print_corrupt(const char *name, const char *reason)
{
	char shown[1024];

	snprintf(shown, sizeof(shown), "%-28s %-12s %s", name, "corrupt", reason);
	for (char *p = shown; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	printf("%s\n", shown);
}

static int list_runs(const char *out_dir)
{
	struct dirent **names = NULL;
	int count = scandir(out_dir, &names, run_dir_filter, alphasort);

	if (count < 0) {
		if (errno == ENOENT) {
			printf("no runs in '%s'\n", out_dir);
			return TB_EXIT_OK;
		}
		tb_error("cannot list '%s': %s", out_dir, strerror(errno));
		return TB_EXIT_USAGE;
	}
	printf("%-28s %-12s %-4s %8s  %-20s %s\n", "run", "status", "sim", "samples", "started",
	       "command");
	for (int i = 0; i < count; i++) {
		char dir[4096], path[4200], err[512];
		tb_store *st;
		tb_run_info info;

		snprintf(dir, sizeof(dir), "%s/%s", out_dir, names[i]->d_name);
		snprintf(path, sizeof(path), "%s/store.sqlite", dir);
		/* a folder without a store is no run; a store that cannot be read is
		 * shown, with why, rather than left out */
		if (access(path, F_OK) != 0) {
			free(names[i]);
			continue;
		}
		st = NULL;
		if (store_open(path, 1, &st, err, sizeof(err)) == TB_OK &&
		    store_get_run(st, &info, err, sizeof(err)) == TB_OK) {
			char *cmd = json_dumps(info.cmdline, JSON_COMPACT);

			printf("%-28s %-12s %-4s %8ld  %-20s %s\n", info.run_id,
			       runlock_status(dir, info.status), info.simulated ? "yes" : "no",
			       store_count_samples(st),
			       info.started, cmd ? cmd : "");
			free(cmd);
			store_run_info_release(&info);
		} else {
			print_corrupt(names[i]->d_name, err);
		}
		store_close(st);
		free(names[i]);
	}
	free(names);
	return TB_EXIT_OK;
}

int cmd_list(int argc, char **argv)
{
	const char *models_file = NULL, *out_dir = "results", *arg;
	int c, first = 1;

	while ((c = tb_opts_next(argc, argv, options, &arg, first)) != -1) {
		first = 0;
		switch (c) {
		case OPT_MODELS:
			models_file = arg;
			break;
		case OPT_OUT:
			out_dir = arg;
			break;
		case 'h':
			tb_opts_help(stdout, usage_line,
				     "Lists the models thinkbench knows, the suites in a folder (with\n"
				     "counts by grader, language and tag), or the runs in a results folder.",
				     options);
			return TB_EXIT_OK;
		default:
			return TB_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		tb_error("list what? expected models, suites or runs (usage: thinkbench %s)", usage_line);
		return TB_EXIT_USAGE;
	}
	if (strcmp(argv[optind], "models") == 0)
		return list_models(models_file);
	if (strcmp(argv[optind], "suites") == 0)
		return list_suites(argc - optind - 1, argv + optind + 1);
	if (strcmp(argv[optind], "runs") == 0)
		return list_runs(out_dir);
	{
		static const char *const what[] = {"models", "suites", "runs"};
		tb_nearest nr;
		char hint[64];

		tb_nearest_init(&nr, argv[optind]);
		for (size_t i = 0; i < sizeof(what) / sizeof(what[0]); i++)
			tb_nearest_offer(&nr, what[i]);
		tb_nearest_hint(&nr, "", hint, sizeof(hint));
		tb_error("cannot list '%s': expected models, suites or runs%s", argv[optind], hint);
	}
	return TB_EXIT_USAGE;
}
