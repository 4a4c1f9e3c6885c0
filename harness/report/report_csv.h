/* The report as CSV files in a folder. */
#ifndef TB_REPORT_CSV_H
#define TB_REPORT_CSV_H

#include <stddef.h>
#include <stdio.h>

#include "report.h"
#include "store.h"

/* Writes <dir>/samples.csv (one row per stored sample, streamed from the
 * store) and <dir>/summary.csv (one row per cell of r), RFC 4180. Each file
 * is written beside its final name and renamed into place, so a failure
 * never leaves half a file. Unknown numbers are empty fields. */
int report_write_csv(tb_store *st, const report *r, const char *dir, char *err, size_t errlen);
/* Also writes <dir>/modes.csv (one row per report_pair), flips.csv (one row
 * per flipped item of every pair, all of them), by_lang.csv and by_tag.csv
 * (one row per suite x language or tag x model x mode x budget) the same way. */
int report_write_csv_extra(const report *r, const tb_run_info *run, const char *dir,
			   char *err, size_t errlen);

#endif
