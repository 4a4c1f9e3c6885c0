/* The HTML report: escaping of everything from the store and the suites, the
 * simulated notice, the prompts from the suite files, the sample browser's
 * compressed data (every sample listed; texts for a stratified subset above
 * the budget), and the page opened in headless Chromium at 1,280 px: a
 * filter applied, its count against the store's, a page turned, a sample
 * opened, hostile text shown as text, no horizontal scrolling (the page's
 * #selftest script writes the result into the DOM that --dump-dom prints). */
#include <check.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/evp.h>
#include <zlib.h>

#include "html.h"
#include "html_samples.h"
#include "plot.h"
#include "rc.h"
#include "report.h"
#include "store.h"
#include "testutil.h"

#define HOSTILE "</pre><script>alert('x')</script>&amp; \x1b[2J\x01\xfe"

static char dbpath[4200];
static char err[1024];

/* 2 + n_extra samples: models m/x and m/y, modes alternating, every 7th
 * incorrect, the last an error; hostile reasoning and answers, and with
 * big_text 1 reasoning longer than HTML_CUT_LONG, and with 2 random letters
 * (which compress badly). */
static void make_store(long n_extra, int big_text)
{
	static char big[HTML_CUT_LONG + 1000];
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
	memset(big, 'r', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert_msg(store_create(dbpath, &ri, &st, err, sizeof(err)) == TB_OK, "%s", err);
	tu_store_suite_items(st, suite);
	json_decref(ri.options);
	for (long i = 0; i < 2 + n_extra; i++) {
		tb_sample s = {
			.suite = "s", .item_id = i == 0 ? "a" : id, .model = i % 3 == 2 ? "m/y" : "m/x",
			.mode = i % 2 ? "nothink" : "think", .outcome = TB_OUT_CORRECT,
			.extracted = "1", .expected = "1", .grade_reason = "", .grader = "numeric",
			.lang_check = -1, .split_method = "field",
			.reasoning = big_text ? big : "step " HOSTILE, .answer = "answer " HOSTILE " so 1",
			.prompt_tokens = 5, .completion_tokens = 50,
			.reasoning_tokens = 20, .cached_tokens = -1, .cost_usd = 0.001,
			.ttft_ms = 50, .ttfa_ms = 200, .total_ms = 400 + 10.0 * (double)(i % 50),
			.finish_reason = "stop", .native_finish_reason = "stop", .http_status = 200,
			.attempts = 1, .error = "", .lang = "en", .provider = "sim",
			.generation_id = "g", .seed = 1, .streamed = 1, .finished_at = 1e9,
		};

		snprintf(id, sizeof(id), "b%06ld", i / 2);
		for (size_t k = 0; big_text == 2 && k < sizeof(big) - 1; k++)
			big[k] = (char)('a' + rand() % 26);
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

/* The browser's data, decoded as the page does: base64, gunzip, JSON. */
static json_t *page_data(const char *html)
{
	const char *b = strstr(html, "id=tbdata>"), *e;
	unsigned char *gz, *out;
	size_t n, cap = (size_t)64 << 20;
	int len;
	z_stream z = {0};
	json_t *j;

	ck_assert_ptr_nonnull(b);
	b += strlen("id=tbdata>");
	e = strstr(b, "</script>");
	ck_assert_ptr_nonnull(e);
	n = (size_t)(e - b);
	gz = malloc(n / 4 * 3 + 4);
	out = malloc(cap);
	ck_assert(gz && out);
	len = EVP_DecodeBlock(gz, (const unsigned char *)b, (int)n);
	ck_assert_int_gt(len, 0);
	len -= (n > 0 && b[n - 1] == '=') + (n > 1 && b[n - 2] == '=');
	ck_assert_int_eq(inflateInit2(&z, 15 + 16), Z_OK);
	z.next_in = gz;
	z.avail_in = (uInt)len;
	z.next_out = out;
	z.avail_out = (uInt)cap - 1;
	ck_assert_int_eq(inflate(&z, Z_FINISH), Z_STREAM_END);
	out[z.total_out] = '\0';
	inflateEnd(&z);
	j = json_loads((char *)out, 0, NULL);
	ck_assert_msg(j != NULL, "the page's data is not JSON");
	free(gz);
	free(out);
	return j;
}

static const char *row_text(json_t *d, size_t row, size_t col)
{
	return json_string_value(json_array_get(json_array_get(json_object_get(d, "rows"), row), col));
}

START_TEST(escaped_and_complete)
{
	plot_set ps;
	char path[4300];
	char *html;
	json_t *d, *rows;

	make_store(4, 0);
	html = write_html(&ps, path, sizeof(path));
	ck_assert_msg(strncmp(html, "<!DOCTYPE html><!-- SIMULATED RUN", 33) == 0, "%.60s", html);
	ck_assert_ptr_nonnull(strstr(html, "<div class=banner>SIMULATED RUN"));
	/* the compressed data and the page's own script: model text never becomes markup */
	ck_assert_uint_eq(tu_count(html, "<script"), 2);
	ck_assert_ptr_nonnull(strstr(html, "<script type=\"application/octet-stream\" id=tbdata>"));
	ck_assert_ptr_null(strstr(html, "alert('x')"));
	for (const char *p = html; *p; p++)
		ck_assert_msg((unsigned char)*p >= 0x20 || *p == '\n' || *p == '\r' || *p == '\t',
			      "control byte 0x%02x", *p);
	/* every sample with every text; the prompt from the suite file as it is
	 * (the page sets it as text), unknown prompts as -1 */
	d = page_data(html);
	rows = json_object_get(d, "rows");
	ck_assert_uint_eq(json_array_size(rows), 6);
	for (size_t i = 0; i < 6; i++)
		ck_assert_uint_eq(json_array_size(json_array_get(rows, i)), 14);
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(d, "prompts"), 0)),
			 "Prompt <i>A</i> & more");
	ck_assert_int_eq(json_integer_value(json_array_get(json_array_get(rows, 5), 7)), -1);
	/* invalid UTF-8 reads as U+FFFD */
	ck_assert_str_eq(row_text(d, 0, 9),
			 "answer </pre><script>alert('x')</script>&amp; \x1b[2J\x01\xef\xbf\xbd so 1");
	ck_assert_str_eq(row_text(d, 5, 13), "boom </pre><script>alert('x')</script>&amp; \x1b[2J\x01\xef\xbf\xbd");
	ck_assert_uint_eq(json_array_size(json_object_get(d, "models")), 2);
	ck_assert_ptr_nonnull(strstr(html, "cut at 4000 bytes"));
	ck_assert_ptr_null(strstr(html, "too large"));
	if (ps.rendered)
		ck_assert_uint_eq(tu_count(html, "<img class=plot"), ps.n);
	else
		ck_assert_ptr_nonnull(strstr(html, "Plots skipped:"));
	json_decref(d);
	free(html);
}
END_TEST

