/* The viewer in headless Chromium, driven through chromedriver (WebDriver
 * over loopback) with real clicks: on a run of 10,000 samples the runs page
 * loads, a click opens the sample browser, the filters narrow it to the
 * incorrect samples of one model, and a click on a row opens a sample whose
 * hostile answer shows as text with the extracted answer marked. Prints the
 * time to first paint and to the first data on screen (never asserted:
 * HACKING.md, "Running one test"). Skips when chromium, chromedriver or the
 * sqlite3 tool is absent. */
#include <check.h>
#include <curl/curl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "rc.h"
#include "store.h"
#include "testutil.h"

#define HOSTILE_ANSWER "<img src=x onerror=\"window.pwned=1\"><script>window.pwned=1</script> so \\boxed{<b>7</b>}"
#define HOSTILE_EXTRACTED "<b>7</b>"
#define WAIT_S 60.0

static char wd_base[64], session[128];
/* the processes a test started, stopped by teardown when it fails midway */
static pid_t view_pid = -1, driver_pid = -1;

static void teardown(void)
{
	if (driver_pid > 0) {
		kill(driver_pid, SIGTERM);
		waitpid(driver_pid, NULL, 0);
	}
	if (view_pid > 0) {
		kill(view_pid, SIGTERM);
		waitpid(view_pid, NULL, 0);
	}
	driver_pid = view_pid = -1;
	tu_dir_teardown();
}

static size_t collect(char *p, size_t size, size_t n, void *ud)
{
	tb_buf_add(ud, p, size * n);
	return size * n;
}

/* One WebDriver command; returns its "value" (the caller decrefs), failing
 * the test on an error. */
static json_t *wd(const char *method, const char *path, json_t *body)
{
	char url[512], *data = body ? json_dumps(body, JSON_COMPACT) : NULL;
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
	CURL *c = curl_easy_init();
	json_t *j, *v;
	tb_buf b;
	long status = 0;

	tb_buf_init(&b, 16 << 20);
	snprintf(url, sizeof(url), "%s%s", wd_base, path);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	if (strcmp(method, "POST") == 0)
		curl_easy_setopt(c, CURLOPT_POSTFIELDS, data ? data : "{}");
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 120L);
	ck_assert_int_eq(curl_easy_perform(c), CURLE_OK);
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	j = json_loads(tb_buf_str(&b), 0, NULL);
	ck_assert_msg(j && status == 200, "webdriver %s %s: HTTP %ld: %.400s", method, path, status,
		      tb_buf_str(&b));
	v = json_incref(json_object_get(j, "value"));
	json_decref(j);
	json_decref(body);
	free(data);
	tb_buf_release(&b);
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	return v;
}

static json_t *js(const char *script)
{
	char path[256];

	snprintf(path, sizeof(path), "/session/%s/execute/sync", session);
	return wd("POST", path, json_pack("{s:s, s:[]}", "script", script, "args"));
}

/* Polls a script until it returns true; fails the test after WAIT_S. */
static void wait_for(const char *what, const char *script)
{
	double end = tu_now_s() + WAIT_S;

	/* bounded by WAIT_S */
	while (tu_now_s() < end) {
		json_t *v = js(script);
		int ok = json_is_true(v);

		json_decref(v);
		if (ok)
			return;
		usleep(100 * 1000);
	}
	ck_abort_msg("the page never showed %s", what);
}

static void click(const char *css)
{
	char path[512];
	json_t *e;
	const char *id;

	snprintf(path, sizeof(path), "/session/%s/element", session);
	e = wd("POST", path, json_pack("{s:s, s:s}", "using", "css selector", "value", css));
	id = json_string_value(json_object_get(e, "element-6066-11e4-a52e-4f735466cecf"));
	ck_assert_msg(id != NULL, "no element '%s'", css);
	snprintf(path, sizeof(path), "/session/%s/element/%s/click", session, id);
	json_decref(wd("POST", path, NULL));
	json_decref(e);
}

static double js_number(const char *script)
{
	json_t *v = js(script);
	double d = json_is_number(v) ? json_number_value(v) : -1;

	json_decref(v);
	return d;
}

static int have(const char *path)
{
	return access(path, X_OK) == 0;
}

/* A run of 10,000 samples (scripts/make-big-store.sh), and one more sample,
 * incorrect, of qwen/qwq-32b, whose key sorts first and whose texts are
 * markup. Returns the run folder (static). */
