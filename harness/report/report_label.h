/* How every report format names a model and a configuration: the one rule.
 *
 * A model's label is the shortest unambiguous form: the part after its last
 * '/' when no other model of the report has the same part, else the full id
 * (local/qwen3-14b and remote/qwen3-14b stay apart). A configuration's label
 * is that, the mode and the budget; when it must be cut to fit, the model
 * part is cut and the mode and budget are kept whole ("think 1024" never
 * reads like "think 4096"). */
#ifndef TB_REPORT_LABEL_H
#define TB_REPORT_LABEL_H

#include <stddef.h>

#include "report.h"

/* A suffix of model (borrowed from it), or model itself. */
const char *report_model_label(const report *r, const char *model);

/* "MODEL MODE [BUDGET]" into buf (len > 32), the model part cut with '~' when
 * the whole does not fit. */
void report_config_label(const report *r, const report_cell *c, char *buf, size_t len);

#endif
