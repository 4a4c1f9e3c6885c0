/* The report as a text table on a terminal. */
#ifndef TB_REPORT_TABLE_H
#define TB_REPORT_TABLE_H

#include <stddef.h>
#include <stdio.h>

#include "report.h"
#include "store.h"

/* The text table, at most 100 columns wide for usual names (model and suite
 * names are shortened to fit). run may be NULL (no run header); a simulated
 * run's table starts with a line saying so. TB_ERR when writing fails. */
int report_print_table(const report *r, FILE *out, const tb_run_info *run);
/* Text from a run's files or a model in a report's own sections: exactly
 * width terminal columns (controls as '?', cut with '~'). */
void report_put_field(FILE *f, const char *s, size_t width);

#endif
