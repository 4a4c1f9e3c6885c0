/* The SSE parser against the real transcripts in ../shared/payloads: the
 * same events whatever the chunking and whatever the line endings. */
#include <check.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>

#include "rc.h"
#include "sse.h"
#include "testutil.h"

enum { MAX_EVENT = 1 << 20 };

/* Every event, serialised as "name\x1f" data "\x1e", to compare sequences. */
typedef struct rec {
	tb_buf log;
	long events;
	int stop_after; /* the callback returns 99 at this event; 0: never */
} rec;

static int on_event(void *ud, const char *event, const char *data, size_t len)
{
	rec *r = ud;

	ck_assert_int_eq(data[len], '\0');
	tb_buf_adds(&r->log, event);
	tb_buf_add(&r->log, "\x1f", 1);
	tb_buf_add(&r->log, data, len);
	tb_buf_add(&r->log, "\x1e", 1);
	r->events++;
	return r->stop_after && r->events == r->stop_after ? 99 : 0;
}

/* Feeds s in pieces of `step` bytes (0: whole), or split once at `cut` when
 * step is -1. Returns the serialised events; the caller frees. */
typedef struct result {
	char *log;
	long events, comments;
	int rc;
} result;

static result feed(const char *s, size_t n, long step, size_t cut, size_t max_event)
{
	sse_parser p;
	rec r = {0};
	result out = {0};
	size_t i = 0;

	tb_buf_init(&r.log, 1 << 24);
	sse_init(&p, max_event, on_event, &r);
	if (step < 0) {
		out.rc = sse_feed(&p, s, cut);
		if (out.rc == TB_OK)
			out.rc = sse_feed(&p, s + cut, n - cut);
	} else if (step == 0) {
		out.rc = sse_feed(&p, s, n);
	} else {
		while (i < n && out.rc == TB_OK) {
			size_t k = n - i < (size_t)step ? n - i : (size_t)step;

			out.rc = sse_feed(&p, s + i, k);
			i += k;
		}
	}
	ck_assert_int_eq(p.events, r.events);
	out.events = r.events;
	out.comments = p.comments;
	out.log = tb_buf_detach(&r.log);
	sse_release(&p);
	return out;
}

static result feed_str(const char *s)
{
	return feed(s, strlen(s), 0, 0, MAX_EVENT);
}

/* Whole, cut at every byte, and byte by byte: all the same. */
static void assert_chunking_invariant(const char *s, size_t n, const result *whole)
{
	for (size_t cut = 0; cut <= n; cut++) {
		result r = feed(s, n, -1, cut, MAX_EVENT);

		ck_assert_int_eq(r.rc, TB_OK);
		ck_assert_int_eq(r.events, whole->events);
		ck_assert_int_eq(r.comments, whole->comments);
		ck_assert_str_eq(r.log, whole->log);
		free(r.log);
	}
	{
		result r = feed(s, n, 1, 0, MAX_EVENT);

		ck_assert_int_eq(r.rc, TB_OK);
		ck_assert_int_eq(r.events, whole->events);
		ck_assert_int_eq(r.comments, whole->comments);
		ck_assert_str_eq(r.log, whole->log);
		free(r.log);
	}
}

