/* The warm sandbox (see zygote.h). Process tree per sandbox: a runner thread
 * sits in sb_run() for the sandbox's life, so the keeper, the slot uid, the
 * rlimits and the kill at the end are sb_run()'s as for any sandbox. The
 * grading thread talks to the zygote over a unix socket that is the
 * sandbox's stdin, and to the verdict process over a socket the zygote hands
 * over when it is ready. A job that hits its deadline or its output cap ends
 * the whole sandbox (cancel_fd): the keeper kills every process of it, and
 * the next job of its domain starts a new one. */
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

enum { REC_MAX = 64 * 1024, GRACE_MS = 500, READY_MS = 60000, HEAD_MAX = 1024, LINE_MAX_ = 64 };

typedef struct zygote {
	pthread_t runner;
	int ctl;                /* this side of the zygote's socket */
	int peer;               /* the zygote's side: the sandbox's stdin */
	int verdict;            /* the verdict process's socket */
	int devnull;            /* what the answer's process gets on fd 0 */
	int cancel;             /* eventfd: sb_run() ends the sandbox */
	int dead;               /* eventfd: the runner wrote it, the sandbox ended */
	unsigned jobs;
	unsigned late;          /* replies still to come for answers returned early */
	unsigned long used;     /* when it last ran a job: the least recent goes first */
	unsigned as_mb;         /* the verdict process's memory limit */
	char *domain;           /* NULL: jobs naming none */
	pid_t owner;            /* the process that started it */
	sb_job sjob;
	char as_arg[16];
	const char *argv[6];
	char why[200];          /* the runner's: read after the join only */
} zygote;

/* A thread's sandboxes, one per domain and memory limit. */
typedef struct zy_table {
	zygote *slot[ZY_SLOTS];
	unsigned long clock;
	pid_t owner;
} zy_table;

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

/* Frees z, whose runner (if it had one) has ended. */
static void zy_free(zygote *z)
{
	fd_close(&z->ctl);
	fd_close(&z->verdict);
	fd_close(&z->peer);
	fd_close(&z->cancel);
	fd_close(&z->dead);
	fd_close(&z->devnull);
	free(z->domain);
	free(z);
}

/* Ends z: gracefully (the zygote and the verdict process exit when their
 * sockets close) or at once (cancel: the keeper kills the sandbox). Either
 * way bounded by sb_run()'s own stop. */
static void zy_stop(zygote *z, int at_once, char *why, size_t whylen)
{
	if (!z)
		return;
	if (at_once || poll(&(struct pollfd){.fd = z->dead, .events = POLLIN}, 1, 0) == 0) {
		fd_close(&z->ctl);
		fd_close(&z->verdict);
		if (at_once || poll(&(struct pollfd){.fd = z->dead, .events = POLLIN}, 1, 2000) == 0)
			eventfd_write(z->cancel, 1);
	}
	pthread_join(z->runner, NULL);
	if (why)
		snprintf(why, whylen, "%s", z->why);
	zy_free(z);
}

static void table_free(void *p)
{
	zy_table *t = p;

	if (t->owner == getpid())
		for (int i = 0; i < ZY_SLOTS; i++)
			zy_stop(t->slot[i], 0, NULL, 0);
	free(t);
}

static void key_make(void)
{
	if (pthread_key_create(&key, table_free) != 0)
		atomic_store(&warm_off, 1);
}

/* Reads the zygote's first line, "ready\n" with the verdict process's
 * socket or "unable\n", waiting at most READY_MS and giving up when the
 * sandbox ends. Returns 1 ready (*vfd set), 0 unable, -1 neither. */
