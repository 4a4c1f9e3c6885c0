/* The warm sandbox (see zygote.h). Process tree per grading thread: the
 * runner thread sits in sb_run() for the sandbox's life, so the keeper, the
 * slot uid, the rlimits and the kill at the end are sb_run()'s as for any
 * sandbox; this thread talks to the zygote over a unix socket that is the
 * sandbox's stdin. A job that hits its deadline or its output cap ends the
 * whole sandbox (cancel_fd): the keeper kills every process of it, and the
 * next job starts a new one. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "buf.h"
#include "clock.h"
#include "fdio.h"
#include "log.h"
#include "rc.h"
#include "zygote.h"

enum { REC_MAX = 64 * 1024, GRACE_MS = 500, READY_MS = 60000, HEAD_MAX = 1024 };

typedef struct zygote {
	pthread_t runner;
	int ctl;                /* this side of the control socket */
	int peer;               /* the zygote's side: the sandbox's stdin */
	int cancel;             /* eventfd: sb_run() ends the sandbox */
	int dead;               /* eventfd: the runner wrote it, the sandbox ended */
	unsigned jobs;
	pid_t owner;            /* the process that started it */
	sb_job sjob;
	const char *argv[5];
	char why[200];          /* the runner's: read after the join only */
} zygote;

static pthread_key_t key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static atomic_int warm_off;
static atomic_ulong nstarted, njobs;

unsigned long zy_started(void)
{
	return atomic_load(&nstarted);
}

unsigned long zy_jobs(void)
{
	return atomic_load(&njobs);
}

static void *runner_main(void *arg)
{
	zygote *z = arg;
	sb_result res;
	char err[200] = "";

	if (sb_run(&z->sjob, &res, err, sizeof(err)) != TB_OK) {
		snprintf(z->why, sizeof(z->why), "%s", err);
	} else {
		const char *e = tb_buf_str(&res.err);

		snprintf(z->why, sizeof(z->why), "the zygote ended with status %d%s%.*s", res.exit_code,
			 *e ? ": " : "", (int)strcspn(e, "\n"), e);
	}
	sb_result_release(&res);
	if (eventfd_write(z->dead, 1) != 0)
		tb_warn("exec grader: cannot signal the warm sandbox's end: %s", strerror(errno));
	return NULL;
}

/* Ends z: gracefully (the zygote exits when its socket closes) or at once
 * (cancel: the keeper kills the sandbox). Either way bounded by sb_run()'s
 * own stop. */
static void zy_stop(zygote *z, int at_once)
{
	if (!z)
		return;
	if (at_once || poll(&(struct pollfd){.fd = z->dead, .events = POLLIN}, 1, 0) == 0) {
		fd_close(&z->ctl);
		if (at_once || poll(&(struct pollfd){.fd = z->dead, .events = POLLIN}, 1, 2000) == 0)
			eventfd_write(z->cancel, 1);
	}
	pthread_join(z->runner, NULL);
	fd_close(&z->ctl);
	fd_close(&z->peer);
	fd_close(&z->cancel);
	fd_close(&z->dead);
	free(z);
}

static void key_free(void *p)
{
	zygote *z = p;

	if (z->owner == getpid())
		zy_stop(z, 0);
}

static void key_make(void)
{
	if (pthread_key_create(&key, key_free) != 0)
		atomic_store(&warm_off, 1);
}

/* Reads one line (at most n - 1 bytes) from fd, waiting at most ms and
 * giving up when dead becomes readable. Returns its length, or -1. */
static int read_line(int fd, int dead, char *line, size_t n, int ms)
{
	size_t got = 0;
	int64_t until = tb_now_us() + (int64_t)ms * 1000;

	while (got + 1 < n) {
		struct pollfd pf[2] = {{.fd = fd, .events = POLLIN}, {.fd = dead, .events = POLLIN}};
		int64_t left = (until - tb_now_us()) / 1000;
		ssize_t r;

		if (left <= 0 || poll(pf, 2, (int)left) <= 0 || (!pf[0].revents && pf[1].revents))
			return -1;
		r = read(fd, line + got, 1);
		if (r <= 0)
			return -1;
		if (line[got] == '\n') {
			line[got] = '\0';
			return (int)got;
		}
		got++;
	}
	return -1;
}

