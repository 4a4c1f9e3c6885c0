/* The live viewer's server: the token, the routes and the JSON API. The page
 * itself (HTML, script, style) is in view_page.c. Every text of a store is
 * hostile: it reaches the JSON as valid UTF-8 (bad bytes become U+FFFD),
 * list fields cut short, and the page puts it in the DOM as text only. */
#include "view.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "log.h"
#include "rc.h"
#include "runlock.h"
#include "store.h"
#include "text.h"
#include "view_page.h"

#define TOKEN_BYTES 16
/* A page of the sample browser holds at most this many rows. */
#define PAGE_MAX 500
#define PAGE_DEFAULT 50
/* The texts of a list row (extracted, reason) are cut to this many bytes;
 * one sample's view has them whole. */
#define LIST_TEXT_MAX 300
/* The largest JSON body the API sends: a sample's texts are capped by the
 * run's response ceiling, this bounds a hostile store's. */
#define BODY_MAX ((size_t)64 << 20)

typedef struct view_run {
	char *dir, *store_path;
	tb_store *st;
} view_run;

struct tb_view {
	struct MHD_Daemon *daemon;
	view_run *runs;
	size_t n_runs;
	unsigned short port;
	char token[2 * TOKEN_BYTES + 1];
	char url[96];
};

/* A copy of s (NULL reads as "") of at most max bytes, cut at a code point,
 * with every invalid byte replaced by U+FFFD, as a JSON string. */
static json_t *jtext(const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0, i = 0;
	tb_buf b;
	json_t *j;

	tb_buf_init(&b, max + 16);
	tb_buf_adds(&b, "");
	/* bounded by n: every step advances at least one byte */
	while (i < n && b.len < max) {
		uint32_t cp;
		size_t len = tb_text_utf8_seq(s + i, n - i, &cp);

		if (len == 0 || cp == 0) {
			tb_buf_adds(&b, "\xef\xbf\xbd");
			i += len ? len : 1;
		} else {
			tb_buf_add(&b, s + i, len);
			i += len;
		}
	}
	if (i < n)
		tb_buf_adds(&b, "\xe2\x80\xa6");
	j = json_stringn(tb_buf_str(&b), b.len);
	tb_buf_release(&b);
	return j;
}

static json_t *jnum(double v)
{
	return v == v ? json_real(v) : json_null();
}

static json_t *jtokens(long v)
{
	return v < 0 ? json_null() : json_integer(v);
}

static int split_path(const char *run, char **dir, char **store)
{
	struct stat sb;
	size_t n = strlen(run);

	*dir = *store = NULL;
	if (stat(run, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		*dir = strdup(run);
		*store = malloc(n + sizeof("/store.sqlite"));
		if (*store)
			snprintf(*store, n + sizeof("/store.sqlite"), "%s/store.sqlite", run);
	} else {
		const char *slash = strrchr(run, '/');

		*store = strdup(run);
		*dir = slash ? strndup(run, slash == run ? 1 : (size_t)(slash - run)) : strdup(".");
	}
	return *dir && *store ? TB_OK : TB_NOMEM;
}

/* ---- the API ---- */

static const char *arg(struct MHD_Connection *c, const char *name)
{
	const char *v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, name);

	return v ? v : "";
}

/* An optional whole-number argument in [min, max]; *out keeps its default
 * when the argument is absent or empty. */
static int arg_long(struct MHD_Connection *c, const char *name, long min, long max, long *out,
		    char *err, size_t errlen)
{
	const char *s = arg(c, name);
	char *end;
	long v;

	if (!*s)
		return TB_OK;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < min || v > max)
		return tb_seterr(err, errlen, "argument '%s' expects a whole number from %ld to %ld",
				 name, min, max);
	*out = v;
	return TB_OK;
}

