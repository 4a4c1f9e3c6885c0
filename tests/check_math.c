/* The math grader: the cases in tests/data/math.test and math.cases; every MATH-500 answer
 * against itself and three rewrites of it this test makes, and against a
 * wrong answer; AIME answers with and without leading zeros. */
#include <check.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "extract.h"
#include "grader.h"
#include "grcase.h"
#include "langcheck.h"
#include "linecase.h"
#include "mathexpr.h"
#include "mathparse.h"
#include "rc.h"
#include "testutil.h"

#define FORM_MAX 2048

static gr_grader *compile(const char *type)
{
	char err[256];
	json_t *spec = json_pack("{s:s}", "type", type);
	gr_grader *g = NULL;

	ck_assert_ptr_nonnull(spec);
	ck_assert_msg(gr_compile(spec, &g, err, sizeof(err)) == TB_OK, "%s", err);
	json_decref(spec);
	return g;
}

static gr_verdict grade(const gr_grader *g, const char *answer, const char *expected, gr_result *r)
{
	gr_input in = {answer, expected, NULL, "t", NULL};

	ck_assert_int_eq(gr_grade(g, &in, r), TB_OK);
	return r->verdict;
}

START_TEST(test_cases)
{
	grcase_stats st = grcase_run("math.test");

	printf("math.test: %d cases, %d failed\n", st.cases, st.failures);
	ck_assert_int_gt(st.cases, 40);
	ck_assert_int_eq(st.failures, 0);
}
END_TEST

/* The one-line cases of tests/data/math.cases, by category: at least 30
 * in each, all passing. */
START_TEST(test_line_cases)
{
	gr_grader *g = compile("math");
	lc_stats st = lc_run(g, "math.cases");

	ck_assert_int_ge(lc_report(&st, "math.cases"), 30);
	ck_assert_int_eq(st.failures, 0);
	gr_free(g);
}
END_TEST

/* Appends s to out, bounded. */
static void add(char *out, const char *s, size_t n)
{
	size_t l = strlen(out);

	if (l + n >= FORM_MAX)
		n = FORM_MAX - 1 - l;
	memcpy(out + l, s, n);
	out[l + n] = '\0';
}

static int at(const char *s, const char *w)
{
	return strncmp(s, w, strlen(w)) == 0;
}

/* The single number a reference stands for, as the graders read it. */
static int value_of(const char *a, double *v)
{
	mp_tree *t = malloc(sizeof(*t));
	mx_num num;
	int ok;

	ck_assert_ptr_nonnull(t);
	ok = mp_parse(a, strlen(a), t, NULL) == 0 && mx_number(t, &num) == 1 && !num.percent;
	if (ok)
		*v = num.val;
	free(t);
	return ok;
}

/* Whether a is a number with thousands commas: 58,500 or 10,\!080. */
static int grouped_number(const char *a)
{
	int digits = 0, commas = 0;

	for (const char *p = a; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digits++;
		else if (*p == ',')
			commas++;
		else if (!strchr("\\!$ .", *p))
			return 0;
	}
	return digits > 3 && commas > 0;
}

/* Form 1: \frac and \dfrac swapped (or, without fractions, spaces after
 * commas and around + and =), boxed at the end of thinking-style text with
 * an earlier, wrong box. */
static void form_swap(const char *a, char *out)
{
	char body[FORM_MAX] = "";
	/* "58,500" is a number: "58, 500" would be two. */
	int fracs = strstr(a, "frac") != NULL || grouped_number(a);

	for (const char *p = a; *p;) {
		if (at(p, "\\dfrac") || at(p, "\\tfrac")) {
			add(body, "\\frac", 5);
			p += 6;
		} else if (at(p, "\\frac")) {
			add(body, "\\dfrac", 6);
			p += 5;
		} else if (!fracs && (*p == ',' || *p == '+' || *p == '=')) {
			add(body, *p == ',' ? ", " : *p == '+' ? " + " : " = ", *p == ',' ? 2 : 3);
			p++;
		} else {
			add(body, p, 1);
			p++;
		}
	}
	snprintf(out, FORM_MAX,
		 "Let me try $\\boxed{0}$ first... no, that fails for n = 3.\n"
		 "After checking 2 cases, the final answer is $\\boxed{%.*s}$. Done in 3 steps.", 1024, body);
}

