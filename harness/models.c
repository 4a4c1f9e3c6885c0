#include "models.h"

#include <curl/curl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "jsonfile.h"
#include "log.h"
#include "nearest.h"
#include "rc.h"
#include "redact.h"

static const char *const dialect_names[] = {
	[TB_DIALECT_OPENROUTER] = "openrouter", [TB_DIALECT_VLLM] = "vllm",
	[TB_DIALECT_SGLANG] = "sglang",         [TB_DIALECT_LLAMACPP] = "llamacpp",
	[TB_DIALECT_OLLAMA] = "ollama",         [TB_DIALECT_SOFT] = "soft",
	[TB_DIALECT_SIM] = "sim",
};

const char *tb_dialect_name(tb_dialect d)
{
	return (unsigned)d < sizeof(dialect_names) / sizeof(dialect_names[0]) ? dialect_names[d] : "?";
}

int tb_dialect_parse(const char *s, tb_dialect *out)
{
	for (size_t i = 0; i < sizeof(dialect_names) / sizeof(dialect_names[0]); i++) {
		if (strcmp(s, dialect_names[i]) == 0) {
			*out = (tb_dialect)i;
			return TB_OK;
		}
	}
	return TB_ERR;
}

const char *tb_mode_name(tb_mode m)
{
	return m == TB_MODE_THINK ? "think" : "nothink";
}

int tb_mode_parse(const char *s, tb_mode *out)
{
	if (strcmp(s, "think") == 0)
		*out = TB_MODE_THINK;
	else if (strcmp(s, "nothink") == 0)
		*out = TB_MODE_NOTHINK;
	else
		return TB_ERR;
	return TB_OK;
}

static tb_sampling sampling(double temperature, double top_p, int top_k, double min_p,
			    double presence_penalty)
{
	return (tb_sampling){.temperature = temperature,
			     .top_p = top_p,
			     .top_k = top_k,
			     .min_p = min_p,
			     .presence_penalty = presence_penalty};
}

static void model_release(tb_model *m)
{
	free(m->id);
	free(m->api_model);
	free(m->base_url);
	free(m->api_key_env);
	json_decref(m->provider);
	json_decref(m->extra_body);
	memset(m, 0, sizeof(*m));
}

static int model_defaults(tb_model *m, const char *id, const char *base_url)
{
	memset(m, 0, sizeof(*m));
	m->id = strdup(id);
	m->api_model = strdup(id);
	m->base_url = strdup(base_url);
	m->dialect = TB_DIALECT_OPENROUTER;
	m->modes = TB_MODE_BIT(TB_MODE_THINK) | TB_MODE_BIT(TB_MODE_NOTHINK);
	/* Qwen3 model card values (the Qwen3 model cards). */
	m->sampling[TB_MODE_THINK] = sampling(0.6, 0.95, 20, 0, NAN);
	m->sampling[TB_MODE_NOTHINK] = sampling(0.7, 0.8, 20, 0, NAN);
	m->max_tokens = 32768;
	m->timeout_s = 1800;
	m->stall_s = 120;
	if (!m->id || !m->api_model || !m->base_url) {
		model_release(m);
		return TB_NOMEM;
	}
	return TB_OK;
}

static int models_append(tb_models *ms, tb_model *m)
{
	tb_model *v = realloc(ms->v, (ms->n + 1) * sizeof(*v));

	if (!v)
		return TB_NOMEM;
	ms->v = v;
	ms->v[ms->n++] = *m;
	return TB_OK;
}

int models_builtin(tb_models *out, const char *base_url, char *err, size_t errlen)
{
	/* Prices are OpenRouter list prices in USD per million tokens; Qwen3-14B's is
	 * the one the seed page gives, the others are approximate. A models file
	 * overrides them, and usage.cost, when the endpoint reports it, wins. */
	static const struct {
		const char *id;
		unsigned modes;
		double pp, pc;
		int vision;
	} seeds[] = {
		{"qwen/qwen3-14b", TB_MODE_BIT(TB_MODE_THINK) | TB_MODE_BIT(TB_MODE_NOTHINK), 0.10, 0.24, 0},
		{"qwen/qwq-32b", TB_MODE_BIT(TB_MODE_THINK), 0.15, 0.40, 0},
		{"qwen/qwen3-vl-32b-instruct", TB_MODE_BIT(TB_MODE_NOTHINK), 0.20, 0.60, 1},
	};

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		tb_model m;

		if (model_defaults(&m, seeds[i].id, base_url) != TB_OK)
			goto nomem;
		m.api_key_env = strdup("OPENROUTER_API_KEY");
		m.modes = seeds[i].modes;
		m.price_prompt_per_m = seeds[i].pp;
		m.price_completion_per_m = seeds[i].pc;
		m.vision = seeds[i].vision;
		if (strcmp(seeds[i].id, "qwen/qwq-32b") == 0)
			m.sampling[TB_MODE_THINK] = sampling(0.6, 0.95, 40, 0, NAN);
		if (seeds[i].vision)
			m.sampling[TB_MODE_NOTHINK] = sampling(0.7, 0.8, 20, NAN, 1.5);
		if (!m.api_key_env || models_append(out, &m) != TB_OK) {
			model_release(&m);
			goto nomem;
		}
	}
	snprintf(out->hash, sizeof(out->hash), "builtin");
	return TB_OK;
