#include "dialect.h"

#include <errno.h>
#include <math.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "rc.h"
#include "redact.h"
#include "text.h"

static int both_modes(const tb_model *m)
{
	return (m->modes & TB_MODE_BIT(TB_MODE_THINK)) && (m->modes & TB_MODE_BIT(TB_MODE_NOTHINK));
}

static const char *image_mime(const char *path)
{
	const char *dot = strrchr(path, '.');

	if (dot && (strcasecmp(dot, ".jpg") == 0 || strcasecmp(dot, ".jpeg") == 0))
		return "image/jpeg";
	if (dot && strcasecmp(dot, ".webp") == 0)
		return "image/webp";
	if (dot && strcasecmp(dot, ".gif") == 0)
		return "image/gif";
	return "image/png";
}

static json_t *image_part(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	unsigned char *raw = NULL;
	char *url = NULL;
	json_t *part = NULL;
	long n;
	size_t prefix;

	if (!f) {
		tb_seterr(err, errlen, "cannot read image '%s': %s", path, strerror(errno));
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0 ||
	    (unsigned long)n > SUITE_IMAGE_MAX) {
		tb_seterr(err, errlen, "image '%s': expected a readable file under %u bytes", path,
			  SUITE_IMAGE_MAX);
		goto out;
	}
	raw = malloc((size_t)n + 1);
	prefix = strlen("data:;base64,") + strlen(image_mime(path));
	url = malloc(prefix + 4 * (((size_t)n + 2) / 3) + 1);
	if (!raw || !url || fread(raw, 1, (size_t)n, f) != (size_t)n) {
		tb_seterr(err, errlen, "cannot read image '%s'", path);
		goto out;
	}
	snprintf(url, prefix + 1, "data:%s;base64,", image_mime(path));
	EVP_EncodeBlock((unsigned char *)url + prefix, raw, (int)n);
	part = json_pack("{s:s, s:{s:s}}", "type", "image_url", "image_url", "url", url);
out:
	fclose(f);
	free(raw);
	free(url);
	return part;
}

static const char *soft_switch(const tb_model *m, tb_mode mode)
{
	if (m->dialect != TB_DIALECT_SOFT || !both_modes(m))
		return NULL;
	return mode == TB_MODE_THINK ? " /think" : " /no_think";
}

/* The user turn: text, then images (text first, as the endpoints expect). */
static json_t *user_content(const tb_model *m, const tb_item *it, const char *text,
			    const char *suffix, char *err, size_t errlen)
{
	json_t *parts;
	char *full = NULL;

	if (suffix && asprintf(&full, "%s%s", text, suffix) < 0)
		return NULL;
	if (it->n_images == 0 || !m->vision) {
		json_t *s = json_string(full ? full : text);

		free(full);
		return s;
	}
	parts = json_array();
	json_array_append_new(parts, json_pack("{s:s, s:s}", "type", "text", "text", full ? full : text));
	free(full);
	for (size_t i = 0; i < it->n_images; i++) {
		json_t *img = image_part(it->images[i], err, errlen);

		if (!img) {
			json_decref(parts);
			return NULL;
		}
		json_array_append_new(parts, img);
	}
	return parts;
}

static json_t *build_messages(const tb_model *m, const tb_suite *s, const tb_item *it, tb_mode mode,
			      char *err, size_t errlen)
{
	const char *suffix = soft_switch(m, mode);
	json_t *msgs, *content;

	if (it->messages) {
		size_t i, last_user = (size_t)-1;
		json_t *msg;

		msgs = json_deep_copy(it->messages);
		json_array_foreach(msgs, i, msg) {
			const char *role = json_string_value(json_object_get(msg, "role"));

			if (role && strcmp(role, "user") == 0)
				last_user = i;
		}
		if (suffix && last_user != (size_t)-1) {
			json_t *u = json_array_get(msgs, last_user);
			const char *text = json_string_value(json_object_get(u, "content"));

			if (text) {
				char *full = NULL;

				if (asprintf(&full, "%s%s", text, suffix) >= 0) {
					json_object_set_new(u, "content", json_string(full));
					free(full);
				}
			}
		}
		return msgs;
	}
	msgs = json_array();
	if (s->system)
		json_array_append_new(msgs, json_pack("{s:s, s:s}", "role", "system", "content", s->system));
	content = user_content(m, it, it->prompt, suffix, err, errlen);
	if (!content) {
		json_decref(msgs);
		if (!*err)
			tb_seterr(err, errlen, "out of memory");
		return NULL;
	}
	json_array_append_new(msgs, json_pack("{s:s, s:o}", "role", "user", "content", content));
	return msgs;
}

