/* The dry run's estimate. Prompt tokens are counted from the texts by a
 * fixed rule rather than a tokenizer: models differ, and the estimate is
 * for money, where a quarter either way is still an answer. */
#include <dirent.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "estimate.h"
#include "log.h"
#include "rc.h"
#include "sample.h"
#include "sim.h"
#include "store.h"

#define EST_MAX_RUNS 50

struct est_history {
	json_t *sums; /* "suite\x1fmodel\x1fmode\x1fbudget" -> [tokens, samples]; suite "" for all */
};

static long text_tokens(size_t bytes)
{
	return (long)((bytes + EST_BYTES_PER_TOKEN - 1) / EST_BYTES_PER_TOKEN);
}

long est_prompt_tokens(const tb_suite *s, const tb_item *it)
{
	long n = s->system ? text_tokens(strlen(s->system)) : 0;
	size_t i, k;
	json_t *m, *part;

	if (it->prompt)
		n += text_tokens(strlen(it->prompt));
	json_array_foreach(it->messages, i, m) {
		json_t *content = json_object_get(m, "content");

		if (json_is_string(content))
			n += text_tokens(json_string_length(content));
		json_array_foreach(content, k, part) {
			json_t *text = json_object_get(part, "text");

			if (json_is_string(text))
				n += text_tokens(json_string_length(text));
			else if (json_object_get(part, "image_url"))
				n += EST_IMAGE_TOKENS;
		}
	}
	return n + (long)it->n_images * EST_IMAGE_TOKENS;
}

static void history_key(char *out, size_t n, const char *suite, const char *model, const char *mode,
			long budget)
{
	snprintf(out, n, "%s\x1f%s\x1f%s\x1f%ld", suite, model, mode, budget);
}

static int add_to(est_history *h, const char *key, double tokens)
{
	json_t *v = json_object_get(h->sums, key);

	if (!v) {
		v = json_pack("[f,f]", 0.0, 0.0);
		if (!v || json_object_set_new(h->sums, key, v) != 0)
			return TB_NOMEM;
	}
	json_array_set_new(v, 0, json_real(json_real_value(json_array_get(v, 0)) + tokens));
	json_array_set_new(v, 1, json_real(json_real_value(json_array_get(v, 1)) + 1));
	return 0;
}

static int add_sample(void *ud, const tb_sample *s)
{
	char key[1024];

	if (s->outcome == TB_OUT_ERROR || s->completion_tokens < 0)
		return 0;
	history_key(key, sizeof(key), s->suite, s->model, s->mode, s->budget);
	if (add_to(ud, key, (double)s->completion_tokens) != 0)
		return TB_NOMEM;
	history_key(key, sizeof(key), "", s->model, s->mode, s->budget);
	return add_to(ud, key, (double)s->completion_tokens);
}

static int run_dir_filter(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

int est_history_load(const char *out_dir, est_history **out, char *err, size_t errlen)
{
	struct dirent **names = NULL;
	est_history *h = calloc(1, sizeof(*h));
	int count, rc = TB_OK;

	*out = NULL;
	if (!h || !(h->sums = json_object())) {
		free(h);
		return tb_seterr(err, errlen, "out of memory");
	}
	count = scandir(out_dir, &names, run_dir_filter, alphasort);
	for (int i = count - 1; i >= 0 && i >= count - EST_MAX_RUNS && rc == TB_OK; i--) {
		char path[4200], serr[512];
		tb_store *st = NULL;

		snprintf(path, sizeof(path), "%s/%s/store.sqlite", out_dir, names[i]->d_name);
		if (access(path, R_OK) == 0 && store_open(path, 1, &st, serr, sizeof(serr)) == TB_OK) {
			if (store_each_sample_brief(st, add_sample, h, serr, sizeof(serr)) == TB_NOMEM)
				rc = tb_seterr(err, errlen, "out of memory");
			store_close(st);
		}
	}
	for (int i = 0; i < count; i++)
		free(names[i]);
	free(names);
	if (rc != TB_OK) {
		est_history_free(h);
		return rc;
	}
	*out = h;
	return TB_OK;
}

void est_history_free(est_history *h)
{
	if (!h)
		return;
	json_decref(h->sums);
	free(h);
}

/* The mean completion tokens of earlier samples of the suite, else of any
 * suite: < 0 when there were none. */
static double history_mean(const est_history *h, const char *suite, const char *model, tb_mode mode,
			   long budget)
{
	char key[1024];
	json_t *v;
	double n;

	if (!h)
		return -1;
	history_key(key, sizeof(key), suite, model, tb_mode_name(mode), budget);
	v = json_object_get(h->sums, key);
	if (!v) {
		history_key(key, sizeof(key), "", model, tb_mode_name(mode), budget);
		v = json_object_get(h->sums, key);
	}
	n = json_real_value(json_array_get(v, 1));
	return n > 0 ? json_real_value(json_array_get(v, 0)) / n : -1;
}

/* One suite's prompt tokens over its items, and its items' own max_tokens
 * (items without one take the model's, counted apart). */
typedef struct suite_sums {
	double prompt, own_max;
	long n_default_max;
} suite_sums;

static int sum_suite(const tb_suite *s, suite_sums *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < s->n_items; i++) {
		const tb_item *it;

		if (suite_item_get(s, i, &it, err, errlen) != TB_OK)
			return TB_ERR;
		out->prompt += (double)est_prompt_tokens(s, it);
		if (it->max_tokens)
			out->own_max += (double)it->max_tokens;
		else
			out->n_default_max++;
		suite_item_put(it);
	}
	return TB_OK;
}

