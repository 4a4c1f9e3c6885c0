#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *tu_shared(const char *rel)
{
	static char path[4096];

	snprintf(path, sizeof(path), "%s/%s", TB_SHARED_DIR, rel);
	return path;
}

void tu_require_shared(void)
{
	struct stat st;

	if (stat(TB_SHARED_DIR "/data", &st) != 0) {
		printf("skip: %s/data is absent (a user's clone); these tests run in CI\n", TB_SHARED_DIR);
		exit(77);
	}
}

char *tu_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0)
		goto out;
	buf = malloc((size_t)n + 1);
	if (!buf)
		goto out;
	if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
		goto out;
	}
	buf[n] = '\0';
	if (len)
		*len = (size_t)n;
out:
	fclose(f);
	return buf;
}

char *tu_mkdtemp(void)
{
	char tmpl[] = "/tmp/tbtest.XXXXXX";
	char *d = mkdtemp(tmpl);

	return d ? strdup(d) : NULL;
}

void tu_rmtree(const char *path)
{
	char cmd[4200];

	if (!path || strncmp(path, "/tmp/tbtest.", 12) != 0)
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", path);
}

int tu_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
