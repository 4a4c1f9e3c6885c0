/* The simulator's HTTP server (libmicrohttpd).
 *
 * Threading: an internal epoll thread pool, one worker per core, with
 * suspend/resume. No callback ever sleeps: a delay (time to first token,
 * tokens per second, a stall) suspends the connection and hands it to one
 * timer thread, which resumes it when the time comes, so thousands of slow
 * streams cost a heap entry each, not a thread each. With time_scale 0 a
 * response is one buffer queued at once, with no timer involved.
 *
 * Timing does not depend on the client's concurrency while the CPU allows:
 * a request's clock starts when its headers are read, its first token goes
 * at that time plus TTFT, and later chunks due within PACE_US go together
 * (the first answer token and the end are never late), so a few hundred
 * streams cost a few wake-ups a second each rather than one per chunk.
 *
 * A request's body is collected in its connection context (struct req). A
 * streamed or cut response reads from a `gen` (body + marks) through a
 * content reader that sends what is due and suspends until the next mark. */
#include "sim.h"

#include <arpa/inet.h>
#include <math.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "rc.h"
#include "sim_hostile.h"
#include "sim_int.h"

#define REQ_BODY_MAX (32u << 20) /* images travel as data URLs */
#define CONN_LIMIT_MAX 65536u
#define MAX_MODELS_COUNTED 10000
#define RESUME_BATCH 256
#define MAX_HEAP (1u << 20)
#define PACE_US 250000     /* how long a stream's tokens may wait to go together */

enum fault { F_NONE = -1, F_429 = 0, F_5XX, F_STALL, F_RESET, F_MALFORMED, F_CUT, F_MIDSTREAM, N_FAULTS };

static const char *const fault_names[N_FAULTS] = {"429", "5xx", "stall", "reset",
						  "malformed", "cut", "midstream"};

typedef struct item_ref {
	const tb_item *it;
	char *key; /* "suite/id": items of different suites may share an id */
} item_ref;

typedef struct timer_ent {
	int64_t due;
	struct MHD_Connection *conn;
} timer_ent;

struct sim_server {
	double time_scale;
	uint64_t seed;
	sim_fmt fmt;
	sim_faults faults;
	sim_hostile hostile;
	sim_profiles profiles;
	char *models_json;
	item_ref *items;
	size_t n_items;
	json_t *index; /* user text (right-trimmed) -> index into items; read-only once serving */
	struct MHD_Daemon *daemon;
	unsigned short port;
	atomic_long requests;
	atomic_long fault_count[N_FAULTS];
	pthread_mutex_t stats_lock;
	json_t *per_model;
	pthread_mutex_t tlock;
	pthread_cond_t tcond;
	pthread_t timer;
	timer_ent *heap;
	size_t n_heap, cap_heap;
	atomic_int stopping;
	int timer_running;
	int sync_ready;
};

typedef struct req {
	tb_buf body;
	int nomem;
	int waiting;                  /* suspended for a delay; `pending` is the answer */
	int close_after;              /* a stall: close when the wait ends */
	struct MHD_Response *pending;
	unsigned status;
	int64_t arrived_us;           /* the request's headers were read */
} req;

typedef struct gen {
	sim_server *s;
	struct MHD_Connection *conn;
	sim_stream st;
	size_t cursor;  /* first mark not yet due */
	int end_error;  /* end by closing the connection, not with the last chunk */
	long answer_from; /* tokens of reasoning: the marks past them are the answer */
} gen;

/* ---- timer ---------------------------------------------------------------- */

