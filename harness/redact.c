#include "redact.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rc.h"

/* A run reads one key per endpoint it talks to: a handful. */
#define MAX_SECRETS 32

typedef struct secret {
	char *name;
	char *value;      /* NULL: the variable was unset or empty */
	size_t len;
	/* Every TB_REDACT_MIN_PART-byte stretch of the value, as an open
	 * addressing set (0 marks a free slot: a key holds no NUL), so
	 * that text is looked at once per byte instead of against every
	 * position of the key. NULL when the key is shorter than that: such a
	 * value is a placeholder ("EMPTY", "none"), not a secret, and replacing
	 * it would cut words out of answers. */
	uint64_t *grams;
	size_t gmask;
} secret;

/* Every name asked for, under the lock. Those whose values are redacted
 * (they have grams) are also appended to `scanned`, each complete before
 * n_published counts it (a release store): so readers load n_published
 * (acquire) and read that many entries without the lock, which they would
 * otherwise take ten times for every chunk of every stream. A run without
 * a key has none, and its text is not looked at. The copies live as long as
 * the process. */
static secret secrets[MAX_SECRETS];
static size_t n_secrets;
static const secret *scanned[MAX_SECRETS];
static size_t n_scanned;
static atomic_size_t n_published;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static uint64_t gram_at(const char *p)
{
	uint64_t g;

	memcpy(&g, p, sizeof(g));
	return g;
}

static size_t gram_slot(uint64_t g, size_t mask)
{
	return (size_t)((g * 0x9E3779B97F4A7C15u) >> 40) & mask;
}

static int gram_has(const secret *k, uint64_t g)
{
	/* Bounded: the set is at most half full, so a free slot comes. */
	for (size_t i = gram_slot(g, k->gmask);; i = (i + 1) & k->gmask) {
		if (k->grams[i] == g)
			return 1;
		if (k->grams[i] == 0)
			return 0;
	}
}

/* Fills k->grams; TB_NOMEM leaves it NULL. */
static int make_grams(secret *k)
{
	size_t n, cap = 16;

	if (k->len < TB_REDACT_MIN_PART)
		return TB_OK;
	n = k->len - TB_REDACT_MIN_PART + 1;
	while (cap < 2 * n)
		cap *= 2;
	k->grams = calloc(cap, sizeof(*k->grams));
	if (!k->grams)
		return TB_NOMEM;
	k->gmask = cap - 1;
	for (size_t j = 0; j < n; j++) {
		uint64_t g = gram_at(k->value + j);
		size_t i = gram_slot(g, k->gmask);

		while (k->grams[i] != 0 && k->grams[i] != g)
			i = (i + 1) & k->gmask;
		k->grams[i] = g;
	}
	return TB_OK;
}

const char *tb_secret_take(const char *name)
{
	const char *found = NULL, *env;
	size_t i;

	pthread_mutex_lock(&lock);
	for (i = 0; i < n_secrets; i++)
		if (strcmp(secrets[i].name, name) == 0)
			break;
	if (i < n_secrets) {
		found = secrets[i].value;
		goto out;
	}
	env = getenv(name);
	if (n_secrets == MAX_SECRETS) {
		/* Never the case in practice; the key is still hidden from children. */
		found = NULL;
		goto out;
	}
	secrets[i].name = strdup(name);
	secrets[i].value = env && *env ? strdup(env) : NULL;
	secrets[i].len = secrets[i].value ? strlen(secrets[i].value) : 0;
	if (!secrets[i].name || (env && *env && !secrets[i].value) ||
	    make_grams(&secrets[i]) != TB_OK) {
		free(secrets[i].name);
		free(secrets[i].value);
		secrets[i] = (secret){0};
		goto out;
	}
	found = secrets[i].value;
	n_secrets++;
	if (secrets[i].grams) {
		scanned[n_scanned++] = &secrets[i];
		atomic_store_explicit(&n_published, n_scanned, memory_order_release);
	}
out:
	/* Whatever happened above, no child may inherit the variable. */
	unsetenv(name);
	pthread_mutex_unlock(&lock);
	return found;
}

static size_t count_scanned(void)
{
	return atomic_load_explicit(&n_published, memory_order_acquire);
}

/* The length of the redactable run starting at s (n bytes left): the longest
 * stretch equal to a part of a key of TB_REDACT_MIN_PART or more bytes; 0
 * when none starts here. */
static size_t span_at(const char *s, size_t n, size_t n_sec)
{
	size_t best = 0;

	for (size_t k = 0; k < n_sec; k++) {
		const secret *sk = scanned[k];
		size_t klen = sk->len;

		if (n < TB_REDACT_MIN_PART || !gram_has(sk, gram_at(s)))
			continue;
		for (size_t j = 0; j + TB_REDACT_MIN_PART <= klen; j++) {
			size_t l = 0;

			while (l < n && j + l < klen && s[l] == sk->value[j + l])
				l++;
			if (l >= TB_REDACT_MIN_PART && l > best)
				best = l;
		}
	}
	return best;
}

/* The first redactable run in s[from, n): its start in *at and its length,
 * or 0 when there is none. */
static size_t next_span(const char *s, size_t from, size_t n, size_t n_sec, size_t *at)
{
	for (size_t i = from; i < n; i++) {
		size_t l = span_at(s + i, n - i, n_sec);

		if (l) {
			*at = i;
			return l;
		}
	}
	return 0;
}

/* s[0, n) with every run replaced, appended to out. Returns the count. */
static size_t redact_into(const char *s, size_t n, size_t n_sec, tb_buf *out)
{
	size_t i = 0, at, l, count = 0;

	/* Each pass consumes at least one byte of s. */
	while (i < n && (l = next_span(s, i, n, n_sec, &at)) > 0) {
		tb_buf_add(out, s + i, at - i);
		tb_buf_adds(out, TB_REDACTED);
		i = at + l;
		count++;
	}
	tb_buf_add(out, s + i, n - i);
	return count;
}

size_t tb_redact_str(char *s, size_t size)
{
	size_t n_sec = count_scanned(), n, at, count;
	tb_buf out;

	if (!n_sec || !s || !size)
		return 0;
	n = strlen(s);
	if (!next_span(s, 0, n, n_sec, &at))
		return 0;
	tb_buf_init(&out, size - 1);
	count = redact_into(s, n, n_sec, &out);
	/* Out of memory: hide everything rather than show the key. */
	snprintf(s, size, "%s", out.data ? out.data : TB_REDACTED);
	tb_buf_release(&out);
	return count;
}

size_t tb_redact_buf(tb_buf *b, size_t from)
{
	size_t n_sec = count_scanned(), longest = 0, start, at, count;
	tb_buf tail;

	if (!n_sec || !b->data || from >= b->len)
		return 0;
	for (size_t k = 0; k < n_sec; k++)
		if (scanned[k]->len > longest)
			longest = scanned[k]->len;
	start = from > longest ? from - longest : 0;
	if (!next_span(b->data, start, b->len, n_sec, &at))
		return 0;
	tb_buf_init(&tail, b->max - start);
	count = redact_into(b->data + start, b->len - start, n_sec, &tail);
	b->len = start;
	b->data[start] = '\0';
	if (tail.data)
		tb_buf_add(b, tail.data, tail.len);
	else
		tb_buf_adds(b, TB_REDACTED); /* out of memory: hide the rest */
	if (tail.truncated)
		b->truncated = 1;
	tb_buf_release(&tail);
	return count;
}
