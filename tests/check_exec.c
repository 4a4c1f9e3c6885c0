/* The exec grader: the hostile corpus in ../shared/hostile with its expected
 * verdicts and check-side-effects.sh afterwards, forged verdicts
 * (tests/data/forgery), misbehaviour beyond the corpus, code extraction,
 * specs, io tests in C, JavaScript and Python, unsafe mode, and the grade
 * pool. Without bubblewrap installed it skips (77); bubblewrap that cannot
 * build a sandbox is a loud failure. */
#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ccache.h"
#include "clock.h"
#include "exec.h"
#include "gradepool.h"
#include "grader.h"
#include "rc.h"
#include "testutil.h"

#define CANARY "sk-or-v1-FAKE-CANARY-0123456789abcdef"

/* The reference tests of shared/hostile/EXPECTED.md, verbatim. */
static const char py_tests[] = "def check(candidate):\n"
			       "    assert candidate(1, 2) == 3\n"
			       "    assert candidate(-5, 5) == 0\n"
			       "    assert candidate(0.5, 0.25) == 0.75\n"
			       "    assert isinstance(candidate(2, 2), int)\n"
			       "check(add)\n";
/* C and JavaScript run as io tests: the reference tests' calls, printed by
 * a main of the suite's on fd 5 and compared outside the sandbox. */
static const char c_main[] = "#include <stdio.h>\nint add(int, int);\n"
			     "int main(void)\n{\n\tFILE *out = fdopen(5, \"w\");\n\tint a, b;\n\n"
			     "\twhile (scanf(\"%d %d\", &a, &b) == 2)\n\t\tfprintf(out, \"%d\\n\", add(a, b));\n"
			     "\treturn 0;\n}\n";
static const char js_main[] = "for (const l of require('fs').readFileSync(0, 'utf8').split('\\n').filter(Boolean)) {\n"
			      "  const [a, b] = l.split(' ').map(Number);\n"
			      "  require('fs').writeSync(5, JSON.stringify(add(a, b)) + '\\n');\n}\n";

/* Compiles spec with one optional string field added (field NULL: none)
 * and memory_mb (0: the default; the memory tests set less, so that filling
 * it stays well inside their deadline on a loaded machine). Takes spec. */
static gr_grader *compile_spec(json_t *spec, const char *field, const char *value, unsigned memory_mb)
{
	gr_grader *g = NULL;
	char err[256] = "";

	if (memory_mb)
		json_object_set_new(spec, "memory_mb", json_integer(memory_mb));
	if (field && value)
		json_object_set_new(spec, field, json_string(value));
	ck_assert_msg(gr_compile(spec, &g, err, sizeof(err)) == TB_OK, "compile: %s", err);
	json_decref(spec);
	return g;
}

static gr_grader *make(const char *lang, const char *tests, const char *prompt, double timeout, unsigned memory_mb)
{
	return compile_spec(json_pack("{s:s, s:s, s:s, s:s, s:f}", "type", "exec", "language", lang, "tests", tests,
				      "entry_point", "add", "timeout_s", timeout),
			    "prompt", prompt, memory_mb);
}

/* An io grader for add: one test with the reference's two calls, one with a
 * third; the main (NULL: none, the answer is the program) prints the sums. */
static gr_grader *make_io(const char *lang, const char *main_src, double timeout, unsigned memory_mb)
{
	return compile_spec(json_pack("{s:s, s:s, s:s, s:[{s:s, s:s}, {s:s, s:s}], s:f}", "type", "exec", "kind",
				      "io", "language", lang, "tests", "input", "1 2\n-5 5\n", "output", "3\n0\n",
				      "input", "100 23\n", "output", "123\n", "timeout_s", timeout),
			    "main", main_src, memory_mb);
}

/* Grades one answer; fails the test on a harness error. */
static void grade(const gr_grader *g, const char *answer, gr_result *r)
{
	gr_input in = {.answer = answer, .item_id = "t"};
	int rc = gr_grade(g, &in, r);

	ck_assert_msg(rc == TB_OK, "harness error: %s", r->reason);
}

static int one_of(const char *word, const char *accepted)
{
	char buf[256], w[600];

	snprintf(buf, sizeof(buf), "|%s|", accepted);
	snprintf(w, sizeof(w), "|%s|", word);
	return strstr(buf, w) != NULL;
}

START_TEST(test_available)
{
	char err[256] = "";

	ck_assert_msg(gr_exec_available(err, sizeof(err)) == TB_OK, "%s", err);
}
END_TEST

