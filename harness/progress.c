#include "progress.h"

#include <math.h>
#include <stdio.h>
#include <unistd.h>

#include "clock.h"

#define RATE_TAU_S 20.0

void progress_init(tb_progress *p, long total, int quiet)
{
	*p = (tb_progress){0};
	p->enabled = !quiet && isatty(STDERR_FILENO);
	p->total = total;
	p->t_start_us = tb_now_us();
	p->t_rate_us = p->t_start_us;
}

/* Answers that need nothing more from the graders. */
static long through(const tb_progress *p)
{
	return p->done - p->behind;
}

static void take_rates(tb_progress *p, int64_t now)
{
	double dt = (double)(now - p->t_rate_us) / 1e6, decay;

	if (dt <= 0)
		return;
	decay = exp(-dt / RATE_TAU_S);
	p->w_done = p->w_done * decay + (double)(p->done - p->last_done);
	p->w_through = p->w_through * decay + (double)(through(p) - p->last_through);
	p->w_secs = p->w_secs * decay + dt;
	p->last_done = p->done;
	p->last_through = through(p);
	p->t_rate_us = now;
}

static void put_eta(char *out, size_t n, double secs)
{
	long s = isfinite(secs) && secs < 360000 ? lround(secs) : -1;

	if (s < 0)
		snprintf(out, n, "?");
	else if (s >= 3600)
		snprintf(out, n, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
	else
		snprintf(out, n, "%ld:%02ld", s / 60, s % 60);
}

void progress_format(tb_progress *p, int64_t now, char *out, size_t outlen)
{
	double rate_done, rate_through, eta_req, eta_grade;
	long left = p->total - p->done;
	char req[24], grade[24];
	int n;

	take_rates(p, now);
	rate_done = p->w_secs > 0 ? p->w_done / p->w_secs : 0;
	rate_through = p->w_secs > 0 ? p->w_through / p->w_secs : 0;
	eta_req = left <= 0 ? 0 : rate_done > 0 ? (double)left / rate_done : INFINITY;
	eta_grade = left + p->behind <= 0 ? 0 :
		    rate_through > 0 ? (double)(left + p->behind) / rate_through : INFINITY;
	put_eta(req, sizeof(req), eta_req);
	put_eta(grade, sizeof(grade), eta_grade);
	n = snprintf(out, outlen, "%ld/%ld  acc %.1f%%  %.1f req/s  $%.4f  errors %ld  ETA ", p->done,
		     p->total, p->graded ? 100.0 * (double)p->correct / (double)p->graded : 0.0, rate_done,
		     p->spent_usd, p->errors);
	if (n < 0 || (size_t)n >= outlen)
		return;
	/* the slower stage decides the end; say so when it is the graders */
	if (p->behind > 0 && eta_grade > eta_req * 1.1)
		snprintf(out + n, outlen - (size_t)n, "%s (grading %ld behind; requests alone %s)", grade,
			 p->behind, req);
	else if (p->behind > 0)
		snprintf(out + n, outlen - (size_t)n, "%s  grading %ld behind", req, p->behind);
	else
		snprintf(out + n, outlen - (size_t)n, "%s", req);
}

static void draw(tb_progress *p, int64_t now)
{
	char line[256];

	progress_format(p, now, line, sizeof(line));
	fprintf(stderr, "\r\033[K%s", line);
	p->t_drawn_us = now;
}

void progress_set(tb_progress *p, long done, long graded, long correct, long errors, long behind,
		  double spent_usd)
{
	int64_t now;

	p->done = done;
	p->graded = graded;
	p->correct = correct;
	p->errors = errors;
	p->behind = behind;
	p->spent_usd = spent_usd;
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
