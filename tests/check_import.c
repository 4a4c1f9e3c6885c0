/* The importers against the real benchmark files in ../shared/data: the
 * documented counts, suites that load, stable ids, deterministic --limit and
 * --sample, file:line errors, and reference answers that their graders accept
 * (for the grader kinds the registry has). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmds.h"
#include "grader.h"
#include "import.h"
#include "rc.h"
#include "suite.h"
#include "testutil.h"

enum { MAX_FILES = 16 };

typedef struct source {
	const char *kind;
	const char *files[MAX_FILES];
	size_t count;
	const char *name;
} source;

static const source sources[] = {
	{"gsm8k", {"data/gsm8k/test.jsonl"}, 1319, "gsm8k"},
	{"math", {"data/math500/test.jsonl"}, 500, "math500"},
	{"aime", {"data/aime/qwq/aime24.jsonl"}, 30, "aime24"},
	{"aime", {"data/aime/qwq/aime25.jsonl"}, 30, "aime25"},
	{"aime", {"data/aime/qwen2.5-math/aime24_test.jsonl"}, 30, "aime24"},
	{"mgsm",
	 {"data/mgsm/mgsm_bn.tsv", "data/mgsm/mgsm_de.tsv", "data/mgsm/mgsm_en.tsv",
	  "data/mgsm/mgsm_es.tsv", "data/mgsm/mgsm_fr.tsv", "data/mgsm/mgsm_ja.tsv",
	  "data/mgsm/mgsm_ru.tsv", "data/mgsm/mgsm_sw.tsv", "data/mgsm/mgsm_te.tsv",
	  "data/mgsm/mgsm_th.tsv", "data/mgsm/mgsm_zh.tsv"},
	 2750, "mgsm"},
	{"mgsm", {"data/mgsm/mgsm_ja.tsv"}, 250, "mgsm-ja"},
	{"humaneval", {"data/humaneval/HumanEval.jsonl"}, 164, "humaneval"},
	{"humaneval", {"data/humaneval/HumanEval.jsonl.gz"}, 164, "humaneval"},
	{"mbpp", {"data/mbpp/mbpp.jsonl"}, 974, "mbpp"},
	{"mbpp", {"data/mbpp/sanitized-mbpp.json"}, 427, "mbpp-sanitized"},
};

static const char *const templates_of[][5] = {
	{"gsm8k", "qwen-boxed", "plain"},
	{"math", "qwen-boxed", "plain"},
	{"aime", "qwen-boxed", "plain"},
	{"mgsm", "mgsm-native", "mgsm-en", "plain"},
	{"humaneval", "humaneval", "plain"},
	{"mbpp", "mbpp", "plain"},
};

static size_t n_files(const source *src)
{
	size_t n = 0;

	while (n < MAX_FILES && src->files[n])
		n++;
	return n;
}

/* Builds a suite from shared files; fails the test with the message when it
 * does not build. */
static void build(const source *src, const import_opts *o, import_suite *out)
{
	const char *paths[MAX_FILES] = {0};
	char *copies[MAX_FILES] = {0};
	char err[1024] = "";
	size_t n = n_files(src);
	int rc;

	for (size_t i = 0; i < n; i++) {
		copies[i] = strdup(tu_shared(src->files[i]));
		paths[i] = copies[i];
	}
	rc = import_build(src->kind, paths, n, o, out, err, sizeof(err));
	for (size_t i = 0; i < n; i++)
		free(copies[i]);
	ck_assert_msg(rc == TB_OK, "%s: %s", src->files[0], err);
}

static const char *item_str(const json_t *item, const char *field)
{
	return json_string_value(json_object_get(item, field));
}

static const json_t *header_field(const import_suite *s, const char *field)
{
	return json_object_get(json_object_get(s->header, "suite"), field);
}

/* 1 when every grader the suite names is in the registry, so that
 * suite_load() can compile them. */
static int graders_known(const import_suite *s)
{
	const json_t *g = header_field(s, "grader");
	size_t i;
	json_t *item;

	if (g && !gr_find(json_string_value(json_object_get(g, "type"))))
		return 0;
	json_array_foreach(s->items, i, item) {
		g = json_object_get(item, "grader");
		if (g && !gr_find(json_string_value(json_object_get(g, "type"))))
			return 0;
	}
	return 1;
}

