#include "passk.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "rc.h"
#include "stats.h"

/* A ceiling on the samples of one item read from a store (the run allows
 * 1000), so a damaged store cannot make us grow without bound. */
#define MAX_ITEM_SAMPLES 100000
#define ANSWER_LEN 512
#define MAX_KS 40

double passk_estimate(int n, int c, int k)
{
	return stats_pass_at_k(n, c, k);
}

size_t passk_ks(int samples, int *ks, size_t max)
{
	size_t n = 0;

	for (long k = 1; k < samples && n < max; k *= 2)
		ks[n++] = (int)k;
	if (samples >= 1 && n < max)
		ks[n++] = samples;
	return n;
}

void passk_normalize(const char *in, char *out, size_t outlen)
{
	size_t o = 0;
	int space = 0;

	if (outlen == 0)
		return;
	while (isspace((unsigned char)*in))
		in++;
	for (; *in && o + 1 < outlen; in++) {
		unsigned char ch = (unsigned char)*in;

		if (isspace(ch)) {
			space = 1;
			continue;
		}
		if (space && o + 2 < outlen)
			out[o++] = ' ';
		space = 0;
		out[o++] = (char)(ch < 128 ? tolower(ch) : ch);
	}
	out[o] = '\0';
}

typedef struct by_answer {
	const char *const *answers;
	int i;
} by_answer;

static int cmp_answer(const void *a, const void *b)
{
	const by_answer *x = a, *y = b;
	int c = strcmp(x->answers[x->i], x->answers[y->i]);

	return c ? c : (x->i > y->i) - (x->i < y->i);
}

/* maj@k for every k of ks (ascending, each <= n) in one pass: each sample's
 * answer is mapped to the index of its first occurrence, and the leader is
 * kept as the counts grow (most votes; the earlier first occurrence on a
 * tie). winner[j] is -1 when nobody voted among the first ks[j]. */
static int majority_prefix(const char *const *answers, const int *correct, int n, const int *ks,
			   size_t nks, int *winner, int *win_correct)
{
	by_answer *order = NULL;
	int *canon = NULL, *votes = NULL, *good = NULL;
	int leader = -1, rc = TB_NOMEM;
	size_t j = 0;

	order = calloc((size_t)n + 1, sizeof(*order));
	canon = calloc((size_t)n + 1, sizeof(*canon));
	votes = calloc((size_t)n + 1, sizeof(*votes));
	good = calloc((size_t)n + 1, sizeof(*good));
	if (!order || !canon || !votes || !good)
		goto out;
	for (int i = 0; i < n; i++)
		order[i] = (by_answer){answers, i};
	qsort(order, (size_t)n, sizeof(*order), cmp_answer);
	for (int i = 0; i < n; i++) {
		int same = i > 0 && strcmp(answers[order[i].i], answers[order[i - 1].i]) == 0;

		canon[order[i].i] = same ? canon[order[i - 1].i] : order[i].i;
	}
	for (int i = 0; i < n && j < nks; i++) {
		int a = canon[i];

		if (answers[i][0]) {
			votes[a]++;
			good[a] |= correct[i] != 0;
			if (leader < 0 || votes[a] > votes[leader] || (votes[a] == votes[leader] && a < leader))
				leader = a;
		}
		while (j < nks && ks[j] == i + 1) {
			winner[j] = leader;
			win_correct[j] = leader >= 0 && good[leader];
			j++;
		}
	}
	rc = TB_OK;
out:
	free(order);
	free(canon);
	free(votes);
	free(good);
	return rc;
}

int passk_majority(const char *const *answers, const int *correct, int k, int *is_correct)
{
	int winner = -1;

	*is_correct = 0;
	if (k < 1)
		return -1;
	if (majority_prefix(answers, correct, k, &k, 1, &winner, is_correct) != TB_OK)
		return -1;
	return winner;
}

/* One sample's say in its item's maj@k. */
typedef struct vote {
	int sample;
	int correct;
	char *answer; /* normalised; "" when it has none */
} vote;

/* The samples of one item, gathered during the walk or as they are stored. */
typedef struct item_acc {
	char *suite, *item_id, *model, *mode;
	long budget;
	int seen;          /* samples of any outcome */
	int n, c, cap;     /* votes (samples that count), c of them correct */
	vote *votes;
	struct item_acc *next; /* in a passk_live bucket */
	size_t hash;           /* of its key, for that bucket */
} item_acc;

static void acc_clear(item_acc *a)
{
	for (int i = 0; i < a->n; i++)
		free(a->votes[i].answer);
	free(a->votes);
	free(a->suite);
	free(a->item_id);
	free(a->model);
	free(a->mode);
	memset(a, 0, sizeof(*a));
}

