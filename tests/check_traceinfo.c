/* Per-sample thinking metrics on hand-made traces: where the reference is
 * first stated (found by the numeric grader itself), switch phrases, loops,
 * caps, token sources and health flags. */
#include <check.h>
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "grader.h"
#include "grading.h"
#include "rc.h"
#include "report_reasoning.h"
#include "testutil.h"
#include "traceinfo.h"
#include "tracestore.h"

typedef struct judge_ctx {
	gr_grader *g;
	const char *expected;
	int asked;
} judge_ctx;

static int judge(void *ud, const char *step, size_t len)
{
	judge_ctx *j = ud;
	char *text = strndup(step, len);
	gr_input in = {.answer = text, .expected = j->expected, .lang = "en", .item_id = "t"};
	gr_result res;
	int ok;

	ck_assert_ptr_nonnull(text);
	j->asked++;
	ck_assert_int_eq(gr_grade(j->g, &in, &res), TB_OK);
	ok = res.verdict == GR_CORRECT;
	free(text);
	return ok;
}

static void judge_init(judge_ctx *j, const char *expected)
{
	json_t *spec = json_pack("{s:s}", "type", "numeric");
	char err[256];

	memset(j, 0, sizeof(*j));
	ck_assert_int_eq(gr_compile(spec, &j->g, err, sizeof(err)), TB_OK);
	json_decref(spec);
	j->expected = expected;
}

static tb_sample base(const char *reasoning, const char *answer)
{
	tb_sample s = {.suite = "math", .item_id = "t", .model = "m", .mode = "think", .lang = "en",
		       .outcome = TB_OUT_CORRECT, .reasoning = reasoning, .answer = answer,
		       .finish_reason = "stop", .prompt_tokens = -1, .completion_tokens = -1,
		       .reasoning_tokens = -1, .cached_tokens = -1, .ttft_ms = NAN, .ttfa_ms = NAN,
		       .total_ms = NAN};
	return s;
}

/* Three steps of 100 ASCII bytes (25 estimated tokens each); the answer 26
 * is concluded at the end of the second: T-hat 50 of T 75. */
static const char *three_steps(void)
{
	static char buf[301];

	memset(buf, 'x', 300);
	buf[300] = 0;
	memcpy(buf + 85, " 14 * 12 = 168\n", 15);
	memcpy(buf + 180, " so 168 - 142 = 26.\n", 20);
	memcpy(buf + 200, "Wait, let me check: 97 + 45 = 142. ", 35);
	return buf;
}

START_TEST(t_first_correct_position)
{
	judge_ctx j;
	tb_trace_metrics m;
	const char *r = three_steps();
	tb_sample s = base(r, "The answer is \\boxed{26}.");

	ck_assert_int_eq(strlen(r), 300);
	judge_init(&j, "26");
	traceinfo_compute(&s, judge, &j, &m);
	ck_assert_int_eq(m.reasoning_source, TB_TOK_ESTIMATE);
	ck_assert_int_eq(m.reasoning_tokens, 75);
	ck_assert_int_eq(m.first_correct_tokens, 50);
	ck_assert_int_eq(m.after_correct_tokens, 25);
	ck_assert(fabs(m.first_correct_frac - 2.0 / 3.0) < 1e-9);
	ck_assert_int_eq(m.found_then_lost, 0);
	/* "= 168" (line one) was asked and refused; the line "= 142." never is */
	ck_assert_int_eq(j.asked, 2);
	ck_assert_int_eq(m.switches, 1);

	/* The server counted 300 reasoning tokens: T-hat is the text's share. */
	s.reasoning_tokens = 300;
	s.completion_tokens = 310;
	traceinfo_compute(&s, judge, &j, &m);
	ck_assert_int_eq(m.reasoning_source, TB_TOK_USAGE);
	ck_assert_int_eq(m.answer_source, TB_TOK_USAGE);
	ck_assert_int_eq(m.answer_tokens, 10);
	ck_assert_int_eq(m.first_correct_tokens, 200);
	ck_assert_int_eq(m.reasoning_disagrees, 1); /* 300 against 75 from the text */
	s.reasoning_tokens = 100;
	traceinfo_compute(&s, judge, &j, &m);
	ck_assert_int_eq(m.reasoning_disagrees, 0);

	/* A wrong final answer after the reference was reached: found, then lost. */
	s.outcome = TB_OUT_INCORRECT;
	traceinfo_compute(&s, judge, &j, &m);
	ck_assert_int_eq(m.found_then_lost, 1);

	/* Never stated: 25 is not 26, and a bare 26 in prose is no conclusion. */
	judge_ctx k;

	judge_init(&k, "25");
	s = base("We have 26 apples and 3 pears.\nSo 3 + 4 = 7.", "\\boxed{7}");
	traceinfo_compute(&s, judge, &k, &m);
	ck_assert_int_eq(m.first_correct_tokens, -1);
	ck_assert_int_eq(m.after_correct_tokens, -1);
	ck_assert(isnan(m.first_correct_frac));
	ck_assert_int_eq(k.asked, 1);
	/* No judge (an ungraded item): never, and nothing lost. */
	s.outcome = TB_OUT_INCORRECT;
	traceinfo_compute(&s, NULL, NULL, &m);
	ck_assert_int_eq(m.first_correct_tokens, -1);
	ck_assert_int_eq(m.found_then_lost, 0);
	gr_free(j.g);
	gr_free(k.g);
}
END_TEST

