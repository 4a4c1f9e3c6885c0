/* The fuzz targets of tests/fuzz/ as plain functions: every file of
 * tests/fuzz/corpus/<target>/ (seeds, and any case the fuzzer ever found) is
 * run through its target, in the plain and the sanitizer builds, so a found
 * crash stays fixed. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#define FUZZ_ENTRY fuzz_sse
#include "fuzz/fuzz_sse.c"
#undef FUZZ_ENTRY
#define FUZZ_ENTRY fuzz_resp
#include "fuzz/fuzz_resp.c"
#undef FUZZ_ENTRY
#define FUZZ_ENTRY fuzz_suite
#include "fuzz/fuzz_suite.c"
#undef FUZZ_ENTRY
#define FUZZ_ENTRY fuzz_extract
#include "fuzz/fuzz_extract.c"
#undef FUZZ_ENTRY
#define FUZZ_ENTRY fuzz_models
#include "fuzz/fuzz_models.c"
#undef FUZZ_ENTRY
#define FUZZ_ENTRY fuzz_math
#include "fuzz/fuzz_math.c"
#undef FUZZ_ENTRY
#define FUZZ_ENTRY fuzz_iocompare
#include "fuzz/fuzz_iocompare.c"
#undef FUZZ_ENTRY

static const struct target {
	const char *name;
	int (*one)(const uint8_t *data, size_t size);
} targets[] = {
	{"sse", fuzz_sse},
	{"resp", fuzz_resp},
	{"suite", fuzz_suite},
	{"extract", fuzz_extract},
	{"models", fuzz_models},
	{"math", fuzz_math},
	{"iocompare", fuzz_iocompare},
};

START_TEST(corpus_runs_clean)
{
	const struct target *t = &targets[_i];
	char path[1024];
	struct dirent *e;
	DIR *d;
	int n = 0;

	snprintf(path, sizeof(path), "%s/tests/fuzz/corpus/%s", TB_SOURCE_DIR, t->name);
	d = opendir(path);
	ck_assert_msg(d != NULL, "no corpus folder %s", path);
	while ((e = readdir(d)) != NULL) {
		char file[2048];
		size_t len = 0;
		char *data;

		if (e->d_name[0] == '.')
			continue;
		snprintf(file, sizeof(file), "%s/%s", path, e->d_name);
		data = tu_read_file(file, &len);
		ck_assert_msg(data != NULL, "cannot read %s", file);
		ck_assert_int_eq(t->one((const uint8_t *)data, len), 0);
		free(data);
		n++;
	}
	closedir(d);
	/* Every target has seeds: an empty folder would test nothing. */
	ck_assert_msg(n >= 3, "%s: only %d corpus files", t->name, n);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("fuzz_corpus");
	TCase *tc = tcase_create("corpus");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, corpus_runs_clean, 0, (int)(sizeof(targets) / sizeof(targets[0])));
	suite_add_tcase(s, tc);
	return tu_run(s);
}
