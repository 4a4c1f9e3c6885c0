#include "claims.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "jsonfile.h"
#include "log.h"
#include "rc.h"
#include "report.h"
#include "report_table.h"
#include "stats.h"
#include "traceinfo.h"

#define MAX_CLAIMS 256
#define MAX_LANGS 16
#define BOOT_DRAWS 2000
#define BOOT_SEED 0x9E3779B97F4A7C15ull
/* Samples a bootstrap draws from, at most (the first ones in key order). */
#define MAX_VALUES 200000

typedef enum quantity {
	Q_LATENCY_OVERHEAD, Q_LATENCY_RATIO, Q_TOTAL_SECONDS, Q_ACCURACY_GAP, Q_BUDGET_KEPT, Q_COUNT
} quantity;

static const char *const quantity_names[Q_COUNT] = {
	"latency_overhead", "latency_ratio", "total_seconds", "accuracy_gap", "budget_kept",
};

typedef struct claim {
	char *id, *card, *model, *text, *baseline;
	quantity q;
	double range_lo, range_hi;          /* NAN: open */
	char high[MAX_LANGS][16], low[MAX_LANGS][16];
	size_t n_high, n_low;
	char *capability;
	/* measured */
	double value, lo, hi;
	long n_a, n_b;                      /* samples on each side */
	claim_verdict verdict;
} claim;

typedef struct capability {
	char *card, *model, *name;
	json_t *suites;                     /* array of strings */
	long graded, correct;
	double lo, hi;
} capability;

struct tb_claims {
	claim *v;
	size_t n;
	capability *caps;
	size_t n_caps;
	char suites_seen[1024];             /* the suites measured, for the table */
};

/* ---- loading ---- */

static int lang_list(const json_t *a, char (*out)[16], size_t *n)
{
	size_t i;
	json_t *v;

	*n = 0;
	if (!json_is_array(a) || json_array_size(a) == 0 || json_array_size(a) > MAX_LANGS)
		return TB_ERR;
	json_array_foreach(a, i, v) {
		const char *s = json_string_value(v);

		if (!s || !*s || strlen(s) >= 16)
			return TB_ERR;
		snprintf(out[(*n)++], 16, "%s", s);
	}
	return TB_OK;
}

static int bound(const json_t *v, double *out)
{
	if (json_is_null(v)) {
		*out = NAN;
		return TB_OK;
	}
	if (!json_is_number(v) || !isfinite(json_number_value(v)))
		return TB_ERR;
	*out = json_number_value(v);
	return TB_OK;
}

static char *dup_str(const json_t *o, const char *key, int required, int *bad)
{
	const json_t *v = json_object_get(o, key);

	if (!v && !required)
		return NULL;
	if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) > 4096) {
		*bad = 1;
		return NULL;
	}
	return strdup(json_string_value(v));
}

