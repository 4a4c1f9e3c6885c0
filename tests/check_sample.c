/* The outcome rules: what a verdict becomes, which outcomes count toward
 * accuracy, and the names the store writes. */
#include <check.h>
#include <stdlib.h>

#include "grader.h"
#include "rc.h"
#include "sample.h"
#include "testutil.h"

START_TEST(verdicts_map)
{
	ck_assert_int_eq(tb_outcome_from_verdict(GR_CORRECT), TB_OUT_CORRECT);
	ck_assert_int_eq(tb_outcome_from_verdict(GR_INCORRECT), TB_OUT_INCORRECT);
	ck_assert_int_eq(tb_outcome_from_verdict(GR_PARTIAL), TB_OUT_PARTIAL);
	ck_assert_int_eq(tb_outcome_from_verdict(GR_NOANSWER), TB_OUT_NOANSWER);
	ck_assert_int_eq(tb_outcome_from_verdict((gr_verdict)99), TB_OUT_ERROR);
	ck_assert_int_eq(tb_outcome_from_verdict((gr_verdict)-1), TB_OUT_ERROR);
}
END_TEST

START_TEST(graded_outcomes)
{
	/* every outcome has an explicit answer here, so a new one must be placed */
	static const int want[TB_OUT_COUNT] = {
		[TB_OUT_CORRECT] = 1, [TB_OUT_INCORRECT] = 1, [TB_OUT_PARTIAL] = 1,
		[TB_OUT_NOANSWER] = 1, [TB_OUT_TRUNCATED] = 1, [TB_OUT_ERROR] = 0,
		[TB_OUT_UNGRADED] = 0,
	};

	ck_assert_int_eq(TB_OUT_COUNT, 7);
	for (int o = 0; o < TB_OUT_COUNT; o++)
		ck_assert_msg(tb_outcome_is_graded((tb_outcome)o) == want[o], "%s", tb_outcome_name((tb_outcome)o));
	ck_assert(!tb_outcome_is_graded(TB_OUT_COUNT));
	ck_assert(!tb_outcome_is_graded((tb_outcome)-1));
}
END_TEST

START_TEST(names_round_trip)
{
	tb_outcome o;

	for (int i = 0; i < TB_OUT_COUNT; i++) {
		ck_assert_int_eq(tb_outcome_parse(tb_outcome_name((tb_outcome)i), &o), TB_OK);
		ck_assert_int_eq(o, i);
	}
	ck_assert_str_eq(tb_outcome_name(TB_OUT_NOANSWER), "no_answer");
	ck_assert_str_eq(tb_outcome_name(TB_OUT_COUNT), "?");
	ck_assert_int_eq(tb_outcome_parse("graded", &o), TB_ERR);
}
END_TEST

/* A copy owns its strings; a key-only copy has nothing but the key. */
START_TEST(copies_own_their_strings)
{
	char suite[] = "gsm8k", answer[] = "42";
	tb_sample s = {.suite = suite, .item_id = "i1", .model = "m", .mode = "think", .budget = 512,
		       .sample = 3, .answer = answer, .reasoning = NULL, .attempts = 2};
	tb_sample full, key;
	char *a = malloc(tb_sample_copy_size(&s, 0)), *b = malloc(tb_sample_copy_size(&s, 1));

	ck_assert_uint_eq(tb_sample_copy_size(&s, 0), sizeof("gsm8k") + 3 + 2 + 6 + 3);
	tb_sample_copy(&full, &s, 0, a);
	tb_sample_copy(&key, &s, 1, b);
	suite[0] = 'X';
	answer[0] = 'X';
	ck_assert_str_eq(full.suite, "gsm8k");
	ck_assert_str_eq(full.answer, "42");
	ck_assert_ptr_null(full.reasoning);
	ck_assert_int_eq(full.attempts, 2);
	ck_assert_str_eq(key.suite, "gsm8k");
	ck_assert_str_eq(key.mode, "think");
	ck_assert_int_eq(key.budget, 512);
	ck_assert_int_eq(key.sample, 3);
	ck_assert_ptr_null(key.answer);
	ck_assert_int_eq(key.attempts, 0);
	free(a);
	free(b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sample");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, verdicts_map);
	tcase_add_test(tc, graded_outcomes);
	tcase_add_test(tc, names_round_trip);
	tcase_add_test(tc, copies_own_their_strings);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
