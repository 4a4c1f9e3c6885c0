#include <check.h>
#include <fcntl.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmds.h"
#include "csv.h"
#include "rc.h"
#include "report.h"
#include "report_csv.h"
#include "report_table.h"
#include "store.h"
#include "testutil.h"

#define SIM_LINE "SIMULATED RUN: answers come from thinkbench's built-in simulator, not a model"
/* an answer a CSV writer must quote: commas, quotes, CR, LF, CJK and Arabic */
#define TRICKY "答案, \"四十二\"\r\nالجواب: ٤٢, ok\nline3 \"\""

static char dbpath[4200];
static char err[1024];

static tb_sample base(const char *model, const char *mode, long budget, const char *item, int smp)
{
	tb_sample s = {
		.suite = "math", .item_id = item, .model = model, .mode = mode,
		.budget = budget, .sample = smp, .outcome = TB_OUT_CORRECT,
		.extracted = "42", .expected = "42", .grade_reason = "", .grader = "numeric",
		.lang_check = -1, .split_method = "field", .reasoning = "", .answer = "42",
		.prompt_tokens = -1, .completion_tokens = -1, .reasoning_tokens = -1,
		.cached_tokens = -1, .cost_usd = NAN, .ttft_ms = NAN, .ttfa_ms = NAN,
		.total_ms = NAN, .finish_reason = "stop", .native_finish_reason = "stop",
		.http_status = 200, .attempts = 1, .error = "", .lang = "en",
		.provider = "sim", .generation_id = "gen-1", .seed = 1, .streamed = 1,
		.finished_at = 1e9,
	};
	return s;
}

static void put(tb_store *st, const tb_sample *s)
{
	ck_assert_msg(store_put_sample(st, s, err, sizeof(err)) == TB_OK, "%s", err);
}

/* Cell math/qwen3-14b/think/0, 13 planned, 12 stored:
 * 8 correct, 1 incorrect, 1 truncated (graded 10), 1 ungraded, 1 error.
 * The 11 non-error samples: total 1000..11000 ms, ttft (i+1)*100 but i = 3
 * unknown, ttfa 5000, prompt 100, completion 1000, reasoning 600 (i = 10
 * unknown), cost 0.001 (i = 10 unknown), 2 mode leaks. The error sample has
 * numbers that must stay out: total 99999, prompt 7777; its cost 0.0005 counts. */
