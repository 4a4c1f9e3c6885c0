/* The viewer's JSON API over loopback (view.h): the token on every request,
 * the paging bounds, filters bound rather than spliced into SQL, and hostile
 * store text arriving whole, as valid UTF-8, in a JSON body. The page in a
 * real browser: check_view_browser.c. */
#include <check.h>
#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "rc.h"
#include "store.h"
#include "testutil.h"
#include "view.h"

#define HOSTILE_ANSWER "<script>window.pwned=1</script><img src=x onerror=\"window.pwned=1\"> \\boxed{<b>42</b>}"
#define N_SAMPLES 120

static tb_view *view;
static char base[128], token[64];

static void put(tb_store *st, const char *item, int sample, tb_outcome o, const char *answer,
		const char *extracted)
{
	char err[256];
	tb_sample s = {
		.suite = "s", .item_id = item, .model = "m/x", .mode = "think", .sample = sample,
		.outcome = o, .extracted = extracted, .expected = "42", .grade_reason = "",
		.grader = "regex", .lang_check = -1, .split_method = "field", .reasoning = "r",
		.answer = answer, .prompt_tokens = 1, .completion_tokens = 1, .reasoning_tokens = -1,
		.cached_tokens = -1, .cost_usd = 0.001, .ttft_ms = 1, .ttfa_ms = 1, .total_ms = 1,
		.finish_reason = "stop", .native_finish_reason = "", .http_status = 200, .attempts = 1,
		.error = "", .lang = "en", .provider = "p", .generation_id = "g", .finished_at = 1e9,
	};

	ck_assert_msg(store_put_sample(st, &s, err, sizeof(err)) == TB_OK, "%s", err);
}

static void setup(void)
{
	char path[700], err[256], item[32];
	const char *runs[1] = {path};
	tb_run_info ri = {0};
	tb_store *st;
	const char *url;

	tu_dir_setup();
	snprintf(path, sizeof(path), "%s/store.sqlite", tu_dir);
	snprintf(ri.run_id, sizeof(ri.run_id), "view-test");
	snprintf(ri.status, sizeof(ri.status), "done");
	ck_assert_msg(store_create(path, &ri, &st, err, sizeof(err)) == TB_OK, "%s", err);
	for (int i = 0; i < N_SAMPLES; i++) {
		snprintf(item, sizeof(item), "i%03d", i);
		put(st, item, 0, i % 3 ? TB_OUT_CORRECT : TB_OUT_INCORRECT, "\\boxed{42}", "42");
	}
	/* bytes that are no UTF-8, and markup in every text a page shows */
	put(st, "zz-hostile", 0, TB_OUT_INCORRECT, HOSTILE_ANSWER "\xff\xfe", "<b>42</b>");
	store_close(st);
	ck_assert_msg(view_start(runs, 1, 0, &view, err, sizeof(err)) == TB_OK, "%s", err);
	url = view_url(view);
	ck_assert_int_eq(sscanf(url, "%127[^?]?token=%63s", base, token), 2);
	ck_assert_uint_eq(strlen(token), 32);
}

static void teardown(void)
{
	view_stop(view);
	view = NULL;
	tu_dir_teardown();
}

static size_t collect(char *p, size_t size, size_t n, void *ud)
{
	tb_buf_add(ud, p, size * n);
	return size * n;
}

/* GETs path (with query) from the viewer; returns the status, body in *body
 * (the caller frees), the Content-Security-Policy header in csp when given. */
static long get(const char *path, const char *method, char **body, char *ctype, size_t ctlen)
{
	char url[2048];
	tb_buf b;
	CURL *c = curl_easy_init();
	long status = 0;
	char *ct = NULL;

	tb_buf_init(&b, 64 << 20);
	tb_buf_adds(&b, "");
	snprintf(url, sizeof(url), "%s%s", base, path + 1);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 30L);
	if (method)
		curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	ck_assert_int_eq(curl_easy_perform(c), CURLE_OK);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(c, CURLINFO_CONTENT_TYPE, &ct);
	if (ctype)
		snprintf(ctype, ctlen, "%s", ct ? ct : "");
	curl_easy_cleanup(c);
	*body = tb_buf_detach(&b);
	return status;
}

