/* The HTML report: escaping of everything from the store and the suites, the
 * simulated notice, the prompts from the suite files, the cap on embedded
 * samples, and the page opened in headless Chromium: a screenshot, every
 * plot image loaded, and the per-sample browser opening a sample (the page's
 * #selftest script writes the result into the DOM that --dump-dom prints). */
#include <check.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "html.h"
#include "plot.h"
#include "rc.h"
#include "report.h"
#include "store.h"
#include "testutil.h"

#define HOSTILE "</pre><script>alert('x')</script>&amp; \x1b[2J\x01\xfe"

static char dbpath[4200];
static char err[1024];

static void make_store(long n_extra)
{
	tb_run_info ri = {.simulated = 1};
	tb_store *st;
	char suite[4300], id[32];
	FILE *f;

	snprintf(suite, sizeof(suite), "%s/s.jsonl", tu_dir);
	f = fopen(suite, "w");
	ck_assert_ptr_nonnull(f);
	fputs("{\"suite\": {\"name\": \"s\", \"lang\": \"en\"}}\n"
	      "{\"id\": \"a\", \"prompt\": \"Prompt <i>A</i> & more\", \"answer\": \"1\", \"tags\": [\"t\"]}\n",
	      f);
	fclose(f);
	snprintf(ri.run_id, sizeof(ri.run_id), "run-html");
	snprintf(ri.version, sizeof(ri.version), "0.1.0");
	snprintf(ri.status, sizeof(ri.status), "done");
	ri.options = json_pack("{s:[s]}", "suites", suite);
	snprintf(dbpath, sizeof(dbpath), "%s/store.sqlite", tu_dir);
	ck_assert_msg(store_create(dbpath, &ri, &st, err, sizeof(err)) == TB_OK, "%s", err);
	tu_store_suite_items(st, suite);
	json_decref(ri.options);
	for (long i = 0; i < 2 + n_extra; i++) {
		tb_sample s = {
			.suite = "s", .item_id = i == 0 ? "a" : id, .model = "m/x",
			.mode = i % 2 ? "nothink" : "think", .outcome = TB_OUT_CORRECT,
			.extracted = "1", .expected = "1", .grade_reason = "", .grader = "numeric",
			.lang_check = -1, .split_method = "field", .reasoning = "step " HOSTILE,
			.answer = "answer " HOSTILE, .prompt_tokens = 5, .completion_tokens = 50,
			.reasoning_tokens = 20, .cached_tokens = -1, .cost_usd = 0.001,
			.ttft_ms = 50, .ttfa_ms = 200, .total_ms = 400 + 10.0 * (double)(i % 50),
			.finish_reason = "stop", .native_finish_reason = "stop", .http_status = 200,
			.attempts = 1, .error = "", .lang = "en", .provider = "sim",
			.generation_id = "g", .seed = 1, .streamed = 1, .finished_at = 1e9,
		};

		snprintf(id, sizeof(id), "b%06ld", i / 2);
		if (i == 1)
			s.item_id = "a";
		if (i % 7 == 3)
			s.outcome = TB_OUT_INCORRECT;
		if (i == 2 + n_extra - 1) {
			s.outcome = TB_OUT_ERROR;
			s.error = "boom " HOSTILE;
		}
		ck_assert_msg(store_put_sample(st, &s, err, sizeof(err)) == TB_OK, "%s", err);
	}
	store_close(st);
}

