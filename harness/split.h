/* Splits a response into reasoning and answer. The server's reasoning field
 * wins; otherwise <think>...</think> in the content is reasoning, split at the
 * LAST </think> (QwQ's template pre-opens <think>, so a lone </think> counts).
 * Think mode with an opened but never closed think block is "truncated in
 * thinking": all text is reasoning and the answer is empty. */
#ifndef TB_SPLIT_H
#define TB_SPLIT_H

#include <stddef.h>

#include "resp.h"

typedef enum tb_split_method {
	TB_SPLIT_NONE = 0,      /* no reasoning anywhere */
	TB_SPLIT_FIELD,         /* from the reasoning field(s) */
	TB_SPLIT_TAGS,          /* from <think> tags in the content */
} tb_split_method;

typedef struct tb_split {
	const char *reasoning;  /* borrowed from the response; may not be NUL-terminated at len */
	size_t reasoning_len;
	const char *answer;     /* leading white space trimmed; borrowed */
	size_t answer_len;
	tb_split_method method;
	int truncated_in_thinking;
	int mode_leak;          /* nothink with reasoning, or think with none */
} tb_split;

void split_response(const tb_resp *r, int think_mode, tb_split *out);
const char *split_method_name(tb_split_method m);

#endif
