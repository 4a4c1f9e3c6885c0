/* The data of report.html's sample browser: one JSON document listing every
 * sample of the store by its keys (suite, model, mode, outcome, language,
 * item, repeat) and, for the samples whose texts it embeds, their prompt,
 * reasoning, answer, extracted and expected answers, grade reason and error,
 * each cut at a stated length. The JSON is gzip-compressed (zlib) and
 * base64-encoded (OpenSSL), for the page to decode with
 * DecompressionStream('gzip').
 *
 * When the cut texts of all samples add up to more than HTML_TEXT_BUDGET
 * bytes, texts are embedded for a stratified subset instead: per cell (suite,
 * model, mode, budget) and outcome k samples spread evenly over the store
 * order, 2k for the failing outcomes (incorrect, partial, no answer,
 * truncated, error), with
 * the largest k that fits; and while the compressed data exceeds
 * HTML_DATA_MAX (texts that compress badly), k is halved. Every sample is
 * still listed and filterable.
 *
 * JSON: {"rows":[[suite, model, mode, outcome, lang, "item", repeat
 *                 (, prompt, "reasoning", "answer", "extracted", "expected",
 *                  "grade reason", "error")?], ...],
 *        "suites":[...], "models":[...], "modes":[...], "outcomes":[...],
 *        "langs":[...], "prompts":[...]}
 * where the first five and prompt are indexes into those lists (prompt -1:
 * unknown). Invalid UTF-8 reads as U+FFFD. */
#ifndef TB_HTML_SAMPLES_H
#define TB_HTML_SAMPLES_H

#include <stddef.h>

#include "report.h"
#include "store.h"

/* bytes of cut text (before compression) above which the subset is embedded */
#define HTML_TEXT_BUDGET ((size_t)8 << 20)
/* bytes of compressed data above which k is halved (base64 makes 4/3 of it) */
#define HTML_DATA_MAX ((size_t)3 << 20)
/* where the prompt, reasoning and answer are cut, in bytes */
#define HTML_CUT_LONG 4000
/* where the extracted and expected answers, grade reason and error are cut */
#define HTML_CUT_SHORT 300
/* what a cut text ends with */
#define HTML_CUT_NOTE " \xe2\x80\xa6 (cut; full text in samples.csv / thinkbench view)"

typedef struct html_samples_info {
	long rows;      /* samples listed */
	long with_text; /* of them, with their texts embedded */
	long per_group; /* k of the subset; -1 when every sample has its texts */
	size_t json_len, gzip_len;
} html_samples_info;

/* Reads the samples of st (twice: sizes, then rows; prompts through r) and
 * sets *b64 to the base64 text of the gzip of the JSON, NUL-terminated; the
 * caller frees it. TB_ERR when a read fails or memory runs out (err says). */
int html_samples_encode(tb_store *st, const report *r, char **b64, html_samples_info *info,
			char *err, size_t errlen);

#endif
