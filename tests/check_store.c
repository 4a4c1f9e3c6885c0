#include <check.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "rc.h"
#include "store.h"
#include "testutil.h"

static char dbpath[4200];
static char err[1024];

static void setup(void)
{
	tu_dir_setup();
	snprintf(dbpath, sizeof(dbpath), "%s/store.sqlite", tu_dir);
	err[0] = '\0';
}

static void fill_run(tb_run_info *ri)
{
	memset(ri, 0, sizeof(*ri));
	snprintf(ri->run_id, sizeof(ri->run_id), "20261121-193347-ab12");
	snprintf(ri->version, sizeof(ri->version), "0.1.0");
	snprintf(ri->started, sizeof(ri->started), "2026-11-21T19:33:47Z");
	snprintf(ri->status, sizeof(ri->status), "running");
	ri->simulated = 1;
	ri->cmdline = json_pack("[sss]", "thinkbench", "run", "--suite=数学 ünï");
	ri->options = json_pack("{sisbss}", "samples", 3, "stream", 1, "suite", "math");
	snprintf(ri->suites_hash, sizeof(ri->suites_hash), "%064d", 7);
	snprintf(ri->models_hash, sizeof(ri->models_hash), "%064d", 9);
}

static tb_store *create_store(void)
{
	tb_run_info ri;
	tb_store *st = NULL;

	fill_run(&ri);
	ck_assert_msg(store_create(dbpath, &ri, &st, err, sizeof(err)) == TB_OK, "%s", err);
	store_run_info_release(&ri);
	return st;
}

/* A sample with every field set, non-Latin text included. */
static tb_sample full_sample(void)
{
	tb_sample s = {
		.suite = "mgsm",
		.item_id = "zh-0042",
		.model = "qwen/qwen3-14b",
		.mode = "think",
		.budget = 4096,
		.sample = 2,
		.outcome = TB_OUT_PARTIAL,
		.extracted = "٤٢ (forty-two), \"quoted\"",
		.expected = "42",
		.grade_reason = "numeric: 42 vs 42.0",
		.grader = "numeric",
		.lang_check = 1,
		.mode_leak = 1,
		.split_method = "reasoning_field",
		.reasoning = "让我想一想……\n步骤 1: 6 × 7 = 42\n",
		.answer = "答案是 42。\r\nالجواب ٤٢ 🙂",
		.text_truncated = 1,
		.prompt_tokens = 123,
		.completion_tokens = 4567,
		.reasoning_tokens = 4000,
		.cached_tokens = 0,
		.cost_usd = 0.000123456789012345,
		.cost_reported = 1,
		.ttft_ms = 312.5,
		.ttfa_ms = 9001.25,
		.total_ms = 12345.678,
		.finish_reason = "stop",
		.native_finish_reason = "eos",
		.http_status = 200,
		.attempts = 3,
		.error = "",
		.lang = "zh",
		.provider = "DeepInfra",
		.generation_id = "gen-1732217627-abc",
		.seed = 1234567890123L,
		.streamed = 1,
		.finished_at = 1763753627.125,
	};
	return s;
}

/* A sample where every number is unknown and every string absent. */
static tb_sample unknown_sample(void)
{
	tb_sample s = {
		.suite = "mgsm",
		.item_id = "ar-0001",
		.model = "qwen/qwq-32b",
		.mode = "think",
		.budget = 0,
		.sample = 0,
		.outcome = TB_OUT_ERROR,
		.lang_check = -1,
		.prompt_tokens = -1,
		.completion_tokens = -1,
		.reasoning_tokens = -1,
		.cached_tokens = -1,
		.cost_usd = NAN,
		.ttft_ms = NAN,
		.ttfa_ms = NAN,
		.total_ms = NAN,
		.error = "HTTP 503: الخدمة غير متاحة",
		.seed = -1,
		.finished_at = NAN,
	};
	return s;
}

static void str_same(const char *field, const char *a, const char *b)
{
	if (!a || !b) {
		ck_assert_msg(a == b, "%s: %s vs %s", field, a ? a : "(null)", b ? b : "(null)");
		return;
	}
	ck_assert_msg(strcmp(a, b) == 0, "%s: '%s' vs '%s'", field, a, b);
}

