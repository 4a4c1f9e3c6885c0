/* Answer extraction: see extract.h. */
#include "extract.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "normalize.h"
#include "text.h"

#define PHRASE_SPAN 300
#define SENTENCE_MAX 400
#define PHRASES_PER_BYTE 16
#define MAX_RUNS 12

size_t gr_tail_start(const char *s, size_t n)
{
	size_t b;

	if (n <= GR_TAIL_BYTES)
		return 0;
	b = n - GR_TAIL_BYTES;
	while (b < n && ((unsigned char)s[b] & 0xC0) == 0x80)
		b++;
	return b;
}

size_t gr_brace_end(const char *s, size_t n, size_t i)
{
	int depth = 0;

	for (; i < n; i++) {
		if (s[i] == '\\' && i + 1 < n && (s[i + 1] == '{' || s[i + 1] == '}')) {
			i++;
			continue;
		}
		if (s[i] == '{')
			depth++;
		else if (s[i] == '}' && --depth == 0)
			return i + 1;
	}
	return 0;
}

typedef struct box {
	size_t cmd;      /* the backslash of \boxed */
	size_t off, len; /* the content */
} box;

#define BOX_RING 16

/* "\boxed" or "\fbox" at s[i]: the command's length, else 0. */
static size_t box_cmd(const char *s, size_t n, size_t i)
{
	static const char *const cmds[] = {"\\boxed", "\\fbox"};

	for (size_t k = 0; k < 2; k++) {
		size_t l = strlen(cmds[k]);

		if (i + l <= n && memcmp(s + i, cmds[k], l) == 0 &&
		    (i + l == n || !isalpha((unsigned char)s[i + l])))
			return l;
	}
	return 0;
}

/* One pass: the complete boxes in the order their braces close, the last
 * BOX_RING kept in ring[] (index count % BOX_RING). Returns the count. */
static size_t scan_boxes(const char *s, size_t n, box *ring)
{
	size_t open[GR_BOX_DEPTH], cmd[GR_BOX_DEPTH], count = 0, pending = (size_t)-1;
	unsigned char isbox[GR_BOX_DEPTH];
	size_t depth = 0;

	for (size_t i = 0; i < n; i++) {
		size_t l;

		/* Most bytes are none of \ { }: skip them in a tight loop. */
		while (i < n && s[i] != '\\' && s[i] != '{' && s[i] != '}')
			i++;
		if (i >= n)
			break;
		if (s[i] == '\\') {
			if (i + 1 < n && (s[i + 1] == '{' || s[i + 1] == '}')) {
				i++;
				continue;
			}
			if (i + 1 < n && (s[i + 1] == 'b' || s[i + 1] == 'f') && (l = box_cmd(s, n, i)) != 0) {
				size_t j = i + l, e;

				while (j < n && (s[j] == ' ' || s[j] == '\t'))
					j++;
				if (j < n && s[j] == '{') {
					pending = i;
					i = j - 1;
					continue;
				}
				/* "\boxed 5": up to the next space, $ or end. */
				for (e = j; e < n && !strchr(" \t\n$", s[e]); e++)
					;
				if (e > j) {
					ring[count++ % BOX_RING] = (box){i, j, e - j};
					i = e - 1;
				}
			}
			continue;
		}
		if (s[i] == '{') {
			if (depth < GR_BOX_DEPTH) {
				open[depth] = i;
				cmd[depth] = pending;
				isbox[depth] = pending != (size_t)-1;
			}
			depth++;
			pending = (size_t)-1;
		} else if (s[i] == '}' && depth > 0) {
			depth--;
			if (depth < GR_BOX_DEPTH && isbox[depth])
				ring[count++ % BOX_RING] = (box){cmd[depth], open[depth] + 1, i - open[depth] - 1};
		}
	}
	return count;
}

int gr_find_boxed(const char *s, size_t n, gr_span *out)
{
	box ring[BOX_RING];
	size_t count = scan_boxes(s, n, ring);

	if (!count)
		return 0;
	out->off = ring[(count - 1) % BOX_RING].off;
	out->len = ring[(count - 1) % BOX_RING].len;
	return 1;
}

/* Whether the text between two boxes only joins them: spaces, $, commas,
 * "and", "or", \quad, \text{ and }, a short label "y =". */
