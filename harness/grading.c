#include "grading.h"

#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "gradepool.h"
#include "log.h"
#include "rc.h"

#define DEFAULT_MAX_ANSWERS 1024
/* Answers reach megabytes: the copies held are bounded in bytes too. */
#define DEFAULT_MAX_HELD_BYTES (64u << 20)

/* ---- the catalog ---- */

typedef struct entry {
	char *suite, *id, *expected, *lang;
	const gr_grader *grader;     /* in the catalog's spec table; NULL: not graded */
} entry;

/* One compiled grader per distinct spec (its canonical text). */
typedef struct spec_slot {
	char *text;
	gr_grader *grader;
} spec_slot;

struct grading_catalog {
	entry *v;
	size_t n, cap;
	spec_slot *specs;            /* open addressing, n_specs < cap_specs / 2 */
	size_t n_specs, cap_specs;
	/* the spec of the last item added and its grader: a suite's items share
	 * one spec object, looked up once. The reference held keeps its address
	 * from naming another object. */
	json_t *last_spec;
	const gr_grader *last_grader;
	int sealed;
};

grading_catalog *grading_catalog_new(void)
{
	return calloc(1, sizeof(grading_catalog));
}

static uint64_t fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static int specs_grow(grading_catalog *c)
{
	size_t cap = c->cap_specs ? 2 * c->cap_specs : 64;
	spec_slot *v = calloc(cap, sizeof(*v));

	if (!v)
		return TB_NOMEM;
	for (size_t i = 0; i < c->cap_specs; i++) {
		size_t k;

		if (!c->specs[i].text)
			continue;
		/* bounded: the table is never more than half full */
		for (k = fnv1a(c->specs[i].text) & (cap - 1); v[k].text; k = (k + 1) & (cap - 1))
			;
		v[k] = c->specs[i];
	}
	free(c->specs);
	c->specs = v;
	c->cap_specs = cap;
	return TB_OK;
}

static void remember_spec(grading_catalog *c, const json_t *spec, const gr_grader *g)
{
	json_decref(c->last_spec);
	c->last_spec = json_incref((json_t *)spec);
	c->last_grader = g;
}

/* The compiled grader of spec, compiled now if it is new. */
static int spec_grader(grading_catalog *c, const json_t *spec, const gr_grader **out, char *err,
		       size_t errlen)
{
	char *text;
	size_t k;

	if (spec == c->last_spec) {
		*out = c->last_grader;
		return TB_OK;
	}
	text = json_dumps(spec, JSON_COMPACT | JSON_SORT_KEYS);
	if (!text || (2 * (c->n_specs + 1) > c->cap_specs && specs_grow(c) != TB_OK)) {
		free(text);
		return tb_seterr(err, errlen, "out of memory");
	}
	/* bounded: the table is never more than half full */
	for (k = fnv1a(text) & (c->cap_specs - 1); c->specs[k].text; k = (k + 1) & (c->cap_specs - 1)) {
		if (strcmp(c->specs[k].text, text) == 0) {
			free(text);
			remember_spec(c, spec, c->specs[k].grader);
			*out = c->specs[k].grader;
			return TB_OK;
		}
	}
	if (gr_compile(spec, &c->specs[k].grader, err, errlen) != TB_OK) {
		free(text);
		return TB_ERR;
	}
	c->specs[k].text = text;
	c->n_specs++;
	remember_spec(c, spec, c->specs[k].grader);
	*out = c->specs[k].grader;
	return TB_OK;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

int grading_catalog_add(grading_catalog *c, const char *suite, const char *item_id, const char *expected,
			const char *lang, const json_t *spec, char *err, size_t errlen)
{
	entry *e;

	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 256;
		entry *v = realloc(c->v, cap * sizeof(*v));

		if (!v)
			return tb_seterr(err, errlen, "out of memory");
		c->v = v;
		c->cap = cap;
	}
	e = &c->v[c->n];
	memset(e, 0, sizeof(*e));
	if (spec && spec_grader(c, spec, &e->grader, err, errlen) != TB_OK)
		return tb_seterr(err, errlen, "%s/%s: grader: %.400s", suite, item_id, err);
	e->suite = strdup(suite);
	e->id = strdup(item_id);
	e->expected = dup_or_null(expected);
	e->lang = dup_or_null(lang);
	c->n++;
	if (!e->suite || !e->id || (expected && !e->expected) || (lang && !e->lang))
		return tb_seterr(err, errlen, "out of memory");
	c->sealed = 0;
	return TB_OK;
}

