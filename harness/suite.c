#include "suite.h"

#include <dirent.h>
#include <stdarg.h>
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "digest.h"
#include "log.h"
#include "rc.h"

/* A suite line longer than this is refused: a prompt of megabytes is a
 * mistake, and the ceiling keeps a hostile file from taking the memory. */
#define SUITE_MAX_LINE (8u << 20)
#define SUITE_MAX_ITEMS 10000000u

static const char *const item_fields[] = {
	"id",	 "prompt",     "messages",  "answer",	 "lang",
	"tags",	 "images",     "max_tokens", "grader",	 "reference",
	"wrong_reference", NULL,
};
static const char *const header_fields[] = {
	"name", "description", "system", "template", "grader", "lang", "tags", NULL,
};

typedef struct loader {
	const char *path;
	long line;
	char *dir;          /* the suite file's folder, for image paths */
	char *template;     /* NULL: the prompt as written */
	char *lang;
	json_t *tags;
	json_t *grader_spec;
	json_t *ids;        /* id -> line, to find duplicates */
	char *err;
	size_t errlen;
} loader;

static int fail(loader *ld, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(loader *ld, const char *field, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (field)
		return tb_seterr(ld->err, ld->errlen, "%s:%ld: %s: %s", ld->path, ld->line, field, msg);
	return tb_seterr(ld->err, ld->errlen, "%s:%ld: %s", ld->path, ld->line, msg);
}

static int check_fields(loader *ld, const json_t *obj, const char *const *known, const char *what)
{
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)obj, key, v) {
		size_t i;

		for (i = 0; known[i]; i++)
			if (strcmp(key, known[i]) == 0)
				break;
		if (!known[i])
			return fail(ld, key, "unknown %s field", what);
	}
	return TB_OK;
}

/* Optional string field: NULL when absent; an error for another type. */
static int opt_string(loader *ld, const json_t *obj, const char *field, const char **out)
{
	const json_t *v = json_object_get(obj, field);

	*out = NULL;
	if (!v || json_is_null(v))
		return TB_OK;
	if (!json_is_string(v))
		return fail(ld, field, "expected a string");
	*out = json_string_value(v);
	return TB_OK;
}

