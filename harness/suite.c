#include "suite.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdint.h>
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "digest.h"
#include "lines.h"
#include "log.h"
#include "nearest.h"
#include "rc.h"

/* A suite line longer than this is refused: a prompt of megabytes is a
 * mistake, and the ceiling keeps a hostile file from taking the memory. */
#define SUITE_MAX_LINE (8u << 20)
/* Bytes of the file read at once when an item is read again. */
#define SUITE_WINDOW 65536u
#define SUITE_MAX_ITEMS 10000000u

static const char *const item_fields[] = {
	"id",	 "prompt",     "messages",  "answer",	 "lang",
	"tags",	 "images",     "max_tokens", "grader",	 "reference",
	"wrong_reference", NULL,
};
static const char *const header_fields[] = {
	"name", "description", "system", "template", "grader", "lang", "tags", NULL,
};

/* The ids seen so far, to find duplicates: open addressing on a 32-bit hash
 * of the id, 8 bytes a slot, at most half full. A matching hash is checked
 * against the earlier item's id itself. */
typedef struct id_slot {
	uint32_t hash;
	uint32_t item;      /* the item's index + 1; 0: an empty slot */
} id_slot;

typedef struct id_table {
	id_slot *v;
	size_t cap, n;      /* cap: a power of two, or 0 */
} id_table;

typedef struct loader {
	const char *path;
	long line;
	char *dir;          /* the suite file's folder, for image paths */
	char *template;     /* NULL: the prompt as written */
	char *lang;
	json_t *tags;
	json_t *grader_spec;
	id_table ids;       /* while the file is checked; empty afterwards */
	int again;          /* parsing a checked line again: no duplicate or reference checks */
	char *err;
	size_t errlen;
} loader;

/* Where one item of an opened suite is: its line's offset, number and hash. */
typedef struct suite_line {
	uint64_t off;
	uint32_t line;
	uint32_t sum;       /* line_sum() of the line's bytes as read */
} suite_line;

/* A window of the suite file: win_len bytes from win_off, in buf. */
typedef struct suite_window {
	char *buf;
	size_t buf_cap, win_len;
	uint64_t win_off;
	int win_eof;        /* the window reaches the end of the file */
} suite_window;

struct suite_index {
	loader ld;          /* the header's defaults, for parsing an item again */
	FILE *f;            /* the suite file, read with pread() on its descriptor */
	suite_line *v;      /* n_items of them */
	size_t cap;
	suite_window w;     /* suite_item_get()'s */
};

struct suite_cursor {
	const tb_suite *s;
	loader ld;          /* the index's defaults, shallow; its own line, err and errlen */
	suite_window w;
};

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
		if (!known[i]) {
			tb_nearest nr;
			char hint[128];

			tb_nearest_init(&nr, key);
			for (i = 0; known[i]; i++)
				tb_nearest_offer(&nr, known[i]);
			tb_nearest_hint(&nr, "", hint, sizeof(hint));
			return fail(ld, key, "unknown %s field%s", what, hint);
		}
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

/* An image is checked when the suite loads, not when its request is built:
 * a regular file, at most SUITE_IMAGE_MAX bytes, whose first bytes are those
 * of a PNG, JPEG, GIF or WebP file. */
static int check_image(loader *ld, const char *path)
{
	unsigned char head[12] = {0};
	struct stat sb;
	size_t got;
	FILE *f = fopen(path, "rb");

	if (!f)
		return fail(ld, "images", "cannot read '%s': %s", path, strerror(errno));
	if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size > SUITE_IMAGE_MAX) {
		fclose(f);
		return fail(ld, "images", "'%s': expected an image file of at most %u bytes", path,
			    SUITE_IMAGE_MAX);
	}
	got = fread(head, 1, sizeof(head), f);
	fclose(f);
	if (!(got >= 8 && memcmp(head, "\x89PNG\r\n\x1a\n", 8) == 0) &&
	    !(got >= 3 && memcmp(head, "\xff\xd8\xff", 3) == 0) &&
	    !(got >= 6 && (memcmp(head, "GIF87a", 6) == 0 || memcmp(head, "GIF89a", 6) == 0)) &&
	    !(got >= 12 && memcmp(head, "RIFF", 4) == 0 && memcmp(head + 8, "WEBP", 4) == 0))
		return fail(ld, "images", "'%s': expected a PNG, JPEG, GIF or WebP image", path);
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
		if (check_image(ld, path) != TB_OK)
			return TB_ERR;
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

