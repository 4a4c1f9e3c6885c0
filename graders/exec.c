/* The exec grader: runs the code from the answer against the item's tests in
 * the sandbox (sandbox.h) and decides from outside.
 *
 * spec: {"type": "exec", "language": "python"|"c"|"javascript",
 *        "tests": "...", "entry_point": "name", "prompt": "...",
 *        "timeout_s": 10, "memory_mb": 512}
 *
 * The code is the last fenced block tagged with the item's language, else
 * the last untagged block, else the whole answer. The tests are source text
 * in the same language, run after the solution in the same program:
 * - python: HumanEval (`def check(candidate)`, called with entry_point when
 *   the tests do not call it themselves) or MBPP style (imports, then plain
 *   asserts). The prompt, when given, always goes first (its imports and
 *   helpers are needed either way); an answer that does not define
 *   entry_point is then the function's body, indented if it is not.
 * - c: the tests define main(), which must return 0; a main() in the answer
 *   is renamed out of the way. Compiled with gcc -std=gnu11 inside the sandbox.
 * - javascript: statements with the solution's functions and `assert` in
 *   scope, or tests that require('./solution.js') themselves.
 * entry_point is required for python (every function the answer defines is
 * wrapped, so that results are compared strictly and calls are counted).
 *
 * Pass comes from one channel only: the harness-owned driver (drivers.h)
 * writes "<nonce> ok" on fd 3 after every test returned, and the command
 * then exits 0. Exit status, stdout and early exits never pass. In Python
 * the answer and the verdict never share a process: the driver forks (in a
 * warm sandbox the two sides start as processes of their own), the answer
 * runs without fd 3 or the nonce, and the tests run in the other process
 * against stubs that get each call's value back as plain data
 * (see the driver), so nothing the answer does in its process (an __eq__
 * that is always true, patched builtins, reading the driver's memory) can
 * reach the comparison.
 *
 * Verdicts: pass -> GR_CORRECT; fail:wrong, fail:error, fail:timeout,
 * fail:memory, fail:output, fail:crash, fail:compile -> GR_INCORRECT with the
 * word in `extracted` and `reason`; no code -> GR_NOANSWER. A sandbox that
 * cannot start is a harness failure: TB_ERR. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "buf.h"
#include "ccache.h"
#include "digest.h"
#include "drivers/drivers.h"
#include "drivers/tbwarm.h"
#include "exec.h"
#include "iocompare.h"
#include "kinds.h"
#include "log.h"
#include "ratecap.h"
#include "rc.h"
#include "sandbox.h"
#include "zygote.h"

enum lang { LANG_PY, LANG_C, LANG_JS };
enum kind { KIND_FUNCTION, KIND_IO };
/* BINARY_MAX: the largest compiled program kept in the cache */
enum { CODE_MAX = 1 << 20, TESTS_MAX = 4 << 20, FILE_MAX = 8 << 20, IO_MAX = 16 << 20, IO_TESTS_MAX = 1000,
       IO_OUT_MAX = 64 << 20, BINARY_MAX = 4 << 20 };

/* An io test: the program's stdin and the output expected on its stdout
 * (bytes; a NUL is fine). */
typedef struct io_test {
	char *input, *output;
	size_t ilen, olen;
} io_test;

typedef struct exec_state {
	enum lang lang;
	enum kind kind;
	char *tests;            /* function tests; NULL for io */
	char *entry;            /* "" when none */
	char *prompt;           /* NULL when none */
	io_test *io;            /* io tests */
	size_t nio;
	char *main_src;         /* io: code run after the answer's; NULL when none */
	gr_io_compare compare;
	double tolerance;
	double timeout_s;       /* io: per test */
	unsigned memory_mb;
} exec_state;

void gr_exec_set_unsafe(int on)
{
	sb_set_unsafe(on);
}

int gr_exec_unsafe(void)
{
	return sb_unsafe();
}

/* The cap on answers run a second (gr_exec_set_rate), made once and kept
 * for the life of the process: a worker may wait on it at any time. NULL
 * when out of memory: then there is no cap. */
static pthread_once_t cap_once = PTHREAD_ONCE_INIT;
static gr_ratecap *rate_cap;

static void cap_make(void)
{
	rate_cap = gr_ratecap_new();
}

void gr_exec_set_rate(unsigned per_second)
{
	pthread_once(&cap_once, cap_make);
	if (rate_cap)
		gr_ratecap_set(rate_cap, per_second);
}

static void wait_turn(void)
{
	pthread_once(&cap_once, cap_make);
	if (rate_cap)
		gr_ratecap_wait(rate_cap);
}

int gr_exec_available(char *err, size_t errlen)
{
	char why[256];

	if (sb_available(why, sizeof(why)) == TB_OK)
		return TB_OK;
	return tb_seterr(err, errlen,
			 "exec grader: %s; refusing to run untrusted code without a sandbox (--unsafe-exec overrides)",
			 why);
}

static void exec_release(void *p)
{
	exec_state *st = p;

	if (!st)
		return;
	free(st->tests);
	free(st->entry);
	free(st->prompt);
	for (size_t i = 0; i < st->nio; i++) {
		free(st->io[i].input);
		free(st->io[i].output);
	}
	free(st->io);
	free(st->main_src);
	free(st);
}

static int is_ident(const char *s)
{
	if (!s[0] || !(isalpha((unsigned char)s[0]) || s[0] == '_' || s[0] == '$'))
		return 0;
	for (; *s; s++)
		if (!(isalnum((unsigned char)*s) || *s == '_' || *s == '$'))
			return 0;
	return 1;
}

static char *memdup(const char *p, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		memcpy(d, p, n);
		d[n] = '\0';
	}
	return d;
}

