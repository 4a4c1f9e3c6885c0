/* One chat completion, built up from stream chunks or from a whole body, for
 * every OpenAI-compatible backend (HACKING.md, "Endpoints"): reasoning
 * from `reasoning`, else `reasoning_content`, else `reasoning_details[]`;
 * content; finish reasons; usage (kept from whichever chunk carries it last);
 * cost; provider; generation id; a top-level `error` object (HTTP 200 mid-
 * stream, or an error body). Untrusted input: any bytes give a result or a
 * TB_PARSE, never a crash. A NUL in the text ("\u0000") is kept as those six
 * characters, so that no later C string cuts the text there; API keys are
 * redacted (redact.h). */
#ifndef TB_RESP_H
#define TB_RESP_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "gaps.h"

typedef struct tb_resp {
	tb_buf reasoning;
	tb_buf content;
	char finish_reason[32];          /* "" until one arrives */
	char native_finish_reason[64];
	char provider[64];
	char generation_id[128];
	char model[128];
	long prompt_tokens, completion_tokens, reasoning_tokens, cached_tokens; /* -1: unknown */
	double cost;                     /* usage.cost in USD; NAN when not given */
	/* A usage number was negative, not finite, not whole (token counts),
	 * absurd (over RESP_MAX_TOKENS or RESP_MAX_COST), or an integer too
	 * large for 64 bits anywhere in the payload: it was ignored (-1 or NAN,
	 * so the price table gives the cost) and the answer kept. */
	int usage_invalid;
	char error_code[32];             /* "" unless the body or a chunk carried `error` */
	char error_message[256];
	char error_type[64];             /* error.metadata.error_type or error.error_type */
	int64_t t_first_token_us;        /* first non-empty reasoning or content; -1 */
	int64_t t_first_answer_us;       /* first answer text (after any </think>); -1 */
	int64_t t_second_token_us;       /* the second chunk with text; -1 */
	int64_t t_last_token_us;         /* the latest chunk with text; -1 */
	tb_gaps gaps;                    /* between successive chunks with text */
	long chunks;                     /* data events parsed */
	int done;                        /* [DONE] seen */
	int think_tags;                  /* content may open with reasoning ended by </think> (set by caller) */
} tb_resp;

/* Usage numbers past these are not believed. */
#define RESP_MAX_TOKENS 1e9
#define RESP_MAX_COST 1e3                 /* USD for one request */

/* max_text caps reasoning and content each; past it the buffer's `truncated`
 * flag is set and the rest is dropped. */
void resp_init(tb_resp *r, size_t max_text);
void resp_release(tb_resp *r);
/* One SSE data payload (a chunk, "[DONE]", or an error object). now_us is
 * the time since the request started, for first-token times. Returns 0, or
 * TB_PARSE for a payload that is not a JSON object. */
int resp_on_chunk(tb_resp *r, const char *data, size_t len, int64_t now_us);
/* A whole non-streaming body. Returns 0 or TB_PARSE. */
int resp_parse_body(tb_resp *r, const char *body, size_t len);
/* The same through jansson alone, without the fast path: for the test that
 * holds the two to the same results. */
int resp_parse_body_jansson(tb_resp *r, const char *body, size_t len);

#endif