typedef struct from_store {
	grading_catalog *c;
	char *err;
	size_t errlen;
} from_store;

static int add_stored(void *ud, const tb_stored_item *it)
{
	from_store *f = ud;

	return grading_catalog_add(f->c, it->suite, it->item_id, *it->expected ? it->expected : NULL,
				   *it->lang ? it->lang : NULL, it->grader_spec, f->err, f->errlen);
}

int grading_catalog_from_store(grading_catalog *c, tb_store *st, char *err, size_t errlen)
{
	from_store f = {c, err, errlen};

	return store_each_item(st, add_stored, &f, err, errlen);
}

static int entry_cmp(const void *a, const void *b)
{
	const entry *x = a, *y = b;
	int d = strcmp(x->suite, y->suite);

	return d ? d : strcmp(x->id, y->id);
}

void grading_catalog_seal(grading_catalog *c)
{
	if (c->n)
		qsort(c->v, c->n, sizeof(*c->v), entry_cmp);
	c->sealed = 1;
}

size_t grading_catalog_size(const grading_catalog *c)
{
	return c ? c->n : 0;
}

int grading_catalog_uses(const grading_catalog *c, const char *kind)
{
	for (size_t i = 0; c && i < c->cap_specs; i++)
		if (c->specs[i].grader && strcmp(gr_name(c->specs[i].grader), kind) == 0)
			return 1;
	return 0;
}

static const entry *catalog_find(const grading_catalog *c, const char *suite, const char *id)
{
	entry key = {.suite = (char *)suite, .id = (char *)id};

	if (!c->sealed || !c->n)
		return NULL;
	return bsearch(&key, c->v, c->n, sizeof(*c->v), entry_cmp);
}

int grading_catalog_find(const grading_catalog *c, const char *suite, const char *item_id)
{
	const entry *e = catalog_find(c, suite, item_id);

	return !e ? -1 : e->grader != NULL;
}

int grading_catalog_judge(const grading_catalog *c, const char *suite, const char *item_id, const char *text,
			  size_t len)
{
	const entry *e = catalog_find(c, suite, item_id);
	gr_result res;
	gr_input in;
	char *copy;
	int rc;

	/* a grader that runs code would start a sandbox for every step */
	if (!e || !e->grader || strcmp(gr_name(e->grader), "exec") == 0)
		return -1;
	copy = strndup(text, len);
	if (!copy)
		return -1;
	in = (gr_input){.answer = copy, .expected = e->expected, .lang = e->lang, .item_id = e->id, .suite = e->suite};
	rc = gr_grade(e->grader, &in, &res) == TB_OK && res.verdict == GR_CORRECT;
	free(copy);
	return rc;
}

typedef struct judge_ctx {
	const grading_catalog *c;
	const tb_sample *s;
} judge_ctx;

static int judge_step(void *ud, const char *step, size_t len)
{
	const judge_ctx *j = ud;

	return grading_catalog_judge(j->c, j->s->suite, j->s->item_id, step, len) == 1;
}

void grading_catalog_measure(const grading_catalog *c, const tb_sample *s, tb_trace_metrics *m)
{
	judge_ctx j = {.c = c, .s = s};

	traceinfo_compute(s, c ? judge_step : NULL, &j, m);
}