/* The io part of a spec: tests, main, compare, tolerance. */
static int io_compile(const json_t *spec, exec_state *st, char *err, size_t errlen)
{
	const json_t *tests = json_object_get(spec, "tests"), *t;
	const json_t *main_src = json_object_get(spec, "main");
	const json_t *cmp = json_object_get(spec, "compare"), *tol = json_object_get(spec, "tolerance");
	size_t i, total = 0;

	if (!json_is_array(tests) || json_array_size(tests) == 0 || json_array_size(tests) > IO_TESTS_MAX)
		return tb_seterr(err, errlen,
				 "grader.tests: expected 1 to %d tests [{\"input\": \"...\", \"output\": \"...\"}]",
				 IO_TESTS_MAX);
	if (main_src && (!json_is_string(main_src) || json_string_length(main_src) > TESTS_MAX))
		return tb_seterr(err, errlen, "grader.main: expected the code as a string (at most 4 MiB)");
	if (cmp && (!json_is_string(cmp) || gr_io_compare_parse(json_string_value(cmp), &st->compare) != 0))
		return tb_seterr(err, errlen, "grader.compare: expected \"exact\", \"tokens\" or \"numbers\"");
	if (!cmp)
		st->compare = GR_IO_TOKENS;
	if (tol && (!json_is_number(tol) || !(json_number_value(tol) >= 0) || json_number_value(tol) > 1))
		return tb_seterr(err, errlen, "grader.tolerance: expected a number from 0 to 1");
	st->tolerance = tol ? json_number_value(tol) : 1e-6;
	st->io = calloc(json_array_size(tests), sizeof(*st->io));
	if (!st->io)
		return tb_seterr(err, errlen, "out of memory");
	json_array_foreach(tests, i, t) {
		const json_t *in = json_object_get(t, "input"), *outp = json_object_get(t, "output");
		io_test *io = &st->io[st->nio];

		if (!json_is_object(t) || !json_is_string(in) || !json_is_string(outp))
			return tb_seterr(err, errlen, "grader.tests[%zu]: expected {\"input\": \"...\", \"output\": \"...\"}",
					 i);
		io->ilen = json_string_length(in);
		io->olen = json_string_length(outp);
		total += io->ilen + io->olen;
		if (total > IO_MAX)
			return tb_seterr(err, errlen, "grader.tests: over %d MiB of input and output", IO_MAX >> 20);
		io->input = memdup(json_string_value(in), io->ilen);
		io->output = memdup(json_string_value(outp), io->olen);
		st->nio++;
		if (!io->input || !io->output)
			return tb_seterr(err, errlen, "out of memory");
	}
	if (main_src) {
		st->main_src = strdup(json_string_value(main_src));
		if (!st->main_src)
			return tb_seterr(err, errlen, "out of memory");
	}
	return TB_OK;
}

static int exec_compile(const json_t *spec, void **state, char *err, size_t errlen)
{
	const char *lang = json_string_value(json_object_get(spec, "language"));
	const char *kind = json_string_value(json_object_get(spec, "kind"));
	const json_t *tests = json_object_get(spec, "tests");
	const json_t *entry = json_object_get(spec, "entry_point");
	const json_t *prompt = json_object_get(spec, "prompt");
	const json_t *to = json_object_get(spec, "timeout_s");
	const json_t *mem = json_object_get(spec, "memory_mb");
	exec_state *st;

	if (!lang)
		return tb_seterr(err, errlen, "grader.language: expected \"python\", \"c\" or \"javascript\"");
	if (json_object_get(spec, "kind") && (!kind || (strcmp(kind, "function") != 0 && strcmp(kind, "io") != 0)))
		return tb_seterr(err, errlen, "grader.kind: expected \"function\" or \"io\"");
	if (entry && (!json_is_string(entry) || !is_ident(json_string_value(entry))))
		return tb_seterr(err, errlen, "grader.entry_point: expected a function name");
	if (prompt && (!json_is_string(prompt) || json_string_length(prompt) > TESTS_MAX))
		return tb_seterr(err, errlen, "grader.prompt: expected a string");
	if (to && (!json_is_number(to) || !(json_number_value(to) > 0) || json_number_value(to) > 600))
		return tb_seterr(err, errlen, "grader.timeout_s: expected seconds, more than 0 and at most 600");
	if (mem && (!json_is_integer(mem) || json_integer_value(mem) < 32 || json_integer_value(mem) > 65536))
		return tb_seterr(err, errlen, "grader.memory_mb: expected an integer from 32 to 65536");
	st = calloc(1, sizeof(*st));
	if (!st)
		return tb_seterr(err, errlen, "out of memory");
	st->kind = kind && strcmp(kind, "io") == 0 ? KIND_IO : KIND_FUNCTION;
	if (strcmp(lang, "python") == 0 || strcmp(lang, "python3") == 0 || strcmp(lang, "py") == 0) {
		st->lang = LANG_PY;
	} else if (strcmp(lang, "c") == 0) {
		st->lang = LANG_C;
	} else if (strcmp(lang, "javascript") == 0 || strcmp(lang, "js") == 0 ||
		   strcmp(lang, "node") == 0) {
		st->lang = LANG_JS;
	} else {
		tb_seterr(err, errlen, "grader.language: unknown language '%s' (expected python, c or javascript)",
			  lang);
		goto fail;
	}
	if (st->kind == KIND_IO) {
		if (io_compile(spec, st, err, errlen) != TB_OK)
			goto fail;
	} else if (st->lang != LANG_PY) {
		/* Function tests run with the answer's code in one program: in C
		 * or JavaScript the answer could rewrite them (a constructor, a
		 * macro, its own require). io tests keep the verdict outside. */
		tb_seterr(err, errlen,
			  "grader.kind: %s tests run as io tests (\"kind\": \"io\"); tests in the answer's own "
			  "program could be forged by it",
			  lang);
		goto fail;
	} else if (!json_is_string(tests) || json_string_length(tests) > TESTS_MAX) {
		tb_seterr(err, errlen, "grader.tests: expected the tests as a string (at most 4 MiB)");
		goto fail;
	} else if (!entry) {
		tb_seterr(err, errlen, "grader.entry_point: required for python");
		goto fail;
	}
	st->tests = st->kind == KIND_FUNCTION ? strdup(json_string_value(tests)) : NULL;
	st->entry = strdup(entry ? json_string_value(entry) : "");
	st->prompt = prompt ? strdup(json_string_value(prompt)) : NULL;
	if ((st->kind == KIND_FUNCTION && !st->tests) || !st->entry || (prompt && !st->prompt)) {
		tb_seterr(err, errlen, "out of memory");
		goto fail;
	}
	st->timeout_s = to ? json_number_value(to) : 10;
	st->memory_mb = mem ? (unsigned)json_integer_value(mem) : 512;
	*state = st;
	return TB_OK;
fail:
	exec_release(st);
	return TB_ERR;
}