int est_plan(const tb_plan *p, const est_history *h, int simulated, est_cell *cells, size_t *n_out,
	     char *err, size_t errlen)
{
	suite_sums *sums = calloc(p->n_suites ? p->n_suites : 1, sizeof(*sums));
	size_t n = 0;
	int rc = TB_ERR;

	*n_out = 0;
	if (!sums)
		return tb_seterr(err, errlen, "out of memory");
	for (size_t i = 0; i < p->n_suites; i++)
		if (sum_suite(p->suites[i], &sums[i], err, errlen) != TB_OK)
			goto out;
	for (size_t c = 0; c < p->n_cells; c++) {
		const tb_plan_cell *pc = &p->cells[c];
		const tb_model *m = pc->model;
		const suite_sums *ss = NULL;
		est_cell *e = &cells[n];
		double per_sample, items;

		if (pc->unsupported)
			continue;
		for (size_t i = 0; i < p->n_suites; i++)
			if (p->suites[i] == pc->suite)
				ss = &sums[i];
		if (!ss)
			continue;
		items = (double)pc->suite->n_items;
		memset(e, 0, sizeof(*e));
		e->cell = pc;
		e->samples = (long)pc->suite->n_items * p->samples;
		e->prompt_tokens = ss->prompt * p->samples;
		e->completion_max = (ss->own_max + (double)ss->n_default_max * (double)m->max_tokens) * p->samples;
		e->expected_from = "";
		e->completion_expected = -1;
		per_sample = history_mean(h, pc->suite->name, m->id, pc->mode, pc->budget);
		if (per_sample >= 0) {
			e->expected_from = "earlier runs";
		} else if (simulated) {
			per_sample = sim_expected_completion(m->api_model, pc->mode, pc->budget, m->max_tokens);
			e->expected_from = "simulator profile";
		}
		if (per_sample >= 0)
			e->completion_expected = per_sample * items * p->samples;
		e->usd_max = (e->prompt_tokens * m->price_prompt_per_m +
			      e->completion_max * m->price_completion_per_m) / 1e6;
		e->usd_expected = e->completion_expected < 0 ? -1 :
			(e->prompt_tokens * m->price_prompt_per_m +
			 e->completion_expected * m->price_completion_per_m) / 1e6;
		n++;
	}
	*n_out = n;
	rc = TB_OK;
out:
	free(sums);
	return rc;
}

void est_print(FILE *f, const est_cell *cells, size_t n)
{
	double t_prompt = 0, t_max = 0, t_exp = 0, u_max = 0, u_exp = 0;
	long t_samples = 0;
	int exp_known = 1;

	fprintf(f, "%-14s %-26s %-7s %6s %8s %10s %12s %12s %10s %10s  %s\n", "suite", "model", "mode",
		"budget", "samples", "prompt tok", "compl. max", "compl. exp", "USD max", "USD exp",
		"expected from");
	for (size_t i = 0; i < n; i++) {
		const est_cell *e = &cells[i];
		char budget[24], cexp[32], uexp[32];

		snprintf(budget, sizeof(budget), e->cell->budget ? "%ld" : "-", e->cell->budget);
		if (e->completion_expected >= 0) {
			snprintf(cexp, sizeof(cexp), "%.0f", e->completion_expected);
			snprintf(uexp, sizeof(uexp), "%.4f", e->usd_expected);
			t_exp += e->completion_expected;
			u_exp += e->usd_expected;
		} else {
			snprintf(cexp, sizeof(cexp), "?");
			snprintf(uexp, sizeof(uexp), "?");
			exp_known = 0;
		}
		fprintf(f, "%-14.14s %-26.26s %-7s %6s %8ld %10.0f %12.0f %12s %10.4f %10s  %s\n",
			e->cell->suite->name, e->cell->model->id, tb_mode_name(e->cell->mode), budget,
			e->samples, e->prompt_tokens, e->completion_max, cexp, e->usd_max, uexp,
			*e->expected_from ? e->expected_from : "unknown");
		t_samples += e->samples;
		t_prompt += e->prompt_tokens;
		t_max += e->completion_max;
		u_max += e->usd_max;
	}
	if (exp_known)
		fprintf(f, "%-14s %-26s %-7s %6s %8ld %10.0f %12.0f %12.0f %10.4f %10.4f\n", "total", "",
			"", "", t_samples, t_prompt, t_max, t_exp, u_max, u_exp);
	else
		fprintf(f, "%-14s %-26s %-7s %6s %8ld %10.0f %12.0f %12s %10.4f %10s\n", "total", "", "",
			"", t_samples, t_prompt, t_max, "?", u_max, "?");
	fprintf(f, "%zu cells, %ld samples, %ld requests (one a sample, before retries).\n"
		   "Prompt tokens are counted at %d bytes of text a token (%d an image); completion\n"
		   "tokens at most max_tokens each, expected from earlier runs of the same model, mode\n"
		   "and budget in the --out folder, else from the simulator's profile when simulated.\n"
		   "Dry run: no request was sent and nothing was written.\n",
		n, t_samples, t_samples, EST_BYTES_PER_TOKEN, EST_IMAGE_TOKENS);
}
