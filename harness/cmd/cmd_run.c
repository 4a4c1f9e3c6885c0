/* thinkbench run: every suite x model x mode x budget x sample, against
 * OpenAI-compatible endpoints, or against the built-in simulator when there is
 * no key. The flow: plan -> scheduler -> split -> grade -> store -> summary. */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cache.h"
#include "clock.h"
#include "cmds.h"
#include "dialect.h"
#include "digest.h"
#include "estimate.h"
#include "exec.h"
#include "grading.h"
#include "jsonfile.h"
#include "log.h"
#include "mkpath.h"
#include "models.h"
#include "nearest.h"
#include "opts.h"
#include "passk.h"
#include "plan.h"
#include "progress.h"
#include "redact.h"
#include "rc.h"
#include "report.h"
#include "report_table.h"
#include "run.h"
#include "runid.h"
#include "runlock.h"
#include "runopts.h"
#include "scheduler.h"
#include "shard.h"
#include "sim.h"
#include "spend.h"
#include "split.h"
#include "budgetreuse.h"
#include "preset.h"
#include "store.h"
#include "tracestore.h"
#include "writer.h"

static volatile sig_atomic_t stop_requested;
/* Written by the first interrupt so that the loop wakes at once, stores the
 * status and says it is stopping. */
static volatile int wake_fd = -1;

static void on_signal(int sig)
{
	(void)sig;
	/* The second interrupt means "now": what is stored is already safe, and
	 * the first one's status (interrupted) is stored before its line shows. */
	if (stop_requested)
		_exit(TB_EXIT_INTERRUPTED);
	stop_requested = 1;
	if (wake_fd >= 0 && write(wake_fd, &(uint64_t){1}, sizeof(uint64_t)) < 0)
		stop_requested = 1;
}

typedef struct run_ctx run_ctx;

/* One sample on its way: the request, then the response being graded, then
 * the record written. It lives from next_job() until it is stored. */
typedef struct run_job {
	tb_job job;
	run_ctx *r;
	tb_plan_pos pos;
	tb_buf body;
	long seed;
	tb_sample s;
	char *answer, *reasoning;
	int described_rc;        /* describe()'s, set by job_prepare */
	double bound_usd;        /* the most it can cost (spend.h) */
	long bound_tokens;
	int cached;              /* answered from the response cache */
	tb_cache_timing timing;  /* a cached answer's original timings */
	char cache_key[65];
} run_job;

struct run_ctx {
	tb_run_opts *o;
	tb_suite **suites;
	size_t n_suites;
	tb_models models;
	const tb_model **sel;
	size_t n_sel;
	struct curl_slist **headers; /* one per selected model */
	char (*urls)[2048];
	tb_plan plan;
	long planned;            /* the plan's samples this run asks: all, or its shard's */
	dialect_tmpl **tmpl;     /* one per plan cell: its request body, built once */
	tb_store *st;
	char run_dir[4096];
	char store_path[4200];
	tb_progress prog;
	long errors;
	int simulated;
	sim_server *sim;
	grading_catalog *catalog; /* what grading needs of every item, from the store */
	grading_stage *grading;     /* grades stored answers, off the transfer loop */
	long awaiting;           /* answers handed to the writer to be graded, verdict not yet back */
	long in_flight;          /* jobs handed to the scheduler, not yet back (add_in_flight) */
	unsigned exec_rate;      /* code answers run a second at most while in_flight > 0 */
	int paused;              /* holding back new requests until grading catches up */
	long high_water, low_water;
	atomic_int offer_failed; /* the writer thread could not queue a grade */
	tb_writer *writer;       /* stores samples, off the transfer loop */
	atomic_int items_pending; /* the writer records the items (record_items()), not
				   * committed yet */
	long sent_early;         /* requests started while items_pending */
	int items_queued;        /* queue_items() has queued record_run() */
	passk_live *passk;       /* a fresh run's pass@k, written beside its samples */
	json_t *stored;          /* on --resume: the keys of samples already stored */
	long reused;             /* samples copied by --budget-from */
	int lock_fd;             /* the run's lock (runlock.h), held until the end */
	int marked_interrupted;  /* the status "interrupted" is queued for the store */
	tb_buf dead_note;        /* "model: endpoint unreachable: why" lines for the summary */
	tb_spend spend;          /* dollars and tokens spent, against the caps */
	tb_plan_pos held;        /* a position waiting for room under a cap */
	int has_held;
	int capped;              /* a cap stopped the scheduling for good */
	tb_cache *cache;         /* --cache; NULL: none */
	size_t max_text;         /* the scheduler's ceiling on a text, for cached answers */
	long from_cache;
	char fatal[512];
};

/* Code answers run a second, per core, while requests are in flight, unless
 * --exec-rate says otherwise: each answer's processes delay the transfer
 * loops, and so the latencies the run measures (see add_in_flight). */
#define EXEC_RATE_PER_CORE 2
#define TEXT_(x) #x
#define TEXT(x) TEXT_(x)

enum {
	OPT_SUITE = 's', OPT_MODEL = 'm', OPT_JOBS = 'j', OPT_QUIET = 'q',
	OPT_MODE = 256, OPT_MODELS, OPT_BUDGET, OPT_SAMPLES, OPT_LIMIT, OPT_OUT, OPT_RESUME,
	OPT_NO_STREAM, OPT_SEED, OPT_RETRIES, OPT_TIMEOUT, OPT_STALL, OPT_SIM, OPT_SIM_SCALE,
	OPT_RUN_ID, OPT_INSECURE, OPT_NO_SUMMARY, OPT_UNSAFE_EXEC, OPT_LOOPS, OPT_GRADE_QUEUE, OPT_EXEC_RATE,
	OPT_SHARD, OPT_DRY_RUN, OPT_MAX_COST, OPT_MAX_TOKENS_TOTAL, OPT_CACHE, OPT_PRESET, OPT_BUDGET_FROM,
};

static const tb_opt options[] = {
	{"suite", OPT_SUITE, "PATH", "a suite file or a folder of them (repeatable; default suites/)"},
	{"model", OPT_MODEL, "ID", "a model to ask (repeatable; default: the seed models, or those of --models)"},
	{"mode", OPT_MODE, "MODE", "think, nothink or both (default both)"},
	{"models", OPT_MODELS, "FILE", "a models file: endpoints, dialects, prices (README)"},
	{"budget", OPT_BUDGET, "N,N...", "thinking budgets in tokens to sweep (0 = none; default 0)"},
	{"samples", OPT_SAMPLES, "N", "ask each item N times, seeded (default 1)"},
	{"budget-from", OPT_BUDGET_FROM, "RUN", "reuse RUN's unbudgeted think samples that thought less than a budget (README)"},
	{"preset", OPT_PRESET, "NAME", "a model report's protocol: qwen3 (sampling, output caps, AIME samples)"},
	{"jobs", OPT_JOBS, "N", "requests in flight (default 32)"},
	{"loops", OPT_LOOPS, "N", "transfer threads sharing them (default: one per core, each with 16+)"},
	{"grade-queue", OPT_GRADE_QUEUE, "N", "answers waiting for the graders before no new request starts (default 1024)"},
	{"exec-rate", OPT_EXEC_RATE, "N",
	 "code answers run a second at most while requests are in flight (default " TEXT(EXEC_RATE_PER_CORE)
	 " per core; 0: no cap)"},
	{"limit", OPT_LIMIT, "N", "only the first N items of each suite"},
	{"out", OPT_OUT, "DIR", "where run folders go (default results)"},
	{"resume", OPT_RESUME, "RUN", "finish a stopped run (its folder), asking only for what is missing"},
	{"no-stream", OPT_NO_STREAM, NULL, "plain responses instead of streams (no first-token times)"},
	{"seed", OPT_SEED, "N", "base seed sent with each request (default 1)"},
	{"retries", OPT_RETRIES, "N", "attempts per sample, the first included (default 5)"},
	{"timeout", OPT_TIMEOUT, "S", "seconds one attempt may take (default: the model's, 1800)"},
	{"stall", OPT_STALL, "S", "seconds without a byte before an attempt is retried (default 120)"},
	{"sim", OPT_SIM, NULL, "use the built-in simulator even when OPENROUTER_API_KEY is set"},
	{"sim-time-scale", OPT_SIM_SCALE, "X", "simulator delays times X (default 0.02: a demo in seconds)"},
	{"shard", OPT_SHARD, "I/N", "ask only shard I (0..N-1) of the plan; 'thinkbench merge' joins the shards (README)"},
	{"run-id", OPT_RUN_ID, "NAME", "the run's name (default: date, time and a random tag)"},
	{"insecure", OPT_INSECURE, NULL, "skip TLS verification (only for 127.0.0.1 endpoints)"},
	{"unsafe-exec", OPT_UNSAFE_EXEC, NULL, "run code answers without bubblewrap (recorded, and printed on reports)"},
	{"no-summary", OPT_NO_SUMMARY, NULL, "do not print the summary table at the end"},
	{"max-cost", OPT_MAX_COST, "USD", "start no request that could take the dollars spent past USD (ends 'capped', exit 3)"},
	{"max-tokens-total", OPT_MAX_TOKENS_TOTAL, "N", "likewise for prompt + completion tokens"},
	{"dry-run", OPT_DRY_RUN, NULL, "print the plan with its tokens and dollars; send and write nothing"},
	{"cache", OPT_CACHE, "DIR", "reuse the responses in DIR/cache.sqlite and add new ones (default $THINKBENCH_CACHE; none)"},
	{"quiet", OPT_QUIET, NULL, "no progress line and no notes"},
	{0},
};

