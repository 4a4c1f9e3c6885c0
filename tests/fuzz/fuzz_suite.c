/* libFuzzer target: the suite loader (harness/suite.c) on any file content.
 * The bytes go to an in-memory file (memfd) loaded by its /proc path. Built
 * by scripts/fuzz.sh; tests/check_fuzz_corpus.c runs the corpus through it. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "rc.h"
#include "suite.h"

#ifndef FUZZ_ENTRY
#define FUZZ_ENTRY LLVMFuzzerTestOneInput
#endif

int FUZZ_ENTRY(const uint8_t *data, size_t size);

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	char path[64], err[1024];
	tb_suite *s = NULL;
	int fd = memfd_create("fuzz-suite", 0);

	if (fd < 0)
		return 0;
	if (write(fd, data, size) == (ssize_t)size) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		if (suite_load(path, 0, &s, err, sizeof(err)) == TB_OK) {
			for (size_t i = 0; i < s->n_items; i++)
				(void)suite_item_user_text(&s->items[i]);
			suite_free(s);
		}
	}
	close(fd);
	return 0;
}
