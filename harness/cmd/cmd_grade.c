/* thinkbench grade RUN: re-scores every stored answer with the graders of the
 * suites as they are now, without asking a model anything.
 *
 * The suites are the run's own (the absolute paths stored with its options)
 * unless --suite points elsewhere, or --from-store takes the items the run
 * stored when it started (no suite file is read). The grading itself is the
 * run's grading stage (grading.h). A
 * suite file that is missing stops the command (exit 2). A suite file that
 * changed is expected (a fixed reference or grader spec is why one re-grades):
 * one warning line, then the re-grade. Samples in error and truncated ones
 * have no answer to grade and keep their outcome; a sample whose item is no
 * longer in its suite keeps its grading and is counted. Each re-graded
 * sample gets grading 1 in the store and its current columns are updated
 * (grading 0, the run's, stays); then pass@k and maj@k are recomputed. */
#include <errno.h>
#include <stdint.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cmds.h"
#include "digest.h"
#include "exec.h"
#include "grading.h"
#include "log.h"
#include "opts.h"
#include "passk.h"
#include "rc.h"
#include "store.h"
#include "tracestore.h"
#include "suite.h"

enum { OPT_SUITE = 's', OPT_JOBS = 'j', OPT_QUIET = 'q', OPT_UNSAFE_EXEC = 256, OPT_FROM_STORE };

static const tb_opt options[] = {
	{"suite", OPT_SUITE, "PATH", "grade with this suite file or folder instead of the run's (repeatable)"},
	{"jobs", OPT_JOBS, "N", "threads for code answers (default: one per core)"},
	{"from-store", OPT_FROM_STORE, NULL, "grade with the items the run stored, reading no suite file"},
	{"unsafe-exec", OPT_UNSAFE_EXEC, NULL, "run code answers without bubblewrap (also when the run did)"},
	{"quiet", OPT_QUIET, NULL, "no notes"},
	{0},
};

static const char usage_line[] = "grade RUN [--suite PATH]... [--from-store] [-j N] [--unsafe-exec] [--quiet]";
static const char summary[] =
	"Re-grades every stored answer of a run with the current graders, without\n"
	"asking a model: the first grading stays in the store beside the latest, and\n"
	"pass@k and maj@k are recomputed. RUN is a run folder or its store.sqlite.\n"
	"Prints one line per cell with the verdicts that changed. Exit codes: 0 done,\n"
	"1 the store or the sandbox failed, 2 bad usage or a suite is missing,\n"
	"3 done, but some samples could not be re-graded (their item is gone, or\n"
	"the grader failed) and keep their grading.";

/* One sample to re-grade: its key and the new grade. */
typedef struct grade_job {
	char *suite, *item_id, *model, *mode;
	long budget;
	int sample;
	tb_outcome before;
	int graded;                  /* its item has a grader: the stage grades it */
	tb_outcome after;
	char *extracted, *reason, *path; /* from the verdict */
	const char *grader, *grader_version; /* static strings */
	int lang_check;
	size_t cell;
} grade_job;

typedef struct cell_sum {
	char *suite, *model, *mode;
	long budget;
	long regraded, changed, kept, correct_before, correct_after;
} cell_sum;

typedef struct grade_ctx {
	tb_suite **suites;
	size_t n_suites;
	grading_catalog *catalog;
	grading_stage *grading;
	grade_job *jobs;
	size_t n_jobs, cap_jobs;
	cell_sum *cells;
	size_t n_cells, cap_cells;
	long missing, failed;
	char first_failure[300];
	char err[1024];
} grade_ctx;

/* The catalog of the suites as they are now. */
static int catalog_from_suites(grade_ctx *g)
{
	for (size_t i = 0; i < g->n_suites; i++)
		for (size_t k = 0; k < g->suites[i]->n_items; k++) {
			const tb_item *it = &g->suites[i]->items[k];

			if (grading_catalog_add(g->catalog, g->suites[i]->name, it->id, it->expected, it->lang,
						it->grader_spec, g->err, sizeof(g->err)) != TB_OK)
				return tb_error("%s", g->err);
		}
	return TB_OK;
}