static const char usage_line[] = "run [--suite PATH]... [--model ID]... [--mode think|nothink|both] [options]";

/* The long name of an option code, for the list of flags given. */
static const char *option_name(int code)
{
	for (const tb_opt *p = options; p->name; p++)
		if (p->key == code)
			return p->name;
	return "?";
}

static int parse_args(int argc, char **argv, tb_run_opts *o, int *want_help, const char **given,
		      size_t *n_given)
{
	const char *arg;
	int c, first = 1;
	long v;
	double d;
	char msg[160];

	*want_help = 0;
	while ((c = tb_opts_next(argc, argv, options, &arg, first)) != -1) {
		first = 0;
		if (c != 'h' && *n_given < 64)
			given[(*n_given)++] = option_name(c);
		switch (c) {
		case OPT_SUITE:
			json_array_append_new(o->suites, json_string(arg));
			break;
		case OPT_MODEL:
			json_array_append_new(o->models, json_string(arg));
			break;
		case OPT_MODE:
			if (runopts_parse_modes(arg, &o->modes) != TB_OK)
				return tb_error("option '--mode' expects think, nothink or both, not '%s'", arg);
			break;
		case OPT_MODELS:
			o->models_file = strdup(arg);
			break;
		case OPT_BUDGET:
			if (runopts_parse_budgets(arg, o) != TB_OK)
				return TB_ERR;
			break;
		case OPT_SAMPLES:
			if (tb_opt_long("samples", arg, 1, 1000, &o->samples))
				return TB_ERR;
			o->samples_given = 1;
			break;
		case OPT_BUDGET_FROM:
			free(o->budget_from);
			o->budget_from = strdup(arg);
			break;
		case OPT_PRESET:
			if (!preset_find(arg))
				return tb_error("option '--preset' expects one of %s, not '%s'", preset_names(), arg);
			free(o->preset);
			o->preset = strdup(arg);
			break;
		case OPT_JOBS:
			if (tb_opt_long("jobs", arg, 1, 100000, &v))
				return TB_ERR;
			o->jobs = v;
			o->jobs_given = 1;
			break;
		case OPT_LOOPS:
			if (tb_opt_long("loops", arg, 1, 64, &o->loops))
				return TB_ERR;
			break;
		case OPT_CACHE:
			o->cache_dir = arg;
			break;
		case OPT_GRADE_QUEUE:
			if (tb_opt_long("grade-queue", arg, 16, 1000000, &o->grade_queue))
				return TB_ERR;
			break;
		case OPT_EXEC_RATE:
			if (tb_opt_long("exec-rate", arg, 0, 1000000, &o->exec_rate))
				return TB_ERR;
			break;
		case OPT_LIMIT:
			if (tb_opt_long("limit", arg, 1, 100000000, &o->limit))
				return TB_ERR;
			break;
		case OPT_OUT:
			free(o->out_dir);
			o->out_dir = strdup(arg);
			break;
		case OPT_RESUME:
			o->resume = strdup(arg);
			break;
		case OPT_NO_STREAM:
			o->stream = 0;
			break;
		case OPT_SEED:
			if (tb_opt_long("seed", arg, 0, 2000000000, &o->seed))
				return TB_ERR;
			break;
		case OPT_RETRIES:
			if (tb_opt_long("retries", arg, 1, 100, &o->retries))
				return TB_ERR;
			break;
		case OPT_TIMEOUT:
			if (tb_opt_double("timeout", arg, 0.01, 86400, &o->timeout_s))
				return TB_ERR;
			break;
		case OPT_STALL:
			if (tb_opt_double("stall", arg, 1, 86400, &o->stall_s))
				return TB_ERR;
			break;
		case OPT_SIM:
			o->force_sim = 1;
			break;
		case OPT_SIM_SCALE:
			if (tb_opt_double("sim-time-scale", arg, 0, 100, &d))
				return TB_ERR;
			o->sim_time_scale = d;
			break;
		case OPT_RUN_ID:
			if (tb_runid_check(arg, msg, sizeof(msg)) != TB_OK)
				return tb_error("option '--run-id': %s", msg);
			o->run_id = strdup(arg);
			break;
		case OPT_SHARD:
			if (shard_parse(arg, &o->shard_index, &o->shard_count) != TB_OK)
				return tb_error("option '--shard' expects I/N with 0 <= I < N <= %d, not '%s'",
						TB_SHARD_MAX, arg);
			break;
		case OPT_INSECURE:
			o->insecure = 1;
			break;
		case OPT_NO_SUMMARY:
			o->no_summary = 1;
			break;
		case OPT_UNSAFE_EXEC:
			o->unsafe_exec = 1;
			break;
		case OPT_QUIET:
			o->quiet = 1;
			break;
		case OPT_DRY_RUN:
			o->dry_run = 1;
			break;
		case OPT_MAX_COST:
			if (tb_opt_double("max-cost", arg, 1e-9, 1e9, &o->max_cost))
				return TB_ERR;
			break;
		case OPT_MAX_TOKENS_TOTAL:
			if (tb_opt_long("max-tokens-total", arg, 1, 0x7fffffffffffffffL, &o->max_tokens_total))
				return TB_ERR;
			break;
		case 'h':
			*want_help = 1;
			return TB_OK;
		default:
			return TB_ERR;
		}
	}
	if (optind < argc)
		return tb_error("unexpected argument '%s' (suites go after --suite)", argv[optind]);
	return TB_OK;
}

/* ---- the producer: plan positions to jobs, finished jobs to the store ---- */

/* The position held back by a cap first, then the plan's next. */
static int next_pos(run_ctx *r, tb_plan_pos *pos, char *err, size_t errlen)
{
	if (r->has_held) {
		*pos = r->held;
		r->has_held = 0;
		return 1;
	}
	return plan_next(&r->plan, pos, err, errlen);
}

static void job_prepare(void *ud, tb_job *job);
static int job_done(void *ud, tb_job *job, char *err, size_t errlen);

/* The endpoint of a cache key: the built-in simulator's port changes from run to run. */
static const char *cache_endpoint(const run_ctx *r, const tb_plan_cell *c)
{
	return r->sim ? "thinkbench-sim" : r->urls[c->lane];
}

/* A job the cache answers goes through the same two steps as one the
 * scheduler hands back. Returns 1 when it was answered (and is freed). */
static int from_cache(run_ctx *r, run_job *j)
{
	const tb_plan_cell *c = j->pos.cell;
	char err[512];

	if (!cache_fill_job(r->cache, cache_endpoint(r, c), c->model->id, j->pos.sample, &j->job,
			    r->max_text, &j->timing, j->cache_key))
		return 0;
	j->cached = 1;
	r->from_cache++;
	job_prepare(r, &j->job);
	if (job_done(r, &j->job, err, sizeof(err)) != TB_OK && !r->fatal[0])
		snprintf(r->fatal, sizeof(r->fatal), "%s", err);
	return 1;
}

/* The writer's first task in a run that defers its items (record_items()). */
static int record_run(void *ud, tb_store *st, char *err, size_t errlen)
{
	run_ctx *r = ud;

	if (run_put_items(st, r->suites, r->n_suites, r->catalog, err, errlen) != TB_OK)
		return TB_ERR;
	grading_catalog_seal(r->catalog);
	return TB_OK;
}

/* Lets next_job() go on. Not committed, the writer has failed, and the next
 * answer's write stops the run with its error. */
static void record_ended(void *ud, int committed)
{
	run_ctx *r = ud;

	(void)committed;
	atomic_store(&r->items_pending, 0);
	grading_wake(r->grading);
}

/* Queues record_run() once: when the first round of requests is out, when
 * the loops have nothing more to start, or before anything else is written
 * (the writer keeps its order), whichever comes first. Until then the round
 * goes out alone: on two cores the items' records compete with it, and each
 * request started late ends the run later. Under the producer's lock, or
 * after the loops. */