static void set_sampling(json_t *body, const tb_sampling *sp)
{
	if (!isnan(sp->temperature))
		json_object_set_new(body, "temperature", json_real(sp->temperature));
	if (!isnan(sp->top_p))
		json_object_set_new(body, "top_p", json_real(sp->top_p));
	if (sp->top_k >= 0)
		json_object_set_new(body, "top_k", json_integer(sp->top_k));
	if (!isnan(sp->min_p))
		json_object_set_new(body, "min_p", json_real(sp->min_p));
	if (!isnan(sp->presence_penalty))
		json_object_set_new(body, "presence_penalty", json_real(sp->presence_penalty));
}

static void set_mode(json_t *body, const tb_model *m, const tb_request_spec *rq)
{
	int think = rq->mode == TB_MODE_THINK;

	switch (m->dialect) {
	case TB_DIALECT_OPENROUTER:
	case TB_DIALECT_SIM:
		/* A model with one mode gets no switch it might reject; a budget is
		 * still a reasoning setting. */
		if (think && (rq->budget > 0 || both_modes(m)))
			json_object_set_new(body, "reasoning",
					    rq->budget > 0 ? json_pack("{s:I}", "max_tokens", (json_int_t)rq->budget)
							   : json_pack("{s:b}", "enabled", 1));
		else if (!think && both_modes(m))
			json_object_set_new(body, "reasoning", json_pack("{s:s}", "effort", "none"));
		break;
	case TB_DIALECT_VLLM:
	case TB_DIALECT_SGLANG:
	case TB_DIALECT_LLAMACPP:
		if (both_modes(m))
			json_object_set_new(body, "chat_template_kwargs",
					    json_pack("{s:b}", "enable_thinking", think));
		if (think && rq->budget > 0 && m->dialect == TB_DIALECT_VLLM)
			json_object_set_new(body, "thinking_token_budget", json_integer(rq->budget));
		break;
	case TB_DIALECT_OLLAMA:
		if (both_modes(m))
			json_object_set_new(body, "reasoning_effort", json_string(think ? "high" : "none"));
		break;
	case TB_DIALECT_SOFT:
		break; /* the switch is in the prompt */
	}
}

/* The body as an object. max_tokens and seed are stolen (seed NULL: none
 * sent), so a template can put placeholders where the numbers go. */
static json_t *build_body(const tb_model *m, const tb_suite *s, const tb_item *it,
			  const tb_request_spec *rq, json_t *max_tokens, json_t *seed, char *err,
			  size_t errlen)
{
	json_t *body, *msgs;

	msgs = build_messages(m, s, it, rq->mode, err, errlen);
	if (!msgs) {
		json_decref(max_tokens);
		json_decref(seed);
		return NULL;
	}
	body = json_pack("{s:s, s:o, s:b, s:o}", "model", m->api_model, "messages", msgs, "stream",
			 rq->stream, "max_tokens", max_tokens);
	if (!body) {
		json_decref(seed);
		tb_seterr(err, errlen, "out of memory");
		return NULL;
	}
	set_sampling(body, &m->sampling[rq->mode]);
	set_mode(body, m, rq);
	if (seed)
		json_object_set_new(body, "seed", seed);
	if (rq->stream && m->dialect != TB_DIALECT_OPENROUTER && m->dialect != TB_DIALECT_SIM)
		json_object_set_new(body, "stream_options", json_pack("{s:b}", "include_usage", 1));
	if (m->provider)
		json_object_set(body, "provider", m->provider);
	if (m->extra_body)
		json_object_update(body, m->extra_body);
	return body;
}

static long item_max_tokens(const tb_model *m, const tb_item *it)
{
	return it->max_tokens ? it->max_tokens : m->max_tokens;
}

int dialect_build_body(const tb_model *m, const tb_suite *s, const tb_item *it,
		       const tb_request_spec *rq, tb_buf *out, char *err, size_t errlen)
{
	json_t *body;
	char *text;
	int rc;

	if (err && errlen)
		err[0] = '\0';
	body = build_body(m, s, it, rq, json_integer(item_max_tokens(m, it)),
			  rq->seed >= 0 ? json_integer(rq->seed) : NULL, err, errlen);
	if (!body)
		return TB_ERR;
	text = json_dumps(body, JSON_COMPACT);
	json_decref(body);
	if (!text)
		return tb_seterr(err, errlen, "out of memory");
	tb_buf_reset(out);
	rc = tb_buf_adds(out, text);
	free(text);
	if (rc != TB_OK)
		return tb_seterr(err, errlen, "request body larger than %zu bytes", out->max);
	return TB_OK;
}