/* The cell of a sample; samples come in key order, but a cell's samples are
 * spread over its items, so cells are looked up (there are few). */
static int find_cell(grade_ctx *g, const tb_sample *s, size_t *out)
{
	cell_sum *c;

	for (size_t i = 0; i < g->n_cells; i++) {
		c = &g->cells[i];
		if (c->budget == s->budget && strcmp(c->suite, s->suite) == 0 &&
		    strcmp(c->model, s->model) == 0 && strcmp(c->mode, s->mode) == 0) {
			*out = i;
			return TB_OK;
		}
	}
	if (g->n_cells == g->cap_cells) {
		size_t cap = g->cap_cells ? 2 * g->cap_cells : 16;
		cell_sum *v = realloc(g->cells, cap * sizeof(*v));

		if (!v)
			return tb_seterr(g->err, sizeof(g->err), "out of memory");
		g->cells = v;
		g->cap_cells = cap;
	}
	c = &g->cells[g->n_cells];
	memset(c, 0, sizeof(*c));
	c->suite = strdup(s->suite);
	c->model = strdup(s->model);
	c->mode = strdup(s->mode);
	c->budget = s->budget;
	g->n_cells++;
	if (!c->suite || !c->model || !c->mode)
		return tb_seterr(g->err, sizeof(g->err), "out of memory");
	*out = g->n_cells - 1;
	return TB_OK;
}

/* A verdict from the stage: kept on its job until all are written. */
static void on_verdict(void *ud, const tb_sample *s, const tb_trace_metrics *m, void *tag)
{
	grade_ctx *g = ud;
	grade_job *j = &g->jobs[(uintptr_t)tag];

	(void)m;
	j->after = s->outcome;
	j->extracted = strdup(s->extracted ? s->extracted : "");
	j->reason = strdup(s->grade_reason ? s->grade_reason : "");
	j->path = strdup(s->grade_path ? s->grade_path : "");
	j->grader = s->grader;
	j->grader_version = s->grader_version;
	j->lang_check = s->lang_check;
}

/* The walk holds back while many answers wait, so they do not pile up. */
static void throttle(grade_ctx *g)
{
	/* bounded: every pass reaps what finished, and the workers finish jobs */
	while (grading_full(g->grading)) {
		struct pollfd p = {.fd = grading_fd(g->grading), .events = POLLIN};

		poll(&p, 1, 1000);
		grading_reap(g->grading);
	}
}

static int on_sample(void *ud, const tb_sample *s)
{
	grade_ctx *g = ud;
	int known;
	grade_job *j;
	size_t cell = 0;

	if (find_cell(g, s, &cell) != TB_OK)
		return TB_ERR;
	/* no answer to grade: an error stays an error, truncated stays truncated */
	if (s->outcome == TB_OUT_ERROR || s->outcome == TB_OUT_TRUNCATED) {
		g->cells[cell].kept++;
		return TB_OK;
	}
	known = grading_catalog_find(g->catalog, s->suite, s->item_id);
	if (known < 0) {
		g->missing++;
		g->cells[cell].kept++;
		return TB_OK;
	}
	if (g->n_jobs == g->cap_jobs)
		return tb_seterr(g->err, sizeof(g->err), "the store has more samples than it counted");
	j = &g->jobs[g->n_jobs];
	j->suite = strdup(s->suite);
	j->item_id = strdup(s->item_id);
	j->model = strdup(s->model);
	j->mode = strdup(s->mode);
	j->budget = s->budget;
	j->sample = s->sample;
	j->before = s->outcome;
	j->graded = known > 0;
	j->after = TB_OUT_UNGRADED;
	j->cell = cell;
	g->n_jobs++;
	if (!j->suite || !j->item_id || !j->model || !j->mode)
		return tb_seterr(g->err, sizeof(g->err), "out of memory");
	if (!j->graded)
		return TB_OK;
	throttle(g);
	if (grading_offer(g->grading, s, (void *)(uintptr_t)(g->n_jobs - 1)) != TB_OK)
		return tb_seterr(g->err, sizeof(g->err), "out of memory");
	return TB_OK;
}

