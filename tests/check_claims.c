/* Model card claims against a stored (simulated) run whose samples are made
 * to hold one claim, contradict one, straddle one and lack one; the verdict
 * rule at its edges; the cards' JSON; a bad claims file refused. */
#include <check.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "claims.h"
#include "rc.h"
#include "testutil.h"

START_TEST(t_judge)
{
	ck_assert_int_eq(claim_judge(0.31, 0.49, 0.3, 0.5), CLAIM_HOLDS);
	ck_assert_int_eq(claim_judge(0.3, 0.5, 0.3, 0.5), CLAIM_HOLDS);
	ck_assert_int_eq(claim_judge(0.51, 0.7, 0.3, 0.5), CLAIM_CONTRADICTED);
	ck_assert_int_eq(claim_judge(0.1, 0.29, 0.3, 0.5), CLAIM_CONTRADICTED);
	ck_assert_int_eq(claim_judge(0.2, 0.4, 0.3, 0.5), CLAIM_INCONCLUSIVE);
	ck_assert_int_eq(claim_judge(0.2, 0.7, 0.3, 0.5), CLAIM_INCONCLUSIVE);
	ck_assert_int_eq(claim_judge(0.06, 0.2, 0.05, NAN), CLAIM_HOLDS);
	ck_assert_int_eq(claim_judge(NAN, NAN, 0.3, 0.5), CLAIM_NOT_MEASURED);
	ck_assert_str_eq(claim_verdict_name(CLAIM_INCONCLUSIVE), "inconclusive");
}
END_TEST

static void put(tb_store *st, const char *model, const char *mode, const char *lang, int i, double total_ms,
		tb_outcome o)
{
	char id[32], err[256];
	tb_sample s = {.suite = "mgsm", .item_id = id, .model = model, .mode = mode, .sample = 0,
		       .outcome = o, .lang = lang, .reasoning = "", .answer = "7", .finish_reason = "stop",
		       .prompt_tokens = -1, .completion_tokens = -1, .reasoning_tokens = -1,
		       .cached_tokens = -1, .ttft_ms = NAN, .ttfa_ms = NAN, .total_ms = total_ms,
		       .cost_usd = NAN};

	snprintf(id, sizeof(id), "%s-%d", lang, i);
	ck_assert_msg(store_put_sample(st, &s, err, sizeof(err)) == TB_OK, "%s", err);
}

static const char claims_json[] =
	"{\"claims\": ["
	"{\"id\": \"overhead\", \"card\": \"M\", \"model\": \"m\", \"text\": \"thinking adds 30-50%\","
	" \"quantity\": \"latency_overhead\", \"range\": [0.3, 0.5], \"capability\": \"reasoning\"},"
	"{\"id\": \"ratio\", \"card\": \"M\", \"model\": \"m\", \"text\": \"2-3x\", \"quantity\": \"latency_ratio\","
	" \"baseline_model\": \"b\", \"range\": [2, 3]},"
	"{\"id\": \"langs\", \"card\": \"M\", \"model\": \"m\", \"text\": \"sw is worse\","
	" \"quantity\": \"accuracy_gap\", \"high_langs\": [\"en\"], \"low_langs\": [\"sw\"], \"range\": [0.05, null]},"
	"{\"id\": \"absent\", \"card\": \"Q\", \"model\": \"q\", \"text\": \"5-15 s\", \"quantity\": \"total_seconds\","
	" \"range\": [5, 15]}],"
	" \"capabilities\": [{\"card\": \"M\", \"model\": \"m\", \"name\": \"multilingual\", \"suites\": [\"mgsm\"]}]}";