START_TEST(t_switch_phrases)
{
	/* word-bounded: "awaited" and "Waiting" are no "wait" */
	ck_assert_int_eq(traceinfo_count_switches("Wait. Hmm, wait... Alternatively, awaited. Waiting", 50,
						  "en"), 4);
	const char *es = "Espera, alternativamente... wait";

	ck_assert_int_eq(traceinfo_count_switches(es, strlen(es), "es-419"), 3);
	ck_assert_int_eq(traceinfo_count_switches(es, strlen(es), "en"), 1);
	const char *zh = "所以是5。等等，不对，应该是6。";

	ck_assert_int_eq(traceinfo_count_switches(zh, strlen(zh), "zh"), 2);
	/* a phrase's matches do not overlap: 等等 twice in 等等等等, not three times */
	ck_assert_int_eq(traceinfo_count_switches("等等等等", strlen("等等等等"), "zh"), 2);
	const char *ru = "Подожди, проверю. подождите"; /* the second is another word */

	ck_assert_int_eq(traceinfo_count_switches(ru, strlen(ru), "ru"), 1);
	const char *sw = "Subiri, ngoja kidogo";

	ck_assert_int_eq(traceinfo_count_switches(sw, strlen(sw), "sw"), 2);
	ck_assert_int_eq(traceinfo_count_switches(NULL, 0, "en"), 0);
}
END_TEST

START_TEST(t_loop)
{
	char *text = malloc(200000);
	const char *period = "Let me recompute the sum of the first terms once more to be sure of it. ";
	size_t n = 0, k = strlen(period);

	ck_assert_ptr_nonnull(text);
	/* ten repeats of a 72-byte sentence: a loop; nine: not yet */
	for (int i = 0; i < 9; i++, n += k)
		memcpy(text + n, period, k);
	ck_assert_int_eq(traceinfo_has_loop(text, n), 0);
	memcpy(text + n, period, k);
	n += k;
	ck_assert_int_eq(traceinfo_has_loop(text, n), 1);
	/* varied text of the same length is no loop */
	uint32_t x = 12345;

	for (size_t i = 0; i < 150000; i++) {
		x = x * 1103515245u + 12345u;
		text[i] = (char)('a' + (x >> 16) % 26);
	}
	ck_assert_int_eq(traceinfo_has_loop(text, 150000), 0);
	/* a loop that ends a long trace is found in its tail */
	for (int i = 0; i < 12; i++)
		memcpy(text + 150000 + (size_t)i * k, period, k);
	ck_assert_int_eq(traceinfo_has_loop(text, 150000 + 12 * k), 1);
	free(text);
}
END_TEST

