/* Importers: turn the public benchmark files (GSM8K, MATH-500, AIME, MGSM,
 * HumanEval, MBPP) into thinkbench suites (suite.h's JSON Lines format).
 *
 * An import reads every file completely before anything is written, so a bad
 * line stops it with "file:line: field: what was expected" and no output. */
#ifndef TB_IMPORT_H
#define TB_IMPORT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct import_opts {
	const char *template_name; /* NULL: the kind's default (see import_help) */
	const char *name;          /* the suite's name; NULL: the kind's default */
	size_t sample;             /* > 0: keep this many items picked by a shuffle seeded with seed */
	uint64_t seed;
	size_t limit;              /* > 0: keep the first `limit` items (after sampling) */
} import_opts;

typedef struct import_suite {
	json_t *header; /* owned: {"suite": {...}}, the first line */
	json_t *items;  /* owned: array of item objects, in output order */
} import_suite;

/* 1 when name is an importer ("gsm8k", "math", "aime", "mgsm", "humaneval",
 * "mbpp"). */
int import_kind_known(const char *name);

/* Reads files (borrowed; .gz files are decompressed) of one kind into *out,
 * which the caller releases with import_suite_release(). On failure *out is
 * empty and err names the file, the line and the field. Sampled items keep
 * their order in the files. */
int import_build(const char *kind, const char *const *files, size_t n_files,
		 const import_opts *o, import_suite *out, char *err, size_t errlen);

/* Writes the suite as JSON Lines. import_write returns TB_ERR when f fails;
 * import_save writes a temporary file beside path and renames it, so path is
 * either the whole suite or untouched. */
int import_write(const import_suite *s, FILE *f);
int import_save(const import_suite *s, const char *path, char *err, size_t errlen);

void import_suite_release(import_suite *s);

/* Describes the kinds and the prompt templates, for --help. */
void import_help(FILE *f);

#endif
