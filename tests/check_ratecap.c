/* The cap on how often code answers start (graders/ratecap.c): starts are
 * spaced by the rate across threads, no cap means no wait, and a change of
 * the rate reaches a caller already waiting. Only lower bounds on time are
 * asserted where the cap must hold a start back; an upper bound only where
 * it must not, and then a loose one: the machine may be loaded. */
#include <check.h>
#include <pthread.h>
#include <stdint.h>
#include <time.h>

#include "clock.h"
#include "ratecap.h"
#include "testutil.h"

static double seconds_since(int64_t t0)
{
	return (double)(tb_now_us() - t0) / 1e6;
}

START_TEST(test_no_cap)
{
	gr_ratecap *c = gr_ratecap_new();
	int64_t t0 = tb_now_us();

	ck_assert_ptr_nonnull(c);
	for (int i = 0; i < 1000; i++)
		gr_ratecap_wait(c);
	gr_ratecap_set(c, 50);
	gr_ratecap_set(c, 0);
	for (int i = 0; i < 1000; i++)
		gr_ratecap_wait(c);
	ck_assert_msg(seconds_since(t0) < 2, "2,000 starts with no cap took %.2f s", seconds_since(t0));
	gr_ratecap_free(c);
}
END_TEST

static void *five_starts(void *arg)
{
	for (int i = 0; i < 5; i++)
		gr_ratecap_wait(arg);
	return NULL;
}

/* ten starts on two threads at 20 a second: nine intervals of 50 ms at least */
START_TEST(test_spacing_across_threads)
{
	gr_ratecap *c = gr_ratecap_new();
	pthread_t a, b;
	int64_t t0;

	ck_assert_ptr_nonnull(c);
	gr_ratecap_set(c, 20);
	t0 = tb_now_us();
	ck_assert_int_eq(pthread_create(&a, NULL, five_starts, c), 0);
	ck_assert_int_eq(pthread_create(&b, NULL, five_starts, c), 0);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	ck_assert_msg(seconds_since(t0) >= 0.449, "ten starts at 20 a second took %.3f s", seconds_since(t0));
	gr_ratecap_free(c);
}
END_TEST

static void *one_start(void *arg)
{
	int64_t t0 = tb_now_us();
	static double took;

	gr_ratecap_wait(arg);
	took = seconds_since(t0);
	return &took;
}

/* a start waiting for its turn (a second away) goes as soon as the cap is
 * lifted */
START_TEST(test_lifting_releases_a_waiter)
{
	gr_ratecap *c = gr_ratecap_new();
	struct timespec pause = {0, 50 * 1000 * 1000};
	pthread_t t;
	void *took;

	ck_assert_ptr_nonnull(c);
	gr_ratecap_set(c, 1);
	gr_ratecap_wait(c);
	ck_assert_int_eq(pthread_create(&t, NULL, one_start, c), 0);
	nanosleep(&pause, NULL);
	gr_ratecap_set(c, 0);
	pthread_join(t, &took);
	ck_assert_msg(*(double *)took < 0.8, "the waiter took %.3f s after the cap was lifted", *(double *)took);
	gr_ratecap_free(c);
}
END_TEST

static Suite *ratecap_suite(void)
{
	Suite *s = suite_create("ratecap");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_no_cap);
	tcase_add_test(tc, test_spacing_across_threads);
	tcase_add_test(tc, test_lifting_releases_a_waiter);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(ratecap_suite());
}