START_TEST(test_spec_errors)
{
	static const char *const bad[] = {
		"{\"type\":\"exec\",\"tests\":\"x\",\"entry_point\":\"f\"}",
		"{\"type\":\"exec\",\"language\":\"cobol\",\"tests\":\"x\",\"entry_point\":\"f\"}",
		"{\"type\":\"exec\",\"language\":\"python\",\"entry_point\":\"f\"}",
		"{\"type\":\"exec\",\"language\":\"python\",\"tests\":\"x\"}",
		"{\"type\":\"exec\",\"language\":\"python\",\"tests\":\"x\",\"entry_point\":\"f g\"}",
		"{\"type\":\"exec\",\"language\":\"python\",\"tests\":\"x\",\"entry_point\":\"f\",\"timeout_s\":0}",
		"{\"type\":\"exec\",\"language\":\"c\",\"tests\":\"x\",\"memory_mb\":1}",
		"{\"type\":\"exec\",\"language\":\"c\",\"tests\":\"x\",\"prompt\":3}",
		/* C and JavaScript function tests would share the answer's program */
		"{\"type\":\"exec\",\"language\":\"c\",\"tests\":\"int main(void){return 0;}\"}",
		"{\"type\":\"exec\",\"language\":\"javascript\",\"tests\":\"assert.ok(1)\",\"entry_point\":\"f\"}",
		"{\"type\":\"exec\",\"kind\":\"batch\",\"language\":\"python\",\"tests\":[]}",
		"{\"type\":\"exec\",\"kind\":\"io\",\"language\":\"python\",\"tests\":[]}",
		"{\"type\":\"exec\",\"kind\":\"io\",\"language\":\"python\",\"tests\":\"x\"}",
		"{\"type\":\"exec\",\"kind\":\"io\",\"language\":\"python\",\"tests\":[{\"input\":\"1\"}]}",
		"{\"type\":\"exec\",\"kind\":\"io\",\"language\":\"c\",\"tests\":[{\"input\":\"\",\"output\":\"\"}],"
		"\"compare\":\"fuzzy\"}",
		"{\"type\":\"exec\",\"kind\":\"io\",\"language\":\"c\",\"tests\":[{\"input\":\"\",\"output\":\"\"}],"
		"\"tolerance\":-1}",
		"{\"type\":\"exec\",\"kind\":\"io\",\"language\":\"c\",\"tests\":[{\"input\":\"\",\"output\":\"\"}],"
		"\"main\":7}",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *spec = json_loads(bad[i], 0, NULL);
		gr_grader *g = (gr_grader *)1;
		char err[256] = "";

		ck_assert_ptr_nonnull(spec);
		ck_assert_int_eq(gr_compile(spec, &g, err, sizeof(err)), TB_ERR);
		ck_assert_ptr_null(g);
		ck_assert_msg(strncmp(err, "grader.", 7) == 0, "message: %s", err);
		json_decref(spec);
	}
}
END_TEST

/* ---- the hostile corpus ---- */

typedef struct hjob {
	const gr_grader *g;
	const char *file, *accepted;
	char *answer;
	gr_result r;
	int rc;
	double wall;
} hjob;

static void hjob_work(void *arg)
{
	hjob *j = arg;
	gr_input in = {.answer = j->answer, .item_id = j->file};
	int64_t t0 = tb_now_us();

	j->rc = gr_grade(j->g, &in, &j->r);
	j->wall = (double)(tb_now_us() - t0) / 1e6;
}

static int reaped;

static void hjob_done(void *arg)
{
	(void)arg;
	reaped++;
}

typedef struct listener {
	int fd;
	volatile int stop;
	char log[512];
} listener;

static void *listen_thread(void *arg)
{
	listener *l = arg;

	while (!l->stop) {
		struct pollfd pf = {.fd = l->fd, .events = POLLIN};
		int c;

		if (poll(&pf, 1, 100) <= 0)
			continue;
		c = accept(l->fd, NULL, NULL);
		if (c >= 0) {
			char buf[256];
			ssize_t n;
			FILE *f = fopen(l->log, "ab");

			fprintf(f ? f : stderr, "connection\n");
			n = read(c, buf, sizeof(buf));
			if (f && n > 0)
				fwrite(buf, 1, (size_t)n, f);
			if (f)
				fclose(f);
			close(c);
		}
	}
	return NULL;
}

static int count_procs(void)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int n = 0;

	while (d && (de = readdir(d)) != NULL)
		if (de->d_name[0] >= '1' && de->d_name[0] <= '9')
			n++;
	if (d)
		closedir(d);
	return n;
}

/* Runs check-side-effects.sh with args and returns how many of its LEAK
 * lines are not in before (NULL: none are). With found, the run is the
 * baseline: quiet, and its LEAK lines go into found. A file that was on the
 * host before the corpus ran (a large file a user left in /tmp) is the
 * host's, not a side effect. */
static int side_effects(const char *args, const char *before, char *found, size_t found_len)
{
	char cmd[3000], line[512];
	int n = 0, status;
	size_t used = 0;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "bash '%s' check %s", tu_shared("hostile/check-side-effects.sh"), args);
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	if (found)
		found[0] = '\0';
	while (fgets(line, sizeof(line), p)) {
		int leak = strncmp(line, "LEAK: ", 6) == 0;

		if (found) {
			if (leak && used + strlen(line) < found_len)
				used += (size_t)snprintf(found + used, found_len - used, "%s", line);
			continue;
		}
		if (strncmp(line, "RESULT: ", 8) == 0)
			continue;
		if (leak && before && strstr(before, line)) {
			printf("note: there before the corpus ran, not counted: %s", line + 6);
			continue;
		}
		fputs(line, stdout);
		n += leak;
	}
	status = pclose(p);
	/* 0 clean, 1 leaks found; anything else is the script failing */
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) <= 1, "check-side-effects.sh failed: %s", cmd);
	if (!found)
		printf("side effects: %d\n", n);
	fflush(stdout);
	return n;
}

