/* Hostile answers (see sim_hostile.h). Each is built whole into one buffer,
 * except `endless`, which a content reader makes up as it goes, one piece
 * every PIECE_EVERY_US, suspended on the simulator's timer in between. */
#include "sim_hostile.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "log.h"
#include "rc.h"

#define BODY_MAX (64u << 20)
#define HUGE_BYTES (6u << 20)   /* past the harness's 4 MiB text ceiling */
#define HUGE_PIECE (64u << 10)  /* one SSE chunk's text: well under an event's ceiling */
#define BINARY_BYTES 512
#define DEEP 100000             /* far past jansson's 2048 */
#define PIECE_EVERY_US 20000
#define PIECE_WORDS 200

static const char *const names[] = {
	[SIM_HOSTILE_NONE] = "none", [SIM_HOSTILE_HUGE] = "huge", [SIM_HOSTILE_BINARY] = "binary",
	[SIM_HOSTILE_BADUTF8] = "badutf8", [SIM_HOSTILE_ESCAPES] = "escapes",
	[SIM_HOSTILE_DEEPJSON] = "deepjson", [SIM_HOSTILE_ENDLESS] = "endless",
	[SIM_HOSTILE_MIXED] = "mixed", [SIM_HOSTILE_ECHOKEY] = "echokey",
	[SIM_HOSTILE_NUMBERS] = "numbers",
};

static sim_hostile current;

int sim_hostile_set(const char *kind, double rate, char *err, size_t errlen)
{
	if (!(rate >= 0 && rate <= 1))
		return tb_seterr(err, errlen, "sim: the hostile rate must be from 0 to 1");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(kind, names[i]) == 0) {
			current.kind = (sim_hostile_kind)i;
			current.rate = rate;
			return TB_OK;
		}
	}
	return tb_seterr(err, errlen,
			 "sim: unknown hostile kind '%s' (huge, binary, badutf8, escapes, deepjson, endless, echokey, numbers or mixed)",
			 kind);
}

void sim_hostile_get(sim_hostile *out)
{
	*out = current;
}

int sim_hostile_pick(const sim_hostile *h, uint64_t seed, long n)
{
	if (h->kind == SIM_HOSTILE_NONE || h->rate <= 0)
		return 0;
	return sim_unit(sim_hash_u64(sim_hash_u64(seed, 0x4057113), (uint64_t)n)) < h->rate;
}

/* ---- texts ------------------------------------------------------------------ */

static int add_huge(tb_buf *b, const sim_sample *smp)
{
	static const char words[] = "lorem ipsum dolor sit amet consectetur adipiscing elit ";
	int rc = TB_OK;

	/* Bounded: each round adds sizeof(words) - 1 bytes. */
	while (rc == TB_OK && b->len < HUGE_BYTES)
		rc = tb_buf_add(b, words, sizeof(words) - 1);
	return rc == TB_OK ? tb_buf_add(b, smp->answer.data, smp->answer.len) : rc;
}

/* The answer first (so it can still be graded), then bytes 0x00-0x7f raw and
 * 0x80-0xff as the Latin-1 characters they would be. */
static int add_binary(tb_buf *b, const sim_sample *smp, uint64_t h)
{
	int rc = tb_buf_add(b, smp->answer.data, smp->answer.len);

	for (int i = 0; i < BINARY_BYTES && rc == TB_OK; i++) {
		unsigned char c = (unsigned char)(i < 256 ? (uint64_t)i : sim_mix(h + (uint64_t)i));
		unsigned char u[2] = {(unsigned char)(0xc0 | (c >> 6)), (unsigned char)(0x80 | (c & 0x3f))};

		rc = c < 0x80 ? tb_buf_add(b, &c, 1) : tb_buf_add(b, u, 2);
	}
	return rc;
}

static int add_badutf8(tb_buf *b, const sim_sample *smp)
{
	/* A lone byte, an overlong slash, a surrogate, past U+10FFFF, a cut sequence. */
	static const char bad[] = " \xff\xfe \xc0\xaf \xed\xa0\x80 \xf4\x90\x80\x80 \xe2\x82";
	int rc = tb_buf_add(b, smp->answer.data, smp->answer.len);

	return rc == TB_OK ? tb_buf_add(b, bad, sizeof(bad) - 1) : rc;
}

