/* Reports read only the store. report_load() walks the cells and the samples
 * once and aggregates per cell (suite x model x mode x budget); no sample row
 * is kept, only each cell's latencies (for percentiles).
 *
 * Accuracy is correct / graded, where graded = correct + incorrect + partial
 * + no_answer + truncated: every sample that got a response the grader could
 * judge, a truncated or unextractable answer counting as wrong and a partial
 * one as not correct. Errors (no usable response: a harness or transport
 * failure, STYLE.md principle 13) and ungraded samples are kept out of the
 * accuracy and shown in their own counts. The interval is Wilson's at 95%.
 *
 * Latency percentiles and token means are over the samples that did not end
 * in error and whose value is known. Answer tokens are completion minus
 * reasoning tokens, unknown when either is. The cost is the sum of the known
 * costs, errors included (a failed request may still be billed); cost_unknown
 * counts the samples without one. */
#ifndef TB_REPORT_H
#define TB_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "sample.h"
#include "store.h"

typedef struct report_cell {
	char *suite, *model, *mode;  /* owned by the report */
	long budget;
	char status[16];             /* "planned", "not_supported", or "unplanned" when
				      * samples exist with no cell row */
	long n_planned;              /* -1 when unplanned */
	long n;                      /* samples stored */
	long count[TB_OUT_COUNT];    /* per outcome */
	long graded;                 /* the accuracy's denominator (see above) */
	double accuracy, acc_lo, acc_hi; /* 0..1; NAN when graded is 0 */
	double total_p50, total_p90;     /* ms; NAN when none is known */
	double ttft_p50, ttft_p90, ttfa_p50;
	double prompt_mean, completion_mean, reasoning_mean, answer_mean; /* NAN: none known */
	double cost_usd;             /* sum of the known costs */
	long cost_unknown;
	long mode_leaks;
} report_cell;

typedef struct report {
	report_cell *cells;          /* sorted by suite, model, mode, budget */
	size_t n;
	long samples;                /* stored samples in all cells */
} report;

/* Aggregates the store. On success *out is a report the caller frees with
 * report_free(); on failure *out is NULL and err says why. */
int report_load(tb_store *st, report **out, char *err, size_t errlen);
void report_free(report *r);

/* The text table, at most 100 columns wide for usual names (model and suite
 * names are shortened to fit). run may be NULL (no run header); a simulated
 * run's table starts with a line saying so. TB_ERR when writing fails. */
int report_print_table(const report *r, FILE *out, const tb_run_info *run);

/* Writes <dir>/samples.csv (one row per stored sample, streamed from the
 * store) and <dir>/summary.csv (one row per cell of r), RFC 4180. Each file
 * is written beside its final name and renamed into place, so a failure
 * never leaves half a file. Unknown numbers are empty fields. */
int report_write_csv(tb_store *st, const report *r, const char *dir, char *err, size_t errlen);

#endif