static int load_claim(const char *path, size_t i, const json_t *o, claim *c, char *err, size_t errlen)
{
	const json_t *range = json_object_get(o, "range");
	const char *q = json_string_value(json_object_get(o, "quantity"));
	int bad = 0;

	if (!json_is_object(o))
		return tb_seterr(err, errlen, "%s: claims[%zu]: expected an object", path, i);
	c->id = dup_str(o, "id", 1, &bad);
	c->card = dup_str(o, "card", 1, &bad);
	c->model = dup_str(o, "model", 1, &bad);
	c->text = dup_str(o, "text", 1, &bad);
	c->capability = dup_str(o, "capability", 0, &bad);
	if (bad)
		return tb_seterr(err, errlen, "%s: claims[%zu]: id, card, model and text must be non-empty strings",
				 path, i);
	c->value = c->lo = c->hi = NAN;
	for (c->q = 0; c->q < Q_COUNT; c->q++)
		if (q && strcmp(q, quantity_names[c->q]) == 0)
			break;
	if (c->q == Q_COUNT)
		return tb_seterr(err, errlen,
				 "%s: claim '%s': quantity: expected latency_overhead, latency_ratio, "
				 "total_seconds, accuracy_gap or budget_kept",
				 path, c->id);
	if (!json_is_array(range) || json_array_size(range) != 2 ||
	    bound(json_array_get(range, 0), &c->range_lo) != TB_OK ||
	    bound(json_array_get(range, 1), &c->range_hi) != TB_OK ||
	    (isnan(c->range_lo) && isnan(c->range_hi)) ||
	    (!isnan(c->range_lo) && !isnan(c->range_hi) && c->range_lo > c->range_hi))
		return tb_seterr(err, errlen, "%s: claim '%s': range: expected [low, high] (numbers, null for open)",
				 path, c->id);
	if (c->q == Q_LATENCY_RATIO && !(c->baseline = dup_str(o, "baseline_model", 1, &bad)))
		return tb_seterr(err, errlen, "%s: claim '%s': baseline_model: expected a model id", path, c->id);
	if (c->q == Q_ACCURACY_GAP &&
	    (lang_list(json_object_get(o, "high_langs"), c->high, &c->n_high) != TB_OK ||
	     lang_list(json_object_get(o, "low_langs"), c->low, &c->n_low) != TB_OK))
		return tb_seterr(err, errlen,
				 "%s: claim '%s': high_langs, low_langs: expected arrays of 1 to %d language tags",
				 path, c->id, MAX_LANGS);
	return TB_OK;
}

static int load_cap(const char *path, size_t i, const json_t *o, capability *c, char *err, size_t errlen)
{
	const json_t *suites = json_object_get(o, "suites");
	size_t k;
	json_t *v;
	int bad = 0;

	c->card = dup_str(o, "card", 1, &bad);
	c->model = dup_str(o, "model", 1, &bad);
	c->name = dup_str(o, "name", 1, &bad);
	if (bad || !json_is_array(suites) || json_array_size(suites) == 0)
		return tb_seterr(err, errlen,
				 "%s: capabilities[%zu]: expected card, model, name (strings) and suites (array)",
				 path, i);
	json_array_foreach(suites, k, v) if (!json_is_string(v)) return tb_seterr(
		err, errlen, "%s: capabilities[%zu]: suites: expected strings", path, i);
	c->suites = json_incref((json_t *)suites);
	c->lo = c->hi = NAN;
	return TB_OK;
}

int claims_load(const char *path, tb_claims **out, char *err, size_t errlen)
{
	json_t *root = NULL, *claims, *caps;
	tb_claims *c = NULL;
	int rc = TB_ERR;

	*out = NULL;
	if (tb_json_file_load(path, 0, &root, err, errlen) != TB_OK)
		return TB_ERR;
	claims = json_object_get(root, "claims");
	caps = json_object_get(root, "capabilities");
	if (!json_is_array(claims) || json_array_size(claims) == 0 || json_array_size(claims) > MAX_CLAIMS ||
	    (caps && (!json_is_array(caps) || json_array_size(caps) > MAX_CLAIMS))) {
		tb_seterr(err, errlen, "%s: expected an object with claims (an array of 1 to %d) and capabilities",
			  path, MAX_CLAIMS);
		goto out;
	}
	c = calloc(1, sizeof(*c));
	if (!c || !(c->v = calloc(json_array_size(claims), sizeof(*c->v))) ||
	    (caps && json_array_size(caps) && !(c->caps = calloc(json_array_size(caps), sizeof(*c->caps))))) {
		tb_seterr(err, errlen, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < json_array_size(claims); i++, c->n++)
		if (load_claim(path, i, json_array_get(claims, i), &c->v[i], err, errlen) != TB_OK) {
			c->n++;
			goto out;
		}
	for (size_t i = 0; caps && i < json_array_size(caps); i++, c->n_caps++)
		if (load_cap(path, i, json_array_get(caps, i), &c->caps[i], err, errlen) != TB_OK) {
			c->n_caps++;
			goto out;
		}
	*out = c;
	c = NULL;
	rc = TB_OK;
out:
	claims_free(c);
	json_decref(root);
	return rc;
}

void claims_free(tb_claims *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++) {
		free(c->v[i].id);
		free(c->v[i].card);
		free(c->v[i].model);
		free(c->v[i].text);
		free(c->v[i].baseline);
		free(c->v[i].capability);
	}
	for (size_t i = 0; i < c->n_caps; i++) {
		free(c->caps[i].card);
		free(c->caps[i].model);
		free(c->caps[i].name);
		json_decref(c->caps[i].suites);
	}
	free(c->v);
	free(c->caps);
	free(c);
}

