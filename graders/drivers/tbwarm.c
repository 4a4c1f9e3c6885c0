/* The warm sandbox's process start (tbwarm.so): puts a child of the zygote
 * in fresh mount, pid, IPC, network and UTS namespaces and isolates it there
 * before a line of Python runs in it. Loaded by the zygote (the system's
 * Python, through ctypes) from the sandbox's /work, so it is built on its
 * own, without the harness's flags, and embedded in thinkbench (see
 * tbwarm.h).
 *
 * Why C: on a fork every page is shared until one side writes it, and each
 * first write costs a page fault; the same steps in Python touch hundreds of
 * pages (its objects' reference counts), in C only the stack. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define NS_FLAGS (CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWUTS)

long tbw_spawn(const char *tmpfs_opt, unsigned long as_mb, const void *filter, unsigned filter_len);
long tbw_serve(int ctl, const void *filter, unsigned filter_len, char *entry, size_t entry_len);
long tbw_probe(void);
long tbw_scan(int fd);
long tbw_learn(int fd);

/* In a child: says why on fd 2 and ends it with the status the harness
 * reads as "the sandbox failed". */
static void die(const char *what)
{
	char msg[256];
	int n = snprintf(msg, sizeof(msg), "thinkbench zygote: %s: %s\n", what, strerror(errno));

	if (n > 0 && write(2, msg, (size_t)n) < 0)
		_exit(125);
	_exit(125);
}

/* Fresh tmpfs on /work and /tmp, a fresh /proc, lo up: in a process that
 * is already in its new mount, pid and network namespaces. 0, or the
 * errno of the step that failed (its name in *step). */
static int make_room(const char *tmpfs_opt, const char **step)
{
	struct ifreq ifr;
	int s;

	*step = "mount /";
	if (mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
		return errno;
	/* /dev (and /dev/shm in it) stays the sandbox's, read-only as in a
	 * cold run */
	*step = "mount /work";
	if (mount("tmpfs", "/work", "tmpfs", MS_NOSUID | MS_NODEV, tmpfs_opt) != 0)
		return errno;
	*step = "mount /tmp";
	if (mount("tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, tmpfs_opt) != 0)
		return errno;
	*step = "mount /proc";
	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0)
		return errno;
	*step = "lo";
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, "lo", 3);
	ifr.ifr_flags = IFF_UP | IFF_LOOPBACK | IFF_RUNNING;
	if (s < 0 || ioctl(s, SIOCSIFFLAGS, &ifr) != 0)
		return errno;
	close(s);
	return 0;
}

static void set_limit(int what, rlim_t v, const char *name)
{
	struct rlimit rl = {v, v};

	if (what == RLIMIT_CPU)
		rl.rlim_max = v + 1;
	if (setrlimit(what, &rl) != 0)
		die(name);
}

/* The last steps, in this order: limits, no capabilities, no new
 * privileges, the seccomp filter. */
static void lock_down(unsigned long cpu_s, unsigned long as_mb, unsigned long fsize_mb, unsigned long nproc,
		      unsigned long nofile, const void *filter, unsigned filter_len)
{
	struct __user_cap_header_struct caph = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct capd[2];
	struct sock_fprog prog = {(unsigned short)filter_len, (struct sock_filter *)(uintptr_t)filter};

	set_limit(RLIMIT_CPU, cpu_s, "RLIMIT_CPU");
	set_limit(RLIMIT_AS, (rlim_t)as_mb << 20, "RLIMIT_AS");
	set_limit(RLIMIT_FSIZE, (rlim_t)fsize_mb << 20, "RLIMIT_FSIZE");
	set_limit(RLIMIT_NOFILE, nofile, "RLIMIT_NOFILE");
	set_limit(RLIMIT_NPROC, nproc, "RLIMIT_NPROC");
	set_limit(RLIMIT_CORE, 0, "RLIMIT_CORE");
	set_limit(RLIMIT_MEMLOCK, 0, "RLIMIT_MEMLOCK");
	set_limit(RLIMIT_MSGQUEUE, 0, "RLIMIT_MSGQUEUE");
	memset(capd, 0, sizeof(capd));
	if (syscall(SYS_capset, &caph, capd) != 0)
		die("capset");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		die("no_new_privs");
	if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) != 0)
		die("seccomp");
}