/* Writes plots (drawn when gnuplot is there) and report.html; returns the page. */
static char *write_html(plot_set *ps, char *path, size_t len)
{
	tb_store *st;
	report *r = NULL;
	tb_run_info run;
	char plots[4300];
	FILE *f;
	char *text;

	ck_assert_msg(store_open(dbpath, 1, &st, err, sizeof(err)) == TB_OK, "%s", err);
	ck_assert_msg(report_load(st, &r, err, sizeof(err)) == TB_OK, "%s", err);
	ck_assert_int_eq(store_get_run(st, &run, err, sizeof(err)), TB_OK);
	snprintf(plots, sizeof(plots), "%s/plots", tu_dir);
	mkdir(plots, 0755);
	ck_assert_msg(plot_write(r, &run, plots, 1, ps, err, sizeof(err)) == TB_OK, "%s", err);
	snprintf(path, len, "%s/report.html", tu_dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_msg(html_write(st, r, &run, ps, plots, f, err, sizeof(err)) == TB_OK, "%s", err);
	ck_assert_int_eq(fclose(f), 0);
	text = tu_read_file(path, NULL);
	ck_assert_ptr_nonnull(text);
	store_run_info_release(&run);
	report_free(r);
	store_close(st);
	return text;
}

START_TEST(escaped_and_complete)
{
	plot_set ps;
	char path[4300];
	char *html;

	make_store(4);
	html = write_html(&ps, path, sizeof(path));
	ck_assert_msg(strncmp(html, "<!DOCTYPE html><!-- SIMULATED RUN", 33) == 0, "%.60s", html);
	ck_assert_ptr_nonnull(strstr(html, "<div class=banner>SIMULATED RUN"));
	/* only the page's own script: model text never becomes markup */
	ck_assert_uint_eq(tu_count(html, "<script"), 1);
	ck_assert_ptr_null(strstr(html, "alert('x')"));
	ck_assert_ptr_nonnull(strstr(html, "&lt;/pre&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;amp; "
					   "\\x1B[2J\\x01\\xFE"));
	for (const char *p = html; *p; p++)
		ck_assert_msg((unsigned char)*p >= 0x20 || *p == '\n' || *p == '\r' || *p == '\t',
			      "control byte 0x%02x", *p);
	/* the prompt from the suite file, escaped; items not in it say so */
	ck_assert_ptr_nonnull(strstr(html, "Prompt &lt;i&gt;A&lt;/i&gt; &amp; more"));
	ck_assert_ptr_nonnull(strstr(html, "(prompt unavailable)"));
	ck_assert_uint_eq(tu_count(html, "<details class=\"s "), 6);
	ck_assert_ptr_nonnull(strstr(html, "6 of 6 samples shown"));
	ck_assert_ptr_nonnull(strstr(html, "<details><summary>Reasoning"));
	if (ps.rendered)
		ck_assert_uint_eq(tu_count(html, "<img class=plot"), ps.n);
	else
		ck_assert_ptr_nonnull(strstr(html, "Plots skipped:"));
	free(html);
}
END_TEST

START_TEST(sample_cap)
{
	plot_set ps;
	char path[4300];
	char *html;

	make_store(HTML_MAX_SAMPLES + 500);
	setenv("TB_GNUPLOT", "/nonexistent/gnuplot", 1);
	html = write_html(&ps, path, sizeof(path));
	unsetenv("TB_GNUPLOT");
	/* the first HTML_MAX_SAMPLES and the one error at the very end */
	ck_assert_uint_eq(tu_count(html, "<details class=\"s "), HTML_MAX_SAMPLES + 1);
	ck_assert_ptr_nonnull(strstr(html, "This page holds the first 2000 samples"));
	ck_assert_ptr_nonnull(strstr(html, "o-error"));
	ck_assert_ptr_nonnull(strstr(html, "Plots skipped:</strong> gnuplot not found"));
	free(html);
}
END_TEST

static int have_chromium(void)
{
	if (system("command -v chromium >/dev/null 2>&1") == 0)
		return 1;
	/* Debian's package, installed when missing and we may (the test command) */
	if (geteuid() == 0 && system("command -v apt-get >/dev/null 2>&1") == 0) {
		fprintf(stderr, "chromium missing: installing Debian's package\n");
		if (system("DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium "
			   ">/dev/null 2>&1") == 0)
			return system("command -v chromium >/dev/null 2>&1") == 0;
	}
	return 0;
}

#define CHROMIUM "timeout 50 chromium --headless --no-sandbox --disable-gpu --disable-quic " \
		 "--no-first-run --disable-background-networking --disable-component-update " \
		 "--disable-sync --user-data-dir='%s/profile' "

START_TEST(chromium_selftest)
{
	plot_set ps;
	char path[4300], cmd[16384], want[128], shot[4300], dom[4300];
	char *html, *out;
	struct stat sb;

	if (!have_chromium()) {
		fprintf(stderr, "chromium not available: browser check skipped\n");
		return;
	}
	make_store(40);
	html = write_html(&ps, path, sizeof(path));
	free(html);
	snprintf(dom, sizeof(dom), "%s/dom.html", tu_dir);
	snprintf(cmd, sizeof(cmd),
		 CHROMIUM "--window-size=1280,900 --virtual-time-budget=5000 --dump-dom "
			  "'file://%s#selftest' >'%s' 2>/dev/null",
		 tu_dir, path, dom);
	ck_assert_int_eq(system(cmd), 0);
	out = tu_read_file(dom, NULL);
	ck_assert_ptr_nonnull(out);
	snprintf(want, sizeof(want), "selftest: plots %zu/%zu loaded; sample browser opened a sample",
		 ps.rendered ? ps.n : 0, ps.rendered ? ps.n : 0);
	ck_assert_msg(strstr(out, want) != NULL, "want '%s' in the DOM", want);
	/* a filter applied in the page kept some samples and hid others; nothing
	 * is wider than the 1,280 px window (no horizontal scrolling) */
	{
		const char *k = strstr(out, "; filter kept ");
		long kept = -1, all = -1, width = -1, inner = -1;

		ck_assert_ptr_nonnull(k);
		ck_assert_int_eq(sscanf(k, "; filter kept %ld of %ld; width %ld of %ld", &kept, &all,
					&width, &inner), 4);
		ck_assert_msg(kept > 0 && kept < all, "filter kept %ld of %ld", kept, all);
		ck_assert_int_eq(inner, 1280);
		ck_assert_msg(width <= 1280, "the page is %ld px wide at 1280", width);
	}
	free(out);
	snprintf(shot, sizeof(shot), "%s/shot.png", tu_dir);
	snprintf(cmd, sizeof(cmd),
		 CHROMIUM "--screenshot='%s' --window-size=1280,2000 'file://%s' >/dev/null 2>&1",
		 tu_dir, shot, path);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_eq(stat(shot, &sb), 0);
	ck_assert_int_gt(sb.st_size, 10000);
	if (getenv("TB_KEEP_SCREENSHOT")) {
		snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", shot, getenv("TB_KEEP_SCREENSHOT"));
		ck_assert_int_eq(system(cmd), 0);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("html");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, tu_dir_setup, tu_dir_teardown);
	tcase_set_timeout(tc, 55);
	tcase_add_test(tc, escaped_and_complete);
	tcase_add_test(tc, sample_cap);
	tcase_add_test(tc, chromium_selftest);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
