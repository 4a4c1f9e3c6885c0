/* Model and configuration labels (see report_label.h). */
#include "report_label.h"

#include <stdio.h>
#include <string.h>

static const char *suffix(const char *model)
{
	const char *slash = strrchr(model, '/');

	return slash && slash[1] ? slash + 1 : model;
}

static int clashes(const report_cell *v, size_t n, const char *model, const char *tail)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].model, model) != 0 && strcmp(suffix(v[i].model), tail) == 0)
			return 1;
	return 0;
}

const char *report_model_label(const report *r, const char *model)
{
	const char *tail = suffix(model);

	if (tail == model)
		return model;
	if (clashes(r->cells, r->n, model, tail) || clashes(r->by_lang, r->n_lang, model, tail) ||
	    clashes(r->by_tag, r->n_tag, model, tail))
		return model;
	return tail;
}

void report_config_label(const report *r, const report_cell *c, char *buf, size_t len)
{
	const char *model = report_model_label(r, c->model);
	char tail[48];
	size_t room, mlen = strlen(model);

	if (c->budget)
		snprintf(tail, sizeof(tail), " %.16s %ld", c->mode, c->budget);
	else
		snprintf(tail, sizeof(tail), " %.16s", c->mode);
	room = len > strlen(tail) + 2 ? len - strlen(tail) - 1 : 1;
	if (mlen < room) {
		snprintf(buf, len, "%s%s", model, tail);
		return;
	}
	/* cut at a UTF-8 character boundary, leaving room for '~' */
	mlen = room - 1;
	while (mlen > 0 && ((unsigned char)model[mlen] & 0xC0) == 0x80)
		mlen--;
	snprintf(buf, len, "%.*s~%s", (int)mlen, model, tail);
}
