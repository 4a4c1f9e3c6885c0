/* Suites: JSON Lines, one item per line (see README "Suite format").
 *
 * An optional first line {"suite": {...}} sets suite-level defaults: name,
 * description, system prompt, prompt template ("{prompt}" is replaced by the
 * item's prompt), grader, lang, tags. Every other line is an item:
 *   id (string, unique in the suite), prompt (string) or messages (array),
 *   answer (string or number; the reference), lang, tags (array of strings),
 *   images (array of file paths, relative to the suite file), max_tokens,
 *   grader (object, overrides the suite's), reference (a reference solution,
 *   for code items), wrong_reference (a plausible wrong solution: what the
 *   simulator answers when it answers wrong, and what suite checks expect to
 *   fail). Unknown fields are an error, to catch typos.
 * Blank lines and lines starting with '#' are skipped. Every error names
 * file:line and the field, and nothing is run when a suite does not load. */
#ifndef TB_SUITE_H
#define TB_SUITE_H

#include <jansson.h>
#include <stddef.h>

#include "grader.h"

typedef struct tb_item {
	char *id;
	char *prompt;       /* the user text with the template applied; NULL when messages is set */
	json_t *messages;   /* owned; NULL when prompt is set */
	char *expected;     /* the reference answer as text; NULL when absent */
	char *lang;         /* NULL when neither the item nor the suite names one */
	json_t *tags;       /* owned array of strings, never NULL */
	char **images;      /* resolved paths, n_images of them */
	size_t n_images;
	long max_tokens;    /* 0: the model's default */
	json_t *grader_spec; /* owned: the effective spec, NULL when the item is not graded */
	gr_grader *grader;  /* compiled from grader_spec; NULL when not graded */
	int grader_owned;   /* 0: the suite's shared default grader */
	char *reference;    /* reference solution for code items; NULL when absent */
	char *wrong_reference; /* a plausible wrong solution; NULL when absent */
	long line;          /* line in the suite file */
} tb_item;

typedef struct tb_suite {
	char *name;
	char *path;
	char *description;
	char *system;       /* system prompt, NULL when none */
	char hash[65];      /* sha256 of the file, hex */
	gr_grader *grader;  /* the suite's default grader, NULL when none */
	tb_item *items;
	size_t n_items;
} tb_suite;

/* Loads one suite file. On success *out is a suite the caller frees with
 * suite_free(); on failure *out is NULL and err holds "file:line: field: what
 * was expected". limit > 0 keeps only the first `limit` items. */
int suite_load(const char *path, size_t limit, tb_suite **out, char *err, size_t errlen);
/* Loads a file, or every *.jsonl file of a folder (sorted by name), appending
 * to *suites (a growable array of n suites, the caller frees each and the
 * array). Two suites with the same name are an error. */
int suite_load_path(const char *path, size_t limit, tb_suite ***suites, size_t *n,
		    char *err, size_t errlen);
void suite_free(tb_suite *s);
/* The text of the last user message of an item (its first text part when the
 * content is an array): what the simulator recognises an item by. Borrowed. */
const char *suite_item_user_text(const tb_item *it);

#endif
