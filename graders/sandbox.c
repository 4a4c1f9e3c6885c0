/* The bubblewrap sandbox (see sandbox.h for what a command gets).
 *
 * Why a separate uid when root: RLIMIT_NPROC does not bind root, and a pids
 * cgroup is not always writable (this CI has cgroup v1, mounted in a
 * container). So a root harness forks, drops to SB_UID_BASE + slot with
 * setresuid and runs bwrap unprivileged. The kernel counts RLIMIT_NPROC per
 * (user namespace, uid): inside the run's new user namespace that is exactly
 * the run's own tasks, and the parent level (the uid on the host) is the same
 * set, since one slot is one run. When a run ends, the keeper (below) drops
 * to the same uid and sends SIGKILL to every process it can (kill(-1)), which
 * can only be the run's leftovers; if the keeper did not get that far, the
 * harness does the same with a helper process. As a non-root user no uid can
 * be spared: the cap is RLIMIT_NPROC set to the user's current task count
 * plus nproc, which still stops a fork bomb but is shared with the user's own
 * processes.
 * Measured here (root, cgroup v1, bwrap 0.8): with nproc 16 a fork loop stops
 * at 15 children, and the corpus's fork bombs end at the deadline with the
 * host's process count back at its baseline.
 *
 * Process tree: harness thread -> keeper (root, a child subreaper) -> bwrap
 * (the slot uid) -> the sandbox's init -> the command. The keeper exists so
 * that nothing of a run outlives it as an orphan or a zombie (zombies would
 * still count against the uid's RLIMIT_NPROC); each link dies with its parent
 * (PR_SET_PDEATHSIG, bwrap --die-with-parent), so a killed harness leaves
 * nothing running either.
 *
 * Memory: RLIMIT_AS per process, so the worst case is nproc x as_mb (32 x 512
 * MiB by default), well under the 24 GiB CI machine, plus the two tmpfs. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <dirent.h>
#include <time.h>
#include <unistd.h>

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>

#include "clock.h"
#include "fdio.h"
#include "log.h"
#include "rc.h"
#include "sandbox.h"

/* fds as the command (bwrap, then the sandboxed program) sees them */
enum { FD_REC = 3, FD_NONCE = 4, FD_STATUS = 5, FD_ERRPIPE = 6, FD_SECCOMP = 7, FD_FILE0 = 8 };
enum { MAX_FILES = 16, MAX_ARGS = 160, REC_MAX = 64 * 1024, STATUS_MAX = 2048, GRACE_MS = 500 };
/* the sandboxes' nice (see yield_cores) */
#define SB_NICE 10
#define TEXT_(x) #x
#define TEXT(x) TEXT_(x)

static int unsafe_mode;
/* unsafe mode's work dirs go here: $TMPDIR, as users with a small /tmp
 * expect, when it is an absolute directory the command can enter (as root
 * the command runs as a slot uid, so others need search permission); read
 * once, before any run */
static char unsafe_parent[128] = "/tmp";

void sb_set_unsafe(int on)
{
	const char *t = getenv("TMPDIR");
	struct stat st;
	int usable = t && t[0] == '/' && strlen(t) < sizeof(unsafe_parent) && stat(t, &st) == 0 &&
		     S_ISDIR(st.st_mode) && (geteuid() != 0 || (st.st_mode & S_IXOTH));

	unsafe_mode = on;
	snprintf(unsafe_parent, sizeof(unsafe_parent), "%s", usable ? t : "/tmp");
}

int sb_unsafe(void)
{
	return unsafe_mode;
}

void sb_limits_default(sb_limits *lim)
{
	lim->wall_s = 10;
	lim->cpu_s = 10;
	lim->as_mb = 512;
	lim->fsize_mb = 16;
	lim->tmpfs_mb = 64;
	lim->nproc = 32;
	lim->nofile = 128;
	lim->out_max = 1 << 20;
}

void sb_result_release(sb_result *res)
{
	tb_buf_release(&res->out);
	tb_buf_release(&res->err);
	tb_buf_release(&res->rec);
}

/* ---- slots: one unprivileged uid per concurrent run when root ----
 *
 * A slot is taken machine-wide, with flock() on a lock file per uid, since
 * two harness processes (two runs, parallel tests) must never share a uid:
 * each one's sweep would kill the other's sandbox. Threads of one process
 * also skip the slots they hold themselves without touching the files.
 *
 * A process keeps the lock of a slot after a run that ended swept (nothing
 * of the uid left alive), so the next run on it needs neither the lock file
 * nor a sweep first: nobody else can have used the uid in between. A slot
 * locked afresh is swept before use (a crashed harness may have left
 * something under it). A process holds at most as many slots as it ever ran
 * sandboxes at once; they are released when it exits. A forked child shares
 * those locks with its parent, so it forgets them and locks its own. */

static pthread_mutex_t slot_mu = PTHREAD_MUTEX_INITIALIZER;
static unsigned char slot_used[SB_SLOTS];       /* a run of this process is on it */
static unsigned char slot_held[SB_SLOTS];       /* this process holds its lock */
static int slot_fd[SB_SLOTS];
static pid_t slot_pid;                          /* the process the above is about */

/* In a child forked by a process that held slots: drop them (the parent
 * still holds the locks). Called with slot_mu held. */
static void slot_forget_parents(void)
{
	pid_t self = getpid();

	if (slot_pid == self)
		return;
	for (int s = 0; s < SB_SLOTS; s++) {
		if (slot_held[s])
			close(slot_fd[s]);
		slot_held[s] = 0;
		slot_used[s] = 0;
	}
	slot_pid = self;
}