static int arg_run(tb_view *v, struct MHD_Connection *c, const char *name, view_run **out,
		   char *err, size_t errlen)
{
	long i = -1;

	if (arg_long(c, name, 0, (long)v->n_runs - 1, &i, err, errlen) != TB_OK || i < 0)
		return tb_seterr(err, errlen, "argument '%s' expects a run number from 0 to %zu", name,
				 v->n_runs - 1);
	*out = &v->runs[i];
	return TB_OK;
}

static json_t *run_json(view_run *r, size_t index)
{
	json_t *o = json_object();
	tb_run_info info;
	char err[512];

	json_object_set_new(o, "index", json_integer((json_int_t)index));
	json_object_set_new(o, "dir", jtext(r->dir, 4096));
	if (store_get_run(r->st, &info, err, sizeof(err)) != TB_OK) {
		json_object_set_new(o, "error", jtext(err, sizeof(err)));
		return o;
	}
	json_object_set_new(o, "id", jtext(info.run_id, sizeof(info.run_id)));
	json_object_set_new(o, "status", jtext(runlock_status(r->dir, info.status), 64));
	json_object_set_new(o, "started", jtext(info.started, sizeof(info.started)));
	json_object_set_new(o, "ended", jtext(info.ended, sizeof(info.ended)));
	json_object_set_new(o, "simulated", json_boolean(info.simulated));
	json_object_set_new(o, "samples", json_integer(store_count_samples(r->st)));
	json_object_set_new(o, "awaiting", json_integer(store_count_awaiting(r->st)));
	store_run_info_release(&info);
	return o;
}

static int api_runs(tb_view *v, struct MHD_Connection *c, json_t *out, char *err, size_t errlen)
{
	json_t *runs = json_array();

	(void)c;
	(void)err;
	(void)errlen;
	for (size_t i = 0; i < v->n_runs; i++)
		json_array_append_new(runs, run_json(&v->runs[i], i));
	json_object_set_new(out, "runs", runs);
	return TB_OK;
}

/* Rows of cells, each with its counts of every outcome. */
static int add_count(void *ud, const tb_outcome_count *k)
{
	json_t *cells = ud, *last = json_array_get(cells, json_array_size(cells) - 1);

	if (!last || strcmp(json_string_value(json_object_get(last, "suite")), k->suite) ||
	    strcmp(json_string_value(json_object_get(last, "model")), k->model) ||
	    strcmp(json_string_value(json_object_get(last, "mode")), k->mode) ||
	    json_integer_value(json_object_get(last, "budget")) != k->budget) {
		last = json_object();
		json_object_set_new(last, "suite", jtext(k->suite, 1024));
		json_object_set_new(last, "model", jtext(k->model, 1024));
		json_object_set_new(last, "mode", jtext(k->mode, 1024));
		json_object_set_new(last, "budget", json_integer(k->budget));
		json_object_set_new(last, "counts", json_object());
		json_object_set_new(last, "graded", json_integer(0));
		json_object_set_new(last, "n", json_integer(0));
		json_array_append_new(cells, last);
	}
	json_object_set_new(json_object_get(last, "counts"), tb_outcome_name(k->outcome),
			    json_integer(k->n));
	json_object_set_new(last, "n", json_integer(json_integer_value(json_object_get(last, "n")) + k->n));
	if (tb_outcome_is_graded(k->outcome))
		json_object_set_new(last, "graded",
				    json_integer(json_integer_value(json_object_get(last, "graded")) + k->n));
	return 0;
}

static int add_lang(void *ud, const char *lang)
{
	json_array_append_new(ud, jtext(lang, 64));
	return 0;
}

