#include "merge.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "log.h"
#include "passk.h"
#include "rc.h"
#include "runid.h"
#include "shard.h"
#include "store.h"

/* How many names a message lists before it says "and N more". */
#define NAMES_SHOWN 5

typedef struct shard_in {
	const char *dir;
	tb_store *st;
	tb_run_info info;
	tb_shard_row row;
	json_t *answer_opts;
	long samples;
} shard_in;

typedef struct merge_ctx {
	const merge_opts *o;
	shard_in *in;
	shard_plan plan;             /* from the first shard; every other matches its hash */
	json_t *have;                /* every sample key of the shards */
	shard_in *walking;           /* the shard whose samples are being checked */
	tb_store *dst;
	int made;                    /* the out folder is ours to remove on failure */
	char *err;
	size_t errlen;
} merge_ctx;

/* Opens one shard; messages name it by its folder as given. */
static int open_shard(shard_in *s, char *err, size_t errlen)
{
	char path[4200];
	shard_plan own;
	int found, rc = TB_PARSE;

	snprintf(path, sizeof(path), "%s/store.sqlite", s->dir);
	if (access(path, F_OK) != 0)
		return tb_seterr(err, errlen, "%s: not a run folder (no store.sqlite in it)", s->dir);
	if (store_open(path, 1, &s->st, err, errlen) != TB_OK ||
	    store_get_run(s->st, &s->info, err, errlen) != TB_OK ||
	    store_get_shard(s->st, &s->row, &found, err, errlen) != TB_OK)
		return TB_PARSE;
	if (!found || s->row.index < 0 || s->row.count < 1 || s->row.count > TB_SHARD_MAX ||
	    s->row.index >= s->row.count)
		return tb_seterr(err, errlen, "%s: not a shard (a run made without --shard I/N)", s->dir);
	s->answer_opts = shard_answer_options(s->info.options);
	if (!s->answer_opts)
		return tb_seterr(err, errlen, "out of memory");
	/* the store against itself: its row names the plan its cells and items make */
	if (shard_plan_from_store(s->st, &own, err, errlen) != TB_OK)
		goto out;
	if (strcmp(own.hash, s->row.plan_hash) != 0) {
		tb_seterr(err, errlen, "%s: its plan hash does not match its own cells and items", s->dir);
		goto out;
	}
	rc = TB_OK;
out:
	shard_plan_release(&own);
	return rc;
}

/* The shards against the first: one plan, one suite set, one models file,
 * one count, no index twice, none missing (unless allowed). */