static int slot_lock(int s)
{
	static const char *const dirs[] = {"/run/lock/thinkbench-sandbox", "/tmp/.thinkbench-sandbox"};
	char path[96];

	for (size_t d = 0; d < sizeof(dirs) / sizeof(dirs[0]); d++) {
		int fd;

		if (mkdir(dirs[d], 0700) != 0 && errno != EEXIST)
			continue;
		snprintf(path, sizeof(path), "%s/uid-%u.lock", dirs[d], SB_UID_BASE + (unsigned)s);
		fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
		if (fd < 0)
			continue;
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return fd;
		close(fd);
		return -1;
	}
	return -1;
}

/* Takes a free slot, one this process already holds first; waits (bounded:
 * a minute) while all are busy. *fresh is set when the slot was locked now
 * and must be swept before use. */
static int slot_get(int *fresh)
{
	int start = (int)(getpid() % SB_SLOTS);

	*fresh = 0;
	pthread_mutex_lock(&slot_mu);
	slot_forget_parents();
	for (int s = 0; s < SB_SLOTS; s++)
		if (slot_held[s] && !slot_used[s]) {
			slot_used[s] = 1;
			pthread_mutex_unlock(&slot_mu);
			return s;
		}
	pthread_mutex_unlock(&slot_mu);
	for (int attempt = 0; attempt < 3000; attempt++) {
		for (int k = 0; k < SB_SLOTS; k++) {
			int s = (start + k) % SB_SLOTS, fd;

			pthread_mutex_lock(&slot_mu);
			if (slot_used[s]) {
				pthread_mutex_unlock(&slot_mu);
				continue;
			}
			slot_used[s] = 1;
			if (slot_held[s]) {
				pthread_mutex_unlock(&slot_mu);
				return s;
			}
			pthread_mutex_unlock(&slot_mu);
			fd = slot_lock(s);
			if (fd >= 0) {
				slot_fd[s] = fd;
				slot_held[s] = 1;
				*fresh = 1;
				return s;
			}
			pthread_mutex_lock(&slot_mu);
			slot_used[s] = 0;
			pthread_mutex_unlock(&slot_mu);
		}
		nanosleep(&(struct timespec){0, 20 * 1000 * 1000}, NULL);
	}
	return -1;
}

/* Gives a slot back; its lock is kept only when the run ended swept. */
static void slot_put(int s, int swept)
{
	pthread_mutex_lock(&slot_mu);
	if (!swept) {
		close(slot_fd[s]);
		slot_held[s] = 0;
	}
	slot_used[s] = 0;
	pthread_mutex_unlock(&slot_mu);
}

static int drop_to(uid_t uid)
{
	if (syscall(SYS_setgroups, 0, NULL) != 0 || syscall(SYS_setresgid, uid, uid, uid) != 0 ||
	    syscall(SYS_setresuid, uid, uid, uid) != 0)
		return -1;
	return 0;
}

/* Kills every process owned by uid: a helper drops to it and sends kill(-1),
 * which reaches exactly the processes that uid may signal. */
static void sweep_uid(uid_t uid)
{
	pid_t p = fork();

	if (p == 0) {
		if (drop_to(uid) == 0)
			kill(-1, SIGKILL);
		_exit(0);
	}
	if (p > 0)
		while (waitpid(p, NULL, 0) < 0 && errno == EINTR)
			;
}

/* ---- the seccomp filter, compiled once ----
 *
 * Namespaces and dropped capabilities already stop most of these calls; the
 * filter is the layer that holds when one of those does not (a kernel bug in
 * a namespace, a call that needs no capability). It denies what reaches into
 * another process (ptrace, process_vm_*: the verdict's side of a sandbox
 * must stay out of the answer's reach even under the same uid), the mount
 * and namespace calls, the kernel's keyrings, bpf, perf, modules, kexec and
 * io_uring. clone3 gets ENOSYS, since its flags cannot be inspected: the C
 * library then falls back to clone, whose CLONE_NEWUSER is denied. Calls
 * from another ABI (i386, x32) kill the process. bwrap loads the program
 * (--seccomp) after its own set-up; unsafe mode loads it itself. */

static const int denied_calls[] = {
	SCMP_SYS(ptrace), SCMP_SYS(process_vm_readv), SCMP_SYS(process_vm_writev),
	SCMP_SYS(mount), SCMP_SYS(umount2), SCMP_SYS(pivot_root), SCMP_SYS(chroot),
	SCMP_SYS(fsopen), SCMP_SYS(fsmount), SCMP_SYS(fsconfig), SCMP_SYS(fspick),
	SCMP_SYS(move_mount), SCMP_SYS(open_tree), SCMP_SYS(mount_setattr),
	SCMP_SYS(unshare), SCMP_SYS(setns), SCMP_SYS(bpf), SCMP_SYS(perf_event_open),
	SCMP_SYS(keyctl), SCMP_SYS(add_key), SCMP_SYS(request_key),
	SCMP_SYS(init_module), SCMP_SYS(finit_module), SCMP_SYS(delete_module),
	SCMP_SYS(kexec_load), SCMP_SYS(kexec_file_load), SCMP_SYS(userfaultfd),
	SCMP_SYS(open_by_handle_at), SCMP_SYS(name_to_handle_at), SCMP_SYS(fanotify_init),
	SCMP_SYS(swapon), SCMP_SYS(swapoff), SCMP_SYS(reboot), SCMP_SYS(syslog),
	SCMP_SYS(acct), SCMP_SYS(quotactl), SCMP_SYS(lookup_dcookie),
};