void grading_catalog_free(grading_catalog *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].suite);
		free(c->v[i].id);
		free(c->v[i].expected);
		free(c->v[i].lang);
	}
	free(c->v);
	for (size_t i = 0; i < c->cap_specs; i++) {
		free(c->specs[i].text);
		gr_free(c->specs[i].grader);
	}
	free(c->specs);
	json_decref(c->last_spec);
	free(c);
}

/* ---- the stage ---- */

/* One sample on its way through the stage. */
typedef struct ticket {
	grading_stage *g;
	tb_sample s;                 /* the key, or (held) the whole sample; its strings in text */
	size_t held_bytes;           /* counted in the stage's held bytes; 0: holds only the key */
	void *tag;
	int skipped;                 /* cancelled before it started */
	int grade_rc;
	gr_result res;
	int measured;                /* m holds the sample's thinking */
	tb_trace_metrics m;
	char why[256];               /* the stage's own reason, when it could not grade */
	char text[];
} ticket;

struct grading_stage {
	grading_config cfg;
	gr_pool *pool;
	atomic_size_t backlog, held, held_bytes;
	atomic_int cancelled;
	pthread_mutex_t ro_lock;     /* the read-only connection, for samples not held */
	tb_store *ro;
};

int grading_new(const grading_config *c, grading_stage **out, char *err, size_t errlen)
{
	grading_stage *g = calloc(1, sizeof(*g));

	*out = NULL;
	if (!g)
		return tb_seterr(err, errlen, "out of memory");
	g->cfg = *c;
	if (!g->cfg.max_answers)
		g->cfg.max_answers = DEFAULT_MAX_ANSWERS;
	if (!g->cfg.max_held_bytes)
		g->cfg.max_held_bytes = DEFAULT_MAX_HELD_BYTES;
	pthread_mutex_init(&g->ro_lock, NULL);
	if (gr_pool_new(c->threads, &g->pool, err, errlen) != TB_OK) {
		pthread_mutex_destroy(&g->ro_lock);
		free(g);
		return TB_ERR;
	}
	*out = g;
	return TB_OK;
}

/* The read-only connection, opened on first use; NULL with the reason in
 * t->why. Called with ro_lock held. */
static tb_store *reader(grading_stage *g, ticket *t)
{
	if (!g->ro && !g->cfg.store_path)
		snprintf(t->why, sizeof(t->why), "no store to read the answer from");
	else if (!g->ro && store_open(g->cfg.store_path, 1, &g->ro, t->why, sizeof(t->why)) != TB_OK)
		g->ro = NULL;
	return g->ro;
}

/* The answer of a ticket that holds none, from the store; NULL with the
 * reason in t->why when it cannot be read. */
static char *read_answer(grading_stage *g, ticket *t)
{
	char *answer = NULL;
	tb_store *ro;

	pthread_mutex_lock(&g->ro_lock);
	ro = reader(g, t);
	if (ro && store_get_answer(ro, &t->s, &answer, t->why, sizeof(t->why)) == TB_OK && !answer)
		snprintf(t->why, sizeof(t->why), "the answer is not in the store");
	pthread_mutex_unlock(&g->ro_lock);
	return answer;
}

/* A copy of a whole stored sample: the struct, its strings after it. */
typedef struct sample_copy {
	tb_sample s;
	char text[];
} sample_copy;

static int copy_stored(void *ud, const tb_sample *s)
{
	sample_copy **out = ud;

	*out = malloc(sizeof(**out) + tb_sample_copy_size(s, 0));
	if (*out)
		tb_sample_copy(&(*out)->s, s, 0, (*out)->text);
	return 0;
}

/* The whole sample of a ticket that holds only its key, from the store, for
 * its grade and its measure; NULL with the reason in t->why. Free it. */
