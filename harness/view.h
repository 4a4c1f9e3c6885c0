/* The live viewer: a small web app over run stores, served on 127.0.0.1 by
 * libmicrohttpd (`thinkbench view`). Pages and a JSON API under /api/; every
 * request must carry the random token of the URL view_url() gives, or gets
 * 403. The stores are opened read-only and queried anew on each request, so
 * a run in progress shows its new samples. Requests are served one at a
 * time on one thread: the stores are never shared between threads. */
#ifndef TB_VIEW_H
#define TB_VIEW_H

#include <stddef.h>

typedef struct tb_view tb_view;

/* Opens the stores of the run folders (or store files) in runs, borrowed
 * until view_stop(), and starts serving on 127.0.0.1:port (0 picks a free
 * port). */
int view_start(const char *const *runs, size_t n_runs, unsigned short port, tb_view **out,
	       char *err, size_t errlen);
unsigned short view_port(const tb_view *v);
/* "http://127.0.0.1:PORT/?token=..." (owned by v). */
const char *view_url(const tb_view *v);
/* Stops serving and closes the stores; NULL is allowed. */
void view_stop(tb_view *v);

#endif