/* The verdict process: cloned into fresh namespaces (pid 1 of its own),
 * isolated there. Returns its pid in the zygote (or -errno), 0 in it. It
 * keeps its descriptors and lives as long as the sandbox, so no CPU limit
 * but the sandbox's. */
long tbw_spawn(const char *tmpfs_opt, unsigned long as_mb, const void *filter, unsigned filter_len)
{
	long pid = syscall(SYS_clone, NS_FLAGS | SIGCHLD, 0, 0, 0, 0);
	const char *step;

	if (pid != 0)
		return pid < 0 ? -errno : pid;
	if (make_room(tmpfs_opt, &step) != 0)
		die(step);
	if (chdir("/work") != 0)
		die("chdir /work");
	lock_down(7 * 86400, as_mb, 64, 16, 256, filter, filter_len);
	return 0;
}

/* ---- the pages an answer's process writes ----
 *
 * After a fork the answer's process shares the zygote's pages, and its first
 * write to each costs a fault that copies it (on this kind of VM 20-30 us
 * each, hundreds per answer: the interpreter's objects). The pages an
 * answer writes are mostly the same every time, so a probe, forked once the
 * zygote is ready, runs a made-up answer and lists the pages it then holds
 * alone; each answer's process copies those at once with
 * MADV_POPULATE_WRITE, a run of pages per call (a quarter of the cost). The
 * same for the code it ran: a fork gets no page table entries for files'
 * pages, so each first call into one faults; the probe lists the pages of
 * its read-only mappings it had mapped, and MADV_POPULATE_READ maps them. A
 * kernel without these (before 5.14) says EINVAL and the faults happen as
 * before. Only the answer's own memory is touched: isolation is the same. */

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif

/* 4,096 runs and 8,192 pages (32 MiB) at most: a bound on what each answer
 * maps ahead */
enum { HOT_RUNS = 4096, HOT_PAGES = 8192 };

struct run {
	unsigned long start, len;
	int advice;             /* MADV_POPULATE_WRITE or _READ */
};

static struct run hot[HOT_RUNS];
static unsigned hot_runs;

/* A fork, as the answer's processes are made. Its pid, or -errno; 0 in it. */
long tbw_probe(void)
{
	long pid = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);

	return pid < 0 ? -errno : pid;
}

/* Appends page at to the runs (merging with the last one); 0, or -1 when
 * the bounds are reached. */
static int add_page(struct run *runs, unsigned *n, unsigned *pages, unsigned long at, unsigned long page, int advice)
{
	if (*pages >= HOT_PAGES)
		return -1;
	(*pages)++;
	if (*n && runs[*n - 1].start + runs[*n - 1].len == at && runs[*n - 1].advice == advice) {
		runs[*n - 1].len += page;
		return 0;
	}
	if (*n >= HOT_RUNS)
		return -1;
	runs[(*n)++] = (struct run){at, page, advice};
	return 0;
}

/* In the probe: writes to fd the runs of private writable pages that only
 * this process maps (those it copied since the fork, and the few it
 * allocated), and of read-only ones it has mapped. 0, or -errno. */