static void queue_items(run_ctx *r)
{
	char err[512];

	if (!atomic_load(&r->items_pending) || r->items_queued)
		return;
	r->items_queued = 1;
	if (writer_put_task(r->writer, &(writer_task){.run = record_run, .ended = record_ended, .ud = r},
			    err, sizeof(err)) != TB_OK &&
	    !r->fatal[0])
		snprintf(r->fatal, sizeof(r->fatal), "%s", err);
}

/* Requests in flight change by delta. Code answers run under the cap while
 * any is; with none in flight (the end of the run, or new requests held
 * back until the graders catch up) nothing is measured, and they run at
 * full speed. Under the producer's lock. */
static void add_in_flight(run_ctx *r, long delta)
{
	long before = r->in_flight;

	r->in_flight += delta;
	if ((before == 0) != (r->in_flight == 0))
		gr_exec_set_rate(r->in_flight ? r->exec_rate : 0);
}

static tb_job *plan_job(run_ctx *r, int *finished)
{
	tb_plan_pos pos;
	char err[512];
	int more;

	*finished = 0;
	if (atomic_load(&r->offer_failed)) {
		snprintf(r->fatal, sizeof(r->fatal), "out of memory queueing answers for grading");
		return NULL;
	}
	if (r->capped) {
		*finished = 1;
		return NULL;
	}
	/* When the graders fall behind no new request starts until they are
	 * back under the low-water mark: answers wait in the store, not in
	 * memory. */
	if (r->paused && r->awaiting > r->low_water)
		return NULL;
	r->paused = r->awaiting >= r->high_water;
	if (r->paused)
		return NULL;
	/* While the writer records the items, answers wait in its queue
	 * unstored: one round of -j goes out and no more, so that a kill then
	 * loses no more than what is in flight. */
	if (atomic_load(&r->items_pending) && r->sent_early >= r->o->jobs)
		return NULL;
	*finished = 1;
	while ((more = next_pos(r, &pos, err, sizeof(err))) == 1) {
		const tb_plan_cell *c = pos.cell;
		run_job *j;
		char key[4096];
		double bound_usd;
		long bound_tokens;

		if (r->stored || r->o->shard_count) {
			shard_key(key, sizeof(key), c->suite->name, pos.item->id, c->model->id,
				   tb_mode_name(c->mode), c->budget, pos.sample);
			if ((r->o->shard_count && shard_of(key, r->o->shard_count) != r->o->shard_index) ||
			    json_object_get(r->stored, key)) {
				plan_pos_release(&pos);
				continue;
			}
		}
		/* Under a cap, a request that does not fit waits for those in
		 * flight to end (their bounds are worst cases); with none in
		 * flight it never fits, and the run is capped. */
		spend_bound(c->suite, pos.item, c->model, &bound_usd, &bound_tokens);
		if (!spend_allows(&r->spend, bound_usd, bound_tokens)) {
			if (r->in_flight == 0) {
				plan_pos_release(&pos);
				r->capped = 1;
				return NULL;
			}
			r->held = pos;
			r->has_held = 1;
			*finished = 0;
			return NULL;
		}
		j = calloc(1, sizeof(*j));
		if (!j) {
			plan_pos_release(&pos);
			snprintf(r->fatal, sizeof(r->fatal), "out of memory");
			return NULL;
		}
		sched_job_init(&j->job);
		tb_buf_init(&j->body, 64u << 20);
		j->r = r;
		j->pos = pos;
		j->seed = r->o->seed + pos.sample;
		if (dialect_tmpl_body(r->tmpl[c - r->plan.cells], pos.item, j->seed, &j->body, err,
				      sizeof(err)) != TB_OK) {
			snprintf(r->fatal, sizeof(r->fatal), "%.200s:%ld: %.280s", c->suite->path, pos.item->line, err);
			plan_pos_release(&j->pos);
			tb_buf_release(&j->body);
			sched_job_release(&j->job);
			free(j);
			return NULL;
		}
		j->job.url = r->urls[c->lane];
		j->job.headers = r->headers[c->lane];
		j->job.body = tb_buf_str(&j->body);
		j->job.stream = r->o->stream;
		j->job.think_tags = c->mode == TB_MODE_THINK && dialect_think_in_content(c->model);
		j->job.lane = c->lane;
		j->job.timeout_s = r->o->timeout_s > 0 ? r->o->timeout_s : c->model->timeout_s;
		j->job.stall_s = r->o->stall_s > 0 ? r->o->stall_s : c->model->stall_s;
		j->job.ud = j;
		j->bound_usd = bound_usd;
		j->bound_tokens = bound_tokens;
		spend_start(&r->spend, bound_usd, bound_tokens);
		*finished = 0;
		add_in_flight(r, 1);
		r->sent_early += atomic_load(&r->items_pending);
		if (r->cache && from_cache(r, j)) {
			/* answered without a request; new requests wait as for any
			 * answer while the graders are behind */
			if (r->fatal[0] || r->awaiting >= r->high_water)
				return NULL;
			*finished = 1;
			continue;
		}
		return &j->job;
	}
	if (more != 0)
		snprintf(r->fatal, sizeof(r->fatal), "%s", err);
	return NULL;
}

static tb_job *next_job(void *ud, int *finished)
{
	run_ctx *r = ud;
	tb_job *job = plan_job(r, finished);

	if (!job || r->sent_early >= r->o->jobs)
		queue_items(r);
	return job;
}

static double ms_or_nan(int64_t us)
{
	return us >= 0 ? (double)us / 1000.0 : NAN;
}

static double sample_cost(const tb_model *m, const tb_resp *resp, int *reported)
{
	*reported = !isnan(resp->cost);
	if (*reported)
		return resp->cost;
	if (resp->prompt_tokens < 0 || resp->completion_tokens < 0)
		return NAN;
	return ((double)resp->prompt_tokens * m->price_prompt_per_m +
		(double)resp->completion_tokens * m->price_completion_per_m) / 1e6;
}

static void run_job_free(run_job *j)
{
	plan_pos_release(&j->pos);
	free(j->answer);
	free(j->reasoning);
	tb_buf_release(&j->body);
	sched_job_release(&j->job);
	free(j);
}

/* Fills everything of the record but the grade. */
static int describe(run_job *j, tb_split *sp)
{
	const tb_plan_cell *c = j->pos.cell;
	const tb_item *it = j->pos.item;
	const tb_resp *resp = &j->job.resp;
	tb_sample *s = &j->s;

	s->suite = c->suite->name;
	s->item_id = it->id;
	s->model = c->model->id;
	s->mode = tb_mode_name(c->mode);
	s->budget = c->budget;
	s->sample = j->pos.sample;
	s->expected = it->expected ? it->expected : "";
	s->lang = it->lang ? it->lang : "";
	s->grader = it->grader ? gr_name(it->grader) : "";
	s->grader_version = it->grader ? gr_version(it->grader) : "";
	s->seed = j->seed;
	s->streamed = j->r->o->stream;
	s->attempts = j->job.attempts;
	s->http_status = j->job.http_status;
	s->error = "";
	s->extracted = "";
	s->grade_reason = "";
	s->finish_reason = resp->finish_reason;
	s->native_finish_reason = resp->native_finish_reason;
	s->provider = resp->provider;
	s->generation_id = resp->generation_id;
	s->prompt_tokens = resp->prompt_tokens;
	s->completion_tokens = resp->completion_tokens;
	s->reasoning_tokens = resp->reasoning_tokens;
	s->cached_tokens = resp->cached_tokens;
	s->cost_usd = sample_cost(c->model, resp, &s->cost_reported);
	s->usage_invalid = resp->usage_invalid;
	s->total_ms = (double)(j->job.t_end_us - j->job.t_start_us) / 1000.0;
	s->ttft_ms = j->r->o->stream ? ms_or_nan(resp->t_first_token_us) : NAN;
	s->ttfa_ms = j->r->o->stream ? ms_or_nan(resp->t_first_answer_us) : NAN;
	s->ttst_ms = j->r->o->stream ? ms_or_nan(resp->t_second_token_us) : NAN;
	s->gap_p50_ms = j->r->o->stream ? tb_gaps_quantile_ms(&resp->gaps, 0.5) : NAN;
	s->gap_p99_ms = j->r->o->stream ? tb_gaps_quantile_ms(&resp->gaps, 0.99) : NAN;
	s->lang_check = GR_LANG_UNCHECKED;
	s->finished_at = (double)time(NULL);
	if (j->cached) {
		/* nothing of this run was measured */
		s->total_ms = s->ttft_ms = s->ttfa_ms = NAN;
		s->ttst_ms = s->gap_p50_ms = s->gap_p99_ms = NAN;
		s->cached = 1;
		s->cached_ttft_ms = j->timing.ttft_ms;
		s->cached_ttfa_ms = j->timing.ttfa_ms;
		s->cached_total_ms = j->timing.total_ms;
	}

	split_response(resp, c->mode == TB_MODE_THINK, sp);
	j->answer = strndup(sp->answer ? sp->answer : "", sp->answer_len);
	j->reasoning = strndup(sp->reasoning ? sp->reasoning : "", sp->reasoning_len);
	if (!j->answer || !j->reasoning)
		return TB_NOMEM;
	s->answer = j->answer;
	s->reasoning = j->reasoning;
	s->split_method = split_method_name(sp->method);
	s->mode_leak = j->job.status == TB_JOB_OK && sp->mode_leak;
	s->text_truncated = resp->reasoning.truncated || resp->content.truncated;
	return TB_OK;
}

