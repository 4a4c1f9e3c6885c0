#include "tracestore.h"

#include "rc.h"
#include "traceinfo.h"

typedef struct pass_ctx {
	tb_store *st;
	const grading_catalog *catalog;
	const tb_sample *s;      /* the sample being measured, for the judge */
	long measured;
	char *err;
	size_t errlen;
} pass_ctx;

static int judge_step(void *ud, const char *step, size_t len)
{
	const pass_ctx *p = ud;

	return grading_catalog_judge(p->catalog, p->s->suite, p->s->item_id, step, len) == 1;
}

static int measure(void *ud, const tb_sample *s)
{
	pass_ctx *p = ud;
	tb_trace_metrics m;

	p->s = s;
	traceinfo_compute(s, p->catalog ? judge_step : NULL, p, &m);
	if (store_put_metrics(p->st, s, &m, p->err, p->errlen) != TB_OK)
		return TB_ERR;
	p->measured++;
	return 0;
}

int tracestore_update(tb_store *st, const grading_catalog *catalog, long *measured, char *err, size_t errlen)
{
	pass_ctx p = {.st = st, .catalog = catalog, .err = err, .errlen = errlen};

	if (store_begin(st, err, errlen) != TB_OK)
		return TB_ERR;
	if (store_each_sample(st, measure, &p, err, errlen) != 0) {
		store_rollback(st);
		return TB_ERR;
	}
	if (store_commit(st, err, errlen) != TB_OK)
		return TB_ERR;
	if (measured)
		*measured = p.measured;
	return TB_OK;
}