/* ---- the code in the answer ---- */

static int tag_matches(enum lang lang, const char *tag, size_t n)
{
	static const char *const py[] = {"python", "python3", "py", "py3", NULL};
	static const char *const c[] = {"c", "h", "c11", "c99", NULL};
	static const char *const js[] = {"javascript", "js", "node", "nodejs", "mjs", "cjs", NULL};
	const char *const *names = lang == LANG_PY ? py : lang == LANG_C ? c : js;

	for (int i = 0; names[i]; i++)
		if (strlen(names[i]) == n && strncasecmp(names[i], tag, n) == 0)
			return 1;
	return 0;
}

/* Finds the code: sets *start and *len within answer. Bounded by the
 * answer's length: every pass of the loop consumes one line. */
static void extract_code(const char *answer, enum lang lang, const char **start, size_t *len)
{
	const char *p = answer, *tagged = NULL, *plain = NULL;
	size_t tagged_len = 0, plain_len = 0;
	const char *body = NULL;
	int in = 0, is_tagged = 0;
	size_t fence = 0;
	char fch = 0;

	while (*p) {
		const char *eol = strchr(p, '\n');
		const char *next = eol ? eol + 1 : p + strlen(p);
		const char *q = p;
		size_t n = 0;

		for (int i = 0; i < 3 && *q == ' '; i++)
			q++;
		if (*q == '`' || *q == '~')
			while (q[n] == *q)
				n++;
		if (!in && n >= 3) {
			const char *t = q + n, *te;

			while (*t == ' ' || *t == '\t')
				t++;
			te = t;
			while (*te && !isspace((unsigned char)*te) && *te != '{' && *te != '`')
				te++;
			in = 1;
			fence = n;
			fch = *q;
			body = next;
			is_tagged = te > t && tag_matches(lang, t, (size_t)(te - t));
			if (te == t) {
				plain = body;
				plain_len = 0;
			}
			if (is_tagged) {
				tagged = body;
				tagged_len = 0;
			}
			if (te > t && !is_tagged)
				body = NULL;
		} else if (in && n >= fence && *q == fch) {
			const char *r = q + n;

			while (*r == ' ' || *r == '\t' || *r == '\r')
				r++;
			if (*r == '\n' || !*r) {
				in = 0;
				if (body && is_tagged)
					tagged_len = (size_t)(p - body);
				else if (body)
					plain_len = (size_t)(p - body);
				body = NULL;
			}
		}
		p = next;
	}
	if (in && body) {
		/* an unclosed fence: the answer was cut; take it to the end */
		if (is_tagged)
			tagged_len = (size_t)(p - body);
		else
			plain_len = (size_t)(p - body);
	}
	if (tagged) {
		*start = tagged;
		*len = tagged_len;
	} else if (plain) {
		*start = plain;
		*len = plain_len;
	} else {
		*start = answer;
		*len = strlen(answer);
	}
}

static int blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isspace((unsigned char)s[i]))
			return 0;
	return 1;
}

static int word_at(const char *s, size_t n, size_t i, const char *w, size_t wn)
{
	return i + wn <= n && memcmp(s + i, w, wn) == 0 &&
	       (i == 0 || !(isalnum((unsigned char)s[i - 1]) || s[i - 1] == '_')) &&
	       (i + wn == n || !(isalnum((unsigned char)s[i + wn]) || s[i + wn] == '_'));
}

/* Python: a line `def entry(` or `async def entry(` at any indentation. */
static int py_defines(const char *s, size_t n, const char *entry)
{
	size_t en = strlen(entry);

	for (size_t i = 0; i < n; i++) {
		size_t j = i;

		if (i > 0 && s[i - 1] != '\n')
			continue;
		while (j < n && (s[j] == ' ' || s[j] == '\t'))
			j++;
		if (j + 6 < n && memcmp(s + j, "async ", 6) == 0)
			j += 6;
		if (j + 4 >= n || memcmp(s + j, "def", 3) != 0 || !isspace((unsigned char)s[j + 3]))
			continue;
		j += 3;
		while (j < n && isspace((unsigned char)s[j]))
			j++;
		if (word_at(s, n, j, entry, en))
			return 1;
	}
	return 0;
}

