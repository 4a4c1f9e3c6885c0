#include "traceinfo.h"

#include <ctype.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "extract.h"

/* A conclusion this close to the end of a reasoning with no answer text is
 * the answer landing in the reasoning field. */
#define TRACE_TAIL_BYTES 2048
/* Counts below this are too small to call a disagreement. */
#define DISAGREE_FLOOR 16
/* "= <number>" ends a step when at most this much follows the "=". */
#define EQ_TAIL_BYTES 48

/* ---- token estimate ---- */

/* The code point starting at s[i] (i on a lead byte), and its length. */
static uint32_t decode(const unsigned char *s, size_t n, size_t i, size_t *len)
{
	unsigned char c = s[i];
	size_t k = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
	uint32_t cp = k == 4 ? c & 0x07u : k == 3 ? c & 0x0Fu : k == 2 ? c & 0x1Fu : c;

	if (i + k > n)
		k = n - i;
	for (size_t j = 1; j < k; j++)
		cp = (cp << 6) | (s[i + j] & 0x3Fu);
	*len = k ? k : 1;
	return cp;
}

static int wide_script(uint32_t cp)
{
	return (cp >= 0x3000 && cp <= 0x9FFF) || (cp >= 0xAC00 && cp <= 0xD7AF) ||
	       (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x2FFFF);
}

long traceinfo_estimate_tokens(const char *text, size_t n)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t ascii = 0, other = 0, wide = 0, i = 0;

	while (s && i < n) {
		size_t len;

		if (s[i] < 0x80) {
			ascii++;
			i++;
			continue;
		}
		if (wide_script(decode(s, n, i, &len)))
			wide++;
		else
			other++;
		i += len;
	}
	return (long)((ascii + 3) / 4 + wide + (other + 1) / 2);
}

/* ---- switch phrases ---- */

typedef struct switch_list {
	const char *lang;       /* primary language subtag */
	int no_spaces;          /* written without spaces: no word bounds */
	const char *const *phrases;
} switch_list;

/* Phrases that turn a line of thought: a doubt, a check, another way. */
static const char *const sw_en[] = {"wait", "alternatively", "hold on", "on second thought",
				     "let me reconsider", "let me double-check", "hmm", NULL};
static const char *const sw_es[] = {"espera", "alternativamente", "pensándolo bien", "un momento", NULL};
static const char *const sw_fr[] = {"attends", "attendez", "alternativement", "réflexion faite", NULL};
static const char *const sw_de[] = {"warte", "moment mal", "alternativ", "andererseits", NULL};
static const char *const sw_ru[] = {"подожди", "Подожди", "погоди", "Погоди", "альтернативно",
				     "Альтернативно", "хотя нет", "Хотя нет", NULL};
static const char *const sw_zh[] = {"等等", "等一下", "或者说", "不对", NULL};
static const char *const sw_ja[] = {"待って", "待てよ", "あるいは", "いや、", NULL};
static const char *const sw_th[] = {"เดี๋ยวก่อน", "หรืออีกทางหนึ่ง", "เดี๋ยว", NULL};
static const char *const sw_sw[] = {"subiri", "ngoja", "vinginevyo", NULL};
static const char *const sw_bn[] = {"অপেক্ষা করুন", "দাঁড়াও", "বিকল্পভাবে", NULL};
static const char *const sw_te[] = {"ఆగండి", "ఆగు", "ప్రత్యామ్నాయంగా", NULL};

static const switch_list switch_lists[] = {
	{"en", 0, sw_en}, {"es", 0, sw_es}, {"fr", 0, sw_fr}, {"de", 0, sw_de},
	{"ru", 0, sw_ru}, {"zh", 1, sw_zh}, {"ja", 1, sw_ja}, {"th", 1, sw_th},
	{"sw", 0, sw_sw}, {"bn", 0, sw_bn}, {"te", 0, sw_te},
};

static const switch_list *switch_find(const char *lang)
{
	size_t k = 0;

	if (!lang)
		return NULL;
	while (lang[k] && lang[k] != '-' && lang[k] != '_')
		k++;
	for (size_t i = 0; i < sizeof(switch_lists) / sizeof(switch_lists[0]); i++)
		if (strlen(switch_lists[i].lang) == k && strncasecmp(switch_lists[i].lang, lang, k) == 0)
			return &switch_lists[i];
	return NULL;
}

/* A letter or digit of any script: ASCII alphanumerics and every
 * non-ASCII byte (scripts with spaces put them between words). */