START_TEST(t_health_flags)
{
	tb_trace_metrics m;
	tb_sample s = base("Let me think about 2 + 2 for a while", "");

	/* cut by max_tokens inside the thinking */
	s.finish_reason = "length";
	s.outcome = TB_OUT_TRUNCATED;
	traceinfo_compute(&s, NULL, NULL, &m);
	ck_assert_int_eq(m.capped, TB_CAP_THINKING);
	ck_assert_int_eq(m.reasoning_only, 1);
	ck_assert_int_eq(m.answer_in_reasoning, 0);
	ck_assert_str_eq(traceinfo_capped_name(m.capped), "thinking");
	/* cut inside the answer */
	s.answer = "The sum is";
	traceinfo_compute(&s, NULL, NULL, &m);
	ck_assert_int_eq(m.capped, TB_CAP_ANSWER);
	ck_assert_int_eq(m.reasoning_only, 0);
	/* the answer landed in the reasoning */
	s = base("2 + 2 = 4, so the answer is \\boxed{4}.", " \n");
	traceinfo_compute(&s, NULL, NULL, &m);
	ck_assert_int_eq(m.answer_in_reasoning, 1);
	ck_assert_int_eq(m.reasoning_only, 1);
	ck_assert_int_eq(m.capped, TB_CAP_NONE);
	/* budgets: 1050 of 1000 is kept, 1051 is not; only think mode */
	s.budget = 1000;
	s.reasoning_tokens = 1050;
	traceinfo_compute(&s, NULL, NULL, &m);
	ck_assert_int_eq(m.budget_exceeded, 0);
	s.reasoning_tokens = 1051;
	traceinfo_compute(&s, NULL, NULL, &m);
	ck_assert_int_eq(m.budget_exceeded, 1);
	s.mode = "nothink";
	s.mode_leak = 1;
	traceinfo_compute(&s, NULL, NULL, &m);
	ck_assert_int_eq(m.budget_exceeded, 0);
	ck_assert_int_eq(m.mode_disobeyed, 1);
}
END_TEST

START_TEST(t_tokens_and_timings)
{
	tb_trace_metrics m;
	tb_sample s = base("", "Paris");

	/* estimate: ASCII / 4, CJK 1 each, other non-ASCII 1 per 2 */
	ck_assert_int_eq(traceinfo_estimate_tokens("abcdefgh", 8), 2);
	ck_assert_int_eq(traceinfo_estimate_tokens("答案是", strlen("答案是")), 3);
	ck_assert_int_eq(traceinfo_estimate_tokens("Ответ", strlen("Ответ")), 3);
	ck_assert_int_eq(traceinfo_estimate_tokens("", 0), 0);
	/* no usage and no reasoning */
	traceinfo_compute(&s, NULL, NULL, &m);
	ck_assert_int_eq(m.reasoning_source, TB_TOK_NONE);
	ck_assert_int_eq(m.answer_source, TB_TOK_ESTIMATE);
	ck_assert_int_eq(m.answer_tokens, 2);
	ck_assert(isnan(m.reasoning_ms));
	/* completion tokens with no reasoning are the answer's */
	s.completion_tokens = 7;
	s.ttft_ms = 100;
	s.ttfa_ms = 100;
	s.total_ms = 800;
	traceinfo_compute(&s, NULL, NULL, &m);
	ck_assert_int_eq(m.answer_source, TB_TOK_USAGE);
	ck_assert_int_eq(m.answer_tokens, 7);
	ck_assert(fabs(m.answer_tps - 10.0) < 1e-9);
	/* reasoning phase: TTFA - TTFT, tokens per second over it */
	s = base("some thought", "4");
	s.reasoning_tokens = 500;
	s.completion_tokens = 510;
	s.ttft_ms = 200;
	s.ttfa_ms = 5200;
	s.total_ms = 5700;
	traceinfo_compute(&s, NULL, NULL, &m);
	ck_assert(fabs(m.reasoning_ms - 5000) < 1e-9);
	ck_assert(fabs(m.reasoning_tps - 100) < 1e-9);
	ck_assert(fabs(m.answer_tps - 20) < 1e-9);
	ck_assert_str_eq(traceinfo_source_name(m.reasoning_source), "usage");
}
END_TEST

/* The pass after grading: the catalog's grader places the answer, the
 * store keeps every metric, an unmeasured sample reads back as not found,
 * and the pass over the unmeasured ones takes only those. */