/* GETs an API path with the token appended; the body parsed as JSON. */
static json_t *api(const char *path, long want_status)
{
	char full[2048], *body, ctype[128];
	json_error_t je;
	json_t *j;
	long status;

	snprintf(full, sizeof(full), "%s%stoken=%s", path, strchr(path, '?') ? "&" : "?", token);
	status = get(full, NULL, &body, ctype, sizeof(ctype));
	ck_assert_msg(status == want_status, "%s: HTTP %ld, wanted %ld: %s", path, status, want_status, body);
	ck_assert_str_eq(ctype, "application/json");
	j = json_loads(body, 0, &je);
	ck_assert_msg(j != NULL, "%s: not JSON: %s", path, je.text);
	free(body);
	return j;
}

START_TEST(every_request_needs_the_token)
{
	const char *paths[] = {"/", "/app.js", "/api/runs", "/api/samples?run=0", "/nothing",
			       "/api/runs?token=", "/api/runs?token=0123456789abcdef0123456789abcdef",
			       "/api/runs?token=x"};
	char full[256], *body;

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		ck_assert_int_eq(get(paths[i], NULL, &body, NULL, 0), 403);
		ck_assert_ptr_null(strstr(body, token));
		free(body);
	}
	/* a token one character short of the real one */
	snprintf(full, sizeof(full), "/api/runs?token=%.31s", token);
	ck_assert_int_eq(get(full, NULL, &body, NULL, 0), 403);
	free(body);
	snprintf(full, sizeof(full), "/?token=%s", token);
	ck_assert_int_eq(get(full, NULL, &body, NULL, 0), 200);
	ck_assert_ptr_nonnull(strstr(body, "app.js?token="));
	free(body);
	ck_assert_int_eq(get(full, "POST", &body, NULL, 0), 405);
	free(body);
	snprintf(full, sizeof(full), "/nothing?token=%s", token);
	ck_assert_int_eq(get(full, NULL, &body, NULL, 0), 404);
	free(body);
}
END_TEST

START_TEST(paging_is_bounded)
{
	json_t *j;

	j = api("/api/samples?run=0&limit=50&offset=100", 200);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "total")), N_SAMPLES + 1);
	ck_assert_uint_eq(json_array_size(json_object_get(j, "rows")), N_SAMPLES + 1 - 100);
	json_decref(j);
	j = api("/api/samples?run=0", 200);
	ck_assert_uint_eq(json_array_size(json_object_get(j, "rows")), 50);
	json_decref(j);
	j = api("/api/samples?run=0&offset=100000", 200);
	ck_assert_uint_eq(json_array_size(json_object_get(j, "rows")), 0);
	json_decref(j);
	const char *bad[] = {"limit=0", "limit=501", "limit=-1", "offset=-1", "offset=1x",
			     "offset=99999999999999999999999", "budget=abc", "leak=2", "run=1",
			     "run=-1", "run="};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char path[128];

		snprintf(path, sizeof(path), "/api/samples?run=0&%s", bad[i]);
		if (strncmp(bad[i], "run", 3) == 0)
			snprintf(path, sizeof(path), "/api/samples?%s", bad[i]);
		j = api(path, 400);
		ck_assert_ptr_nonnull(json_string_value(json_object_get(j, "error")));
		json_decref(j);
	}
}
END_TEST

START_TEST(filters_select_in_sql)
{
	json_t *j, *row;
	size_t i;

	j = api("/api/samples?run=0&outcome=incorrect&limit=500", 200);
	/* every third of N_SAMPLES, and the hostile one */
	ck_assert_int_eq(json_integer_value(json_object_get(j, "total")), N_SAMPLES / 3 + 1);
	json_array_foreach(json_object_get(j, "rows"), i, row)
		ck_assert_str_eq(json_string_value(json_object_get(row, "outcome")), "incorrect");
	json_decref(j);
	/* a value that would change the query if it were spliced into it */
	j = api("/api/samples?run=0&model=x%27%20OR%201%3D1%20--", 200);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "total")), 0);
	json_decref(j);
	j = api("/api/samples?run=0&model=m%2Fx&mode=think&budget=0&lang=en&leak=0&wronglang=0", 200);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "total")), N_SAMPLES + 1);
	json_decref(j);
	j = api("/api/run?run=0", 200);
	row = json_array_get(json_object_get(j, "cells"), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(row, "n")), N_SAMPLES + 1);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(row, "counts"), "incorrect")),
			 N_SAMPLES / 3 + 1);
	json_decref(j);
}
END_TEST