/* Writes the suite and reads it back: with suite_load() when it can compile
 * the graders, else line by line with jansson against the suite format. */
static void check_loads(const import_suite *s, size_t count)
{
	char *dir = tu_mkdtemp(), path[4200], err[1024] = "";
	tb_suite *loaded = NULL;

	ck_assert_ptr_nonnull(dir);
	snprintf(path, sizeof(path), "%s/suite.jsonl", dir);
	ck_assert_int_eq(import_save(s, path, err, sizeof(err)), TB_OK);
	if (graders_known(s)) {
		ck_assert_msg(suite_load(path, 0, &loaded, err, sizeof(err)) == TB_OK, "%s", err);
		ck_assert_uint_eq(loaded->n_items, count);
		ck_assert_str_eq(loaded->name, json_string_value(header_field(s, "name")));
		for (size_t i = 0; i < count; i++)
			ck_assert_str_eq(loaded->items[i].id, item_str(json_array_get(s->items, i), "id"));
		suite_free(loaded);
	} else {
		size_t len = 0, lines = 0;
		char *text = tu_read_file(path, &len), *p = text;

		ck_assert_ptr_nonnull(text);
		while (p && *p) {
			char *nl = strchr(p, '\n');
			json_error_t jerr;
			json_t *o;

			ck_assert_ptr_nonnull(nl);
			o = json_loadb(p, (size_t)(nl - p), JSON_REJECT_DUPLICATES, &jerr);
			ck_assert_msg(o != NULL, "line %zu: %s", lines + 1, jerr.text);
			if (lines == 0) {
				ck_assert(json_is_object(json_object_get(o, "suite")));
			} else {
				ck_assert(json_is_string(json_object_get(o, "id")));
				ck_assert(json_is_string(json_object_get(o, "prompt")));
			}
			json_decref(o);
			lines++;
			p = nl + 1;
		}
		ck_assert_uint_eq(lines, count + 1);
		free(text);
	}
	tu_rmtree(dir);
	free(dir);
}

static void check_unique_ids(const import_suite *s)
{
	json_t *seen = json_object();
	size_t i;
	json_t *item;

	json_array_foreach(s->items, i, item) {
		const char *id = item_str(item, "id");

		ck_assert_ptr_nonnull(id);
		ck_assert_msg(!json_object_get(seen, id), "duplicate id %s", id);
		json_object_set_new(seen, id, json_true());
	}
	json_decref(seen);
}

START_TEST(test_counts_and_load)
{
	const source *src = &sources[_i];
	import_opts o = {0};
	import_suite s;

	build(src, &o, &s);
	ck_assert_uint_eq(json_array_size(s.items), src->count);
	ck_assert_str_eq(json_string_value(header_field(&s, "name")), src->name);
	check_unique_ids(&s);
	check_loads(&s, src->count);
	import_suite_release(&s);
}
END_TEST

/* Every template a kind accepts gives a loadable suite, and one it does not
 * accept is refused by name. */
START_TEST(test_templates)
{
	const char *const *t = templates_of[_i];
	const source *src = NULL;
	import_opts o = {.limit = 20};
	import_suite s;
	char err[512];

	for (size_t i = 0; i < sizeof(sources) / sizeof(sources[0]) && !src; i++)
		if (strcmp(sources[i].kind, t[0]) == 0)
			src = &sources[i];
	for (size_t k = 1; k < 5 && t[k]; k++) {
		o.template_name = t[k];
		build(src, &o, &s);
		if (strcmp(t[k], "plain") == 0)
			ck_assert_ptr_null(header_field(&s, "template"));
		else if (strcmp(t[k], "mgsm-native") != 0)
			ck_assert_ptr_nonnull(strstr(json_string_value(header_field(&s, "template")), "{prompt}"));
		check_loads(&s, 20);
		import_suite_release(&s);
	}
	o.template_name = strcmp(t[0], "mbpp") == 0 ? "humaneval" : "mbpp";
	{
		const char *path = tu_shared(src->files[0]);

		ck_assert_int_eq(import_build(src->kind, &path, 1, &o, &s, err, sizeof(err)), TB_ERR);
		ck_assert_ptr_nonnull(strstr(err, "does not fit kind"));
		ck_assert_ptr_null(s.items);
	}
}
END_TEST