/* Form 2: after an answer phrase in $...$, with \left/\right added (or
 * removed), degree signs, \text{}, \!, \$ and \mbox dropped. */
static void form_left_right(const char *a, char *out)
{
	char body[FORM_MAX] = "";
	int has_left = strstr(a, "\\left") != NULL;

	for (const char *p = a; *p;) {
		if (at(p, "^\\circ")) {
			p += 6;
		} else if (at(p, "^{\\circ}")) {
			p += 8;
		} else if (at(p, "\\! ")) {
			p += 3; /* "11, 111" would read as two numbers */
		} else if (at(p, "\\!") || at(p, "\\$")) {
			p += 2;
		} else if (has_left && (at(p, "\\left") || at(p, "\\right"))) {
			p += at(p, "\\left") ? 5 : 6;
		} else if (!has_left && (*p == '(' || *p == '[')) {
			add(body, "\\left", 5);
			add(body, p++, 1);
		} else if (!has_left && (*p == ')' || *p == ']')) {
			add(body, "\\right", 6);
			add(body, p++, 1);
		} else if (at(p, "\\text{") && !strchr(p, ' ')) {
			/* \text{Evelyn} -> Evelyn; unit texts keep their wrapper. */
			const char *e = strchr(p, '}');

			if (!e)
				e = p + strlen(p);
			add(body, p + 6, (size_t)(e - p - 6));
			p = *e ? e + 1 : e;
		} else {
			add(body, p++, 1);
		}
	}
	snprintf(out, FORM_MAX, "We get the result below.\nThe final answer is $%.1024s$.", body);
}

/* Form 3: a number written differently (a terminating decimal for a
 * fraction, a leading zero or thousands commas for a whole number);
 * anything else with spaces between its tokens after "Final answer:". */
static void form_number(const char *a, char *out)
{
	char spaced[FORM_MAX] = "";
	double v;

	if (value_of(a, &v)) {
		if (v == floor(v) && fabs(v) < 1e15) {
			double m = fabs(v);

			if (m >= 1000) {
				char digits[32], grouped[48];
				size_t n, o = 0;

				snprintf(digits, sizeof(digits), "%.0f", m);
				n = strlen(digits);
				for (size_t k = 0; k < n; k++) {
					if (k && (n - k) % 3 == 0)
						grouped[o++] = ',';
					grouped[o++] = digits[k];
				}
				grouped[o] = '\0';
				snprintf(out, FORM_MAX, "Final answer: %s%s", v < 0 ? "-" : "", grouped);
			} else {
				snprintf(out, FORM_MAX, "\\boxed{%s0%.0f}", v < 0 ? "-" : "", m);
			}
			return;
		}
		for (int p = 1; p <= 10; p++) {
			char num[64];

			snprintf(num, sizeof(num), "%.*g", p, v);
			if (strtod(num, NULL) == v) {
				snprintf(out, FORM_MAX, "So it is \\boxed{%s}.", num);
				return;
			}
		}
	}
	for (const char *p = a; *p; p++) {
		add(spaced, p, 1);
		if (*p == ',' || *p == '}' || *p == '+' || *p == '=')
			add(spaced, " ", 1);
	}
	snprintf(out, FORM_MAX, "**Final answer:** $\\displaystyle %.1024s$", spaced);
}

/* A wrong answer: the value plus one when it is a number, else the next
 * item's answer. */
