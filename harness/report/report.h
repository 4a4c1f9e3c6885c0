/* The aggregation every report format reads (the output wing, harness/report/:
 * this module, then report_table, report_csv, report_json, report_md,
 * report_junit, plot and html, each reading the report struct made here).
 *
 * Reports read only the store. report_load() walks the cells and the samples
 * once and aggregates per cell (suite x model x mode x budget); no sample row
 * is kept, only each cell's latencies (for percentiles).
 *
 * Accuracy is correct / graded, where graded = correct + incorrect + partial
 * + no_answer + truncated: every sample that got a response the grader could
 * judge, a truncated or unextractable answer counting as wrong and a partial
 * one as not correct. Errors (no usable response: a harness or transport
 * failure, HACKING.md, rule 13) and ungraded samples are kept out of the
 * accuracy and shown in their own counts. The interval is Wilson's at 95%.
 *
 * Latency percentiles and token means are over the samples that did not end
 * in error and whose value is known. Answer tokens are completion minus
 * reasoning tokens, unknown when either is. The cost is the sum of the known
 * costs, errors included (a failed request may still be billed); cost_unknown
 * counts the samples without one.
 *
 * Samples come from the store ordered by suite and item, so every sample of
 * one item passes by together: the per-item numbers (pass@k, maj@k, the
 * interval clustered by item, the thinking/non-thinking pairs) are made when
 * an item ends, and only one item's samples are held at a time.
 *
 * Per item, over its graded samples (n_i of them, c_i correct):
 *  - pass@1 and pass@k: the mean over items of the unbiased estimator
 *    1 - C(n_i-c_i, k)/C(n_i, k), k = the fewest graded samples of an item;
 *  - maj@k: the share of items whose most frequent non-empty extracted
 *    answer (ties: the first seen) was graded correct;
 *  - the clustered interval: the cluster-robust (CR1) standard error of the
 *    accuracy with items as clusters (stats_cluster_ci), given only when some
 *    item has more than one sample, since with one it equals the plain one.
 * Thinking against non-thinking (report_pair): for each suite x model with
 * both modes, every think budget against the model's non-thinking cell (the
 * lowest budget), on the items graded in both: d_i = mean correctness in think
 * - in nothink, the mean of d_i with a paired t interval (stats_paired_ci).
 * An item "flips up" when more than half its think samples and at most half
 * its nothink samples are correct, "down" the other way round. The ratios
 * (think / nothink) are of the two cells' mean total time, mean completion
 * tokens and cost per sample; the extra cost (seconds) per extra correct
 * answer is the difference in cost (mean time) per sample divided by the
 * difference in accuracy, NAN when thinking is not more accurate.
 *
 * Output tokens per second: the sum of completion tokens over the sum of
 * generation times (total - ttft) of the samples where all three are known.
 *
 * Breakdowns: by_lang and by_tag are report_cell rows per suite x language
 * (or tag) x model x mode x budget: suite holds the suite, group the language
 * or the tag. Their clustered interval treats items as clusters as the cells'
 * does; maj@k is not kept for them (NAN). Tags come from the items the run
 * stored (only the ids and tags of suites with tags are kept); a store made
 * before items were stored has no tags (tags_missing).
 *
 * Every aggregate is per suite: nothing here pools suites. A summary over
 * suites, where a format shows one, is the macro-average of the suites'
 * numbers with the suites named. */
#ifndef TB_REPORT_H
#define TB_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "sample.h"
#include "store.h"