START_TEST(t_payload_files)
{
	glob_t g;
	int files = 0;

	ck_assert_int_eq(glob(tu_shared("payloads/*.sse"), 0, NULL, &g), 0);
	for (size_t k = 0; k < g.gl_pathc; k++) {
		size_t n;
		char *s = tu_read_file(g.gl_pathv[k], &n);
		result whole;

		ck_assert_ptr_nonnull(s);
		whole = feed(s, n, 0, 0, MAX_EVENT);
		ck_assert_int_eq(whole.rc, TB_OK);
		/* Each transcript yields something: events or a keep-alive. */
		ck_assert_int_gt(whole.events + whole.comments, 0);
		assert_chunking_invariant(s, n, &whole);
		if (strstr(g.gl_pathv[k], "reasoning-then-content")) {
			ck_assert_int_eq(whole.events, 8);
			ck_assert_ptr_nonnull(strstr(whole.log, "\x1f[DONE]\x1e"));
			ck_assert_ptr_nonnull(strstr(whole.log, "\"content\":\"Hello! \""));
		}
		if (strstr(g.gl_pathv[k], "usage-reasoning-tokens"))
			ck_assert_int_eq(whole.events, 3);
		if (strstr(g.gl_pathv[k], "midstream-error"))
			ck_assert_int_eq(whole.events, 1);
		if (strstr(g.gl_pathv[k], "keepalive")) {
			ck_assert_int_eq(whole.events, 0);
			ck_assert_int_eq(whole.comments, 1);
		}
		free(whole.log);
		free(s);
		files++;
	}
	globfree(&g);
	ck_assert_int_ge(files, 5);
}
END_TEST

/* s with every LF replaced by `eol`; the caller frees. */
static char *with_eol(const char *s, size_t n, const char *eol, size_t *out_n)
{
	tb_buf b;

	tb_buf_init(&b, 1 << 24);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			tb_buf_adds(&b, eol);
		else
			tb_buf_add(&b, s + i, 1);
	}
	*out_n = b.len;
	return tb_buf_detach(&b);
}

START_TEST(t_line_endings)
{
	static const char *const eols[] = {"\r\n", "\r"};
	size_t n;
	char *lf = tu_read_file(tu_shared("payloads/openrouter-stream-reasoning-then-content.sse"), &n);
	result ref;

	ck_assert_ptr_nonnull(lf);
	ck_assert_ptr_null(memchr(lf, '\r', n));
	ref = feed(lf, n, 0, 0, MAX_EVENT);
	ck_assert_int_eq(ref.events, 8);
	for (size_t k = 0; k < 2; k++) {
		size_t m;
		char *s = with_eol(lf, n, eols[k], &m);
		result whole = feed(s, m, 0, 0, MAX_EVENT);

		ck_assert_int_eq(whole.rc, TB_OK);
		ck_assert_str_eq(whole.log, ref.log);
		/* Cuts at every byte put CR at a chunk end and LF in the next. */
		assert_chunking_invariant(s, m, &ref);
		free(whole.log);
		free(s);
	}
	free(ref.log);
	free(lf);
}
END_TEST

START_TEST(t_cr_at_chunk_end)
{
	sse_parser p;
	rec r = {0};

	tb_buf_init(&r.log, 4096);
	sse_init(&p, 1024, on_event, &r);
	ck_assert_int_eq(sse_feed(&p, "data: a\r", 8), TB_OK);
	/* The LF completes the CRLF; it is not an empty line. */
	ck_assert_int_eq(sse_feed(&p, "\n", 1), TB_OK);
	ck_assert_int_eq(r.events, 0);
	ck_assert_int_eq(sse_feed(&p, "data: b\r", 8), TB_OK);
	ck_assert_int_eq(sse_feed(&p, "\r", 1), TB_OK);
	ck_assert_int_eq(r.events, 1);
	ck_assert_str_eq(tb_buf_str(&r.log), "\x1f" "a\nb\x1e");
	/* A lone CR then a CR: two line breaks, so an empty line. */
	ck_assert_int_eq(sse_feed(&p, "data: c\r\r\n\n", 11), TB_OK);
	ck_assert_int_eq(r.events, 2);
	sse_release(&p);
	tb_buf_release(&r.log);
}
END_TEST

