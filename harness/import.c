/* Importers for the public benchmark files. Each kind turns one record (a
 * JSON line, an element of a JSON array, or a TSV row) into one item; the
 * suite header carries the prompt template and the grader, so items keep the
 * source's text. Everything is read before anything is written. */
#include "import.h"
#include "mkpath.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "buf.h"
#include "log.h"
#include "rc.h"

#define FILE_MAX (64u << 20)  /* the largest real file is under 1 MB */
#define TEXT_MAX (8u << 20)   /* one composed field: the loader's line ceiling */
#define ITEMS_MAX 1000000u
#define EXEC_TIMEOUT_S 10

enum {
	K_GSM8K = 1 << 0,
	K_MATH = 1 << 1,
	K_AIME = 1 << 2,
	K_MGSM = 1 << 3,
	K_HUMANEVAL = 1 << 4,
	K_MBPP = 1 << 5,
	K_ALL = (1 << 6) - 1,
};

#define BOXED_INSTRUCTION "Please reason step by step, and put your final answer within \\boxed{}."

typedef struct tmpl {
	const char *name;
	unsigned kinds;
	const char *text; /* NULL: the prompt as is (plain), or per language (mgsm-native) */
	const char *help;
} tmpl;

static const tmpl templates[] = {
	{"qwen-boxed", K_GSM8K | K_MATH | K_AIME, "{prompt}\n" BOXED_INSTRUCTION,
	 "the question, then \"" BOXED_INSTRUCTION "\"\n"
	 "                 (Qwen's math prompt; default for gsm8k, math, aime)"},
	{"plain", K_ALL, NULL, "the item's prompt only, no instruction"},
	{"mgsm-native", K_MGSM, NULL,
	 "the question, then an instruction in its own language to reason step by\n"
	 "                 step and end with that language's \"The answer is N\" (default for mgsm)"},
	{"mgsm-en", K_MGSM,
	 "{prompt}\n\nSolve this step by step. End your response with \"The answer is N\", "
	 "where N is the final number.",
	 "the question, then the English instruction, for every language"},
	{"humaneval", K_HUMANEVAL,
	 "Complete the following Python function. Reply with the whole function, "
	 "including its signature, in a single ```python code block.\n\n```python\n{prompt}```",
	 "the function stub in a ```python block, asking for the whole function\n"
	 "                 in a ```python block (default for humaneval)"},
	{"mbpp", K_MBPP,
	 "You are an expert Python programmer, and here is your task: {prompt}\n\n"
	 "Reply with the code in a single ```python code block.",
	 "the standard MBPP prompt (task, then its asserts), asking for a ```python\n"
	 "                 block (default for mbpp)"},
};

/* One instruction per MGSM language, each ending in the phrase of that
 * language's exemplars ("The answer is 11.", "答えは11です。"), which the
 * numeric grader's last-number rule then finds. */
static const struct mgsm_lang {
	const char *lang;
	const char *instruction;
} mgsm_langs[] = {
	{"bn", "ধাপে ধাপে চিন্তা করে সমস্যাটির সমাধান করুন। শেষে \"উত্তর হল N\" লিখুন, যেখানে N হল "
	       "চূড়ান্ত সংখ্যা।"},
	{"de", "Löse die Aufgabe Schritt für Schritt. Beende deine Antwort mit \"Die Antwort ist N\", "
	       "wobei N die endgültige Zahl ist."},
	{"en", "Solve this step by step. End your response with \"The answer is N\", where N is the "
	       "final number."},
	{"es", "Resuelve el problema paso a paso. Termina tu respuesta con \"La respuesta es N\", "
	       "donde N es el número final."},
	{"fr", "Résous ce problème étape par étape. Termine ta réponse par « La réponse est N », où N "
	       "est le nombre final."},
	{"ja", "段階的に考えて、最終的な答えを「答え：」の後に数字で書いてください。"},
	{"ru", "Решите задачу шаг за шагом. Закончите ответ фразой «Ответ — N», где N — итоговое "
	       "число."},
	{"sw", "Tatua swali hili hatua kwa hatua. Malizia jibu lako kwa \"Jibu ni N\", ambapo N ni "
	       "nambari ya mwisho."},
	{"te", "ఈ సమస్యను దశలవారీగా ఆలోచించి పరిష్కరించండి. చివరగా \"సమాధానం N\" అని రాయండి, ఇక్కడ N "
	       "తుది సంఖ్య."},
	{"th", "คิดทีละขั้นตอน แล้วจบคำตอบด้วย \"คำตอบคือ N\" โดยที่ N คือตัวเลขคำตอบสุดท้าย"},
	{"zh", "请一步一步地推理，并在最后写出“答案是 N”，其中 N 是最终的数字。"},
};

typedef struct ctx ctx;

typedef struct kind {
	const char *name;
	unsigned bit;
	const char *default_template;
	int (*record)(ctx *c, const json_t *rec); /* NULL: a TSV kind */
	const char *description;
	const char *help;
} kind;

struct ctx {
	const kind *k;
	const tmpl *t;
	const char *path;        /* the file being read */
	long line;               /* its line; 0 inside a JSON array */
	size_t record;           /* 1-based element of a JSON array; 0 in JSON Lines */
	char stem[64];           /* file name without folder, extensions and "_test" */
	char lang[16];           /* mgsm: the file's language */
	const char *instruction; /* mgsm-native with several languages: added to each prompt */
	int mbpp_full, mbpp_sanitized;
	json_t *items;
	json_t *ids;             /* id -> "file:line", to find duplicates */
	char *err;
	size_t errlen;
};

