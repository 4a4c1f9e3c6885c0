#include "budgetreuse.h"

#include <string.h>

#include "log.h"
#include "rc.h"
#include "traceinfo.h"

typedef struct copy_ctx {
	tb_store *dst;
	const char *source_run;
	const long *budgets;
	size_t n_budgets;
	reuse_wanted_fn wanted;
	void *ud;
	long reused;
	char *err;
	size_t errlen;
} copy_ctx;

static int copy_one(void *arg, const tb_sample *s)
{
	copy_ctx *x = arg;
	long t;

	if (strcmp(s->mode, "think") != 0 || s->budget != 0 || s->outcome == TB_OUT_ERROR ||
	    (s->finish_reason && strcmp(s->finish_reason, "length") == 0))
		return 0;
	t = s->reasoning_tokens >= 0 ? s->reasoning_tokens
				     : traceinfo_estimate_tokens(s->reasoning, s->reasoning ? strlen(s->reasoning) : 0);
	for (size_t i = 0; i < x->n_budgets; i++) {
		tb_sample c = *s;

		if (x->budgets[i] <= 0 || t >= x->budgets[i])
			continue;
		c.budget = x->budgets[i];
		if (!x->wanted(x->ud, &c))
			continue;
		if (store_put_reused(x->dst, &c, x->source_run, s->budget, x->err, x->errlen) != TB_OK)
			return TB_ERR;
		x->reused++;
	}
	return 0;
}

int budgetreuse_copy(tb_store *st, const char *src_path, const long *budgets, size_t n_budgets,
		     reuse_wanted_fn wanted, void *ud, long *reused, char *err, size_t errlen)
{
	tb_store *src = NULL;
	tb_run_info info;
	int have_info = 0, rc = TB_ERR;
	copy_ctx x = {.dst = st, .budgets = budgets, .n_budgets = n_budgets, .wanted = wanted, .ud = ud,
		      .err = err, .errlen = errlen};

	*reused = 0;
	if (store_open(src_path, 1, &src, err, errlen) != TB_OK || store_get_run(src, &info, err, errlen) != TB_OK)
		goto out;
	have_info = 1;
	x.source_run = info.run_id;
	if (store_begin(st, err, errlen) != TB_OK)
		goto out;
	if (store_each_sample(src, copy_one, &x, err, errlen) != 0) {
		store_rollback(st);
		goto out;
	}
	if (store_commit(st, err, errlen) != TB_OK)
		goto out;
	*reused = x.reused;
	rc = TB_OK;
out:
	if (have_info)
		store_run_info_release(&info);
	store_close(src);
	return rc;
}