static int heap_push(sim_server *s, int64_t due, struct MHD_Connection *c)
{
	size_t i;

	if (s->n_heap == s->cap_heap) {
		size_t cap = s->cap_heap ? s->cap_heap * 2 : 256;
		timer_ent *h;

		if (cap > MAX_HEAP)
			return TB_TOOBIG;
		h = realloc(s->heap, cap * sizeof(*h));
		if (!h)
			return TB_NOMEM;
		s->heap = h;
		s->cap_heap = cap;
	}
	i = s->n_heap++;
	while (i > 0 && s->heap[(i - 1) / 2].due > due) {
		s->heap[i] = s->heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	s->heap[i] = (timer_ent){due, c};
	return TB_OK;
}

static timer_ent heap_pop(sim_server *s)
{
	timer_ent top = s->heap[0], last = s->heap[--s->n_heap];
	size_t i = 0, n = s->n_heap;

	while (2 * i + 1 < n) {
		size_t k = 2 * i + 1;

		if (k + 1 < n && s->heap[k + 1].due < s->heap[k].due)
			k++;
		if (s->heap[k].due >= last.due)
			break;
		s->heap[i] = s->heap[k];
		i = k;
	}
	if (n)
		s->heap[i] = last;
	return top;
}

static void *timer_main(void *arg)
{
	sim_server *s = arg;
	timer_ent batch[RESUME_BATCH];

	pthread_mutex_lock(&s->tlock);
	for (;;) {
		int64_t now = tb_now_us();
		int stop = atomic_load(&s->stopping);
		size_t n = 0;

		while (n < RESUME_BATCH && s->n_heap && (stop || s->heap[0].due <= now))
			batch[n++] = heap_pop(s);
		if (n) {
			/* Resume outside our lock: MHD takes its own. */
			pthread_mutex_unlock(&s->tlock);
			for (size_t i = 0; i < n; i++)
				MHD_resume_connection(batch[i].conn);
			pthread_mutex_lock(&s->tlock);
			continue;
		}
		if (stop)
			break;
		if (!s->n_heap) {
			pthread_cond_wait(&s->tcond, &s->tlock);
		} else {
			struct timespec ts = tb_deadline(s->heap[0].due);

			pthread_cond_timedwait(&s->tcond, &s->tlock, &ts);
		}
	}
	pthread_mutex_unlock(&s->tlock);
	return NULL;
}

/* Suspends c until due. Called only from MHD callbacks for c. Fails when the
 * server is stopping (the caller then ends the connection). */
static int wait_until(sim_server *s, struct MHD_Connection *c, int64_t due)
{
	int rc = TB_ERR;

	pthread_mutex_lock(&s->tlock);
	if (atomic_load(&s->stopping) || heap_push(s, due, c) != TB_OK)
		goto out;
	/* Suspended under our lock, so the timer cannot resume it first. */
	MHD_suspend_connection(c);
	pthread_cond_signal(&s->tcond);
	rc = TB_OK;
out:
	pthread_mutex_unlock(&s->tlock);
	return rc;
}

int sim_wait_until(sim_server *s, struct MHD_Connection *c, int64_t due)
{
	return wait_until(s, c, due);
}

/* ---- responses ------------------------------------------------------------ */

/* A mark whose time a client measures: the first token, the first answer
 * token, and the end. */
static int key_mark(const gen *g, size_t k)
{
	const sim_mark *m = g->st.marks;
	long last = m[g->st.n_marks - 1].tokens;

	return (m[k].tokens > 0 && (k == 0 || m[k - 1].tokens == 0)) ||
	       (m[k].tokens > g->answer_from && (k == 0 || m[k - 1].tokens <= g->answer_from)) ||
	       m[k].tokens == last;
}

/* When to send next. One wake-up per chunk would cost the server more than
 * a client with hundreds of streams leaves it, and every late wake-up delays
 * other streams' first tokens; so marks due within PACE_US go together, but
 * a key mark is never sent late. */
static int64_t next_wake(const gen *g, int64_t now)
{
	int64_t due = g->st.marks[g->cursor].due, wake = now + PACE_US;

	if (due >= wake || key_mark(g, g->cursor))
		return due;
	for (size_t k = g->cursor + 1; k < g->st.n_marks && g->st.marks[k].due <= wake; k++) {
		if (key_mark(g, k))
			return g->st.marks[k].due;
	}
	return wake;
}

static ssize_t gen_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	gen *g = cls;
	int64_t now = tb_now_us();
	size_t avail, n;

	while (g->cursor < g->st.n_marks && g->st.marks[g->cursor].due <= now)
		g->cursor++;
	avail = g->cursor ? g->st.marks[g->cursor - 1].end : 0;
	if (pos < avail) {
		n = avail - (size_t)pos;
		if (n > max)
			n = max;
		memcpy(buf, g->st.body.data + pos, n);
		return (ssize_t)n;
	}
	if (g->cursor == g->st.n_marks)
		return g->end_error ? MHD_CONTENT_READER_END_WITH_ERROR
				    : MHD_CONTENT_READER_END_OF_STREAM;
	if (wait_until(g->s, g->conn, next_wake(g, now)) != TB_OK)
		return MHD_CONTENT_READER_END_WITH_ERROR;
	return 0;
}

static void gen_free(void *cls)
{
	gen *g = cls;

	sim_stream_release(&g->st);
	free(g);
}

static void add_headers(struct MHD_Response *resp, const char *ctype, long gen_no)
{
	char id[48];

	MHD_add_response_header(resp, "Content-Type", ctype);
	if (strcmp(ctype, "text/event-stream") == 0)
		MHD_add_response_header(resp, "Cache-Control", "no-cache");
	if (gen_no > 0) {
		snprintf(id, sizeof(id), "gen-sim-%ld", gen_no);
		MHD_add_response_header(resp, "X-Generation-Id", id);
	}
}

/* A response over a buffer the response takes over (freed on failure too). */
static struct MHD_Response *buf_response(tb_buf *b)
{
	size_t len = b->len;
	char *data = tb_buf_detach(b);
	struct MHD_Response *resp;