static int fail(ctx *c, const char *field, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(ctx *c, const char *field, const char *fmt, ...)
{
	char msg[512], where[1200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c->record)
		snprintf(where, sizeof(where), "%s: record %zu", c->path, c->record);
	else if (c->line)
		snprintf(where, sizeof(where), "%s:%ld", c->path, c->line);
	else
		snprintf(where, sizeof(where), "%s", c->path);
	if (field)
		return tb_seterr(c->err, c->errlen, "%s: %s: %s", where, field, msg);
	return tb_seterr(c->err, c->errlen, "%s: %s", where, msg);
}

static const char *type_name(const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
	case JSON_REAL:
		return "a number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	case JSON_NULL:
		return "null";
	}
	return "something else";
}

/* A required string field; NULL after reporting why. */
static const char *need_string(ctx *c, const json_t *rec, const char *field)
{
	const json_t *v = json_object_get(rec, field);

	if (!v) {
		fail(c, field, "missing (expected a string)");
		return NULL;
	}
	if (!json_is_string(v)) {
		fail(c, field, "expected a string, found %s", type_name(v));
		return NULL;
	}
	return json_string_value(v);
}

/* A required array of strings; NULL after reporting why. */
static const json_t *need_strings(ctx *c, const json_t *rec, const char *field, int nonempty)
{
	const json_t *v = json_object_get(rec, field);
	size_t i;
	json_t *e;

	if (!v) {
		fail(c, field, "missing (expected an array of strings)");
		return NULL;
	}
	if (!json_is_array(v) || (nonempty && json_array_size(v) == 0)) {
		fail(c, field, "expected a%s array of strings", nonempty ? " non-empty" : "n");
		return NULL;
	}
	json_array_foreach(v, i, e) {
		if (!json_is_string(e)) {
			fail(c, field, "element %zu: expected a string, found %s", i, type_name(e));
			return NULL;
		}
	}
	return v;
}

/* Copies the number in s[0..n) into out without spaces and thousands commas.
 * Returns TB_ERR unless it is [-]digits[.digits]. */
static int clean_number(const char *s, size_t n, char *out, size_t outlen)
{
	size_t o = 0, digits = 0;
	int dot = 0;

	while (n && isspace((unsigned char)*s))
		s++, n--;
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];

		if (ch == ',' && digits && i + 1 < n && isdigit((unsigned char)s[i + 1]))
			continue;
		if (ch == '-' && o == 0)
			;
		else if (ch == '.' && digits && !dot && i + 1 < n)
			dot = 1;
		else if (isdigit((unsigned char)ch))
			digits++;
		else
			return TB_ERR;
		if (o + 1 >= outlen)
			return TB_ERR;
		out[o++] = ch;
	}
	out[o] = '\0';
	return digits ? TB_OK : TB_ERR;
}

/* Appends s with its line ends made LF: CRLF, and a lone CR (four MBPP
 * solutions end in one), which Python reads as a line end too. */
static void add_lf(tb_buf *b, const char *s)
{
	const char *p = s, *cr;

	while ((cr = strchr(p, '\r')) != NULL) {
		tb_buf_add(b, p, (size_t)(cr - p));
		tb_buf_add(b, "\n", 1);
		p = cr[1] == '\n' ? cr + 2 : cr + 1;
	}
	tb_buf_adds(b, p);
}

/* Takes a composed text out of b: NULL after reporting which field got too long. */
static char *take_text(ctx *c, tb_buf *b, const char *field)
{
	if (b->truncated) {
		fail(c, field, "longer than %u bytes", TEXT_MAX);
		tb_buf_release(b);
		return NULL;
	}
	return tb_buf_detach(b);
}

/* Appends an item (taken over, NULL when building it failed), checking that
 * its id is new. */
static int add_item(ctx *c, json_t *item)
{
	const char *id;
	const json_t *prev;
	char where[1200];
	int rc = TB_ERR;

	if (!item)
		return fail(c, NULL, "cannot build the item (out of memory)");
	id = json_string_value(json_object_get(item, "id"));
	prev = json_object_get(c->ids, id);
	if (prev) {
		fail(c, "id", "duplicate id '%s' (first at %s)", id, json_string_value(prev));
		goto out;
	}
	if (json_array_size(c->items) >= ITEMS_MAX) {
		fail(c, NULL, "more than %u items", ITEMS_MAX);
		goto out;
	}
	if (c->record)
		snprintf(where, sizeof(where), "%s record %zu", c->path, c->record);
	else
		snprintf(where, sizeof(where), "%s:%ld", c->path, c->line);
	if (json_object_set_new(c->ids, id, json_string(where)) != 0 ||
	    json_array_append(c->items, item) != 0) {
		fail(c, NULL, "out of memory");
		goto out;
	}
	rc = TB_OK;
out:
	json_decref(item);
	return rc;
}

/* The record's number for ids: its line, or its place in a JSON array. */
static long seq(const ctx *c)
{
	return c->record ? (long)c->record : c->line;
}

static int gsm8k_record(ctx *c, const json_t *rec)
{
	const char *q, *a, *mark, *p;
	char num[64], id[48];

	q = need_string(c, rec, "question");
	a = q ? need_string(c, rec, "answer") : NULL;
	if (!a)
		return TB_ERR;
	mark = NULL;
	for (p = strstr(a, "####"); p; p = strstr(p + 4, "####"))
		mark = p;
	if (!mark || clean_number(mark + 4, strlen(mark + 4), num, sizeof(num)) != TB_OK)
		return fail(c, "answer", "expected a string ending in '#### N'");
	snprintf(id, sizeof(id), "gsm8k-%04ld", seq(c));
	return add_item(c, json_pack("{s:s, s:s, s:s}", "id", id, "prompt", q, "answer", num));
}

