#include "html_samples.h"

#include <limits.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "buf.h"
#include "log.h"
#include "rc.h"
#include "text.h"

/* ceiling on the JSON pieces held in memory before compression */
#define MAX_JSON ((size_t)1 << 30)
/* rows are handed to zlib in pieces of about this size */
#define FEED_AT ((size_t)64 << 10)

/* Interned keys in order of first sight, with an open-addressing index. */
typedef struct dict {
	char **key;
	size_t *len;
	size_t n, cap;
	size_t *slot; /* index + 1; 0: empty */
	size_t nslot; /* a power of two, at least twice n */
} dict;

/* One sample as the first walk saw it. */
typedef struct first_seen {
	size_t group; /* its (cell, outcome) in groups */
	long rank;    /* samples of its group before it */
	size_t bytes; /* its cut texts */
	int failing;
} first_seen;

typedef struct enc {
	const report *r;
	dict groups, suites, models, modes, outcomes, langs, items;
	long *item_prompt; /* per item: index in prompts, -1 none, -2 not looked up */
	first_seen *seen;
	size_t n_seen, cap_seen;
	long per_group; /* -1: all texts */
	long largest_group;  /* the largest group's size */
	long *group_size; /* samples per group */
	size_t row;     /* the second walk's position */
	tb_buf rows, prompts, tmp;
	long n_prompts, with_text;
	z_stream z;
	tb_buf gz;
	size_t json_len; /* bytes handed to zlib */
	int nomem;
} enc;

static uint64_t fnv(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < n; i++)
		h = (h ^ s[i]) * 1099511628211ULL;
	return h;
}

static int dict_grow(dict *d)
{
	size_t nslot = d->nslot ? d->nslot * 2 : 64;
	size_t *slot = calloc(nslot, sizeof(*slot));

	if (!slot)
		return TB_ERR;
	for (size_t i = 0; i < d->n; i++) {
		size_t h = (size_t)fnv(d->key[i], d->len[i]) & (nslot - 1);

		while (slot[h])
			h = (h + 1) & (nslot - 1);
		slot[h] = i + 1;
	}
	free(d->slot);
	d->slot = slot;
	d->nslot = nslot;
	return TB_OK;
}

/* The index of key in d, added when new; -1 when memory runs out. */
static long dict_id(dict *d, const void *key, size_t len)
{
	size_t h;

	if ((d->n + 1) * 2 > d->nslot && dict_grow(d) != TB_OK)
		return -1;
	for (h = (size_t)fnv(key, len) & (d->nslot - 1); d->slot[h]; h = (h + 1) & (d->nslot - 1)) {
		size_t i = d->slot[h] - 1;

		if (d->len[i] == len && memcmp(d->key[i], key, len) == 0)
			return (long)i;
	}
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		char **k = realloc(d->key, cap * sizeof(*k));
		size_t *l;

		if (!k)
			return -1;
		d->key = k;
		l = realloc(d->len, cap * sizeof(*l));
		if (!l)
			return -1;
		d->len = l;
		d->cap = cap;
	}
	d->key[d->n] = malloc(len + 1);
	if (!d->key[d->n])
		return -1;
	memcpy(d->key[d->n], key, len);
	d->key[d->n][len] = '\0';
	d->len[d->n] = len;
	d->slot[h] = d->n + 1;
	return (long)d->n++;
}

static long dict_str(dict *d, const char *s)
{
	return dict_id(d, s ? s : "", s ? strlen(s) : 0);
}

static void dict_free(dict *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->key[i]);
	free(d->key);
	free(d->len);
	free(d->slot);
}

static size_t cut_len(const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;

	return n > max ? max + sizeof(HTML_CUT_NOTE) - 1 : n;
}

static size_t text_bytes(const tb_sample *s)
{
	return cut_len(s->reasoning, HTML_CUT_LONG) + cut_len(s->answer, HTML_CUT_LONG) +
	       cut_len(s->extracted, HTML_CUT_SHORT) + cut_len(s->expected, HTML_CUT_SHORT) +
	       cut_len(s->grade_reason, HTML_CUT_SHORT) + cut_len(s->error, HTML_CUT_SHORT);
}

static int failing(tb_outcome o)
{
	return o == TB_OUT_INCORRECT || o == TB_OUT_PARTIAL || o == TB_OUT_NOANSWER ||
	       o == TB_OUT_TRUNCATED || o == TB_OUT_ERROR;
}

static void mode_label(char *out, size_t len, const tb_sample *s)
{
	if (s->budget)
		snprintf(out, len, "%s %ld", s->mode ? s->mode : "", s->budget);
	else
		snprintf(out, len, "%s", s->mode ? s->mode : "");
}

