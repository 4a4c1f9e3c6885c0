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

/* The largest image an item may carry; larger ones are refused when the
 * suite loads (data URLs of many megabytes are refused by every provider). */
#define SUITE_IMAGE_MAX (20u << 20)

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
	int refs;           /* holders of an item read by suite_item_get() from an
			     * opened suite; 0 for the items a loaded suite owns */
} tb_item;

struct suite_index;

typedef struct tb_suite {
	char *name;
	char *path;
	char *description;
	char *system;       /* system prompt, NULL when none */
	char hash[65];      /* sha256 of the file, hex */
	gr_grader *grader;  /* the suite's default grader, NULL when none */
	tb_item *items;     /* every item; NULL for a suite from suite_open_path() */
	size_t n_items;
	int has_images;     /* some item has images */
	int has_exec;       /* some item is graded by the exec grader */
	int has_tags;       /* some item has a tag (its own or the suite's) */
	struct suite_index *index; /* suite_open_path(): where each item is in the file */
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
/* Like suite_load_path(), and every line is checked the same way before it
 * returns, but the items are not kept: only where each one is in the file (16
 * bytes an item), so that a run's memory does not grow with its suites. The
 * suites' items are NULL: suite_item_get() reads one again. The file stays
 * open until suite_free(). */
int suite_open_path(const char *path, size_t limit, tb_suite ***suites, size_t *n,
		    char *err, size_t errlen);
/* Item i (< n_items) in *out. Of a loaded suite: &s->items[i], borrowed. Of an
 * opened suite: read from the file and parsed again, a new item with one
 * holder; this fails with "file:line: ..." when the line is no longer what was
 * checked (the file changed). Either way, hand *out back with suite_item_put().
 * Not thread-safe: get, hold and put an opened suite's items on one thread
 * (other threads may read an item while it is held). */
int suite_item_get(const tb_suite *s, size_t i, const tb_item **out, char *err, size_t errlen);
/* A reader of a suite's items of its own (its own window of the file and
 * parse state), so that one more thread can read an opened suite's items
 * while another calls suite_item_get(): each thread gets, holds and puts the
 * items it read. suite_cursor_get() is suite_item_get() through the cursor.
 * Free the cursor before the suite. suite_cursor_new() gives NULL when out of
 * memory; suite_cursor_free(NULL) is fine. */
typedef struct suite_cursor suite_cursor;
suite_cursor *suite_cursor_new(const tb_suite *s);
int suite_cursor_get(suite_cursor *c, size_t i, const tb_item **out, char *err, size_t errlen);
void suite_cursor_free(suite_cursor *c);
/* One more holder of an item from suite_item_get(). */
void suite_item_hold(const tb_item *it);
/* One holder fewer; the last one frees an item read from an opened suite.
 * NULL is fine. */
void suite_item_put(const tb_item *it);
void suite_free(tb_suite *s);
/* The text of the last user message of an item (its first text part when the
 * content is an array): what the simulator recognises an item by. Borrowed. */
const char *suite_item_user_text(const tb_item *it);

#endif
