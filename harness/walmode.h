#ifndef TB_WALMODE_H
#define TB_WALMODE_H

#include <sqlite3.h>

/* Puts the database file of db in WAL journal mode. SQLite answers
 * SQLITE_BUSY at once, without calling the busy handler, when other
 * connections open the same new file at the same moment; so this retries for
 * at most timeout_ms. Returns an SQLite result code (sqlite3_errmsg(db) says
 * more); on SQLITE_OK, *is_wal is 0 when the file stayed in another mode (a
 * filesystem without shared memory, for instance). */
int walmode_set(sqlite3 *db, int timeout_ms, int *is_wal);

#endif