static int joins_boxes(const char *s, size_t b, size_t e)
{
	static const char *const words[] = {"and", "or", "text", "quad", "qquad", "mathrm", "mbox",
					    "textbf", NULL};

	if (e < b || e - b > 48)
		return 0;
	for (size_t i = b; i < e;) {
		size_t l = 0;

		while (i + l < e && isalpha((unsigned char)s[i + l]))
			l++;
		if (l > 1) {
			int ok = 0;

			for (int k = 0; words[k] && !ok; k++)
				ok = strlen(words[k]) == l && strncasecmp(s + i, words[k], l) == 0;
			if (!ok)
				return 0;
			i += l;
			continue;
		}
		if (!l && !strchr(" \t\n$,;&=_{}()[]\\:", s[i]))
			return 0;
		i += l ? l : 1;
	}
	return 1;
}

int gr_final_boxes(const char *s, size_t n, gr_span *out, int max)
{
	box ring[BOX_RING], parts[BOX_RING];
	size_t count = scan_boxes(s, n, ring), first = count > BOX_RING ? count - BOX_RING : 0;
	int np = 0;

	if (!count || max < 1)
		return 0;
	parts[np++] = ring[(count - 1) % BOX_RING];
	for (size_t k = count - 1; k-- > first && np < max && np < BOX_RING;) {
		box prev = ring[k % BOX_RING], cur = parts[np - 1];

		if (prev.off >= cur.off) /* inside the later box */
			continue;
		if (!joins_boxes(s, prev.off + prev.len + (prev.off > 0 && s[prev.off - 1] == '{'), cur.cmd))
			break;
		parts[np++] = prev;
	}
	for (int k = 0; k < np; k++) {
		out[k].off = parts[np - 1 - k].off;
		out[k].len = parts[np - 1 - k].len;
	}
	return np;
}

/* Answer phrases, lower case where the script has case (matching folds ASCII
 * letters only, so Cyrillic is listed in both cases). */
static const char *const phrases[] = {
	/* en */ "answer is", "answer:", "answer :",
	/* de */ "antwort ist", "antwort lautet", "antwort:",
	/* es */ "respuesta es", "respuesta:", "respuesta final es",
	/* fr */ "réponse est", "réponse :", "réponse:", "réponse finale est",
	/* it, pt */ "risposta è", "risposta:", "resposta é", "resposta:",
	/* ru */ "ответ:", "ответ —", "ответ –", "ответ -", "ответ равен", "ответ будет",
	"Ответ:", "Ответ —", "Ответ –", "Ответ -", "Ответ равен", "Ответ будет",
	/* sw */ "jibu ni", "jibu:",
	/* ja */ "答えは", "答え：", "答え:", "答：", "解答：",
	/* zh */ "答案是", "答案：", "答案:", "答案为", "答案為",
	/* bn */ "উত্তর হল", "উত্তর হলো", "উত্তর হবে", "উত্তর:", "উত্তর：",
	/* te */ "సమాధానం", "జవాబు",
	/* th */ "คำตอบคือ", "คำตอบ คือ", "คำตอบ:", "ตอบ:",
	/* ko */ "답은", "답:", "정답:",
	/* hi */ "उत्तर है", "उत्तर:", "जवाब है",
	/* ar */ "الإجابة هي", "الجواب هو", "الإجابة:", "الجواب:",
	/* vi, id, tr */ "đáp án là", "câu trả lời là", "jawabannya adalah", "jawaban:",
	"cevap:", "yanıt:",
};

static int phrase_at(const char *s, size_t n, size_t i, const char *p)
{
	size_t k = 0;

	for (; p[k]; k++) {
		unsigned char a, b = (unsigned char)p[k];

		if (i + k >= n)
			return 0;
		a = (unsigned char)s[i + k];
		if (a != b && !(a < 0x80 && tolower(a) == b))
			return 0;
	}
	return (int)k;
}

/* "answer is", "answer:", "answer (in arabic numerals) is" at s[i]: the
 * index after it, or 0. */
static size_t english_answer(const char *s, size_t n, size_t i)
{
	size_t j = i + 6;

	if (j > n || strncasecmp(s + i, "answer", 6) != 0)
		return 0;
	if (j < n && (s[j] == 's' || s[j] == 'S'))
		j++; /* "the answers are 4 and 9" */
	while (j < n && s[j] == ' ')
		j++;
	if (j < n && s[j] == '(') {
		const char *close = memchr(s + j, ')', n - j < 60 ? n - j : 60);

		if (!close)
			return 0;
		j = (size_t)(close - s) + 1;
		while (j < n && s[j] == ' ')
			j++;
	}
	if (j < n && s[j] == ':')
		return j + 1;
	if (j + 2 <= n && strncasecmp(s + j, "is", 2) == 0 && (j + 2 == n || !isalpha((unsigned char)s[j + 2])))
		return j + 2 + (j + 2 < n && s[j + 2] == ':');
	if (j + 3 <= n && strncasecmp(s + j, "are", 3) == 0 && (j + 3 == n || !isalpha((unsigned char)s[j + 3])))
		return j + 3 + (j + 3 < n && s[j + 3] == ':');
	return 0;
}

