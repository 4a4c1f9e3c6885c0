/* The outcome rules: what a verdict becomes, which outcomes count toward
 * accuracy, and the names the store writes. */
#include <check.h>

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

int main(void)
{
	Suite *s = suite_create("sample");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, verdicts_map);
	tcase_add_test(tc, graded_outcomes);
	tcase_add_test(tc, names_round_trip);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