static const char *make_run(void)
{
	static char run[1024];
	char cmd[2048], path[1100], err[256];
	tb_store *st;
	FILE *p;
	tb_sample s = {
		.suite = "suite0", .item_id = "item-0000", .model = "qwen/qwq-32b", .mode = "think",
		.outcome = TB_OUT_INCORRECT, .extracted = HOSTILE_EXTRACTED, .expected = "42",
		.grade_reason = "<i>reason</i>", .grader = "numeric", .lang_check = -1,
		.split_method = "field", .reasoning = "<svg onload=\"window.pwned=1\">",
		.answer = HOSTILE_ANSWER, .prompt_tokens = 1, .completion_tokens = 1,
		.reasoning_tokens = -1, .cached_tokens = -1, .cost_usd = 0, .ttft_ms = 1, .ttfa_ms = 1,
		.total_ms = 1, .finish_reason = "stop", .native_finish_reason = "", .http_status = 200,
		.attempts = 1, .error = "", .lang = "en", .provider = "p", .generation_id = "g",
		.finished_at = 1e9,
	};

	snprintf(cmd, sizeof(cmd), "cd '%s' && sh scripts/make-big-store.sh '%s' '%s/big' 10000",
		 TB_SOURCE_DIR, TB_BINARY, tu_dir);
	p = popen(cmd, "r");
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_nonnull(fgets(run, sizeof(run), p));
	ck_assert_int_eq(pclose(p), 0);
	run[strcspn(run, "\n")] = '\0';
	snprintf(path, sizeof(path), "%s/store.sqlite", run);
	ck_assert_msg(store_open(path, 0, &st, err, sizeof(err)) == TB_OK, "%s", err);
	ck_assert_msg(store_put_sample(st, &s, err, sizeof(err)) == TB_OK, "%s", err);
	store_close(st);
	return run;
}

/* The URL `thinkbench view` printed in its log, waiting for it. */
static void read_url(const char *log, char *url, size_t len)
{
	double end = tu_now_s() + WAIT_S;

	/* bounded by WAIT_S */
	while (tu_now_s() < end) {
		char *text = tu_read_file(log, NULL), *at = text ? strstr(text, "http://127.0.0.1:") : NULL;

		if (at && strchr(at, '\n')) {
			snprintf(url, len, "%.*s", (int)strcspn(at, "\n"), at);
			free(text);
			return;
		}
		free(text);
		usleep(50 * 1000);
	}
	ck_abort_msg("thinkbench view printed no URL (see %s)", log);
}

static pid_t start_chromedriver(int port, const char *log)
{
	char arg[32];
	pid_t pid = fork();
	double end = tu_now_s() + WAIT_S;

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		tu_redirect(log);
		snprintf(arg, sizeof(arg), "--port=%d", port);
		execl("/usr/bin/chromedriver", "chromedriver", arg, (char *)NULL);
		_exit(127);
	}
	snprintf(wd_base, sizeof(wd_base), "http://127.0.0.1:%d", port);
	/* bounded by WAIT_S */
	while (tu_now_s() < end) {
		CURL *c = curl_easy_init();
		char url[128];
		long status = 0;
		tb_buf b;

		tb_buf_init(&b, 1 << 16);
		snprintf(url, sizeof(url), "%s/status", wd_base);
		curl_easy_setopt(c, CURLOPT_URL, url);
		curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
		curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
		curl_easy_setopt(c, CURLOPT_TIMEOUT, 5L);
		if (curl_easy_perform(c) == CURLE_OK)
			curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
		curl_easy_cleanup(c);
		tb_buf_release(&b);
		if (status == 200)
			return pid;
		usleep(100 * 1000);
	}
	kill(pid, SIGTERM);
	ck_abort_msg("chromedriver never answered (see %s)", log);
	return -1;
}

