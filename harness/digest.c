#include "digest.h"

#include <openssl/evp.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <string.h>

#include "rc.h"

/* A tb_sha256 is an EVP_MD_CTX under another name. */

tb_sha256 *tb_sha256_new(void)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	if (!ctx)
		return NULL;
	if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(ctx);
		return NULL;
	}
	return (tb_sha256 *)ctx;
}

void tb_sha256_update(tb_sha256 *h, const void *p, size_t n)
{
	EVP_DigestUpdate((EVP_MD_CTX *)h, p, n);
}

void tb_sha256_final(tb_sha256 *h, char hex[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	EVP_DigestFinal_ex((EVP_MD_CTX *)h, md, &n);
	for (unsigned int i = 0; i < n && i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	hex[64] = '\0';
	EVP_MD_CTX_free((EVP_MD_CTX *)h);
}

int tb_sha256_file(const char *path, char hex[65])
{
	FILE *f = fopen(path, "rb");
	tb_sha256 *h;
	char buf[65536];
	size_t n;

	if (!f)
		return TB_ERR;
	h = tb_sha256_new();
	if (!h) {
		fclose(f);
		return TB_NOMEM;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		tb_sha256_update(h, buf, n);
	tb_sha256_final(h, hex);
	if (ferror(f)) {
		fclose(f);
		return TB_ERR;
	}
	fclose(f);
	return TB_OK;
}

void tb_sha256_bytes(const void *p, size_t n, unsigned char out[32])
{
	SHA256(p, n, out);
}