static int read_ready(zygote *z, int *vfd)
{
	char line[LINE_MAX_];
	size_t got = 0;
	int64_t until = tb_now_us() + (int64_t)READY_MS * 1000;

	*vfd = -1;
	while (got + 1 < sizeof(line)) {
		struct pollfd pf[2] = {{.fd = z->ctl, .events = POLLIN}, {.fd = z->dead, .events = POLLIN}};
		int64_t left = (until - tb_now_us()) / 1000;
		char cbuf[CMSG_SPACE(sizeof(int))];
		struct iovec iov = {.iov_base = line + got, .iov_len = sizeof(line) - 1 - got};
		struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
				    .msg_controllen = sizeof(cbuf)};
		ssize_t r;

		if (left <= 0 || poll(pf, 2, (int)left) <= 0 || (!pf[0].revents && pf[1].revents))
			break;
		r = recvmsg(z->ctl, &mh, MSG_CMSG_CLOEXEC);
		if (r <= 0)
			break;
		for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
			if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS &&
			    cm->cmsg_len == CMSG_LEN(sizeof(int)) && *vfd < 0)
				memcpy(vfd, CMSG_DATA(cm), sizeof(int));
		got += (size_t)r;
		line[got] = '\0';
		if (strchr(line, '\n'))
			break;
	}
	if (strcmp(line, "ready\n") == 0 && got && *vfd >= 0)
		return 1;
	fd_close(vfd);
	return got && strcmp(line, "unable\n") == 0 ? 0 : -1;
}

static zygote *zy_start(const zy_job *job, char *err, size_t errlen)
{
	zygote *z = calloc(1, sizeof(*z));
	int sv[2] = {-1, -1}, ready;

	if (!z) {
		tb_seterr(err, errlen, "out of memory");
		return NULL;
	}
	z->ctl = z->peer = z->verdict = z->cancel = z->dead = z->devnull = -1;
	if ((job->domain && !(z->domain = strdup(job->domain))) ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0 ||
	    (z->devnull = open("/dev/null", O_RDWR | O_CLOEXEC)) < 0 ||
	    (z->cancel = eventfd(0, EFD_CLOEXEC)) < 0 || (z->dead = eventfd(0, EFD_CLOEXEC)) < 0) {
		tb_seterr(err, errlen, "warm sandbox: %s", strerror(errno));
		fd_close(&sv[0]);
		fd_close(&sv[1]);
		zy_free(z);
		return NULL;
	}
	z->ctl = sv[0];
	z->peer = sv[1];
	z->owner = getpid();
	z->as_mb = job->lim.as_mb;
	snprintf(z->as_arg, sizeof(z->as_arg), "%u", job->lim.as_mb);
	z->argv[0] = "/usr/bin/python3";
	z->argv[1] = "-I";
	z->argv[2] = "-B";
	z->argv[3] = job->boot[0].name;
	z->argv[4] = z->as_arg;
	z->argv[5] = NULL;
	z->sjob.argv = z->argv;
	z->sjob.files = job->boot;
	z->sjob.nfiles = job->nboot;
	sb_limits_default(&z->sjob.lim);
	/* the sandbox's limits bound every job's from above: a job lowers
	 * them for its own processes (a process may not raise a hard limit) */
	z->sjob.lim.wall_s = 7 * 86400;
	z->sjob.lim.cpu_s = 7 * 86400;
	z->sjob.lim.as_mb = 65536;
	z->sjob.lim.fsize_mb = job->lim.fsize_mb > 64 ? job->lim.fsize_mb : 64;
	z->sjob.lim.tmpfs_mb = 16;
	z->sjob.lim.nproc = job->lim.nproc + 8;
	z->sjob.lim.nofile = job->lim.nofile > 256 ? job->lim.nofile : 256;
	z->sjob.lim.out_max = 64 * 1024;
	z->sjob.warm = 1;
	z->sjob.stdin_fd = z->peer;
	z->sjob.cancel_fd = z->cancel;
	if (pthread_create(&z->runner, NULL, runner_main, z) != 0) {
		tb_seterr(err, errlen, "warm sandbox: cannot start a thread");
		zy_free(z);
		return NULL;
	}
	atomic_fetch_add(&nstarted, 1);
	ready = read_ready(z, &z->verdict);
	if (ready != 1) {
		char why[200];

		zy_stop(z, 1, why, sizeof(why));
		if (ready == 0 && !atomic_exchange(&warm_off, 1))
			tb_warn("exec grader: the warm sandbox cannot give each answer namespaces of its own "
				"here (%s); every answer gets a sandbox of its own (slower)", why);
		tb_seterr(err, errlen, "warm sandbox: %s (%s)", ready == 0 ? "cannot isolate its children" : "did not start",
			  why);
		return NULL;
	}
	return z;
}