/* Over the text budget every sample is still listed; texts come for samples
 * of each cell and outcome spread over the store, failing outcomes (the
 * error) included. */
START_TEST(text_subset)
{
	plot_set ps;
	char path[4300];
	char *html;
	json_t *d, *rows;
	size_t n, with_text = 0, err_row = 0, first_text, first_bare;
	long n_samples = (long)(HTML_TEXT_BUDGET / HTML_CUT_LONG) + 200;

	make_store(n_samples - 2, 1);
	setenv("TB_GNUPLOT", "/nonexistent/gnuplot", 1);
	html = write_html(&ps, path, sizeof(path));
	unsetenv("TB_GNUPLOT");
	ck_assert_ptr_nonnull(strstr(html, "too large (over 8 MB before compression or 3 MB compressed)"));
	ck_assert_ptr_nonnull(strstr(html, "Plots skipped:</strong> gnuplot not found"));
	d = page_data(html);
	rows = json_object_get(d, "rows");
	n = json_array_size(rows);
	first_text = first_bare = n;
	ck_assert_uint_eq(n, (size_t)n_samples);
	for (size_t i = 0; i < n; i++)
		with_text += json_array_size(json_array_get(rows, i)) == 14;
	ck_assert_msg(with_text > 100 && with_text < n, "%zu of %zu with texts", with_text, n);
	for (size_t i = 0; i < n; i++) {
		json_t *row = json_array_get(rows, i);
		const char *o = json_string_value(json_array_get(json_object_get(d, "outcomes"),
							       (size_t)json_integer_value(json_array_get(row, 3))));

		if (strcmp(o, "error") == 0)
			err_row = i;
	}
	ck_assert_uint_eq(json_array_size(json_array_get(rows, err_row)), 14);
	ck_assert_str_eq(row_text(d, err_row, 13), "boom </pre><script>alert('x')</script>&amp; \x1b[2J\x01\xef\xbf\xbd");
	/* the samples left without texts are spread over the store, not its last items */
	for (size_t i = 0; i < n; i++) {
		if (json_array_size(json_array_get(rows, i)) != 14 && first_bare == n)
			first_bare = i;
		if (json_array_size(json_array_get(rows, i)) == 14 && first_text == n)
			first_text = i;
	}
	ck_assert_msg(first_bare < n / 4, "the first sample without texts is row %zu of %zu", first_bare, n);
	ck_assert_ptr_nonnull(strstr(row_text(d, first_text, 8), "(cut; full text in samples.csv / thinkbench view)"));
	ck_assert_uint_le(strlen(row_text(d, first_text, 8)), HTML_CUT_LONG + sizeof(HTML_CUT_NOTE));
	json_decref(d);
	free(html);
}
END_TEST

