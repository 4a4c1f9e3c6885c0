#include "tracestore.h"

#include "rc.h"

typedef struct pass_ctx {
	tb_store *st;
	const grading_catalog *catalog;
	long measured;
	char *err;
	size_t errlen;
} pass_ctx;

static int measure(void *ud, const tb_sample *s)
{
	pass_ctx *p = ud;
	tb_trace_metrics m;

	grading_catalog_measure(p->catalog, s, &m);
	if (store_put_metrics(p->st, s, &m, p->err, p->errlen) != TB_OK)
		return TB_ERR;
	p->measured++;
	return 0;
}

int tracestore_update(tb_store *st, const grading_catalog *catalog, tracestore_which which, long *measured,
		      char *err, size_t errlen)
{
	pass_ctx p = {.st = st, .catalog = catalog, .err = err, .errlen = errlen};
	int rc;

	if (store_begin(st, err, errlen) != TB_OK)
		return TB_ERR;
	rc = which == TRACESTORE_UNMEASURED ? store_each_unmeasured_sample(st, measure, &p, err, errlen)
					    : store_each_sample(st, measure, &p, err, errlen);
	if (rc != 0) {
		store_rollback(st);
		return TB_ERR;
	}
	if (store_commit(st, err, errlen) != TB_OK)
		return TB_ERR;
	if (measured)
		*measured = p.measured;
	return TB_OK;
}
