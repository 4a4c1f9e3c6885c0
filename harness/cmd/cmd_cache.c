/* thinkbench cache stats|prune: the response cache of `run --cache DIR`. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cache.h"
#include "cmds.h"
#include "log.h"
#include "opts.h"
#include "rc.h"

enum { OPT_DIR = 256, OPT_OLDER };

static const tb_opt options[] = {
	{"cache", OPT_DIR, "DIR", "the cache folder (default $THINKBENCH_CACHE)"},
	{"older-than", OPT_OLDER, "AGE", "prune: entries stored longer ago than AGE (30d, 12h, 90m, 3600s)"},
	{0},
};

static const char usage_line[] = "cache stats|prune [--cache DIR] [--older-than AGE]";

/* "30d", "12h", "90m", "3600s" or plain seconds. */
static int parse_age(const char *s, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || !(v >= 0) || isinf(v))
		goto bad;
	if (!*end || strcmp(end, "s") == 0)
		*out = v;
	else if (strcmp(end, "m") == 0)
		*out = v * 60;
	else if (strcmp(end, "h") == 0)
		*out = v * 3600;
	else if (strcmp(end, "d") == 0)
		*out = v * 86400;
	else
		goto bad;
	return TB_OK;
bad:
	return tb_error("option '--older-than' expects an age such as 30d, 12h, 90m or 3600s, not '%s'", s);
}

static void put_time(const char *label, double t)
{
	char when[32] = "-";
	time_t tt = (time_t)t;
	struct tm tm;

	if (t > 0 && gmtime_r(&tt, &tm))
		strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	printf("%-9s %s\n", label, when);
}

int cmd_cache(int argc, char **argv)
{
	const char *dir = getenv("THINKBENCH_CACHE"), *arg, *verb;
	double age = -1;
	tb_cache *c = NULL;
	char err[1024];
	int k, first = 1, ret = TB_EXIT_USAGE;

	while ((k = tb_opts_next(argc, argv, options, &arg, first)) != -1) {
		first = 0;
		switch (k) {
		case OPT_DIR:
			dir = arg;
			break;
		case OPT_OLDER:
			if (parse_age(arg, &age) != TB_OK)
				return TB_EXIT_USAGE;
			break;
		case 'h':
			tb_opts_help(stdout, usage_line,
				     "stats: entries, size, oldest and newest, hits. prune: removes the\n"
				     "entries older than --older-than. The cache is DIR/" CACHE_FILE ".",
				     options);
			return TB_EXIT_OK;
		default:
			return TB_EXIT_USAGE;
		}
	}
	if (optind + 1 != argc || (strcmp(argv[optind], "stats") && strcmp(argv[optind], "prune"))) {
		tb_error("expected stats or prune (usage: thinkbench %s)", usage_line);
		return TB_EXIT_USAGE;
	}
	verb = argv[optind];
	if (!dir || !*dir) {
		tb_error("which cache? give --cache DIR or set THINKBENCH_CACHE");
		return TB_EXIT_USAGE;
	}
	if (strcmp(verb, "prune") == 0 && age < 0) {
		tb_error("prune needs --older-than AGE (such as 30d)");
		return TB_EXIT_USAGE;
	}
	if (cache_open(dir, 0, &c, err, sizeof(err)) != TB_OK) {
		tb_error("%s", err);
		return TB_EXIT_USAGE;
	}
	if (strcmp(verb, "stats") == 0) {
		tb_cache_stats s;

		if (cache_stats(c, &s, err, sizeof(err)) != TB_OK) {
			tb_error("%s", err);
			goto out;
		}
		printf("%-9s %s/%s\n%-9s %ld\n%-9s %.1f MB of text\n", "cache", dir, CACHE_FILE, "entries",
		       s.entries, "size", s.bytes / 1e6);
		put_time("oldest", s.oldest);
		put_time("newest", s.newest);
		printf("%-9s %ld\n", "hits", s.hits);
	} else {
		long removed;

		if (cache_prune(c, age, &removed, err, sizeof(err)) != TB_OK) {
			tb_error("%s", err);
			goto out;
		}
		printf("removed %ld entries\n", removed);
	}
	ret = TB_EXIT_OK;
out:
	cache_close(c);
	return ret;
}