START_TEST(test_hostile_corpus)
{
	static const struct {
		const char *file, *lang, *accepted;
	} table[] = {
		{"01-infinite-loop.py", "python", "fail:timeout"},
		{"03-fork-bomb.py", "python", "fail:timeout|fail:error"},
		{"05-alloc-20gb.py", "python", "fail:memory|fail:error|fail:crash"},
		{"07-print-2gb-stdout.py", "python", "fail:output"},
		{"08-close-stdout-sleep.py", "python", "fail:timeout"},
		{"09-setsid-daemon.py", "python", "pass"},
		{"11-env-api-key.py", "python", "pass"},
		{"13-tcp-harness-port.py", "python", "pass"},
		{"15-write-outside-tmpdir.py", "python", "pass"},
		{"17-kill-parent.py", "python", "pass|fail:crash"},
		{"20-sys-exit-before-tests.py", "python", "fail:error"},
		{"22-always-equal.py", "python", "fail:wrong"},
		{"24-os-exit-in-test.py", "python", "fail:error"},
		{"28-terminal-escapes.py", "python", "pass"},
		{"30-sleep-past-timeout.py", "python", "fail:timeout"},
		{"32-ctypes-segfault.py", "python", "fail:crash"},
		{"40-fork-bomb.c", "c", "fail:timeout|fail:error"},
		{"42-getenv-key.c", "c", "pass"},
		{"50-infinite-loop.js", "javascript", "fail:timeout"},
		{"52-detached-child.js", "javascript", "pass"},
	};
	enum { N = sizeof(table) / sizeof(table[0]) };
	const double timeout = 2;
	hjob jobs[N];
	gr_grader *py, *c, *js;
	gr_pool *pool;
	char err[256], *work = tu_mkdtemp(), results[600], cmd[3000], before[4096];
	listener l = {.fd = -1};
	pthread_t lt;
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(47123),
				.sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	int baseline, one = 1, have_listener = 0;
	FILE *f;

	ck_assert_ptr_nonnull(work);
	snprintf(cmd, sizeof(cmd), "bash '%s' plant '%s'", tu_shared("hostile/check-side-effects.sh"), work);
	ck_assert_int_eq(system(cmd), 0);
	snprintf(l.log, sizeof(l.log), "%s/listener.log", work);
	l.fd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(l.fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (l.fd >= 0 && bind(l.fd, (struct sockaddr *)&a, sizeof(a)) == 0 && listen(l.fd, 8) == 0) {
		have_listener = 1;
		ck_assert_int_eq(pthread_create(&lt, NULL, listen_thread, &l), 0);
	} else {
		printf("note: port 47123 is busy here; the harness-port check runs without a listener\n");
	}
	setenv("OPENROUTER_API_KEY", CANARY, 1);
	setenv("HOSTILE_TIMEOUT", "2", 1);
	baseline = count_procs();
	snprintf(cmd, sizeof(cmd), "--dir '%s' --dir /tmp", work);
	side_effects(cmd, NULL, before, sizeof(before));

	py = make("python", py_tests, NULL, timeout, 64);
	c = make_io("c", c_main, timeout, 0);
	js = make_io("javascript", js_main, timeout, 0);
	ck_assert_int_eq(gr_pool_new(2, &pool, err, sizeof(err)), TB_OK);
	for (int i = 0; i < N; i++) {
		char path[300];

		snprintf(path, sizeof(path), "hostile/%s", table[i].file);
		memset(&jobs[i], 0, sizeof(jobs[i]));
		jobs[i].file = table[i].file;
		jobs[i].accepted = table[i].accepted;
		jobs[i].g = strcmp(table[i].lang, "python") == 0 ? py : strcmp(table[i].lang, "c") == 0 ? c : js;
		jobs[i].answer = tu_read_file(tu_shared(path), NULL);
		ck_assert_ptr_nonnull(jobs[i].answer);
		ck_assert_int_eq(gr_pool_submit(pool, hjob_work, hjob_done, &jobs[i]), TB_OK);
	}
	gr_pool_drain(pool);
	ck_assert_int_eq(reaped, N);
	gr_pool_free(pool);

	snprintf(results, sizeof(results), "%s/results.txt", work);
	f = fopen(results, "w");
	ck_assert_ptr_nonnull(f);
	for (int i = 0; i < N; i++)
		fprintf(f, "%s\t%s\t%s\t%.2fs\n", jobs[i].file, jobs[i].r.extracted, jobs[i].r.reason, jobs[i].wall);
	fclose(f);
	/* the corpus acts up to ~3 s late; the protocol says wait 5 s */
	sleep(5);
	l.stop = 1;
	if (have_listener)
		pthread_join(lt, NULL);
	if (l.fd >= 0)
		close(l.fd);
	snprintf(cmd, sizeof(cmd), "--dir '%s' --dir /tmp --output '%s' %s%s%s --harness-pid %d --baseline-procs %d",
		 work, results, have_listener ? "--listener-log '" : "", have_listener ? l.log : "",
		 have_listener ? "'" : "", (int)getpid(), baseline);
	{
		int leaks = side_effects(cmd, before, NULL, 0);

		for (int i = 0; i < N; i++) {
			printf("%-28s %-13s %.2fs  %s\n", jobs[i].file, jobs[i].r.extracted, jobs[i].wall,
			       jobs[i].r.reason);
			/* a failing check ends the test's process unflushed */
			fflush(stdout);
			ck_assert_msg(jobs[i].rc == TB_OK, "%s: harness error: %s", jobs[i].file, jobs[i].r.reason);
			ck_assert_msg(one_of(jobs[i].r.extracted, jobs[i].accepted), "%s: got %s (%s), expected %s",
				      jobs[i].file, jobs[i].r.extracted, jobs[i].r.reason, jobs[i].accepted);
			ck_assert_int_eq(jobs[i].r.verdict,
					 strcmp(jobs[i].r.extracted, "pass") == 0 ? GR_CORRECT : GR_INCORRECT);
			/* never blocked past the deadline plus a small grace; an io
			 * run (C, JavaScript) may also compile or start node first */
			ck_assert_msg(jobs[i].wall < timeout + 1.5 + (jobs[i].g == py ? 0 : 5), "%s took %.2f s",
				      jobs[i].file, jobs[i].wall);
			ck_assert(strstr(jobs[i].r.reason, CANARY) == NULL);
			free(jobs[i].answer);
		}
		ck_assert_msg(leaks == 0, "check-side-effects.sh found side effects (see its output above)");
	}
	gr_free(py);
	gr_free(c);
	gr_free(js);
	tu_rmtree(work);
	free(work);
}
END_TEST

/* ---- beyond the corpus ---- */

typedef struct ccase {
	const char *lang, *tests, *prompt, *answer, *accepted;
} ccase;

/* Grades answer; checks the verdict word is one of accepted, the verdict
 * agrees with it, and the grade took no more than its deadline allows. */
static void check_case(const gr_grader *g, const char *answer, const char *accepted, double deadline, size_t i)
{
	gr_result r;
	int64_t t0 = tb_now_us();

	grade(g, answer, &r);
	ck_assert_msg(one_of(r.extracted, accepted), "case %zu: got %s (%s), expected %s", i, r.extracted, r.reason,
		      accepted);
	ck_assert_msg((double)(tb_now_us() - t0) / 1e6 < deadline + 1.5, "case %zu hung", i);
	if (strcmp(r.extracted, "pass") == 0)
		ck_assert_int_eq(r.verdict, GR_CORRECT);
	else if (strcmp(r.extracted, "no code") == 0)
		ck_assert_int_eq(r.verdict, GR_NOANSWER);
	else
		ck_assert_int_eq(r.verdict, GR_INCORRECT);
}

static void run_cases(const ccase *cases, size_t n, double timeout)
{
	for (size_t i = 0; i < n; i++) {
		gr_grader *g = make(cases[i].lang, cases[i].tests, cases[i].prompt, timeout, 128);

		check_case(g, cases[i].answer, cases[i].accepted, timeout, i);
		gr_free(g);
	}
}

typedef struct iocase {
	const char *answer, *accepted;
} iocase;

/* io cases on make_io's two tests: each may take both tests' time. */
static void run_io_cases(const char *lang, const char *main_src, const iocase *cases, size_t n, double timeout,
			 unsigned memory_mb)
{
	gr_grader *g = make_io(lang, main_src, timeout, memory_mb);

	for (size_t i = 0; i < n; i++)
		check_case(g, cases[i].answer, cases[i].accepted, 2 * timeout + 1, i);
	gr_free(g);
}

START_TEST(test_extraction)
{
	static const ccase cases[] = {
		{"python", py_tests, NULL, "Here it is:\n```python\ndef add(a, b):\n    return a + b\n```\nDone.", "pass"},
		{"python", py_tests, NULL,
		 "First try:\n```python\ndef add(a, b):\n    return a - b\n```\nFixed:\n```py\ndef add(a, b):\n"
		 "    return a + b\n```\n```bash\nexit 1\n```\n",
		 "pass"},
		{"python", py_tests, NULL, "```python\ndef add(a, b):\n    return a + b\n```\n```python\ndef add(a, b):\n"
		 "    return a * b\n```", "fail:wrong"},
		{"python", py_tests, NULL, "```\ndef add(a, b):\n    return a + b\n```", "pass"},
		{"python", py_tests, NULL, "def add(a, b):\n    return a + b\n", "pass"},
		{"python", py_tests, NULL, "cut short:\n```python\ndef add(a, b):\n    return a + b\n", "pass"},
		{"python", py_tests, NULL, "", "no code"},
		{"python", py_tests, NULL, "  \n\t\n", "no code"},
		{"python", py_tests, NULL, "```python\n\n```", "no code"},
		{"python", py_tests, NULL, "I am not sure how to do this.", "fail:compile"},
		{"python", py_tests, NULL, "```python\ndef add(a, b)\n    return a + b\n```", "fail:compile"},
		/* HumanEval style: the prompt holds the signature and the answer the body */
		{"python", "def check(candidate):\n    assert candidate(2, 3) == 5\n", "def add(a, b):\n    \"\"\"Add.\"\"\"\n",
		 "    return a + b\n", "pass"},
		{"python", "def check(candidate):\n    assert candidate(2, 3) == 5\n", "def add(a, b):\n    \"\"\"Add.\"\"\"\n",
		 "return a + b", "pass"},
		{"python", "def check(candidate):\n    assert candidate(2, 3) == 5\n",
		 "from typing import List\n\ndef add(a: int, b: int) -> int:\n    \"\"\"Add.\"\"\"\n",
		 "```python\ndef add(a: int, b: int) -> int:\n    return a + b\n```", "pass"},
		{"python", "def check(candidate):\n    assert candidate(2, 3) == 5\n", "def add(a, b):\n    \"\"\"Add.\"\"\"\n",
		 "    return a - b\n", "fail:wrong"},
		/* MBPP style: imports and plain asserts that name the function */
		{"python", "import math\nassert add(1, 2) == 3\nassert math.isclose(add(0.1, 0.2), 0.3)\n", NULL,
		 "def add(a, b):\n    return a + b", "pass"},
		{"python", "assert add(1, 2) == 3\n", NULL, "def plus(a, b):\n    return a + b", "fail:error"},
	};

	run_cases(cases, sizeof(cases) / sizeof(cases[0]), 5);
}
END_TEST

START_TEST(test_python_misbehaviour)
{
	static const ccase cases[] = {
		/* the answer's process has no fd 3 at all */
		{"python", py_tests, NULL, "import os\nos.write(3, b'ok\\n')\ndef add(a, b):\n    return a - b\n",
		 "fail:error|fail:wrong"},
		{"python", py_tests, NULL,
		 "import os\nos.write(3, b'ok\\n')\nfor fd in range(3, 6):\n    try:\n        os.write(fd, b'x ok\\n')\n"
		 "    except OSError:\n        pass\nos._exit(0)\n",
		 "fail:error"},
		/* the nonce pipe is closed before the solution runs */
		{"python", py_tests, NULL,
		 "import os\ntry:\n    n = os.read(4, 100)\nexcept OSError:\n    n = b'none'\n"
		 "os.write(3, n.strip() + b' ok\\n')\nos._exit(0)\n",
		 "fail:error"},
		/* the verdict's process is not dumpable: its memory, descriptors
		 * and environment are closed to the answer's */
		{"python", py_tests, NULL,
		 "import os\ndef add(a, b):\n    for p in ('mem', 'fd/3', 'environ', 'maps'):\n        try:\n"
		 "            open('/proc/%d/%s' % (os.getppid(), p), 'rb').close()\n            return p\n"
		 "        except OSError:\n            pass\n    return a + b\n",
		 "pass"},
		/* patched builtins do not reach the tests */
		{"python", py_tests, NULL,
		 "import builtins\nbuiltins.isinstance = lambda *a: True\ndef add(a, b):\n    return float(a + b)\n",
		 "fail:wrong"},
		/* an object that is not an int but equal to everything */
		{"python", py_tests, NULL,
		 "class E:\n    def __eq__(self, o):\n        return True\n    def __ne__(self, o):\n        return False\n"
		 "def add(a, b):\n    return E()\n",
		 "fail:wrong"},
		/* always-equal inside a container */
		{"python", "assert add(1, 2) == [3]\n", NULL,
		 "class A(int):\n    def __eq__(self, o):\n        return True\n    __hash__ = int.__hash__\n"
		 "def add(a, b):\n    return [A(0)]\n",
		 "fail:wrong"},
		/* a str subclass that lies about equality */
		{"python", "assert add('a', 'b') == 'ab'\n", NULL,
		 "class S(str):\n    def __eq__(self, o):\n        return True\n    __hash__ = str.__hash__\n"
		 "def add(a, b):\n    return S('zz')\n",
		 "fail:wrong"},
		/* the solution defines check itself: the tests' own wins */
		{"python", py_tests, NULL, "def check(candidate):\n    pass\ndef add(a, b):\n    return 0\n", "fail:wrong"},
		/* a trace hook set during a call is cleared before the assert */
		{"python", py_tests, NULL,
		 "import sys\ndef _t(frame, event, arg):\n    return _t\ndef add(a, b):\n    sys.settrace(_t)\n"
		 "    return a - b\n",
		 "fail:wrong"},
		/* a hook for new threads, set by the solution, is gone before the
		 * tests start one (the driver imports threading only if the code did) */
		{"python",
		 "import threading\nok = []\nr = add(1, 2)\ndef run():\n    assert r == 3\n    ok.append(1)\n"
		 "t = threading.Thread(target=run)\nt.start()\nt.join()\nassert ok == [1]\n",
		 NULL,
		 "import threading\ndef _t(frame, event, arg):\n"
		 "    if event == 'line' and frame.f_code.co_filename == 'tests.py' and frame.f_lineno == 5:\n"
		 "        frame.f_lineno = 6\n    return _t\nthreading.settrace(_t)\ndef add(a, b):\n    return a - b\n",
		 "fail:wrong"},
		{"python", py_tests, NULL, "def add(a, b):\n    raise KeyboardInterrupt\n", "fail:error"},
		{"python", py_tests, NULL, "class Boom(AssertionError):\n    pass\ndef add(a, b):\n    raise Boom()\n",
		 "fail:error|fail:wrong"},
		{"python", py_tests, NULL, "x = input()\ndef add(a, b):\n    return a + b\n", "fail:error"},
		{"python", py_tests, NULL, "def add(a, b):\n    return add(a, b)\n", "fail:error"},
		{"python", py_tests, NULL,
		 "import threading, time\ndef add(a, b):\n    while True:\n"
		 "        threading.Thread(target=time.sleep, args=(100,), daemon=True).start()\n",
		 "fail:error|fail:timeout"},
		{"python", py_tests, NULL,
		 "def add(a, b):\n    with open('/work/big', 'wb') as f:\n        f.write(b'x' * (40 << 20))\n    return a + b\n",
		 "fail:error|fail:crash"},
		{"python", py_tests, NULL, "open('/dev/shm/x', 'w').write('x')\ndef add(a, b):\n    return a + b\n",
		 "fail:error"},
		{"python", py_tests, NULL, "import sys\nsys.stderr.write('E' * (3 << 20))\ndef add(a, b):\n    return a + b\n",
		 "fail:output"},
		{"python", py_tests, NULL,
		 "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\ndef add(a, b):\n    return a + b\n",
		 "fail:crash"},
		{"python", py_tests, NULL, "print('PASSED')\nprint('ok')\ndef add(a, b):\n    return a - b\n", "fail:wrong"},
		/* correct, and harmless output: still a pass */
		{"python", py_tests, NULL, "print('hello')\ndef add(a, b):\n    return a + b\n", "pass"},
	};

	run_cases(cases, sizeof(cases) / sizeof(cases[0]), 3);
}
END_TEST

/* The key in the harness's environment is nowhere the sample can look. */
START_TEST(test_key_canary)
{
	static const char tests[] =
		"def check(candidate):\n"
		"    import os, glob\n"
		"    blob = repr(dict(os.environ))\n"
		"    for p in glob.glob('/proc/*/environ') + glob.glob('/proc/*/cmdline'):\n"
		"        try:\n"
		"            blob += open(p, 'rb').read().decode('latin1')\n"
		"        except OSError:\n"
		"            pass\n"
		"    assert 'CANARY' not in blob, 'the key is visible'\n"
		"    assert candidate(1, 2) == 3\n";
	gr_grader *g;
	gr_result r;

	setenv("OPENROUTER_API_KEY", CANARY, 1);
	g = make("python", tests, NULL, 5, 0);
	grade(g, "def add(a, b):\n    return a + b\n", &r);
	ck_assert_msg(strcmp(r.extracted, "pass") == 0, "%s", r.reason);
	gr_free(g);
}
END_TEST

START_TEST(test_c)
{
	static const iocase cases[] = {
		{"```c\nint add(int a, int b) { return a + b; }\n```", "pass"},
		{"int add(int a, int b) { return a - b; }", "fail:wrong"},
		{"int add(int a, int b) { return a * b; }", "fail:wrong"},
		{"int add(int a, int b) { return a + b }", "fail:compile"},
		/* the answer's own main is renamed; its stdout is not the output */
		{"#include <stdio.h>\nint add(int a, int b) { return a + b; }\nint main(void) { printf(\"demo\"); return 1; }",
		 "pass"},
		{"#include <stdio.h>\nint add(int a, int b) { printf(\"3\\n0\\n\"); return a + b; }", "pass"},
		{"#include <stdlib.h>\nint add(int a, int b) { exit(0); }", "fail:wrong|fail:error"},
		{"int add(int a, int b) { return add(a, b) + 1; }", "fail:crash"},
		{"int add(int a, int b) { int *volatile p = 0; return *p; }", "fail:crash"},
		{"#include <stdlib.h>\n#include <string.h>\nint add(int a, int b) { for (;;) { char *p = malloc(1 << 20);"
		 " if (!p) abort(); memset(p, 1, 1 << 20); } }",
		 "fail:memory|fail:crash"},
		{"#include <unistd.h>\nint add(int a, int b) { write(3, \"x ok\\n\", 5); _exit(0); }", "fail:wrong|fail:error"},
	};

	run_io_cases("c", c_main, cases, sizeof(cases) / sizeof(cases[0]), 10, 128);
}
END_TEST

/* The compile cache: the second grade of a source is a hit and gives the
 * same verdict; what the program does to its own file while it runs does
 * not reach the cache; a compile error is kept too; other tests, other key. */
START_TEST(test_c_cache)
{
	/* on the last test's input, the program puts a script that prints
	 * wrong sums where its binary was */
	static const char swapper[] =
		"#include <stdio.h>\n#include <unistd.h>\nint add(int a, int b) {\n"
		"  if (a == 100) { unlink(\"prog\"); FILE *f = fopen(\"prog\", \"w\");\n"
		"    if (f) { fputs(\"#!/bin/sh\\necho 0\\necho 0\\n\", f); fclose(f); } }\n"
		"  return a + b;\n}\n";
	static const char broken[] = "int add(int a, int b) { return a + b } /* cache */";
	gr_grader *g = make_io("c", c_main, 10, 0), *other;
	unsigned long h0, m0, h, m;
	gr_result r;

	cc_counts(&h0, &m0);
	for (int i = 0; i < 2; i++) {
		memset(&r, 0, sizeof(r));
		grade(g, swapper, &r);
		ck_assert_msg(strcmp(r.extracted, "pass") == 0, "grade %d: %s (%s)", i, r.extracted, r.reason);
	}
	cc_counts(&h, &m);
	ck_assert_msg(h == h0 + 1 && m == m0 + 1, "hits %lu -> %lu, misses %lu -> %lu", h0, h, m0, m);
	for (int i = 0; i < 2; i++) {
		memset(&r, 0, sizeof(r));
		grade(g, broken, &r);
		ck_assert_msg(strcmp(r.extracted, "fail:compile") == 0 && strstr(r.reason, "error"), "grade %d: %s (%s)",
			      i, r.extracted, r.reason);
	}
	cc_counts(&h, &m);
	ck_assert_msg(h == h0 + 2 && m == m0 + 2, "hits %lu, misses %lu", h - h0, m - m0);
	other = compile_spec(json_pack("{s:s, s:s, s:s, s:[{s:s, s:s}], s:f}", "type", "exec", "kind", "io", "language",
				       "c", "tests", "input", "2 2\n", "output", "4\n", "timeout_s", 10.0),
			     "main", c_main, 0);
	memset(&r, 0, sizeof(r));
	grade(other, swapper, &r);
	ck_assert_msg(strcmp(r.extracted, "pass") == 0, "%s (%s)", r.extracted, r.reason);
	cc_counts(&h, &m);
	ck_assert_msg(h == h0 + 2 && m == m0 + 3, "hits %lu, misses %lu", h - h0, m - m0);
	gr_free(other);
	gr_free(g);
}
END_TEST

START_TEST(test_javascript)
{
	static const iocase cases[] = {
		{"```javascript\nfunction add(a, b) { return a + b; }\n```", "pass"},
		{"function add(a, b) { return a + b; }\nmodule.exports = { add };", "pass"},
		{"function add(a, b) { return a - b; }", "fail:wrong"},
		{"function add(a, b) { return a + ; }", "fail:compile"},
		{"function add(a, b) { process.exit(0); }", "fail:wrong|fail:error"},
		{"function add(a, b) { throw new Error('no'); }", "fail:error"},
		{"require('assert').strictEqual = () => {};\nfunction add(a, b) { return 0; }", "fail:wrong"},
		{"function add(a, b) { return String(a + b); }", "fail:wrong"},
		{"function add(a, b) { const x = []; for (;;) x.push(new Array(1e6).fill(1.5)); }",
		 "fail:memory|fail:crash"},
		{"require('fs').writeSync(3, 'x ok\\n');\nfunction add(a, b) { process.reallyExit(0); }", "fail:error"},
	};

	run_io_cases("javascript", js_main, cases, sizeof(cases) / sizeof(cases[0]), 10, 128);
}
END_TEST

/* A whole program on stdin and stdout, in Python; the per-test limit. */
START_TEST(test_io_python)
{
	static const char sums[] = "import sys\nfor line in sys.stdin:\n    a, b = map(int, line.split())\n"
				   "    print(a + b)\n";
	static const iocase cases[] = {
		{sums, "pass"},
		{"```python\nimport sys\nprint(' 3 \\n\\n 0 ' if sys.stdin.readline() == '1 2\\n' else 123)\n```", "pass"},
		{"import sys\nfor line in sys.stdin:\n    a, b = map(int, line.split())\n    print(a - b)\n", "fail:wrong"},
		{"print(", "fail:compile"},
		{"import sys\nraise SystemExit(3)\n", "fail:error"},
		{"import sys, time\nif '100' in sys.stdin.read():\n    time.sleep(30)\nprint(3)\nprint(0)\n",
		 "fail:timeout"},
		{"import os\nos.write(3, b'x test 0 0 4\\n')\nprint(3)\nprint(0)\n", "fail:error"},
	};
	gr_grader *g = make_io("python", NULL, 1, 0);
	gr_result r;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_case(g, cases[i].answer, cases[i].accepted, 3, i);
	grade(g, "import sys, time\nif '100' in sys.stdin.read():\n    time.sleep(30)\nprint(3)\nprint(0)\n", &r);
	ck_assert_msg(strstr(r.reason, "test 2 of 2") != NULL, "%s", r.reason);
	gr_free(g);
}
END_TEST

/* Each sample forges a pass in the way named in its file; each is a wrong
 * add. C and JavaScript run as io tests with the reference's calls; the
 * JavaScript sample is also given the reference's own require/assert tests
 * in the io main, which it cannot reach. */
START_TEST(test_forgery)
{
	static const struct {
		const char *file, *lang;
	} table[] = {
		{"py-driver-nonce.py", "python"},
		{"py-always-equal.py", "python"},
		{"c-constructor-define.c", "c"},
		{"js-own-require.js", "javascript"},
	};

	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		char path[512];
		char *answer;
		gr_grader *g;
		gr_result r;

		snprintf(path, sizeof(path), "%s/tests/data/forgery/%s", TB_SOURCE_DIR, table[i].file);
		answer = tu_read_file(path, NULL);
		ck_assert_ptr_nonnull(answer);
		if (strcmp(table[i].lang, "python") == 0)
			g = make("python", py_tests, NULL, 10, 0);
		else
			g = make_io(table[i].lang, strcmp(table[i].lang, "c") == 0 ? c_main : js_main, 10, 0);
		grade(g, answer, &r);
		printf("%-26s %-12s %s\n", table[i].file, r.extracted, r.reason);
		ck_assert_msg(r.verdict == GR_INCORRECT && strncmp(r.extracted, "fail:", 5) == 0, "%s: got %s (%s)",
			      table[i].file, r.extracted, r.reason);
		gr_free(g);
		free(answer);
	}
}
END_TEST

