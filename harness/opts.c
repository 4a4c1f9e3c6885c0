#include "opts.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "nearest.h"
#include "rc.h"

#define MAX_OPTS 64

/* "--sampels=3" is reported as --sampels, with the nearest flag of the table. */
static void unknown_long(const char *arg, const tb_opt *table)
{
	char word[80], hint[128];
	const char *name = arg;
	tb_nearest nr;

	while (*name == '-')
		name++;
	snprintf(word, sizeof(word), "%.*s", (int)strcspn(name, "="), name);
	tb_nearest_init(&nr, word);
	for (size_t i = 0; table[i].name; i++)
		tb_nearest_offer(&nr, table[i].name);
	tb_nearest_offer(&nr, "help");
	tb_nearest_hint(&nr, "--", hint, sizeof(hint));
	if (*hint)
		tb_error("unknown flag --%s%s", word, hint);
	else
		tb_error("unknown flag --%s (see --help)", word);
}

int tb_opts_next(int argc, char **argv, const tb_opt *table, const char **optarg_out, int reset)
{
	struct option longopts[MAX_OPTS + 2];
	char shortopts[MAX_OPTS * 2 + 4];
	size_t n = 0, s = 0;
	int c;

	shortopts[s++] = ':'; /* report a missing argument as ':' */
	for (; table[n].name && n < MAX_OPTS; n++) {
		longopts[n].name = table[n].name;
		longopts[n].has_arg = table[n].arg ? required_argument : no_argument;
		longopts[n].flag = NULL;
		longopts[n].val = table[n].key;
		if (table[n].key > 0 && table[n].key < 256) {
			shortopts[s++] = (char)table[n].key;
			if (table[n].arg)
				shortopts[s++] = ':';
		}
	}
	longopts[n] = (struct option){"help", no_argument, NULL, 'h'};
	longopts[n + 1] = (struct option){0, 0, 0, 0};
	shortopts[s++] = 'h';
	shortopts[s] = '\0';

	if (reset) {
		optind = 0;
		opterr = 0;
	}
	c = getopt_long(argc, argv, shortopts, longopts, NULL);
	*optarg_out = optarg;
	if (c == ':') {
		tb_error("option '%s' needs a value", argv[optind - 1]);
		return '?';
	}
	if (c == '?') {
		if (optopt && optopt < 256)
			tb_error("unknown option '-%c' (see --help)", optopt);
		else
			unknown_long(argv[optind - 1], table);
		return '?';
	}
	return c;
}

void tb_opts_help(FILE *f, const char *usage, const char *summary, const tb_opt *table)
{
	fprintf(f, "usage: thinkbench %s\n\n%s\n\noptions:\n", usage, summary);
	for (size_t i = 0; table[i].name; i++) {
		char left[64];

		if (table[i].key > 0 && table[i].key < 256)
			snprintf(left, sizeof(left), "-%c, --%s%s%s", table[i].key, table[i].name,
				 table[i].arg ? " " : "", table[i].arg ? table[i].arg : "");
		else
			snprintf(left, sizeof(left), "    --%s%s%s", table[i].name,
				 table[i].arg ? " " : "", table[i].arg ? table[i].arg : "");
		fprintf(f, "  %-28s %s\n", left, table[i].help);
	}
	fprintf(f, "  %-28s %s\n", "-h, --help", "show this help");
}

int tb_opt_long(const char *name, const char *s, long min, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return tb_error("option '--%s' expects a whole number from %ld to %ld, not '%s'",
				name, min, max, s);
	*out = v;
	return TB_OK;
}

int tb_opt_double(const char *name, const char *s, double min, double max, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || isnan(v) || v < min || v > max)
		return tb_error("option '--%s' expects a number from %g to %g, not '%s'", name, min,
				max, s);
	*out = v;
	return TB_OK;
}