static void dbl_same(const char *field, double a, double b)
{
	if (isnan(a) || isnan(b)) {
		ck_assert_msg(isnan(a) && isnan(b), "%s: %g vs %g", field, a, b);
		return;
	}
	/* exact: a stored double comes back bit for bit */
	ck_assert_msg(a == b, "%s: %.17g vs %.17g", field, a, b);
}

static void sample_same(const tb_sample *a, const tb_sample *b)
{
	str_same("suite", a->suite, b->suite);
	str_same("item_id", a->item_id, b->item_id);
	str_same("model", a->model, b->model);
	str_same("mode", a->mode, b->mode);
	ck_assert_int_eq(a->budget, b->budget);
	ck_assert_int_eq(a->sample, b->sample);
	ck_assert_int_eq(a->outcome, b->outcome);
	str_same("extracted", a->extracted, b->extracted);
	str_same("expected", a->expected, b->expected);
	str_same("grade_reason", a->grade_reason, b->grade_reason);
	str_same("grader", a->grader, b->grader);
	ck_assert_int_eq(a->lang_check, b->lang_check);
	ck_assert_int_eq(a->mode_leak, b->mode_leak);
	str_same("split_method", a->split_method, b->split_method);
	str_same("reasoning", a->reasoning, b->reasoning);
	str_same("answer", a->answer, b->answer);
	ck_assert_int_eq(a->text_truncated, b->text_truncated);
	ck_assert_int_eq(a->prompt_tokens, b->prompt_tokens);
	ck_assert_int_eq(a->completion_tokens, b->completion_tokens);
	ck_assert_int_eq(a->reasoning_tokens, b->reasoning_tokens);
	ck_assert_int_eq(a->cached_tokens, b->cached_tokens);
	dbl_same("cost_usd", a->cost_usd, b->cost_usd);
	ck_assert_int_eq(a->cost_reported, b->cost_reported);
	dbl_same("ttft_ms", a->ttft_ms, b->ttft_ms);
	dbl_same("ttfa_ms", a->ttfa_ms, b->ttfa_ms);
	dbl_same("total_ms", a->total_ms, b->total_ms);
	str_same("finish_reason", a->finish_reason, b->finish_reason);
	str_same("native_finish_reason", a->native_finish_reason, b->native_finish_reason);
	ck_assert_int_eq(a->http_status, b->http_status);
	ck_assert_int_eq(a->attempts, b->attempts);
	str_same("error", a->error, b->error);
	str_same("lang", a->lang, b->lang);
	str_same("provider", a->provider, b->provider);
	str_same("generation_id", a->generation_id, b->generation_id);
	ck_assert_int_eq(a->seed, b->seed);
	ck_assert_int_eq(a->streamed, b->streamed);
	dbl_same("finished_at", a->finished_at, b->finished_at);
}

typedef struct walk {
	const tb_sample *want;  /* in the order the walk must return them */
	size_t n, seen;
	int stop_at;            /* return 7 at this row, -1: never */
} walk;

static int check_row(void *ud, const tb_sample *s)
{
	walk *w = ud;

	ck_assert_uint_lt(w->seen, w->n);
	sample_same(&w->want[w->seen], s);
	if ((int)w->seen++ == w->stop_at)
		return 7;
	return 0;
}