/* Escapes before, after and inside \boxed{}, so that the extracted answer
 * carries them to the reports too. */
static int add_escapes(tb_buf *b, const sim_sample *smp)
{
	static const char pre[] = "\x1b[2J\x1b[H\x1b]0;pwned by the model\x07\x1b[31m";
	static const char post[] = "\x1b[0m \xc2\x9b" "31m \x1b]8;;http://127.0.0.1/\x1b\\link\x1b]8;;\x1b\\ \x1b" "c";
	const char *a = tb_buf_str(&smp->answer), *box = strstr(a, "\\boxed{");
	size_t cut = box ? (size_t)(box - a) + 7 : smp->answer.len;
	int rc = tb_buf_adds(b, pre);

	if (rc == TB_OK)
		rc = tb_buf_add(b, a, cut);
	if (rc == TB_OK && box)
		rc = tb_buf_adds(b, "\x1b[7m");
	if (rc == TB_OK)
		rc = tb_buf_add(b, a + cut, smp->answer.len - cut);
	return rc == TB_OK ? tb_buf_adds(b, post) : rc;
}

/* ---- wire ------------------------------------------------------------------- */

static int add_head(tb_buf *b, const sim_wire *w, const char *object)
{
	int rc = tb_buf_addf(b, "{\"id\":\"gen-sim-%ld\",\"object\":\"%s\",\"created\":%ld,\"model\":",
			     w->gen_no, object, w->created);

	if (rc == TB_OK)
		rc = sim_json_str(b, w->model, strlen(w->model));
	return rc == TB_OK ? tb_buf_adds(b, ",\"provider\":\"thinkbench-sim\",") : rc;
}

static int add_chunk(tb_buf *b, const sim_wire *w, const char *text, size_t n)
{
	int rc = tb_buf_adds(b, "data: ");

	if (rc == TB_OK)
		rc = add_head(b, w, "chat.completion.chunk");
	if (rc == TB_OK)
		rc = tb_buf_adds(b, "\"choices\":[{\"index\":0,\"delta\":{\"content\":");
	if (rc == TB_OK)
		rc = sim_json_str(b, text, n);
	return rc == TB_OK ? tb_buf_adds(b, "},\"finish_reason\":null}]}\n\n") : rc;
}

static int add_finish(tb_buf *b, const sim_wire *w)
{
	int rc = tb_buf_adds(b, "data: ");

	if (rc == TB_OK)
		rc = add_head(b, w, "chat.completion.chunk");
	return rc == TB_OK ? tb_buf_adds(b, "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
					    "data: [DONE]\n\n")
			   : rc;
}

static int add_deep(tb_buf *b)
{
	int rc = TB_OK;

	for (int i = 0; i < DEEP && rc == TB_OK; i++)
		rc = tb_buf_add(b, "[", 1);
	for (int i = 0; i < DEEP && rc == TB_OK; i++)
		rc = tb_buf_add(b, "]", 1);
	return rc;
}

/* The whole answer of a kind that fits in one buffer. */
static int build(sim_hostile_kind k, const sim_wire *w, const sim_sample *smp, uint64_t h, int stream,
		 tb_buf *out)
{
	tb_buf text;
	int rc;

	tb_buf_init(&text, BODY_MAX);
	switch (k) {
	case SIM_HOSTILE_HUGE: rc = add_huge(&text, smp); break;
	case SIM_HOSTILE_BINARY: rc = add_binary(&text, smp, h); break;
	case SIM_HOSTILE_BADUTF8: rc = add_badutf8(&text, smp); break;
	case SIM_HOSTILE_ESCAPES: rc = add_escapes(&text, smp); break;
	default: rc = TB_OK; break;
	}
	if (rc != TB_OK)
		goto out;
	if (k == SIM_HOSTILE_DEEPJSON) {
		rc = stream ? tb_buf_adds(out, "data: ") : TB_OK;
		if (rc == TB_OK)
			rc = add_head(out, w, stream ? "chat.completion.chunk" : "chat.completion");
		if (rc == TB_OK)
			rc = tb_buf_adds(out, "\"choices\":[{\"index\":0,\"finish_reason\":\"stop\",\"deep\":");
		if (rc == TB_OK)
			rc = add_deep(out);
		if (rc == TB_OK)
			rc = tb_buf_adds(out, stream ? "}]}\n\ndata: [DONE]\n\n" : "}]}");
		goto out;
	}
	if (!stream) {
		rc = add_head(out, w, "chat.completion");
		if (rc == TB_OK)
			rc = tb_buf_adds(out, "\"choices\":[{\"index\":0,\"finish_reason\":\"stop\","
					      "\"message\":{\"role\":\"assistant\",\"content\":");
		if (rc == TB_OK)
			rc = sim_json_str(out, tb_buf_str(&text), text.len);
		if (rc == TB_OK)
			rc = tb_buf_adds(out, "}}]}");
		goto out;
	}
	rc = tb_buf_adds(out, ": OPENROUTER PROCESSING\n\n");
	/* Bounded by the text's ceiling; a piece may split a UTF-8 sequence,
	 * which is what a hostile stream would do too. */
	for (size_t off = 0; off < text.len && rc == TB_OK; off += HUGE_PIECE) {
		size_t n = text.len - off < HUGE_PIECE ? text.len - off : HUGE_PIECE;

		rc = add_chunk(out, w, text.data + off, n);
	}
	if (rc == TB_OK)
		rc = add_finish(out, w);
out:
	tb_buf_release(&text);
	return rc;
}