static int on_first(void *ud, const tb_sample *s)
{
	enc *e = ud;
	char mode[96];
	long g;

	if (e->n_seen == e->cap_seen) {
		size_t cap = e->cap_seen ? e->cap_seen * 2 : 1024;
		first_seen *p = realloc(e->seen, cap * sizeof(*p));

		if (!p)
			goto nomem;
		e->seen = p;
		e->cap_seen = cap;
	}
	mode_label(mode, sizeof(mode), s);
	tb_buf_reset(&e->tmp);
	/* the cell and outcome, NUL-separated: no text can fake another key */
	tb_buf_add(&e->tmp, s->suite, strlen(s->suite) + 1);
	tb_buf_add(&e->tmp, s->model, strlen(s->model) + 1);
	tb_buf_add(&e->tmp, mode, strlen(mode) + 1);
	if (tb_buf_adds(&e->tmp, tb_outcome_name(s->outcome)) != TB_OK)
		goto nomem;
	g = dict_id(&e->groups, e->tmp.data, e->tmp.len);
	if (g < 0)
		goto nomem;
	e->seen[e->n_seen] = (first_seen){
		.group = (size_t)g, .bytes = text_bytes(s), .failing = failing(s->outcome)};
	e->n_seen++;
	return 0;
nomem:
	e->nomem = 1;
	return TB_ERR;
}

/* Whether sample i keeps its texts with k: its group keeps k of its samples
 * (2k of a failing outcome's), spread evenly over the group in store order
 * (the ranks where rank * quota / size steps up), so items late in the store
 * are kept as often as early ones. */
static int keeps_text(const enc *e, size_t i, long k)
{
	const first_seen *s = &e->seen[i];
	long size = e->group_size[s->group], q = s->failing ? 2 * k : k;

	if (k < 0 || q >= size)
		return 1;
	return (long)(((long long)s->rank + 1) * q / size) > (long)((long long)s->rank * q / size);
}

/* Ranks the samples in their groups, then picks the largest k whose subset
 * fits HTML_TEXT_BUDGET (-1 when all texts fit). */
static int choose_per_group(enc *e)
{
	long *count = calloc(e->groups.n + 1, sizeof(*count));
	size_t all = 0;
	long lo = 0, hi = 0;

	if (!count)
		return TB_ERR;
	for (size_t i = 0; i < e->n_seen; i++) {
		e->seen[i].rank = count[e->seen[i].group]++;
		all += e->seen[i].bytes;
		if (e->seen[i].rank + 1 > hi)
			hi = e->seen[i].rank + 1;
	}
	e->group_size = count;
	e->largest_group = hi;
	e->per_group = -1;
	if (all <= HTML_TEXT_BUDGET)
		return TB_OK;
	/* the largest k in [0, hi] that fits: the bytes grow with k (about so:
	 * the samples kept move as k changes) */
	while (lo < hi) {
		long mid = lo + (hi - lo + 1) / 2;
		size_t bytes = 0;

		for (size_t i = 0; i < e->n_seen; i++)
			if (keeps_text(e, i, mid))
				bytes += e->seen[i].bytes;
		if (bytes <= HTML_TEXT_BUDGET)
			lo = mid;
		else
			hi = mid - 1;
	}
	e->per_group = lo;
	return TB_OK;
}

/* s as a JSON string into b, at most max bytes of it and then the cut note;
 * invalid UTF-8 becomes U+FFFD. */
static int put_text(enc *e, tb_buf *b, const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0, i = 0;
	int rc = TB_OK;

	tb_buf_reset(&e->tmp);
	while (i < n && rc == TB_OK) {
		uint32_t cp;
		size_t k = tb_text_utf8_seq(s + i, n - i, &cp);

		if (i + (k ? k : 1) > max)
			break;
		rc = k ? tb_buf_add(&e->tmp, s + i, k) : tb_buf_adds(&e->tmp, "\xef\xbf\xbd");
		i += k ? k : 1;
	}
	if (rc == TB_OK && i < n)
		rc = tb_buf_adds(&e->tmp, HTML_CUT_NOTE);
	if (rc == TB_OK)
		rc = tb_buf_adds(b, "\"");
	if (rc == TB_OK)
		rc = tb_text_json_escape(b, tb_buf_str(&e->tmp));
	if (rc == TB_OK)
		rc = tb_buf_adds(b, "\"");
	return rc;
}