START_TEST(run_row)
{
	tb_store *st = create_store();
	tb_run_info want, got;

	fill_run(&want);
	ck_assert_msg(store_get_run(st, &got, err, sizeof(err)) == TB_OK, "%s", err);
	ck_assert_str_eq(got.run_id, want.run_id);
	ck_assert_str_eq(got.version, want.version);
	ck_assert_str_eq(got.started, want.started);
	ck_assert_str_eq(got.ended, "");
	ck_assert_str_eq(got.status, "running");
	ck_assert_int_eq(got.simulated, 1);
	ck_assert(json_equal(got.cmdline, want.cmdline));
	ck_assert(json_equal(got.options, want.options));
	ck_assert_str_eq(got.suites_hash, want.suites_hash);
	ck_assert_str_eq(got.models_hash, want.models_hash);
	store_run_info_release(&got);
	store_run_info_release(&want);

	ck_assert_int_eq(store_set_status(st, "done", err, sizeof(err)), TB_OK);
	ck_assert_int_eq(store_set_status(st, "finished!", err, sizeof(err)), TB_ERR);
	ck_assert_ptr_nonnull(strstr(err, "finished!"));
	ck_assert_int_eq(store_get_run(st, &got, err, sizeof(err)), TB_OK);
	ck_assert_str_eq(got.status, "done");
	ck_assert_uint_eq(strlen(got.ended), 20);
	store_run_info_release(&got);
	store_close(st);
}
END_TEST

/* SQLite's allocation statistics are off in a process that opened a store
 * (each allocation otherwise takes a global mutex); nothing reads them. */
START_TEST(no_allocation_statistics)
{
	tb_store *st = create_store();

	ck_assert_int_eq(sqlite3_memory_used(), 0);
	store_close(st);
}
END_TEST

START_TEST(create_refuses_existing)
{
	tb_store *st = create_store(), *st2 = (tb_store *)1;
	tb_run_info ri;

	store_close(st);
	fill_run(&ri);
	ck_assert_int_eq(store_create(dbpath, &ri, &st2, err, sizeof(err)), TB_ERR);
	ck_assert_ptr_null(st2);
	ck_assert_ptr_nonnull(strstr(err, dbpath));
	ck_assert_ptr_nonnull(strstr(err, "already exists"));
	store_run_info_release(&ri);
	/* the first store is untouched */
	ck_assert_int_eq(store_open(dbpath, 1, &st, err, sizeof(err)), TB_OK);
	store_close(st);
}
END_TEST

START_TEST(roundtrip_all_fields)
{
	tb_store *st = create_store();
	tb_sample want[2] = {unknown_sample(), full_sample()};
	walk w = {want, 2, 0, -1};

	/* stored in the opposite order of the key */
	ck_assert_msg(store_put_sample(st, &want[1], err, sizeof(err)) == TB_OK, "%s", err);
	ck_assert_msg(store_put_sample(st, &want[0], err, sizeof(err)) == TB_OK, "%s", err);
	store_close(st);

	ck_assert_msg(store_open(dbpath, 1, &st, err, sizeof(err)) == TB_OK, "%s", err);
	ck_assert_int_eq(store_count_samples(st), 2);
	ck_assert_msg(store_each_sample(st, check_row, &w, err, sizeof(err)) == TB_OK, "%s", err);
	ck_assert_uint_eq(w.seen, 2);
	store_close(st);
}
END_TEST

START_TEST(keys_and_replace)
{
	tb_store *st = create_store();
	tb_sample s = full_sample(), t, k;
	walk w = {&t, 1, 0, -1};
	long n = 0;

	ck_assert_int_eq(store_put_sample(st, &s, err, sizeof(err)), TB_OK);
	ck_assert_int_eq(store_count_samples(st), ++n);
	/* each key field matters: a sample differing in one is another row */
	k = s, k.sample++;
	ck_assert_int_eq(store_put_sample(st, &k, err, sizeof(err)), TB_OK);
	ck_assert_int_eq(store_count_samples(st), ++n);
	k = s, k.mode = "nothink";
	ck_assert_int_eq(store_put_sample(st, &k, err, sizeof(err)), TB_OK);
	ck_assert_int_eq(store_count_samples(st), ++n);
	k = s, k.budget = 0;
	ck_assert_int_eq(store_put_sample(st, &k, err, sizeof(err)), TB_OK);
	ck_assert_int_eq(store_count_samples(st), ++n);
	store_close(st);
	unlink(dbpath);
	st = create_store();

	t = s;
	t.outcome = TB_OUT_CORRECT;
	t.answer = "second answer";
	t.prompt_tokens = -1;
	t.cost_usd = NAN;
	ck_assert_int_eq(store_put_sample(st, &t, err, sizeof(err)), TB_OK);
	ck_assert_int_eq(store_count_samples(st), 1);
	ck_assert_int_eq(store_each_sample(st, check_row, &w, err, sizeof(err)), TB_OK);
	ck_assert_uint_eq(w.seen, 1);
	store_close(st);
}
END_TEST