START_TEST(test_timeouts)
{
	gr_grader *g = make("python", py_tests, NULL, 0.5, 0), *warm = make("python", py_tests, NULL, 10, 0);
	gr_result r;
	int64_t t0;
	double s;

	/* a pass first starts the exec grader (its driver's bytecode), which
	 * the timed grade must not pay for */
	grade(warm, "def add(a, b):\n    return a + b\n", &r);
	ck_assert_str_eq(r.extracted, "pass");
	gr_free(warm);
	t0 = tb_now_us();
	grade(g, "import time\ndef add(a, b):\n    time.sleep(0.8)\n    return a + b\n", &r);
	s = (double)(tb_now_us() - t0) / 1e6;
	ck_assert_str_eq(r.extracted, "fail:timeout");
	ck_assert_msg(s < 1.5, "took %.2f s", s);
	gr_free(g);
}
END_TEST

/* --exec-rate: at 2 answers a second, three answers take two intervals at
 * least; a lower bound only, so a loaded machine cannot fail it */
START_TEST(test_rate_cap)
{
	gr_grader *g = make("python", py_tests, NULL, 10, 0);
	gr_result r;
	int64_t t0;
	double s;

	gr_exec_set_rate(2);
	t0 = tb_now_us();
	for (int i = 0; i < 3; i++) {
		grade(g, "def add(a, b):\n    return a + b\n", &r);
		ck_assert_str_eq(r.extracted, "pass");
	}
	s = (double)(tb_now_us() - t0) / 1e6;
	ck_assert_msg(s >= 0.999, "three answers at 2 a second took %.3f s", s);
	gr_exec_set_rate(0);
	grade(g, "def add(a, b):\n    return a - b\n", &r);
	ck_assert_str_eq(r.extracted, "fail:wrong");
	gr_free(g);
}
END_TEST