/* Sends head as one message with nfds descriptors. */
static int send_msg(int fd, const int *fds, size_t nfds, const char *head, size_t hlen)
{
	char cbuf[CMSG_SPACE(sizeof(int) * 16)];
	struct iovec iov = {.iov_base = (void *)head, .iov_len = hlen};
	struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			    .msg_controllen = CMSG_SPACE(sizeof(int) * nfds)};
	struct cmsghdr *cm;
	ssize_t w;

	if (nfds > 16 || hlen == 0 || hlen > HEAD_MAX)
		return -1;
	memset(cbuf, 0, sizeof(cbuf));
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
	memcpy(CMSG_DATA(cm), fds, sizeof(int) * nfds);
	do
		w = sendmsg(fd, &mh, MSG_NOSIGNAL);
	while (w < 0 && errno == EINTR);
	return w == (ssize_t)hlen ? 0 : -1;
}

/* A memfd holding f's bytes, or -1. */
static int memfd_of(const sb_file *f)
{
	int fd = memfd_create("zyfile", MFD_CLOEXEC);

	if (fd >= 0 && fd_write_all(fd, f->data, f->len) != 0)
		fd_close(&fd);
	return fd;
}

/* One reply line, read as it comes: 1 when it is whole, 0 for more, -1 when
 * the socket ended or the line is too long. */
