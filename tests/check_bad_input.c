/* Bad input to the program, from the table in tests/data/bad-input.txt: bad
 * flags, models files and suites each give exit 2, one line that names the
 * file (and line) and the field, and nothing written under --out. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rc.h"
#include "store.h"
#include "testutil.h"

#define MAX_ARGS 32
#define MAX_EXPECT 4


typedef struct bcase {
	char name[256];
	char args[1024];
	char file[8192];
	size_t file_len;
	long huge;
	int has_file;
	char expect[MAX_EXPECT][512];
	int n_expect;
} bcase;

/* Replaces $FILE, $SUITE, $MODELS and $OUT in src. */
static void expand(const char *src, char *out, size_t n)
{
	static const char *const names[] = {"$FILE", "$SUITE", "$MODELS", "$OUT"};
	static const char *const files[] = {"case.jsonl", "good.jsonl", "models.json", "out"};
	size_t o = 0;

	while (*src && o + 1 < n) {
		size_t k;

		for (k = 0; k < 4; k++)
			if (strncmp(src, names[k], strlen(names[k])) == 0)
				break;
		if (k < 4) {
			o += (size_t)snprintf(out + o, n - o, "%s/%s", tu_dir, files[k]);
			if (o >= n)
				o = n - 1;
			src += strlen(names[k]);
		} else {
			out[o++] = *src++;
		}
	}
	out[o] = '\0';
}

/* Appends a file line with \xNN escapes turned into bytes. */
static void add_file_line(bcase *c, const char *line)
{
	for (const char *s = line; *s && c->file_len + 2 < sizeof(c->file);) {
		if (s[0] == '\\' && s[1] == 'x' && s[2] && s[3]) {
			char hex[3] = {s[2], s[3], 0};

			c->file[c->file_len++] = (char)strtol(hex, NULL, 16);
			s += 4;
		} else {
			c->file[c->file_len++] = *s++;
		}
	}
	c->file[c->file_len++] = '\n';
}

static void write_case_file(const bcase *c)
{
	char path[600];
	FILE *f;

	snprintf(path, sizeof(path), "%s/case.jsonl", tu_dir);
	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	if (c->huge > 0) {
		fputs("{\"id\": \"h\", \"prompt\": \"", f);
		for (long i = 0; i < c->huge; i++)
			fputc('x', f);
		fputs("\", \"answer\": \"1\"}\n", f);
	} else {
		fwrite(c->file, 1, c->file_len, f);
	}
	fclose(f);
}

static int run_case(const bcase *c, const char *log)
{
	char args[4096], *argv[MAX_ARGS + 2], *save = NULL;
	int argc = 0;

	expand(c->args, args, sizeof(args));
	argv[argc++] = "thinkbench";
	for (char *t = strtok_r(args, " ", &save); t && argc < MAX_ARGS; t = strtok_r(NULL, " ", &save))
		argv[argc++] = t;
	argv[argc] = NULL;
	return tu_run_tb(argv, log, NULL, 60);
}

static void check_case(const bcase *c)
{
	char log[600], out[600];
	struct stat st;
	char *text;
	int rc, lines = 0;

	snprintf(log, sizeof(log), "%s/run.log", tu_dir);
	snprintf(out, sizeof(out), "%s/out", tu_dir);
	if (c->has_file)
		write_case_file(c);
	rc = run_case(c, log);
	text = tu_read_file(log, NULL);
	ck_assert_ptr_nonnull(text);
	for (char *p = text; *p; p++)
		lines += *p == '\n';
	ck_assert_msg(rc == 2, "case '%s': exit %d, want 2: %s", c->name, rc, text);
	ck_assert_msg(lines == 1 && strncmp(text, "thinkbench: error: ", 19) == 0,
		      "case '%s': expected one error line, got '%s'", c->name, text);
	for (int i = 0; i < c->n_expect; i++) {
		char want[1024];

		expand(c->expect[i], want, sizeof(want));
		ck_assert_msg(strstr(text, want) != NULL, "case '%s': got '%s', expected it to contain '%s'",
			      c->name, text, want);
	}
	ck_assert_msg(stat(out, &st) != 0, "case '%s': something was written under --out", c->name);
	free(text);
}

