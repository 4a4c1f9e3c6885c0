/* mkdir -p for --out paths: each missing component is made in turn. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mkpath.h"
#include "rc.h"
#include "log.h"

/* The part that failed is named beside the path the user gave, so that
 * "results/a/b" with "results" a file says which. */
static int fail(char *err, size_t errlen, const char *dir, const char *part, int e)
{
	if (strcmp(dir, part) == 0)
		return tb_seterr(err, errlen, "cannot create the folder '%s': %s", dir, strerror(e));
	return tb_seterr(err, errlen, "cannot create the folder '%s': '%s': %s", dir, part,
			 strerror(e));
}

static int make_one(const char *dir, const char *part, mode_t mode, char *err, size_t errlen)
{
	struct stat st;

	if (mkdir(part, mode) == 0)
		return TB_OK;
	if (errno != EEXIST)
		return fail(err, errlen, dir, part, errno);
	if (stat(part, &st) != 0)
		return fail(err, errlen, dir, part, errno);
	if (!S_ISDIR(st.st_mode))
		return fail(err, errlen, dir, part, ENOTDIR);
	return TB_OK;
}

int tb_mkpath(const char *dir, mode_t mode, char *err, size_t errlen)
{
	char *p, *s;
	int rc = TB_OK;

	if (!*dir)
		return tb_seterr(err, errlen, "an empty folder name");
	s = strdup(dir);
	if (!s)
		return tb_seterr(err, errlen, "out of memory");
	/* bounded by the string: each pass moves past one slash */
	for (p = s + 1; *p && rc == TB_OK; p++) {
		if (*p != '/' || p[-1] == '/')
			continue;
		*p = '\0';
		rc = make_one(dir, s, mode, err, errlen);
		*p = '/';
	}
	if (rc == TB_OK)
		rc = make_one(dir, s, mode, err, errlen);
	free(s);
	return rc;
}

int tb_mkpath_parent(const char *path, mode_t mode, char *err, size_t errlen)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int rc;

	if (!slash || slash == path)
		return TB_OK;
	dir = strndup(path, (size_t)(slash - path));
	if (!dir)
		return tb_seterr(err, errlen, "out of memory");
	rc = tb_mkpath(dir, mode, err, errlen);
	free(dir);
	return rc;
}
