/* The project's own suites: each loads, has the counts the README promises,
 * unique ids, and every reference answer grades correct with its own grader
 * (code: the reference passes in the sandbox and the plausible wrong one
 * fails). The generator scripts agree with the committed files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rc.h"
#include "suite.h"
#include "testutil.h"

static tb_suite *load(const char *name)
{
	char path[512], err[1024] = "";
	tb_suite *s = NULL;

	snprintf(path, sizeof(path), "%s/suites/%s.jsonl", TB_SOURCE_DIR, name);
	ck_assert_msg(suite_load(path, 0, &s, err, sizeof(err)) == TB_OK, "%s", err);
	return s;
}

static int has_tag(const tb_item *it, const char *tag)
{
	size_t i;
	json_t *t;

	json_array_foreach(it->tags, i, t)
		if (strcmp(json_string_value(t), tag) == 0)
			return 1;
	return 0;
}

/* Grades the reference answer, written as a model would, with the item's grader. */
static gr_verdict grade_text(const tb_item *it, const char *answer)
{
	gr_input in = {.answer = answer, .expected = it->expected, .lang = it->lang, .item_id = it->id};
	gr_result r;

	ck_assert_int_eq(gr_grade(it->grader, &in, &r), TB_OK);
	return r.verdict;
}

static void references_grade(const tb_suite *s)
{
	for (size_t i = 0; i < s->n_items; i++) {
		const tb_item *it = &s->items[i];
		char answer[1024];

		ck_assert_ptr_nonnull(it->grader);
		ck_assert_ptr_nonnull(it->expected);
		snprintf(answer, sizeof(answer), "Working it out... The answer is \\boxed{%s}.", it->expected);
		ck_assert_msg(grade_text(it, answer) == GR_CORRECT, "%s: its reference '%s' is not graded correct",
			      it->id, it->expected);
	}
}

static void script_ok(const char *cmd)
{
	char full[1024];

	snprintf(full, sizeof(full), "cd '%s' && %s >/dev/null", TB_SOURCE_DIR, cmd);
	ck_assert_msg(system(full) == 0, "'%s' failed", cmd);
}

START_TEST(math_suite)
{
	tb_suite *s = load("math");
	int hard = 0, easy = 0;

	ck_assert_uint_ge(s->n_items, 80);
	for (size_t i = 0; i < s->n_items; i++) {
		hard += has_tag(&s->items[i], "hard");
		easy += has_tag(&s->items[i], "easy");
	}
	ck_assert_int_gt(hard, 5);
	ck_assert_int_gt(easy, 5);
	references_grade(s);
	script_ok("python3 scripts/suites/math_answers.py --check");
	suite_free(s);
}
END_TEST

START_TEST(multilingual_suite)
{
	static const char *const langs[] = {"zh", "ja", "ko", "ar", "hi", "bn", "th", "te",
					    "sw", "ru", "de", "fr", "es", "id"};
	tb_suite *s = load("multilingual");
	json_t *per_lang = json_object(), *per_problem = json_object();
	const char *key;
	json_t *v;
	long problems_per_lang = -1;

	for (size_t i = 0; i < s->n_items; i++) {
		const tb_item *it = &s->items[i];
		json_t *c;
		size_t t;
		json_t *tag;

		ck_assert_ptr_nonnull(it->lang);
		c = json_object_get(per_lang, it->lang);
		json_object_set_new(per_lang, it->lang, json_integer(c ? json_integer_value(c) + 1 : 1));
		json_array_foreach(it->tags, t, tag) {
			if (strncmp(json_string_value(tag), "problem-", 8) == 0) {
				c = json_object_get(per_problem, json_string_value(tag));
				json_object_set_new(per_problem, json_string_value(tag),
						    json_integer(c ? json_integer_value(c) + 1 : 1));
			}
		}
	}
	ck_assert_uint_ge(json_object_size(per_lang), 15);
	for (size_t i = 0; i < sizeof(langs) / sizeof(langs[0]); i++)
		ck_assert_msg(json_object_get(per_lang, langs[i]) != NULL, "no items in %s", langs[i]);
	/* Every problem in every language, so per-language accuracy compares like with like. */
	ck_assert_uint_ge(json_object_size(per_problem), 25);
	json_object_foreach(per_problem, key, v)
		ck_assert_msg(json_integer_value(v) == (json_int_t)json_object_size(per_lang),
			      "%s is in %lld languages, not %zu", key, (long long)json_integer_value(v),
			      json_object_size(per_lang));
	json_object_foreach(per_lang, key, v) {
		if (problems_per_lang < 0)
			problems_per_lang = (long)json_integer_value(v);
		ck_assert_int_eq(json_integer_value(v), problems_per_lang);
	}
	references_grade(s);
	script_ok("python3 scripts/suites/make_multilingual.py --check");
	json_decref(per_lang);
	json_decref(per_problem);
	suite_free(s);
}
END_TEST

START_TEST(vision_suite)
{
	tb_suite *s = load("vision");

	ck_assert_uint_ge(s->n_items, 20);
	for (size_t i = 0; i < s->n_items; i++)
		ck_assert_uint_ge(s->items[i].n_images, 1);
	references_grade(s);
	script_ok("cd suites/vision && sha256sum --quiet --strict -c SHA256SUMS");
	suite_free(s);
}
END_TEST

START_TEST(code_suite)
{
	tb_suite *s = load("code");
	int python = 0, c = 0, js = 0;

	for (size_t i = 0; i < s->n_items; i++) {
		const tb_item *it = &s->items[i];
		const char *lang = json_string_value(json_object_get(it->grader_spec, "language"));
		char *answer = NULL;

		ck_assert_str_eq(gr_name(it->grader), "exec");
		ck_assert_ptr_nonnull(it->reference);
		ck_assert_ptr_nonnull(it->wrong_reference);
		python += strcmp(lang, "python") == 0;
		c += strcmp(lang, "c") == 0;
		js += strcmp(lang, "javascript") == 0;
		ck_assert_int_gt(asprintf(&answer, "Here it is:\n```%s\n%s\n```\n", lang, it->reference), 0);
		ck_assert_msg(grade_text(it, answer) == GR_CORRECT, "%s: the reference does not pass", it->id);
		free(answer);
		ck_assert_int_gt(asprintf(&answer, "Here it is:\n```%s\n%s\n```\n", lang, it->wrong_reference), 0);
		ck_assert_msg(grade_text(it, answer) == GR_INCORRECT, "%s: the wrong solution passes", it->id);
		free(answer);
	}
	ck_assert_int_ge(python, 40);
	ck_assert_int_ge(c, 15);
	ck_assert_int_ge(js, 15);
	suite_free(s);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("own suites");
	TCase *tc = tcase_create("suites");

	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, math_suite);
	tcase_add_test(tc, multilingual_suite);
	tcase_add_test(tc, vision_suite);
	tcase_add_test(tc, code_suite);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
