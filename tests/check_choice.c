/* The choice grader: the cases in tests/data/choice.test, and each letter in
 * each supported form against each reference letter. */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "grader.h"
#include "grcase.h"
#include "rc.h"
#include "testutil.h"

START_TEST(test_cases)
{
	grcase_stats st = grcase_run("choice.test");

	printf("choice.test: %d cases, %d failed\n", st.cases, st.failures);
	ck_assert_int_gt(st.cases, 20);
	ck_assert_int_eq(st.failures, 0);
}
END_TEST

START_TEST(test_every_form)
{
	static const char *const forms[] = {
		"{\"answer\": \"%c\"}",
		"Let me see: (A) fails, so... The answer is %c.",
		"Answer: (%c)",
		"Hence $\\boxed{%c}$.",
		"I choose (%c)",
		"After ruling out the others:\n%c",
	};
	char err[256], answer[128], want[2] = "";
	json_t *spec = json_pack("{s:s, s:s}", "type", "choice", "choices", "ABCDE");
	gr_grader *g = NULL;
	int n = 0;

	ck_assert_msg(gr_compile(spec, &g, err, sizeof(err)) == TB_OK, "%s", err);
	for (size_t f = 0; f < sizeof(forms) / sizeof(forms[0]); f++)
		for (char got = 'A'; got <= 'E'; got++)
			for (char ref = 'A'; ref <= 'E'; ref++) {
				gr_input in = {answer, want, NULL, "t", NULL};
				gr_result r;

				snprintf(answer, sizeof(answer), forms[f], got);
				want[0] = ref;
				want[1] = '\0';
				ck_assert_int_eq(gr_grade(g, &in, &r), TB_OK);
				ck_assert_msg(r.verdict == (got == ref ? GR_CORRECT : GR_INCORRECT),
					      "'%s' vs %c: %s (%s)", answer, ref, gr_verdict_str(r.verdict), r.reason);
				ck_assert_int_eq(r.extracted[0], got);
				n++;
			}
	ck_assert_int_eq(n, 150);
	gr_free(g);
	json_decref(spec);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("choice");
	TCase *tc = tcase_create("choice");

	setvbuf(stdout, NULL, _IOLBF, 0);
	tcase_add_test(tc, test_cases);
	tcase_add_test(tc, test_every_form);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