/* Appends code, indented by four spaces when it is a body at column 0. */
static int add_body(tb_buf *b, const char *s, size_t n)
{
	size_t i = 0;
	int indent;

	while (i < n && (s[i] == '\n' || s[i] == '\r'))
		i++;
	indent = i < n && s[i] != ' ' && s[i] != '\t';
	if (!indent)
		return tb_buf_add(b, s, n);
	for (size_t k = 0; k < n;) {
		const char *eol = memchr(s + k, '\n', n - k);
		size_t m = eol ? (size_t)(eol - (s + k)) + 1 : n - k;
		int rc;

		if (!blank(s + k, m) && tb_buf_add(b, "    ", 4) != TB_OK)
			return TB_TOOBIG;
		rc = tb_buf_add(b, s + k, m);
		if (rc != TB_OK)
			return rc;
		k += m;
	}
	return TB_OK;
}

/* ---- verdicts ---- */

/* Copies src into dst with everything but printable ASCII escaped, so sample
 * text in a reason can never drive a terminal. */
static void put_clean(char *dst, size_t cap, const char *src, size_t n)
{
	size_t o = strlen(dst);

	for (size_t i = 0; i < n && o + 5 < cap; i++) {
		unsigned char c = (unsigned char)src[i];

		if (c >= 0x20 && c < 0x7f && c != '\\') {
			dst[o++] = (char)c;
		} else {
			snprintf(dst + o, cap - o, "\\x%02x", c);
			o += 4;
		}
	}
	dst[o] = '\0';
}

static void set_verdict(gr_result *out, gr_verdict v, const char *word, const char *detail, size_t dn)
{
	out->verdict = v;
	out->score = v == GR_CORRECT ? 1 : 0;
	snprintf(out->extracted, sizeof(out->extracted), "%s", word);
	snprintf(out->reason, sizeof(out->reason), "%s%s", word, detail && dn ? ": " : "");
	if (detail)
		put_clean(out->reason, sizeof(out->reason) - 16, detail, dn);
	if (sb_unsafe())
		strncat(out->reason, " [unsafe-exec]", sizeof(out->reason) - strlen(out->reason) - 1);
}

static int has(const tb_buf *b, const char *needle)
{
	return b->len && memmem(b->data, b->len, needle, strlen(needle)) != NULL;
}

static int memory_hint(const sb_result *r)
{
	return has(&r->err, "MemoryError") || has(&r->err, "out of memory") ||
	       has(&r->err, "Cannot allocate memory") || has(&r->err, "bad_alloc") ||
	       has(&r->err, "Allocation failed");
}

static void classify(const sb_result *r, const char *nonce, gr_result *out)
{
	const char *rec = tb_buf_str(&r->rec), *fail = NULL;
	size_t nl = strlen(nonce), faillen = 0;
	int ok = 0, lines = 0;
	char msg[160];

	/* Bounded: the record is at most 64 KiB, and only 64 lines are read. */
	for (const char *p = rec; *p && lines < 64; lines++) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);

		if (n > nl && memcmp(p, nonce, nl) == 0 && p[nl] == ' ') {
			if (n >= nl + 3 && memcmp(p + nl + 1, "ok", 2) == 0 && (n == nl + 3 || p[nl + 3] == ' '))
				ok = 1;
			else if (!fail && n > nl + 6 && memcmp(p + nl + 1, "fail ", 5) == 0) {
				fail = p + nl + 6;
				faillen = n - nl - 6;
			}
		}
		p = eol ? eol + 1 : p + n;
	}
	if (r->out_capped) {
		set_verdict(out, GR_INCORRECT, "fail:output", "stdout or stderr went over the cap", 34);
		return;
	}
	if (r->timed_out) {
		snprintf(msg, sizeof(msg), "killed at the %.3g s deadline", r->wall_s);
		set_verdict(out, GR_INCORRECT, "fail:timeout", msg, strlen(msg));
		return;
	}
	if (ok && !fail && r->exit_code == 0) {
		set_verdict(out, GR_CORRECT, "pass", "every test returned", 19);
		return;
	}
	if (fail) {
		static const struct {
			const char *kind, *word;
		} kinds[] = {{"wrong", "fail:wrong"},     {"memory", "fail:memory"},
			     {"compile", "fail:compile"}, {"crash", "fail:crash"},
			     {"timeout", "fail:timeout"}, {"error", "fail:error"}};
		const char *word = "fail:error";
		size_t skip = 0;

		for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
			size_t kn = strlen(kinds[i].kind);

			if (faillen >= kn && memcmp(fail, kinds[i].kind, kn) == 0 &&
			    (faillen == kn || fail[kn] == ' ')) {
				word = kinds[i].word;
				skip = faillen > kn ? kn + 1 : kn;
				break;
			}
		}
		set_verdict(out, GR_INCORRECT, word, fail + skip, faillen - skip);
		return;
	}
	if (r->exit_code > 128) {
		int sig = r->exit_code - 128;

		if (sig == SIGXCPU) {
			set_verdict(out, GR_INCORRECT, "fail:timeout", "CPU time limit", 14);
		} else if (memory_hint(r)) {
			set_verdict(out, GR_INCORRECT, "fail:memory", "ran out of memory", 17);
		} else if (sig == SIGABRT && has(&r->err, "Assertion") && has(&r->err, "failed")) {
			set_verdict(out, GR_INCORRECT, "fail:wrong", "an assertion failed", 19);
		} else {
			snprintf(msg, sizeof(msg), "killed by signal %d (%s)", sig, strsignal(sig));
			set_verdict(out, GR_INCORRECT, "fail:crash", msg, strlen(msg));
		}
		return;
	}
	if (memory_hint(r)) {
		set_verdict(out, GR_INCORRECT, "fail:memory", "ran out of memory", 17);
		return;
	}
	snprintf(msg, sizeof(msg), "ended with status %d before the tests finished", r->exit_code);
	set_verdict(out, GR_INCORRECT, "fail:error", msg, strlen(msg));
}

