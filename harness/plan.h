/* The plan: every suite x model x mode x budget cell, and an iterator over
 * its samples (item x sample index) that is never materialised, so a
 * 100,000-sample run holds one position, not 100,000 jobs. Items go in the
 * outer loop so that every model advances together. */
#ifndef TB_PLAN_H
#define TB_PLAN_H

#include <stddef.h>

#include "models.h"
#include "suite.h"

typedef struct tb_plan_cell {
	const tb_suite *suite;
	const tb_model *model;
	int lane;               /* the model's index among the run's models */
	tb_mode mode;
	long budget;            /* 0: none */
	const char *unsupported; /* NULL, or why the cell cannot run */
} tb_plan_cell;

typedef struct tb_plan_pos {
	const tb_plan_cell *cell;
	const tb_item *item;    /* held: give it back with plan_pos_release() */
	int sample;
} tb_plan_pos;

typedef struct tb_plan {
	tb_plan_cell *cells;    /* grouped by suite, in suite order */
	size_t n_cells;
	tb_suite *const *suites;
	size_t n_suites;
	int samples;
	/* the iterator */
	size_t suite_i, item_i, cell_i;
	int sample_i;
	const tb_item *cur;     /* item item_i of suite suite_i once read; held */
} tb_plan;

/* Builds the cells. models holds n_models pointers (borrowed, like the
 * suites); budgets holds n_budgets values (0 = no budget). A mode the model
 * lacks, or images for a model without vision, makes a cell unsupported; a
 * budget applies to think mode only, so nothink cells take budget 0 once. */
int plan_build(tb_plan *p, tb_suite *const *suites, size_t n_suites, const tb_model *const *models,
	       size_t n_models, unsigned modes, const long *budgets, size_t n_budgets, int samples,
	       char *err, size_t errlen);
/* The number of samples in supported cells. */
long plan_total(const tb_plan *p);
/* The next position in supported cells: 1, 0 at the end, or TB_ERR when its
 * item cannot be read again (see suite_item_get()). Each item is read once,
 * when its first position is reached, and lives while positions hold it. */
int plan_next(tb_plan *p, tb_plan_pos *out, char *err, size_t errlen);
/* Gives back a position's item. */
void plan_pos_release(tb_plan_pos *pos);
/* Also gives back the plan's hold on its current item: positions may outlive
 * the plan, not the suites. */
void plan_release(tb_plan *p);

#endif