static const int unimplemented_calls[] = {
	SCMP_SYS(clone3), SCMP_SYS(io_uring_setup), SCMP_SYS(io_uring_enter), SCMP_SYS(io_uring_register),
};

static struct {
	struct sock_filter *prog;       /* NULL when it could not be built */
	unsigned short len;
	char why[160];
} filter;
static pthread_once_t filter_once = PTHREAD_ONCE_INIT;

static void filter_init(void)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int fd = -1, rc = ctx ? 0 : -ENOMEM;
	off_t size;

	for (size_t i = 0; rc == 0 && i < sizeof(denied_calls) / sizeof(denied_calls[0]); i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), denied_calls[i], 0);
	for (size_t i = 0; rc == 0 && i < sizeof(unimplemented_calls) / sizeof(unimplemented_calls[0]); i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), unimplemented_calls[i], 0);
	if (rc == 0)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1,
				      SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_NEWUSER, CLONE_NEWUSER));
	if (rc == 0)
		rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS);
	if (rc == 0) {
		fd = memfd_create("sbfilter", MFD_CLOEXEC);
		rc = fd < 0 ? -errno : seccomp_export_bpf(ctx, fd);
	}
	if (rc == 0) {
		size = lseek(fd, 0, SEEK_END);
		if (size <= 0 || size % (off_t)sizeof(struct sock_filter) != 0 ||
		    size / (off_t)sizeof(struct sock_filter) > BPF_MAXINSNS)
			rc = -EINVAL;
	}
	if (rc == 0) {
		filter.prog = malloc((size_t)size);
		if (!filter.prog || pread(fd, filter.prog, (size_t)size, 0) != size) {
			free(filter.prog);
			filter.prog = NULL;
			rc = -EIO;
		} else {
			filter.len = (unsigned short)(size / (off_t)sizeof(struct sock_filter));
		}
	}
	if (rc != 0)
		snprintf(filter.why, sizeof(filter.why), "cannot build the seccomp filter: %s", strerror(-rc));
	if (fd >= 0)
		close(fd);
	seccomp_release(ctx);
}

/* ---- the host side of the mount setup, computed once ---- */

typedef struct hostview {
	const char *bwrap;
	int nlinks;
	char link_src[8][64];   /* symlink target, or "" when a directory to bind */
	char link_dst[8][16];
} hostview;

static hostview host;
static pthread_once_t host_once = PTHREAD_ONCE_INIT;

static void host_init(void)
{
	static const char *const cand[] = {"/usr/bin/bwrap", "/usr/local/bin/bwrap", "/bin/bwrap"};
	static const char *const tops[] = {"/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"};

	for (size_t i = 0; i < sizeof(cand) / sizeof(cand[0]) && !host.bwrap; i++)
		if (access(cand[i], X_OK) == 0)
			host.bwrap = cand[i];
	for (size_t i = 0; i < sizeof(tops) / sizeof(tops[0]); i++) {
		struct stat st;
		ssize_t n;

		if (lstat(tops[i], &st) != 0)
			continue;
		snprintf(host.link_dst[host.nlinks], sizeof(host.link_dst[0]), "%s", tops[i]);
		host.link_src[host.nlinks][0] = '\0';
		if (S_ISLNK(st.st_mode)) {
			n = readlink(tops[i], host.link_src[host.nlinks], sizeof(host.link_src[0]) - 1);
			if (n <= 0)
				continue;
			host.link_src[host.nlinks][n] = '\0';
		} else if (!S_ISDIR(st.st_mode)) {
			continue;
		}
		host.nlinks++;
	}
}

/* ---- one run ---- */

typedef struct spawn {
	const char *path;
	char *argv[MAX_ARGS];
	int argc;
	char nums[MAX_FILES + 8][24];
	int nnums;
	char workdir[160];      /* unsafe mode: the host temp dir */
	char env_home[176], env_tmp[176];
	char dest[MAX_FILES][64];
	int src[FD_FILE0 + MAX_FILES];
	int nsrc;
	struct rlimit rl_cpu, rl_as, rl_fsize, rl_nofile, rl_nproc;
	struct sock_fprog fprog;        /* unsafe mode: loaded by inner_exec */
	int drop;
	uid_t uid;
	pid_t parent;
} spawn;

static const char *num(spawn *sp, unsigned long long v)
{
	char *s = sp->nums[sp->nnums++];

	snprintf(s, sizeof(sp->nums[0]), "%llu", v);
	return s;
}

static int arg(spawn *sp, const char *s)
{
	if (sp->argc >= MAX_ARGS - 1)
		return -1;
	sp->argv[sp->argc++] = (char *)s;
	sp->argv[sp->argc] = NULL;
	return 0;
}

static char *const child_env[] = {"PATH=/usr/bin:/bin", "LANG=C.UTF-8", "HOME=/work", "TMPDIR=/tmp",
				   NULL};

