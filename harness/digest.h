/* SHA-256 through OpenSSL, for the hashes a run keeps of its inputs. */
#ifndef TB_DIGEST_H
#define TB_DIGEST_H

#include <stddef.h>

typedef struct tb_sha256 tb_sha256;

/* NULL when out of memory. Free with tb_sha256_final(), which writes 64 hex
 * digits and a NUL into hex (65 bytes). */
tb_sha256 *tb_sha256_new(void);
void tb_sha256_update(tb_sha256 *h, const void *p, size_t n);
void tb_sha256_final(tb_sha256 *h, char hex[65]);
/* The 32-byte SHA-256 of n bytes, with no allocation (so no failure). */
void tb_sha256_bytes(const void *p, size_t n, unsigned char out[32]);
/* The hash of a whole file; TB_ERR when it cannot be read. */
int tb_sha256_file(const char *path, char hex[65]);

#endif