static int make_nonce(char *out, size_t outlen)
{
	unsigned char b[16];
	ssize_t n;

	do
		n = getrandom(b, sizeof(b), 0);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(b) || outlen < 2 * sizeof(b) + 1)
		return TB_ERR;
	for (size_t i = 0; i < sizeof(b); i++)
		snprintf(out + 2 * i, 3, "%02x", b[i]);
	return TB_OK;
}

/* ---- the Python driver as bytecode ----
 *
 * Compiling the driver's 250 lines is about 1 ms of a run of some 14 ms. So
 * the first Python grade of the process has the sandbox's own interpreter
 * compile it once (a sandboxed run of harness code only, with no sample in
 * it), checks the result by running a known-good answer through it, and the
 * runs after that get driver.pyc instead of driver.py: the same code object,
 * compiled the same way. Any failure keeps the source. If the interpreter
 * changes under a long run (the bytecode's magic number no longer matches),
 * the run that notices is repeated with the source, and the bytecode is
 * dropped for good. */

static const char py_compile_driver[] =
	"import sys, marshal, importlib.util\n"
	"with open('driver.py', encoding='utf-8') as f:\n"
	"    c = compile(f.read(), 'driver.py', 'exec', dont_inherit=True)\n"
	"sys.stdout.buffer.write(importlib.util.MAGIC_NUMBER + bytes(12) + marshal.dumps(c))\n";

static pthread_once_t pyc_once = PTHREAD_ONCE_INIT;
static char *pyc;               /* NULL: the runs use the source */
static size_t pyc_len;
static atomic_int pyc_stale;

/* The files and argv of a Python run: driver (bytecode when pyc), solution,
 * tests, and the prompt when there is one (NULL: none). files has room for
 * 4, argv for 6. */
static void py_job(sb_job *job, sb_file *files, const char **argv, int use_pyc, const char *sol, size_t sollen,
		   const char *tests, const char *prompt, const char *entry)
{
	job->files = files;
	job->nfiles = prompt ? 4 : 3;
	job->argv = argv;
	if (use_pyc)
		files[0] = (sb_file){"driver.pyc", pyc, pyc_len};
	else
		files[0] = (sb_file){"driver.py", py_driver, sizeof(py_driver) - 1};
	files[1] = (sb_file){"solution.py", sol, sollen};
	files[2] = (sb_file){"tests.py", tests, strlen(tests)};
	if (prompt)
		files[3] = (sb_file){"prompt.py", prompt, strlen(prompt)};
	argv[0] = "/usr/bin/python3";
	argv[1] = "-I";
	argv[2] = "-B";
	argv[3] = files[0].name;
	argv[4] = entry;
	argv[5] = NULL;
}

static void pyc_make(void)
{
	static const char *const make_argv[] = {"/usr/bin/python3", "-I", "-B", "-c", py_compile_driver, NULL};
	static const char sol[] = "def f(x):\n    return [x, 1.5]\n";
	sb_file files[4] = {{"driver.py", py_driver, sizeof(py_driver) - 1}};
	const char *argv[6];
	sb_job job = {.argv = make_argv, .files = files, .nfiles = 1};
	sb_result res;
	char nonce[40], want[48], err[200] = "";
	size_t len;
	char *code = NULL;

	sb_limits_default(&job.lim);
	if (sb_run(&job, &res, err, sizeof(err)) == TB_OK && res.exit_code == 0 && !res.timed_out &&
	    !res.out_capped && !res.out.truncated && res.out.len > 16) {
		len = res.out.len;
		code = tb_buf_detach(&res.out);
	}
	sb_result_release(&res);
	if (!code || make_nonce(nonce, sizeof(nonce)) != TB_OK) {
		free(code);
		return;
	}
	/* the check: a pass through the bytecode, as through the source */
	pyc = code;
	pyc_len = len;
	memset(&job, 0, sizeof(job));
	sb_limits_default(&job.lim);
	job.nonce = nonce;
	py_job(&job, files, argv, 1, sol, sizeof(sol) - 1, "assert f(2) == [2, 1.5]\n", NULL, "f");
	snprintf(want, sizeof(want), "%s ok", nonce);
	if (sb_run(&job, &res, err, sizeof(err)) != TB_OK || res.exit_code != 0 ||
	    strncmp(tb_buf_str(&res.rec), want, strlen(want)) != 0) {
		tb_warn("exec grader: the Python driver's bytecode does not run (%s); using its source",
			err[0] ? err : "no pass");
		pyc = NULL;
		free(code);
	}
	sb_result_release(&res);
}

/* ---- the warm sandbox ----
 *
 * Python function tests run in this thread's warm sandbox for the item's
 * suite (zygote.h): the verdict side lives on in it, and each answer gets a
 * process forked from a warm interpreter into fresh namespaces. When no warm
 * sandbox can run here the job runs cold. */

/* The zygote's own files. */
static void warm_boot(sb_file boot[3])
{
	boot[0] = (sb_file){"zygote.py", py_zygote, sizeof(py_zygote) - 1};
	boot[1] = (sb_file){"driver.py", py_driver, sizeof(py_driver) - 1};
	boot[2] = (sb_file){"tbwarm.so", (const char *)tb_warm_so, tb_warm_so_len};
}

static int warm_grade(const exec_state *st, const sb_job *cold, const char *domain, const char *sol,
		      size_t sollen, sb_result *res)
{
	sb_file boot[3];
	sb_file prompt = {"prompt.py", st->prompt, st->prompt ? strlen(st->prompt) : 0};
	zy_job job = {.boot = boot, .nboot = 3, .answer = {"solution.py", sol, sollen},
		      .tests = {"tests.py", st->tests, strlen(st->tests)}, .prompt = st->prompt ? &prompt : NULL,
		      .entry = st->entry, .nonce = cold->nonce, .domain = domain, .lim = cold->lim};
	char err[200];

	warm_boot(boot);
	return zy_run(&job, res, err, sizeof(err));
}