START_TEST(test_reason_is_escaped)
{
	gr_grader *g = make("python", py_tests, NULL, 5, 0);
	gr_result r;

	grade(g, "def add(a, b):\n    raise ValueError('\\x1b[2J\\x1b]0;title\\x07\\x9b31m')\n", &r);
	ck_assert_str_eq(r.extracted, "fail:error");
	for (const char *p = r.reason; *p; p++)
		ck_assert_msg((unsigned char)*p >= 0x20 && (unsigned char)*p < 0x7f, "raw byte in: %s", r.reason);
	ck_assert(strstr(r.reason, "\\x1b") != NULL);
	gr_free(g);
}
END_TEST

START_TEST(test_unsafe_is_marked)
{
	gr_grader *g = make("python", py_tests, NULL, 5, 0);
	gr_result r;
	char err[256];

	gr_exec_set_unsafe(1);
	ck_assert(gr_exec_unsafe());
	ck_assert_int_eq(gr_exec_available(err, sizeof(err)), TB_OK);
	grade(g, "def add(a, b):\n    return a + b\n", &r);
	ck_assert_str_eq(r.extracted, "pass");
	ck_assert(strstr(r.reason, "[unsafe-exec]") != NULL);
	grade(g, "import os\ndef add(a, b):\n    os._exit(0)\n", &r);
	ck_assert_str_eq(r.extracted, "fail:error");
	gr_free(g);
}
END_TEST