/* ---- echokey ---------------------------------------------------------------- */

enum { ECHO_ERROR_BODY, ECHO_STREAM_ERROR, ECHO_PROVIDER, ECHO_ID, ECHO_CONTENT, ECHO_WAYS };

/* "KEY (masked: sk-abcd...wxyz1234)": the key whole and as OpenAI quotes it. */
static int add_key_text(tb_buf *b, const char *key)
{
	size_t n = strlen(key);

	return tb_buf_addf(b, "%s (masked: %.*s...%s)", key, n > 8 ? 8 : (int)n,
			   key, n > 8 ? key + n - 8 : "");
}

/* A JSON string holding the key text, with words around it. */
static int add_key_json(tb_buf *b, const char *before, const char *key)
{
	tb_buf t;
	int rc;

	tb_buf_init(&t, 65536);
	rc = tb_buf_adds(&t, before);
	if (rc == TB_OK)
		rc = add_key_text(&t, key);
	if (rc == TB_OK)
		rc = sim_json_str(b, tb_buf_str(&t), t.len);
	tb_buf_release(&t);
	return rc;
}

/* An answer whose id or provider is the key, or whose content quotes it. */
static int add_echo_answer(tb_buf *b, const sim_wire *w, const sim_sample *smp, const char *key,
			   int way, int stream)
{
	int rc = stream ? tb_buf_adds(b, "data: {\"id\":") : tb_buf_adds(b, "{\"id\":");

	if (rc == TB_OK)
		rc = way == ECHO_ID ? sim_json_str(b, key, strlen(key))
				    : tb_buf_addf(b, "\"gen-sim-%ld\"", w->gen_no);
	if (rc == TB_OK)
		rc = tb_buf_addf(b, ",\"object\":\"%s\",\"created\":%ld,\"model\":",
				 stream ? "chat.completion.chunk" : "chat.completion", w->created);
	if (rc == TB_OK)
		rc = sim_json_str(b, w->model, strlen(w->model));
	if (rc == TB_OK)
		rc = tb_buf_adds(b, ",\"provider\":");
	if (rc == TB_OK)
		rc = way == ECHO_PROVIDER ? sim_json_str(b, key, strlen(key))
					  : tb_buf_adds(b, "\"thinkbench-sim\"");
	if (rc == TB_OK)
		rc = tb_buf_addf(b, ",\"choices\":[{\"index\":0,\"finish_reason\":\"stop\",\"%s\":"
				    "{\"role\":\"assistant\",\"content\":",
				 stream ? "delta" : "message");
	if (rc == TB_OK && way == ECHO_CONTENT) {
		tb_buf t;

		tb_buf_init(&t, BODY_MAX);
		rc = tb_buf_adds(&t, "Your key is ");
		if (rc == TB_OK)
			rc = add_key_text(&t, key);
		if (rc == TB_OK)
			rc = tb_buf_addf(&t, ". %s", tb_buf_str(&smp->answer));
		if (rc == TB_OK)
			rc = sim_json_str(b, tb_buf_str(&t), t.len);
		tb_buf_release(&t);
	} else if (rc == TB_OK) {
		rc = sim_json_str(b, smp->answer.data ? smp->answer.data : "", smp->answer.len);
	}
	if (rc == TB_OK)
		rc = tb_buf_adds(b, "}}]");
	if (rc == TB_OK)
		rc = tb_buf_addf(b, ",\"usage\":{\"prompt_tokens\":%ld,\"completion_tokens\":10}}",
				 w->prompt_tokens);
	return rc == TB_OK && stream ? tb_buf_adds(b, "\n\ndata: [DONE]\n\n") : rc;
}

