/* Hostile answers from the simulator (`thinkbench sim --hostile KIND`): model
 * output no sane model sends, to prove the harness neither crashes nor hangs
 * on it. Each kind stands for a promise of the reliability tests:
 *
 *   huge      6 MiB of content, past the harness's 4 MiB text ceiling
 *   binary    NUL, every control byte and Latin-1 junk around the answer
 *   badutf8   raw invalid UTF-8 inside the JSON strings
 *   escapes   terminal escape sequences (CSI, OSC, BEL, C1) around the answer
 *   deepjson  a chunk (or body) nested 100,000 arrays deep
 *   endless   a stream that never ends (a chunk every 20 ms until closed)
 *   echokey   the request's API key (from its Authorization header) sent
 *             back, whole and masked as OpenAI masks it, by request number
 *             in turn: in an HTTP 400 error body, in a stream's (or body's)
 *             error object, as the provider, as the generation id, and in
 *             the answer text
 *   numbers   usage no endpoint should send (an integer past 64 bits, a
 *             negative count, a cost of -200 USD) and a NUL ("\u0000") in
 *             the answer before its \boxed{}
 *   mixed     one of the above but echokey and numbers per request, by the
 *             request's hash
 *
 * Only sim.c and cmd_sim.c use this. */
#ifndef TB_SIM_HOSTILE_H
#define TB_SIM_HOSTILE_H

#include <microhttpd.h>
#include <stddef.h>
#include <stdint.h>

#include "sim.h"
#include "sim_int.h"

typedef enum sim_hostile_kind {
	SIM_HOSTILE_NONE = 0,
	SIM_HOSTILE_HUGE,
	SIM_HOSTILE_BINARY,
	SIM_HOSTILE_BADUTF8,
	SIM_HOSTILE_ESCAPES,
	SIM_HOSTILE_DEEPJSON,
	SIM_HOSTILE_ENDLESS,
	SIM_HOSTILE_MIXED,
	SIM_HOSTILE_ECHOKEY,
	SIM_HOSTILE_NUMBERS,
} sim_hostile_kind;

typedef struct sim_hostile {
	sim_hostile_kind kind;
	double rate; /* share of requests (that no other fault took) answered so */
} sim_hostile;

/* The process-wide setting, set by `thinkbench sim` before sim_start(), which
 * copies it: sim.h's sim_faults (the lead's) has no field for it. kind is a
 * name above; rate from 0 to 1. On error nothing changes and err says why. */
int sim_hostile_set(const char *kind, double rate, char *err, size_t errlen);
void sim_hostile_get(sim_hostile *out);

/* Whether request n (1-based) gets a hostile answer. Pure. */
int sim_hostile_pick(const sim_hostile *h, uint64_t seed, long n);

/* Queues the hostile answer for request n on c: smp is what the model would
 * have said (borrowed), w its wire metadata. Returns what an MHD access
 * handler returns. */
enum MHD_Result sim_hostile_answer(sim_server *s, struct MHD_Connection *c, const sim_hostile *h,
				   uint64_t seed, long n, const sim_wire *w, const sim_sample *smp,
				   int stream);

/* In sim.c: suspends c (from one of its MHD callbacks) until due, monotonic
 * microseconds; fails when the server is stopping. */
int sim_wait_until(sim_server *s, struct MHD_Connection *c, int64_t due);

#endif