	resp = MHD_create_response_from_buffer(len, data ? data : (char *)"",
					       data ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
	if (!resp)
		free(data);
	return resp;
}

static enum MHD_Result queue(struct MHD_Connection *c, unsigned status, struct MHD_Response *resp)
{
	enum MHD_Result ret;

	if (!resp)
		return MHD_NO;
	ret = MHD_queue_response(c, status, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result send_error(struct MHD_Connection *c, unsigned status, const char *msg,
				  const char *type, const char *retry_after)
{
	struct MHD_Response *resp;
	tb_buf b;

	tb_buf_init(&b, 4096);
	if (sim_error_body(&b, (int)status, msg, type) != TB_OK) {
		tb_buf_release(&b);
		return MHD_NO;
	}
	resp = buf_response(&b);
	if (!resp)
		return MHD_NO;
	add_headers(resp, "application/json", 0);
	if (retry_after)
		MHD_add_response_header(resp, "Retry-After", retry_after);
	return queue(c, status, resp);
}

/* ---- requests ---------------------------------------------------------------- */

static void count_model(sim_server *s, const char *model)
{
	json_t *v;

	pthread_mutex_lock(&s->stats_lock);
	v = json_object_get(s->per_model, model);
	if (v)
		json_integer_set(v, json_integer_value(v) + 1);
	else if (json_object_size(s->per_model) < MAX_MODELS_COUNTED)
		json_object_set_new(s->per_model, model, json_integer(1));
	pthread_mutex_unlock(&s->stats_lock);
}

static enum fault pick_fault(const sim_server *s, long n)
{
	const double p[N_FAULTS] = {s->faults.p429, s->faults.p5xx, s->faults.p_stall,
				    s->faults.p_reset, s->faults.p_malformed, s->faults.p_cut,
				    s->faults.p_midstream};
	double u = sim_unit(sim_hash_u64(sim_hash_u64(s->seed, 0xfa17), (uint64_t)n)), acc = 0;

	for (int f = 0; f < N_FAULTS; f++) {
		acc += p[f];
		if (p[f] > 0 && u < acc)
			return (enum fault)f;
	}
	return F_NONE;
}

/* The text of a message's content: the string, or the first text part. */
static const char *content_text(const json_t *content)
{
	size_t i;
	json_t *part;

	if (json_is_string(content))
		return json_string_value(content);
	json_array_foreach(content, i, part) {
		const char *t = json_string_value(json_object_get(part, "type"));

		if (t && strcmp(t, "text") == 0 && json_is_string(json_object_get(part, "text")))
			return json_string_value(json_object_get(part, "text"));
	}
	return NULL;
}

static void rtrim(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = '\0';
}

/* Strips a trailing /think or /no_think; returns the mode it asks for, or -1. */
static int soft_switch(char *text)
{
	static const struct {
		const char *tag;
		int mode;
	} tags[] = {{"/no_think", TB_MODE_NOTHINK}, {"/think", TB_MODE_THINK}};
	size_t n;

	rtrim(text);
	n = strlen(text);
	for (size_t i = 0; i < 2; i++) {
		size_t l = strlen(tags[i].tag);

		if (n >= l && strcmp(text + n - l, tags[i].tag) == 0 &&
		    (n == l || text[n - l - 1] == ' ' || text[n - l - 1] == '\n')) {
			text[n - l] = '\0';
			rtrim(text);
			return tags[i].mode;
		}
	}
	return -1;
}

static long positive_int(const json_t *v)
{
	return json_is_integer(v) && json_integer_value(v) > 0 ? (long)json_integer_value(v) : 0;
}

/* Reads the mode switches of every dialect. mode: -1 unset. */
static void read_switches(const json_t *root, int *mode, long *budget, int *exclude)
{
	const json_t *r = json_object_get(root, "reasoning");
	const json_t *kw = json_object_get(root, "chat_template_kwargs");
	const char *effort;
	long b;

	if (json_is_object(r)) {
		const json_t *en = json_object_get(r, "enabled");

		effort = json_string_value(json_object_get(r, "effort"));
		b = positive_int(json_object_get(r, "max_tokens"));
		if (effort || json_is_true(en) || b)
			*mode = TB_MODE_THINK;
		if ((effort && strcmp(effort, "none") == 0) || json_is_false(en))
			*mode = TB_MODE_NOTHINK;
		if (b)
			*budget = b;
		if (json_is_true(json_object_get(r, "exclude")))
			*exclude = 1;
	}
	if (json_is_false(json_object_get(root, "include_reasoning")))
		*exclude = 1;
	if (json_is_boolean(json_object_get(kw, "enable_thinking")))
		*mode = json_is_true(json_object_get(kw, "enable_thinking")) ? TB_MODE_THINK
									      : TB_MODE_NOTHINK;
	b = positive_int(json_object_get(root, "thinking_token_budget"));
	if (b) {
		*budget = b;
		if (*mode < 0)
			*mode = TB_MODE_THINK;
	}
	effort = json_string_value(json_object_get(root, "reasoning_effort"));
	if (effort)
		*mode = strcmp(effort, "none") == 0 ? TB_MODE_NOTHINK : TB_MODE_THINK;
}

static long prompt_words(const json_t *msgs)
{
	size_t i, k;
	json_t *m, *part;
	long n = 0;

	json_array_foreach(msgs, i, m) {
		const json_t *c = json_object_get(m, "content");
		const char *t = json_string_value(c);

		if (t)
			n += sim_count_words(t, strlen(t));
		json_array_foreach(c, k, part) {
			t = json_string_value(json_object_get(part, "text"));
			if (t)
				n += sim_count_words(t, strlen(t));
		}
	}
	return n > 0 ? n : 1;
}

static int64_t due_at(const sim_server *s, int64_t t0, const sim_profile *p, tb_mode mode,
		      long tokens)
{
	double ms;

	if (tokens <= 0)
		return t0;
	ms = p->ttft_ms[mode] + (double)(tokens - 1) * 1000.0 / p->tokens_per_s;
	return t0 + (int64_t)(ms * 1000.0 * s->time_scale);
}

/* Keeps the first k marks of a stream and the bytes they cover. */
static void keep_marks(sim_stream *st, size_t k)
{
	if (k >= st->n_marks)
		return;
	st->n_marks = k;
	st->body.len = k ? st->marks[k - 1].end : 0;
	if (st->body.data)
		st->body.data[st->body.len] = '\0';
}

/* Builds and queues (or schedules) the answer to one chat request. */
static enum MHD_Result answer_chat(sim_server *s, struct MHD_Connection *c, req *r, long n,
				   json_t *root, enum fault f)
{
	const char *model = json_string_value(json_object_get(root, "model"));
	const json_t *msgs = json_object_get(root, "messages");
	int stream = json_is_true(json_object_get(root, "stream"));
	int mode = -1, soft, have_sample = 0;
	uint64_t fh = sim_hash_u64(sim_hash_u64(s->seed, 0xf00d), (uint64_t)n);
	int64_t t0 = r->arrived_us, due;
	enum MHD_Result ret = MHD_NO;
	struct MHD_Response *resp = NULL;
	char *text = NULL;
	const char *last_user = NULL;
	sim_ask a = {0};
	sim_wire w = {0};
	sim_sample smp;
	gen *g = NULL;
	json_t *v;
	size_t i;
	tb_buf body;

	tb_buf_init(&body, 64u << 20);
	json_array_foreach(msgs, i, v) {
		const char *role = json_string_value(json_object_get(v, "role"));

		if (role && strcmp(role, "user") == 0)
			last_user = content_text(json_object_get(v, "content"));
	}
	text = strdup(last_user ? last_user : "");
	if (!text)
		goto out;
	a.model = model;
	a.prof = sim_profiles_find(&s->profiles, model);
	read_switches(root, &mode, &a.budget, &a.exclude);
	soft = soft_switch(text);
	if (soft == TB_MODE_NOTHINK || (soft == TB_MODE_THINK && mode != TB_MODE_NOTHINK))
		mode = soft;
	if (mode < 0)
		mode = (int)a.prof->default_mode;
	if (!(a.prof->modes & TB_MODE_BIT(mode)))
		mode = (int)a.prof->default_mode; /* the model answers in the mode it has */
	a.mode = (tb_mode)mode;
	a.soft_nothink = soft == TB_MODE_NOTHINK && mode == TB_MODE_NOTHINK;
	if (a.mode != TB_MODE_THINK)
		a.budget = 0;
	a.max_tokens = positive_int(json_object_get(root, "max_completion_tokens"));
	if (!a.max_tokens)
		a.max_tokens = positive_int(json_object_get(root, "max_tokens"));
	if (json_is_integer(json_object_get(root, "seed")))
		a.seed = (uint64_t)json_integer_value(json_object_get(root, "seed"));
	a.sim_seed = s->seed;
	v = json_object_get(s->index, text);
	if (v) {
		a.item = s->items[json_integer_value(v)].it;
		a.item_key = s->items[json_integer_value(v)].key;
	} else {
		a.item_key = text;
	}
	have_sample = 1;
	if (sim_generate(&a, &smp) != TB_OK) {
		ret = send_error(c, 500, "simulator out of memory", "server_error", NULL);
		goto out;
	}

	w.gen_no = n;
	w.created = (long)time(NULL);
	w.model = model;
	w.fmt = s->fmt;
	w.exclude = a.exclude;
	w.soft_nothink = a.soft_nothink;
	w.prompt_tokens = prompt_words(msgs);
	w.prof = a.prof;
	due = due_at(s, t0, a.prof, a.mode, smp.reasoning_tokens + smp.answer_tokens);
	if (f == F_NONE && sim_hostile_pick(&s->hostile, s->seed, n)) {
		ret = sim_hostile_answer(s, c, &s->hostile, s->seed, n, &w, &smp, stream);
		goto out;
	}

	if (!stream) {
		if (f == F_STALL) {
			r->waiting = 1;
			r->close_after = 1;
			ret = wait_until(s, c, t0 + (int64_t)(s->faults.stall_s * 1e6)) == TB_OK ? MHD_YES : MHD_NO;
			goto out;
		}
		if (f == F_MIDSTREAM) {
			if (sim_midstream_error(&w, 0, &body) != TB_OK)
				goto out;
		} else if (sim_body_json(&w, &smp, f == F_MALFORMED, &body) != TB_OK) {
			ret = send_error(c, 500, "response too large for the simulator", "server_error", NULL);
			goto out;
		}
		if (f == F_CUT) {
			/* Half the body, then the connection closes. */
			g = calloc(1, sizeof(*g));
			if (!g)
				goto out;
			g->s = s;
			g->conn = c;
			g->end_error = 1;
			g->st.body = body;
			tb_buf_init(&body, 0);
			g->st.body.len /= 2;
			g->st.marks = calloc(1, sizeof(sim_mark));
			if (!g->st.marks)
				goto out;
			g->st.marks[0] = (sim_mark){g->st.body.len, 0, 0};
			g->st.n_marks = g->st.cap_marks = 1;
			resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16384, gen_read, g, gen_free);
			if (!resp)
				goto out;
			g = NULL;
		} else {
			resp = buf_response(&body);
			if (!resp)
				goto out;
		}
		add_headers(resp, "application/json", n);
		if (s->time_scale > 0 && due > tb_now_us()) {
			r->waiting = 1;
			r->pending = resp;
			r->status = 200;
			resp = NULL;
			ret = wait_until(s, c, due) == TB_OK ? MHD_YES : MHD_NO;
			goto out;
		}
		ret = queue(c, 200, resp);
		resp = NULL;
		goto out;
	}

	g = calloc(1, sizeof(*g));
	if (!g)
		goto out;
	g->s = s;
	g->conn = c;
	g->answer_from = smp.mode == TB_MODE_THINK ? smp.reasoning_tokens : 0;
	if (sim_body_sse(&w, &smp, f == F_MALFORMED ? 1 + (long)(fh % 3) : -1, &g->st) != TB_OK) {
		ret = send_error(c, 500, "response too large for the simulator", "server_error", NULL);
		goto out;
	}
	/* A chunk goes when its last token is generated, except the first: a
	 * server streaming token by token sends its first token at TTFT. */
	for (i = 0; i < g->st.n_marks; i++) {
		long tokens = g->st.marks[i].tokens;
		int first = tokens > 0 && i > 0 && g->st.marks[i - 1].tokens == 0;

		g->st.marks[i].due = due_at(s, t0, a.prof, a.mode, first ? 1 : tokens);
	}
	if (f == F_CUT || f == F_MIDSTREAM) {
		/* About half way; always before the finish chunk (the last two marks). */
		keep_marks(&g->st, 2 + (g->st.n_marks - 4) / 2);
		g->end_error = 1;
		if (f == F_MIDSTREAM) {
			int done = (fh >> 9) & 1;
			sim_mark last = g->st.marks[g->st.n_marks - 1];

			if (sim_midstream_error(&w, 1, &g->st.body) != TB_OK ||
			    (done && tb_buf_adds(&g->st.body, "data: [DONE]\n\n") != TB_OK))
				goto out;
			g->st.marks[g->st.n_marks - 1] = (sim_mark){g->st.body.len, last.tokens, last.due};
			g->end_error = !done;
		}
	} else if (f == F_STALL) {
		/* The comment, the role and two chunks; then silence; then a close. */
		keep_marks(&g->st, 4);
		if (g->st.n_marks < g->st.cap_marks) {
			sim_mark last = g->st.marks[g->st.n_marks - 1];

			g->st.marks[g->st.n_marks++] = (sim_mark){last.end, last.tokens,
								   last.due + (int64_t)(s->faults.stall_s * 1e6)};
		}
		g->end_error = 1;
	}
	if (s->time_scale == 0 && !g->end_error && f != F_STALL) {
		resp = buf_response(&g->st.body);
	} else {
		resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16384, gen_read, g, gen_free);
		if (resp)
			g = NULL;
	}
	if (!resp)
		goto out;
	add_headers(resp, "text/event-stream", n);
	ret = queue(c, 200, resp);
	resp = NULL;
out:
	if (resp)
		MHD_destroy_response(resp);
	if (g)
		gen_free(g);
	if (have_sample)
		sim_sample_release(&smp);
	tb_buf_release(&body);
	free(text);
	return ret;
}

static enum MHD_Result chat(sim_server *s, struct MHD_Connection *c, req *r)
{
	long n = atomic_fetch_add(&s->requests, 1) + 1;
	json_t *root = NULL, *msgs;
	json_error_t jerr;
	enum MHD_Result ret;
	enum fault f;
	char msg[300], retry[32];
	const char *model;