/* ---- judging ---- */

const char *claim_verdict_name(claim_verdict v)
{
	static const char *const names[] = {"not measured", "holds", "contradicted", "inconclusive"};

	return (unsigned)v < 4 ? names[v] : "?";
}

claim_verdict claim_judge(double lo, double hi, double range_lo, double range_hi)
{
	int below, above;

	if (isnan(lo) || isnan(hi))
		return CLAIM_NOT_MEASURED;
	below = !isnan(range_lo) && hi < range_lo;
	above = !isnan(range_hi) && lo > range_hi;
	if (below || above)
		return CLAIM_CONTRADICTED;
	if ((isnan(range_lo) || lo >= range_lo) && (isnan(range_hi) || hi <= range_hi))
		return CLAIM_HOLDS;
	return CLAIM_INCONCLUSIVE;
}

/* ---- measuring ---- */

/* What one claim collects from the samples: two samples of times, or two
 * counts of successes. */
typedef struct side {
	stats_vec t;
	long k, n;
} side;

typedef struct walk {
	tb_claims *c;
	side *a, *b;            /* per claim */
	tb_store *st;
	char *err;
	size_t errlen;
} walk;

static int lang_in(const char *lang, char (*list)[16], size_t n)
{
	size_t k = 0;

	if (!lang)
		return 0;
	while (lang[k] && lang[k] != '-' && lang[k] != '_')
		k++;
	for (size_t i = 0; i < n; i++)
		if (strlen(list[i]) == k && strncasecmp(list[i], lang, k) == 0)
			return 1;
	return 0;
}

static void push(side *s, double x)
{
	if (isfinite(x))
		stats_vec_push(&s->t, x); /* at the ceiling, the first MAX_VALUES stand for the rest */
}

static void suite_seen(tb_claims *c, const char *suite)
{
	size_t n = strlen(c->suites_seen), k = strlen(suite);
	const char *p = c->suites_seen;

	/* bounded by the buffer: a name is added once, while it fits */
	while ((p = strstr(p, suite)))
		if ((p == c->suites_seen || p[-1] == ' ') && (p[k] == ' ' || p[k] == 0))
			return;
		else
			p++;
	if (n + k + 2 < sizeof(c->suites_seen))
		snprintf(c->suites_seen + n, sizeof(c->suites_seen) - n, "%s%s", n ? " " : "", suite);
}

