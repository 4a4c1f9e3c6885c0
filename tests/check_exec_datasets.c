/* The exec grader on real benchmarks: all 164 HumanEval canonical solutions
 * and all 427 sanitized-MBPP reference solutions pass, and the same
 * solutions with the function's body replaced by `return None` all fail.
 * Graded on a pool of 2 workers (CI has 2 cores); then the canonical
 * HumanEval set again with one worker per core, to print the throughput of
 * sandboxed Python samples. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "clock.h"
#include "gradepool.h"
#include "grader.h"
#include "rc.h"
#include "testutil.h"

typedef struct djob {
	gr_grader *g;           /* owned by the item's first job */
	char *answer;
	char id[64];
	int expect_pass;
	gr_result r;
	int rc;
} djob;

typedef struct jobs {
	djob *v;
	size_t n, cap;
} jobs;

static djob *push(jobs *js)
{
	if (js->n == js->cap) {
		js->cap = js->cap ? 2 * js->cap : 256;
		js->v = realloc(js->v, js->cap * sizeof(*js->v));
		ck_assert_ptr_nonnull(js->v);
	}
	memset(&js->v[js->n], 0, sizeof(js->v[0]));
	return &js->v[js->n++];
}

static void work(void *arg)
{
	djob *j = arg;
	gr_input in = {.answer = j->answer, .item_id = j->id};

	j->rc = gr_grade(j->g, &in, &j->r);
}

static void done(void *arg)
{
	(void)arg;
}

/* Runs every job on a pool of nthreads; returns the samples per second. */
static double run_all(jobs *js, unsigned nthreads)
{
	gr_pool *p;
	char err[128];
	int64_t t0 = tb_now_us();

	ck_assert_int_eq(gr_pool_new(nthreads, &p, err, sizeof(err)), TB_OK);
	for (size_t i = 0; i < js->n; i++)
		ck_assert_int_eq(gr_pool_submit(p, work, done, &js->v[i]), TB_OK);
	gr_pool_drain(p);
	gr_pool_free(p);
	return (double)js->n / ((double)(tb_now_us() - t0) / 1e6);
}

/* Counts and prints the jobs whose verdict is not the expected one. */
static int check_all(const jobs *js)
{
	int bad = 0;

	for (size_t i = 0; i < js->n; i++) {
		const djob *j = &js->v[i];
		int passed = j->rc == TB_OK && j->r.verdict == GR_CORRECT;

		ck_assert_msg(j->rc == TB_OK, "%s: harness error: %s", j->id, j->r.reason);
		if (passed != j->expect_pass) {
			if (bad++ < 20)
				printf("%s (%s): %s\n", j->id, j->expect_pass ? "reference" : "broken", j->r.reason);
			fflush(stdout);
		}
	}
	return bad;
}

static void free_jobs(jobs *js)
{
	for (size_t i = 0; i < js->n; i++) {
		if (js->v[i].expect_pass)
			gr_free(js->v[i].g);
		free(js->v[i].answer);
	}
	free(js->v);
	memset(js, 0, sizeof(*js));
}

static gr_grader *compile_spec(json_t *spec)
{
	gr_grader *g = NULL;
	char err[256] = "";

	ck_assert_msg(gr_compile(spec, &g, err, sizeof(err)) == TB_OK, "%s", err);
	json_decref(spec);
	return g;
}

static void load_humaneval(jobs *js, int with_broken)
{
	size_t len;
	char *text = tu_read_file(tu_shared("data/humaneval/HumanEval.jsonl"), &len);
	char *line, *save = NULL;
	int items = 0;

	ck_assert_ptr_nonnull(text);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		json_error_t je;
		json_t *it = json_loads(line, 0, &je);
		gr_grader *g;
		djob *j;

		ck_assert_msg(it != NULL, "HumanEval line: %s", je.text);
		g = compile_spec(json_pack("{s:s, s:s, s:O, s:O, s:O, s:f}", "type", "exec", "language", "python",
					   "tests", json_object_get(it, "test"), "entry_point",
					   json_object_get(it, "entry_point"), "prompt", json_object_get(it, "prompt"),
					   "timeout_s", 20.0));
		j = push(js);
		j->g = g;
		j->expect_pass = 1;
		j->answer = strdup(json_string_value(json_object_get(it, "canonical_solution")));
		snprintf(j->id, sizeof(j->id), "%s", json_string_value(json_object_get(it, "task_id")));
		if (with_broken) {
			j = push(js);
			j->g = g;
			j->answer = strdup("    return None\n");
			snprintf(j->id, sizeof(j->id), "%s", json_string_value(json_object_get(it, "task_id")));
		}
		json_decref(it);
		items++;
	}
	ck_assert_int_eq(items, 164);
	free(text);
}