static sample_copy *read_sample(grading_stage *g, ticket *t)
{
	sample_copy *c = NULL;
	tb_store *ro;

	pthread_mutex_lock(&g->ro_lock);
	ro = reader(g, t);
	if (ro && store_get_sample(ro, &t->s, copy_stored, &c, t->why, sizeof(t->why)) == 0 && !c)
		snprintf(t->why, sizeof(t->why), "the sample is not in the store, or out of memory");
	pthread_mutex_unlock(&g->ro_lock);
	if (c && !c->s.answer) {
		snprintf(t->why, sizeof(t->why), "the answer is not in the store");
		free(c);
		c = NULL;
	}
	return c;
}

/* The verdict's fields in s, as the stage hands them back. */
static void set_grade(ticket *t, tb_sample *s)
{
	s->grader = t->s.grader;
	s->grader_version = t->s.grader_version;
	s->lang_check = GR_LANG_UNCHECKED;
	s->extracted = "";
	s->grade_path = "";
	if (!s->grader) {
		/* the stage could not grade it: never a wrong answer */
		s->outcome = TB_OUT_ERROR;
		s->grader = "";
		s->grade_reason = t->why;
	} else if (t->grade_rc != TB_OK) {
		s->outcome = TB_OUT_ERROR;
		s->grade_reason = t->res.reason;
	} else {
		s->outcome = tb_outcome_from_verdict(t->res.verdict);
		s->extracted = t->res.extracted;
		s->grade_reason = t->res.reason;
		s->lang_check = t->res.lang;
		s->grade_path = t->res.path;
	}
	s->error = s->outcome == TB_OUT_ERROR ? s->grade_reason : "";
}

/* On a worker: reads only the ticket, the sealed catalog and the store. */
static void grade_work(void *arg)
{
	ticket *t = arg;
	grading_stage *g = t->g;
	const entry *e;
	const tb_sample *whole = t->held_bytes ? &t->s : NULL;
	sample_copy *read = NULL;
	char *read_ans = NULL;
	const char *answer;

	if (atomic_load(&g->cancelled)) {
		t->skipped = 1;
		return;
	}
	e = catalog_find(g->cfg.catalog, t->s.suite, t->s.item_id);
	if (!e || !e->grader) {
		snprintf(t->why, sizeof(t->why), "%s", e ? "the item has no grader" : "the item is not in the suites");
		return;
	}
	/* a sample not held: all of it read when it is measured, else its answer */
	if (!whole && g->cfg.measure) {
		read = read_sample(g, t);
		whole = read ? &read->s : NULL;
	} else if (!whole) {
		read_ans = read_answer(g, t);
	}
	answer = whole ? whole->answer : read_ans;
	if (answer) {
		gr_input in = {.answer = answer, .expected = e->expected, .lang = e->lang, .item_id = e->id,
			       .suite = e->suite};

		t->grade_rc = gr_grade(e->grader, &in, &t->res);
		t->s.grader = gr_name(e->grader);
		t->s.grader_version = gr_version(e->grader);
	}
	if (whole && g->cfg.measure) {
		tb_sample graded = *whole;

		set_grade(t, &graded);
		grading_catalog_measure(g->cfg.catalog, &graded, &t->m);
		t->measured = 1;
	}
	free(read_ans);
	free(read);
}

/* Whether the stage keeps a copy of a sample of len bytes: within both
 * bounds, counted in them when it does (release_held() gives it back). */
static int take_held(grading_stage *g, size_t len)
{
	if (atomic_fetch_add(&g->held, 1) >= g->cfg.max_answers) {
		atomic_fetch_sub(&g->held, 1);
		return 0;
	}
	if (atomic_fetch_add(&g->held_bytes, len) + len > g->cfg.max_held_bytes) {
		atomic_fetch_sub(&g->held_bytes, len);
		atomic_fetch_sub(&g->held, 1);
		return 0;
	}
	return 1;
}

static void release_held(grading_stage *g, size_t len)
{
	atomic_fetch_sub(&g->held_bytes, len);
	atomic_fetch_sub(&g->held, 1);
}