static uint32_t line_sum(const char *p, size_t n)
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 16777619u;
	return h;
}

/* Fills the window with the file from off: want bytes, or fewer at its end. */
static int read_window(int fd, suite_window *w, uint64_t off, size_t want)
{
	size_t n = 0;

	if (w->buf_cap < want) {
		char *b = realloc(w->buf, want);

		if (!b)
			return TB_NOMEM;
		w->buf = b;
		w->buf_cap = want;
	}
	w->win_off = off;
	w->win_len = 0;
	/* each pass reads at least one byte or ends */
	while (n < want) {
		ssize_t got = pread(fd, w->buf + n, want - n, (off_t)(off + n));

		if (got < 0)
			return TB_ERR;
		if (got == 0)
			break;
		n += (size_t)got;
	}
	w->win_len = n;
	w->win_eof = n < want;
	return TB_OK;
}

/* The line at off (through its newline, or to the end of the file): *line
 * points into the window, valid until the next read; *len is its length.
 * Lines read in order, as a run reads them, cost one read per window, not one
 * per line. TB_TOOBIG past the line ceiling. */
static int read_line_at(int fd, suite_window *w, uint64_t off, const char **line, size_t *len)
{
	size_t want = SUITE_WINDOW;

	/* Each pass finds the line or reads a window twice as long as the part
	 * seen; the line ceiling bounds the growth. */
	for (;;) {
		if (off >= w->win_off && off - w->win_off <= w->win_len) {
			size_t at = (size_t)(off - w->win_off), avail = w->win_len - at;
			const char *nl = avail ? memchr(w->buf + at, '\n', avail) : NULL;

			if (nl || w->win_eof) {
				*line = w->buf + at;
				*len = nl ? (size_t)(nl - *line) + 1 : avail;
				return *len > SUITE_MAX_LINE + 1 ? TB_TOOBIG : TB_OK;
			}
			if (avail > SUITE_MAX_LINE)
				return TB_TOOBIG;
			if (2 * avail > want)
				want = 2 * avail;
		}
		if (read_window(fd, w, off, want) != TB_OK)
			return TB_ERR;
	}
}

/* Parses line k of an opened suite again, through window w. */
static json_t *reparse(const struct suite_index *ix, suite_window *w, size_t k, int *changed)
{
	const suite_line *e = &ix->v[k];
	const char *text;
	size_t len;

	*changed = 0;
	if (read_line_at(fileno(ix->f), w, e->off, &text, &len) != TB_OK)
		return NULL;
	if (line_sum(text, len) != e->sum) {
		*changed = 1;
		return NULL;
	}
	if (e->off == 0 && len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
		text += 3;
		len -= 3;
	}
	return json_loadb(text, len, JSON_REJECT_DUPLICATES, NULL);
}

/* 1 when item k (an earlier one) has this id, 0 when not; TB_ERR when it
 * cannot be read again. *line is its line. */
static int id_is(loader *ld, const tb_suite *s, size_t k, const char *id, long *line)
{
	json_t *o;
	int changed, same;

	if (s->items) {
		*line = s->items[k].line;
		return strcmp(s->items[k].id, id) == 0;
	}
	*line = (long)s->index->v[k].line;
	o = reparse(s->index, &s->index->w, k, &changed);
	if (!o)
		return fail(ld, "id", "cannot read line %ld again%s", *line,
			    changed ? ": the file changed while it was read" : "");
	same = strcmp(json_string_value(json_object_get(o, "id")), id) == 0;
	json_decref(o);
	return same;
}

static int ids_grow(id_table *t)
{
	size_t ncap = t->cap ? t->cap * 2 : 1024;
	id_slot *v = calloc(ncap, sizeof(*v));

	if (!v)
		return TB_NOMEM;
	for (size_t i = 0; i < t->cap; i++) {
		size_t j = t->v[i].hash & (ncap - 1);

		if (!t->v[i].item)
			continue;
		while (v[j].item) /* ends: the new table is at most a quarter full */
			j = (j + 1) & (ncap - 1);
		v[j] = t->v[i];
	}
	free(t->v);
	t->v = v;
	t->cap = ncap;
	return TB_OK;
}

