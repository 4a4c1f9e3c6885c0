/* The report's numbers per item (pass@k, maj@k, the clustered interval, the
 * thinking/non-thinking pairs, breakdowns) against values worked by hand, and
 * each format read back by a real parser: CSV by Python's csv module, JSON by
 * jansson, JUnit by Python's xml.etree, with hostile text in the answers. */
#include <check.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "rc.h"
#include "report.h"
#include "report_label.h"
#include "report_csv.h"
#include "report_json.h"
#include "report_junit.h"
#include "report_md.h"
#include "report_table.h"
#include "store.h"
#include "testutil.h"

#define EPS 1e-9
/* commas, quotes, CR LF, CJK, Arabic, an escape sequence, a C0 control,
 * invalid UTF-8, a markdown pipe and an HTML tag */
#define TRICKY "答案, \"四十二\"\r\nالجواب: ٤٢ | <b>x</b> \x1b[31mred\x01 \xff end"

static char dbpath[4200], suitepath[4200];
static char err[1024];

static tb_sample base(const char *model, const char *mode, const char *item, int smp)
{
	tb_sample s = {
		.suite = "math", .item_id = item, .model = model, .mode = mode,
		.budget = 0, .sample = smp, .outcome = TB_OUT_CORRECT,
		.extracted = "42", .expected = "42", .grade_reason = "", .grader = "numeric",
		.lang_check = -1, .split_method = "field", .reasoning = "think", .answer = "42",
		.prompt_tokens = 10, .completion_tokens = 100, .reasoning_tokens = 60,
		.cached_tokens = -1, .cost_usd = 0.001, .ttft_ms = 100, .ttfa_ms = 500,
		.total_ms = 1000, .finish_reason = "stop", .native_finish_reason = "stop",
		.http_status = 200, .attempts = 1, .error = "", .lang = "en",
		.provider = "sim", .generation_id = "g", .seed = 1, .streamed = 1,
		.finished_at = 1e9,
	};
	return s;
}

/* m/a think:   q1 C C C, q2 C C I, q3 I I C, q4 C C C  (item means 1, 2/3, 1/3, 1)
 * m/a nothink: q1 I I I, q2 C C C, q3 I I I, q4 C I I  (item means 0, 1, 0, 1/3)
 * m/b think: q1 C, q2 error. q3's wrong think answers are "7", its right one
 * carries TRICKY as the extracted text. Think totals are 1000..12000 ms. */
static const char *const think_out = "CCCCCIIICCCC";
static const char *const nothink_out = "IIICCCIIICII";

static void make_store(void)
{
	static const char *const ids[4] = {"q1", "q2", "q3", "q4"};
	tb_run_info ri = {.simulated = 1};
	tb_store *st;
	tb_sample s;
	FILE *f;

	snprintf(suitepath, sizeof(suitepath), "%s/math.jsonl", tu_dir);
	f = fopen(suitepath, "w");
	ck_assert_ptr_nonnull(f);
	fputs("{\"suite\": {\"name\": \"math\", \"lang\": \"en\"}}\n"
	      "{\"id\": \"q1\", \"prompt\": \"What is 6 x 7? <script>alert(1)</script>\", \"answer\": \"42\", \"tags\": [\"alg\"]}\n"
	      "{\"id\": \"q2\", \"prompt\": \"p2\", \"answer\": \"42\", \"tags\": [\"alg\"]}\n"
	      "{\"id\": \"q3\", \"prompt\": \"p3\", \"answer\": \"42\", \"tags\": [\"geo\"], \"lang\": \"zh\"}\n"
	      "{\"id\": \"q4\", \"prompt\": \"p4\", \"answer\": \"42\", \"tags\": [\"geo\", \"alg\"]}\n",
	      f);
	fclose(f);
	snprintf(ri.run_id, sizeof(ri.run_id), "run-fmt");
	snprintf(ri.version, sizeof(ri.version), "0.1.0");
	snprintf(ri.started, sizeof(ri.started), "2026-11-21T19:33:47Z");
	snprintf(ri.status, sizeof(ri.status), "done");
	ri.options = json_pack("{s:[s]}", "suites", suitepath);
	snprintf(dbpath, sizeof(dbpath), "%s/store.sqlite", tu_dir);
	ck_assert_msg(store_create(dbpath, &ri, &st, err, sizeof(err)) == TB_OK, "%s", err);
	tu_store_suite_items(st, suitepath);
	json_decref(ri.options);
	for (int i = 0; i < 12; i++) {
		int item = i / 3;

		s = base("m/a", "think", ids[item], i % 3);
		s.lang = item == 2 ? "zh" : "en";
		s.outcome = think_out[i] == 'C' ? TB_OUT_CORRECT : TB_OUT_INCORRECT;
		s.total_ms = 1000.0 * (i + 1);
		s.cost_usd = 0.01;
		s.completion_tokens = 1000;
		if (item == 2)
			s.extracted = s.outcome == TB_OUT_CORRECT ? TRICKY : "7";
		else if (s.outcome != TB_OUT_CORRECT)
			s.extracted = "41";
		s.answer = TRICKY;
		ck_assert_msg(store_put_sample(st, &s, err, sizeof(err)) == TB_OK, "%s", err);
		s = base("m/a", "nothink", ids[item], i % 3);
		s.lang = item == 2 ? "zh" : "en";
		s.outcome = nothink_out[i] == 'C' ? TB_OUT_CORRECT : TB_OUT_INCORRECT;
		if (s.outcome != TB_OUT_CORRECT)
			s.extracted = "5";
		ck_assert_msg(store_put_sample(st, &s, err, sizeof(err)) == TB_OK, "%s", err);
	}
	s = base("m/b", "think", "q1", 0);
	ck_assert_int_eq(store_put_sample(st, &s, err, sizeof(err)), TB_OK);
	s = base("m/b", "think", "q2", 0);
	s.outcome = TB_OUT_ERROR;
	s.error = "HTTP 500: <oops> & \x02";
	s.extracted = "";
	ck_assert_int_eq(store_put_sample(st, &s, err, sizeof(err)), TB_OK);
	store_close(st);
}

