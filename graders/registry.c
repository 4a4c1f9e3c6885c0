#include <stdlib.h>
#include <string.h>

#include "grader.h"
#include "kinds.h"
#include "langcheck.h"
#include "log.h"
#include "rc.h"

struct gr_grader {
	const gr_ops *ops;
	void *state;
	int check_lang; /* the spec's "check_lang": fill gr_result.lang */
};

static const gr_ops *const kinds[] = {
	&gr_regex_ops,
	&gr_numeric_ops,
	&gr_math_ops,
	&gr_choice_ops,
	&gr_exec_ops,
};

/* Bump a kind's number when its verdicts may change (thinkbench grade then
 * shows which samples were graded by which code). */
static const struct {
	const char *kind, *version;
} versions[] = {
	{"regex", "regex/2"},
	{"numeric", "numeric/2"},
	{"math", "math/2"},
	{"choice", "choice/2"},
	{"exec", "exec/1"},
};

const gr_ops *gr_find(const char *name)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i]->name, name) == 0)
			return kinds[i];
	return NULL;
}

int gr_compile(const json_t *spec, gr_grader **out, char *err, size_t errlen)
{
	const char *type;
	const gr_ops *ops;
	const json_t *cl;
	gr_grader *g;

	*out = NULL;
	if (!json_is_object(spec))
		return tb_seterr(err, errlen, "grader: expected an object");
	type = json_string_value(json_object_get(spec, "type"));
	if (!type)
		return tb_seterr(err, errlen, "grader.type: expected a string naming the grader");
	ops = gr_find(type);
	if (!ops)
		return tb_seterr(err, errlen, "grader.type: unknown grader '%s'", type);
	cl = json_object_get(spec, "check_lang");
	if (cl && !json_is_boolean(cl))
		return tb_seterr(err, errlen, "grader.check_lang: expected true or false");
	g = calloc(1, sizeof(*g));
	if (!g)
		return tb_seterr(err, errlen, "out of memory");
	g->ops = ops;
	g->check_lang = json_is_true(cl);
	if (ops->compile(spec, &g->state, err, errlen) != TB_OK) {
		free(g);
		return TB_ERR;
	}
	*out = g;
	return TB_OK;
}

int gr_grade(const gr_grader *g, const gr_input *in, gr_result *out)
{
	memset(out, 0, sizeof(*out));
	out->lang = GR_LANG_UNCHECKED;
	if (g->check_lang)
		out->lang = gr_lang_check(in->answer, in->lang);
	return g->ops->grade(g->state, in, out);
}

void gr_warm(const gr_grader *g, const char *suite)
{
	if (g->ops->warm)
		g->ops->warm(g->state, suite);
}

const char *gr_name(const gr_grader *g)
{
	return g->ops->name;
}

const char *gr_version(const gr_grader *g)
{
	for (size_t i = 0; i < sizeof(versions) / sizeof(versions[0]); i++)
		if (strcmp(versions[i].kind, g->ops->name) == 0)
			return versions[i].version;
	/* a kind added without a line above: known, but not versioned */
	return "unversioned";
}

void gr_free(gr_grader *g)
{
	if (!g)
		return;
	g->ops->release(g->state);
	free(g);
}

const char *gr_verdict_str(gr_verdict v)
{
	switch (v) {
	case GR_CORRECT:
		return "correct";
	case GR_INCORRECT:
		return "incorrect";
	case GR_PARTIAL:
		return "partial";
	case GR_NOANSWER:
		return "no_answer";
	}
	return "?";
}