/* Writes the new gradings in one transaction. A grader that failed (the
 * harness, not the answer) leaves that sample's grading as it was. */
static int write_grades(grade_ctx *g, tb_store *st)
{
	if (store_begin(st, g->err, sizeof(g->err)) != TB_OK)
		return TB_ERR;
	for (size_t i = 0; i < g->n_jobs; i++) {
		grade_job *j = &g->jobs[i];
		cell_sum *c = &g->cells[j->cell];
		tb_sample s = {
			.suite = j->suite, .item_id = j->item_id, .model = j->model, .mode = j->mode,
			.budget = j->budget, .sample = j->sample,
			.extracted = "", .grade_reason = "", .grader = "", .grader_version = "",
			.lang_check = GR_LANG_UNCHECKED,
		};

		if (j->graded && (j->after == TB_OUT_ERROR || !j->reason)) {
			if (!g->failed++)
				snprintf(g->first_failure, sizeof(g->first_failure), "%s/%s: %s", j->suite,
					 j->item_id, j->reason ? j->reason : "out of memory");
			c->kept++;
			continue;
		}
		s.outcome = j->after;
		if (j->graded) {
			s.extracted = j->extracted;
			s.grade_reason = j->reason;
			s.grader = j->grader;
			s.grader_version = j->grader_version;
			s.grade_path = j->path;
			s.lang_check = j->lang_check;
		}
		if (store_update_grade(st, &s, 1, g->err, sizeof(g->err)) != TB_OK) {
			store_rollback(st);
			return TB_ERR;
		}
		c->regraded++;
		c->changed += s.outcome != j->before;
		c->correct_before += j->before == TB_OUT_CORRECT;
		c->correct_after += s.outcome == TB_OUT_CORRECT;
	}
	return store_commit(st, g->err, sizeof(g->err));
}

/* The same hash the run keeps: every suite's name and file hash, in order. */
static void suites_hash(const grade_ctx *g, char hex[65])
{
	tb_sha256 *h = tb_sha256_new();

	if (!h) {
		snprintf(hex, 65, "unknown");
		return;
	}
	for (size_t i = 0; i < g->n_suites; i++) {
		tb_sha256_update(h, g->suites[i]->name, strlen(g->suites[i]->name) + 1);
		tb_sha256_update(h, g->suites[i]->hash, 64);
	}
	tb_sha256_final(h, hex);
}

/* The run's suites (or --suite's), loaded as the run loaded them. */
static int load_suites(grade_ctx *g, const json_t *paths, const json_t *opts, const char *run)
{
	json_int_t limit = json_integer_value(json_object_get(opts, "limit"));
	struct stat sb;
	size_t i;
	json_t *p;

	if (json_array_size(paths) == 0)
		return tb_error("run '%s' names no suites (give --suite PATH)", run);
	json_array_foreach(paths, i, p) {
		const char *path = json_string_value(p);

		if (!path)
			return tb_error("run '%s': its stored suites are not paths", run);
		if (stat(path, &sb) != 0)
			return tb_error("suite '%s' of run '%s' is missing: %s (give --suite PATH for its new place)",
					path, run, strerror(errno));
		if (suite_load_path(path, limit > 0 ? (size_t)limit : 0, &g->suites, &g->n_suites, g->err,
				    sizeof(g->err)) != TB_OK)
			return tb_error("%s", g->err);
	}
	return TB_OK;
}

