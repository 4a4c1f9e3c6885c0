#ifndef TB_CLOCK_H
#define TB_CLOCK_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Monotonic time in microseconds, for every latency. */
int64_t tb_now_us(void);
/* Initialises c so that its timed waits take their deadlines on tb_now_us()'s
 * clock (CLOCK_MONOTONIC), which a change of the wall clock does not move.
 * Returns what pthread_cond_init() does. */
int tb_cond_init_monotonic(pthread_cond_t *c);
/* The moment at_us of tb_now_us()'s clock, as such a wait's deadline. */
struct timespec tb_deadline(int64_t at_us);
/* The wall clock as ISO 8601 UTC ("2026-11-21T19:33:47Z"), for the store. */
void tb_wall_iso(char *out, size_t outlen);

#endif
