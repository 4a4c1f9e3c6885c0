/* The warm sandbox (graders/zygote.c): answers graded one after another on
 * one thread share a sandbox (it is warm) and nothing one answer leaves is
 * seen by the next: files in /work and /tmp (/dev/shm is read-only), a
 * daemon, a patched module and builtin, the environment, an abstract unix
 * socket, a full tmpfs. An answer sees neither the verdict process nor the
 * zygote nor the tests; the verdict process starts each answer afresh; two
 * suites' tests never share it. A timeout replaces the sandbox and the next
 * answer still passes. Without bubblewrap installed it skips (77). */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "grader.h"
#include "rc.h"
#include "testutil.h"
#include "zygote.h"

#define MARK "tbzygoteleftover"

static gr_grader *make(const char *tests, double timeout)
{
	gr_grader *g = NULL;
	char err[256] = "";
	json_t *spec = json_pack("{s:s, s:s, s:s, s:s, s:f}", "type", "exec", "language", "python", "tests", tests,
				 "entry_point", "f", "timeout_s", timeout);

	ck_assert_msg(gr_compile(spec, &g, err, sizeof(err)) == TB_OK, "compile: %s", err);
	json_decref(spec);
	return g;
}

static void grade_in(const gr_grader *g, const char *suite, const char *answer, gr_result *r)
{
	gr_input in = {.answer = answer, .item_id = "t", .suite = suite};

	ck_assert_msg(gr_grade(g, &in, r) == TB_OK, "harness error: %s", r->reason);
}

static void grade(const gr_grader *g, const char *answer, gr_result *r)
{
	grade_in(g, NULL, answer, r);
}

/* Processes on the host whose command line holds MARK. */
static int count_marked(void)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int n = 0, seen = 0;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL && seen++ < 100000) {
		char path[64], buf[512];
		FILE *f;
		size_t len;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%.20s/cmdline", de->d_name);
		f = fopen(path, "re");
		if (!f)
			continue;
		len = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		for (size_t i = 0; i < len; i++)
			if (!buf[i])
				buf[i] = ' ';
		buf[len] = '\0';
		n += strstr(buf, MARK) != NULL;
	}
	closedir(d);
	return n;
}

/* The first answer leaves everything it can, and passes. */
static const char litter[] =
	"```python\n"
	"import os, sys, json, builtins, socket, subprocess\n"
	"for d in ('/work', '/tmp', '/dev/shm'):\n"
	"    try:\n"
	"        with open(d + '/" MARK "', 'w') as fh:\n"
	"            fh.write('x' * 1000)\n"
	"    except OSError:\n"
	"        pass\n"
	"subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)', '" MARK "'],\n"
	"                 start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
	"json.dumps = lambda *a, **k: 'patched'\n"
	"builtins.sorted = None\n"
	"os.environ['" MARK "'] = '1'\n"
	"_s = socket.socket(socket.AF_UNIX)\n"
	"_s.bind('\\0" MARK "')\n"
	"_s.listen()\n"
	"sys.modules['" MARK "'] = json\n"
	"def f():\n"
	"    return []\n"
	"```\n";

/* The second answer looks for each leftover and returns what it found. */
static const char look[] =
	"```python\n"
	"import os, sys, json, socket\n"
	"def f():\n"
	"    found = []\n"
	"    for d in ('/work', '/tmp', '/dev/shm'):\n"
	"        if os.path.exists(d + '/" MARK "'):\n"
	"            found.append('file ' + d)\n"
	"    for p in os.listdir('/proc'):\n"
	"        if p.isdigit():\n"
	"            try:\n"
	"                with open('/proc/%s/cmdline' % p, 'rb') as fh:\n"
	"                    if b'" MARK "' in fh.read():\n"
	"                        found.append('process')\n"
	"            except OSError:\n"
	"                pass\n"
	"    if json.dumps([1]) != '[1]':\n"
	"        found.append('module')\n"
	"    if sorted([2, 1]) != [1, 2]:\n"
	"        found.append('builtin')\n"
	"    if '" MARK "' in os.environ or '" MARK "' in sys.modules:\n"
	"        found.append('environment')\n"
	"    s = socket.socket(socket.AF_UNIX)\n"
	"    try:\n"
	"        s.connect('\\0" MARK "')\n"
	"        found.append('socket')\n"
	"    except OSError:\n"
	"        pass\n"
	"    return found\n"
	"```\n";