static int same_item(const item_acc *a, const tb_sample *s)
{
	return a->suite && strcmp(a->suite, s->suite) == 0 && strcmp(a->item_id, s->item_id) == 0 &&
	       strcmp(a->model, s->model) == 0 && strcmp(a->mode, s->mode) == 0 &&
	       a->budget == s->budget;
}

static int acc_start(item_acc *a, const tb_sample *s, char *err, size_t errlen)
{
	a->suite = strdup(s->suite);
	a->item_id = strdup(s->item_id);
	a->model = strdup(s->model);
	a->mode = strdup(s->mode);
	a->budget = s->budget;
	if (!a->suite || !a->item_id || !a->model || !a->mode)
		return tb_seterr(err, errlen, "out of memory computing pass@k");
	return TB_OK;
}

static int acc_add(item_acc *a, const tb_sample *s, char *err, size_t errlen)
{
	char norm[ANSWER_LEN];
	vote *v;

	a->seen++;
	if (!tb_outcome_is_graded(s->outcome))
		return TB_OK;
	if (a->n == MAX_ITEM_SAMPLES)
		return tb_seterr(err, errlen, "item '%s' has more than %d samples", s->item_id,
				 MAX_ITEM_SAMPLES);
	if (a->n == a->cap) {
		int cap = a->cap ? 2 * a->cap : 4;
		vote *votes = realloc(a->votes, (size_t)cap * sizeof(*votes));

		if (!votes)
			return tb_seterr(err, errlen, "out of memory computing pass@k");
		a->votes = votes;
		a->cap = cap;
	}
	/* a truncated sample has no answer: it counts, but does not vote */
	passk_normalize(s->outcome == TB_OUT_TRUNCATED || !s->extracted ? "" : s->extracted, norm,
			sizeof(norm));
	v = &a->votes[a->n];
	*v = (vote){.sample = s->sample, .correct = s->outcome == TB_OUT_CORRECT, .answer = strdup(norm)};
	if (!v->answer)
		return tb_seterr(err, errlen, "out of memory computing pass@k");
	a->c += v->correct;
	a->n++;
	return TB_OK;
}

static int cmp_vote(const void *a, const void *b)
{
	const vote *x = a, *y = b;

	return (x->sample > y->sample) - (x->sample < y->sample);
}

/* FNV-1a over a key's strings and its budget. */
static size_t hash_key(const char *const *parts, size_t n, long budget)
{
	uint64_t h = 14695981039346656037u;

	for (size_t i = 0; i < n; i++) {
		for (const unsigned char *p = (const unsigned char *)parts[i]; *p; p++)
			h = (h ^ *p) * 1099511628211u;
		h = (h ^ 0xff) * 1099511628211u;
	}
	h = (h ^ (uint64_t)budget) * 1099511628211u;
	return (size_t)h;
}

/* A cell's sums over its item rows at one k, for its cell_k row. */
typedef struct cell_k_sum {
	long n_items, maj_correct;
	stats_sum pass; /* exactly rounded: the order the items came in does not show */
} cell_k_sum;

typedef struct cell_acc {
	char *suite, *model, *mode;
	long budget;
	cell_k_sum *at;        /* one per k of the run */
	struct cell_acc *next; /* in its bucket */
} cell_acc;

/* A run has a few cells: a fixed table whose chains may grow. */
#define CELL_BUCKETS 64

typedef struct cell_sums {
	cell_acc *buckets[CELL_BUCKETS];
	size_t nks;
} cell_sums;

static void cell_free(cell_acc *c)
{
	free(c->suite);
	free(c->model);
	free(c->mode);
	free(c->at);
	free(c);
}

static void cells_clear(cell_sums *cs)
{
	for (size_t i = 0; i < CELL_BUCKETS; i++)
		while (cs->buckets[i]) {
			cell_acc *c = cs->buckets[i];

			cs->buckets[i] = c->next;
			cell_free(c);
		}
}

/* The sums of a's cell, made on first sight; NULL when out of memory. */
static cell_acc *cell_of(cell_sums *cs, const item_acc *a)
{
	const char *parts[] = {a->suite, a->model, a->mode};
	cell_acc **at = &cs->buckets[hash_key(parts, 3, a->budget) % CELL_BUCKETS], *c;

	for (c = *at; c; c = c->next)
		if (c->budget == a->budget && strcmp(c->suite, a->suite) == 0 &&
		    strcmp(c->model, a->model) == 0 && strcmp(c->mode, a->mode) == 0)
			return c;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->suite = strdup(a->suite);
	c->model = strdup(a->model);
	c->mode = strdup(a->mode);
	c->budget = a->budget;
	c->at = calloc(cs->nks, sizeof(*c->at));
	if (!c->suite || !c->model || !c->mode || !c->at) {
		cell_free(c);
		return NULL;
	}
	c->next = *at;
	*at = c;
	return c;
}