static report *load(tb_store **st)
{
	report *r = NULL;

	ck_assert_msg(store_open(dbpath, 1, st, err, sizeof(err)) == TB_OK, "%s", err);
	ck_assert_msg(report_load(*st, &r, err, sizeof(err)) == TB_OK, "%s", err);
	return r;
}

static void setup(void)
{
	tu_dir_setup();
	make_store();
}

static const report_cell *cell(const report *r, const char *model, const char *mode)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->cells[i].model, model) == 0 && strcmp(r->cells[i].mode, mode) == 0)
			return &r->cells[i];
	ck_abort_msg("no cell %s %s", model, mode);
	return NULL;
}

START_TEST(per_item_numbers)
{
	tb_store *st;
	report *r = load(&st);
	const report_cell *t = cell(r, "m/a", "think"), *n = cell(r, "m/a", "nothink");
	const report_pair *p;
	/* clustered: c = 3,2,1,3 of 3; p = .75; residuals .75,-.25,-1.25,.75 */
	double se = sqrt(4.0 / 3.0 * 2.75) / 12.0;

	ck_assert_int_eq(t->graded, 12);
	ck_assert_double_eq_tol(t->accuracy, 0.75, EPS);
	ck_assert_int_eq(t->items, 4);
	ck_assert_int_eq(t->pass_k, 3);
	ck_assert_double_eq_tol(t->pass_at_1, 0.75, EPS);
	ck_assert_double_eq_tol(t->pass_at_k, 1.0, EPS);
	/* q3's majority is the wrong "7" */
	ck_assert_double_eq_tol(t->maj_at_k, 0.75, EPS);
	ck_assert_double_eq_tol(t->acc_clu_lo, 0.75 - 1.959964 * se, EPS);
	ck_assert_double_eq_tol(t->acc_clu_hi, 1.0, EPS);
	/* nothink: item means 0, 1, 0, 1/3 */
	ck_assert_double_eq_tol(n->pass_at_1, (0 + 1 + 0 + 1.0 / 3) / 4, EPS);
	ck_assert_double_eq_tol(n->pass_at_k, 0.5, EPS);
	ck_assert_double_eq_tol(n->maj_at_k, 0.25, EPS);
	/* total_ms 1000..12000: p50 6500, p90 1000 + 9.9 * 1000, p99 1000 + 10.89 * 1000 */
	ck_assert_double_eq_tol(t->total_p50, 6500, 1e-6);
	ck_assert_double_eq_tol(t->total_p90, 10900, 1e-6);
	ck_assert_double_eq_tol(t->total_p99, 11890, 1e-6);
	ck_assert_double_eq_tol(t->cost_per_correct, 0.12 / 9, 1e-12);
	ck_assert_double_eq_tol(t->completion_total, 12000, EPS);
	/* 1000 tokens over (total - ttft) seconds, summed */
	ck_assert_double_eq_tol(t->out_tps, 12000.0 / (78.0 - 1.2), 1e-6);

	ck_assert_uint_eq(r->n_pairs, 1);
	p = &r->pairs[0];
	ck_assert_ptr_eq(&r->cells[p->think], t);
	ck_assert_ptr_eq(&r->cells[p->nothink], n);
	ck_assert_int_eq(p->items, 4);
	/* d = 1, -1/3, 1/3, 2/3 */
	ck_assert_double_eq_tol(p->diff, (1 - 1.0 / 3 + 1.0 / 3 + 2.0 / 3) / 4, EPS);
	ck_assert(p->diff_lo < p->diff && p->diff < p->diff_hi);
	ck_assert_int_eq(p->flip_up, 2);
	ck_assert_int_eq(p->flip_down, 0);
	ck_assert_str_eq(p->flips[0].item_id, "q1");
	ck_assert_str_eq(p->flips[1].item_id, "q4");
	ck_assert_int_eq(p->flips[1].up, 1);
	ck_assert_double_eq_tol(p->cost_ratio, 10.0, 1e-9);
	ck_assert(isfinite(p->extra_cost_per_correct) && p->extra_cost_per_correct > 0);

	/* by language: q3 is zh; by tag: q4 has two tags */
	ck_assert_uint_eq(r->n_lang, 5);
	/* per suite, with the interval clustered by item where items have several samples */
	ck_assert_str_eq(r->by_lang[0].suite, "math");
	ck_assert_str_eq(r->by_lang[0].group, "en");
	for (size_t i = 0; i < r->n_lang; i++)
		if (r->by_lang[i].max_per_item > 1 && r->by_lang[i].items > 1)
			ck_assert(isfinite(r->by_lang[i].acc_clu_lo) &&
				  r->by_lang[i].acc_clu_lo <= r->by_lang[i].accuracy);
	ck_assert_uint_eq(r->n_tag, 5);
	ck_assert_int_eq(r->tags_missing, 0);
	for (size_t i = 0; i < r->n_tag; i++)
		if (strcmp(r->by_tag[i].group, "alg") == 0 && strcmp(r->by_tag[i].mode, "think") == 0 &&
		    strcmp(r->by_tag[i].model, "m/a") == 0)
			ck_assert_int_eq(r->by_tag[i].n, 9);
	ck_assert_str_eq(report_prompt(r, "math", "q2"), "p2");
	ck_assert_ptr_null(report_prompt(r, "math", "nope"));
	report_free(r);
	store_close(st);
}
END_TEST