static const json_t *find_item(const import_suite *s, const char *id)
{
	size_t i;
	json_t *item;

	json_array_foreach(s->items, i, item)
		if (strcmp(item_str(item, "id"), id) == 0)
			return item;
	return NULL;
}

/* Golds lose their thousands commas; the two negative golds stay negative. */
START_TEST(test_gsm8k_answers)
{
	import_opts o = {0};
	import_suite s;
	size_t i, commas = 0, negative = 0;
	json_t *item;
	char *orig = tu_read_file(tu_shared("data/gsm8k/test.jsonl"), NULL);

	ck_assert_ptr_nonnull(orig);
	build(&sources[0], &o, &s);
	json_array_foreach(s.items, i, item) {
		const char *a = item_str(item, "answer");

		ck_assert_msg(strspn(a, "-0123456789") == strlen(a), "%s: %s", item_str(item, "id"), a);
		negative += a[0] == '-';
	}
	ck_assert_uint_eq(negative, 2);
	/* "#### 2,125" in the file is "2125" here, on the same line */
	for (const char *p = strstr(orig, "#### "); p; p = strstr(p + 1, "#### "))
		commas += strcspn(p, "\"") > strcspn(p, ",");
	ck_assert_uint_eq(commas, 14);
	ck_assert_str_eq(item_str(json_array_get(s.items, 0), "id"), "gsm8k-0001");
	ck_assert_str_eq(item_str(json_array_get(s.items, 0), "answer"), "18");
	ck_assert_str_eq(item_str(json_array_get(s.items, 1318), "id"), "gsm8k-1319");
	free(orig);
	import_suite_release(&s);
}
END_TEST

START_TEST(test_math_tags)
{
	import_opts o = {0};
	import_suite s;
	const json_t *item;

	build(&sources[1], &o, &s);
	item = find_item(&s, "test/precalculus/807.json");
	ck_assert_ptr_nonnull(item);
	ck_assert_str_eq(item_str(item, "answer"), "\\left( 3, \\frac{\\pi}{2} \\right)");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(item, "tags"), 0)), "Precalculus");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(item, "tags"), 1)), "level-2");
	ck_assert_str_eq(json_string_value(json_object_get(header_field(&s, "grader"), "type")), "math");
	import_suite_release(&s);
}
END_TEST

/* What the loader does with a template, for comparing final prompts here
 * whether or not the graders exist yet. */
static char *apply(const json_t *template, const char *prompt)
{
	const char *t = json_string_value(template), *hit;
	char *out;

	if (!t)
		return strdup(prompt);
	hit = strstr(t, "{prompt}");
	ck_assert_ptr_nonnull(hit);
	ck_assert_int_ge(asprintf(&out, "%.*s%s%s", (int)(hit - t), t, prompt, hit + 8), 0);
	return out;
}

/* QwQ's prompts already end in Qwen's instruction: with qwen-boxed the model
 * sees each prompt exactly as in the file, the instruction once. */
START_TEST(test_aime_shapes)
{
	import_opts o = {0};
	import_suite s;
	char *orig = tu_read_file(tu_shared("data/aime/qwq/aime24.jsonl"), NULL), *line, *save = NULL;
	size_t i = 0;

	ck_assert_ptr_nonnull(orig);
	build(&sources[2], &o, &s);
	for (line = strtok_r(orig, "\n", &save); line; line = strtok_r(NULL, "\n", &save), i++) {
		json_t *rec = json_loads(line, 0, NULL);
		const json_t *item = json_array_get(s.items, i);
		char *final = apply(header_field(&s, "template"), item_str(item, "prompt")), id[32];

		ck_assert_str_eq(final, json_string_value(json_object_get(rec, "prompt")));
		ck_assert_ptr_null(strstr(item_str(item, "prompt"), "Please reason"));
		ck_assert_int_eq(atoi(item_str(item, "answer")), json_integer_value(json_object_get(rec, "answer")));
		snprintf(id, sizeof(id), "aime24-%02zu", i + 1);
		ck_assert_str_eq(item_str(item, "id"), id);
		free(final);
		json_decref(rec);
	}
	ck_assert_uint_eq(i, 30);
	import_suite_release(&s);

	/* Qwen2.5-Math: ids from the record's id, "025" kept as given */
	build(&sources[4], &o, &s);
	ck_assert_str_eq(item_str(json_array_get(s.items, 0), "id"), "aime24-60");
	ck_assert_str_eq(item_str(json_array_get(s.items, 29), "id"), "aime24-89");
	ck_assert_str_eq(item_str(find_item(&s, "aime24-67"), "answer"), "025");
	ck_assert_ptr_null(strstr(item_str(json_array_get(s.items, 0), "prompt"), "Please reason"));
	import_suite_release(&s);
	free(orig);
}
END_TEST

