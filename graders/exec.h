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

/* Whether the exec grader can run here: TB_OK, or TB_ERR with one line in
 * err ("exec grader: ..."), for the run command to print and stop on before
 * any request is made. Always TB_OK in unsafe mode. Thread-safe, cached. */
int gr_exec_available(char *err, size_t errlen);

#endif