/* A re-graded run says so, with the grader versions, in every format's
 * header; a simulated run states its time scale. Two endpoints of one model
 * keep their full ids; budgets are never cut from a label. */
START_TEST(header_and_labels)
{
	tb_store *st;
	report *r;
	tb_run_info run;
	tb_sample s = base("m/a", "think", "q1", 0);
	report_cell c[2];
	report fake;
	char *text = NULL, line[512], label[40];
	size_t len = 0;
	FILE *f;

	ck_assert_int_eq(store_open(dbpath, 0, &st, err, sizeof(err)), TB_OK);
	s.outcome = TB_OUT_INCORRECT;
	s.grader_version = "numeric/9";
	ck_assert_msg(store_update_grade(st, &s, 1, err, sizeof(err)) == TB_OK, "%s", err);
	store_close(st);
	r = load(&st);
	ck_assert_int_eq(r->regraded, 1);
	report_regrade_line(r, line, sizeof(line));
	ck_assert_msg(strstr(line, "RE-GRADED: 1 samples") && strstr(line, "numeric/9"), "%s", line);
	ck_assert_int_eq(store_get_run(st, &run, err, sizeof(err)), TB_OK);
	f = open_memstream(&text, &len);
	ck_assert_int_eq(report_print_table(r, f, &run), TB_OK);
	ck_assert_int_eq(report_write_md(r, &run, f, err, sizeof(err)), TB_OK);
	ck_assert_int_eq(report_write_json(r, &run, f, err, sizeof(err)), TB_OK);
	fclose(f);
	/* in each of the three */
	ck_assert_ptr_nonnull(strstr(strstr(strstr(text, "RE-GRADED"), "numeric/9") + 1, "RE-GRADED"));
	ck_assert_ptr_nonnull(strstr(strstr(strstr(text, "RE-GRADED") + 1, "RE-GRADED") + 1, "RE-GRADED"));
	ck_assert_ptr_nonnull(strstr(text, "simulator time scale"));
	free(text);
	store_run_info_release(&run);
	report_free(r);
	store_close(st);

	memset(c, 0, sizeof(c));
	memset(&fake, 0, sizeof(fake));
	c[0].model = (char *)"local/qwen3-14b";
	c[1].model = (char *)"remote/qwen3-14b";
	c[0].mode = c[1].mode = (char *)"think";
	c[0].budget = 1024;
	fake.cells = c;
	fake.n = 1;
	ck_assert_str_eq(report_model_label(&fake, "local/qwen3-14b"), "qwen3-14b");
	fake.n = 2;
	ck_assert_str_eq(report_model_label(&fake, "local/qwen3-14b"), "local/qwen3-14b");
	ck_assert_str_eq(report_model_label(&fake, "remote/qwen3-14b"), "remote/qwen3-14b");
	c[0].model = (char *)"org/a-very-long-model-name-that-does-not-fit-here";
	report_config_label(&fake, &c[0], label, sizeof(label));
	ck_assert_msg(strlen(label) < sizeof(label) && strstr(label, "~ think 1024") &&
			      label[strlen(label) - 1] == '4',
		      "%s", label);
}
END_TEST