/* Eleven languages in one suite: ids per language, the native instruction in
 * each item; one language alone puts it in the header instead, and the model
 * sees the same text either way. */
START_TEST(test_mgsm)
{
	static const char *const langs[] = {"bn", "de", "en", "es", "fr", "ja", "ru", "sw", "te", "th", "zh"};
	import_opts o = {0};
	import_suite all, ja;
	const json_t *item;
	size_t i;
	json_t *it;

	build(&sources[5], &o, &all);
	build(&sources[6], &o, &ja);
	ck_assert_ptr_null(header_field(&all, "template"));
	ck_assert_ptr_null(header_field(&all, "lang"));
	ck_assert(json_is_true(json_object_get(header_field(&all, "grader"), "check_lang")));
	for (size_t l = 0; l < 11; l++) {
		char id[32];

		snprintf(id, sizeof(id), "mgsm-%s-0001", langs[l]);
		ck_assert_ptr_nonnull(find_item(&all, id));
		snprintf(id, sizeof(id), "mgsm-%s-0250", langs[l]);
		item = find_item(&all, id);
		ck_assert_ptr_nonnull(item);
		ck_assert_str_eq(item_str(item, "lang"), langs[l]);
		ck_assert_str_eq(item_str(item, "answer"), "5600"); /* "5,600" in every file */
	}
	json_array_foreach(ja.items, i, it) {
		char *one = apply(header_field(&ja, "template"), item_str(it, "prompt"));
		const json_t *twin = find_item(&all, item_str(it, "id"));

		ck_assert_ptr_nonnull(twin);
		ck_assert_str_eq(one, item_str(twin, "prompt"));
		ck_assert_ptr_nonnull(strstr(one, "「答え：」"));
		free(one);
	}
	/* the row with a '"' is read as it is, quotes and all */
	item = find_item(&all, "mgsm-es-0214");
	ck_assert_ptr_nonnull(strstr(item_str(item, "prompt"), "la tienda \"Todo por un dólar\", Sloane"));
	ck_assert_str_eq(item_str(item, "answer"), "250");
	import_suite_release(&all);
	import_suite_release(&ja);

	o.template_name = "mgsm-en";
	build(&sources[5], &o, &all);
	ck_assert_ptr_nonnull(strstr(json_string_value(header_field(&all, "template")), "The answer is N"));
	ck_assert_ptr_null(strstr(item_str(find_item(&all, "mgsm-ja-0001"), "prompt"), "答え"));
	import_suite_release(&all);
}
END_TEST

/* The .gz file gives the same suite as the plain one; tests and reference
 * are composed as the exec grader expects. */
START_TEST(test_humaneval)
{
	import_opts o = {0};
	import_suite plain, gz;
	const json_t *item, *g;
	char *a, *b, *ref;

	build(&sources[7], &o, &plain);
	build(&sources[8], &o, &gz);
	a = json_dumps(plain.items, 0);
	b = json_dumps(gz.items, 0);
	ck_assert_str_eq(a, b);
	item = find_item(&plain, "HumanEval/0");
	g = json_object_get(item, "grader");
	ck_assert_str_eq(json_string_value(json_object_get(g, "type")), "exec");
	ck_assert_str_eq(json_string_value(json_object_get(g, "entry_point")), "has_close_elements");
	ck_assert_str_eq(json_string_value(json_object_get(g, "prompt")), item_str(item, "prompt"));
	ck_assert_int_eq(json_integer_value(json_object_get(g, "timeout_s")), 10);
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(g, "tests")),
				     "def check(candidate):"));
	ck_assert_ptr_nonnull(strstr(json_string_value(json_object_get(g, "tests")),
				     "\ncheck(has_close_elements)\n"));
	ref = item_str(item, "reference") ? strdup(item_str(item, "reference")) : NULL;
	ck_assert_ptr_nonnull(ref);
	ck_assert_int_eq(strncmp(ref, item_str(item, "prompt"), strlen(item_str(item, "prompt"))), 0);
	ck_assert_ptr_nonnull(strstr(ref, "    for idx, elem in enumerate(numbers):"));
	ck_assert_ptr_nonnull(find_item(&plain, "HumanEval/163"));
	free(ref);
	free(a);
	free(b);
	import_suite_release(&plain);
	import_suite_release(&gz);
}
END_TEST