static int form_wrong(const char *a, const char *next, char *out)
{
	double v;

	if (value_of(a, &v)) {
		snprintf(out, FORM_MAX, "\\boxed{%.12g}", v + 1);
		return 1;
	}
	if (strcmp(a, next) == 0)
		return 0;
	snprintf(out, FORM_MAX, "\\boxed{%s}", next);
	return 1;
}

START_TEST(test_math500)
{
	static const char *const names[] = {"itself", "frac/dfrac swapped or spaced, boxed in text",
					    "\\left\\right, degrees, \\text{} dropped, after a phrase",
					    "decimal, leading zero or thousands"};
	char *text = tu_read_file(tu_shared("data/math500/test.jsonl"), NULL);
	gr_grader *g = compile("math");
	json_t *items[500];
	int n = 0, ok[4] = {0}, wrong_total = 0, wrong_rejected = 0;
	char *form = malloc(FORM_MAX);

	ck_assert_ptr_nonnull(text);
	ck_assert_ptr_nonnull(form);
	for (char *l = text, *nl; *l && n < 500; l = nl + 1) {
		nl = strchr(l, '\n');
		if (nl)
			*nl = '\0';
		items[n] = json_loads(l, 0, NULL);
		ck_assert_ptr_nonnull(items[n]);
		n++;
		if (!nl)
			break;
	}
	ck_assert_int_eq(n, 500);
	for (int i = 0; i < n; i++) {
		const char *a = json_string_value(json_object_get(items[i], "answer"));
		const char *next = json_string_value(json_object_get(items[(i + 1) % n], "answer"));
		gr_result r;

		ck_assert_ptr_nonnull(a);
		for (int f = 0; f < 4; f++) {
			if (f == 0)
				snprintf(form, FORM_MAX, "%s", a);
			else if (f == 1)
				form_swap(a, form);
			else if (f == 2)
				form_left_right(a, form);
			else
				form_number(a, form);
			if (grade(g, form, a, &r) == GR_CORRECT)
				ok[f]++;
			else
				printf("math500 %d form %d: '%s' vs '%s': %s (%s)\n", i, f, form, a,
				       gr_verdict_str(r.verdict), r.reason);
		}
		if (form_wrong(a, next, form)) {
			wrong_total++;
			if (grade(g, form, a, &r) == GR_INCORRECT)
				wrong_rejected++;
			else
				printf("math500 %d: wrong '%s' vs '%s' graded %s\n", i, form, a,
				       gr_verdict_str(r.verdict));
		}
	}
	for (int f = 0; f < 4; f++)
		printf("math500 %s: %d/%d\n", names[f], ok[f], n);
	printf("math500 wrong answers rejected: %d/%d\n", wrong_rejected, wrong_total);
	for (int f = 0; f < 4; f++)
		ck_assert_int_eq(ok[f], n);
	ck_assert_int_eq(wrong_rejected, wrong_total);
	for (int i = 0; i < n; i++)
		json_decref(items[i]);
	free(form);
	free(text);
	gr_free(g);
}
END_TEST

