/* What a simulated sample says, and how it goes on the wire.
 *
 * Every decision is a pure function of the ask: the draws come from a
 * splitmix64 chain over FNV-1a hashes of the sim seed, the model, the mode,
 * the item and the request seed. The budget enters only through the accuracy
 * it buys (below), so raising a budget never turns a right sample wrong.
 *
 * Correctness uses a Gaussian copula: an item-level normal z_i (a hash of
 * the sim seed and the item only, shared by every model, mode and request
 * seed: hard items are hard for all) carries SIM_ITEM_SHARE of the variance
 * and a sample-level normal e (from the request seed) the rest; the sample is
 * right when Phi(sqrt(s) z_i + sqrt(1 - s) e) < accuracy. The marginal stays
 * uniform, so accuracy over many items matches the profile, while each item
 * gets its own probability of being answered right (mostly near 0 or 1, as
 * for real models) and another seed redraws only e. Harder items also need
 * longer reasoning.
 *
 * A word counts as one token. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rc.h"
#include "sim_int.h"

#define TEXT_MAX (8u << 20)       /* one reasoning trace or answer */
#define BODY_MAX (64u << 20)      /* one response body */
#define MAX_REASONING 200000L     /* tokens: bounds memory per sample */
#define WORDS_PER_CHUNK 3
#define MAX_MARKS (1u << 22)

/* ---- draws ----------------------------------------------------------------- */

uint64_t sim_mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

uint64_t sim_hash_str(uint64_t h, const char *s)
{
	uint64_t f = 0xcbf29ce484222325ULL;

	for (; s && *s; s++) {
		f ^= (unsigned char)*s;
		f *= 0x100000001b3ULL;
	}
	return sim_mix(h ^ f);
}

uint64_t sim_hash_u64(uint64_t h, uint64_t v)
{
	return sim_mix(h ^ sim_mix(v));
}

double sim_unit(uint64_t h)
{
	return (double)(h >> 11) * 0x1.0p-53;
}

double sim_normal(uint64_t h)
{
	double u1 = sim_unit(sim_mix(h ^ 0x51)), u2 = sim_unit(sim_mix(h ^ 0xa2));

	if (u1 < 1e-300)
		u1 = 1e-300;
	return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

static double phi(double z)
{
	return 0.5 * erfc(-z / M_SQRT2);
}

double sim_correct_u(double z_item, double e_sample)
{
	return phi(sqrt(SIM_ITEM_SHARE) * z_item + sqrt(1 - SIM_ITEM_SHARE) * e_sample);
}

/* ---- appending with one sticky error --------------------------------------- */

static void put(tb_buf *b, int *rc, const char *s, size_t n)
{
	int r;

	if (*rc != TB_OK)
		return;
	r = tb_buf_add(b, s, n);
	if (r != TB_OK)
		*rc = r;
}

static void puts_(tb_buf *b, int *rc, const char *s)
{
	put(b, rc, s, strlen(s));
}

__attribute__((format(printf, 3, 4))) static void putf(tb_buf *b, int *rc, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (*rc != TB_OK)
		return;
	va_start(ap, fmt);
	r = tb_buf_vaddf(b, fmt, ap);
	va_end(ap);
	if (r != TB_OK)
		*rc = r;
}

static void put_json(tb_buf *b, int *rc, const char *s, size_t n)
{
	int r;

	if (*rc != TB_OK)
		return;
	r = sim_json_str(b, s, n);
	if (r != TB_OK)
		*rc = r;
}

int sim_json_str(tb_buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t start = 0;
	int rc = TB_OK;

	put(b, &rc, "\"", 1);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char u[7];

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		put(b, &rc, s + start, i - start);
		start = i + 1;
		switch (c) {
		case '"': puts_(b, &rc, "\\\""); break;
		case '\\': puts_(b, &rc, "\\\\"); break;
		case '\n': puts_(b, &rc, "\\n"); break;
		case '\r': puts_(b, &rc, "\\r"); break;
		case '\t': puts_(b, &rc, "\\t"); break;
		default:
			memcpy(u, "\\u00", 4);
			u[4] = hex[c >> 4];
			u[5] = hex[c & 15];
			u[6] = '\0';
			puts_(b, &rc, u);
		}
	}
	put(b, &rc, s + start, n - start);
	put(b, &rc, "\"", 1);
	return rc;
}

