/* Protocol presets: the sampling, output caps and samples per item a
 * model's technical report used, so a run reproduces its protocol. A
 * preset is named in the run options (--preset) and applied to every model
 * and suite of the run, over the models file (it is asked for explicitly). */
#ifndef TB_PRESET_H
#define TB_PRESET_H

#include <stdio.h>

#include "models.h"
#include "suite.h"

typedef struct tb_preset {
	const char *name;
	const char *source;           /* where the numbers come from */
	tb_sampling sampling[TB_N_MODES];
	long max_tokens;              /* the output cap */
	long aime_max_tokens;         /* the output cap on AIME suites */
	long aime_samples;            /* samples per item the report averaged on AIME */
} tb_preset;

/* NULL when no preset has that name. */
const tb_preset *preset_find(const char *name);
/* "qwen3": the names, for messages. */
const char *preset_names(void);
/* A suite the report scored as AIME: its name holds "aime" in any case. */
int preset_is_aime(const tb_suite *s);
/* Sets the model's sampling per mode and output cap. */
void preset_apply_model(const tb_preset *p, tb_model *m);
/* The AIME cap on the suite's items that set none of their own (an item's
 * max_tokens is its suite's word: it stays). No-op for other suites. */
void preset_apply_suite(const tb_preset *p, tb_suite *s);
/* One line naming the preset and what it set, for reports. */
void preset_describe(const tb_preset *p, FILE *f);

#endif