long tbw_scan(int fd)
{
	/* scratch in a mapping of its own, left out of the scan: the zygote
	 * does not have it */
	size_t maps_len = 1 << 16, scratch_len = maps_len + sizeof(struct run) * HOT_RUNS;
	char *scratch = mmap(NULL, scratch_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct run *runs = (struct run *)(void *)(scratch + maps_len);
	unsigned long page = (unsigned long)sysconf(_SC_PAGESIZE), skip_lo = (unsigned long)scratch,
		      skip_hi = skip_lo + scratch_len;
	unsigned n = 0, pages = 0;
	size_t got = 0;
	int mfd, pfd;
	ssize_t r;
	char *line;

	if (scratch == MAP_FAILED)
		return -errno;
	mfd = open("/proc/self/maps", O_RDONLY | O_CLOEXEC);
	pfd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	if (mfd < 0 || pfd < 0)
		return -errno;
	while (got < maps_len - 1 && (r = read(mfd, scratch + got, maps_len - 1 - got)) > 0)
		got += (size_t)r;
	scratch[got] = '\0';
	close(mfd);
	for (line = scratch; *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : line + strlen(line)) {
		unsigned long lo, hi;
		char perms[8];
		int advice;

		if (sscanf(line, "%lx-%lx %7s", &lo, &hi, perms) != 3)
			continue;
		if (strcmp(perms, "rw-p") == 0)
			advice = MADV_POPULATE_WRITE;
		else if (strcmp(perms, "r-xp") == 0 || strcmp(perms, "r--p") == 0)
			advice = MADV_POPULATE_READ;
		else
			continue;
		for (unsigned long at = lo; at < hi;) {
			uint64_t e[512];
			size_t want = (hi - at) / page < 512 ? (hi - at) / page : 512;

			r = pread(pfd, e, want * 8, (off_t)(at / page * 8));
			if (r <= 0)
				break;
			for (size_t i = 0; i < (size_t)r / 8; i++, at += page)
				/* present, and when written, mapped by this
				 * process alone */
				if ((e[i] >> 63 & 1) && (advice == MADV_POPULATE_READ || (e[i] >> 56 & 1)) &&
				    (at < skip_lo || at >= skip_hi) && add_page(runs, &n, &pages, at, page, advice) != 0)
					goto done;
		}
	}
done:
	close(pfd);
	return write(fd, runs, n * sizeof(runs[0])) == (ssize_t)(n * sizeof(runs[0])) ? 0 : -EIO;
}

/* In the zygote: keeps the runs the probe wrote on fd. Their count. */
long tbw_learn(int fd)
{
	size_t got = 0;
	ssize_t r;

	while (got < sizeof(hot) && (r = read(fd, (char *)hot + got, sizeof(hot) - got)) > 0)
		got += (size_t)r;
	hot_runs = (unsigned)(got / sizeof(hot[0]));
	return hot_runs;
}

/* In an answer's process, first thing: copies the learnt pages. A run the
 * process does not map (the probe's own allocations) fails alone. */
static void copy_hot_pages(void)
{
	for (unsigned i = 0; i < hot_runs; i++)
		madvise((void *)hot[i].start, hot[i].len, hot[i].advice);
}

/* ---- the answer's process ----
 *
 * Per answer: an init in fresh namespaces (pid 1 of its own pid namespace),
 * which makes the room and sleeps until the zygote kills it once the
 * answer's process is gone (the kernel then kills whatever else is left in
 * its pid namespace); then the answer's process, forked from the zygote
 * into them (pid 2: signals act on it as anywhere, and the zygote waits for
 * it). A process may make a pid namespace only in the one it is itself in,
 * and the zygote, which enters each answer's to fork into it, cannot come
 * back (its own belongs to bubblewrap's user namespace); so the inits are
 * made by a factory, a clone that stays where the zygote began. The factory
 * and the inits share the zygote's memory (they cost no copy of it), run C
 * only, on stacks of their own, and hold none of the zygote's descriptors
 * but their pipes. */

struct room {
	const char *tmpfs_opt;
	const char *step;       /* what failed */
	int err;                /* its errno, or 0 */
	int ready;              /* the init's pipe to the factory */
	long init;              /* the factory's answer: the init's pid */
};

static struct room room;
static int ask[2] = {-1, -1}, told[2] = {-1, -1};
static char factory_stack[16 * 1024] __attribute__((aligned(16)));
/* the next answer's room is made while the current answer runs: two inits
 * live at once, each on its own stack (one that sleeps never returns to
 * it) */
static char init_stacks[2][16 * 1024] __attribute__((aligned(16)));
static unsigned rooms_made;
static char room_opt[64];
static int room_asked;          /* a room is being made, or waits, for room_opt */

/* An init's whole life once its room is made: the zygote kills it. */
__attribute__((noreturn)) static void sleep_forever(void)
{
	for (;;)
		pause();
}

static int init_main(void *arg)
{
	struct room *r = arg;
	char done = 'r';

	r->err = make_room(r->tmpfs_opt, &r->step);
	if (write(r->ready, &done, 1) != 1 || r->err)
		_exit(1);
	sleep_forever();
}

/* One init per byte on ask; its pid (or -errno) in room.init, then a byte
 * on told. Ends when the zygote does. */
static int factory_main(void *arg)
{
	struct sigaction sa;
	char c;

	(void)arg;
	/* none of the zygote's descriptors but its pipes: the inits inherit
	 * what it holds */
	for (int fd = 0; fd < 1024; fd++)
		if (fd != ask[0] && fd != told[1])
			close(fd);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_IGN;
	/* the inits it makes are reaped by the kernel once killed */
	sigaction(SIGCHLD, &sa, NULL);
	while (read(ask[0], &c, 1) == 1) {
		int ready[2];
		char got = 0;

		room.err = 0;
		if (pipe2(ready, O_CLOEXEC) != 0) {
			room.step = "pipe";
			room.init = -errno;
		} else {
			room.ready = ready[1];
			char *stack = init_stacks[rooms_made++ & 1];

			room.init = clone(init_main, stack + sizeof(init_stacks[0]), CLONE_VM | NS_FLAGS | SIGCHLD,
					  &room);
			if (room.init < 0) {
				room.step = "clone";
				room.init = -errno;
			}
			close(ready[1]);
			while (room.init > 0 && read(ready[0], &got, 1) < 0 && errno == EINTR)
				;
			close(ready[0]);
			if (room.init > 0 && (got != 'r' || room.err)) {
				kill((pid_t)room.init, SIGKILL);
				room.init = -(room.err ? room.err : EIO);
			}
		}
		if (write(told[1], &c, 1) != 1)
			break;
	}
	_exit(0);
}

static long pidfd_of(long pid)
{
	int fd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0), high;

	if (fd < 0)
		return -errno;
	/* above the descriptors each answer gets (0 to 7) */
	high = fcntl(fd, F_DUPFD_CLOEXEC, 100);
	close(fd);
	return high < 0 ? -errno : high;
}

