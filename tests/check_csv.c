/* The CSV writer's guard against spreadsheet formulas in model text, and
 * report --csv-raw, which turns it off. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csv.h"
#include "rc.h"
#include "store.h"
#include "testutil.h"

/* One record of fields written with fn, as text. */
static char *record(void (*fn)(csv_writer *, const char *), const char *const *fields, size_t n)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	csv_writer w;

	ck_assert_ptr_nonnull(f);
	csv_init(&w, f);
	for (size_t i = 0; i < n; i++)
		fn(&w, fields[i]);
	csv_end(&w);
	ck_assert_int_eq(csv_error(&w), TB_OK);
	fclose(f);
	return text;
}

static const char *const cells[] = {"=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "a=b", "",
				    "=a,b"};

START_TEST(formula_guard)
{
	char *t = record(csv_untrusted, cells, sizeof(cells) / sizeof(cells[0]));

	ck_assert_str_eq(t, "'=1+1,'+1,'-1,'@SUM(A1),'\tx,\"'\rx\",a=b,,\"'=a,b\"\r\n");
	free(t);
	/* text the harness wrote itself is never changed */
	t = record(csv_str, cells, 4);
	ck_assert_str_eq(t, "=1+1,+1,-1,@SUM(A1)\r\n");
	free(t);
	csv_set_raw(1);
	t = record(csv_untrusted, cells, 4);
	csv_set_raw(0);
	ck_assert_str_eq(t, "=1+1,+1,-1,@SUM(A1)\r\n");
	free(t);
}
END_TEST

/* samples.csv from a store whose model and endpoint texts are formulas. */
static char *report_csv(const char *extra)
{
	char path[1200], err[256], log[1200], csvp[1200];
	char *argv[] = {"thinkbench", "report", tu_dir, "--format", "csv", (char *)extra, NULL};
	tb_run_info ri = {0};
	tb_store *st;
	tb_sample s = {
		.suite = "s", .item_id = "i", .model = "m/x", .mode = "nothink", .outcome = TB_OUT_CORRECT,
		.extracted = "=HYPERLINK(\"http://127.0.0.1/\")", .expected = "-4", .grade_reason = "",
		.grader = "regex", .lang_check = -1, .split_method = "none", .reasoning = "",
		.answer = "=1", .prompt_tokens = 1, .completion_tokens = 1, .reasoning_tokens = -1,
		.cached_tokens = -1, .cost_usd = 0.001, .ttft_ms = 1, .ttfa_ms = 1, .total_ms = 1,
		.finish_reason = "+stop", .native_finish_reason = "", .http_status = 200, .attempts = 1,
		.error = "-2+3", .lang = "en", .provider = "@SUM(A1)", .generation_id = "\tg",
		.finished_at = 1e9,
	};

	snprintf(path, sizeof(path), "%s/store.sqlite", tu_dir);
	snprintf(ri.run_id, sizeof(ri.run_id), "r1");
	snprintf(ri.status, sizeof(ri.status), "done");
	if (access(path, F_OK) != 0) {
		ck_assert_msg(store_create(path, &ri, &st, err, sizeof(err)) == TB_OK, "%s", err);
		ck_assert_msg(store_put_sample(st, &s, err, sizeof(err)) == TB_OK, "%s", err);
		store_close(st);
	}
	snprintf(log, sizeof(log), "%s/report.log", tu_dir);
	ck_assert_int_eq(tu_run_tb(argv, log, NULL, 60), 0);
	snprintf(csvp, sizeof(csvp), "%s/samples.csv", tu_dir);
	return tu_read_file(csvp, NULL);
}

START_TEST(samples_csv)
{
	char *t = report_csv(NULL);

	ck_assert_ptr_nonnull(t);
	ck_assert_msg(strstr(t, ",\"'=HYPERLINK(\"\"http://127.0.0.1/\"\")\",") != NULL, "%s", t);
	ck_assert_msg(strstr(t, ",'+stop,") && strstr(t, ",'-2+3,") && strstr(t, ",'@SUM(A1),'\tg,"),
		      "%s", t);
	/* the suite's own reference is no model text */
	ck_assert_msg(strstr(t, ",-4,") != NULL, "%s", t);
	free(t);
	t = report_csv("--csv-raw");
	ck_assert_msg(strstr(t, ",\"=HYPERLINK(") && strstr(t, ",+stop,") && strstr(t, ",@SUM(A1),\tg,"),
		      "%s", t);
	free(t);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("csv");
	TCase *tc = tcase_create("csv");

	tcase_add_checked_fixture(tc, tu_dir_setup, tu_dir_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, formula_guard);
	tcase_add_test(tc, samples_csv);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
