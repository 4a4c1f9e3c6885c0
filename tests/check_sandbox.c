/* The sandbox itself: isolation, limits and cleanup, checked from outside.
 * Without bubblewrap installed the whole file is skipped (77); installed but
 * unable to build a sandbox (no user namespaces) is a loud failure. */
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rc.h"
#include "sandbox.h"
#include "testutil.h"

#define CANARY "sk-or-v1-FAKE-CANARY-sandbox-7f3a"

static int run(const char *script, double wall, sb_result *res)
{
	const char *argv[] = {"/bin/sh", "-c", script, NULL};
	sb_job job = {.argv = argv, .nonce = "N0NCE"};
	char err[256] = "";
	int rc;

	sb_limits_default(&job.lim);
	job.lim.wall_s = wall;
	rc = sb_run(&job, res, err, sizeof(err));
	if (rc != TB_OK)
		fprintf(stderr, "sb_run: %s\n", err);
	return rc;
}

static int contains(const tb_buf *b, const char *s)
{
	return b->len && memmem(b->data, b->len, s, strlen(s)) != NULL;
}

/* Processes on the host whose cmdline has tag (other runs may be going on
 * beside this test, so the sandbox uids are no measure). */
static int leftovers(const char *tag)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int n = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL) {
		char path[300], cmd[4096];
		FILE *f;
		size_t len;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/cmdline", de->d_name);
		f = fopen(path, "rb");
		if (!f)
			continue;
		len = fread(cmd, 1, sizeof(cmd) - 1, f);
		fclose(f);
		for (size_t i = 0; i < len; i++)
			if (!cmd[i])
				cmd[i] = ' ';
		cmd[len] = '\0';
		if (strstr(cmd, tag))
			n++;
	}
	closedir(d);
	return n;
}

START_TEST(test_available)
{
	char err[256] = "";

	ck_assert_msg(sb_available(err, sizeof(err)) == TB_OK, "the sandbox cannot run here: %s", err);
}
END_TEST

START_TEST(test_env_cleared)
{
	sb_result r;

	setenv("OPENROUTER_API_KEY", CANARY, 1);
	setenv("TB_TEST_SECRET_TOKEN", CANARY, 1);
	ck_assert_int_eq(run("env; tr '\\0' '\\n' </proc/1/environ; tr '\\0' '\\n' </proc/self/environ; "
			     "cat /proc/$PPID/environ; echo done",
			     10, &r),
			 TB_OK);
	ck_assert_msg(contains(&r.out, "done"), "the command did not run: %s", tb_buf_str(&r.err));
	ck_assert(contains(&r.out, "PATH=/usr/bin:/bin"));
	ck_assert_msg(!contains(&r.out, CANARY) && !contains(&r.err, CANARY), "the key leaked");
	ck_assert(!contains(&r.out, "OPENROUTER"));
	sb_result_release(&r);
}
END_TEST

/* A sandbox yields the cores to the harness: nice 10, and with autogroup
 * scheduling its session's group too; and it has no terminal. */
START_TEST(test_yields_cores)
{
	sb_result r;
	FILE *f = fopen("/proc/sys/kernel/sched_autogroup_enabled", "r");
	int autogroup = 0;

	if (f) {
		autogroup = fgetc(f) == '1';
		fclose(f);
	}
	ck_assert_int_eq(run("echo \"nice=$(nice)\"; cat /proc/self/autogroup 2>/dev/null; "
			     "if (exec 9</dev/tty) 2>/dev/null; then echo tty; else echo no-tty; fi",
			     10, &r),
			 TB_OK);
	ck_assert_msg(contains(&r.out, "nice=10\n"), "out: %s err: %s", tb_buf_str(&r.out), tb_buf_str(&r.err));
	ck_assert_msg(!autogroup || contains(&r.out, " nice 10\n"), "out: %s", tb_buf_str(&r.out));
	ck_assert_msg(contains(&r.out, "no-tty\n"), "out: %s", tb_buf_str(&r.out));
	sb_result_release(&r);
}
END_TEST