/* Fails on an id already seen; otherwise records it as item `item`. */
static int ids_add(loader *ld, const tb_suite *s, const char *id, size_t item)
{
	id_table *t = &ld->ids;
	uint32_t h = line_sum(id, strlen(id));
	size_t j;

	if ((t->n + 1) * 2 > t->cap && ids_grow(t) != TB_OK)
		return fail(ld, "id", "out of memory");
	/* Ends: the table always has an empty slot. */
	for (j = h & (t->cap - 1); t->v[j].item; j = (j + 1) & (t->cap - 1)) {
		long line;
		int same;

		if (t->v[j].hash != h)
			continue;
		same = id_is(ld, s, t->v[j].item - 1, id, &line);
		if (same < 0)
			return TB_ERR;
		if (same)
			return fail(ld, "id", "duplicate id '%s' (first at line %ld)", id, line);
	}
	t->v[j] = (id_slot){.hash = h, .item = (uint32_t)(item + 1)};
	t->n++;
	return TB_OK;
}

static int parse_item(loader *ld, const tb_suite *s, const json_t *o, tb_item *it)
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
	if (!ld->again && ids_add(ld, s, id, s->n_items) != TB_OK)
		return TB_ERR;
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
	if (it->grader && strcmp(gr_name(it->grader), "exec") != 0 && !ld->again) {
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

static void loader_release(loader *ld)
{
	free(ld->dir);
	free(ld->template);
	free(ld->lang);
	json_decref(ld->tags);
	json_decref(ld->grader_spec);
	free(ld->ids.v);
	memset(ld, 0, sizeof(*ld));
}

/* Makes room for one more item: in s->items when the suite keeps them, else
 * in its index. */
static int grow_items(loader *ld, tb_suite *s, size_t *cap)
{
	size_t ncap = *cap ? *cap * 2 : 64;
	size_t size = s->index ? sizeof(*s->index->v) : sizeof(*s->items);
	void *v;

	if (s->n_items < *cap)
		return TB_OK;
	if (ncap > SUITE_MAX_ITEMS)
		return fail(ld, NULL, "more than %u items", SUITE_MAX_ITEMS);
	v = realloc(s->index ? (void *)s->index->v : (void *)s->items, ncap * size);
	if (!v)
		return fail(ld, NULL, "out of memory");
	if (s->index)
		s->index->v = v;
	else
		s->items = v;
	*cap = ncap;
	return TB_OK;
}

/* Checks one item line; keeps the item, or (opened suite) where it is. */
static int add_item(loader *ld, tb_suite *s, const json_t *o, uint64_t off, uint32_t sum)
{
	tb_item tmp, *it = s->index ? &tmp : &s->items[s->n_items];

	if (parse_item(ld, s, o, it) != TB_OK) {
		item_release(it);
		return TB_ERR;
	}
	s->has_images |= it->n_images > 0;
	s->has_exec |= it->grader && strcmp(gr_name(it->grader), "exec") == 0;
	s->has_tags |= json_array_size(it->tags) > 0;
	if (s->index) {
		item_release(it);
		s->index->v[s->n_items] = (suite_line){.off = off, .line = (uint32_t)ld->line, .sum = sum};
	}
	s->n_items++;
	return TB_OK;
}

/* keep: 1 keeps the items (suite_load), 0 only where they are (suite_open_path). */
static int load_file(const char *path, size_t limit, int keep, tb_suite **out, char *err,
		     size_t errlen)
{
	loader local = {0}, *ld = &local;
	FILE *f = NULL, *in = NULL;
	tb_suite *s = NULL;
	tb_sha256 *h = NULL;
	char *line, *pathcopy = NULL;
	size_t n, items_cap = 0;
	uint64_t off = 0;
	tb_lines lr = {0};
	int rc = TB_ERR, seen_content = 0, got;

	*out = NULL;
	f = fopen(path, "rb");
	if (!f) {
		tb_seterr(err, errlen, "cannot open suite '%s': %s", path, strerror(errno));
		goto out;
	}
	s = calloc(1, sizeof(*s));
	h = tb_sha256_new();
	pathcopy = strdup(path);
	if (s && !keep) {
		s->index = calloc(1, sizeof(*s->index));
		if (s->index) {
			/* The loader outlives the load, for reading items again. */
			ld = &s->index->ld;
			s->index->f = f;
			f = NULL;
		}
	}
	if (!s || !h || !pathcopy || (!keep && !s->index)) {
		tb_seterr(err, errlen, "out of memory");
		goto out;
	}
	s->path = strdup(path);
	s->name = suite_name_from_path(path);
	*ld = (loader){.path = s->path, .err = err, .errlen = errlen, .dir = strdup(dirname(pathcopy))};
	if (!s->path || !s->name || !ld->dir) {
		tb_seterr(err, errlen, "out of memory");
		goto out;
	}

	in = f ? f : s->index->f;
	tb_lines_init(&lr, in, SUITE_MAX_LINE);
	while ((got = tb_lines_next(&lr, &n)) == 1) {
		uint64_t line_off = off;
		/* of the bytes as read (before a BOM goes), as reparse() sees them */
		uint32_t sum;
		json_t *o;
		json_error_t jerr;

		line = lr.line.data;
		sum = keep ? 0 : line_sum(line, n);
		off += (uint64_t)n;
		ld->line++;
		tb_sha256_update(h, line, n);
		if (!keep && ld->line > UINT32_MAX) {
			fail(ld, NULL, "more than %u lines", UINT32_MAX);
			goto out;
		}
		if (ld->line == 1 && n >= 3 && memcmp(line, "\xEF\xBB\xBF", 3) == 0)
			memmove(line, line + 3, n - 2);
		if (is_blank(line) || line[0] == '#')
			continue;
		if (limit && s->n_items >= limit)
			continue; /* keep hashing the whole file */
		o = json_loads(line, JSON_REJECT_DUPLICATES, &jerr);
		if (!o) {
			fail(ld, NULL, "invalid JSON at column %d: %s", jerr.column, jerr.text);
			goto out;
		}
		if (!seen_content && json_is_object(o) && json_object_get(o, "suite")) {
			int hrc = json_object_size(o) == 1
					  ? parse_header(ld, s, json_object_get(o, "suite"))
					  : fail(ld, NULL, "a header line holds only {\"suite\": {...}}");

			json_decref(o);
			seen_content = 1;
			if (hrc != TB_OK)
				goto out;
			continue;
		}
		seen_content = 1;
		if (grow_items(ld, s, &items_cap) != TB_OK || add_item(ld, s, o, line_off, sum) != TB_OK) {
			json_decref(o);
			goto out;
		}
		json_decref(o);
	}
	if (got == TB_TOOBIG) {
		ld->line++;
		fail(ld, NULL, "line longer than %u bytes", SUITE_MAX_LINE);
		goto out;
	}
	if (got != 0) {
		tb_seterr(err, errlen, "cannot read suite '%s': %s", path,
			  got == TB_NOMEM ? "out of memory" : strerror(errno));
		goto out;
	}
	if (s->n_items == 0) {
		tb_seterr(err, errlen, "%s: no items (expected one JSON object per line)", path);
		goto out;
	}
	free(ld->ids.v);
	ld->ids = (id_table){0};
	if (s->index) {
		suite_line *v = realloc(s->index->v, s->n_items * sizeof(*v));

		if (v) /* else the larger block stays */
			s->index->v = v;
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
	tb_lines_release(&lr);
	free(pathcopy);
	loader_release(&local);
	suite_free(s);
	return rc;
}

int suite_load(const char *path, size_t limit, tb_suite **out, char *err, size_t errlen)
{
	return load_file(path, limit, 1, out, err, errlen);
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

static int load_path(const char *path, size_t limit, int keep, tb_suite ***suites, size_t *n,
		     char *err, size_t errlen)
{
	struct dirent **names = NULL;
	int count, rc = TB_OK;
	DIR *d = opendir(path);

	if (!d) {
		tb_suite *s;

		if (errno != ENOTDIR)
			return tb_seterr(err, errlen, "cannot open suite '%s': %s", path, strerror(errno));
		if (load_file(path, limit, keep, &s, err, errlen) != TB_OK)
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
			if (load_file(full, limit, keep, &s, err, errlen) != TB_OK)
				rc = TB_ERR;
			else
				rc = append_suite(suites, n, s, err, errlen);
		}
		free(names[i]);
	}
	free(names);
	return rc;
}

int suite_load_path(const char *path, size_t limit, tb_suite ***suites, size_t *n, char *err,
		    size_t errlen)
{
	return load_path(path, limit, 1, suites, n, err, errlen);
}

int suite_open_path(const char *path, size_t limit, tb_suite ***suites, size_t *n, char *err,
		    size_t errlen)
{
	return load_path(path, limit, 0, suites, n, err, errlen);
}

/* Item i of an opened suite, read again through window w and parsed with
 * loader ld (the index's, or a cursor's copy). */
static int item_get(const tb_suite *s, suite_window *w, loader *ld, size_t i, const tb_item **out, char *err,
		    size_t errlen)
{
	json_t *o;
	tb_item *it;
	int changed, rc;

	ld->line = (long)s->index->v[i].line;
	ld->err = err;
	ld->errlen = errlen;
	ld->again = 1;
	o = reparse(s->index, w, i, &changed);
	if (!o)
		return fail(ld, NULL, "%s",
			    changed ? "the line changed since the suite was checked (edited during the run?)"
				    : "cannot read the line again");
	it = calloc(1, sizeof(*it));
	if (!it) {
		json_decref(o);
		return fail(ld, NULL, "out of memory");
	}
	rc = parse_item(ld, s, o, it);
	json_decref(o);
	if (rc != TB_OK) {
		item_release(it);
		free(it);
		return TB_ERR;
	}
	it->refs = 1;
	*out = it;
	return TB_OK;
}

/* Of a loaded suite, its item, borrowed (1); of an opened one, nothing (0). */
static int loaded_item(const tb_suite *s, size_t i, const tb_item **out, char *err, size_t errlen)
{
	*out = NULL;
	if (i >= s->n_items)
		return tb_seterr(err, errlen, "%s: no item %zu (it has %zu)", s->path, i, s->n_items);
	if (s->index)
		return 0;
	*out = &s->items[i];
	return 1;
}

int suite_item_get(const tb_suite *s, size_t i, const tb_item **out, char *err, size_t errlen)
{
	int rc = loaded_item(s, i, out, err, errlen);

	if (rc != 0)
		return rc == 1 ? TB_OK : rc;
	return item_get(s, &s->index->w, &s->index->ld, i, out, err, errlen);
}

suite_cursor *suite_cursor_new(const tb_suite *s)
{
	suite_cursor *c = calloc(1, sizeof(*c));
	const loader *ld;

	if (!c)
		return NULL;
	c->s = s;
	if (!s->index)
		return c;
	/* What the load set and no one writes since, borrowed; not line, err and
	 * errlen, which suite_item_get() writes on another thread. The JSON
	 * defaults are copied: each item takes a reference, and a count is not
	 * to be shared between threads. */
	ld = &s->index->ld;
	c->ld = (loader){.path = ld->path, .dir = ld->dir, .template = ld->template, .lang = ld->lang,
			 .tags = json_deep_copy(ld->tags), .grader_spec = json_deep_copy(ld->grader_spec)};
	if ((ld->tags && !c->ld.tags) || (ld->grader_spec && !c->ld.grader_spec)) {
		suite_cursor_free(c);
		return NULL;
	}
	return c;
}

int suite_cursor_get(suite_cursor *c, size_t i, const tb_item **out, char *err, size_t errlen)
{
	int rc = loaded_item(c->s, i, out, err, errlen);

	if (rc != 0)
		return rc == 1 ? TB_OK : rc;
	return item_get(c->s, &c->w, &c->ld, i, out, err, errlen);
}

void suite_cursor_free(suite_cursor *c)
{
	if (!c)
		return;
	json_decref(c->ld.tags);
	json_decref(c->ld.grader_spec);
	free(c->w.buf);
	free(c);
}

/* Only the count changes in an item that is read: it is not part of what the
 * holders read, hence the casts. */
void suite_item_hold(const tb_item *it)
{
	if (it && it->refs > 0)
		((tb_item *)it)->refs++;
}

void suite_item_put(const tb_item *it)
{
	tb_item *m = (tb_item *)it;

	if (!m || m->refs <= 0 || --m->refs > 0)
		return;
	item_release(m);
	free(m);
}

void suite_free(tb_suite *s)
{
	if (!s)
		return;
	for (size_t i = 0; s->items && i < s->n_items; i++)
		item_release(&s->items[i]);
	free(s->items);
	if (s->index) {
		if (s->index->f)
			fclose(s->index->f);
		free(s->index->v);
		free(s->index->w.buf);
		loader_release(&s->index->ld);
		free(s->index);
	}
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