static int api_run(tb_view *v, struct MHD_Connection *c, json_t *out, char *err, size_t errlen)
{
	json_t *cells = json_array(), *langs = json_array(), *outcomes = json_array();
	view_run *r = NULL;
	size_t i;
	json_t *cell;

	json_object_set_new(out, "cells", cells);
	json_object_set_new(out, "langs", langs);
	json_object_set_new(out, "outcomes", outcomes);
	if (arg_run(v, c, "run", &r, err, errlen) != TB_OK)
		return TB_ERR;
	json_object_set_new(out, "run", run_json(r, (size_t)(r - v->runs)));
	if (store_each_outcome_count(r->st, add_count, cells, err, errlen) != TB_OK ||
	    store_each_lang(r->st, add_lang, langs, err, errlen) != TB_OK)
		return TB_ERR;
	for (int o = 0; o < TB_OUT_COUNT; o++)
		json_array_append_new(outcomes, json_string(tb_outcome_name((tb_outcome)o)));
	/* accuracy is the correct among the graded (sample.h decides which) */
	json_array_foreach(cells, i, cell) {
		json_int_t graded = json_integer_value(json_object_get(cell, "graded"));
		json_int_t correct = json_integer_value(
			json_object_get(json_object_get(cell, "counts"), tb_outcome_name(TB_OUT_CORRECT)));

		json_object_set_new(cell, "accuracy",
				    graded ? json_real((double)correct / (double)graded) : json_null());
	}
	return TB_OK;
}

static json_t *sample_key_json(const tb_sample *s)
{
	json_t *o = json_object();

	json_object_set_new(o, "suite", jtext(s->suite, 1024));
	json_object_set_new(o, "item", jtext(s->item_id, 1024));
	json_object_set_new(o, "model", jtext(s->model, 1024));
	json_object_set_new(o, "mode", jtext(s->mode, 1024));
	json_object_set_new(o, "budget", json_integer(s->budget));
	json_object_set_new(o, "sample", json_integer(s->sample));
	return o;
}

static int add_row(void *ud, const tb_sample *s)
{
	json_t *o = sample_key_json(s);

	json_object_set_new(o, "outcome", json_string(tb_outcome_name(s->outcome)));
	json_object_set_new(o, "extracted", jtext(s->extracted, LIST_TEXT_MAX));
	json_object_set_new(o, "expected", jtext(s->expected, LIST_TEXT_MAX));
	json_object_set_new(o, "reason", jtext(s->grade_reason, LIST_TEXT_MAX));
	json_object_set_new(o, "lang", jtext(s->lang, 64));
	json_object_set_new(o, "wrong_lang", json_boolean(s->lang_check == GR_LANG_WRONG));
	json_object_set_new(o, "mode_leak", json_boolean(s->mode_leak));
	json_array_append_new(ud, o);
	return 0;
}

static int api_samples(tb_view *v, struct MHD_Connection *c, json_t *out, char *err, size_t errlen)
{
	json_t *rows = json_array();
	tb_sample_filter f;
	long offset = 0, limit = PAGE_DEFAULT, leak = -1, wrong = -1, total = 0;
	view_run *r = NULL;

	json_object_set_new(out, "rows", rows);
	store_filter_init(&f);
	f.suite = arg(c, "suite");
	f.model = arg(c, "model");
	f.mode = arg(c, "mode");
	f.outcome = arg(c, "outcome");
	f.lang = arg(c, "lang");
	if (arg_run(v, c, "run", &r, err, errlen) != TB_OK ||
	    arg_long(c, "budget", -1, LONG_MAX, &f.budget, err, errlen) != TB_OK ||
	    arg_long(c, "leak", -1, 1, &leak, err, errlen) != TB_OK ||
	    arg_long(c, "wronglang", -1, 1, &wrong, err, errlen) != TB_OK ||
	    arg_long(c, "offset", 0, LONG_MAX, &offset, err, errlen) != TB_OK ||
	    arg_long(c, "limit", 1, PAGE_MAX, &limit, err, errlen) != TB_OK)
		return TB_ERR;
	f.mode_leak = (int)leak;
	f.wrong_lang = (int)wrong;
	if (store_query_samples(r->st, &f, offset, limit, add_row, rows, &total, err, errlen) != TB_OK)
		return TB_ERR;
	json_object_set_new(out, "total", json_integer(total));
	json_object_set_new(out, "offset", json_integer(offset));
	json_object_set_new(out, "limit", json_integer(limit));
	return TB_OK;
}

