#!/bin/sh
# scripts/bench/backlog.sh: peak RSS of `thinkbench run` when the graders fall
# far behind: code answers that take 1 s each to grade, 2,000 requests in
# flight against the simulator (`thinkbench sim`, its own process, no delay),
# for SECONDS, then SIGINT.
# Answers wait in the store, not in memory, so the peak stays flat.
#
#   sh scripts/bench/backlog.sh [BUILD_DIR [SECONDS]]   # default build-bench, 20
#
# Prints one line: "rss_mb stored awaiting exit_code".
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
B=$(cd "${1:-$ROOT/build-bench}" && pwd)
SECS=${2:-20}
W=$(mktemp -d /tmp/tb-backlog.XXXXXX)
SIM_PID=
cleanup() {
	if [ -n "$SIM_PID" ]; then kill "$SIM_PID" 2>/dev/null || true; fi
	rm -rf "$W"
}
trap cleanup EXIT INT TERM

python3 - "$W/slow.jsonl" <<'PY'
import json, sys
with open(sys.argv[1], "w") as f:
    f.write('{"suite": {"name": "slow"}}\n')
    for i in range(8000):
        f.write(json.dumps({
            "id": "c%05d" % i, "prompt": "Write echo(x).",
            "grader": {"type": "exec", "language": "python", "tests": "assert echo(%d) == %d\n" % (i, i),
                       "entry_point": "echo", "timeout_s": 10},
            "reference": "import time\ndef echo(x):\n    time.sleep(1)\n    return x\n",
            "wrong_reference": "def echo(x):\n    return -1\n"}) + "\n")
PY
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$B/thinkbench" sim --port "$PORT" --suite "$W/slow.jsonl" --time-scale 0 > "$W/sim.log" 2>&1 &
SIM_PID=$!
i=0
until curl -sf "http://127.0.0.1:$PORT/sim/stats" > /dev/null; do
	i=$((i + 1)); [ $i -lt 500 ] || { echo "backlog: the simulator did not start" >&2; exit 1; }
	sleep 0.02
done
cat > "$W/models.json" <<EOM
{"models": [{"id": "qwen/qwen3-14b", "base_url": "http://127.0.0.1:$PORT/v1", "dialect": "sim",
  "api_key_env": "TB_BENCH_NO_KEY", "modes": ["think", "nothink"], "concurrency": 100000}]}
EOM
TB_BENCH_NO_KEY=none /usr/bin/time -f '%M' -o "$W/time.out" "$B/thinkbench" run --models "$W/models.json" \
	--suite "$W/slow.jsonl" --mode nothink -j 2000 --unsafe-exec --out "$W/res" --run-id b \
	--quiet --no-summary > /dev/null 2>&1 &
TIME_PID=$!
sleep "$SECS"
pkill -INT -P "$TIME_PID" || true
rc=0
wait "$TIME_PID" || rc=$?
rss=$(awk '{ v = $1 } END { printf "%.1f", v / 1024 }' "$W/time.out")
stored=$(sqlite3 "$W/res/b/store.sqlite" "select count(*) from samples")
awaiting=$(sqlite3 "$W/res/b/store.sqlite" "select count(*) from samples where outcome = 'ungraded' and grader != ''")
echo "$rss $stored $awaiting $rc"