/* ---- the pool ---- */

typedef struct pjob {
	int in, out;
	pthread_t worker;
} pjob;

static void pwork(void *arg)
{
	pjob *j = arg;

	j->out = j->in * 2;
	j->worker = pthread_self();
}

static int pdone_count;

static void pdone(void *arg)
{
	pjob *j = arg;

	ck_assert_int_eq(j->out, j->in * 2);
	pdone_count++;
}

START_TEST(test_pool)
{
	pjob jobs[200];
	gr_pool *p;
	char err[128];
	int polls = 0;

	ck_assert_int_eq(gr_pool_new(3, &p, err, sizeof(err)), TB_OK);
	ck_assert_uint_eq(gr_pool_threads(p), 3);
	for (int i = 0; i < 200; i++) {
		jobs[i] = (pjob){.in = i};
		ck_assert_int_eq(gr_pool_submit(p, pwork, pdone, &jobs[i]), TB_OK);
	}
	/* the caller's loop: poll the fd, reap on this thread */
	while (pdone_count < 200 && polls++ < 1000) {
		struct pollfd pf = {.fd = gr_pool_fd(p), .events = POLLIN};

		if (poll(&pf, 1, 1000) > 0)
			gr_pool_reap(p);
	}
	ck_assert_int_eq(pdone_count, 200);
	ck_assert_uint_eq(gr_pool_pending(p), 0);
	for (int i = 0; i < 200; i++)
		ck_assert(!pthread_equal(jobs[i].worker, pthread_self()));
	gr_pool_free(p);
	ck_assert_int_eq(gr_pool_new(0, &p, err, sizeof(err)), TB_OK);
	ck_assert_uint_ge(gr_pool_threads(p), 1);
	gr_pool_free(p);
}
END_TEST