/* Request n's echo; *status is the HTTP status to answer with. */
static int build_echo(const sim_wire *w, const sim_sample *smp, const char *key, long n, int stream,
		      tb_buf *out, unsigned *status)
{
	int way = (int)((n - 1) % ECHO_WAYS), rc;

	*status = 200;
	switch (way) {
	case ECHO_ERROR_BODY:
		*status = 400;
		rc = tb_buf_adds(out, "{\"error\":{\"code\":\"invalid_api_key\",\"type\":");
		if (rc == TB_OK)
			rc = add_key_json(out, "", key);
		if (rc == TB_OK)
			rc = tb_buf_adds(out, ",\"message\":");
		if (rc == TB_OK)
			rc = add_key_json(out, "Incorrect API key provided: ", key);
		return rc == TB_OK ? tb_buf_adds(out, "}}") : rc;
	case ECHO_STREAM_ERROR:
		rc = tb_buf_adds(out, stream ? "data: {\"error\":{\"code\":502,\"message\":"
					     : "{\"error\":{\"code\":502,\"message\":");
		if (rc == TB_OK)
			rc = add_key_json(out, "upstream refused the key ", key);
		if (rc == TB_OK)
			rc = tb_buf_adds(out, ",\"metadata\":{\"error_type\":");
		if (rc == TB_OK)
			rc = add_key_json(out, "", key);
		if (rc == TB_OK)
			rc = tb_buf_adds(out, "}},\"choices\":[{\"index\":0,\"delta\":{},"
					      "\"finish_reason\":\"error\"}]}");
		return rc == TB_OK && stream ? tb_buf_adds(out, "\n\ndata: [DONE]\n\n") : rc;
	default:
		return add_echo_answer(out, w, smp, key, way, stream);
	}
}

/* ---- numbers ---------------------------------------------------------------- */

/* One answer (a whole body, or one chunk and [DONE]) with absurd usage and
 * a NUL before the \boxed{} answer. */
static int build_numbers(const sim_wire *w, const sim_sample *smp, int stream, tb_buf *out)
{
	static const char before[] = "Let me see.\0 ";
	tb_buf text;
	int rc = stream ? tb_buf_adds(out, "data: ") : TB_OK;

	tb_buf_init(&text, BODY_MAX);
	if (rc == TB_OK)
		rc = tb_buf_add(&text, before, sizeof(before) - 1);
	if (rc == TB_OK)
		rc = tb_buf_add(&text, smp->answer.data ? smp->answer.data : "", smp->answer.len);
	if (rc == TB_OK)
		rc = add_head(out, w, stream ? "chat.completion.chunk" : "chat.completion");
	if (rc == TB_OK)
		rc = tb_buf_addf(out, "\"choices\":[{\"index\":0,\"finish_reason\":\"stop\",\"%s\":"
				      "{\"role\":\"assistant\",\"content\":",
				 stream ? "delta" : "message");
	if (rc == TB_OK)
		rc = sim_json_str(out, text.data, text.len);
	tb_buf_release(&text);
	if (rc == TB_OK)
		rc = tb_buf_adds(out, "}}],\"usage\":{\"prompt_tokens\":123456789012345678901234567890,"
				      "\"completion_tokens\":-5,\"cost\":-200}}");
	return rc == TB_OK && stream ? tb_buf_adds(out, "\n\ndata: [DONE]\n\n") : rc;
}

/* ---- endless ---------------------------------------------------------------- */

typedef struct endless {
	sim_server *s;
	struct MHD_Connection *c;
	sim_wire w;
	char model[128];
	int stream;
	tb_buf piece; /* the bytes being sent */
	size_t off;
	int64_t next_due;
} endless;

