#include "compare.h"

#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "log.h"
#include "rc.h"
#include "runopts.h"
#include "stats.h"
#include "text.h"

#define Z95 STATS_Z95
#define TEXT_NAME 17           /* the cell column: the table fits 100 columns */
#define MD_FLIPS 20
#define TEXT_FLIPS 10
#define NAME_MAX_BYTES 4096       /* one cleaned name */
#define SIMULATED_TEXT "answers come from thinkbench's built-in simulator, not a model"

const char compare_rule_text[] =
	"Each cell is tested one-sided for a regression beyond a tolerance: accuracy dropping more than "
	"--max-drop points (default 0; exact test, McNemar's at 0; a sign-flip test on per-item accuracy "
	"when items have several samples), and, when given and the runs are "
	"comparable (same endpoint, -j and streaming), mean latency or cost rising more than "
	"--max-latency-increase or --max-cost-increase percent (paired bootstrap p-value). All the "
	"p-values form one family adjusted by --correction (Holm by default); a cell regressed when "
	"an adjusted p is at most --alpha, so an unchanged candidate fails with chance at most alpha.";

void compare_opts_defaults(compare_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->alpha = 0.05;
	o->correction = PAIRSTATS_HOLM;
	o->max_drop_pp = 0;
	o->max_latency_pct = NAN;
	o->max_cost_pct = NAN;
	o->boot_b = PAIRSTATS_BOOT_B;
	o->seed = 20250101;
}

/* ---- pairing ---- */

typedef struct rec {
	const char *suite, *item, *model, *mode;  /* interned */
	long budget;
	int sample;
	unsigned char outcome;
	size_t cell;
	double total_ms, cost;
} rec;

/* A sum of one item's values in one run. */
typedef struct item_sum {
	double s;
	long k;
} item_sum;

typedef struct cell_acc {
	stats_vec acc_x, acc_y;    /* per-item accuracy over graded samples */
	stats_vec lat_x, lat_y, cost_x, cost_y; /* per-item means */
	const char *item;          /* interned: the item being summed, NULL: none */
	size_t base_first;         /* its first base record */
	item_sum right, lat, cost; /* its candidate samples so far (right: over graded) */
	int multi;                 /* an item had more than one graded sample in a run */
	tb_buf lost, won;          /* NUL-separated labels */
} cell_acc;

typedef struct ctx {
	const compare_opts *o;
	json_t *strings;           /* interned strings: key -> same string */
	json_t *cell_index;        /* cell key -> index */
	rec *recs;
	size_t n, cap;
	int sorted;
	compare_cell *cells;
	cell_acc *acc;
	size_t n_cells, cap_cells;
	compare_result *r;
	char *err;
	size_t errlen;
} ctx;

static const char *intern(ctx *x, const char *s)
{
	json_t *v = json_object_get(x->strings, s);

	/* nocheck: a store may hold any bytes; they are cleaned on output */
	if (!v) {
		v = json_string_nocheck(s);
		if (!v || json_object_set_new_nocheck(x->strings, s, v) != 0)
			return NULL;
	}
	return json_string_value(v);
}

static int rec_cmp_key(const rec *a, const char *suite, const char *item, const char *model,
		       const char *mode, long budget, int sample)
{
	int c = strcmp(a->suite, suite);

	if (!c)
		c = strcmp(a->item, item);
	if (!c)
		c = strcmp(a->model, model);
	if (!c)
		c = strcmp(a->mode, mode);
	if (!c)
		c = (a->budget > budget) - (a->budget < budget);
	if (!c)
		c = (a->sample > sample) - (a->sample < sample);
	return c;
}

static int rec_cmp(const void *pa, const void *pb)
{
	const rec *b = pb;

	return rec_cmp_key(pa, b->suite, b->item, b->model, b->mode, b->budget, b->sample);
}

/* The model a sample is compared as, or NULL when it is not compared. */
static const char *compared_model(const compare_opts *o, const char *model, int is_cand)
{
	if (o->n_pairs == 0)
		return model;
	for (size_t i = 0; i < o->n_pairs; i++) {
		if (strcmp(is_cand ? o->pair_cand[i] : o->pair_base[i], model) == 0)
			return o->pair_base[i];
	}
	return NULL;
}

static const char *cand_model_for(const compare_opts *o, const char *base_model)
{
	for (size_t i = 0; i < o->n_pairs; i++) {
		if (strcmp(o->pair_base[i], base_model) == 0)
			return o->pair_cand[i];
	}
	return base_model;
}

/* The index of a cell, created when new; (size_t)-1 on failure. */
static size_t find_cell(ctx *x, const char *suite, const char *model, const char *mode, long budget)
{
	char key[1024];
	json_t *v;
	compare_cell *c;
	size_t i;
	int n = snprintf(key, sizeof(key), "%s\x1f%s\x1f%s\x1f%ld", suite, model, mode, budget);

	if (n < 0 || (size_t)n >= sizeof(key)) {
		tb_seterr(x->err, x->errlen, "suite, model or mode name too long in a sample");
		return (size_t)-1;
	}
	v = json_object_get(x->cell_index, key);
	if (v)
		return (size_t)json_integer_value(v);
	if (x->n_cells == x->cap_cells) {
		size_t cap = x->cap_cells ? x->cap_cells * 2 : 16;
		compare_cell *nc;
		cell_acc *na;

		if (cap > 1000000) {
			tb_seterr(x->err, x->errlen, "more than a million cells");
			return (size_t)-1;
		}
		nc = realloc(x->cells, cap * sizeof(*nc));
		if (!nc)
			goto nomem;
		x->cells = nc;
		na = realloc(x->acc, cap * sizeof(*na));
		if (!na)
			goto nomem;
		x->acc = na;
		x->cap_cells = cap;
	}
	i = x->n_cells;
	c = &x->cells[i];
	memset(c, 0, sizeof(*c));
	memset(&x->acc[i], 0, sizeof(x->acc[i]));
	x->n_cells++;
	c->suite = strdup(suite);
	c->model = strdup(model);
	c->cand_model = strdup(cand_model_for(x->o, model));
	c->mode = strdup(mode);
	c->budget = budget;
	stats_vec_init(&x->acc[i].acc_x, COMPARE_MAX_SAMPLES);
	stats_vec_init(&x->acc[i].acc_y, COMPARE_MAX_SAMPLES);
	stats_vec_init(&x->acc[i].lat_x, COMPARE_MAX_SAMPLES);
	stats_vec_init(&x->acc[i].lat_y, COMPARE_MAX_SAMPLES);
	stats_vec_init(&x->acc[i].cost_x, COMPARE_MAX_SAMPLES);
	stats_vec_init(&x->acc[i].cost_y, COMPARE_MAX_SAMPLES);
	tb_buf_init(&x->acc[i].lost, 1u << 20);
	tb_buf_init(&x->acc[i].won, 1u << 20);
	if (!c->suite || !c->model || !c->cand_model || !c->mode ||
	    json_object_set_new_nocheck(x->cell_index, key, json_integer((json_int_t)i)) != 0)
		goto nomem;
	return i;
nomem:
	tb_seterr(x->err, x->errlen, "out of memory");
	return (size_t)-1;
}