/* gr_pool_each: once on every worker, and back when all have run. */
static pthread_mutex_t each_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_t each_seen[8];
static int each_n;

static void each_note(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&each_mu);
	if (each_n < 8)
		each_seen[each_n] = pthread_self();
	each_n++;
	pthread_mutex_unlock(&each_mu);
}

START_TEST(test_pool_each)
{
	gr_pool *p;
	char err[128];

	ck_assert_int_eq(gr_pool_new(4, &p, err, sizeof(err)), TB_OK);
	for (int round = 1; round <= 3; round++) {
		ck_assert_int_eq(gr_pool_each(p, each_note, NULL), TB_OK);
		ck_assert_int_eq(each_n, 4 * round);
		ck_assert_uint_eq(gr_pool_pending(p), 0);
	}
	for (int i = 0; i < 4; i++)
		for (int j = 0; j < i; j++)
			ck_assert_msg(!pthread_equal(each_seen[i], each_seen[j]), "a worker ran it twice");
	gr_pool_free(p);
}
END_TEST

static atomic_long signalled_done;

static void count_done(void *arg)
{
	(void)arg;
	atomic_fetch_add(&signalled_done, 1);
}

static void no_work(void *arg)
{
	(void)arg;
}

/* Finished jobs signal their list once, not each: whatever the interleaving
 * with the reaper, the descriptor is readable while a finished job waits, so
 * a reaper that only polls it never waits for a signal that does not come.
 * Rounds of 1 to 7 jobs, each reaped whole before the next. */