START_TEST(readonly_cannot_write)
{
	tb_store *st = create_store();
	tb_sample s = full_sample();
	tb_cell c = {"math", "m", "think", 0, "planned", 3};

	store_close(st);
	ck_assert_int_eq(store_open(dbpath, 1, &st, err, sizeof(err)), TB_OK);
	ck_assert_int_eq(store_put_sample(st, &s, err, sizeof(err)), TB_ERR);
	ck_assert_ptr_nonnull(strstr(err, dbpath));
	ck_assert_ptr_nonnull(strstr(err, "readonly"));
	ck_assert_int_eq(store_put_cell(st, &c, err, sizeof(err)), TB_ERR);
	ck_assert_int_eq(store_set_status(st, "done", err, sizeof(err)), TB_ERR);
	ck_assert_int_eq(store_count_samples(st), 0);
	store_close(st);
	/* the same store opened for writing takes the sample */
	ck_assert_int_eq(store_open(dbpath, 0, &st, err, sizeof(err)), TB_OK);
	ck_assert_msg(store_put_sample(st, &s, err, sizeof(err)) == TB_OK, "%s", err);
	ck_assert_int_eq(store_count_samples(st), 1);
	store_close(st);
}
END_TEST

START_TEST(readonly_folder)
{
	char dir[4200], path[4300];
	tb_run_info ri;
	tb_store *st = (tb_store *)1;
	struct stat sb;

	snprintf(dir, sizeof(dir), "%s/ro", tu_dir);
	ck_assert_int_eq(mkdir(dir, 0555), 0);
	/* root ignores folder modes; sysfs refuses new files even to root */
	if (access(dir, W_OK) == 0)
		snprintf(dir, sizeof(dir), "/sys");
	snprintf(path, sizeof(path), "%s/store.sqlite", dir);
	fill_run(&ri);
	ck_assert_int_eq(store_create(path, &ri, &st, err, sizeof(err)), TB_ERR);
	store_run_info_release(&ri);
	ck_assert_ptr_null(st);
	ck_assert_ptr_nonnull(strstr(err, path));
	ck_assert_ptr_nonnull(strstr(err, "cannot create store"));
	ck_assert_int_ne(stat(path, &sb), 0);
	/* opening a store that is not there fails as clearly */
	ck_assert_int_eq(store_open(path, 1, &st, err, sizeof(err)), TB_ERR);
	ck_assert_ptr_nonnull(strstr(err, path));
}
END_TEST

START_TEST(not_a_store)
{
	char path[4300];
	tb_store *st = (tb_store *)1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/junk.sqlite", tu_dir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs("this is not a database, just some text that is long enough to matter\n", f);
	fclose(f);
	ck_assert_int_eq(store_open(path, 1, &st, err, sizeof(err)), TB_ERR);
	ck_assert_ptr_null(st);
	ck_assert_ptr_nonnull(strstr(err, path));
	/* an empty file is a database without the schema */
	f = fopen(path, "w");
	fclose(f);
	ck_assert_int_eq(store_open(path, 1, &st, err, sizeof(err)), TB_ERR);
	ck_assert_ptr_nonnull(strstr(err, "not a thinkbench store"));
	ck_assert_int_eq(store_open(tu_dir, 1, &st, err, sizeof(err)), TB_ERR);
	ck_assert_ptr_nonnull(strstr(err, "not a regular file"));
}
END_TEST

/* Writes until the file size limit stops SQLite; the child must see a clean
 * error that names the store, and exit normally. */
