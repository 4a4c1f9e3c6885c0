/* The report as JUnit XML (see report_junit.h). */
#include "report_junit.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "rc.h"
#include "text.h"

/* the answer text kept in a JUnit testcase's system-out */
#define JUNIT_TEXT_MAX 4000

static void xml_put(FILE *f, const char *s, int attr, size_t max)
{
	tb_text_put_markup(f, s, max, attr ? TB_TEXT_XML_ATTR : TB_TEXT_XML);
}

/* ---- JUnit XML ---- */

typedef struct junit_ctx {
	FILE *f;
	const report *r;
	char *cur_suite;
	int failed;
} junit_ctx;

static void suite_counts(const report *r, const char *suite, long c[4])
{
	memset(c, 0, 4 * sizeof(*c));
	for (size_t i = 0; i < r->n; i++) {
		const report_cell *x = &r->cells[i];

		if (strcmp(x->suite, suite) != 0)
			continue;
		c[0] += x->n + report_cell_unsupported(x);
		c[1] += x->count[TB_OUT_INCORRECT] + x->count[TB_OUT_PARTIAL] +
			x->count[TB_OUT_NOANSWER] + x->count[TB_OUT_TRUNCATED];
		c[2] += x->count[TB_OUT_ERROR];
		c[3] += x->count[TB_OUT_UNGRADED] + report_cell_unsupported(x);
	}
}

static void close_suite(junit_ctx *x)
{
	if (!x->cur_suite)
		return;
	/* a mode a model lacks is one skipped case, so the CI shows it */
	for (size_t i = 0; i < x->r->n; i++) {
		const report_cell *c = &x->r->cells[i];

		if (strcmp(c->suite, x->cur_suite) != 0 || strcmp(c->status, "not_supported") != 0)
			continue;
		fputs("  <testcase classname=\"", x->f);
		xml_put(x->f, c->suite, 1, SIZE_MAX);
		fputs("\" name=\"", x->f);
		xml_put(x->f, c->model, 1, SIZE_MAX);
		fputc(' ', x->f);
		xml_put(x->f, c->mode, 1, SIZE_MAX);
		fputs("\"><skipped message=\"not supported\"/></testcase>\n", x->f);
	}
	fputs(" </testsuite>\n", x->f);
	free(x->cur_suite);
	x->cur_suite = NULL;
}

static int open_suite(junit_ctx *x, const char *suite)
{
	long c[4];

	close_suite(x);
	x->cur_suite = strdup(suite);
	if (!x->cur_suite)
		return TB_ERR;
	suite_counts(x->r, suite, c);
	fputs(" <testsuite name=\"", x->f);
	xml_put(x->f, suite, 1, SIZE_MAX);
	fprintf(x->f, "\" tests=\"%ld\" failures=\"%ld\" errors=\"%ld\" skipped=\"%ld\">\n", c[0], c[1],
		c[2], c[3]);
	return TB_OK;
}

static int junit_sample(void *ud, const tb_sample *s)
{
	junit_ctx *x = ud;
	FILE *f = x->f;
	const char *o = tb_outcome_name(s->outcome);

	if ((!x->cur_suite || strcmp(x->cur_suite, s->suite) != 0) && open_suite(x, s->suite) != TB_OK)
		return TB_ERR;
	fputs("  <testcase classname=\"", f);
	xml_put(f, s->suite, 1, SIZE_MAX);
	fputs(".", f);
	xml_put(f, s->model, 1, SIZE_MAX);
	fputs("\" name=\"", f);
	xml_put(f, s->item_id, 1, SIZE_MAX);
	fprintf(f, " %s", s->mode);
	if (s->budget)
		fprintf(f, " budget %ld", s->budget);
	fprintf(f, " #%d\"", s->sample);
	if (isfinite(s->total_ms))
		fprintf(f, " time=\"%.3f\"", s->total_ms / 1000.0);
	fputs(">", f);
	if (s->outcome == TB_OUT_ERROR) {
		fputs("<error message=\"", f);
		xml_put(f, s->error, 1, 1000);
		fputs("\"/>", f);
	} else if (s->outcome == TB_OUT_UNGRADED) {
		fputs("<skipped message=\"ungraded\"/>", f);
	} else if (s->outcome != TB_OUT_CORRECT) {
		fprintf(f, "<failure type=\"%s\" message=\"expected ", o);
		xml_put(f, s->expected, 1, 500);
		fputs(", got ", f);
		xml_put(f, s->extracted && *s->extracted ? s->extracted : "(nothing)", 1, 500);
		fputs("\">", f);
		xml_put(f, s->grade_reason, 0, 2000);
		fputs("</failure>", f);
	}
	if (s->outcome != TB_OUT_CORRECT && s->answer && *s->answer) {
		fputs("<system-out>", f);
		xml_put(f, s->answer, 0, JUNIT_TEXT_MAX);
		fputs("</system-out>", f);
	}
	fputs("</testcase>\n", f);
	return ferror(f) ? TB_ERR : 0;
}

int report_write_junit(tb_store *st, const report *r, const tb_run_info *run, FILE *f,
		       char *err, size_t errlen)
{
	junit_ctx x = {.f = f, .r = r};
	long t = 0, fl = 0, e = 0, sk = 0;
	int rc;

	/* no XML declaration: UTF-8 is the default, and the notice comes first */
	if (run->simulated)
		fprintf(f, "<!-- %s -->\n", REPORT_SIMULATED_LINE);
	for (int h = 0; h < REPORT_HEADER_LINES; h++) {
		char line[512];

		report_header_line(r, run, h, line, sizeof(line));
		if (!*line)
			continue;
		/* a comment may not hold "--": the line goes as escaped text */
		fputs("<!-- ", f);
		for (const char *p = line; *p; p++)
			fputc(*p == '-' && p[1] == '-' ? '_' : *p, f);
		fputs(" -->\n", f);
	}
	for (size_t i = 0; i < r->n; i++) {
		const report_cell *c = &r->cells[i];
		int ns = report_cell_unsupported(c);

		t += c->n + ns;
		fl += c->count[TB_OUT_INCORRECT] + c->count[TB_OUT_PARTIAL] + c->count[TB_OUT_NOANSWER] +
		      c->count[TB_OUT_TRUNCATED];
		e += c->count[TB_OUT_ERROR];
		sk += c->count[TB_OUT_UNGRADED] + ns;
	}
	fputs("<testsuites name=\"thinkbench ", f);
	xml_put(f, run->run_id, 1, SIZE_MAX);
	fprintf(f, "%s\" tests=\"%ld\" failures=\"%ld\" errors=\"%ld\" skipped=\"%ld\">\n",
		run->simulated ? " (simulated)" : "", t, fl, e, sk);
	rc = store_each_sample(st, junit_sample, &x, err, errlen);
	close_suite(&x);
	fputs("</testsuites>\n", f);
	if (rc != 0)
		return err[0] ? TB_ERR : tb_seterr(err, errlen, "cannot write the JUnit report");
	if (ferror(f))
		return tb_seterr(err, errlen, "cannot write the JUnit report");
	return TB_OK;
}
