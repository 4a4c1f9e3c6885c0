/* A cap on how often something starts: each start waits for its turn, at
 * most one per 1/rate seconds. The rate may change at any time; callers
 * waiting see the change at once. Thread-safe.
 *
 *	gr_ratecap *c = gr_ratecap_new();     no cap until set
 *	gr_ratecap_set(c, 40);                 40 starts a second at most
 *	gr_ratecap_wait(c);                    on any thread, before each start
 *	gr_ratecap_free(c);                    once no thread waits */
#ifndef GR_RATECAP_H
#define GR_RATECAP_H

typedef struct gr_ratecap gr_ratecap;

/* NULL when out of memory. */
gr_ratecap *gr_ratecap_new(void);
/* Starts a second at most; 0: no cap. */
void gr_ratecap_set(gr_ratecap *c, unsigned per_second);
/* Returns when this start's turn has come (at once without a cap). */
void gr_ratecap_wait(gr_ratecap *c);
void gr_ratecap_free(gr_ratecap *c);

#endif