/* Code answers need the sandbox, as in the run; then the stage starts. */
static int setup_grading(grade_ctx *g, int unsafe, long jobs, const char *store_path)
{
	grading_config gc = {.catalog = g->catalog, .threads = (unsigned)jobs, .store_path = store_path,
			     .verdict = on_verdict, .verdict_ud = g};

	grading_catalog_seal(g->catalog);
	if (grading_catalog_uses(g->catalog, "exec")) {
		gr_exec_set_unsafe(unsafe);
		if (gr_exec_available(g->err, sizeof(g->err)) != TB_OK)
			return tb_error("%s", g->err);
	}
	if (grading_new(&gc, &g->grading, g->err, sizeof(g->err)) != TB_OK)
		return tb_error("%s", g->err);
	return TB_OK;
}

static int resolve_store(const char *run, char *path, size_t n)
{
	struct stat sb;
	int len;

	if (stat(run, &sb) != 0)
		return tb_error("no run at '%s': %s", run, strerror(errno));
	len = S_ISDIR(sb.st_mode) ? snprintf(path, n, "%s/store.sqlite", run) : snprintf(path, n, "%s", run);
	if (len < 0 || (size_t)len >= n)
		return tb_error("run path too long: '%s'", run);
	if (stat(path, &sb) != 0)
		return tb_error("run folder '%s' has no store.sqlite", run);
	return TB_OK;
}

static void print_cells(const grade_ctx *g)
{
	for (size_t i = 0; i < g->n_cells; i++) {
		const cell_sum *c = &g->cells[i];

		printf("%s %s %s budget %ld: %ld re-graded, %ld changed (correct %ld -> %ld)",
		       c->suite, c->model, c->mode, c->budget, c->regraded, c->changed,
		       c->correct_before, c->correct_after);
		if (c->kept)
			printf(", %ld kept (error, truncated or not re-gradable)", c->kept);
		putchar('\n');
	}
}

static void ctx_release(grade_ctx *g)
{
	grading_free(g->grading);
	grading_catalog_free(g->catalog);
	for (size_t i = 0; i < g->n_jobs; i++) {
		free(g->jobs[i].suite);
		free(g->jobs[i].item_id);
		free(g->jobs[i].model);
		free(g->jobs[i].mode);
		free(g->jobs[i].extracted);
		free(g->jobs[i].reason);
		free(g->jobs[i].path);
	}
	free(g->jobs);
	for (size_t i = 0; i < g->n_cells; i++) {
		free(g->cells[i].suite);
		free(g->cells[i].model);
		free(g->cells[i].mode);
	}
	free(g->cells);
	for (size_t i = 0; i < g->n_suites; i++)
		suite_free(g->suites[i]);
	free(g->suites);
}