START_TEST(hostile_text_arrives_as_text)
{
	json_t *j, *s;
	const char *answer;

	j = api("/api/sample?run=0&suite=s&item=zz-hostile&model=m%2Fx&mode=think&budget=0&sample=0", 200);
	s = json_object_get(j, "sample");
	answer = json_string_value(json_object_get(s, "answer"));
	ck_assert_ptr_nonnull(answer);
	/* the markup whole, the bad bytes each a U+FFFD */
	ck_assert_str_eq(answer, HOSTILE_ANSWER "\xef\xbf\xbd\xef\xbf\xbd");
	ck_assert_str_eq(json_string_value(json_object_get(s, "extracted")), "<b>42</b>");
	json_decref(j);
	j = api("/api/sample?run=0&suite=s&item=nothing&model=m%2Fx&mode=think&budget=0&sample=0", 400);
	json_decref(j);
}
END_TEST

START_TEST(flips_of_a_run_with_itself_are_none)
{
	json_t *j = api("/api/flips?a=0&b=0", 200);

	ck_assert_int_eq(json_integer_value(json_object_get(j, "items")), N_SAMPLES + 1);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "fixed")), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "broken")), 0);
	json_decref(j);
}
END_TEST

/* Two runs per item: i000 was incorrect and is correct (fixed), i001 the
 * other way (broken); the rest are as they were. */
START_TEST(flips_between_two_runs)
{
	char a[700], b[700], err[256], item[32];
	const char *runs[2] = {a, b};
	tb_run_info ri = {0};
	tb_store *st;
	json_t *j, *rows;

	snprintf(a, sizeof(a), "%s/store.sqlite", tu_dir);
	snprintf(b, sizeof(b), "%s/store-b.sqlite", tu_dir);
	snprintf(ri.run_id, sizeof(ri.run_id), "view-test-b");
	snprintf(ri.status, sizeof(ri.status), "done");
	ck_assert_msg(store_create(b, &ri, &st, err, sizeof(err)) == TB_OK, "%s", err);
	for (int i = 0; i < N_SAMPLES; i++) {
		tb_outcome o = i % 3 ? TB_OUT_CORRECT : TB_OUT_INCORRECT;

		if (i == 0)
			o = TB_OUT_CORRECT;
		if (i == 1)
			o = TB_OUT_INCORRECT;
		snprintf(item, sizeof(item), "i%03d", i);
		put(st, item, 0, o, "\\boxed{42}", "42");
	}
	store_close(st);
	view_stop(view);
	ck_assert_msg(view_start(runs, 2, 0, &view, err, sizeof(err)) == TB_OK, "%s", err);
	ck_assert_int_eq(sscanf(view_url(view), "%127[^?]?token=%63s", base, token), 2);
	j = api("/api/flips?a=0&b=1", 200);
	/* the hostile item is in run 0 only */
	ck_assert_int_eq(json_integer_value(json_object_get(j, "items")), N_SAMPLES);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "fixed")), 1);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "broken")), 1);
	rows = json_object_get(j, "rows");
	ck_assert_uint_eq(json_array_size(rows), 2);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(rows, 0), "item")), "i000");
	ck_assert(json_is_true(json_object_get(json_object_get(json_array_get(rows, 0), "b"), "pass")));
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(rows, 1), "item")), "i001");
	json_decref(j);
	j = api("/api/flips?a=0&b=2", 400);
	json_decref(j);
}
END_TEST

/* A run in progress: what its writer commits shows at the next request. */
START_TEST(new_samples_show_without_a_restart)
{
	char path[700], err[256];
	tb_store *st;
	json_t *j;

	snprintf(path, sizeof(path), "%s/store.sqlite", tu_dir);
	ck_assert_msg(store_open(path, 0, &st, err, sizeof(err)) == TB_OK, "%s", err);
	put(st, "zz-late", 0, TB_OUT_CORRECT, "\\boxed{42}", "42");
	store_close(st);
	j = api("/api/samples?run=0", 200);
	ck_assert_int_eq(json_integer_value(json_object_get(j, "total")), N_SAMPLES + 2);
	json_decref(j);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("view");
	TCase *tc = tcase_create("api");
	SRunner *sr;
	int failed;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, every_request_needs_the_token);
	tcase_add_test(tc, paging_is_bounded);
	tcase_add_test(tc, filters_select_in_sql);
	tcase_add_test(tc, hostile_text_arrives_as_text);
	tcase_add_test(tc, flips_of_a_run_with_itself_are_none);
	tcase_add_test(tc, new_samples_show_without_a_restart);
	tcase_add_test(tc, flips_between_two_runs);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	curl_global_cleanup();
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
