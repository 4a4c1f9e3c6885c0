/* The event-stream parser (WHATWG "Interpreting an event stream").
 *
 * Line breaks: a CR ends its line at once; pending_cr remembers it so that an
 * LF arriving next, in this call or the next one, is taken as the second half
 * of a CRLF and not as an empty line (which would dispatch).
 *
 * BOM: bom_checked counts the BOM bytes matched so far (0..2) and is set to
 * BOM_DONE once the first three bytes settled the question, so a BOM split
 * across calls is still skipped, and only at the very start.
 *
 * Errors: after sse_feed() returned non-zero (TB_TOOBIG, TB_NOMEM, or the
 * callback's stop) the rest of that call's bytes were not looked at; the
 * caller abandons the stream and releases the parser.
 *
 * End of stream: there is no sse_finish(). The spec discards an event that no
 * empty line ended, and a last line without a line break; a caller gets that
 * by simply releasing the parser. */
#include "sse.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "rc.h"

enum { BOM_DONE = 3 };

static const unsigned char bom[3] = {0xEF, 0xBB, 0xBF};

void sse_init(sse_parser *p, size_t max_event, sse_event_fn on_event, void *ud)
{
	memset(p, 0, sizeof(*p));
	p->on_event = on_event;
	p->ud = ud;
	tb_buf_init(&p->line, max_event);
	/* Room for the '\n' that each data line adds and dispatch strips, so an
	 * event of exactly max_event bytes still fits. */
	tb_buf_init(&p->data, max_event < SIZE_MAX ? max_event + 1 : max_event);
	p->retry_ms = -1;
}

void sse_release(sse_parser *p)
{
	tb_buf_release(&p->line);
	tb_buf_release(&p->data);
}

static int field_is(const char *name, size_t n, const char *want)
{
	return n == strlen(want) && memcmp(name, want, n) == 0;
}

/* Copies a value into a fixed field, cut to fit: event names and ids are
 * only logged, so a cut one costs nothing. */
static void copy_value(char *dst, size_t size, const char *v, size_t n)
{
	if (n >= size)
		n = size - 1;
	memcpy(dst, v, n);
	dst[n] = '\0';
}

static void set_retry(sse_parser *p, const char *v, size_t n)
{
	long ms = 0;

	if (n == 0)
		return;
	for (size_t i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return;
		/* Saturate: a hostile retry must not overflow. */
		if (ms > (LONG_MAX - 9) / 10)
			ms = LONG_MAX;
		else
			ms = ms * 10 + (v[i] - '0');
	}
	p->retry_ms = ms;
}

static int dispatch(sse_parser *p)
{
	int rc = TB_OK;
	size_t len = p->data.len;

	/* An empty buffer, not an empty payload, is what the spec skips: a
	 * lone "data" line dispatches an event with empty data. The stripped
	 * newline's place becomes a NUL, so callers may treat data as a string. */
	if (len > 0) {
		len--;
		p->data.data[len] = '\0';
		p->events++;
		rc = p->on_event(p->ud, p->event, p->data.data, len);
	}
	tb_buf_reset(&p->data);
	p->event[0] = '\0';
	return rc;
}

static int process_line(sse_parser *p, const char *s, size_t n)
{
	const char *colon, *v;
	size_t fn, vn;
	int rc;

	if (n == 0)
		return dispatch(p);
	if (s[0] == ':') {
		p->comments++;
		return TB_OK;
	}
	colon = memchr(s, ':', n);
	if (colon) {
		fn = (size_t)(colon - s);
		v = colon + 1;
		vn = n - fn - 1;
		if (vn > 0 && v[0] == ' ')
			v++, vn--;
	} else {
		fn = n;
		v = s + n;
		vn = 0;
	}
	if (field_is(s, fn, "data")) {
		rc = tb_buf_add(&p->data, v, vn);
		if (rc == TB_OK)
			rc = tb_buf_add(&p->data, "\n", 1);
		return rc;
	}
	if (field_is(s, fn, "event"))
		copy_value(p->event, sizeof(p->event), v, vn);
	else if (field_is(s, fn, "id")) {
		if (!memchr(v, '\0', vn))
			copy_value(p->last_id, sizeof(p->last_id), v, vn);
	} else if (field_is(s, fn, "retry"))
		set_retry(p, v, vn);
	return TB_OK;
}

/* Consumes leading bytes that may be a BOM; returns how many were used. A
 * partial match that fails gives its bytes back to the line. */
static int skip_bom(sse_parser *p, const char *bytes, size_t n, size_t *used)
{
	size_t i = 0;
	int rc = TB_OK;

	*used = 0;
	while (p->bom_checked < BOM_DONE && i < n) {
		if ((unsigned char)bytes[i] != bom[p->bom_checked]) {
			rc = tb_buf_add(&p->line, bom, (size_t)p->bom_checked);
			p->bom_checked = BOM_DONE;
			break;
		}
		p->bom_checked++;
		i++;
	}
	*used = i;
	return rc;
}

/* Where the line starting at bytes[i] ends: its CR or LF, or n. */
static size_t line_end(const char *bytes, size_t i, size_t n)
{
	const char *lf = memchr(bytes + i, '\n', n - i);
	size_t end = lf ? (size_t)(lf - bytes) : n;
	const char *cr = memchr(bytes + i, '\r', end - i);

	return cr ? (size_t)(cr - bytes) : end;
}

int sse_feed(sse_parser *p, const char *bytes, size_t n)
{
	size_t i = 0;
	int rc;

	if (p->bom_checked < BOM_DONE) {
		rc = skip_bom(p, bytes, n, &i);
		if (rc != TB_OK)
			return rc;
	}
	while (i < n) {
		size_t end;

		if (p->pending_cr) {
			p->pending_cr = 0;
			if (bytes[i] == '\n') {
				i++;
				continue;
			}
		}
		end = line_end(bytes, i, n);
		if (end == n)
			return tb_buf_add(&p->line, bytes + i, n - i);
		p->pending_cr = bytes[end] == '\r';
		/* A line whole in these bytes is read where it lies; one begun in
		 * earlier bytes is completed in the line buffer. */
		if (p->line.len == 0) {
			rc = end - i > p->line.max ? TB_TOOBIG : process_line(p, bytes + i, end - i);
		} else {
			rc = tb_buf_add(&p->line, bytes + i, end - i);
			if (rc == TB_OK)
				rc = process_line(p, p->line.data, p->line.len);
			tb_buf_reset(&p->line);
		}
		if (rc != TB_OK)
			return rc;
		i = end + 1;
	}
	return TB_OK;
}
