/* gradebench: grading rates for scripts/bench.sh, linked with libtbcore.a.
 *
 *   gradebench regex N     regex grading of N answers on this thread
 *   gradebench numeric N   numeric grading of N answers on this thread
 *   gradebench math N      math (LaTeX) grading of N answers on this thread
 *   gradebench exec N T    N Python answers through the exec grader (the
 *                          sandbox) on T threads
 *   gradebench c N T D     N C answers (io tests) on T threads, D distinct
 *                          sources (0: every answer its own), so the compile
 *                          cache's hits and misses can be timed apart
 *
 * Prints "<kind> <answers> <seconds> <answers per second> <correct> <answers
 * per CPU second>"; the last counts only the CPU the grading used, so it
 * holds on a machine other work keeps busy. The
 * answers are short model-like texts (a sentence of working, then the
 * result), a quarter of them wrong, so both verdicts are exercised. The
 * exec run starts with one untimed grade, and each thread readies what it
 * grades with (gr_warm(): its warm sandbox) before the clock starts, as a run
 * does before its first request: what a process or a thread does once (the
 * sandbox probe, the driver's bytecode, starting a warm sandbox) is not part
 * of the rate. */
#define _GNU_SOURCE
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ccache.h"
#include "exec.h"
#include "grader.h"

#define VARIANTS 64

