#!/bin/sh
# Makes a run folder whose store holds N generated samples (default 100000),
# to time `thinkbench report` on a large run. The store itself comes from a
# one-item simulated run, so its schema and run row are the real ones; the
# samples are then replaced by generated rows with sqlite3:
# 4 suites x 1250 items x 4 model/mode cells x 5 samples, in 5 languages,
# with think samples carrying ~6 KB of reasoning text.
#
# usage: scripts/make-big-store.sh THINKBENCH OUTDIR [N]
# prints the run folder. Then, e.g.:
#   time TB_GNUPLOT=/nonexistent thinkbench report RUN --format text,csv --plots --out DIR
set -eu
tb=$1
out=$2
n=${3:-100000}
rm -rf "$out"
mkdir -p "$out"
# exit 3 (samples in error) is fine here: only the store is wanted
"$tb" run --suite suites/math.jsonl --limit 1 --out "$out" -j 4 >/dev/null 2>&1 || [ $? -eq 3 ]
run=$(ls -d "$out"/*/ | head -n 1)
sqlite3 "$run/store.sqlite" >/dev/null <<SQL
PRAGMA journal_mode=WAL;
BEGIN;
DELETE FROM samples;
DELETE FROM cells;
WITH RECURSIVE i(x) AS (SELECT 0 UNION ALL SELECT x + 1 FROM i WHERE x < $n - 1),
g AS (SELECT x, x % 5 AS smp, (x / 5) % 4 AS cfg, (x / 20) % 1250 AS item, (x / 25000) % 4 AS su,
             (x * 2654435761) % 1000 AS r FROM i)
INSERT INTO samples (suite, item_id, model, mode, budget, sample, outcome, extracted, expected,
  grade_reason, grader, lang_check, mode_leak, split_method, reasoning, answer, text_truncated,
  prompt_tokens, completion_tokens, reasoning_tokens, cached_tokens, cost_usd, cost_reported,
  ttft_ms, ttfa_ms, total_ms, finish_reason, native_finish_reason, http_status, attempts, error,
  lang, provider, generation_id, seed, streamed, finished_at)
SELECT 'suite' || su, printf('item-%05d', item),
  CASE cfg WHEN 0 THEN 'qwen/qwen3-14b' WHEN 1 THEN 'qwen/qwen3-14b' WHEN 2 THEN 'qwen/qwq-32b'
    ELSE 'qwen/qwen3-vl-32b-instruct' END,
  CASE cfg WHEN 0 THEN 'nothink' WHEN 1 THEN 'think' WHEN 2 THEN 'think' ELSE 'nothink' END,
  0, smp,
  CASE WHEN r < 650 + cfg * 60 THEN 'correct' WHEN r < 960 THEN 'incorrect'
    WHEN r < 975 THEN 'truncated' WHEN r < 990 THEN 'no_answer' ELSE 'error' END,
  CASE WHEN r < 650 + cfg * 60 THEN '42' ELSE printf('%d', r % 7) END, '42', '', 'numeric',
  CASE WHEN r % 50 = 1 THEN 0 ELSE 1 END, 0, 'field',
  CASE WHEN cfg IN (1, 2) THEN replace(hex(zeroblob(1000)), '00', 'think ') ELSE '' END,
  'The answer is \boxed{42}, "quoted", with a comma.', 0,
  60, CASE WHEN cfg IN (1, 2) THEN 1500 ELSE 300 END,
  CASE WHEN cfg IN (1, 2) THEN 1200 ELSE 0 END, 0,
  0.000001 * (60 + CASE WHEN cfg IN (1, 2) THEN 1500 ELSE 300 END), 0,
  40 + (x % 100), 60 + (x % 100) + CASE WHEN cfg IN (1, 2) THEN 4000 ELSE 10 END,
  500 + (x * 7919) % 10000 + CASE WHEN cfg IN (1, 2) THEN 4000 ELSE 0 END,
  'stop', 'stop', 200, 1, CASE WHEN r >= 990 THEN 'HTTP 500' ELSE '' END,
  CASE item % 5 WHEN 0 THEN 'en' WHEN 1 THEN 'zh' WHEN 2 THEN 'ja' WHEN 3 THEN 'de' ELSE 'sw' END,
  'sim', 'gen-' || x, x, 1, 1.7e9 + x
FROM g;
COMMIT;
SQL
echo "$run"
