#include "runlock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "log.h"
#include "rc.h"

#define LOCK_NAME "run.lock"

static int lock_path(const char *run_dir, char *out, size_t n)
{
	int len = snprintf(out, n, "%s/" LOCK_NAME, run_dir);

	return len < 0 || (size_t)len >= n ? TB_ERR : TB_OK;
}

static long read_pid(int fd)
{
	char buf[32];
	ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);

	if (n <= 0)
		return 0;
	buf[n] = 0;
	return strtol(buf, NULL, 10);
}

int runlock_take(const char *run_dir, int *fd, char *err, size_t errlen)
{
	char path[4200], pid[32];
	int f, len;

	*fd = -1;
	if (lock_path(run_dir, path, sizeof(path)) != TB_OK)
		return tb_seterr(err, errlen, "run folder path too long: '%s'", run_dir);
	f = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
	if (f < 0)
		return tb_seterr(err, errlen, "cannot open the lock of run '%s': %s", run_dir, strerror(errno));
	if (flock(f, LOCK_EX | LOCK_NB) != 0) {
		int e = errno;
		long holder = read_pid(f);

		close(f);
		/* the holder writes its PID a moment after it takes the lock */
		if (e == EWOULDBLOCK && holder > 0)
			return tb_seterr(err, errlen, "run '%s' is in use by process %ld", run_dir, holder);
		if (e == EWOULDBLOCK)
			return tb_seterr(err, errlen, "run '%s' is in use by another process", run_dir);
		return tb_seterr(err, errlen, "cannot lock run '%s': %s", run_dir, strerror(e));
	}
	len = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(f, 0) != 0 || pwrite(f, pid, (size_t)len, 0) != len) {
		close(f);
		return tb_seterr(err, errlen, "cannot write the lock of run '%s': %s", run_dir, strerror(errno));
	}
	*fd = f;
	return TB_OK;
}

int runlock_held(const char *run_dir, long *pid)
{
	char path[4200];
	int f, held = 0;

	*pid = 0;
	if (lock_path(run_dir, path, sizeof(path)) != TB_OK)
		return 0;
	f = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (f < 0)
		return 0;
	if (flock(f, LOCK_SH | LOCK_NB) != 0) {
		held = errno == EWOULDBLOCK;
		*pid = read_pid(f);
	} else {
		flock(f, LOCK_UN);
	}
	close(f);
	return held;
}

const char *runlock_status(const char *run_dir, const char *stored)
{
	long pid;

	if (strcmp(stored, "running") == 0 && !runlock_held(run_dir, &pid))
		return "stopped";
	return stored;
}
