/* Reading a whole JSON file (a models file, simulator profiles) as an
 * untrusted input: it must be a regular file of at most TB_JSON_FILE_MAX
 * bytes, checked before and while it is read, and a UTF-8 byte order mark
 * at its start is skipped, as suites skip it. */
#ifndef TB_JSONFILE_H
#define TB_JSONFILE_H

#include <jansson.h>
#include <stddef.h>

#define TB_JSON_FILE_MAX (16u << 20)

/* Parses the file with jansson's flags. On success *out is the value, which
 * the caller frees with json_decref(); on failure *out is NULL and err holds
 * one line: "PATH:LINE: invalid JSON: ...", or what is wrong with the file. */
int tb_json_file_load(const char *path, size_t flags, json_t **out, char *err, size_t errlen);

#endif