/* The last answer phrase: where it starts and where its answer begins. */
static int last_phrase(const char *s, size_t n, size_t *at, size_t *after)
{
	/* The phrases by first byte, so each position tries only its own. */
	unsigned char first[256] = {0}, byfirst[256][PHRASES_PER_BYTE];
	const size_t np = sizeof(phrases) / sizeof(phrases[0]);

	unsigned char hit[256] = {0};

	for (size_t k = 0; k < np; k++) {
		unsigned char c = (unsigned char)phrases[k][0];

		if (first[c] < PHRASES_PER_BYTE)
			byfirst[c][first[c]++] = (unsigned char)k;
		hit[c] = hit[toupper(c)] = 1;
	}
	hit['f'] = hit['F'] = 1;
	/* Backwards, so the last phrase is the first found. */
	for (size_t i = n; i-- > 0;) {
		unsigned char c = (unsigned char)s[i];
		size_t e;

		if (!hit[c])
			continue;
		if (c < 0x80)
			c = (unsigned char)tolower(c);
		/* A Latin phrase must start a word: "xanswer:" is none. */
		if (c < 0x80 && isalpha(c) && i > 0 && isalpha((unsigned char)s[i - 1]))
			continue;
		if (c == 'a' && (e = english_answer(s, n, i)) != 0) {
			*at = i;
			*after = e;
			return 1;
		}
		if (c == 'f' && n - i >= 12 && strncasecmp(s + i, "final answer", 12) == 0) {
			*at = i;
			*after = i + 12;
			return 1;
		}
		for (size_t k = 0; k < first[c]; k++) {
			int l = phrase_at(s, n, i, phrases[byfirst[c][k]]);

			if (!l)
				continue;
			*at = i;
			*after = i + (size_t)l;
			return 1;
		}
	}
	return 0;
}

int gr_find_phrase(const char *s, size_t n, gr_span *out)
{
	size_t at, e;

	if (!last_phrase(s, n, &at, &out->off))
		return 0;
	e = out->off;
	while (e < n && e - out->off < PHRASE_SPAN && s[e] != '\n')
		e++;
	out->len = e - out->off;
	return 1;
}

/* The index of the delimiter that closes math opened at s[i] ("$", "$$",
 * "\(", "\["), or 0; *open gets the opening's length. */
static size_t math_close(const char *s, size_t n, size_t i, size_t *open, size_t cap)
{
	const char *close;
	size_t ol, cl, lim;

	if (s[i] == '$') {
		ol = i + 1 < n && s[i + 1] == '$' ? 2 : 1;
		close = ol == 2 ? "$$" : "$";
	} else if (i + 1 < n && s[i] == '\\' && (s[i + 1] == '(' || s[i + 1] == '[')) {
		ol = 2;
		close = s[i + 1] == '(' ? "\\)" : "\\]";
	} else {
		return 0;
	}
	cl = strlen(close);
	lim = n - i > cap ? i + cap : n;
	for (size_t k = i + ol; k + cl <= lim; k++) {
		if (s[k] == '\\' && close[0] == '$') {
			k++;
			continue;
		}
		if (memcmp(s + k, close, cl) == 0) {
			*open = ol;
			return k;
		}
	}
	return 0;
}

/* The end of the sentence that starts at i: a new line, or a full stop,
 * ! or ? before a space or the end (not a decimal point), at most cap
 * bytes; math in $...$ is skipped over whole. */
static size_t sentence_end(const char *s, size_t n, size_t i, size_t cap)
{
	size_t lim = n - i > cap ? i + cap : n;

	for (size_t k = i; k < lim; k++) {
		size_t ol, c;

		if ((s[k] == '$' || s[k] == '\\') && (c = math_close(s, n, k, &ol, cap)) != 0) {
			k = c + (s[k] == '$' ? ol : 2) - 1;
			continue;
		}
		if (s[k] == '\n')
			return k;
		if ((s[k] == '.' || s[k] == '!' || s[k] == '?') &&
		    (k + 1 == n || s[k + 1] == ' ' || s[k + 1] == '\n' || s[k + 1] == '*'))
			return k;
		if (k + 3 <= n && memcmp(s + k, "\xe3\x80\x82", 3) == 0) /* 。 */
			return k;
	}
	return lim;
}

