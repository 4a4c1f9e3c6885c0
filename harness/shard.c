#include "shard.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "log.h"
#include "rc.h"

int shard_parse(const char *s, int *index, int *count)
{
	char *end;
	long i, n;

	errno = 0;
	i = strtol(s, &end, 10);
	if (errno || end == s || *end != '/' || s[0] == '-' || s[0] == '+')
		return TB_ERR;
	s = end + 1;
	n = strtol(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || s[0] == '+' || n < 1 || n > TB_SHARD_MAX || i >= n)
		return TB_ERR;
	*index = (int)i;
	*count = (int)n;
	return TB_OK;
}

void shard_key(char *out, size_t n, const char *suite, const char *item_id, const char *model,
	       const char *mode, long budget, int sample)
{
	snprintf(out, n, "%s\x1f%s\x1f%s\x1f%s\x1f%ld\x1f%d", suite, item_id, model, mode, budget, sample);
}

uint64_t shard_hash64(const char *key)
{
	unsigned char md[32];
	uint64_t v = 0;

	tb_sha256_bytes(key, strlen(key), md);
	for (int i = 0; i < 8; i++)
		v = v << 8 | md[i];
	return v;
}

int shard_of(const char *key, int count)
{
	return (int)(shard_hash64(key) % (uint64_t)count);
}

json_t *shard_answer_options(const json_t *options)
{
	/* jobs, loops, retries' pacing, the simulator's speed and the like
	 * change when answers come, not what they are */
	static const char *const names[] = {"samples", "limit", "seed", "stream", "timeout_s",
					    "retries", "simulator", "unsafe_exec", "preset", "budget_from"};
	json_t *o = json_object();

	for (size_t i = 0; o && i < sizeof(names) / sizeof(names[0]); i++) {
		json_t *v = json_object_get(options, names[i]);

		json_object_set_new(o, names[i], v ? json_deep_copy(v) : json_null());
	}
	return o;
}

/* What the walks of a store collect. */
typedef struct plan_walk {
	json_t *items;         /* suite -> array of item ids */
	json_t *cells;         /* array of [suite, model, mode, budget] */
	char *err;
	size_t errlen;
} plan_walk;

static int on_item(void *ud, const tb_stored_item *it)
{
	plan_walk *w = ud;
	json_t *ids = json_object_get(w->items, it->suite);

	if (!ids) {
		ids = json_array();
		if (json_object_set_new(w->items, it->suite, ids) != 0)
			return TB_NOMEM;
	}
	return json_array_append_new(ids, json_string(it->item_id)) ? TB_NOMEM : TB_OK;
}

static int on_cell(void *ud, const tb_cell *c)
{
	plan_walk *w = ud;

	if (strcmp(c->status, "planned") != 0)
		return TB_OK;
	return json_array_append_new(w->cells, json_pack("[sssI]", c->suite, c->model, c->mode,
							   (json_int_t)c->budget))
		       ? TB_NOMEM
		       : TB_OK;
}