/* Texts that compress badly: the subset shrinks until the data fits. */
START_TEST(compressed_limit)
{
	plot_set ps;
	char path[4300];
	char *html;
	const char *b, *e;
	json_t *d, *rows;
	size_t n, with_text = 0;

	srand(7);
	make_store(1500, 2);
	setenv("TB_GNUPLOT", "/nonexistent/gnuplot", 1);
	html = write_html(&ps, path, sizeof(path));
	unsetenv("TB_GNUPLOT");
	ck_assert_ptr_nonnull(strstr(html, "too large (over 8 MB before compression or 3 MB compressed)"));
	b = strstr(html, "id=tbdata>");
	ck_assert_ptr_nonnull(b);
	e = strstr(b, "</script>");
	ck_assert_uint_le((size_t)(e - b), HTML_DATA_MAX / 3 * 4 + 100);
	d = page_data(html);
	rows = json_object_get(d, "rows");
	n = json_array_size(rows);
	ck_assert_uint_eq(n, 1502);
	for (size_t i = 0; i < n; i++)
		with_text += json_array_size(json_array_get(rows, i)) == 14;
	ck_assert_msg(with_text > 50 && with_text < n, "%zu of %zu with texts", with_text, n);
	json_decref(d);
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

static long store_count(const char *model, const char *outcome)
{
	tb_store *st;
	tb_sample_filter f;
	long total = -1;

	store_filter_init(&f);
	f.model = model;
	f.outcome = outcome;
	ck_assert_msg(store_open(dbpath, 1, &st, err, sizeof(err)) == TB_OK, "%s", err);
	ck_assert_int_eq(store_query_samples(st, &f, 0, 0, NULL, NULL, &total, err, sizeof(err)), TB_OK);
	store_close(st);
	return total;
}

START_TEST(chromium_selftest)
{
	plot_set ps;
	char path[4300], cmd[16384], want[128], shot[4300], dom[4300];
	char *html, *out, *tbody, *end;
	struct stat sb;
	long matched = -1, page = -1, shown = -1, injected = -1, width = -1, inner = -1, total, rows = 0;

	if (!have_chromium()) {
		fprintf(stderr, "chromium not available: browser check skipped\n");
		return;
	}
	make_store(1000, 0);
	html = write_html(&ps, path, sizeof(path));
	free(html);
	snprintf(dom, sizeof(dom), "%s/dom.html", tu_dir);
	snprintf(cmd, sizeof(cmd),
		 CHROMIUM "--window-size=1280,900 --virtual-time-budget=5000 --dump-dom "
			  "'file://%s#selftest&model=m%%2Fx&outcome=incorrect' >'%s' 2>/dev/null",
		 tu_dir, path, dom);
	ck_assert_int_eq(system(cmd), 0);
	out = tu_read_file(dom, NULL);
	ck_assert_ptr_nonnull(out);
	snprintf(want, sizeof(want), "selftest: plots %zu/%zu loaded; filter model=m/x outcome=incorrect matched ",
		 ps.rendered ? ps.n : 0, ps.rendered ? ps.n : 0);
	{
		const char *k = strstr(out, want);

		ck_assert_msg(k != NULL, "want '%s' in the DOM", want);
		ck_assert_int_eq(sscanf(k + strlen(want),
					"%ld; page %ld shows %ld rows; opened a sample; injected %ld; width %ld of %ld",
					&matched, &page, &shown, &injected, &width, &inner), 6);
	}
	/* the filter's count is the store's; the second page holds the rest */
	total = store_count("m/x", "incorrect");
	ck_assert_int_gt(total, 50);
	ck_assert_int_le(total, 100);
	ck_assert_int_eq(matched, total);
	ck_assert_int_eq(page, 2);
	ck_assert_int_eq(shown, total - 50);
	/* every row shown is one of the filter's */
	tbody = strstr(out, "<tbody id=\"rows\">");
	ck_assert_ptr_nonnull(tbody);
	end = strstr(tbody, "</tbody>");
	ck_assert_ptr_nonnull(end);
	*end = '\0';
	for (char *tr = strstr(tbody, "<tr"); tr; tr = strstr(tr + 3, "<tr")) {
		char *next = strstr(tr + 3, "<tr");

		rows++;
		ck_assert_msg(strncmp(tr, "<tr class=\"o-incorrect", 22) == 0, "%.80s", tr);
		ck_assert_msg(strstr(tr, "<td>m/x</td>") && (!next || strstr(tr, "<td>m/x</td>") < next),
			      "%.200s", tr);
	}
	ck_assert_int_eq(rows, shown);
	*end = '<';
	/* the opened sample's hostile text is text: escaped in the DOM, no element made */
	ck_assert_int_eq(injected, 0);
	ck_assert_ptr_nonnull(strstr(end, "&lt;/pre&gt;&lt;script&gt;alert('x')&lt;/script&gt;&amp;amp;"));
	ck_assert_ptr_null(strstr(out, "<script>alert"));
	ck_assert_ptr_nonnull(strstr(end, "<mark>1</mark>"));
	/* nothing is wider than the 1,280 px window (no horizontal scrolling) */
	ck_assert_int_eq(inner, 1280);
	ck_assert_msg(width <= 1280, "the page is %ld px wide at 1280", width);
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
	tcase_add_test(tc, text_subset);
	tcase_add_test(tc, compressed_limit);
	tcase_add_test(tc, chromium_selftest);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
