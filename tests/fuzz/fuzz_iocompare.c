/* libFuzzer target: the io tests' output comparison (graders/iocompare.c)
 * on any program output against any expected output. The input is split at
 * its first NUL byte into the output and the expected text. Built by
 * scripts/fuzz.sh; tests/check_fuzz_corpus.c runs the corpus through it. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "iocompare.h"

#ifndef FUZZ_ENTRY
#define FUZZ_ENTRY LLVMFuzzerTestOneInput
#endif

int FUZZ_ENTRY(const uint8_t *data, size_t size);

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t gn = nul ? (size_t)(nul - data) : size, wn = nul ? size - gn - 1 : 0;
	/* Exact-size copies: reading one byte past either text is caught. */
	char *got = malloc(gn ? gn : 1), *want = malloc(wn ? wn : 1);

	if (!got || !want)
		goto out;
	memcpy(got, data, gn);
	memcpy(want, nul ? nul + 1 : data, wn);
	/* Whatever the texts, the rules keep their promises: an output is always
	 * the same as itself, and every looser rule takes what a stricter one
	 * takes. */
	if (!gr_io_same(GR_IO_EXACT, 0, got, gn, got, gn) || !gr_io_same(GR_IO_TOKENS, 0, got, gn, got, gn) ||
	    !gr_io_same(GR_IO_NUMBERS, 1e-6, got, gn, got, gn))
		abort();
	if (gr_io_same(GR_IO_EXACT, 0, got, gn, want, wn) && !gr_io_same(GR_IO_TOKENS, 0, got, gn, want, wn))
		abort();
	if (gr_io_same(GR_IO_TOKENS, 0, got, gn, want, wn) && !gr_io_same(GR_IO_NUMBERS, 1e-6, got, gn, want, wn))
		abort();
	if (gr_io_same(GR_IO_TOKENS, 0, got, gn, want, wn) != gr_io_same(GR_IO_TOKENS, 0, want, wn, got, gn))
		abort();
out:
	free(got);
	free(want);
	return 0;
}
