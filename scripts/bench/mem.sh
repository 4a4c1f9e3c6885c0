#!/bin/sh
# scripts/bench/mem.sh: peak RSS of `thinkbench run` at 256 in flight, the
# measurement of bench.sh's section 4 alone, for working on memory.
#
#   sh scripts/bench/mem.sh [BUILD_DIR [N...]]    # default build-bench, 10000 100000
#
# Prints one line per run: "N rss_mb user_s sys_s wall_s samples_per_s".
# Set MEM_REPS (default 3), MEM_SUMMARY=1 to let the run print its summary (the
# benchmark gives --no-summary), and MEM_WRAP (e.g. "valgrind --tool=massif
# --massif-out-file=/tmp/m.out") to run thinkbench under a tool. Wrap the whole
# script in flock when others measure on the machine.
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=$(cd "${1:-$ROOT/build-bench}" && pwd)
[ $# -gt 0 ] && shift
[ $# -gt 0 ] || set -- 10000 100000
REPS=${MEM_REPS:-3}
W=$(mktemp -d /tmp/tb-mem.XXXXXX)
SRV_PID=

cleanup() {
	if [ -n "$SRV_PID" ]; then kill "$SRV_PID" 2>/dev/null || true; fi
	rm -rf "$W"
}
trap cleanup EXIT INT TERM

cc -O2 -std=gnu11 -Wall -Wextra -o "$W/benchsrv" "$ROOT/scripts/bench/benchsrv.c"
"$W/benchsrv" -p 0 -d 0 > "$W/srv.out" 2> "$W/srv.err" &
SRV_PID=$!
i=0
while ! grep -q '^port' "$W/srv.out"; do
	i=$((i + 1)); [ $i -lt 200 ] || { echo "mem: benchsrv did not start" >&2; exit 1; }
	sleep 0.01
done
PORT=$(awk '/^port/ { print $2 }' "$W/srv.out")
cat > "$W/models.json" <<EOM
{"models": [{"id": "bench/m", "base_url": "http://127.0.0.1:$PORT/v1", "dialect": "vllm",
  "modes": ["think", "nothink"], "price_prompt_per_m": 0.1, "price_completion_per_m": 0.24,
  "max_tokens": 1000, "timeout_s": 120, "stall_s": 60, "concurrency": 100000}]}
EOM

summary=--no-summary
[ "${MEM_SUMMARY:-0}" = 1 ] && summary=
run=0
for n in "$@"; do
	# the same suite as bench.sh's make_suite
	awk -v n="$n" 'BEGIN {
		print "{\"suite\": {\"name\": \"bench\", \"grader\": {\"type\": \"regex\", \"pattern\": \"boxed\\\\{(\\\\d+)\\\\}\", \"group\": 1}}}"
		for (i = 0; i < n; i++) printf "{\"id\": \"b%06d\", \"prompt\": \"What is 6 times 7? (%d)\", \"answer\": \"42\"}\n", i, i
	}' > "$W/s$n.jsonl"
	for _ in $(seq "$REPS"); do
		run=$((run + 1))
		t0=$(date +%s.%N)
		# shellcheck disable=SC2086
		/usr/bin/time -f '%M %U %S' -o "$W/time.out" ${MEM_WRAP:-} "$B/thinkbench" run \
			--models "$W/models.json" --suite "$W/s$n.jsonl" --model bench/m --mode think \
			-j 256 --out "$W/res" --run-id "r$run" --quiet $summary > /dev/null
		t1=$(date +%s.%N)
		ok=$(sqlite3 "$W/res/r$run/store.sqlite" "select count(*) from samples where outcome = 'correct'")
		[ "$ok" = "$n" ] || { echo "mem: run r$run: $ok of $n samples correct" >&2; exit 1; }
		tail -n 1 "$W/time.out" | awk -v n="$n" -v a="$t0" -v b="$t1" \
			'{ printf "%d %.1f %.2f %.2f %.2f %.0f\n", n, $1 / 1024, $2, $3, b - a, n / (b - a) }'
		rm -rf "$W/res/r$run"
	done
done