/* Hands len bytes to zlib; flush Z_FINISH ends the stream. */
static int gz_feed(enc *e, const void *p, size_t len, int flush)
{
	unsigned char chunk[1 << 16];
	int zrc;

	e->json_len += len;
	e->z.next_in = (Bytef *)p;
	e->z.avail_in = (uInt)len;
	do {
		e->z.next_out = chunk;
		e->z.avail_out = sizeof(chunk);
		zrc = deflate(&e->z, flush);
		if (zrc == Z_STREAM_ERROR)
			return TB_ERR;
		if (tb_buf_add(&e->gz, chunk, sizeof(chunk) - e->z.avail_out) != TB_OK)
			return TB_ERR;
	} while (e->z.avail_out == 0);
	return TB_OK;
}

static long prompt_of(enc *e, const tb_sample *s)
{
	long item;
	const char *p;

	tb_buf_reset(&e->tmp);
	tb_buf_add(&e->tmp, s->suite, strlen(s->suite) + 1);
	if (tb_buf_adds(&e->tmp, s->item_id) != TB_OK)
		return -3;
	item = dict_id(&e->items, e->tmp.data, e->tmp.len);
	if (item < 0)
		return -3;
	if ((size_t)item + 1 == e->items.n) {
		long *ip = realloc(e->item_prompt, e->items.n * sizeof(*ip));

		if (!ip)
			return -3;
		e->item_prompt = ip;
		ip[item] = -1;
		p = report_prompt(e->r, s->suite, s->item_id);
		if (p) {
			if ((e->n_prompts && tb_buf_adds(&e->prompts, ",") != TB_OK) ||
			    put_text(e, &e->prompts, p, HTML_CUT_LONG) != TB_OK)
				return -3;
			ip[item] = e->n_prompts++;
		}
	}
	return e->item_prompt[item];
}

static int on_row(void *ud, const tb_sample *s)
{
	enc *e = ud;
	char mode[96];
	long id[5], prompt;
	int text;

	mode_label(mode, sizeof(mode), s);
	id[0] = dict_str(&e->suites, s->suite);
	id[1] = dict_str(&e->models, s->model);
	id[2] = dict_str(&e->modes, mode);
	id[3] = dict_str(&e->outcomes, tb_outcome_name(s->outcome));
	id[4] = dict_str(&e->langs, s->lang);
	for (int i = 0; i < 5; i++)
		if (id[i] < 0)
			goto nomem;
	/* a row the first walk did not see (a running run) is listed without texts */
	text = e->row < e->n_seen && keeps_text(e, e->row, e->per_group);
	e->row++;
	if (tb_buf_addf(&e->rows, "%s[%ld,%ld,%ld,%ld,%ld,", e->row > 1 ? "," : "", id[0], id[1],
			id[2], id[3], id[4]) != TB_OK ||
	    put_text(e, &e->rows, s->item_id, HTML_CUT_SHORT) != TB_OK ||
	    tb_buf_addf(&e->rows, ",%d", s->sample) != TB_OK)
		goto nomem;
	if (text) {
		prompt = prompt_of(e, s);
		if (prompt < -1 || tb_buf_addf(&e->rows, ",%ld,", prompt) != TB_OK ||
		    put_text(e, &e->rows, s->reasoning, HTML_CUT_LONG) != TB_OK ||
		    tb_buf_adds(&e->rows, ",") != TB_OK ||
		    put_text(e, &e->rows, s->answer, HTML_CUT_LONG) != TB_OK ||
		    tb_buf_adds(&e->rows, ",") != TB_OK ||
		    put_text(e, &e->rows, s->extracted, HTML_CUT_SHORT) != TB_OK ||
		    tb_buf_adds(&e->rows, ",") != TB_OK ||
		    put_text(e, &e->rows, s->expected, HTML_CUT_SHORT) != TB_OK ||
		    tb_buf_adds(&e->rows, ",") != TB_OK ||
		    put_text(e, &e->rows, s->grade_reason, HTML_CUT_SHORT) != TB_OK ||
		    tb_buf_adds(&e->rows, ",") != TB_OK ||
		    put_text(e, &e->rows, s->error, HTML_CUT_SHORT) != TB_OK)
			goto nomem;
		e->with_text++;
	}
	if (tb_buf_adds(&e->rows, "]") != TB_OK)
		goto nomem;
	if (e->rows.len >= FEED_AT) {
		if (gz_feed(e, e->rows.data, e->rows.len, Z_NO_FLUSH) != TB_OK)
			goto nomem;
		tb_buf_reset(&e->rows);
	}
	return 0;
nomem:
	e->nomem = 1;
	return TB_ERR;
}