static int fill_until_full(void)
{
	static char big[20000];
	struct rlimit rl = {256 * 1024, 256 * 1024};
	char id[32];
	tb_store *st;
	tb_sample s = full_sample();
	int rc = 1;

	signal(SIGXFSZ, SIG_IGN);
	if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
		return 2;
	memset(big, 'x', sizeof(big) - 1);
	s.reasoning = big;
	s.item_id = id;
	st = create_store();
	for (int i = 0; i < 1000; i++) {
		snprintf(id, sizeof(id), "item-%d", i);
		if (store_put_sample(st, &s, err, sizeof(err)) != TB_OK) {
			printf("full disk error after %d samples: %s\n", i, err);
			rc = strstr(err, dbpath) && strstr(err, "cannot write a sample") ? 0 : 3;
			break;
		}
	}
	store_close(st);
	fflush(stdout);
	return rc;
}

START_TEST(full_disk)
{
	pid_t pid;
	int status;

	fflush(stdout);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(fill_until_full());
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert_msg(WIFEXITED(status), "the writer died of signal %d", WTERMSIG(status));
	ck_assert_int_eq(WEXITSTATUS(status), 0);
}
END_TEST

static int collect_cell(void *ud, const tb_cell *c)
{
	char *out = ud;
	char line[256];

	snprintf(line, sizeof(line), "%s|%s|%s|%ld|%s|%ld\n", c->suite, c->model, c->mode,
		 c->budget, c->status, c->n_planned);
	strcat(out, line);
	return 0;
}

START_TEST(cells)
{
	tb_store *st = create_store();
	tb_cell c[] = {
		{"math", "qwen/qwq-32b", "nothink", 0, "not_supported", 0},
		{"math", "qwen/qwen3-14b", "think", 4096, "planned", 50},
		{"code", "qwen/qwen3-14b", "think", 0, "planned", 10},
		{"math", "qwen/qwen3-14b", "think", 512, "planned", 50},
		{"math", "qwen/qwen3-14b", "think", 4096, "planned", 60},
	};
	char out[2048] = "";

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		ck_assert_msg(store_put_cell(st, &c[i], err, sizeof(err)) == TB_OK, "%s", err);
	ck_assert_int_eq(store_each_cell(st, collect_cell, out, err, sizeof(err)), TB_OK);
	ck_assert_str_eq(out, "code|qwen/qwen3-14b|think|0|planned|10\n"
			      "math|qwen/qwen3-14b|think|512|planned|50\n"
			      "math|qwen/qwen3-14b|think|4096|planned|60\n"
			      "math|qwen/qwq-32b|nothink|0|not_supported|0\n");
	store_close(st);
}
END_TEST

START_TEST(each_sample_order)
{
	tb_store *st = create_store();
	const char *ids[] = {"b", "a", "c"};
	tb_sample want[12];
	size_t n = 0;
	walk w;

	/* insert in a scrambled order: item, then sample descending, then mode */
	for (int k = 0; k < 3; k++) {
		for (int smp = 1; smp >= 0; smp--) {
			for (int m = 0; m < 2; m++) {
				tb_sample s = unknown_sample();

				s.item_id = ids[k];
				s.sample = smp;
				s.mode = m ? "nothink" : "think";
				ck_assert_int_eq(store_put_sample(st, &s, err, sizeof(err)), TB_OK);
			}
		}
	}
	/* the key order: suite, item_id, model, mode, budget, sample */
	for (int k = 0; k < 3; k++) {
		for (int m = 0; m < 2; m++) {
			for (int smp = 0; smp < 2; smp++) {
				want[n] = unknown_sample();
				want[n].item_id = (const char *[]){"a", "b", "c"}[k];
				want[n].mode = m ? "think" : "nothink";
				want[n].sample = smp;
				n++;
			}
		}
	}
	w = (walk){want, n, 0, -1};
	ck_assert_int_eq(store_each_sample(st, check_row, &w, err, sizeof(err)), TB_OK);
	ck_assert_uint_eq(w.seen, 12);
	/* a callback's non-zero return stops the walk and is returned */
	w = (walk){want, n, 0, 4};
	ck_assert_int_eq(store_each_sample(st, check_row, &w, err, sizeof(err)), 7);
	ck_assert_uint_eq(w.seen, 5);
	/* and the walk can start again */
	w = (walk){want, n, 0, -1};
	ck_assert_int_eq(store_each_sample(st, check_row, &w, err, sizeof(err)), TB_OK);
	ck_assert_uint_eq(w.seen, 12);
	store_close(st);
}
END_TEST