/* The limits of a Python function test's answer. */
static void py_limits(const exec_state *st, sb_limits *lim)
{
	sb_limits_default(lim);
	lim->wall_s = st->timeout_s;
	lim->cpu_s = (unsigned)ceil(st->timeout_s) + 1;
	lim->as_mb = st->memory_mb;
}

/* Starts this thread's warm sandbox for the suite before its first answer
 * (grader.h's warm): what starting one costs the harness's process (a fork
 * of it, whose pages its other threads then copy as they write them) is
 * paid before requests are in flight, not while they are. */
static void exec_warm(const void *p, const char *suite)
{
	const exec_state *st = p;
	sb_file boot[3];
	zy_job job = {.boot = boot, .nboot = 3, .domain = suite};
	char err[200];

	if (st->lang != LANG_PY || st->kind != KIND_FUNCTION)
		return;
	warm_boot(boot);
	py_limits(st, &job.lim);
	/* without one (warm sandboxes off here, or every slot taken by other
	 * suites) the first grade starts it, or runs cold, and says why */
	zy_warm(&job, err, sizeof(err));
}

/* ---- io tests ---- */

/* The cap on one test's output: what could still be a right answer (four
 * times the expected length) and 64 KiB for any test. */
static size_t io_cap(const io_test *t)
{
	return 4 * t->olen + (64 << 10);
}

/* The files of an io run: the runner, the program, every input in one file
 * and a line per test with its input's length and output cap. */
static int io_files(const exec_state *st, const char *code, size_t clen, tb_buf *prog, tb_buf *inputs,
		    tb_buf *lengths, sb_file *files)
{
	int rc = TB_OK;

	if (st->lang == LANG_C && st->main_src) {
		/* the spec's main calls the answer's functions; the answer's own
		 * main, if any, is renamed out of the way */
		rc |= tb_buf_adds(prog, "#define main tb__solution_main\n#line 1 \"solution.c\"\n");
		rc |= tb_buf_add(prog, code, clen);
		rc |= tb_buf_adds(prog, "\n#undef main\n#line 1 \"main.c\"\n");
	} else {
		rc |= tb_buf_add(prog, code, clen);
		rc |= tb_buf_adds(prog, st->lang == LANG_JS ? "\n;\n" : "\n");
	}
	if (st->main_src)
		rc |= tb_buf_adds(prog, st->main_src);
	for (size_t i = 0; i < st->nio; i++) {
		rc |= tb_buf_add(inputs, st->io[i].input, st->io[i].ilen);
		rc |= tb_buf_addf(lengths, "%zu %zu\n", st->io[i].ilen, io_cap(&st->io[i]));
	}
	files[0] = (sb_file){"run.sh", io_runner, sizeof(io_runner) - 1};
	files[1] = (sb_file){st->lang == LANG_C ? "prog.c" : st->lang == LANG_PY ? "solution.py" : "solution.js",
			     tb_buf_str(prog), prog->len};
	files[2] = (sb_file){"inputs", tb_buf_str(inputs), inputs->len};
	files[3] = (sb_file){"lengths", tb_buf_str(lengths), lengths->len};
	return rc;
}

/* The compiler's message when the record line p (n bytes, no newline) says
 * the compile failed; NULL otherwise. */
static const char *compile_error(const char *p, size_t n, const char *nonce, size_t *dn)
{
	size_t nl = strlen(nonce);

	if (n < nl + 13 || memcmp(p, nonce, nl) != 0 || memcmp(p + nl, " fail compile", 13) != 0)
		return NULL;
	*dn = n - nl - 13 - (n > nl + 13);
	return p + nl + 13 + (n > nl + 13);
}

/* The compiled program a C run handed back: when the record's first line is
 * "<nonce> binary <bytes>" and stdout holds them, their count, with *rest
 * pointing past that line; else 0 with *rest at the record's start. The
 * runner writes both before the program first runs. */
static size_t handed_binary(const sb_result *r, const char *nonce, const char **rest)
{
	const char *rec = tb_buf_str(&r->rec), *eol = strchr(rec, '\n');
	size_t nl = strlen(nonce), bytes;
	char tail;

	*rest = rec;
	if (!eol || strncmp(rec, nonce, nl) != 0 || sscanf(rec + nl, " binary %zu%c", &bytes, &tail) != 2 ||
	    tail != '\n' || bytes == 0 || bytes > r->out.len)
		return 0;
	*rest = eol + 1;
	return bytes;
}

/* The verdict of an io run: every test ran, exited 0 and printed what was
 * expected. The record (from rec) says, per test, how it ended and how many
 * bytes it printed; its output is the next min(bytes, cap) bytes of stdout,
 * from off. */
