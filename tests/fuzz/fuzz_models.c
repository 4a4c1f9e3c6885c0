/* libFuzzer target: the models file loader (harness/models.c, through
 * harness/jsonfile.c) on any file content: byte order marks, base URLs, null
 * keys. The bytes go to an in-memory file (memfd) loaded by its /proc path.
 * Built by scripts/fuzz.sh; tests/check_fuzz_corpus.c runs the corpus
 * through it. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "models.h"
#include "rc.h"

#ifndef FUZZ_ENTRY
#define FUZZ_ENTRY LLVMFuzzerTestOneInput
#endif

int FUZZ_ENTRY(const uint8_t *data, size_t size);

int FUZZ_ENTRY(const uint8_t *data, size_t size)
{
	char path[64], err[1024];
	tb_models ms;
	int fd = memfd_create("fuzz-models", 0);

	if (fd < 0)
		return 0;
	if (write(fd, data, size) == (ssize_t)size &&
	    models_builtin(&ms, "http://127.0.0.1:9/v1", err, sizeof(err)) == TB_OK) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		models_load_file(&ms, path, err, sizeof(err));
		models_release(&ms);
	}
	close(fd);
	return 0;
}