START_TEST(test_nothing_left)
{
	gr_grader *g = make("assert f() == []\n", 20);
	gr_result r;
	unsigned long started, jobs;
	int64_t until;

	grade(g, "```python\ndef f():\n    return []\n```\n", &r);
	ck_assert_msg(r.verdict == GR_CORRECT, "warm-up: %s %s", r.extracted, r.reason);
	started = zy_started();
	jobs = zy_jobs();
	ck_assert_msg(jobs >= 1, "the exec grader did not use the warm sandbox");
	grade(g, litter, &r);
	ck_assert_msg(r.verdict == GR_CORRECT, "litter: %s %s", r.extracted, r.reason);
	/* the daemon's pid namespace ended with the verdict's process */
	until = tb_now_us() + 5000000;
	while (count_marked() > 0 && tb_now_us() < until)
		usleep(50000);
	ck_assert_int_eq(count_marked(), 0);
	grade(g, look, &r);
	ck_assert_msg(r.verdict == GR_CORRECT, "the next answer found leftovers: %s %s", r.extracted, r.reason);
	ck_assert_msg(zy_started() == started && zy_jobs() == jobs + 2,
		      "the three answers did not run in one warm sandbox");
	gr_free(g);
}
END_TEST

START_TEST(test_full_tmpfs)
{
	gr_grader *g = make("assert f() == 1\n", 20);
	gr_result r;

	/* fills its /tmp to the tmpfs cap and tries /dev/shm (read-only, as in
	 * a cold run); the next answer has the room again */
	grade(g,
	      "```python\ndef f():\n    for p in ('/dev/shm/big', '/tmp/big'):\n        try:\n"
	      "            with open(p, 'wb') as fh:\n                while True:\n"
	      "                    fh.write(b'x' * (1 << 20))\n        except OSError:\n            pass\n"
	      "    return 1\n```\n",
	      &r);
	ck_assert_msg(r.verdict == GR_CORRECT, "fill: %s %s", r.extracted, r.reason);
	grade(g,
	      "```python\nimport os\ndef f():\n    with open('/tmp/small', 'wb') as fh:\n"
	      "        fh.write(b'y' * (8 << 20))\n    return 1 if not os.path.exists('/tmp/big') else 2\n```\n",
	      &r);
	ck_assert_msg(r.verdict == GR_CORRECT, "after a full /tmp: %s %s", r.extracted, r.reason);
	gr_free(g);
}
END_TEST

START_TEST(test_timeout_replaces)
{
	gr_grader *g = make("assert f() == 1\n", 2);
	gr_result r;
	unsigned long started;

	grade(g, "```python\ndef f():\n    return 1\n```\n", &r);
	ck_assert_msg(r.verdict == GR_CORRECT, "%s %s", r.extracted, r.reason);
	started = zy_started();
	grade(g, "```python\nimport signal\nsignal.signal(signal.SIGXCPU, signal.SIG_IGN)\ndef f():\n"
		 "    while True:\n        pass\n```\n",
	      &r);
	ck_assert_int_eq(r.verdict, GR_INCORRECT);
	ck_assert_str_eq(r.extracted, "fail:timeout");
	grade(g, "```python\ndef f():\n    return 1\n```\n", &r);
	ck_assert_msg(r.verdict == GR_CORRECT, "after a timeout: %s %s", r.extracted, r.reason);
	ck_assert_msg(zy_started() > started, "the sandbox was not replaced after a timeout");
	ck_assert_msg(zy_jobs() >= 2, "the answers did not run warm");
	gr_free(g);
}
END_TEST