START_TEST(test_pool_signals_every_batch)
{
	enum { ROUNDS = 3000 };
	gr_pool *p;
	char err[128];

	atomic_store(&signalled_done, 0);
	ck_assert_int_eq(gr_pool_new(4, &p, err, sizeof(err)), TB_OK);
	for (int round = 0; round < ROUNDS; round++) {
		long want = atomic_load(&signalled_done) + round % 7 + 1;

		for (int i = 0; i < round % 7 + 1; i++)
			ck_assert_int_eq(gr_pool_submit(p, no_work, count_done, NULL), TB_OK);
		while (atomic_load(&signalled_done) < want) {
			struct pollfd pf = {.fd = gr_pool_fd(p), .events = POLLIN};

			ck_assert_msg(poll(&pf, 1, 5000) == 1, "round %d: no signal with %zu jobs pending",
				      round, gr_pool_pending(p));
			gr_pool_reap(p);
		}
	}
	ck_assert_uint_eq(gr_pool_pending(p), 0);
	gr_pool_free(p);
}
END_TEST

static Suite *exec_suite(void)
{
	Suite *s = suite_create("exec");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_available);
	tcase_add_test(tc, test_spec_errors);
	tcase_add_test(tc, test_hostile_corpus);
	tcase_add_test(tc, test_extraction);
	tcase_add_test(tc, test_python_misbehaviour);
	tcase_add_test(tc, test_key_canary);
	tcase_add_test(tc, test_c);
	tcase_add_test(tc, test_c_cache);
	tcase_add_test(tc, test_javascript);
	tcase_add_test(tc, test_io_python);
	tcase_add_test(tc, test_forgery);
	tcase_add_test(tc, test_timeouts);
	tcase_add_test(tc, test_rate_cap);
	tcase_add_test(tc, test_reason_is_escaped);
	tcase_add_test(tc, test_unsafe_is_marked);
	tcase_add_test(tc, test_pool);
	tcase_add_test(tc, test_pool_each);
	tcase_add_test(tc, test_pool_signals_every_batch);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	tu_require_bwrap();
	tu_require_shared();
	return tu_run(exec_suite());
}