static int math_record(ctx *c, const json_t *rec)
{
	const char *problem, *answer, *subject, *uid;
	const json_t *level = json_object_get(rec, "level");
	long lv = 0;
	char tag[32];

	problem = need_string(c, rec, "problem");
	answer = problem ? need_string(c, rec, "answer") : NULL;
	subject = answer ? need_string(c, rec, "subject") : NULL;
	uid = subject ? need_string(c, rec, "unique_id") : NULL;
	if (!uid)
		return TB_ERR;
	if (json_is_integer(level))
		lv = (long)json_integer_value(level);
	else if (json_is_string(level))
		sscanf(json_string_value(level), "Level %ld", &lv); /* the original MATH's "Level 3" */
	if (lv < 1 || lv > 9)
		return fail(c, "level", "expected a whole number from 1 to 9");
	if (!*uid)
		return fail(c, "unique_id", "expected a non-empty string");
	snprintf(tag, sizeof(tag), "level-%ld", lv);
	return add_item(c, json_pack("{s:s, s:s, s:s, s:[s, s]}", "id", uid, "prompt", problem,
				     "answer", answer, "tags", subject, tag));
}

/* AIME answers: a JSON integer (QwQ) or a digit string kept as given, leading
 * zeros and all (Qwen2.5-Math's "025"); the numeric grader compares numbers. */
static int aime_answer(ctx *c, const json_t *rec, char *out, size_t outlen)
{
	const json_t *v = json_object_get(rec, "answer");
	char num[64];

	if (json_is_integer(v)) {
		snprintf(out, outlen, "%lld", (long long)json_integer_value(v));
		return TB_OK;
	}
	if (json_is_string(v) &&
	    clean_number(json_string_value(v), strlen(json_string_value(v)), num, sizeof(num)) == TB_OK &&
	    strlen(json_string_value(v)) < outlen) {
		snprintf(out, outlen, "%s", json_string_value(v));
		return TB_OK;
	}
	if (!v)
		return fail(c, "answer", "missing (expected an integer)");
	return fail(c, "answer", "expected an integer or a string of digits, found %s", type_name(v));
}

static int aime_record(ctx *c, const json_t *rec)
{
	char answer[64], id[192];
	const char *text;
	char *prompt = NULL;
	int rc;

	if (json_object_get(rec, "problem")) {
		/* Qwen2.5-Math: {id, problem, answer: "025", ...} */
		const json_t *v = json_object_get(rec, "id");

		if (json_is_integer(v))
			snprintf(id, sizeof(id), "%s-%lld", c->stem, (long long)json_integer_value(v));
		else if (json_is_string(v) && *json_string_value(v))
			snprintf(id, sizeof(id), "%s-%.100s", c->stem, json_string_value(v));
		else
			return fail(c, "id", "expected an integer or a non-empty string");
		text = need_string(c, rec, "problem");
		if (!text)
			return TB_ERR;
		prompt = strdup(text);
	} else {
		/* QwQ: {prompt, answer: 204}. The prompt ends in Qwen's instruction,
		 * which is cut here so the template adds it back exactly once. */
		static const char suffix[] = BOXED_INSTRUCTION;
		size_t n, s = strlen(suffix);

		text = need_string(c, rec, "prompt");
		if (!text)
			return TB_ERR;
		n = strlen(text);
		if (n >= s && strcmp(text + n - s, suffix) == 0) {
			n -= s;
			while (n && (text[n - 1] == '\n' || text[n - 1] == ' '))
				n--;
		}
		prompt = strndup(text, n);
		snprintf(id, sizeof(id), "%s-%02ld", c->stem, seq(c));
	}
	if (!prompt)
		return fail(c, NULL, "out of memory");
	rc = aime_answer(c, rec, answer, sizeof(answer));
	if (rc == TB_OK)
		rc = add_item(c, json_pack("{s:s, s:s, s:s}", "id", id, "prompt", prompt, "answer", answer));
	free(prompt);
	return rc;
}

static int humaneval_record(ctx *c, const json_t *rec)
{
	const char *task_id, *prompt, *solution, *test, *entry;
	tb_buf b;
	char *tests = NULL, *reference = NULL;
	int rc = TB_ERR;

	task_id = need_string(c, rec, "task_id");
	prompt = task_id ? need_string(c, rec, "prompt") : NULL;
	solution = prompt ? need_string(c, rec, "canonical_solution") : NULL;
	test = solution ? need_string(c, rec, "test") : NULL;
	entry = test ? need_string(c, rec, "entry_point") : NULL;
	if (!entry)
		return TB_ERR;
	if (!*task_id)
		return fail(c, "task_id", "expected a non-empty string");
	if (!*entry)
		return fail(c, "entry_point", "expected a function name");
	tb_buf_init(&b, TEXT_MAX);
	tb_buf_addf(&b, "%s\ncheck(%s)\n", test, entry);
	tests = take_text(c, &b, "test");
	if (!tests)
		goto out;
	tb_buf_init(&b, TEXT_MAX);
	tb_buf_adds(&b, prompt);
	tb_buf_adds(&b, solution);
	reference = take_text(c, &b, "canonical_solution");
	if (!reference)
		goto out;
	rc = add_item(c, json_pack("{s:s, s:s, s:{s:s, s:s, s:s, s:s, s:s, s:i}, s:s}", "id", task_id,
				   "prompt", prompt, "grader", "type", "exec", "language", "python",
				   "tests", tests, "entry_point", entry, "prompt", prompt, "timeout_s",
				   EXEC_TIMEOUT_S, "reference", reference));
out:
	free(tests);
	free(reference);
	return rc;
}