/* On the reaping thread: hands the verdict back. */
static void grade_done(void *arg)
{
	ticket *t = arg;
	grading_stage *g = t->g;

	if (!t->skipped && g->cfg.verdict) {
		tb_sample s = t->s;

		set_grade(t, &s);
		g->cfg.verdict(g->cfg.verdict_ud, &s, t->measured ? &t->m : NULL, t->tag);
	}
	if (t->held_bytes)
		release_held(g, t->held_bytes);
	atomic_fetch_sub(&g->backlog, 1);
	free(t);
}

int grading_offer(grading_stage *g, const tb_sample *s, void *tag)
{
	size_t whole = s->answer ? tb_sample_copy_size(s, 0) : 0;
	/* Past the bounds only the key is held: the rest is in the store. */
	int hold = whole && take_held(g, whole);
	size_t len = hold ? whole : tb_sample_copy_size(s, 1);
	ticket *t = calloc(1, sizeof(*t) + len);

	if (!t) {
		if (hold)
			release_held(g, whole);
		return TB_NOMEM;
	}
	t->g = g;
	t->tag = tag;
	t->held_bytes = hold ? whole : 0;
	tb_sample_copy(&t->s, s, !hold, t->text);
	/* named by the stage once it grades (set_grade()) */
	t->s.grader = NULL;
	t->s.grader_version = NULL;
	atomic_fetch_add(&g->backlog, 1);
	if (gr_pool_submit(g->pool, grade_work, grade_done, t) != TB_OK) {
		atomic_fetch_sub(&g->backlog, 1);
		if (hold)
			release_held(g, whole);
		free(t);
		return TB_NOMEM;
	}
	return TB_OK;
}

/* On each worker: readies it for every suite's grader kind (the catalog is
 * sorted by suite; best effort, once per suite and kind). */
static void warm_worker(void *arg)
{
	const grading_catalog *c = arg;
	const entry *last = NULL;

	for (size_t i = 0; i < c->n; i++) {
		const entry *e = &c->v[i];

		if (!e->grader || (last && strcmp(last->suite, e->suite) == 0 &&
				   strcmp(gr_name(last->grader), gr_name(e->grader)) == 0))
			continue;
		gr_warm(e->grader, e->suite);
		last = e;
	}
}

int grading_warm(grading_stage *g)
{
	return gr_pool_each(g->pool, warm_worker, (void *)g->cfg.catalog);
}

size_t grading_backlog(const grading_stage *g)
{
	return g ? atomic_load(&((grading_stage *)g)->backlog) : 0;
}

int grading_full(const grading_stage *g)
{
	return grading_backlog(g) >= g->cfg.max_answers;
}

int grading_fd(const grading_stage *g)
{
	return gr_pool_fd(g->pool);
}

void grading_wake(grading_stage *g)
{
	gr_pool_wake(g->pool);
}

size_t grading_reap(grading_stage *g)
{
	return gr_pool_reap(g->pool);
}

void grading_drain(grading_stage *g)
{
	if (g)
		gr_pool_drain(g->pool);
}

int grading_cancel(grading_stage *g, int wait_ms)
{
	int64_t until = tb_now_us() + (int64_t)wait_ms * 1000;

	if (!g)
		return 0;
	atomic_store(&g->cancelled, 1);
	/* bounded by the deadline */
	for (;;) {
		int64_t left;
		struct pollfd p = {.fd = gr_pool_fd(g->pool), .events = POLLIN};

		gr_pool_reap(g->pool);
		if (gr_pool_pending(g->pool) == 0)
			return 0;
		left = (until - tb_now_us()) / 1000;
		if (left <= 0)
			return 1;
		poll(&p, 1, (int)(left < 100 ? left : 100));
	}
}

void grading_free(grading_stage *g)
{
	if (!g)
		return;
	gr_pool_free(g->pool);
	store_close(g->ro);
	pthread_mutex_destroy(&g->ro_lock);
	free(g);
}
