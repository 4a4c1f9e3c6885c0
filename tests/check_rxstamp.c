/* Arrival stamps (harness/rxstamp.c) on a loopback TCP connection: the time
 * bytes reached the socket, however late they are read, on tb_now_us()'s
 * clock; the newest when several writes wait; nothing consumed by the peek.
 * Upper bounds on lateness are loose: the machine may be loaded. */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "rxstamp.h"
#include "testutil.h"

/* Slack between the wall clock and the monotonic one as read apart. */
#define SLACK_US 2000

/* A connected pair on 127.0.0.1: fds[0] writes, fds[1] reads. */
static void tcp_pair(int fds[2])
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t alen = sizeof(a);
	int l = socket(AF_INET, SOCK_STREAM, 0);

	ck_assert_int_ge(l, 0);
	ck_assert_int_eq(bind(l, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(listen(l, 1), 0);
	ck_assert_int_eq(getsockname(l, (struct sockaddr *)&a, &alen), 0);
	fds[0] = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_eq(connect(fds[0], (struct sockaddr *)&a, sizeof(a)), 0);
	fds[1] = accept(l, NULL, NULL);
	ck_assert_int_ge(fds[1], 0);
	close(l);
}

static void put(int fd, const char *s)
{
	ck_assert_int_eq(write(fd, s, strlen(s)), (ssize_t)strlen(s));
}

/* Enables stamps on fds[1] and waits until they are on: the kernel turns
 * stamping on for the first socket that asks a moment later, so the first
 * bytes after may come unstamped. Probe bytes are read back. */
static void enable(int fds[2])
{
	char buf[8];
	int64_t at;

	ck_assert_int_eq(rxstamp_enable(fds[1]), 0);
	for (int i = 0; i < 200; i++) {
		size_t n;

		put(fds[0], "p");
		usleep(5000);
		n = rxstamp_queued(fds[1], buf, sizeof(buf), &at);
		ck_assert_int_eq(read(fds[1], buf, sizeof(buf)), 1);
		if (n == 1)
			return;
	}
	ck_abort_msg("the kernel never stamped a received byte");
}

START_TEST(stamps_the_arrival_not_the_peek)
{
	int fds[2];
	char buf[64];
	int64_t at = 0, t0, t1;

	tcp_pair(fds);
	enable(fds);
	t0 = tb_now_us();
	put(fds[0], "hello");
	t1 = tb_now_us();
	usleep(150000);
	ck_assert_uint_eq(rxstamp_queued(fds[1], buf, sizeof(buf), &at), 5);
	ck_assert_int_ge(at, t0 - SLACK_US);
	ck_assert_int_le(at, t1 + 100000);
	ck_assert_int_ge(tb_now_us() - at, 40000);
	/* the peek consumed nothing */
	ck_assert_int_eq(read(fds[1], buf, sizeof(buf)), 5);
	ck_assert_mem_eq(buf, "hello", 5);
	close(fds[0]);
	close(fds[1]);
}
END_TEST

START_TEST(several_writes_give_the_newest)
{
	int fds[2];
	char buf[64];
	int64_t at = 0, t_second;

	tcp_pair(fds);
	enable(fds);
	put(fds[0], "first ");
	usleep(100000);
	t_second = tb_now_us();
	put(fds[0], "second");
	usleep(50000);
	ck_assert_uint_eq(rxstamp_queued(fds[1], buf, sizeof(buf), &at), 12);
	ck_assert_int_ge(at, t_second - SLACK_US);
	close(fds[0]);
	close(fds[1]);
}
END_TEST

START_TEST(no_stamp_without_all_of_it)
{
	int fds[2];
	char buf[8];
	int64_t at = 0;

	tcp_pair(fds);
	enable(fds);
	/* nothing waiting */
	ck_assert_uint_eq(rxstamp_queued(fds[1], buf, sizeof(buf), &at), 0);
	/* more than the scratch holds: the last byte's time is unknown */
	put(fds[0], "more than eight bytes");
	usleep(20000);
	ck_assert_uint_eq(rxstamp_queued(fds[1], buf, sizeof(buf), &at), 0);
	ck_assert_int_eq(at, 0);
	close(fds[0]);
	close(fds[1]);
}
END_TEST

START_TEST(no_stamp_unless_enabled)
{
	int fds[2];
	char buf[64];
	int64_t at = 0;

	tcp_pair(fds);
	put(fds[0], "hello");
	usleep(20000);
	ck_assert_uint_eq(rxstamp_queued(fds[1], buf, sizeof(buf), &at), 0);
	close(fds[0]);
	close(fds[1]);
}
END_TEST

static Suite *rxstamp_suite(void)
{
	Suite *s = suite_create("rxstamp");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, stamps_the_arrival_not_the_peek);
	tcase_add_test(tc, several_writes_give_the_newest);
	tcase_add_test(tc, no_stamp_without_all_of_it);
	tcase_add_test(tc, no_stamp_unless_enabled);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return tu_run(rxstamp_suite());
}