static int build_bwrap_argv(spawn *sp, const sb_job *job)
{
	int rc = 0;
	const sb_limits *l = &job->lim;

	sp->path = host.bwrap;
	rc |= arg(sp, "bwrap");
	rc |= arg(sp, "--unshare-all");
	rc |= arg(sp, "--unshare-user");
	rc |= arg(sp, "--disable-userns");
	/* no --new-session: inner_exec() made the session (bwrap's own setsid
	 * would put the sandbox in a new scheduling group at full weight) */
	rc |= arg(sp, "--die-with-parent");
	rc |= arg(sp, "--cap-drop");
	rc |= arg(sp, "ALL");
	if (job->warm) {
		rc |= arg(sp, "--cap-add");
		rc |= arg(sp, "CAP_SYS_ADMIN");
		rc |= arg(sp, "--cap-add");
		rc |= arg(sp, "CAP_NET_ADMIN");
		/* joining an answer's mount namespace (setns) takes it too */
		rc |= arg(sp, "--cap-add");
		rc |= arg(sp, "CAP_SYS_CHROOT");
	}
	rc |= arg(sp, "--hostname");
	rc |= arg(sp, "sandbox");
	rc |= arg(sp, "--clearenv");
	for (int i = 0; child_env[i]; i++) {
		static const char *const names[] = {"PATH", "LANG", "HOME", "TMPDIR"};
		rc |= arg(sp, "--setenv");
		rc |= arg(sp, names[i]);
		rc |= arg(sp, strchr(child_env[i], '=') + 1);
	}
	rc |= arg(sp, "--json-status-fd");
	rc |= arg(sp, num(sp, FD_STATUS));
	if (!job->warm) {
		rc |= arg(sp, "--seccomp");
		rc |= arg(sp, num(sp, FD_SECCOMP));
	}
	rc |= arg(sp, "--ro-bind");
	rc |= arg(sp, "/usr");
	rc |= arg(sp, "/usr");
	for (int i = 0; i < host.nlinks; i++) {
		if (host.link_src[i][0]) {
			rc |= arg(sp, "--symlink");
			rc |= arg(sp, host.link_src[i]);
		} else {
			rc |= arg(sp, "--ro-bind");
			rc |= arg(sp, host.link_dst[i]);
		}
		rc |= arg(sp, host.link_dst[i]);
	}
	rc |= arg(sp, "--ro-bind-try");
	rc |= arg(sp, "/etc/ld.so.cache");
	rc |= arg(sp, "/etc/ld.so.cache");
	rc |= arg(sp, "--proc");
	rc |= arg(sp, "/proc");
	rc |= arg(sp, "--dev");
	rc |= arg(sp, "/dev");
	rc |= arg(sp, "--size");
	rc |= arg(sp, num(sp, (unsigned long long)l->tmpfs_mb << 20));
	rc |= arg(sp, "--tmpfs");
	rc |= arg(sp, "/tmp");
	rc |= arg(sp, "--size");
	rc |= arg(sp, num(sp, (unsigned long long)l->tmpfs_mb << 20));
	rc |= arg(sp, "--tmpfs");
	rc |= arg(sp, "/work");
	for (size_t i = 0; i < job->nfiles; i++) {
		rc |= arg(sp, "--file");
		rc |= arg(sp, num(sp, FD_FILE0 + i));
		/* the names are checked by sb_run: no slash, not empty */
		snprintf(sp->dest[i], sizeof(sp->dest[0]), "/work/%s", job->files[i].name);
		rc |= arg(sp, sp->dest[i]);
	}
	rc |= arg(sp, "--remount-ro");
	rc |= arg(sp, "/dev");
	rc |= arg(sp, "--remount-ro");
	rc |= arg(sp, "/");
	rc |= arg(sp, "--chdir");
	rc |= arg(sp, "/work");
	rc |= arg(sp, "--");
	for (int i = 0; job->argv[i]; i++)
		rc |= arg(sp, job->argv[i]);
	return rc;
}

static volatile pid_t inner_pid;

static void on_term(int sig)
{
	(void)sig;
	if (inner_pid > 0) {
		kill(-inner_pid, SIGKILL);
		kill(inner_pid, SIGKILL);
	}
}

/* SIGKILL to every child of this process (a subreaper: orphans of the tree
 * land here). Reads /proc/self/task/<pid>/children; only system calls. */
static void kill_children(void)
{
	char buf[4096];
	int fd, n, pid = 0, any = 0;

	fd = open("/proc/thread-self/children", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = (int)read(fd, buf, sizeof(buf) - 1);
	close(fd);
	for (int i = 0; i < n; i++) {
		if (buf[i] >= '0' && buf[i] <= '9') {
			pid = pid * 10 + (buf[i] - '0');
			any = 1;
		} else if (any) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);
			pid = any = 0;
		}
	}
	if (any) {
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
	}
}

/* A sandbox yields the cores to the harness's transfer loops, whose clocks
 * (time to first token) must not wait on a grader. With autogroup
 * scheduling (most distributions) each session is a group that weighs as
 * much as the harness's whole session, whatever the nice of its processes,
 * so the new session's group gets the nice too; without it the processes'
 * nice does it. Best effort: a kernel without either runs as before. An
 * answer may undo its own group's nice: that costs the timings, not the
 * verdicts. */
