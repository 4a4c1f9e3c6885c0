/* The suite loader: good files load with their defaults applied; every bad
 * file in tests/data/suite-errors.txt gives its one line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "rc.h"
#include "suite.h"
#include "testutil.h"

static char *dir;

/* Turns \xNN escapes into bytes, so cases can hold invalid UTF-8. */
static void unescape(char *s)
{
	char *o = s;

	while (*s) {
		if (s[0] == '\\' && s[1] == 'x' && s[2] && s[3]) {
			char hex[3] = {s[2], s[3], 0};

			*o++ = (char)strtol(hex, NULL, 16);
			s += 4;
		} else {
			*o++ = *s++;
		}
	}
	*o = '\0';
}

START_TEST(error_table)
{
	char *text = tu_read_file(TB_SOURCE_DIR "/tests/data/suite-errors.txt", NULL);
	char *line, *save = NULL, body[8192] = "", name[256] = "";
	int cases = 0;

	ck_assert_ptr_nonnull(text);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (strncmp(line, "=== ", 4) == 0) {
			snprintf(name, sizeof(name), "%s", line + 4);
			body[0] = '\0';
		} else if (strncmp(line, "--- expect: ", 12) == 0) {
			char path[512], err[1024] = "";
			tb_suite *s = NULL;
			int rc;

			snprintf(path, sizeof(path), "%s/case.jsonl", dir);
			unescape(body);
			tu_write_file(path, body);
			rc = suite_load(path, 0, &s, err, sizeof(err));
			ck_assert_msg(rc != TB_OK, "case '%s' loaded but should fail", name);
			ck_assert_ptr_null(s);
			ck_assert_msg(strstr(err, line + 12) != NULL, "case '%s': got '%s', expected '%s'",
				      name, err, line + 12);
			ck_assert_msg(strstr(err, path) == err, "case '%s': '%s' does not start with the file", name, err);
			ck_assert_msg(!strchr(err, '\n'), "case '%s': the message is more than one line", name);
			cases++;
		} else if (line[0] != '#' || body[0]) {
			strncat(body, line, sizeof(body) - strlen(body) - 2);
			strcat(body, "\n");
		}
	}
	ck_assert_int_ge(cases, 20);
	free(text);
}
END_TEST

START_TEST(defaults_apply)
{
	char path[512], err[1024] = "";
	tb_suite *s = NULL;

	snprintf(path, sizeof(path), "%s/math.jsonl", dir);
	tu_write_file(path,
		   "{\"suite\": {\"name\": \"arith\", \"system\": \"Be brief.\", \"template\": \"Q: {prompt}\\nA:\","
		   " \"grader\": {\"type\": \"regex\", \"pattern\": \"(\\\\d+)\"}, \"lang\": \"en\", \"tags\": [\"easy\"]}}\n"
		   "\n"
		   "# a comment line\n"
		   "{\"id\": \"one\", \"prompt\": \"2+2?\", \"answer\": 4, \"tags\": [\"add\"]}\n"
		   "{\"id\": \"two\", \"prompt\": \"3*3?\", \"answer\": \"9\", \"lang\": \"de\", \"max_tokens\": 99}\n");
	ck_assert_int_eq(suite_load(path, 0, &s, err, sizeof(err)), TB_OK);
	ck_assert_str_eq(s->name, "arith");
	ck_assert_str_eq(s->system, "Be brief.");
	ck_assert_uint_eq(s->n_items, 2);
	ck_assert_str_eq(s->items[0].prompt, "Q: 2+2?\nA:");
	ck_assert_str_eq(s->items[0].expected, "4");
	ck_assert_str_eq(s->items[0].lang, "en");
	ck_assert_str_eq(s->items[1].lang, "de");
	ck_assert_uint_eq(json_array_size(s->items[0].tags), 2);
	ck_assert_int_eq(s->items[0].line, 4);
	ck_assert_int_eq(s->items[1].max_tokens, 99);
	ck_assert_ptr_nonnull(s->items[1].grader);
	ck_assert_str_eq(gr_name(s->items[1].grader), "regex");
	ck_assert_str_eq(suite_item_user_text(&s->items[1]), "Q: 3*3?\nA:");
	ck_assert_uint_eq(strlen(s->hash), 64);
	suite_free(s);

	ck_assert_int_eq(suite_load(path, 1, &s, err, sizeof(err)), TB_OK);
	ck_assert_uint_eq(s->n_items, 1);
	suite_free(s);
}
END_TEST

START_TEST(folder_and_duplicate_names)
{
	char sub[512], path[600], err[1024] = "";
	tb_suite **v = NULL;
	size_t n = 0;

	snprintf(sub, sizeof(sub), "%s/folder", dir);
	ck_assert_int_eq(mkdir(sub, 0777), 0);
	snprintf(path, sizeof(path), "%s/b.jsonl", sub);
	tu_write_file(path, "{\"id\": \"x\", \"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"text\", \"text\": \"hi\"}]}]}\n");
	snprintf(path, sizeof(path), "%s/a.jsonl", sub);
	tu_write_file(path, "{\"id\": \"x\", \"prompt\": \"p\"}\n");
	snprintf(path, sizeof(path), "%s/notes.txt", sub);
	tu_write_file(path, "not a suite");
	ck_assert_int_eq(suite_load_path(sub, 0, &v, &n, err, sizeof(err)), TB_OK);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(v[0]->name, "a");
	ck_assert_str_eq(v[1]->name, "b");
	ck_assert_str_eq(suite_item_user_text(&v[1]->items[0]), "hi");
	/* Loading the same folder again names each suite twice. */
	ck_assert_int_ne(suite_load_path(sub, 0, &v, &n, err, sizeof(err)), TB_OK);
	ck_assert_msg(strstr(err, "already used") != NULL, "%s", err);
	for (size_t i = 0; i < n; i++)
		suite_free(v[i]);
	free(v);
}
END_TEST

START_TEST(huge_line_refused)
{
	char path[512], err[1024] = "";
	tb_suite *s = NULL;
	FILE *f;

	snprintf(path, sizeof(path), "%s/huge.jsonl", dir);
	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	fputs("{\"id\": \"a\", \"prompt\": \"", f);
	for (int i = 0; i < 9 * 1024; i++) {
		char kb[1024];

		memset(kb, 'x', sizeof(kb));
		fwrite(kb, 1, sizeof(kb), f);
	}
	fputs("\"}\n", f);
	fclose(f);
	ck_assert_int_ne(suite_load(path, 0, &s, err, sizeof(err)), TB_OK);
	ck_assert_msg(strstr(err, ":1: line longer than") != NULL, "%s", err);
}
END_TEST

static void setup(void)
{
	dir = tu_mkdtemp();
}

static void teardown(void)
{
	tu_rmtree(dir);
	free(dir);
}

int main(void)
{
	Suite *s = suite_create("suite");
	TCase *tc = tcase_create("load");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, error_table);
	tcase_add_test(tc, defaults_apply);
	tcase_add_test(tc, folder_and_duplicate_names);
	tcase_add_test(tc, huge_line_refused);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