/* The head walk gives the fields stored before the texts, exactly, and
 * nothing of the rest, even when the texts are long enough to overflow. */
static int check_head(void *ud, const tb_sample *s)
{
	const tb_sample *want = ud;

	ck_assert_str_eq(s->suite, want->suite);
	ck_assert_str_eq(s->item_id, want->item_id);
	ck_assert_str_eq(s->model, want->model);
	ck_assert_str_eq(s->mode, want->mode);
	ck_assert_int_eq(s->budget, want->budget);
	ck_assert_int_eq(s->sample, want->sample);
	ck_assert_int_eq(s->outcome, want->outcome);
	ck_assert_str_eq(s->extracted, want->extracted);
	ck_assert_str_eq(s->expected, want->expected);
	ck_assert_str_eq(s->grade_reason, want->grade_reason);
	ck_assert_str_eq(s->grader, want->grader);
	ck_assert_int_eq(s->lang_check, want->lang_check);
	ck_assert_int_eq(s->mode_leak, want->mode_leak);
	ck_assert_str_eq(s->split_method, want->split_method);
	ck_assert_ptr_null(s->reasoning);
	ck_assert_ptr_null(s->answer);
	ck_assert_ptr_null(s->provider);
	ck_assert_int_eq(s->prompt_tokens, -1);
	ck_assert(isnan(s->ttft_ms));
	return 0;
}

START_TEST(each_sample_head)
{
	tb_store *st = create_store();
	tb_sample want = full_sample();
	char *long_text = malloc(200000);

	ck_assert_ptr_nonnull(long_text);
	memset(long_text, 'r', 199999);
	long_text[199999] = '\0';
	want.reasoning = long_text;
	ck_assert_msg(store_put_sample(st, &want, err, sizeof(err)) == TB_OK, "%s", err);
	ck_assert_msg(store_each_sample_head(st, check_head, &want, err, sizeof(err)) == TB_OK, "%s",
		      err);
	store_close(st);
	free(long_text);
}
END_TEST

START_TEST(bad_sample_rejected)
{
	tb_store *st = create_store();
	tb_sample s = full_sample();

	s.item_id = NULL;
	ck_assert_int_eq(store_put_sample(st, &s, err, sizeof(err)), TB_ERR);
	ck_assert_ptr_nonnull(strstr(err, "key"));
	s = full_sample();
	s.outcome = TB_OUT_COUNT;
	ck_assert_int_eq(store_put_sample(st, &s, err, sizeof(err)), TB_ERR);
	ck_assert_int_eq(store_count_samples(st), 0);
	store_close(st);
}
END_TEST

/* Many samples, one transaction each. The rate is printed for a look, not
 * asserted: speed is measured by scripts/bench.sh, not by a timed test on a
 * shared machine. */
START_TEST(write_rate)
{
	tb_store *st = create_store();
	tb_sample s = full_sample();
	char id[32];
	const int n = 20000;
	int64_t t0, t1;
	double rate;

	s.item_id = id;
	t0 = tb_now_us();
	for (int i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "item-%06d", i);
		ck_assert_int_eq(store_put_sample(st, &s, err, sizeof(err)), TB_OK);
	}
	t1 = tb_now_us();
	rate = n / ((double)(t1 - t0) / 1e6);
	printf("store_put_sample: %d samples in %.3f s, %.0f samples/s\n", n, (double)(t1 - t0) / 1e6,
	       rate);
	ck_assert_int_eq(store_count_samples(st), n);
	store_close(st);
}
END_TEST

/* The writer checkpoints as it goes, so that closing has little left to
 * copy: after 8 MB of samples the WAL holds a few hundred KB, where SQLite's
 * default interval lets it reach 4 MB. */