static void yield_cores(void)
{
	/* system calls only: this runs in a vfork child */
	static const char nice[] = TEXT(SB_NICE);
	int fd;
	ssize_t w;

	setpriority(PRIO_PROCESS, 0, SB_NICE);
	fd = open("/proc/self/autogroup", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	w = write(fd, nice, sizeof(nice) - 1);
	(void)w; /* no autogroup scheduling here: the nice above does it */
	close(fd);
}

/* The command's own process, forked by the keeper: a session of its own
 * (so no controlling terminal to inject input into), limits, uid, exec. */
static void inner_exec(const spawn *sp, pid_t keeper) __attribute__((noreturn));
static void inner_exec(const spawn *sp, pid_t keeper)
{
	int e;

	setsid();
	yield_cores();
	if (setrlimit(RLIMIT_CPU, &sp->rl_cpu) || setrlimit(RLIMIT_AS, &sp->rl_as) ||
	    setrlimit(RLIMIT_FSIZE, &sp->rl_fsize) || setrlimit(RLIMIT_NOFILE, &sp->rl_nofile) ||
	    setrlimit(RLIMIT_NPROC, &sp->rl_nproc) ||
	    setrlimit(RLIMIT_CORE, &(struct rlimit){0, 0}) ||
	    setrlimit(RLIMIT_MEMLOCK, &(struct rlimit){0, 0}) ||
	    setrlimit(RLIMIT_MSGQUEUE, &(struct rlimit){0, 0}))
		goto fail;
	if (sp->drop && drop_to(sp->uid) != 0)
		goto fail;
	/* after the uid change, which clears it */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != keeper)
		_exit(127);
	if (sp->workdir[0] && chdir(sp->workdir) != 0)
		goto fail;
	if (sp->fprog.filter && (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
				 prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &sp->fprog) != 0))
		goto fail;
	execve(sp->path, sp->argv, sp->workdir[0] ? (char *const *)sp->argv + sp->argc + 1 : child_env);