static int refill(endless *e)
{
	tb_buf words;
	int rc = TB_OK;

	tb_buf_reset(&e->piece);
	tb_buf_init(&words, 1u << 16);
	for (int i = 0; i < PIECE_WORDS && rc == TB_OK; i++)
		rc = tb_buf_adds(&words, "and on ");
	if (rc == TB_OK)
		rc = e->stream ? add_chunk(&e->piece, &e->w, words.data, words.len)
			       : tb_buf_add(&e->piece, words.data, words.len);
	tb_buf_release(&words);
	e->off = 0;
	return rc;
}

static ssize_t endless_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	endless *e = cls;
	size_t n;

	(void)pos;
	if (e->off == e->piece.len) {
		int64_t now = tb_now_us();

		if (now < e->next_due)
			return sim_wait_until(e->s, e->c, e->next_due) == TB_OK ? 0
										  : MHD_CONTENT_READER_END_WITH_ERROR;
		if (refill(e) != TB_OK || e->piece.len == 0)
			return MHD_CONTENT_READER_END_WITH_ERROR;
		e->next_due = now + PIECE_EVERY_US;
	}
	n = e->piece.len - e->off < max ? e->piece.len - e->off : max;
	memcpy(buf, e->piece.data + e->off, n);
	e->off += n;
	return (ssize_t)n;
}

static void endless_free(void *cls)
{
	endless *e = cls;

	tb_buf_release(&e->piece);
	free(e);
}

static struct MHD_Response *endless_response(sim_server *s, struct MHD_Connection *c,
					     const sim_wire *w, int stream)
{
	struct MHD_Response *resp;
	endless *e = calloc(1, sizeof(*e));
	int rc;

	if (!e)
		return NULL;
	e->s = s;
	e->c = c;
	e->w = *w;
	snprintf(e->model, sizeof(e->model), "%s", w->model);
	e->w.model = e->model;
	e->stream = stream;
	tb_buf_init(&e->piece, 1u << 20);
	if (stream) {
		rc = tb_buf_adds(&e->piece, ": OPENROUTER PROCESSING\n\n");
	} else {
		rc = add_head(&e->piece, w, "chat.completion");
		if (rc == TB_OK)
			rc = tb_buf_adds(&e->piece, "\"choices\":[{\"index\":0,\"message\":{\"content\":\"");
	}
	resp = rc == TB_OK ? MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16384, endless_read, e,
								 endless_free)
			   : NULL;
	if (!resp)
		endless_free(e);
	return resp;
}

/* The request's bearer token, "" when it sent none. */
static const char *bearer(struct MHD_Connection *c)
{
	const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");

	if (!auth || strncmp(auth, "Bearer ", 7) != 0)
		return "";
	return auth + 7;
}

enum MHD_Result sim_hostile_answer(sim_server *s, struct MHD_Connection *c, const sim_hostile *h,
				   uint64_t seed, long n, const sim_wire *w, const sim_sample *smp,
				   int stream)
{
	uint64_t hash = sim_hash_u64(sim_hash_u64(seed, 0x4057), (uint64_t)n);
	sim_hostile_kind k = h->kind;
	struct MHD_Response *resp = NULL;
	enum MHD_Result ret;
	unsigned status = 200;
	tb_buf body;

	if (k == SIM_HOSTILE_MIXED)
		k = (sim_hostile_kind)(SIM_HOSTILE_HUGE + (int)(hash % (SIM_HOSTILE_ENDLESS - SIM_HOSTILE_HUGE + 1)));
	tb_buf_init(&body, BODY_MAX);
	if (k == SIM_HOSTILE_ENDLESS) {
		resp = endless_response(s, c, w, stream);
	} else if (k == SIM_HOSTILE_ECHOKEY ? build_echo(w, smp, bearer(c), n, stream, &body, &status) == TB_OK
		   : k == SIM_HOSTILE_NUMBERS ? build_numbers(w, smp, stream, &body) == TB_OK
					      : build(k, w, smp, hash, stream, &body) == TB_OK) {
		size_t len = body.len;
		char *data = tb_buf_detach(&body);

		resp = MHD_create_response_from_buffer(len, data ? data : (char *)"",
						       data ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
		if (!resp)
			free(data);
	}
	tb_buf_release(&body);
	if (!resp)
		return MHD_NO;
	MHD_add_response_header(resp, "Content-Type",
				stream && status == 200 ? "text/event-stream" : "application/json");
	ret = MHD_queue_response(c, status, resp);
	MHD_destroy_response(resp);
	return ret;
}