static int high_pipe(int p[2])
{
	int tmp[2];

	if (pipe2(tmp, O_CLOEXEC) != 0)
		return -1;
	p[0] = fcntl(tmp[0], F_DUPFD_CLOEXEC, 100);
	p[1] = fcntl(tmp[1], F_DUPFD_CLOEXEC, 100);
	close(tmp[0]);
	close(tmp[1]);
	return p[0] < 0 || p[1] < 0 ? -1 : 0;
}

/* Starts the factory once, before the zygote enters any answer's pid
 * namespace. 0, or an errno. */
static int start_factory(void)
{
	static int started;

	if (started)
		return 0;
	if (high_pipe(ask) != 0 || high_pipe(told) != 0)
		return errno;
	if (clone(factory_main, factory_stack + sizeof(factory_stack), CLONE_VM | SIGCHLD, NULL) < 0)
		return errno;
	close(ask[0]);
	close(told[1]);
	started = 1;
	return 0;
}

/* In the zygote: says why on fd 2 (the job's stderr) and returns -e. */
static long fail(const char *what, int e)
{
	char msg[256];
	int n = snprintf(msg, sizeof(msg), "thinkbench zygote: %s: %s\n", what, strerror(e));

	if (n > 0 && write(2, msg, (size_t)n) < 0)
		return -e;
	return -e;
}

