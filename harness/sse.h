/* An incremental parser for text/event-stream (WHATWG rules; HACKING.md,
 * "Endpoints"). Pure: bytes in, events out, no I/O. Bytes may be split at any
 * boundary, lines may end in CR, LF or CRLF, a leading BOM is skipped. */
#ifndef TB_SSE_H
#define TB_SSE_H

#include <stddef.h>

#include "buf.h"

/* Called once per dispatched event with a non-empty data buffer (one trailing
 * newline stripped). `event` is the event name or "" (borrowed). A non-zero
 * return stops sse_feed(), which then returns that value. */
typedef int (*sse_event_fn)(void *ud, const char *event, const char *data, size_t len);

typedef struct sse_parser {
	sse_event_fn on_event;
	void *ud;
	tb_buf line;     /* the line being read */
	tb_buf data;     /* the event's data so far */
	char event[64];
	char last_id[128];
	long retry_ms;   /* -1 until a retry field */
	int pending_cr;  /* the last byte seen was CR */
	int bom_checked;
	long comments;   /* comment lines seen (keep-alives) */
	long events;     /* events dispatched */
} sse_parser;

/* max_event caps one line and one event's data; past it sse_feed() returns
 * TB_TOOBIG. */
void sse_init(sse_parser *p, size_t max_event, sse_event_fn on_event, void *ud);
int sse_feed(sse_parser *p, const char *bytes, size_t n);
void sse_release(sse_parser *p);

#endif