static int word_at(const char *s, size_t n, size_t i, const char *w)
{
	size_t l = strlen(w);

	return i + l <= n && strncasecmp(s + i, w, l) == 0 && (i == 0 || !isalpha((unsigned char)s[i - 1])) &&
	       (i + l == n || !isalpha((unsigned char)s[i + l]));
}

/* A comma before a word starts a clause ("11, also elf Bälle"), unless the
 * word keeps the list or hedge going ("1, 2, and 3", "12, maybe 13"). */
static int comma_clause(const char *s, size_t n, size_t i)
{
	static const char *const keep[] = {"and", "or", "maybe", "perhaps", "possibly", "probably",
					   "but", "not", "either", "nor", "otherwise", "alternatively",
					   "if", "unless", NULL};
	size_t l = 0;

	while (i < n && s[i] == ' ')
		i++;
	if (i < n && (unsigned char)s[i] >= 0x80) {
		uint32_t cp;

		tb_text_utf8_next(s + i, n - i, &cp);
		return gr_digit_value(cp) < 0;
	}
	while (i + l < n && isalpha((unsigned char)s[i + l]))
		l++;
	if (l < 2)
		return 0;
	for (int k = 0; keep[k]; k++)
		if (word_at(s, n, i, keep[k]))
			return 0;
	return 1;
}

/* Whether the bracket opened at s[i] holds a digit before it closes. */
static int digit_before_close(const char *s, size_t n, size_t i)
{
	for (size_t k = i + 1; k < n && s[k] != ')'; k++)
		if (isdigit((unsigned char)s[k]))
			return 1;
	return 0;
}

/* A plain sentence after an answer phrase: cut at a clause ("which",
 * "because") or a parenthetical note, and start after its last "is". */
static void plain_answer(const char *s, size_t *b, size_t *e)
{
	static const char *const clauses[] = {"which", "because", "since", "so", "as", "where",
					      "when", "hence", "therefore", "thus", "meaning", NULL};
	static const char *const verbs[] = {"is", "are", "equals", "was", "be", NULL};
	size_t from = *b;

	for (size_t k = *b; k < *e; k++) {
		size_t ol, c;

		if ((s[k] == '$' || s[k] == '\\') && (c = math_close(s, *e, k, &ol, *e - k)) != 0) {
			k = c;
			continue;
		}
		/* "80 (eighty)" is a note; "2 (maybe 3)" offers another value. */
		if (k > *b && s[k - 1] == ' ' && s[k] == '(' && k + 3 < *e && isalpha((unsigned char)s[k + 1]) &&
		    isalpha((unsigned char)s[k + 2]) && isalpha((unsigned char)s[k + 3]) && !digit_before_close(s, *e, k)) {
			*e = k;
			break;
		}
		for (int w = 0; clauses[w]; w++)
			if (k > *b && word_at(s, *e, k, clauses[w])) {
				*e = k;
				break;
			}
		if (k < *e && (s[k] == ',' || s[k] == ';') && comma_clause(s, *e, k + 1))
			*e = k;
		if (k >= *e)
			break;
		for (int w = 0; verbs[w]; w++)
			if (k > *b && word_at(s, *e, k, verbs[w]))
				from = k + strlen(verbs[w]);
	}
	*b = from;
}

/* Whether the text at i joins more answer to what came before: a comma,
 * "and", "or", "but", "maybe" or more math. */
static int continues(const char *s, size_t n, size_t i)
{
	static const char *const joins[] = {"and", "or", "but", "maybe", "perhaps", "possibly",
					    "probably", "either", NULL};

	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i < n && (s[i] == ',' || s[i] == ';' || s[i] == '$'))
		return 1;
	for (int k = 0; joins[k]; k++)
		if (word_at(s, n, i, joins[k]))
			return 1;
	return 0;
}

static size_t skip_markup(const char *s, size_t n, size_t i)
{
	while (i < n && strchr(" \t*:#", s[i]))
		i++;
	return i;
}