typedef struct one_sample {
	json_t *o;
} one_sample;

static int fill_sample(void *ud, const tb_sample *s)
{
	json_t *o = sample_key_json(s);

	json_object_set_new(o, "outcome", json_string(tb_outcome_name(s->outcome)));
	json_object_set_new(o, "extracted", jtext(s->extracted, BODY_MAX));
	json_object_set_new(o, "expected", jtext(s->expected, BODY_MAX));
	json_object_set_new(o, "reason", jtext(s->grade_reason, BODY_MAX));
	json_object_set_new(o, "grader", jtext(s->grader, 256));
	json_object_set_new(o, "grader_version", jtext(s->grader_version, 256));
	json_object_set_new(o, "grade_path", jtext(s->grade_path, 256));
	json_object_set_new(o, "reasoning", jtext(s->reasoning, BODY_MAX));
	json_object_set_new(o, "answer", jtext(s->answer, BODY_MAX));
	json_object_set_new(o, "error", jtext(s->error, 4096));
	json_object_set_new(o, "lang", jtext(s->lang, 64));
	json_object_set_new(o, "wrong_lang", json_boolean(s->lang_check == GR_LANG_WRONG));
	json_object_set_new(o, "mode_leak", json_boolean(s->mode_leak));
	json_object_set_new(o, "split_method", jtext(s->split_method, 64));
	json_object_set_new(o, "finish_reason", jtext(s->finish_reason, 64));
	json_object_set_new(o, "text_truncated", json_boolean(s->text_truncated));
	json_object_set_new(o, "prompt_tokens", jtokens(s->prompt_tokens));
	json_object_set_new(o, "completion_tokens", jtokens(s->completion_tokens));
	json_object_set_new(o, "reasoning_tokens", jtokens(s->reasoning_tokens));
	json_object_set_new(o, "cost_usd", jnum(s->cost_usd));
	json_object_set_new(o, "ttft_ms", jnum(s->ttft_ms));
	json_object_set_new(o, "total_ms", jnum(s->total_ms));
	json_object_set_new(o, "http_status", json_integer(s->http_status));
	json_object_set_new(o, "attempts", json_integer(s->attempts));
	((one_sample *)ud)->o = o;
	return 0;
}

static int api_sample(tb_view *v, struct MHD_Connection *c, json_t *out, char *err, size_t errlen)
{
	tb_sample key = {.suite = arg(c, "suite"), .item_id = arg(c, "item"), .model = arg(c, "model"),
			 .mode = arg(c, "mode")};
	one_sample one = {0};
	long sample = 0;
	char *prompt = NULL;
	view_run *r = NULL;

	if (arg_run(v, c, "run", &r, err, errlen) != TB_OK ||
	    arg_long(c, "budget", 0, LONG_MAX, &key.budget, err, errlen) != TB_OK ||
	    arg_long(c, "sample", 0, INT_MAX, &sample, err, errlen) != TB_OK)
		return TB_ERR;
	key.sample = (int)sample;
	if (store_get_sample(r->st, &key, fill_sample, &one, err, errlen) != TB_OK)
		return TB_ERR;
	if (!one.o)
		return tb_seterr(err, errlen, "no such sample");
	if (store_get_prompt(r->st, key.suite, key.item_id, &prompt, err, errlen) != TB_OK) {
		json_decref(one.o);
		return TB_ERR;
	}
	json_object_set_new(one.o, "prompt", prompt ? jtext(prompt, BODY_MAX) : json_null());
	free(prompt);
	json_object_set_new(out, "sample", one.o);
	return TB_OK;
}

/* One item of a cell (suite x item x model x mode x budget) in one run: its
 * graded and correct samples. The walks come in key order, so the items do. */
typedef struct item_rate {
	char *suite, *item, *model, *mode;
	long budget;
	long n, c;
} item_rate;

typedef struct rates {
	item_rate *v;
	size_t n, cap;
	int nomem;
} rates;