static zygote *zy_start(const zy_job *job, char *err, size_t errlen)
{
	zygote *z = calloc(1, sizeof(*z));
	int sv[2] = {-1, -1};
	char line[64] = "";

	if (!z) {
		tb_seterr(err, errlen, "out of memory");
		return NULL;
	}
	z->ctl = z->peer = z->cancel = z->dead = -1;
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0 ||
	    (z->cancel = eventfd(0, EFD_CLOEXEC)) < 0 || (z->dead = eventfd(0, EFD_CLOEXEC)) < 0) {
		tb_seterr(err, errlen, "warm sandbox: %s", strerror(errno));
		fd_close(&sv[0]);
		fd_close(&sv[1]);
		fd_close(&z->cancel);
		fd_close(&z->dead);
		free(z);
		return NULL;
	}
	z->ctl = sv[0];
	z->peer = sv[1];
	z->owner = getpid();
	z->argv[0] = "/usr/bin/python3";
	z->argv[1] = "-I";
	z->argv[2] = "-B";
	z->argv[3] = job->boot[0].name;
	z->argv[4] = NULL;
	z->sjob.argv = z->argv;
	z->sjob.files = job->boot;
	z->sjob.nfiles = job->nboot;
	sb_limits_default(&z->sjob.lim);
	/* the sandbox's limits bound every job's from above: a job lowers
	 * them for its own processes (a process may not raise a hard limit) */
	z->sjob.lim.wall_s = 7 * 86400;
	z->sjob.lim.cpu_s = 7 * 86400;
	z->sjob.lim.as_mb = 65536;
	z->sjob.lim.fsize_mb = job->lim.fsize_mb;
	z->sjob.lim.tmpfs_mb = 16;
	z->sjob.lim.nproc = job->lim.nproc + 8;
	z->sjob.lim.nofile = job->lim.nofile > 128 ? job->lim.nofile : 128;
	z->sjob.lim.out_max = 64 * 1024;
	z->sjob.warm = 1;
	z->sjob.stdin_fd = z->peer;
	z->sjob.cancel_fd = z->cancel;
	if (pthread_create(&z->runner, NULL, runner_main, z) != 0) {
		tb_seterr(err, errlen, "warm sandbox: cannot start a thread");
		fd_close(&z->ctl);
		fd_close(&z->peer);
		fd_close(&z->cancel);
		fd_close(&z->dead);
		free(z);
		return NULL;
	}
	atomic_fetch_add(&nstarted, 1);
	if (read_line(z->ctl, z->dead, line, sizeof(line), READY_MS) < 0 || strcmp(line, "ready") != 0) {
		int unable = strcmp(line, "unable") == 0;

		zy_stop(z, 1);
		if (unable && !atomic_exchange(&warm_off, 1))
			tb_warn("exec grader: the warm sandbox cannot give each answer namespaces of its own "
				"here; every answer gets a sandbox of its own (slower)");
		tb_seterr(err, errlen, "warm sandbox: %s", unable ? "cannot isolate its children" : "did not start");
		return NULL;
	}
	return z;
}

/* Sends the job: one byte with its descriptors, then the header. */
static int send_job(int ctl, const zy_job *job, const int *fds, size_t nfds)
{
	char head[HEAD_MAX + 17], one = 'J';
	char cbuf[CMSG_SPACE(sizeof(int) * (4 + ZY_FILES_MAX))];
	struct iovec iov = {.iov_base = &one, .iov_len = 1};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			    .msg_controllen = CMSG_SPACE(sizeof(int) * nfds)};
	struct cmsghdr *cm;
	int n;
	size_t len, off = 0;

	memset(cbuf, 0, sizeof(cbuf));
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
	memcpy(CMSG_DATA(cm), fds, sizeof(int) * nfds);
	n = snprintf(head + 16, sizeof(head) - 16, "%s %u %u %u %u %u %u", job->entry, job->lim.cpu_s,
		     job->lim.as_mb, job->lim.fsize_mb, job->lim.tmpfs_mb, job->lim.nproc + 8, job->lim.nofile);
	for (size_t i = 0; i < job->nfiles && n > 0 && (size_t)n < sizeof(head) - 16; i++)
		n += snprintf(head + 16 + n, sizeof(head) - 16 - (size_t)n, "\n%s", job->files[i].name);
	if (n <= 0 || (size_t)n >= sizeof(head) - 16)
		return -1;
	len = (size_t)n + 16;
	{
		char num[17];

		snprintf(num, sizeof(num), "%015d\n", n);
		memcpy(head, num, 16);
	}
	if (sendmsg(ctl, &mh, MSG_NOSIGNAL) != 1)
		return -1;
	while (off < len) {
		ssize_t w = send(ctl, head + off, len - off, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		off += (size_t)w;
	}
	return 0;
}