int gr_phrase_answer(const char *s, size_t n, gr_span *out, size_t *at)
{
	size_t b, e, ol, c;

	if (!last_phrase(s, n, at, &b))
		return 0;
	b = skip_markup(s, n, b);
	/* "Final Answer:\n\n$5$": the answer may start on a following line. */
	for (int k = 0; k < 3 && b < n && (s[b] == '\n' || s[b] == '\r'); k++)
		b = skip_markup(s, n, b + 1);
	if (b >= n)
		return 0;
	/* Math right after the phrase is the answer, unless the sentence goes
	 * on to more of it: "$5$ or $7$", "$2$, $3$". */
	if ((s[b] == '$' || s[b] == '\\') && (c = math_close(s, n, b, &ol, PHRASE_SPAN * 4)) != 0 &&
	    !continues(s, n, c + (s[b] == '$' ? ol : 2))) {
		out->off = b + ol;
		out->len = c - b - ol;
		return out->len > 0;
	}
	if (s[b] == '\\' && box_cmd(s, n, b)) {
		size_t j = b + box_cmd(s, n, b);

		while (j < n && s[j] == ' ')
			j++;
		if (j < n && s[j] == '{' && (c = gr_brace_end(s, n, j)) != 0) {
			out->off = j + 1;
			out->len = c - j - 2;
			return out->len > 0;
		}
	}
	e = sentence_end(s, n, b, PHRASE_SPAN);
	plain_answer(s, &b, &e);
	while (b < e && strchr(" \t*:", s[b]))
		b++;
	while (e > b && strchr(" \t*.,;!", s[e - 1]))
		e--;
	out->off = b;
	out->len = e - b;
	return e > b;
}

/* The delimiter at s[i] that opens math, its length and its closer. */
static size_t math_open(const char *s, size_t n, size_t i, const char **close)
{
	if (s[i] == '$') {
		int two = i + 1 < n && s[i + 1] == '$';

		*close = two ? "$$" : "$";
		return two ? 2 : 1;
	}
	if (s[i] == '\\' && i + 1 < n && (s[i + 1] == '(' || s[i + 1] == '[')) {
		*close = s[i + 1] == '(' ? "\\)" : "\\]";
		return 2;
	}
	return 0;
}

int gr_hedge_after(const char *s, size_t n, size_t from, gr_span *out)
{
	static const char *const hedges[] = {"or", "maybe", "perhaps", "possibly", "alternatively", NULL};
	size_t i = from, lim = n - from > 16 ? from + 16 : n;

	/* Past the answer's own closing marks: $, }, \), a full stop. */
	while (i < lim && (strchr(" \t\r\n$}).,*(", s[i]) || (s[i] == '\\' && i + 1 < n && strchr(")]", s[i + 1])))) {
		i += s[i] == '\\' ? 2 : 1;
	}
	if (i + 6 <= n && memcmp(s + i, "\\text{", 6) == 0)
		i += 6;
	while (i < n && s[i] == ' ')
		i++;
	for (int k = 0; hedges[k]; k++)
		if (word_at(s, n, i, hedges[k])) {
			gr_num num;

			out->off = i;
			out->len = sentence_end(s, n, i, PHRASE_SPAN) - i;
			/* "Or is it? Yes." offers no other value. */
			return gr_next_number(s, out->off + out->len, i, 0, &num);
		}
	return 0;
}

int gr_last_math(const char *s, size_t n, gr_span *out)
{
	size_t last_b = 0, last_e = 0, tail, open_at = 0, cl = 0;
	const char *close = NULL;
	int found = 0;

	/* One pass: outside math look for an opening, inside for its closer. */
	for (size_t i = 0; i < n; i++) {
		size_t l;

		if (s[i] != '$' && s[i] != '\\')
			continue;
		if (s[i] == '\\' && i + 1 < n && s[i + 1] == '$') {
			i++;
			continue;
		}
		if (!close) {
			if ((l = math_open(s, n, i, &close)) != 0) {
				open_at = i + l;
				cl = strlen(close);
				i += l - 1;
			}
			continue;
		}
		l = cl;
		if (s[i] == close[0] && i + l <= n && (l == 1 || s[i + 1] == close[1])) {
			if (i > open_at) {
				last_b = open_at;
				last_e = i;
				found = 1;
			}
			close = NULL;
			i += l - 1;
		}
	}
	if (!found)
		return 0;
	tail = last_e;
	while (tail < n && (s[tail] == '$' || s[tail] == '\\' || s[tail] == ']' || s[tail] == ')'))
		tail++;
	if (n - tail > 80)
		return 0;
	for (size_t k = tail; k < n; k++)
		if (isdigit((unsigned char)s[k]))
			return 0;
	out->off = last_b;
	out->len = last_e - last_b;
	return 1;
}