nomem:
	models_release(out);
	return tb_seterr(err, errlen, "out of memory");
}

const tb_model *models_find(const tb_models *ms, const char *id)
{
	for (size_t i = 0; i < ms->n; i++)
		if (strcmp(ms->v[i].id, id) == 0)
			return &ms->v[i];
	return NULL;
}

void models_release(tb_models *ms)
{
	for (size_t i = 0; i < ms->n; i++)
		model_release(&ms->v[i]);
	free(ms->v);
	memset(ms, 0, sizeof(*ms));
}

/* Context for the messages of one entry: "models.json: models[2] (id "x"): field: ..." */
typedef struct entry_ctx {
	const char *path;
	size_t index;
	const char *id;
	char *err;
	size_t errlen;
} entry_ctx;

static int bad(const entry_ctx *c, const char *field, const char *expected)
{
	return tb_seterr(c->err, c->errlen, "%s: models[%zu]%s%s%s: %s: expected %s", c->path, c->index,
			 c->id ? " (id \"" : "", c->id ? c->id : "", c->id ? "\")" : "", field, expected);
}

static int get_number(const entry_ctx *c, const json_t *e, const char *field, double min, double max,
		      double *out)
{
	const json_t *v = json_object_get(e, field);

	if (!v)
		return TB_OK;
	if (!json_is_number(v) || json_number_value(v) < min || json_number_value(v) > max) {
		char want[96];

		snprintf(want, sizeof(want), "a number from %g to %g", min, max);
		return bad(c, field, want);
	}
	*out = json_number_value(v);
	return TB_OK;
}

static int get_string(const entry_ctx *c, const json_t *e, const char *field, char **out)
{
	const json_t *v = json_object_get(e, field);
	char *s;

	if (!v)
		return TB_OK;
	if (!json_is_string(v) || !*json_string_value(v))
		return bad(c, field, "a non-empty string");
	s = strdup(json_string_value(v));
	if (!s)
		return bad(c, field, "memory to hold it");
	free(*out);
	*out = s;
	return TB_OK;
}

static int parse_sampling(const entry_ctx *c, const json_t *v, tb_sampling *s)
{
	static const char *const known[] = {"temperature", "top_p", "top_k", "min_p",
					    "presence_penalty", NULL};
	const char *key;
	json_t *x;
	double top_k = s->top_k;

	if (!json_is_object(v))
		return bad(c, "sampling", "an object {\"think\": {...}, \"nothink\": {...}}");
	json_object_foreach((json_t *)v, key, x) {
		size_t i;

		for (i = 0; known[i]; i++)
			if (strcmp(key, known[i]) == 0)
				break;
		if (!known[i])
			return bad(c, "sampling", "temperature, top_p, top_k, min_p or presence_penalty");
	}
	if (get_number(c, v, "temperature", 0, 2, &s->temperature) ||
	    get_number(c, v, "top_p", 0, 1, &s->top_p) || get_number(c, v, "min_p", 0, 1, &s->min_p) ||
	    get_number(c, v, "presence_penalty", -2, 2, &s->presence_penalty) ||
	    get_number(c, v, "top_k", -1, 100000, &top_k))
		return TB_ERR;
	s->top_k = (int)top_k;
	return TB_OK;
}