static int on_base(void *ud, const tb_sample *s)
{
	ctx *x = ud;
	const char *model = compared_model(x->o, s->model, 0);
	rec *r;

	if (!model)
		return 0;
	if (x->n == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 1024;
		rec *nr;

		if (x->n >= (size_t)COMPARE_MAX_SAMPLES)
			return tb_seterr(x->err, x->errlen, "the base run has more than %ld samples to compare",
					 COMPARE_MAX_SAMPLES);
		nr = realloc(x->recs, cap * sizeof(*nr));
		if (!nr)
			return tb_seterr(x->err, x->errlen, "out of memory");
		x->recs = nr;
		x->cap = cap;
	}
	r = &x->recs[x->n];
	r->suite = intern(x, s->suite);
	r->item = intern(x, s->item_id);
	r->model = intern(x, model);
	r->mode = intern(x, s->mode);
	if (!r->suite || !r->item || !r->model || !r->mode)
		return tb_seterr(x->err, x->errlen, "out of memory");
	r->budget = s->budget;
	r->sample = s->sample;
	r->outcome = (unsigned char)s->outcome;
	r->total_ms = s->outcome == TB_OUT_ERROR ? NAN : s->total_ms;
	r->cost = s->cost_usd;
	r->cell = find_cell(x, r->suite, r->model, r->mode, r->budget);
	if (r->cell == (size_t)-1)
		return TB_ERR;
	x->cells[r->cell].n_base++;
	if (x->n > 0 && x->sorted && rec_cmp(&x->recs[x->n - 1], r) > 0)
		x->sorted = 0;
	x->n++;
	return 0;
}

static int add_flip(tb_buf *b, size_t *kept, const char *item)
{
	int rc;

	if (*kept >= COMPARE_MAX_FLIPS)
		return TB_OK;
	rc = tb_buf_adds(b, item);
	if (rc == TB_OK)
		rc = tb_buf_add(b, "", 1);
	/* past the buffer's ceiling the list just stops: the counts stay exact */
	if (rc == TB_NOMEM)
		return TB_NOMEM;
	if (rc == TB_OK)
		(*kept)++;
	return TB_OK;
}

static void item_add(item_sum *m, double v)
{
	m->s += v;
	m->k++;
}

static int push_means(stats_vec *vx, stats_vec *vy, const item_sum *bx, const item_sum *cy)
{
	if (bx->k == 0 || cy->k == 0)
		return TB_OK;
	if (stats_vec_push(vx, bx->s / (double)bx->k) != TB_OK || stats_vec_push(vy, cy->s / (double)cy->k) != TB_OK)
		return TB_NOMEM;
	return TB_OK;
}

/* Pairs the finished item of cell ci: its base samples (the records from
 * base_first on, contiguous as the records are in key order) against the
 * candidate's summed while the walk went through them. The item's accuracy
 * in each run is the mean over its graded samples; latency and cost the
 * means over the samples where they are known. */
static int flush_item(ctx *x, size_t ci)
{
	cell_acc *a = &x->acc[ci];
	compare_cell *c = &x->cells[ci];
	item_sum right = {0, 0}, lat = {0, 0}, cost = {0, 0};
	int rc = TB_OK;

	if (!a->item)
		return TB_OK;
	for (size_t i = a->base_first; i < x->n && x->recs[i].item == a->item && x->recs[i].cell == ci; i++) {
		const rec *r = &x->recs[i];

		if (tb_outcome_is_graded((tb_outcome)r->outcome))
			item_add(&right, r->outcome == TB_OUT_CORRECT);
		if (isfinite(r->total_ms))
			item_add(&lat, r->total_ms);
		if (isfinite(r->cost))
			item_add(&cost, r->cost);
	}
	if (right.k > 0 && a->right.k > 0) {
		double bx = right.s / (double)right.k, cy = a->right.s / (double)a->right.k;

		a->multi |= right.k > 1 || a->right.k > 1;
		if (cy < bx) {
			c->n12++;
			rc = add_flip(&a->lost, &c->n_lost_kept, a->item);
		} else if (cy > bx) {
			c->n21++;
			rc = add_flip(&a->won, &c->n_won_kept, a->item);
		} else if (bx > 0) {
			c->n11++;
		} else {
			c->n22++;
		}
		if (rc == TB_OK)
			rc = push_means(&a->acc_x, &a->acc_y, &right, &a->right);
	}
	if (rc == TB_OK)
		rc = push_means(&a->lat_x, &a->lat_y, &lat, &a->lat);
	if (rc == TB_OK)
		rc = push_means(&a->cost_x, &a->cost_y, &cost, &a->cost);
	a->item = NULL;
	memset(&a->right, 0, sizeof(a->right));
	memset(&a->lat, 0, sizeof(a->lat));
	memset(&a->cost, 0, sizeof(a->cost));
	return rc;
}

/* A candidate sample pairs with the base's samples of its item in its cell:
 * every sample of the item in one run against every sample in the other,
 * whatever their sample numbers. */
