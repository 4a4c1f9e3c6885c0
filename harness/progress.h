/* The progress line: one line on stderr, redrawn at most ten times a second,
 * only when stderr is a terminal and not --quiet. */
#ifndef TB_PROGRESS_H
#define TB_PROGRESS_H

#include <stdint.h>

typedef struct tb_progress {
	int enabled;
	long total, done, correct, graded, errors, behind;
	int64_t t_start_us, t_drawn_us;
} tb_progress;

void progress_init(tb_progress *p, long total, int quiet);
/* The run so far: samples stored, verdicts among them, correct ones, errors,
 * and stored answers still waiting for their grade. Redraws when it is time. */
void progress_set(tb_progress *p, long done, long graded, long correct, long errors, long behind);
/* Clears the line, so that what follows starts on a clean line. */
void progress_end(tb_progress *p);

#endif