/* The progress line counts what the writer has committed, nothing sooner. */
static void show_committed(run_ctx *r)
{
	writer_counts now;

	writer_committed(r->writer, &now);
	progress_set(&r->prog, now.done, now.graded, now.correct, now.errors, r->awaiting,
		     r->spend.spent_usd);
}

/* The writer thread's hook: pass@k rows in the same transaction. */
static int after_write(void *ud, const tb_sample *s, char *err, size_t errlen)
{
	return passk_live_add(ud, s, err, errlen);
}

/* The writer thread's other hook: a stored answer goes to the graders. */
static void on_stored(void *ud, const tb_sample *s)
{
	run_ctx *r = ud;

	if (grading_offer(r->grading, s, NULL) != TB_OK)
		atomic_store(&r->offer_failed, 1);
}

/* A verdict: stored as the sample's first grading. Called one at a time:
 * under the scheduler's lock (the wake callback reaps), or once the loops
 * have ended (the drain). */
static void on_verdict(void *ud, const tb_sample *s, const tb_trace_metrics *m, void *tag)
{
	run_ctx *r = ud;
	char err[512];

	(void)tag;
	r->awaiting--;
	if (s->outcome == TB_OUT_ERROR)
		r->errors++;
	if (writer_put_grade(r->writer, s, m, err, sizeof(err)) != TB_OK && !r->fatal[0])
		snprintf(r->fatal, sizeof(r->fatal), "%s", err);
	show_committed(r);
}

/* On the job's loop, outside the producer's lock: the sample's record and
 * split. Touches only the job. */
static void job_prepare(void *ud, tb_job *job)
{
	run_job *j = job->ud;
	tb_split sp = {0};

	(void)ud;
	if (job->status == TB_JOB_CANCELLED)
		return;
	j->described_rc = describe(j, &sp);
	if (j->described_rc != TB_OK)
		return;
	/* Stored before it is graded: ungraded, with its grader named. */
	j->s.outcome = TB_OUT_UNGRADED;
	if (job->status == TB_JOB_FAILED) {
		j->s.outcome = TB_OUT_ERROR;
		j->s.error = job->error;
	} else if (sp.truncated_in_thinking) {
		j->s.outcome = TB_OUT_TRUNCATED;
	}
}

static int job_done(void *ud, tb_job *job, char *err, size_t errlen)
{
	run_ctx *r = ud;
	run_job *j = job->ud;
	int rc = TB_OK;

	add_in_flight(r, -1);
	if (job->status == TB_JOB_CANCELLED) {
		spend_end(&r->spend, j->bound_usd, j->bound_tokens, NAN, -1);
		run_job_free(j);
		return TB_OK;
	}
	/* an answer from the cache cost this run nothing */
	spend_end(&r->spend, j->bound_usd, j->bound_tokens, j->cached ? 0 : j->s.cost_usd,
		  j->cached ? 0
		  : j->s.prompt_tokens >= 0 && j->s.completion_tokens >= 0
			  ? j->s.prompt_tokens + j->s.completion_tokens
			  : -1);
	if (j->described_rc != TB_OK) {
		run_job_free(j);
		return tb_seterr(err, errlen, "out of memory");
	}
	if (tb_sample_awaits_grade(&j->s))
		r->awaiting++;
	if (j->s.outcome == TB_OUT_ERROR)
		r->errors++;
	if (r->cache && !j->cached) {
		const tb_plan_cell *c = j->pos.cell;
		tb_cache_timing t = {j->s.ttft_ms, j->s.ttfa_ms, j->s.total_ms};
		char cerr[512];

		if (!j->cache_key[0])
			cache_key(cache_endpoint(r, c), c->model->id, j->job.body, j->pos.sample, j->cache_key);
		/* a cache that cannot be written costs the next run, not this one */
		if (cache_put_job(r->cache, j->cache_key, cache_endpoint(r, c), c->model->id, job, &t,
				  cerr, sizeof(cerr)) != TB_OK)
			tb_warn("%s", cerr);
	}
	queue_items(r);
	rc = writer_put(r->writer, &j->s, err, errlen);
	if (rc == TB_OK)
		show_committed(r);
	run_job_free(j);
	return rc;
}

/* The scheduler gave up on a model's endpoint: said once now, and again
 * under the summary. */
static void lane_dead(void *ud, int lane, const char *msg)
{
	run_ctx *r = ud;

	tb_error("%s: %s (the endpoint looks dead: its other samples fail without a request)",
		 r->sel[lane]->id, msg);
	tb_buf_addf(&r->dead_note, "%s: endpoint unreachable: %s\n", r->sel[lane]->id, msg);
}

/* The first SIGINT, seen by the loop (or the end): the status interrupted
 * is stored first, so that a second SIGINT, which exits at once, leaves the
 * run marked; then one line says so. The end replaces the status when every
 * sample is stored and graded. */
static int announce_stop(run_ctx *r, char *err, size_t errlen)
{
	r->marked_interrupted = 1;
	queue_items(r);
	if (writer_put_status(r->writer, "interrupted", err, errlen) != TB_OK ||
	    writer_flush(r->writer, err, errlen) != TB_OK)
		return TB_ERR;
	fprintf(stderr, "\nstopping: %ld requests in flight, %ld answers stored ungraded; "
		"Ctrl-C again to stop now\n", r->in_flight, r->awaiting);
	return TB_OK;
}

static int reap_grades(void *ud, char *err, size_t errlen)
{
	run_ctx *r = ud;

	grading_reap(r->grading);
	if (stop_requested && !r->marked_interrupted && announce_stop(r, err, errlen) != TB_OK)
		return TB_ERR;
	if (r->fatal[0])
		return tb_seterr(err, errlen, "%s", r->fatal);
	return TB_OK;
}

/* ---- set-up ---- */

/* One transfer loop per core, each with at least 16 requests in flight:
 * below that one loop keeps up, and more only split the connections. */
static int auto_loops(long jobs)
{
	long cores = sysconf(_SC_NPROCESSORS_ONLN), by_jobs = jobs / 16;
	long n = cores < by_jobs ? cores : by_jobs;

	return n < 1 ? 1 : n > 8 ? 8 : (int)n;
}

/* The built-in simulator answers when there is no models file, and no key
 * or --sim. */
static int uses_simulator(const tb_run_opts *o)
{
	return !o->models_file && (o->force_sim || !tb_secret_take("OPENROUTER_API_KEY"));
}

static int make_templates(run_ctx *r, char *err, size_t errlen)
{
	r->tmpl = calloc(r->plan.n_cells ? r->plan.n_cells : 1, sizeof(*r->tmpl));
	if (!r->tmpl)
		return tb_seterr(err, errlen, "out of memory");
	for (size_t i = 0; i < r->plan.n_cells; i++) {
		const tb_plan_cell *c = &r->plan.cells[i];
		tb_request_spec rq = {.mode = c->mode, .budget = c->budget, .stream = r->o->stream,
				      .seed = r->o->seed};

		if (!c->unsupported && dialect_tmpl_new(c->model, c->suite, &rq, &r->tmpl[i], err, errlen) != TB_OK)
			return TB_ERR;
	}
	return TB_OK;
}

static int load_suites(run_ctx *r, char *err, size_t errlen)
{
	/* The simulator looks up every item; a run only needs the item it is
	 * at, so it keeps where the items are rather than the items. */
	int (*load)(const char *, size_t, tb_suite ***, size_t *, char *, size_t) =
		uses_simulator(r->o) ? suite_load_path : suite_open_path;
	size_t i;
	json_t *p;

	/* Stored as absolute paths, so that resume and grade find them from
	 * anywhere on this machine. */
	json_array_foreach(r->o->suites, i, p) {
		char *abs = realpath(json_string_value(p), NULL);

		if (abs) {
			json_string_set(p, abs);
			free(abs);
		}
	}
	json_array_foreach(r->o->suites, i, p) {
		if (load(json_string_value(p), (size_t)r->o->limit, &r->suites, &r->n_suites, err,
			 errlen) != TB_OK)
			return TB_ERR;
	}
	return TB_OK;
}