/* 1 when name[0..n) occurs in t as a call: not inside a longer name or
 * after a dot, and followed by "(". */
static int calls(const char *t, const char *name, size_t n)
{
	const char *hit = t;

	/* Bounded by strlen(t): each pass moves past the previous hit. */
	while ((hit = strstr(hit, name)) != NULL) {
		const char *after = hit + n;
		int starts = hit == t || !(isalnum((unsigned char)hit[-1]) || hit[-1] == '_' ||
					     hit[-1] == '.');

		while (*after == ' ')
			after++;
		if (starts && *after == '(')
			return 1;
		hit++;
	}
	return 0;
}

/* The function the asserts call: the first top-level def of the reference
 * code whose name appears as a call in an assert, trying them in order. */
static int mbpp_entry_point(const char *code, const json_t *asserts, char *out, size_t outlen)
{
	size_t i;
	json_t *a;

	json_array_foreach(asserts, i, a) {
		const char *line = code;

		while (line && *line) {
			if (strncmp(line, "def ", 4) == 0) {
				const char *p = line + 4, *name;
				size_t n;

				while (*p == ' ' || *p == '\t')
					p++;
				name = p;
				while (isalnum((unsigned char)*p) || *p == '_')
					p++;
				n = (size_t)(p - name);
				if (n && n < outlen) {
					memcpy(out, name, n);
					out[n] = '\0';
					if (calls(json_string_value(a), out, n))
						return TB_OK;
				}
			}
			line = strchr(line, '\n');
			if (line)
				line++;
		}
	}
	return TB_ERR;
}

static const char *mbpp_split(long task_id)
{
	if (task_id <= 10)
		return "split-prompt";
	if (task_id <= 510)
		return "split-test";
	if (task_id <= 600)
		return "split-validation";
	return "split-train";
}

static int mbpp_record(ctx *c, const json_t *rec)
{
	const json_t *tid = json_object_get(rec, "task_id"), *asserts, *imports = NULL;
	const char *text, *code, *setup = NULL;
	char id[48], entry[128];
	char *tests = NULL, *prompt = NULL, *reference = NULL;
	tb_buf b;
	size_t i;
	json_t *v;
	int rc = TB_ERR, full = json_object_get(rec, "text") != NULL;

	if (!json_is_integer(tid))
		return fail(c, "task_id", tid ? "expected an integer" : "missing (expected an integer)");
	text = need_string(c, rec, full ? "text" : "prompt");
	code = text ? need_string(c, rec, "code") : NULL;
	asserts = code ? need_strings(c, rec, "test_list", 1) : NULL;
	if (!asserts)
		return TB_ERR;
	if (full && json_object_get(rec, "test_setup_code")) {
		setup = need_string(c, rec, "test_setup_code");
		if (!setup)
			return TB_ERR;
	}
	if (!full && json_object_get(rec, "test_imports")) {
		imports = need_strings(c, rec, "test_imports", 0);
		if (!imports)
			return TB_ERR;
	}
	if (mbpp_entry_point(code, asserts, entry, sizeof(entry)) != TB_OK)
		return fail(c, "test_list", "no function defined at the top level of code is called by the asserts");
	c->mbpp_full |= full;
	c->mbpp_sanitized |= !full;

	tb_buf_init(&b, TEXT_MAX);
	if (setup && *setup) {
		add_lf(&b, setup);
		tb_buf_adds(&b, "\n");
	}
	json_array_foreach(imports, i, v)
		tb_buf_addf(&b, "%s\n", json_string_value(v));
	json_array_foreach(asserts, i, v)
		tb_buf_addf(&b, "%s\n", json_string_value(v));
	tests = take_text(c, &b, "test_list");
	if (!tests)
		goto out;

	/* The standard MBPP prompt shows the asserts, so the model knows the name
	 * and the signature the tests call. */
	tb_buf_init(&b, TEXT_MAX);
	tb_buf_addf(&b, "%s Your code should pass these tests:\n\n", text);
	json_array_foreach(asserts, i, v)
		tb_buf_addf(&b, "%s%s", i ? "\n" : "", json_string_value(v));
	prompt = take_text(c, &b, full ? "text" : "prompt");
	if (!prompt)
		goto out;

	tb_buf_init(&b, TEXT_MAX);
	add_lf(&b, code);
	reference = take_text(c, &b, "code");
	if (!reference)
		goto out;

	snprintf(id, sizeof(id), "mbpp-%lld", (long long)json_integer_value(tid));
	rc = add_item(c, json_pack("{s:s, s:s, s:[s], s:{s:s, s:s, s:s, s:s, s:i}, s:s}", "id", id,
				   "prompt", prompt, "tags", mbpp_split((long)json_integer_value(tid)),
				   "grader", "type", "exec", "language", "python", "tests", tests,
				   "entry_point", entry, "timeout_s", EXEC_TIMEOUT_S, "reference",
				   reference));
out:
	free(tests);
	free(prompt);
	free(reference);
	return rc;
}