static int add_rate(void *ud, const tb_sample *s)
{
	rates *r = ud;
	item_rate *last = r->n ? &r->v[r->n - 1] : NULL;

	if (!last || strcmp(last->suite, s->suite) || strcmp(last->item, s->item_id) ||
	    strcmp(last->model, s->model) || strcmp(last->mode, s->mode) || last->budget != s->budget) {
		if (r->n == r->cap) {
			size_t cap = r->cap ? 2 * r->cap : 256;
			item_rate *nv = realloc(r->v, cap * sizeof(*nv));

			if (!nv)
				return r->nomem = TB_NOMEM;
			r->v = nv;
			r->cap = cap;
		}
		last = &r->v[r->n];
		*last = (item_rate){.suite = strdup(s->suite), .item = strdup(s->item_id),
				    .model = strdup(s->model), .mode = strdup(s->mode), .budget = s->budget};
		r->n++;
		if (!last->suite || !last->item || !last->model || !last->mode)
			return r->nomem = TB_NOMEM;
	}
	if (tb_outcome_is_graded(s->outcome)) {
		last->n++;
		last->c += s->outcome == TB_OUT_CORRECT;
	}
	return 0;
}

static void rates_release(rates *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].suite);
		free(r->v[i].item);
		free(r->v[i].model);
		free(r->v[i].mode);
	}
	free(r->v);
}

/* The order of the store's walks: text columns compare as bytes. */
static int rate_cmp(const item_rate *a, const item_rate *b)
{
	int d;

	if ((d = strcmp(a->suite, b->suite)) || (d = strcmp(a->item, b->item)) ||
	    (d = strcmp(a->model, b->model)) || (d = strcmp(a->mode, b->mode)))
		return d;
	return (a->budget > b->budget) - (a->budget < b->budget);
}

/* An item passes in a run when most of its graded samples are correct. */
static int passes(const item_rate *r)
{
	return 2 * r->c > r->n;
}

static json_t *rate_json(const item_rate *r)
{
	json_t *o = json_object();

	json_object_set_new(o, "n", json_integer(r->n));
	json_object_set_new(o, "correct", json_integer(r->c));
	json_object_set_new(o, "pass", json_boolean(passes(r)));
	return o;
}

static int api_flips(tb_view *v, struct MHD_Connection *c, json_t *out, char *err, size_t errlen)
{
	rates ra = {0}, rb = {0};
	view_run *a = NULL, *b = NULL;
	long offset = 0, limit = PAGE_DEFAULT, both = 0, fixed = 0, broken = 0, matched = 0;
	json_t *rows = json_array();
	size_t i = 0, j = 0;
	int rc = TB_ERR;

	json_object_set_new(out, "rows", rows);
	if (arg_run(v, c, "a", &a, err, errlen) != TB_OK || arg_run(v, c, "b", &b, err, errlen) != TB_OK ||
	    arg_long(c, "offset", 0, LONG_MAX, &offset, err, errlen) != TB_OK ||
	    arg_long(c, "limit", 1, PAGE_MAX, &limit, err, errlen) != TB_OK)
		goto out;
	if (store_each_sample_head(a->st, add_rate, &ra, err, errlen) != TB_OK ||
	    store_each_sample_head(b->st, add_rate, &rb, err, errlen) != TB_OK)
		goto out;
	if (ra.nomem || rb.nomem) {
		tb_seterr(err, errlen, "out of memory");
		goto out;
	}
	/* a merge of two lists in the same order: bounded by their lengths */
	while (i < ra.n && j < rb.n) {
		int d = rate_cmp(&ra.v[i], &rb.v[j]);
		item_rate *x = &ra.v[i], *y = &rb.v[j];

		if (d < 0) {
			i++;
			continue;
		}
		if (d > 0) {
			j++;
			continue;
		}
		i++;
		j++;
		if (!x->n || !y->n)
			continue;
		both++;
		if (passes(x) == passes(y))
			continue;
		if (passes(y))
			fixed++;
		else
			broken++;
		if (matched++ < offset || (long)json_array_size(rows) >= limit)
			continue;
		json_t *o = json_object();

		json_object_set_new(o, "suite", jtext(x->suite, 1024));
		json_object_set_new(o, "item", jtext(x->item, 1024));
		json_object_set_new(o, "model", jtext(x->model, 1024));
		json_object_set_new(o, "mode", jtext(x->mode, 1024));
		json_object_set_new(o, "budget", json_integer(x->budget));
		json_object_set_new(o, "a", rate_json(x));
		json_object_set_new(o, "b", rate_json(y));
		json_array_append_new(rows, o);
	}
	json_object_set_new(out, "items", json_integer(both));
	json_object_set_new(out, "fixed", json_integer(fixed));
	json_object_set_new(out, "broken", json_integer(broken));
	json_object_set_new(out, "total", json_integer(matched));
	json_object_set_new(out, "offset", json_integer(offset));
	json_object_set_new(out, "limit", json_integer(limit));
	rc = TB_OK;
out:
	rates_release(&ra);
	rates_release(&rb);
	return rc;
}

