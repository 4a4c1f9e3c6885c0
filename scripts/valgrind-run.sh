#!/bin/sh
# A small simulated run under Valgrind: no leaks ("definitely lost") and no
# invalid accesses. Exit 0 when clean, 99 when Valgrind found an error, 77
# (skipped) without valgrind.
#
#     sh scripts/valgrind-run.sh [PATH-TO-thinkbench]
#
# The binary must be a plain build (not ASan). The run uses the built-in
# simulator, streams and the regex grader; then a report of it.
set -eu
cd "$(dirname "$0")/.."
tb=${1:-build/thinkbench}
if ! command -v valgrind >/dev/null 2>&1; then
  echo "valgrind-run: skipped: valgrind is not installed"
  exit 77
fi
[ -x "$tb" ] || { echo "valgrind-run: no program at $tb"; exit 2; }
tmp=$(mktemp -d /tmp/tbvalgrind.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
{
  printf '%s\n' '{"suite": {"name": "sums", "template": "{prompt} Put the answer in \\boxed{}.", "grader": {"type": "regex", "pattern": "\\\\boxed\\{([^{}]*)\\}", "normalize": ["trim", "number"]}}}'
  i=0
  while [ $i -lt 6 ]; do
    printf '{"id": "s%d", "prompt": "What is %d + 7?", "answer": %d}\n' $i $i $((i + 7))
    i=$((i + 1))
  done
} > "$tmp/sums.jsonl"
vg="valgrind --quiet --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99
 --show-leak-kinds=definite --track-fds=no --child-silent-after-fork=yes"
unset OPENROUTER_API_KEY
status=0
$vg "$tb" run --suite "$tmp/sums.jsonl" --model qwen/qwen3-14b --out "$tmp/res" --run-id vg \
  -j 4 --sim-time-scale 0 --quiet || status=$?
if [ $status -ne 0 ]; then
  echo "valgrind-run: run exited $status"
  exit $status
fi
$vg "$tb" report "$tmp/res/vg" --format text,csv > "$tmp/report.txt" || status=$?
if [ $status -ne 0 ]; then
  echo "valgrind-run: report exited $status"
  exit $status
fi
echo "valgrind-run: clean"
