/* libFuzzer target: the SSE parser (harness/sse.c). The first byte picks how
 * the rest is cut into feeds, so splits at every boundary get tried. Built by
 * scripts/fuzz.sh; tests/check_fuzz_corpus.c runs the corpus through it. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "rc.h"
#include "sse.h"

#ifndef FUZZ_ENTRY
#define FUZZ_ENTRY LLVMFuzzerTestOneInput
#endif

int FUZZ_ENTRY(const uint8_t *data, size_t size);

static int sse_seen(void *ud, const char *event, const char *d, size_t len)
{
	size_t *total = ud;

	/* Touch every byte, so the sanitizers see a bad length. */
	for (size_t i = 0; i < len; i++)
		*total += (unsigned char)d[i];
	*total += strlen(event);
	return 0;
}

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	sse_parser p;
	size_t total = 0, step;

	if (size == 0)
		return 0;
	step = (size_t)data[0] % 17 + 1;
	sse_init(&p, 4096, sse_seen, &total);
	for (size_t off = 1; off < size; off += step) {
		size_t n = size - off < step ? size - off : step;

		if (sse_feed(&p, (const char *)data + off, n) != TB_OK)
			break;
	}
	sse_release(&p);
	return 0;
}