/* Runs a Python snippet with two arguments; returns its exit code. */
static int python(const char *code, const char *a, const char *b)
{
	char cmd[16384];

	snprintf(cmd, sizeof(cmd), "python3 -c '%s' '%s' '%s'", code, a, b);
	return system(cmd);
}

/* Prompts and tags come from the store, as the run stored them: a suite
 * file changed or deleted since changes nothing of the report. */
START_TEST(prompt_from_store)
{
	tb_store *st;
	report *r;
	FILE *f;
	const char *p;

	f = fopen(suitepath, "w");
	ck_assert_ptr_nonnull(f);
	/* q2 and q1 swap lines; q2's prompt changes */
	fputs("{\"suite\": {\"name\": \"math\", \"lang\": \"en\"}}\n"
	      "{\"id\": \"q2\", \"prompt\": \"p2 now\", \"answer\": \"42\"}\n"
	      "{\"id\": \"q1\", \"prompt\": \"p1 now\", \"answer\": \"42\"}\n",
	      f);
	fclose(f);
	r = load(&st);
	p = report_prompt(r, "math", "q2");
	ck_assert_msg(p && strcmp(p, "p2") == 0, "q2's prompt is '%s'", p);
	unlink(suitepath);
	p = report_prompt(r, "math", "q1");
	ck_assert_msg(p && strcmp(p, "What is 6 x 7? <script>alert(1)</script>") == 0, "q1's prompt is '%s'", p);
	p = report_prompt(r, "math", "q4");
	ck_assert_msg(p && strcmp(p, "p4") == 0, "q4's prompt is '%s'", p);
	ck_assert_ptr_null(report_prompt(r, "math", "q9"));
	ck_assert_ptr_null(report_prompt(r, "nosuch", "q1"));
	for (size_t i = 0; i < r->n_tag; i++)
		if (strcmp(r->by_tag[i].group, "geo") == 0 && strcmp(r->by_tag[i].mode, "think") == 0)
			ck_assert_int_eq(r->by_tag[i].n, 6);
	report_free(r);
	store_close(st);
}
END_TEST