int zy_run(const zy_job *job, sb_result *res, char *err, size_t errlen)
{
	zygote *z;
	int out[2] = {-1, -1}, errp[2] = {-1, -1}, rec[2] = {-1, -1}, non[2] = {-1, -1};
	int mem[ZY_FILES_MAX], fds[4 + ZY_FILES_MAX];
	int rc = TB_ERR, replied = 0, broken = 0, end_now = 0;
	char reply[32];
	size_t rlen = 0;
	int64_t t0, deadline, grace_end = 0;

	memset(res, 0, sizeof(*res));
	res->exit_code = -1;
	tb_buf_init(&res->out, job->lim.out_max);
	tb_buf_init(&res->err, job->lim.out_max);
	tb_buf_init(&res->rec, REC_MAX);
	for (int i = 0; i < ZY_FILES_MAX; i++)
		mem[i] = -1;
	if (sb_unsafe() || atomic_load(&warm_off))
		return tb_seterr(err, errlen, "warm sandbox: off");
	if (job->nfiles > ZY_FILES_MAX || job->nboot < 1)
		return tb_seterr(err, errlen, "warm sandbox: bad job");
	pthread_once(&key_once, key_make);
	if (atomic_load(&warm_off))
		return tb_seterr(err, errlen, "warm sandbox: off");
	z = pthread_getspecific(key);
	if (z && z->owner != getpid()) {
		/* a fork of the process that started it: the sandbox and its
		 * socket are the parent's, so this process starts its own */
		z = NULL;
		pthread_setspecific(key, NULL);
	}
	if (z && (z->jobs >= ZY_JOBS_MAX || poll(&(struct pollfd){.fd = z->dead, .events = POLLIN}, 1, 0) > 0)) {
		zy_stop(z, 0);
		z = NULL;
		pthread_setspecific(key, NULL);
	}
	if (!z) {
		z = zy_start(job, err, errlen);
		if (!z)
			return TB_ERR;
		pthread_setspecific(key, z);
	}
	if (pipe2(out, O_CLOEXEC) || pipe2(errp, O_CLOEXEC) || pipe2(rec, O_CLOEXEC) || pipe2(non, O_CLOEXEC)) {
		tb_seterr(err, errlen, "warm sandbox: pipe: %s", strerror(errno));
		goto out;
	}
	if (job->nonce && fd_write_all(non[1], job->nonce, strlen(job->nonce)) != 0) {
		tb_seterr(err, errlen, "warm sandbox: cannot pass the nonce");
		goto out;
	}
	fd_close(&non[1]);
	for (size_t i = 0; i < job->nfiles; i++) {
		mem[i] = memfd_create("zyfile", MFD_CLOEXEC);
		if (mem[i] < 0 || fd_write_all(mem[i], job->files[i].data, job->files[i].len) != 0) {
			tb_seterr(err, errlen, "warm sandbox: memfd: %s", strerror(errno));
			goto out;
		}
	}
	fds[0] = out[1];
	fds[1] = errp[1];
	fds[2] = rec[1];
	fds[3] = non[0];
	for (size_t i = 0; i < job->nfiles; i++)
		fds[4 + i] = mem[i];
	t0 = tb_now_us();
	deadline = t0 + (int64_t)(job->lim.wall_s * 1e6);
	z->jobs++;
	if (send_job(z->ctl, job, fds, 4 + job->nfiles) != 0) {
		tb_seterr(err, errlen, "warm sandbox: cannot send the job");
		end_now = 1;
		goto out;
	}
	fd_close(&out[1]);
	fd_close(&errp[1]);
	fd_close(&rec[1]);
	fd_close(&non[0]);
	for (int i = 0; i < ZY_FILES_MAX; i++)
		fd_close(&mem[i]);
	for (int i = 0; i < ZY_FILES_MAX; i++)
		mem[i] = -1;
	fcntl(out[0], F_SETFL, O_NONBLOCK);
	fcntl(errp[0], F_SETFL, O_NONBLOCK);
	fcntl(rec[0], F_SETFL, O_NONBLOCK);
	/* Bounded by the deadline, then by the grace once the reply came:
	 * every pass reads or waits until one of them. */
	for (;;) {
		struct pollfd pf[5];
		int np = 0, ictl = -1, *rd[3] = {&out[0], &errp[0], &rec[0]};
		tb_buf *bufs[3] = {&res->out, &res->err, &res->rec};
		int wait_ms;

		if (replied && out[0] < 0 && errp[0] < 0 && rec[0] < 0)
			break;
		wait_ms = (int)(((replied ? grace_end : deadline) - tb_now_us()) / 1000);
		if (wait_ms <= 0) {
			if (!replied) {
				res->timed_out = 1;
				end_now = 1;
			}
			break;
		}
		for (int i = 0; i < 3; i++)
			if (*rd[i] >= 0)
				pf[np++] = (struct pollfd){.fd = *rd[i], .events = POLLIN};
		if (!replied) {
			ictl = np;
			pf[np++] = (struct pollfd){.fd = z->ctl, .events = POLLIN};
			pf[np++] = (struct pollfd){.fd = z->dead, .events = POLLIN};
		}
		if (poll(pf, (nfds_t)np, wait_ms) < 0 && errno != EINTR)
			break;
		for (int i = 0; i < 3; i++)
			if (*rd[i] >= 0)
				fd_drain(rd[i], bufs[i], i < 2 ? &res->out_capped : NULL);
		if (res->out_capped) {
			end_now = 1;
			break;
		}
		if (ictl < 0)
			continue;
		if (pf[ictl].revents) {
			ssize_t r = read(z->ctl, reply + rlen, sizeof(reply) - 1 - rlen);

			if (r <= 0 && !(r < 0 && errno == EINTR)) {
				broken = 1;
				break;
			}
			rlen += r > 0 ? (size_t)r : 0;
			reply[rlen] = '\0';
			if (strchr(reply, '\n')) {
				replied = 1;
				res->exit_code = atoi(reply);
				res->wall_s = (double)(tb_now_us() - t0) / 1e6;
				grace_end = tb_now_us() + GRACE_MS * 1000;
			} else if (rlen + 1 >= sizeof(reply)) {
				broken = 1;
				break;
			}
		} else if (pf[ictl + 1].revents) {
			broken = 1;
			break;
		}
	}
	if (!replied)
		res->wall_s = (double)(tb_now_us() - t0) / 1e6;
	if (broken || (replied && res->exit_code == 125 && !res->rec.len)) {
		/* the sandbox failed, not the answer: the caller runs it cold */
		tb_seterr(err, errlen, "warm sandbox: the job did not run (%.*s)",
			  (int)strcspn(tb_buf_str(&res->err), "\n"), tb_buf_str(&res->err));
		end_now = 1;
		goto out;
	}
	atomic_fetch_add(&njobs, 1);
	rc = TB_OK;
out:
	if (end_now) {
		zy_stop(z, 1);
		pthread_setspecific(key, NULL);
	}
	fd_close(&out[0]);
	fd_close(&out[1]);
	fd_close(&errp[0]);
	fd_close(&errp[1]);
	fd_close(&rec[0]);
	fd_close(&rec[1]);
	fd_close(&non[0]);
	fd_close(&non[1]);
	for (int i = 0; i < ZY_FILES_MAX; i++)
		fd_close(&mem[i]);
	return rc;
}