START_TEST(filter_and_open_a_sample_in_chromium)
{
	char url[256], log[700], dlog[700], profile[700], path[256];
	const char *run = make_run();
	int vport = tu_free_port(), dport = tu_free_port();
	char vport_s[16];
	char *argv[] = {"thinkbench", "view", (char *)run, "--port", vport_s, NULL};
	json_t *caps, *v;
	double fcp, ready;

	snprintf(vport_s, sizeof(vport_s), "%d", vport);
	snprintf(log, sizeof(log), "%s/view.log", tu_dir);
	snprintf(dlog, sizeof(dlog), "%s/chromedriver.log", tu_dir);
	snprintf(profile, sizeof(profile), "--user-data-dir=%s/chromium", tu_dir);
	view_pid = tu_spawn_tb(argv, log, NULL);
	read_url(log, url, sizeof(url));
	driver_pid = start_chromedriver(dport, dlog);

	caps = json_pack("{s:{s:{s:s, s:{s:s, s:[s, s, s, s, s]}}}}", "capabilities", "alwaysMatch",
			 "browserName", "chrome", "goog:chromeOptions", "binary", "/usr/bin/chromium",
			 "args", "--headless=new", "--no-sandbox", "--disable-gpu",
			 "--disable-dev-shm-usage", profile);
	v = wd("POST", "/session", caps);
	snprintf(session, sizeof(session), "%s", json_string_value(json_object_get(v, "sessionId")));
	json_decref(v);
	ck_assert(session[0]);

	/* the runs page, cold */
	snprintf(path, sizeof(path), "/session/%s/url", session);
	json_decref(wd("POST", path, json_pack("{s:s}", "url", url)));
	wait_for("the runs", "return document.body.dataset.ready === '1' && !!document.querySelector('#runs a');");
	fcp = js_number("const e = performance.getEntriesByName('first-contentful-paint')[0];"
			" return e ? e.startTime : -1;");
	ready = js_number("return Number(document.body.dataset.readyMs);");
	fprintf(stderr, "view of 10,001 samples, cold browser: first contentful paint %.0f ms, runs table on screen %.0f ms\n",
		fcp, ready);
	/* again, as a user who opens the URL in a browser already running */
	json_decref(wd("POST", path, json_pack("{s:s}", "url", url)));
	wait_for("the runs again", "return document.body.dataset.ready === '1' && !!document.querySelector('#runs a');");
	fcp = js_number("const e = performance.getEntriesByName('first-contentful-paint')[0];"
			" return e ? e.startTime : -1;");
	ready = js_number("return Number(document.body.dataset.readyMs);");
	fprintf(stderr, "view of 10,001 samples, warm browser: first contentful paint %.0f ms, runs table on screen %.0f ms\n",
		fcp, ready);

	click("#runs a[href='#/samples/0']");
	wait_for("the sample browser", "return document.body.dataset.ready === '1' && !!document.getElementById('f-model');");
	click("#f-model option[value='qwen/qwq-32b']");
	wait_for("the model filter", "return location.hash.includes('model=') && document.body.dataset.ready === '1'"
				     " && document.getElementById('f-model').value === 'qwen/qwq-32b';");
	click("#f-outcome option[value='incorrect']");
	wait_for("the outcome filter",
		 "return location.hash.includes('outcome=incorrect') && document.body.dataset.ready === '1'"
		 " && document.getElementById('f-outcome').value === 'incorrect';");
	/* every row shown is an incorrect sample of that model, a full page of them */
	v = js("const rows = [...document.querySelectorAll('tr.sample-row')];"
	       " return [rows.length, rows.every(r => r.querySelector('.c-model').textContent === 'qwen/qwq-32b'"
	       " && r.querySelector('.c-outcome').textContent === 'incorrect'),"
	       " document.getElementById('pager').textContent];");
	ck_assert_int_eq(json_integer_value(json_array_get(v, 0)), 50);
	ck_assert(json_is_true(json_array_get(v, 1)));
	ck_assert_msg(strstr(json_string_value(json_array_get(v, 2)), "samples;") != NULL, "%s",
		      json_string_value(json_array_get(v, 2)));
	json_decref(v);

	click("tr.sample-row[data-i='0']");
	wait_for("the sample", "return !!document.querySelector('#detail #answer');");
	v = js("const d = document.getElementById('detail');"
	       " return [document.getElementById('answer').textContent,"
	       " [...document.querySelectorAll('#answer mark')].map(m => m.textContent),"
	       " d.querySelectorAll('img, script, svg, b, i').length, window.pwned === undefined,"
	       " document.getElementById('reasoning').textContent];");
	ck_assert_str_eq(json_string_value(json_array_get(v, 0)), HOSTILE_ANSWER);
	ck_assert_uint_eq(json_array_size(json_array_get(v, 1)), 1);
	ck_assert_str_eq(json_string_value(json_array_get(json_array_get(v, 1), 0)), HOSTILE_EXTRACTED);
	ck_assert_int_eq(json_integer_value(json_array_get(v, 2)), 0);
	ck_assert(json_is_true(json_array_get(v, 3)));
	ck_assert_str_eq(json_string_value(json_array_get(v, 4)), "<svg onload=\"window.pwned=1\">");
	json_decref(v);

	snprintf(path, sizeof(path), "/session/%s", session);
	json_decref(wd("DELETE", path, NULL));
	/* SIGINT stops the viewer cleanly */
	kill(view_pid, SIGINT);
	ck_assert_int_eq(tu_wait(view_pid, WAIT_S), 0);
	view_pid = -1;
}
END_TEST

int main(void)
{
	Suite *s = suite_create("view_browser");
	TCase *tc = tcase_create("chromium");
	SRunner *sr;
	int failed;

	if (!have("/usr/bin/chromium") || !have("/usr/bin/chromedriver") || !have("/usr/bin/sqlite3")) {
		fprintf(stderr, "chromium, chromedriver or sqlite3 not installed (sh scripts/install-deps.sh test): "
				"the viewer's page not checked\n");
		return 77;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	tcase_add_checked_fixture(tc, tu_dir_setup, teardown);
	tcase_add_test(tc, filter_and_open_a_sample_in_chromium);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	curl_global_cleanup();
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
