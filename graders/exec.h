/* The exec grader's controls for the run command (the grader itself is
 * gr_exec_ops in kinds.h; its spec is described in exec.c). */
#ifndef GR_EXEC_H
#define GR_EXEC_H

#include <stddef.h>

/* --unsafe-exec: when on, code runs without bubblewrap (a temp dir, rlimits
 * and the same deadline and caps only) and every reason says so. Set it
 * before the first grade; the run records it and its report prints it. */
void gr_exec_set_unsafe(int on);
int gr_exec_unsafe(void);

/* Answers run a second at most (0: no cap, the default), from now on: the
 * run command caps them while requests are in flight, so that the
 * processes each answer starts do not disturb the latencies it measures.
 * Any thread, any time; answers already waiting see the change at once. */
void gr_exec_set_rate(unsigned per_second);

/* Whether the exec grader can run here: TB_OK, or TB_ERR with one line in
 * err ("exec grader: ..."), for the run command to print and stop on before
 * any request is made. Always TB_OK in unsafe mode. Thread-safe, cached. */
int gr_exec_available(char *err, size_t errlen);

#endif
