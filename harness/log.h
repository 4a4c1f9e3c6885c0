/* Messages to stderr, worded as git words them: lower case, the problem first,
 * the subject quoted, no full stop. tb_error() returns -1 so that a caller
 * can report and return in one line. Every message, and every text written
 * into a caller's buffer by tb_seterr(), has the API keys redacted
 * (redact.h). */
#ifndef TB_LOG_H
#define TB_LOG_H

#include <stddef.h>

int tb_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void tb_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void tb_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Writes into a caller's message buffer; returns TB_ERR. */
int tb_seterr(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Notes are silenced by --quiet; warnings and errors never are. */
void tb_log_quiet(int quiet);

#endif