START_TEST(csv_read_back)
{
	tb_store *st;
	report *r = load(&st);
	tb_run_info run;
	char out[4300];
	json_t *rows;
	json_error_t je;
	int found = 0;

	ck_assert_int_eq(store_get_run(st, &run, err, sizeof(err)), TB_OK);
	ck_assert_msg(report_write_csv(st, r, tu_dir, err, sizeof(err)) == TB_OK, "%s", err);
	ck_assert_msg(report_write_csv_extra(r, &run, tu_dir, err, sizeof(err)) == TB_OK, "%s", err);
	snprintf(out, sizeof(out), "%s/rows.json", tu_dir);
	ck_assert_int_eq(python("import csv, json, sys, os\n"
				"d = os.path.dirname(sys.argv[1])\n"
				"res = {}\n"
				"for n in (\"samples\", \"summary\", \"modes\", \"flips\", \"by_lang\", \"by_tag\"):\n"
				"    res[n] = list(csv.reader(open(os.path.join(d, n + \".csv\"), newline=\"\", "
				"encoding=\"utf-8\", errors=\"replace\"), strict=True))\n"
				"json.dump(res, open(sys.argv[2], \"w\"), ensure_ascii=True)",
				dbpath, out),
			 0);
	rows = json_load_file(out, 0, &je);
	ck_assert_msg(rows != NULL, "%s", je.text);
	/* 24 m/a samples, 2 m/b, and the header */
	ck_assert_uint_eq(json_array_size(json_object_get(rows, "samples")), 27);
	for (size_t i = 1; i < 27; i++) {
		json_t *row = json_array_get(json_object_get(rows, "samples"), i);
		const char *x = json_string_value(json_array_get(row, 8));

		/* control bytes come back as visible \xNN text and the invalid byte
		 * as U+FFFD; compare the rest */
		found += x && strncmp(x, "答案, \"四十二\"\r\nالجواب: ٤٢ | <b>x</b> \\x1b[31mred\\x01 ",
				      strlen("答案, \"四十二\"\r\nالجواب: ٤٢ | <b>x</b> \\x1b[31mred\\x01 ")) == 0;
	}
	ck_assert_int_eq(found, 1);
	ck_assert_uint_eq(json_array_size(json_object_get(rows, "modes")), 2);
	ck_assert_str_eq(json_string_value(json_array_get(json_array_get(json_object_get(rows, "modes"), 1), 3)),
			 "m/a");
	/* flips.csv: one row per flipped item, all of them */
	ck_assert_uint_eq(json_array_size(json_object_get(rows, "flips")), 3);
	ck_assert_str_eq(json_string_value(json_array_get(json_array_get(json_object_get(rows, "flips"), 1), 6)),
			 "q1");
	ck_assert_str_eq(json_string_value(json_array_get(json_array_get(json_object_get(rows, "flips"), 2), 6)),
			 "q4");
	ck_assert_str_eq(json_string_value(json_array_get(json_array_get(json_object_get(rows, "flips"), 2), 7)),
			 "up");
	ck_assert_str_eq(json_string_value(json_array_get(json_array_get(json_object_get(rows, "by_lang"), 1), 2)),
			 "math");
	ck_assert_uint_eq(json_array_size(json_object_get(rows, "by_tag")), 6);
	json_decref(rows);
	store_run_info_release(&run);
	report_free(r);
	store_close(st);
}
END_TEST

static char *write_with(int (*fn)(tb_store *, const report *, const tb_run_info *, FILE *),
			const char *name)
{
	tb_store *st;
	report *r = load(&st);
	tb_run_info run;
	char path[4300];
	FILE *f;
	char *text;

	ck_assert_int_eq(store_get_run(st, &run, err, sizeof(err)), TB_OK);
	snprintf(path, sizeof(path), "%s/%s", tu_dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	ck_assert_msg(fn(st, r, &run, f) == TB_OK, "%s", err);
	fclose(f);
	text = tu_read_file(path, NULL);
	ck_assert_ptr_nonnull(text);
	store_run_info_release(&run);
	report_free(r);
	store_close(st);
	return text;
}

static int do_json(tb_store *st, const report *r, const tb_run_info *run, FILE *f)
{
	(void)st;
	return report_write_json(r, run, f, err, sizeof(err));
}

static int do_md(tb_store *st, const report *r, const tb_run_info *run, FILE *f)
{
	(void)st;
	return report_write_md(r, run, f, err, sizeof(err));
}

static int do_junit(tb_store *st, const report *r, const tb_run_info *run, FILE *f)
{
	return report_write_junit(st, r, run, f, err, sizeof(err));
}

static int do_text(tb_store *st, const report *r, const tb_run_info *run, FILE *f)
{
	(void)st;
	return report_print_table(r, f, run);
}

START_TEST(json_parses)
{
	char *text = write_with(do_json, "report.json");
	json_error_t je;
	json_t *doc = json_loads(text, 0, &je), *c;

	ck_assert_msg(doc != NULL, "%s", je.text);
	ck_assert_ptr_nonnull(strstr(strtok(text, "\n"), "SIMULATED RUN"));
	ck_assert(json_is_true(json_object_get(json_object_get(doc, "run"), "simulated")));
	c = json_array_get(json_object_get(doc, "cells"), 1);
	ck_assert_str_eq(json_string_value(json_object_get(c, "mode")), "think");
	ck_assert_double_eq_tol(json_real_value(json_object_get(c, "pass_at_k")), 1.0, EPS);
	ck_assert_double_eq_tol(json_real_value(json_object_get(c, "maj_at_k")), 0.75, EPS);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(c, "outcomes"), "correct")), 9);
	ck_assert_uint_eq(json_array_size(json_object_get(doc, "modes")), 1);
	ck_assert_uint_eq(json_array_size(json_object_get(doc, "by_lang")), 5);
	json_decref(doc);
	free(text);
}
END_TEST

