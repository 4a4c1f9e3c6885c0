#include "plan.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "rc.h"

static int suite_has_images(const tb_suite *s)
{
	if (s->has_images)
		return 1;
	for (size_t i = 0; s->items && i < s->n_items; i++)
		if (s->items[i].n_images)
			return 1;
	return 0;
}

int plan_build(tb_plan *p, tb_suite *const *suites, size_t n_suites, const tb_model *const *models,
	       size_t n_models, unsigned modes, const long *budgets, size_t n_budgets, int samples,
	       char *err, size_t errlen)
{
	size_t cap = n_suites * n_models * TB_N_MODES * (n_budgets ? n_budgets : 1);

	memset(p, 0, sizeof(*p));
	p->cells = calloc(cap ? cap : 1, sizeof(*p->cells));
	if (!p->cells)
		return tb_seterr(err, errlen, "out of memory");
	p->suites = suites;
	p->n_suites = n_suites;
	p->samples = samples;
	for (size_t s = 0; s < n_suites; s++) {
		int images = suite_has_images(suites[s]);

		for (size_t m = 0; m < n_models; m++) {
			for (int mode = 0; mode < TB_N_MODES; mode++) {
				if (!(modes & TB_MODE_BIT(mode)))
					continue;
				for (size_t b = 0; b < (n_budgets ? n_budgets : 1); b++) {
					long budget = n_budgets ? budgets[b] : 0;
					tb_plan_cell *c;

					if (mode == TB_MODE_NOTHINK && b > 0)
						break;
					c = &p->cells[p->n_cells++];
					c->suite = suites[s];
					c->model = models[m];
					c->lane = (int)m;
					c->mode = (tb_mode)mode;
					c->budget = mode == TB_MODE_NOTHINK ? 0 : budget;
					if (!(models[m]->modes & TB_MODE_BIT(mode)))
						c->unsupported = mode == TB_MODE_THINK
									 ? "the model has no thinking mode"
									 : "the model always thinks";
					else if (images && !models[m]->vision)
						c->unsupported = "the suite has images and the model takes none";
				}
			}
		}
	}
	return TB_OK;
}

long plan_total(const tb_plan *p)
{
	long total = 0;

	for (size_t i = 0; i < p->n_cells; i++)
		if (!p->cells[i].unsupported)
			total += (long)p->cells[i].suite->n_items * p->samples;
	return total;
}

/* Moves to the next item: the plan lets go of the current one. */
static void next_item(tb_plan *p)
{
	suite_item_put(p->cur);
	p->cur = NULL;
	p->item_i++;
	p->cell_i = 0;
}

int plan_next(tb_plan *p, tb_plan_pos *out, char *err, size_t errlen)
{
	/* Each step moves one of the indices on, and the cells and suites are
	 * finite, so this ends. */
	while (p->suite_i < p->n_suites) {
		const tb_suite *s = p->suites[p->suite_i];

		if (p->item_i >= s->n_items) {
			p->suite_i++;
			p->item_i = p->cell_i = 0;
			p->sample_i = 0;
			continue;
		}
		if (p->cell_i >= p->n_cells) {
			next_item(p);
			continue;
		}
		if (p->cells[p->cell_i].suite != s || p->cells[p->cell_i].unsupported ||
		    p->sample_i >= p->samples) {
			p->cell_i++;
			p->sample_i = 0;
			continue;
		}
		if (!p->cur && suite_item_get(s, p->item_i, &p->cur, err, errlen) != TB_OK)
			return TB_ERR;
		suite_item_hold(p->cur);
		out->cell = &p->cells[p->cell_i];
		out->item = p->cur;
		out->sample = p->sample_i++;
		return 1;
	}
	return 0;
}

void plan_pos_release(tb_plan_pos *pos)
{
	suite_item_put(pos->item);
	pos->item = NULL;
}

void plan_release(tb_plan *p)
{
	suite_item_put(p->cur);
	free(p->cells);
	memset(p, 0, sizeof(*p));
}
