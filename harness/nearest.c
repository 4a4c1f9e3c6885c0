/* Edit distance with adjacent transpositions (optimal string alignment), so
 * that "sampels" is one edit from "samples". A name "org/model" is also
 * compared by the part after its last slash, so "qwen3-14b" finds
 * "qwen/qwen3-14b". A name is suggested only within 1 + len/4 edits of the
 * word (and fewer edits than the word has characters), so a short typo gets
 * one edit and an unrelated word gets nothing. */
#include <stdio.h>
#include <string.h>

#include "nearest.h"

#define NEAR_MAX 64 /* longer words and names are not compared */

static size_t min3(size_t a, size_t b, size_t c)
{
	size_t m = a < b ? a : b;

	return m < c ? m : c;
}

static size_t distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), d[NEAR_MAX + 1][NEAR_MAX + 1];

	if (la > NEAR_MAX || lb > NEAR_MAX)
		return (size_t)-1;
	for (size_t i = 0; i <= la; i++)
		d[i][0] = i;
	for (size_t j = 0; j <= lb; j++)
		d[0][j] = j;
	for (size_t i = 1; i <= la; i++) {
		for (size_t j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1];

			d[i][j] = min3(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < d[i][j])
				d[i][j] = d[i - 2][j - 2] + 1;
		}
	}
	return d[la][lb];
}

void tb_nearest_init(tb_nearest *nr, const char *word)
{
	nr->word = word;
	nr->best = NULL;
	nr->best_dist = (size_t)-1;
}

void tb_nearest_offer(tb_nearest *nr, const char *name)
{
	size_t len = strlen(nr->word), d = distance(nr->word, name);
	const char *slash = strrchr(name, '/');

	if (slash && !strchr(nr->word, '/')) {
		size_t ds = distance(nr->word, slash + 1);

		if (ds < d)
			d = ds;
	}
	if (d == 0 && strcmp(nr->word, name) == 0)
		return; /* the word itself is valid: nothing to suggest */
	if (d > 1 + len / 4 || d >= len || d >= nr->best_dist)
		return;
	nr->best = name;
	nr->best_dist = d;
}

const char *tb_nearest_best(const tb_nearest *nr)
{
	return nr->best;
}

void tb_nearest_hint(const tb_nearest *nr, const char *prefix, char *out, size_t outlen)
{
	if (nr->best)
		snprintf(out, outlen, "; did you mean %s%s?", prefix, nr->best);
	else if (outlen)
		out[0] = '\0';
}