/* ---- templates ----
 * A cell's bodies differ only in the prompt, max_tokens and the seed. The
 * template is the body dumped once with a placeholder for each; a body is the
 * literal pieces with the item's values spliced in, escaped as json_dumps()
 * escapes them, so the bytes are those of dialect_build_body(). The
 * placeholders are control characters, which jansson writes as \u0001; a
 * placeholder found other than exactly where it was put (a system prompt or
 * extra_body holding the same text) makes the template unusable. */

enum { SLOT_PROMPT, SLOT_MAX_TOKENS, SLOT_SEED, N_SLOTS };

/* The placeholders as built, and as they appear in the dump. */
static const char *const slot_value[N_SLOTS] = {"\x01tb-prompt\x01", "\x01tb-max\x01", "\x01tb-seed\x01"};
static const char *const slot_dumped[N_SLOTS] = {
	"\\u0001tb-prompt\\u0001", "\"\\u0001tb-max\\u0001\"", "\"\\u0001tb-seed\\u0001\""};

struct dialect_tmpl {
	const tb_model *m;
	const tb_suite *s;
	tb_request_spec rq;
	int usable;            /* 0: every body takes dialect_build_body() */
	char *text;            /* the dump, placeholders included */
	size_t n_pieces;
	struct piece {
		size_t off, len;   /* literal text before the slot */
		int slot;          /* -1 after the last piece */
	} pieces[N_SLOTS + 1];
};

/* Counts the occurrences of needle in hay. */
static size_t count_of(const char *hay, const char *needle)
{
	size_t n = 0, len = strlen(needle);

	for (const char *p = strstr(hay, needle); p; p = strstr(p + len, needle))
		n++;
	return n;
}

/* Cuts t->text at the placeholders. 0 when one is not where it was put. */
static int cut_pieces(dialect_tmpl *t, const int present[N_SLOTS])
{
	size_t at = 0;

	for (int k = 0; k < N_SLOTS; k++)
		if (count_of(t->text, slot_dumped[k]) != (size_t)present[k])
			return 0;
	t->n_pieces = 0;
	/* at most N_SLOTS rounds: each takes the nearest placeholder left */
	for (;;) {
		const char *best = NULL;
		int slot = -1;

		for (int k = 0; k < N_SLOTS; k++) {
			const char *p = present[k] ? strstr(t->text + at, slot_dumped[k]) : NULL;

			if (p && (!best || p < best)) {
				best = p;
				slot = k;
			}
		}
		t->pieces[t->n_pieces].off = at;
		t->pieces[t->n_pieces].slot = slot;
		if (!best) {
			t->pieces[t->n_pieces++].len = strlen(t->text + at);
			return 1;
		}
		t->pieces[t->n_pieces++].len = (size_t)(best - (t->text + at));
		at = (size_t)(best - t->text) + strlen(slot_dumped[slot]);
	}
}

int dialect_tmpl_new(const tb_model *m, const tb_suite *s, const tb_request_spec *rq,
		     dialect_tmpl **out, char *err, size_t errlen)
{
	dialect_tmpl *t = calloc(1, sizeof(*t));
	tb_item probe = {.prompt = (char *)slot_value[SLOT_PROMPT]};
	json_t *ph[N_SLOTS] = {0}, *body;
	int present[N_SLOTS];
	char ignored[256];

	*out = NULL;
	if (!t)
		return tb_seterr(err, errlen, "out of memory");
	t->m = m;
	t->s = s;
	t->rq = *rq;
	for (int k = SLOT_MAX_TOKENS; k < N_SLOTS; k++)
		ph[k] = json_string(slot_value[k]);
	/* A failure here is left to dialect_build_body(), which says it per item. */
	body = build_body(m, s, &probe, rq, json_incref(ph[SLOT_MAX_TOKENS]),
			  rq->seed >= 0 ? json_incref(ph[SLOT_SEED]) : NULL, ignored, sizeof(ignored));
	if (body) {
		/* extra_body may have replaced any of them */
		present[SLOT_PROMPT] = !(m->extra_body && json_object_get(m->extra_body, "messages"));
		present[SLOT_MAX_TOKENS] = json_object_get(body, "max_tokens") == ph[SLOT_MAX_TOKENS];
		present[SLOT_SEED] = rq->seed >= 0 && json_object_get(body, "seed") == ph[SLOT_SEED];
		t->text = json_dumps(body, JSON_COMPACT);
		json_decref(body);
	}
	for (int k = SLOT_MAX_TOKENS; k < N_SLOTS; k++)
		json_decref(ph[k]);
	t->usable = t->text && cut_pieces(t, present);
	*out = t;
	return TB_OK;
}

