#include "report_trace.h"

#include <math.h>

#include "rc.h"
#include "traceinfo.h"

static const char *const trace_head[] = {
	"reasoning_ms", "reasoning_tps", "answer_tps", "reasoning_tokens_used", "reasoning_tokens_source",
	"answer_tokens_used", "answer_tokens_source", "reasoning_count_disagrees", "first_correct_tokens",
	"first_correct_frac", "tokens_after_correct", "found_then_lost", "switches", "reasoning_only",
	"answer_in_reasoning", "loop", "capped", "mode_disobeyed", "budget_exceeded",
};

void report_trace_csv_head(csv_writer *w)
{
	for (size_t i = 0; i < sizeof(trace_head) / sizeof(trace_head[0]); i++)
		csv_str(w, trace_head[i]);
}

int report_trace_csv_row(csv_writer *w, tb_store *st, const tb_sample *s, char *err, size_t errlen)
{
	tb_trace_metrics m;
	int found;

	if (store_get_metrics(st, s, &m, &found, err, errlen) != TB_OK)
		return TB_ERR;
	if (!found) {
		for (size_t i = 0; i < sizeof(trace_head) / sizeof(trace_head[0]); i++)
			csv_str(w, "");
		return TB_OK;
	}
	csv_double(w, m.reasoning_ms);
	csv_double_sig(w, m.reasoning_tps, 6);
	csv_double_sig(w, m.answer_tps, 6);
	csv_count(w, m.reasoning_tokens);
	csv_str(w, traceinfo_source_name(m.reasoning_source));
	csv_count(w, m.answer_tokens);
	csv_str(w, traceinfo_source_name(m.answer_source));
	csv_long(w, m.reasoning_disagrees);
	csv_count(w, m.first_correct_tokens);
	csv_double_sig(w, m.first_correct_frac, 6);
	csv_count(w, m.after_correct_tokens);
	csv_long(w, m.found_then_lost);
	csv_long(w, m.switches);
	csv_long(w, m.reasoning_only);
	csv_long(w, m.answer_in_reasoning);
	csv_long(w, m.loop);
	csv_str(w, traceinfo_capped_name(m.capped));
	csv_long(w, m.mode_disobeyed);
	csv_long(w, m.budget_exceeded);
	return TB_OK;
}
