/* Options are declared once, in a table per command, and that table drives
 * both getopt_long and --help (HACKING.md, rule 3). */
#ifndef TB_OPTS_H
#define TB_OPTS_H

#include <getopt.h>
#include <stdio.h>

typedef struct tb_opt {
	const char *name;   /* long name, without "--" */
	int key;            /* short letter, or a value >= 256 for long-only options */
	const char *arg;    /* NULL: takes no argument; else its name in --help ("N", "PATH") */
	const char *help;
} tb_opt;

/* Walks argv like getopt_long over the table (which ends with a zeroed
 * entry). Returns the key of the next option, with *optarg_out set, -1 at the
 * end (optind then indexes the first operand), or '?' after printing one
 * clear line on stderr for an unknown option or a missing argument. --help is
 * always accepted and returns 'h'. Call with reset=1 on the first call. */
int tb_opts_next(int argc, char **argv, const tb_opt *table, const char **optarg_out, int reset);
/* Prints "usage: thinkbench <usage>", the summary, and every option. */
void tb_opts_help(FILE *f, const char *usage, const char *summary, const tb_opt *table);

/* Parsers for option values: return 0, or print one clear line naming the
 * option and return TB_ERR. */
int tb_opt_long(const char *name, const char *s, long min, long max, long *out);
int tb_opt_double(const char *name, const char *s, double min, double max, double *out);

#endif
