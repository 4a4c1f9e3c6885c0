/* The suite loader: good files load with their defaults applied; every bad
 * file in tests/data/suite-errors.txt gives its one line. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "rc.h"
#include "suite.h"
#include "testutil.h"


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
			char path[512];

			snprintf(path, sizeof(path), "%s/case.jsonl", tu_dir);
			unescape(body);
			tu_write_file(path, body);
			/* Loaded, and opened without keeping the items: the same check. */
			for (int open = 0; open < 2; open++) {
				char err[1024] = "";
				tb_suite *s = NULL, **v = NULL;
				size_t n = 0;
				int rc;

				if (open)
					rc = suite_open_path(path, 0, &v, &n, err, sizeof(err));
				else
					rc = suite_load(path, 0, &s, err, sizeof(err));
				ck_assert_msg(rc != TB_OK, "case '%s' (open %d) loaded but should fail", name, open);
				ck_assert_ptr_null(s);
				ck_assert_uint_eq(n, 0);
				free(v);
				ck_assert_msg(strstr(err, line + 12) != NULL, "case '%s' (open %d): got '%s', expected '%s'",
					      name, open, err, line + 12);
				ck_assert_msg(strstr(err, path) == err, "case '%s': '%s' does not start with the file", name, err);
				ck_assert_msg(!strchr(err, '\n'), "case '%s': the message is more than one line", name);
			}
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

	snprintf(path, sizeof(path), "%s/math.jsonl", tu_dir);
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

	snprintf(sub, sizeof(sub), "%s/folder", tu_dir);
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

	snprintf(path, sizeof(path), "%s/huge.jsonl", tu_dir);
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

static tb_suite *open_one(const char *path, size_t limit)
{
	tb_suite **v = NULL;
	size_t n = 0;
	char err[1024] = "";
	tb_suite *s;

	ck_assert_msg(suite_open_path(path, limit, &v, &n, err, sizeof(err)) == TB_OK, "%s", err);
	ck_assert_uint_eq(n, 1);
	s = v[0];
	free(v);
	return s;
}

static void same_json(const json_t *a, const json_t *b)
{
	ck_assert_msg(a ? b && json_equal(a, b) : !b, "JSON differs");
}

static void same_str(const char *a, const char *b)
{
	if (!a || !b)
		ck_assert_ptr_eq(a, b);
	else
		ck_assert_str_eq(a, b);
}

/* An opened suite gives, item by item, what the loaded one holds. */
START_TEST(opened_items_match_loaded)
{
	char path[512], img[600], err[1024] = "";
	tb_suite *s = NULL, *o;

	snprintf(img, sizeof(img), "%s/pic.png", tu_dir);
	tu_write_file(img, "\x89PNG\r\n\x1a\n"); /* images are checked for their kind */
	snprintf(path, sizeof(path), "%s/mix.jsonl", tu_dir);
	tu_write_file(path,
		   "\xEF\xBB\xBF{\"suite\": {\"name\": \"mix\", \"template\": \"Q: {prompt}\", \"lang\": \"en\","
		   " \"tags\": [\"t\"], \"grader\": {\"type\": \"regex\", \"pattern\": \"(\\\\d+)\"}}}\n"
		   "# the ids below are pairs whose 32-bit FNV-1a hashes collide\n"
		   "{\"id\": \"costarring\", \"prompt\": \"2+2?\", \"answer\": 4, \"tags\": [\"add\"]}\n"
		   "\n"
		   "{\"id\": \"liquid\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}], \"answer\": \"1\","
		   " \"max_tokens\": 7, \"images\": [\"pic.png\"]}\n"
		   "{\"id\": \"declinate\", \"prompt\": \"x\", \"answer\": \"ab\", \"lang\": \"de\","
		   " \"grader\": {\"type\": \"regex\", \"pattern\": \"(a)(b)\"}, \"reference\": \"r\", \"wrong_reference\": \"w\"}\n"
		   "{\"id\": \"macallums\", \"prompt\": \"y\", \"answer\": 5}\n");
	ck_assert_msg(suite_load(path, 0, &s, err, sizeof(err)) == TB_OK, "%s", err);
	o = open_one(path, 0);
	ck_assert_ptr_null(o->items);
	ck_assert_uint_eq(o->n_items, 4);
	ck_assert_uint_eq(s->n_items, 4);
	ck_assert_str_eq(o->hash, s->hash);
	ck_assert_str_eq(o->name, "mix");
	ck_assert_int_eq(o->has_images, 1);
	ck_assert_int_eq(s->has_images, 1);
	ck_assert_int_eq(o->has_exec, 0);
	for (size_t i = 0; i < s->n_items; i++) {
		const tb_item *a = &s->items[i], *b, *same;

		ck_assert_msg(suite_item_get(o, i, &b, err, sizeof(err)) == TB_OK, "%s", err);
		ck_assert_ptr_ne(a, b);
		ck_assert_str_eq(a->id, b->id);
		same_str(a->prompt, b->prompt);
		same_json(a->messages, b->messages);
		same_str(a->expected, b->expected);
		same_str(a->lang, b->lang);
		same_json(a->tags, b->tags);
		ck_assert_uint_eq(a->n_images, b->n_images);
		for (size_t k = 0; k < a->n_images; k++)
			ck_assert_str_eq(a->images[k], b->images[k]);
		ck_assert_int_eq(a->max_tokens, b->max_tokens);
		same_json(a->grader_spec, b->grader_spec);
		ck_assert_int_eq(!a->grader, !b->grader);
		if (a->grader)
			ck_assert_str_eq(gr_name(a->grader), gr_name(b->grader));
		same_str(a->reference, b->reference);
		same_str(a->wrong_reference, b->wrong_reference);
		ck_assert_int_eq(a->line, b->line);
		ck_assert_str_eq(suite_item_user_text(a), suite_item_user_text(b));
		/* A loaded suite's item is borrowed: hold and put change nothing. */
		ck_assert_int_eq(suite_item_get(s, i, &same, err, sizeof(err)), TB_OK);
		ck_assert_ptr_eq(same, a);
		suite_item_hold(same);
		suite_item_put(same);
		suite_item_put(same);
		ck_assert_str_eq(a->id, s->items[i].id);
		/* Three holders, three puts: the last frees it (ASan tells). */
		suite_item_hold(b);
		suite_item_hold(b);
		suite_item_put(b);
		suite_item_put(b);
		ck_assert_str_eq(b->id, a->id);
		suite_item_put(b);
	}
	{
		const tb_item *none;

		ck_assert_int_ne(suite_item_get(o, 4, &none, err, sizeof(err)), TB_OK);
		ck_assert_ptr_null(none);
	}
	suite_free(o);
	o = open_one(path, 2);
	ck_assert_uint_eq(o->n_items, 2);
	suite_free(o);
	suite_free(s);
}
END_TEST