static void io_classify(const exec_state *st, const sb_result *r, const char *rec, size_t off, const char *nonce,
			gr_result *out)
{
	const char *p = rec, *got = r->out.data ? r->out.data : "", *detail;
	size_t nl = strlen(nonce), ran = 0, dn;
	char msg[200];

	/* Bounded: one record line per test, at most nio of them. */
	while (ran < st->nio && *p) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p), idx, bytes, cap = io_cap(&st->io[ran]);
		int status;

		if ((detail = compile_error(p, n, nonce, &dn))) {
			set_verdict(out, GR_INCORRECT, "fail:compile", detail, dn);
			return;
		}
		if (n <= nl || memcmp(p, nonce, nl) != 0 ||
		    sscanf(p + nl, " test %zu %d %zu", &idx, &status, &bytes) != 3 || idx != ran) {
			set_verdict(out, GR_INCORRECT, "fail:error", "the runner's record is not in order", 35);
			return;
		}
		if (status == 124 || status == 137 || status == 128 + SIGXCPU) {
			snprintf(msg, sizeof(msg), "test %zu of %zu: over %.3g s", ran + 1, st->nio, st->timeout_s);
			set_verdict(out, GR_INCORRECT, "fail:timeout", msg, strlen(msg));
			return;
		}
		if (status == 128 + SIGXFSZ || bytes > cap) {
			snprintf(msg, sizeof(msg), "test %zu of %zu: over the output cap", ran + 1, st->nio);
			set_verdict(out, GR_INCORRECT, "fail:output", msg, strlen(msg));
			return;
		}
		if (status == 1 && st->lang != LANG_C && has(&r->err, "SyntaxError")) {
			set_verdict(out, GR_INCORRECT, "fail:compile", "a SyntaxError", 13);
			return;
		}
		if (status != 0) {
			if (memory_hint(r))
				snprintf(msg, sizeof(msg), "test %zu of %zu: ran out of memory", ran + 1, st->nio);
			else if (status > 128)
				snprintf(msg, sizeof(msg), "test %zu of %zu: killed by signal %d (%s)", ran + 1, st->nio,
					 status - 128, strsignal(status - 128));
			else
				snprintf(msg, sizeof(msg), "test %zu of %zu: exited with status %d", ran + 1, st->nio,
					 status);
			set_verdict(out, GR_INCORRECT,
				    memory_hint(r) ? "fail:memory" : status > 128 ? "fail:crash" : "fail:error", msg,
				    strlen(msg));
			return;
		}
		if (off + bytes > r->out.len) {
			set_verdict(out, GR_INCORRECT, "fail:error", "the runner's output is short", 28);
			return;
		}
		if (!gr_io_same(st->compare, st->tolerance, got + off, bytes, st->io[ran].output, st->io[ran].olen)) {
			snprintf(msg, sizeof(msg), "test %zu of %zu: the output differs", ran + 1, st->nio);
			set_verdict(out, GR_INCORRECT, "fail:wrong", msg, strlen(msg));
			return;
		}
		off += bytes;
		ran++;
		p = eol ? eol + 1 : p + n;
	}
	if (ran == st->nio) {
		snprintf(msg, sizeof(msg), "%zu of %zu tests printed the expected output", ran, st->nio);
		set_verdict(out, GR_CORRECT, "pass", msg, strlen(msg));
	} else if (r->out_capped) {
		set_verdict(out, GR_INCORRECT, "fail:output", "stdout or stderr went over the cap", 34);
	} else if (r->timed_out) {
		snprintf(msg, sizeof(msg), "killed at the %.3g s deadline after %zu of %zu tests", r->wall_s, ran,
			 st->nio);
		set_verdict(out, GR_INCORRECT, "fail:timeout", msg, strlen(msg));
	} else {
		snprintf(msg, sizeof(msg), "the runner stopped after %zu of %zu tests (status %d)", ran, st->nio,
			 r->exit_code);
		set_verdict(out, GR_INCORRECT, "fail:error", msg, strlen(msg));
	}
}

/* The cache key of a C run: everything the compiler could read. */
static void c_key(const sb_file *files, size_t n, char key[65])
{
	tb_sha256 *h = tb_sha256_new();

	key[0] = '\0';
	if (!h)
		return;
	for (size_t i = 0; i < n; i++) {
		tb_sha256_update(h, files[i].name, strlen(files[i].name) + 1);
		tb_sha256_update(h, &files[i].len, sizeof(files[i].len));
		tb_sha256_update(h, files[i].data, files[i].len);
	}
	tb_sha256_final(h, key);
}

/* Runs an io grade: one sandbox for every test, the comparison here. A C
 * program is compiled once per distinct source and tests (ccache.h): the
 * binary, or the compiler's error, is kept from the first run. */
static int io_grade(const exec_state *st, const char *code, size_t clen, const char *nonce, gr_result *out)
{
	tb_buf prog, inputs, lengths, cached;
	sb_file files[4];
	sb_job job;
	sb_result res;
	char err[200], heap[24], secs[32], keep[24], key[65] = "";
	const char *argv[] = {"/bin/sh", "run.sh", st->lang == LANG_C ? "c" : st->lang == LANG_PY ? "python" : "javascript",
			      heap, secs, st->main_src ? "5" : "1", keep, NULL};
	const char *rec, *detail;
	size_t out_max = 64 << 10, bin = 0, dn;
	int rc = TB_ERR, hit = CC_MISS, keep_bytes;

	memset(&res, 0, sizeof(res));
	tb_buf_init(&prog, FILE_MAX);
	tb_buf_init(&inputs, IO_MAX);
	tb_buf_init(&lengths, 64 * IO_TESTS_MAX);
	tb_buf_init(&cached, BINARY_MAX);
	if (io_files(st, code, clen, &prog, &inputs, &lengths, files) != TB_OK) {
		set_verdict(out, GR_INCORRECT, "fail:error", "the program is too large", 24);
		rc = TB_OK;
		goto out;
	}
	if (st->lang == LANG_C) {
		c_key(files, 4, key);
		hit = key[0] ? cc_lookup(key, &cached) : CC_MISS;
	}
	if (hit == CC_ERROR) {
		set_verdict(out, GR_INCORRECT, "fail:compile", tb_buf_str(&cached), cached.len);
		rc = TB_OK;
		goto out;
	}
	if (hit == CC_BINARY) {
		files[1] = (sb_file){"prog", tb_buf_str(&cached), cached.len};
		argv[2] = "binary";
	}
	for (size_t i = 0; i < st->nio; i++)
		out_max += io_cap(&st->io[i]);
	snprintf(heap, sizeof(heap), "%u", st->memory_mb);
	snprintf(secs, sizeof(secs), "%.3f", st->timeout_s);
	keep_bytes = key[0] && hit == CC_MISS ? BINARY_MAX : 0;
	snprintf(keep, sizeof(keep), "%d", keep_bytes);
	memset(&job, 0, sizeof(job));
	sb_limits_default(&job.lim);
	/* every test its own time, the compiler 30 s, and a little for the runner */
	job.lim.wall_s = (double)st->nio * (st->timeout_s + 1.5) + (st->lang == LANG_C ? 30 : 0) + 5;
	job.lim.cpu_s = (unsigned)ceil(st->timeout_s) + (st->lang == LANG_C ? 30 : 1);
	job.lim.as_mb = st->memory_mb + (st->lang == LANG_JS ? 1024 : 0);
	job.lim.out_max = (out_max < IO_OUT_MAX ? out_max : IO_OUT_MAX) + (size_t)keep_bytes;
	job.nonce = nonce;
	job.argv = argv;
	job.files = files;
	job.nfiles = 4;
	if (sb_run(&job, &res, err, sizeof(err)) != TB_OK) {
		snprintf(out->reason, sizeof(out->reason), "exec grader: %s", err);
		goto out;
	}
	rec = tb_buf_str(&res.rec);
	if (keep_bytes && (bin = handed_binary(&res, nonce, &rec)))
		cc_store(key, CC_BINARY, res.out.data, bin);
	detail = compile_error(rec, strcspn(rec, "\n"), nonce, &dn);
	/* a compiler killed by a limit may pass another time */
	if (keep_bytes && detail && !memmem(detail, dn, "signal", 6))
		cc_store(key, CC_ERROR, detail, dn);
	io_classify(st, &res, rec, bin, nonce, out);
	rc = TB_OK;
out:
	sb_result_release(&res);
	tb_buf_release(&prog);
	tb_buf_release(&inputs);
	tb_buf_release(&lengths);
	tb_buf_release(&cached);
	return rc;
}

