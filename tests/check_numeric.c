/* The numeric grader: the cases in tests/data/numeric.test and numeric.cases, every GSM8K
 * reference solution, and every MGSM answer in all 11 languages written into
 * a sentence of that language (native digits and thousands style). */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "grader.h"
#include "grcase.h"
#include "linecase.h"
#include "rc.h"
#include "testutil.h"

static gr_grader *numeric(void)
{
	char err[256];
	json_t *spec = json_pack("{s:s}", "type", "numeric");
	gr_grader *g = NULL;

	ck_assert_ptr_nonnull(spec);
	ck_assert_msg(gr_compile(spec, &g, err, sizeof(err)) == TB_OK, "%s", err);
	json_decref(spec);
	return g;
}

START_TEST(test_cases)
{
	grcase_stats st = grcase_run("numeric.test");

	printf("numeric.test: %d cases, %d failed\n", st.cases, st.failures);
	ck_assert_int_gt(st.cases, 50);
	ck_assert_int_eq(st.failures, 0);
}
END_TEST

/* The one-line cases of tests/data/numeric.cases, by category. */
START_TEST(test_line_cases)
{
	gr_grader *g = numeric();
	lc_stats st = lc_run(g, "numeric.cases");

	ck_assert_int_ge(lc_report(&st, "numeric.cases"), 30);
	ck_assert_int_eq(st.failures, 0);
	gr_free(g);
}
END_TEST

/* Every GSM8K solution ends "#### N": the whole solution must grade correct
 * against N, and wrong against N + 1. */
START_TEST(test_gsm8k)
{
	char *text = tu_read_file(tu_shared("data/gsm8k/test.jsonl"), NULL);
	gr_grader *g = numeric();
	int total = 0, correct = 0, rejected = 0;
	clock_t t0;
	double secs;

	ck_assert_ptr_nonnull(text);
	t0 = clock();
	for (char *l = text, *nl; *l; l = nl + 1) {
		json_t *o;
		const char *ans, *hash;
		char want[64], wrong[64];
		gr_input in = {0};
		gr_result r;

		nl = strchr(l, '\n');
		if (!nl)
			nl = l + strlen(l) - 1;
		*nl = '\0';
		o = json_loads(l, 0, NULL);
		ck_assert_ptr_nonnull(o);
		ans = json_string_value(json_object_get(o, "answer"));
		ck_assert_ptr_nonnull(ans);
		hash = strstr(ans, "#### ");
		ck_assert_ptr_nonnull(hash);
		snprintf(want, sizeof(want), "%s", hash + 5);
		in.answer = ans;
		in.expected = want;
		total++;
		ck_assert_int_eq(gr_grade(g, &in, &r), TB_OK);
		if (r.verdict == GR_CORRECT)
			correct++;
		else
			printf("gsm8k %d: want %s, got %s (%s)\n", total, want, r.extracted, r.reason);
		/* "2,125" + 1 is written without the comma on purpose. */
		{
			char digits[64];
			size_t k = 0;

			for (const char *p = want; *p && k + 1 < sizeof(digits); p++)
				if (*p != ',')
					digits[k++] = *p;
			digits[k] = '\0';
			snprintf(wrong, sizeof(wrong), "%.0f", strtod(digits, NULL) + 1);
		}
		in.expected = wrong;
		ck_assert_int_eq(gr_grade(g, &in, &r), TB_OK);
		rejected += r.verdict == GR_INCORRECT;
		json_decref(o);
		if (!nl[1])
			break;
	}
	secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
	printf("gsm8k: %d/%d references extracted and correct, %d/%d off-by-one rejected "
	       "(%.0f gradings/s incl. JSON parsing)\n",
	       correct, total, rejected, total, 2 * total / (secs > 0 ? secs : 1e-9));
	ck_assert_int_eq(total, 1319);
	ck_assert_int_eq(correct, total);
	ck_assert_int_eq(rejected, total);
	gr_free(g);
	free(text);
}
END_TEST