/* A compact table per suite, of at most nine columns, every row as wide as
 * its header; a cell no model could run is named once in a line, not a row. */
START_TEST(markdown_table)
{
	char *text = write_with(do_md, "report.md");
	char *line, *save = NULL;
	int rows = 0, head_pipes = -1, suites = 0;

	ck_assert_msg(strncmp(text, "> **SIMULATED RUN", 17) == 0, "%.80s", text);
	ck_assert_ptr_nonnull(strstr(text, "\n### math\n"));
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		int pipes = 0;

		suites += strncmp(line, "### ", 4) == 0 && !strstr(line, "Accuracy by") &&
			  !strstr(line, "Thinking against");
		if (strncmp(line, "| model | mode | budget | n |", 29) == 0) {
			head_pipes = 0;
			for (char *p = line; *p; p++)
				head_pipes += *p == '|';
			ck_assert_int_le(head_pipes, 10);
			continue;
		}
		if (head_pipes < 0 || strncmp(line, "| a |", 5) != 0)
			continue;
		for (char *p = line; *p; p++)
			pipes += *p == '|' && (p == line || p[-1] != '\\');
		ck_assert_int_eq(pipes, head_pipes);
		ck_assert_ptr_null(strstr(line, "not supported"));
		rows++;
		if (rows == 2)
			break;
	}
	ck_assert_int_eq(suites, 1);
	ck_assert_int_eq(rows, 2);
	free(text);
}
END_TEST

START_TEST(junit_parses)
{
	char *text = write_with(do_junit, "junit.xml");
	char path[4300], out[4300];
	char *res;

	ck_assert_msg(strncmp(text, "<!-- SIMULATED RUN", 18) == 0, "%.80s", text);
	/* nothing XML forbids, even from the hostile answer */
	for (const char *p = text; *p; p++)
		ck_assert_msg((unsigned char)*p >= 0x20 || *p == '\n' || *p == '\r' || *p == '\t',
			      "control byte 0x%02x in junit.xml", *p);
	snprintf(path, sizeof(path), "%s/junit.xml", tu_dir);
	snprintf(out, sizeof(out), "%s/junit.txt", tu_dir);
	ck_assert_int_eq(python("import sys, xml.etree.ElementTree as E\n"
				"t = E.parse(sys.argv[1]).getroot()\n"
				"cs = t.findall(\".//testcase\")\n"
				"open(sys.argv[2], \"w\").write(\"%s %d %d %d %s\" % (t.get(\"tests\"), len(cs), "
				"len(t.findall(\".//failure\")), len(t.findall(\".//error\")), "
				"t.find(\".//error\").get(\"message\")))",
				path, out),
			 0);
	res = tu_read_file(out, NULL);
	ck_assert_ptr_nonnull(res);
	/* 26 samples; 3 + 8 failures; the error message unescaped by the parser */
	ck_assert_str_eq(res, "26 26 11 1 HTTP 500: <oops> & \\x02");
	free(res);
	free(text);
}
END_TEST

START_TEST(text_is_clean)
{
	char *text = write_with(do_text, "report.txt");

	ck_assert_msg(strncmp(text, "SIMULATED RUN", 13) == 0, "%.80s", text);
	ck_assert_ptr_nonnull(strstr(text, "thinking against non-thinking"));
	ck_assert_ptr_nonnull(strstr(text, "samples per item"));
	ck_assert_ptr_nonnull(strstr(text, "flips up math a: q1 q4"));
	/* not a terminal: no colour, no control bytes, at most 100 columns */
	for (const char *p = text, *bol = text; *p; p++) {
		ck_assert_msg((unsigned char)*p >= 0x20 || *p == '\n', "control byte 0x%02x", *p);
		if (*p == '\n') {
			ck_assert_msg(p - bol <= 100, "line of %d columns: %.*s", (int)(p - bol),
				      (int)(p - bol), bol);
			bol = p + 1;
		}
	}
	free(text);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("report_formats");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, tu_dir_teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, per_item_numbers);
	tcase_add_test(tc, header_and_labels);
	tcase_add_test(tc, prompt_from_store);
	tcase_add_test(tc, csv_read_back);
	tcase_add_test(tc, json_parses);
	tcase_add_test(tc, markdown_table);
	tcase_add_test(tc, junit_parses);
	tcase_add_test(tc, text_is_clean);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