static int on_cand(void *ud, const tb_sample *s)
{
	ctx *x = ud;
	const char *model = compared_model(x->o, s->model, 1);
	compare_cell *c;
	cell_acc *a;
	size_t lo = 0, hi = x->n, ci;
	const rec *r;

	if (!model)
		return 0;
	x->r->cand.samples++;
	/* the item's first base record: the least key at or after sample
	 * INT_MIN; bounded, the interval halves each pass */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (rec_cmp_key(&x->recs[mid], s->suite, s->item_id, model, s->mode, s->budget, INT_MIN) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	r = lo < x->n ? &x->recs[lo] : NULL;
	if (!r || rec_cmp_key(r, s->suite, s->item_id, model, s->mode, s->budget, r->sample) != 0) {
		ci = find_cell(x, s->suite, model, s->mode, s->budget);
		if (ci == (size_t)-1)
			return TB_ERR;
		x->cells[ci].n_cand++;
		return 0;
	}
	ci = r->cell;
	c = &x->cells[ci];
	a = &x->acc[ci];
	c->n_cand++;
	c->n_paired++;
	x->r->paired++;
	if (a->item != r->item) {
		if (flush_item(x, ci) != TB_OK)
			return tb_seterr(x->err, x->errlen, "out of memory");
		a->item = r->item;
		a->base_first = lo;
	}
	if (tb_outcome_is_graded(s->outcome))
		item_add(&a->right, s->outcome == TB_OUT_CORRECT);
	if (s->outcome != TB_OUT_ERROR && isfinite(s->total_ms))
		item_add(&a->lat, s->total_ms);
	if (isfinite(s->cost_usd))
		item_add(&a->cost, s->cost_usd);
	return 0;
}

/* Splits a NUL-separated list into an owned array of count strings. */
static char **split_labels(const tb_buf *b, size_t count)
{
	char **v = calloc(count ? count : 1, sizeof(*v));
	const char *p = b->data;

	if (!v)
		return NULL;
	for (size_t i = 0; i < count; i++) {
		v[i] = strdup(p);
		if (!v[i]) {
			for (size_t j = 0; j < i; j++)
				free(v[j]);
			free(v);
			return NULL;
		}
		p += strlen(p) + 1;
	}
	return v;
}

static uint64_t fnv1a(uint64_t h, const char *s)
{
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* The cell's own numbers and raw p-values; gate_latency says whether
 * latency and cost are tested. */
static int evaluate(ctx *x, size_t ci, int gate_latency, char *err, size_t errlen)
{
	const compare_opts *o = x->o;
	compare_cell *c = &x->cells[ci];
	cell_acc *a = &x->acc[ci];
	long n;
	uint64_t seed = o->seed ^ 0xcbf29ce484222325ULL;
	double lat_null = gate_latency && isfinite(o->max_latency_pct) ? o->max_latency_pct : NAN;
	double cost_null = gate_latency && isfinite(o->max_cost_pct) ? o->max_cost_pct : NAN;
	char budget[32];

	c->acc_base = c->acc_cand = c->diff = c->diff_lo = c->diff_hi = c->p_value = NAN;
	c->p_adj = c->latency_p_adj = c->cost_p_adj = NAN;
	if (flush_item(x, ci) != TB_OK)
		return tb_seterr(err, errlen, "out of memory");
	n = c->n11 + c->n12 + c->n21 + c->n22;
	/* the seed depends on the cell, not on its place in the list */
	snprintf(budget, sizeof(budget), "%ld", c->budget);
	seed = fnv1a(fnv1a(fnv1a(fnv1a(seed, c->suite), c->model), c->mode), budget);
	if (n > 0 && !a->multi) {
		/* one sample per item in each run: the exact test on the 2x2 table */
		c->p_value = pairstats_drop_test(n, c->n12, c->n21, o->max_drop_pp / 100);
		c->acc_base = (double)(c->n11 + c->n12) / (double)n;
		c->acc_cand = (double)(c->n11 + c->n21) / (double)n;
		pairstats_paired_diff(c->n11, c->n12, c->n21, c->n22, Z95, &c->diff, &c->diff_lo, &c->diff_hi);
	} else if (n > 0) {
		stats_paired d = {0, 0, 0};

		c->p_value = pairstats_signflip_drop(a->acc_x.v, a->acc_y.v, a->acc_x.n, o->max_drop_pp / 100,
						     PAIRSTATS_SIGNFLIP_B, seed ^ 2);
		for (size_t i = 0; i < a->acc_x.n; i++)
			stats_paired_add(&d, a->acc_y.v[i] - a->acc_x.v[i]);
		c->acc_base = stats_mean(a->acc_x.v, a->acc_x.n);
		c->acc_cand = stats_mean(a->acc_y.v, a->acc_y.n);
		stats_paired_ci(&d, &c->diff, &c->diff_lo, &c->diff_hi);
	}
	if (n > 0 && isnan(c->p_value))
		return tb_seterr(err, errlen, "out of memory");
	if (pairstats_boot(a->lat_x.v, a->lat_y.v, a->lat_x.n, o->boot_b, seed, 0.95, lat_null, &c->latency) != TB_OK ||
	    pairstats_boot(a->cost_x.v, a->cost_y.v, a->cost_x.n, o->boot_b, seed ^ 1, 0.95, cost_null, &c->cost) != TB_OK)
		return tb_seterr(err, errlen, "cannot bootstrap cell '%s %s %s': out of memory or bad settings",
				 c->suite, c->model, c->mode);
	c->lost = split_labels(&a->lost, c->n_lost_kept);
	c->won = split_labels(&a->won, c->n_won_kept);
	if (!c->lost || !c->won)
		return tb_seterr(err, errlen, "out of memory");
	return TB_OK;
}

/* The family: every raw p-value of every cell, adjusted together; then the
 * verdicts. */
static int judge(compare_result *r, char *err, size_t errlen)
{
	size_t m = 0, k = 0;
	double *p = malloc((3 * r->n + 1) * sizeof(*p)), *adj = malloc((3 * r->n + 1) * sizeof(*adj));
	int rc = TB_OK;

	if (!p || !adj) {
		rc = tb_seterr(err, errlen, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < r->n; i++) {
		const compare_cell *c = &r->cells[i];

		if (!isnan(c->p_value))
			p[m++] = c->p_value;
		if (!isnan(c->latency.p))
			p[m++] = c->latency.p;
		if (!isnan(c->cost.p))
			p[m++] = c->cost.p;
	}
	if (pairstats_adjust(p, m, r->opts.correction, adj) != TB_OK) {
		rc = tb_seterr(err, errlen, "cannot adjust the p-values: out of memory or an unknown correction");
		goto out;
	}
	r->n_tests = m;
	for (size_t i = 0; i < r->n; i++) {
		compare_cell *c = &r->cells[i];

		if (!isnan(c->p_value) && (c->p_adj = adj[k++]) <= r->opts.alpha)
			c->regressed |= COMPARE_REG_ACCURACY;
		if (!isnan(c->latency.p) && (c->latency_p_adj = adj[k++]) <= r->opts.alpha)
			c->regressed |= COMPARE_REG_LATENCY;
		if (!isnan(c->cost.p) && (c->cost_p_adj = adj[k++]) <= r->opts.alpha)
			c->regressed |= COMPARE_REG_COST;
		if (c->regressed)
			r->n_regressed++;
	}
out:
	free(p);
	free(adj);
	return rc;
}

static int cell_cmp(const void *pa, const void *pb)
{
	const compare_cell *a = pa, *b = pb;
	int c = strcmp(a->suite, b->suite);

	if (!c)
		c = strcmp(a->model, b->model);
	if (!c)
		c = strcmp(a->mode, b->mode);
	if (!c)
		c = (a->budget > b->budget) - (a->budget < b->budget);
	return c;
}

static void cell_release(compare_cell *c)
{
	free(c->suite);
	free(c->model);
	free(c->cand_model);
	free(c->mode);
	for (size_t i = 0; c->lost && i < c->n_lost_kept; i++)
		free(c->lost[i]);
	for (size_t i = 0; c->won && i < c->n_won_kept; i++)
		free(c->won[i]);
	free(c->lost);
	free(c->won);
}

static void acc_release(cell_acc *a)
{
	stats_vec_release(&a->lat_x);
	stats_vec_release(&a->lat_y);
	stats_vec_release(&a->acc_x);
	stats_vec_release(&a->acc_y);
	stats_vec_release(&a->cost_x);
	stats_vec_release(&a->cost_y);
	tb_buf_release(&a->lost);
	tb_buf_release(&a->won);
}

/* -j from the stored options when they keep it, else from the command
 * line (-j N, -jN, --jobs N, --jobs=N; the last one counts), else the
 * default; -1 when the value given is unreadable. */
static long run_jobs(const tb_run_info *info)
{
	json_t *v = json_object_get(info->options, "jobs");
	tb_run_opts defaults;
	long jobs;
	size_t i, n = json_array_size(info->cmdline);

	if (json_is_integer(v))
		return (long)json_integer_value(v);
	runopts_defaults(&defaults);
	jobs = defaults.jobs;
	runopts_release(&defaults);
	for (i = 1; i < n; i++) {
		const char *a = json_string_value(json_array_get(info->cmdline, i)), *val = NULL;
		char *end;
		long j;

		if (!a || strcmp(a, "--") == 0)
			break;
		if ((strcmp(a, "-j") == 0 || strcmp(a, "--jobs") == 0) && i + 1 < n)
			val = json_string_value(json_array_get(info->cmdline, ++i));
		else if (strncmp(a, "--jobs=", 7) == 0)
			val = a + 7;
		else if (strncmp(a, "-j", 2) == 0 && a[2])
			val = a + 2;
		if (!val)
			continue;
		j = strtol(val, &end, 10);
		jobs = end != val && !*end && j > 0 ? j : -1;
	}
	return jobs;
}

static int side_info(tb_store *st, compare_side *side, char *err, size_t errlen)
{
	tb_run_info info;
	json_t *stream, *scale;

	if (store_get_run(st, &info, err, errlen) != TB_OK)
		return TB_ERR;
	snprintf(side->run_id, sizeof(side->run_id), "%s", info.run_id);
	side->simulated = info.simulated;
	scale = json_object_get(info.options, "sim_time_scale");
	if (info.simulated)
		snprintf(side->endpoint, sizeof(side->endpoint), "simulator, time scale %g",
			 json_is_number(scale) ? json_number_value(scale) : 1.0);
	else
		snprintf(side->endpoint, sizeof(side->endpoint), "models file %.12s", info.models_hash);
	stream = json_object_get(info.options, "stream");
	side->stream = stream ? json_is_true(stream) : 1;
	side->jobs = run_jobs(&info);
	store_run_info_release(&info);
	return TB_OK;
}

/* Why latency and cost of the two runs cannot be compared; "" when they can. */
static void comparable(compare_result *r)
{
	const compare_side *a = &r->base, *b = &r->cand;
	char *p = r->not_comparable;
	size_t n = sizeof(r->not_comparable), used = 0;

	p[0] = '\0';
	if (strcmp(a->endpoint, b->endpoint) != 0)
		used += (size_t)snprintf(p + used, n - used, "%s vs %s", a->endpoint, b->endpoint);
	if ((a->jobs != b->jobs || a->jobs < 0) && used < n)
		used += (size_t)snprintf(p + used, n - used, "%s-j %ld vs -j %ld", used ? "; " : "", a->jobs, b->jobs);
	if (a->stream != b->stream && used < n)
		snprintf(p + used, n - used, "%s%s vs %s", used ? "; " : "", a->stream ? "streamed" : "not streamed",
			 b->stream ? "streamed" : "not streamed");
}

int compare_runs(tb_store *base, tb_store *cand, const compare_opts *o, compare_result **out,
		 char *err, size_t errlen)
{
	ctx x;
	compare_result *r = calloc(1, sizeof(*r));
	int rc = TB_ERR;

	*out = NULL;
	memset(&x, 0, sizeof(x));
	x.o = o;
	x.sorted = 1;
	x.err = err;
	x.errlen = errlen;
	x.r = r;
	x.strings = json_object();
	x.cell_index = json_object();
	if (!r || !x.strings || !x.cell_index) {
		rc = tb_seterr(err, errlen, "out of memory");
		goto out;
	}
	r->opts = *o;
	if (side_info(base, &r->base, err, errlen) != TB_OK || side_info(cand, &r->cand, err, errlen) != TB_OK)
		goto out;
	comparable(r);
	if (store_each_sample(base, on_base, &x, err, errlen) != TB_OK)
		goto out;
	r->base.samples = (long)x.n;
	if (!x.sorted)
		qsort(x.recs, x.n, sizeof(*x.recs), rec_cmp);
	if (store_each_sample(cand, on_cand, &x, err, errlen) != TB_OK)
		goto out;
	for (size_t i = 0; i < x.n_cells; i++) {
		if (evaluate(&x, i, r->not_comparable[0] == '\0', err, errlen) != TB_OK)
			goto out;
	}
	if (x.n_cells > 1)
		qsort(x.cells, x.n_cells, sizeof(*x.cells), cell_cmp);
	r->cells = x.cells;
	r->n = x.n_cells;
	x.cells = NULL;
	if (judge(r, err, errlen) != TB_OK)
		goto out;
	*out = r;
	r = NULL;
	rc = TB_OK;
out:
	for (size_t i = 0; i < x.n_cells; i++) {
		if (x.cells)
			cell_release(&x.cells[i]);
		acc_release(&x.acc[i]);
	}
	free(x.cells);
	free(x.acc);
	free(x.recs);
	json_decref(x.strings);
	json_decref(x.cell_index);
	compare_free(r);
	return rc;
}

void compare_free(compare_result *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++)
		cell_release(&r->cells[i]);
	free(r->cells);
	free(r);
}

/* ---- shared by the writers ---- */

/* Copies s with invalid UTF-8 and control characters replaced by '?'. */
static void clean(const char *s, tb_buf *b)
{
	const char *p = s;

	tb_buf_reset(b);
	while (*p) {
		uint32_t cp;
		size_t len = tb_text_utf8_seq(p, TB_TEXT_UTF8_MAX, &cp);

		if (len == 0 || cp < 0x20 || cp == 0x7f) {
			tb_buf_add(b, "?", 1);
			p++;
		} else {
			tb_buf_add(b, p, len);
			p += len;
		}
	}
	tb_buf_add(b, "", 0);
}

static const char *simulated_who(const compare_result *r)
{
	if (r->base.simulated && r->cand.simulated)
		return "base and candidate";
	if (r->base.simulated)
		return "the base run's";
	if (r->cand.simulated)
		return "the candidate run's";
	return NULL;
}

static const char *const correction_names[] = {"Holm", "Bonferroni", "none"};

/* "p = 0.0012, Holm-adjusted 0.012 <= 0.05; " for one rejected test. */
static void reason_p(tb_buf *b, const compare_opts *o, double p, double adj)
{
	if (o->correction == PAIRSTATS_NONE)
		tb_buf_addf(b, "p = %.2g <= %g; ", p, o->alpha);
	else
		tb_buf_addf(b, "p = %.2g, %s-adjusted %.2g <= %g; ", p, correction_names[o->correction], adj,
			    o->alpha);
}

static void reasons(const compare_cell *c, const compare_opts *o, tb_buf *b)
{
	tb_buf_reset(b);
	if (c->regressed & COMPARE_REG_ACCURACY) {
		tb_buf_addf(b, "accuracy %+.1f pp, a drop beyond %g pp: ", 100 * c->diff, o->max_drop_pp);
		reason_p(b, o, c->p_value, c->p_adj);
	}
	if (c->regressed & COMPARE_REG_LATENCY) {
		tb_buf_addf(b, "mean latency %+.1f%% (95%% CI %+.1f to %+.1f), a rise beyond %g%%: ", c->latency.pct,
			    c->latency.pct_lo, c->latency.pct_hi, o->max_latency_pct);
		reason_p(b, o, c->latency.p, c->latency_p_adj);
	}
	if (c->regressed & COMPARE_REG_COST) {
		tb_buf_addf(b, "mean cost %+.1f%% (95%% CI %+.1f to %+.1f), a rise beyond %g%%: ", c->cost.pct,
			    c->cost.pct_lo, c->cost.pct_hi, o->max_cost_pct);
		reason_p(b, o, c->cost.p, c->cost_p_adj);
	}
	if (b->len >= 2) {
		b->len -= 2;
		b->data[b->len] = '\0';
	}
}

static void fmt_p(char *out, size_t n, double p)
{
	if (!isfinite(p))
		snprintf(out, n, "-");
	else if (p < 0.0001)
		snprintf(out, n, "<1e-4");
	else
		snprintf(out, n, "%.4f", p);
}

static void fmt_pct(char *out, size_t n, double v)
{
	if (!isfinite(v))
		snprintf(out, n, "-");
	else if (fabs(v) >= 999.5)
		snprintf(out, n, "%+.0f%%", v);
	else
		snprintf(out, n, "%+.1f%%", v);
}

static void fmt_acc(char *out, size_t n, double v)
{
	if (!isfinite(v))
		snprintf(out, n, "-");
	else
		snprintf(out, n, "%.1f", 100 * v);
}

/* ---- text ---- */

/* Copies s into out (w + 1 bytes) cut to at most w bytes on a character
 * boundary, the cut marked with '~'. */
static void text_cut(const char *s, char *out, size_t w)
{
	size_t len = strlen(s);

	if (len <= w) {
		memcpy(out, s, len + 1);
		return;
	}
	len = w - 1;
	while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
		len--;
	memcpy(out, s, len);
	out[len] = '~';
	out[len + 1] = '\0';
}

/* The cell's name in at most w bytes: the model's vendor prefix goes first,
 * then the tail is cut and marked with '~'. */
static void text_name(const compare_cell *c, tb_buf *tmp, char *out, size_t w)
{
	char full[512];
	const char *model = c->model, *slash;

	for (int pass = 0; pass < 2; pass++) {
		tb_buf name;

		tb_buf_init(&name, NAME_MAX_BYTES);
		tb_buf_addf(&name, "%s %s", c->suite, model);
		if (strcmp(c->model, c->cand_model) != 0)
			tb_buf_addf(&name, ">%s", c->cand_model);
		tb_buf_addf(&name, " %s", c->mode);
		if (c->budget > 0)
			tb_buf_addf(&name, " @%ld", c->budget);
		clean(tb_buf_str(&name), tmp);
		tb_buf_release(&name);
		snprintf(full, sizeof(full), "%s", tb_buf_str(tmp));
		slash = strchr(c->model, '/');
		if (strlen(full) <= w || !slash)
			break;
		model = slash + 1;
	}
	text_cut(full, out, w);
}

static void pad(FILE *f, const char *s, size_t w, int right)
{
	size_t c = tb_text_columns(s);

	if (right)
		for (size_t i = c; i < w; i++)
			fputc(' ', f);
	fputs(s, f);
	if (!right)
		for (size_t i = c; i < w; i++)
			fputc(' ', f);
}

/* Writes s in lines of at most w columns, broken at spaces (a word longer
 * than w gets a line of its own), continuation lines indented by 2. */
static void text_wrapped(FILE *f, const char *s, size_t w)
{
	size_t col = 0;

	while (*s) {
		size_t len = strcspn(s, " "), cols;
		char word[512];

		if (len >= sizeof(word))
			len = sizeof(word) - 1;
		memcpy(word, s, len);
		word[len] = '\0';
		cols = tb_text_columns(word);
		if (col > 0 && col + 1 + cols > w) {
			fputs("\n ", f);
			col = 1;
		}
		col += (size_t)fprintf(f, "%s%s", col > 0 ? " " : "", word);
		s += len;
		s += strspn(s, " ");
	}
	fputc('\n', f);
}

static void text_row(FILE *f, const char *name, const char *const col[10])
{
	pad(f, name, TEXT_NAME, 0);
	fprintf(f, " %5s %5s %5s  %-18s %6s %6s %7s %7s %7s  %s\n", col[0], col[1], col[2], col[3], col[4],
		col[5], col[6], col[7], col[8], col[9]);
}

/* The family in one line: what the gate controls. */
static void family_line(const compare_result *r, tb_buf *b)
{
	tb_buf_reset(b);
	tb_buf_addf(b, "%zu test%s at alpha %g, ", r->n_tests, r->n_tests == 1 ? "" : "s", r->opts.alpha);
	if (r->opts.correction == PAIRSTATS_NONE)
		tb_buf_addf(b, "each on its own (--correction none): the chance of a false alarm grows with the count");
	else
		tb_buf_addf(b, "%s-adjusted: the chance of any false alarm is at most %g",
			    correction_names[r->opts.correction], r->opts.alpha);
	tb_buf_addf(b, "; tolerated drop %g pp", r->opts.max_drop_pp);
	if (r->not_comparable[0])
		tb_buf_addf(b, "; latency and cost not comparable: %s (not gated)", r->not_comparable);
}

int compare_write_text(const compare_result *r, FILE *f)
{
	static const char *const head[10] = {"pairs", "base%", "cand%", "diff pp (95% CI)", "p", "p adj",
					     "lost/won", "latency", "cost", "gate"};
	const char *who = simulated_who(r);
	tb_buf tmp, why;
	char name[TEXT_NAME * 4 + 8], fail_name[80], n[32], a[32], b[32], d[64], p[32], pa[32], fl[48], lat[32],
		cost[32];

	tb_buf_init(&tmp, NAME_MAX_BYTES);
	tb_buf_init(&why, 1u << 16);
	if (who)
		fprintf(f, "SIMULATED RUN: %s %s\n", who, SIMULATED_TEXT);
	clean(r->base.run_id, &tmp);
	fprintf(f, "compare base %s", tb_buf_str(&tmp));
	clean(r->cand.run_id, &tmp);
	fprintf(f, " -> candidate %s: %ld samples paired (base %ld, candidate %ld)\n", tb_buf_str(&tmp),
		r->paired, r->base.samples, r->cand.samples);
	if (r->n_regressed)
		fprintf(f, "%zu cell%s regressed\n", r->n_regressed, r->n_regressed == 1 ? "" : "s");
	else
		fputs("No regressions\n", f);
	family_line(r, &why);
	clean(tb_buf_str(&why), &tmp);
	text_wrapped(f, tb_buf_str(&tmp), 100);
	fputc('\n', f);
	text_row(f, "cell", head);
	for (size_t i = 0; i < r->n; i++) {
		const compare_cell *c = &r->cells[i];
		long graded_pairs = c->n11 + c->n12 + c->n21 + c->n22;
		const char *col[10] = {n, a, b, d, p, pa, fl, lat, cost, c->regressed ? "FAIL" : c->n_paired ? "ok" : "-"};

		text_name(c, &tmp, name, TEXT_NAME);
		snprintf(n, sizeof(n), "%ld", c->n_paired);
		fmt_acc(a, sizeof(a), c->acc_base);
		fmt_acc(b, sizeof(b), c->acc_cand);
		if (graded_pairs > 0)
			snprintf(d, sizeof(d), "%+.1f [%+.1f %+.1f]", 100 * c->diff, 100 * c->diff_lo, 100 * c->diff_hi);
		else
			snprintf(d, sizeof(d), "-");
		fmt_p(p, sizeof(p), c->p_value);
		fmt_p(pa, sizeof(pa), c->p_adj);
		snprintf(fl, sizeof(fl), "%ld/%ld", c->n12, c->n21);
		fmt_pct(lat, sizeof(lat), c->latency.pct);
		fmt_pct(cost, sizeof(cost), c->cost.pct);
		text_row(f, name, col);
	}
	if (r->n == 0)
		fputs("(no samples of the compared models in either run)\n", f);
	fputc('\n', f);
	for (size_t i = 0; i < r->n; i++) {
		const compare_cell *c = &r->cells[i];

		if (!c->regressed)
			continue;
		text_name(c, &tmp, fail_name, 60);
		reasons(c, &r->opts, &why);
		tb_buf_reset(&tmp);
		tb_buf_addf(&tmp, "FAIL %s: %s", fail_name, tb_buf_str(&why));
		text_wrapped(f, tb_buf_str(&tmp), 100);
		if (c->n12 > 0) {
			size_t col = (size_t)fprintf(f, "  lost %ld:", c->n12);

			for (size_t k = 0; k < c->n_lost_kept && k < TEXT_FLIPS; k++) {
				char label[48];

				clean(c->lost[k], &tmp);
				text_cut(tb_buf_str(&tmp), label, 40);
				/* wrap to stay within the table's width */
				if (col + 1 + tb_text_columns(label) > 96) {
					fputs("\n   ", f);
					col = 3;
				}
				col += (size_t)fprintf(f, " %s", label);
			}
			fputs(c->n12 > TEXT_FLIPS ? " ...\n" : "\n", f);
		}
	}
	fputs("pairs: candidate samples whose item the base has; diff: candidate minus base, percentage\n"
	      "points over items both runs graded, with Newcombe's 95% interval (t interval of per-item\n"
	      "differences when items have several samples); p: one-sided test of a drop beyond --max-drop\n"
	      "(McNemar's exact at 0; a sign-flip test on per-item accuracy with several samples), p adj:\n"
	      "the same adjusted over every test of the comparison; lost/won: items whose accuracy fell /\n"
	      "rose; latency, cost: change of the per-item mean (bootstrap intervals and p-values: --format\n"
	      "json or md). A cell FAILs when one of its adjusted p-values is <= alpha.\n",
	      f);
	tb_buf_release(&tmp);
	tb_buf_release(&why);
	return ferror(f) ? TB_ERR : TB_OK;
}

/* ---- Markdown ---- */

/* Writes s so that Markdown (GitHub's, in a table cell or a list) shows it
 * literally: HTML specials become entities and Markdown punctuation gets a
 * backslash. */
static void md_put(FILE *f, const char *s, tb_buf *tmp)
{
	clean(s, tmp);
	for (const char *p = tb_buf_str(tmp); *p; p++) {
		if (*p == '&')
			fputs("&amp;", f);
		else if (*p == '<')
			fputs("&lt;", f);
		else if (*p == '>')
			fputs("&gt;", f);
		else if (strchr("\\`*_{}[]()#+-.!|~\"'$:@", *p))
			fprintf(f, "\\%c", *p);
		else
			fputc(*p, f);
	}
}

static void md_cell_name(FILE *f, const compare_cell *c, tb_buf *tmp)
{
	md_put(f, c->suite, tmp);
	fputs(" · ", f);
	md_put(f, c->model, tmp);
	if (strcmp(c->model, c->cand_model) != 0) {
		fputs(" → ", f);
		md_put(f, c->cand_model, tmp);
	}
	fputs(" · ", f);
	md_put(f, c->mode, tmp);
	if (c->budget > 0)
		fprintf(f, " · budget %ld", c->budget);
}

static void md_change(FILE *f, const compare_result *r, const pairstats_boot_result *b, double p_adj, tb_buf *tmp)
{
	char v[32], lo[32], hi[32], p[32], pa[32];

	if (r->not_comparable[0]) {
		fputs("not comparable: ", f);
		md_put(f, r->not_comparable, tmp);
		return;
	}
	if (!isfinite(b->pct)) {
		fputs("–", f);
		return;
	}
	fmt_pct(v, sizeof(v), b->pct);
	fmt_pct(lo, sizeof(lo), b->pct_lo);
	fmt_pct(hi, sizeof(hi), b->pct_hi);
	fprintf(f, "%s (%s, %s)", v, lo, hi);
	if (!isnan(b->p)) {
		fmt_p(p, sizeof(p), b->p);
		fmt_p(pa, sizeof(pa), p_adj);
		fprintf(f, "; p %s / %s", p, pa);
	}
}

static void md_flips(FILE *f, const char *what, long count, char *const *labels, size_t kept, tb_buf *tmp)
{
	size_t shown = kept < MD_FLIPS ? kept : MD_FLIPS;

	if (count == 0)
		return;
	fprintf(f, "- %s (%ld): ", what, count);
	for (size_t k = 0; k < shown; k++) {
		if (k)
			fputs(", ", f);
		md_put(f, labels[k], tmp);
	}
	if ((long)shown < count)
		fprintf(f, ", … (%zu of %ld shown)", shown, count);
	fputc('\n', f);
}

int compare_write_md(const compare_result *r, FILE *f)
{
	const char *who = simulated_who(r);
	tb_buf tmp, why;
	char a[32], b[32], p[32], pa[32];

	tb_buf_init(&tmp, NAME_MAX_BYTES);
	tb_buf_init(&why, 1u << 16);
	if (who)
		fprintf(f, "> **SIMULATED RUN**: %s %s.\n\n", who, SIMULATED_TEXT);
	if (r->n_regressed)
		fprintf(f, "### thinkbench compare: %zu cell%s regressed\n\n", r->n_regressed,
			r->n_regressed == 1 ? "" : "s");
	else
		fputs("### thinkbench compare: No regressions\n\n", f);
	fputs("Base ", f);
	md_put(f, r->base.run_id, &tmp);
	fputs(" → candidate ", f);
	md_put(f, r->cand.run_id, &tmp);
	fprintf(f, ": %ld samples paired (base %ld, candidate %ld).\n\n", r->paired, r->base.samples,
		r->cand.samples);
	family_line(r, &why);
	md_put(f, tb_buf_str(&why), &tmp);
	fputs(".\n\n| Cell | Pairs | Base acc | Cand acc | Δ pp (95% CI) | p / adjusted | Lost / won | "
	      "Latency Δ (95% CI) | Cost Δ (95% CI) | Verdict |\n"
	      "|---|--:|--:|--:|--:|--:|--:|--:|--:|---|\n", f);
	for (size_t i = 0; i < r->n; i++) {
		const compare_cell *c = &r->cells[i];
		long n = c->n11 + c->n12 + c->n21 + c->n22;

		fputs("| ", f);
		md_cell_name(f, c, &tmp);
		fmt_acc(a, sizeof(a), c->acc_base);
		fmt_acc(b, sizeof(b), c->acc_cand);
		fmt_p(p, sizeof(p), c->p_value);
		fmt_p(pa, sizeof(pa), c->p_adj);
		fprintf(f, " | %ld | %s%% | %s%% | ", c->n_paired, a, b);
		if (n > 0)
			fprintf(f, "%+.1f (%+.1f, %+.1f)", 100 * c->diff, 100 * c->diff_lo, 100 * c->diff_hi);
		else
			fputs("–", f);
		fprintf(f, " | %s / %s | %ld / %ld | ", p, pa, c->n12, c->n21);
		md_change(f, r, &c->latency, c->latency_p_adj, &tmp);
		fputs(" | ", f);
		md_change(f, r, &c->cost, c->cost_p_adj, &tmp);
		fprintf(f, " | %s |\n", c->regressed ? "❌ regressed" : c->n_paired ? "✅ ok" : "– no pairs");
	}
	if (r->n == 0)
		fputs("| (no samples of the compared models) | | | | | | | | | |\n", f);
	fputc('\n', f);
	for (size_t i = 0; i < r->n; i++) {
		const compare_cell *c = &r->cells[i];

		if (c->n12 == 0 && c->n21 == 0 && !c->regressed)
			continue;
		fputs("<details><summary>", f);
		md_cell_name(f, c, &tmp);
		fprintf(f, ": %ld lost, %ld won%s</summary>\n\n", c->n12, c->n21, c->regressed ? " (regressed)" : "");
		if (c->regressed) {
			reasons(c, &r->opts, &why);
			fputs("- Regressed: ", f);
			md_put(f, tb_buf_str(&why), &tmp);
			fputc('\n', f);
		}
		md_flips(f, "Lost (right in base, wrong in candidate)", c->n12, c->lost, c->n_lost_kept, &tmp);
		md_flips(f, "Won (wrong in base, right in candidate)", c->n21, c->won, c->n_won_kept, &tmp);
		fputs("\n</details>\n\n", f);
	}
	fprintf(f, "<sub>Δ: candidate minus base over items both runs graded, Newcombe 95%% interval (t "
		   "interval of per-item differences when items have several samples); "
		   "latency and cost: change of the per-item mean, paired bootstrap (%d resamples). %s</sub>\n",
		r->opts.boot_b, compare_rule_text);
	tb_buf_release(&tmp);
	tb_buf_release(&why);
	return ferror(f) ? TB_ERR : TB_OK;
}

/* ---- JUnit ---- */

static void xml_put(FILE *f, const char *s, tb_buf *tmp)
{
	clean(s, tmp);
	for (const char *p = tb_buf_str(tmp); *p; p++) {
		switch (*p) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		default: fputc(*p, f);
		}
	}
}

/* A test's raw and adjusted p as testcase properties (JUnit allows them
 * per testcase; most viewers show them). */
static void junit_p(FILE *f, const char *what, double p, double adj)
{
	if (isnan(p))
		return;
	fprintf(f, "      <properties><property name=\"%s_p\" value=\"%.6g\"/>"
		   "<property name=\"%s_p_adjusted\" value=\"%.6g\"/></properties>\n", what, p, what, adj);
}

int compare_write_junit(const compare_result *r, FILE *f)
{
	const char *who = simulated_who(r);
	tb_buf tmp, why;
	size_t skipped = 0;

	tb_buf_init(&tmp, NAME_MAX_BYTES);
	tb_buf_init(&why, 1u << 16);
	/* A comment first, so the first line can say "simulated"; the XML
	 * declaration is optional and UTF-8 is the default without it. */
	if (who)
		fprintf(f, "<!-- SIMULATED RUN: %s %s -->\n", who, SIMULATED_TEXT);
	else
		fputs("<!-- thinkbench compare -->\n", f);
	for (size_t i = 0; i < r->n; i++)
		skipped += r->cells[i].n_paired == 0;
	fprintf(f, "<testsuites name=\"thinkbench compare\" tests=\"%zu\" failures=\"%zu\">\n", r->n, r->n_regressed);
	fputs("  <testsuite name=\"thinkbench compare ", f);
	xml_put(f, r->base.run_id, &tmp);
	fputs(" -&gt; ", f);
	xml_put(f, r->cand.run_id, &tmp);
	fprintf(f, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\">\n", r->n, r->n_regressed, skipped);
	fprintf(f, "    <properties>\n      <property name=\"simulated\" value=\"%s\"/>\n", who ? "true" : "false");
	fputs("      <property name=\"base\" value=\"", f);
	xml_put(f, r->base.run_id, &tmp);
	fputs("\"/>\n      <property name=\"candidate\" value=\"", f);
	xml_put(f, r->cand.run_id, &tmp);
	fprintf(f, "\"/>\n      <property name=\"paired\" value=\"%ld\"/>\n"
		   "      <property name=\"alpha\" value=\"%g\"/>\n"
		   "      <property name=\"correction\" value=\"%s\"/>\n"
		   "      <property name=\"tests\" value=\"%zu\"/>\n"
		   "      <property name=\"max_drop_pp\" value=\"%g\"/>\n",
		r->paired, r->opts.alpha, correction_names[r->opts.correction], r->n_tests, r->opts.max_drop_pp);
	fputs("      <property name=\"latency_cost\" value=\"", f);
	if (r->not_comparable[0]) {
		fputs("not comparable: ", f);
		xml_put(f, r->not_comparable, &tmp);
	} else {
		fputs("comparable", f);
	}
	fputs("\"/>\n    </properties>\n", f);
	for (size_t i = 0; i < r->n; i++) {
		const compare_cell *c = &r->cells[i];

		fputs("    <testcase classname=\"", f);
		xml_put(f, c->suite, &tmp);
		fputc('.', f);
		xml_put(f, c->model, &tmp);
		fputs("\" name=\"", f);
		xml_put(f, c->mode, &tmp);
		if (c->budget > 0)
			fprintf(f, " budget %ld", c->budget);
		if (strcmp(c->model, c->cand_model) != 0) {
			fputs(" vs ", f);
			xml_put(f, c->cand_model, &tmp);
		}
		fputs("\" time=\"0\">\n", f);
		junit_p(f, "accuracy", c->p_value, c->p_adj);
		junit_p(f, "latency", c->latency.p, c->latency_p_adj);
		junit_p(f, "cost", c->cost.p, c->cost_p_adj);
		if (c->regressed) {
			reasons(c, &r->opts, &why);
			fputs("      <failure type=\"regression\" message=\"", f);
			xml_put(f, tb_buf_str(&why), &tmp);
			fprintf(f, "\">accuracy %.1f%% -&gt; %.1f%% over %ld graded items; lost %ld, won %ld",
				100 * c->acc_base, 100 * c->acc_cand, c->n11 + c->n12 + c->n21 + c->n22, c->n12, c->n21);
			if (c->n12 > 0) {
				fputs("&#10;lost:", f);
				for (size_t k = 0; k < c->n_lost_kept && k < MD_FLIPS; k++) {
					fputc(' ', f);
					xml_put(f, c->lost[k], &tmp);
				}
				if (c->n12 > MD_FLIPS)
					fputs(" ...", f);
			}
			fputs("</failure>\n", f);
		} else if (c->n_paired == 0) {
			fputs("      <skipped message=\"no paired samples\"/>\n", f);
		}
		fputs("    </testcase>\n", f);
	}
	fputs("  </testsuite>\n</testsuites>\n", f);
	tb_buf_release(&tmp);
	tb_buf_release(&why);
	return ferror(f) ? TB_ERR : TB_OK;
}

/* ---- JSON ---- */

static json_t *jnum(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *jstr(const char *s, tb_buf *tmp)
{
	clean(s, tmp);
	return json_string(tb_buf_str(tmp));
}

static json_t *jboot(const pairstats_boot_result *b, double p_adj)
{
	return json_pack("{s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "items", (json_int_t)b->n,
			 "base_mean", jnum(b->mean_x), "cand_mean", jnum(b->mean_y), "diff", jnum(b->diff),
			 "diff_lo", jnum(b->diff_lo), "diff_hi", jnum(b->diff_hi), "pct", jnum(b->pct),
			 "pct_lo", jnum(b->pct_lo), "pct_hi", jnum(b->pct_hi), "p", jnum(b->p),
			 "p_adjusted", jnum(p_adj));
}

static json_t *jlabels(char *const *v, size_t n, tb_buf *tmp)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++)
		json_array_append_new(a, jstr(v[i], tmp));
	return a;
}

