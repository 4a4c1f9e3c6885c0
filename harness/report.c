#include "report.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "csv.h"
#include "grader.h"
#include "log.h"
#include "passk.h"
#include "rc.h"
#include "report_trace.h"
#include "stats.h"
#include "text.h"

#define MAX_CELLS 100000
/* per cell and per latency: 128 MiB of doubles at most */
#define MAX_CELL_SAMPLES ((size_t)1 << 24)
/* one item's samples held at once, and distinct answers counted per cell */
#define MAX_ITEM_ENTRIES 4096
#define MAX_ANSWERS 64
#define MAX_TAGS 32
#define TABLE_WIDTH 100
/* significant digits of summary.csv's computed numbers */
#define SUMMARY_DIGITS 10
#define SIMULATED_LINE REPORT_SIMULATED_LINE
#define UNSAFE_EXEC_LINE "UNSAFE EXEC: code answers ran without the bubblewrap sandbox (--unsafe-exec)"

enum { TOK_PROMPT, TOK_COMPLETION, TOK_REASONING, TOK_ANSWER, TOK_COUNT };

/* Items of a cell in a row with the same graded and correct counts, in the
 * order they came: pass@k once k is known. Items usually have the same
 * number of samples, so a cell has a few runs, not one entry an item. */
typedef struct item_run {
	uint32_t graded, correct, count;
} item_run;

typedef struct item_runs {
	item_run *v;
	size_t n, cap;
	long items;
} item_runs;

/* What a cell gathers while the samples stream by; freed when load ends. */
typedef struct accum {
	stats_vec total, ttft, ttfa;
	double tok_sum[TOK_COUNT];
	long tok_n[TOK_COUNT];
	double gen_tokens, gen_secs;
	stats_cluster clu;
	double pass1_sum, maj_sum;
	item_runs runs;
} accum;

/* A set of rows keyed by (suite-or-label, model, mode, budget). Rows keep the
 * index they were made with (stable ids), order[] keeps them sorted. */
typedef struct agg {
	report_cell *cells;
	accum *acc;
	size_t *order;
	size_t n, cap;
} agg;

/* The samples of one cell within the current item. */
typedef struct answer_count {
	char *text;
	long count;
	int correct;
} answer_count;

typedef struct item_entry {
	size_t cell;                /* stable id in the cells agg */
	long graded, correct;
	answer_count ans[MAX_ANSWERS];
	int n_ans;
} item_entry;

typedef struct pair_acc {
	size_t think, nothink;      /* stable ids */
	stats_paired d;
	long up, down;
	char *up_ids[REPORT_FLIP_IDS], *down_ids[REPORT_FLIP_IDS];
} pair_acc;

typedef struct loader {
	report *r;
	agg cells, langs, tags;
	item_entry *ent;
	size_t n_ent, cap_ent;
	char *cur_suite, *cur_item;
	const char *cur_tags;       /* the current item's tag set, NULL when none */
	pair_acc *pairs;
	size_t n_pairs, cap_pairs;
	char *err;
	size_t errlen;
} loader;

typedef struct cell_key {
	const char *suite, *model, *mode;
	long budget;
} cell_key;

/* ---- items, from the store ---- */

/* The report needs two things of the items: tags, for every sample, and
 * prompts, for the few samples an HTML report shows. Both come from the
 * store's items table, which the run wrote when it started, so a report
 * never reads a suite file: a moved or edited suite does not change an old
 * run's report. A suite with tags keeps its ids and each item's tag set,
 * sorted by id; a prompt is read from the store when asked for. */
typedef struct item_ref {
	uint32_t id;                /* offset of the id in item_suite.ids */
	uint32_t tags;              /* offset of the tag set in report_items.sets */
} item_ref;

typedef struct item_suite {
	char *name;
	int has_tags;
	item_ref *v;                /* n of them, sorted by id */
	size_t n, cap;
	tb_buf ids;                 /* the ids, NUL-terminated one after the other */
} item_suite;

/* A tag set is an item's first MAX_TAGS tags in order: a count byte, then the
 * tags, each NUL-terminated. Each distinct set is kept once. */
typedef struct report_items {
	item_suite *v;
	size_t n, cap;
	size_t last;                /* the suite found last: samples come by suite */
	tb_buf sets;
	uint32_t *set_slot;         /* offset in sets + 1 by hash of the set, 0: empty */
	size_t set_cap, n_sets;
	tb_store *st;               /* borrowed: prompts are read from it */
	char *prompt;               /* what report_prompt() returned last */
} report_items;
/* Offsets into the ids and the tag sets are 32-bit. */
#define MAX_ARENA ((size_t)UINT32_MAX / 2)

static uint64_t hash_bytes(const void *p, size_t n)
{
	const unsigned char *b = p;
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 1099511628211ULL;
	return h;
}

static size_t set_len(const char *set)
{
	const char *p = set + 1;

	for (unsigned char k = 0; k < (unsigned char)set[0]; k++)
		p += strlen(p) + 1;
	return (size_t)(p - set);
}

static int grow_sets(report_items *m)
{
	size_t cap = m->set_cap ? m->set_cap * 2 : 64;
	uint32_t *v = calloc(cap, sizeof(*v));

	if (!v)
		return TB_NOMEM;
	for (size_t k = 0; k < m->set_cap; k++) {
		const char *set = m->sets.data + m->set_slot[k] - 1;
		size_t i;

		if (!m->set_slot[k])
			continue;
		/* Ends: the new table is at most a quarter full. */
		for (i = hash_bytes(set, set_len(set)) & (cap - 1); v[i]; i = (i + 1) & (cap - 1))
			;
		v[i] = m->set_slot[k];
	}
	free(m->set_slot);
	m->set_slot = v;
	m->set_cap = cap;
	return TB_OK;
}

/* *out = the offset in m->sets of the set of these tags (an array of strings). */
static int intern_tags(report_items *m, const json_t *tags, uint32_t *out)
{
	size_t start = m->sets.len, len, i, k;
	unsigned char count = 0;
	json_t *t;
	int rc;

	if ((m->n_sets + 1) * 2 > m->set_cap && grow_sets(m) != TB_OK)
		return TB_NOMEM;
	if ((rc = tb_buf_add(&m->sets, "", 1)) != TB_OK)
		return rc;
	json_array_foreach(tags, i, t) {
		const char *s = json_string_value(t);

		if (i >= MAX_TAGS)
			break;
		if (!s)
			continue;
		if ((rc = tb_buf_add(&m->sets, s, strlen(s) + 1)) != TB_OK)
			return rc;
		count++;
	}
	m->sets.data[start] = (char)count;
	len = m->sets.len - start;
	/* Ends: the table is at most half full. */
	for (k = hash_bytes(m->sets.data + start, len) & (m->set_cap - 1); m->set_slot[k];
	     k = (k + 1) & (m->set_cap - 1)) {
		const char *set = m->sets.data + m->set_slot[k] - 1;

		if (set_len(set) == len && memcmp(set, m->sets.data + start, len) == 0) {
			m->sets.len = start;
			*out = m->set_slot[k] - 1;
			return TB_OK;
		}
	}
	m->set_slot[k] = (uint32_t)start + 1;
	m->n_sets++;
	*out = (uint32_t)start;
	return TB_OK;
}

static int ref_cmp(const void *a, const void *b, void *ids)
{
	return strcmp((const char *)ids + ((const item_ref *)a)->id,
		      (const char *)ids + ((const item_ref *)b)->id);
}

/* The suite named name, NULL when the run has none that loaded. */
static item_suite *find_suite(report_items *m, const char *name)
{
	if (!m || !m->n)
		return NULL;
	if (strcmp(m->v[m->last].name, name) == 0)
		return &m->v[m->last];
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->v[i].name, name) == 0) {
			m->last = i;
			return &m->v[i];
		}
	return NULL;
}