/* ---- words ----------------------------------------------------------------- */

static int is_space(char c)
{
	return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

long sim_count_words(const char *s, size_t n)
{
	long w = 0;

	for (size_t i = 0; i < n; i++)
		if (!is_space(s[i]) && (i == 0 || is_space(s[i - 1])))
			w++;
	return w;
}

/* The end of the piece that starts at pos and holds `per` words (the
 * whitespace before a word goes with it; trailing whitespace with the last
 * piece). *words gets the number of words in it. */
static size_t next_piece(const char *s, size_t len, size_t pos, long per, long *words)
{
	size_t i = pos, j;
	long w = 0;

	while (i < len && w < per) {
		while (i < len && is_space(s[i]))
			i++;
		if (i >= len)
			break;
		while (i < len && !is_space(s[i]))
			i++;
		w++;
	}
	j = i;
	while (j < len && is_space(s[j]))
		j++;
	if (w < per || j == len)
		i = len;
	*words = w;
	return i;
}

/* Keeps the first n words of b. */
static void cut_words(tb_buf *b, long n)
{
	size_t end = 0;
	long w = 0;

	if (!b->data)
		return;
	end = next_piece(b->data, b->len, 0, n, &w);
	if (w == n && end < b->len) {
		b->len = end;
		b->data[end] = '\0';
	}
	while (b->len && is_space(b->data[b->len - 1]))
		b->data[--b->len] = '\0';
}

static const char *const vocab[64] = {
	"so", "then", "we", "need", "to", "check", "the", "value", "of", "this", "term", "and",
	"that", "gives", "a", "consistent", "result", "let", "me", "verify", "again", "carefully",
	"wait", "maybe", "consider", "other", "case", "first", "second", "step", "equation", "both",
	"sides", "simplify", "substitute", "back", "into", "original", "condition", "holds",
	"compute", "next", "factor", "sum", "product", "difference", "which", "means", "it",
	"should", "be", "right", "hmm", "okay", "now", "part", "expression", "rewrite", "as",
	"number", "total", "each", "remaining", "look",
};

/* Appends n synthetic words in sentences. opener: how many words of the
 * fixed opener to use first. */
static void put_words(tb_buf *b, int *rc, long n, uint64_t h, const char *const *opener,
		      long n_open)
{
	long left = 0;

	for (long k = 0; k < n && *rc == TB_OK; k++) {
		char w[32];
		size_t len;

		if (k)
			put(b, rc, " ", 1);
		if (k < n_open) {
			puts_(b, rc, opener[k]);
			continue;
		}
		len = (size_t)snprintf(w, sizeof(w), "%s", vocab[sim_hash_u64(h, (uint64_t)k) & 63]);
		if (left == 0) {
			left = 6 + (long)(sim_hash_u64(h ^ 0x5e, (uint64_t)k) % 9);
			w[0] = (char)(w[0] - 'a' + 'A');
		}
		if (--left == 0 || k == n - 1)
			w[len++] = '.';
		put(b, rc, w, len);
	}
}

/* ---- answers ----------------------------------------------------------------- */

static const struct {
	const char *lang, *pre, *post;
} phrases[] = {
	{"en", "So the answer is \\boxed{", "}."},
	{"es", "Así que la respuesta es \\boxed{", "}."},
	{"fr", "Donc la réponse est \\boxed{", "}."},
	{"de", "Also ist die Antwort \\boxed{", "}."},
	{"ru", "Значит, ответ: \\boxed{", "}."},
	{"zh", "所以答案是 \\boxed{", "}。"},
	{"ja", "したがって、答えは \\boxed{", "} です。"},
	{"sw", "Kwa hiyo jibu ni \\boxed{", "}."},
	{"th", "ดังนั้นคำตอบคือ \\boxed{", "}"},
	{"bn", "সুতরাং উত্তর হল \\boxed{", "}।"},
	{"te", "కాబట్టి సమాధానం \\boxed{", "}."},
	{"ar", "إذن الإجابة هي \\boxed{", "}."},
	{"hi", "इसलिए उत्तर \\boxed{", "} है।"},
	{"ko", "따라서 답은 \\boxed{", "}입니다."},
	{"id", "Jadi jawabannya adalah \\boxed{", "}."},
	{"yo", "Nítorí náà, ìdáhùn náà ni \\boxed{", "}."},
};

static size_t phrase_for(const char *lang)
{
	size_t n = sizeof(phrases) / sizeof(phrases[0]);

	for (size_t i = 0; lang && i < n; i++) {
		size_t l = strlen(phrases[i].lang);

		if (strncmp(lang, phrases[i].lang, l) == 0 &&
		    (lang[l] == '\0' || lang[l] == '-' || lang[l] == '_'))
			return i;
	}
	return 0;
}

/* A plausible wrong value: a number off by a little, a different digit, a
 * different choice letter, the opposite yes/no, or a stock wrong string. */
static void put_wrong(tb_buf *b, int *rc, const char *exp, uint64_t h)
{
	static const char *const flips[][2] = {{"yes", "no"}, {"no", "yes"}, {"Yes", "No"},
					       {"No", "Yes"}, {"true", "false"}, {"false", "true"}};
	size_t n = strlen(exp), lastd = n, dots = 0, digits = 0, i;
	int numeric = n > 0;
	long delta = 1 + (long)(h % 5);

	if ((h >> 8) & 1)
		delta = -delta;
	for (i = 0; i < n; i++) {
		char c = exp[i];

		if (c >= '0' && c <= '9') {
			lastd = i;
			digits++;
		} else if (c == '.') {
			dots++;
		} else if (!(c == '-' && i == 0)) {
			numeric = 0;
		}
	}
	if (numeric && digits && dots <= 1) {
		const char *dot = strchr(exp, '.');
		int decimals = dot ? (int)(n - (size_t)(dot - exp) - 1) : 0;

		if (!dot && n < 18)
			putf(b, rc, "%lld", strtoll(exp, NULL, 10) + delta);
		else
			putf(b, rc, "%.*f", decimals, strtod(exp, NULL) + (double)delta);
		return;
	}
	if (lastd < n) {
		put(b, rc, exp, lastd);
		putf(b, rc, "%c", '0' + (int)((exp[lastd] - '0' + 1 + (int)(h % 9)) % 10));
		puts_(b, rc, exp + lastd + 1);
		return;
	}
	if (n == 1 && ((exp[0] >= 'A' && exp[0] <= 'E') || (exp[0] >= 'a' && exp[0] <= 'e'))) {
		char base = exp[0] >= 'a' ? 'a' : 'A';

		putf(b, rc, "%c", base + (exp[0] - base + 1 + (int)(h % 4)) % 5);
		return;
	}
	for (i = 0; i < sizeof(flips) / sizeof(flips[0]); i++)
		if (strcmp(exp, flips[i][0]) == 0) {
			puts_(b, rc, flips[i][1]);
			return;
		}
	puts_(b, rc, "none of the above");
}

/* The reference solution broken, for items without a wrong_reference: the
 * first function's body replaced by a wrong return value. */
static void put_broken_code(tb_buf *b, int *rc, const char *ref, int python)
{
	const char *p = NULL, *brace;

	if (python) {
		for (const char *q = ref; *q && !p; q++)
			if (strncmp(q, "def ", 4) == 0 && (q == ref || is_space(q[-1])))
				p = q;
	}
	if (p) {
		const char *line = p, *eol;
		size_t indent = 0;

		while (line > ref && line[-1] != '\n')
			line--;
		indent = (size_t)(p - line);
		/* The header may span lines: it ends at the first line ending in ':'. */
		eol = p;
		for (;;) {
			const char *nl = strchr(eol, '\n');
			const char *e = nl ? nl : eol + strlen(eol), *t = e;

			while (t > eol && is_space(t[-1]))
				t--;
			if (!nl || (t > eol && t[-1] == ':')) {
				eol = e;
				break;
			}
			eol = nl + 1;
		}
		put(b, rc, ref, (size_t)(eol - ref));
		put(b, rc, "\n", 1);
		put(b, rc, line, indent);
		puts_(b, rc, "    return None\n");
		return;
	}
	brace = python ? NULL : strchr(ref, '{');
	if (brace) {
		put(b, rc, ref, (size_t)(brace - ref) + 1);
		puts_(b, rc, "\n    return 0;\n}\n");
		return;
	}
	puts_(b, rc, python ? "pass\n" : "/* no solution */\n");
}

static const char *const ans_opener[] = {"First,", "I", "read", "the", "problem", "carefully."};

static void put_answer(const sim_ask *a, int correct, long target, uint64_t h, tb_buf *b, int *rc)
{
	const tb_item *it = a->item;
	const char *type = it ? json_string_value(json_object_get(it->grader_spec, "type")) : NULL;
	size_t ph;
	long fill;

	if (!it) {
		static const char *const op[] = {"I", "am", "not", "sure", "which", "problem", "you",
						 "mean,", "but", "here", "is", "a", "general", "note."};

		put_words(b, rc, target < 14 ? 14 : target, h, op, 14);
		return;
	}
	if (type && strcmp(type, "exec") == 0) {
		const char *lang = json_string_value(json_object_get(it->grader_spec, "language"));
		int python = !lang || strcmp(lang, "python") == 0 || strcmp(lang, "python3") == 0 ||
			     strcmp(lang, "py") == 0;

		putf(b, rc, "Here is the solution:\n\n```%s\n", lang ? lang : "python");
		if (correct && it->reference)
			puts_(b, rc, it->reference);
		else if (!correct && it->wrong_reference)
			puts_(b, rc, it->wrong_reference);
		else
			put_broken_code(b, rc, it->reference ? it->reference : "", python);
		if (b->len && b->data[b->len - 1] != '\n')
			put(b, rc, "\n", 1);
		puts_(b, rc, "```");
		return;
	}
	if (!it->expected) {
		static const char *const op[] = {"Here", "is", "my", "response."};

		put_words(b, rc, target < 4 ? 4 : target, h, op, 4);
		return;
	}
	ph = phrase_for(it->lang);
	/* Filler only in English: a multilingual item's answer stays in its language. */
	fill = ph == 0 ? target - 5 : 0;
	if (fill > 0) {
		put_words(b, rc, fill, h, ans_opener, 6);
		put(b, rc, "\n\n", 2);
	}
	puts_(b, rc, phrases[ph].pre);
	if (correct)
		puts_(b, rc, it->expected);
	else
		put_wrong(b, rc, it->expected, sim_hash_u64(h, 5));
	puts_(b, rc, phrases[ph].post);
}

/* ---- conclusions inside the reasoning ------------------------------------------ */

/* A trace shorter than this states nothing before its answer; the first
 * statement leaves at least STATE_ROOM words after it for a doubt and a
 * second statement. */
#define STATE_MIN_WORDS 60
#define STATE_ROOM 40

/* The value a wrong answer gives: the same draw put_answer() makes. */
static void put_value(const sim_ask *a, int right, uint64_t h_answer, tb_buf *b, int *rc)
{
	if (right)
		puts_(b, rc, a->item->expected);
	else
		put_wrong(b, rc, a->item->expected, sim_hash_u64(h_answer, 5));
}

/* One step's conclusion, "So the answer is \boxed{V}." in the item's
 * language, ending its line: the first-correct measure reads steps line by
 * line and asks the item's grader about each. */
static void put_statement(const sim_ask *a, int right, uint64_t h_answer, tb_buf *b, int *rc)
{
	size_t ph = phrase_for(a->item->lang);

	put(b, rc, " ", 1);
	puts_(b, rc, phrases[ph].pre);
	put_value(a, right, h_answer, b, rc);
	puts_(b, rc, phrases[ph].post);
	put(b, rc, "\n\n", 2);
}

static const char *const doubts[] = {
	"Wait, that does not look right; let me check it again.",
	"But wait, I should verify this step once more.",
	"Alternatively, I can solve it another way.",
	"Hmm, wait, maybe I misread the condition.",
};

/* Appends the reasoning of a think sample whose final answer is `correct`
 * (1, 0; -1 unknown), `words` words in all. Long enough traces of items with
 * an expected value state a conclusion partway, at a fraction of the trace
 * drawn around the profile's first_statement:
 *   right answers: the right value (a fifth of them a wrong value first,
 *                  then a doubt, then the right one), sometimes re-checked;
 *   wrong answers: the wrong value, or (three in ten) the right value first,
 *                  then a doubt and the wrong one: found, then lost.
 * Only the text changes: whether the answer is right was decided before. */
static void put_reasoning(const sim_ask *a, int correct, long words, uint64_t hs, tb_buf *b, int *rc)
{
	static const char *const opener[] = {"Let", "me", "work", "through", "this", "step", "by", "step."};
	const tb_item *it = a->item;
	const char *type = it ? json_string_value(json_object_get(it->grader_spec, "type")) : NULL;
	uint64_t h = sim_hash_u64(hs, 6), h_answer = sim_hash_u64(hs, 7);
	double at = a->prof->first_statement * exp(0.4 * sim_normal(sim_hash_u64(hs, 8)));
	double u = sim_unit(sim_hash_u64(hs, 9));
	int first_right, second = 1, second_right;
	const char *doubt = doubts[sim_hash_u64(hs, 10) & 3];
	long pre, mid, used;
	size_t mark;

	if (!it || !it->expected || correct < 0 || words < STATE_MIN_WORDS || (type && strcmp(type, "exec") == 0)) {
		put_words(b, rc, words, h, opener, 8);
		return;
	}
	if (correct) {
		first_right = u >= 0.2;
		second_right = 1;
		second = !first_right || u >= 0.6;
		if (first_right)
			doubt = doubts[2 + (sim_hash_u64(hs, 10) & 1)];
	} else {
		first_right = u < 0.3;
		second_right = 0;
		second = first_right;
	}
	at = at < 0.05 ? 0.05 : at > 0.8 ? 0.8 : at;
	pre = lround(at * (double)words);
	if (pre > words - STATE_ROOM)
		pre = words - STATE_ROOM;
	put_words(b, rc, pre, h, opener, 8);
	mark = b->len;
	put_statement(a, first_right, h_answer, b, rc);
	if (second) {
		put(b, rc, doubt, strlen(doubt));
		put(b, rc, " ", 1);
	}
	used = pre + sim_count_words(b->data + mark, b->len - mark);
	mid = (words - used) / 2;
	if (second) {
		put_words(b, rc, mid, sim_hash_u64(h, 1), NULL, 0);
		mark = b->len;
		put_statement(a, second_right, h_answer, b, rc);
		used += mid + sim_count_words(b->data + mark, b->len - mark);
	}
	if (words > used)
		put_words(b, rc, words - used, sim_hash_u64(h, 2), NULL, 0);
	/* a value of many words could overrun the count the usage reports */
	cut_words(b, words);
}

int sim_generate(const sim_ask *a, sim_sample *o)
{
	const sim_profile *p = a->prof;
	uint64_t hi, hs;
	double z_item, u, acc = p->accuracy[a->mode];
	long reasoning = 0, target;
	int rc = TB_OK;

	memset(o, 0, sizeof(*o));
	tb_buf_init(&o->reasoning, TEXT_MAX);
	tb_buf_init(&o->answer, TEXT_MAX);
	o->mode = a->mode;
	o->finish = "stop";
	o->correct = -1;
	hi = sim_hash_str(sim_hash_u64(0x7b5eedULL, a->sim_seed), a->item_key);
	hs = sim_hash_str(hi, a->model);
	hs = sim_hash_u64(hs, (uint64_t)a->mode);
	hs = sim_hash_u64(hs, a->seed);
	z_item = sim_normal(sim_hash_u64(hi, 1));
	u = sim_correct_u(z_item, sim_normal(sim_hash_u64(hs, 2)));

	if (a->mode == TB_MODE_THINK) {
		double sd = p->reasoning_spread;
		double need = p->reasoning_tokens *
			      exp(sd * (0.6 * z_item + 0.8 * sim_normal(sim_hash_u64(hs, 3))) - sd * sd / 2);

		if (need < 16)
			need = 16;
		if (need > p->reasoning_tokens * 8)
			need = p->reasoning_tokens * 8;
		if (need > MAX_REASONING)
			need = MAX_REASONING;
		reasoning = lround(need);
		/* an endpoint that does not enforce the budget thinks as long as it needs */
		if (a->budget > 0 && a->budget < reasoning &&
		    !(sim_unit(sim_hash_u64(hs, 11)) < p->budget_ignored)) {
			if (a->budget * 2 < reasoning) {
				o->think_cut = 1;
				o->finish = "length";
			} else {
				acc = p->accuracy[TB_MODE_NOTHINK] +
				      (p->accuracy[TB_MODE_THINK] - p->accuracy[TB_MODE_NOTHINK]) *
					      (double)a->budget / (double)reasoning;
			}
			reasoning = a->budget;
		}
	}
	if (a->max_tokens > 0 && reasoning >= a->max_tokens && a->mode == TB_MODE_THINK) {
		reasoning = a->max_tokens;
		o->think_cut = 1;
		o->finish = "length";
	}
	if (!o->think_cut && a->item)
		o->correct = u < acc;
	else if (a->item)
		o->correct = 0;
	put_reasoning(a, o->correct, reasoning, hs, &o->reasoning, &rc);
	if (!o->think_cut) {
		target = lround(p->answer_tokens[a->mode] * (0.75 + 0.5 * sim_unit(sim_hash_u64(hs, 4))));
		put_answer(a, o->correct != 0, target, sim_hash_u64(hs, 7), &o->answer, &rc);
		o->answer_tokens = sim_count_words(tb_buf_str(&o->answer), o->answer.len);
		if (a->max_tokens > 0 && reasoning + o->answer_tokens > a->max_tokens) {
			o->answer_tokens = a->max_tokens - reasoning;
			cut_words(&o->answer, o->answer_tokens);
			o->finish = "length";
		}
	}
	o->reasoning_tokens = reasoning;
	return rc == TB_OK ? TB_OK : TB_NOMEM;
}

void sim_sample_release(sim_sample *s)
{
	tb_buf_release(&s->reasoning);
	tb_buf_release(&s->answer);
}

/* ---- wire --------------------------------------------------------------------- */

static void put_usage(tb_buf *b, int *rc, const sim_wire *w, const sim_sample *s)
{
	long completion = s->reasoning_tokens + s->answer_tokens;
	double cost = ((double)w->prompt_tokens * w->prof->price_prompt +
		       (double)completion * w->prof->price_completion) / 1e6;

	putf(b, rc,
	     "\"usage\":{\"prompt_tokens\":%ld,\"completion_tokens\":%ld,\"total_tokens\":%ld,"
	     "\"prompt_tokens_details\":{\"cached_tokens\":0},"
	     "\"completion_tokens_details\":{\"reasoning_tokens\":%ld},"
	     "\"cost\":%.10g,\"cost_details\":{\"upstream_inference_cost\":null}}",
	     w->prompt_tokens, completion, w->prompt_tokens + completion, s->reasoning_tokens, cost);
}

static void put_head(tb_buf *b, int *rc, const sim_wire *w, const char *object)
{
	putf(b, rc, "{\"id\":\"gen-sim-%ld\",\"object\":\"%s\",\"created\":%ld,\"model\":", w->gen_no,
	     object, w->created);
	put_json(b, rc, w->model, strlen(w->model));
	puts_(b, rc, ",\"provider\":\"thinkbench-sim\",");
}

/* Whether the trace goes into content (tags, lone) and is shown at all. */
static int trace_in_content(const sim_wire *w, const sim_sample *s)
{
	return (w->fmt == SIM_FMT_TAGS || w->fmt == SIM_FMT_LONE) && s->mode == TB_MODE_THINK &&
	       !w->exclude;
}

static const char *close_tag(const sim_wire *w, const sim_sample *s)
{
	if (trace_in_content(w, s))
		return s->think_cut ? "" : "\n</think>\n\n";
	/* Qwen3 still writes an empty think block when /no_think is used. */
	if (w->fmt == SIM_FMT_TAGS && w->soft_nothink)
		return "<think>\n\n</think>\n\n";
	return "";
}

int sim_body_json(const sim_wire *w, const sim_sample *s, int broken, tb_buf *out)
{
	const char *r = tb_buf_str(&s->reasoning);
	int show = s->mode == TB_MODE_THINK && !w->exclude;
	int rc = TB_OK;
	tb_buf content;

	tb_buf_init(&content, BODY_MAX);
	if (trace_in_content(w, s)) {
		if (w->fmt == SIM_FMT_TAGS)
			puts_(&content, &rc, "<think>\n");
		put(&content, &rc, r, s->reasoning.len);
	}
	puts_(&content, &rc, close_tag(w, s));
	put(&content, &rc, tb_buf_str(&s->answer), s->answer.len);

	put_head(out, &rc, w, "chat.completion");
	putf(out, &rc,
	     "\"choices\":[{\"index\":0,\"finish_reason\":\"%s\",\"native_finish_reason\":\"%s\","
	     "\"message\":{\"role\":\"assistant\",\"content\":",
	     s->finish, s->finish);
	put_json(out, &rc, tb_buf_str(&content), content.len);
	if (w->fmt == SIM_FMT_FIELD) {
		puts_(out, &rc, ",\"reasoning\":");
		if (show) {
			put_json(out, &rc, r, s->reasoning.len);
			puts_(out, &rc, ",\"reasoning_details\":[{\"type\":\"reasoning.text\",\"text\":");
			put_json(out, &rc, r, s->reasoning.len);
			puts_(out, &rc, ",\"format\":\"unknown\",\"index\":0}]");
		} else {
			puts_(out, &rc, "null");
		}
	} else if (w->fmt == SIM_FMT_CONTENT && show) {
		puts_(out, &rc, ",\"reasoning_content\":");
		put_json(out, &rc, r, s->reasoning.len);
	}
	puts_(out, &rc, "}}],");
	put_usage(out, &rc, w, s);
	puts_(out, &rc, "}");
	if (rc == TB_OK && broken) {
		out->len /= 2;
		out->data[out->len] = '\0';
	}
	tb_buf_release(&content);
	return rc;
}

static int add_mark(sim_stream *st, long tokens)
{
	if (st->n_marks == st->cap_marks) {
		size_t cap = st->cap_marks ? st->cap_marks * 2 : 64;
		sim_mark *m;

		if (cap > MAX_MARKS)
			return TB_TOOBIG;
		m = realloc(st->marks, cap * sizeof(*m));
		if (!m)
			return TB_NOMEM;
		st->marks = m;
		st->cap_marks = cap;
	}
	st->marks[st->n_marks].end = st->body.len;
	st->marks[st->n_marks].tokens = tokens;
	st->marks[st->n_marks].due = 0;
	st->n_marks++;
	return TB_OK;
}

typedef struct sse_ctx {
	const sim_wire *w;
	sim_stream *st;
	tb_buf prefix;   /* data: {...,"delta":{ */
	long chunk_no;
	long broken;
	int rc;
} sse_ctx;

/* One data chunk whose delta holds field: text (pre prepended to text). */
static void chunk(sse_ctx *c, const char *field, const char *pre, const char *text, size_t n,
		  long tokens)
{
	tb_buf *b = &c->st->body;
	int r;

	put(b, &c->rc, c->prefix.data, c->prefix.len);
	if (c->chunk_no++ == c->broken) {
		putf(b, &c->rc, "\"%s\":\n\n", field);
	} else {
		putf(b, &c->rc, "\"%s\":", field);
		if (*pre) {
			tb_buf t;

			tb_buf_init(&t, TEXT_MAX);
			puts_(&t, &c->rc, pre);
			put(&t, &c->rc, text, n);
			put_json(b, &c->rc, tb_buf_str(&t), t.len);
			tb_buf_release(&t);
		} else {
			put_json(b, &c->rc, text, n);
		}
		puts_(b, &c->rc, "},\"finish_reason\":null,\"native_finish_reason\":null}]}\n\n");
	}
	if (c->rc == TB_OK) {
		r = add_mark(c->st, tokens);
		if (r != TB_OK)
			c->rc = r;
	}
}

/* Sends text in pieces of a few words; pre goes with the first piece. */
static void pieces(sse_ctx *c, const char *field, const char *pre, const char *text, size_t len,
		   long *tokens)
{
	size_t pos = 0;

	for (size_t guard = 0; pos < len && guard <= len && c->rc == TB_OK; guard++) {
		long words;
		size_t end = next_piece(text, len, pos, WORDS_PER_CHUNK, &words);

		*tokens += words;
		chunk(c, field, pos == 0 ? pre : "", text + pos, end - pos, *tokens);
		pos = end;
	}
}

int sim_body_sse(const sim_wire *w, const sim_sample *s, long broken_chunk, sim_stream *out)
{
	sse_ctx c = {.w = w, .st = out, .broken = broken_chunk, .rc = TB_OK};
	const char *r = tb_buf_str(&s->reasoning), *a = tb_buf_str(&s->answer);
	const char *close = close_tag(w, s);
	long tokens = 0, total = s->reasoning_tokens + s->answer_tokens;

	memset(out, 0, sizeof(*out));
	tb_buf_init(&out->body, BODY_MAX);
	tb_buf_init(&c.prefix, 4096);
	puts_(&c.prefix, &c.rc, "data: ");
	put_head(&c.prefix, &c.rc, w, "chat.completion.chunk");
	puts_(&c.prefix, &c.rc, "\"choices\":[{\"index\":0,\"delta\":{");

	puts_(&out->body, &c.rc, ": OPENROUTER PROCESSING\n\n");
	if (c.rc == TB_OK)
		c.rc = add_mark(out, 0);
	put(&out->body, &c.rc, c.prefix.data, c.prefix.len);
	if (c.chunk_no++ == c.broken)
		puts_(&out->body, &c.rc, "\"role\":\n\n");
	else
		puts_(&out->body, &c.rc,
		      "\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null,"
		      "\"native_finish_reason\":null}]}\n\n");
	if (c.rc == TB_OK)
		c.rc = add_mark(out, 0);

	if (s->mode == TB_MODE_THINK) {
		if (w->exclude)
			tokens = s->reasoning_tokens;
		else if (w->fmt == SIM_FMT_FIELD)
			pieces(&c, "reasoning", "", r, s->reasoning.len, &tokens);
		else if (w->fmt == SIM_FMT_CONTENT)
			pieces(&c, "reasoning_content", "", r, s->reasoning.len, &tokens);
		else
			pieces(&c, "content", w->fmt == SIM_FMT_TAGS ? "<think>\n" : "", r,
			       s->reasoning.len, &tokens);
	}
	if (s->answer.len)
		pieces(&c, "content", close, a, s->answer.len, &tokens);
	else if (*close)
		chunk(&c, "content", close, "", 0, tokens);

	put(&out->body, &c.rc, c.prefix.data, c.prefix.len);
	if (c.chunk_no++ == c.broken)
		puts_(&out->body, &c.rc, "},\"finish_reason\":\n\n");
	else
		putf(&out->body, &c.rc, "},\"finish_reason\":\"%s\",\"native_finish_reason\":\"%s\"}]}\n\n",
		     s->finish, s->finish);
	if (c.rc == TB_OK)
		c.rc = add_mark(out, total);

	puts_(&out->body, &c.rc, "data: ");
	put_head(&out->body, &c.rc, w, "chat.completion.chunk");
	puts_(&out->body, &c.rc, "\"choices\":[],");
	put_usage(&out->body, &c.rc, w, s);
	puts_(&out->body, &c.rc, "}\n\ndata: [DONE]\n\n");
	if (c.rc == TB_OK)
		c.rc = add_mark(out, total);
	tb_buf_release(&c.prefix);
	return c.rc;
}

int sim_midstream_error(const sim_wire *w, int sse, tb_buf *out)
{
	int rc = TB_OK;

	if (sse)
		puts_(out, &rc, "data: ");
	put_head(out, &rc, w, sse ? "chat.completion.chunk" : "chat.completion");
	puts_(out, &rc,
	      "\"error\":{\"code\":502,\"message\":\"Provider disconnected mid-generation (simulated)\","
	      "\"metadata\":{\"error_type\":\"provider_error\",\"provider_name\":\"thinkbench-sim\"}},"
	      "\"choices\":[{\"index\":0,");
	puts_(out, &rc, sse ? "\"delta\":{\"content\":\"\"}"
			    : "\"message\":{\"role\":\"assistant\",\"content\":\"\"}");
	puts_(out, &rc, ",\"finish_reason\":\"error\",\"native_finish_reason\":\"error\"}]}");
	if (sse)
		puts_(out, &rc, "\n\n");
	return rc;
}

int sim_error_body(tb_buf *out, int code, const char *message, const char *error_type)
{
	int rc = TB_OK;

	putf(out, &rc, "{\"error\":{\"code\":%d,\"message\":", code);
	put_json(out, &rc, message, strlen(message));
	puts_(out, &rc, ",\"metadata\":{\"error_type\":");
	put_json(out, &rc, error_type, strlen(error_type));
	puts_(out, &rc, ",\"provider_name\":\"thinkbench-sim\"}}}");
	return rc;
}

void sim_stream_release(sim_stream *st)
{
	tb_buf_release(&st->body);
	free(st->marks);
	memset(st, 0, sizeof(*st));
}