static void fill_store(int simulated)
{
	static const tb_outcome outs[11] = {
		TB_OUT_CORRECT, TB_OUT_CORRECT, TB_OUT_INCORRECT, TB_OUT_CORRECT, TB_OUT_CORRECT,
		TB_OUT_TRUNCATED, TB_OUT_CORRECT, TB_OUT_CORRECT, TB_OUT_CORRECT, TB_OUT_CORRECT,
		TB_OUT_UNGRADED,
	};
	static const char *const ids[12] = {"q00", "q01", "q02", "q03", "q04", "q05",
					    "q06", "q07", "q08", "q09", "q10", "q11"};
	tb_cell cells[] = {
		{"math", "qwen/qwen3-14b", "think", 0, "planned", 13},
		{"math", "qwen/qwq-32b", "nothink", 0, "not_supported", 0},
		{"math", "qwen/qwen3-vl-32b-instruct", "nothink", 0, "planned", 2},
	};
	tb_run_info ri = {.simulated = simulated};
	tb_store *st;
	tb_sample s;

	snprintf(ri.run_id, sizeof(ri.run_id), "run-1");
	snprintf(ri.version, sizeof(ri.version), "0.1.0");
	snprintf(ri.started, sizeof(ri.started), "2026-11-21T19:33:47Z");
	snprintf(ri.status, sizeof(ri.status), "done");
	ck_assert_msg(store_create(dbpath, &ri, &st, err, sizeof(err)) == TB_OK, "%s", err);
	for (size_t i = 0; i < sizeof(cells) / sizeof(cells[0]); i++)
		ck_assert_int_eq(store_put_cell(st, &cells[i], err, sizeof(err)), TB_OK);
	for (int i = 0; i < 11; i++) {
		s = base("qwen/qwen3-14b", "think", 0, ids[i], 0);
		s.outcome = outs[i];
		s.total_ms = 1000.0 * (i + 1);
		s.ttft_ms = i == 3 ? NAN : 100.0 * (i + 1);
		s.ttfa_ms = 5000;
		s.prompt_tokens = 100;
		s.completion_tokens = 1000;
		s.reasoning_tokens = i == 10 ? -1 : 600;
		s.cost_usd = i == 10 ? NAN : 0.001;
		s.mode_leak = i == 1 || i == 7;
		put(st, &s);
	}
	s = base("qwen/qwen3-14b", "think", 0, ids[11], 0);
	s.outcome = TB_OUT_ERROR;
	s.error = "HTTP 503";
	s.total_ms = 99999;
	s.prompt_tokens = 7777;
	s.cost_usd = 0.0005;
	s.http_status = 503;
	put(st, &s);

	s = base("qwen/qwen3-vl-32b-instruct", "nothink", 0, "zh-1", 0);
	s.extracted = TRICKY;
	s.expected = "四十二";
	s.lang = "zh";
	s.total_ms = 2500;
	s.cost_usd = 0.25;
	s.prompt_tokens = 50;
	put(st, &s);
	s = base("qwen/qwen3-vl-32b-instruct", "nothink", 0, "zh-2", 0);
	s.outcome = TB_OUT_NOANSWER;
	s.extracted = "";
	s.http_status = 0;
	put(st, &s);

	/* a sample with no cell row, and a hostile model name */
	s = base("evil/\x1b[31mred\x1b[0m", "think", 1024, "c1", 0);
	s.suite = "code";
	put(st, &s);
	store_close(st);
}

static void setup(void)
{
	tu_dir_setup();
	snprintf(dbpath, sizeof(dbpath), "%s/store.sqlite", tu_dir);
}

static report *load(tb_store **st)
{
	report *r = NULL;

	ck_assert_msg(store_open(dbpath, 1, st, err, sizeof(err)) == TB_OK, "%s", err);
	ck_assert_msg(report_load(*st, &r, err, sizeof(err)) == TB_OK, "%s", err);
	return r;
}

START_TEST(aggregate)
{
	tb_store *st;
	report *r;
	const report_cell *c;

	fill_store(1);
	r = load(&st);
	ck_assert_uint_eq(r->n, 4);
	ck_assert_int_eq(r->samples, 15);
	ck_assert_str_eq(r->cells[0].suite, "code");
	ck_assert_str_eq(r->cells[0].status, "unplanned");
	ck_assert_int_eq(r->cells[0].n_planned, -1);
	ck_assert_int_eq(r->cells[0].budget, 1024);

	c = &r->cells[1];
	ck_assert_str_eq(c->model, "qwen/qwen3-14b");
	ck_assert_int_eq(c->n_planned, 13);
	ck_assert_int_eq(c->n, 12);
	ck_assert_int_eq(c->count[TB_OUT_CORRECT], 8);
	ck_assert_int_eq(c->count[TB_OUT_INCORRECT], 1);
	ck_assert_int_eq(c->count[TB_OUT_TRUNCATED], 1);
	ck_assert_int_eq(c->count[TB_OUT_UNGRADED], 1);
	ck_assert_int_eq(c->count[TB_OUT_ERROR], 1);
	ck_assert_int_eq(c->graded, 10);
	ck_assert_double_eq_tol(c->accuracy, 0.8, 1e-12);
	ck_assert_double_eq_tol(c->acc_lo, 0.4902, 5e-5);
	ck_assert_double_eq_tol(c->acc_hi, 0.9433, 5e-5);
	/* 1000..11000: R-7 p50 h = 5, p90 h = 9 */
	ck_assert_double_eq_tol(c->total_p50, 6000, 1e-9);
	ck_assert_double_eq_tol(c->total_p90, 10000, 1e-9);
	/* 100 200 300 500 ... 1100: p50 h = 4.5 -> 650, p90 h = 8.1 -> 1010 */
	ck_assert_double_eq_tol(c->ttft_p50, 650, 1e-9);
	ck_assert_double_eq_tol(c->ttft_p90, 1010, 1e-9);
	ck_assert_double_eq_tol(c->ttfa_p50, 5000, 1e-9);
	ck_assert_double_eq_tol(c->prompt_mean, 100, 1e-9);
	ck_assert_double_eq_tol(c->completion_mean, 1000, 1e-9);
	ck_assert_double_eq_tol(c->reasoning_mean, 600, 1e-9);
	ck_assert_double_eq_tol(c->answer_mean, 400, 1e-9);
	ck_assert_double_eq_tol(c->cost_usd, 0.0105, 1e-12);
	ck_assert_int_eq(c->cost_unknown, 1);
	ck_assert_int_eq(c->mode_leaks, 2);

	c = &r->cells[2];
	ck_assert_str_eq(c->model, "qwen/qwen3-vl-32b-instruct");
	ck_assert_int_eq(c->graded, 2);
	ck_assert_double_eq_tol(c->accuracy, 0.5, 1e-12);
	ck_assert_double_eq_tol(c->acc_lo, 0.09453, 5e-5);
	ck_assert(isnan(c->ttft_p50));
	ck_assert(isnan(c->reasoning_mean));

	c = &r->cells[3];
	ck_assert_str_eq(c->model, "qwen/qwq-32b");
	ck_assert_str_eq(c->status, "not_supported");
	ck_assert_int_eq(c->n, 0);
	ck_assert(isnan(c->accuracy));
	report_free(r);
	store_close(st);
}
END_TEST