static int check_set(merge_ctx *m, int *partial)
{
	const merge_opts *o = m->o;
	shard_in *a = &m->in[0];
	int count = a->row.count;
	size_t *owner = NULL;
	tb_buf missing;
	int n_missing = 0, rc = TB_PARSE;

	tb_buf_init(&missing, 4096);
	for (size_t i = 1; i < o->n_shards; i++) {
		shard_in *b = &m->in[i];
		const char *what = strcmp(b->row.plan_hash, a->row.plan_hash) ? "plan hash"
				   : strcmp(b->info.suites_hash, a->info.suites_hash) ? "suites hash"
				   : strcmp(b->info.models_hash, a->info.models_hash) ? "models hash"
				   : !json_equal(b->answer_opts, a->answer_opts) ? "options"
				   : b->row.count != count ? "shard count"
				   : NULL;

		if (what) {
			tb_seterr(m->err, m->errlen, "%s: its %s differs from %s's: not shards of one plan",
				  b->dir, what, a->dir);
			goto out;
		}
	}
	owner = calloc((size_t)count, sizeof(*owner));
	if (!owner) {
		tb_seterr(m->err, m->errlen, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < o->n_shards; i++) {
		int k = m->in[i].row.index;

		if (owner[k]) {
			tb_seterr(m->err, m->errlen, "duplicate shard %d/%d: %s and %s", k, count,
				  m->in[owner[k] - 1].dir, m->in[i].dir);
			goto out;
		}
		owner[k] = i + 1;
	}
	for (int k = 0; k < count; k++) {
		if (owner[k])
			continue;
		if (n_missing < NAMES_SHOWN)
			tb_buf_addf(&missing, "%s%d/%d", n_missing ? ", " : "", k, count);
		n_missing++;
	}
	if (n_missing && !o->allow_partial) {
		tb_seterr(m->err, m->errlen, "missing shard%s %s%s (merge every shard, or --allow-partial)",
			  n_missing > 1 ? "s" : "", tb_buf_str(&missing),
			  n_missing > NAMES_SHOWN ? ", ..." : "");
		goto out;
	}
	*partial = n_missing > 0;
	rc = TB_OK;
out:
	free(owner);
	tb_buf_release(&missing);
	return rc;
}

/* Each stored sample must be planned, and in the shard that holds it. */
static int check_sample(void *ud, const tb_sample *s)
{
	merge_ctx *m = ud;
	shard_in *in = m->walking;
	char key[4096];

	shard_key(key, sizeof(key), s->suite, s->item_id, s->model, s->mode, s->budget, s->sample);
	if (!shard_plan_has(&m->plan, key))
		return tb_seterr(m->err, m->errlen, "%s: sample %s/%s/%s/%s/%ld/#%d is not in the plan", in->dir,
				 s->suite, s->item_id, s->model, s->mode, s->budget, s->sample);
	if (shard_of(key, in->row.count) != in->row.index)
		return tb_seterr(m->err, m->errlen, "%s: sample %s/%s/%s/%s/%ld/#%d belongs to shard %d/%d, not %d/%d",
				 in->dir, s->suite, s->item_id, s->model, s->mode, s->budget, s->sample,
				 shard_of(key, in->row.count), in->row.count, in->row.index, in->row.count);
	if (json_object_get(m->have, key))
		return tb_seterr(m->err, m->errlen, "%s: sample %s/%s/%s/%s/%ld/#%d is stored twice", in->dir,
				 s->suite, s->item_id, s->model, s->mode, s->budget, s->sample);
	in->samples++;
	return json_object_set_new(m->have, key, json_true()) ? TB_NOMEM : TB_OK;
}

/* Names the planned samples of the shards given that none of them holds. */
static int check_samples(merge_ctx *m, int *partial)
{
	int *present = calloc((size_t)m->in[0].row.count, sizeof(*present));
	long n_missing = 0;
	tb_buf names;
	int rc = TB_PARSE;

	tb_buf_init(&names, 8192);
	if (!present) {
		tb_seterr(m->err, m->errlen, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < m->o->n_shards; i++) {
		m->walking = &m->in[i];
		present[m->in[i].row.index] = 1;
		if (store_each_sample_head(m->in[i].st, check_sample, m, m->err, m->errlen) != TB_OK)
			goto out;
	}
	for (size_t i = 0; i < m->plan.n; i++) {
		const char *key = m->plan.keys[i];

		if (!present[shard_of(key, m->in[0].row.count)] || json_object_get(m->have, key))
			continue;
		if (n_missing < NAMES_SHOWN) {
			tb_buf_adds(&names, n_missing ? ", " : "");
			for (const char *p = key; *p; p++)
				tb_buf_addf(&names, "%c", *p == '\x1f' ? '/' : *p);
		}
		n_missing++;
	}
	if (n_missing && !m->o->allow_partial) {
		tb_seterr(m->err, m->errlen, "%ld planned sample%s missing from the shards: %s%s (resume those shards, or --allow-partial)",
			  n_missing, n_missing > 1 ? "s are" : " is", tb_buf_str(&names),
			  n_missing > NAMES_SHOWN ? ", ..." : "");
		goto out;
	}
	*partial |= n_missing > 0;
	rc = TB_OK;
out:
	free(present);
	tb_buf_release(&names);
	return rc;
}

static int copy_cell(void *ud, const tb_cell *c)
{
	merge_ctx *m = ud;

	return store_put_cell(m->dst, c, m->err, m->errlen);
}

static int copy_item(void *ud, const tb_stored_item *it)
{
	merge_ctx *m = ud;
	tb_stored_item row = *it;
	char *prompt = NULL;
	int rc;

	if (store_get_prompt(m->in[0].st, it->suite, it->item_id, &prompt, m->err, m->errlen) != TB_OK)
		return TB_ERR;
	row.prompt = prompt ? prompt : "";
	rc = store_put_item(m->dst, &row, m->err, m->errlen);
	free(prompt);
	return rc;
}

static int copy_sample(void *ud, const tb_sample *s)
{
	merge_ctx *m = ud;

	return store_put_sample(m->dst, s, m->err, m->errlen);
}

static int copy_grading(void *ud, const tb_grading *g)
{
	merge_ctx *m = ud;

	return store_put_grading(m->dst, g, m->err, m->errlen);
}

/* The merged run row: the first shard's, its times spanning the shards', so
 * the same shards give the same row. */
static int make_run_row(merge_ctx *m, const char *run_id, int partial, tb_run_info *info)
{
	memset(info, 0, sizeof(*info));
	snprintf(info->run_id, sizeof(info->run_id), "%s", run_id);
	snprintf(info->version, sizeof(info->version), "%s", TB_VERSION);
	snprintf(info->status, sizeof(info->status), "%s", partial ? "partial" : "done");
	snprintf(info->started, sizeof(info->started), "%s", m->in[0].info.started);
	snprintf(info->ended, sizeof(info->ended), "%s", m->in[0].info.ended);
	for (size_t i = 1; i < m->o->n_shards; i++) {
		if (strcmp(m->in[i].info.started, info->started) < 0)
			snprintf(info->started, sizeof(info->started), "%s", m->in[i].info.started);
		if (strcmp(m->in[i].info.ended, info->ended) > 0)
			snprintf(info->ended, sizeof(info->ended), "%s", m->in[i].info.ended);
	}
	info->simulated = m->in[0].info.simulated;
	/* what made it, by the shards' run ids in shard order: the same
	 * shards give the same line, in whatever order they were named */
	info->cmdline = json_pack("[ss]", "thinkbench", "merge");
	for (size_t i = 0; info->cmdline && i < m->o->n_shards; i++)
		json_array_append_new(info->cmdline, json_string(m->in[i].info.run_id));
	if (info->cmdline) {
		json_array_append_new(info->cmdline, json_string("--out"));
		json_array_append_new(info->cmdline, json_string(run_id));
		if (partial)
			json_array_append_new(info->cmdline, json_string("--allow-partial"));
	}
	info->options = json_deep_copy(m->in[0].info.options);
	if (!info->options)
		return tb_seterr(m->err, m->errlen, "%s: the run has no options", m->in[0].dir);
	json_object_del(info->options, "shard");
	snprintf(info->suites_hash, sizeof(info->suites_hash), "%s", m->in[0].info.suites_hash);
	snprintf(info->models_hash, sizeof(info->models_hash), "%s", m->in[0].info.models_hash);
	return TB_OK;
}

static int by_index(const void *a, const void *b)
{
	return ((const shard_in *)a)->row.index - ((const shard_in *)b)->row.index;
}

/* The merged run's id: the last part of --out. */
static const char *out_run_id(const char *out)
{
	const char *slash = strrchr(out, '/');

	return slash ? slash + 1 : out;
}

static int write_merged(merge_ctx *m, int partial)
{
	const char *run_id = out_run_id(m->o->out);
	tb_run_info info;
	tb_shard_row row = {.index = -1, .count = m->in[0].row.count, .partial = partial};
	char path[4200];
	int rc = TB_ERR;

	if (make_run_row(m, run_id, partial, &info) != TB_OK)
		goto out;
	if (mkdir(m->o->out, 0755) != 0) {
		tb_seterr(m->err, m->errlen, "cannot create the run folder '%s': %s", m->o->out, strerror(errno));
		goto out;
	}
	m->made = 1;
	snprintf(path, sizeof(path), "%s/store.sqlite", m->o->out);
	if (store_create(path, &info, &m->dst, m->err, m->errlen) != TB_OK)
		goto out;
	snprintf(row.plan_hash, sizeof(row.plan_hash), "%s", m->plan.hash);
	row.planned = (long)m->plan.n;
	row.merged_from = json_array();
	for (size_t i = 0; i < m->o->n_shards; i++) {
		char part[32];

		snprintf(part, sizeof(part), "%d/%d", m->in[i].row.index, m->in[i].row.count);
		json_array_append_new(row.merged_from, json_pack("{s:s, s:s, s:I}", "run_id", m->in[i].info.run_id,
								 "shard", part, "samples",
								 (json_int_t)m->in[i].samples));
	}
	if (store_begin(m->dst, m->err, m->errlen) != TB_OK)
		goto out;
	if (store_put_shard(m->dst, &row, m->err, m->errlen) != TB_OK ||
	    store_each_cell(m->in[0].st, copy_cell, m, m->err, m->errlen) != TB_OK ||
	    store_each_item(m->in[0].st, copy_item, m, m->err, m->errlen) != TB_OK) {
		store_rollback(m->dst);
		goto out;
	}
	for (size_t i = 0; i < m->o->n_shards; i++) {
		if (store_each_sample(m->in[i].st, copy_sample, m, m->err, m->errlen) != TB_OK ||
		    store_each_grading(m->in[i].st, copy_grading, m, m->err, m->errlen) != TB_OK) {
			store_rollback(m->dst);
			goto out;
		}
	}
	if (store_commit(m->dst, m->err, m->errlen) != TB_OK ||
	    passk_update_store(m->dst, m->err, m->errlen) != TB_OK)
		goto out;
	rc = TB_OK;
out:
	json_decref(row.merged_from);
	store_run_info_release(&info);
	return rc;
}

static void remove_out(const char *dir)
{
	static const char *const files[] = {"store.sqlite", "store.sqlite-wal", "store.sqlite-shm"};
	char path[4200];

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
}

int merge_shards(const merge_opts *o, merge_result *res, char *err, size_t errlen)
{
	merge_ctx m = {.o = o, .err = err, .errlen = errlen};
	int partial = 0, rc = TB_PARSE;
	struct stat sb;
	char msg[160];

	memset(res, 0, sizeof(*res));
	if (o->n_shards == 0) {
		tb_seterr(err, errlen, "merge needs at least one shard run folder");
		return TB_PARSE;
	}
	if (tb_runid_check(out_run_id(o->out), msg, sizeof(msg)) != TB_OK) {
		tb_seterr(err, errlen, "--out '%s': %s", o->out, msg);
		return TB_PARSE;
	}
	if (stat(o->out, &sb) == 0) {
		tb_seterr(err, errlen, "--out '%s' already exists: merge writes a new run folder", o->out);
		return TB_PARSE;
	}
	m.in = calloc(o->n_shards, sizeof(*m.in));
	m.have = json_object();
	if (!m.in || !m.have) {
		tb_seterr(err, errlen, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < o->n_shards; i++) {
		m.in[i].dir = o->shards[i];
		if (open_shard(&m.in[i], err, errlen) != TB_OK)
			goto out;
	}
	if (check_set(&m, &partial) != TB_OK)
		goto out;
	/* the shards in index order: the same shards given in any order merge alike */
	qsort(m.in, o->n_shards, sizeof(*m.in), by_index);
	if (shard_plan_from_store(m.in[0].st, &m.plan, err, errlen) != TB_OK ||
	    check_samples(&m, &partial) != TB_OK)
		goto out;
	if (write_merged(&m, partial) != TB_OK) {
		rc = TB_ERR;
		goto out;
	}
	res->samples = (long)json_object_size(m.have);
	res->planned = (long)m.plan.n;
	res->partial = partial;
	rc = TB_OK;
out:
	if (m.dst)
		store_close(m.dst);
	if (rc != TB_OK && m.made)
		remove_out(o->out);
	for (size_t i = 0; m.in && i < o->n_shards; i++) {
		store_close(m.in[i].st);
		store_run_info_release(&m.in[i].info);
		store_shard_row_release(&m.in[i].row);
		json_decref(m.in[i].answer_opts);
	}
	free(m.in);
	json_decref(m.have);
	shard_plan_release(&m.plan);
	return rc;
}