START_TEST(t_run_claims)
{
	char path[4096], cpath[4096], jpath[4096], err[512], *table;
	tb_run_info ri = {0};
	tb_store *st = NULL;
	tb_claims *c = NULL;
	json_t *j, *cap;
	FILE *f;
	size_t len;

	snprintf(path, sizeof(path), "%s/store.sqlite", tu_dir);
	snprintf(ri.run_id, sizeof(ri.run_id), "sim-claims");
	snprintf(ri.version, sizeof(ri.version), "0");
	snprintf(ri.started, sizeof(ri.started), "2026-12-05T11:00:00Z");
	snprintf(ri.status, sizeof(ri.status), "done");
	ri.simulated = 1;
	ck_assert_msg(store_create(path, &ri, &st, err, sizeof(err)) == TB_OK, "%s", err);
	/* think 1.38-1.42 s against nothink 0.99-1.01 s: 40% overhead (holds);
	 * the baseline b at 0.1 s: a ratio of 14 (contradicts 2-3x);
	 * en 30/40 against sw 9/20 right: a gap of 0.3 whose interval (about
	 * +-0.26) straddles >= 0.05 */
	for (int i = 0; i < 20; i++) {
		put(st, "m", "think", "en", i, 1400 + (i % 5 - 2) * 10, i < 10 ? TB_OUT_CORRECT : TB_OUT_INCORRECT);
		put(st, "m", "nothink", "en", i, 1000 + (i % 3 - 1) * 10, TB_OUT_CORRECT);
		put(st, "m", "nothink", "sw", i, 1000, i < 9 ? TB_OUT_CORRECT : TB_OUT_INCORRECT);
		put(st, "b", "nothink", "en", i, 100, TB_OUT_CORRECT);
	}
	snprintf(cpath, sizeof(cpath), "%s/claims.json", tu_dir);
	tu_write_file(cpath, claims_json);
	ck_assert_msg(claims_load(cpath, &c, err, sizeof(err)) == TB_OK, "%s", err);
	ck_assert_msg(claims_measure(c, st, err, sizeof(err)) == TB_OK, "%s", err);
	snprintf(jpath, sizeof(jpath), "%s/table.txt", tu_dir);
	f = fopen(jpath, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(claims_print(c, &ri, f), TB_OK);
	fclose(f);
	table = tu_read_file(jpath, &len);
	ck_assert_ptr_nonnull(table);
	ck_assert_msg(strstr(table, "verdicts are about the simulator"), "%s", table);
	ck_assert_msg(strstr(table, "overhead                       latency_overhead   0.3 to 0.5   0.4 [0.39"), "%s", table);
	ck_assert_msg(strstr(table, "20/40     holds"), "%s", table);
	ck_assert_msg(strstr(table, "ratio                          latency_ratio      2 to 3       14 ["), "%s", table);
	ck_assert_msg(strstr(table, "20/20     contradicted"), "%s", table);
	ck_assert_msg(strstr(table, "langs                          accuracy_gap       >= 0.05      0.3 ["), "%s", table);
	ck_assert_msg(strstr(table, "inconclusive"), "%s", table);
	ck_assert_msg(strstr(table, "absent                         total_seconds      5 to 15      -                            -         not measured"), "%s", table);
	free(table);

	snprintf(jpath, sizeof(jpath), "%s/cards.json", tu_dir);
	ck_assert_int_eq(claims_write_cards(c, &ri, jpath, err, sizeof(err)), TB_OK);
	j = json_load_file(jpath, 0, NULL);
	ck_assert_ptr_nonnull(j);
	cap = json_array_get(json_object_get(json_array_get(json_object_get(j, "cards"), 0), "capabilities"), 0);
	/* m on mgsm: 10 + 20 + 9 right of 60 */
	ck_assert(fabs(json_real_value(json_object_get(cap, "success_rate")) - 39.0 / 60.0) < 1e-9);
	ck_assert_int_eq(json_integer_value(json_object_get(cap, "matches")), 39);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(cap, "observed_outcomes"), "graded")), 60);
	ck_assert(json_is_true(json_object_get(j, "simulated")));
	json_decref(j);
	claims_free(c);
	store_close(st);
}
END_TEST

START_TEST(t_bad_files)
{
	char path[4096], err[512];
	tb_claims *c = (tb_claims *)1;
	static const struct {
		const char *text, *want;
	} cases[] = {
		{"[]", "expected an object with claims"},
		{"{\"claims\": [{\"id\": \"x\", \"card\": \"C\", \"model\": \"m\", \"text\": \"t\", \"quantity\": \"speed\","
		 " \"range\": [1, 2]}]}", "claim 'x': quantity: expected"},
		{"{\"claims\": [{\"id\": \"x\", \"card\": \"C\", \"model\": \"m\", \"text\": \"t\","
		 " \"quantity\": \"total_seconds\", \"range\": [3, 2]}]}", "claim 'x': range: expected"},
		{"{\"claims\": [{\"id\": \"x\", \"card\": \"C\", \"model\": \"m\", \"text\": \"t\","
		 " \"quantity\": \"latency_ratio\", \"range\": [2, 3]}]}", "claim 'x': baseline_model"},
		{"{\"claims\": [{\"id\": 5}]}", "claims[0]: id, card, model and text"},
		{"{\"claims\": [", "invalid JSON"},
	};

	snprintf(path, sizeof(path), "%s/bad.json", tu_dir);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		tu_write_file(path, cases[i].text);
		ck_assert_int_eq(claims_load(path, &c, err, sizeof(err)), TB_ERR);
		ck_assert_ptr_null(c);
		ck_assert_msg(strstr(err, cases[i].want), "case %zu: %s", i, err);
	}
}
END_TEST

/* The shipped file loads. */
START_TEST(t_shipped)
{
	char err[512];
	tb_claims *c = NULL;

	ck_assert_msg(claims_load(TB_SOURCE_DIR "/share/claims/qwen-cards.json", &c, err, sizeof(err)) == TB_OK, "%s",
		      err);
	claims_free(c);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("claims");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, tu_dir_setup, tu_dir_teardown);
	tcase_add_test(tc, t_judge);
	tcase_add_test(tc, t_run_claims);
	tcase_add_test(tc, t_bad_files);
	tcase_add_test(tc, t_shipped);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
