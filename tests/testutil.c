#include "testutil.h"

#include "rc.h"
#include "run.h"
#include "suite.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <jansson.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
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

void tu_require_bwrap(void)
{
	if (access("/usr/bin/bwrap", X_OK) != 0 && access("/usr/local/bin/bwrap", X_OK) != 0 &&
	    access("/bin/bwrap", X_OK) != 0) {
		printf("skip: bubblewrap is not installed (scripts/install-deps.sh installs it)\n");
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

void tu_write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

size_t tu_count(const char *text, const char *needle)
{
	size_t n = 0;

	for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

int tu_file_contains(const char *path, const char *needle)
{
	size_t len = 0, nlen = strlen(needle);
	char *text = tu_read_file(path, &len);
	int found = 0;

	if (!text)
		return 0;
	/* memcmp, not strstr: a NUL in the file must not hide what follows it */
	for (size_t i = 0; i + nlen <= len && !found; i++)
		found = memcmp(text + i, needle, nlen) == 0;
	free(text);
	return found;
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

	if (!path || strncmp(path, "/tmp/tbtest.", 12) != 0 || getenv("TB_KEEP"))
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", path);
}

char *tu_dir;

void tu_dir_setup(void)
{
	tu_dir = tu_mkdtemp();
	ck_assert_ptr_nonnull(tu_dir);
}

void tu_dir_teardown(void)
{
	tu_rmtree(tu_dir);
	free(tu_dir);
	tu_dir = NULL;
}

double tu_now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void tu_write_suite(const char *path, int n, int id_digits, int broken)
{
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	fputs("{\"suite\": {\"name\": \"sums\", \"template\": \"{prompt} Put the answer in \\\\boxed{}.\","
	      " \"grader\": {\"type\": \"regex\", \"pattern\": \"\\\\\\\\boxed\\\\{([^{}]*)\\\\}\","
	      " \"normalize\": [\"trim\", \"number\"]}}}\n", f);
	for (int i = 0; i < n; i++)
		fprintf(f, "{\"id\": \"s%0*d\", \"prompt\": \"What is %d + %d?\", \"answer\": %d%s}\n", id_digits, i,
			i, i + 7, 2 * i + 7,
			i < broken ? ", \"grader\": {\"type\": \"regex\", \"pattern\": \"NEVER_([0-9]+)\"}" : "");
	fclose(f);
}

void tu_write_models(const char *path, int port, const char *key_env)
{
	char text[1024];

	/* The seed entry names OPENROUTER_API_KEY: without a key, name another. */
	snprintf(text, sizeof(text),
		 "{\"models\": [{\"id\": \"qwen/qwen3-14b\", \"base_url\": \"http://127.0.0.1:%d/v1\", "
		 "\"dialect\": \"sim\", \"api_key_env\": \"%s\"}]}\n",
		 port, key_env ? key_env : "TB_TEST_NO_KEY");
	tu_write_file(path, text);
}

void tu_redirect(const char *out_path)
{
	int fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

	if (fd < 0)
		_exit(120);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
}

/* In the child: stdout to out_path.stdout and stderr to out_path. */
static void redirect_split(const char *out_path)
{
	char so[4200];
	int fd = open(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0644), fo;

	snprintf(so, sizeof(so), "%s.stdout", out_path);
	fo = open(so, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0 || fo < 0)
		_exit(120);
	dup2(fo, 1);
	dup2(fd, 2);
}

pid_t tu_spawn_tb(char *const argv[], const char *out_path, const tu_spawn *o)
{
	static const tu_spawn none;
	pid_t pid;

	if (!o)
		o = &none;
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (o->split_stdout)
			redirect_split(out_path);
		else
			tu_redirect(out_path);
		if (o->api_key)
			setenv("OPENROUTER_API_KEY", o->api_key, 1);
		else
			unsetenv("OPENROUTER_API_KEY");
		setenv("TB_TEST_NO_KEY", "none", 1);
		if (o->fsize > 0) {
			struct rlimit rl = {(rlim_t)o->fsize, (rlim_t)o->fsize};

			signal(SIGXFSZ, SIG_IGN);
			setrlimit(RLIMIT_FSIZE, &rl);
		}
		execv(TB_BINARY, argv);
		_exit(121);
	}
	return pid;
}

int tu_wait(pid_t pid, double timeout_s)
{
	double end = tu_now_s() + timeout_s;
	int status;

	while (tu_now_s() < end) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	ck_abort_msg("the child did not finish within %.0f s", timeout_s);
	return -1;
}

int tu_run_tb(char *const argv[], const char *out_path, const tu_spawn *o, double timeout_s)
{
	return tu_wait(tu_spawn_tb(argv, out_path, o), timeout_s);
}

int tu_free_port(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	close(fd);
	return ntohs(a.sin_port);
}

/* Keeps at most 4000 bytes of the body: the stats are a few hundred. */
static size_t collect(char *p, size_t size, size_t n, void *ud)
{
	strncat(ud, p, size * n < 4000 - strlen(ud) ? size * n : 4000 - strlen(ud));
	return size * n;
}

long tu_sim_stat(int port, const char *fault)
{
	char url[128], body[4096] = "";
	CURL *c = curl_easy_init();
	json_t *j;
	long n = -1;

	ck_assert_ptr_nonnull(c);
	snprintf(url, sizeof(url), "http://127.0.0.1:%d/sim/stats", port);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, body);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, 5L);
	if (curl_easy_perform(c) == CURLE_OK) {
		j = json_loads(body, 0, NULL);
		if (j) {
			n = (long)json_integer_value(fault ? json_object_get(json_object_get(j, "faults"), fault)
							   : json_object_get(j, "requests"));
			json_decref(j);
		}
	}
	curl_easy_cleanup(c);
	return n;
}

