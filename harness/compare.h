/* compare: pairs the samples of a base run and a candidate run and says, per
 * cell (suite x model x mode x budget), whether the candidate regressed.
 *
 * Pairing. The unit is the item: the samples of an item pair with the
 * samples of the same item (suite, item id, model, mode, budget equal) in
 * the other run, whatever their sample numbers; with model pairs (--pair-models A=B) the
 * candidate's model B stands for the base's model A, and only the named
 * models are compared. Items in one run only are counted, not compared, so
 * runs over different item sets compare on what they share.
 *
 * Memory. store_each_sample() walks a run in key order, but through a
 * callback, so two walks cannot advance side by side: a true streaming
 * merge-join would need a cursor API on the store. Instead the base is loaded
 * once into an array of small records (strings interned in a jansson set, so
 * an item id is kept once however many cells share it), already in key order
 * from the walk (sorted if not), and each candidate sample finds its partner
 * item by binary search while the candidate is walked. Memory is one record per
 * base sample (about 64 bytes plus distinct strings), under a ceiling of
 * COMPARE_MAX_SAMPLES; the candidate is never held.
 *
 * Per cell: accuracy over the items that both runs graded (errors and
 * ungraded samples are left out, as in report.h), an item's accuracy in a run
 * being the mean over its graded samples; the items that fell and rose. With
 * one graded sample per item in each run the items form the 2x2 table of
 * pairstats_drop_test() and the difference gets Newcombe's interval; when an
 * item has several, the per-item accuracies are tested by
 * pairstats_signflip_drop() and the difference gets the t interval of the
 * per-item differences (stats_paired_ci), so the samples of one item are
 * never counted as independent evidence. The change of mean total latency
 * (over samples that are known and not errors) and of mean cost per sample
 * (where known), each as the paired difference of per-item means (an item's
 * samples averaged first in each run) with a paired bootstrap interval over
 * items (pairstats.h).
 *
 * The gate: what it controls. Each cell asks one to three questions, each a
 * one-sided test whose null hypothesis is "no regression beyond the
 * tolerance":
 *   accuracy, always: the drop is at most max_drop_pp points (0 when not
 *   given), by pairstats_drop_test() (McNemar's exact test at 0), or by
 *   pairstats_signflip_drop() on per-item accuracies when items have
 *   several samples;
 *   latency, with max_latency_pct: mean latency rose by at most that many
 *   per cent, by the bootstrap p-value;
 *   cost, with max_cost_pct: likewise for mean cost.
 * The p-values of every question of every cell form one family, adjusted
 * together (Holm by default, pairstats_adjust()); a cell regressed when one
 * of its adjusted p-values is at most alpha. Under Holm or Bonferroni the
 * chance that an unchanged candidate fails anywhere is at most alpha,
 * however many cells there are.
 *
 * Like with like: latency and cost are tested only when both runs used the
 * same endpoint (the simulator at the same time scale, or the same models
 * file), the same concurrency (-j) and the same streaming mode; otherwise
 * the reports say why ("not comparable: -j 4 vs -j 256") and those
 * questions are not asked. The facts come from the run row: its options
 * and its command line. */
#ifndef TB_COMPARE_H
#define TB_COMPARE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "pairstats.h"
#include "store.h"

#define COMPARE_MAX_SAMPLES 4000000L   /* base samples held in memory */
#define COMPARE_MAX_FLIPS 1000         /* flipped item names kept per cell and way */
#define COMPARE_MAX_PAIRS 64           /* --pair-models entries */

typedef struct compare_opts {
	double alpha;            /* family-wise level, 0.05 */
	int correction;          /* PAIRSTATS_HOLM, _BONFERRONI or _NONE */
	double max_drop_pp;      /* tolerated accuracy drop, points; 0 by default */
	double max_latency_pct;  /* NAN: not given */
	double max_cost_pct;     /* NAN: not given */
	int boot_b;              /* bootstrap replicates, PAIRSTATS_BOOT_B */
	uint64_t seed;           /* of the bootstrap */
	/* model pairs: base model pair_base[i] against candidate model
	 * pair_cand[i]; borrowed; n_pairs 0 means models pair by equal id */
	const char *pair_base[COMPARE_MAX_PAIRS];
	const char *pair_cand[COMPARE_MAX_PAIRS];
	size_t n_pairs;
} compare_opts;