static const kind kinds[] = {
	{"gsm8k", K_GSM8K, "qwen-boxed", gsm8k_record,
	 "GSM8K test set: grade-school math word problems (openai/grade-school-math)",
	 "GSM8K test.jsonl {question, answer ending \"#### N\"}; ids gsm8k-0001 by line"},
	{"math", K_MATH, "qwen-boxed", math_record,
	 "MATH-500: competition math with LaTeX answers (openai/prm800k test split)",
	 "MATH-500 test.jsonl {problem, answer, subject, level, unique_id}; ids are unique_id,\n"
	 "              tags the subject and level-N"},
	{"aime", K_AIME, "qwen-boxed", aime_record,
	 "AIME problems: answers are integers from 0 to 999",
	 "AIME JSON Lines: QwQ's {prompt, answer} (ids aime24-01 by line) or Qwen2.5-Math's\n"
	 "              {id, problem, answer: \"025\"} (ids aime24-60 from id)"},
	{"mgsm", K_MGSM, "mgsm-native", NULL,
	 "MGSM: GSM8K problems translated into ten languages (google-research/url-nlp)",
	 "MGSM mgsm_XX.tsv files (question<TAB>answer, no header, no quoting), one or\n"
	 "              more languages into one suite; ids mgsm-XX-0001 by line"},
	{"humaneval", K_HUMANEVAL, "humaneval", humaneval_record,
	 "HumanEval: complete a Python function; graded by running its tests (openai/human-eval)",
	 "HumanEval.jsonl or .jsonl.gz {task_id, prompt, canonical_solution, test,\n"
	 "              entry_point}; ids are task_id"},
	{"mbpp", K_MBPP, "mbpp", mbpp_record,
	 "MBPP: write a Python function that passes the asserts shown; graded by running them",
	 "mbpp.jsonl {task_id, text, code, test_list, test_setup_code} or\n"
	 "              sanitized-mbpp.json [{task_id, prompt, code, test_imports, test_list}];\n"
	 "              ids mbpp-11, tags split-test (11-510), split-train, ..."},
};

static const kind *find_kind(const char *name)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(kinds[i].name, name) == 0)
			return &kinds[i];
	return NULL;
}

int import_kind_known(const char *name)
{
	return name && find_kind(name) != NULL;
}

static const tmpl *find_template(const char *name)
{
	for (size_t i = 0; i < sizeof(templates) / sizeof(templates[0]); i++)
		if (strcmp(templates[i].name, name) == 0)
			return &templates[i];
	return NULL;
}

static const struct mgsm_lang *find_mgsm_lang(const char *lang)
{
	for (size_t i = 0; i < sizeof(mgsm_langs) / sizeof(mgsm_langs[0]); i++)
		if (strcmp(mgsm_langs[i].lang, lang) == 0)
			return &mgsm_langs[i];
	return NULL;
}

/* Reads a whole file, through zlib so that .gz files come out decompressed
 * (gzread passes other files through as they are). */
static int read_file(const char *path, tb_buf *out, char *err, size_t errlen)
{
	char chunk[65536];
	gzFile gz;
	int n, zrc, rc = TB_ERR;

	errno = 0;
	gz = gzopen(path, "rb");
	if (!gz)
		return tb_seterr(err, errlen, "cannot open '%s': %s", path,
				 errno ? strerror(errno) : "out of memory");
	/* Bounded by FILE_MAX: each pass adds a chunk or ends. */
	while ((n = gzread(gz, chunk, sizeof(chunk))) > 0) {
		if (tb_buf_add(out, chunk, (size_t)n) != TB_OK) {
			tb_seterr(err, errlen, "%s: larger than %u bytes", path, FILE_MAX);
			goto out;
		}
	}
	if (n < 0) {
		int zerr;
		const char *msg = gzerror(gz, &zerr);

		tb_seterr(err, errlen, "cannot read '%s': %s", path,
			  zerr == Z_ERRNO ? strerror(errno) : msg);
		goto out;
	}
	rc = TB_OK;
out:
	zrc = gzclose(gz);
	if (rc == TB_OK && zrc != Z_OK)
		rc = tb_seterr(err, errlen, "cannot read '%s': %s", path,
			       zrc == Z_BUF_ERROR ? "the compressed data ends early" : "read error");
	return rc;
}

/* Fills c->stem: the file name without folder, extensions and a "_test" tail,
 * so "aime/qwen2.5-math/aime24_test.jsonl" gives "aime24". */
static void set_stem(ctx *c, const char *path, const char *fallback)
{
	const char *base = strrchr(path, '/');
	size_t n;
	char *dot;

	snprintf(c->stem, sizeof(c->stem), "%s", base ? base + 1 : path);
	dot = strchr(c->stem, '.');
	if (dot)
		*dot = '\0';
	n = strlen(c->stem);
	if (n > 5 && (strcmp(c->stem + n - 5, "_test") == 0 || strcmp(c->stem + n - 5, "-test") == 0))
		c->stem[n - 5] = '\0';
	if (!c->stem[0] || strcmp(c->stem, "test") == 0)
		snprintf(c->stem, sizeof(c->stem), "%s", fallback);
}

/* The language of an MGSM file from its name, mgsm_XX.tsv. */
static int mgsm_file_lang(const char *path, char *out, size_t outlen)
{
	const char *base = strrchr(path, '/'), *p, *end;

	base = base ? base + 1 : path;
	if (strncmp(base, "mgsm_", 5) != 0)
		return TB_ERR;
	p = base + 5;
	end = strchr(p, '.');
	if (!end || strcmp(end, ".tsv") != 0 || end == p || (size_t)(end - p) >= outlen)
		return TB_ERR;
	for (const char *q = p; q < end; q++)
		if (!islower((unsigned char)*q) && *q != '-')
			return TB_ERR;
	memcpy(out, p, (size_t)(end - p));
	out[end - p] = '\0';
	return TB_OK;
}

