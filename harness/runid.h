/* Run ids. A run id names a folder, appears in every report and is written
 * into gnuplot scripts, so it is kept to a plain name: [A-Za-z0-9._-], 1 to
 * TB_RUN_ID_MAX characters, not beginning with "." (a hidden folder, or ".."). The same rule checks --run-id and
 * the id read from a store, which may come from anywhere. */
#ifndef TB_RUNID_H
#define TB_RUNID_H

#include <stddef.h>

#define TB_RUN_ID_MAX 64

/* 0 when id is a valid run id; else TB_ERR with err saying what is wrong
 * (the id itself is not quoted back: it may hold anything). */
int tb_runid_check(const char *id, char *err, size_t errlen);

#endif