/* The Qwen2.5-Math AIME file writes "025" where QwQ's writes 25. */
START_TEST(test_aime_leading_zeros)
{
	char *zeros = tu_read_file(tu_shared("data/aime/qwen2.5-math/aime24_test.jsonl"), NULL);
	char *ints = tu_read_file(tu_shared("data/aime/qwq/aime24.jsonl"), NULL);
	gr_grader *m = compile("math"), *num = compile("numeric");
	int n = 0, padded = 0;
	char *lz = zeros, *li = ints;

	ck_assert_ptr_nonnull(zeros);
	ck_assert_ptr_nonnull(ints);
	while (lz && li && *lz && *li) {
		char *nz = strchr(lz, '\n'), *ni = strchr(li, '\n'), a[96], b[32];
		json_t *oz, *oi;
		const char *sz;
		gr_result r;

		if (nz)
			*nz = '\0';
		if (ni)
			*ni = '\0';
		oz = json_loads(lz, 0, NULL);
		oi = json_loads(li, 0, NULL);
		ck_assert_ptr_nonnull(oz);
		ck_assert_ptr_nonnull(oi);
		sz = json_string_value(json_object_get(oz, "answer"));
		ck_assert_ptr_nonnull(sz);
		ck_assert(json_is_integer(json_object_get(oi, "answer")));
		snprintf(b, sizeof(b), "%lld", (long long)json_integer_value(json_object_get(oi, "answer")));
		padded += sz[0] == '0';
		snprintf(a, sizeof(a), "Thus the answer is $\\boxed{%s}$.", sz);
		ck_assert_int_eq(grade(m, a, b, &r), GR_CORRECT);
		ck_assert_int_eq(grade(num, a, b, &r), GR_CORRECT);
		snprintf(a, sizeof(a), "\\boxed{%s}", b);
		ck_assert_int_eq(grade(m, a, sz, &r), GR_CORRECT);
		ck_assert_int_eq(grade(num, a, sz, &r), GR_CORRECT);
		snprintf(a, sizeof(a), "\\boxed{%lld}", (long long)json_integer_value(json_object_get(oi, "answer")) + 1);
		ck_assert_int_eq(grade(m, a, sz, &r), GR_INCORRECT);
		ck_assert_int_eq(grade(num, a, sz, &r), GR_INCORRECT);
		json_decref(oz);
		json_decref(oi);
		n++;
		lz = nz ? nz + 1 : NULL;
		li = ni ? ni + 1 : NULL;
	}
	printf("aime24: %d answers, %d with leading zeros, all agree\n", n, padded);
	ck_assert_int_eq(n, 30);
	ck_assert_int_gt(padded, 3);
	gr_free(m);
	gr_free(num);
	free(zeros);
	free(ints);
}
END_TEST

/* Random LaTeX-ish junk must never crash or hang any of the string
 * graders (the test's timeout catches a hang). */
START_TEST(test_hostile)
{
	static const char *const toks[] = {
		"\\frac", "\\dfrac", "\\sqrt", "\\boxed", "\\boxed{", "\\text{", "\\left(", "\\right]",
		"{", "}", "(", ")", "[", "]", "\\{", "\\}", "^", "_", ",", ";", ".", "=", "+", "-", "*",
		"/", "\\pi", "\\cup", "\\circ", "\\overline", "\\begin{pmatrix}", "\\end{pmatrix}",
		"&", "\\\\", "$", "%", "1", "23", "0.5", "x", "ab", "east", "e5", "####", "Answer:",
		"答案是", "١٢", "−", "\xe2", "\xff", " ", "\n", "\\", "'", "\"answer\": \"C\"", "(C)",
	};
	const char *types[] = {"numeric", "math", "choice"};
	gr_grader *g[3];
	char *buf = malloc(FORM_MAX);
	unsigned seed = 12345;

	ck_assert_ptr_nonnull(buf);
	for (int t = 0; t < 3; t++)
		g[t] = compile(types[t]);
	for (int round = 0; round < 20000; round++) {
		int ntok;

		buf[0] = '\0';
		seed = seed * 1103515245u + 12345u;
		ntok = (int)((seed >> 16) % 40);
		for (int k = 0; k < ntok; k++) {
			const char *tk;

			seed = seed * 1103515245u + 12345u;
			tk = toks[(seed >> 16) % (sizeof(toks) / sizeof(toks[0]))];
			add(buf, tk, strlen(tk));
		}
		for (int t = 0; t < 3; t++) {
			gr_input in = {buf, t == 2 ? "C" : (round & 1) ? buf : "12", "de", "h", NULL};
			gr_result r;
			int rc = gr_grade(g[t], &in, &r);

			ck_assert(rc == TB_OK || rc == TB_ERR);
			ck_assert(r.verdict >= GR_CORRECT && r.verdict <= GR_NOANSWER);
			ck_assert(memchr(r.extracted, '\0', sizeof(r.extracted)) != NULL);
		}
		ck_assert(gr_lang_check(buf, (round & 1) ? "th" : "en") != GR_LANG_UNCHECKED);
	}
	/* Deep nesting is cut, not followed. */
	buf[0] = '\0';
	for (int k = 0; k < 500; k++)
		add(buf, "\\frac{", 6);
	ck_assert_int_ne(grade(g[1], buf, "1", &(gr_result){0}), GR_CORRECT);
	buf[0] = '\0';
	for (int k = 0; k < 900; k++)
		add(buf, "(", 1);
	add(buf, "1", 1);
	ck_assert_int_ne(grade(g[1], buf, "1", &(gr_result){0}), GR_CORRECT);
	for (int t = 0; t < 3; t++)
		gr_free(g[t]);
	free(buf);
}
END_TEST