START_TEST(t_stored)
{
	char path[4096], err[512];
	tb_run_info ri = {0};
	tb_store *st = NULL;
	grading_catalog *cat = grading_catalog_new();
	json_t *spec = json_pack("{s:s}", "type", "numeric");
	tb_sample s = base(three_steps(), "\\boxed{25}");
	tb_sample other = base("", "x");
	tb_trace_metrics m;
	long measured = -1;
	int found = -1;

	snprintf(path, sizeof(path), "%s/store.sqlite", tu_dir);
	snprintf(ri.run_id, sizeof(ri.run_id), "r");
	snprintf(ri.version, sizeof(ri.version), "0");
	snprintf(ri.started, sizeof(ri.started), "2026-12-05T11:00:00Z");
	snprintf(ri.status, sizeof(ri.status), "running");
	ck_assert_msg(store_create(path, &ri, &st, err, sizeof(err)) == TB_OK, "%s", err);
	ck_assert_ptr_nonnull(cat);
	ck_assert_int_eq(grading_catalog_add(cat, "math", "t", "26", "en", spec, err, sizeof(err)), TB_OK);
	grading_catalog_seal(cat);
	s.outcome = TB_OUT_INCORRECT;
	s.reasoning_tokens = 150;
	s.completion_tokens = 160;
	s.finish_reason = "length";
	ck_assert_msg(store_put_sample(st, &s, err, sizeof(err)) == TB_OK, "%s", err);
	ck_assert_int_eq(tracestore_update(st, cat, TRACESTORE_ALL, &measured, err, sizeof(err)), TB_OK);
	ck_assert_int_eq(measured, 1);
	ck_assert_int_eq(store_get_metrics(st, &s, &m, &found, err, sizeof(err)), TB_OK);
	ck_assert_int_eq(found, 1);
	ck_assert_int_eq(m.reasoning_tokens, 150);
	ck_assert_int_eq(m.reasoning_source, TB_TOK_USAGE);
	ck_assert_int_eq(m.answer_tokens, 10);
	ck_assert_int_eq(m.first_correct_tokens, 100);
	ck_assert_int_eq(m.after_correct_tokens, 50);
	ck_assert(fabs(m.first_correct_frac - 2.0 / 3.0) < 1e-9);
	ck_assert_int_eq(m.found_then_lost, 1);
	ck_assert_int_eq(m.switches, 1);
	ck_assert_int_eq(m.capped, TB_CAP_ANSWER);
	ck_assert(isnan(m.reasoning_ms));
	other.item_id = "u";
	ck_assert_int_eq(store_get_metrics(st, &other, &m, &found, err, sizeof(err)), TB_OK);
	ck_assert_int_eq(found, 0);
	/* the pass at the end of a fresh run: only what was not measured */
	s.sample = 1;
	ck_assert_msg(store_put_sample(st, &s, err, sizeof(err)) == TB_OK, "%s", err);
	ck_assert_int_eq(tracestore_update(st, cat, TRACESTORE_UNMEASURED, &measured, err, sizeof(err)), TB_OK);
	ck_assert_int_eq(measured, 1);
	ck_assert_int_eq(store_get_metrics(st, &s, &m, &found, err, sizeof(err)), TB_OK);
	ck_assert_int_eq(found, 1);
	ck_assert_int_eq(tracestore_update(st, cat, TRACESTORE_UNMEASURED, &measured, err, sizeof(err)), TB_OK);
	ck_assert_int_eq(measured, 0);
	store_close(st);
	grading_catalog_free(cat);
	json_decref(spec);
}
END_TEST

START_TEST(t_slo_parse)
{
	tb_slo slo;
	char err[256];

	ck_assert_int_eq(slo_parse("ttfa=2s,total=30s", &slo, err, sizeof(err)), TB_OK);
	ck_assert(slo.ttfa_ms == 2000 && slo.total_ms == 30000);
	ck_assert_int_eq(slo_parse("total=1500ms", &slo, err, sizeof(err)), TB_OK);
	ck_assert(isnan(slo.ttfa_ms) && slo.total_ms == 1500);
	ck_assert_int_eq(slo_parse("ttfa=2", &slo, err, sizeof(err)), TB_ERR);
	ck_assert_ptr_nonnull(strstr(err, "'ttfa=2'"));
	ck_assert_int_eq(slo_parse("ttfa=1s,ttfa=2s", &slo, err, sizeof(err)), TB_ERR);
	ck_assert_int_eq(slo_parse("p99=1s", &slo, err, sizeof(err)), TB_ERR);
	ck_assert_int_eq(slo_parse("ttfa=-1s", &slo, err, sizeof(err)), TB_ERR);
	ck_assert_int_eq(slo_parse("", &slo, err, sizeof(err)), TB_ERR);
}
END_TEST