int gr_find_hash(const char *s, size_t n, gr_span *out)
{
	for (size_t i = n; i-- > 3;) {
		size_t e;

		if (memcmp(s + i - 3, "####", 4) != 0)
			continue;
		out->off = i + 1;
		e = out->off;
		while (e < n && s[e] != '\n')
			e++;
		out->len = e - out->off;
		return 1;
	}
	return 0;
}

/* ---- numbers ---- */

/* The code point that ends just before byte i, and where it starts. */
static uint32_t prev_cp(const char *s, size_t i, size_t *start)
{
	size_t k = i;
	uint32_t cp;

	if (!i) {
		*start = 0;
		return 0;
	}
	k--;
	while (k > 0 && i - k < 4 && ((unsigned char)s[k] & 0xC0) == 0x80)
		k--;
	tb_text_utf8_next(s + k, i - k, &cp);
	*start = k;
	return cp;
}

static int is_minus(uint32_t cp)
{
	return cp == '-' || cp == 0x2212 || cp == 0xFE63 || cp == 0xFF0D;
}

static int is_currency(uint32_t cp)
{
	return cp == '$' || cp == 0xA3 || cp == 0xA5 || cp == 0x20AC || cp == 0x20B9 ||
	       cp == 0x09F3 || cp == 0x0E3F || cp == 0x20BD || cp == 0x20A9 || cp == 0x20BA ||
	       cp == 0xFFE5 || cp == 0xFF04 || cp == 0x20A6 || cp == 0x20B1;
}

/* Separator kinds inside a number. */
enum { SEP_NONE = 0, SEP_COMMA = ',', SEP_DOT = '.', SEP_GROUP = '\'', SEP_DEC = 'D' };

static int sep_kind(uint32_t cp)
{
	switch (cp) {
	case ',': case 0xFF0C:
		return SEP_COMMA;
	case '.': case 0xFF0E:
		return SEP_DOT;
	case '\'': case 0x2019: case 0x2009: case 0x202F: case 0xA0: case 0x066C:
		return SEP_GROUP;
	case 0x066B:
		return SEP_DEC;
	}
	return SEP_NONE;
}

typedef struct run {
	size_t start, end; /* bytes */
	size_t dstart, ndig; /* in the digit buffer */
} run;

/* Reads a run of digits at s[i]; returns the bytes consumed (0 if none). */
static size_t digits(const char *s, size_t n, size_t i, char *buf, size_t *blen, size_t cap)
{
	size_t k = i;

	while (k < n) {
		uint32_t cp;
		size_t l = tb_text_utf8_next(s + k, n - k, &cp);
		int d = gr_digit_value(cp);

		if (d < 0 || *blen + 1 >= cap)
			break;
		buf[(*blen)++] = (char)('0' + d);
		k += l;
	}
	return k - i;
}

/* Which separator (index) is the decimal one: -1 for none, -2 when the
 * first separator ends the number ("3,5" without dec_comma). See
 * gr_next_number for the rules. */
static int decimal_index(const int *seps, const run *runs, int nsep, int lead_zero, int dec_comma)
{
	int ncomma = 0, ndot = 0, last = nsep - 1;
	size_t lead = runs[0].ndig, next = runs[last + 1].ndig;

	for (int k = 0; k < nsep; k++) {
		if (seps[k] == SEP_DEC)
			return k;
		ncomma += seps[k] == SEP_COMMA;
		ndot += seps[k] == SEP_DOT;
	}
	if (ncomma && ndot)
		return seps[last] == SEP_GROUP ? -1 : last;
	if (seps[last] == SEP_GROUP)
		return -1;
	if (ncomma + ndot > 1)
		/* Only groups, but a dot after apostrophes or thin spaces is decimal. */
		return -1;
	if (seps[last] == SEP_DOT)
		return ndot == 1 && dec_comma && next == 3 && !lead_zero && nsep == 1 ? -1 : last;
	if (ncomma == 1 && nsep == 1 && next == 3 && lead <= 3)
		return -1;
	if (ncomma == 1 && nsep > 1)
		return last; /* 1'234,5 */
	return dec_comma ? last : -2;
}