/* What an answer can reach of the processes around it: the init of its
 * namespaces (pid 1, a clone of the zygote) and nothing else; no file of the
 * tests; no memory, descriptor or environment of any other process. */
static const char peek[] =
	"```python\n"
	"import os\n"
	"def f():\n"
	"    found = []\n"
	"    pids = sorted(int(p) for p in os.listdir('/proc') if p.isdigit())\n"
	"    if pids[:2] != [1, os.getpid()] or os.getpid() != 2 or len(pids) != 2:\n"
	"        found.append('pids %s, mine %d' % (pids, os.getpid()))\n"
	"    for p in pids:\n"
	"        if p == os.getpid():\n"
	"            continue\n"
	"        for what in ('mem', 'environ', 'maps', 'fd/0', 'root/work'):\n"
	"            try:\n"
	"                os.stat('/proc/%d/%s' % (p, what)) if what == 'root/work' else \\\n"
	"                    open('/proc/%d/%s' % (p, what), 'rb').read(1)\n"
	"                found.append('%d/%s' % (p, what))\n"
	"            except OSError:\n"
	"                pass\n"
	"    if sorted(os.listdir('/work')) != ['solution.py'] or os.listdir('/tmp'):\n"
	"        found.append('files %s %s' % (os.listdir('/work'), os.listdir('/tmp')))\n"
	"    return found\n"
	"```\n";

START_TEST(test_verdict_apart)
{
	gr_grader *g = make("assert f() == []\n", 20);
	gr_result r;

	grade(g, peek, &r);
	ck_assert_msg(r.verdict == GR_CORRECT, "the answer reached: %s %s", r.extracted, r.reason);
	gr_free(g);
}
END_TEST

START_TEST(test_verdict_fresh)
{
	gr_grader *g = make("assert f() == 1\nassert f() == 1\n", 20);
	gr_result r;

	/* the answer's process is gone in the middle of the tests */
	grade(g, "```python\nimport os\nn = [0]\ndef f():\n    n[0] += 1\n    if n[0] == 2:\n"
		 "        os._exit(3)\n    return 1\n```\n",
	      &r);
	ck_assert_int_eq(r.verdict, GR_INCORRECT);
	ck_assert_msg(strstr(r.reason, "status 3") != NULL, "%s", r.reason);
	/* the same verdict process, none of that left */
	grade(g, "```python\ndef f():\n    return 1\n```\n", &r);
	ck_assert_msg(r.verdict == GR_CORRECT, "after a spoiled answer: %s %s", r.extracted, r.reason);
	gr_free(g);
}
END_TEST

START_TEST(test_suites_apart)
{
	/* one suite's tests patch a module in the verdict process... */
	gr_grader *patch = make("import math\nmath.sqrt = lambda x: -1\nassert f() == 1\n", 20);
	gr_grader *use = make("import math\nassert math.sqrt(4) == 2\nassert f() == 1\n", 20);
	const char *one = "```python\ndef f():\n    return 1\n```\n";
	gr_result r;
	unsigned long started;

	grade_in(patch, "suite-x", one, &r);
	ck_assert_msg(r.verdict == GR_CORRECT, "%s %s", r.extracted, r.reason);
	started = zy_started();
	/* ...which another suite's tests never see: a sandbox of its own */
	grade_in(use, "suite-y", one, &r);
	ck_assert_msg(r.verdict == GR_CORRECT, "suite-y saw suite-x's patch: %s %s", r.extracted, r.reason);
	ck_assert_msg(zy_started() == started + 1, "the second suite did not get a sandbox of its own");
	/* and each suite keeps its own: no new sandbox going back and forth */
	grade_in(patch, "suite-x", one, &r);
	grade_in(use, "suite-y", one, &r);
	ck_assert_msg(r.verdict == GR_CORRECT, "%s %s", r.extracted, r.reason);
	ck_assert_int_eq(zy_started(), started + 1);
	gr_free(patch);
	gr_free(use);
}
END_TEST