static int mgsm_row(ctx *c, const char *row, size_t len)
{
	const char *tab = memchr(row, '\t', len);
	char num[64], id[64];
	json_t *q = NULL, *item = NULL;
	tb_buf b;

	if (!tab)
		return fail(c, NULL, "expected question<TAB>answer, found no tab");
	if (memchr(tab + 1, '\t', len - (size_t)(tab - row) - 1))
		return fail(c, "answer", "expected one tab in the row, found more");
	if (memchr(row, '\0', len))
		return fail(c, "question", "contains a NUL byte");
	if (tab == row)
		return fail(c, "question", "empty");
	if (clean_number(tab + 1, len - (size_t)(tab - row) - 1, num, sizeof(num)) != TB_OK)
		return fail(c, "answer", "expected a number after the tab");
	tb_buf_init(&b, TEXT_MAX);
	tb_buf_add(&b, row, (size_t)(tab - row));
	if (c->instruction)
		tb_buf_addf(&b, "\n\n%s", c->instruction);
	if (b.truncated) {
		tb_buf_release(&b);
		return fail(c, "question", "longer than %u bytes", TEXT_MAX);
	}
	q = json_stringn(tb_buf_str(&b), b.len);
	tb_buf_release(&b);
	if (!q)
		return fail(c, "question", "not valid UTF-8");
	snprintf(id, sizeof(id), "mgsm-%s-%04ld", c->lang, c->line);
	item = json_pack("{s:s, s:o, s:s, s:s}", "id", id, "prompt", q, "answer", num, "lang", c->lang);
	return add_item(c, item);
}

static int read_tsv(ctx *c, const char *data, size_t len)
{
	const char *p = data, *end = data + len;

	c->line = 0;
	if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		size_t k = n;

		c->line++;
		while (k && (p[k - 1] == ' ' || p[k - 1] == '\r'))
			k--;
		if (k && mgsm_row(c, p, k) != TB_OK)
			return TB_ERR;
		p += n + (nl ? 1 : 0);
	}
	return TB_OK;
}

static int one_record(ctx *c, const json_t *rec)
{
	if (!json_is_object(rec))
		return fail(c, NULL, "expected a JSON object, found %s", type_name(rec));
	return c->k->record(c, rec);
}

/* A whole-file JSON array (sanitized-mbpp.json) or JSON Lines. */
static int read_json(ctx *c, const char *data, size_t len)
{
	const char *p = data, *end = data + len;
	json_error_t jerr;

	if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	while (p < end && isspace((unsigned char)*p))
		p++;
	if (p < end && *p == '[') {
		json_t *arr = json_loadb(p, (size_t)(end - p), JSON_REJECT_DUPLICATES, &jerr);
		size_t i;
		json_t *rec;
		int rc = TB_OK;

		if (!arr) {
			c->line = jerr.line;
			return fail(c, NULL, "invalid JSON at column %d: %s", jerr.column, jerr.text);
		}
		json_array_foreach(arr, i, rec) {
			c->record = i + 1;
			rc = one_record(c, rec);
			if (rc != TB_OK)
				break;
		}
		json_decref(arr);
		return rc;
	}
	c->line = 0;
	p = data;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		const char *q = p;
		json_t *rec;
		int rc;

		c->line++;
		if (c->line == 1 && n >= 3 && memcmp(q, "\xEF\xBB\xBF", 3) == 0)
			q += 3;
		while (q < p + n && isspace((unsigned char)*q))
			q++;
		if (q < p + n) {
			rec = json_loadb(q, (size_t)(p + n - q), JSON_REJECT_DUPLICATES, &jerr);
			if (!rec)
				return fail(c, NULL, "invalid JSON at column %d: %s",
					    jerr.column + (int)(q - p), jerr.text);
			rc = one_record(c, rec);
			json_decref(rec);
			if (rc != TB_OK)
				return TB_ERR;
		}
		p += n + (nl ? 1 : 0);
	}
	return TB_OK;
}

static int read_one(ctx *c, const char *path)
{
	tb_buf data;
	int rc;

	tb_buf_init(&data, FILE_MAX);
	c->path = path;
	c->line = 0;
	c->record = 0;
	rc = read_file(path, &data, c->err, c->errlen);
	if (rc == TB_OK && c->k->bit == K_MGSM)
		rc = read_tsv(c, tb_buf_str(&data), data.len);
	else if (rc == TB_OK)
		rc = read_json(c, tb_buf_str(&data), data.len);
	if (rc == TB_OK && c->k->bit != K_MGSM && data.len > 0 && json_array_size(c->items) == 0)
		rc = tb_seterr(c->err, c->errlen, "%s: no records", path);
	tb_buf_release(&data);
	return rc;
}