long tu_sim_requests(int port)
{
	return tu_sim_stat(port, NULL);
}

pid_t tu_start_sim(const char *log_dir, int port, const char *suite, const char *extra)
{
	char cmd[4096], log[4200];
	pid_t pid;

	snprintf(log, sizeof(log), "%s/sim-%d.log", log_dir, port);
	snprintf(cmd, sizeof(cmd), "exec '%s' sim --port %d --suite '%s' --seed 3 %s", TB_BINARY, port, suite,
		 extra ? extra : "");
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		tu_redirect(log);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(121);
	}
	for (int i = 0; i < 500 && tu_sim_requests(port) < 0; i++)
		usleep(20000);
	ck_assert_msg(tu_sim_requests(port) >= 0, "the simulator on port %d did not start", port);
	return pid;
}

int tu_stop_sim(pid_t pid)
{
	int status = 0;

	kill(pid, SIGTERM);
	waitpid(pid, &status, 0);
	return status;
}

sqlite3 *tu_db_open(const char *db_path)
{
	sqlite3 *db = NULL;

	ck_assert_msg(sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK, "cannot open %s",
		      db_path);
	sqlite3_busy_timeout(db, 5000);
	return db;
}

long tu_db_long(const char *db_path, const char *sql)
{
	sqlite3 *db = tu_db_open(db_path);
	sqlite3_stmt *stmt;
	long v = -1;

	ck_assert_msg(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(db));
	if (sqlite3_step(stmt) == SQLITE_ROW)
		v = sqlite3_column_int64(stmt, 0);
	sqlite3_finalize(stmt);
	sqlite3_close(db);
	return v;
}

static void store_path(char *path, size_t n, const char *run_dir)
{
	snprintf(path, n, "%s/store.sqlite", run_dir);
}

long tu_query_long(const char *run_dir, const char *sql)
{
	char path[4200];

	store_path(path, sizeof(path), run_dir);
	return tu_db_long(path, sql);
}

static int add_row(void *ud, int n, char **vals, char **names)
{
	FILE *f = ud;

	(void)names;
	for (int i = 0; i < n; i++)
		fprintf(f, "%s%s", i ? "|" : "", vals[i] ? vals[i] : "NULL");
	fputc('\n', f);
	return 0;
}

char *tu_query_text(const char *run_dir, const char *sql)
{
	char path[4200], *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	sqlite3 *db;

	ck_assert_ptr_nonnull(f);
	store_path(path, sizeof(path), run_dir);
	db = tu_db_open(path);
	ck_assert_msg(sqlite3_exec(db, sql, add_row, f, NULL) == SQLITE_OK, "%s: %s", sql, sqlite3_errmsg(db));
	sqlite3_close(db);
	fclose(f);
	return text;
}

long tu_query_or(const char *run_dir, const char *sql, long missing)
{
	char path[4200];
	struct stat st;
	sqlite3 *db;
	sqlite3_stmt *stmt;
	long v = missing;

	store_path(path, sizeof(path), run_dir);
	if (stat(path, &st) != 0 || st.st_size == 0)
		return missing;
	db = tu_db_open(path);
	if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) == SQLITE_OK) {
		if (sqlite3_step(stmt) == SQLITE_ROW)
			v = sqlite3_column_int64(stmt, 0);
		sqlite3_finalize(stmt);
	}
	sqlite3_close(db);
	return v;
}

long tu_stored(const char *run_dir)
{
	return tu_query_or(run_dir, "SELECT count(*) FROM samples", 0);
}

void tu_integrity_ok(const char *run_dir)
{
	char path[4200];
	sqlite3 *db;
	sqlite3_stmt *stmt;

	store_path(path, sizeof(path), run_dir);
	db = tu_db_open(path);
	ck_assert_int_eq(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &stmt, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(stmt), SQLITE_ROW);
	ck_assert_str_eq((const char *)sqlite3_column_text(stmt, 0), "ok");
	sqlite3_finalize(stmt);
	sqlite3_close(db);
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

void tu_store_suite_items(tb_store *st, const char *path)
{
	tb_suite **suites = NULL;
	size_t n = 0;
	char err[512];

	ck_assert_msg(suite_load_path(path, 0, &suites, &n, err, sizeof(err)) == TB_OK, "%s", err);
	ck_assert_msg(run_record_items(st, suites, n, NULL, err, sizeof(err)) == TB_OK, "%s", err);
	for (size_t i = 0; i < n; i++)
		suite_free(suites[i]);
	free(suites);
}
