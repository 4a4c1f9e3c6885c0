/* What thinking cost and bought, per cell (suite x model x mode x budget)
 * and per suite, from each sample's stored metrics (sample_metrics, see
 * traceinfo.h): accuracy with the capped share beside it, the T-hat / T
 * distribution of correct answers, tokens after the first correct
 * statement, found-then-lost, health flag rates, the budget-kept rate and
 * goodput under a latency SLO. Reads only the store.
 *
 * Files: reasoning.csv; sections: text and Markdown. */
#ifndef TB_REPORT_REASONING_H
#define TB_REPORT_REASONING_H

#include <stddef.h>
#include <stdio.h>

#include "store.h"

/* A latency objective; NAN: no bound. */
typedef struct tb_slo {
	double ttfa_ms, total_ms;
} tb_slo;

/* Parses "ttfa=2s,total=30s" (keys ttfa and total, each at most once;
 * values a number with the unit ms or s). TB_ERR with a one-line message. */
int slo_parse(const char *s, tb_slo *out, char *err, size_t errlen);

typedef struct reasoning_report reasoning_report;

/* Walks the store's samples and their metrics; slo may be NULL (no
 * goodput). The caller frees *out with reasoning_report_free(). */
int reasoning_report_load(tb_store *st, const tb_slo *slo, reasoning_report **out, char *err, size_t errlen);
/* 1 when some sample of the run was measured (a store of version 4 whose
 * run ended or was re-graded). */
int reasoning_report_measured(const reasoning_report *r);
/* The section, after the text table / in report.md. */
int reasoning_report_text(const reasoning_report *r, FILE *f);
int reasoning_report_md(const reasoning_report *r, FILE *f);
/* <dir>/reasoning.csv, through a temporary file and a rename. */
int reasoning_report_csv(const reasoning_report *r, const tb_run_info *run, const char *dir, char *err,
			 size_t errlen);
void reasoning_report_free(reasoning_report *r);

#endif
