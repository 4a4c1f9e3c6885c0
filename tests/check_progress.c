/* The progress line (harness/progress.c): dollars spent, an ETA from the
 * recent rate rather than the run-wide average, and the grading stage named
 * when it is the slower one. Times are given, not measured. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "progress.h"
#include "testutil.h"

#define S(x) ((int64_t)((x) * 1e6))

/* Feeds the line one second at a time from t0 for secs seconds, with
 * stored answers growing by per_s and the grading backlog by behind_per_s. */
static int64_t feed(tb_progress *p, int64_t t0, int secs, long per_s, long behind_per_s, char *line,
		    size_t n)
{
	for (int i = 1; i <= secs; i++) {
		p->done += per_s;
		p->behind += behind_per_s;
		progress_format(p, t0 + S(i), line, n);
	}
	return t0 + S(secs);
}

START_TEST(test_recent_rate)
{
	tb_progress p;
	char line[256];
	int64_t t;

	progress_init(&p, 10000, 1);
	p.t_start_us = p.t_rate_us = 0;
	/* two minutes at 40 a second, then one at 4 a second */
	t = feed(&p, 0, 120, 40, 0, line, sizeof(line));
	ck_assert_msg(strstr(line, "40.0 req/s"), "%s", line);
	t = feed(&p, t, 60, 4, 0, line, sizeof(line));
	/* the run-wide average (29 a second) would say under 3 minutes; the
	 * weighted rate is near the last minute's 4 a second (a 20 s time
	 * constant leaves the first two minutes 5% of the weight) */
	{
		const char *eta = strstr(line, "ETA "), *rate = strstr(line, "acc ");
		double r = 0;
		int m = 0, s = 0;

		ck_assert_ptr_nonnull(eta);
		ck_assert_ptr_nonnull(rate);
		ck_assert_int_eq(sscanf(rate, "acc %*f%% %lf req/s", &r), 1);
		ck_assert_msg(r > 4 && r < 7, "%s", line);
		ck_assert_int_eq(sscanf(eta, "ETA %d:%d", &m, &s), 2);
		ck_assert_msg(m >= 11 && m <= 21, "%s", line);
	}
	(void)t;
}
END_TEST

START_TEST(test_dollars_and_grading)
{
	tb_progress p;
	char line[256];

	progress_init(&p, 10000, 1);
	p.t_start_us = p.t_rate_us = 0;
	p.spent_usd = 1.23456;
	/* answers arrive at 50 a second, the graders get through 10 a second */
	feed(&p, 0, 60, 50, 40, line, sizeof(line));
	ck_assert_msg(strstr(line, "$1.2346"), "%s", line);
	ck_assert_msg(strstr(line, "(grading 2400 behind; requests alone"), "%s", line);
	/* (10000 - 3000 + 2400) / 10 a second: 15:40 */
	ck_assert_msg(strstr(line, "ETA 15:40"), "%s", line);
	/* a small backlog the graders keep up with is shown, not blamed */
	progress_init(&p, 10000, 1);
	p.t_start_us = p.t_rate_us = 0;
	feed(&p, 0, 60, 50, 0, line, sizeof(line));
	p.behind = 5;
	progress_format(&p, S(60.5), line, sizeof(line));
	ck_assert_msg(strstr(line, "grading 5 behind") && !strstr(line, "requests alone"), "%s", line);
}
END_TEST

static Suite *progress_suite(void)
{
	Suite *s = suite_create("progress");
	TCase *tc = tcase_create("progress");

	tcase_add_test(tc, test_recent_rate);
	tcase_add_test(tc, test_dollars_and_grading);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(progress_suite());
}