static int on_sample(void *ud, const tb_sample *s)
{
	walk *w = ud;
	int think = strcmp(s->mode, "think") == 0, graded = tb_outcome_is_graded(s->outcome);
	int correct = s->outcome == TB_OUT_CORRECT, ok = s->outcome != TB_OUT_ERROR;

	for (size_t i = 0; i < w->c->n; i++) {
		claim *c = &w->c->v[i];
		int mine = strcmp(s->model, c->model) == 0;

		switch (c->q) {
		case Q_LATENCY_OVERHEAD:
			if (mine && ok && s->budget == 0)
				push(think ? &w->a[i] : &w->b[i], s->total_ms);
			break;
		case Q_LATENCY_RATIO:
			if (mine && ok && think && s->budget == 0)
				push(&w->a[i], s->total_ms);
			else if (strcmp(s->model, c->baseline) == 0 && ok && !think)
				push(&w->b[i], s->total_ms);
			break;
		case Q_TOTAL_SECONDS:
			if (mine && ok && think)
				push(&w->a[i], s->total_ms / 1000.0);
			break;
		case Q_ACCURACY_GAP:
			if (mine && graded && lang_in(s->lang, c->high, c->n_high)) {
				w->a[i].n++;
				w->a[i].k += correct;
			} else if (mine && graded && lang_in(s->lang, c->low, c->n_low)) {
				w->b[i].n++;
				w->b[i].k += correct;
			}
			break;
		case Q_BUDGET_KEPT:
			if (mine && think && s->budget > 0) {
				tb_trace_metrics m;
				int found;

				if (store_get_metrics(w->st, s, &m, &found, w->err, w->errlen) != TB_OK)
					return TB_ERR;
				if (found && m.reasoning_source != TB_TOK_NONE) {
					w->a[i].n++;
					w->a[i].k += !m.budget_exceeded;
				}
			}
			break;
		default:
			break;
		}
		if (mine && (w->a[i].t.n || w->a[i].n))
			suite_seen(w->c, s->suite);
	}
	for (size_t i = 0; i < w->c->n_caps; i++) {
		capability *cap = &w->c->caps[i];
		size_t k;
		json_t *v;

		if (!graded || strcmp(s->model, cap->model) != 0)
			continue;
		json_array_foreach(cap->suites, k, v) if (strcmp(json_string_value(v), s->suite) == 0)
		{
			cap->graded++;
			cap->correct += correct;
			break;
		}
	}
	return 0;
}