/* Thousands of ids (the table grows), and a duplicate far from its first. */
START_TEST(late_duplicate_found_both_ways)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/many.jsonl", tu_dir);
	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	for (int i = 0; i < 5000; i++)
		fprintf(f, "{\"id\": \"i%d\", \"prompt\": \"p\"}\n", i);
	fclose(f);
	suite_free(open_one(path, 0));
	f = fopen(path, "ab");
	ck_assert_ptr_nonnull(f);
	fputs("{\"id\": \"i17\", \"prompt\": \"again\"}\n", f);
	fclose(f);
	for (int open = 0; open < 2; open++) {
		char err[1024] = "";
		tb_suite *s = NULL, **v = NULL;
		size_t n = 0;

		if (open)
			ck_assert_int_ne(suite_open_path(path, 0, &v, &n, err, sizeof(err)), TB_OK);
		else
			ck_assert_int_ne(suite_load(path, 0, &s, err, sizeof(err)), TB_OK);
		free(v);
		ck_assert_msg(strstr(err, ":5001: id: duplicate id 'i17' (first at line 18)") != NULL, "%s", err);
	}
}
END_TEST

/* A line edited after the suite was checked is refused, with its place. */
START_TEST(edited_line_refused)
{
	char path[512], err[1024] = "";
	const tb_item *it;
	tb_suite *o;

	snprintf(path, sizeof(path), "%s/edit.jsonl", tu_dir);
	tu_write_file(path, "{\"id\": \"a\", \"prompt\": \"1\"}\n{\"id\": \"b\", \"prompt\": \"2\"}\n");
	o = open_one(path, 0);
	tu_write_file(path, "{\"id\": \"a\", \"prompt\": \"1\"}\n{\"id\": \"b\", \"prompt\": \"3\"}\n");
	ck_assert_msg(suite_item_get(o, 0, &it, err, sizeof(err)) == TB_OK, "%s", err);
	ck_assert_str_eq(it->id, "a");
	suite_item_put(it);
	ck_assert_int_ne(suite_item_get(o, 1, &it, err, sizeof(err)), TB_OK);
	ck_assert_ptr_null(it);
	ck_assert_msg(strstr(err, "edit.jsonl:2: the line changed") != NULL, "%s", err);
	tu_write_file(path, "{}\n");
	ck_assert_int_ne(suite_item_get(o, 1, &it, err, sizeof(err)), TB_OK);
	ck_assert_msg(strstr(err, "edit.jsonl:2: ") != NULL, "%s", err);
	suite_free(o);
}
END_TEST

/* Items read again through the window of the file: in order, backwards and
 * by strides, an item longer than the window, and a last line without its
 * newline; each as the loaded suite holds it. */
