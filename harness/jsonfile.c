#include "jsonfile.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "log.h"
#include "rc.h"

static int read_all(const char *path, tb_buf *b, char *err, size_t errlen)
{
	struct stat sb;
	char chunk[65536];
	size_t n;
	int rc = TB_ERR;
	FILE *f = fopen(path, "rb");

	if (!f)
		return tb_seterr(err, errlen, "cannot open '%s': %s", path, strerror(errno));
	if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode)) {
		tb_seterr(err, errlen, "%s: expected a regular file", path);
		goto out;
	}
	/* Bounded by the ceiling: each pass adds a chunk or ends. */
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (tb_buf_add(b, chunk, n) != TB_OK) {
			tb_seterr(err, errlen, "%s: expected a file of at most %u bytes", path,
				  TB_JSON_FILE_MAX);
			goto out;
		}
	}
	if (ferror(f)) {
		tb_seterr(err, errlen, "cannot read '%s': %s", path, strerror(errno));
		goto out;
	}
	rc = TB_OK;
out:
	fclose(f);
	return rc;
}

int tb_json_file_load(const char *path, size_t flags, json_t **out, char *err, size_t errlen)
{
	tb_buf b;
	json_error_t jerr;
	const char *p;
	size_t len;
	int rc = TB_ERR;

	*out = NULL;
	tb_buf_init(&b, TB_JSON_FILE_MAX);
	if (read_all(path, &b, err, errlen) != TB_OK)
		goto out;
	p = tb_buf_str(&b);
	len = b.len;
	if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
		p += 3;
		len -= 3;
	}
	*out = json_loadb(p, len, flags, &jerr);
	if (!*out) {
		tb_seterr(err, errlen, "%s:%d: invalid JSON: %s", path, jerr.line, jerr.text);
		goto out;
	}
	rc = TB_OK;
out:
	tb_buf_release(&b);
	return rc;
}