/* [A-Za-z_][A-Za-z0-9_]*: what a shell takes as a variable's name. */
static int is_env_name(const char *s)
{
	static const char first[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_";

	return *s && strchr(first, *s) && strspn(s, "0123456789") == 0 &&
	       strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_0123456789") == strlen(s);
}

/* http:// or https:// with a host, no control bytes and no spaces, as
 * libcurl's URL parser reads it: anything else would fail only once the run
 * has started, or talk to something that is not an HTTP endpoint. */
static int check_base_url(const entry_ctx *c, const char *url)
{
	static const char want[] = "an http:// or https:// URL with a host, such as http://127.0.0.1:8000/v1";
	CURLU *u;
	char *scheme = NULL, *host = NULL;
	int ok;

	for (const unsigned char *p = (const unsigned char *)url; *p; p++)
		if (*p <= 0x20 || *p == 0x7f)
			return bad(c, "base_url", want);
	u = curl_url();
	if (!u)
		return bad(c, "base_url", "memory to parse it");
	ok = curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
	     curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	     curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK && host && *host &&
	     (strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0) &&
	     (strncmp(url, "http://", 7) == 0 || strncmp(url, "https://", 8) == 0) &&
	     /* curl reads "http:///v1" as the host "v1": the host must be written */
	     strchr("/?#", url[strcspn(url, ":") + 3]) == NULL;
	curl_free(scheme);
	curl_free(host);
	curl_url_cleanup(u);
	return ok ? TB_OK : bad(c, "base_url", want);
}

static const char *const entry_fields[] = {
	"id", "api_model", "base_url", "api_key_env", "dialect", "modes", "price_prompt_per_m",
	"price_completion_per_m", "sampling", "max_tokens", "timeout_s", "stall_s", "concurrency",
	"rate_per_s", "vision", "provider", "extra_body", NULL,
};

static int parse_entry(const entry_ctx *c, const json_t *e, tb_model *m)
{
	const char *key;
	const json_t *v;
	double num;

	json_object_foreach((json_t *)e, key, v) {
		size_t i;

		for (i = 0; entry_fields[i]; i++)
			if (strcmp(key, entry_fields[i]) == 0)
				break;
		if (!entry_fields[i]) {
			tb_nearest nr;
			char hint[128];

			tb_nearest_init(&nr, key);
			for (i = 0; entry_fields[i]; i++)
				tb_nearest_offer(&nr, entry_fields[i]);
			tb_nearest_hint(&nr, "", hint, sizeof(hint));
			return tb_seterr(c->err, c->errlen, "%s: models[%zu]%s%s%s: %s: no such field%s",
					 c->path, c->index, c->id ? " (id \"" : "", c->id ? c->id : "",
					 c->id ? "\")" : "", key,
					 *hint ? hint : " (see README \"Models file\")");
		}
	}
	if (get_string(c, e, "api_model", &m->api_model) || get_string(c, e, "base_url", &m->base_url))
		return TB_ERR;
	if (json_object_get(e, "base_url") && check_base_url(c, m->base_url) != TB_OK)
		return TB_ERR;
	v = json_object_get(e, "api_key_env");
	if (json_is_null(v)) {
		/* an endpoint that needs no key */
		free(m->api_key_env);
		m->api_key_env = NULL;
	} else if (get_string(c, e, "api_key_env", &m->api_key_env)) {
		return TB_ERR;
	}
	v = json_object_get(e, "dialect");
	if (v && (!json_is_string(v) || tb_dialect_parse(json_string_value(v), &m->dialect) != TB_OK))
		return bad(c, "dialect", "openrouter, vllm, sglang, llamacpp, ollama, soft or sim");
	v = json_object_get(e, "modes");
	if (v) {
		size_t i;
		json_t *x;

		if (!json_is_array(v) || json_array_size(v) == 0)
			return bad(c, "modes", "a non-empty array of \"think\" and \"nothink\"");
		m->modes = 0;
		json_array_foreach(v, i, x) {
			tb_mode mode;

			if (!json_is_string(x) || tb_mode_parse(json_string_value(x), &mode) != TB_OK)
				return bad(c, "modes", "a non-empty array of \"think\" and \"nothink\"");
			m->modes |= TB_MODE_BIT(mode);
		}
	}
	if (get_number(c, e, "price_prompt_per_m", 0, 1e6, &m->price_prompt_per_m) ||
	    get_number(c, e, "price_completion_per_m", 0, 1e6, &m->price_completion_per_m) ||
	    get_number(c, e, "timeout_s", 0.001, 86400, &m->timeout_s) ||
	    get_number(c, e, "stall_s", 0.001, 86400, &m->stall_s) ||
	    get_number(c, e, "rate_per_s", 0, 1e6, &m->rate_per_s))
		return TB_ERR;
	num = (double)m->max_tokens;
	if (get_number(c, e, "max_tokens", 1, 10000000, &num))
		return TB_ERR;
	m->max_tokens = (long)num;
	num = m->concurrency;
	if (get_number(c, e, "concurrency", 0, 1000000, &num))
		return TB_ERR;
	m->concurrency = (int)num;
	v = json_object_get(e, "vision");
	if (v) {
		if (!json_is_boolean(v))
			return bad(c, "vision", "true or false");
		m->vision = json_is_true(v);
	}
	v = json_object_get(e, "sampling");
	if (v) {
		const char *mk;
		json_t *mv;

		if (!json_is_object(v))
			return bad(c, "sampling", "an object {\"think\": {...}, \"nothink\": {...}}");
		json_object_foreach((json_t *)v, mk, mv) {
			tb_mode mode;

			if (tb_mode_parse(mk, &mode) != TB_OK)
				return bad(c, "sampling", "keys \"think\" and \"nothink\"");
			if (parse_sampling(c, mv, &m->sampling[mode]) != TB_OK)
				return TB_ERR;
		}
	}
	v = json_object_get(e, "provider");
	if (v) {
		if (!json_is_object(v))
			return bad(c, "provider", "an object (OpenRouter provider routing)");
		json_decref(m->provider);
		m->provider = json_deep_copy(v);
	}
	v = json_object_get(e, "extra_body");
	if (v) {
		if (!json_is_object(v))
			return bad(c, "extra_body", "an object merged into each request");
		json_decref(m->extra_body);
		m->extra_body = json_deep_copy(v);
	}
	if (m->api_key_env && !is_env_name(m->api_key_env))
		return bad(c, "api_key_env", "the name of an environment variable (not a key), or null");
	return TB_OK;
}

int models_load_file(tb_models *ms, const char *path, char *err, size_t errlen)
{
	json_t *root;
	const json_t *list;
	size_t i;
	json_t *e;
	int rc = TB_ERR;

	if (tb_json_file_load(path, JSON_REJECT_DUPLICATES, &root, err, errlen) != TB_OK)
		return TB_ERR;
	list = json_object_get(root, "models");
	if (!json_is_array(list)) {
		tb_seterr(err, errlen, "%s: models: expected an array of model entries", path);
		goto out;
	}
	json_array_foreach(list, i, e) {
		entry_ctx c = {.path = path, .index = i, .err = err, .errlen = errlen};
		const tb_model *existing;
		tb_model m;

		if (!json_is_object(e)) {
			bad(&c, "entry", "an object");
			goto out;
		}
		c.id = json_string_value(json_object_get(e, "id"));
		if (!c.id || !*c.id) {
			bad(&c, "id", "a non-empty string");
			goto out;
		}
		existing = models_find(ms, c.id);
		if (existing) {
			/* Overriding a seed model starts from the seed's values. */
			m = *existing;
			m.id = strdup(existing->id);
			m.api_model = strdup(existing->api_model);
			m.base_url = strdup(existing->base_url);
			m.api_key_env = existing->api_key_env ? strdup(existing->api_key_env) : NULL;
			m.provider = existing->provider ? json_deep_copy(existing->provider) : NULL;
			m.extra_body = existing->extra_body ? json_deep_copy(existing->extra_body) : NULL;
		} else if (!json_object_get(e, "base_url")) {
			bad(&c, "base_url", "the endpoint's base URL, such as http://127.0.0.1:8000/v1");
			goto out;
		} else if (model_defaults(&m, c.id, "") != TB_OK) {
			tb_seterr(err, errlen, "out of memory");
			goto out;
		}
		if (parse_entry(&c, e, &m) != TB_OK) {
			model_release(&m);
			goto out;
		}
		/* The key leaves the environment now, before any child starts,
		 * and is redacted from everything from here on. */
		if (m.api_key_env)
			tb_secret_take(m.api_key_env);
		if (existing) {
			tb_model *slot = (tb_model *)existing;

			model_release(slot);
			*slot = m;
		} else if (models_append(ms, &m) != TB_OK) {
			model_release(&m);
			tb_seterr(err, errlen, "out of memory");
			goto out;
		}
	}
	if (tb_sha256_file(path, ms->hash) != TB_OK) {
		tb_seterr(err, errlen, "cannot read '%s'", path);
		goto out;
	}
	rc = TB_OK;
out:
	json_decref(root);
	return rc;
}
