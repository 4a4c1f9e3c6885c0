#include "sample.h"

#include <string.h>

#include "rc.h"

static const char *const outcome_names[TB_OUT_COUNT] = {
	[TB_OUT_CORRECT] = "correct",
	[TB_OUT_INCORRECT] = "incorrect",
	[TB_OUT_PARTIAL] = "partial",
	[TB_OUT_NOANSWER] = "no_answer",
	[TB_OUT_TRUNCATED] = "truncated",
	[TB_OUT_ERROR] = "error",
	[TB_OUT_UNGRADED] = "ungraded",
};

const char *tb_outcome_name(tb_outcome o)
{
	return (unsigned)o < TB_OUT_COUNT ? outcome_names[o] : "?";
}

int tb_outcome_parse(const char *s, tb_outcome *out)
{
	for (int i = 0; i < TB_OUT_COUNT; i++) {
		if (strcmp(s, outcome_names[i]) == 0) {
			*out = (tb_outcome)i;
			return TB_OK;
		}
	}
	return TB_ERR;
}

tb_outcome tb_outcome_from_verdict(gr_verdict v)
{
	static const tb_outcome by_verdict[] = {
		[GR_CORRECT] = TB_OUT_CORRECT, [GR_INCORRECT] = TB_OUT_INCORRECT,
		[GR_PARTIAL] = TB_OUT_PARTIAL, [GR_NOANSWER] = TB_OUT_NOANSWER,
	};

	return (unsigned)v < sizeof(by_verdict) / sizeof(by_verdict[0]) ? by_verdict[v] : TB_OUT_ERROR;
}

int tb_outcome_is_graded(tb_outcome o)
{
	return o == TB_OUT_CORRECT || o == TB_OUT_INCORRECT || o == TB_OUT_PARTIAL ||
	       o == TB_OUT_NOANSWER || o == TB_OUT_TRUNCATED;
}

int tb_sample_awaits_grade(const tb_sample *s)
{
	return s->outcome == TB_OUT_UNGRADED && s->grader && *s->grader;
}

size_t tb_sample_copy_size(const tb_sample *s, int key_only)
{
	size_t len = 0;

#define LEN(f) len += s->f ? strlen(s->f) + 1 : 0;
	if (key_only) {
		TB_SAMPLE_KEY_STRINGS(LEN)
	} else {
		TB_SAMPLE_STRINGS(LEN)
	}
#undef LEN
	return len;
}

static const char *copy_string(const char *from, char **block)
{
	size_t n;
	char *to = *block;

	if (!from)
		return NULL;
	n = strlen(from) + 1;
	memcpy(to, from, n);
	*block += n;
	return to;
}

void tb_sample_copy(tb_sample *dst, const tb_sample *s, int key_only, char *block)
{
#define COPY(f) dst->f = copy_string(s->f, &block);
	if (key_only) {
		*dst = (tb_sample){.budget = s->budget, .sample = s->sample};
		TB_SAMPLE_KEY_STRINGS(COPY)
	} else {
		*dst = *s;
		TB_SAMPLE_STRINGS(COPY)
	}
#undef COPY
}