static int reply_read(int fd, char *line, size_t *len, size_t cap)
{
	ssize_t r = read(fd, line + *len, cap - 1 - *len);

	if (r < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (r <= 0)
		return -1;
	*len += (size_t)r;
	line[*len] = '\0';
	if (strchr(line, '\n'))
		return 1;
	return *len + 1 >= cap ? -1 : 0;
}

/* Reads the replies still to come for answers returned early, waiting at
 * most GRACE_MS for each: 0, or -1 when the zygote is stuck on one (an
 * answer's process that does not end) and the sandbox must go, so that no
 * answer waits on another's. */
static int settle(zygote *z)
{
	while (z->late) {
		char line[LINE_MAX_] = "";
		size_t len = 0;
		int r = 0;
		int64_t until = tb_now_us() + GRACE_MS * 1000;

		while (r == 0) {
			int64_t left = (until - tb_now_us()) / 1000;

			if (left <= 0 || poll(&(struct pollfd){.fd = z->ctl, .events = POLLIN}, 1, (int)left) <= 0)
				return -1;
			r = reply_read(z->ctl, line, &len, sizeof(line));
		}
		if (r < 0)
			return -1;
		z->late--;
	}
	return 0;
}

/* This thread's sandbox for job's domain and memory limit: the one it has,
 * or a new one in a free slot, else (evict) in the least recently used one.
 * NULL: err says why. */
static zygote *zy_for(const zy_job *job, int evict, zygote ***slot_out, char *err, size_t errlen)
{
	zy_table *t = pthread_getspecific(key);
	int pick = -1;

	if (t && t->owner != getpid()) {
		/* a fork of the process that started them: the sandboxes and
		 * their sockets are the parent's, so this process starts its own */
		t = NULL;
		pthread_setspecific(key, NULL);
	}
	if (!t) {
		t = calloc(1, sizeof(*t));
		if (!t || pthread_setspecific(key, t) != 0) {
			free(t);
			tb_seterr(err, errlen, "warm sandbox: out of memory");
			return NULL;
		}
		t->owner = getpid();
	}
	for (int i = 0; i < ZY_SLOTS; i++) {
		zygote *z = t->slot[i];

		if (z && z->as_mb == job->lim.as_mb &&
		    (z->domain && job->domain ? strcmp(z->domain, job->domain) == 0 : z->domain == job->domain)) {
			pick = i;
			break;
		}
	}
	if (pick >= 0) {
		zygote *z = t->slot[pick];
		int stuck = settle(z) != 0;

		if (stuck || z->jobs >= ZY_JOBS_MAX || poll(&(struct pollfd){.fd = z->dead, .events = POLLIN}, 1, 0) > 0) {
			zy_stop(z, stuck, NULL, 0);
			t->slot[pick] = NULL;
		}
	}
	if (pick < 0) {
		pick = 0;
		for (int i = 0; i < ZY_SLOTS; i++) {
			if (!t->slot[i]) {
				pick = i;
				break;
			}
			if (t->slot[i]->used < t->slot[pick]->used)
				pick = i;
		}
		if (t->slot[pick] && !evict) {
			tb_seterr(err, errlen, "warm sandbox: every slot in use");
			return NULL;
		}
		zy_stop(t->slot[pick], 0, NULL, 0);
		t->slot[pick] = NULL;
	}
	if (!t->slot[pick])
		t->slot[pick] = zy_start(job, err, errlen);
	if (t->slot[pick])
		t->slot[pick]->used = ++t->clock;
	*slot_out = &t->slot[pick];
	return t->slot[pick];
}

/* A job's descriptors: the pipes (the first P_READ are read by the
 * harness) and the memfds of the files. */
/* out, err, the record; the nonce, calls to the answer, their returns, how
 * the answer's process ended */
enum { P_OUT, P_ERR, P_REC, P_READ, P_NONCE = P_READ, P_CALL, P_RET, P_END, P_N };
enum { M_ANSWER, M_TESTS, M_PROMPT, M_N };

typedef struct job_fds {
	int p[P_N][2];
	int mem[M_N];
} job_fds;

/* Closes jf's descriptors: all, or (ours) all but the harness's read ends. */
static void jf_close(job_fds *jf, int ours)
{
	for (int i = 0; i < P_N; i++) {
		if (!ours || i >= P_READ)
			fd_close(&jf->p[i][0]);
		fd_close(&jf->p[i][1]);
	}
	for (int i = 0; i < M_N; i++)
		fd_close(&jf->mem[i]);
}

/* Makes job's pipes and memfds and writes the nonce. TB_OK, or TB_ERR with
 * err set; jf_close() either way. */
static int jf_open(job_fds *jf, const zy_job *job, char *err, size_t errlen)
{
	for (int i = 0; i < P_N; i++)
		jf->p[i][0] = jf->p[i][1] = -1;
	for (int i = 0; i < M_N; i++)
		jf->mem[i] = -1;
	for (int i = 0; i < P_N; i++)
		if (pipe2(jf->p[i], O_CLOEXEC) != 0)
			return tb_seterr(err, errlen, "warm sandbox: pipe: %s", strerror(errno));
	if (job->nonce && fd_write_all(jf->p[P_NONCE][1], job->nonce, strlen(job->nonce)) != 0)
		return tb_seterr(err, errlen, "warm sandbox: cannot pass the nonce");
	fd_close(&jf->p[P_NONCE][1]);
	if ((jf->mem[M_ANSWER] = memfd_of(&job->answer)) < 0 || (jf->mem[M_TESTS] = memfd_of(&job->tests)) < 0 ||
	    (job->prompt && (jf->mem[M_PROMPT] = memfd_of(job->prompt)) < 0))
		return tb_seterr(err, errlen, "warm sandbox: memfd: %s", strerror(errno));
	return TB_OK;
}

/* Whether warm sandboxes run here at all, for a job like this one. */
static int usable(const zy_job *job, char *err, size_t errlen)
{
	if (sb_unsafe() || atomic_load(&warm_off))
		return tb_seterr(err, errlen, "warm sandbox: off");
	if (job->nboot < 1)
		return tb_seterr(err, errlen, "warm sandbox: bad job");
	pthread_once(&key_once, key_make);
	if (atomic_load(&warm_off))
		return tb_seterr(err, errlen, "warm sandbox: off");
	return TB_OK;
}

int zy_warm(const zy_job *job, char *err, size_t errlen)
{
	zygote **slot;

	if (usable(job, err, errlen) != TB_OK)
		return TB_ERR;
	return zy_for(job, 0, &slot, err, errlen) ? TB_OK : TB_ERR;
}

int zy_run(const zy_job *job, sb_result *res, char *err, size_t errlen)
{
	zygote *z, **slot = NULL;
	job_fds jf;
	int rc = TB_ERR, broken = 0, end_now = 0, a_done = 0, v_done = 0, a_code = 0, v_code = 0, asked = 1, early = 0;
	char head[HEAD_MAX + 1], aline[LINE_MAX_] = "", vline[LINE_MAX_] = "";
	size_t alen = 0, vlen = 0;
	long v_kb = 0;
	int n;
	int64_t t0, deadline, grace_end = 0;

	memset(res, 0, sizeof(*res));
	res->exit_code = -1;
	tb_buf_init(&res->out, job->lim.out_max);
	tb_buf_init(&res->err, job->lim.out_max);
	tb_buf_init(&res->rec, REC_MAX);
	if (usable(job, err, errlen) != TB_OK)
		return TB_ERR;
	z = zy_for(job, 1, &slot, err, errlen);
	if (!z)
		return TB_ERR;
	if (jf_open(&jf, job, err, errlen) != 0)
		goto out;
	t0 = tb_now_us();
	deadline = t0 + (int64_t)(job->lim.wall_s * 1e6);
	z->jobs++;
	n = snprintf(head, sizeof(head), "%u %u %u %u %u %u %s", job->lim.cpu_s, job->lim.as_mb, job->lim.fsize_mb,
		     job->lim.tmpfs_mb, job->lim.nproc + 8, job->lim.nofile, job->entry);
	{
		/* on the answer's 0 to 7, where the zygote clones it */
		int afds[8] = {z->devnull, jf.p[P_OUT][1], jf.p[P_ERR][1], jf.mem[M_ANSWER], jf.p[P_END][1], z->devnull,
			       jf.p[P_CALL][0], jf.p[P_RET][1]};
		int vfds[9] = {jf.p[P_OUT][1], jf.p[P_ERR][1], jf.p[P_REC][1], jf.p[P_NONCE][0], jf.p[P_CALL][1],
			       jf.p[P_RET][0], jf.p[P_END][0], jf.mem[M_TESTS], jf.mem[M_PROMPT]};
		char vhead[HEAD_MAX + 1];

		/* "J" first: an empty message would read as the socket's end */
		snprintf(vhead, sizeof(vhead), "J%s", job->entry);
		if (n <= 0 || (size_t)n >= sizeof(head) || send_msg(z->ctl, afds, 8, head, (size_t)n) != 0 ||
		    send_msg(z->verdict, vfds, jf.mem[M_PROMPT] >= 0 ? 9 : 8, vhead, strlen(vhead)) != 0) {
			tb_seterr(err, errlen, "warm sandbox: cannot send the job");
			end_now = 1;
			goto out;
		}
	}
	/* the sandbox's processes hold the rest now; ours are the read ends */
	jf_close(&jf, 1);
	for (int i = 0; i < P_READ; i++)
		fcntl(jf.p[i][0], F_SETFL, O_NONBLOCK);
	/* Bounded by the deadline until the verdict came, then by the grace:
	 * every pass reads or waits until one of them. */
	for (;;) {
		struct pollfd pf[6];
		int np = 0, ia = -1, iv = -1, *rd[P_READ] = {&jf.p[P_OUT][0], &jf.p[P_ERR][0], &jf.p[P_REC][0]};
		tb_buf *bufs[3] = {&res->out, &res->err, &res->rec};
		int wait_ms;

		if (v_done && (a_done || early) && *rd[0] < 0 && *rd[1] < 0 && *rd[2] < 0)
			break;
		wait_ms = (int)(((v_done ? grace_end : deadline) - tb_now_us()) / 1000);
		if (wait_ms <= 0) {
			if (!v_done)
				res->timed_out = 1;
			/* past the grace, the answer's process is killed with
			 * the sandbox; the verdict stands */
			end_now = 1;
			break;
		}
		for (int i = 0; i < 3; i++)
			if (*rd[i] >= 0)
				pf[np++] = (struct pollfd){.fd = *rd[i], .events = POLLIN};
		if (!a_done) {
			ia = np;
			pf[np++] = (struct pollfd){.fd = z->ctl, .events = POLLIN};
		}
		if (!v_done) {
			iv = np;
			pf[np++] = (struct pollfd){.fd = z->verdict, .events = POLLIN};
		}
		pf[np++] = (struct pollfd){.fd = z->dead, .events = POLLIN};
		if (poll(pf, (nfds_t)np, wait_ms) < 0 && errno != EINTR)
			break;
		for (int i = 0; i < 3; i++)
			if (*rd[i] >= 0)
				fd_drain(rd[i], bufs[i], i < 2 ? &res->out_capped : NULL);
		if (res->out_capped) {
			end_now = 1;
			break;
		}
		if (ia >= 0 && pf[ia].revents) {
			int r = reply_read(z->ctl, aline, &alen, sizeof(aline));

			if (r < 0) {
				broken = 1;
				break;
			}
			if (r > 0) {
				a_done = 1;
				a_code = atoi(aline);
			}
		}
		if (iv >= 0 && pf[iv].revents) {
			int r = reply_read(z->verdict, vline, &vlen, sizeof(vline));

			if (r < 0) {
				broken = 1;
				break;
			}
			if (r > 0) {
				v_done = 1;
				if (sscanf(vline, "%d %ld %d", &v_code, &v_kb, &asked) != 3)
					v_code = 1;
				res->wall_s = (double)(tb_now_us() - t0) / 1e6;
				grace_end = tb_now_us() + GRACE_MS * 1000;
				/* a verdict that did not ask how the answer's
				 * process ended is whole: what that process still
				 * does changes nothing, so the job ends here and
				 * the zygote's reply is read with the next job's */
				early = !a_done && !asked && v_code == 0;
				if (early) {
					for (int i = 0; i < 3; i++)
						if (*rd[i] >= 0)
							fd_drain(rd[i], bufs[i], i < 2 ? &res->out_capped : NULL);
					break;
				}
			}
		}
		if (pf[np - 1].revents && !(v_done && a_done)) {
			broken = 1;
			break;
		}
	}
	if (!v_done)
		res->wall_s = (double)(tb_now_us() - t0) / 1e6;
	if (broken || v_code != 0 || (a_done && a_code == 125)) {
		/* the sandbox failed, not the answer: the caller runs it cold */
		tb_seterr(err, errlen, "warm sandbox: the job did not run (%.*s)",
			  (int)strcspn(tb_buf_str(&res->err), "\n"), tb_buf_str(&res->err));
		end_now = 1;
		goto out;
	}
	res->exit_code = v_done ? 0 : -1;
	if (early)
		z->late++;
	if (v_kb > ZY_VERDICT_KB)
		end_now = 1;
	atomic_fetch_add(&njobs, 1);
	rc = TB_OK;
out:
	if (end_now) {
		zy_stop(z, 1, NULL, 0);
		*slot = NULL;
	}
	jf_close(&jf, 0);
	return rc;
}