START_TEST(items_read_again_through_the_window)
{
	enum { N = 3000, LONG_AT = 1700, LONG_BYTES = 300000 };
	char path[512], err[1024] = "";
	tb_suite *s = NULL, *o;
	size_t order[3 * N];
	FILE *f;

	snprintf(path, sizeof(path), "%s/window.jsonl", tu_dir);
	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	for (int i = 0; i < N; i++) {
		fprintf(f, "{\"id\": \"i%d\", \"prompt\": \"", i);
		for (int k = 0; k < (i == LONG_AT ? LONG_BYTES : i % 97); k++)
			fputc('a' + (i + k) % 26, f);
		fprintf(f, "\"}%s", i == N - 1 ? "" : "\n");
	}
	fclose(f);
	ck_assert_msg(suite_load(path, 0, &s, err, sizeof(err)) == TB_OK, "%s", err);
	o = open_one(path, 0);
	ck_assert_uint_eq(o->n_items, N);
	for (size_t i = 0; i < N; i++) {
		order[i] = i;
		order[N + i] = N - 1 - i;
		order[2 * N + i] = (i * 7919) % N;
	}
	for (size_t k = 0; k < 3 * N; k++) {
		const tb_item *a = &s->items[order[k]], *b;

		ck_assert_msg(suite_item_get(o, order[k], &b, err, sizeof(err)) == TB_OK, "%s", err);
		ck_assert_str_eq(a->id, b->id);
		ck_assert_str_eq(a->prompt, b->prompt);
		suite_item_put(b);
	}
	ck_assert_uint_eq(strlen(s->items[LONG_AT].prompt), LONG_BYTES);
	suite_free(o);
	suite_free(s);
}
END_TEST

typedef struct cursor_run {
	const tb_suite *opened, *loaded;
	int bad;
} cursor_run;

/* Reads every item through a cursor of its own and compares it with the
 * loaded suite's. */
static void *read_by_cursor(void *arg)
{
	cursor_run *c = arg;
	suite_cursor *cur = suite_cursor_new(c->opened);
	char err[1024];

	c->bad = !cur;
	for (size_t i = 0; cur && i < c->loaded->n_items && !c->bad; i++) {
		const tb_item *it;

		c->bad = suite_cursor_get(cur, i, &it, err, sizeof(err)) != TB_OK ||
			 strcmp(it->id, c->loaded->items[i].id) != 0 ||
			 strcmp(it->prompt, c->loaded->items[i].prompt) != 0;
		if (!c->bad)
			suite_item_put(it);
	}
	suite_cursor_free(cur);
	return NULL;
}

/* A cursor on another thread reads the items in order while this one reads
 * them backwards with suite_item_get(): each sees what the loaded suite holds. */
START_TEST(a_cursor_reads_beside_suite_item_get)
{
	char path[512], err[1024] = "";
	tb_suite *s = NULL, *o;
	cursor_run c;
	pthread_t t;
	FILE *f;

	snprintf(path, sizeof(path), "%s/two.jsonl", tu_dir);
	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	fputs("{\"suite\": {\"name\": \"two\", \"tags\": [\"t\"], \"grader\": {\"type\": \"regex\", \"pattern\": \"(\\\\d+)\"}}}\n", f);
	for (int i = 0; i < 20000; i++)
		fprintf(f, "{\"id\": \"i%d\", \"prompt\": \"item %d %.*s\", \"answer\": \"%d\"}\n", i, i, i % 300,
			"................................................................................................"
			"................................................................................................"
			"................................................................................................"
			"............", i);
	fclose(f);
	ck_assert_msg(suite_load(path, 0, &s, err, sizeof(err)) == TB_OK, "%s", err);
	o = open_one(path, 0);
	c = (cursor_run){.opened = o, .loaded = s};
	ck_assert_int_eq(pthread_create(&t, NULL, read_by_cursor, &c), 0);
	for (size_t i = s->n_items; i-- > 0;) {
		const tb_item *it;

		ck_assert_msg(suite_item_get(o, i, &it, err, sizeof(err)) == TB_OK, "%s", err);
		ck_assert_str_eq(it->id, s->items[i].id);
		ck_assert_str_eq(it->prompt, s->items[i].prompt);
		ck_assert(json_equal(it->grader_spec, s->items[i].grader_spec));
		suite_item_put(it);
	}
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_int_eq(c.bad, 0);
	suite_free(o);
	suite_free(s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("suite");
	TCase *tc = tcase_create("load");

	tcase_add_checked_fixture(tc, tu_dir_setup, tu_dir_teardown);
	tcase_add_test(tc, error_table);
	tcase_add_test(tc, defaults_apply);
	tcase_add_test(tc, folder_and_duplicate_names);
	tcase_add_test(tc, huge_line_refused);
	tcase_add_test(tc, opened_items_match_loaded);
	tcase_add_test(tc, late_duplicate_found_both_ways);
	tcase_add_test(tc, edited_line_refused);
	tcase_add_test(tc, items_read_again_through_the_window);
	tcase_add_test(tc, a_cursor_reads_beside_suite_item_get);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
