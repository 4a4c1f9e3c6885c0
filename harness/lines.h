/* Reading a file line by line under a ceiling. The ceiling is checked while
 * the line is read, piece by piece as the stream gives its bytes, so a file
 * with a giant line (or /dev/zero) costs at most the ceiling in memory and
 * the time to read that much, never the whole line. */
#ifndef TB_LINES_H
#define TB_LINES_H

#include <stddef.h>
#include <stdio.h>

#include "buf.h"

typedef struct tb_lines {
	FILE *f;            /* borrowed */
	tb_buf line;        /* the current line, NUL-terminated; owned */
} tb_lines;

/* max is the ceiling on a line's length, its newline included. */
void tb_lines_init(tb_lines *lr, FILE *f, size_t max);
/* Reads the next line (through its newline, or to the end of the file) into
 * lr->line; *len counts its bytes, which may include NULs. Returns 1 for a
 * line, 0 at the end of the file, TB_TOOBIG when the line passes the ceiling
 * (the rest of the file is not read), TB_NOMEM, or TB_ERR on a read error
 * (errno says which). */
int tb_lines_next(tb_lines *lr, size_t *len);
void tb_lines_release(tb_lines *lr);

#endif