typedef struct report_cell {
	char *suite, *model, *mode;  /* owned by the report */
	char *group;                 /* by_lang / by_tag: the language or the tag, owned;
				      * NULL in cells */
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

	/* the full set, filled by report_load() too */
	long wrong_lang;                 /* lang_check == GR_LANG_WRONG */
	long items;                      /* distinct items with a graded sample */
	long max_per_item;               /* most graded samples of one item */
	double acc_clu_lo, acc_clu_hi;   /* clustered by item; NAN unless max_per_item > 1 */
	long pass_k;                     /* k of pass_at_k and maj_at_k: 0 when no item */
	double pass_at_1, pass_at_k, maj_at_k; /* 0..1, NAN when no item */
	double total_mean, total_p99, ttft_p99, ttfa_p90, ttfa_p99; /* ms */
	double out_tps;                  /* completion tokens per second of generation */
	double prompt_total, completion_total, reasoning_total; /* sums of the known */
	double cost_per_sample, cost_per_correct; /* NAN when no sample / no correct one */
	double *total_ms, *ttfa_ms;      /* ascending known values, owned; for CDFs; NULL
					  * (and n 0) in by_lang and by_tag */
	size_t n_total_ms, n_ttfa_ms;
} report_cell;

/* One item right (by majority of its samples) in one mode only. */
typedef struct report_flip {
	char *item_id;                   /* owned */
	int up;                          /* 1: right only with thinking; 0: only without */
	double think, nothink;           /* the item's accuracy in each mode, 0..1 */
} report_flip;

typedef struct report_pair {
	size_t think, nothink;           /* indices into report.cells */
	long items;                      /* items graded in both */
	double diff, diff_lo, diff_hi;   /* accuracy think - nothink, 0..1 scale */
	long flip_up, flip_down;         /* items right only with thinking, only without */
	report_flip *flips;              /* all of them (flip_up + flip_down), in item
					  * order; owned */
	double latency_ratio, token_ratio, cost_ratio;
	double extra_cost_per_correct, extra_secs_per_correct;
} report_pair;

typedef struct report {
	report_cell *cells;          /* sorted by suite, model, mode, budget */
	size_t n;
	long samples;                /* stored samples in all cells */
	report_cell *by_lang, *by_tag; /* sorted by suite, group, model, mode, budget */
	size_t n_lang, n_tag;
	report_pair *pairs;          /* sorted by suite, model, think budget */
	size_t n_pairs;
	int tags_missing;            /* the store has no items (made before they were stored) */
	long regraded;               /* samples with a re-grade (grading 1) */
	char regraded_at[40];        /* the latest re-grade's time, "" when none */
	char regrade_versions[256];  /* the re-grades' distinct grader versions, space-
				      * separated ("?" for an unknown one), cut at the size */
	struct report_items *items;  /* tags by item from the store, and the store for prompts */
} report;

/* The prompt text of an item, as the run stored it; NULL when unknown. Read
 * from the store given to report_load(), which must stay open. Borrowed
 * from r until the next call or report_free(). */
const char *report_prompt(const report *r, const char *suite, const char *item_id);

/* Aggregates the store. On success *out is a report the caller frees with
 * report_free(); on failure *out is NULL and err says why. */
int report_load(tb_store *st, report **out, char *err, size_t errlen);
void report_free(report *r);
/* A cell the model could not run (it has no such mode): every format lists
 * these once, in a line, never as a row of numbers. */
int report_cell_unsupported(const report_cell *c);

/* The lines every format's header carries, one rule for all: "" when they
 * do not apply. The re-grade line says how many samples were re-graded,
 * when, and with which grader versions; the time-scale line, for a simulated
 * run, the simulator's time scale (stored in the run options). */
void report_regrade_line(const report *r, char *buf, size_t len);
void report_time_scale_line(const tb_run_info *run, char *buf, size_t len);
/* Header line `which` of every format, in this order; "" when it does not
 * apply. */
enum { REPORT_HEADER_REGRADE, REPORT_HEADER_TIME_SCALE, REPORT_HEADER_LINES };
void report_header_line(const report *r, const tb_run_info *run, int which, char *buf, size_t len);

/* The first line of every format of a simulated run's report. */
#define REPORT_SIMULATED_LINE \
	"SIMULATED RUN: answers come from thinkbench's built-in simulator, not a model"

#endif
