#ifndef TB_CLOCK_H
#define TB_CLOCK_H

#include <stddef.h>
#include <stdint.h>

/* Monotonic time in microseconds, for every latency. */
int64_t tb_now_us(void);
/* The wall clock as ISO 8601 UTC ("2026-11-21T19:33:47Z"), for the store. */
void tb_wall_iso(char *out, size_t outlen);

#endif