static double clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now_s(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

typedef struct work {
	const gr_grader *g;
	char **answers;
	char **expected;
	long n, correct, distinct;     /* distinct: C sources; 0: every answer its own */
	int failed, c;
	pthread_barrier_t *ready; /* every thread warm: the clock starts */
} work;

static atomic_long c_next;

/* The C answer of sample i: one of `distinct` sources, a quarter wrong. */
static char *c_answer(long i, long distinct)
{
	long v = distinct ? i % distinct : i;
	char *s;

	return asprintf(&s, "```c\n/* sample %ld */\nint add(int a, int b) { return a %s b; }\n```\n", v,
			v % 4 == 3 ? "-" : "+") < 0 ? NULL : s;
}

static void *grade_all(void *arg)
{
	work *w = arg;

	gr_warm(w->g, NULL);
	pthread_barrier_wait(w->ready);
	for (long i = 0; i < w->n; i++) {
		char *c_src = w->c ? c_answer(atomic_fetch_add(&c_next, 1), w->distinct) : NULL;
		gr_input in = {.answer = w->c ? c_src : w->answers[i % VARIANTS],
			       .expected = w->expected[i % VARIANTS], .item_id = "bench"};
		gr_result res;
		int rc = (w->c && !c_src) || gr_grade(w->g, &in, &res) != 0;

		free(c_src);
		if (rc) {
			w->failed = 1;
			return NULL;
		}
		w->correct += res.verdict == GR_CORRECT;
	}
	return NULL;
}

/* A MATH-style answer and its reference, by shape: a fraction, a radical,
 * a tuple, an interval, a polynomial, an equation, a \pm pair and a
 * matrix, each in a sentence of working; a quarter are wrong. */
static int math_answer(int i, char **answer, char **expected)
{
	int a = i + 2, b = 2 * i + 3, off = i % 4 == 3;
	const char *intro = "We simplify step by step, checking each case; so the final answer is";

	switch (i % 8) {
	case 0:
		return asprintf(answer, "%s $\\boxed{\\dfrac{%d}{%d}}$.", intro, 2 * a + off, 2 * b) < 0 ||
		       asprintf(expected, "\\frac{%d}{%d}", a, b) < 0 ? -1 : 0;
	case 1:
		return asprintf(answer, "%s $\\boxed{%d\\sqrt{%d}}$.", intro, a + off, 2) < 0 ||
		       asprintf(expected, "\\sqrt{%d}", 2 * a * a) < 0 ? -1 : 0;
	case 2:
		return asprintf(answer, "%s $\\boxed{\\left( %d, \\frac{\\pi}{%d} \\right)}$.", intro, a, b + off) < 0 ||
		       asprintf(expected, "(%d, \\pi/%d)", a, b) < 0 ? -1 : 0;
	case 3:
		return asprintf(answer, "%s $\\boxed{x \\le %d}$.", intro, a + off) < 0 ||
		       asprintf(expected, "(-\\infty, %d]", a) < 0 ? -1 : 0;
	case 4:
		return asprintf(answer, "%s $\\boxed{(x+%d)(x-%d)}$.", intro, a, b + off) < 0 ||
		       asprintf(expected, "x^2 + %dx - %d", a - b, a * b) < 0 ? -1 : 0;
	case 5:
		return asprintf(answer, "%s $\\boxed{y = %dx + %d}$.", intro, a, b + off) < 0 ||
		       asprintf(expected, "%dx - y + %d = 0", a, b) < 0 ? -1 : 0;
	case 6:
		return asprintf(answer, "%s $\\boxed{%d \\pm \\sqrt{%d}}$.", intro, a, b + off) < 0 ||
		       asprintf(expected, "%d+\\sqrt{%d}, %d-\\sqrt{%d}", a, b, a, b) < 0 ? -1 : 0;
	default:
		return asprintf(answer, "%s $\\boxed{\\begin{pmatrix} %d & 0 \\ 0 & %d \\end{pmatrix}}$.", intro, a,
				b + off) < 0 ||
		       asprintf(expected, "\\begin{pmatrix} %d & 0 \\ 0 & %d \\end{pmatrix}", a, b) < 0 ? -1 : 0;
	}
}

int main(int argc, char **argv)
{
	const char *kind = argc > 1 ? argv[1] : "regex";
	long n = argc > 2 ? atol(argv[2]) : 200000;
	int threads = argc > 3 ? atoi(argv[3]) : 1, c = strcmp(kind, "c") == 0, sandboxed;
	long distinct = argc > 4 ? atol(argv[4]) : 0;
	unsigned long hits, misses;
	char *answers[VARIANTS], *expected[VARIANTS], err[512];
	json_t *spec;
	gr_grader *g = NULL;
	work w[64];
	pthread_barrier_t ready;
	pthread_t th[64];
	double t0, t1, c0, c1;
	long correct = 0;

	if (threads < 1 || threads > 64 || n < 1) {
		fprintf(stderr, "usage: gradebench regex|numeric|math|exec N [THREADS] | c N THREADS DISTINCT\n");
		return 2;
	}
	if (strcmp(kind, "regex") == 0)
		spec = json_pack("{s:s, s:s, s:i}", "type", "regex", "pattern", "answer is\\s*\\**(-?[0-9][0-9,]*)", "group", 1);
	else if (strcmp(kind, "numeric") == 0)
		spec = json_pack("{s:s}", "type", "numeric");
	else if (strcmp(kind, "math") == 0)
		spec = json_pack("{s:s}", "type", "math");
	else if (strcmp(kind, "exec") == 0)
		spec = json_pack("{s:s, s:s, s:s, s:s}", "type", "exec", "language", "python", "tests",
				 "assert add(1, 2) == 3\nassert add(-1, 1) == 0", "entry_point", "add");
	else if (c)
		spec = json_pack("{s:s, s:s, s:s, s:[{s:s, s:s}, {s:s, s:s}], s:s}", "type", "exec", "kind", "io",
				 "language", "c", "tests", "input", "1 2\n-5 5\n", "output", "3\n0\n", "input", "100 23\n",
				 "output", "123\n", "main",
				 "#include <stdio.h>\nint add(int, int);\nint main(void) {\n  int a, b;\n"
				 "  while (scanf(\"%d %d\", &a, &b) == 2) dprintf(5, \"%d\\n\", add(a, b));\n  return 0;\n}\n");
	else {
		fprintf(stderr, "gradebench: unknown kind '%s'\n", kind);
		return 2;
	}
	for (int i = 0; i < VARIANTS; i++) {
		int want = 1000 + 37 * i, got = i % 4 == 3 ? want + 1 : want;

		if (c) {
			/* the warm-up's: a source no sample has */
			answers[i] = c_answer(1000000 + 4 * i, 0);
			expected[i] = NULL;
			if (!answers[i])
				return 1;
			continue;
		}
		if (strcmp(kind, "exec") == 0) {
			if (asprintf(&answers[i], "```python\ndef add(a, b):\n    return a %s b\n```\n",
				     i % 4 == 3 ? "-" : "+") < 0)
				return 1;
			expected[i] = NULL;
			continue;
		}
		if (strcmp(kind, "math") == 0) {
			if (math_answer(i, &answers[i], &expected[i]) < 0)
				return 1;
			continue;
		}
		if (asprintf(&answers[i],
			     "First, %d items cost %d each, so the total is %d * %d = %d. Then we "
			     "add the remaining %d to get the result. The answer is **%d**, i.e. \\boxed{%d}.",
			     i + 3, 7 * i + 2, i + 3, 7 * i + 2, (i + 3) * (7 * i + 2), i, got, got) < 0 ||
		    asprintf(&expected[i], "%d", want) < 0)
			return 1;
	}
	sandboxed = c || strcmp(kind, "exec") == 0;
	if (sandboxed && gr_exec_available(err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		return 77;
	}
	if (!spec || gr_compile(spec, &g, err, sizeof(err)) != 0) {
		fprintf(stderr, "gradebench: %s\n", err);
		return 1;
	}
	if (sandboxed) {
		gr_input in = {.answer = answers[0], .item_id = "warm-up"};
		gr_result res = {0};

		if (gr_grade(g, &in, &res) != 0 || res.verdict != GR_CORRECT) {
			fprintf(stderr, "gradebench: the warm-up grade failed: %s\n", res.reason);
			return 1;
		}
	}
	pthread_barrier_init(&ready, NULL, (unsigned)threads + 1);
	for (int t = 0; t < threads; t++) {
		w[t] = (work){.g = g, .answers = answers, .expected = expected,
			      .n = n / threads + (t < n % threads), .c = c, .distinct = distinct,
			      .ready = &ready};
		pthread_create(&th[t], NULL, grade_all, &w[t]);
	}
	pthread_barrier_wait(&ready);
	t0 = now_s();
	c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
	for (int t = 0; t < threads; t++) {
		pthread_join(th[t], NULL);
		if (w[t].failed) {
			fprintf(stderr, "gradebench: a grade failed\n");
			return 1;
		}
		correct += w[t].correct;
	}
	t1 = now_s();
	c1 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
	pthread_barrier_destroy(&ready);
	printf("%s %ld %.4f %.1f %ld %.1f", kind, n, t1 - t0, (double)n / (t1 - t0), correct,
	       (double)n / (c1 - c0 > 0 ? c1 - c0 : 1e-9));
	cc_counts(&hits, &misses);
	if (c)
		printf(" cache %lu hits %lu misses", hits, misses);
	printf("\n");
	gr_free(g);
	json_decref(spec);
	for (int i = 0; i < VARIANTS; i++) {
		free(answers[i]);
		free(expected[i]);
	}
	return 0;
}