static void suites_hash(const run_ctx *r, char hex[65])
{
	tb_sha256 *h = tb_sha256_new();

	if (!h) {
		snprintf(hex, 65, "unknown");
		return;
	}
	for (size_t i = 0; i < r->n_suites; i++) {
		tb_sha256_update(h, r->suites[i]->name, strlen(r->suites[i]->name) + 1);
		tb_sha256_update(h, r->suites[i]->hash, 64);
	}
	tb_sha256_final(h, hex);
}

static int start_simulator(run_ctx *r, char *base_url, size_t n, char *err, size_t errlen)
{
	sim_config sc;

	sim_config_defaults(&sc);
	sc.port = 0;
	sc.time_scale = r->o->sim_time_scale;
	sc.seed = (unsigned long)r->o->seed;
	if (sim_start(&sc, r->suites, r->n_suites, &r->sim, err, errlen) != TB_OK)
		return TB_ERR;
	snprintf(base_url, n, "http://127.0.0.1:%u/v1", sim_port(r->sim));
	return TB_OK;
}

static int select_models(run_ctx *r, char *err, size_t errlen)
{
	json_t *ids = json_deep_copy(r->o->models);
	size_t i;
	json_t *id;
	int rc = TB_ERR;

	if (json_array_size(ids) == 0 && r->o->models_file) {
		json_t *root = NULL;
		json_t *e;

		/* read and checked by models_load_file() already */
		tb_json_file_load(r->o->models_file, 0, &root, NULL, 0);

		json_array_foreach(json_object_get(root, "models"), i, e)
			json_array_append(ids, json_object_get(e, "id"));
		json_decref(root);
	}
	if (json_array_size(ids) == 0)
		for (i = 0; i < r->models.n; i++)
			json_array_append_new(ids, json_string(r->models.v[i].id));
	r->sel = calloc(json_array_size(ids), sizeof(*r->sel));
	r->headers = calloc(json_array_size(ids), sizeof(*r->headers));
	r->urls = calloc(json_array_size(ids), sizeof(*r->urls));
	if (!r->sel || !r->headers || !r->urls) {
		tb_seterr(err, errlen, "out of memory");
		goto out;
	}
	json_array_foreach(ids, i, id) {
		const tb_model *m = models_find(&r->models, json_string_value(id));

		if (!m) {
			tb_nearest nr;
			char hint[160];

			tb_nearest_init(&nr, json_string_value(id));
			for (size_t k = 0; k < r->models.n; k++)
				tb_nearest_offer(&nr, r->models.v[k].id);
			tb_nearest_hint(&nr, "", hint, sizeof(hint));
			tb_seterr(err, errlen, "unknown model '%s'%s%s", json_string_value(id), hint,
				  *hint ? "" : " (see 'thinkbench list models', or add it to a models file)");
			goto out;
		}
		for (size_t k = 0; k < r->n_sel; k++) {
			if (r->sel[k] == m) {
				tb_seterr(err, errlen, "model '%s' is named twice", m->id);
				goto out;
			}
		}
		if (dialect_url(m, r->urls[r->n_sel], sizeof(r->urls[0])) != TB_OK) {
			tb_seterr(err, errlen, "model '%s': base_url is too long", m->id);
			goto out;
		}
		if (r->o->insecure && !strstr(m->base_url, "://127.0.0.1") && !strstr(m->base_url, "://localhost") &&
		    !strstr(m->base_url, "://[::1]")) {
			tb_seterr(err, errlen, "model '%s': --insecure is only for loopback endpoints, not '%s'",
				  m->id, m->base_url);
			goto out;
		}
		if (dialect_headers(m, r->o->stream, &r->headers[r->n_sel], err, errlen) != TB_OK)
			goto out;
		if (m->dialect == TB_DIALECT_SIM)
			r->simulated = 1;
		r->sel[r->n_sel++] = m;
	}
	rc = TB_OK;
out:
	json_decref(ids);
	return rc;
}

static int setup_models(run_ctx *r, char *err, size_t errlen)
{
	char base_url[256] = "https://openrouter.ai/api/v1";
	int use_sim = uses_simulator(r->o);

	/* a dry run sends nothing, so it needs no simulator listening */
	if (use_sim && !r->o->dry_run) {
		if (start_simulator(r, base_url, sizeof(base_url), err, errlen) != TB_OK)
			return TB_ERR;
	}
	if (models_builtin(&r->models, base_url, err, errlen) != TB_OK)
		return TB_ERR;
	if (use_sim) {
		for (size_t i = 0; i < r->models.n; i++) {
			free(r->models.v[i].api_key_env);
			r->models.v[i].api_key_env = NULL;
			r->models.v[i].dialect = TB_DIALECT_SIM;
		}
	}
	if (r->o->models_file && models_load_file(&r->models, r->o->models_file, err, errlen) != TB_OK)
		return TB_ERR;
	if (select_models(r, err, errlen) != TB_OK)
		return TB_ERR;
	if (use_sim && !r->o->dry_run)
		tb_note("%s: using the built-in simulator at %s",
			r->o->force_sim ? "--sim given" : "OPENROUTER_API_KEY is not set", base_url);
	return TB_OK;
}

/* run --dry-run: the plan and its estimate on stdout, no request, no file. */
static int dry_run(run_ctx *r)
{
	est_history *h = NULL;
	est_cell *cells = calloc(r->plan.n_cells ? r->plan.n_cells : 1, sizeof(*cells));
	size_t n = 0;
	char err[1024];
	int rc = TB_ERR;

	if (!cells) {
		tb_error("out of memory");
		return TB_ERR;
	}
	if (est_history_load(r->o->out_dir, &h, err, sizeof(err)) != TB_OK ||
	    est_plan(&r->plan, h, uses_simulator(r->o), cells, &n, err, sizeof(err)) != TB_OK) {
		tb_error("%s", err);
		goto out;
	}
	est_print(stdout, cells, n);
	rc = TB_OK;
out:
	est_history_free(h);
	free(cells);
	return rc;
}

/* --preset: over every model and suite; the AIME sample count only for a
 * new run without --samples (a resumed run keeps its stored count). */
static void apply_preset(run_ctx *r)
{
	const tb_preset *p = preset_find(r->o->preset);
	size_t aime = 0;

	if (!p)
		return;
	for (size_t i = 0; i < r->models.n; i++)
		preset_apply_model(p, &r->models.v[i]);
	for (size_t i = 0; i < r->n_suites; i++) {
		preset_apply_suite(p, r->suites[i]);
		aime += preset_is_aime(r->suites[i]) != 0;
	}
	if (r->o->resume || r->o->samples_given || !aime)
		return;
	if (aime == r->n_suites)
		r->o->samples = p->aime_samples;
	else
		tb_note("--preset %s: %ld samples per item on AIME needs a run of the AIME suites alone; "
			"this run asks %ld", p->name, p->aime_samples, r->o->samples);
}

static int make_run_dir(run_ctx *r, char *run_id, size_t n, char *err, size_t errlen)
{
	if (r->o->run_id) {
		snprintf(run_id, n, "%s", r->o->run_id);
	} else {
		char stamp[32];
		time_t now = time(NULL);
		struct tm tm;

		gmtime_r(&now, &tm);
		strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
		snprintf(run_id, n, "%s-%04x", stamp,
			 (unsigned)((tb_now_us() ^ (int64_t)getpid() * 2654435761u) & 0xffff));
	}
	if (tb_mkpath(r->o->out_dir, 0777, err, errlen) != TB_OK)
		return TB_ERR;
	snprintf(r->run_dir, sizeof(r->run_dir), "%s/%s", r->o->out_dir, run_id);
	if (mkdir(r->run_dir, 0777) != 0)
		return tb_seterr(err, errlen, "cannot create the run folder '%s': %s", r->run_dir,
				 strerror(errno));
	return TB_OK;
}

static int record_cells(run_ctx *r, char *err, size_t errlen)
{
	for (size_t i = 0; i < r->plan.n_cells; i++) {
		const tb_plan_cell *c = &r->plan.cells[i];
		tb_cell cell = {.suite = c->suite->name, .model = c->model->id,
				.mode = tb_mode_name(c->mode), .budget = c->budget,
				.status = c->unsupported ? "not_supported" : "planned",
				.n_planned = c->unsupported ? 0 : (long)c->suite->n_items * r->o->samples};

		if (store_put_cell(r->st, &cell, err, errlen) != TB_OK)
			return TB_ERR;
	}
	return TB_OK;
}

