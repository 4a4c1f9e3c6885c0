/* Loader for grader case files (tests/data/<grader>.test), shared by the
 * grader tests; header-only because each test links only testutil.c.
 *
 * Format (jq.test's grouped lines): blocks of lines separated by blank
 * lines. Outside a block, a line starting with '#' is a comment. In a block:
 *   line 1  the grader spec, JSON on one line
 *   line 2  OUTCOME LANG REFERENCE
 *           OUTCOME: correct, incorrect, partial, no_answer or error (the
 *           grader returned TB_ERR), optionally followed by /ok or /wrong
 *           for the language check (the spec then has "check_lang": true);
 *           LANG: the item's language, "-" for none; REFERENCE: the rest of
 *           the line, "-" for none.
 *           Or: compile_error TEXT: compiling the spec fails with a message
 *           containing TEXT.
 *   line 3+ the answer, lines joined with "\n" (so it has no blank line).
 */
#ifndef TB_GRCASE_H
#define TB_GRCASE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grader.h"
#include "rc.h"
#include "testutil.h"

#define GRCASE_MAX_LINES 64

typedef struct grcase_stats {
	int cases, failures;
} grcase_stats;

static const char *grcase_word(const char **p, char *buf, size_t cap)
{
	size_t k = 0;

	while (**p == ' ')
		(*p)++;
	while (**p && **p != ' ' && k + 1 < cap)
		buf[k++] = *(*p)++;
	buf[k] = '\0';
	while (**p == ' ')
		(*p)++;
	return buf;
}

static int grcase_fail(const char *file, int line, const char *fmt, const char *a, const char *b,
		       const gr_result *r)
{
	printf("%s:%d: ", file, line);
	printf(fmt, a, b);
	if (r)
		printf(" (extracted '%s', reason '%s')", r->extracted, r->reason);
	printf("\n");
	return 1;
}

/* Runs one block; returns 1 when it failed. */
static int grcase_block(const char *file, int line, char **lines, int n)
{
	char outcome[32], lang[32], want_lang[16] = "", err[256] = "", *answer, *slash;
	const char *p = lines[1], *ref;
	json_error_t jerr;
	json_t *spec;
	gr_grader *g = NULL;
	gr_result r;
	gr_input in;
	size_t total = 1;
	int failed = 0, rc;

	spec = json_loads(lines[0], 0, &jerr);
	if (!spec)
		return grcase_fail(file, line, "bad spec JSON: %s%s", jerr.text, "", NULL);
	grcase_word(&p, outcome, sizeof(outcome));
	if (strcmp(outcome, "compile_error") == 0) {
		if (gr_compile(spec, &g, err, sizeof(err)) == TB_OK)
			failed = grcase_fail(file, line, "compiled, expected an error with '%s'%s", p, "", NULL);
		else if (!strstr(err, p))
			failed = grcase_fail(file, line, "error '%s' lacks '%s'", err, p, NULL);
		gr_free(g);
		json_decref(spec);
		return failed;
	}
	slash = strchr(outcome, '/');
	if (slash) {
		*slash = '\0';
		snprintf(want_lang, sizeof(want_lang), "%s", slash + 1);
	}
	grcase_word(&p, lang, sizeof(lang));
	ref = strcmp(p, "-") == 0 ? NULL : p;
	for (int k = 2; k < n; k++)
		total += strlen(lines[k]) + 1;
	answer = calloc(1, total);
	for (int k = 2; answer && k < n; k++) {
		if (k > 2)
			strcat(answer, "\n");
		strcat(answer, lines[k]);
	}
	if (!answer || gr_compile(spec, &g, err, sizeof(err)) != TB_OK) {
		failed = grcase_fail(file, line, "spec does not compile: %s%s", err, "", NULL);
		goto out;
	}
	in.answer = answer;
	in.expected = ref;
	in.lang = strcmp(lang, "-") == 0 ? NULL : lang;
	in.item_id = "case";
	rc = gr_grade(g, &in, &r);
	if (strcmp(outcome, "error") == 0) {
		if (rc != TB_ERR)
			failed = grcase_fail(file, line, "expected a grader error, got %s%s",
					     gr_verdict_str(r.verdict), "", &r);
		goto out;
	}
	if (rc != TB_OK) {
		failed = grcase_fail(file, line, "grader error: %s%s", r.reason, "", NULL);
		goto out;
	}
	if (strcmp(gr_verdict_str(r.verdict), outcome) != 0)
		failed = grcase_fail(file, line, "expected %s, got %s", outcome, gr_verdict_str(r.verdict), &r);
	if (want_lang[0]) {
		const char *got = r.lang == GR_LANG_OK ? "ok" : r.lang == GR_LANG_WRONG ? "wrong" : "unchecked";

		if (strcmp(got, want_lang) != 0)
			failed = grcase_fail(file, line, "expected language %s, got %s", want_lang, got, &r);
	}
out:
	free(answer);
	gr_free(g);
	json_decref(spec);
	return failed;
}

/* The text of tests/data/<name> (the caller frees it), its path in path;
 * NULL, said on stdout, when it cannot be read. */
static char *grcase_read(const char *name, char *path, size_t cap)
{
	char *text;

	snprintf(path, cap, "%s/tests/data/%s", TB_SOURCE_DIR, name);
	text = tu_read_file(path, NULL);
	if (!text)
		printf("%s: cannot read\n", path);
	return text;
}

/* Runs every case of tests/data/<name>; prints each failure. */
static grcase_stats grcase_run(const char *name)
{
	char path[4096];
	grcase_stats st = {0, 0};
	char *text, *lines[GRCASE_MAX_LINES];
	int n = 0, start = 0, lineno = 0;

	text = grcase_read(name, path, sizeof(path));
	if (!text) {
		st.failures = 1;
		return st;
	}
	/* Bounded by the file: each round consumes one line. */
	for (char *l = text, *nl;; l = nl + 1) {
		int last;

		nl = strchr(l, '\n');
		last = nl == NULL;
		if (nl)
			*nl = '\0';
		lineno++;
		if (*l == '\0' || last) {
			if (*l && n < GRCASE_MAX_LINES)
				lines[n++] = l;
			if (n > GRCASE_MAX_LINES) {
				n = 0;
			} else if (n >= 2) {
				st.cases++;
				st.failures += grcase_block(path, start, lines, n);
			} else if (n == 1) {
				printf("%s:%d: a case needs a spec and an outcome line\n", path, start);
				st.failures++;
			}
			n = 0;
			if (last)
				break;
			continue;
		}
		if (n == 0 && *l == '#')
			continue;
		if (n == 0)
			start = lineno;
		if (n < GRCASE_MAX_LINES) {
			lines[n++] = l;
		} else if (n == GRCASE_MAX_LINES) {
			printf("%s:%d: a case has more than %d lines\n", path, start, GRCASE_MAX_LINES);
			st.failures++;
			n++;
		}
	}
	free(text);
	return st;
}

#endif
