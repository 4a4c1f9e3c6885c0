/* The multiple-choice grader: finds one choice letter in the answer and
 * compares it with the reference letter.
 *
 * spec: {"type": "choice", "choices": "ABCD"}   the letters, default ABCD
 *
 * The letter is looked for in this order: a JSON "answer" field
 * ("answer": "C", as the Qwen prompts ask), the last \boxed{C}, after the
 * last answer phrase ("Answer: C", "The answer is (C)", "答案是 C"), the last
 * "(C)", and a lone letter ending the answer. The first three also take the
 * lower-case letter; the last two do not, so the article "a" is no answer. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract.h"
#include "kinds.h"
#include "log.h"
#include "normalize.h"
#include "rc.h"

typedef struct choice_state {
	char letters[33];
} choice_state;

static void choice_release(void *p)
{
	free(p);
}

static int choice_compile(const json_t *spec, void **state, char *err, size_t errlen)
{
	const json_t *c = json_object_get(spec, "choices");
	const char *s = "ABCD";
	choice_state *st;

	if (c) {
		s = json_string_value(c);
		if (!s || !*s || strlen(s) > 32)
			return tb_seterr(err, errlen, "grader.choices: expected a string of 1 to 32 letters");
		for (const char *q = s; *q; q++)
			if (!isalpha((unsigned char)*q) || strchr(q + 1, *q))
				return tb_seterr(err, errlen,
						 "grader.choices: expected distinct letters, got '%c'", *q);
	}
	st = calloc(1, sizeof(*st));
	if (!st)
		return tb_seterr(err, errlen, "out of memory");
	snprintf(st->letters, sizeof(st->letters), "%s", s);
	*state = st;
	return TB_OK;
}

/* The choice c names, case-folded when `fold`; 0 when none. */
static char letter(const choice_state *st, char c, int fold)
{
	if (!isalpha((unsigned char)c))
		return 0;
	if (strchr(st->letters, c))
		return c;
	if (fold) {
		char u = (char)toupper((unsigned char)c), l = (char)tolower((unsigned char)c);

		if (strchr(st->letters, u))
			return u;
		if (strchr(st->letters, l))
			return l;
	}
	return 0;
}

/* A letter at s[i] standing alone: no letter right before or after it. */
static char lone(const choice_state *st, const char *s, size_t n, size_t i, int fold)
{
	if (i >= n || (i > 0 && isalnum((unsigned char)s[i - 1])) ||
	    (i + 1 < n && isalnum((unsigned char)s[i + 1])))
		return 0;
	return letter(st, s[i], fold);
}

static char from_json(const choice_state *st, const char *s, size_t n)
{
	for (size_t i = n; i-- > 0;) {
		size_t k;

		if (i + 8 > n || memcmp(s + i, "answer", 6) != 0 || (s[i + 6] != '"' && s[i + 6] != '\'') ||
		    i == 0 || (s[i - 1] != '"' && s[i - 1] != '\''))
			continue;
		k = i + 7;
		while (k < n && (s[k] == ' ' || s[k] == '\t'))
			k++;
		if (k >= n || s[k] != ':')
			continue;
		k++;
		while (k < n && (s[k] == ' ' || s[k] == '\t'))
			k++;
		if (k + 2 < n && (s[k] == '"' || s[k] == '\'') && s[k + 2] == s[k])
			return letter(st, s[k + 1], 1);
	}
	return 0;
}

static char from_boxed(const choice_state *st, const char *s, size_t n)
{
	gr_span sp;
	char canon[64];

	if (!gr_find_boxed(s, n, &sp) || sp.len >= 48 ||
	    gr_latex_canon(s + sp.off, sp.len, canon, sizeof(canon)) != 0 || strlen(canon) != 1)
		return 0;
	return letter(st, canon[0], 1);
}

static char from_phrase(const choice_state *st, const char *s, size_t n)
{
	gr_span sp;
	size_t i, e;

	if (!gr_find_phrase(s, n, &sp))
		return 0;
	i = sp.off;
	e = sp.off + sp.len;
	while (i < e && strchr(" \t*([{$:", s[i]))
		i++;
	return lone(st, s, e, i, 1);
}

static char from_parens(const choice_state *st, const char *s, size_t n)
{
	for (size_t i = n; i-- > 2;)
		if (s[i] == ')' && s[i - 2] == '(' && letter(st, s[i - 1], 0))
			return s[i - 1];
	return 0;
}

static char from_end(const choice_state *st, const char *s, size_t n)
{
	while (n && strchr(" \t\r\n.)*]}", s[n - 1]))
		n--;
	return n ? lone(st, s, n, n - 1, 0) : 0;
}

static int choice_grade(const void *p, const gr_input *in, gr_result *out)
{
	static const char *const where[] = {"the \"answer\" field", "\\boxed{}", "the answer phrase",
					    "a letter in brackets", "the letter ending the answer"};
	const choice_state *st = p;
	const char *s = in->answer;
	size_t n = strlen(s);
	char got = 0, want = 0;
	int how;

	if (in->expected) {
		const char *e = in->expected;
		size_t el = strlen(e);

		while (el && isspace((unsigned char)e[el - 1]))
			el--;
		while (el && (isspace((unsigned char)*e) || *e == '('))
			e++, el--;
		if (el && e[el - 1] == ')')
			el--;
		if (el == 1)
			want = letter(st, e[0], 1);
	}
	if (!want) {
		snprintf(out->reason, sizeof(out->reason), "the reference '%.180s' is not one of %s",
			 in->expected ? in->expected : "(none)", st->letters);
		return TB_ERR;
	}
	for (how = 0; how < 5 && !got; how++) {
		switch (how) {
		case 0:
			got = from_json(st, s, n);
			break;
		case 1:
			got = from_boxed(st, s, n);
			break;
		case 2:
			got = from_phrase(st, s, n);
			break;
		case 3:
			got = from_parens(st, s, n);
			break;
		default:
			got = from_end(st, s, n);
			break;
		}
	}
	if (!got) {
		out->verdict = GR_NOANSWER;
		snprintf(out->reason, sizeof(out->reason), "no choice letter (%s) in the answer", st->letters);
		return TB_OK;
	}
	out->extracted[0] = got;
	out->extracted[1] = '\0';
	if (got == want) {
		out->verdict = GR_CORRECT;
		out->score = 1;
		snprintf(out->reason, sizeof(out->reason), "%s gives %c", where[how - 1], got);
	} else {
		out->verdict = GR_INCORRECT;
		snprintf(out->reason, sizeof(out->reason), "%s gives %c, expected %c", where[how - 1], got, want);
	}
	return TB_OK;
}

const gr_ops gr_choice_ops = {
	.name = "choice",
	.compile = choice_compile,
	.grade = choice_grade,
	.release = choice_release,
};