static int wordish(unsigned char c)
{
	return c >= 0x80 || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* Each phrase's matches counted apart, none overlapping another of the same
 * phrase, in one pass: a byte that starts no phrase costs a table look-up. */
static long count_list(const char *s, size_t n, const switch_list *l)
{
	enum { MAX_PHRASES = 32 };
	uint32_t starts[256] = {0};
	size_t len[MAX_PHRASES], next[MAX_PHRASES] = {0};
	long count = 0;
	int np;

	for (np = 0; np < MAX_PHRASES && l->phrases[np]; np++) {
		unsigned char c = (unsigned char)l->phrases[np][0];

		len[np] = strlen(l->phrases[np]);
		/* the first byte both ways strncasecmp() matches it */
		starts[tolower(c)] |= 1u << np;
		starts[toupper(c)] |= 1u << np;
	}
	for (size_t i = 0; i < n; i++) {
		uint32_t m = starts[(unsigned char)s[i]];

		if (m && !l->no_spaces && i > 0 && wordish((unsigned char)s[i - 1]))
			continue; /* inside a word */
		for (int k = 0; m; k++, m >>= 1) {
			if (!(m & 1) || i < next[k] || len[k] > n - i ||
			    strncasecmp(s + i, l->phrases[k], len[k]) != 0)
				continue;
			if (!l->no_spaces && i + len[k] < n && wordish((unsigned char)s[i + len[k]]))
				continue;
			count++;
			next[k] = i + len[k];
		}
	}
	return count;
}

long traceinfo_count_switches(const char *s, size_t n, const char *lang)
{
	const switch_list *en = switch_find("en"), *l = switch_find(lang);
	long count;

	if (!s)
		return 0;
	count = count_list(s, n, en);
	if (l && l != en)
		count += count_list(s, n, l);
	return count;
}

/* ---- loops ---- */

static uint64_t window_hash(const unsigned char *p)
{
	uint64_t h = 1469598103934665603ull;

	for (size_t i = 0; i < TRACE_LOOP_BYTES; i++)
		h = (h ^ p[i]) * 1099511628211ull;
	return h | 1; /* 0 marks an empty slot */
}

int traceinfo_has_loop(const char *text, size_t n)
{
	enum { SLOTS = 1u << 17 }; /* > 2 x TRACE_LOOP_SPAN windows */
	const unsigned char *s = (const unsigned char *)text;
	uint64_t *keys;
	uint32_t *counts;
	size_t from;
	int loop = 0;

	if (!s || n < (size_t)TRACE_LOOP_BYTES * TRACE_LOOP_REPEATS)
		return 0;
	from = n > TRACE_LOOP_SPAN ? n - TRACE_LOOP_SPAN : 0;
	keys = calloc(SLOTS, sizeof(*keys));
	counts = calloc(SLOTS, sizeof(*counts));
	if (!keys || !counts)
		goto out;
	for (size_t i = from; i + TRACE_LOOP_BYTES <= n && !loop; i++) {
		uint64_t h;
		size_t slot;

		if ((s[i] & 0xC0) == 0x80) /* windows start on characters */
			continue;
		h = window_hash(s + i);
		slot = (size_t)(h & (SLOTS - 1));
		while (keys[slot] && keys[slot] != h)
			slot = (slot + 1) & (SLOTS - 1);
		keys[slot] = h;
		loop = ++counts[slot] >= TRACE_LOOP_REPEATS;
	}
out:
	free(keys);
	free(counts);
	return loop;
}

/* ---- first correct ---- */

static int is_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* "... = 42." at the end of a step: a number right after the last "=",
 * followed only by punctuation, closing math or space. */
static int ends_with_eq_number(const char *s, size_t n)
{
	const char *eq = NULL;
	size_t from, end;
	gr_num num;

	for (size_t i = n; i-- > 0;)
		if (s[i] == '=') {
			eq = s + i;
			break;
		}
	if (!eq)
		return 0;
	from = (size_t)(eq - s) + 1;
	if (n - from > EQ_TAIL_BYTES || !gr_next_number(s, n, from, 0, &num))
		return 0;
	for (size_t i = from; i < num.off; i++)
		if (!is_space((unsigned char)s[i]) && s[i] != '$' && s[i] != '\\')
			return 0;
	for (end = num.off + num.len; end < n; end++)
		if (!is_space((unsigned char)s[end]) && !strchr(".,;:!$)]}\\%", s[end]))
			return 0;
	return 1;
}

static int is_conclusion(const char *s, size_t n)
{
	gr_span sp;

	return gr_find_boxed(s, n, &sp) || gr_find_phrase(s, n, &sp) || ends_with_eq_number(s, n);
}

size_t traceinfo_first_correct(const char *s, size_t n, trace_judge_fn judge, void *ud)
{
	size_t start = 0, asked = 0;

	if (!s || !judge)
		return (size_t)-1;
	while (start < n && asked < TRACE_MAX_STEPS) {
		const char *nl = memchr(s + start, '\n', n - start);
		size_t end = nl ? (size_t)(nl - s) : n;

		if (end > start && is_conclusion(s + start, end - start)) {
			asked++;
			if (judge(ud, s + start, end - start) == 1)
				return end;
		}
		start = end + 1;
	}
	return (size_t)-1;
}

/* ---- one sample ---- */

static int blank(const char *s)
{
	for (; s && *s; s++)
		if (!is_space((unsigned char)*s))
			return 0;
	return 1;
}

static void count_tokens(const tb_sample *s, size_t rlen, size_t alen, tb_trace_metrics *m)
{
	long r_est = traceinfo_estimate_tokens(s->reasoning, rlen);
	long hi = r_est > s->reasoning_tokens ? r_est : s->reasoning_tokens;
	long lo = r_est > s->reasoning_tokens ? s->reasoning_tokens : r_est;

	if (s->reasoning_tokens >= 0) {
		m->reasoning_tokens = s->reasoning_tokens;
		m->reasoning_source = TB_TOK_USAGE;
		m->reasoning_disagrees = hi >= DISAGREE_FLOOR && (double)hi > TRACE_DISAGREE_FACTOR * (double)lo;
	} else {
		m->reasoning_tokens = r_est;
		m->reasoning_source = rlen ? TB_TOK_ESTIMATE : TB_TOK_NONE;
	}
	if (s->completion_tokens >= 0 && (s->reasoning_tokens >= 0 || rlen == 0)) {
		long a = s->completion_tokens - (s->reasoning_tokens > 0 ? s->reasoning_tokens : 0);

		m->answer_tokens = a > 0 ? a : 0;
		m->answer_source = TB_TOK_USAGE;
	} else {
		m->answer_tokens = traceinfo_estimate_tokens(s->answer, alen);
		m->answer_source = alen ? TB_TOK_ESTIMATE : TB_TOK_NONE;
	}
}

static void timings(const tb_sample *s, tb_trace_metrics *m)
{
	if (isfinite(s->ttft_ms) && isfinite(s->ttfa_ms) && s->ttfa_ms >= s->ttft_ms)
		m->reasoning_ms = s->ttfa_ms - s->ttft_ms;
	if (isfinite(m->reasoning_ms) && m->reasoning_ms > 0 && m->reasoning_tokens > 0)
		m->reasoning_tps = (double)m->reasoning_tokens * 1000.0 / m->reasoning_ms;
	if (isfinite(s->total_ms) && isfinite(s->ttfa_ms) && s->total_ms > s->ttfa_ms && m->answer_tokens > 0)
		m->answer_tps = (double)m->answer_tokens * 1000.0 / (s->total_ms - s->ttfa_ms);
}

static void first_correct(const tb_sample *s, size_t rlen, trace_judge_fn judge, void *ud,
			  tb_trace_metrics *m)
{
	size_t at = traceinfo_first_correct(s->reasoning, rlen, judge, ud);
	long est_all, est_at, t = m->reasoning_tokens;

	if (at == (size_t)-1)
		return;
	est_all = traceinfo_estimate_tokens(s->reasoning, rlen);
	est_at = traceinfo_estimate_tokens(s->reasoning, at);
	/* the text's share of the counted tokens, where the server counted them */
	m->first_correct_tokens = est_all > 0 ? (long)llround((double)t * (double)est_at / (double)est_all) : 0;
	m->after_correct_tokens = t - m->first_correct_tokens;
	if (t > 0)
		m->first_correct_frac = (double)m->first_correct_tokens / (double)t;
	m->found_then_lost = tb_outcome_is_graded(s->outcome) && s->outcome != TB_OUT_CORRECT;
}

void traceinfo_compute(const tb_sample *s, trace_judge_fn judge, void *judge_ud, tb_trace_metrics *m)
{
	size_t rlen = s->reasoning ? strlen(s->reasoning) : 0;
	size_t alen = s->answer ? strlen(s->answer) : 0;
	int no_answer = blank(s->answer);
	int think = s->mode && strcmp(s->mode, "think") == 0;

	memset(m, 0, sizeof(*m));
	m->reasoning_ms = m->reasoning_tps = m->answer_tps = m->first_correct_frac = NAN;
	m->first_correct_tokens = m->after_correct_tokens = -1;
	count_tokens(s, rlen, alen, m);
	timings(s, m);
	first_correct(s, rlen, judge, judge_ud, m);
	m->switches = traceinfo_count_switches(s->reasoning, rlen, s->lang);
	m->reasoning_only = !blank(s->reasoning) && no_answer;
	if (no_answer && rlen) {
		size_t from = rlen > TRACE_TAIL_BYTES ? rlen - TRACE_TAIL_BYTES : 0;
		gr_span sp;

		m->answer_in_reasoning = gr_find_boxed(s->reasoning + from, rlen - from, &sp) ||
					 gr_find_phrase(s->reasoning + from, rlen - from, &sp);
	}
	m->loop = traceinfo_has_loop(s->reasoning, rlen) || traceinfo_has_loop(s->answer, alen);
	if (s->finish_reason && strcmp(s->finish_reason, "length") == 0)
		m->capped = no_answer ? TB_CAP_THINKING : TB_CAP_ANSWER;
	m->mode_disobeyed = s->mode_leak != 0;
	m->budget_exceeded = think && s->budget > 0 && m->reasoning_source != TB_TOK_NONE &&
			     (double)m->reasoning_tokens > (double)s->budget * (1.0 + TRACE_BUDGET_SLACK);
}

const char *traceinfo_source_name(tb_tok_source s)
{
	return s == TB_TOK_USAGE ? "usage" : s == TB_TOK_ESTIMATE ? "estimate" : "";
}

const char *traceinfo_capped_name(tb_capped_at c)
{
	return c == TB_CAP_THINKING ? "thinking" : c == TB_CAP_ANSWER ? "answer" : "";
}
