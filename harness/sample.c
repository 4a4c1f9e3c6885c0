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