static int cmp_key(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int add_keys(shard_plan *p, const plan_walk *w, long samples, char *err, size_t errlen)
{
	size_t ci, ii, cap = 0;
	json_t *cell, *id;

	json_array_foreach(w->cells, ci, cell) {
		const char *suite = json_string_value(json_array_get(cell, 0));
		json_t *ids = json_object_get(w->items, suite);

		json_array_foreach(ids, ii, id) {
			for (long s = 0; s < samples; s++) {
				char key[4096];

				if ((long)p->n >= TB_PLAN_MAX_KEYS)
					return tb_seterr(err, errlen, "the plan has more than %ld samples",
							 TB_PLAN_MAX_KEYS);
				if (p->n == cap) {
					size_t ncap = cap ? cap * 2 : 1024;
					char **k = realloc(p->keys, ncap * sizeof(*k));

					if (!k)
						return tb_seterr(err, errlen, "out of memory");
					p->keys = k;
					cap = ncap;
				}
				shard_key(key, sizeof(key), suite, json_string_value(id),
					  json_string_value(json_array_get(cell, 1)),
					  json_string_value(json_array_get(cell, 2)),
					  (long)json_integer_value(json_array_get(cell, 3)), (int)s);
				p->keys[p->n] = strdup(key);
				if (!p->keys[p->n])
					return tb_seterr(err, errlen, "out of memory");
				p->n++;
			}
		}
	}
	return TB_OK;
}

static void hash_plan(shard_plan *p, const tb_run_info *info, const json_t *answer_opts)
{
	static const char head[] = "thinkbench-plan/1\n";
	char *opts = json_dumps(answer_opts, JSON_COMPACT | JSON_SORT_KEYS);
	tb_sha256 *h = tb_sha256_new();

	if (!h || !opts) {
		snprintf(p->hash, sizeof(p->hash), "unknown");
		free(opts);
		if (h)
			tb_sha256_final(h, p->hash);
		return;
	}
	tb_sha256_update(h, head, strlen(head));
	tb_sha256_update(h, info->suites_hash, strlen(info->suites_hash));
	tb_sha256_update(h, "\n", 1);
	tb_sha256_update(h, info->models_hash, strlen(info->models_hash));
	tb_sha256_update(h, "\n", 1);
	tb_sha256_update(h, opts, strlen(opts));
	tb_sha256_update(h, "\n", 1);
	for (size_t i = 0; i < p->n; i++) {
		tb_sha256_update(h, p->keys[i], strlen(p->keys[i]));
		tb_sha256_update(h, "\n", 1);
	}
	tb_sha256_final(h, p->hash);
	free(opts);
}

int shard_plan_from_store(tb_store *st, shard_plan *out, char *err, size_t errlen)
{
	plan_walk w = {.items = json_object(), .cells = json_array(), .err = err, .errlen = errlen};
	tb_run_info info = {0};
	json_t *answer_opts = NULL, *samples;
	int rc = TB_ERR;

	memset(out, 0, sizeof(*out));
	if (!w.items || !w.cells) {
		tb_seterr(err, errlen, "out of memory");
		goto out;
	}
	if (store_get_run(st, &info, err, errlen) != TB_OK ||
	    store_each_item(st, on_item, &w, err, errlen) != TB_OK ||
	    store_each_cell(st, on_cell, &w, err, errlen) != TB_OK)
		goto out;
	samples = json_object_get(info.options, "samples");
	if (!json_is_integer(samples) || json_integer_value(samples) < 1 || json_integer_value(samples) > 1000) {
		tb_seterr(err, errlen, "run.options: samples: expected a number from 1 to 1000");
		goto out;
	}
	answer_opts = shard_answer_options(info.options);
	if (!answer_opts) {
		tb_seterr(err, errlen, "out of memory");
		goto out;
	}
	if (add_keys(out, &w, (long)json_integer_value(samples), err, errlen) != TB_OK)
		goto out;
	if (out->n)
		qsort(out->keys, out->n, sizeof(*out->keys), cmp_key);
	hash_plan(out, &info, answer_opts);
	rc = TB_OK;
out:
	json_decref(answer_opts);
	json_decref(w.items);
	json_decref(w.cells);
	store_run_info_release(&info);
	return rc;
}

void shard_plan_release(shard_plan *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->keys[i]);
	free(p->keys);
	memset(p, 0, sizeof(*p));
}

long shard_plan_count(const shard_plan *p, int index, int count)
{
	long n = 0;

	for (size_t i = 0; i < p->n; i++)
		n += shard_of(p->keys[i], count) == index;
	return n;
}

int shard_plan_has(const shard_plan *p, const char *key)
{
	return p->n && bsearch(&key, p->keys, p->n, sizeof(*p->keys), cmp_key) != NULL;
}
