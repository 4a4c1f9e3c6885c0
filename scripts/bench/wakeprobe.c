/* wakeprobe: the machine's own floor for the backlog row of scripts/bench.sh.
 * One thread at the harness's priority sleeps to an absolute deadline 1 ms
 * ahead, N times, and measures how late it woke: what any program's wake-up
 * (a transfer loop's, the endpoint's) pays on this machine at that moment,
 * with no harness code in the path. Run beside a request phase with and
 * without a grading backlog, it tells how much of the harness's added
 * latency the machine itself imposes.
 *
 * Usage: wakeprobe N
 * Prints "wake_late_us p50 A p99 B max C". */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define MAX_WAKES 1000000

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int by_value(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	long n = argc == 2 ? atol(argv[1]) : 0;
	int64_t *late;

	if (n < 1 || n > MAX_WAKES) {
		fprintf(stderr, "usage: wakeprobe N (1 to %d wakes, 1 ms apart)\n", MAX_WAKES);
		return 2;
	}
	late = malloc((size_t)n * sizeof(*late));
	if (!late)
		return 1;
	for (long i = 0; i < n; i++) {
		int64_t due = now_ns() + 1000000;
		struct timespec ts = {(time_t)(due / 1000000000), (long)(due % 1000000000)};

		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
			;
		late[i] = now_ns() - due;
	}
	qsort(late, (size_t)n, sizeof(*late), by_value);
	printf("wake_late_us p50 %.0f p99 %.0f max %.0f\n", (double)late[n / 2] / 1e3,
	       (double)late[(size_t)((double)n * 0.99)] / 1e3, (double)late[n - 1] / 1e3);
	free(late);
	return 0;
}