/* The function the asserts call: the first `def NAME(` of the reference
 * code whose NAME is called in the first assert (`NAME (` counts too). */
static int mbpp_entry(const char *code, const char *assert0, char *out, size_t outlen)
{
	for (const char *p = strstr(code, "def "); p; p = strstr(p + 4, "def ")) {
		const char *q = p + 4;
		size_t n = 0;
		char call[128];

		while (q[n] == '_' || (q[n] >= 'a' && q[n] <= 'z') || (q[n] >= 'A' && q[n] <= 'Z') ||
		       (q[n] >= '0' && q[n] <= '9'))
			n++;
		if (n == 0 || n + 2 > sizeof(call) || n + 1 > outlen)
			continue;
		snprintf(call, sizeof(call), "%.*s", (int)n, q);
		for (const char *a = strstr(assert0, call); a; a = strstr(a + 1, call)) {
			const char *r = a + n;

			while (*r == ' ')
				r++;
			if (*r == '(') {
				snprintf(out, outlen, "%s", call);
				return 1;
			}
		}
	}
	return 0;
}

static void load_mbpp(jobs *js)
{
	json_error_t je;
	json_t *all = json_load_file(tu_shared("data/mbpp/sanitized-mbpp.json"), 0, &je);
	size_t i;
	json_t *it;

	ck_assert_msg(all != NULL, "MBPP: %s", je.text);
	ck_assert_int_eq(json_array_size(all), 427);
	json_array_foreach(all, i, it) {
		const char *code = json_string_value(json_object_get(it, "code"));
		json_t *list = json_object_get(it, "test_list"), *imports = json_object_get(it, "test_imports"), *e;
		char entry[128];
		tb_buf tests, broken;
		size_t k;
		gr_grader *g;
		djob *j;

		tb_buf_init(&tests, 1 << 20);
		tb_buf_init(&broken, 1 << 20);
		json_array_foreach(imports, k, e)
			tb_buf_addf(&tests, "%s\n", json_string_value(e));
		json_array_foreach(list, k, e)
			tb_buf_addf(&tests, "%s\n", json_string_value(e));
		ck_assert_msg(mbpp_entry(code, json_string_value(json_array_get(list, 0)), entry, sizeof(entry)),
			      "MBPP %d: no entry point", (int)json_integer_value(json_object_get(it, "task_id")));
		g = compile_spec(json_pack("{s:s, s:s, s:s, s:s, s:f}", "type", "exec", "language", "python", "tests",
					   tb_buf_str(&tests), "entry_point", entry, "timeout_s", 20.0));
		j = push(js);
		j->g = g;
		j->expect_pass = 1;
		j->answer = strdup(code);
		snprintf(j->id, sizeof(j->id), "MBPP/%d", (int)json_integer_value(json_object_get(it, "task_id")));
		/* the body replaced: the function redefined to return None */
		tb_buf_addf(&broken, "%s\n\ndef %s(*args, **kwargs):\n    return None\n", code, entry);
		j = push(js);
		j->g = g;
		j->answer = tb_buf_detach(&broken);
		snprintf(j->id, sizeof(j->id), "MBPP/%d", (int)json_integer_value(json_object_get(it, "task_id")));
		tb_buf_release(&tests);
		tb_buf_release(&broken);
	}
	json_decref(all);
}

START_TEST(test_humaneval)
{
	jobs js = {0};
	double rate;

	load_humaneval(&js, 1);
	rate = run_all(&js, 2);
	printf("HumanEval: %zu samples, %.1f samples/s on 2 workers\n", js.n, rate);
	ck_assert_int_eq(check_all(&js), 0);
	free_jobs(&js);
}
END_TEST

START_TEST(test_mbpp)
{
	jobs js = {0};
	double rate;

	load_mbpp(&js);
	rate = run_all(&js, 2);
	printf("MBPP: %zu samples, %.1f samples/s on 2 workers\n", js.n, rate);
	ck_assert_int_eq(check_all(&js), 0);
	free_jobs(&js);
}
END_TEST

START_TEST(test_throughput)
{
	jobs js = {0};
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	double rate;

	load_humaneval(&js, 0);
	rate = run_all(&js, cores > 0 ? (unsigned)cores : 1);
	printf("throughput: %.1f sandboxed Python samples/s with -j %ld (HumanEval canonical, %zu samples)\n", rate,
	       cores, js.n);
	ck_assert_int_eq(check_all(&js), 0);
	ck_assert(rate > 1);
	free_jobs(&js);
}
END_TEST

static Suite *datasets_suite(void)
{
	Suite *s = suite_create("exec_datasets");
	TCase *tc = tcase_create("bulk");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_humaneval);
	tcase_add_test(tc, test_mbpp);
	tcase_add_test(tc, test_throughput);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	tu_require_bwrap();
	tu_require_shared();
	return tu_run(datasets_suite());
}