/* ,"name":[...] of d's keys as JSON strings, into b. */
static int put_dict(enc *e, tb_buf *b, const char *name, const dict *d)
{
	if (tb_buf_addf(b, ",\"%s\":[", name) != TB_OK)
		return TB_ERR;
	for (size_t i = 0; i < d->n; i++)
		if ((i && tb_buf_adds(b, ",") != TB_OK) || put_text(e, b, d->key[i], d->len[i]) != TB_OK)
			return TB_ERR;
	return tb_buf_adds(b, "]");
}

static void dicts_free(enc *e)
{
	dict *d[] = {&e->suites, &e->models, &e->modes, &e->outcomes, &e->langs, &e->items};

	for (size_t i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
		dict_free(d[i]);
		memset(d[i], 0, sizeof(*d[i]));
	}
	free(e->item_prompt);
	e->item_prompt = NULL;
}

/* The second walk: the rows with e->per_group, compressed into e->gz. */
static int encode_rows(tb_store *st, enc *e, char *err, size_t errlen)
{
	int rc = TB_ERR;

	dicts_free(e);
	tb_buf_reset(&e->rows);
	tb_buf_reset(&e->prompts);
	tb_buf_reset(&e->gz);
	e->row = 0;
	e->with_text = e->n_prompts = 0;
	e->json_len = 0;
	memset(&e->z, 0, sizeof(e->z));
	if (deflateInit2(&e->z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		e->nomem = 1;
		return TB_ERR;
	}
	if (gz_feed(e, "{\"rows\":[", 9, Z_NO_FLUSH) != TB_OK) {
		e->nomem = 1;
		goto cleanup;
	}
	if (store_each_sample(st, on_row, e, err, errlen) != 0)
		goto cleanup;
	if (tb_buf_adds(&e->rows, "]") != TB_OK || put_dict(e, &e->rows, "suites", &e->suites) ||
	    put_dict(e, &e->rows, "models", &e->models) || put_dict(e, &e->rows, "modes", &e->modes) ||
	    put_dict(e, &e->rows, "outcomes", &e->outcomes) ||
	    put_dict(e, &e->rows, "langs", &e->langs) ||
	    tb_buf_addf(&e->rows, ",\"prompts\":[%s]}", tb_buf_str(&e->prompts)) != TB_OK ||
	    gz_feed(e, e->rows.data, e->rows.len, Z_FINISH) != TB_OK) {
		e->nomem = 1;
		goto cleanup;
	}
	rc = TB_OK;
cleanup:
	deflateEnd(&e->z);
	return rc;
}

int html_samples_encode(tb_store *st, const report *r, char **b64, html_samples_info *info,
			char *err, size_t errlen)
{
	enc e = {.r = r};
	int rc = TB_ERR;

	*b64 = NULL;
	if (errlen)
		err[0] = '\0';
	memset(info, 0, sizeof(*info));
	tb_buf_init(&e.rows, MAX_JSON);
	tb_buf_init(&e.prompts, MAX_JSON);
	tb_buf_init(&e.tmp, MAX_JSON);
	tb_buf_init(&e.gz, MAX_JSON);
	if (store_each_sample(st, on_first, &e, err, errlen) != 0)
		goto cleanup;
	if (choose_per_group(&e) != TB_OK) {
		e.nomem = 1;
		goto cleanup;
	}
	/* texts that compress badly: half the subset until the data fits */
	while (encode_rows(st, &e, err, errlen) == TB_OK) {
		if (e.gz.len <= HTML_DATA_MAX || e.per_group == 0)
			break;
		e.per_group = (e.per_group < 0 ? e.largest_group : e.per_group) / 2;
	}
	if (e.nomem || err[0])
		goto cleanup;
	if (e.gz.len > (size_t)INT_MAX / 4 * 3 - 3) {
		e.nomem = 1;
		goto cleanup;
	}
	*b64 = malloc((e.gz.len + 2) / 3 * 4 + 1);
	if (!*b64) {
		e.nomem = 1;
		goto cleanup;
	}
	EVP_EncodeBlock((unsigned char *)*b64, (const unsigned char *)e.gz.data, (int)e.gz.len);
	info->rows = (long)e.row;
	info->with_text = e.with_text;
	info->per_group = e.per_group;
	info->json_len = e.json_len;
	info->gzip_len = e.gz.len;
	rc = TB_OK;
cleanup:
	if (e.nomem)
		tb_seterr(err, errlen, "cannot build the HTML sample browser: out of memory");
	else if (rc != TB_OK && !err[0])
		tb_seterr(err, errlen, "cannot read the samples for the HTML report");
	dict_free(&e.groups);
	dicts_free(&e);
	free(e.seen);
	free(e.group_size);
	tb_buf_release(&e.rows);
	tb_buf_release(&e.prompts);
	tb_buf_release(&e.tmp);
	tb_buf_release(&e.gz);
	return rc;
}