/* The decimals and significant digits of "int.frac". */
static void written_digits(const char *text, gr_num *num)
{
	const char *dot = strchr(text, '.');
	int sig = 0, started = 0;

	num->dec = dot ? (int)strlen(dot + 1) : -1;
	for (const char *c = text; *c; c++) {
		if (*c == '.')
			continue;
		if (*c != '0')
			started = 1;
		sig += started;
	}
	num->sig = sig;
}

int gr_next_number(const char *s, size_t n, size_t from, int dec_comma, gr_num *num)
{
	char buf[80];
	size_t i = from;

	while (i < n) {
		uint32_t cp;
		size_t l = tb_text_utf8_next(s + i, n - i, &cp), blen = 0, end, pstart, mpos;
		run runs[MAX_RUNS];
		int seps[MAX_RUNS], nsep = 0, dec;
		int lead_dot = 0;
		char text[96];
		size_t tl = 0;
		uint32_t before;

		if (gr_digit_value(cp) < 0) {
			/* ".5": a dot right before a digit, not after one. */
			if (cp != '.' || i + 1 >= n || !isdigit((unsigned char)s[i + 1]) ||
			    (i > 0 && isdigit((unsigned char)s[i - 1]))) {
				i += l;
				continue;
			}
			lead_dot = 1;
		}
		runs[0].start = i;
		runs[0].dstart = 0;
		runs[0].end = i + (lead_dot ? 0 : digits(s, n, i, buf, &blen, sizeof(buf)));
		runs[0].ndig = blen;
		end = runs[0].end;
		/* Gather separator + digits pairs. */
		while (nsep + 1 < MAX_RUNS && end < n) {
			uint32_t sc, dc;
			size_t sl = tb_text_utf8_next(s + end, n - end, &sc), dl, d0 = blen;
			int kind = sep_kind(sc);

			if (kind == SEP_NONE || end + sl >= n)
				break;
			tb_text_utf8_next(s + end + sl, n - end - sl, &dc);
			if (gr_digit_value(dc) < 0)
				break;
			dl = digits(s, n, end + sl, buf, &blen, sizeof(buf));
			if (!dl)
				break;
			seps[nsep++] = kind;
			runs[nsep].start = end + sl;
			runs[nsep].end = end + sl + dl;
			runs[nsep].dstart = d0;
			runs[nsep].ndig = blen - d0;
			end = runs[nsep].end;
		}
		dec = lead_dot ? 0
		      : nsep ? decimal_index(seps, runs, nsep, runs[0].ndig == 1 && buf[0] == '0', dec_comma)
			     : -1;
		/* Build "int.frac" in ASCII, keeping only valid groups. */
		if (runs[0].ndig) {
			memcpy(text, buf, runs[0].ndig);
			tl = runs[0].ndig;
		} else {
			text[tl++] = '0';
		}
		end = runs[0].end;
		for (int k = 0; k < nsep; k++) {
			const run *r = &runs[k + 1];

			if (k == dec) {
				text[tl++] = '.';
				memcpy(text + tl, buf + r->dstart, r->ndig);
				tl += r->ndig;
				end = r->end;
				break;
			}
			if (dec == -2 || seps[k] == SEP_DEC || r->ndig != 3 ||
			    (k == 0 && (runs[0].ndig == 0 || runs[0].ndig > 3)) ||
			    (dec >= 0 && seps[k] == seps[dec]))
				break;
			memcpy(text + tl, buf + r->dstart, 3);
			tl += 3;
			end = r->end;
		}
		text[tl] = '\0';
		num->value = strtod(text, NULL);
		num->percent = 0;
		written_digits(text, num);
		/* a/b right after a whole number. */
		if (dec < 0 && end + 1 < n && (s[end] == '/')) {
			size_t dl, d0 = blen = 0;
			uint32_t dc;

			tb_text_utf8_next(s + end + 1, n - end - 1, &dc);
			if (gr_digit_value(dc) >= 0) {
				dl = digits(s, n, end + 1, buf, &blen, sizeof(buf));
				buf[blen] = '\0';
				if (strtod(buf + d0, NULL) != 0) {
					num->value /= strtod(buf + d0, NULL);
					num->dec = -1;
					end += 1 + dl;
				}
			}
		}
		/* A sign right before, or before a currency sign, and not right
		 * after a letter, digit or bracket (3-5 is a range). */
		pstart = i;
		before = prev_cp(s, i, &mpos);
		if (is_currency(before))
			before = prev_cp(s, mpos, &mpos);
		if (is_minus(before)) {
			size_t ms;
			uint32_t b2 = prev_cp(s, mpos, &ms);

			if (!(b2 < 0x80 && (isalnum((int)b2) || b2 == ')')) && gr_digit_value(b2) < 0) {
				num->value = -num->value;
				pstart = mpos;
			}
		}
		/* A percent sign, maybe after one space. */
		{
			size_t k = end;
			uint32_t pc;

			if (k < n && s[k] == ' ')
				k++;
			if (k < n) {
				tb_text_utf8_next(s + k, n - k, &pc);
				num->percent = pc == '%' || pc == 0x066A || pc == 0xFF05;
			}
		}
		num->off = pstart;
		num->len = end - pstart;
		return 1;
	}
	return 0;
}

