/* The "did you mean" rule (harness/nearest.c). */
#include <check.h>
#include <string.h>

#include "nearest.h"
#include "testutil.h"

static const char *nearest(const char *word, const char *const *names)
{
	tb_nearest nr;

	tb_nearest_init(&nr, word);
	for (size_t i = 0; names[i]; i++)
		tb_nearest_offer(&nr, names[i]);
	return tb_nearest_best(&nr);
}

static const char *const flags[] = {"suite", "model", "mode", "samples", "seed", "sim",
				    "max-tokens-total", "max-cost", NULL};
static const char *const models[] = {"qwen/qwen3-14b", "qwen/qwq-32b", "qwen/qwen3-vl-32b-instruct", NULL};

START_TEST(test_suggests)
{
	ck_assert_str_eq(nearest("sampels", flags), "samples");  /* a transposition */
	ck_assert_str_eq(nearest("sample", flags), "samples");
	ck_assert_str_eq(nearest("suites", flags), "suite");
	ck_assert_str_eq(nearest("max-cots", flags), "max-cost");
	ck_assert_str_eq(nearest("qwen3-14b", models), "qwen/qwen3-14b"); /* the part after '/' */
	ck_assert_str_eq(nearest("qwq-32", models), "qwen/qwq-32b");
	ck_assert_str_eq(nearest("qwen/qwen3-14", models), "qwen/qwen3-14b");
}
END_TEST

START_TEST(test_stays_quiet)
{
	char hint[64] = "x";
	tb_nearest nr;

	ck_assert_ptr_null(nearest("frobnicate", flags));
	ck_assert_ptr_null(nearest("zzzzzzzz", models));
	ck_assert_ptr_null(nearest("x", flags));      /* one letter is no evidence */
	ck_assert_ptr_null(nearest("seed", flags));   /* valid: nothing to suggest */
	ck_assert_ptr_null(nearest("llama-3-70b", models));
	/* a word past the compared length gets nothing, never a slow compare */
	ck_assert_ptr_null(nearest("samplessamplessamplessamplessamplessamplessamplessamplessamples1", flags));
	tb_nearest_init(&nr, "frobnicate");
	tb_nearest_offer(&nr, "suite");
	tb_nearest_hint(&nr, "--", hint, sizeof(hint));
	ck_assert_str_eq(hint, "");
	tb_nearest_init(&nr, "sampels");
	tb_nearest_offer(&nr, "samples");
	tb_nearest_hint(&nr, "--", hint, sizeof(hint));
	ck_assert_str_eq(hint, "; did you mean --samples?");
}
END_TEST

static Suite *nearest_suite(void)
{
	Suite *s = suite_create("nearest");
	TCase *tc = tcase_create("nearest");

	tcase_add_test(tc, test_suggests);
	tcase_add_test(tc, test_stays_quiet);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(nearest_suite());
}
