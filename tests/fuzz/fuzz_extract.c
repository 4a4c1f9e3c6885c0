/* libFuzzer target: the answer extractors (graders/extract.c, normalize.c)
 * and the regex, numeric, math and choice graders on any answer text. Built
 * by scripts/fuzz.sh; tests/check_fuzz_corpus.c runs the corpus through it. */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "grader.h"
#include "normalize.h"

#ifndef FUZZ_ENTRY
#define FUZZ_ENTRY LLVMFuzzerTestOneInput
#endif

int FUZZ_ENTRY(const uint8_t *data, size_t size);

static void extract_grade(const char *spec, const char *answer, const char *expected, const char *lang)
{
	json_t *j = json_loads(spec, 0, NULL);
	gr_grader *g = NULL;
	char err[256];
	gr_result r;
	gr_input in = {.answer = answer, .expected = expected, .lang = lang, .item_id = "fuzz"};

	if (j && gr_compile(j, &g, err, sizeof(err)) == 0) {
		gr_grade(g, &in, &r);
		gr_free(g);
	}
	json_decref(j);
}

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), canon[512];
	gr_span sp;
	gr_num num;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	gr_find_boxed(s, size, &sp);
	gr_find_phrase(s, size, &sp);
	gr_find_hash(s, size, &sp);
	gr_last_number(s, size, 0, &num);
	gr_last_number(s, size, 1, &num);
	for (size_t from = 0, k = 0; k < 64 && gr_next_number(s, size, from, 0, &num); k++)
		from = num.off + (num.len ? num.len : 1);
	gr_latex_canon(s, size, canon, sizeof(canon));
	/* The graders see the text as the answer; strings stop at a NUL. */
	extract_grade("{\"type\": \"numeric\"}", s, "42", "en");
	extract_grade("{\"type\": \"numeric\"}", s, "3,5", "de");
	extract_grade("{\"type\": \"math\"}", s, "\\frac{1}{2}", NULL);
	extract_grade("{\"type\": \"choice\"}", s, "B", NULL);
	extract_grade("{\"type\": \"regex\", \"pattern\": \"\\\\\\\\boxed\\\\{([^{}]*)\\\\}\", \"normalize\": [\"trim\", \"lower\", \"number\"]}",
		      s, "7", NULL);
	free(s);
	return 0;
}