static uint64_t splitmix64(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Keeps `sample` items picked by a Fisher-Yates shuffle seeded with seed, in
 * their original order. splitmix64 with a modulo gives the same picks on
 * every machine (the bias, n / 2^64, does not matter here). */
static int sample_items(json_t **items, size_t sample, uint64_t seed)
{
	size_t n = json_array_size(*items);
	size_t *idx = NULL;
	unsigned char *keep = NULL;
	json_t *kept = NULL;
	uint64_t st = seed;
	int rc = TB_NOMEM;

	if (sample >= n)
		return TB_OK;
	idx = malloc(n * sizeof(*idx));
	keep = calloc(n, 1);
	kept = json_array();
	if (!idx || !keep || !kept)
		goto out;
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	for (size_t i = n - 1; i > 0; i--) {
		size_t j = (size_t)(splitmix64(&st) % (uint64_t)(i + 1));
		size_t t = idx[i];

		idx[i] = idx[j];
		idx[j] = t;
	}
	for (size_t i = 0; i < sample; i++)
		keep[idx[i]] = 1;
	for (size_t i = 0; i < n; i++)
		if (keep[i] && json_array_append(kept, json_array_get(*items, i)) != 0)
			goto out;
	json_decref(*items);
	*items = kept;
	kept = NULL;
	rc = TB_OK;
out:
	free(idx);
	free(keep);
	json_decref(kept);
	return rc;
}

static const char *base_name(const char *path)
{
	const char *b = strrchr(path, '/');

	return b ? b + 1 : path;
}

/* The suite's default name: the kind, made more precise by what was read. */
static void default_name(ctx *c, const char *const *files, size_t n_files, const char *single_lang,
			 char *out, size_t outlen)
{
	snprintf(out, outlen, "%s", c->k->name);
	if (c->k->bit == K_MATH) {
		snprintf(out, outlen, "math500");
	} else if (c->k->bit == K_AIME) {
		/* aime24 for one year's files, aime when years are mixed */
		set_stem(c, files[0], "aime");
		snprintf(out, outlen, "%s", c->stem);
		for (size_t i = 1; i < n_files; i++) {
			set_stem(c, files[i], "aime");
			if (strcmp(out, c->stem) != 0) {
				snprintf(out, outlen, "aime");
				break;
			}
		}
	} else if (c->k->bit == K_MGSM && single_lang) {
		snprintf(out, outlen, "mgsm-%s", single_lang);
	} else if (c->k->bit == K_MBPP && c->mbpp_sanitized && !c->mbpp_full) {
		snprintf(out, outlen, "mbpp-sanitized");
	}
}

static json_t *make_header(ctx *c, const char *name, const char *const *files, size_t n_files,
			   const char *single_lang)
{
	json_t *suite = json_object(), *tags = json_array(), *grader = NULL, *header = NULL;
	tb_buf b;

	tb_buf_init(&b, 64 * 1024);
	if (!suite || !tags)
		goto out;

	tb_buf_addf(&b, "%s. Imported from", c->k->description);
	for (size_t i = 0; i < n_files; i++)
		tb_buf_addf(&b, "%s %s", i ? "," : "", base_name(files[i]));
	tb_buf_addf(&b, " with template %s.", c->t->name);

	json_object_set_new(suite, "name", json_string(name));
	json_object_set_new(suite, "description", json_string(tb_buf_str(&b)));
	tb_buf_reset(&b);
	if (c->t->text) {
		json_object_set_new(suite, "template", json_string(c->t->text));
	} else if (strcmp(c->t->name, "mgsm-native") == 0 && single_lang) {
		tb_buf_addf(&b, "{prompt}\n\n%s", find_mgsm_lang(single_lang)->instruction);
		json_object_set_new(suite, "template", json_string(tb_buf_str(&b)));
	}

	switch (c->k->bit) {
	case K_GSM8K:
	case K_AIME:
		grader = json_pack("{s:s}", "type", "numeric");
		json_array_append_new(tags, json_string("math"));
		break;
	case K_MATH:
		grader = json_pack("{s:s}", "type", "math");
		json_array_append_new(tags, json_string("math"));
		break;
	case K_MGSM:
		grader = json_pack("{s:s, s:b}", "type", "numeric", "check_lang", 1);
		json_array_append_new(tags, json_string("math"));
		json_array_append_new(tags, json_string("multilingual"));
		break;
	default:
		json_array_append_new(tags, json_string("code"));
		json_array_append_new(tags, json_string("python"));
		break;
	}
	json_array_append_new(tags, json_string(c->k->bit == K_MATH ? "math500" : c->k->name));
	if (grader)
		json_object_set_new(suite, "grader", grader);
	if (c->k->bit != K_MGSM || single_lang)
		json_object_set_new(suite, "lang", json_string(single_lang ? single_lang : "en"));
	json_object_set(suite, "tags", tags);
	if (!json_object_get(suite, "name") || !json_object_get(suite, "description"))
		goto out; /* out of memory, or a --name that is not UTF-8 */
	header = json_pack("{s:O}", "suite", suite);
out:
	tb_buf_release(&b);
	json_decref(suite);
	json_decref(tags);
	return header;
}

/* MGSM: every file's language, known before any row is read because with
 * mgsm-native and several languages the instruction goes into each item.
 * single gets the one language of all files, "" when there are several. */
static int mgsm_langs_of(ctx *c, const char *const *files, size_t n_files, char *single,
			 size_t singlelen)
{
	for (size_t i = 0; i < n_files; i++) {
		char lang[16];

		c->path = files[i];
		if (mgsm_file_lang(files[i], lang, sizeof(lang)) != TB_OK)
			return fail(c, NULL, "cannot tell the language from the file name (expected mgsm_XX.tsv)");
		if (strcmp(c->t->name, "mgsm-native") == 0 && !find_mgsm_lang(lang))
			return fail(c, NULL, "no mgsm-native instruction for language '%s' (use --template mgsm-en or plain)", lang);
		if (i == 0)
			snprintf(single, singlelen, "%s", lang);
		else if (strcmp(single, lang) != 0)
			single[0] = '\0';
	}
	return TB_OK;
}

int import_build(const char *kind_name, const char *const *files, size_t n_files,
		 const import_opts *o, import_suite *out, char *err, size_t errlen)
{
	ctx c = {.err = err, .errlen = errlen};
	const char *tname;
	char single[16] = "", name[128];
	int rc = TB_ERR;

	out->header = NULL;
	out->items = NULL;
	c.k = find_kind(kind_name);
	if (!c.k)
		return tb_seterr(err, errlen, "unknown kind '%s' (expected gsm8k, math, aime, mgsm, humaneval or mbpp)", kind_name);
	if (n_files == 0)
		return tb_seterr(err, errlen, "%s: expected at least one file", kind_name);
	tname = o->template_name ? o->template_name : c.k->default_template;
	c.t = find_template(tname);
	if (!c.t || !(c.t->kinds & c.k->bit)) {
		tb_buf names;

		tb_buf_init(&names, 1024);
		for (size_t i = 0; i < sizeof(templates) / sizeof(templates[0]); i++)
			if (templates[i].kinds & c.k->bit)
				tb_buf_addf(&names, "%s%s", names.len ? ", " : "", templates[i].name);
		tb_seterr(err, errlen, "template '%s' does not fit kind '%s' (expected %s)", tname,
			  kind_name, tb_buf_str(&names));
		tb_buf_release(&names);
		return TB_ERR;
	}
	c.items = json_array();
	c.ids = json_object();
	if (!c.items || !c.ids) {
		tb_seterr(err, errlen, "out of memory");
		goto out;
	}
	if (c.k->bit == K_MGSM && mgsm_langs_of(&c, files, n_files, single, sizeof(single)) != TB_OK)
		goto out;
	for (size_t i = 0; i < n_files; i++) {
		if (c.k->bit == K_MGSM) {
			mgsm_file_lang(files[i], c.lang, sizeof(c.lang));
			c.instruction = strcmp(c.t->name, "mgsm-native") == 0 && !single[0]
						? find_mgsm_lang(c.lang)->instruction
						: NULL;
		}
		set_stem(&c, files[i], c.k->name);
		if (read_one(&c, files[i]) != TB_OK)
			goto out;
	}
	if (json_array_size(c.items) == 0) {
		tb_seterr(err, errlen, "%s: no items", files[0]);
		goto out;
	}
	if (o->sample && sample_items(&c.items, o->sample, o->seed) != TB_OK) {
		tb_seterr(err, errlen, "out of memory");
		goto out;
	}
	/* Bounded by the number of items. */
	while (o->limit && json_array_size(c.items) > o->limit)
		json_array_remove(c.items, json_array_size(c.items) - 1);
	if (o->name && (!*o->name || strlen(o->name) >= sizeof(name))) {
		tb_seterr(err, errlen, "the suite name must have 1 to %zu bytes", sizeof(name) - 1);
		goto out;
	}
	if (o->name)
		snprintf(name, sizeof(name), "%s", o->name);
	else
		default_name(&c, files, n_files, single[0] ? single : NULL, name, sizeof(name));
	out->header = make_header(&c, name, files, n_files, single[0] ? single : NULL);
	if (!out->header) {
		tb_seterr(err, errlen, "cannot build the suite header (is --name valid UTF-8?)");
		goto out;
	}
	out->items = c.items;
	c.items = NULL;
	rc = TB_OK;
out:
	json_decref(c.items);
	json_decref(c.ids);
	return rc;
}

static int write_line(FILE *f, const json_t *v)
{
	char *s = json_dumps(v, JSON_PRESERVE_ORDER);
	int rc = TB_ERR;

	if (s && fputs(s, f) != EOF && fputc('\n', f) != EOF)
		rc = TB_OK;
	free(s);
	return rc;
}

int import_write(const import_suite *s, FILE *f)
{
	size_t i;
	json_t *item;

	if (write_line(f, s->header) != TB_OK)
		return TB_ERR;
	json_array_foreach(s->items, i, item)
		if (write_line(f, item) != TB_OK)
			return TB_ERR;
	return fflush(f) == 0 && !ferror(f) ? TB_OK : TB_ERR;
}

int import_save(const import_suite *s, const char *path, char *err, size_t errlen)
{
	char *tmp = NULL;
	FILE *f = NULL;
	int fd = -1, rc = TB_ERR;
	mode_t mask;

	if (tb_mkpath_parent(path, 0777, err, errlen) != TB_OK)
		return TB_ERR;
	if (asprintf(&tmp, "%s.tmp.XXXXXX", path) < 0) {
		tmp = NULL;
		return tb_seterr(err, errlen, "out of memory");
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		tb_seterr(err, errlen, "cannot create '%s': %s", path, strerror(errno));
		goto out;
	}
	/* mkstemp makes 0600; a suite is an ordinary file, readable as umask allows. */
	mask = umask(0);
	umask(mask);
	if (fchmod(fd, 0666 & ~mask) != 0 || !(f = fdopen(fd, "w"))) {
		tb_seterr(err, errlen, "cannot write '%s': %s", path, strerror(errno));
		goto out;
	}
	fd = -1;
	if (import_write(s, f) != TB_OK) {
		tb_seterr(err, errlen, "cannot write '%s': %s", path, strerror(errno));
		goto out;
	}
	if (fclose(f) != 0) {
		f = NULL;
		tb_seterr(err, errlen, "cannot write '%s': %s", path, strerror(errno));
		goto out;
	}
	f = NULL;
	if (rename(tmp, path) != 0) {
		tb_seterr(err, errlen, "cannot write '%s': %s", path, strerror(errno));
		goto out;
	}
	rc = TB_OK;
out:
	if (f)
		fclose(f);
	if (fd >= 0)
		close(fd);
	if (rc != TB_OK && tmp)
		unlink(tmp);
	free(tmp);
	return rc;
}

void import_suite_release(import_suite *s)
{
	json_decref(s->header);
	json_decref(s->items);
	s->header = NULL;
	s->items = NULL;
}

void import_help(FILE *f)
{
	fprintf(f, "\nkinds:\n");
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		fprintf(f, "  %-11s %s\n", kinds[i].name, kinds[i].help);
	fprintf(f, "\ntemplates (--template NAME):\n");
	for (size_t i = 0; i < sizeof(templates) / sizeof(templates[0]); i++)
		fprintf(f, "  %-14s %s\n", templates[i].name, templates[i].help);
}