/* Both MBPP shapes: LF code, the asserts in the prompt and the tests, the
 * setup code or imports before them, and the function the asserts call. */
START_TEST(test_mbpp)
{
	import_opts o = {0};
	import_suite full, san;
	size_t i, with_setup = 0, with_imports = 0;
	json_t *item;
	const json_t *g;

	build(&sources[9], &o, &full);
	build(&sources[10], &o, &san);
	json_array_foreach(full.items, i, item) {
		g = json_object_get(item, "grader");
		ck_assert_ptr_null(strchr(item_str(item, "reference"), '\r'));
		ck_assert_ptr_null(strchr(json_string_value(json_object_get(g, "tests")), '\r'));
		ck_assert_ptr_nonnull(strstr(item_str(item, "prompt"), " Your code should pass these tests:\n\nassert "));
		with_setup += strncmp(json_string_value(json_object_get(g, "tests")), "assert", 6) != 0;
	}
	ck_assert_uint_eq(with_setup, 2);
	json_array_foreach(san.items, i, item) {
		g = json_object_get(item, "grader");
		with_imports += strncmp(json_string_value(json_object_get(g, "tests")), "import math\n", 12) == 0;
	}
	ck_assert_uint_eq(with_imports, 13);

	item = (json_t *)find_item(&full, "mbpp-1");
	g = json_object_get(item, "grader");
	ck_assert_str_eq(json_string_value(json_object_get(g, "entry_point")), "min_cost");
	ck_assert_int_eq(strncmp(item_str(item, "reference"), "R = 3\nC = 3\ndef min_cost(cost, m, n): \n\ttc", 40), 0);
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(item, "tags"), 0)), "split-prompt");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(find_item(&full, "mbpp-11"), "tags"), 0)), "split-test");
	/* a call wrapped in set(...) still names the function */
	g = json_object_get(find_item(&san, "mbpp-2"), "grader");
	ck_assert_str_eq(json_string_value(json_object_get(g, "entry_point")), "similar_elements");
	import_suite_release(&full);
	import_suite_release(&san);
}
END_TEST

static void ids_of(const import_suite *s, char *out, size_t outlen)
{
	size_t i, o = 0;
	json_t *item;

	out[0] = '\0';
	json_array_foreach(s->items, i, item)
		o += (size_t)snprintf(out + o, o < outlen ? outlen - o : 0, "%s ", item_str(item, "id"));
	ck_assert_uint_lt(o, outlen);
}

/* --limit keeps the head; --sample is the same for the same seed on every
 * machine (the ids are pinned), different for another seed, in file order. */
START_TEST(test_limit_sample)
{
	import_opts o = {.limit = 3};
	import_suite s;
	char a[4096], b[4096];

	build(&sources[0], &o, &s);
	ids_of(&s, a, sizeof(a));
	ck_assert_str_eq(a, "gsm8k-0001 gsm8k-0002 gsm8k-0003 ");
	import_suite_release(&s);

	o = (import_opts){.sample = 3, .seed = 7};
	build(&sources[0], &o, &s);
	ids_of(&s, a, sizeof(a));
	ck_assert_str_eq(a, "gsm8k-0739 gsm8k-0786 gsm8k-1166 ");
	import_suite_release(&s);

	o = (import_opts){.sample = 50, .seed = 42};
	build(&sources[5], &o, &s);
	ids_of(&s, a, sizeof(a));
	ck_assert_uint_eq(json_array_size(s.items), 50);
	import_suite_release(&s);
	build(&sources[5], &o, &s);
	ids_of(&s, b, sizeof(b));
	ck_assert_str_eq(a, b);
	import_suite_release(&s);
	o.seed = 43;
	build(&sources[5], &o, &s);
	ids_of(&s, b, sizeof(b));
	ck_assert_str_ne(a, b);
	import_suite_release(&s);

	/* sample, then limit: the head of the sample */
	o = (import_opts){.sample = 3, .seed = 7, .limit = 2};
	build(&sources[0], &o, &s);
	ids_of(&s, a, sizeof(a));
	ck_assert_str_eq(a, "gsm8k-0739 gsm8k-0786 ");
	import_suite_release(&s);

	/* more than there are: all of them */
	o = (import_opts){.sample = 100, .seed = 1};
	build(&sources[2], &o, &s);
	ck_assert_uint_eq(json_array_size(s.items), 30);
	import_suite_release(&s);
}
END_TEST