static int open_store(run_ctx *r, int argc, char **argv, char *err, size_t errlen)
{
	tb_run_info info = {0};
	char run_id[TB_RUN_ID_MAX + 1], hash[65];
	int rc = TB_ERR;

	suites_hash(r, hash);
	if (r->o->resume) {
		if (store_get_run(r->st, &info, err, errlen) != TB_OK)
			return TB_ERR;
		if (strcmp(info.suites_hash, hash) != 0 || strcmp(info.models_hash, r->models.hash) != 0) {
			tb_seterr(err, errlen, "%s: the %s changed since the run started; start a new run",
				  r->run_dir, strcmp(info.suites_hash, hash) ? "suites" : "models file");
			goto out;
		}
		rc = store_set_status(r->st, "running", err, errlen);
		goto out;
	}
	if (make_run_dir(r, run_id, sizeof(run_id), err, errlen) != TB_OK ||
	    runlock_take(r->run_dir, &r->lock_fd, err, errlen) != TB_OK)
		return TB_ERR;
	snprintf(info.run_id, sizeof(info.run_id), "%s", run_id);
	snprintf(info.version, sizeof(info.version), "%s", TB_VERSION);
	tb_wall_iso(info.started, sizeof(info.started));
	snprintf(info.status, sizeof(info.status), "running");
	info.simulated = r->simulated;
	info.cmdline = json_pack("[s]", "thinkbench");
	for (int i = 0; i < argc; i++)
		json_array_append_new(info.cmdline, json_string(argv[i]));
	info.options = runopts_to_json(r->o, r->simulated);
	snprintf(info.suites_hash, sizeof(info.suites_hash), "%s", hash);
	snprintf(info.models_hash, sizeof(info.models_hash), "%s", r->models.hash);
	{
		char path[4200];

		snprintf(path, sizeof(path), "%s/store.sqlite", r->run_dir);
		if (store_create(path, &info, &r->st, err, errlen) != TB_OK)
			goto out;
	}
	rc = record_cells(r, err, errlen);
out:
	store_run_info_release(&info);
	return rc;
}

/* --resume: the options come from the store, so the run goes on as it began.
 * Only -j and --quiet may differ. */
static int load_resume(run_ctx *r, char *err, size_t errlen)
{
	tb_run_info info = {0};
	char path[4200];
	struct stat st;
	int rc;

	snprintf(r->run_dir, sizeof(r->run_dir), "%s", r->o->resume);
	snprintf(path, sizeof(path), "%s/store.sqlite", r->o->resume);
	if (stat(path, &st) != 0)
		return tb_seterr(err, errlen, "cannot resume '%s': no store.sqlite in it", r->o->resume);
	/* first the lock: two resumes of one run must not both ask */
	if (runlock_take(r->run_dir, &r->lock_fd, err, errlen) != TB_OK)
		return TB_ERR;
	if (store_open(path, 0, &r->st, err, errlen) != TB_OK)
		return TB_ERR;
	if (store_get_run(r->st, &info, err, errlen) != TB_OK)
		return TB_ERR;
	rc = runopts_from_json(r->o, info.options, err, errlen);
	store_run_info_release(&info);
	return rc;
}

static void print_summary(run_ctx *r)
{
	tb_run_info info = {0};
	report *rep = NULL;
	char err[512];

	if (r->o->no_summary)
		return;
	if (store_get_run(r->st, &info, err, sizeof(err)) != TB_OK ||
	    report_load(r->st, &rep, err, sizeof(err)) != TB_OK) {
		tb_warn("cannot summarise the run: %s", err);
	} else {
		report_print_table(rep, stdout, &info);
	}
	report_free(rep);
	store_run_info_release(&info);
}

/* Code answers run in the sandbox. Without a working sandbox the run stops
 * before any request, unless --unsafe-exec. */
static int uses_exec(const run_ctx *r)
{
	int any = 0;

	for (size_t i = 0; i < r->n_suites; i++)
		any |= r->suites[i]->has_exec;
	return any;
}

static int check_exec(run_ctx *r, char *err, size_t errlen)
{
	if (!uses_exec(r))
		return TB_OK;
	gr_exec_set_unsafe(r->o->unsafe_exec);
	return gr_exec_available(err, errlen);
}

/* A shard asks only its part of the plan, and its store says which part of
 * which plan (shard.h), for `merge` to check. */
static int setup_shard(run_ctx *r, char *err, size_t errlen)
{
	shard_plan p;
	tb_shard_row row = {.index = r->o->shard_index, .count = r->o->shard_count};
	int rc = TB_ERR;

	r->planned = plan_total(&r->plan);
	if (!r->o->shard_count)
		return TB_OK;
	if (shard_plan_from_store(r->st, &p, err, errlen) != TB_OK)
		goto out;
	snprintf(row.plan_hash, sizeof(row.plan_hash), "%s", p.hash);
	row.planned = r->planned = shard_plan_count(&p, row.index, row.count);
	rc = store_put_shard(r->st, &row, err, errlen);
out:
	shard_plan_release(&p);
	return rc;
}

/* The suites' items, into the store and into the grading stage's catalog in
 * one pass: the run grades each item as `grade --from-store` would read it
 * back, without reading it back. A fresh run of answers graded in process
 * leaves this to the writer thread, as its first write, once the first
 * requests are out (queue_items(); 10,000 items took 70-110 ms); no answer
 * is offered for grading before the writer has stored it, so none before the
 * catalog is sealed. A shard's plan, a resumed or reused run's stored
 * answers and the warm sandboxes of code answers need the items first. */
static int record_items(run_ctx *r, char *err, size_t errlen)
{
	const tb_run_opts *o = r->o;

	r->catalog = grading_catalog_new();
	if (!r->catalog)
		return tb_seterr(err, errlen, "out of memory");
	if (!o->resume && !o->budget_from && !o->shard_count && !uses_exec(r)) {
		atomic_store(&r->items_pending, 1);
		return TB_OK;
	}
	if (run_record_items(r->st, r->suites, r->n_suites, r->catalog, err, errlen) != TB_OK)
		return TB_ERR;
	grading_catalog_seal(r->catalog);
	return TB_OK;
}

static int setup_grading(run_ctx *r, char *err, size_t errlen)
{
	/* each answer's thinking is measured with its grade, not in a pass after */
	grading_config gc = {.max_answers = (size_t)r->o->grade_queue, .measure = 1, .verdict = on_verdict,
			     .verdict_ud = r};

	snprintf(r->store_path, sizeof(r->store_path), "%s/store.sqlite", r->run_dir);
	gc.catalog = r->catalog;
	gc.store_path = r->store_path;
	/* Back-pressure: at the bound no request starts; below three quarters
	 * of it they start again. */
	r->high_water = r->o->grade_queue;
	r->low_water = r->o->grade_queue * 3 / 4;
	if (grading_new(&gc, &r->grading, err, errlen) != TB_OK)
		return TB_ERR;
	/* the sandboxes start now, before the first request, not among them */
	if (grading_catalog_uses(r->catalog, "exec") && grading_warm(r->grading) != TB_OK)
		return tb_seterr(err, errlen, "out of memory");
	return TB_OK;
}

/* --resume: what is stored is not asked again; what is stored ungraded is
 * graded now, with no request. */
static int remember_stored(void *ud, const tb_sample *s)
{
	run_ctx *r = ud;
	char key[4096];

	shard_key(key, sizeof(key), s->suite, s->item_id, s->model, s->mode, s->budget, s->sample);
	if (json_object_set_new(r->stored, key, json_true()) != 0)
		return TB_NOMEM;
	if (!tb_sample_awaits_grade(s))
		return TB_OK;
	r->awaiting++;
	/* the answer is read from the store when its grade starts */
	return grading_offer(r->grading, &(tb_sample){.suite = s->suite, .item_id = s->item_id,
						     .model = s->model, .mode = s->mode,
						     .budget = s->budget, .sample = s->sample},
			     NULL);
}

/* A resumed run has spent what its stored samples cost. */
static int add_spent(void *ud, const tb_sample *s)
{
	spend_end(ud, 0, 0, s->cost_usd,
		  s->prompt_tokens >= 0 && s->completion_tokens >= 0 ? s->prompt_tokens + s->completion_tokens : -1);
	return 0;
}

/* "--max-cost 0.5" or "--max-tokens-total 100000" for the capped line; ""
 * for a cap not set. Static storage, one per which. */
static const char *cap_text(const tb_run_opts *o, int which)
{
	static char text[2][64];

	text[which][0] = '\0';
	if (which == 0 && o->max_cost > 0)
		snprintf(text[0], sizeof(text[0]), "--max-cost %g", o->max_cost);
	if (which == 1 && o->max_tokens_total > 0)
		snprintf(text[1], sizeof(text[1]), "%s--max-tokens-total %ld", o->max_cost > 0 ? " " : "",
			 o->max_tokens_total);
	return text[which];
}

/* The status a run ends in when nothing failed: done once every planned
 * sample is stored and graded, whatever signal came. */