static json_t *jcell(const compare_cell *c, tb_buf *tmp)
{
	json_t *why = json_array(), *j;

	if (c->regressed & COMPARE_REG_ACCURACY)
		json_array_append_new(why, json_string("accuracy"));
	if (c->regressed & COMPARE_REG_LATENCY)
		json_array_append_new(why, json_string("latency"));
	if (c->regressed & COMPARE_REG_COST)
		json_array_append_new(why, json_string("cost"));
	j = json_pack("{s:o, s:o, s:o, s:o, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:o, s:o, s:o, s:o, "
		      "s:o, s:o, s:o, s:o, s:b, s:o, s:o, s:o}",
		      "suite", jstr(c->suite, tmp), "model", jstr(c->model, tmp),
		      "candidate_model", jstr(c->cand_model, tmp), "mode", jstr(c->mode, tmp),
		      "budget", (json_int_t)c->budget, "base_samples", (json_int_t)c->n_base,
		      "candidate_samples", (json_int_t)c->n_cand, "pairs", (json_int_t)c->n_paired,
		      "both_right", (json_int_t)c->n11, "lost", (json_int_t)c->n12, "won", (json_int_t)c->n21,
		      "both_wrong", (json_int_t)c->n22, "accuracy_base", jnum(c->acc_base),
		      "accuracy_candidate", jnum(c->acc_cand), "diff", jnum(c->diff), "diff_lo", jnum(c->diff_lo),
		      "diff_hi", jnum(c->diff_hi), "p", jnum(c->p_value), "p_adjusted", jnum(c->p_adj),
		      "latency_ms", jboot(&c->latency, c->latency_p_adj), "cost_usd", jboot(&c->cost, c->cost_p_adj),
		      "regressed", c->regressed != 0, "reasons", why,
		      "lost_items", jlabels(c->lost, c->n_lost_kept, tmp),
		      "won_items", jlabels(c->won, c->n_won_kept, tmp));
	return j;
}

