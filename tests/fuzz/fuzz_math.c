/* libFuzzer target: the math answer parser (graders/mathparse.c) and the
 * tree comparison (graders/mathexpr.c) on any text, against itself and
 * against fixed references of each shape. Built by scripts/fuzz.sh;
 * tests/check_fuzz_corpus.c runs the corpus through it. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mathexpr.h"
#include "mathparse.h"

#ifndef FUZZ_ENTRY
#define FUZZ_ENTRY LLVMFuzzerTestOneInput
#endif

int FUZZ_ENTRY(const uint8_t *data, size_t size);

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	static const char *const refs[] = {"42", "\\frac{1}{2}", "x \\le 5", "(0, 1]", "\\pm 2",
					   "y = 2x + 1", "\\begin{pmatrix} 1 \\\\ 2 \\end{pmatrix}",
					   "\\text{Evelyn}", "25\\%", "1, 2, 3"};
	/* An exact-size copy: reading one byte past the text is caught. */
	char *text = malloc(size ? size : 1);
	mp_tree *a = malloc(sizeof(*a)), *r = malloc(sizeof(*r));
	const mx_opts o = {MX_SIG_DIGITS, 0, 0};
	char printed[256];
	mx_num num;
	const char *why;

	if (!text || !a || !r)
		goto out;
	memcpy(text, data, size);
	if (mp_parse(text, size, a, &why) != 0)
		goto out;
	mp_print(a, a->root, printed, sizeof(printed));
	for (size_t k = 0; k < sizeof(refs) / sizeof(refs[0]); k++) {
		if (mp_parse(text, size, a, NULL) != 0 ||
		    mp_parse(refs[k], strlen(refs[k]), r, NULL) != 0)
			goto out;
		mx_equal(a, r, &o, &why);
	}
	/* Against itself, both ways round. */
	if (mp_parse(text, size, a, NULL) == 0 && mp_parse(text, size, r, NULL) == 0)
		mx_equal(a, r, &o, &why);
	if (mp_parse(text, size, a, NULL) == 0)
		mx_number(a, &num);
out:
	free(text);
	free(a);
	free(r);
	return 0;
}
