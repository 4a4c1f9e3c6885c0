/* The report as JUnit XML, streaming the samples from st: one testsuite per
 * suite, one testcase per sample. TB_ERR when a write or a read fails (err
 * says why). */
#ifndef TB_REPORT_JUNIT_H
#define TB_REPORT_JUNIT_H

#include <stddef.h>
#include <stdio.h>

#include "report.h"
#include "store.h"

int report_write_junit(tb_store *st, const report *r, const tb_run_info *run, FILE *out,
		       char *err, size_t errlen);

#endif
