/* The options of a run, read-only once parsed (HACKING.md, rule 4). They
 * are stored with the run as JSON, so --resume goes on with the same ones. */
#ifndef TB_RUNOPTS_H
#define TB_RUNOPTS_H

#include <jansson.h>
#include <stddef.h>

#define TB_MAX_BUDGETS 32

typedef struct tb_run_opts {
	json_t *suites;          /* array of paths */
	json_t *models;          /* array of ids; empty: the default set */
	char *models_file;
	unsigned modes;          /* TB_MODE_BIT()s */
	long budgets[TB_MAX_BUDGETS];
	size_t n_budgets;
	long samples, jobs, limit, seed, retries;
	int jobs_given;
	int samples_given;       /* --samples was given (a preset's count yields to it) */
	char *preset;            /* preset.h name; NULL: none */
	char *budget_from;       /* --budget-from: the unbudgeted run's store (absolute); NULL: none */
	long grade_queue;        /* answers waiting for grades before no request starts;
	                            not stored: a resumed run may choose its own */
	long loops;              /* transfer threads; 0: automatic. Not stored: a run
	                            resumed on another machine picks its own */
	long exec_rate;          /* code answers run a second at most while requests are
	                            in flight; -1: 2 per core; 0: no cap. Not stored:
	                            it changes no answer */
	int stream, quiet, force_sim, insecure, no_summary, unsafe_exec;
	int dry_run;             /* print the plan and its estimate; not stored */
	double max_cost;         /* USD; 0: no cap. Stored; --resume may raise it */
	long max_tokens_total;   /* 0: no cap. Stored; --resume may raise it */
	double timeout_s, stall_s; /* 0: the model's */
	double sim_time_scale;
	int shard_index, shard_count; /* --shard I/N; count 0: not a shard */
	char *out_dir, *resume, *run_id;
	const char *cache_dir;   /* --cache or THINKBENCH_CACHE, borrowed; NULL: no
	                            cache. Not stored: it changes no answer */
} tb_run_opts;

void runopts_defaults(tb_run_opts *o);
void runopts_release(tb_run_opts *o);
/* "think", "nothink" or "both". */
int runopts_parse_modes(const char *s, unsigned *modes);
/* "1024,4096": prints one clear line on error. */
int runopts_parse_budgets(const char *s, tb_run_opts *o);
/* A new JSON object; the caller owns it. */
json_t *runopts_to_json(const tb_run_opts *o, int simulated);
/* Fills the options that define a run from a stored object. */
int runopts_from_json(tb_run_opts *o, const json_t *j, char *err, size_t errlen);

#endif
