/* Answer extraction: see extract.h. */
#include "extract.h"

#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "normalize.h"
#include "text.h"

#define PHRASE_SPAN 300
#define MAX_RUNS 12

/* Index just past the brace closing the one at s[i], or 0 when unbalanced. */
static size_t close_brace(const char *s, size_t n, size_t i)
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

/* The box whose command ends at s[i] ("\boxed" just read): its content. */
static int box_content(const char *s, size_t n, size_t i, gr_span *out)
{
	size_t e;

	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	if (i < n && s[i] == '{') {
		e = close_brace(s, n, i);
		if (!e)
			return 0;
		out->off = i + 1;
		out->len = e - i - 2;
		return 1;
	}
	/* "\boxed 5": up to the next space, $ or end. */
	e = i;
	while (e < n && !strchr(" \t\n$", s[e]))
		e++;
	if (e == i)
		return 0;
	out->off = i;
	out->len = e - i;
	return 1;
}

int gr_find_boxed(const char *s, size_t n, gr_span *out)
{
	static const char *const cmds[] = {"\\boxed", "\\fbox"};

	for (size_t i = n; i-- > 0;) {
		if (s[i] != '\\')
			continue;
		for (size_t k = 0; k < 2; k++) {
			size_t l = strlen(cmds[k]);

			if (i + l <= n && memcmp(s + i, cmds[k], l) == 0 &&
			    (i + l == n || !isalpha((unsigned char)s[i + l])) &&
			    box_content(s, n, i + l, out))
				return 1;
		}
	}
	return 0;
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

int gr_find_phrase(const char *s, size_t n, gr_span *out)
{
	unsigned char first[256] = {0};
	const size_t np = sizeof(phrases) / sizeof(phrases[0]);

	for (size_t k = 0; k < np; k++)
		first[(unsigned char)phrases[k][0]] = 1;
	/* Backwards, so the last phrase is the first found. */
	for (size_t i = n; i-- > 0;) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x80)
			c = (unsigned char)tolower(c);
		if (!first[c])
			continue;
		for (size_t k = 0; k < np; k++) {
			int l = phrase_at(s, n, i, phrases[k]);
			size_t e;

			if (!l)
				continue;
			/* A Latin phrase must start a word: "xanswer:" is none. */
			if (isalpha((unsigned char)phrases[k][0]) && i > 0 &&
			    isalpha((unsigned char)s[i - 1]))
				continue;
			out->off = i + (size_t)l;
			e = out->off;
			while (e < n && e - out->off < PHRASE_SPAN && s[e] != '\n')
				e++;
			out->len = e - out->off;
			return 1;
		}
	}
	return 0;
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