static int exec_grade(const void *p, const gr_input *in, gr_result *out)
{
	const exec_state *st = p;
	const char *answer = in->answer ? in->answer : "", *code;
	size_t clen;
	tb_buf sol_src;
	sb_file files[4];
	sb_job job;
	sb_result res;
	char nonce[40], err[200];
	const char *argv[8];
	int rc = TB_ERR, use_pyc = 0;

	tb_buf_init(&sol_src, FILE_MAX);
	memset(&res, 0, sizeof(res));
	extract_code(answer, st->lang, &code, &clen);
	if (blank(code, clen)) {
		out->verdict = GR_NOANSWER;
		snprintf(out->extracted, sizeof(out->extracted), "no code");
		snprintf(out->reason, sizeof(out->reason), "no code in the answer");
		rc = TB_OK;
		goto out;
	}
	if (clen > CODE_MAX) {
		set_verdict(out, GR_INCORRECT, "fail:error", "the code is over 1 MiB", 22);
		rc = TB_OK;
		goto out;
	}
	if (make_nonce(nonce, sizeof(nonce)) != TB_OK) {
		snprintf(out->reason, sizeof(out->reason), "exec grader: no random bytes for a nonce");
		goto out;
	}
	wait_turn();
	if (st->kind == KIND_IO) {
		rc = io_grade(st, code, clen, nonce, out);
		goto out;
	}
	memset(&job, 0, sizeof(job));
	py_limits(st, &job.lim);
	job.nonce = nonce;
	if (st->prompt) {
		rc = tb_buf_adds(&sol_src, st->prompt);
		if (sol_src.len && sol_src.data[sol_src.len - 1] != '\n')
			rc |= tb_buf_adds(&sol_src, "\n");
	} else {
		rc = TB_OK;
	}
	if (st->prompt && !py_defines(code, clen, st->entry))
		rc |= add_body(&sol_src, code, clen);
	else
		rc |= tb_buf_add(&sol_src, code, clen);
	if (rc != TB_OK) {
		set_verdict(out, GR_INCORRECT, "fail:error", "the program is too large", 24);
		rc = TB_OK;
		goto out;
	}
	rc = TB_ERR;
	if (warm_grade(st, &job, in->suite, tb_buf_str(&sol_src), sol_src.len, &res) == TB_OK) {
		classify(&res, nonce, out);
		rc = TB_OK;
		goto out;
	}
	sb_result_release(&res);
	pthread_once(&pyc_once, pyc_make);
	use_pyc = pyc && !atomic_load(&pyc_stale);
	py_job(&job, files, argv, use_pyc, tb_buf_str(&sol_src), sol_src.len, st->tests, st->prompt, st->entry);
	if (sb_run(&job, &res, err, sizeof(err)) != TB_OK) {
		snprintf(out->reason, sizeof(out->reason), "exec grader: %s", err);
		goto out;
	}
	if (use_pyc && !res.rec.len && has(&res.err, "Bad magic number")) {
		/* The interpreter may have changed since the bytecode was made
		 * (or the sample only says so): run the source, and drop the
		 * bytecode if the source's driver got as far as a record. */
		sb_result_release(&res);
		py_job(&job, files, argv, 0, tb_buf_str(&sol_src), sol_src.len, st->tests, st->prompt, st->entry);
		if (sb_run(&job, &res, err, sizeof(err)) != TB_OK) {
			snprintf(out->reason, sizeof(out->reason), "exec grader: %s", err);
			goto out;
		}
		if (res.rec.len)
			atomic_store(&pyc_stale, 1);
	}
	classify(&res, nonce, out);
	rc = TB_OK;
out:
	sb_result_release(&res);
	tb_buf_release(&sol_src);
	return rc;
}

const gr_ops gr_exec_ops = {
	.name = "exec",
	.compile = exec_compile,
	.grade = exec_grade,
	.release = exec_release,
	.warm = exec_warm,
};
