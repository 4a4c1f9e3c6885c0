/* The clock module (harness/clock.c): a condition variable made by
 * tb_cond_init_monotonic() waits until a deadline taken on tb_now_us()'s
 * clock. On the wall clock's, such a deadline lies decades in the past and
 * the wait returns at once, so a waiter would spin. Only a lower bound on
 * time is asserted: the machine may be loaded. */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <time.h>

#include "clock.h"
#include "testutil.h"

START_TEST(monotonic_wait_reaches_its_deadline)
{
	pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	pthread_cond_t c;
	int64_t t0 = tb_now_us();
	struct timespec until = tb_deadline(t0 + 100000);
	int rc = 0;

	ck_assert_int_eq(tb_cond_init_monotonic(&c), 0);
	pthread_mutex_lock(&mu);
	while (rc == 0)
		rc = pthread_cond_timedwait(&c, &mu, &until);
	pthread_mutex_unlock(&mu);
	ck_assert_int_eq(rc, ETIMEDOUT);
	ck_assert_int_ge(tb_now_us() - t0, 99000);
	pthread_cond_destroy(&c);
}
END_TEST

static Suite *clock_suite(void)
{
	Suite *s = suite_create("clock");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, monotonic_wait_reaches_its_deadline);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(clock_suite());
}