/* Writes a cell_k row for each cell and k that has item rows. */
static int cells_write(tb_store *st, const cell_sums *cs, const int *ks, char *err, size_t errlen)
{
	for (size_t i = 0; i < CELL_BUCKETS; i++)
		for (const cell_acc *c = cs->buckets[i]; c; c = c->next)
			for (size_t j = 0; j < cs->nks; j++) {
				const cell_k_sum *x = &c->at[j];
				tb_cell_k r = {.suite = c->suite, .model = c->model, .mode = c->mode,
					       .budget = c->budget, .k = ks[j], .n_items = x->n_items};

				if (x->n_items == 0)
					continue;
				r.pass_at_k = stats_sum_value(&x->pass) / (double)x->n_items;
				r.maj_at_k = (double)x->maj_correct / (double)x->n_items;
				if (store_put_cell_k(st, &r, err, errlen) != TB_OK)
					return TB_ERR;
			}
	return TB_OK;
}

/* Writes the item's rows for the ks that fit in its votes, and adds them to
 * their cell's sums. */
static int flush_item(tb_store *st, const int *ks, size_t nks, item_acc *a, cell_sums *cells,
		      char *err, size_t errlen)
{
	int winner[MAX_KS], good[MAX_KS], rc = TB_ERR;
	const char **answers = NULL;
	int *correct = NULL;
	size_t nk = 0;
	cell_acc *cell;

	if (a->n == 0)
		return TB_OK;
	if (!(cell = cell_of(cells, a)))
		return tb_seterr(err, errlen, "out of memory computing pass@k");
	while (nk < nks && ks[nk] <= a->n)
		nk++;
	/* maj@k takes the first k by sample index, whatever order they came in */
	qsort(a->votes, (size_t)a->n, sizeof(*a->votes), cmp_vote);
	answers = malloc((size_t)a->n * sizeof(*answers));
	correct = malloc((size_t)a->n * sizeof(*correct));
	if (!answers || !correct) {
		tb_seterr(err, errlen, "out of memory computing maj@k");
		goto out;
	}
	for (int i = 0; i < a->n; i++) {
		answers[i] = a->votes[i].answer;
		correct[i] = a->votes[i].correct;
	}
	if (majority_prefix(answers, correct, a->n, ks, nk, winner, good) != TB_OK) {
		tb_seterr(err, errlen, "out of memory computing maj@k");
		goto out;
	}
	for (size_t j = 0; j < nk; j++) {
		tb_item_k r = {
			.suite = a->suite, .item_id = a->item_id, .model = a->model, .mode = a->mode,
			.budget = a->budget, .k = ks[j], .n = a->n, .c = a->c,
			.pass_at_k = passk_estimate(a->n, a->c, ks[j]),
			.maj_correct = good[j],
			.maj_answer = winner[j] >= 0 ? answers[winner[j]] : "",
		};

		if (store_put_item_k(st, &r, err, errlen) != TB_OK)
			goto out;
		cell->at[j].n_items++;
		cell->at[j].maj_correct += good[j] != 0;
		stats_sum_add(&cell->at[j].pass, r.pass_at_k);
	}
	rc = TB_OK;
out:
	free(answers);
	free(correct);
	return rc;
}

typedef struct update_ctx {
	tb_store *st;
	item_acc cur;
	cell_sums cells;
	int ks[MAX_KS];
	size_t nks;
	char *err;
	size_t errlen;
} update_ctx;

static int on_sample(void *ud, const tb_sample *s)
{
	update_ctx *u = ud;
	item_acc *a = &u->cur;

	if (!same_item(a, s)) {
		if (flush_item(u->st, u->ks, u->nks, a, &u->cells, u->err, u->errlen) != TB_OK)
			return TB_ERR;
		acc_clear(a);
		if (acc_start(a, s, u->err, u->errlen) != TB_OK)
			return TB_ERR;
	}
	return acc_add(a, s, u->err, u->errlen);
}

/* The run's --samples, from its stored options; 1 when they do not say. */
static int run_samples(tb_store *st, char *err, size_t errlen, int *samples)
{
	tb_run_info info;
	json_int_t v;

	if (store_get_run(st, &info, err, errlen) != TB_OK)
		return TB_ERR;
	v = json_integer_value(json_object_get(info.options, "samples"));
	*samples = v >= 1 && v <= MAX_ITEM_SAMPLES ? (int)v : 1;
	store_run_info_release(&info);
	return TB_OK;
}

