/* "Did you mean": the one rule that picks the valid name nearest to a word
 * the user typed (a command, a flag, a model id, a field of a suite or a
 * models file). Names are offered one by one, so any table can be walked. */
#ifndef TB_NEAREST_H
#define TB_NEAREST_H

#include <stddef.h>

typedef struct tb_nearest {
	const char *word;
	const char *best;   /* the caller's string; NULL while nothing is near */
	size_t best_dist;
} tb_nearest;

void tb_nearest_init(tb_nearest *nr, const char *word);
/* Considers name (kept by pointer: it must outlive the tb_nearest). */
void tb_nearest_offer(tb_nearest *nr, const char *name);
/* The nearest name offered, or NULL when none is near enough to suggest. */
const char *tb_nearest_best(const tb_nearest *nr);
/* Writes "; did you mean PREFIXname?" into out, or "" when there is none. */
void tb_nearest_hint(const tb_nearest *nr, const char *prefix, char *out, size_t outlen);

#endif