fail:
	e = errno;
	if (write(FD_ERRPIPE, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

/* Runs in the forked child, the keeper: only system calls from here on (the
 * parent may have other threads). The keeper is a child subreaper: it starts
 * the command, reaps it and, once it ended, kills and reaps every process
 * left below it, so no orphan or zombie of a run outlives it. SIGTERM from
 * the harness makes it kill the command's session. Its exit status is the
 * command's (128+n for signal n). */
static void keeper_wait(const spawn *sp, pid_t self, pid_t inner) __attribute__((noreturn, noinline));
static void keeper_wait(const spawn *sp, pid_t self, pid_t inner)
{
	struct sigaction sa;
	int st, bst = 0, done = 0;

	inner_pid = inner;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	syscall(SYS_close_range, 0U, ~0U, 0);
	/* Bounded: every pass reaps one process, and once the command ended
	 * everything still below is killed, so nothing new can appear. */
	for (int i = 0; i < 1000000; i++) {
		pid_t w = waitpid(-1, &st, 0);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			break;
		if (w == inner) {
			bst = st;
			done = 1;
		}
		if (done)
			kill_children();
	}
	/* The sweep (see sweep_uid), done here rather than by one more fork:
	 * the keeper's normal exit tells the harness the uid owns nothing. If
	 * it cannot drop, it dies by a signal so that the harness sweeps. */
	if (sp->drop) {
		if (drop_to(sp->uid) != 0)
			kill(self, SIGKILL);
		kill(-1, SIGKILL);
	}
	_exit(WIFEXITED(bst) ? WEXITSTATUS(bst) : WIFSIGNALED(bst) ? 128 + WTERMSIG(bst) : 127);
}

static void keeper(const spawn *sp) __attribute__((noreturn));
static void keeper(const spawn *sp)
{
	int tmp[FD_FILE0 + MAX_FILES];
	int e;
	sigset_t none;
	struct sigaction sa;
	pid_t self = getpid(), inner;

	for (int k = 0; k < sp->nsrc; k++) {
		tmp[k] = sp->src[k] < 0 ? -1 : fcntl(sp->src[k], F_DUPFD, sp->nsrc);
		if (sp->src[k] >= 0 && tmp[k] < 0)
			goto fail;
	}
	for (int k = 0; k < sp->nsrc; k++)
		if (tmp[k] >= 0 && dup2(tmp[k], k) < 0)
			goto fail;
	syscall(SYS_close_range, (unsigned)sp->nsrc, ~0U, 0);
	for (int k = 0; k < sp->nsrc; k++)
		if (tmp[k] < 0)
			close(k);
	fcntl(FD_ERRPIPE, F_SETFD, FD_CLOEXEC);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	for (int s = 1; s < 65; s++)
		sigaction(s, &sa, NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != sp->parent)
		_exit(127);
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	/* vfork: the keeper has nothing to do until the command is exec'd, and
	 * its copy of the harness's page tables need not be copied again;
	 * inner_exec only makes system calls */
	inner = vfork();
	if (inner < 0)
		goto fail;
	if (inner == 0)
		inner_exec(sp, self);
	keeper_wait(sp, self, inner);
fail:
	e = errno;
	if (write(FD_ERRPIPE, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

/* The user's current task count, for RLIMIT_NPROC as a non-root user. */
static unsigned long user_tasks(uid_t uid)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	unsigned long n = 0, seen = 0;

	if (!d)
		return 4096;
	while ((de = readdir(d)) != NULL && seen++ < (1u << 20)) {
		char path[64], line[128];
		struct stat st;
		FILE *f;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%.20s", de->d_name);
		if (stat(path, &st) != 0 || st.st_uid != uid)
			continue;
		snprintf(path, sizeof(path), "/proc/%.20s/status", de->d_name);
		f = fopen(path, "re");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f))
			if (strncmp(line, "Threads:", 8) == 0)
				n += strtoul(line + 8, NULL, 10);
		fclose(f);
	}
	closedir(d);
	return n;
}

/* unsafe mode: files go into a fresh host temp dir under unsafe_parent */
static int make_workdir(spawn *sp, const sb_job *job, char *err, size_t errlen)
{
	snprintf(sp->workdir, sizeof(sp->workdir), "%s/tb-unsafe.XXXXXX", unsafe_parent);
	if (!mkdtemp(sp->workdir)) {
		sp->workdir[0] = '\0';
		return tb_seterr(err, errlen, "cannot create a work dir: %s", strerror(errno));
	}
	if (sp->drop && chown(sp->workdir, sp->uid, sp->uid) != 0)
		return tb_seterr(err, errlen, "cannot hand the work dir over: %s", strerror(errno));
	for (size_t i = 0; i < job->nfiles; i++) {
		char path[256];
		int fd;

		snprintf(path, sizeof(path), "%s/%s", sp->workdir, job->files[i].name);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd < 0 || fd_write_all(fd, job->files[i].data, job->files[i].len) != 0) {
			if (fd >= 0)
				close(fd);
			return tb_seterr(err, errlen, "cannot write '%s': %s", path, strerror(errno));
		}
		close(fd);
	}
	return TB_OK;
}

static void remove_workdir(const char *dir)
{
	/* bounded: the command may have made files but only one level is
	 * expected; anything deeper is removed by rm, which we avoid calling
	 * from a library, so walk two levels by hand */
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (d) {
		while ((de = readdir(d)) != NULL && n++ < 100000) {
			char path[512];

			if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
			if (unlink(path) != 0 && errno == EISDIR)
				rmdir(path);
		}
		closedir(d);
	}
	rmdir(dir);
}

/* Ends a run early: the keeper kills the command's session, the sweep kills
 * whatever the uid still owns, then the keeper reaps and exits. Waits at
 * most about 2 s for it before killing the keeper too. */
static void stop_run(pid_t pid, const spawn *sp, int *status)
{
	kill(pid, SIGTERM);
	if (sp->drop)
		sweep_uid(sp->uid);
	for (int i = 0; i < 200; i++) {
		if (waitpid(pid, status, WNOHANG) == pid)
			return;
		nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
	}
	kill(pid, SIGKILL);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
}

static int64_t ms_left(int64_t deadline_us)
{
	int64_t d = deadline_us - tb_now_us();

	return d <= 0 ? 0 : (d + 999) / 1000;
}

/* A read end the parent collects from the child, and where its bytes go. */
typedef struct pipe_in {
	int *fd;      /* -1 once the child's end closed */
	tb_buf *b;
	int counts;   /* stdout, stderr: reaching the ceiling is noted */
} pipe_in;

#define N_PIPES 4

/* Poll entries for the pipes still open; returns how many. */
static int watch_pipes(const pipe_in *rd, struct pollfd *pf)
{
	int np = 0;

	for (int i = 0; i < N_PIPES; i++)
		if (*rd[i].fd >= 0)
			pf[np++] = (struct pollfd){.fd = *rd[i].fd, .events = POLLIN};
	return np;
}

/* Reads what every open pipe holds; *over (when over is not NULL) is set
 * when stdout or stderr reached its ceiling. */
static void drain_pipes(const pipe_in *rd, int *over)
{
	for (int i = 0; i < N_PIPES; i++)
		if (*rd[i].fd >= 0)
			fd_drain(rd[i].fd, rd[i].b, rd[i].counts ? over : NULL);
}

int sb_run(const sb_job *job, sb_result *res, char *err, size_t errlen)
{
	spawn *sp = NULL;
	int out[2] = {-1, -1}, errp[2] = {-1, -1}, rec[2] = {-1, -1}, non[2] = {-1, -1};
	int st[2] = {-1, -1}, ep[2] = {-1, -1}, sc[2] = {-1, -1}, mem[MAX_FILES], devnull = -1, pidfd = -1;
	int rc = TB_ERR, slot = -1, status = 0, reaped = 0, killed = 0, e = 0, fresh = 0;
	int clean = 1;  /* nothing runs under the slot's uid */
	tb_buf stb;
	const pipe_in rd[N_PIPES] = {
		{&out[0], &res->out, 1}, {&errp[0], &res->err, 1},
		{&rec[0], &res->rec, 0}, {&st[0], &stb, 0},
	};
	pid_t pid = -1;
	int64_t t0, deadline;
	size_t nproc;

	memset(res, 0, sizeof(*res));
	res->exit_code = -1;
	res->unsafe = unsafe_mode;
	tb_buf_init(&res->out, job->lim.out_max);
	tb_buf_init(&res->err, job->lim.out_max);
	tb_buf_init(&res->rec, REC_MAX);
	tb_buf_init(&stb, STATUS_MAX);
	for (int i = 0; i < MAX_FILES; i++)
		mem[i] = -1;
	pthread_once(&host_once, host_init);
	if (job->nfiles > MAX_FILES)
		return tb_seterr(err, errlen, "sandbox: too many files");
	for (size_t i = 0; i < job->nfiles; i++)
		if (!job->files[i].name[0] || strchr(job->files[i].name, '/') ||
		    strlen(job->files[i].name) > 48)
			return tb_seterr(err, errlen, "sandbox: bad file name '%s'", job->files[i].name);
	if (!unsafe_mode && !host.bwrap)
		return tb_seterr(err, errlen, "bubblewrap (bwrap) is not installed");
	if (unsafe_mode && job->warm)
		return tb_seterr(err, errlen, "sandbox: no warm sandbox in unsafe mode");
	pthread_once(&filter_once, filter_init);
	if (!filter.prog)
		return tb_seterr(err, errlen, "sandbox: %s", filter.why);
	sp = calloc(1, sizeof(*sp));
	if (!sp)
		return tb_seterr(err, errlen, "out of memory");
	sp->parent = getpid();
	sp->drop = geteuid() == 0;
	if (sp->drop) {
		slot = slot_get(&fresh);
		if (slot < 0) {
			tb_seterr(err, errlen, "sandbox: every sandbox uid is busy");
			free(sp);
			return TB_ERR;
		}
		sp->uid = SB_UID_BASE + (uid_t)slot;
		/* whatever a crashed harness left under this uid */
		if (fresh)
			sweep_uid(sp->uid);
		nproc = job->lim.nproc + 2; /* bwrap and its init */
	} else {
		nproc = user_tasks(getuid()) + job->lim.nproc;
	}
	sp->rl_cpu = (struct rlimit){job->lim.cpu_s, job->lim.cpu_s + 1};
	sp->rl_as = (struct rlimit){(rlim_t)job->lim.as_mb << 20, (rlim_t)job->lim.as_mb << 20};
	sp->rl_fsize = (struct rlimit){(rlim_t)job->lim.fsize_mb << 20, (rlim_t)job->lim.fsize_mb << 20};
	sp->rl_nofile = (struct rlimit){job->lim.nofile, job->lim.nofile};
	sp->rl_nproc = (struct rlimit){nproc, nproc};

	if (pipe2(out, O_CLOEXEC) || pipe2(errp, O_CLOEXEC) || pipe2(rec, O_CLOEXEC) ||
	    pipe2(non, O_CLOEXEC) || pipe2(st, O_CLOEXEC) || pipe2(ep, O_CLOEXEC) || pipe2(sc, O_CLOEXEC)) {
		tb_seterr(err, errlen, "sandbox: pipe: %s", strerror(errno));
		goto out;
	}
	devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (devnull < 0) {
		tb_seterr(err, errlen, "sandbox: /dev/null: %s", strerror(errno));
		goto out;
	}
	if (job->nonce && fd_write_all(non[1], job->nonce, strlen(job->nonce)) != 0) {
		tb_seterr(err, errlen, "sandbox: cannot pass the nonce");
		goto out;
	}
	fd_close(&non[1]);
	/* the filter fits a pipe's buffer: BPF_MAXINSNS x 8 bytes is 32 KiB */
	if (fd_write_all(sc[1], (const char *)filter.prog, filter.len * sizeof(struct sock_filter)) != 0) {
		tb_seterr(err, errlen, "sandbox: cannot pass the seccomp filter");
		goto out;
	}
	fd_close(&sc[1]);

	if (unsafe_mode) {
		sp->fprog = (struct sock_fprog){.len = filter.len, .filter = filter.prog};
		if (make_workdir(sp, job, err, errlen) != TB_OK)
			goto out;
		sp->path = job->argv[0];
		for (int i = 0; job->argv[i]; i++)
			if (arg(sp, job->argv[i]) != 0) {
				tb_seterr(err, errlen, "sandbox: too many arguments");
				goto out;
			}
		/* the environment follows argv's NULL in the same array */
		if (sp->argc + 6 >= MAX_ARGS) {
			tb_seterr(err, errlen, "sandbox: too many arguments");
			goto out;
		}
		snprintf(sp->env_home, sizeof(sp->env_home), "HOME=%s", sp->workdir);
		snprintf(sp->env_tmp, sizeof(sp->env_tmp), "TMPDIR=%s", sp->workdir);
		sp->argv[sp->argc + 1] = (char *)child_env[0];
		sp->argv[sp->argc + 2] = (char *)child_env[1];
		sp->argv[sp->argc + 3] = sp->env_home;
		sp->argv[sp->argc + 4] = sp->env_tmp;
		sp->argv[sp->argc + 5] = NULL;
	} else {
		for (size_t i = 0; i < job->nfiles; i++) {
			mem[i] = memfd_create("sbfile", MFD_CLOEXEC);
			if (mem[i] < 0 || fd_write_all(mem[i], job->files[i].data, job->files[i].len) != 0 ||
			    lseek(mem[i], 0, SEEK_SET) != 0) {
				tb_seterr(err, errlen, "sandbox: memfd: %s", strerror(errno));
				goto out;
			}
		}
		if (build_bwrap_argv(sp, job) != 0) {
			tb_seterr(err, errlen, "sandbox: too many arguments");
			goto out;
		}
	}
	sp->src[0] = job->stdin_fd > 0 ? job->stdin_fd : devnull;
	sp->src[1] = out[1];
	sp->src[2] = errp[1];
	sp->src[FD_REC] = rec[1];
	sp->src[FD_NONCE] = non[0];
	sp->src[FD_STATUS] = unsafe_mode ? -1 : st[1];
	sp->src[FD_ERRPIPE] = ep[1];
	sp->src[FD_SECCOMP] = unsafe_mode ? -1 : sc[0];
	sp->nsrc = FD_FILE0;
	for (size_t i = 0; !unsafe_mode && i < job->nfiles; i++)
		sp->src[sp->nsrc++] = mem[i];

	t0 = tb_now_us();
	deadline = t0 + (int64_t)(job->lim.wall_s * 1e6);
	pid = fork();
	if (pid < 0) {
		tb_seterr(err, errlen, "sandbox: fork: %s", strerror(errno));
		goto out;
	}
	if (pid == 0)
		keeper(sp);
	clean = 0;
	fd_close(&out[1]);
	fd_close(&errp[1]);
	fd_close(&rec[1]);
	fd_close(&non[0]);
	fd_close(&st[1]);
	fd_close(&ep[1]);
	fd_close(&sc[0]);
	for (int i = 0; i < MAX_FILES; i++)
		fd_close(&mem[i]);
	{
		ssize_t n;

		do
			n = read(ep[0], &e, sizeof(e));
		while (n < 0 && errno == EINTR);
		if (n > 0) {
			while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
				;
			pid = -1;
			clean = WIFEXITED(status);
			tb_seterr(err, errlen, "sandbox: cannot start '%s': %s", sp->path, strerror(e));
			goto out;
		}
	}
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	fcntl(out[0], F_SETFL, O_NONBLOCK);
	fcntl(errp[0], F_SETFL, O_NONBLOCK);
	fcntl(rec[0], F_SETFL, O_NONBLOCK);
	if (st[0] >= 0)
		fcntl(st[0], F_SETFL, O_NONBLOCK);

	/* Bounded by the deadline: every pass either reads, or waits until it. */
	while (!reaped) {
		struct pollfd pf[N_PIPES + 2];
		int np, wait_ms = (int)ms_left(deadline);

		if (wait_ms == 0) {
			res->timed_out = 1;
			break;
		}
		if (pidfd < 0 && wait_ms > 20)
			wait_ms = 20;
		np = watch_pipes(rd, pf);
		if (pidfd >= 0)
			pf[np++] = (struct pollfd){.fd = pidfd, .events = POLLIN};
		if (job->cancel_fd > 0)
			pf[np++] = (struct pollfd){.fd = job->cancel_fd, .events = POLLIN};
		if (poll(pf, (nfds_t)np, wait_ms) < 0 && errno != EINTR)
			break;
		if (job->cancel_fd > 0 && pf[np - 1].revents) {
			res->timed_out = 1;
			break;
		}
		drain_pipes(rd, &res->out_capped);
		if (res->out_capped)
			break;
		if (waitpid(pid, &status, WNOHANG) == pid)
			reaped = 1;
	}
	if (!reaped) {
		stop_run(pid, sp, &status);
		killed = 1;
	} else if (sp->drop && !WIFEXITED(status)) {
		sweep_uid(sp->uid);
	}
	clean = 1;
	pid = -1;
	res->wall_s = (double)(tb_now_us() - t0) / 1e6;
	/* Everything that could hold a pipe is dead by now, in a sandbox; the
	 * grace only bounds unsafe mode, where a daemon may keep one open. */
	{
		int64_t grace = tb_now_us() + GRACE_MS * 1000;

		while (ms_left(grace) > 0) {
			struct pollfd pf[N_PIPES];
			int np = watch_pipes(rd, pf);

			if (np == 0 || poll(pf, (nfds_t)np, (int)ms_left(grace)) <= 0)
				break;
			drain_pipes(rd, killed ? NULL : &res->out_capped);
		}
	}
	if (unsafe_mode) {
		if (WIFEXITED(status))
			res->exit_code = WEXITSTATUS(status);
		else if (WIFSIGNALED(status))
			res->exit_code = 128 + WTERMSIG(status);
	} else {
		const char *ec = strstr(tb_buf_str(&stb), "\"exit-code\"");

		if (ec && (ec = strchr(ec, ':')) != NULL)
			res->exit_code = atoi(ec + 1);
		if (!ec && !killed) {
			/* bwrap never ran the command: its own message is on stderr */
			const char *m = strstr(tb_buf_str(&res->err), "bwrap:");
			char line[200];
			size_t n = 0;

			if (m)
				while (m[n] && m[n] != '\n' && n + 1 < sizeof(line)) {
					line[n] = m[n];
					n++;
				}
			line[n] = '\0';
			tb_seterr(err, errlen, "bubblewrap cannot build the sandbox: %s",
				  n ? line : "no status from bwrap");
			goto out;
		}
	}
	rc = TB_OK;
out:
	if (pid > 0) {
		stop_run(pid, sp, &status);
		clean = 1;
	}
	fd_close(&out[0]);
	fd_close(&out[1]);
	fd_close(&errp[0]);
	fd_close(&errp[1]);
	fd_close(&rec[0]);
	fd_close(&rec[1]);
	fd_close(&non[0]);
	fd_close(&non[1]);
	fd_close(&st[0]);
	fd_close(&st[1]);
	fd_close(&ep[0]);
	fd_close(&ep[1]);
	fd_close(&sc[0]);
	fd_close(&sc[1]);
	fd_close(&devnull);
	fd_close(&pidfd);
	for (int i = 0; i < MAX_FILES; i++)
		fd_close(&mem[i]);
	tb_buf_release(&stb);
	if (sp && sp->workdir[0])
		remove_workdir(sp->workdir);
	if (slot >= 0)
		slot_put(slot, clean);
	free(sp);
	return rc;
}

static pthread_once_t probe_once = PTHREAD_ONCE_INIT;
static int probe_rc;
static char probe_msg[256];

static void probe(void)
{
	static const char *const argv[] = {"/usr/bin/true", NULL};
	sb_job job = {.argv = argv};
	sb_result res;

	sb_limits_default(&job.lim);
	pthread_once(&host_once, host_init);
	if (!host.bwrap) {
		probe_rc = tb_seterr(probe_msg, sizeof(probe_msg), "bubblewrap (bwrap) is not installed");
		return;
	}
	probe_rc = sb_run(&job, &res, probe_msg, sizeof(probe_msg));
	if (probe_rc == TB_OK && res.exit_code != 0)
		probe_rc = tb_seterr(probe_msg, sizeof(probe_msg),
				     "bubblewrap ran a test command but it exited with %d", res.exit_code);
	sb_result_release(&res);
}

int sb_available(char *err, size_t errlen)
{
	if (unsafe_mode)
		return TB_OK;
	pthread_once(&probe_once, probe);
	if (probe_rc != TB_OK)
		return tb_seterr(err, errlen, "%s", probe_msg);
	return TB_OK;
}