static int check_tags(loader *ld, const json_t *tags, const char *field)
{
	size_t i;
	json_t *t;

	if (!json_is_array(tags))
		return fail(ld, field, "expected an array of strings");
	json_array_foreach(tags, i, t) {
		if (!json_is_string(t))
			return fail(ld, field, "expected an array of strings (element %zu is not)", i);
	}
	return TB_OK;
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static char *apply_template(const char *template, const char *prompt)
{
	tb_buf b;
	const char *p = template, *hit;

	tb_buf_init(&b, SUITE_MAX_LINE * 2);
	while ((hit = strstr(p, "{prompt}")) != NULL) {
		tb_buf_add(&b, p, (size_t)(hit - p));
		tb_buf_adds(&b, prompt);
		p = hit + strlen("{prompt}");
	}
	tb_buf_adds(&b, p);
	return tb_buf_detach(&b);
}

static int parse_header(loader *ld, tb_suite *s, const json_t *h)
{
	const char *name, *desc, *sys, *tmpl, *lang;
	const json_t *tags, *grader;

	if (!json_is_object(h))
		return fail(ld, "suite", "expected an object");
	if (check_fields(ld, h, header_fields, "suite") != TB_OK)
		return TB_ERR;
	if (opt_string(ld, h, "name", &name) || opt_string(ld, h, "description", &desc) ||
	    opt_string(ld, h, "system", &sys) || opt_string(ld, h, "template", &tmpl) ||
	    opt_string(ld, h, "lang", &lang))
		return TB_ERR;
	if (tmpl && !strstr(tmpl, "{prompt}"))
		return fail(ld, "template", "expected a text containing {prompt}");
	tags = json_object_get(h, "tags");
	if (tags && check_tags(ld, tags, "tags") != TB_OK)
		return TB_ERR;
	grader = json_object_get(h, "grader");
	if (grader) {
		char gerr[256];

		if (gr_compile(grader, &s->grader, gerr, sizeof(gerr)) != TB_OK)
			return fail(ld, NULL, "%s", gerr);
		ld->grader_spec = json_incref((json_t *)grader);
	}
	if (name) {
		free(s->name);
		s->name = strdup(name);
	}
	s->description = dup_or_null(desc);
	s->system = dup_or_null(sys);
	ld->template = dup_or_null(tmpl);
	ld->lang = dup_or_null(lang);
	ld->tags = tags ? json_incref((json_t *)tags) : NULL;
	return TB_OK;
}

static int parse_messages(loader *ld, const json_t *msgs)
{
	size_t i;
	json_t *m;

	if (!json_is_array(msgs) || json_array_size(msgs) == 0)
		return fail(ld, "messages", "expected a non-empty array of {role, content}");
	json_array_foreach(msgs, i, m) {
		const char *role = json_string_value(json_object_get(m, "role"));
		const json_t *content = json_object_get(m, "content");

		if (!role || (strcmp(role, "system") && strcmp(role, "user") && strcmp(role, "assistant")))
			return fail(ld, "messages", "element %zu: role: expected system, user or assistant", i);
		if (!json_is_string(content) && !json_is_array(content))
			return fail(ld, "messages", "element %zu: content: expected a string or an array of parts", i);
	}
	return TB_OK;
}

static int parse_images(loader *ld, tb_item *it, const json_t *images)
{
	size_t i;
	json_t *v;

	if (!json_is_array(images))
		return fail(ld, "images", "expected an array of file paths");
	it->images = calloc(json_array_size(images) + 1, sizeof(char *));
	if (!it->images)
		return fail(ld, "images", "out of memory");
	json_array_foreach(images, i, v) {
		const char *p = json_string_value(v);
		char path[4096];

		if (!p || !*p)
			return fail(ld, "images", "element %zu: expected a file path", i);
		if (p[0] == '/')
			snprintf(path, sizeof(path), "%s", p);
		else
			snprintf(path, sizeof(path), "%s/%s", ld->dir, p);
		if (access(path, R_OK) != 0)
			return fail(ld, "images", "cannot read '%s': %s", path, strerror(errno));
		it->images[it->n_images] = strdup(path);
		if (!it->images[it->n_images])
			return fail(ld, "images", "out of memory");
		it->n_images++;
	}
	return TB_OK;
}

static int answer_text(loader *ld, const json_t *v, char **out)
{
	*out = NULL;
	if (!v || json_is_null(v))
		return TB_OK;
	if (json_is_string(v))
		*out = strdup(json_string_value(v));
	else if (json_is_integer(v))
		asprintf(out, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		asprintf(out, "%.17g", json_real_value(v));
	else
		return fail(ld, "answer", "expected a string or a number");
	if (!*out)
		return fail(ld, "answer", "out of memory");
	return TB_OK;
}

static void item_release(tb_item *it)
{
	free(it->id);
	free(it->prompt);
	json_decref(it->messages);
	free(it->expected);
	free(it->lang);
	json_decref(it->tags);
	for (size_t i = 0; i < it->n_images; i++)
		free(it->images[i]);
	free(it->images);
	json_decref(it->grader_spec);
	if (it->grader_owned)
		gr_free(it->grader);
	free(it->reference);
	free(it->wrong_reference);
}

static int parse_item(loader *ld, tb_suite *s, const json_t *o, tb_item *it)
{
	const char *id, *prompt, *lang, *ref, *wrong;
	const json_t *messages, *tags, *images, *max_tokens, *grader;

	memset(it, 0, sizeof(*it));
	it->line = ld->line;
	if (!json_is_object(o))
		return fail(ld, NULL, "expected a JSON object (an item)");
	if (check_fields(ld, o, item_fields, "item") != TB_OK)
		return TB_ERR;
	if (opt_string(ld, o, "id", &id) || opt_string(ld, o, "prompt", &prompt) ||
	    opt_string(ld, o, "lang", &lang) || opt_string(ld, o, "reference", &ref) ||
	    opt_string(ld, o, "wrong_reference", &wrong))
		return TB_ERR;
	if (!id || !*id)
		return fail(ld, "id", "expected a non-empty string");
	if (json_object_get(ld->ids, id))
		return fail(ld, "id", "duplicate id '%s' (first at line %lld)", id,
			    (long long)json_integer_value(json_object_get(ld->ids, id)));
	json_object_set_new(ld->ids, id, json_integer(ld->line));
	it->id = strdup(id);

	messages = json_object_get(o, "messages");
	if (prompt && messages)
		return fail(ld, "messages", "give either prompt or messages, not both");
	if (!prompt && !messages)
		return fail(ld, "prompt", "expected a string (or a messages array)");
	if (messages) {
		if (parse_messages(ld, messages) != TB_OK)
			return TB_ERR;
		it->messages = json_deep_copy(messages);
	} else {
		it->prompt = ld->template ? apply_template(ld->template, prompt) : strdup(prompt);
	}
	if (answer_text(ld, json_object_get(o, "answer"), &it->expected) != TB_OK)
		return TB_ERR;
	it->lang = dup_or_null(lang ? lang : ld->lang);

	tags = json_object_get(o, "tags");
	if (tags && check_tags(ld, tags, "tags") != TB_OK)
		return TB_ERR;
	it->tags = json_array();
	if (ld->tags)
		json_array_extend(it->tags, ld->tags);
	if (tags)
		json_array_extend(it->tags, (json_t *)tags);

	images = json_object_get(o, "images");
	if (images && parse_images(ld, it, images) != TB_OK)
		return TB_ERR;

	max_tokens = json_object_get(o, "max_tokens");
	if (max_tokens) {
		if (!json_is_integer(max_tokens) || json_integer_value(max_tokens) < 1 ||
		    json_integer_value(max_tokens) > 10000000)
			return fail(ld, "max_tokens", "expected a whole number from 1 to 10000000");
		it->max_tokens = (long)json_integer_value(max_tokens);
	}

	grader = json_object_get(o, "grader");
	if (grader) {
		char gerr[256];

		if (gr_compile(grader, &it->grader, gerr, sizeof(gerr)) != TB_OK)
			return fail(ld, NULL, "%s", gerr);
		it->grader_owned = 1;
		it->grader_spec = json_incref((json_t *)grader);
	} else if (s->grader) {
		it->grader = s->grader;
		it->grader_spec = json_incref(ld->grader_spec);
	}
	if (it->grader && strcmp(gr_name(it->grader), "exec") != 0) {
		gr_input in = {.answer = it->expected, .expected = it->expected, .lang = it->lang,
			       .item_id = it->id};
		gr_result r;

		if (!it->expected)
			return fail(ld, "answer", "expected a reference answer for grader '%s'",
				    gr_name(it->grader));
		/* A reference its grader cannot read would make every sample a
		 * harness error; say so now, before any request. */
		if (gr_grade(it->grader, &in, &r) != TB_OK)
			return fail(ld, "answer", "the %s grader cannot read the reference '%.60s'",
				    gr_name(it->grader), it->expected);
	}
	it->reference = dup_or_null(ref);
	it->wrong_reference = dup_or_null(wrong);
	return TB_OK;
}

static char *suite_name_from_path(const char *path)
{
	const char *base = strrchr(path, '/');
	char *name;
	char *dot;

	name = strdup(base ? base + 1 : path);
	if (name && (dot = strrchr(name, '.')) != NULL && dot != name)
		*dot = '\0';
	return name;
}

static int is_blank(const char *s)
{
	for (; *s; s++)
		if (*s != ' ' && *s != '\t' && *s != '\r' && *s != '\n')
			return 0;
	return 1;
}

int suite_load(const char *path, size_t limit, tb_suite **out, char *err, size_t errlen)
{
	loader ld = {.path = path, .err = err, .errlen = errlen};
	FILE *f = NULL;
	tb_suite *s = NULL;
	tb_sha256 *h = NULL;
	char *line = NULL, *pathcopy = NULL;
	size_t cap = 0, items_cap = 0;
	ssize_t n;
	int rc = TB_ERR, seen_content = 0;

	*out = NULL;
	f = fopen(path, "rb");
	if (!f) {
		tb_seterr(err, errlen, "cannot open suite '%s': %s", path, strerror(errno));
		goto out;
	}
	s = calloc(1, sizeof(*s));
	h = tb_sha256_new();
	pathcopy = strdup(path);
	ld.ids = json_object();
	if (!s || !h || !pathcopy || !ld.ids) {
		tb_seterr(err, errlen, "out of memory");
		goto out;
	}
	ld.dir = strdup(dirname(pathcopy));
	s->path = strdup(path);
	s->name = suite_name_from_path(path);

	while ((n = getline(&line, &cap, f)) != -1) {
		json_t *o;
		json_error_t jerr;

		ld.line++;
		tb_sha256_update(h, line, (size_t)n);
		if ((size_t)n > SUITE_MAX_LINE) {
			fail(&ld, NULL, "line longer than %u bytes", SUITE_MAX_LINE);
			goto out;
		}
		if (ld.line == 1 && n >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0)
			memmove(line, line + 3, (size_t)n - 2);
		if (is_blank(line) || line[0] == '#')
			continue;
		if (limit && s->n_items >= limit)
			continue; /* keep hashing the whole file */
		o = json_loads(line, JSON_REJECT_DUPLICATES, &jerr);
		if (!o) {
			fail(&ld, NULL, "invalid JSON at column %d: %s", jerr.column, jerr.text);
			goto out;
		}
		if (!seen_content && json_is_object(o) && json_object_get(o, "suite")) {
			int hrc = json_object_size(o) == 1
					  ? parse_header(&ld, s, json_object_get(o, "suite"))
					  : fail(&ld, NULL, "a header line holds only {\"suite\": {...}}");

			json_decref(o);
			seen_content = 1;
			if (hrc != TB_OK)
				goto out;
			continue;
		}
		seen_content = 1;
		if (s->n_items == items_cap) {
			size_t ncap = items_cap ? items_cap * 2 : 64;
			tb_item *v;

			if (ncap > SUITE_MAX_ITEMS) {
				json_decref(o);
				fail(&ld, NULL, "more than %u items", SUITE_MAX_ITEMS);
				goto out;
			}
			v = realloc(s->items, ncap * sizeof(*v));
			if (!v) {
				json_decref(o);
				fail(&ld, NULL, "out of memory");
				goto out;
			}
			s->items = v;
			items_cap = ncap;
		}
		if (parse_item(&ld, s, o, &s->items[s->n_items]) != TB_OK) {
			item_release(&s->items[s->n_items]);
			json_decref(o);
			goto out;
		}
		s->n_items++;
		json_decref(o);
	}
	if (ferror(f)) {
		tb_seterr(err, errlen, "cannot read suite '%s': %s", path, strerror(errno));
		goto out;
	}
	if (s->n_items == 0) {
		tb_seterr(err, errlen, "%s: no items (expected one JSON object per line)", path);
		goto out;
	}
	tb_sha256_final(h, s->hash);
	h = NULL;
	*out = s;
	s = NULL;
	rc = TB_OK;
out:
	if (h) {
		char discard[65];

		tb_sha256_final(h, discard);
	}
	if (f)
		fclose(f);
	free(line);
	free(pathcopy);
	free(ld.dir);
	free(ld.template);
	free(ld.lang);
	json_decref(ld.tags);
	json_decref(ld.grader_spec);
	json_decref(ld.ids);
	suite_free(s);
	return rc;
}

static int has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n > m && strcmp(s + n - m, suffix) == 0;
}

static int append_suite(tb_suite ***suites, size_t *n, tb_suite *s, char *err, size_t errlen)
{
	tb_suite **v;

	for (size_t i = 0; i < *n; i++) {
		if (strcmp((*suites)[i]->name, s->name) == 0) {
			tb_seterr(err, errlen, "%s: suite name '%s' is already used by '%s'", s->path,
				  s->name, (*suites)[i]->path);
			suite_free(s);
			return TB_ERR;
		}
	}
	v = realloc(*suites, (*n + 1) * sizeof(*v));
	if (!v) {
		suite_free(s);
		return tb_seterr(err, errlen, "out of memory");
	}
	v[(*n)++] = s;
	*suites = v;
	return TB_OK;
}

static int jsonl_filter(const struct dirent *d)
{
	return d->d_name[0] != '.' && has_suffix(d->d_name, ".jsonl");
}

int suite_load_path(const char *path, size_t limit, tb_suite ***suites, size_t *n, char *err,
		    size_t errlen)
{
	struct dirent **names = NULL;
	int count, rc = TB_OK;
	DIR *d = opendir(path);

	if (!d) {
		tb_suite *s;

		if (errno != ENOTDIR)
			return tb_seterr(err, errlen, "cannot open suite '%s': %s", path, strerror(errno));
		if (suite_load(path, limit, &s, err, errlen) != TB_OK)
			return TB_ERR;
		return append_suite(suites, n, s, err, errlen);
	}
	closedir(d);
	count = scandir(path, &names, jsonl_filter, alphasort);
	if (count < 0)
		return tb_seterr(err, errlen, "cannot list '%s': %s", path, strerror(errno));
	if (count == 0)
		rc = tb_seterr(err, errlen, "%s: no *.jsonl suite files in this folder", path);
	for (int i = 0; i < count; i++) {
		char full[4096];
		tb_suite *s;

		if (rc == TB_OK) {
			snprintf(full, sizeof(full), "%s/%s", path, names[i]->d_name);
			if (suite_load(full, limit, &s, err, errlen) != TB_OK)
				rc = TB_ERR;
			else
				rc = append_suite(suites, n, s, err, errlen);
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

void suite_free(tb_suite *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n_items; i++)
		item_release(&s->items[i]);
	free(s->items);
	gr_free(s->grader);
	free(s->name);
	free(s->path);
	free(s->description);
	free(s->system);
	free(s);
}

const char *suite_item_user_text(const tb_item *it)
{
	const json_t *content = NULL;
	size_t i;
	json_t *m;

	if (it->prompt)
		return it->prompt;
	json_array_foreach(it->messages, i, m) {
		const char *role = json_string_value(json_object_get(m, "role"));

		if (role && strcmp(role, "user") == 0)
			content = json_object_get(m, "content");
	}
	if (json_is_string(content))
		return json_string_value(content);
	json_array_foreach(content, i, m) {
		const char *text = json_string_value(json_object_get(m, "text"));

		if (text)
			return text;
	}
	return "";
}