	if (r->nomem)
		return send_error(c, 500, "simulator out of memory", "server_error", NULL);
	if (r->body.truncated)
		return send_error(c, 413, "request body too large", "invalid_request", NULL);
	root = json_loadb(r->body.data ? r->body.data : "", r->body.len, 0, &jerr);
	if (!json_is_object(root)) {
		snprintf(msg, sizeof(msg), "invalid JSON in request body: %s",
			 root ? "expected an object" : jerr.text);
		ret = send_error(c, 400, msg, "invalid_request", NULL);
		goto out;
	}
	model = json_string_value(json_object_get(root, "model"));
	msgs = json_object_get(root, "messages");
	if (!model || !*model) {
		ret = send_error(c, 400, "model: expected a model id", "invalid_request", NULL);
		goto out;
	}
	if (!json_is_array(msgs) || json_array_size(msgs) == 0) {
		ret = send_error(c, 400, "messages: expected a non-empty array", "invalid_request", NULL);
		goto out;
	}
	count_model(s, model);
	f = pick_fault(s, n);
	if (f != F_NONE)
		atomic_fetch_add(&s->fault_count[f], 1);
	if (f == F_RESET) {
		ret = MHD_NO;
		goto out;
	}
	if (f == F_429) {
		uint64_t h = sim_hash_u64(sim_hash_u64(s->seed, 0x429), (uint64_t)n);

		snprintf(retry, sizeof(retry), "%ld", (long)ceil(s->faults.retry_after_s));
		ret = send_error(c, 429, "Rate limit exceeded (simulated)", "rate_limit_exceeded",
				 (h & 1) ? retry : NULL);
		goto out;
	}
	if (f == F_5XX) {
		static const unsigned codes[] = {500, 502, 503};
		static const char *const types[] = {"server_error", "provider_error", "provider_unavailable"};
		size_t k = sim_hash_u64(sim_hash_u64(s->seed, 0x5cc), (uint64_t)n) % 3;

		snprintf(msg, sizeof(msg), "simulated upstream failure (%u)", codes[k]);
		ret = send_error(c, codes[k], msg, types[k], NULL);
		goto out;
	}
	ret = answer_chat(s, c, r, n, root, f);
out:
	json_decref(root);
	return ret;
}

static enum MHD_Result stats(sim_server *s, struct MHD_Connection *c)
{
	json_t *root = NULL, *faults = json_object();
	struct MHD_Response *resp;
	char *out = NULL;

