#include "passk.h"

#include <ctype.h>
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

/* The samples of one item, gathered during the walk. */
typedef struct item_acc {
	char *suite, *item_id, *model, *mode;
	long budget;
	int n, c, cap;
	char **answers;
	int *correct;
} item_acc;

typedef struct update_ctx {
	tb_store *st;
	item_acc cur;
	int ks[MAX_KS];
	size_t nks;
	char *err;
	size_t errlen;
} update_ctx;

static void acc_clear(item_acc *a)
{
	for (int i = 0; i < a->n; i++)
		free(a->answers[i]);
	free(a->answers);
	free(a->correct);
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

/* Writes the rows of the item gathered so far. */
static int flush_item(update_ctx *u)
{
	item_acc *a = &u->cur;
	int winner[MAX_KS], good[MAX_KS];
	size_t nk = 0;

	if (a->n == 0)
		return TB_OK;
	while (nk < u->nks && u->ks[nk] <= a->n)
		nk++;
	if (majority_prefix((const char *const *)a->answers, a->correct, a->n, u->ks, nk, winner,
			    good) != TB_OK)
		return tb_seterr(u->err, u->errlen, "out of memory computing maj@k");
	for (size_t j = 0; j < nk; j++) {
		tb_item_k r = {
			.suite = a->suite, .item_id = a->item_id, .model = a->model, .mode = a->mode,
			.budget = a->budget, .k = u->ks[j], .n = a->n, .c = a->c,
			.pass_at_k = passk_estimate(a->n, a->c, u->ks[j]),
			.maj_correct = good[j],
			.maj_answer = winner[j] >= 0 ? a->answers[winner[j]] : "",
		};

		if (store_put_item_k(u->st, &r, u->err, u->errlen) != TB_OK)
			return TB_ERR;
	}
	return TB_OK;
}

static int counts(tb_outcome o)
{
	return o == TB_OUT_CORRECT || o == TB_OUT_INCORRECT || o == TB_OUT_PARTIAL ||
	       o == TB_OUT_NOANSWER || o == TB_OUT_TRUNCATED;
}

static int on_sample(void *ud, const tb_sample *s)
{
	update_ctx *u = ud;
	item_acc *a = &u->cur;
	char norm[ANSWER_LEN];

	if (!same_item(a, s)) {
		if (flush_item(u) != TB_OK)
			return TB_ERR;
		acc_clear(a);
		a->suite = strdup(s->suite);
		a->item_id = strdup(s->item_id);
		a->model = strdup(s->model);
		a->mode = strdup(s->mode);
		a->budget = s->budget;
		if (!a->suite || !a->item_id || !a->model || !a->mode)
			return tb_seterr(u->err, u->errlen, "out of memory computing pass@k");
	}
	if (!counts(s->outcome))
		return TB_OK;
	if (a->n == MAX_ITEM_SAMPLES)
		return tb_seterr(u->err, u->errlen, "item '%s' has more than %d samples", s->item_id,
				 MAX_ITEM_SAMPLES);
	if (a->n == a->cap) {
		int cap = a->cap ? 2 * a->cap : 16;
		char **an = realloc(a->answers, (size_t)cap * sizeof(*an));
		int *co;

		if (!an)
			return tb_seterr(u->err, u->errlen, "out of memory computing pass@k");
		a->answers = an;
		co = realloc(a->correct, (size_t)cap * sizeof(*co));
		if (!co)
			return tb_seterr(u->err, u->errlen, "out of memory computing pass@k");
		a->correct = co;
		a->cap = cap;
	}
	/* a truncated sample has no answer: it counts, but does not vote */
	passk_normalize(s->outcome == TB_OUT_TRUNCATED || !s->extracted ? "" : s->extracted, norm,
			sizeof(norm));
	a->answers[a->n] = strdup(norm);
	if (!a->answers[a->n])
		return tb_seterr(u->err, u->errlen, "out of memory computing pass@k");
	a->correct[a->n] = s->outcome == TB_OUT_CORRECT;
	a->c += a->correct[a->n];
	a->n++;
	return TB_OK;
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
	if (store_k_begin(st, err, errlen) != TB_OK)
		goto out;
	begun = 1;
	if (store_each_sample_head(st, on_sample, &u, err, errlen) != TB_OK || flush_item(&u) != TB_OK)
		goto out;
	begun = 0;
	rc = store_k_commit(st, err, errlen);
out:
	if (begun)
		store_k_abort(st);
	acc_clear(&u.cur);
	return rc;
}
