/* The regex grader: a PCRE2 pattern (UTF and UCP) compiled once, the last
 * (or first) match's capture group extracted, normalised, and compared with
 * the reference normalised the same way.
 *
 * spec: {"type": "regex", "pattern": "...", "group": 1,
 *        "occurrence": "last"|"first", "normalize": ["trim", "lower",
 *        "strip_commas", "number"]} */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <ctype.h>
#include <math.h>
#include <pcre2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kinds.h"
#include "log.h"
#include "rc.h"

enum { NORM_TRIM = 1, NORM_LOWER = 2, NORM_COMMAS = 4, NORM_NUMBER = 8 };

typedef struct regex_state {
	pcre2_code *code;
	unsigned group;
	int last;
	unsigned norm;
} regex_state;

static void regex_release(void *p)
{
	regex_state *st = p;

	if (!st)
		return;
	pcre2_code_free(st->code);
	free(st);
}

static int parse_norm(const json_t *v, unsigned *out, char *err, size_t errlen)
{
	static const struct {
		const char *name;
		unsigned bit;
	} names[] = {{"trim", NORM_TRIM},
		     {"lower", NORM_LOWER},
		     {"strip_commas", NORM_COMMAS},
		     {"number", NORM_NUMBER}};
	size_t i;
	json_t *e;

	*out = NORM_TRIM;
	if (!v)
		return TB_OK;
	if (!json_is_array(v))
		return tb_seterr(err, errlen, "grader.normalize: expected an array of names");
	*out = 0;
	json_array_foreach(v, i, e) {
		const char *s = json_string_value(e);
		size_t k;

		for (k = 0; s && k < sizeof(names) / sizeof(names[0]); k++)
			if (strcmp(s, names[k].name) == 0)
				break;
		if (!s || k == sizeof(names) / sizeof(names[0]))
			return tb_seterr(err, errlen,
					 "grader.normalize: unknown step (expected trim, lower, strip_commas or number)");
		*out |= names[k].bit;
	}
	return TB_OK;
}

static int regex_compile(const json_t *spec, void **state, char *err, size_t errlen)
{
	const char *pattern = json_string_value(json_object_get(spec, "pattern"));
	const json_t *group = json_object_get(spec, "group");
	const char *occ = json_string_value(json_object_get(spec, "occurrence"));
	regex_state *st;
	int errcode;
	PCRE2_SIZE erroff;
	uint32_t ncap = 0;

	if (!pattern)
		return tb_seterr(err, errlen, "grader.pattern: expected a string");
	if (group && (!json_is_integer(group) || json_integer_value(group) < 0))
		return tb_seterr(err, errlen, "grader.group: expected a capture group number");
	if (occ && strcmp(occ, "last") != 0 && strcmp(occ, "first") != 0)
		return tb_seterr(err, errlen, "grader.occurrence: expected \"first\" or \"last\"");
	st = calloc(1, sizeof(*st));
	if (!st)
		return tb_seterr(err, errlen, "out of memory");
	st->last = !occ || strcmp(occ, "last") == 0;
	if (parse_norm(json_object_get(spec, "normalize"), &st->norm, err, errlen) != TB_OK)
		goto fail;
	st->code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_UCP,
				 &errcode, &erroff, NULL);
	if (!st->code) {
		PCRE2_UCHAR msg[160];

		pcre2_get_error_message(errcode, msg, sizeof(msg));
		tb_seterr(err, errlen, "grader.pattern: %s at offset %zu", (char *)msg, (size_t)erroff);
		goto fail;
	}
	pcre2_pattern_info(st->code, PCRE2_INFO_CAPTURECOUNT, &ncap);
	st->group = group ? (unsigned)json_integer_value(group) : (ncap > 0 ? 1 : 0);
	if (st->group > ncap) {
		tb_seterr(err, errlen, "grader.group: the pattern has only %u capture groups", ncap);
		goto fail;
	}
	*state = st;
	return TB_OK;
fail:
	regex_release(st);
	return TB_ERR;
}

/* Normalises s into out (at most outlen bytes, NUL-terminated). */
static void normalise(const char *s, size_t n, unsigned norm, char *out, size_t outlen)
{
	size_t o = 0;

	if (norm & NORM_TRIM) {
		while (n && isspace((unsigned char)*s))
			s++, n--;
		while (n && isspace((unsigned char)s[n - 1]))
			n--;
	}
	for (size_t i = 0; i < n && o + 1 < outlen; i++) {
		char c = s[i];

		if ((norm & NORM_COMMAS) && c == ',')
			continue;
		if (norm & NORM_LOWER)
			c = (char)tolower((unsigned char)c);
		out[o++] = c;
	}
	out[o] = '\0';
}

static int same_number(const char *a, const char *b)
{
	char *ea, *eb;
	double x = strtod(a, &ea), y = strtod(b, &eb);

	if (ea == a || eb == b || *ea || *eb)
		return 0;
	return fabs(x - y) <= 1e-9 * fmax(1.0, fmax(fabs(x), fabs(y)));
}

static int regex_grade(const void *p, const gr_input *in, gr_result *out)
{
	const regex_state *st = p;
	pcre2_match_data *md = pcre2_match_data_create_from_pattern(st->code, NULL);
	PCRE2_SIZE start = 0, len = strlen(in->answer), found_at = 0, found_len = 0;
	int found = 0;
	char expected[512];

	if (!md) {
		snprintf(out->reason, sizeof(out->reason), "out of memory");
		return TB_ERR;
	}
	/* Bounded by the answer's length: each match advances at least one byte. */
	while (start <= len) {
		int rc = pcre2_match(st->code, (PCRE2_SPTR)in->answer, len, start, 0, md, NULL);
		PCRE2_SIZE *ov;

		if (rc < 0)
			break;
		ov = pcre2_get_ovector_pointer(md);
		if (ov[2 * st->group] != PCRE2_UNSET) {
			found = 1;
			found_at = ov[2 * st->group];
			found_len = ov[2 * st->group + 1] - found_at;
		}
		if (!st->last)
			break;
		start = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
		/* Never restart inside a UTF-8 sequence. */
		while (start < len && ((unsigned char)in->answer[start] & 0xC0) == 0x80)
			start++;
	}
	pcre2_match_data_free(md);
	if (!found) {
		out->verdict = GR_NOANSWER;
		snprintf(out->reason, sizeof(out->reason), "pattern did not match");
		return TB_OK;
	}
	normalise(in->answer + found_at, found_len, st->norm, out->extracted, sizeof(out->extracted));
	normalise(in->expected ? in->expected : "", in->expected ? strlen(in->expected) : 0,
		  st->norm, expected, sizeof(expected));
	if ((st->norm & NORM_NUMBER) ? same_number(out->extracted, expected)
				     : strcmp(out->extracted, expected) == 0) {
		out->verdict = GR_CORRECT;
		out->score = 1;
		snprintf(out->reason, sizeof(out->reason), "matches the reference");
	} else {
		out->verdict = GR_INCORRECT;
		snprintf(out->reason, sizeof(out->reason), "differs from the reference");
	}
	return TB_OK;
}

const gr_ops gr_regex_ops = {
	.name = "regex",
	.compile = regex_compile,
	.grade = regex_grade,
	.release = regex_release,
};
