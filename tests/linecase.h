/* Loader for one-line grader cases (tests/data/<name>.cases), shared by the
 * math and numeric tests; header-only because each test links only
 * testutil.c.
 *
 * Format: one case a line, four fields separated by tabs:
 *   ANSWER  REFERENCE  VERDICT  CATEGORY
 * ANSWER is the model's answer text, with "⏎" for a line break; VERDICT is
 * correct, incorrect, no_answer or not_correct (incorrect or no_answer: a
 * hedge must not pass, whichever way it fails). Blank lines and comment
 * lines ("# ...", so "#### 72" stays an answer) are skipped. The grader
 * spec is the test's.
 *
 * The run counts cases and passes per category, so the test can print pass
 * rates and require a minimum number of cases in each. */
#ifndef TB_LINECASE_H
#define TB_LINECASE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grader.h"
#include "grcase.h"
#include "rc.h"
#include "testutil.h"

#define LC_MAX_CATS 40

typedef struct lc_cat {
	char name[32];
	int cases, passed;
} lc_cat;

typedef struct lc_stats {
	lc_cat cat[LC_MAX_CATS];
	int ncat, cases, failures;
} lc_stats;

/* Replaces each "⏎" with a line break, in place. */
static void lc_unescape(char *s)
{
	char *o = s;

	for (char *p = s; *p;) {
		if (strncmp(p, "\xe2\x8f\x8e", 3) == 0) {
			*o++ = '\n';
			p += 3;
		} else {
			*o++ = *p++;
		}
	}
	*o = '\0';
}

static lc_cat *lc_category(lc_stats *st, const char *name)
{
	for (int k = 0; k < st->ncat; k++)
		if (strcmp(st->cat[k].name, name) == 0)
			return &st->cat[k];
	if (st->ncat == LC_MAX_CATS)
		return NULL;
	snprintf(st->cat[st->ncat].name, sizeof(st->cat[0].name), "%s", name);
	return &st->cat[st->ncat++];
}

static int lc_verdict_ok(const char *want, gr_verdict got)
{
	if (strcmp(want, "not_correct") == 0)
		return got != GR_CORRECT;
	return strcmp(want, gr_verdict_str(got)) == 0;
}

/* Runs every case of tests/data/<name> through g; prints each failure. */
static lc_stats lc_run(const gr_grader *g, const char *name)
{
	char path[4096];
	lc_stats st;
	char *text;
	int lineno = 0;

	memset(&st, 0, sizeof(st));
	text = grcase_read(name, path, sizeof(path));
	if (!text) {
		st.failures = 1;
		return st;
	}
	/* Bounded by the file: each round consumes one line. */
	for (char *l = text, *nl; l && *l; l = nl ? nl + 1 : NULL) {
		char *f[4];
		int nf = 1;
		lc_cat *c;
		gr_input in = {0};
		gr_result r;

		nl = strchr(l, '\n');
		if (nl)
			*nl = '\0';
		lineno++;
		if (!*l || strcmp(l, "#") == 0 || strncmp(l, "# ", 2) == 0)
			continue;
		f[0] = l;
		for (char *p = l; *p && nf < 4; p++)
			if (*p == '\t') {
				*p = '\0';
				f[nf++] = p + 1;
			}
		if (nf != 4 || strchr(f[3], '\t') || !(c = lc_category(&st, f[3]))) {
			printf("%s:%d: expected ANSWER, REFERENCE, VERDICT and CATEGORY separated by tabs\n", path,
			       lineno);
			st.failures++;
			continue;
		}
		lc_unescape(f[0]);
		in.answer = f[0];
		in.expected = f[1];
		in.lang = "en";
		in.item_id = "case";
		st.cases++;
		c->cases++;
		if (gr_grade(g, &in, &r) != TB_OK) {
			printf("%s:%d: [%s] grader error: %s\n", path, lineno, f[3], r.reason);
			st.failures++;
			continue;
		}
		if (lc_verdict_ok(f[2], r.verdict)) {
			c->passed++;
			continue;
		}
		st.failures++;
		printf("%s:%d: [%s] expected %s, got %s (extracted '%s', path %s, %s)\n", path, lineno, f[3], f[2],
		       gr_verdict_str(r.verdict), r.extracted, r.path, r.reason);
	}
	free(text);
	return st;
}

/* Prints the pass rate of each category; returns the smallest category's
 * case count. */
static int lc_report(const lc_stats *st, const char *name)
{
	int least = st->ncat ? st->cat[0].cases : 0;

	for (int k = 0; k < st->ncat; k++) {
		printf("%s %-16s %3d/%3d\n", name, st->cat[k].name, st->cat[k].passed, st->cat[k].cases);
		if (st->cat[k].cases < least)
			least = st->cat[k].cases;
	}
	printf("%s: %d cases, %d failed\n", name, st->cases, st->failures);
	return least;
}

#endif