int gr_last_number(const char *s, size_t n, int dec_comma, gr_num *num)
{
	size_t from = 0;
	int found = 0;
	gr_num cur;

	/* Each number found moves `from` past it, so this ends. */
	while (from < n && gr_next_number(s, n, from, dec_comma, &cur)) {
		size_t end = cur.off + cur.len;

		*num = cur;
		found = 1;
		from = end > from ? end : from + 1;
	}
	return found;
}

/* Letters right after a number that still leave it a number: ordinals and
 * short units ("2nd", "5cm"). */
static int number_suffix(const char *s, size_t n, size_t i)
{
	static const char *const ok[] = {"st", "nd", "rd", "th", "cm", "mm", "km", "kg", "g", "m",
					 "s", "h", "ft", "lb", "oz", "ml", "l", "min", "x", NULL};
	size_t l = 0;

	while (i + l < n && isalpha((unsigned char)s[i + l]))
		l++;
	if (!l)
		return 1;
	for (int k = 0; ok[k]; k++)
		if (strlen(ok[k]) == l && strncasecmp(s + i, ok[k], l) == 0)
			return 1;
	return 0;
}

/* The next number at or after from that stands alone: not inside a word
 * (H2O, AZYUK2A). */
static int next_word_number(const char *s, size_t n, size_t from, int dec_comma, gr_num *num)
{
	/* Each round moves past a number. */
	while (from < n && gr_next_number(s, n, from, dec_comma, num)) {
		size_t end = num->off + num->len;

		if ((num->off == 0 || !isalpha((unsigned char)s[num->off - 1])) && number_suffix(s, n, end))
			return 1;
		from = end > from ? end : from + 1;
	}
	return 0;
}

/* The start of the sentence that ends at e; looks back SENTENCE_MAX + 1
 * bytes at most (a longer sentence is none). */
static size_t sentence_start(const char *s, size_t e)
{
	size_t stop = e > SENTENCE_MAX + 1 ? e - SENTENCE_MAX - 1 : 0;

	for (size_t k = e; k-- > stop;) {
		if (s[k] == '\n')
			return k + 1;
		if ((s[k] == '.' || s[k] == '!' || s[k] == '?') && k + 1 < e && s[k + 1] == ' ' &&
		    !(k > 0 && isdigit((unsigned char)s[k - 1]) && k + 2 < e && isdigit((unsigned char)s[k + 2])))
			return k + 1;
	}
	return stop;
}

int gr_final_number(const char *s, size_t n, int dec_comma, gr_num *num)
{
	static const char *const verbs[] = {"is", "are", "equals", "was", "be", "total", "get",
					    "gives", "makes", "has", "have", NULL};
	size_t e = n;

	/* Back over sentences without digits, a few at most. */
	for (int round = 0; round < 8 && e > 0; round++) {
		size_t b = sentence_start(s, e), from = b, count = 0;
		gr_num first, cur;

		/* A "sentence" this long is no sentence: bracket soup, a table. */
		if (e - b > SENTENCE_MAX)
			return 0;

		for (size_t k = b; k < e; k++) {
			if (s[k] == '=')
				from = k + 1;
			for (int v = 0; verbs[v]; v++)
				if (word_at(s, e, k, verbs[v]))
					from = k + strlen(verbs[v]);
		}
		if (from > b && next_word_number(s, e, from, dec_comma, num))
			return 1;
		for (size_t k = b; k < e && next_word_number(s, e, k, dec_comma, &cur); count++) {
			if (!count)
				first = cur;
			k = cur.off + (cur.len ? cur.len : 1);
		}
		if (count == 1) {
			*num = first;
			return 1;
		}
		if (count > 1)
			return 0;
		e = b > 0 ? b - 1 : 0;
	}
	return 0;
}
