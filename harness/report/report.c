#include "report.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
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
	report_flip *flips;
	size_t n_flips, cap_flips;
} pair_acc;

/* A breakdown row (by_lang, by_tag) within the current item: its per-item
 * counts feed the row's clustered interval. */
typedef struct group_entry {
	agg *a;
	size_t row;                 /* stable id in a */
	long graded, correct;
} group_entry;

typedef struct loader {
	report *r;
	agg cells, langs, tags;
	item_entry *ent;
	size_t n_ent, cap_ent;
	group_entry *gent;
	size_t n_gent, cap_gent;
	char *cur_suite, *cur_item;
	const char *cur_tags;       /* the current item's tag set, NULL when none */
	pair_acc *pairs;
	size_t n_pairs, cap_pairs;
	char *err;
	size_t errlen;
} loader;

typedef struct cell_key {
	const char *suite, *group, *model, *mode; /* group: NULL in cells */
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
		d = strcmp(c->group ? c->group : "", k->group ? k->group : "");
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
	c->group = k->group ? strdup(k->group) : NULL;
	if (!c->suite || !c->model || !c->mode || (k->group && !c->group))
		return tb_seterr(err, errlen, "out of memory reading the cells");
	return TB_OK;
}

static int on_cell(void *ud, const tb_cell *c)
{
	loader *ld = ud;
	cell_key k = {c->suite, NULL, c->model, c->mode, c->budget};
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

/* Adds one sample to the row of agg a keyed by (its suite, group, model,
 * mode, budget); *id is the row's stable id. */
static int add_to(loader *ld, agg *a, const char *group, const tb_sample *s, size_t *id)
{
	cell_key k = {s->suite, group, s->model, s->mode, s->budget};
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

static void free_flips(report_flip *f, size_t n)
{
	for (size_t i = 0; f && i < n; i++)
		free(f[i].item_id);
	free(f);
}

static int keep_flip(pair_acc *p, const char *item, int up, double think, double nothink)
{
	report_flip *f;

	if (p->n_flips == p->cap_flips) {
		size_t cap = p->cap_flips ? p->cap_flips * 2 : 16;

		/* at most one flip per item of the cell */
		if (cap > MAX_CELL_SAMPLES)
			return TB_NOMEM;
		f = realloc(p->flips, cap * sizeof(*f));
		if (!f)
			return TB_NOMEM;
		p->flips = f;
		p->cap_flips = cap;
	}
	f = &p->flips[p->n_flips];
	f->item_id = strdup(item);
	if (!f->item_id)
		return TB_NOMEM;
	f->up = up;
	f->think = think;
	f->nothink = nothink;
	p->n_flips++;
	return TB_OK;
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
	if (up != nup) {
		if (keep_flip(p, item, up, mt, mn) != TB_OK)
			return tb_seterr(ld->err, ld->errlen, "out of memory pairing modes");
		if (up)
			p->up++;
		else
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
	for (size_t i = 0; i < ld->n_gent && rc == TB_OK; i++) {
		const group_entry *g = &ld->gent[i];
		accum *x = &g->a->acc[g->row];

		if (!g->graded)
			continue;
		stats_cluster_add(&x->clu, (double)g->graded, (double)g->correct);
		x->pass1_sum += (double)g->correct / (double)g->graded;
		rc = add_run(&x->runs, g->graded, g->correct);
		if (rc == TB_TOOBIG)
			rc = tb_seterr(ld->err, ld->errlen, "a breakdown row has more than %zu items",
				       MAX_CELL_SAMPLES);
		else if (rc != TB_OK)
			rc = tb_seterr(ld->err, ld->errlen, "out of memory reading the samples");
	}
	ld->n_gent = 0;
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

/* Counts s in the current item's entry for breakdown row (a, row). */
static int note_group(loader *ld, agg *a, size_t row, const tb_sample *s)
{
	group_entry *g = NULL;

	for (size_t i = ld->n_gent; i-- > 0 && !g;)
		if (ld->gent[i].a == a && ld->gent[i].row == row)
			g = &ld->gent[i];
	if (!g) {
		if (ld->n_gent == MAX_ITEM_ENTRIES)
			return tb_seterr(ld->err, ld->errlen,
					 "item '%s' has samples in more than %d breakdown rows",
					 s->item_id, MAX_ITEM_ENTRIES);
		if (ld->n_gent == ld->cap_gent) {
			size_t cap = ld->cap_gent ? ld->cap_gent * 2 : 8;
			group_entry *v = realloc(ld->gent, cap * sizeof(*v));

			if (!v)
				return tb_seterr(ld->err, ld->errlen, "out of memory reading the samples");
			ld->gent = v;
			ld->cap_gent = cap;
		}
		g = &ld->gent[ld->n_gent++];
		*g = (group_entry){.a = a, .row = row};
	}
	if (tb_outcome_is_graded(s->outcome)) {
		g->graded++;
		g->correct += s->outcome == TB_OUT_CORRECT;
	}
	return TB_OK;
}

static int on_sample(void *ud, const tb_sample *s)
{
	loader *ld = ud;
	item_entry *e = NULL;
	size_t id, row;

	if ((unsigned)s->outcome >= TB_OUT_COUNT)
		return tb_seterr(ld->err, ld->errlen, "sample '%s' has an invalid outcome", s->item_id);
	if (new_item(ld, s) != TB_OK || add_to(ld, &ld->cells, NULL, s, &id) != TB_OK)
		return TB_ERR;
	ld->r->samples++;
	if (add_to(ld, &ld->langs, s->lang && *s->lang ? s->lang : "(none)", s, &row) != TB_OK ||
	    note_group(ld, &ld->langs, row, s) != TB_OK)
		return TB_ERR;
	if (ld->cur_tags) {
		const char *t = ld->cur_tags + 1;

		for (unsigned char k = 0; k < (unsigned char)ld->cur_tags[0]; k++, t += strlen(t) + 1)
			if (add_to(ld, &ld->tags, t, s, &row) != TB_OK ||
			    note_group(ld, &ld->tags, row, s) != TB_OK)
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
	free(c->group);
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
			/* no answers are voted on in a breakdown row */
			a->cells[id].maj_at_k = NAN;
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
		q->flips = p->flips;
		p->flips = NULL;
		p->n_flips = 0;
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

/* Re-grades: counted, their latest time and their grader versions noted. */
static int on_grading(void *ud, const tb_grading *g)
{
	report *r = ud;
	const char *v = g->grader_version && *g->grader_version ? g->grader_version : "?";
	size_t have = strlen(r->regrade_versions), vlen = strlen(v);
	const char *p = r->regrade_versions;
	int seen = 0;

	if (g->grading != 1)
		return 0;
	r->regraded++;
	if (g->graded_at && strcmp(g->graded_at, r->regraded_at) > 0)
		snprintf(r->regraded_at, sizeof(r->regraded_at), "%s", g->graded_at);
	while (*p && !seen) {
		size_t n = strcspn(p, " ");

		seen = n == vlen && strncmp(p, v, n) == 0;
		p += n + (p[n] == ' ');
	}
	if (!seen && have + vlen + 2 < sizeof(r->regrade_versions))
		snprintf(r->regrade_versions + have, sizeof(r->regrade_versions) - have, "%s%s",
			 have ? " " : "", v);
	return 0;
}

void report_regrade_line(const report *r, char *buf, size_t len)
{
	if (!r->regraded) {
		snprintf(buf, len, "%s", "");
		return;
	}
	snprintf(buf, len, "RE-GRADED: %ld samples re-graded (latest %s) with %s", r->regraded,
		 r->regraded_at[0] ? r->regraded_at : "at an unknown time", r->regrade_versions);
}

void report_time_scale_line(const tb_run_info *run, char *buf, size_t len)
{
	json_t *scale = json_object_get(run->options, "sim_time_scale");

	if (!run->simulated) {
		snprintf(buf, len, "%s", "");
		return;
	}
	if (json_is_number(scale))
		snprintf(buf, len, "simulator time scale %g: every simulated delay is the profile's "
				   "times %g", json_number_value(scale), json_number_value(scale));
	else
		snprintf(buf, len, "simulator time scale: not stored with this run");
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
	    store_each_grading(st, on_grading, ld.r, err, errlen) != 0 ||
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
		free_flips(ld.pairs[i].flips, ld.pairs[i].n_flips);
	free(ld.pairs);
	free(ld.gent);
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
		free_flips(r->pairs[i].flips, (size_t)(r->pairs[i].flip_up + r->pairs[i].flip_down));
	free(r->pairs);
	items_free(r->items);
	free(r);
}

int report_cell_unsupported(const report_cell *c)
{
	return strcmp(c->status, "not_supported") == 0;
}

void report_header_line(const report *r, const tb_run_info *run, int which, char *buf, size_t len)
{
	if (which == REPORT_HEADER_REGRADE)
		report_regrade_line(r, buf, len);
	else
		report_time_scale_line(run, buf, len);
}