int cmd_grade(int argc, char **argv)
{
	grade_ctx g = {0};
	json_t *given = json_array();
	const char *arg;
	char path[4200], hash[65];
	tb_run_info info = {0};
	tb_store *st = NULL;
	long jobs = 0, total;
	int c, rc = TB_EXIT_USAGE, quiet = 0, unsafe = 0, have_info = 0, from_store = 0;

	for (int reset = 1;; reset = 0) {
		c = tb_opts_next(argc, argv, options, &arg, reset);
		if (c == -1)
			break;
		switch (c) {
		case 'h':
			tb_opts_help(stdout, usage_line, summary, options);
			rc = TB_EXIT_OK;
			goto out;
		case OPT_SUITE:
			json_array_append_new(given, json_string(arg));
			break;
		case OPT_JOBS:
			if (tb_opt_long("jobs", arg, 1, 256, &jobs))
				goto out;
			break;
		case OPT_UNSAFE_EXEC:
			unsafe = 1;
			break;
		case OPT_FROM_STORE:
			from_store = 1;
			break;
		case OPT_QUIET:
			quiet = 1;
			break;
		default:
			goto out;
		}
	}
	tb_log_quiet(quiet);
	if (optind >= argc) {
		tb_error("missing RUN (usage: thinkbench %s)", usage_line);
		goto out;
	}
	if (optind + 1 < argc) {
		tb_error("unexpected argument '%s' (usage: thinkbench %s)", argv[optind + 1], usage_line);
		goto out;
	}
	if (resolve_store(argv[optind], path, sizeof(path)) != TB_OK)
		goto out;
	if (store_open(path, 0, &st, g.err, sizeof(g.err)) != TB_OK ||
	    store_get_run(st, &info, g.err, sizeof(g.err)) != TB_OK) {
		tb_error("%s", g.err);
		rc = TB_EXIT_FATAL;
		goto out;
	}
	have_info = 1;
	g.catalog = grading_catalog_new();
	if (!g.catalog) {
		tb_error("out of memory");
		goto out;
	}
	if (from_store && json_array_size(given)) {
		tb_error("--from-store and --suite exclude each other");
		goto out;
	}
	if (from_store) {
		if (grading_catalog_from_store(g.catalog, st, g.err, sizeof(g.err)) != TB_OK) {
			tb_error("%s", g.err);
			goto out;
		}
		if (grading_catalog_size(g.catalog) == 0) {
			tb_error("run '%s' stored no items (made by an older thinkbench): give its suites", argv[optind]);
			goto out;
		}
		tb_note("grading with the %zu items stored with the run", grading_catalog_size(g.catalog));
	} else {
		if (load_suites(&g, json_array_size(given) ? given : json_object_get(info.options, "suites"),
				info.options, argv[optind]) != TB_OK || catalog_from_suites(&g) != TB_OK)
			goto out;
		for (size_t i = 0; i < g.n_suites; i++)
			tb_note("grading with suite '%s' (%s)", g.suites[i]->name, g.suites[i]->path);
		suites_hash(&g, hash);
		if (strcmp(hash, info.suites_hash) != 0)
			tb_warn("the suites changed since run '%s': re-grading with them as they are now",
				argv[optind]);
	}
	if (strcmp(info.status, "running") == 0)
		tb_warn("run '%s' did not finish (or is still running): re-grading what is stored", argv[optind]);
	rc = TB_EXIT_FATAL;
	if (setup_grading(&g, unsafe || json_is_true(json_object_get(info.options, "unsafe_exec")), jobs,
			  path) != TB_OK)
		goto out;
	total = store_count_samples(st);
	if (total < 0) {
		tb_error("cannot count the samples of '%s'", path);
		goto out;
	}
	g.cap_jobs = (size_t)total;
	g.jobs = calloc(g.cap_jobs + 1, sizeof(*g.jobs));
	if (!g.jobs) {
		tb_error("out of memory");
		goto out;
	}
	c = store_each_sample_brief(st, on_sample, &g, g.err, sizeof(g.err));
	grading_drain(g.grading);
	if (c != TB_OK || write_grades(&g, st) != TB_OK ||
	    passk_update_store(st, g.err, sizeof(g.err)) != TB_OK ||
	    tracestore_update(st, g.catalog, TRACESTORE_ALL, NULL, g.err, sizeof(g.err)) != TB_OK) {
		tb_error("%s", g.err);
		goto out;
	}
	print_cells(&g);
	rc = TB_EXIT_OK;
	if (g.missing) {
		tb_warn("%ld samples kept their grading: their items are no longer in the suites", g.missing);
		rc = TB_EXIT_SAMPLE_ERRORS;
	}
	if (g.failed) {
		tb_warn("%ld samples kept their grading: the grader failed (first: %s)", g.failed, g.first_failure);
		rc = TB_EXIT_SAMPLE_ERRORS;
	}
out:
	ctx_release(&g);
	if (have_info)
		store_run_info_release(&info);
	store_close(st);
	json_decref(given);
	return rc;
}
