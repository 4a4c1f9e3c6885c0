/* The plan: cells per suite x model x mode x budget, unsupported cells, and
 * an iterator that visits every supported sample exactly once. */
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "rc.h"
#include "testutil.h"

START_TEST(cells_and_iteration)
{
	tb_models ms;
	tb_item items[3] = {{.id = "a"}, {.id = "b"}, {.id = "c"}};
	char *img = "x.png";
	tb_item pics[1] = {{.id = "p", .images = &img, .n_images = 1}};
	tb_suite text = {.name = "text", .items = items, .n_items = 3};
	tb_suite vision = {.name = "vision", .items = pics, .n_items = 1};
	tb_suite *suites[] = {&text, &vision};
	const tb_model *models[3];
	long budgets[] = {0, 1024};
	tb_plan p;
	tb_plan_pos pos;
	char err[256];
	long visited = 0, unsupported = 0;
	int seen[18][3][2] = {{{0}}};

	ck_assert_int_eq(models_builtin(&ms, "http://127.0.0.1:1/v1", err, sizeof(err)), TB_OK);
	for (size_t i = 0; i < 3; i++)
		models[i] = &ms.v[i];
	ck_assert_int_eq(plan_build(&p, suites, 2, models, 3,
				    TB_MODE_BIT(TB_MODE_THINK) | TB_MODE_BIT(TB_MODE_NOTHINK), budgets, 2,
				    2, err, sizeof(err)), TB_OK);
	/* Per suite and model: think x 2 budgets + nothink once = 3 cells. */
	ck_assert_uint_eq(p.n_cells, 2 * 3 * 3);
	for (size_t i = 0; i < p.n_cells; i++) {
		const tb_plan_cell *c = &p.cells[i];

		if (c->mode == TB_MODE_NOTHINK)
			ck_assert_int_eq(c->budget, 0);
		if (c->unsupported)
			unsupported++;
		if (c->suite == &vision && !c->model->vision)
			ck_assert_ptr_nonnull(c->unsupported);
		if (strcmp(c->model->id, "qwen/qwq-32b") == 0 && c->mode == TB_MODE_NOTHINK)
			ck_assert_str_eq(c->unsupported, "the model always thinks");
	}
	/* text: qwq nothink, vl think x2 = 3; vision: 14b x3, qwq x3, vl think x2 = 8. */
	ck_assert_int_eq(unsupported, 11);
	/* Supported: text 14b 3 cells, qwq 2, vl 1 = 6 cells x 3 items x 2 samples;
	 * vision: vl nothink 1 cell x 1 item x 2 samples. */
	ck_assert_int_eq(plan_total(&p), 6 * 3 * 2 + 2);
	while (plan_next(&p, &pos, err, sizeof(err)) == 1) {
		ck_assert_ptr_null(pos.cell->unsupported);
		ck_assert(pos.item >= pos.cell->suite->items &&
			  pos.item < pos.cell->suite->items + pos.cell->suite->n_items);
		ck_assert_int_eq(++seen[pos.cell - p.cells][pos.item - pos.cell->suite->items][pos.sample], 1);
		plan_pos_release(&pos);
		visited++;
		ck_assert_int_le(visited, 1000);
	}
	ck_assert_int_eq(visited, plan_total(&p));
	ck_assert_int_eq(plan_next(&p, &pos, err, sizeof(err)), 0);
	plan_release(&p);
	models_release(&ms);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("plan");
	TCase *tc = tcase_create("cells");

	tcase_add_test(tc, cells_and_iteration);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