int passk_update_store(tb_store *st, char *err, size_t errlen)
{
	update_ctx u = {.st = st, .err = err, .errlen = errlen};
	int samples, rc = TB_ERR, begun = 0;

	if (run_samples(st, err, errlen, &samples) != TB_OK)
		return TB_ERR;
	u.nks = passk_ks(samples, u.ks, MAX_KS);
	u.cells.nks = u.nks;
	if (store_k_begin(st, err, errlen) != TB_OK)
		goto out;
	begun = 1;
	if (store_each_sample_head(st, on_sample, &u, err, errlen) != TB_OK ||
	    flush_item(st, u.ks, u.nks, &u.cur, &u.cells, err, errlen) != TB_OK ||
	    cells_write(st, &u.cells, u.ks, err, errlen) != TB_OK)
		goto out;
	begun = 0;
	rc = store_k_commit(st, err, errlen);
out:
	if (begun)
		store_k_abort(st);
	acc_clear(&u.cur);
	cells_clear(&u.cells);
	return rc;
}

/* Buckets of the items still open, as a power of two; they double when the
 * open items outnumber them twice. */
#define LIVE_BUCKETS 256

struct passk_live {
	tb_store *st;
	int samples;
	int ks[MAX_KS];
	size_t nks;
	item_acc **buckets;
	size_t n_buckets, n_open;
	cell_sums cells;         /* of the items written */
};

static size_t key_hash(const tb_sample *s)
{
	const char *parts[] = {s->suite, s->item_id, s->model, s->mode};

	return hash_key(parts, 4, s->budget);
}

int passk_live_new(tb_store *st, passk_live **out, char *err, size_t errlen)
{
	passk_live *p = calloc(1, sizeof(*p));

	*out = NULL;
	if (!p || !(p->buckets = calloc(LIVE_BUCKETS, sizeof(*p->buckets)))) {
		free(p);
		return tb_seterr(err, errlen, "out of memory");
	}
	p->st = st;
	p->n_buckets = LIVE_BUCKETS;
	if (run_samples(st, err, errlen, &p->samples) != TB_OK) {
		passk_live_free(p);
		return TB_ERR;
	}
	p->nks = passk_ks(p->samples, p->ks, MAX_KS);
	p->cells.nks = p->nks;
	*out = p;
	return TB_OK;
}

/* Doubles the buckets; on no memory the chains only grow longer. */
static void live_grow(passk_live *p)
{
	size_t n = 2 * p->n_buckets;
	item_acc **b = calloc(n, sizeof(*b));

	if (!b)
		return;
	for (size_t i = 0; i < p->n_buckets; i++)
		while (p->buckets[i]) {
			item_acc *a = p->buckets[i];
			size_t j = a->hash & (n - 1);

			p->buckets[i] = a->next;
			a->next = b[j];
			b[j] = a;
		}
	free(p->buckets);
	p->buckets = b;
	p->n_buckets = n;
}

int passk_live_add(passk_live *p, const tb_sample *s, char *err, size_t errlen)
{
	size_t hash = key_hash(s);
	item_acc **at = &p->buckets[hash & (p->n_buckets - 1)], *a;
	int rc;

	while (*at && !same_item(*at, s))
		at = &(*at)->next;
	if (!*at) {
		a = calloc(1, sizeof(*a));
		if (!a)
			return tb_seterr(err, errlen, "out of memory computing pass@k");
		if (acc_start(a, s, err, errlen) != TB_OK) {
			acc_clear(a);
			free(a);
			return TB_ERR;
		}
		a->hash = hash;
		a->next = *at;
		*at = a;
		p->n_open++;
	}
	a = *at;
	if (acc_add(a, s, err, errlen) != TB_OK)
		return TB_ERR;
	if (a->seen < p->samples) {
		if (p->n_open > 2 * p->n_buckets)
			live_grow(p);
		return TB_OK;
	}
	*at = a->next;
	p->n_open--;
	rc = flush_item(p->st, p->ks, p->nks, a, &p->cells, err, errlen);
	acc_clear(a);
	free(a);
	return rc;
}

int passk_live_finish(passk_live *p, char *err, size_t errlen)
{
	/* An item short of samples (or given one twice) was not written: the
	 * whole pass gets every case right. */
	if (p->n_open)
		return passk_update_store(p->st, err, errlen);
	if (store_k_cells_begin(p->st, err, errlen) != TB_OK)
		return TB_ERR;
	if (cells_write(p->st, &p->cells, p->ks, err, errlen) != TB_OK) {
		store_k_abort(p->st);
		return TB_ERR;
	}
	return store_k_commit(p->st, err, errlen);
}

void passk_live_free(passk_live *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n_buckets; i++)
		while (p->buckets[i]) {
			item_acc *a = p->buckets[i];

			p->buckets[i] = a->next;
			acc_clear(a);
			free(a);
		}
	free(p->buckets);
	cells_clear(&p->cells);
	free(p);
}