/* fd 3 (the answer's memfd) into solution.py, then back to its start for
 * the Python side to read. */
static void write_solution(void)
{
	char buf[65536];
	int out = open("solution.py", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	off_t off = 0;

	if (out < 0)
		die("solution.py");
	for (;;) {
		ssize_t r = pread(3, buf, sizeof(buf), off), done = 0;

		if (r < 0)
			die("read the solution");
		if (r == 0)
			break;
		while (done < r) {
			ssize_t w = write(out, buf + done, (size_t)(r - done));

			if (w <= 0)
				die("write solution.py");
			done += w;
		}
		off += r;
	}
	if (close(out) != 0 || lseek(3, 0, SEEK_SET) != 0)
		die("solution.py");
}

/* Asks the factory for a room with tmpfs_opt. 0, or -1. */
static int ask_room(const char *tmpfs_opt)
{
	char c = 'a';

	if (strlen(tmpfs_opt) >= sizeof(room_opt))
		return -1;
	memcpy(room_opt, tmpfs_opt, strlen(tmpfs_opt) + 1);
	room.tmpfs_opt = room_opt;
	return write(ask[1], &c, 1) == 1 ? 0 : -1;
}

/* Starts an answer's process (see above). Returns its pid in the zygote (or
 * -errno), 0 in it once isolated; *init_pid: the init of its namespaces,
 * killed once the answer's process is gone (the factory's child, so the
 * kernel reaps it). The answer's descriptors are 0 to 7: it keeps 0, 1, 2,
 * the memfd on 3 (solution.py) and the pipes on 6 and 7. */
static long start_answer(const char *tmpfs_opt, unsigned long cpu_s, unsigned long as_mb, unsigned long fsize_mb,
			 unsigned long nproc, unsigned long nofile, const void *filter, unsigned filter_len,
			 long *init_pid)
{
	char c = 'a';
	long pid, ns;
	int e;

	*init_pid = 0;
	if ((e = start_factory()) != 0)
		return fail("the factory", e);
	if (room_asked && strcmp(room_opt, tmpfs_opt) != 0) {
		/* made for another size: not this answer's */
		room_asked = 0;
		if (read(told[0], &c, 1) != 1)
			return fail("the factory", EIO);
		if (room.init > 0)
			kill((pid_t)room.init, SIGKILL);
	}
	if (!room_asked && ask_room(tmpfs_opt) != 0)
		return fail("the factory", EIO);
	room_asked = 0;
	if (read(told[0], &c, 1) != 1)
		return fail("the factory", EIO);
	if (room.init < 0)
		return fail(room.step, (int)-room.init);
	*init_pid = room.init;
	ns = pidfd_of(room.init);
	if (ns < 0 || setns((int)ns, CLONE_NEWPID) != 0) {
		e = ns < 0 ? (int)-ns : errno;
		if (ns >= 0)
			close((int)ns);
		return fail("setns", e);
	}
	pid = syscall(SYS_clone, SIGCHLD, 0, 0, 0, 0);
	if (pid == 0) {
		copy_hot_pages();
		if (setns((int)ns, CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWUTS) != 0)
			die("setns");
		if (syscall(SYS_close_range, 8u, ~0u, 0u) != 0)
			die("close_range");
		close(4);
		close(5);
		if (chdir("/work") != 0)
			die("chdir /work");
		write_solution();
		lock_down(cpu_s, as_mb, fsize_mb, nproc, nofile, filter, filter_len);
		return 0;
	}
	e = errno;
	close((int)ns);
	if (pid < 0)
		return fail("fork", e);
	/* the next answer's room, made while this one runs; an error shows
	 * when it is used */
	room_asked = ask_room(tmpfs_opt) == 0;
	return pid;
}

/* Puts a job's descriptors on 0 to 7, where the kernel put them unless
 * something else held a low number. */
static int place(const int *fds)
{
	int high[8];

	for (int i = 0; i < 8; i++)
		if (fds[i] != i)
			goto move;
	return 0;
move:
	for (int i = 0; i < 8; i++) {
		high[i] = fcntl(fds[i], F_DUPFD, 100);
		if (high[i] < 0)
			return -1;
	}
	for (int i = 0; i < 8; i++)
		close(fds[i]);
	for (int i = 0; i < 8; i++) {
		if (dup2(high[i], i) != i)
			return -1;
		close(high[i]);
	}
	return 0;
}

/* The zygote's loop (the protocol is in zygote.py): one message per answer,
 * "cpu_s as_mb fsize_mb tmpfs_mb nproc nofile entry" with its 8
 * descriptors. In C, so that the zygote writes no Python object (no page
 * to copy) from one answer to the next. Returns 0 in each answer's process
 * (entry set), or -errno once the harness's socket ends or fails. */
long tbw_serve(int ctl, const void *filter, unsigned filter_len, char *entry, size_t entry_len)
{
	for (;;) {
		char msg[1024], opt[64], reply[32], cbuf[CMSG_SPACE(sizeof(int) * 16)];
		struct iovec iov = {msg, sizeof(msg) - 1};
		struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
				    .msg_controllen = sizeof(cbuf)};
		struct cmsghdr *cm;
		unsigned long cpu_s, as_mb, fsize_mb, tmpfs_mb, nproc, nofile;
		int fds[16], nfds = 0, at = -1, st, n;
		long pid, init = 0, code = 125;
		ssize_t got;

		do
			got = recvmsg(ctl, &mh, 0);
		while (got < 0 && errno == EINTR);
		if (got <= 0)
			return got < 0 ? -errno : -EPIPE;
		cm = CMSG_FIRSTHDR(&mh);
		if (cm && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS) {
			nfds = (int)((cm->cmsg_len - CMSG_LEN(0)) / sizeof(int));
			memcpy(fds, CMSG_DATA(cm), sizeof(int) * (size_t)nfds);
		}
		msg[got] = '\0';
		if (nfds != 8 || (mh.msg_flags & (MSG_CTRUNC | MSG_TRUNC)) ||
		    sscanf(msg, "%lu %lu %lu %lu %lu %lu %n", &cpu_s, &as_mb, &fsize_mb, &tmpfs_mb, &nproc, &nofile,
			   &at) != 6 || at < 0 || strlen(msg + at) >= entry_len || place(fds) != 0)
			return -EPROTO;
		snprintf(opt, sizeof(opt), "size=%lum,mode=1777", tmpfs_mb);
		pid = start_answer(opt, cpu_s, as_mb, fsize_mb, nproc, nofile, filter, filter_len, &init);
		if (pid == 0) {
			memcpy(entry, msg + at, strlen(msg + at) + 1);
			return 0;
		}
		close(0);
		close(1);
		close(2);
		close(3);
		syscall(SYS_close_range, 5u, 7u, 0u);
		if (pid > 0) {
			while (waitpid((pid_t)pid, &st, 0) < 0 && errno == EINTR)
				;
			code = WIFSIGNALED(st) ? -WTERMSIG(st) : WEXITSTATUS(st);
			if (init > 0)
				kill((pid_t)init, SIGKILL);
		}
		/* how the answer's process ended: to the verdict process, and to
		 * the harness */
		n = snprintf(reply, sizeof(reply), "%ld\n", code);
		got = write(4, reply, (size_t)n);
		(void)got; /* the verdict process may not have needed it */
		close(4);
		if (send(ctl, reply, (size_t)n, MSG_NOSIGNAL) != n)
			return -errno;
	}
}
