/* One finished sample, the unit the store keeps and every report reads: an
 * item asked of a model in a mode with a budget, the n-th time. Strings are
 * borrowed from whoever fills the record. */
#ifndef TB_SAMPLE_H
#define TB_SAMPLE_H

#include <stdint.h>

#include "grader.h"

/* Outcomes, in the order reports list them. A sample ends in exactly one. */
typedef enum tb_outcome {
	TB_OUT_CORRECT = 0,
	TB_OUT_INCORRECT,
	TB_OUT_PARTIAL,
	TB_OUT_NOANSWER,       /* an answer came, nothing could be extracted */
	TB_OUT_TRUNCATED,      /* think mode spent its tokens on reasoning: no answer */
	TB_OUT_ERROR,          /* no usable response after every attempt */
	TB_OUT_UNGRADED,       /* the item has no grader */
	TB_OUT_COUNT
} tb_outcome;

const char *tb_outcome_name(tb_outcome o);  /* "correct", "no_answer", ... */
int tb_outcome_parse(const char *s, tb_outcome *out);
/* The outcome a grader's verdict gives (TB_OUT_ERROR for a value that is
 * no verdict). */
tb_outcome tb_outcome_from_verdict(gr_verdict v);
/* Whether an outcome counts toward accuracy: the answer was judged (correct,
 * incorrect, partial, no_answer) or thinking spent every token (truncated).
 * An error or an ungraded sample never counts, nor a value out of range. */
int tb_outcome_is_graded(tb_outcome o);

typedef struct tb_sample {
	/* the key: unique in a run */
	const char *suite;
	const char *item_id;
	const char *model;
	const char *mode;        /* "think" / "nothink" */
	long budget;             /* thinking budget in tokens, 0: none */
	int sample;              /* 0-based repeat index */

	/* what came back */
	tb_outcome outcome;
	const char *extracted;   /* the grader's extracted answer, "" when none */
	const char *expected;
	const char *grade_reason;
	const char *grader;      /* grader kind, "" when ungraded */
	int lang_check;          /* GR_LANG_* */
	int mode_leak;
	const char *split_method;
	const char *reasoning;   /* full text, as capped by the response ceiling */
	const char *answer;
	int text_truncated;      /* reasoning or answer hit the ceiling */
	long prompt_tokens, completion_tokens, reasoning_tokens, cached_tokens; /* -1: unknown */
	double cost_usd;         /* NAN: unknown */
	int cost_reported;       /* 1: usage.cost; 0: computed from prices */
	const char *grade_path;  /* which extraction and comparison decided (gr_result.path) */
	int usage_invalid;       /* usage numbers the endpoint sent were not believed and ignored */
	double ttft_ms, ttfa_ms, total_ms; /* NAN: unknown */
	/* streamed: the second chunk with text, and the gaps between chunks
	 * with text (gaps.h); NAN: unknown */
	double ttst_ms, gap_p50_ms, gap_p99_ms;
	const char *finish_reason;
	const char *native_finish_reason;
	int http_status;         /* 0: no response */
	int attempts;
	const char *error;       /* "" unless outcome is error */
	const char *lang;
	const char *provider;
	const char *generation_id;
	long seed;
	int streamed;
	double finished_at;      /* unix seconds */
	const char *grader_version; /* gr_version(): "regex/1"; NULL or "" when unknown or ungraded */
	/* Answered from the response cache (cache.h): ttft_ms, ttfa_ms and
	 * total_ms above are NAN (nothing was measured), the timings of the
	 * request that filled the cache are these. */
	int cached;
	double cached_ttft_ms, cached_ttfa_ms, cached_total_ms;
} tb_sample;

/* A sample's string fields: the key's, then the rest. A copy that must
 * outlive the caller's sample carries each one. */
#define TB_SAMPLE_KEY_STRINGS(X) X(suite) X(item_id) X(model) X(mode)
#define TB_SAMPLE_STRINGS(X)                                                                 \
	TB_SAMPLE_KEY_STRINGS(X) X(extracted) X(expected) X(grade_reason) X(grader)          \
	X(split_method) X(reasoning) X(answer) X(finish_reason) X(native_finish_reason)      \
	X(error) X(lang) X(provider) X(generation_id) X(grader_version) X(grade_path)

/* Bytes tb_sample_copy needs for s's strings: all of them, or with
 * key_only the key's alone. */
size_t tb_sample_copy_size(const tb_sample *s, int key_only);

/* Makes *dst a copy of *s (all of it, or with key_only the key alone, every
 * other field zero or NULL) whose strings live in block, which holds tb_sample_copy_size(s, key_only) bytes and
 * belongs to the caller; NULL strings stay NULL. */
void tb_sample_copy(tb_sample *dst, const tb_sample *s, int key_only, char *block);

/* A sample stored before its grade: ungraded, with a grader to grade it.
 * An item without a grader stays ungraded for good. */
int tb_sample_awaits_grade(const tb_sample *s);

#endif
