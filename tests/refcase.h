/* Loader for tests/data/stats-reference.tsv, the reference values of the
 * statistics (written by tests/data/stats-reference.py with SciPy and NumPy),
 * shared by check_stats.c and check_pairstats.c; header-only because each
 * test links only testutil.c.
 *
 * A line: kind, inputs, expected values, tolerance, source, tab-separated;
 * inputs and expected values are numbers separated by spaces. Lines starting
 * with '#' are comments. The file belongs to the repository: a missing or
 * malformed file fails the test. */
#ifndef TB_REFCASE_H
#define TB_REFCASE_H

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#define REF_MAX_VALUES 64

typedef struct ref_case {
	char kind[32];
	double in[REF_MAX_VALUES], want[REF_MAX_VALUES];
	size_t n_in, n_want;
	double tol;
	char source[256];
	int line;
} ref_case;

static size_t ref_numbers(char *field, double *out, int line)
{
	size_t n = 0;

	for (char *tok = strtok(field, " "); tok; tok = strtok(NULL, " ")) {
		char *end;

		ck_assert_msg(n < REF_MAX_VALUES, "stats-reference.tsv:%d: more than %d numbers", line, REF_MAX_VALUES);
		out[n] = strtod(tok, &end);
		ck_assert_msg(end != tok && *end == '\0', "stats-reference.tsv:%d: '%s' is not a number", line, tok);
		n++;
	}
	return n;
}

/* Calls fn for every case; returns how many there were. */
static int ref_each(void (*fn)(const ref_case *c, void *ud), void *ud)
{
	char path[1024], buf[8192];
	FILE *f;
	int line = 0, cases = 0;

	snprintf(path, sizeof(path), "%s/tests/data/stats-reference.tsv", TB_SOURCE_DIR);
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	while (fgets(buf, sizeof(buf), f)) {
		char *field[5], *save = NULL;
		ref_case c;
		int k = 0;

		line++;
		buf[strcspn(buf, "\n")] = '\0';
		if (buf[0] == '#' || buf[0] == '\0')
			continue;
		for (char *p = strtok_r(buf, "\t", &save); p && k < 5; p = strtok_r(NULL, "\t", &save))
			field[k++] = p;
		ck_assert_msg(k == 5, "stats-reference.tsv:%d: expected 5 tab-separated fields", line);
		memset(&c, 0, sizeof(c));
		c.line = line;
		snprintf(c.kind, sizeof(c.kind), "%s", field[0]);
		c.n_in = ref_numbers(field[1], c.in, line);
		c.n_want = ref_numbers(field[2], c.want, line);
		c.tol = atof(field[3]);
		snprintf(c.source, sizeof(c.source), "%s", field[4]);
		fn(&c, ud);
		cases++;
	}
	fclose(f);
	return cases;
}

/* Fails the test unless got is within the case's tolerance of want[i]
 * (relative to want when rel). */
static void ref_check(const ref_case *c, size_t i, double got, int rel)
{
	double want = c->want[i], tol = rel ? c->tol * fabs(want) + 1e-300 : c->tol;

	ck_assert_msg(fabs(got - want) <= tol, "stats-reference.tsv:%d: %s value %zu: %.12g, reference %.12g (%s)",
		      c->line, c->kind, i, got, want, c->source);
}

#endif
