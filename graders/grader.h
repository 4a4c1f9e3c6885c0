/* The grader interface. A grader sees only the answer part of a sample, never
 * the reasoning, and returns a verdict with evidence: the extracted answer and
 * a reason. A harness failure (transport, parse) is never a verdict: it is a
 * sample error, kept out of accuracy (HACKING.md, rule 13).
 *
 * A grader spec is a JSON object from a suite: {"type": "regex", ...}. Specs
 * are compiled once when the suite loads, so a bad spec stops the run before
 * any request is made. */
#ifndef GR_GRADER_H
#define GR_GRADER_H

#include <jansson.h>
#include <stddef.h>

typedef enum gr_verdict {
	GR_CORRECT = 0,
	GR_INCORRECT,
	GR_PARTIAL,
	GR_NOANSWER, /* nothing could be extracted */
} gr_verdict;

enum { GR_LANG_UNCHECKED = -1, GR_LANG_WRONG = 0, GR_LANG_OK = 1 };

typedef struct gr_result {
	gr_verdict verdict;
	double score;           /* 1 correct, 0 incorrect, in between for partial */
	char extracted[512];    /* the answer the grader found, cut to fit */
	char reason[256];       /* why, in a few words */
	char path[48];          /* which extraction and comparison decided, "boxed/set";
				 * "" for graders that do not say */
	int lang;               /* GR_LANG_*: the language check, where the item asks for it */
} gr_result;

/* What a grader is given for one sample. All borrowed. */
typedef struct gr_input {
	const char *answer;     /* the answer part of the response, "" when empty */
	const char *expected;   /* the item's reference answer; NULL for exec items */
	const char *lang;       /* the item's language (BCP 47), NULL when unknown */
	const char *item_id;
	const char *suite;      /* the item's suite, NULL when unknown: graders
				 * that run code let one suite's tests share a
				 * process, never two suites' */
} gr_input;

/* One kind of grader. compile() parses a spec into private state, grade()
 * fills a result, release() frees the state. compile() writes a message on
 * failure and returns TB_ERR. warm() (optional) readies on the calling
 * thread what grading items of suite will need there (a sandbox). */
typedef struct gr_ops {
	const char *name;
	int (*compile)(const json_t *spec, void **state, char *err, size_t errlen);
	int (*grade)(const void *state, const gr_input *in, gr_result *out);
	void (*release)(void *state);
	void (*warm)(const void *state, const char *suite);
} gr_ops;

typedef struct gr_grader gr_grader;

/* Compiles a spec (borrowed). On success *out is a grader the caller frees with
 * gr_free(); on failure *out is NULL and err says which field is wrong. */
int gr_compile(const json_t *spec, gr_grader **out, char *err, size_t errlen);
/* Grades one answer. Never fails on untrusted text: any answer gives a verdict.
 * Returns TB_ERR only when the harness itself fails (out of memory, no
 * sandbox); then out->reason says why. */
int gr_grade(const gr_grader *g, const gr_input *in, gr_result *out);
const char *gr_name(const gr_grader *g);
/* Readies this thread to grade items of suite with g, so that the first
 * grade does not start what takes long (a sandbox) while requests are in
 * flight. Best effort: nothing when the kind needs nothing. */
void gr_warm(const gr_grader *g, const char *suite);
/* "<kind>/<N>": the kind's version, bumped whenever a change to its code can
 * change a verdict, so a store tells which grader code graded each sample.
 * A static string. */
const char *gr_version(const gr_grader *g);
void gr_free(gr_grader *g);
const char *gr_verdict_str(gr_verdict v);

/* The registry: finds a grader kind by name, NULL when unknown. */
const gr_ops *gr_find(const char *name);

#endif
