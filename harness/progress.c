#include "progress.h"

#include <stdio.h>
#include <unistd.h>

#include "clock.h"

void progress_init(tb_progress *p, long total, int quiet)
{
	*p = (tb_progress){0};
	p->enabled = !quiet && isatty(STDERR_FILENO);
	p->total = total;
	p->t_start_us = tb_now_us();
}

static void draw(tb_progress *p, int64_t now)
{
	double secs = (double)(now - p->t_start_us) / 1e6;
	double rate = secs > 0 ? (double)p->done / secs : 0;
	long left = p->total - p->done;
	long eta = rate > 0 ? (long)((double)left / rate) : 0;

	fprintf(stderr, "\r\033[K%ld/%ld  acc %.1f%%  %.1f req/s  errors %ld  ETA %ld:%02ld", p->done,
		p->total, p->graded ? 100.0 * (double)p->correct / (double)p->graded : 0.0, rate,
		p->errors, eta / 60, eta % 60);
	if (p->behind > 0)
		fprintf(stderr, "  grading %ld behind", p->behind);
	p->t_drawn_us = now;
}

void progress_set(tb_progress *p, long done, long graded, long correct, long errors, long behind)
{
	int64_t now;

	p->done = done;
	p->graded = graded;
	p->correct = correct;
	p->errors = errors;
	p->behind = behind;
	if (!p->enabled)
		return;
	now = tb_now_us();
	if (now - p->t_drawn_us >= 100000 || p->done == p->total)
		draw(p, now);
}

void progress_end(tb_progress *p)
{
	if (p->enabled)
		fprintf(stderr, "\r\033[K");
}