static uint64_t next_rand(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static double resampled_mean(const stats_vec *v, uint64_t *rng)
{
	double sum = 0;

	for (size_t i = 0; i < v->n; i++)
		sum += v->v[next_rand(rng) % v->n];
	return sum / (double)v->n;
}

static double resampled_median(const stats_vec *v, uint64_t *rng, double *scratch)
{
	for (size_t i = 0; i < v->n; i++)
		scratch[i] = v->v[next_rand(rng) % v->n];
	return stats_percentile(scratch, v->n, 50);
}

/* The percentile bootstrap of a ratio of means (minus shift) or a median. */
static int bootstrap(claim *c, side *a, side *b)
{
	double *draws = malloc(BOOT_DRAWS * sizeof(*draws)), *scratch = NULL;
	uint64_t rng = BOOT_SEED;
	int median = c->q == Q_TOTAL_SECONDS;
	double shift = c->q == Q_LATENCY_OVERHEAD ? 1.0 : 0.0;

	if (!draws || (median && !(scratch = malloc(a->t.n * sizeof(*scratch))))) {
		free(draws);
		return TB_NOMEM;
	}
	for (int d = 0; d < BOOT_DRAWS; d++)
		draws[d] = median ? resampled_median(&a->t, &rng, scratch)
				  : resampled_mean(&a->t, &rng) / resampled_mean(&b->t, &rng) - shift;
	stats_sort(draws, BOOT_DRAWS);
	c->lo = stats_percentile_sorted(draws, BOOT_DRAWS, 2.5);
	c->hi = stats_percentile_sorted(draws, BOOT_DRAWS, 97.5);
	if (median) {
		memcpy(scratch, a->t.v, a->t.n * sizeof(*scratch));
		c->value = stats_percentile(scratch, a->t.n, 50);
	} else {
		c->value = stats_mean(a->t.v, a->t.n) / stats_mean(b->t.v, b->t.n) - shift;
	}
	free(scratch);
	free(draws);
	return TB_OK;
}

static int finish(claim *c, side *a, side *b)
{
	c->n_a = a->t.n ? (long)a->t.n : a->n;
	c->n_b = b->t.n ? (long)b->t.n : b->n;
	switch (c->q) {
	case Q_LATENCY_OVERHEAD:
	case Q_LATENCY_RATIO:
		if (a->t.n < 2 || b->t.n < 2 || stats_mean(b->t.v, b->t.n) <= 0)
			return TB_OK;
		return bootstrap(c, a, b);
	case Q_TOTAL_SECONDS:
		return a->t.n < 2 ? TB_OK : bootstrap(c, a, b);
	case Q_ACCURACY_GAP:
		if (a->n > 0 && b->n > 0) {
			double p1 = (double)a->k / (double)a->n, p2 = (double)b->k / (double)b->n;
			double se = sqrt(p1 * (1 - p1) / (double)a->n + p2 * (1 - p2) / (double)b->n);

			c->value = p1 - p2;
			c->lo = c->value - STATS_Z95 * se;
			c->hi = c->value + STATS_Z95 * se;
		}
		return TB_OK;
	case Q_BUDGET_KEPT:
		if (a->n > 0) {
			c->value = (double)a->k / (double)a->n;
			stats_wilson(a->k, a->n, STATS_Z95, &c->lo, &c->hi);
		}
		return TB_OK;
	default:
		return TB_OK;
	}
}

int claims_measure(tb_claims *c, tb_store *st, char *err, size_t errlen)
{
	walk w = {.c = c, .st = st, .err = err, .errlen = errlen};
	int rc = TB_ERR;

	w.a = calloc(c->n, sizeof(*w.a));
	w.b = calloc(c->n, sizeof(*w.b));
	if (!w.a || !w.b) {
		tb_seterr(err, errlen, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < c->n; i++) {
		stats_vec_init(&w.a[i].t, MAX_VALUES);
		stats_vec_init(&w.b[i].t, MAX_VALUES);
	}
	if (store_each_sample_brief(st, on_sample, &w, err, errlen) != 0)
		goto out;
	for (size_t i = 0; i < c->n; i++) {
		if (finish(&c->v[i], &w.a[i], &w.b[i]) != TB_OK) {
			tb_seterr(err, errlen, "out of memory");
			goto out;
		}
		c->v[i].verdict = claim_judge(c->v[i].lo, c->v[i].hi, c->v[i].range_lo, c->v[i].range_hi);
	}
	for (size_t i = 0; i < c->n_caps; i++)
		stats_wilson(c->caps[i].correct, c->caps[i].graded, STATS_Z95, &c->caps[i].lo, &c->caps[i].hi);
	rc = TB_OK;
out:
	for (size_t i = 0; w.a && w.b && i < c->n; i++) {
		stats_vec_release(&w.a[i].t);
		stats_vec_release(&w.b[i].t);
	}
	free(w.a);
	free(w.b);
	return rc;
}

/* ---- output ---- */

static void put_range(FILE *f, double lo, double hi)
{
	char buf[64];

	if (isnan(lo))
		snprintf(buf, sizeof(buf), "<= %g", hi);
	else if (isnan(hi))
		snprintf(buf, sizeof(buf), ">= %g", lo);
	else
		snprintf(buf, sizeof(buf), "%g to %g", lo, hi);
	fprintf(f, "%-12s ", buf);
}

int claims_print(const tb_claims *c, const tb_run_info *run, FILE *f)
{
	fprintf(f, "\nmodel card claims%s\n", run->simulated ? " (a simulated run: these verdicts are about the "
							     "simulator's profiles, not the models)"
							   : "");
	fprintf(f, "%-30s %-18s %-12s %-28s %-9s %s\n", "claim", "quantity", "stated", "measured [95% CI]",
		"samples", "verdict");
	for (size_t i = 0; i < c->n; i++) {
		const claim *x = &c->v[i];
		char m[64] = "-", n[32] = "-";

		if (!isnan(x->value))
			snprintf(m, sizeof(m), "%.3g [%.3g, %.3g]", x->value, x->lo, x->hi);
		if (x->n_a || x->n_b)
			snprintf(n, sizeof(n), x->q == Q_TOTAL_SECONDS || x->q == Q_BUDGET_KEPT ? "%ld" : "%ld/%ld",
				 x->n_a, x->n_b);
		report_put_field(f, x->id, 30);
		fputc(' ', f);
		fprintf(f, "%-18s ", quantity_names[x->q]);
		put_range(f, x->range_lo, x->range_hi);
		fprintf(f, "%-28s %-9s %s\n", m, n, claim_verdict_name(x->verdict));
	}
	fputs("samples: think/nothink (latency_overhead), model/baseline (latency_ratio), high/low\n"
	      "languages (accuracy_gap); suites measured: ",
	      f);
	report_put_field(f, c->suites_seen[0] ? c->suites_seen : "none", c->suites_seen[0] ? strlen(c->suites_seen) : 4);
	fputc('\n', f);
	for (size_t i = 0; i < c->n; i++) {
		fputs("  ", f);
		report_put_field(f, c->v[i].id, strlen(c->v[i].id));
		fputs(": \"", f);
		report_put_field(f, c->v[i].text, strlen(c->v[i].text));
		fputs("\"\n", f);
	}
	return ferror(f) ? TB_ERR : TB_OK;
}

static json_t *card_of(json_t *cards, const char *card, const char *model)
{
	size_t i;
	json_t *v;

	json_array_foreach(cards, i, v) if (strcmp(json_string_value(json_object_get(v, "card")), card) == 0) return v;
	v = json_pack("{s:s, s:s, s:[], s:[]}", "card", card, "model", model, "capabilities", "claims");
	json_array_append_new(cards, v);
	return v;
}

static json_t *num_or_null(double x)
{
	return isfinite(x) ? json_real(x) : json_null();
}

int claims_write_cards(const tb_claims *c, const tb_run_info *run, const char *path, char *err, size_t errlen)
{
	json_t *cards = json_array(), *root;
	char tmp[4200];
	int rc;

	for (size_t i = 0; i < c->n_caps; i++) {
		const capability *k = &c->caps[i];
		json_t *card = card_of(cards, k->card, k->model);
		int measured = k->graded > 0;

		json_array_append_new(
			json_object_get(card, "capabilities"),
			json_pack("{s:s, s:o, s:I, s:o, s:{s:s, s:b, s:O, s:I, s:I, s:o, s:o}}", "name", k->name,
				  "success_rate", measured ? json_real((double)k->correct / (double)k->graded) : json_null(),
				  "matches", (json_int_t)k->correct,
				  /* 1 - the width of the 95% interval: grows with evidence */
				  "confidence", measured ? json_real(1.0 - (k->hi - k->lo)) : json_null(),
				  "observed_outcomes", "run_id", run->run_id, "simulated", run->simulated != 0,
				  "suites", k->suites, "graded", (json_int_t)k->graded, "correct",
				  (json_int_t)k->correct, "lo95", num_or_null(k->lo), "hi95", num_or_null(k->hi)));
	}
	for (size_t i = 0; i < c->n; i++) {
		const claim *x = &c->v[i];

		json_array_append_new(
			json_object_get(card_of(cards, x->card, x->model), "claims"),
			json_pack("{s:s, s:s, s:s, s:[o,o], s:o, s:[o,o], s:s}", "id", x->id, "text", x->text,
				  "quantity", quantity_names[x->q], "range", num_or_null(x->range_lo),
				  num_or_null(x->range_hi), "measured", num_or_null(x->value), "ci95",
				  num_or_null(x->lo), num_or_null(x->hi), "verdict", claim_verdict_name(x->verdict)));
	}
	root = json_pack("{s:s, s:b, s:o}", "run_id", run->run_id, "simulated", run->simulated != 0, "cards", cards);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	rc = root && json_dump_file(root, tmp, JSON_INDENT(2) | JSON_ENSURE_ASCII) == 0 ? TB_OK : TB_ERR;
	json_decref(root);
	if (rc == TB_OK && rename(tmp, path) != 0)
		rc = TB_ERR;
	if (rc != TB_OK) {
		unlink(tmp);
		return tb_seterr(err, errlen, "cannot write '%s': %s", path, strerror(errno));
	}
	return TB_OK;
}