/* Per cell: accuracy with the capped share, T-hat / T, found then lost,
 * the budget kept and goodput, from four stored samples. */
START_TEST(t_cell_report)
{
	char path[4096], err[512];
	tb_run_info ri = {0};
	tb_store *st = NULL;
	grading_catalog *cat = grading_catalog_new();
	json_t *spec = json_pack("{s:s}", "type", "numeric");
	reasoning_report *rr = NULL;
	tb_slo slo = {.ttfa_ms = 2000, .total_ms = NAN};
	tb_sample s[4];
	char *csv;

	snprintf(path, sizeof(path), "%s/store.sqlite", tu_dir);
	snprintf(ri.run_id, sizeof(ri.run_id), "r");
	snprintf(ri.version, sizeof(ri.version), "0");
	snprintf(ri.started, sizeof(ri.started), "2026-12-05T11:00:00Z");
	snprintf(ri.status, sizeof(ri.status), "running");
	ck_assert_msg(store_create(path, &ri, &st, err, sizeof(err)) == TB_OK, "%s", err);
	ck_assert_int_eq(grading_catalog_add(cat, "math", "t", "26", "en", spec, err, sizeof(err)), TB_OK);
	grading_catalog_seal(cat);
	for (int i = 0; i < 4; i++) {
		s[i] = base(three_steps(), "\\boxed{26}");
		s[i].sample = i;
		s[i].budget = 100;
		s[i].ttft_ms = 100;
		s[i].ttfa_ms = 1000.0 * (i + 1); /* 1 and 2 s within the SLO, 3 and 4 s not */
		s[i].total_ms = 5000;
	}
	/* 0, 1: correct at 2/3; 2: correct, 150 reasoning tokens (budget
	 * 100 exceeded); 3: wrong after stating 26, capped in the answer */
	s[2].reasoning_tokens = 150;
	s[3].outcome = TB_OUT_INCORRECT;
	s[3].answer = "\\boxed{25";
	s[3].finish_reason = "length";
	for (int i = 0; i < 4; i++)
		ck_assert_msg(store_put_sample(st, &s[i], err, sizeof(err)) == TB_OK, "%s", err);
	ck_assert_int_eq(tracestore_update(st, cat, TRACESTORE_ALL, NULL, err, sizeof(err)), TB_OK);
	ck_assert_msg(reasoning_report_load(st, &slo, &rr, err, sizeof(err)) == TB_OK, "%s", err);
	ck_assert_int_eq(reasoning_report_measured(rr), 1);
	ck_assert_int_eq(reasoning_report_csv(rr, &ri, tu_dir, err, sizeof(err)), TB_OK);
	snprintf(path, sizeof(path), "%s/reasoning.csv", tu_dir);
	csv = tu_read_file(path, NULL);
	ck_assert_ptr_nonnull(csv);
	/* samples, measured, graded, accuracy, capped, capped in thinking,
	 * efficiency n/p25/p50/p75, after, lost, ronly, inr, loop, leak,
	 * disagree, switches, budgeted, kept, slo, goodput */
	ck_assert_msg(strstr(csv, "r,0,math,m,think,100,4,4,4,0.75,0.25,0,3,0.6667,0.6667,0.6667,33.33,1,0,0,0,0,0,1,"
				  "4,0.75,2000,,0.5\r\n"),
		      "%s", csv);
	ck_assert_ptr_nonnull(strstr(csv, "r,0,math,*,*,*,4,4,4,0.75,"));
	free(csv);
	reasoning_report_free(rr);
	store_close(st);
	grading_catalog_free(cat);
	json_decref(spec);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("traceinfo");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, t_first_correct_position);
	tcase_add_test(tc, t_switch_phrases);
	tcase_add_test(tc, t_loop);
	tcase_add_test(tc, t_health_flags);
	tcase_add_test(tc, t_tokens_and_timings);
	tcase_add_test(tc, t_slo_parse);
	suite_add_tcase(s, tc);
	tc = tcase_create("store");
	tcase_add_checked_fixture(tc, tu_dir_setup, tu_dir_teardown);
	tcase_add_test(tc, t_stored);
	tcase_add_test(tc, t_cell_report);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