START_TEST(wal_stays_small)
{
	tb_store *st = create_store();
	tb_sample s = full_sample();
	char id[32], wal[sizeof(dbpath) + 8], *answer = malloc(4000);
	struct stat sb;

	ck_assert_ptr_nonnull(answer);
	memset(answer, 'x', 3999);
	answer[3999] = '\0';
	s.item_id = id;
	s.answer = answer;
	for (int i = 0; i < 2000; i++) {
		snprintf(id, sizeof(id), "item-%06d", i);
		ck_assert_int_eq(store_put_sample(st, &s, err, sizeof(err)), TB_OK);
	}
	snprintf(wal, sizeof(wal), "%s-wal", dbpath);
	ck_assert_int_eq(stat(wal, &sb), 0);
	ck_assert_msg(sb.st_size < 1024 * 1024, "the WAL holds %lld bytes", (long long)sb.st_size);
	store_close(st);
	free(answer);
}
END_TEST

static int collect_item_spec(void *ud, const tb_stored_item *it)
{
	char *out = ud, *spec = it->grader_spec ? json_dumps(it->grader_spec, JSON_COMPACT | JSON_SORT_KEYS)
						 : strdup("none");
	size_t len = strlen(out);

	snprintf(out + len, 2048 - len, "%s %s\n", it->item_id, spec ? spec : "?");
	free(spec);
	return 0;
}

/* The store writes a spec shared by consecutive items once: each item must
 * still get its own, a spec freed by its caller included (the next object
 * could take its address). */
START_TEST(items_keep_their_grader_specs)
{
	tb_store *st = create_store();
	json_t *suite_spec = json_pack("{ss}", "type", "numeric");
	json_t *own = json_pack("{ssss}", "type", "regex", "pattern", "x");
	json_t *specs[] = {suite_spec, suite_spec, own, suite_spec, NULL, suite_spec};
	char id[16], out[2048] = "";
	json_t *gone, *after;

	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		snprintf(id, sizeof(id), "i%zu", i);
		ck_assert_msg(store_put_item(st, &(tb_stored_item){.suite = "s", .item_id = id,
								   .grader_spec = specs[i]},
					     err, sizeof(err)) == TB_OK,
			      "%s", err);
	}
	gone = json_pack("{ss}", "type", "choice");
	ck_assert_int_eq(store_put_item(st, &(tb_stored_item){.suite = "s", .item_id = "i6", .grader_spec = gone},
					err, sizeof(err)),
			 TB_OK);
	json_decref(gone);
	after = json_pack("{ss}", "type", "math");
	ck_assert_int_eq(store_put_item(st, &(tb_stored_item){.suite = "s", .item_id = "i7", .grader_spec = after},
					err, sizeof(err)),
			 TB_OK);
	json_decref(after);
	ck_assert_int_eq(store_each_item(st, collect_item_spec, out, err, sizeof(err)), TB_OK);
	ck_assert_str_eq(out, "i0 {\"type\":\"numeric\"}\n"
			      "i1 {\"type\":\"numeric\"}\n"
			      "i2 {\"pattern\":\"x\",\"type\":\"regex\"}\n"
			      "i3 {\"type\":\"numeric\"}\n"
			      "i4 none\n"
			      "i5 {\"type\":\"numeric\"}\n"
			      "i6 {\"type\":\"choice\"}\n"
			      "i7 {\"type\":\"math\"}\n");
	json_decref(suite_spec);
	json_decref(own);
	store_close(st);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, tu_dir_teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, run_row);
	tcase_add_test(tc, create_refuses_existing);
	tcase_add_test(tc, no_allocation_statistics);
	tcase_add_test(tc, roundtrip_all_fields);
	tcase_add_test(tc, keys_and_replace);
	tcase_add_test(tc, readonly_cannot_write);
	tcase_add_test(tc, readonly_folder);
	tcase_add_test(tc, not_a_store);
	tcase_add_test(tc, full_disk);
	tcase_add_test(tc, cells);
	tcase_add_test(tc, each_sample_order);
	tcase_add_test(tc, each_sample_head);
	tcase_add_test(tc, bad_sample_rejected);
	tcase_add_test(tc, write_rate);
	tcase_add_test(tc, wal_stays_small);
	tcase_add_test(tc, items_keep_their_grader_specs);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
