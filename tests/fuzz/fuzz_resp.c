/* libFuzzer target: the response parser (harness/resp.c), as a whole body
 * and as stream chunks, one per line, with a key to redact (redact.c) from
 * everything it reads. Built by scripts/fuzz.sh;
 * tests/check_fuzz_corpus.c runs the corpus through it. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "redact.h"
#include "resp.h"

#ifndef FUZZ_ENTRY
#define FUZZ_ENTRY LLVMFuzzerTestOneInput
#endif

int FUZZ_ENTRY(const uint8_t *data, size_t size);

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	tb_resp r;
	size_t start = 0;
	int64_t t = 0;

	/* once per process: later calls find the key already taken */
	setenv("TB_FUZZ_KEY", "sk-fuzz-0123456789abcdef", 0);
	tb_secret_take("TB_FUZZ_KEY");
	resp_init(&r, 1u << 16);
	r.think_tags = size > 0 && (data[0] & 1);
	resp_parse_body(&r, s, size);
	resp_release(&r);

	resp_init(&r, 1u << 16);
	r.think_tags = size > 0 && (data[0] & 2);
	/* Bounded by size: each pass moves start past one newline. */
	for (size_t i = 0; i <= size; i++) {
		if (i == size || s[i] == '\n') {
			resp_on_chunk(&r, s + start, i - start, t++);
			start = i + 1;
		}
	}
	resp_release(&r);
	return 0;
}
