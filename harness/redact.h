/* Secrets and their redaction. An API key is read from the environment once,
 * by tb_secret_take(), which copies it and removes the variable, so no child
 * process (gnuplot, the sandbox, any other) inherits it. From then on every
 * text that passes through tb_redact_*() has the key replaced by
 * "[REDACTED]": the key whole, and any run of TB_REDACT_MIN_PART or more of
 * its bytes (an endpoint that echoes a key partly masked, "sk-...abcd1234",
 * or cut to fit a field). A value shorter than that is a placeholder (vLLM's
 * "EMPTY"), not a secret, and is not redacted: replacing it would cut words
 * out of answers.
 *
 * Text from an endpoint passes through here where it enters (resp.c), and
 * every message through log.c, so no store, report or line on stderr can
 * carry a key. */
#ifndef TB_REDACT_H
#define TB_REDACT_H

#include <stddef.h>

#include "buf.h"

#define TB_REDACTED "[REDACTED]"
#define TB_REDACT_MIN_PART 8

/* The value of environment variable name, or NULL when it is unset or empty.
 * The first call for a name reads the variable, keeps a copy (freed at exit)
 * and unsets it; later calls return the copy. Thread-safe. */
const char *tb_secret_take(const char *name);

/* Redacts s in place, cutting the result to fit size bytes (NUL included).
 * Returns the number of replacements. */
size_t tb_redact_str(char *s, size_t size);
/* Redacts b's bytes from offset `from` on, and the bytes just before it that
 * could begin a key continued there (so text appended piece by piece is
 * redacted as a whole). The result stays under b's ceiling (b->truncated is
 * set when a replacement had to be cut). Returns the number of replacements. */
size_t tb_redact_buf(tb_buf *b, size_t from);

#endif
