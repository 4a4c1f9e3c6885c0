/* The HTML report: one self-contained file (inline CSS, no network), with
 * the tables, the plots embedded as SVG data URIs (when gnuplot drew them),
 * and a sample browser over every sample: filters by suite, model, mode,
 * outcome and language, 50 rows a page, and one sample's prompt, reasoning,
 * answer (the extracted answer marked) and verdict on a click. Its data is
 * compressed in the page (html_samples.h); the page's script builds the
 * browser's DOM with textContent only, so no text of the store becomes
 * markup. Everything else from the store or the suites is HTML-escaped.
 *
 * Opened as report.html#selftest&model=M&outcome=O (any of suite, model,
 * mode, outcome, lang), the script sets those filters, pages once, opens the
 * page's first sample, and writes what it saw into <div id="selftest"> (for
 * headless tests): plots loaded, samples matched, rows shown, elements
 * injected into the browser, and the page's width. */
#ifndef TB_HTML_H
#define TB_HTML_H

#include <stddef.h>
#include <stdio.h>

#include "plot.h"
#include "report.h"
#include "store.h"

/* plot_dir holds ps's NAME.svg files (ps may be NULL: no plots). Streams the
 * samples from st. TB_ERR when a write or a read fails (err says why). */
int html_write(tb_store *st, const report *r, const tb_run_info *run, const plot_set *ps,
	       const char *plot_dir, FILE *out, char *err, size_t errlen);

#endif
