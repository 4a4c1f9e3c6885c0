#include "walmode.h"

#include <time.h>

#include "clock.h"

static int try_once(sqlite3 *db, int *is_wal)
{
	sqlite3_stmt *q = NULL;
	int rc = sqlite3_prepare_v2(db, "PRAGMA journal_mode = WAL", -1, &q, NULL);

	if (rc != SQLITE_OK)
		return rc;
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		*is_wal = sqlite3_stricmp((const char *)sqlite3_column_text(q, 0), "wal") == 0;
		rc = SQLITE_OK;
	}
	sqlite3_finalize(q);
	return rc;
}

int walmode_set(sqlite3 *db, int timeout_ms, int *is_wal)
{
	int64_t end = tb_now_us() + (int64_t)timeout_ms * 1000;
	struct timespec pause = {0, 2 * 1000 * 1000};
	int rc;

	*is_wal = 0;
	while (((rc = try_once(db, is_wal)) & 0xff) == SQLITE_BUSY && tb_now_us() < end)
		nanosleep(&pause, NULL);
	return rc;
}