static char *table_text(int simulated, int with_run)
{
	tb_store *st;
	tb_run_info run;
	report *r;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	unlink(dbpath);
	fill_store(simulated);
	r = load(&st);
	ck_assert_int_eq(store_get_run(st, &run, err, sizeof(err)), TB_OK);
	f = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(report_print_table(r, f, with_run ? &run : NULL), TB_OK);
	fclose(f);
	store_run_info_release(&run);
	report_free(r);
	store_close(st);
	return buf;
}

START_TEST(table)
{
	char *t = table_text(1, 1), *line, *save = NULL;
	int lines = 0;

	ck_assert_msg(strncmp(t, SIM_LINE "\n", strlen(SIM_LINE) + 1) == 0, "%s", t);
	ck_assert_ptr_nonnull(strstr(t, "run run-1"));
	/* cells without the mode: named in a line, not rows of dashes */
	ck_assert_ptr_nonnull(strstr(t, "\nnot supported (not run) in "));
	ck_assert_ptr_nonnull(strstr(t, "12/13"));
	ck_assert_ptr_nonnull(strstr(t, "80.0 [49-95]"));
	ck_assert_ptr_nonnull(strstr(t, "6.00/10.0"));
	ck_assert_ptr_nonnull(strstr(t, "100/400/600"));
	ck_assert_ptr_nonnull(strstr(t, "0.0105?"));
	ck_assert_ptr_nonnull(strstr(t, "mode leak: math qwen/qwen3-14b think: 2 of 12 samples"));
	ck_assert_ptr_null(strchr(t, '\x1b'));
	for (line = strtok_r(t, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		size_t w = 0;

		for (const char *p = line; *p; p++)
			w += ((unsigned char)*p & 0xC0) != 0x80;
		ck_assert_msg(w <= 100, "%zu columns: %s", w, line);
		lines++;
	}
	ck_assert_int_ge(lines, 8);
	free(t);
	t = table_text(1, 1);
	fputs(t, stdout);
	free(t);

	t = table_text(0, 1);
	ck_assert_ptr_null(strstr(t, "SIMULATED"));
	ck_assert_msg(strncmp(t, "run run-1", 9) == 0, "%s", t);
	free(t);
}
END_TEST

/* Reads a CSV file with Python's csv module; returns its rows as JSON. */
static json_t *python_csv(const char *csv)
{
	char cmd[9000], out[4300];
	json_error_t je;
	json_t *j;
	char *text;

	snprintf(out, sizeof(out), "%s.json", csv);
	snprintf(cmd, sizeof(cmd),
		 "python3 -c 'import csv, json, sys\n"
		 "rows = list(csv.reader(open(sys.argv[1], newline=\"\", encoding=\"utf-8\"), strict=True))\n"
		 "json.dump(rows, open(sys.argv[2], \"w\", encoding=\"utf-8\"))' '%s' '%s'",
		 csv, out);
	ck_assert_int_eq(system(cmd), 0);
	text = tu_read_file(out, NULL);
	ck_assert_ptr_nonnull(text);
	j = json_loads(text, 0, &je);
	ck_assert_msg(j != NULL, "%s", je.text);
	free(text);
	return j;
}

static const char *cell_of(json_t *rows, size_t row, size_t col)
{
	const char *s = json_string_value(json_array_get(json_array_get(rows, row), col));

	ck_assert_msg(s != NULL, "no field %zu in row %zu", col, row);
	return s;
}

/* The row whose column col equals v. */
static size_t find_row(json_t *rows, size_t col, const char *v)
{
	for (size_t i = 1; i < json_array_size(rows); i++)
		if (strcmp(cell_of(rows, i, col), v) == 0)
			return i;
	ck_abort_msg("no row with '%s'", v);
	return 0;
}

START_TEST(csv_files)
{
	static const char *const head[] = {
		"run_id", "suite", "item_id", "model", "mode", "budget", "sample", "outcome",
		"extracted", "expected", "prompt_tokens", "completion_tokens", "reasoning_tokens",
		"cost_usd", "ttft_ms", "ttfa_ms", "total_ms", "finish_reason", "attempts", "error",
		"lang", "provider", "generation_id", "mode_leak", "lang_check", "http_status",
		"simulated", "usage_invalid", "grade_path",
	};
	char path[4300];
	tb_store *st;
	report *r;
	json_t *rows;
	size_t i, len;
	char *raw;

	fill_store(1);
	r = load(&st);
	ck_assert_msg(report_write_csv(st, r, tu_dir, err, sizeof(err)) == TB_OK, "%s", err);
	report_free(r);
	store_close(st);

	snprintf(path, sizeof(path), "%s/samples.csv", tu_dir);
	raw = tu_read_file(path, &len);
	ck_assert_ptr_nonnull(raw);
	ck_assert(len > 2 && raw[len - 2] == '\r' && raw[len - 1] == '\n');
	ck_assert_ptr_nonnull(strstr(raw, "http_status,simulated,usage_invalid,grade_path,ttst_ms,gap_p50_ms,gap_p99_ms,reasoning_ms,"));
	/* the thinking metrics end the row (report_trace.c); unmeasured here */
	ck_assert_ptr_nonnull(strstr(raw, ",mode_disobeyed,budget_exceeded\r\n"));
	free(raw);
	rows = python_csv(path);
	ck_assert_uint_eq(json_array_size(rows), 16);
	for (i = 0; i < sizeof(head) / sizeof(head[0]); i++)
		ck_assert_str_eq(cell_of(rows, 0, i), head[i]);
	for (i = 0; i < json_array_size(rows); i++)
		ck_assert_uint_eq(json_array_size(json_array_get(rows, i)), 51);
	i = find_row(rows, 2, "zh-1");
	ck_assert_str_eq(cell_of(rows, i, 0), "run-1");
	ck_assert_str_eq(cell_of(rows, i, 3), "qwen/qwen3-vl-32b-instruct");
	ck_assert_str_eq(cell_of(rows, i, 7), "correct");
	ck_assert_str_eq(cell_of(rows, i, 8), TRICKY);
	ck_assert_str_eq(cell_of(rows, i, 9), "四十二");
	ck_assert_str_eq(cell_of(rows, i, 10), "50");
	ck_assert_str_eq(cell_of(rows, i, 11), "");      /* unknown tokens */
	ck_assert_str_eq(cell_of(rows, i, 13), "0.25");
	ck_assert_str_eq(cell_of(rows, i, 14), "");      /* unknown ttft */
	ck_assert_str_eq(cell_of(rows, i, 16), "2500");
	ck_assert_str_eq(cell_of(rows, i, 20), "zh");
	ck_assert_str_eq(cell_of(rows, i, 24), "");      /* language unchecked */
	ck_assert_str_eq(cell_of(rows, i, 25), "200");
	i = find_row(rows, 2, "zh-2");
	ck_assert_str_eq(cell_of(rows, i, 7), "no_answer");
	ck_assert_str_eq(cell_of(rows, i, 25), "");      /* no response */
	i = find_row(rows, 2, "q11");
	ck_assert_str_eq(cell_of(rows, i, 7), "error");
	ck_assert_str_eq(cell_of(rows, i, 19), "HTTP 503");
	ck_assert_str_eq(cell_of(rows, i, 13), "0.0005");
	/* key order: suite "code" first */
	ck_assert_str_eq(cell_of(rows, 1, 1), "code");
	ck_assert_str_eq(cell_of(rows, 1, 3), "evil/\\x1b[31mred\\x1b[0m");
	json_decref(rows);

	snprintf(path, sizeof(path), "%s/summary.csv", tu_dir);
	rows = python_csv(path);
	ck_assert_uint_eq(json_array_size(rows), 5);
	ck_assert_str_eq(cell_of(rows, 0, 1), "simulated");
	i = find_row(rows, 3, "qwen/qwen3-14b");
	ck_assert_str_eq(cell_of(rows, i, 1), "1");
	ck_assert_str_eq(cell_of(rows, i, 6), "planned");
	ck_assert_str_eq(cell_of(rows, i, 7), "13");
	ck_assert_str_eq(cell_of(rows, i, 8), "12");
	ck_assert_str_eq(cell_of(rows, i, 9), "8");    /* correct */
	ck_assert_str_eq(cell_of(rows, i, 14), "1");   /* error */
	ck_assert_str_eq(cell_of(rows, i, 16), "10");  /* graded */
	ck_assert_str_eq(cell_of(rows, i, 17), "0.8"); /* accuracy */
	ck_assert_double_eq_tol(strtod(cell_of(rows, i, 18), NULL), 0.4902, 5e-5);
	ck_assert_str_eq(cell_of(rows, i, 20), "6000");
	ck_assert_double_eq_tol(strtod(cell_of(rows, i, 29), NULL), 0.0105, 1e-12);
	ck_assert_str_eq(cell_of(rows, i, 31), "2");   /* mode leaks */
	i = find_row(rows, 3, "qwen/qwq-32b");
	ck_assert_str_eq(cell_of(rows, i, 6), "not_supported");
	ck_assert_str_eq(cell_of(rows, i, 17), "");    /* no accuracy */
	i = find_row(rows, 3, "evil/\\x1b[31mred\\x1b[0m");
	ck_assert_str_eq(cell_of(rows, i, 6), "unplanned");
	ck_assert_str_eq(cell_of(rows, i, 7), "");
	json_decref(rows);
}
END_TEST

/* Runs cmd_report with stdout in a file; returns the exit code. */
static int run_cmd(char **argv, int argc, const char *outfile)
{
	int fd = open(outfile, O_WRONLY | O_CREAT | O_TRUNC, 0644), saved, rc;

	ck_assert_int_ge(fd, 0);
	fflush(stdout);
	saved = dup(STDOUT_FILENO);
	dup2(fd, STDOUT_FILENO);
	close(fd);
	rc = cmd_report(argc, argv);
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
	return rc;
}

START_TEST(command)
{
	char outfile[4300], outdir[4300], csv[4400];
	char *text;
	struct stat sb;

	fill_store(1);
	snprintf(outfile, sizeof(outfile), "%s/stdout.txt", tu_dir);
	snprintf(outdir, sizeof(outdir), "%s/out", tu_dir);
	{
		char *argv[] = {"report", tu_dir, "--format", "text,csv", "--out", outdir, NULL};

		ck_assert_int_eq(run_cmd(argv, 6, outfile), TB_EXIT_OK);
	}
	text = tu_read_file(outfile, NULL);
	ck_assert_ptr_nonnull(text);
	ck_assert_msg(strncmp(text, SIM_LINE "\n", strlen(SIM_LINE) + 1) == 0, "%s", text);
	free(text);
	snprintf(csv, sizeof(csv), "%s/summary.csv", outdir);
	ck_assert_int_eq(stat(csv, &sb), 0);
	snprintf(csv, sizeof(csv), "%s/samples.csv", outdir);
	ck_assert_int_eq(stat(csv, &sb), 0);
	{
		/* a store file, csv only: the files go beside it, nothing to stdout */
		char *argv[] = {"report", dbpath, "--format=csv", NULL};

		ck_assert_int_eq(run_cmd(argv, 3, outfile), TB_EXIT_OK);
		text = tu_read_file(outfile, NULL);
		ck_assert_str_eq(text, "");
		free(text);
		snprintf(csv, sizeof(csv), "%s/samples.csv", tu_dir);
		ck_assert_int_eq(stat(csv, &sb), 0);
	}
	{
		char *argv[] = {"report", tu_dir, "--format", "text,pdf", NULL};

		ck_assert_int_eq(run_cmd(argv, 4, outfile), TB_EXIT_USAGE);
	}
	{
		char *argv[] = {"report", "/nonexistent/run", NULL};

		ck_assert_int_eq(run_cmd(argv, 2, outfile), TB_EXIT_USAGE);
	}
	{
		char *argv[] = {"report", outdir, NULL};   /* a folder without a store */

		ck_assert_int_eq(run_cmd(argv, 2, outfile), TB_EXIT_USAGE);
	}
	{
		char *argv[] = {"report", NULL};

		ck_assert_int_eq(run_cmd(argv, 1, outfile), TB_EXIT_USAGE);
	}
}
END_TEST

START_TEST(csv_writer_bytes)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	csv_writer w;

	csv_init(&w, f);
	csv_str(&w, "plain");
	csv_str(&w, "a,b");
	csv_str(&w, "say \"hi\"");
	csv_str(&w, "two\r\nlines");
	csv_str(&w, NULL);
	csv_str(&w, "数学 ٤٢");
	csv_end(&w);
	csv_long(&w, -3);
	csv_count(&w, -1);
	csv_count(&w, 0);
	csv_double(&w, 0.1);
	csv_double(&w, 1.0 / 3.0);
	csv_double(&w, NAN);
	csv_double(&w, -INFINITY);
	csv_double_sig(&w, 2.0 / 3.0, 4);
	csv_end(&w);
	ck_assert_int_eq(csv_error(&w), TB_OK);
	fclose(f);
	ck_assert_str_eq(buf, "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\r\nlines\",,数学 ٤٢\r\n"
			      "-3,,0,0.1,0.33333333333333331,,-inf,0.6667\r\n");
	free(buf);
}
END_TEST

START_TEST(empty_store)
{
	tb_run_info ri = {.simulated = 0};
	tb_store *st;
	report *r;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	snprintf(ri.run_id, sizeof(ri.run_id), "empty");
	ck_assert_int_eq(store_create(dbpath, &ri, &st, err, sizeof(err)), TB_OK);
	ck_assert_int_eq(report_load(st, &r, err, sizeof(err)), TB_OK);
	ck_assert_uint_eq(r->n, 0);
	f = open_memstream(&buf, &len);
	ck_assert_int_eq(report_print_table(r, f, NULL), TB_OK);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(buf, "no cells"));
	free(buf);
	ck_assert_int_eq(report_write_csv(st, r, tu_dir, err, sizeof(err)), TB_OK);
	/* an output folder that does not exist: a clean error, no file left */
	ck_assert_int_eq(report_write_csv(st, r, "/nonexistent/dir", err, sizeof(err)), TB_ERR);
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/dir/samples.csv"));
	report_free(r);
	store_close(st);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("report");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, tu_dir_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, aggregate);
	tcase_add_test(tc, table);
	tcase_add_test(tc, csv_files);
	tcase_add_test(tc, command);
	tcase_add_test(tc, csv_writer_bytes);
	tcase_add_test(tc, empty_store);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
