/* Provider dialects: how one request is written for each kind of
 * OpenAI-compatible server (HACKING.md, "Endpoints"): the thinking switch and
 * budget, sampling, images, usage in streams, OpenRouter routing. */
#ifndef TB_DIALECT_H
#define TB_DIALECT_H

#include <curl/curl.h>
#include <stddef.h>

#include "buf.h"
#include "models.h"
#include "suite.h"

typedef struct tb_request_spec {
	tb_mode mode;
	long budget;        /* thinking budget in tokens; 0: none */
	int stream;
	long seed;          /* sent as "seed"; < 0: not sent */
} tb_request_spec;

/* Writes the JSON body for one item into out. */
int dialect_build_body(const tb_model *m, const tb_suite *s, const tb_item *it,
		       const tb_request_spec *rq, tb_buf *out, char *err, size_t errlen);
/* A cell's request body built once: dialect_tmpl_body() writes the same
 * bytes as dialect_build_body() for an item, splicing the item's prompt,
 * max_tokens and the seed into it (items with messages or images, and
 * anything the template cannot hold, take dialect_build_body()). The seed
 * given to dialect_tmpl_body() replaces rq->seed (< 0: none sent). m and s are
 * borrowed and must outlive the template, which the caller frees with
 * dialect_tmpl_free() (NULL is fine). Fails only when out of memory. */
typedef struct dialect_tmpl dialect_tmpl;
int dialect_tmpl_new(const tb_model *m, const tb_suite *s, const tb_request_spec *rq,
		     dialect_tmpl **out, char *err, size_t errlen);
int dialect_tmpl_body(const dialect_tmpl *t, const tb_item *it, long seed, tb_buf *out, char *err,
		      size_t errlen);
/* 0 when every body takes dialect_build_body() (for tests). */
int dialect_tmpl_usable(const dialect_tmpl *t);
void dialect_tmpl_free(dialect_tmpl *t);
/* The headers for a model's requests, the key read from its environment
 * variable. On success *out is a list the caller frees with
 * curl_slist_free_all(); the key is never copied anywhere else. */
int dialect_headers(const tb_model *m, int stream, struct curl_slist **out, char *err, size_t errlen);
/* "{base_url}/chat/completions" into out. */
int dialect_url(const tb_model *m, char *out, size_t outlen);
/* Whether the reasoning may arrive inside the content as <think> tags (the
 * soft switch, or servers without a reasoning parser). */
int dialect_think_in_content(const tb_model *m);

#endif