/* The item with this id in a suite, NULL when none. */
static const item_ref *find_item(const item_suite *x, const char *id)
{
	size_t lo = 0, hi = x->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int d = strcmp(x->ids.data + x->v[mid].id, id);

		if (!d)
			return &x->v[mid];
		if (d < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The tag set of an item, NULL when it has none or is unknown. */
static const char *item_tags(report_items *m, const char *suite, const char *id)
{
	item_suite *x = find_suite(m, suite);
	const item_ref *e = x && x->has_tags ? find_item(x, id) : NULL;

	return e && e->tags != UINT32_MAX ? m->sets.data + e->tags : NULL;
}

static void items_free(report_items *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++) {
		free(m->v[i].name);
		free(m->v[i].v);
		tb_buf_release(&m->v[i].ids);
	}
	free(m->v);
	tb_buf_release(&m->sets);
	free(m->set_slot);
	free(m->prompt);
	free(m);
}

/* A suite of the items table, appended at the end (items come by suite). */
static item_suite *add_suite(report_items *m, const char *name)
{
	item_suite *x;

	if (m->n && strcmp(m->v[m->n - 1].name, name) == 0)
		return &m->v[m->n - 1];
	if (m->n == m->cap) {
		size_t cap = m->cap ? 2 * m->cap : 8;
		item_suite *v = realloc(m->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		m->v = v;
		m->cap = cap;
	}
	x = &m->v[m->n];
	memset(x, 0, sizeof(*x));
	tb_buf_init(&x->ids, MAX_ARENA);
	x->name = strdup(name);
	if (!x->name)
		return NULL;
	m->n++;
	return x;
}

/* One row of the items table: its id and, when it has tags, its tag set. */
static int add_item(void *ud, const tb_stored_item *it)
{
	report_items *m = ud;
	item_suite *x = add_suite(m, it->suite);
	item_ref *e;

	if (!x)
		return TB_NOMEM;
	if (x->n == x->cap) {
		size_t cap = x->cap ? 2 * x->cap : 64;
		item_ref *v = realloc(x->v, cap * sizeof(*v));

		if (!v)
			return TB_NOMEM;
		x->v = v;
		x->cap = cap;
	}
	e = &x->v[x->n];
	*e = (item_ref){.id = (uint32_t)x->ids.len, .tags = UINT32_MAX};
	if (tb_buf_add(&x->ids, it->item_id, strlen(it->item_id) + 1) != TB_OK)
		return TB_NOMEM;
	if (json_array_size(it->tags)) {
		x->has_tags = 1;
		if (intern_tags(m, it->tags, &e->tags) != TB_OK)
			return TB_NOMEM;
	}
	x->n++;
	return TB_OK;
}

/* The items the run stored. A store made before items were stored has
 * none: its samples have no tags and no prompts (tags_missing). */
static int items_load(report *r, tb_store *st, char *err, size_t errlen)
{
	report_items *m = calloc(1, sizeof(*m));
	int rc;

	if (!m)
		return tb_seterr(err, errlen, "out of memory loading the items");
	r->items = m;
	m->st = st;
	tb_buf_init(&m->sets, MAX_ARENA);
	rc = store_each_item(st, add_item, m, err, errlen);
	if (rc == TB_NOMEM)
		return tb_seterr(err, errlen, "out of memory loading the items");
	if (rc != TB_OK)
		return TB_ERR;
	for (size_t i = 0; i < m->n; i++)
		qsort_r(m->v[i].v, m->v[i].n, sizeof(*m->v[i].v), ref_cmp, m->v[i].ids.data);
	r->tags_missing = m->n == 0;
	return TB_OK;
}

const char *report_prompt(const report *r, const char *suite, const char *item_id)
{
	report_items *m = r ? r->items : NULL;
	char err[256];

	if (!m || !m->st)
		return NULL;
	free(m->prompt);
	if (store_get_prompt(m->st, suite, item_id, &m->prompt, err, sizeof(err)) != TB_OK)
		m->prompt = NULL;
	return m->prompt;
}

/* ---- rows ---- */

static int key_cmp(const report_cell *c, const cell_key *k)
{
	int d = strcmp(c->suite, k->suite);

	if (!d)
		d = strcmp(c->model, k->model);
	if (!d)
		d = strcmp(c->mode, k->mode);
	if (!d)
		d = (c->budget > k->budget) - (c->budget < k->budget);
	return d;
}

/* The position in a->order of the first row not below k; *found when equal. */
static size_t find_row(const agg *a, const cell_key *k, int *found)
{
	size_t lo = 0, hi = a->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (key_cmp(&a->cells[a->order[mid]], k) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < a->n && key_cmp(&a->cells[a->order[lo]], k) == 0;
	return lo;
}

static int grow_rows(agg *a, char *err, size_t errlen)
{
	size_t cap = a->cap ? a->cap * 2 : 16;
	void *p;

	if (a->n >= MAX_CELLS)
		return tb_seterr(err, errlen, "the store has more than %d cells", MAX_CELLS);
	if (cap > MAX_CELLS)
		cap = MAX_CELLS;
	p = realloc(a->cells, cap * sizeof(*a->cells));
	if (!p)
		goto nomem;
	a->cells = p;
	p = realloc(a->acc, cap * sizeof(*a->acc));
	if (!p)
		goto nomem;
	a->acc = p;
	p = realloc(a->order, cap * sizeof(*a->order));
	if (!p)
		goto nomem;
	a->order = p;
	a->cap = cap;
	return TB_OK;
nomem:
	return tb_seterr(err, errlen, "out of memory reading the cells");
}

/* Finds or makes the row for k; *id is its stable id. */
static int get_row(agg *a, const cell_key *k, const char *status, long n_planned, size_t *id,
		   char *err, size_t errlen)
{
	report_cell *c;
	accum *x;
	int found;
	size_t pos = find_row(a, k, &found);

	if (found) {
		*id = a->order[pos];
		return TB_OK;
	}
	if (a->n == a->cap && grow_rows(a, err, errlen) != TB_OK)
		return TB_ERR;
	*id = a->n;
	memmove(&a->order[pos + 1], &a->order[pos], (a->n - pos) * sizeof(*a->order));
	a->order[pos] = *id;
	c = &a->cells[*id];
	x = &a->acc[*id];
	a->n++;
	memset(c, 0, sizeof(*c));
	memset(x, 0, sizeof(*x));
	stats_vec_init(&x->total, MAX_CELL_SAMPLES);
	stats_vec_init(&x->ttft, MAX_CELL_SAMPLES);
	stats_vec_init(&x->ttfa, MAX_CELL_SAMPLES);
	c->budget = k->budget;
	c->n_planned = n_planned;
	snprintf(c->status, sizeof(c->status), "%s", status);
	c->suite = strdup(k->suite);
	c->model = strdup(k->model);
	c->mode = strdup(k->mode);
	if (!c->suite || !c->model || !c->mode)
		return tb_seterr(err, errlen, "out of memory reading the cells");
	return TB_OK;
}

static int on_cell(void *ud, const tb_cell *c)
{
	loader *ld = ud;
	cell_key k = {c->suite, c->model, c->mode, c->budget};
	size_t id;

	return get_row(&ld->cells, &k, c->status, c->n_planned, &id, ld->err, ld->errlen);
}

static int push_known(loader *ld, const report_cell *c, stats_vec *v, double x)
{
	int rc;

	if (!isfinite(x))
		return TB_OK;
	rc = stats_vec_push(v, x);
	if (rc == TB_TOOBIG)
		return tb_seterr(ld->err, ld->errlen, "cell %s %s %s %ld has more than %zu samples",
				 c->suite, c->model, c->mode, c->budget, MAX_CELL_SAMPLES);
	if (rc != TB_OK)
		return tb_seterr(ld->err, ld->errlen, "out of memory reading the samples");
	return TB_OK;
}

static void add_tokens(accum *a, int which, long v)
{
	if (v < 0)
		return;
	a->tok_sum[which] += (double)v;
	a->tok_n[which]++;
}

/* Adds one sample to the row of agg a keyed by (label, the sample's model,
 * mode, budget); *id is the row's stable id. */
static int add_to(loader *ld, agg *a, const char *label, const tb_sample *s, size_t *id)
{
	cell_key k = {label, s->model, s->mode, s->budget};
	report_cell *c;
	accum *x;

	if (get_row(a, &k, "unplanned", -1, id, ld->err, ld->errlen) != TB_OK)
		return TB_ERR;
	c = &a->cells[*id];
	x = &a->acc[*id];
	c->n++;
	c->count[s->outcome]++;
	if (s->mode_leak)
		c->mode_leaks++;
	if (s->lang_check == GR_LANG_WRONG)
		c->wrong_lang++;
	if (isfinite(s->cost_usd))
		c->cost_usd += s->cost_usd;
	else
		c->cost_unknown++;
	if (s->outcome == TB_OUT_ERROR)
		return TB_OK;
	if (push_known(ld, c, &x->total, s->total_ms) != TB_OK ||
	    push_known(ld, c, &x->ttft, s->ttft_ms) != TB_OK ||
	    push_known(ld, c, &x->ttfa, s->ttfa_ms) != TB_OK)
		return TB_ERR;
	add_tokens(x, TOK_PROMPT, s->prompt_tokens);
	add_tokens(x, TOK_COMPLETION, s->completion_tokens);
	add_tokens(x, TOK_REASONING, s->reasoning_tokens);
	if (s->completion_tokens >= 0 && s->reasoning_tokens >= 0)
		add_tokens(x, TOK_ANSWER, s->completion_tokens - s->reasoning_tokens);
	if (s->completion_tokens >= 0 && isfinite(s->total_ms) && isfinite(s->ttft_ms) &&
	    s->total_ms > s->ttft_ms) {
		x->gen_tokens += (double)s->completion_tokens;
		x->gen_secs += (s->total_ms - s->ttft_ms) / 1000.0;
	}
	return TB_OK;
}

/* ---- per item ---- */

static void free_entries(loader *ld)
{
	for (size_t i = 0; i < ld->n_ent; i++)
		for (int a = 0; a < ld->ent[i].n_ans; a++)
			free(ld->ent[i].ans[a].text);
	ld->n_ent = 0;
}

static int keep_id(char **slot, const char *id)
{
	*slot = strdup(id);
	return *slot ? TB_OK : TB_NOMEM;
}

static int add_pair(loader *ld, const item_entry *t, const item_entry *n, const char *item)
{
	pair_acc *p = NULL;
	double mt = (double)t->correct / (double)t->graded;
	double mn = (double)n->correct / (double)n->graded;
	int up = 2 * t->correct > t->graded, nup = 2 * n->correct > n->graded;

	for (size_t i = 0; i < ld->n_pairs && !p; i++)
		if (ld->pairs[i].think == t->cell && ld->pairs[i].nothink == n->cell)
			p = &ld->pairs[i];
	if (!p) {
		if (ld->n_pairs == ld->cap_pairs) {
			size_t cap = ld->cap_pairs ? ld->cap_pairs * 2 : 8;
			pair_acc *np = cap <= MAX_CELLS ? realloc(ld->pairs, cap * sizeof(*np)) : NULL;

			if (!np)
				return tb_seterr(ld->err, ld->errlen, "out of memory pairing modes");
			ld->pairs = np;
			ld->cap_pairs = cap;
		}
		p = &ld->pairs[ld->n_pairs++];
		memset(p, 0, sizeof(*p));
		p->think = t->cell;
		p->nothink = n->cell;
	}
	stats_paired_add(&p->d, mt - mn);
	if (up && !nup) {
		if (p->up < REPORT_FLIP_IDS && keep_id(&p->up_ids[p->up], item) != TB_OK)
			return tb_seterr(ld->err, ld->errlen, "out of memory pairing modes");
		p->up++;
	} else if (!up && nup) {
		if (p->down < REPORT_FLIP_IDS && keep_id(&p->down_ids[p->down], item) != TB_OK)
			return tb_seterr(ld->err, ld->errlen, "out of memory pairing modes");
		p->down++;
	}
	return TB_OK;
}

static int add_run(item_runs *r, long graded, long correct)
{
	item_run *last = r->n ? &r->v[r->n - 1] : NULL;

	/* a cell's samples, hence its items, are fewer than MAX_CELL_SAMPLES */
	if (graded > (long)MAX_CELL_SAMPLES || r->items >= (long)MAX_CELL_SAMPLES)
		return TB_TOOBIG;
	r->items++;
	if (last && last->graded == (uint32_t)graded && last->correct == (uint32_t)correct) {
		last->count++;
		return TB_OK;
	}
	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 4;
		item_run *v = realloc(r->v, cap * sizeof(*v));

		if (!v)
			return TB_NOMEM;
		r->v = v;
		r->cap = cap;
	}
	r->v[r->n++] = (item_run){(uint32_t)graded, (uint32_t)correct, 1};
	return TB_OK;
}

/* The item ended: its per-cell numbers go to the cells, and each think cell
 * of a model is paired with that model's lowest-budget nothink cell. */
static int flush_item(loader *ld)
{
	int rc = TB_OK;

	for (size_t i = 0; i < ld->n_ent && rc == TB_OK; i++) {
		item_entry *e = &ld->ent[i];
		accum *x = &ld->cells.acc[e->cell];
		const answer_count *best = NULL;

		if (!e->graded)
			continue;
		stats_cluster_add(&x->clu, (double)e->graded, (double)e->correct);
		x->pass1_sum += (double)e->correct / (double)e->graded;
		for (int a = 0; a < e->n_ans; a++)
			if (!best || e->ans[a].count > best->count)
				best = &e->ans[a];
		x->maj_sum += best && best->correct;
		rc = add_run(&x->runs, e->graded, e->correct);
		if (rc == TB_TOOBIG)
			rc = tb_seterr(ld->err, ld->errlen, "a cell has more than %zu items or samples",
				       MAX_CELL_SAMPLES);
		else if (rc != TB_OK)
			rc = tb_seterr(ld->err, ld->errlen, "out of memory reading the samples");
	}
	for (size_t i = 0; i < ld->n_ent && rc == TB_OK; i++) {
		const item_entry *t = &ld->ent[i], *n = NULL;
		const report_cell *tc = &ld->cells.cells[t->cell];

		if (!t->graded || strcmp(tc->mode, "think") != 0)
			continue;
		for (size_t j = 0; j < ld->n_ent; j++) {
			const report_cell *nc = &ld->cells.cells[ld->ent[j].cell];

			if (ld->ent[j].graded && strcmp(nc->mode, "nothink") == 0 &&
			    strcmp(nc->model, tc->model) == 0 &&
			    (!n || nc->budget < ld->cells.cells[n->cell].budget))
				n = &ld->ent[j];
		}
		if (n)
			rc = add_pair(ld, t, n, ld->cur_item);
	}
	free_entries(ld);
	return rc;
}

/* Votes as the store's maj@k does (passk.h): normalised answers, no vote
 * without one, and a majority answer is correct when any of its voters was. */
static int note_answer(loader *ld, item_entry *e, const tb_sample *s)
{
	char text[512];

	if (!tb_outcome_is_graded(s->outcome))
		return TB_OK;
	e->graded++;
	e->correct += s->outcome == TB_OUT_CORRECT;
	passk_normalize(s->extracted ? s->extracted : "", text, sizeof(text));
	if (!*text)
		return TB_OK;
	for (int a = 0; a < e->n_ans; a++)
		if (strcmp(e->ans[a].text, text) == 0) {
			e->ans[a].count++;
			e->ans[a].correct |= s->outcome == TB_OUT_CORRECT;
			return TB_OK;
		}
	/* past the cap a new answer cannot win a majority it was never counted in */
	if (e->n_ans == MAX_ANSWERS)
		return TB_OK;
	e->ans[e->n_ans].text = strdup(text);
	if (!e->ans[e->n_ans].text)
		return tb_seterr(ld->err, ld->errlen, "out of memory reading the samples");
	e->ans[e->n_ans].count = 1;
	e->ans[e->n_ans].correct = s->outcome == TB_OUT_CORRECT;
	e->n_ans++;
	return TB_OK;
}

static int new_item(loader *ld, const tb_sample *s)
{
	if (ld->cur_item && strcmp(ld->cur_item, s->item_id) == 0 &&
	    strcmp(ld->cur_suite, s->suite) == 0)
		return TB_OK;
	if (ld->cur_item && flush_item(ld) != TB_OK)
		return TB_ERR;
	free(ld->cur_item);
	free(ld->cur_suite);
	ld->cur_item = strdup(s->item_id);
	ld->cur_suite = strdup(s->suite);
	if (!ld->cur_item || !ld->cur_suite)
		return tb_seterr(ld->err, ld->errlen, "out of memory reading the samples");
	ld->cur_tags = item_tags(ld->r->items, s->suite, s->item_id);
	return TB_OK;
}

static int on_sample(void *ud, const tb_sample *s)
{
	loader *ld = ud;
	item_entry *e = NULL;
	size_t id, dummy;

	if ((unsigned)s->outcome >= TB_OUT_COUNT)
		return tb_seterr(ld->err, ld->errlen, "sample '%s' has an invalid outcome", s->item_id);
	if (new_item(ld, s) != TB_OK || add_to(ld, &ld->cells, s->suite, s, &id) != TB_OK)
		return TB_ERR;
	ld->r->samples++;
	if (add_to(ld, &ld->langs, s->lang && *s->lang ? s->lang : "(none)", s, &dummy) != TB_OK)
		return TB_ERR;
	if (ld->cur_tags) {
		const char *t = ld->cur_tags + 1;

		for (unsigned char k = 0; k < (unsigned char)ld->cur_tags[0]; k++, t += strlen(t) + 1)
			if (add_to(ld, &ld->tags, t, s, &dummy) != TB_OK)
				return TB_ERR;
	}
	/* samples of one cell are together within an item: only the last entry can match */
	if (ld->n_ent && ld->ent[ld->n_ent - 1].cell == id)
		e = &ld->ent[ld->n_ent - 1];
	if (!e) {
		if (ld->n_ent == MAX_ITEM_ENTRIES)
			return tb_seterr(ld->err, ld->errlen, "item '%s' has samples in more than %d cells",
					 s->item_id, MAX_ITEM_ENTRIES);
		if (ld->n_ent == ld->cap_ent) {
			size_t cap = ld->cap_ent ? ld->cap_ent * 2 : 8;
			item_entry *v = realloc(ld->ent, cap * sizeof(*v));

			if (!v)
				return tb_seterr(ld->err, ld->errlen, "out of memory reading the samples");
			ld->ent = v;
			ld->cap_ent = cap;
		}
		e = &ld->ent[ld->n_ent++];
		memset(e, 0, sizeof(*e));
		e->cell = id;
	}
	return note_answer(ld, e, s);
}

static double tok_mean(const accum *a, int which)
{
	return a->tok_n[which] ? a->tok_sum[which] / (double)a->tok_n[which] : NAN;
}

static void finish_cell(report_cell *c, accum *a)
{
	double p;
	long kmin = 0;

	c->graded = 0;
	for (int o = 0; o < TB_OUT_COUNT; o++)
		c->graded += tb_outcome_is_graded((tb_outcome)o) ? c->count[o] : 0;
	c->accuracy = c->graded ? (double)c->count[TB_OUT_CORRECT] / (double)c->graded : NAN;
	stats_wilson(c->count[TB_OUT_CORRECT], c->graded, STATS_Z95, &c->acc_lo, &c->acc_hi);
	c->total_p50 = stats_percentile(a->total.v, a->total.n, 50);
	c->total_p90 = stats_percentile_sorted(a->total.v, a->total.n, 90);
	c->total_p99 = stats_percentile_sorted(a->total.v, a->total.n, 99);
	c->total_mean = stats_mean(a->total.v, a->total.n);
	c->ttft_p50 = stats_percentile(a->ttft.v, a->ttft.n, 50);
	c->ttft_p90 = stats_percentile_sorted(a->ttft.v, a->ttft.n, 90);
	c->ttft_p99 = stats_percentile_sorted(a->ttft.v, a->ttft.n, 99);
	c->ttfa_p50 = stats_percentile(a->ttfa.v, a->ttfa.n, 50);
	c->ttfa_p90 = stats_percentile_sorted(a->ttfa.v, a->ttfa.n, 90);
	c->ttfa_p99 = stats_percentile_sorted(a->ttfa.v, a->ttfa.n, 99);
	c->prompt_mean = tok_mean(a, TOK_PROMPT);
	c->completion_mean = tok_mean(a, TOK_COMPLETION);
	c->reasoning_mean = tok_mean(a, TOK_REASONING);
	c->answer_mean = tok_mean(a, TOK_ANSWER);
	c->prompt_total = a->tok_sum[TOK_PROMPT];
	c->completion_total = a->tok_sum[TOK_COMPLETION];
	c->reasoning_total = a->tok_sum[TOK_REASONING];
	c->out_tps = a->gen_secs > 0 ? a->gen_tokens / a->gen_secs : NAN;
	c->cost_per_sample = c->n > c->cost_unknown ? c->cost_usd / (double)(c->n - c->cost_unknown) : NAN;
	c->cost_per_correct = c->count[TB_OUT_CORRECT] && c->n > c->cost_unknown
				      ? c->cost_usd / (double)c->count[TB_OUT_CORRECT] : NAN;
	c->items = a->runs.items;
	c->acc_clu_lo = c->acc_clu_hi = NAN;
	c->pass_at_1 = c->pass_at_k = c->maj_at_k = NAN;
	for (size_t i = 0; i < a->runs.n; i++) {
		long n = (long)a->runs.v[i].graded;

		if (!kmin || n < kmin)
			kmin = n;
		if (n > c->max_per_item)
			c->max_per_item = n;
	}
	c->pass_k = kmin;
	if (c->items) {
		double s = 0;

		/* item by item, in order, as the sum was always made */
		for (size_t i = 0; i < a->runs.n; i++) {
			const item_run *u = &a->runs.v[i];
			double v = stats_pass_at_k((long)u->graded, (long)u->correct, kmin);

			for (uint32_t k = 0; k < u->count; k++)
				s += v;
		}
		c->pass_at_1 = a->pass1_sum / (double)c->items;
		c->pass_at_k = s / (double)c->items;
		c->maj_at_k = a->maj_sum / (double)c->items;
	}
	if (c->max_per_item > 1)
		stats_cluster_ci(&a->clu, STATS_Z95, &p, &c->acc_clu_lo, &c->acc_clu_hi);
	/* the sorted latencies move to the cell, for CDFs */
	c->total_ms = a->total.v;
	c->n_total_ms = a->total.n;
	a->total.v = NULL;
	c->ttfa_ms = a->ttfa.v;
	c->n_ttfa_ms = a->ttfa.n;
	a->ttfa.v = NULL;
}

static void release_agg(agg *a)
{
	for (size_t i = 0; a->acc && i < a->n; i++) {
		stats_vec_release(&a->acc[i].total);
		stats_vec_release(&a->acc[i].ttft);
		stats_vec_release(&a->acc[i].ttfa);
		free(a->acc[i].runs.v);
	}
	free(a->acc);
	free(a->order);
	free(a->cells);
	memset(a, 0, sizeof(*a));
}

static void free_cell(report_cell *c)
{
	free(c->suite);
	free(c->model);
	free(c->mode);
	free(c->total_ms);
	free(c->ttfa_ms);
}

/* Finishes the rows and hands them over sorted; remap[id] = final index.
 * Without remap (the breakdowns) the rows keep no latencies for CDFs. */
static int finish_agg(agg *a, report_cell **out, size_t *n, size_t **remap, char *err,
		      size_t errlen)
{
	report_cell *cells = NULL;
	size_t *map = NULL;

	*out = NULL;
	*n = 0;
	if (remap)
		*remap = NULL;
	if (!a->n)
		return TB_OK;
	cells = malloc(a->n * sizeof(*cells));
	map = malloc(a->n * sizeof(*map));
	if (!cells || !map) {
		free(cells);
		free(map);
		return tb_seterr(err, errlen, "out of memory finishing the report");
	}
	for (size_t i = 0; i < a->n; i++) {
		size_t id = a->order[i];

		finish_cell(&a->cells[id], &a->acc[id]);
		if (!remap) {
			free(a->cells[id].total_ms);
			free(a->cells[id].ttfa_ms);
			a->cells[id].total_ms = a->cells[id].ttfa_ms = NULL;
			a->cells[id].n_total_ms = a->cells[id].n_ttfa_ms = 0;
		}
		stats_vec_release(&a->acc[id].ttft);
		free(a->acc[id].runs.v);
		a->acc[id].runs.v = NULL;
		cells[i] = a->cells[id];
		map[id] = i;
	}
	*out = cells;
	*n = a->n;
	/* the strings now belong to the report */
	a->n = 0;
	if (remap)
		*remap = map;
	else
		free(map);
	return TB_OK;
}

static int pair_cmp(const void *x, const void *y)
{
	const report_pair *a = x, *b = y;

	return (a->think > b->think) - (a->think < b->think);
}

static double ratio(double a, double b)
{
	return isfinite(a) && isfinite(b) && b > 0 ? a / b : NAN;
}

static int finish_pairs(loader *ld, const size_t *remap)
{
	report *r = ld->r;

	if (!ld->n_pairs)
		return TB_OK;
	r->pairs = calloc(ld->n_pairs, sizeof(*r->pairs));
	if (!r->pairs)
		return tb_seterr(ld->err, ld->errlen, "out of memory pairing modes");
	for (size_t i = 0; i < ld->n_pairs; i++) {
		pair_acc *p = &ld->pairs[i];
		report_pair *q = &r->pairs[i];
		const report_cell *t, *n;
		double dacc;

		q->think = remap[p->think];
		q->nothink = remap[p->nothink];
		t = &r->cells[q->think];
		n = &r->cells[q->nothink];
		q->items = (long)p->d.n;
		stats_paired_ci(&p->d, &q->diff, &q->diff_lo, &q->diff_hi);
		/* a difference of accuracies lies in -1..1; so does its interval */
		q->diff_lo = fmax(q->diff_lo, -1.0);
		q->diff_hi = fmin(q->diff_hi, 1.0);
		q->flip_up = p->up;
		q->flip_down = p->down;
		memcpy(q->up_ids, p->up_ids, sizeof(q->up_ids));
		memcpy(q->down_ids, p->down_ids, sizeof(q->down_ids));
		memset(p->up_ids, 0, sizeof(p->up_ids));
		memset(p->down_ids, 0, sizeof(p->down_ids));
		q->latency_ratio = ratio(t->total_mean, n->total_mean);
		q->token_ratio = ratio(t->completion_mean, n->completion_mean);
		q->cost_ratio = ratio(t->cost_per_sample, n->cost_per_sample);
		dacc = t->accuracy - n->accuracy;
		q->extra_cost_per_correct = q->extra_secs_per_correct = NAN;
		if (dacc > 0) {
			q->extra_cost_per_correct = (t->cost_per_sample - n->cost_per_sample) / dacc;
			q->extra_secs_per_correct = (t->total_mean - n->total_mean) / 1000.0 / dacc;
		}
	}
	r->n_pairs = ld->n_pairs;
	qsort(r->pairs, r->n_pairs, sizeof(*r->pairs), pair_cmp);
	return TB_OK;
}

int report_load(tb_store *st, report **out, char *err, size_t errlen)
{
	loader ld = {.err = err, .errlen = errlen};
	tb_run_info run;
	size_t *remap = NULL;
	int rc = TB_ERR, have_run = 0;

	*out = NULL;
	ld.r = calloc(1, sizeof(*ld.r));
	if (!ld.r) {
		tb_seterr(err, errlen, "out of memory loading a report");
		goto out;
	}
	if (store_get_run(st, &run, err, errlen) != TB_OK)
		goto out;
	have_run = 1;
	if (items_load(ld.r, st, err, errlen) != TB_OK ||
	    store_each_cell(st, on_cell, &ld, err, errlen) != 0 ||
	    store_each_sample(st, on_sample, &ld, err, errlen) != 0 ||
	    (ld.cur_item && flush_item(&ld) != TB_OK))
		goto out;
	if (finish_agg(&ld.cells, &ld.r->cells, &ld.r->n, &remap, err, errlen) != TB_OK ||
	    finish_agg(&ld.langs, &ld.r->by_lang, &ld.r->n_lang, NULL, err, errlen) != TB_OK ||
	    finish_agg(&ld.tags, &ld.r->by_tag, &ld.r->n_tag, NULL, err, errlen) != TB_OK)
		goto out;
	if (finish_pairs(&ld, remap) != TB_OK)
		goto out;
	rc = TB_OK;
out:
	free(remap);
	free_entries(&ld);
	free(ld.ent);
	free(ld.cur_item);
	free(ld.cur_suite);
	for (size_t i = 0; i < ld.n_pairs; i++)
		for (int k = 0; k < REPORT_FLIP_IDS; k++) {
			free(ld.pairs[i].up_ids[k]);
			free(ld.pairs[i].down_ids[k]);
		}
	free(ld.pairs);
	/* rows not handed over (on failure) still own their strings */
	for (size_t i = 0; i < ld.cells.n; i++)
		free_cell(&ld.cells.cells[i]);
	for (size_t i = 0; i < ld.langs.n; i++)
		free_cell(&ld.langs.cells[i]);
	for (size_t i = 0; i < ld.tags.n; i++)
		free_cell(&ld.tags.cells[i]);
	release_agg(&ld.cells);
	release_agg(&ld.langs);
	release_agg(&ld.tags);
	if (have_run)
		store_run_info_release(&run);
	if (rc == TB_OK)
		*out = ld.r;
	else
		report_free(ld.r);
	return rc;
}

static void free_cells(report_cell *c, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free_cell(&c[i]);
	free(c);
}

void report_free(report *r)
{
	if (!r)
		return;
	free_cells(r->cells, r->n);
	free_cells(r->by_lang, r->n_lang);
	free_cells(r->by_tag, r->n_tag);
	for (size_t i = 0; i < r->n_pairs; i++)
		for (int k = 0; k < REPORT_FLIP_IDS; k++) {
			free(r->pairs[i].up_ids[k]);
			free(r->pairs[i].down_ids[k]);
		}
	free(r->pairs);
	items_free(r->items);
	free(r);
}

/* ---- the text table ---- */

enum { COL_SUITE, COL_MODEL, COL_MODE, COL_BUDGET, COL_N, COL_ACC, COL_TOTAL, COL_TTFT, COL_TOK,
       COL_COST, COL_ERR, NCOL };

static const char *const col_head[NCOL] = {
	"suite", "model", "mode", "budget", "n", "acc% [95% CI]", "p50/p90 s", "ttft s",
	"tok p/a/r", "cost $", "err",
};
static const int col_right[NCOL] = {0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1};

#define FIELD_LEN 48

typedef struct row {
	const char *txt[NCOL];
	char buf[NCOL][FIELD_LEN];
} row;

static const char *base_name(const char *model)
{
	const char *slash = strrchr(model, '/');

	return slash && slash[1] ? slash + 1 : model;
}

static void fmt_secs(char *b, size_t len, double ms)
{
	double s = ms / 1000.0;

	if (isnan(ms))
		snprintf(b, len, "-");
	else if (s < 10)
		snprintf(b, len, "%.2f", s);
	else if (s < 1000)
		snprintf(b, len, "%.1f", s);
	else
		snprintf(b, len, "%.0f", s);
}

static void fmt_tokens(char *b, size_t len, double v)
{
	if (isnan(v))
		snprintf(b, len, "-");
	else if (v < 999.5)
		snprintf(b, len, "%.0f", v);
	else if (v < 9950)
		snprintf(b, len, "%.1fk", v / 1e3);
	else if (v < 999500)
		snprintf(b, len, "%.0fk", v / 1e3);
	else
		snprintf(b, len, "%.1fM", v / 1e6);
}

static void fill_row(row *w, const report_cell *c, int short_models)
{
	int unsupported = strcmp(c->status, "not_supported") == 0;
	char t[3][16];

	w->txt[COL_SUITE] = c->suite;
	w->txt[COL_MODEL] = short_models ? base_name(c->model) : c->model;
	w->txt[COL_MODE] = c->mode;
	for (int i = COL_BUDGET; i < NCOL; i++)
		w->txt[i] = w->buf[i];
	if (c->budget)
		snprintf(w->buf[COL_BUDGET], FIELD_LEN, "%ld", c->budget);
	else
		snprintf(w->buf[COL_BUDGET], FIELD_LEN, "-");
	if (c->n_planned > c->n)
		snprintf(w->buf[COL_N], FIELD_LEN, "%ld/%ld", c->n, c->n_planned);
	else
		snprintf(w->buf[COL_N], FIELD_LEN, "%ld", c->n);
	if (unsupported)
		snprintf(w->buf[COL_ACC], FIELD_LEN, "not supported");
	else if (c->graded == 0)
		snprintf(w->buf[COL_ACC], FIELD_LEN, "-");
	else
		/* the bounds are rounded outwards, never narrowing the interval */
		snprintf(w->buf[COL_ACC], FIELD_LEN, "%.1f [%.0f-%.0f]", c->accuracy * 100,
			 floor(c->acc_lo * 100), ceil(c->acc_hi * 100));
	if (isnan(c->total_p50)) {
		snprintf(w->buf[COL_TOTAL], FIELD_LEN, "-");
	} else {
		fmt_secs(t[0], sizeof(t[0]), c->total_p50);
		fmt_secs(t[1], sizeof(t[1]), c->total_p90);
		snprintf(w->buf[COL_TOTAL], FIELD_LEN, "%s/%s", t[0], t[1]);
	}
	fmt_secs(w->buf[COL_TTFT], FIELD_LEN, c->ttft_p50);
	fmt_tokens(t[0], sizeof(t[0]), c->prompt_mean);
	fmt_tokens(t[1], sizeof(t[1]), c->answer_mean);
	fmt_tokens(t[2], sizeof(t[2]), c->reasoning_mean);
	if (c->n == 0)
		snprintf(w->buf[COL_TOK], FIELD_LEN, "-");
	else
		snprintf(w->buf[COL_TOK], FIELD_LEN, "%s/%s/%s", t[0], t[1], t[2]);
	if (c->n == 0 || c->cost_unknown == c->n)
		snprintf(w->buf[COL_COST], FIELD_LEN, "-");
	else
		snprintf(w->buf[COL_COST], FIELD_LEN, "%.*f%s", c->cost_usd < 10 ? 4 : 2, c->cost_usd,
			 c->cost_unknown ? "?" : "");
	snprintf(w->buf[COL_ERR], FIELD_LEN, "%ld", c->count[TB_OUT_ERROR]);
}

/* Writes s in exactly width columns: control bytes shown as '?', a longer
 * text cut at a character boundary and ended with '~'. */
static void put_field(FILE *f, const char *s, size_t width, int right)
{
	size_t len = tb_text_columns(s), shown = len > width ? width - 1 : len, n = 0;

	if (right && len < width)
		fprintf(f, "%*s", (int)(width - len), "");
	for (const char *p = s; *p; p++) {
		unsigned char ch = (unsigned char)*p;

		if ((ch & 0xC0) != 0x80 && n++ == shown)
			break;
		fputc(ch < 0x20 || ch == 0x7f ? '?' : ch, f);
	}
	if (len > width)
		fputc('~', f);
	if (!right && len < width)
		fprintf(f, "%*s", (int)(width - len), "");
}

static size_t measure(const report *r, int short_models, size_t width[NCOL])
{
	row w;
	size_t total = NCOL - 1;

	for (int i = 0; i < NCOL; i++)
		width[i] = strlen(col_head[i]);
	for (size_t k = 0; k < r->n; k++) {
		fill_row(&w, &r->cells[k], short_models);
		for (int i = 0; i < NCOL; i++) {
			size_t n = tb_text_columns(w.txt[i]);

			if (n > width[i])
				width[i] = n;
		}
	}
	for (int i = 0; i < NCOL; i++)
		total += width[i];
	return total;
}

static void shrink(size_t width[NCOL], size_t *total, int col, size_t min)
{
	while (*total > TABLE_WIDTH && width[col] > min) {
		width[col]--;
		(*total)--;
	}
}

static void put_row(FILE *f, const char *const txt[NCOL], const size_t width[NCOL])
{
	for (int i = 0; i < NCOL; i++) {
		put_field(f, txt[i], width[i], col_right[i]);
		fputc(i + 1 < NCOL ? ' ' : '\n', f);
	}
}

static void put_cell_name(FILE *f, const report_cell *c)
{
	put_field(f, c->suite, tb_text_columns(c->suite), 0);
	fputc(' ', f);
	put_field(f, c->model, tb_text_columns(c->model), 0);
	fputc(' ', f);
	put_field(f, c->mode, tb_text_columns(c->mode), 0);
	if (c->budget)
		fprintf(f, " budget %ld", c->budget);
}

static void put_notes(FILE *f, const report *r)
{
	int incomplete = 0, unknown_cost = 0;

	fprintf(f, "\nacc%% = correct / (correct + incorrect + partial + no_answer + truncated), with its 95%%\n"
		   "Wilson interval; samples in error or ungraded are left out and counted apart.\n"
		   "Times are p50/p90 seconds; tok p/a/r = mean prompt / answer / reasoning tokens.\n");
	for (size_t i = 0; i < r->n; i++) {
		const report_cell *c = &r->cells[i];

		incomplete |= c->n_planned > c->n;
		unknown_cost |= c->cost_unknown > 0 && c->cost_unknown < c->n;
		if (c->mode_leaks) {
			fputs("mode leak: ", f);
			put_cell_name(f, c);
			fprintf(f, ": %ld of %ld samples\n", c->mode_leaks, c->n);
		}
		if (c->count[TB_OUT_UNGRADED]) {
			fputs("ungraded: ", f);
			put_cell_name(f, c);
			fprintf(f, ": %ld of %ld samples\n", c->count[TB_OUT_UNGRADED], c->n);
		}
		if (c->n_planned < 0) {
			fputs("not in the run's plan: ", f);
			put_cell_name(f, c);
			fputc('\n', f);
		}
	}
	if (incomplete)
		fputs("n a/b: a samples stored of b planned\n", f);
	if (unknown_cost)
		fputs("cost ?: some samples' cost is unknown and not in the sum\n", f);
}


/* Colour only on a terminal, and never with NO_COLOR set (no-color.org). */
static int use_colour(FILE *f)
{
	const char *nc = getenv("NO_COLOR");

	return isatty(fileno(f)) && !(nc && *nc);
}

void report_put_field(FILE *f, const char *s, size_t width)
{
	put_field(f, s, width, 0);
}

static void put_name(FILE *f, const char *s, size_t width)
{
	put_field(f, s, width, 0);
	fputc(' ', f);
}

static void put_budget(FILE *f, long budget)
{
	if (budget)
		fprintf(f, "%6ld ", budget);
	else
		fprintf(f, "%6s ", "-");
}

/* What names a row of the per-cell tables: suite, model, mode, budget. */
static void put_key(FILE *f, const report_cell *c, size_t suite_width)
{
	put_name(f, c->suite, suite_width);
	put_name(f, base_name(c->model), 14);
	put_name(f, c->mode, 7);
	put_budget(f, c->budget);
}

static void put_num(FILE *f, int width, int prec, double v)
{
	if (isfinite(v))
		fprintf(f, "%*.*f", width, prec, v);
	else
		fprintf(f, "%*s", width, "-");
}

/* Outcomes, tail latency and throughput per cell. */
static void put_outcomes(FILE *f, const report *r, const char *bold, const char *plain)
{
	int any = 0;

	for (size_t i = 0; i < r->n; i++)
		any |= r->cells[i].n > 0;
	if (!any)
		return;
	fprintf(f, "\n%soutcomes%s\n%-10s %-14s %-7s %6s %5s %5s %5s %5s %5s %4s %4s %6s %6s %5s\n",
		bold, plain, "suite", "model", "mode", "budget", "ok", "wrong", "noans", "trunc",
		"wlang", "leak", "err", "p99 s", "ttfa s", "tok/s");
	for (size_t i = 0; i < r->n; i++) {
		const report_cell *c = &r->cells[i];

		if (!c->n)
			continue;
		put_key(f, c, 10);
		fprintf(f, "%5ld %5ld %5ld %5ld %5ld %4ld %4ld ", c->count[TB_OUT_CORRECT],
			c->count[TB_OUT_INCORRECT] + c->count[TB_OUT_PARTIAL], c->count[TB_OUT_NOANSWER],
			c->count[TB_OUT_TRUNCATED], c->wrong_lang, c->mode_leaks, c->count[TB_OUT_ERROR]);
		put_num(f, 6, 2, c->total_p99 / 1000);
		fputc(' ', f);
		put_num(f, 6, 2, c->ttfa_p50 / 1000);
		fputc(' ', f);
		put_num(f, 5, 0, c->out_tps);
		fputc('\n', f);
	}
}

/* pass@k, maj@k and the clustered interval, when some item has several samples. */
static void put_repeats(FILE *f, const report *r, const char *bold, const char *plain)
{
	int any = 0;

	for (size_t i = 0; i < r->n; i++)
		any |= r->cells[i].max_per_item > 1;
	if (!any)
		return;
	fprintf(f, "\n%ssamples per item%s\n%-12s %-14s %-7s %6s %5s %3s %7s %7s %7s %13s\n", bold,
		plain, "suite", "model", "mode", "budget", "items", "k", "pass@1", "pass@k", "maj@k",
		"clustered CI");
	for (size_t i = 0; i < r->n; i++) {
		const report_cell *c = &r->cells[i];

		if (!c->items)
			continue;
		put_key(f, c, 12);
		fprintf(f, "%5ld %3ld ", c->items, c->pass_k);
		put_num(f, 7, 3, c->pass_at_1);
		fputc(' ', f);
		put_num(f, 7, 3, c->pass_at_k);
		fputc(' ', f);
		put_num(f, 7, 3, c->maj_at_k);
		if (isfinite(c->acc_clu_lo))
			fprintf(f, "      [%.0f-%.0f]\n", floor(c->acc_clu_lo * 100), ceil(c->acc_clu_hi * 100));
		else
			fprintf(f, " %13s\n", "-");
	}
}

static void put_pairs(FILE *f, const report *r, const char *bold, const char *plain)
{
	if (!r->n_pairs)
		return;
	fprintf(f, "\n%sthinking against non-thinking, same items%s\n"
		   "%-10s %-12s %6s %5s %-20s %7s %5s %5s %5s %8s %7s\n",
		bold, plain, "suite", "model", "budget", "items", "diff pts [95% CI]", "up/down",
		"lat x", "tok x", "$ x", "$/extra", "s/extra");
	for (size_t i = 0; i < r->n_pairs; i++) {
		const report_pair *p = &r->pairs[i];
		const report_cell *t = &r->cells[p->think];
		char d[48], ud[24];

		put_name(f, t->suite, 10);
		put_name(f, base_name(t->model), 12);
		put_budget(f, t->budget);
		if (isfinite(p->diff_lo))
			/* the bounds rounded outwards, as in the main table */
			snprintf(d, sizeof(d), "%+.1f [%+.0f, %+.0f]", p->diff * 100,
				 floor(p->diff_lo * 100), ceil(p->diff_hi * 100));
		else if (isfinite(p->diff))
			snprintf(d, sizeof(d), "%+.1f", p->diff * 100);
		else
			snprintf(d, sizeof(d), "-");
		snprintf(ud, sizeof(ud), "%ld/%ld", p->flip_up, p->flip_down);
		fprintf(f, "%5ld %-20s %7s ", p->items, d, ud);
		put_num(f, 5, 1, p->latency_ratio);
		fputc(' ', f);
		put_num(f, 5, 1, p->token_ratio);
		fputc(' ', f);
		put_num(f, 5, 1, p->cost_ratio);
		fputc(' ', f);
		put_num(f, 8, 5, p->extra_cost_per_correct);
		fputc(' ', f);
		put_num(f, 7, 2, p->extra_secs_per_correct);
		fputc('\n', f);
	}
	fputs("up/down: items right only with thinking / only without (by majority of samples);\n"
	      "x: thinking over non-thinking (mean time, completion tokens, cost per sample);\n"
	      "$/extra, s/extra: extra cost and seconds per extra correct answer.\n", f);
	for (size_t i = 0; i < r->n_pairs; i++) {
		const report_pair *p = &r->pairs[i];

		for (int up = 1; up >= 0; up--) {
			char *const *ids = up ? p->up_ids : p->down_ids;

			if (!ids[0])
				continue;
			size_t col = (size_t)fprintf(f, "%s %s %s:", up ? "flips up" : "flips down",
						     r->cells[p->think].suite,
						     base_name(r->cells[p->think].model));

			for (int k = 0; k < REPORT_FLIP_IDS && ids[k]; k++) {
				/* wrapped to the table's width; ids are shown escaped */
				if (col + 1 + tb_text_columns(ids[k]) > TABLE_WIDTH - 4) {
					fputs("\n   ", f);
					col = 3;
				}
				fputc(' ', f);
				tb_text_put_visible(f, ids[k]);
				col += 1 + tb_text_columns(ids[k]);
			}
			if ((up ? p->flip_up : p->flip_down) > REPORT_FLIP_IDS)
				fputs(" ...", f);
			fputc('\n', f);
		}
	}
}

#define LANG_COLS 6

/* Accuracy by language: one row per language, one column per model x mode
 * x budget (the first LANG_COLS of them). */
static void put_langs(FILE *f, const report *r, const char *bold, const char *plain)
{
	const report_cell *cols[LANG_COLS];
	size_t n_cols = 0, more = 0;
	int langs = 0;

	for (size_t i = 0; i < r->n_lang; i++) {
		const report_cell *c = &r->by_lang[i];
		int seen = 0;

		langs += i == 0 || strcmp(c->suite, r->by_lang[i - 1].suite) != 0;
		for (size_t k = 0; k < n_cols && !seen; k++)
			seen = strcmp(cols[k]->model, c->model) == 0 && strcmp(cols[k]->mode, c->mode) == 0 &&
			       cols[k]->budget == c->budget;
		if (!seen && n_cols < LANG_COLS)
			cols[n_cols++] = c;
		else if (!seen)
			more++;
	}
	if (langs < 2)
		return;
	fprintf(f, "\n%saccuracy by language, %%%s\n%-8s", bold, plain, "lang");
	for (size_t k = 0; k < n_cols; k++) {
		fputc(' ', f);
		put_field(f, base_name(cols[k]->model), 14, 1);
	}
	fprintf(f, "\n%-8s", "");
	for (size_t k = 0; k < n_cols; k++) {
		char m[32];

		if (cols[k]->budget)
			snprintf(m, sizeof(m), "%s %ld", cols[k]->mode, cols[k]->budget);
		else
			snprintf(m, sizeof(m), "%s", cols[k]->mode);
		fprintf(f, " %14s", m);
	}
	fputc('\n', f);
	for (size_t i = 0; i < r->n_lang; i++) {
		const char *lang = r->by_lang[i].suite;

		if (i && strcmp(lang, r->by_lang[i - 1].suite) == 0)
			continue;
		put_field(f, lang, 8, 0);
		for (size_t k = 0; k < n_cols; k++) {
			const report_cell *c = NULL;

			for (size_t j = i; j < r->n_lang && strcmp(r->by_lang[j].suite, lang) == 0 && !c; j++)
				if (strcmp(r->by_lang[j].model, cols[k]->model) == 0 &&
				    strcmp(r->by_lang[j].mode, cols[k]->mode) == 0 &&
				    r->by_lang[j].budget == cols[k]->budget)
					c = &r->by_lang[j];
			fputc(' ', f);
			put_num(f, 14, 1, c && c->graded ? c->accuracy * 100 : NAN);
		}
		fputc('\n', f);
	}
	if (more)
		fprintf(f, "(%zu more model/mode columns in by_lang.csv)\n", more);
}

int report_print_table(const report *r, FILE *out, const tb_run_info *run)
{
	size_t width[NCOL], total;
	int short_models = 0;
	row w;

	int colour = use_colour(out);
	const char *bold = colour ? "\033[1m" : "", *plain = colour ? "\033[0m" : "";

	if (run && run->simulated)
		fprintf(out, "%s%s%s\n", colour ? "\033[1;33m" : "", SIMULATED_LINE, plain);
	if (run && json_is_true(json_object_get(run->options, "unsafe_exec")))
		fprintf(out, "%s\n", UNSAFE_EXEC_LINE);
	if (run) {
		fputs("run ", out);
		put_field(out, run->run_id, tb_text_columns(run->run_id), 0);
		fprintf(out, "  thinkbench %s  %s  %s", run->version, run->status,
			run->started[0] ? run->started : "?");
		if (run->ended[0])
			fprintf(out, " to %s", run->ended);
		fputs("\n\n", out);
	}
	total = measure(r, 0, width);
	if (total > TABLE_WIDTH) {
		short_models = 1;
		total = measure(r, 1, width);
	}
	shrink(width, &total, COL_MODEL, 8);
	shrink(width, &total, COL_SUITE, 5);
	fputs(bold, out);
	put_row(out, col_head, width);
	fputs(plain, out);
	for (size_t k = 0; k < r->n; k++) {
		fill_row(&w, &r->cells[k], short_models);
		put_row(out, w.txt, width);
	}
	if (r->n == 0)
		fputs("(no cells and no samples in this store)\n", out);
	put_notes(out, r);
	put_outcomes(out, r, bold, plain);
	put_repeats(out, r, bold, plain);
	put_pairs(out, r, bold, plain);
	put_langs(out, r, bold, plain);
	return ferror(out) ? TB_ERR : TB_OK;
}

/* ---- CSV ---- */

typedef struct csv_ctx {
	csv_writer w;
	const tb_run_info *run;
	const report *r;
	tb_store *st;
	const char *path;     /* the temporary file, for messages */
	char *err;
	size_t errlen;
} csv_ctx;

static int write_failed(csv_ctx *x)
{
	return tb_seterr(x->err, x->errlen, "cannot write '%s': %s", x->path, strerror(errno));
}

static const char *const sample_head[] = {
	"run_id", "suite", "item_id", "model", "mode", "budget", "sample", "outcome",
	"extracted", "expected", "prompt_tokens", "completion_tokens", "reasoning_tokens",
	"cost_usd", "ttft_ms", "ttfa_ms", "total_ms", "finish_reason", "attempts", "error",
	"lang", "provider", "generation_id", "mode_leak", "lang_check", "http_status",
	"simulated", "usage_invalid", "grade_path",
};

static int on_sample_row(void *ud, const tb_sample *s)
{
	csv_ctx *x = ud;
	csv_writer *w = &x->w;

	csv_str(w, x->run->run_id);
	csv_str(w, s->suite);
	csv_str(w, s->item_id);
	csv_str(w, s->model);
	csv_str(w, s->mode);
	csv_long(w, s->budget);
	csv_long(w, s->sample);
	csv_str(w, tb_outcome_name(s->outcome));
	csv_untrusted(w, s->extracted);
	csv_str(w, s->expected);
	csv_count(w, s->prompt_tokens);
	csv_count(w, s->completion_tokens);
	csv_count(w, s->reasoning_tokens);
	csv_double(w, s->cost_usd);
	csv_double(w, s->ttft_ms);
	csv_double(w, s->ttfa_ms);
	csv_double(w, s->total_ms);
	csv_untrusted(w, s->finish_reason);
	csv_long(w, s->attempts);
	csv_untrusted(w, s->error);
	csv_str(w, s->lang);
	csv_untrusted(w, s->provider);
	csv_untrusted(w, s->generation_id);
	csv_long(w, s->mode_leak);
	/* GR_LANG_UNCHECKED (-1) is unknown; 0 wrong, 1 right */
	csv_count(w, s->lang_check);
	/* 0: no response */
	csv_count(w, s->http_status > 0 ? s->http_status : -1);
	/* CSV's first line is its header, so every row says whether it was simulated */
	csv_long(w, x->run->simulated != 0);
	csv_long(w, s->usage_invalid);
	csv_str(w, s->grade_path ? s->grade_path : "");
	if (report_trace_csv_row(w, x->st, s, x->err, x->errlen) != TB_OK)
		return TB_ERR;
	csv_end(w);
	return csv_error(w) == TB_OK ? 0 : write_failed(x);
}

static int samples_body(tb_store *st, csv_ctx *x)
{
	for (size_t i = 0; i < sizeof(sample_head) / sizeof(sample_head[0]); i++)
		csv_str(&x->w, sample_head[i]);
	report_trace_csv_head(&x->w);
	csv_end(&x->w);
	x->st = st;
	if (csv_error(&x->w) != TB_OK)
		return write_failed(x);
	return store_each_sample(st, on_sample_row, x, x->err, x->errlen) == 0 ? TB_OK : TB_ERR;
}

static int summary_body(tb_store *st, csv_ctx *x)
{
	static const char *const head1[] = {"run_id", "simulated", "suite", "model", "mode",
					    "budget", "status", "n_planned", "n"};
	static const char *const head2[] = {
		"graded", "accuracy", "acc_lo95", "acc_hi95", "total_ms_p50", "total_ms_p90",
		"ttft_ms_p50", "ttft_ms_p90", "ttfa_ms_p50", "mean_prompt_tokens",
		"mean_completion_tokens", "mean_reasoning_tokens", "mean_answer_tokens", "cost_usd",
		"cost_unknown", "mode_leaks", "wrong_language", "acc_clustered_lo95",
		"acc_clustered_hi95", "items", "pass_k", "pass_at_1", "pass_at_k", "maj_at_k",
		"total_ms_mean", "total_ms_p99", "ttft_ms_p99", "ttfa_ms_p90", "ttfa_ms_p99",
		"output_tokens_per_s", "total_prompt_tokens", "total_completion_tokens",
		"total_reasoning_tokens", "cost_per_sample_usd", "cost_per_correct_usd"};
	csv_writer *w = &x->w;

	(void)st;
	for (size_t i = 0; i < sizeof(head1) / sizeof(head1[0]); i++)
		csv_str(w, head1[i]);
	for (int o = 0; o < TB_OUT_COUNT; o++)
		csv_str(w, tb_outcome_name((tb_outcome)o));
	for (size_t i = 0; i < sizeof(head2) / sizeof(head2[0]); i++)
		csv_str(w, head2[i]);
	csv_end(w);
	for (size_t i = 0; i < x->r->n; i++) {
		const report_cell *c = &x->r->cells[i];

		csv_str(w, x->run->run_id);
		csv_long(w, x->run->simulated != 0);
		csv_str(w, c->suite);
		csv_str(w, c->model);
		csv_str(w, c->mode);
		csv_long(w, c->budget);
		csv_str(w, c->status);
		csv_count(w, c->n_planned);
		csv_long(w, c->n);
		for (int o = 0; o < TB_OUT_COUNT; o++)
			csv_long(w, c->count[o]);
		csv_long(w, c->graded);
		csv_double_sig(w, c->accuracy, SUMMARY_DIGITS);
		csv_double_sig(w, c->acc_lo, SUMMARY_DIGITS);
		csv_double_sig(w, c->acc_hi, SUMMARY_DIGITS);
		csv_double_sig(w, c->total_p50, SUMMARY_DIGITS);
		csv_double_sig(w, c->total_p90, SUMMARY_DIGITS);
		csv_double_sig(w, c->ttft_p50, SUMMARY_DIGITS);
		csv_double_sig(w, c->ttft_p90, SUMMARY_DIGITS);
		csv_double_sig(w, c->ttfa_p50, SUMMARY_DIGITS);
		csv_double_sig(w, c->prompt_mean, SUMMARY_DIGITS);
		csv_double_sig(w, c->completion_mean, SUMMARY_DIGITS);
		csv_double_sig(w, c->reasoning_mean, SUMMARY_DIGITS);
		csv_double_sig(w, c->answer_mean, SUMMARY_DIGITS);
		csv_double_sig(w, c->cost_usd, SUMMARY_DIGITS);
		csv_long(w, c->cost_unknown);
		csv_long(w, c->mode_leaks);
		csv_long(w, c->wrong_lang);
		csv_double_sig(w, c->acc_clu_lo, SUMMARY_DIGITS);
		csv_double_sig(w, c->acc_clu_hi, SUMMARY_DIGITS);
		csv_long(w, c->items);
		csv_long(w, c->pass_k);
		csv_double_sig(w, c->pass_at_1, SUMMARY_DIGITS);
		csv_double_sig(w, c->pass_at_k, SUMMARY_DIGITS);
		csv_double_sig(w, c->maj_at_k, SUMMARY_DIGITS);
		csv_double_sig(w, c->total_mean, SUMMARY_DIGITS);
		csv_double_sig(w, c->total_p99, SUMMARY_DIGITS);
		csv_double_sig(w, c->ttft_p99, SUMMARY_DIGITS);
		csv_double_sig(w, c->ttfa_p90, SUMMARY_DIGITS);
		csv_double_sig(w, c->ttfa_p99, SUMMARY_DIGITS);
		csv_double_sig(w, c->out_tps, SUMMARY_DIGITS);
		csv_double_sig(w, c->prompt_total, SUMMARY_DIGITS);
		csv_double_sig(w, c->completion_total, SUMMARY_DIGITS);
		csv_double_sig(w, c->reasoning_total, SUMMARY_DIGITS);
		csv_double_sig(w, c->cost_per_sample, SUMMARY_DIGITS);
		csv_double_sig(w, c->cost_per_correct, SUMMARY_DIGITS);
		csv_end(w);
	}
	return csv_error(w) == TB_OK ? TB_OK : write_failed(x);
}

/* Writes <dir>/<name> through <dir>/<name>.tmp and a rename. */
static int write_file(tb_store *st, csv_ctx *x, const char *dir, const char *name,
		      int (*body)(tb_store *, csv_ctx *))
{
	char path[4096], tmp[4200];
	FILE *f = NULL;
	int rc = TB_ERR, n;

	n = snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (n < 0 || (size_t)n >= sizeof(path))
		return tb_seterr(x->err, x->errlen, "output folder name too long: '%s'", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	x->path = tmp;
	f = fopen(tmp, "wb");
	if (!f)
		return tb_seterr(x->err, x->errlen, "cannot write '%s': %s", tmp, strerror(errno));
	csv_init(&x->w, f);
	if (body(st, x) != TB_OK)
		goto out;
	if (fflush(f) != 0) {
		write_failed(x);
		goto out;
	}
	rc = TB_OK;
out:
	if (fclose(f) != 0 && rc == TB_OK)
		rc = write_failed(x);
	if (rc == TB_OK && rename(tmp, path) != 0)
		rc = tb_seterr(x->err, x->errlen, "cannot rename '%s' to '%s': %s", tmp, path,
			       strerror(errno));
	if (rc != TB_OK)
		unlink(tmp);
	return rc;
}

int report_write_csv(tb_store *st, const report *r, const char *dir, char *err, size_t errlen)
{
	tb_run_info run;
	csv_ctx x = {.r = r, .run = &run, .err = err, .errlen = errlen};
	int rc;

	if (store_get_run(st, &run, err, errlen) != TB_OK)
		return TB_ERR;
	rc = write_file(st, &x, dir, "samples.csv", samples_body);
	if (rc == TB_OK)
		rc = write_file(st, &x, dir, "summary.csv", summary_body);
	store_run_info_release(&run);
	return rc;
}

/* ---- modes.csv, by_lang.csv, by_tag.csv ---- */

static void pair_row_name(csv_writer *w, const report *r, const report_pair *p)
{
	const report_cell *t = &r->cells[p->think], *n = &r->cells[p->nothink];

	csv_str(w, t->suite);
	csv_str(w, t->model);
	csv_long(w, t->budget);
	csv_long(w, n->budget);
}

static int modes_body(tb_store *st, csv_ctx *x)
{
	static const char *const head[] = {
		"run_id", "simulated", "suite", "model", "think_budget", "nothink_budget", "items",
		"acc_think", "acc_nothink", "acc_diff", "diff_lo95", "diff_hi95", "flip_up",
		"flip_down", "flip_up_items", "flip_down_items", "latency_ratio", "token_ratio",
		"cost_ratio", "extra_cost_per_correct_usd", "extra_seconds_per_correct"};
	csv_writer *w = &x->w;
	tb_buf ids;

	(void)st;
	for (size_t i = 0; i < sizeof(head) / sizeof(head[0]); i++)
		csv_str(w, head[i]);
	csv_end(w);
	tb_buf_init(&ids, 64 * 1024);
	for (size_t i = 0; i < x->r->n_pairs; i++) {
		const report_pair *p = &x->r->pairs[i];

		csv_str(w, x->run->run_id);
		csv_long(w, x->run->simulated != 0);
		pair_row_name(w, x->r, p);
		csv_long(w, p->items);
		csv_double_sig(w, x->r->cells[p->think].accuracy, SUMMARY_DIGITS);
		csv_double_sig(w, x->r->cells[p->nothink].accuracy, SUMMARY_DIGITS);
		csv_double_sig(w, p->diff, SUMMARY_DIGITS);
		csv_double_sig(w, p->diff_lo, SUMMARY_DIGITS);
		csv_double_sig(w, p->diff_hi, SUMMARY_DIGITS);
		csv_long(w, p->flip_up);
		csv_long(w, p->flip_down);
		for (int up = 1; up >= 0; up--) {
			char *const *v = up ? p->up_ids : p->down_ids;

			tb_buf_reset(&ids);
			for (int k = 0; k < REPORT_FLIP_IDS && v[k]; k++)
				tb_buf_addf(&ids, "%s%s", k ? " " : "", v[k]);
			csv_str(w, tb_buf_str(&ids));
		}
		csv_double_sig(w, p->latency_ratio, SUMMARY_DIGITS);
		csv_double_sig(w, p->token_ratio, SUMMARY_DIGITS);
		csv_double_sig(w, p->cost_ratio, SUMMARY_DIGITS);
		csv_double_sig(w, p->extra_cost_per_correct, SUMMARY_DIGITS);
		csv_double_sig(w, p->extra_secs_per_correct, SUMMARY_DIGITS);
		csv_end(w);
	}
	tb_buf_release(&ids);
	return csv_error(w) == TB_OK ? TB_OK : write_failed(x);
}

static int breakdown_body(csv_ctx *x, const char *what, const report_cell *rows, size_t n)
{
	static const char *const head[] = {
		"model", "mode", "budget", "n", "graded", "correct", "accuracy", "acc_lo95",
		"acc_hi95", "error", "wrong_language", "total_ms_p50", "mean_completion_tokens",
		"cost_usd"};
	csv_writer *w = &x->w;

	csv_str(w, "run_id");
	csv_str(w, "simulated");
	csv_str(w, what);
	for (size_t i = 0; i < sizeof(head) / sizeof(head[0]); i++)
		csv_str(w, head[i]);
	csv_end(w);
	for (size_t i = 0; i < n; i++) {
		const report_cell *c = &rows[i];

		csv_str(w, x->run->run_id);
		csv_long(w, x->run->simulated != 0);
		csv_str(w, c->suite);
		csv_str(w, c->model);
		csv_str(w, c->mode);
		csv_long(w, c->budget);
		csv_long(w, c->n);
		csv_long(w, c->graded);
		csv_long(w, c->count[TB_OUT_CORRECT]);
		csv_double_sig(w, c->accuracy, SUMMARY_DIGITS);
		csv_double_sig(w, c->acc_lo, SUMMARY_DIGITS);
		csv_double_sig(w, c->acc_hi, SUMMARY_DIGITS);
		csv_long(w, c->count[TB_OUT_ERROR]);
		csv_long(w, c->wrong_lang);
		csv_double_sig(w, c->total_p50, SUMMARY_DIGITS);
		csv_double_sig(w, c->completion_mean, SUMMARY_DIGITS);
		csv_double_sig(w, c->cost_usd, SUMMARY_DIGITS);
		csv_end(w);
	}
	return csv_error(w) == TB_OK ? TB_OK : write_failed(x);
}

static int lang_body(tb_store *st, csv_ctx *x)
{
	(void)st;
	return breakdown_body(x, "lang", x->r->by_lang, x->r->n_lang);
}

static int tag_body(tb_store *st, csv_ctx *x)
{
	(void)st;
	return breakdown_body(x, "tag", x->r->by_tag, x->r->n_tag);
}

int report_write_csv_extra(const report *r, const tb_run_info *run, const char *dir,
			   char *err, size_t errlen)
{
	csv_ctx x = {.r = r, .run = run, .err = err, .errlen = errlen};

	if (write_file(NULL, &x, dir, "modes.csv", modes_body) != TB_OK ||
	    write_file(NULL, &x, dir, "by_lang.csv", lang_body) != TB_OK ||
	    write_file(NULL, &x, dir, "by_tag.csv", tag_body) != TB_OK)
		return TB_ERR;
	return TB_OK;
}