/* ---- HTTP ---- */

static enum MHD_Result respond(struct MHD_Connection *c, unsigned status, const char *ctype,
			    char *body, size_t len, enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(len, body, mode);
	enum MHD_Result ret;

	if (!resp) {
		if (mode == MHD_RESPMEM_MUST_FREE)
			free(body);
		return MHD_NO;
	}
	MHD_add_response_header(resp, "Content-Type", ctype);
	MHD_add_response_header(resp, "Cache-Control", "no-store");
	/* the token is in the URL: no page may learn it from a Referer */
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "X-Frame-Options", "DENY");
	/* scripts only from this server's own files, never inline: text that
	 * got into the page as markup still could not run */
	MHD_add_response_header(resp, "Content-Security-Policy",
				"default-src 'none'; script-src 'self'; style-src 'self'; "
				"connect-src 'self'; img-src 'self'; base-uri 'none'; "
				"form-action 'none'; frame-ancestors 'none'");
	ret = MHD_queue_response(c, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result send_text(struct MHD_Connection *c, unsigned status, const char *msg)
{
	return respond(c, status, "text/plain; charset=utf-8", (char *)msg, strlen(msg),
		    MHD_RESPMEM_PERSISTENT);
}

static enum MHD_Result send_json(struct MHD_Connection *c, unsigned status, json_t *o)
{
	char *body = json_dumps(o, JSON_COMPACT);

	json_decref(o);
	if (!body)
		return send_text(c, 500, "out of memory\n");
	return respond(c, status, "application/json", body, strlen(body), MHD_RESPMEM_MUST_FREE);
}

static int token_ok(const tb_view *v, struct MHD_Connection *c)
{
	const char *t = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "token");

	return t && strlen(t) == sizeof(v->token) - 1 &&
	       CRYPTO_memcmp(t, v->token, sizeof(v->token) - 1) == 0;
}

static enum MHD_Result send_page(tb_view *v, struct MHD_Connection *c)
{
	tb_buf b;

	tb_buf_init(&b, 16384);
	if (view_page_html(&b, v->token) != TB_OK) {
		tb_buf_release(&b);
		return send_text(c, 500, "out of memory\n");
	}
	return respond(c, 200, "text/html; charset=utf-8", tb_buf_detach(&b), b.len, MHD_RESPMEM_MUST_FREE);
}

typedef int (*api_fn)(tb_view *v, struct MHD_Connection *c, json_t *out, char *err, size_t errlen);