static void write_file(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(text, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

/* Imports one written file and expects an error containing `want`. */
static void expect_error(const char *dir, const char *kind, const char *name, const char *text,
			 const char *want)
{
	char path[4200], err[1024] = "";
	const char *p = path;
	import_opts o = {0};
	import_suite s;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	write_file(path, text, strlen(text));
	ck_assert_int_eq(import_build(kind, &p, 1, &o, &s, err, sizeof(err)), TB_ERR);
	ck_assert_msg(strstr(err, want) != NULL, "expected '%s' in '%s'", want, err);
	ck_assert_ptr_null(s.items);
	ck_assert_ptr_null(s.header);
}

START_TEST(test_errors)
{
	char *dir = tu_mkdtemp(), path[4200], want[4300], err[1024];
	const char *paths[2];
	char *gz;
	size_t gzlen = 0;
	import_opts o = {0};
	import_suite s;

	ck_assert_ptr_nonnull(dir);
	expect_error(dir, "gsm8k", "trunc.jsonl",
		     "{\"question\": \"q\", \"answer\": \"#### 1\"}\n\n{\"question\": \"q2\", \"ans",
		     "trunc.jsonl:3: invalid JSON");
	expect_error(dir, "gsm8k", "nohash.jsonl",
		     "{\"question\": \"q\", \"answer\": \"#### 1\"}\n{\"question\": \"q\", \"answer\": \"it is 4\"}\n",
		     "nohash.jsonl:2: answer: expected a string ending in '#### N'");
	expect_error(dir, "gsm8k", "notnum.jsonl", "{\"question\": \"q\", \"answer\": \"#### four\"}\n",
		     "notnum.jsonl:1: answer: expected a string ending in '#### N'");
	expect_error(dir, "math", "noanswer.jsonl",
		     "{\"problem\": \"p\", \"subject\": \"Algebra\", \"level\": 1, \"unique_id\": \"u\"}\n",
		     "noanswer.jsonl:1: answer: missing (expected a string)");
	expect_error(dir, "math", "level.jsonl",
		     "{\"problem\": \"p\", \"answer\": \"1\", \"subject\": \"Algebra\", \"level\": \"hard\", \"unique_id\": \"u\"}\n",
		     "level.jsonl:1: level: expected");
	expect_error(dir, "mgsm", "mgsm_de.tsv", "Frage eins\t3\nFrage zwei ohne Tab 4\n",
		     "mgsm_de.tsv:2: expected question<TAB>answer, found no tab");
	expect_error(dir, "mgsm", "mgsm_fr.tsv", "Question\tdeux\n", "mgsm_fr.tsv:1: answer: expected a number");
	expect_error(dir, "mgsm", "questions.tsv", "q\t1\n", "questions.tsv: cannot tell the language");
	expect_error(dir, "humaneval", "he.jsonl",
		     "{\"task_id\": \"T/0\", \"prompt\": \"def f():\\n\", \"canonical_solution\": \"  pass\\n\", \"test\": \"\"}\n",
		     "he.jsonl:1: entry_point: missing");
	expect_error(dir, "mbpp", "san.json",
		     "[{\"task_id\": 2, \"prompt\": \"p\", \"code\": \"def f(): pass\", \"test_list\": [\"assert f() is None\"]},\n"
		     " {\"task_id\": 3, \"prompt\": \"p\", \"code\": \"def g(): pass\", \"test_list\": 5}]",
		     "san.json: record 2: test_list: expected a non-empty array of strings");
	expect_error(dir, "mbpp", "noname.jsonl",
		     "{\"task_id\": 1, \"text\": \"t\", \"code\": \"def f(): pass\", \"test_list\": [\"assert g() == 1\"], \"test_setup_code\": \"\"}\n",
		     "noname.jsonl:1: test_list: no function defined");
	expect_error(dir, "aime", "aime.jsonl", "{\"prompt\": \"p\", \"answer\": [1]}\n",
		     "aime.jsonl:1: answer: expected an integer or a string of digits, found an array");
	expect_error(dir, "gsm8k", "array.jsonl", "[1, 2]\n", "array.jsonl: record 1: expected a JSON object");

	/* the same file twice: the ids repeat */
	paths[0] = paths[1] = tu_shared("data/aime/qwq/aime25.jsonl");
	ck_assert_int_eq(import_build("aime", paths, 2, &o, &s, err, sizeof(err)), TB_ERR);
	ck_assert_msg(strstr(err, "aime25.jsonl:1: id: duplicate id 'aime25-01' (first at "), "%s", err);

	/* a .gz cut short */
	gz = tu_read_file(tu_shared("data/humaneval/HumanEval.jsonl.gz"), &gzlen);
	ck_assert_ptr_nonnull(gz);
	snprintf(path, sizeof(path), "%s/cut.jsonl.gz", dir);
	write_file(path, gz, gzlen / 2);
	paths[0] = path;
	ck_assert_int_eq(import_build("humaneval", paths, 1, &o, &s, err, sizeof(err)), TB_ERR);
	ck_assert_msg(strstr(err, "cut.jsonl.gz"), "%s", err);
	free(gz);

	snprintf(path, sizeof(path), "%s/absent.jsonl", dir);
	ck_assert_int_eq(import_build("gsm8k", paths, 1, &o, &s, err, sizeof(err)), TB_ERR);
	snprintf(want, sizeof(want), "cannot open '%s'", path);
	ck_assert_msg(strstr(err, want), "%s", err);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

static int run_cmd(int argc, const char **args)
{
	char *argv[16];

	ck_assert_int_lt(argc, 16);
	for (int i = 0; i < argc; i++)
		argv[i] = (char *)args[i];
	argv[argc] = NULL;
	return cmd_import(argc, argv);
}

/* The command: --out gets the whole suite or nothing, the same bytes every
 * time, and bad usage or input exits 2. */
START_TEST(test_cmd)
{
	char *dir = tu_mkdtemp(), out[4200], bad[4200], *a, *b;
	struct stat st;
	size_t alen, blen;

	ck_assert_ptr_nonnull(dir);
	snprintf(out, sizeof(out), "%s/he.jsonl", dir);
	{
		const char *args[] = {"import", "humaneval", tu_shared("data/humaneval/HumanEval.jsonl.gz"),
				      "--sample", "10", "--seed", "5", "--out", out};

		ck_assert_int_eq(run_cmd(9, args), TB_EXIT_OK);
		a = tu_read_file(out, &alen);
		ck_assert_int_eq(run_cmd(9, args), TB_EXIT_OK);
		b = tu_read_file(out, &blen);
		ck_assert_ptr_nonnull(a);
		ck_assert_ptr_nonnull(b);
		ck_assert_uint_eq(alen, blen);
		ck_assert_int_eq(memcmp(a, b, alen), 0);
		free(b);
	}
	{
		const char *args[] = {"import", "gsm8k", "--name", "gsm-small", "--limit", "2",
				      "--template", "plain", tu_shared("data/gsm8k/test.jsonl"), "--out", out};
		json_t *h;

		ck_assert_int_eq(run_cmd(11, args), TB_EXIT_OK);
		b = tu_read_file(out, &blen);
		h = json_loadb(b, strcspn(b, "\n"), 0, NULL);
		ck_assert_str_eq(json_string_value(json_object_get(json_object_get(h, "suite"), "name")), "gsm-small");
		ck_assert_ptr_null(json_object_get(json_object_get(h, "suite"), "template"));
		json_decref(h);
		free(b);
	}
	/* a failing import leaves an existing --out as it was, and a new one absent */
	snprintf(bad, sizeof(bad), "%s/mgsm_xx.tsv", dir);
	write_file(bad, "q\t1\nq\n", 6);
	{
		const char *args[] = {"import", "mgsm", "--template", "mgsm-en", bad, "--out", out};

		write_file(out, a, alen);
		ck_assert_int_eq(run_cmd(7, args), TB_EXIT_USAGE);
		b = tu_read_file(out, &blen);
		ck_assert_uint_eq(alen, blen);
		ck_assert_int_eq(memcmp(a, b, alen), 0);
		free(b);
		snprintf(out, sizeof(out), "%s/new.jsonl", dir);
		ck_assert_int_eq(run_cmd(7, args), TB_EXIT_USAGE);
		ck_assert_int_ne(stat(out, &st), 0);
	}
	{
		const char *unknown[] = {"import", "gsm9k", bad};
		const char *nofile[] = {"import", "gsm8k"};
		const char *seed[] = {"import", "gsm8k", bad, "--seed", "3"};
		const char *tmpl[] = {"import", "gsm8k", "--template", "mbpp", bad};
		const char *native[] = {"import", "mgsm", bad}; /* no mgsm-native text for xx */

		ck_assert_int_eq(run_cmd(3, unknown), TB_EXIT_USAGE);
		ck_assert_int_eq(run_cmd(2, nofile), TB_EXIT_USAGE);
		ck_assert_int_eq(run_cmd(5, seed), TB_EXIT_USAGE);
		ck_assert_int_eq(run_cmd(5, tmpl), TB_EXIT_USAGE);
		ck_assert_int_eq(run_cmd(3, native), TB_EXIT_USAGE);
	}
	free(a);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* Each item's reference answer, given as a model would give it, is correct
 * by its own grader. Exec graders run code, so only a few items each. */
START_TEST(test_references_grade)
{
	const source *src = &sources[_i];
	import_opts o = {0};
	import_suite s;
	gr_grader *suite_g = NULL;
	const json_t *spec = NULL;
	size_t i, checked = 0;
	json_t *item;
	char err[512];

	build(src, &o, &s);
	spec = header_field(&s, "grader");
	if (spec && gr_find(json_string_value(json_object_get(spec, "type"))))
		ck_assert_msg(gr_compile(spec, &suite_g, err, sizeof(err)) == TB_OK, "%s", err);
	json_array_foreach(s.items, i, item) {
		const json_t *own = json_object_get(item, "grader");
		const char *type = json_string_value(json_object_get(own ? own : spec, "type"));
		gr_grader *g = suite_g, *owned = NULL;
		gr_input in = {0};
		gr_result r;
		char *answer = NULL;
		int exec = type && strcmp(type, "exec") == 0;

		if (!type || !gr_find(type) || (exec && checked >= 8))
			continue;
		if (own) {
			ck_assert_msg(gr_compile(own, &owned, err, sizeof(err)) == TB_OK, "%s", err);
			g = owned;
		}
		if (exec)
			ck_assert_int_ge(asprintf(&answer, "```python\n%s\n```\n", item_str(item, "reference")), 0);
		else
			ck_assert_int_ge(asprintf(&answer, "The answer is \\boxed{%s}.", item_str(item, "answer")), 0);
		in.answer = answer;
		in.expected = item_str(item, "answer");
		in.lang = item_str(item, "lang") ? item_str(item, "lang")
						 : json_string_value(header_field(&s, "lang"));
		in.item_id = item_str(item, "id");
		ck_assert_msg(gr_grade(g, &in, &r) == TB_OK, "%s: %s", in.item_id, r.reason);
		ck_assert_msg(r.verdict == GR_CORRECT, "%s: %s graded %s (%s, extracted '%s')", in.item_id,
			      answer, gr_verdict_str(r.verdict), r.reason, r.extracted);
		checked++;
		free(answer);
		gr_free(owned);
	}
	printf("%s %s: reference answers checked by their graders: %zu of %zu\n", src->kind,
	       src->files[0], checked, json_array_size(s.items));
	gr_free(suite_g);
	import_suite_release(&s);
}
END_TEST

static Suite *import_suite_make(void)
{
	Suite *s = suite_create("import");
	TCase *tc = tcase_create("import");
	int n_sources = (int)(sizeof(sources) / sizeof(sources[0]));

	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_counts_and_load, 0, n_sources);
	tcase_add_loop_test(tc, test_templates, 0, (int)(sizeof(templates_of) / sizeof(templates_of[0])));
	tcase_add_test(tc, test_gsm8k_answers);
	tcase_add_test(tc, test_math_tags);
	tcase_add_test(tc, test_aime_shapes);
	tcase_add_test(tc, test_mgsm);
	tcase_add_test(tc, test_humaneval);
	tcase_add_test(tc, test_mbpp);
	tcase_add_test(tc, test_limit_sample);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_cmd);
	tcase_add_loop_test(tc, test_references_grade, 0, n_sources);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	tu_require_shared();
	return tu_run(import_suite_make());
}