void compare_opts_defaults(compare_opts *o);

/* Why a cell regressed: bits of compare_cell.regressed. */
enum {
	COMPARE_REG_ACCURACY = 1,
	COMPARE_REG_LATENCY = 2,
	COMPARE_REG_COST = 4,
};

typedef struct compare_cell {
	char *suite, *model, *cand_model, *mode;  /* owned; model is the base's */
	long budget;
	long n_base, n_cand;       /* samples of this cell in each run */
	long n_paired;             /* candidate samples whose item the base has */
	long n11, n12, n21, n22;   /* items graded in both: both right, lost (right
				    * then wrong), won (wrong then right), both
				    * wrong; with several samples an item is lost
				    * when its accuracy fell, won when it rose,
				    * else n11, or n22 when it is 0 in both */
	double acc_base, acc_cand; /* 0..1, mean of the per-item accuracies over
				    * the items in the table; NAN when none */
	double diff, diff_lo, diff_hi; /* candidate minus base, 0..1 scale */
	double p_value;            /* of the accuracy drop; NAN without graded items */
	double p_adj;              /* adjusted in the family; NAN when not tested */
	pairstats_boot_result latency; /* per-item mean total ms, base as x; its p
					* NAN when latency is not tested */
	pairstats_boot_result cost;    /* per-item mean USD, likewise */
	double latency_p_adj, cost_p_adj; /* NAN when not tested */
	char **lost, **won;        /* item ids, at most COMPARE_MAX_FLIPS each; owned */
	size_t n_lost_kept, n_won_kept;
	unsigned regressed;        /* COMPARE_REG_* bits; 0: did not regress */
} compare_cell;

typedef struct compare_side {
	char run_id[TB_RUN_ID_MAX + 1];
	int simulated;
	long samples;              /* samples of the compared models */
	char endpoint[96];         /* "simulator, time scale 0.02" or "models file <sha256 prefix>" */
	long jobs;                 /* -j; -1 when the run row does not say */
	int stream;
} compare_side;

typedef struct compare_result {
	compare_cell *cells;       /* sorted by suite, model, mode, budget */
	size_t n;
	compare_side base, cand;
	long paired;               /* n_paired over every cell */
	size_t n_regressed;        /* cells with regressed != 0 */
	size_t n_tests;            /* the family's size */
	char not_comparable[256];  /* why latency and cost are not tested; "" when they may be */
	compare_opts opts;         /* as given (the pair strings are not used after) */
} compare_result;

/* Pairs the two runs and evaluates every cell. On success *out is a result
 * the caller frees with compare_free(); on failure *out is NULL and err says
 * why (TB_ERR for unreadable or oversized input, TB_NOMEM). */
int compare_runs(tb_store *base, tb_store *cand, const compare_opts *o, compare_result **out,
		 char *err, size_t errlen);
void compare_free(compare_result *r);

/* The report in one format, written to f. Every format says on its first
 * line when either run was simulated. Names from the stores are escaped for
 * the format (and invalid UTF-8 replaced), so no store content can break
 * the document. Each returns TB_ERR when writing fails.
 *   text:  a table for a terminal, at most 100 columns for usual names;
 *   md:    a pull-request comment: headline, table, flipped items (up to 20
 *          per cell and way);
 *   junit: JUnit XML, one testcase per cell, a failure element when it
 *          regressed;
 *   json:  one line, every number (unknown ones null). */
int compare_write_text(const compare_result *r, FILE *f);
int compare_write_md(const compare_result *r, FILE *f);
int compare_write_junit(const compare_result *r, FILE *f);
int compare_write_json(const compare_result *r, FILE *f);

/* The rule above in one paragraph, for --help and the reports. */
extern const char compare_rule_text[];

#endif