static const struct route {
	const char *path;
	api_fn fn;
} routes[] = {
	{"/api/runs", api_runs},
	{"/api/run", api_run},
	{"/api/samples", api_samples},
	{"/api/sample", api_sample},
	{"/api/flips", api_flips},
};

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	tb_view *v = cls;
	char err[1024];

	(void)version;
	(void)upload;
	(void)con_cls;
	if (*upload_size)
		return send_text(c, 413, "no request bodies here\n");
	if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0)
		return send_text(c, 405, "only GET\n");
	if (!token_ok(v, c))
		return send_text(c, 403, "forbidden: open the URL that 'thinkbench view' printed\n");
	if (strcmp(url, "/") == 0)
		return send_page(v, c);
	if (strcmp(url, "/app.js") == 0)
		return respond(c, 200, "text/javascript; charset=utf-8", (char *)view_page_js,
			    strlen(view_page_js), MHD_RESPMEM_PERSISTENT);
	if (strcmp(url, "/app.css") == 0)
		return respond(c, 200, "text/css; charset=utf-8", (char *)view_page_css,
			    strlen(view_page_css), MHD_RESPMEM_PERSISTENT);
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		if (strcmp(url, routes[i].path) == 0) {
			json_t *out = json_object();

			err[0] = '\0';
			if (routes[i].fn(v, c, out, err, sizeof(err)) != TB_OK) {
				json_decref(out);
				out = json_object();
				json_object_set_new(out, "error", jtext(err, sizeof(err)));
				return send_json(c, 400, out);
			}
			return send_json(c, 200, out);
		}
	}
	return send_text(c, 404, "not found\n");
}

int view_start(const char *const *runs, size_t n_runs, unsigned short port, tb_view **out,
	       char *err, size_t errlen)
{
	struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	unsigned char raw[TOKEN_BYTES];
	const union MHD_DaemonInfo *info;
	tb_view *v = calloc(1, sizeof(*v));
	int rc = TB_ERR;

	*out = NULL;
	if (!v || !(v->runs = calloc(n_runs ? n_runs : 1, sizeof(*v->runs)))) {
		tb_seterr(err, errlen, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n_runs; i++) {
		view_run *r = &v->runs[i];

		v->n_runs = i + 1;

		if (split_path(runs[i], &r->dir, &r->store_path) != TB_OK) {
			tb_seterr(err, errlen, "out of memory");
			goto out;
		}
		if (store_open(r->store_path, 1, &r->st, err, errlen) != TB_OK)
			goto out;
	}
	if (RAND_bytes(raw, sizeof(raw)) != 1) {
		tb_seterr(err, errlen, "view: cannot draw a random token");
		goto out;
	}
	for (size_t i = 0; i < sizeof(raw); i++)
		snprintf(v->token + 2 * i, 3, "%02x", raw[i]);
	/* one thread: the stores are used by one thread at a time (store.h) */
	v->daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, port, NULL, NULL,
				     on_request, v, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
				     MHD_OPTION_CONNECTION_LIMIT, 64u, MHD_OPTION_CONNECTION_TIMEOUT, 60u,
				     MHD_OPTION_END);
	if (!v->daemon) {
		tb_seterr(err, errlen, "view: cannot listen on 127.0.0.1:%u (port in use?)", port);
		goto out;
	}
	info = MHD_get_daemon_info(v->daemon, MHD_DAEMON_INFO_BIND_PORT);
	v->port = info ? info->port : port;
	snprintf(v->url, sizeof(v->url), "http://127.0.0.1:%u/?token=%s", v->port, v->token);
	*out = v;
	v = NULL;
	rc = TB_OK;
out:
	view_stop(v);
	return rc;
}

unsigned short view_port(const tb_view *v)
{
	return v->port;
}

const char *view_url(const tb_view *v)
{
	return v->url;
}

void view_stop(tb_view *v)
{
	if (!v)
		return;
	if (v->daemon)
		MHD_stop_daemon(v->daemon);
	for (size_t i = 0; i < v->n_runs; i++) {
		store_close(v->runs[i].st);
		free(v->runs[i].dir);
		free(v->runs[i].store_path);
	}
	free(v->runs);
	OPENSSL_cleanse(v->token, sizeof(v->token));
	free(v);
}
