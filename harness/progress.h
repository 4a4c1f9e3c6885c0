/* The progress line: one line on stderr, redrawn at most ten times a second,
 * only when stderr is a terminal and not --quiet. Its ETA comes from the
 * recent rates of the two stages (answers stored, answers through grading),
 * exponentially weighted with a 20 s time constant (the last minute carries
 * 95% of the weight), so a stage that slows down shows at once. */
#ifndef TB_PROGRESS_H
#define TB_PROGRESS_H

#include <stddef.h>
#include <stdint.h>

typedef struct tb_progress {
	int enabled;
	long total, done, correct, graded, errors, behind;
	double spent_usd;
	int64_t t_start_us, t_drawn_us;
	/* the weighted rates: sums of counts and of seconds, each decayed */
	int64_t t_rate_us;
	long last_done, last_through;
	double w_done, w_through, w_secs;
} tb_progress;

void progress_init(tb_progress *p, long total, int quiet);
/* The run so far: samples stored, verdicts among them, correct ones, errors,
 * stored answers still waiting for their grade, and dollars spent. Redraws
 * when it is time. */
void progress_set(tb_progress *p, long done, long graded, long correct, long errors, long behind,
		  double spent_usd);
/* Takes the rates up to now_us and writes the line (no terminal codes). */
void progress_format(tb_progress *p, int64_t now_us, char *out, size_t outlen);
/* Clears the line, so that what follows starts on a clean line. */
void progress_end(tb_progress *p);

#endif
