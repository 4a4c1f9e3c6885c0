#include "text.h"

#include <string.h>

#include "rc.h"

size_t tb_text_utf8_seq(const char *s, size_t n, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t len;
	uint32_t c;

	if (u[0] < 0x80) {
		*cp = u[0];
		return 1;
	}
	if (u[0] >= 0xC2 && u[0] <= 0xDF) {
		len = 2;
		c = u[0] & 0x1F;
	} else if (u[0] >= 0xE0 && u[0] <= 0xEF) {
		len = 3;
		c = u[0] & 0x0F;
	} else if (u[0] >= 0xF0 && u[0] <= 0xF4) {
		len = 4;
		c = u[0] & 0x07;
	} else {
		return 0;
	}
	for (size_t k = 1; k < len; k++) {
		if (k >= n || (u[k] & 0xC0) != 0x80)
			return 0;
		c = (c << 6) | (u[k] & 0x3F);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10FFFF)) ||
	    (c >= 0xD800 && c <= 0xDFFF))
		return 0;
	*cp = c;
	return len;
}

size_t tb_text_utf8_next(const char *s, size_t n, uint32_t *cp)
{
	size_t len = tb_text_utf8_seq(s, n, cp);

	if (len == 0) {
		*cp = 0xFFFD;
		return 1;
	}
	return len;
}

size_t tb_text_columns(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

void tb_text_put_visible(FILE *out, const char *s)
{
	const char *p = s ? s : "";

	/* bounded by the string: each pass consumes at least one byte */
	while (*p) {
		uint32_t cp;
		size_t n = tb_text_utf8_seq(p, TB_TEXT_UTF8_MAX, &cp);

		if (n == 0) {
			fprintf(out, "\\x%02X", (unsigned char)*p);
			p++;
		} else if (cp < 0x20 || cp == 0x7F) {
			fprintf(out, "\\x%02X", (unsigned)cp);
			p++;
		} else if (cp >= 0x80 && cp < 0xA0) {
			fprintf(out, "\\u%04X", (unsigned)cp);
			p += n;
		} else {
			fwrite(p, 1, n, out);
			p += n;
		}
	}
}

void tb_text_put_markup(FILE *f, const char *s, size_t max, tb_text_markup how)
{
	const char *p = s ? s : "";
	const char *start = p;
	int html = how == TB_TEXT_HTML;

	while (*p) {
		uint32_t cp;
		size_t n;

		if ((size_t)(p - start) >= max) {
			if (html)
				fprintf(f, "\n[... cut at %zu bytes of %zu]", max, strlen(start));
			else
				fputs("[...]", f);
			break;
		}
		n = tb_text_utf8_seq(p, TB_TEXT_UTF8_MAX, &cp);
		if (n == 0 || (cp < 0x20 && cp != '\t' && cp != '\n' && cp != '\r') ||
		    (html ? cp == 0x7F || (cp >= 0x80 && cp < 0xA0) : cp == 0xFFFE || cp == 0xFFFF)) {
			fprintf(f, "\\x%02X", (unsigned char)*p);
			p++;
			continue;
		}
		if (cp == '&')
			fputs("&amp;", f);
		else if (cp == '<')
			fputs("&lt;", f);
		else if (cp == '>')
			fputs("&gt;", f);
		else if (cp == '"')
			fputs("&quot;", f);
		else if (cp == '\'')
			fputs(html ? "&#39;" : "&apos;", f);
		else if (how == TB_TEXT_XML_ATTR && cp < 0x20)
			fprintf(f, "&#%u;", (unsigned)cp);
		else
			fwrite(p, 1, n, f);
		p += n;
	}
}

/* The characters json_dumps() writes as a backslash and a letter. */
static const char short_escaped[] = "\"\\\b\f\n\r\t";
static const char short_escape[] = "\"\\bfnrt";

int tb_text_json_escape(tb_buf *out, const char *s)
{
	const char *p = s, *run = p;
	int rc = TB_OK;

	/* bounded by the string: each pass consumes at least one byte */
	while (*p && rc == TB_OK) {
		unsigned char c = (unsigned char)*p;
		char esc[8];
		uint32_t cp;
		size_t n;

		if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
			p++;
			continue;
		}
		if (c >= 0x80) {
			if ((n = tb_text_utf8_seq(p, TB_TEXT_UTF8_MAX, &cp)) == 0)
				return TB_ERR;
			p += n;
			continue;
		}
		rc = tb_buf_add(out, run, (size_t)(p - run));
		if (rc == TB_OK) {
			const char *e = strchr(short_escaped, c);

			if (e)
				snprintf(esc, sizeof(esc), "\\%c", short_escape[e - short_escaped]);
			else
				snprintf(esc, sizeof(esc), "\\u%04X", c);
			rc = tb_buf_adds(out, esc);
		}
		run = ++p;
	}
	if (rc == TB_OK)
		rc = tb_buf_add(out, run, (size_t)(p - run));
	return rc == TB_OK ? TB_OK : TB_TOOBIG;
}