static json_t *jside(const compare_side *s, tb_buf *tmp)
{
	return json_pack("{s:o, s:b, s:I, s:o, s:o, s:b}", "run_id", jstr(s->run_id, tmp), "simulated", s->simulated,
			 "samples", (json_int_t)s->samples, "endpoint", jstr(s->endpoint, tmp),
			 "jobs", s->jobs >= 0 ? json_integer(s->jobs) : json_null(), "stream", s->stream);
}

int compare_write_json(const compare_result *r, FILE *f)
{
	const char *who = simulated_who(r);
	json_t *root, *cells = json_array();
	char note[256];
	tb_buf tmp;
	int rc = TB_ERR;

	tb_buf_init(&tmp, NAME_MAX_BYTES);
	for (size_t i = 0; cells && i < r->n; i++) {
		if (json_array_append_new(cells, jcell(&r->cells[i], &tmp)) != 0)
			goto fail;
	}
	snprintf(note, sizeof(note), "%s %s", who ? who : "", SIMULATED_TEXT);
	/* "simulated" first, so the single line starts by saying so */
	root = json_pack("{s:b, s:o, s:o, s:o, s:I, s:I, s:f, s:s, s:I, s:o, s:o, s:o, s:o, "
			 "s:i, s:s, s:o}",
			 "simulated", who != NULL, "simulated_note", who ? json_string(note) : json_null(),
			 "base", jside(&r->base, &tmp), "candidate", jside(&r->cand, &tmp),
			 "paired", (json_int_t)r->paired, "regressed", (json_int_t)r->n_regressed,
			 "alpha", r->opts.alpha, "correction", correction_names[r->opts.correction],
			 "tests", (json_int_t)r->n_tests,
			 "latency_cost_not_comparable", r->not_comparable[0] ? jstr(r->not_comparable, &tmp) : json_null(),
			 "max_drop_pp", jnum(r->opts.max_drop_pp),
			 "max_latency_increase_pct", jnum(r->opts.max_latency_pct),
			 "max_cost_increase_pct", jnum(r->opts.max_cost_pct), "bootstrap", r->opts.boot_b,
			 "rule", compare_rule_text, "cells", cells);
	cells = NULL;
	if (!root)
		goto fail;
	if (json_dumpf(root, f, JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(10)) == 0 &&
	    fputc('\n', f) != EOF)
		rc = TB_OK;
	json_decref(root);
fail:
	json_decref(cells);
	tb_buf_release(&tmp);
	return rc == TB_OK && !ferror(f) ? TB_OK : TB_ERR;
}