/* CPU time of this thread: other processes on a loaded machine do not
 * count against the grader. */
static double thread_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* A megabyte of nested braces (and of other unclosed openings) grades as
 * no_answer or a grader error within 10 ms of CPU, never a crash. The
 * sanitizers slow every memory access down: there the bound is 60 ms. */
START_TEST(test_megabyte)
{
#if defined(__SANITIZE_ADDRESS__)
	const double limit = 60, scan_limit = 400;
#else
	const double limit = 10, scan_limit = 60;
#endif
	static const char *const kinds[] = {"math", "numeric"};
	const size_t n = 1 << 20;
	char *b = malloc(n + 16);

	ck_assert_ptr_nonnull(b);
	for (int shape = 0; shape < 5; shape++) {
		size_t o = 0;

		if (shape == 0 || shape == 3) {
			memcpy(b, "\\boxed{", 7);
			o = 7;
		}
		if (shape <= 1)
			while (o < n)
				b[o++] = '{';
		else if (shape == 2)
			for (; o + 7 <= n; o += 7)
				memcpy(b + o, "\\boxed{", 7);
		else if (shape == 3)
			while (o < n)
				b[o] = o < n / 2 ? '{' : '}', o++;
		else
			for (; o + 2 <= n; o += 2)
				memcpy(b + o, "\\(", 2);
		b[o] = '\0';
		for (int k = 0; k < 2; k++) {
			gr_grader *g = compile(kinds[k]);
			gr_input in = {b, "1", NULL, "big", NULL};
			gr_result r;
			double t0 = thread_ms(), ms;
			int rc = gr_grade(g, &in, &r);

			ms = thread_ms() - t0;
			printf("megabyte shape %d, %s: %s in %.2f ms\n", shape, kinds[k],
			       rc == TB_OK ? gr_verdict_str(r.verdict) : "grader error", ms);
			ck_assert(rc == TB_ERR || r.verdict == GR_NOANSWER);
			ck_assert_double_lt(ms, limit);
			gr_free(g);
		}
		{
			/* The graders search only the answer's tail; the extractors
			 * themselves stay linear over the whole megabyte. */
			gr_span sp[8];
			gr_num num;
			size_t at;
			double t0 = thread_ms(), ms;

			gr_final_boxes(b, o, sp, 8);
			gr_phrase_answer(b, o, sp, &at);
			gr_find_hash(b, o, sp);
			gr_last_math(b, o, sp);
			gr_final_number(b, o, 0, &num);
			ms = thread_ms() - t0;
			printf("megabyte shape %d, extractors: %.2f ms\n", shape, ms);
			ck_assert_double_lt(ms, scan_limit);
		}
	}
	free(b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("math");
	TCase *tc = tcase_create("math");

	tu_require_shared();
	setvbuf(stdout, NULL, _IOLBF, 0);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_cases);
	tcase_add_test(tc, test_line_cases);
	tcase_add_test(tc, test_math500);
	tcase_add_test(tc, test_aime_leading_zeros);
	tcase_add_test(tc, test_hostile);
	tcase_add_test(tc, test_megabyte);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