START_TEST(table_of_bad_input)
{
	char *text = tu_read_file(TB_SOURCE_DIR "/tests/data/bad-input.txt", NULL);
	char *line, *next, path[600];
	bcase *c = calloc(1, sizeof(*c));
	int cases = 0, in_file = 0, open_case = 0;
	FILE *f;

	ck_assert_ptr_nonnull(text);
	ck_assert_ptr_nonnull(c);
	snprintf(path, sizeof(path), "%s/good.jsonl", tu_dir);
	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	fputs("{\"id\": \"a\", \"prompt\": \"What is 2 + 2?\", \"answer\": 4, \"grader\": {\"type\": \"numeric\"}}\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/models.json", tu_dir);
	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	fputs("{\"models\": [{\"id\": \"local/x\", \"base_url\": \"http://127.0.0.1:9/v1\"}]}\n", f);
	fclose(f);

	/* Bounded by the file: each pass consumes one line. */
	for (line = text; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (strncmp(line, "--- expect: ", 12) == 0) {
			ck_assert_msg(open_case && c->n_expect < MAX_EXPECT, "bad table near '%s'", line);
			snprintf(c->expect[c->n_expect++], sizeof(c->expect[0]), "%s", line + 12);
			in_file = 0;
			continue;
		}
		if (in_file) {
			add_file_line(c, line);
			continue;
		}
		if (strncmp(line, "=== ", 4) == 0) {
			if (open_case) {
				check_case(c);
				cases++;
			}
			memset(c, 0, sizeof(*c));
			snprintf(c->name, sizeof(c->name), "%s", line + 4);
			open_case = 1;
		} else if (strncmp(line, "args: ", 6) == 0) {
			snprintf(c->args, sizeof(c->args), "%s", line + 6);
		} else if (strcmp(line, "file:") == 0) {
			c->has_file = 1;
			in_file = 1;
		} else if (strncmp(line, "huge: ", 6) == 0) {
			c->has_file = 1;
			c->huge = atol(line + 6);
		} else {
			ck_assert_msg(line[0] == '#' || line[0] == '\0', "bad table line '%s'", line);
		}
	}
	if (open_case) {
		check_case(c);
		cases++;
	}
	ck_assert_int_ge(cases, 30);
	free(c);
	free(text);
}
END_TEST

static void write_good_suite(char *path, size_t n)
{
	snprintf(path, n, "%s/good.jsonl", tu_dir);
	tu_write_file(path, "{\"id\": \"a\", \"prompt\": \"What is 2 + 2?\", \"answer\": 4}\n");
}

/* A run id names a folder and goes into gnuplot scripts: a newline in it
 * could end a script's comment and start a command. */
START_TEST(run_id_with_a_newline)
{
	char suite[600], out[600], log[600];
	char *argv[] = {"thinkbench", "run", "--suite", suite, "--out", out, "--sim",
			"--run-id", "r\n!touch pwned", NULL};
	struct stat sb;
	char *text;

	write_good_suite(suite, sizeof(suite));
	snprintf(out, sizeof(out), "%s/out", tu_dir);
	snprintf(log, sizeof(log), "%s/run.log", tu_dir);
	ck_assert_int_eq(tu_run_tb(argv, log, NULL, 60), 2);
	text = tu_read_file(log, NULL);
	ck_assert_msg(strstr(text, "--run-id") != NULL, "%s", text);
	ck_assert_msg(stat(out, &sb) != 0, "a run folder was made");
	free(text);
}
END_TEST

/* A store made elsewhere with a hostile run id: report refuses it in one
 * line, writes no file and runs nothing. */
START_TEST(store_with_a_hostile_run_id)
{
	static const char evil[] = "r\n!touch pwned\nsystem \"touch pwned\"\n#";
	char dir[600], path[700], log[600], err[512], sql[256];
	char *argv[] = {"thinkbench", "report", dir, "--plots", "--format", "all", NULL};
	tb_run_info info = {0};
	tb_store *st = NULL;
	sqlite3 *db = NULL;
	struct stat sb;
	char *text;

	snprintf(dir, sizeof(dir), "%s/run", tu_dir);
	ck_assert_int_eq(mkdir(dir, 0777), 0);
	snprintf(path, sizeof(path), "%s/store.sqlite", dir);
	snprintf(info.run_id, sizeof(info.run_id), "r1");
	snprintf(info.status, sizeof(info.status), "done");
	ck_assert_msg(store_create(path, &info, &st, err, sizeof(err)) == TB_OK, "%s", err);
	store_close(st);
	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	sqlite3_snprintf(sizeof(sql), sql, "UPDATE run SET run_id = %Q", evil);
	ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);

	snprintf(log, sizeof(log), "%s/report.log", tu_dir);
	ck_assert_int_ne(tu_run_tb(argv, log, NULL, 60), 0);
	text = tu_read_file(log, NULL);
	ck_assert_msg(strstr(text, "run.run_id") != NULL && strchr(text, '\n') == strrchr(text, '\n'),
		      "expected one line naming run.run_id, got '%s'", text);
	free(text);
	snprintf(path, sizeof(path), "%s/plots", dir);
	ck_assert_msg(stat(path, &sb) != 0, "plots were written");
	snprintf(path, sizeof(path), "%s/pwned", dir);
	ck_assert_msg(stat(path, &sb) != 0, "a command ran");
	snprintf(path, sizeof(path), "%s/plots/pwned", dir);
	ck_assert_msg(stat(path, &sb) != 0, "a command ran");
}
END_TEST

