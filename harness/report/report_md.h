/* The report as Markdown. Writes it whole to out; TB_ERR when a write fails
 * (err says why). */
#ifndef TB_REPORT_MD_H
#define TB_REPORT_MD_H

#include <stddef.h>
#include <stdio.h>

#include "report.h"
#include "store.h"

/* Text from a run's files or a model as a Markdown table cell (pipes, HTML
 * and Markdown specials escaped). */
void report_md_put(FILE *f, const char *s);

int report_write_md(const report *r, const tb_run_info *run, FILE *out, char *err, size_t errlen);

#endif