START_TEST(test_filesystem)
{
	sb_result r;
	char marker[128];
	struct stat st;

	snprintf(marker, sizeof(marker), "/tmp/pwned-sandbox-%d", (int)getpid());
	{
		char script[1024];

		snprintf(script, sizeof(script),
			 "for f in /usr/pwned /pwned /dev/pwned /etc/pwned /proc/pwned; do "
			 "  (echo x > $f) 2>/dev/null && echo WROTE $f; done; echo x > %s; "
			 "echo y > /work/ok && echo WORK-OK; echo z > /tmp/ok && echo TMP-OK; "
			 "ls /etc; ls /root /home 2>&1; cat /etc/shadow 2>&1 | head -c 100; "
			 "ls -d /work/*; echo pwd=$(pwd)",
			 marker);
		ck_assert_int_eq(run(script, 10, &r), TB_OK);
	}
	ck_assert_msg(!contains(&r.out, "WROTE"), "wrote outside the work dir: %s", tb_buf_str(&r.out));
	ck_assert(contains(&r.out, "WORK-OK"));
	ck_assert(contains(&r.out, "TMP-OK"));
	ck_assert(contains(&r.out, "pwd=/work"));
	ck_assert(!contains(&r.out, "root:"));
	ck_assert_int_ne(stat(marker, &st), 0);
	sb_result_release(&r);
}
END_TEST

START_TEST(test_files_nonce_record)
{
	const char *argv[] = {"/bin/sh", "-c", "cat a.txt; read n <&4; echo \"got $n\" >&3; ls /proc/self/fd",
			      NULL};
	sb_file files[] = {{"a.txt", "hello file\n", 11}};
	sb_job job = {.argv = argv, .files = files, .nfiles = 1, .nonce = "abc123"};
	sb_result r;
	char err[256];

	sb_limits_default(&job.lim);
	ck_assert_int_eq(sb_run(&job, &r, err, sizeof(err)), TB_OK);
	ck_assert(contains(&r.out, "hello file"));
	ck_assert_str_eq(tb_buf_str(&r.rec), "got abc123\n");
	ck_assert_int_eq(r.exit_code, 0);
	/* only 0-4 and ls's own directory fd: nothing of the harness leaks in */
	ck_assert_msg(!contains(&r.out, "\n6\n") && !contains(&r.out, "\n7\n"), "fds leaked: %s",
		      tb_buf_str(&r.out));
	sb_result_release(&r);
}
END_TEST

START_TEST(test_bad_file_name)
{
	const char *argv[] = {"/bin/true", NULL};
	sb_file files[] = {{"../x", "", 0}};
	sb_job job = {.argv = argv, .files = files, .nfiles = 1};
	sb_result r;
	char err[256];

	sb_limits_default(&job.lim);
	ck_assert_int_eq(sb_run(&job, &r, err, sizeof(err)), TB_ERR);
	ck_assert(strstr(err, "bad file name") != NULL);
	sb_result_release(&r);
}
END_TEST

