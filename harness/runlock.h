/* A run's lock: a file beside its store, locked with flock() for as long as
 * the process that runs the run lives. The kernel lets go of it on any
 * death, a SIGKILL too, so a lock is never stale; the file keeps the
 * holder's PID for the message that names it. */
#ifndef TB_RUNLOCK_H
#define TB_RUNLOCK_H

#include <stddef.h>

/* Takes the lock of the run folder run_dir; *fd keeps it (close it, or exit,
 * to let go; it is not inherited by children). TB_ERR with "run 'DIR' is in
 * use by process PID" when another process holds it. */
int runlock_take(const char *run_dir, int *fd, char *err, size_t errlen);
/* Whether a process holds the lock of run_dir now; *pid its PID (0 when
 * unknown). A folder without a lock file is not held. */
int runlock_held(const char *run_dir, long *pid);

/* The status to show for a run whose store says `stored`: a run stored as
 * "running" whose lock no process holds died on the way: "stopped". */
const char *runlock_status(const char *run_dir, const char *stored);

#endif