/* A suite that is one endless line: each command stops at the line ceiling,
 * within a second and 64 MB, with one line and no run folder. */
START_TEST(endless_line_suite)
{
	char out[600], log[600];
	char *run[] = {"thinkbench", "run", "--suite", "/dev/zero", "--out", out, "--sim", NULL};
	char *list[] = {"thinkbench", "list", "suites", "/dev/zero", NULL};
	char *const *cmds[] = {run, list};
	struct stat sb;

	snprintf(out, sizeof(out), "%s/out", tu_dir);
	snprintf(log, sizeof(log), "%s/run.log", tu_dir);
	for (size_t i = 0; i < 2; i++) {
		struct rusage ru;
		double t0 = tu_now_s(), took;
		char *text;

		ck_assert_int_eq(tu_run_tb(cmds[i], log, NULL, 60), 2);
		took = tu_now_s() - t0;
		ck_assert_int_eq(getrusage(RUSAGE_CHILDREN, &ru), 0);
		text = tu_read_file(log, NULL);
		ck_assert_msg(strstr(text, "/dev/zero:1: line longer than") != NULL, "%s", text);
		free(text);
#if defined(__SANITIZE_ADDRESS__)
		/* the sanitizers' own memory and speed are not the harness's */
		(void)took;
#else
		ck_assert_msg(took < 1.0, "%s took %.2f s", cmds[i][1], took);
		ck_assert_msg(ru.ru_maxrss < 64 * 1024, "%s used %ld KB", cmds[i][1], ru.ru_maxrss);
#endif
	}
	ck_assert_msg(stat(out, &sb) != 0, "a run folder was made");
}
END_TEST

/* An image over the limit (a sparse file: no disk is used) fails the suite
 * check, before any folder is made. */
START_TEST(oversized_image)
{
	char img[600], suite[600], out[600], log[600], text[800];
	char *argv[] = {"thinkbench", "run", "--suite", suite, "--out", out, "--sim", NULL};
	struct stat sb;
	char *msg;

	snprintf(img, sizeof(img), "%s/big.png", tu_dir);
	tu_write_file(img, "\x89PNG\r\n\x1a\n");
	ck_assert_int_eq(truncate(img, (21 << 20)), 0);
	snprintf(suite, sizeof(suite), "%s/s.jsonl", tu_dir);
	snprintf(text, sizeof(text), "{\"id\": \"a\", \"prompt\": \"x\", \"answer\": \"1\", \"images\": [\"big.png\"]}\n");
	tu_write_file(suite, text);
	snprintf(out, sizeof(out), "%s/out", tu_dir);
	snprintf(log, sizeof(log), "%s/run.log", tu_dir);
	ck_assert_int_eq(tu_run_tb(argv, log, NULL, 60), 2);
	msg = tu_read_file(log, NULL);
	ck_assert_msg(strstr(msg, "s.jsonl:1: images:") && strstr(msg, "at most"), "%s", msg);
	free(msg);
	ck_assert_msg(stat(out, &sb) != 0, "a run folder was made");
}
END_TEST

/* What the README shows must load: a models file with a byte order mark,
 * and "api_key_env": null for an endpoint without a key. */
START_TEST(bom_and_null_key_accepted)
{
	char models[600], log[600];
	char *argv[] = {"thinkbench", "list", "models", "--models", models, NULL};
	char *text;

	snprintf(models, sizeof(models), "%s/models.json", tu_dir);
	tu_write_file(models, "\xEF\xBB\xBF{\"models\": [{\"id\": \"local/x\", \"base_url\": "
			      "\"http://127.0.0.1:8000/v1\", \"api_key_env\": null}]}\n");
	snprintf(log, sizeof(log), "%s/list.log", tu_dir);
	ck_assert_int_eq(tu_run_tb(argv, log, NULL, 60), 0);
	text = tu_read_file(log, NULL);
	ck_assert_msg(strstr(text, "local/x") != NULL, "%s", text);
	free(text);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("bad_input");
	TCase *tc = tcase_create("table");

	tcase_add_checked_fixture(tc, tu_dir_setup, tu_dir_teardown);
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, table_of_bad_input);
	tcase_add_test(tc, run_id_with_a_newline);
	tcase_add_test(tc, store_with_a_hostile_run_id);
	tcase_add_test(tc, endless_line_suite);
	tcase_add_test(tc, oversized_image);
	tcase_add_test(tc, bom_and_null_key_accepted);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
