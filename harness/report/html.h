/* The HTML report: one self-contained file (inline CSS, no network), with
 * the tables, the plots embedded as SVG data URIs (when gnuplot drew them),
 * and a per-sample browser: prompt, reasoning (folded), answer, extracted
 * answer and verdict of each sample. Everything from the store or the suites
 * is HTML-escaped. The browser embeds at most HTML_MAX_SAMPLES samples in
 * store order plus up to HTML_MAX_ERRORS more that ended in error, and says
 * so when it left some out; each text is cut at HTML_MAX_TEXT bytes.
 *
 * Opened as report.html#selftest, a small inline script checks that every
 * plot image loaded and that the browser opens a sample, and writes the
 * result into <div id="selftest"> (for headless tests). */
#ifndef TB_HTML_H
#define TB_HTML_H

#include <stddef.h>
#include <stdio.h>

#include "plot.h"
#include "report.h"
#include "store.h"

#define HTML_MAX_SAMPLES 2000
#define HTML_MAX_ERRORS 2000
#define HTML_MAX_TEXT 20000

/* plot_dir holds ps's NAME.svg files (ps may be NULL: no plots). Streams the
 * samples from st. TB_ERR when a write or a read fails (err says why). */
int html_write(tb_store *st, const report *r, const tb_run_info *run, const plot_set *ps,
	       const char *plot_dir, FILE *out, char *err, size_t errlen);

#endif