	if (!faults)
		return MHD_NO;
	for (int f = 0; f < N_FAULTS; f++)
		json_object_set_new(faults, fault_names[f], json_integer(atomic_load(&s->fault_count[f])));
	pthread_mutex_lock(&s->stats_lock);
	root = json_pack("{s:I, s:O, s:o}", "requests", (json_int_t)atomic_load(&s->requests),
			 "models", s->per_model, "faults", faults);
	if (root)
		out = json_dumps(root, JSON_COMPACT);
	json_decref(root); /* drops the ref on per_model under the lock */
	pthread_mutex_unlock(&s->stats_lock);
	if (!out)
		return MHD_NO;
	resp = MHD_create_response_from_buffer(strlen(out), out, MHD_RESPMEM_MUST_FREE);
	if (!resp) {
		free(out);
		return MHD_NO;
	}
	add_headers(resp, "application/json", 0);
	return queue(c, 200, resp);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_size, void **con_cls)
{
	sim_server *s = cls;
	req *r = *con_cls;
	char msg[300];

	(void)version;
	if (!r) {
		r = calloc(1, sizeof(*r));
		if (!r)
			return MHD_NO;
		tb_buf_init(&r->body, REQ_BODY_MAX);
		r->arrived_us = tb_now_us();
		*con_cls = r;
		return MHD_YES;
	}
	if (*upload_size) {
		if (tb_buf_add(&r->body, upload, *upload_size) == TB_NOMEM)
			r->nomem = 1;
		*upload_size = 0;
		return MHD_YES;
	}
	if (r->waiting) {
		struct MHD_Response *resp = r->pending;

		r->pending = NULL;
		r->waiting = 0;
		if (r->close_after || !resp || atomic_load(&s->stopping)) {
			if (resp)
				MHD_destroy_response(resp);
			return MHD_NO;
		}
		return queue(c, r->status, resp);
	}
	if (strcmp(method, "POST") == 0 &&
	    (strcmp(url, "/v1/chat/completions") == 0 || strcmp(url, "/api/v1/chat/completions") == 0))
		return chat(s, c, r);
	if (strcmp(method, "GET") == 0 &&
	    (strcmp(url, "/v1/models") == 0 || strcmp(url, "/api/v1/models") == 0)) {
		struct MHD_Response *resp = MHD_create_response_from_buffer(
			strlen(s->models_json), s->models_json, MHD_RESPMEM_PERSISTENT);

		if (!resp)
			return MHD_NO;
		add_headers(resp, "application/json", 0);
		return queue(c, 200, resp);
	}
	if (strcmp(method, "GET") == 0 && strcmp(url, "/sim/stats") == 0)
		return stats(s, c);
	snprintf(msg, sizeof(msg), "no such endpoint: %.20s %.200s", method, url);
	return send_error(c, 404, msg, "not_found", NULL);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	req *r = *con_cls;

	(void)cls;
	(void)c;
	(void)toe;
	if (!r)
		return;
	if (r->pending)
		MHD_destroy_response(r->pending);
	tb_buf_release(&r->body);
	free(r);
	*con_cls = NULL;
}

/* ---- lifecycle ------------------------------------------------------------------- */

void sim_config_defaults(sim_config *c)
{
	memset(c, 0, sizeof(*c));
	c->host = "127.0.0.1";
	c->port = 8089;
	c->time_scale = 1.0;
	c->seed = 1;
	c->think_format = "field";
	c->faults.stall_s = 30;
	c->faults.retry_after_s = 1;
}

static int parse_format(const char *s, sim_fmt *out)
{
	static const char *const names[] = {"field", "content", "tags", "lone"};

	for (int i = 0; i < 4; i++)
		if (strcmp(s, names[i]) == 0) {
			*out = (sim_fmt)i;
			return TB_OK;
		}
	return TB_ERR;
}

static int check_config(const sim_config *c, sim_fmt *fmt, struct sockaddr_in *sa, char *err,
			size_t errlen)
{
	const double p[] = {c->faults.p429, c->faults.p5xx, c->faults.p_stall, c->faults.p_reset,
			    c->faults.p_malformed, c->faults.p_cut, c->faults.p_midstream};
	const char *host = c->host ? c->host : "127.0.0.1";

	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons(c->port);
	if (strcmp(host, "localhost") == 0)
		host = "127.0.0.1";
	if (inet_pton(AF_INET, host, &sa->sin_addr) != 1 ||
	    (ntohl(sa->sin_addr.s_addr) >> 24) != 127)
		return tb_seterr(err, errlen, "sim: host '%s' is not a loopback IPv4 address", host);
	if (!(c->time_scale >= 0 && isfinite(c->time_scale)))
		return tb_seterr(err, errlen, "sim: time_scale must be a number >= 0");
	if (parse_format(c->think_format ? c->think_format : "field", fmt) != TB_OK)
		return tb_seterr(err, errlen, "sim: think_format '%s' is not field, content, tags or lone",
				 c->think_format);
	for (size_t i = 0; i < sizeof(p) / sizeof(p[0]); i++)
		if (!(p[i] >= 0 && p[i] <= 1))
			return tb_seterr(err, errlen, "sim: fault rates must be from 0 to 1");
	if (!(c->faults.stall_s >= 0 && c->faults.stall_s <= 86400) ||
	    !(c->faults.retry_after_s >= 0 && c->faults.retry_after_s <= 86400))
		return tb_seterr(err, errlen, "sim: stall_s and retry_after_s must be from 0 to 86400");
	return TB_OK;
}

static int build_index(sim_server *s, tb_suite *const *suites, size_t n_suites, char *err,
		       size_t errlen)
{
	size_t total = 0, k = 0;

	for (size_t i = 0; i < n_suites; i++)
		total += suites[i]->n_items;
	s->index = json_object();
	s->items = calloc(total ? total : 1, sizeof(*s->items));
	if (!s->index || !s->items)
		return tb_seterr(err, errlen, "out of memory");
	for (size_t i = 0; i < n_suites; i++) {
		for (size_t j = 0; j < suites[i]->n_items; j++) {
			const tb_item *it = &suites[i]->items[j];
			const char *t = suite_item_user_text(it);
			size_t len = strlen(suites[i]->name) + strlen(it->id) + 2;
			char *text;

			s->items[k].it = it;
			s->items[k].key = malloc(len);
			if (!s->items[k].key)
				return tb_seterr(err, errlen, "out of memory");
			snprintf(s->items[k].key, len, "%s/%s", suites[i]->name, it->id);
			k++;
			s->n_items = k;
			if (!t)
				continue;
			text = strdup(t);
			if (!text)
				return tb_seterr(err, errlen, "out of memory");
			soft_switch(text);
			/* The first item with a text wins; a later twin is unreachable. */
			if (!json_object_get(s->index, text))
				json_object_set_new(s->index, text, json_integer((json_int_t)(k - 1)));
			free(text);
		}
	}
	return TB_OK;
}

static void raise_nofile(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static unsigned conn_limit(void)
{
	struct rlimit rl;
	rlim_t n = 1024;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0)
		n = rl.rlim_cur;
	/* Leave room for the rest of the process (a client in the same one, files). */
	n = n > 512 ? n / 2 : 64;
	return n > CONN_LIMIT_MAX ? CONN_LIMIT_MAX : (unsigned)n;
}

static void server_free(sim_server *s)
{
	if (s->sync_ready) {
		pthread_mutex_destroy(&s->stats_lock);
		pthread_mutex_destroy(&s->tlock);
		pthread_cond_destroy(&s->tcond);
	}
	for (size_t i = 0; i < s->n_items; i++)
		free(s->items[i].key);
	free(s->items);
	json_decref(s->index);
	json_decref(s->per_model);
	free(s->models_json);
	free(s->heap);
	sim_profiles_release(&s->profiles);
	free(s);
}

int sim_start(const sim_config *c, tb_suite *const *suites, size_t n_suites, sim_server **out,
	      char *err, size_t errlen)
{
	sim_server *s = NULL;
	struct sockaddr_in sa;
	const union MHD_DaemonInfo *info;
	long ncores = sysconf(_SC_NPROCESSORS_ONLN);
	sim_fmt fmt = SIM_FMT_FIELD;
	int rc = TB_ERR;

	*out = NULL;
	if (check_config(c, &fmt, &sa, err, errlen) != TB_OK)
		return TB_ERR;
	s = calloc(1, sizeof(*s));
	if (!s)
		return tb_seterr(err, errlen, "out of memory");
	s->time_scale = c->time_scale;
	s->seed = (uint64_t)c->seed;
	s->fmt = fmt;
	s->faults = c->faults;
	sim_hostile_get(&s->hostile);
	if (sim_profiles_init(&s->profiles, c->profiles, err, errlen) != TB_OK)
		goto out;
	s->models_json = sim_profiles_list_json(&s->profiles);
	s->per_model = json_object();
	if (!s->models_json || !s->per_model) {
		tb_seterr(err, errlen, "out of memory");
		goto out;
	}
	if (build_index(s, suites, n_suites, err, errlen) != TB_OK)
		goto out;
	tb_cond_init_monotonic(&s->tcond);
	pthread_mutex_init(&s->tlock, NULL);
	pthread_mutex_init(&s->stats_lock, NULL);
	s->sync_ready = 1;
	if (pthread_create(&s->timer, NULL, timer_main, s) != 0) {
		tb_seterr(err, errlen, "sim: cannot start the timer thread");
		goto out;
	}
	s->timer_running = 1;

	raise_nofile();
	if (ncores < 1)
		ncores = 1;
	if (ncores > 32)
		ncores = 32;
	s->daemon = MHD_start_daemon(
		MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME,
		c->port, NULL, NULL, on_request, s,
		MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
		MHD_OPTION_THREAD_POOL_SIZE, (unsigned)ncores,
		MHD_OPTION_CONNECTION_LIMIT, conn_limit(),
		MHD_OPTION_LISTEN_BACKLOG_SIZE, 4096u,
		MHD_OPTION_CONNECTION_TIMEOUT, 600u,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
		MHD_OPTION_END);
	if (!s->daemon) {
		tb_seterr(err, errlen, "sim: cannot listen on 127.0.0.1:%u (port in use?)", c->port);
		goto out;
	}
	info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
	s->port = info ? info->port : c->port;
	*out = s;
	s = NULL;
	rc = TB_OK;
out:
	if (s)
		sim_stop(s);
	return rc;
}

unsigned short sim_port(const sim_server *s)
{
	return s->port;
}

long sim_requests(const sim_server *s)
{
	return atomic_load(&s->requests);
}

void sim_stop(sim_server *s)
{
	if (!s)
		return;
	if (s->timer_running) {
		/* The timer resumes every suspended connection and exits; from then
		 * on no callback suspends again, so the daemon can stop. */
		pthread_mutex_lock(&s->tlock);
		atomic_store(&s->stopping, 1);
		pthread_cond_signal(&s->tcond);
		pthread_mutex_unlock(&s->tlock);
		pthread_join(s->timer, NULL);
	}
	if (s->daemon)
		MHD_stop_daemon(s->daemon);
	server_free(s);
}