START_TEST(t_comments)
{
	size_t n;
	char *s = tu_read_file(tu_shared("payloads/openrouter-keepalive-comment.sse"), &n);
	result a = feed(s, n, 0, 0, MAX_EVENT);
	result b = feed_str(": one\n:\n:two\ndata: x\n: three\n\n");

	ck_assert_int_eq(a.comments, 1);
	ck_assert_int_eq(a.events, 0);
	ck_assert_int_eq(b.comments, 4);
	ck_assert_int_eq(b.events, 1);
	ck_assert_str_eq(b.log, "\x1fx\x1e");
	free(a.log);
	free(b.log);
	free(s);
}
END_TEST

START_TEST(t_multiline_data)
{
	result a = feed_str("data: a\ndata: b\n\ndata: c\ndata:\n\n");

	ck_assert_int_eq(a.events, 2);
	ck_assert_str_eq(a.log, "\x1f" "a\nb\x1e\x1f" "c\n\x1e");
	free(a.log);
}
END_TEST

START_TEST(t_bom)
{
	static const char s[] = "\xEF\xBB\xBF" "data: x\n\n\xEF\xBB\xBF" "data: y\n\n";
	result whole = feed(s, sizeof(s) - 1, 0, 0, MAX_EVENT);
	static const char late[] = "data: x\n\n\xEF\xBB\xBF" "data: y\n\n";
	result partial = feed_str("\xEF\xBB" "data: x\n\n");
	result later;

	/* Skipped once: at the second event the BOM is part of the field name. */
	ck_assert_int_eq(whole.events, 1);
	ck_assert_str_eq(whole.log, "\x1fx\x1e");
	assert_chunking_invariant(s, sizeof(s) - 1, &whole);
	/* A BOM after the first bytes is not skipped, whatever the chunking. */
	later = feed(late, sizeof(late) - 1, 0, 0, MAX_EVENT);
	ck_assert_int_eq(later.events, 1);
	ck_assert_str_eq(later.log, "\x1fx\x1e");
	assert_chunking_invariant(late, sizeof(late) - 1, &later);
	free(later.log);
	/* Not a whole BOM: its bytes stay in the line, and "\xEF\xBBdata" is unknown. */
	ck_assert_int_eq(partial.events, 0);
	free(whole.log);
	free(partial.log);
}
END_TEST

START_TEST(t_fields)
{
	sse_parser p;
	rec r = {0};
	static const char first[] = "event: delta\nid: 42\nretry: 1500\ndata: x\n\n";
	static const char rest[] = "retry: 15x\nid: a\0b\ndata: y\n\n"
				   "unknown: z\nretry\nevent\ndata: w\n\n";

	tb_buf_init(&r.log, 4096);
	sse_init(&p, 1024, on_event, &r);
	ck_assert_int_eq(p.retry_ms, -1);
	ck_assert_int_eq(sse_feed(&p, first, sizeof(first) - 1), TB_OK);
	ck_assert_str_eq(p.last_id, "42");
	ck_assert_int_eq(p.retry_ms, 1500);
	ck_assert_int_eq(sse_feed(&p, rest, sizeof(rest) - 1), TB_OK);
	/* Bad retry and an id holding NUL are ignored; the event name resets. */
	ck_assert_int_eq(p.retry_ms, 1500);
	ck_assert_str_eq(p.last_id, "42");
	ck_assert_int_eq(r.events, 3);
	ck_assert_str_eq(tb_buf_str(&r.log), "delta\x1fx\x1e\x1fy\x1e\x1fw\x1e");
	sse_release(&p);
	tb_buf_release(&r.log);
}
END_TEST

