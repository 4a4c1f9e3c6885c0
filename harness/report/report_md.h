/* The report as Markdown. Writes it whole to out; TB_ERR when a write fails
 * (err says why). */
#ifndef TB_REPORT_MD_H
#define TB_REPORT_MD_H

#include <stddef.h>
#include <stdio.h>

#include "report.h"
#include "store.h"

int report_write_md(const report *r, const tb_run_info *run, FILE *out, char *err, size_t errlen);

#endif