enum run_end { END_DONE, END_INTERRUPTED, END_CAPPED };
static const char *const end_names[] = {"done", "interrupted", "capped"};

static enum run_end end_status(run_ctx *r)
{
	long stored, waiting;

	/* Done whatever the store holds: counting it (a scan of every answer)
	 * decides only a stopped or capped run. */
	if (!stop_requested && !r->capped)
		return END_DONE;
	stored = store_count_samples(r->st);
	waiting = store_count_awaiting(r->st);
	if (stored >= r->planned && waiting == 0)
		return END_DONE;
	return stop_requested ? END_INTERRUPTED : END_CAPPED;
}

static void raise_fd_limit(void)
{
	struct rlimit rl;

	/* Thousands of requests in flight need thousands of sockets. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* --resume takes the run's own options: a flag it would ignore is refused,
 * not dropped. */
static int check_resume_flags(const char *const *given, size_t n_given)
{
	static const char *const allowed[] = {"resume", "jobs", "loops", "quiet", "no-summary",
					      "grade-queue", "exec-rate", "max-cost", "max-tokens-total", "cache"};

	for (size_t i = 0; i < n_given; i++) {
		size_t k = 0;

		while (k < sizeof(allowed) / sizeof(allowed[0]) && strcmp(given[i], allowed[k]) != 0)
			k++;
		if (k == sizeof(allowed) / sizeof(allowed[0]))
			return tb_error("--resume goes on with the run's own options: --%s cannot change "
					"them (allowed: -j, --loops, --grade-queue, --exec-rate, --cache, --quiet, "
					"--no-summary, --max-cost, --max-tokens-total); "
					"start a new run instead", given[i]);
	}
	return TB_OK;
}

/* The models file is stored by absolute path, so --resume works from any
 * folder. */
/* --budget-from RUN: RUN's store, absolute; the run must sweep budgets in
 * think mode, or nothing could be reused. */
static int check_budget_from(tb_run_opts *o)
{
	char path[4200];
	struct stat sb;
	char *abs;
	int budgeted = 0;

	if (!o->budget_from)
		return TB_OK;
	for (size_t i = 0; i < o->n_budgets; i++)
		budgeted |= o->budgets[i] > 0;
	if (!budgeted || !(o->modes & TB_MODE_BIT(TB_MODE_THINK)))
		return tb_error("option '--budget-from' needs think mode and --budget with a budget above 0");
	if (stat(o->budget_from, &sb) != 0)
		return tb_error("option '--budget-from': no run at '%s': %s", o->budget_from, strerror(errno));
	snprintf(path, sizeof(path), S_ISDIR(sb.st_mode) ? "%s/store.sqlite" : "%s", o->budget_from);
	abs = realpath(path, NULL);
	if (!abs)
		return tb_error("option '--budget-from': no store at '%s': %s", path, strerror(errno));
	free(o->budget_from);
	o->budget_from = abs;
	return TB_OK;
}

/* reuse_wanted_fn: the plan asks for this sample. */
static int planned(void *ud, const tb_sample *s)
{
	const run_ctx *r = ud;
	int model = 0;

	if (s->sample >= r->o->samples || !(r->o->modes & TB_MODE_BIT(TB_MODE_THINK)))
		return 0;
	for (size_t i = 0; i < r->n_sel && !model; i++)
		model = strcmp(r->sel[i]->id, s->model) == 0 && (r->sel[i]->modes & TB_MODE_BIT(TB_MODE_THINK));
	for (size_t i = 0; model && i < r->n_suites; i++) {
		if (strcmp(r->suites[i]->name, s->suite) != 0)
			continue;
		for (size_t k = 0; k < r->suites[i]->n_items; k++)
			if (strcmp(r->suites[i]->items[k].id, s->item_id) == 0)
				return 1;
	}
	return 0;
}

static int reuse_budget_samples(run_ctx *r, char *err, size_t errlen)
{
	if (budgetreuse_copy(r->st, r->o->budget_from, r->o->budgets, r->o->n_budgets, planned, r, &r->reused, err,
			     errlen) != TB_OK)
		return TB_ERR;
	tb_note("--budget-from: %ld samples reused from %s (their reasoning ended under the budget); "
		"the rest are asked", r->reused, r->o->budget_from);
	return TB_OK;
}

static int absolute_models_file(tb_run_opts *o)
{
	char *abs;

	if (!o->models_file)
		return TB_OK;
	abs = realpath(o->models_file, NULL);
	if (!abs)
		return tb_error("models file '%s': %s", o->models_file, strerror(errno));
	free(o->models_file);
	o->models_file = abs;
	return TB_OK;
}

/* After the loops: a finished run grades all it stored; a stopped one
 * grades nothing more (what is stored ungraded waits for --resume) and gives
 * running grades a moment. Then every verdict is committed. */
static void finish_pipeline(run_ctx *r, int graded_all)
{
	char werr[512];
	int graded = 0;

	/* The loops have ended, the backlog has not: grade it, until a SIGINT
	 * says to leave it stored for --resume. */
	if (graded_all && writer_flush(r->writer, werr, sizeof(werr)) == TB_OK) {
		/* bounded: each pass reaps, and the workers finish what is queued */
		while (grading_backlog(r->grading) && !stop_requested) {
			struct pollfd p = {.fd = grading_fd(r->grading), .events = POLLIN};

			poll(&p, 1, 20);
			grading_reap(r->grading);
		}
		graded = !stop_requested;
	}
	if (stop_requested && !r->marked_interrupted && announce_stop(r, werr, sizeof(werr)) != TB_OK &&
	    !r->fatal[0])
		snprintf(r->fatal, sizeof(r->fatal), "%s", werr);
	/* a grade still running after the wait: its worker is left to the exit */
	if (!graded && grading_cancel(r->grading, 2000) != 0)
		r->grading = NULL;
	if (writer_finish(r->writer, NULL, werr, sizeof(werr)) != TB_OK && !r->fatal[0])
		snprintf(r->fatal, sizeof(r->fatal), "%s", werr);
	r->writer = NULL;
}

int cmd_run(int argc, char **argv)
{
	tb_run_opts o;
	run_ctx r = {.o = &o, .lock_fd = -1};
	sched_config sc;
	sched_lane *lanes = NULL;
	sched_stats stats;
	char err[1024] = "";
	const char *given[64];
	size_t n_given = 0;
	int want_help, rc = TB_EXIT_USAGE, src, fresh;
	struct sigaction sa = {.sa_handler = on_signal};

	/* A run may hold an API key: a crash must not put it on disk in a core. */
	setrlimit(RLIMIT_CORE, &(struct rlimit){0, 0});
	runopts_defaults(&o);
	if (parse_args(argc, argv, &o, &want_help, given, &n_given) != TB_OK)
		goto out;
	if (want_help) {
		tb_opts_help(stdout, usage_line,
			     "Asks every model every item of the suites, in each mode (and budget,\n"
			     "and sample), stores each answer as it arrives, grades it, and stores\n"
			     "the verdict, all in <out>/<run-id>/store.sqlite. Without\n"
			     "OPENROUTER_API_KEY (and without --models) the built-in simulator answers.\n"
			     "Exit codes: 0 done, 1 stopped on a fatal error, 2 bad usage or input,\n"
			     "3 finished with samples in error, or capped by --max-cost or --max-tokens-total,\n"
			     "130 interrupted (what arrived is stored;\n"
			     "--resume grades it and asks only for the rest).",
			     options);
		rc = TB_EXIT_OK;
		goto out;
	}
	tb_log_quiet(o.quiet);
	if (o.resume) {
		int jobs = (int)o.jobs, jobs_given = o.jobs_given, quiet = o.quiet, no_summary = o.no_summary;
		long loops = o.loops, grade_queue = o.grade_queue, exec_rate = o.exec_rate,
		     max_tokens_total = o.max_tokens_total;
		double max_cost = o.max_cost;

		if (check_resume_flags(given, n_given) != TB_OK)
			goto out;
		if (load_resume(&r, err, sizeof(err)) != TB_OK) {
			tb_error("%s", err);
			goto out;
		}
		/* the run's own -j unless -j is given */
		if (jobs_given)
			o.jobs = jobs;
		o.quiet = quiet;
		o.no_summary = no_summary;
		o.loops = loops;
		o.grade_queue = grade_queue;
		o.exec_rate = exec_rate;
		/* a cap given now replaces the stored one (a capped run goes on
		 * with a higher one) */
		if (max_cost > 0)
			o.max_cost = max_cost;
		if (max_tokens_total > 0)
			o.max_tokens_total = max_tokens_total;
	} else if (absolute_models_file(&o) != TB_OK || check_budget_from(&o) != TB_OK) {
		goto out;
	}
	if (json_array_size(o.suites) == 0)
		json_array_append_new(o.suites, json_string("suites"));
	if (load_suites(&r, err, sizeof(err)) != TB_OK || setup_models(&r, err, sizeof(err)) != TB_OK) {
		tb_error("%s", err);
		goto out;
	}
	apply_preset(&r);
	if (!o.cache_dir && getenv("THINKBENCH_CACHE") && *getenv("THINKBENCH_CACHE"))
		o.cache_dir = getenv("THINKBENCH_CACHE");
	/* a dry run writes nothing, not even a cache */
	if (!o.dry_run && o.cache_dir && cache_open(o.cache_dir, 1, &r.cache, err, sizeof(err)) != TB_OK) {
		tb_error("%s", err);
		goto out;
	}
	if (!o.dry_run && check_exec(&r, err, sizeof(err)) != TB_OK) {
		tb_error("%s", err);
		rc = TB_EXIT_FATAL;
		goto out;
	}
	if (plan_build(&r.plan, r.suites, r.n_suites, r.sel, r.n_sel, o.modes, o.budgets, o.n_budgets,
		       (int)o.samples, err, sizeof(err)) != TB_OK) {
		tb_error("%s", err);
		goto out;
	}
	if (o.dry_run) {
		rc = dry_run(&r) == TB_OK ? TB_EXIT_OK : TB_EXIT_FATAL;
		goto out;
	}
	if (make_templates(&r, err, sizeof(err)) != TB_OK ||
	    open_store(&r, argc, argv, err, sizeof(err)) != TB_OK ||
	    record_items(&r, err, sizeof(err)) != TB_OK ||
	    setup_shard(&r, err, sizeof(err)) != TB_OK ||
	    setup_grading(&r, err, sizeof(err)) != TB_OK) {
		tb_error("%s", err);
		rc = TB_EXIT_FATAL;
		goto out;
	}
	tb_note("run folder: %s", r.run_dir);
	raise_fd_limit();
	lanes = calloc(r.n_sel, sizeof(*lanes));
	if (!lanes) {
		tb_error("out of memory");
		rc = TB_EXIT_FATAL;
		goto out;
	}
	for (size_t i = 0; i < r.n_sel; i++)
		lanes[i] = (sched_lane){.max_in_flight = r.sel[i]->concurrency, .rate_per_s = r.sel[i]->rate_per_s};
	sched_config_defaults(&sc);
	r.max_text = sc.max_text;
	sc.max_in_flight = (int)o.jobs;
	sc.loops = o.loops ? (int)o.loops : auto_loops(o.jobs);
	sc.max_attempts = (int)o.retries;
	sc.insecure = o.insecure;
	sc.lanes = lanes;
	sc.n_lanes = r.n_sel;
	sc.stop = &stop_requested;
	sc.wake_fd = grading_fd(r.grading);
	if (r.sim) {
		/* The simulator answers in milliseconds: back off in milliseconds too. */
		sc.backoff_base_s = 0.05;
		sc.backoff_max_s = 1.0;
	}
	if (o.budget_from && !o.resume) {
		if (reuse_budget_samples(&r, err, sizeof(err)) != TB_OK) {
			tb_error("%s", err);
			rc = TB_EXIT_FATAL;
			goto out;
		}
	}
	if (o.resume || r.reused) {
		r.stored = json_object();
		if (!r.stored || store_each_sample_head(r.st, remember_stored, &r, err, sizeof(err)) != TB_OK) {
			tb_error("cannot read the stored samples: %s", err);
			rc = TB_EXIT_FATAL;
			goto out;
		}
		if (r.awaiting)
			tb_note("%ld stored answers are graded first, with no request", r.awaiting);
		if ((o.max_cost > 0 || o.max_tokens_total > 0) &&
		    store_each_sample_brief(r.st, add_spent, &r.spend, err, sizeof(err)) != TB_OK) {
			tb_error("cannot read what the run spent: %s", err);
			rc = TB_EXIT_FATAL;
			goto out;
		}
	}
	r.spend.cap_usd = o.max_cost;
	r.spend.cap_tokens = o.max_tokens_total;
	progress_init(&r.prog, r.planned - (long)json_object_size(r.stored), o.quiet);
	/* A resumed run's items are partly stored already, and some of its
	 * samples measured before their run ended: it takes the whole passes
	 * of pass@k and of the thinking's metrics at the end. */
	fresh = !o.resume && !r.reused;
	if ((fresh && passk_live_new(r.st, &r.passk, err, sizeof(err)) != TB_OK) ||
	    writer_start(r.st, r.passk ? after_write : NULL, r.passk, on_stored, &r, &r.writer, err,
			 sizeof(err)) != TB_OK) {
		tb_error("%s", err);
		rc = TB_EXIT_FATAL;
		goto out;
	}
	tb_buf_init(&r.dead_note, 1u << 16);
	stop_requested = 0;
	wake_fd = grading_fd(r.grading);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	r.exec_rate = o.exec_rate >= 0 ? (unsigned)o.exec_rate
				       : EXEC_RATE_PER_CORE * (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
	src = sched_run(&sc,
			&(sched_ops){.next = next_job, .prepare = job_prepare, .done = job_done,
				     .wake = reap_grades, .lane_dead = lane_dead},
			&r, &stats, err, sizeof(err));
	wake_fd = -1;
	queue_items(&r);
	finish_pipeline(&r, src == TB_OK && !stop_requested && !r.fatal[0]);
	progress_end(&r.prog);
	if (r.fatal[0] && src == TB_OK) {
		snprintf(err, sizeof(err), "%s", r.fatal);
		src = TB_ERR;
	}
	if (src != TB_OK) {
		char serr[512];

		tb_error("%s", err);
		store_set_status(r.st, "failed", serr, sizeof(serr));
		rc = TB_EXIT_FATAL;
	} else {
		char serr[512];
		enum run_end end = end_status(&r);
		const char *status = end_names[end];

		if (store_set_status(r.st, status, serr, sizeof(serr)) != TB_OK)
			tb_warn("%s", serr);
		if (end == END_INTERRUPTED) {
			tb_note("interrupted: %ld samples stored, %ld of them waiting for their grade; "
				"'thinkbench run --resume %s' goes on", store_count_samples(r.st),
				store_count_awaiting(r.st), r.run_dir);
			rc = TB_EXIT_INTERRUPTED;
		} else {
			if ((r.passk ? passk_live_finish(r.passk, serr, sizeof(serr))
				     : passk_update_store(r.st, serr, sizeof(serr))) != TB_OK)
				tb_warn("cannot compute pass@k: %s", serr);
			if (tracestore_update(r.st, r.catalog, fresh ? TRACESTORE_UNMEASURED : TRACESTORE_ALL, NULL,
					      serr, sizeof(serr)) != TB_OK)
				tb_warn("cannot measure the samples' thinking: %s", serr);
			print_summary(&r);
			fputs(tb_buf_str(&r.dead_note), stdout);
			if (r.cache)
				printf("%ld answers from the cache (%s), %ld asked\n", r.from_cache,
				       o.cache_dir, stats.started);
			rc = r.errors ? TB_EXIT_SAMPLE_ERRORS : TB_EXIT_OK;
			if (end == END_CAPPED) {
				tb_note("capped: spent $%.4f and %ld tokens (caps: %s%s); %ld of %ld samples "
					"stored; 'thinkbench run --resume %s' with a higher cap goes on",
					r.spend.spent_usd, r.spend.spent_tokens, cap_text(&o, 0),
					cap_text(&o, 1), store_count_samples(r.st), r.planned,
					r.run_dir);
				rc = TB_EXIT_SAMPLE_ERRORS;
			}
		}
	}
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	printf("run folder: %s\n", r.run_dir);
out:
	free(lanes);
	writer_finish(r.writer, NULL, err, sizeof(err));
	grading_free(r.grading);
	grading_catalog_free(r.catalog);
	passk_live_free(r.passk);
	json_decref(r.stored);
	tb_buf_release(&r.dead_note);
	if (r.sim)
		sim_stop(r.sim);
	cache_close(r.cache);
	if (r.st)
		store_close(r.st);
	for (size_t i = 0; r.tmpl && i < r.plan.n_cells; i++)
		dialect_tmpl_free(r.tmpl[i]);
	free(r.tmpl);
	if (r.has_held)
		plan_pos_release(&r.held);
	plan_release(&r.plan);
	for (size_t i = 0; i < r.n_sel; i++)
		curl_slist_free_all(r.headers[i]);
	free(r.headers);
	free(r.urls);
	free(r.sel);
	models_release(&r.models);
	for (size_t i = 0; i < r.n_suites; i++)
		suite_free(r.suites[i]);
	free(r.suites);
	runopts_release(&o);
	if (r.lock_fd >= 0)
		close(r.lock_fd);
	return rc;
}
