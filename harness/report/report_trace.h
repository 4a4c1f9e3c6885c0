/* The report's view of each sample's thinking (traceinfo.h, stored by
 * tracestore.c): samples.csv's columns after the others. Reads only the
 * store. */
#ifndef TB_REPORT_TRACE_H
#define TB_REPORT_TRACE_H

#include <stddef.h>

#include "csv.h"
#include "store.h"

/* The column names, then one row's fields for sample s (empty fields when
 * the sample was not measured). */
void report_trace_csv_head(csv_writer *w);
int report_trace_csv_row(csv_writer *w, tb_store *st, const tb_sample *s, char *err, size_t errlen);

#endif