START_TEST(t_toobig)
{
	char line[200];
	tb_buf many;
	result a, b, c, d, e, f;

	memset(line, 'a', sizeof(line));
	memcpy(line, "data: ", 6);
	line[sizeof(line) - 1] = '\0';
	a = feed(line, strlen(line), 0, 0, 64);
	ck_assert_int_eq(a.rc, TB_TOOBIG);
	/* Short lines adding up to an event past the ceiling. */
	tb_buf_init(&many, 4096);
	for (int i = 0; i < 10; i++)
		tb_buf_adds(&many, "data: 0123456789\n");
	b = feed(many.data, many.len, 0, 0, 64);
	ck_assert_int_eq(b.rc, TB_TOOBIG);
	ck_assert_int_eq(b.events, 0);
	/* Exactly max_event bytes of event data fit; one more does not. */
	c = feed("data:0123\ndata:4567\n\n", 21, 0, 0, 9);
	ck_assert_int_eq(c.rc, TB_OK);
	ck_assert_str_eq(c.log, "\x1f" "0123\n4567\x1e");
	d = feed("data:0123\ndata:45678\n\n", 22, 0, 0, 9);
	ck_assert_int_eq(d.rc, TB_TOOBIG);
	/* A line past the ceiling fails even cut into one-byte chunks. */
	e = feed(line, strlen(line), 1, 0, 64);
	ck_assert_int_eq(e.rc, TB_TOOBIG);
	/* ... and whole in one chunk with its line break, where it is read in
	 * place; a comment, so that no event buffer's ceiling stops it. */
	line[0] = ':';
	line[sizeof(line) - 2] = '\n';
	f = feed(line, strlen(line), 0, 0, 64);
	ck_assert_int_eq(f.rc, TB_TOOBIG);
	tb_buf_release(&many);
	free(a.log);
	free(b.log);
	free(c.log);
	free(d.log);
	free(e.log);
	free(f.log);
}
END_TEST

START_TEST(t_no_space_after_colon)
{
	result a = feed_str("data:x\n\ndata:  two\n\ndata: \n\n");

	/* Only one leading space is dropped; "data: " alone is an empty payload. */
	ck_assert_int_eq(a.events, 3);
	ck_assert_str_eq(a.log, "\x1fx\x1e\x1f two\x1e\x1f\x1e");
	free(a.log);
}
END_TEST

START_TEST(t_no_colon)
{
	result a = feed_str("data\n\nevent\ndata:v\n\nfoo\n\n");

	/* "data" alone is the field with an empty value: one empty event. The
	 * unknown "foo" adds nothing, so its blank line dispatches nothing. */
	ck_assert_int_eq(a.events, 2);
	ck_assert_str_eq(a.log, "\x1f\x1e\x1fv\x1e");
	free(a.log);
}
END_TEST

START_TEST(t_eof_discards_pending)
{
	result a = feed_str("data: done\n\ndata: cut");
	result b = feed_str("data: done\n\ndata: cut\n");

	ck_assert_int_eq(a.events, 1);
	ck_assert_int_eq(b.events, 1);
	ck_assert_str_eq(b.log, "\x1f" "done\x1e");
	free(a.log);
	free(b.log);
}
END_TEST

START_TEST(t_callback_stops)
{
	sse_parser p;
	rec r = {0};

	r.stop_after = 2;
	tb_buf_init(&r.log, 4096);
	sse_init(&p, 1024, on_event, &r);
	ck_assert_int_eq(sse_feed(&p, "data: 1\n\ndata: 2\n\ndata: 3\n\n", 27), 99);
	ck_assert_int_eq(r.events, 2);
	sse_release(&p);
	tb_buf_release(&r.log);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sse");
	TCase *tc = tcase_create("core");

	tu_require_shared();
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, t_payload_files);
	tcase_add_test(tc, t_line_endings);
	tcase_add_test(tc, t_cr_at_chunk_end);
	tcase_add_test(tc, t_comments);
	tcase_add_test(tc, t_multiline_data);
	tcase_add_test(tc, t_bom);
	tcase_add_test(tc, t_fields);
	tcase_add_test(tc, t_toobig);
	tcase_add_test(tc, t_no_space_after_colon);
	tcase_add_test(tc, t_no_colon);
	tcase_add_test(tc, t_eof_discards_pending);
	tcase_add_test(tc, t_callback_stops);
	suite_add_tcase(s, tc);
	return tu_run(s);
}