int dialect_tmpl_body(const dialect_tmpl *t, const tb_item *it, long seed, tb_buf *out, char *err,
		      size_t errlen)
{
	int rc = TB_OK;

	if (!t->usable || it->messages || !it->prompt || (it->n_images && t->m->vision) ||
	    (seed >= 0) != (t->rq.seed >= 0))
		goto slow;
	if (err && errlen)
		err[0] = '\0';
	tb_buf_reset(out);
	for (size_t i = 0; i < t->n_pieces && rc == TB_OK; i++) {
		const struct piece *pc = &t->pieces[i];
		char num[32];

		rc = tb_buf_add(out, t->text + pc->off, pc->len);
		if (rc != TB_OK || pc->slot < 0)
			continue;
		if (pc->slot == SLOT_PROMPT) {
			rc = tb_text_json_escape(out, it->prompt);
			if (rc == TB_ERR)
				goto slow;
			continue;
		}
		snprintf(num, sizeof(num), "%ld", pc->slot == SLOT_SEED ? seed : item_max_tokens(t->m, it));
		rc = tb_buf_adds(out, num);
	}
	if (rc != TB_OK)
		return tb_seterr(err, errlen, "request body larger than %zu bytes", out->max);
	return TB_OK;
slow:
	{
		tb_request_spec rq = t->rq;

		rq.seed = seed;
		return dialect_build_body(t->m, t->s, it, &rq, out, err, errlen);
	}
}

int dialect_tmpl_usable(const dialect_tmpl *t)
{
	return t->usable;
}

void dialect_tmpl_free(dialect_tmpl *t)
{
	if (!t)
		return;
	free(t->text);
	free(t);
}

int dialect_headers(const tb_model *m, int stream, struct curl_slist **out, char *err, size_t errlen)
{
	struct curl_slist *h = NULL, *t;
	char line[8192];

	*out = NULL;
	h = curl_slist_append(h, "Content-Type: application/json");
	if (h && stream && (t = curl_slist_append(h, "Accept: text/event-stream")) != NULL)
		h = t;
	if (h && m->dialect == TB_DIALECT_OPENROUTER) {
		if ((t = curl_slist_append(h, "X-OpenRouter-Title: thinkbench")) != NULL)
			h = t;
	}
	if (!h)
		return tb_seterr(err, errlen, "out of memory");
	if (m->api_key_env) {
		const char *key = tb_secret_take(m->api_key_env);

		if (!key || !*key) {
			curl_slist_free_all(h);
			return tb_seterr(err, errlen, "model '%s': environment variable %s is not set",
					 m->id, m->api_key_env);
		}
		if (strlen(key) > sizeof(line) - 32 || strpbrk(key, "\r\n")) {
			curl_slist_free_all(h);
			return tb_seterr(err, errlen, "model '%s': the key in %s is not a valid header value",
					 m->id, m->api_key_env);
		}
		snprintf(line, sizeof(line), "Authorization: Bearer %s", key);
		t = curl_slist_append(h, line);
		/* The stack copy is not needed once curl has its own. */
		explicit_bzero(line, sizeof(line));
		if (!t) {
			curl_slist_free_all(h);
			return tb_seterr(err, errlen, "out of memory");
		}
		h = t;
	}
	*out = h;
	return TB_OK;
}

int dialect_url(const tb_model *m, char *out, size_t outlen)
{
	size_t n = strlen(m->base_url);

	while (n > 0 && m->base_url[n - 1] == '/')
		n--;
	if ((size_t)snprintf(out, outlen, "%.*s/chat/completions", (int)n, m->base_url) >= outlen)
		return TB_ERR;
	return TB_OK;
}

int dialect_think_in_content(const tb_model *m)
{
	return m->dialect == TB_DIALECT_SOFT || m->dialect == TB_DIALECT_LLAMACPP;
}
