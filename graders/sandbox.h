/* The sandbox: runs one untrusted command under bubblewrap and reports how it
 * ended. It knows nothing of languages or verdicts; graders/exec.c builds the
 * command and decides.
 *
 * What a sandboxed command gets:
 * - new user, pid, network (only `lo`), IPC, UTS and cgroup namespaces, no
 *   nested user namespaces, no capabilities, a new session (no TIOCSTI);
 * - a cleared environment (bwrap itself is started with a fixed minimal one, so
 *   /proc/1/environ inside holds no secret either);
 * - read-only /usr (with the /bin, /lib... links), /etc/ld.so.cache, a private
 *   /proc and a minimal read-only /dev; "/" itself read-only;
 * - size-capped private tmpfs at /work (its cwd, holding the job's files) and
 *   /tmp, gone when it ends;
 * - rlimits: CPU, address space, file size, open files, processes; core 0;
 * - a wall-clock deadline after which the whole tree gets SIGKILL;
 * - stdout and stderr drained into buffers capped at out_max: going over kills
 *   the sandbox;
 * - fd 3, a pipe for the record, and fd 4, a pipe holding the nonce.
 *
 * The process cap works as root too: as root every run is started under its
 * own unprivileged uid (SB_UID_BASE + slot, one slot per concurrent run on
 * the machine, held with a lock file in /run/lock/thinkbench-sandbox), so
 * RLIMIT_NPROC applies, counted inside the run's user namespace; before and
 * after the run, everything owned by that uid is killed. As another user the cap
 * is RLIMIT_NPROC over that user's own processes (weaker: see sandbox.c).
 *
 * sb_run() is thread-safe and synchronous; it never blocks past the deadline
 * plus a short grace. */
#ifndef GR_SANDBOX_H
#define GR_SANDBOX_H

#include <stddef.h>

#include "buf.h"

/* The uids used for sandboxed runs when the harness is root: SB_UID_BASE up to
 * SB_UID_BASE + SB_SLOTS - 1. Nothing else may run under them: whatever
 * does is killed. */
#define SB_UID_BASE 1900000000u
#define SB_SLOTS 256

/* A file placed in the work dir before the command starts. Borrowed. */
typedef struct sb_file {
	const char *name;       /* relative to the work dir, no slashes */
	const char *data;
	size_t len;
} sb_file;

typedef struct sb_limits {
	double wall_s;          /* wall-clock deadline from the start */
	unsigned cpu_s;         /* RLIMIT_CPU; the hard limit is one more */
	unsigned as_mb;         /* RLIMIT_AS per process */
	unsigned fsize_mb;      /* RLIMIT_FSIZE */
	unsigned tmpfs_mb;      /* size of /work and of /tmp each */
	unsigned nproc;         /* processes and threads */
	unsigned nofile;        /* RLIMIT_NOFILE */
	size_t out_max;         /* cap on stdout and on stderr each */
} sb_limits;

/* Defaults: 10 s, 10 s CPU, 512 MiB, 16 MiB files, 64 MiB tmpfs, 32 tasks,
 * 128 files, 1 MiB of output. */
void sb_limits_default(sb_limits *lim);

typedef struct sb_job {
	const char *const *argv;    /* NULL-terminated; argv[0] absolute */
	const sb_file *files;
	size_t nfiles;
	const char *nonce;          /* written to the fd 4 pipe; NULL: fd 4 is empty */
	sb_limits lim;
	/* For a warm sandbox (graders/zygote.c), all three 0 otherwise. warm:
	 * the command keeps CAP_SYS_ADMIN and CAP_NET_ADMIN inside the
	 * sandbox's user namespace and bwrap loads no seccomp filter: the
	 * command gets it on fd 7 and must load it in every child it runs
	 * untrusted code in. stdin_fd (> 0): the command's stdin instead of
	 * /dev/null. cancel_fd (> 0): when it becomes readable the run ends as
	 * at its deadline. Both borrowed. */
	int warm;
	int stdin_fd;
	int cancel_fd;
} sb_job;

typedef struct sb_result {
	int exit_code;          /* the command's exit status, 128+n for signal n; -1 unknown */
	int timed_out;          /* the deadline was hit and the tree killed */
	int out_capped;         /* stdout or stderr went over out_max and the tree was killed */
	int unsafe;             /* ran without a sandbox (sb_set_unsafe) */
	double wall_s;
	tb_buf out, err;        /* at most out_max each */
	tb_buf rec;             /* what arrived on fd 3, at most 64 KiB */
} sb_result;

/* Runs one job. Returns TB_OK when the command ran (however it ended) with
 * *res filled, and TB_ERR when the sandbox could not be set up at all, err
 * saying why. The caller releases res with sb_result_release() either way. */
int sb_run(const sb_job *job, sb_result *res, char *err, size_t errlen);
void sb_result_release(sb_result *res);

/* Probes once (cached) whether bubblewrap can build the sandbox here. Returns
 * TB_OK, or TB_ERR with one line in err. With unsafe mode on it returns TB_OK. */
int sb_available(char *err, size_t errlen);

/* --unsafe-exec: run commands directly (a temp dir under $TMPDIR or /tmp,
 * rlimits, a process group, the same deadline and caps) when bubblewrap is
 * missing. Set before any run; it reads TMPDIR then. */
void sb_set_unsafe(int on);
int sb_unsafe(void);

#endif