/* gr_warm starts a suite's sandbox before its first answer, which then runs
 * in it; warming never takes another suite's slot. */
START_TEST(test_warm_ahead)
{
	gr_grader *g = make("assert f() == 1\n", 20);
	const char *one = "```python\ndef f():\n    return 1\n```\n";
	unsigned long started = zy_started(), jobs;
	gr_result r;
	char name[32];

	gr_warm(g, "suite-w");
	ck_assert_msg(zy_started() == started + 1, "warming started no sandbox");
	gr_warm(g, "suite-w");
	ck_assert_int_eq(zy_started(), started + 1);
	jobs = zy_jobs();
	grade_in(g, "suite-w", one, &r);
	ck_assert_msg(r.verdict == GR_CORRECT, "%s %s", r.extracted, r.reason);
	ck_assert_msg(zy_started() == started + 1 && zy_jobs() == jobs + 1, "the answer did not use the warmed sandbox");
	for (int i = 1; i < ZY_SLOTS; i++) {
		snprintf(name, sizeof(name), "suite-f%d", i);
		gr_warm(g, name);
	}
	ck_assert_int_eq(zy_started(), started + ZY_SLOTS);
	gr_warm(g, "suite-one-too-many");
	ck_assert_msg(zy_started() == started + ZY_SLOTS, "warming replaced another suite's sandbox");
	grade_in(g, "suite-w", one, &r);
	ck_assert_msg(r.verdict == GR_CORRECT && zy_started() == started + ZY_SLOTS, "%s %s", r.extracted, r.reason);
	gr_free(g);
}
END_TEST

/* An answer's process that will not end once its verdict is in (it makes
 * the driver's own ending sleep): the verdict stands, and the next answer
 * neither waits on it nor inherits it. */
START_TEST(test_lingering_answer)
{
	gr_grader *g = make("assert f() == 1\n", 20);
	gr_result r;
	unsigned long started;
	int64_t t0;

	/* first an answer whose verdict waits for its process's end, so that
	 * the zygote owes the harness nothing when the lingering one comes */
	grade(g, "```python\nimport os\ndef f():\n    os._exit(3)\n```\n", &r);
	ck_assert_int_eq(r.verdict, GR_INCORRECT);
	started = zy_started();
	grade(g, "```python\nimport sys, time\ndef f():\n"
		 "    sys._getframe(1).f_globals['_finish'] = lambda: time.sleep(3600)\n    return 1\n```\n",
	      &r);
	ck_assert_msg(r.verdict == GR_CORRECT, "lingering: %s %s", r.extracted, r.reason);
	t0 = tb_now_us();
	grade(g, "```python\ndef f():\n    return 1\n```\n", &r);
	ck_assert_msg(r.verdict == GR_CORRECT, "after a lingering answer: %s %s", r.extracted, r.reason);
	ck_assert_msg(tb_now_us() - t0 < 10 * 1000000, "the next answer waited on the lingering one");
	ck_assert_msg(zy_started() == started + 1, "the sandbox holding the lingering answer was kept");
	gr_free(g);
}
END_TEST

static Suite *zygote_suite(void)
{
	Suite *s = suite_create("zygote");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_nothing_left);
	tcase_add_test(tc, test_full_tmpfs);
	tcase_add_test(tc, test_timeout_replaces);
	tcase_add_test(tc, test_verdict_apart);
	tcase_add_test(tc, test_verdict_fresh);
	tcase_add_test(tc, test_suites_apart);
	tcase_add_test(tc, test_lingering_answer);
	tcase_add_test(tc, test_warm_ahead);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	tu_require_bwrap();
	return tu_run(zygote_suite());
}
