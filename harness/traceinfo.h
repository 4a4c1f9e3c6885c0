/* What one sample's thinking cost and bought, computed from what the store
 * keeps of it (reasoning and answer text, timings, usage, finish reason) and
 * the item's reference: pure functions, no I/O, linear in the text.
 *
 *	tokens:   the server's usage where it gave one, else an estimate from
 *	          the text (traceinfo_estimate_tokens())
 *	first correct: the earliest step of the reasoning that states the
 *	          reference as a conclusion, found by the item's own grader
 *	          (the caller's `judge_step`), as T-hat in tokens and T-hat / T
 *	health:   reasoning only, answer in reasoning, loop, capped (and where),
 *	          mode disobeyed, budget exceeded
 *
 * The README's "What the numbers mean" defines each field. */
#ifndef TB_TRACEINFO_H
#define TB_TRACEINFO_H

#include <stddef.h>

#include "sample.h"

/* Where a token count comes from. */
typedef enum tb_tok_source {
	TB_TOK_NONE = 0,        /* no text and no usage */
	TB_TOK_USAGE,           /* the server's usage */
	TB_TOK_ESTIMATE,        /* traceinfo_estimate_tokens() of the text */
} tb_tok_source;

typedef enum tb_capped_at {
	TB_CAP_NONE = 0,
	TB_CAP_THINKING,        /* finish_reason length with no answer text */
	TB_CAP_ANSWER,          /* finish_reason length inside the answer */
} tb_capped_at;

/* The loop flag: some TRACE_LOOP_BYTES-byte stretch of the last
 * TRACE_LOOP_SPAN bytes of the reasoning or of the answer occurs
 * TRACE_LOOP_REPEATS times or more. */
#define TRACE_LOOP_BYTES 64
#define TRACE_LOOP_REPEATS 10
#define TRACE_LOOP_SPAN 65536
/* A budget is exceeded when reasoning tokens pass it by more than this share. */
#define TRACE_BUDGET_SLACK 0.05
/* The server's reasoning count disagrees with the text past this factor. */
#define TRACE_DISAGREE_FACTOR 2.0
/* Steps of the reasoning the judge is asked about, at most (the earliest). */
#define TRACE_MAX_STEPS 4096

typedef struct tb_trace_metrics {
	double reasoning_ms;          /* TTFA - TTFT; NAN unknown */
	double reasoning_tps;         /* reasoning tokens / reasoning_ms; NAN */
	double answer_tps;            /* answer tokens / (total - TTFA); NAN */
	long reasoning_tokens;        /* T, from reasoning_source */
	long answer_tokens;
	tb_tok_source reasoning_source, answer_source;
	int reasoning_disagrees;      /* usage vs text past TRACE_DISAGREE_FACTOR */
	long first_correct_tokens;    /* T-hat; -1: never stated */
	double first_correct_frac;    /* T-hat / T; NAN when never or T = 0 */
	long after_correct_tokens;    /* T - T-hat; -1 when never */
	int found_then_lost;          /* reference stated in the reasoning, answer not correct */
	long switches;                /* switch phrases ("wait", "alternatively", ...) */
	int reasoning_only;
	int answer_in_reasoning;
	int loop;
	tb_capped_at capped;
	int mode_disobeyed;
	int budget_exceeded;
} tb_trace_metrics;

/* Whether one step of text states the reference as its conclusion: the
 * item's grader, run on the step as if it were the answer. 1 yes, 0 no. */
typedef int (*trace_judge_fn)(void *ud, const char *step, size_t len);

/* Fills m from a stored sample (its text, timings, usage, finish reason,
 * outcome, mode, budget, lang). judge may be NULL (item not graded): then
 * first_correct_tokens is -1 and found_then_lost 0. Never fails. */
void traceinfo_compute(const tb_sample *s, trace_judge_fn judge, void *judge_ud, tb_trace_metrics *m);

/* Tokens in a text, estimated: ASCII bytes / 4, plus one per CJK, kana or
 * hangul character, plus one per two other non-ASCII characters, rounded
 * up. Within about 30% of Qwen's tokenizer on English, Chinese and the
 * MGSM languages; used only where the server gave no count. */
long traceinfo_estimate_tokens(const char *s, size_t n);
/* Switch phrases in s: English's always, and lang's (BCP 47, may be NULL
 * or "") when it has a list; each match bounded by non-letters, except in
 * scripts written without spaces (Chinese, Japanese, Thai). */
long traceinfo_count_switches(const char *s, size_t n, const char *lang);
/* 1 when s holds a loop (see TRACE_LOOP_*). */
int traceinfo_has_loop(const char *s, size_t n);
/* The first step (line) of s, in text order, that reads as a conclusion
 * (a \boxed{}, an answer phrase, or "= <number>" ending the line) and that
 * judge accepts; returns its end offset, or (size_t)-1 when none. */
size_t traceinfo_first_correct(const char *s, size_t n, trace_judge_fn judge, void *ud);

const char *traceinfo_source_name(tb_tok_source s); /* "usage", "estimate", "" */
const char *traceinfo_capped_name(tb_capped_at c);  /* "thinking", "answer", "" */

#endif
