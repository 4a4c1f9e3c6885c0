/* The regex grader's bounds: a pattern that backtracks badly on a long
 * answer ends as a grader error ("regex limit") within the grade's budget,
 * never as no_answer or incorrect; and the last-match scan stays linear on a
 * long answer with many matches. */
#include <check.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "grader.h"
#include "rc.h"
#include "testutil.h"

#define MB (1u << 20)
/* the grade's own budget is 2 s; the rest is slack for a loaded machine and
 * sanitizers, and far under the hours an unbounded match takes */
#define WITHIN_S 10.0

static gr_grader *compile(const char *pattern)
{
	json_t *spec = json_pack("{s:s, s:s}", "type", "regex", "pattern", pattern);
	gr_grader *g = NULL;
	char err[256];

	ck_assert_msg(gr_compile(spec, &g, err, sizeof(err)) == TB_OK, "%s", err);
	json_decref(spec);
	return g;
}

/* Grades answer and returns gr_grade()'s code; *took is the time it took. */
static int grade(const char *pattern, const char *answer, const char *expected, gr_result *r,
		 double *took)
{
	gr_grader *g = compile(pattern);
	gr_input in = {.answer = answer, .expected = expected};
	double t0 = tu_now_s();
	int rc = gr_grade(g, &in, r);

	*took = tu_now_s() - t0;
	gr_free(g);
	return rc;
}

static void limit_hit(const char *pattern, const char *answer)
{
	gr_result r;
	double took;

	ck_assert_int_eq(grade(pattern, answer, "1", &r, &took), TB_ERR);
	ck_assert_msg(strncmp(r.reason, "regex limit", 11) == 0, "%s: reason '%s'", pattern, r.reason);
	ck_assert_msg(took < WITHIN_S, "%s took %.1f s", pattern, took);
}

/* Exponential at the first position: PCRE2's match limit. */
START_TEST(catastrophic_at_one_position)
{
	char *a = malloc(MB + 1);

	memset(a, 'a', MB);
	a[MB] = '\0';
	limit_hit("(\\w+\\s?)*\\d$", a);
	free(a);
}
END_TEST

/* Under the match limit at each position, quadratic over the answer: only
 * the whole grade's budget stops it. */
START_TEST(slow_at_every_position)
{
	char *a = malloc(MB + 1);

	for (size_t i = 0; i < MB; i++)
		a[i] = i % 50000 == 49999 ? ' ' : '1';
	a[MB] = '\0';
	limit_hit("(\\d+)[a-z]", a);
	free(a);
}
END_TEST

/* 4 MB with a \boxed{} every 40 bytes: the last one is found, quickly. */
START_TEST(last_of_many_matches)
{
	size_t cap = 4 * MB, n = 0;
	char *a = malloc(cap + 64);
	gr_result r;
	double took;

	while (n + 40 < cap)
		n += (size_t)sprintf(a + n, "so the answer is \\boxed{%zu} here. ", n % 97);
	strcpy(a + n, "final: \\boxed{42}");
	ck_assert_int_eq(grade("\\\\boxed\\{([^}]*)\\}", a, "42", &r, &took), TB_OK);
	ck_assert_int_eq(r.verdict, GR_CORRECT);
	ck_assert_str_eq(r.extracted, "42");
	ck_assert_msg(took < WITHIN_S / 2, "the scan took %.1f s", took);
	free(a);
}
END_TEST

START_TEST(ordinary_answers)
{
	gr_result r;
	double took;

	ck_assert_int_eq(grade("answer is (\\d+)", "the answer is 3, no, the answer is 4", "4", &r, &took),
			 TB_OK);
	ck_assert_int_eq(r.verdict, GR_CORRECT);
	ck_assert_int_eq(grade("answer is (\\d+)", "no idea", "4", &r, &took), TB_OK);
	ck_assert_int_eq(r.verdict, GR_NOANSWER);
	/* not UTF-8: nothing matches, as before */
	ck_assert_int_eq(grade("answer is (\\d+)", "answer is 4 \xff", "4", &r, &took), TB_OK);
	ck_assert_int_eq(r.verdict, GR_NOANSWER);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("regex");
	TCase *tc = tcase_create("bounds");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, catastrophic_at_one_position);
	tcase_add_test(tc, slow_at_every_position);
	tcase_add_test(tc, last_of_many_matches);
	tcase_add_test(tc, ordinary_answers);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
