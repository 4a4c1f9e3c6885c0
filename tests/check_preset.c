/* --preset qwen3: the Qwen3 report's sampling per mode and output caps in
 * the request bodies, 64 samples per AIME item, stored with the run and
 * named by its report; an unknown preset is refused. */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "dialect.h"
#include "preset.h"
#include "rc.h"
#include "testutil.h"

static json_t *body(const tb_model *m, const tb_suite *s, const tb_item *it, tb_mode mode)
{
	tb_request_spec rq = {.mode = mode, .stream = 1, .seed = 1};
	tb_buf out;
	char err[256];
	json_t *j;

	tb_buf_init(&out, 1 << 20);
	ck_assert_int_eq(dialect_build_body(m, s, it, &rq, &out, err, sizeof(err)), TB_OK);
	j = json_loads(tb_buf_str(&out), 0, NULL);
	ck_assert_ptr_nonnull(j);
	tb_buf_release(&out);
	return j;
}

static double num(json_t *b, const char *key)
{
	json_t *v = json_object_get(b, key);

	return v ? json_number_value(v) : NAN;
}

START_TEST(t_bodies)
{
	tb_models ms;
	char err[256];
	const tb_preset *p = preset_find("qwen3");
	tb_item items[2] = {{.id = "a", .prompt = "What is 2+2?", .expected = "4"},
			    {.id = "b", .prompt = "What is 3+3?", .expected = "6", .max_tokens = 1000}};
	tb_suite plain = {.name = "math", .items = items, .n_items = 2};
	tb_suite aime = {.name = "AIME-2024", .items = items, .n_items = 2};
	tb_model *m;
	json_t *b;

	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_null(preset_find("qwen2"));
	ck_assert_ptr_null(preset_find(NULL));
	ck_assert_int_eq(models_builtin(&ms, "http://127.0.0.1:9/v1/", err, sizeof(err)), TB_OK);
	m = (tb_model *)models_find(&ms, "qwen/qwen3-14b");
	ck_assert_ptr_nonnull(m);
	preset_apply_model(p, m);

	b = body(m, &plain, &items[0], TB_MODE_THINK);
	ck_assert(fabs(num(b, "temperature") - 0.6) < 1e-12);
	ck_assert(fabs(num(b, "top_p") - 0.95) < 1e-12);
	ck_assert(num(b, "top_k") == 20);
	ck_assert(isnan(num(b, "presence_penalty")));
	ck_assert(num(b, "max_tokens") == 32768);
	json_decref(b);
	b = body(m, &plain, &items[0], TB_MODE_NOTHINK);
	ck_assert(fabs(num(b, "temperature") - 0.7) < 1e-12);
	ck_assert(fabs(num(b, "top_p") - 0.8) < 1e-12);
	ck_assert(num(b, "top_k") == 20);
	ck_assert(fabs(num(b, "presence_penalty") - 1.5) < 1e-12);
	json_decref(b);

	/* AIME suites get the longer cap; an item's own cap stays */
	preset_apply_suite(p, &plain);
	ck_assert_int_eq(items[0].max_tokens, 0);
	ck_assert_int_eq(preset_is_aime(&aime), 1);
	preset_apply_suite(p, &aime);
	b = body(m, &aime, &items[0], TB_MODE_THINK);
	ck_assert(num(b, "max_tokens") == 38912);
	json_decref(b);
	ck_assert_int_eq(items[1].max_tokens, 1000);
	models_release(&ms);
}
END_TEST

START_TEST(t_run)
{
	char suite[600], out[600], log[600], run[700];
	char *argv[] = {"thinkbench", "run", "--suite", suite, "--out", out, "--run-id", "p", "--sim",
			"--preset", "qwen3", "--model", "qwen/qwen3-14b", "--mode", "think", "--limit", "2",
			"--sim-time-scale", "0", "--quiet", NULL};
	char *rep[] = {"thinkbench", "report", run, NULL};
	char *bad[] = {"thinkbench", "run", "--suite", suite, "--out", out, "--preset", "qwen9", NULL};
	FILE *f;

	snprintf(suite, sizeof(suite), "%s/aime.jsonl", tu_dir);
	snprintf(out, sizeof(out), "%s/results", tu_dir);
	snprintf(log, sizeof(log), "%s/run.log", tu_dir);
	snprintf(run, sizeof(run), "%s/p", out);
	f = fopen(suite, "wb");
	ck_assert_ptr_nonnull(f);
	fputs("{\"suite\": {\"name\": \"aime24\", \"grader\": {\"type\": \"numeric\"}}}\n"
	      "{\"id\": \"a1\", \"prompt\": \"What is 2 + 5?\", \"answer\": \"7\"}\n"
	      "{\"id\": \"a2\", \"prompt\": \"What is 3 + 5?\", \"answer\": \"8\"}\n",
	      f);
	fclose(f);
	ck_assert_int_eq(tu_run_tb(argv, log, NULL, 180), 0);
	/* 64 samples of each of the 2 items, the preset in the stored options */
	ck_assert_int_eq(tu_query_long(run, "SELECT count(*) FROM samples"), 128);
	ck_assert_int_eq(tu_query_long(run, "SELECT json_extract(options, '$.preset') = 'qwen3' FROM run"), 1);
	ck_assert_int_eq(tu_query_long(run, "SELECT json_extract(options, '$.samples') FROM run"), 64);
	snprintf(log, sizeof(log), "%s/report.log", tu_dir);
	ck_assert_int_eq(tu_run_tb(rep, log, NULL, 60), 0);
	ck_assert(tu_file_contains(log, "preset qwen3 (Qwen3 Technical Report"));
	/* an unknown preset: one line, exit 2, no run folder */
	snprintf(log, sizeof(log), "%s/bad.log", tu_dir);
	ck_assert_int_eq(tu_run_tb(bad, log, NULL, 60), 2);
	ck_assert(tu_file_contains(log, "option '--preset' expects one of qwen3, not 'qwen9'"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("preset");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, t_bodies);
	suite_add_tcase(s, tc);
	tc = tcase_create("run");
	tcase_add_checked_fixture(tc, tu_dir_setup, tu_dir_teardown);
	tcase_add_test(tc, t_run);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
