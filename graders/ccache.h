/* The compiled-program cache of the exec grader: what the compiler made of a
 * source, kept by the SHA-256 of everything the compiler saw, so that the
 * same answer text (common across samples of one item) is compiled once.
 *
 * An entry is a binary or a compile error. Entries come only from the
 * compiler's own output, taken in the sandbox before the program first ran
 * (graders/exec.c), so no program can change what a later run of the same
 * source gets. Process-wide, thread-safe, bounded in bytes and entries; the
 * oldest entries go first. */
#ifndef GR_CCACHE_H
#define GR_CCACHE_H

#include <stddef.h>

#include "buf.h"

enum { CC_MISS, CC_BINARY, CC_ERROR };

/* Copies the entry for key into out (the binary, or the compiler's error
 * line) and returns CC_BINARY or CC_ERROR; CC_MISS (out untouched) when
 * there is none or out cannot hold it. */
int cc_lookup(const char key[65], tb_buf *out);
/* Keeps a copy of what the compiler made; kind is CC_BINARY or CC_ERROR.
 * Silently keeps nothing when the entry is too large or memory is short. */
void cc_store(const char key[65], int kind, const char *data, size_t len);
/* Lookups that found an entry and that did not, since the start (tests and
 * benchmarks). */
void cc_counts(unsigned long *hits, unsigned long *misses);

#endif
