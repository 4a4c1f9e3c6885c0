/* Helpers shared by the Check tests. Those that check something fail the
 * running test (ck_assert) rather than return an error. */
#ifndef TB_TESTUTIL_H
#define TB_TESTUTIL_H

#include <check.h>

#include "store.h"
#include <sqlite3.h>
#include <stddef.h>
#include <sys/types.h>

/* Path of a file under ../shared, in a static buffer. */
const char *tu_shared(const char *rel);
/* Exits 77 (CTest's "skipped") with a clear line when ../shared is absent,
 * as in a user's clone; CI has it. */
void tu_require_shared(void);
/* Exits 77 with a clear line when bubblewrap is not installed. */
void tu_require_bwrap(void);
/* Reads a whole file; the caller frees. NULL when it cannot be read. */
char *tu_read_file(const char *path, size_t *len);
/* Writes text to path, replacing it. */
void tu_write_file(const char *path, const char *text);
/* Whether the file's bytes hold needle; 0 when it cannot be read. */
int tu_file_contains(const char *path, const char *needle);
/* How many times needle (not empty) starts in text; they may overlap. */
size_t tu_count(const char *text, const char *needle);
/* A fresh empty folder under /tmp; the caller removes it with tu_rmtree(). */
char *tu_mkdtemp(void);
void tu_rmtree(const char *path);
/* A checked fixture's pair: each test gets a fresh folder, tu_dir, removed
 * with its contents after the test. */
extern char *tu_dir;
void tu_dir_setup(void);
void tu_dir_teardown(void);
/* Seconds on the monotonic clock. */
double tu_now_s(void);

/* A suite of n sums "What is i + (i+7)?", graded by the regex grader on
 * \boxed{}; ids are "s" and i in id_digits digits (the simulator's answers
 * depend on the id). Items below `broken` get a pattern that never matches,
 * as a changed grader would; 0 for none. */
void tu_write_suite(const char *path, int n, int id_digits, int broken);
/* A models file with qwen/qwen3-14b on the simulator at port, its key read
 * from key_env; NULL names TB_TEST_NO_KEY, which tu_spawn_tb sets to a dummy
 * key ("no key needed"). */
void tu_write_models(const char *path, int port, const char *key_env);

/* How tu_spawn_tb starts the thinkbench program. A NULL pointer means all
 * fields zero: no key, stdout and stderr both to out_path, no size limit. */
typedef struct tu_spawn {
	const char *api_key;	/* OPENROUTER_API_KEY in the child; NULL unsets it */
	int split_stdout;	/* stdout to "<out_path>.stdout", stderr alone to out_path */
	long fsize;		/* > 0: RLIMIT_FSIZE in bytes with SIGXFSZ ignored, so a
				 * write fails with EFBIG as on a full disk */
} tu_spawn;

/* Starts TB_BINARY with argv (argv[0] included), output to out_path
 * (truncated); the caller waits for it with tu_wait(). */
pid_t tu_spawn_tb(char *const argv[], const char *out_path, const tu_spawn *o);
/* In a forked child: stdout and stderr to out_path (truncated); _exit(120)
 * when it cannot be opened. */
void tu_redirect(const char *out_path);
/* Waits at most timeout_s for a child and returns its exit code, or 128 +
 * the signal that ended it; past the timeout, kills it and fails the test. */
int tu_wait(pid_t pid, double timeout_s);
/* tu_spawn_tb and tu_wait. */
int tu_run_tb(char *const argv[], const char *out_path, const tu_spawn *o, double timeout_s);

/* A TCP port on 127.0.0.1 that was free a moment ago. */
int tu_free_port(void);
/* `thinkbench sim --port port --suite suite --seed 3 extra` (extra is
 * shell words) as a separate process logging to <log_dir>/sim-<port>.log;
 * returns once its stats answer, and fails the test when they never do. */
pid_t tu_start_sim(const char *log_dir, int port, const char *suite, const char *extra);
/* SIGTERM and wait; returns the wait status for callers that check it. */
int tu_stop_sim(pid_t pid);
/* A number from the simulator's /sim/stats: the request count, or with
 * fault not NULL that fault's count; -1 when it does not answer. */
long tu_sim_stat(int port, const char *fault);
long tu_sim_requests(int port);

/* A database opened read-only with a 5 s busy timeout; sqlite3_close() it. */
sqlite3 *tu_db_open(const char *db_path);
/* The first column of the first row of sql as an integer; -1 with no row. */
long tu_db_long(const char *db_path, const char *sql);
/* tu_db_long on a run folder's store.sqlite. */
long tu_query_long(const char *run_dir, const char *sql);
/* Every row of sql on a run folder's store.sqlite, a line each, columns
 * joined by '|' (NULL as "NULL"); the caller frees it. */
char *tu_query_text(const char *run_dir, const char *sql);
/* Samples stored in a run folder so far; 0 while the store or its tables
 * do not exist yet, so it can be polled while a run starts. */
long tu_stored(const char *run_dir);
/* tu_query_long() on a store that may not be there yet, or not whole: missing
 * when there is no store file or sql cannot be read from it. */
long tu_query_or(const char *run_dir, const char *sql, long missing);
/* Stores the items of the suite file at path in st, as a run does. */
void tu_store_suite_items(tb_store *st, const char *path);
/* Fails the test unless the run folder's store passes PRAGMA integrity_check. */
void tu_integrity_ok(const char *run_dir);

/* Runs the suite with CK_NORMAL output and returns the process exit code. */
int tu_run(Suite *s);

#endif
