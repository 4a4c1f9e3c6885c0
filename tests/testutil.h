/* Helpers shared by the Check tests. */
#ifndef TB_TESTUTIL_H
#define TB_TESTUTIL_H

#include <check.h>
#include <stddef.h>

/* Path of a file under ../shared, in a static buffer. */
const char *tu_shared(const char *rel);
/* Exits 77 (CTest's "skipped") with a clear line when ../shared is absent,
 * as in a user's clone; CI has it. */
void tu_require_shared(void);
/* Reads a whole file; the caller frees. NULL when it cannot be read. */
char *tu_read_file(const char *path, size_t *len);
/* A fresh empty folder under /tmp; the caller removes it with tu_rmtree(). */
char *tu_mkdtemp(void);
void tu_rmtree(const char *path);
/* Runs the suite with CK_NORMAL output and returns the process exit code. */
int tu_run(Suite *s);

#endif
