#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "clock.h"
#include "ratecap.h"

struct gr_ratecap {
	pthread_mutex_t mu;
	pthread_cond_t changed;   /* the rate was set: waiters look again */
	int64_t interval_us;      /* 0: no cap */
	int64_t next_us;          /* the earliest start the cap allows */
};

gr_ratecap *gr_ratecap_new(void)
{
	gr_ratecap *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	tb_cond_init_monotonic(&c->changed);
	pthread_mutex_init(&c->mu, NULL);
	return c;
}

void gr_ratecap_set(gr_ratecap *c, unsigned per_second)
{
	pthread_mutex_lock(&c->mu);
	c->interval_us = per_second ? 1000000 / (int64_t)per_second : 0;
	pthread_cond_broadcast(&c->changed);
	pthread_mutex_unlock(&c->mu);
}

void gr_ratecap_wait(gr_ratecap *c)
{
	pthread_mutex_lock(&c->mu);
	for (;;) {
		int64_t now = tb_now_us();
		struct timespec until;

		if (c->interval_us == 0 || now >= c->next_us) {
			c->next_us = now + c->interval_us;
			break;
		}
		until = tb_deadline(c->next_us);
		pthread_cond_timedwait(&c->changed, &c->mu, &until);
	}
	pthread_mutex_unlock(&c->mu);
}

void gr_ratecap_free(gr_ratecap *c)
{
	if (!c)
		return;
	pthread_cond_destroy(&c->changed);
	pthread_mutex_destroy(&c->mu);
	free(c);
}