static const struct mgsm_lang {
	const char *lang;
	const char *before, *after; /* the answer sentence around N */
	unsigned zero;              /* the script's digit zero, 0 for ASCII */
	const char *group;          /* thousands separator */
} mgsm_langs[] = {
	{"bn", "উত্তর হল ", "।", 0x09E6, ","},
	{"de", "Die Antwort ist ", ".", 0, "."},
	{"en", "The answer is ", ".", 0, ","},
	{"es", "La respuesta es ", ".", 0, "."},
	{"fr", "La réponse est ", ".", 0, "\u202f"},
	{"ja", "答えは", "です。", 0, ","},
	{"ru", "Ответ — ", ".", 0, "\u00a0"},
	{"sw", "Jibu ni ", ".", 0, ","},
	{"te", "సమాధానం ", ".", 0x0C66, ","},
	{"th", "คำตอบคือ ", "", 0x0E50, ","},
	{"zh", "答案是 ", "。", 0, ","},
};

static void put_utf8(char **o, unsigned cp)
{
	if (cp < 0x80) {
		*(*o)++ = (char)cp;
	} else if (cp < 0x800) {
		*(*o)++ = (char)(0xC0 | (cp >> 6));
		*(*o)++ = (char)(0x80 | (cp & 0x3F));
	} else {
		*(*o)++ = (char)(0xE0 | (cp >> 12));
		*(*o)++ = (char)(0x80 | ((cp >> 6) & 0x3F));
		*(*o)++ = (char)(0x80 | (cp & 0x3F));
	}
}

/* N ("2,125") as the language writes it: its digits and group separator. */
static void localise(const struct mgsm_lang *ml, const char *n, char *out)
{
	for (; *n; n++) {
		if (*n == ',') {
			strcpy(out, ml->group);
			out += strlen(ml->group);
		} else if (ml->zero && *n >= '0' && *n <= '9') {
			put_utf8(&out, ml->zero + (unsigned)(*n - '0'));
		} else {
			*out++ = *n;
		}
	}
	*out = '\0';
}

START_TEST(test_mgsm)
{
	gr_grader *g = numeric();
	int all = 0, all_ok = 0;

	for (size_t k = 0; k < sizeof(mgsm_langs) / sizeof(mgsm_langs[0]); k++) {
		const struct mgsm_lang *ml = &mgsm_langs[k];
		char path[64], *text;
		int total = 0, correct = 0;

		snprintf(path, sizeof(path), "data/mgsm/mgsm_%s.tsv", ml->lang);
		text = tu_read_file(tu_shared(path), NULL);
		ck_assert_ptr_nonnull(text);
		for (char *l = text, *nl; *l; l = nl + 1) {
			char *tab, native[128], *resp;
			int last;
			gr_input in = {0};
			gr_result r;

			nl = strchr(l, '\n');
			last = !nl || !nl[1];
			if (!nl)
				nl = l + strlen(l);
			*nl = '\0';
			tab = strchr(l, '\t');
			ck_assert_ptr_nonnull(tab);
			*tab = '\0';
			ck_assert_uint_lt(strlen(tab + 1), 20);
			localise(ml, tab + 1, native);
			/* The question (with its own numbers) stands in for the reasoning. */
			resp = malloc(strlen(l) + strlen(native) + 256);
			ck_assert_ptr_nonnull(resp);
			sprintf(resp, "%s\n%s%s%s", l, ml->before, native, ml->after);
			in.answer = resp;
			in.expected = tab + 1;
			in.lang = ml->lang;
			ck_assert_int_eq(gr_grade(g, &in, &r), TB_OK);
			total++;
			if (r.verdict == GR_CORRECT)
				correct++;
			else
				printf("mgsm %s %d: want %s, got %s (%s)\n", ml->lang, total, tab + 1,
				       r.extracted, r.reason);
			free(resp);
			if (last)
				break;
		}
		printf("mgsm %s: %d/%d\n", ml->lang, correct, total);
		ck_assert_int_eq(total, 250);
		all += total;
		all_ok += correct;
		free(text);
	}
	ck_assert_int_eq(all_ok, all);
	gr_free(g);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("numeric");
	TCase *tc = tcase_create("numeric");

	tu_require_shared();
	setvbuf(stdout, NULL, _IOLBF, 0);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_cases);
	tcase_add_test(tc, test_line_cases);
	tcase_add_test(tc, test_gsm8k);
	tcase_add_test(tc, test_mgsm);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