/* A loopback listener on the host must hear nothing from inside. */
START_TEST(test_network)
{
	int ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t al = sizeof(a);
	char script[512];
	sb_result r;

	ck_assert_int_ge(ls, 0);
	ck_assert_int_eq(bind(ls, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(listen(ls, 4), 0);
	ck_assert_int_eq(getsockname(ls, (struct sockaddr *)&a, &al), 0);
	snprintf(script, sizeof(script),
		 "cat /proc/net/dev | tail -n +3 | cut -d: -f1; "
		 "/usr/bin/python3 -c \"import socket; socket.create_connection(('127.0.0.1', %d), 2); "
		 "print('CONNECTED')\" 2>&1 | tail -1",
		 ntohs(a.sin_port));
	ck_assert_int_eq(run(script, 10, &r), TB_OK);
	ck_assert_msg(!contains(&r.out, "CONNECTED"), "reached the host: %s", tb_buf_str(&r.out));
	ck_assert(contains(&r.out, "lo"));
	ck_assert_msg(!contains(&r.out, "eth") && !contains(&r.out, "ens"), "interfaces: %s",
		      tb_buf_str(&r.out));
	ck_assert_int_lt(accept(ls, NULL, NULL), 0);
	close(ls);
	sb_result_release(&r);
}
END_TEST

START_TEST(test_limits)
{
	sb_result r;

	ck_assert_int_eq(run("ulimit -c; ulimit -Hc; ulimit -n; ulimit -f; ulimit -t", 10, &r), TB_OK);
	ck_assert_msg(strncmp(tb_buf_str(&r.out), "0\n0\n128\n32768\n10\n", 20) == 0, "limits: %s",
		      tb_buf_str(&r.out));
	sb_result_release(&r);
	/* file size: 16 MiB */
	ck_assert_int_eq(run("head -c 20000000 /dev/zero > /work/big; echo rc=$?; ls -l /work/big", 10, &r), TB_OK);
	ck_assert(!contains(&r.out, "rc=0"));
	sb_result_release(&r);
}
END_TEST

START_TEST(test_nproc)
{
	const char *argv[] = {"/usr/bin/python3", "-c",
			      "import os, time\n"
			      "n = 0\n"
			      "try:\n"
			      "    for _ in range(1000):\n"
			      "        if os.fork() == 0:\n"
			      "            time.sleep(5); os._exit(0)\n"
			      "        n += 1\n"
			      "except OSError as e:\n"
			      "    print('stopped', n, e.errno)\n",
			      NULL};
	sb_job job = {.argv = argv};
	sb_result r;
	char err[256];
	int n = -1;

	sb_limits_default(&job.lim);
	job.lim.nproc = 16;
	ck_assert_int_eq(sb_run(&job, &r, err, sizeof(err)), TB_OK);
	ck_assert_msg(sscanf(tb_buf_str(&r.out), "stopped %d", &n) == 1, "no cap: %s %s", tb_buf_str(&r.out),
		      tb_buf_str(&r.err));
	ck_assert_int_le(n, 16);
	ck_assert_int_lt(r.wall_s, 3);
	sb_result_release(&r);
	ck_assert_int_eq(leftovers("time.sleep(5)"), 0);
}
END_TEST

START_TEST(test_timeout_kills_tree)
{
	sb_result r;
	char script[256], tag[64];
	int id = (int)getpid();

	/* A duration no other process on the machine uses (GNU sleep takes
	 * fractions), so that leftovers() counts only this test's sleeps. */
	snprintf(tag, sizeof(tag), "sleep 300.%d ", id);
	snprintf(script, sizeof(script),
		 "trap '' TERM INT HUP; (setsid sleep 300.%d &); sleep 300.%d & sleep 300.%d; echo never",
		 id, id, id);
	ck_assert_int_eq(run(script, 0.5, &r), TB_OK);
	ck_assert(r.timed_out);
	ck_assert(!contains(&r.out, "never"));
	ck_assert_msg(r.wall_s < 1.5, "took %.2f s", r.wall_s);
	sb_result_release(&r);
	ck_assert_int_eq(leftovers(tag), 0);
}
END_TEST

START_TEST(test_output_cap)
{
	sb_result r;

	ck_assert_int_eq(run("head -c 50000000 /dev/zero; echo never >&2", 10, &r), TB_OK);
	ck_assert(r.out_capped);
	ck_assert_int_le(r.out.len, 1 << 20);
	ck_assert(!contains(&r.err, "never"));
	ck_assert_msg(r.wall_s < 2, "took %.2f s", r.wall_s);
	sb_result_release(&r);
	/* stderr alone too */
	ck_assert_int_eq(run("head -c 5000000 /dev/zero >&2", 10, &r), TB_OK);
	ck_assert(r.out_capped);
	sb_result_release(&r);
}
END_TEST

START_TEST(test_exit_codes)
{
	sb_result r;

	ck_assert_int_eq(run("exit 7", 10, &r), TB_OK);
	ck_assert_int_eq(r.exit_code, 7);
	ck_assert(!r.timed_out && !r.out_capped);
	sb_result_release(&r);
	ck_assert_int_eq(run("kill -SEGV $$", 10, &r), TB_OK);
	ck_assert_int_eq(r.exit_code, 128 + 11);
	sb_result_release(&r);
}
END_TEST

START_TEST(test_cannot_kill_harness)
{
	sb_result r;

	ck_assert_int_eq(run("kill -9 -1; kill -9 $PPID; kill -9 1; echo alive", 10, &r), TB_OK);
	sb_result_release(&r);
	/* we are still here, and the next run works */
	ck_assert_int_eq(run("echo again", 10, &r), TB_OK);
	ck_assert(contains(&r.out, "again"));
	sb_result_release(&r);
}
END_TEST

/* As root: when a run returns, nothing is left under its uid, not even a
 * process outside the run's own tree (the next run on the slot starts
 * without a sweep of its own). */
START_TEST(test_slot_swept)
{
	sb_result r;
	unsigned long uid = 0;
	pid_t p;
	int st = 0;

	if (geteuid() != 0)
		return;
	ck_assert_int_eq(run("id -u", 5, &r), TB_OK);
	ck_assert_int_eq(sscanf(tb_buf_str(&r.out), "%lu", &uid), 1);
	sb_result_release(&r);
	ck_assert_uint_ge(uid, SB_UID_BASE);
	ck_assert_uint_lt(uid, SB_UID_BASE + SB_SLOTS);
	p = fork();
	ck_assert_int_ge(p, 0);
	if (p == 0) {
		if (setgroups(0, NULL) == 0 && setresgid((gid_t)uid, (gid_t)uid, (gid_t)uid) == 0 &&
		    setresuid((uid_t)uid, (uid_t)uid, (uid_t)uid) == 0)
			execl("/bin/sleep", "sleep", "3141", (char *)NULL);
		_exit(1);
	}
	for (int i = 0; i < 200 && leftovers("sleep 3141") == 0; i++)
		usleep(10000);
	ck_assert_int_eq(leftovers("sleep 3141"), 1);
	ck_assert_int_eq(run("echo again", 5, &r), TB_OK);
	ck_assert(contains(&r.out, "again"));
	sb_result_release(&r);
	/* it is dead already; the wait only collects it */
	for (int i = 0; i < 100 && waitpid(p, &st, WNOHANG) == 0; i++)
		usleep(10000);
	if (kill(p, 0) == 0 && !WIFSIGNALED(st)) {
		kill(p, SIGKILL);
		waitpid(p, &st, 0);
		ck_abort_msg("the planted process outlived the run");
	}
	ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "the planted process ended with status %d", st);
}
END_TEST

static unsigned long run_uid(void)
{
	sb_result r;
	unsigned long uid = 0;

	if (run("id -u", 5, &r) != TB_OK || sscanf(tb_buf_str(&r.out), "%lu", &uid) != 1)
		uid = 0;
	sb_result_release(&r);
	return uid;
}

/* As root: a forked child does not use the slot its parent keeps. */
START_TEST(test_slot_fork)
{
	unsigned long mine;
	pid_t p;
	int st = 0;

	if (geteuid() != 0)
		return;
	mine = run_uid();
	ck_assert_uint_ge(mine, SB_UID_BASE);
	ck_assert_uint_eq(run_uid(), mine);
	p = fork();
	ck_assert_int_ge(p, 0);
	if (p == 0) {
		unsigned long theirs = run_uid();

		_exit(theirs >= SB_UID_BASE && theirs != mine ? 0 : 1);
	}
	ck_assert_int_eq(waitpid(p, &st, 0), p);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the child ran on its parent's slot");
	ck_assert_uint_eq(run_uid(), mine);
}
END_TEST

START_TEST(test_unsafe_mode)
{
	sb_result r;

	sb_set_unsafe(1);
	ck_assert_int_eq(run("echo unsafe-ok; pwd", 5, &r), TB_OK);
	ck_assert(r.unsafe);
	ck_assert(contains(&r.out, "unsafe-ok"));
	ck_assert(contains(&r.out, "/tmp/tb-unsafe."));
	sb_result_release(&r);
	ck_assert_int_eq(run("sleep 30", 0.3, &r), TB_OK);
	ck_assert(r.timed_out);
	sb_result_release(&r);
}
END_TEST

/* Under $TMPDIR, and the directory is gone after the run; as root, only a
 * $TMPDIR the slot uid can enter. */
START_TEST(test_unsafe_mode_tmpdir)
{
	char *parent = tu_mkdtemp(), want[300];
	sb_result r;
	DIR *d;

	ck_assert_ptr_nonnull(parent);
	setenv("TMPDIR", parent, 1);
	if (geteuid() == 0) {
		ck_assert_int_eq(chmod(parent, 0700), 0);
		sb_set_unsafe(1);
		ck_assert_int_eq(run("pwd", 5, &r), TB_OK);
		ck_assert(contains(&r.out, "/tmp/tb-unsafe."));
		sb_result_release(&r);
		ck_assert_int_eq(chmod(parent, 0711), 0);
	}
	sb_set_unsafe(1);
	ck_assert_int_eq(run("touch made-here; pwd", 5, &r), TB_OK);
	snprintf(want, sizeof(want), "%s/tb-unsafe.", parent);
	ck_assert_msg(contains(&r.out, want), "ran in %.*s", (int)r.out.len, r.out.data);
	sb_result_release(&r);
	d = opendir(parent);
	ck_assert_ptr_nonnull(d);
	for (struct dirent *de; (de = readdir(d)) != NULL;)
		ck_assert_msg(de->d_name[0] == '.', "left behind: %s", de->d_name);
	closedir(d);
	tu_rmtree(parent);
	free(parent);
}
END_TEST

/* The seccomp filter: each denied call fails with its errno inside the
 * sandbox, in unsafe mode too. ptrace(PTRACE_TRACEME) and process_vm_readv
 * on the process itself succeed without a filter, so they show it is there;
 * the rest (which namespaces and dropped capabilities mostly stop already)
 * show the list. */
static void check_denied_calls(void)
{
	static const struct {
		const char *name;
		long nr;
		const char *args;
		int want;
	} calls[] = {
		{"ptrace", SYS_ptrace, "0, 0, 0, 0", 1},
		{"process_vm_readv", SYS_process_vm_readv, "os.getpid(), iov, 1, iov, 1, 0", 1},
		{"process_vm_writev", SYS_process_vm_writev, "os.getpid(), iov, 1, iov, 1, 0", 1},
		{"mount", SYS_mount, "b'none', b'/tmp', b'tmpfs', 0, 0", 1},
		{"umount2", SYS_umount2, "b'/tmp', 0", 1},
		{"pivot_root", SYS_pivot_root, "b'/tmp', b'/tmp'", 1},
		{"bpf", SYS_bpf, "0, 0, 0", 1},
		{"perf_event_open", SYS_perf_event_open, "0, 0, -1, -1, 0", 1},
		{"keyctl", SYS_keyctl, "0, -3, 0", 1},
		{"add_key", SYS_add_key, "b'user', b'k', b'v', 1, -3", 1},
		{"request_key", SYS_request_key, "b'user', b'k', 0, 0", 1},
		{"unshare", SYS_unshare, "0x10000000", 1},
		{"clone-newuser", SYS_clone, "0x10000000 | 17, 0, 0, 0, 0", 1},
		{"init_module", SYS_init_module, "0, 0, b''", 1},
		{"finit_module", SYS_finit_module, "-1, b'', 0", 1},
		{"delete_module", SYS_delete_module, "b'x', 0", 1},
		{"kexec_load", SYS_kexec_load, "0, 0, 0, 0", 1},
		{"kexec_file_load", SYS_kexec_file_load, "-1, -1, 0, 0, 0", 1},
		{"clone3", SYS_clone3, "0, 0", 38},
	};
	tb_buf script;
	sb_result r;

	tb_buf_init(&script, 1 << 16);
	tb_buf_adds(&script, "import ctypes, os\n"
			     "libc = ctypes.CDLL(None, use_errno=True)\n"
			     "buf = ctypes.create_string_buffer(8)\n"
			     "iov = (ctypes.c_void_p * 2)(ctypes.addressof(buf), 8)\n"
			     "def call(name, nr, *args):\n"
			     "    ctypes.set_errno(0)\n"
			     "    rc = libc.syscall(nr, *args)\n"
			     "    print(name, rc, ctypes.get_errno())\n");
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
		tb_buf_addf(&script, "call('%s', %ld, %s)\n", calls[i].name, calls[i].nr, calls[i].args);
	{
		const char *argv[] = {"/usr/bin/python3", "-c", tb_buf_str(&script), NULL};
		sb_job job = {.argv = argv};
		char err[256] = "";

		sb_limits_default(&job.lim);
		ck_assert_msg(sb_run(&job, &r, err, sizeof(err)) == TB_OK, "%s", err);
	}
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		char want[96];

		snprintf(want, sizeof(want), "%s -1 %d\n", calls[i].name, calls[i].want);
		ck_assert_msg(contains(&r.out, want), "%s is not denied (want errno %d): %s %s", calls[i].name,
			      calls[i].want, tb_buf_str(&r.out), tb_buf_str(&r.err));
	}
	sb_result_release(&r);
	tb_buf_release(&script);
}

START_TEST(test_seccomp)
{
	check_denied_calls();
	sb_set_unsafe(1);
	check_denied_calls();
	sb_set_unsafe(0);
}
END_TEST

static Suite *sandbox_suite(void)
{
	Suite *s = suite_create("sandbox");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_available);
	tcase_add_test(tc, test_env_cleared);
	tcase_add_test(tc, test_yields_cores);
	tcase_add_test(tc, test_filesystem);
	tcase_add_test(tc, test_files_nonce_record);
	tcase_add_test(tc, test_bad_file_name);
	tcase_add_test(tc, test_network);
	tcase_add_test(tc, test_limits);
	tcase_add_test(tc, test_nproc);
	tcase_add_test(tc, test_timeout_kills_tree);
	tcase_add_test(tc, test_output_cap);
	tcase_add_test(tc, test_exit_codes);
	tcase_add_test(tc, test_cannot_kill_harness);
	tcase_add_test(tc, test_slot_swept);
	tcase_add_test(tc, test_slot_fork);
	tcase_add_test(tc, test_unsafe_mode);
	tcase_add_test(tc, test_unsafe_mode_tmpdir);
	tcase_add_test(tc, test_seccomp);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	tu_require_bwrap();
	return tu_run(sandbox_suite());
}
