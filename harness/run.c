#include "run.h"

#include "log.h"
#include "rc.h"

/* The store keeps a missing reference or language as "", and reads "" back
 * as missing: so does the catalog filled here. */
static const char *or_null(const char *s)
{
	return s && *s ? s : NULL;
}

static int put_suite(tb_store *st, const tb_suite *su, suite_cursor *cur, grading_catalog *catalog, char *err,
		     size_t errlen)
{
	for (size_t k = 0; k < su->n_items; k++) {
		const tb_item *it;
		tb_stored_item row;
		int rc;

		if (suite_cursor_get(cur, k, &it, err, errlen) != TB_OK)
			return TB_ERR;
		row = (tb_stored_item){.suite = su->name, .item_id = it->id, .prompt = suite_item_user_text(it),
				       .tags = it->tags, .lang = it->lang, .expected = it->expected,
				       .grader_spec = it->grader_spec};
		rc = store_put_item(st, &row, err, errlen);
		if (rc == TB_OK && catalog)
			rc = grading_catalog_add(catalog, su->name, it->id, or_null(it->expected), or_null(it->lang),
						 it->grader_spec, err, errlen);
		suite_item_put(it);
		if (rc != TB_OK)
			return TB_ERR;
	}
	return TB_OK;
}

int run_put_items(tb_store *st, tb_suite *const *suites, size_t n, grading_catalog *catalog, char *err,
		  size_t errlen)
{
	for (size_t i = 0; i < n; i++) {
		suite_cursor *cur = suite_cursor_new(suites[i]);
		int rc = cur ? put_suite(st, suites[i], cur, catalog, err, errlen)
			     : tb_seterr(err, errlen, "out of memory");

		suite_cursor_free(cur);
		if (rc != TB_OK)
			return TB_ERR;
	}
	return TB_OK;
}

int run_record_items(tb_store *st, tb_suite *const *suites, size_t n, grading_catalog *catalog, char *err,
		     size_t errlen)
{
	if (store_begin(st, err, errlen) != TB_OK)
		return TB_ERR;
	if (run_put_items(st, suites, n, catalog, err, errlen) != TB_OK) {
		store_rollback(st);
		return TB_ERR;
	}
	return store_commit(st, err, errlen);
}
