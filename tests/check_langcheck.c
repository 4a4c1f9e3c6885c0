/* The language check: the cases in tests/data/langcheck.test, then every
 * MGSM question with its answer sentence against its own language (OK) and
 * against each of the 10 others (WRONG). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grader.h"
#include "grcase.h"
#include "langcheck.h"
#include "testutil.h"

static const char *const langs[] = {"bn", "de", "en", "es", "fr", "ja", "ru", "sw", "te", "th", "zh"};
static const char *const phrase[] = {"উত্তর হল ১৮।", "Die Antwort ist 18.", "The answer is 18.",
				     "La respuesta es 18.", "La réponse est 18.", "答えは18です。",
				     "Ответ — 18.", "Jibu ni 18.", "సమాధానం ౧౮.", "คำตอบคือ ๑๘",
				     "答案是 18。"};
#define NL (sizeof(langs) / sizeof(langs[0]))
#define PER_LANG 250

/* Languages written in Latin script: telling them apart needs the n-grams. */
static int latin(size_t k)
{
	static const char *const l[] = {"de", "en", "es", "fr", "sw"};

	for (size_t i = 0; i < sizeof(l) / sizeof(l[0]); i++)
		if (strcmp(langs[k], l[i]) == 0)
			return 1;
	return 0;
}

START_TEST(test_cases)
{
	grcase_stats st = grcase_run("langcheck.test");

	printf("langcheck.test: %d cases, %d failed\n", st.cases, st.failures);
	ck_assert_int_gt(st.cases, 15);
	ck_assert_int_eq(st.failures, 0);
}
END_TEST

START_TEST(test_short_and_unknown)
{
	ck_assert_int_eq(gr_lang_check("18", "th"), GR_LANG_OK);
	ck_assert_int_eq(gr_lang_check("", "zh"), GR_LANG_OK);
	ck_assert_int_eq(gr_lang_check("The answer is 18.", NULL), GR_LANG_OK);
	ck_assert_int_eq(gr_lang_check("The answer is 18.", "x"), GR_LANG_OK);
	ck_assert_int_eq(gr_lang_check("The answer is 18.", "th"), GR_LANG_WRONG);
	ck_assert_int_eq(gr_lang_check("คำตอบคือ 18", "th-TH"), GR_LANG_OK);
	/* Invalid UTF-8 and a lone '$' do not break it. */
	ck_assert_int_eq(gr_lang_check("\xff\xfe\xc3 $ \\\\ \xe0\xb8", "th"), GR_LANG_OK);
}
END_TEST

START_TEST(test_mgsm)
{
	char *texts[NL];
	char *lines[NL][PER_LANG];
	int own_ok[NL] = {0}, cross_wrong = 0, cross_total = 0, latin_wrong = 0, latin_total = 0;
	int ngrams = gr_lang_have_ngrams();

	for (size_t k = 0; k < NL; k++) {
		char path[64];
		int n = 0;

		snprintf(path, sizeof(path), "data/mgsm/mgsm_%s.tsv", langs[k]);
		texts[k] = tu_read_file(tu_shared(path), NULL);
		ck_assert_ptr_nonnull(texts[k]);
		for (char *l = texts[k], *nl; *l && n < PER_LANG; l = nl + 1) {
			char *tab = strchr(l, '\t');

			nl = strchr(l, '\n');
			ck_assert_ptr_nonnull(tab);
			*tab = '\0';
			lines[k][n++] = l;
			if (!nl)
				break;
		}
		ck_assert_int_eq(n, PER_LANG);
	}
	for (size_t k = 0; k < NL; k++)
		for (int i = 0; i < PER_LANG; i++) {
			char buf[8192];

			snprintf(buf, sizeof(buf), "%s\n%s", lines[k][i], phrase[k]);
			if (gr_lang_check(buf, langs[k]) == GR_LANG_OK)
				own_ok[k]++;
			else if (own_ok[k] + 3 > i)
				printf("mgsm %s %d: own language judged wrong\n", langs[k], i);
			for (size_t o = 0; o < NL; o++) {
				int wrong;

				if (o == k)
					continue;
				wrong = gr_lang_check(buf, langs[o]) == GR_LANG_WRONG;
				if (latin(k) && latin(o)) {
					latin_total++;
					latin_wrong += wrong;
				} else {
					cross_total++;
					cross_wrong += wrong;
					if (!wrong)
						printf("mgsm %s %d as %s: judged ok\n", langs[k], i, langs[o]);
				}
			}
		}
	for (size_t k = 0; k < NL; k++) {
		printf("mgsm %s: %d/%d judged in its language\n", langs[k], own_ok[k], PER_LANG);
		/* The n-grams call a few English questions Scots or unknown; the
		 * rest must be all right. */
		ck_assert_int_ge(own_ok[k], PER_LANG * 99 / 100);
	}
	printf("mgsm other script: %d/%d judged wrong\n", cross_wrong, cross_total);
	printf("mgsm other Latin-script language: %d/%d judged wrong (n-grams %s)\n", latin_wrong,
	       latin_total, ngrams ? "loaded" : "not installed");
	ck_assert_int_eq(cross_wrong, cross_total);
	if (ngrams)
		ck_assert_int_ge(latin_wrong, latin_total * 97 / 100);
	else
		ck_assert_int_eq(latin_wrong, 0);
	for (size_t k = 0; k < NL; k++)
		free(texts[k]);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("langcheck");
	TCase *tc = tcase_create("langcheck");

	tu_require_shared();
	setvbuf(stdout, NULL, _IOLBF, 0);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_cases);
	tcase_add_test(tc, test_short_and_unknown);
	tcase_add_test(tc, test_mgsm);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
