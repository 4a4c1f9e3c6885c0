#!/bin/sh
# scripts/bench.sh: thinkbench against the limit of this machine.
#
# Builds with optimisation (build-bench/), starts a loopback endpoint that does
# no work beyond writing a canned reply (scripts/bench/benchsrv.c), runs each
# measurement BENCH_REPS times (default 3), and writes BENCH.md (the table,
# the machine, the commit, and scripts/bench/optlog.md). Every figure is a
# ratio to a baseline measured in the same run, or to the ideal.
#
#   sh scripts/bench.sh            # the full benchmark (several minutes)
#   BENCH_REPS=1 BENCH_QUICK=1 sh scripts/bench.sh   # a smoke run
#
# BENCH_BUILD=DIR builds there instead of build-bench/; BENCH_OUT=FILE writes
# the table there instead of BENCH.md.
#
# Not part of the test command: timings depend on the machine and its load.
set -eu

ROOT=$(cd "$(dirname "$0")/.." && pwd)
B=${BENCH_BUILD:-$ROOT/build-bench}
REPS=${BENCH_REPS:-3}
QUICK=${BENCH_QUICK:-0}
OUT=${BENCH_OUT:-$ROOT/BENCH.md}
W=$(mktemp -d /tmp/tb-bench.XXXXXX)
SRV_PID=
TB="$B/thinkbench"
CORES=$(nproc)

cleanup() {
	if [ -n "$SRV_PID" ]; then kill "$SRV_PID" 2>/dev/null || true; fi
	rm -rf "$W"
}
trap cleanup EXIT INT TERM

note() { printf '%s\n' "bench: $*" >&2; }

if [ "$QUICK" = 1 ]; then N=2000; BIG=20000; else N=10000; BIG=100000; fi

# ---- build ----
sh "$ROOT/scripts/install-deps.sh" test
note "building (Release) in $B"
cmake -S "$ROOT" -B "$B" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$B" -j"$CORES" --target thinkbench tbcore >/dev/null
cc -O2 -std=gnu11 -Wall -Wextra -o "$W/benchsrv" "$ROOT/scripts/bench/benchsrv.c"
cc -O2 -std=gnu11 -Wall -Wextra -I"$ROOT/harness" -o "$W/floorcli" "$ROOT/scripts/bench/floorcli.c" \
	"$ROOT/harness/rxstamp.c" "$ROOT/harness/clock.c" -lpthread
cc -O2 -std=gnu11 -Wall -Wextra -o "$W/wakeprobe" "$ROOT/scripts/bench/wakeprobe.c"
cc -O2 -std=gnu11 -Wall -Wextra -I"$ROOT/harness" -I"$ROOT/graders" -o "$W/gradebench" \
	"$ROOT/scripts/bench/gradebench.c" "$B/libtbcore.a" \
	-lpcre2-8 -ljansson -lsqlite3 -lcurl -lmicrohttpd -lcrypto -lseccomp -lpthread -lm

# ---- helpers ----
now() { date +%s.%N; }
# settle: before each timed run, the last run's store reaches the disk, and
# the machine is quiet (both cores at most 5 % busy over 200 ms; at most 10 s,
# then the run goes on regardless): the kernel's own work after a run (writing
# back its files, tearing down a thousand sandboxes' namespaces) would
# otherwise fall in the next. Of two identical runs (the backlog row's 1,920
# requests graded by regex, 12 pairs), the second's TTFT p99 was 1.33 times
# the first's (median; 0.99-1.85), with a sync between them 1.06 (0.65-1.82).
settle() {
	sync
	tries=0
	while [ $tries -lt 50 ]; do
		a=$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $5 + $6 }' /proc/stat)
		sleep 0.2
		b=$(awk '/^cpu / { print $2 + $3 + $4 + $7 + $8, $5 + $6 }' /proc/stat)
		awk -v a="$a" -v b="$b" 'BEGIN { split(a, x); split(b, y); busy = y[1] - x[1]
			exit !(busy <= 0.05 * (busy + y[2] - x[2])) }' && return 0
		tries=$((tries + 1))
	done
}
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.4f", b - a }'; }
calc() { awk "BEGIN { printf \"%.4f\", $1 }"; }

# median, min and max of the numbers on stdin: "median min max"
summary() {
	sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "nan nan nan"; exit }
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.4f %.4f %.4f\n", m, v[1], v[NR] }'
}

# suite FILE COUNT: COUNT items graded by regex, all answered "42" by benchsrv
make_suite() {
	awk -v n="$2" 'BEGIN {
		print "{\"suite\": {\"name\": \"bench\", \"grader\": {\"type\": \"regex\", \"pattern\": \"boxed\\\\{(\\\\d+)\\\\}\", \"group\": 1}}}"
		for (i = 0; i < n; i++) printf "{\"id\": \"b%06d\", \"prompt\": \"What is 6 times 7? (%d)\", \"answer\": \"42\"}\n", i, i
	}' > "$1"
}

# srv_start DELAY_MS [benchsrv options]: the endpoint, and a models file
# pointing at it
srv_start() {
	: > "$W/srv.out"
	delay=$1; shift
	"$W/benchsrv" -p 0 -d "$delay" "$@" > "$W/srv.out" 2> "$W/srv.err" &
	SRV_PID=$!
	i=0
	while ! grep -q '^port' "$W/srv.out"; do
		i=$((i + 1)); [ $i -lt 200 ] || { note "benchsrv did not start"; exit 1; }
		sleep 0.01
	done
	PORT=$(awk '/^port/ { print $2 }' "$W/srv.out")
	URL="http://127.0.0.1:$PORT/v1/chat/completions"
	cat > "$W/models.json" <<EOF
{"models": [{"id": "bench/m", "base_url": "http://127.0.0.1:$PORT/v1", "dialect": "vllm",
  "modes": ["think", "nothink"], "price_prompt_per_m": 0.1, "price_completion_per_m": 0.24,
  "max_tokens": 1000, "timeout_s": 120, "stall_s": 60, "concurrency": 100000}]}
EOF
}

# srv_stop: sets SRV_CPU, the endpoint's CPU seconds; its other figures stay
# readable with srv_stat until the next srv_start. Not in a subshell: there
# the wait would not wait (the endpoint is not the subshell's child) and its
# figures could be read before it wrote them.
srv_stop() {
	kill -TERM "$SRV_PID"
	wait "$SRV_PID" || true
	SRV_PID=
	SRV_CPU=$(awk '/^cpu_s/ { print $2 }' "$W/srv.err")
}
# srv_stat late|turn mean|p99: its replies' lateness, or the client's
# turnaround (ms); srv_stat span: first request to last reply (s)
srv_stat() {
	awk -v k="$1" -v f="${2:-}" '$1 == k "_us" { print (f == "mean" ? $3 : $5) / 1000 }
		$1 == "span_ms" && k == "span" { print $2 / 1000 }' "$W/srv.err"
}

RUN=0
# tb_run SUITE JOBS [extra options]: runs thinkbench; sets WALL, RSS_KB, STORE.
# With WATCH=1 (and the endpoint started with -n COUNT) it also sets AWAITING:
# the answers not yet graded (stored ungraded, or not stored) when the
# endpoint wrote its last reply; with PROBE_N too, it runs the wake probe
# for PROBE_N wakes from the endpoint's first request and sets PROBE_P99 (ms).
tb_run() {
	suite=$1; jobs=$2; shift 2
	RUN=$((RUN + 1))
	STORE="$W/res/r$RUN/store.sqlite"
	want=$(grep -c '"id"' "$suite")
	settle
	t0=$(now)
	/usr/bin/time -f '%M' -o "$W/time.out" "$TB" run --models "$W/models.json" --suite "$suite" \
		--model bench/m --mode think -j "$jobs" --out "$W/res" --run-id "r$RUN" --quiet \
		--no-summary "$@" > /dev/null &
	tpid=$!
	if [ "${WATCH:-0}" = 1 ]; then
		probe_pid=
		if [ -n "${PROBE_N:-}" ]; then
			until grep -q '^first' "$W/srv.out" || ! kill -0 "$tpid" 2>/dev/null; do sleep 0.005; done
			"$W/wakeprobe" "$PROBE_N" > "$W/probe.out" &
			probe_pid=$!
		fi
		until grep -q '^served' "$W/srv.out" || ! kill -0 "$tpid" 2>/dev/null; do sleep 0.05; done
		AWAITING=$(sqlite3 -cmd '.timeout 5000' "$STORE" \
			"select $want - count(*) + coalesce(sum(outcome = 'ungraded'), 0) from samples")
		if [ -n "$probe_pid" ]; then
			wait "$probe_pid"
			PROBE_P99=$(awk '{ print $5 / 1000 }' "$W/probe.out")
		fi
	fi
	wait "$tpid"
	t1=$(now)
	WALL=$(elapsed "$t0" "$t1")
	RSS_KB=$(tail -n 1 "$W/time.out")
	ok=$(sqlite3 "$STORE" "select count(*) from samples where outcome = 'correct'")
	if [ "$ok" != "$want" ]; then
		note "run r$RUN: $ok of $want samples correct (expected all)"
		exit 1
	fi
}

# ttft_put MEAN_KEY P99_KEY: puts the mean and the p99 of the time-to-first-
# token error (ms, less the 50 ms injected) of $STORE's samples, and prints
# the p99
# With a third argument K, only the samples stored after the first K (the
# first wave's, sent on new connections) count.
ttft_put() {
	# shellcheck disable=SC2046
	set -- "$1" "$2" $(sqlite3 "$STORE" "select ttft_ms from samples where rowid > ${3:-0} order by ttft_ms" |
		awk '{ v[NR] = $1; s += $1 } END {
			i = int(NR * 0.99); if (i < 1) i = 1; printf "%.4f %.4f\n", s / NR - 50, v[i] - 50 }')
	put "$1" "$3"
	put "$2" "$4"
	echo "$4"
}

curl_run() { # curl_run BODYFILE COUNT JOBS: sets WALL (one request per URL of the range)
	settle
	t0=$(now)
	curl -s -Z --parallel-max "$3" -H 'Content-Type: application/json' --data-binary @"$1" \
		"$URL?[1-$2]" > /dev/null 2>&1
	t1=$(now)
	WALL=$(elapsed "$t0" "$t1")
}

# floor_run BODYFILE COUNT JOBS DELAY_MS: the floor client; sets WALL and
# FLOOR_TTFB ("mean p99" of its time to first byte minus the delay)
floor_run() {
	settle
	t0=$(now)
	"$W/floorcli" -p "$PORT" -c "$3" -n "$2" -b "$1" -d "$4" > "$W/floor.out"
	t1=$(now)
	WALL=$(elapsed "$t0" "$t1")
	FLOOR_TTFB=$(awk '/^ttfb_err_ms/ { print $3, $5 }' "$W/floor.out")
}

# Whether the sandbox runs here (sections 3b and 5), and section 5's
# baseline: our sandbox starting an empty program: the bwrap options
# of graders/sandbox.c (build_bwrap_argv; keep the two in step) and the
# interpreter flags of the exec grader, less what a sample brings (its
# files, the status and record pipes). Each side runs CORES workers.
TOPS=
for d in /bin /sbin /lib /lib32 /lib64 /libx32; do
	if [ -L "$d" ]; then TOPS="$TOPS --symlink $(readlink "$d") $d"
	elif [ -d "$d" ]; then TOPS="$TOPS --ro-bind $d $d"; fi
done
BWRAP="bwrap --unshare-all --unshare-user --disable-userns --die-with-parent \
	--cap-drop ALL --hostname sandbox --clearenv --setenv PATH /usr/bin:/bin --setenv LANG C.UTF-8 \
	--setenv HOME /work --setenv TMPDIR /tmp --ro-bind /usr /usr $TOPS \
	--ro-bind-try /etc/ld.so.cache /etc/ld.so.cache --proc /proc --dev /dev \
	--size 67108864 --tmpfs /tmp --size 67108864 --tmpfs /work --remount-ro /dev --remount-ro / \
	--chdir /work -- /usr/bin/python3 -I -B -c pass"
exec_ok=1
if ! $BWRAP 2>/dev/null; then exec_ok=0; fi

make_suite "$W/n.jsonl" "$N"
make_suite "$W/big.jsonl" "$BIG"
printf '{"model":"bench/m","stream":true,"messages":[{"role":"user","content":"What is 6 times 7?"}]}' > "$W/stream.json"
printf '{"model":"bench/m","stream":false,"messages":[{"role":"user","content":"What is 6 times 7?"}]}' > "$W/plain.json"

srv_start 0
STREAM_BYTES=$(curl -s --data-binary @"$W/stream.json" "$URL" | wc -c | tr -d ' ')
PLAIN_BYTES=$(curl -s --data-binary @"$W/plain.json" "$URL" | wc -c | tr -d ' ')
srv_stop

RES="$W/results"   # lines: key value
: > "$RES"
put() { echo "$1 $2" >> "$RES"; }
get() { awk -v k="$1" '$1 == k { print $2 }' "$RES" | summary; }

# ---- 1. throughput, zero delay, 64 in flight ----
for mode in stream plain; do
	body="$W/$mode.json"
	opt=""
	[ "$mode" = plain ] && opt="--no-stream"
	for r in $(seq "$REPS"); do
		note "throughput $mode, repetition $r"
		srv_start 0
		curl_run "$body" "$N" 64
		put "curl_$mode" "$(calc "$N / $WALL")"
		srv_stop
		srv_start 0
		# shellcheck disable=SC2086
		tb_run "$W/n.jsonl" 64 $opt
		srv_stop
		cpu=$SRV_CPU
		put "tb_$mode" "$(calc "$N / $WALL")"
		put "tb_${mode}_srvcpu" "$(calc "100 * $cpu / $WALL")"
		srv_start 0
		# shellcheck disable=SC2086
		tb_run "$W/n.jsonl" 64 $opt --loops 1
		srv_stop
		put "tb1_$mode" "$(calc "$N / $WALL")"
	done
done

# ---- 2. I/O overlap: 200 ms per request ----
# N: the issue's 2,000 requests rounded up to whole waves (2,048 at 64 in
# flight), and at least 10 waves (10,240 at 1,024).
for j in 64 1024; do
	n=$(( (2000 + j - 1) / j * j ))
	[ "$n" -lt $((j * 10)) ] && n=$((j * 10))
	[ "$QUICK" = 1 ] && n=$((j * 3))
	eval "OVERLAP_N_$j=$n"
	make_suite "$W/ov.jsonl" "$n"
	ideal=$(calc "$n * 0.2 / $j")
	for r in $(seq "$REPS"); do
		note "overlap at $j in flight, repetition $r"
		srv_start 200
		tb_run "$W/ov.jsonl" "$j"
		srv_stop
		ov=$(calc "100 * ($WALL - $ideal) / $ideal")
		put "overlap_$j" "$ov"
		put "turn_mean_$j" "$(srv_stat turn mean)"
		put "outside_$j" "$(calc "1000 * ($WALL - $(srv_stat span))")"
		# the floor client right after thinkbench, so that the pair meets
		# the same load on this shared host; curl after both
		srv_start 200
		floor_run "$W/stream.json" "$n" "$j" 200
		srv_stop
		fov=$(calc "100 * ($WALL - $ideal) / $ideal")
		put "floor_overlap_$j" "$fov"
		put "overlap_ratio_$j" "$(calc "$ov / $fov")"
		srv_start 200
		curl_run "$W/stream.json" "$n" "$j"
		srv_stop
		put "curl_overlap_$j" "$(calc "100 * ($WALL - $ideal) / $ideal")"
	done
done

# ---- 3. time to first token: 50 ms injected, streaming ----
for j in 64 1024; do
	n=$((j * 10))
	[ "$QUICK" = 1 ] && n=$((j * 3))
	make_suite "$W/tt.jsonl" "$n"
	for r in $(seq "$REPS"); do
		note "ttft at $j in flight, repetition $r"
		srv_start 50
		tb_run "$W/tt.jsonl" "$j"
		srv_stop
		put "srv_late_mean_$j" "$(srv_stat late mean)"
		put "srv_late_p99_$j" "$(srv_stat late p99)"
		p99=$(ttft_put "ttft_mean_$j" "ttft_p99_$j")
		srv_start 50
		floor_run "$W/stream.json" "$n" "$j" 50
		srv_stop
		put "floor_ttft_mean_$j" "${FLOOR_TTFB% *}"
		put "floor_ttft_p99_$j" "${FLOOR_TTFB#* }"
		put "ttft_p99_ratio_$j" "$(calc "$p99 / ${FLOOR_TTFB#* }")"
	done
done

# ---- 3b. time to first token with a saturating code-grading backlog ----
# 64 in flight and 50 ms as above, with every answer a fenced Python block
# (and \boxed{42} after it). Each repetition runs the same requests twice
# against the same endpoint, alternating: graded by regex (no backlog), then
# by the exec grader in the sandbox (tens of answers a second on this
# machine against the loops' thousands, so the graders' queue grows through
# the whole run and they compete with the loops for every core). When the
# endpoint has written its last reply, the store says how many answers still
# await their grade (WATCH=1; it polls both runs alike).
CODE_ANSWER=$(printf '```python\ndef answer():\n    return 42\n```\nThe answer is \\boxed{42}.')
EXEC_OPT=
[ $exec_ok = 1 ] || EXEC_OPT=--unsafe-exec
# 30 waves: at 10 the p99 was the 7th largest of 640, one hiccup of this
# shared host, and the ratio ranged 0.6-1.9 between runs; the grade queue
# holds them all, so 64 stay in flight to the end
n=1920
[ "$QUICK" = 1 ] && n=192
TQ_N=$n
# the wake probe's wakes (1 ms each, and a little late): about the 50 ms
# waves of the request phase
probe_n=$((n * 50 / 64 * 9 / 10))
make_suite "$W/tq.jsonl" "$n"
awk -v n="$n" 'BEGIN {
	print "{\"suite\": {\"name\": \"benchcode\", \"grader\": {\"type\": \"exec\", \"language\": \"python\", \"entry_point\": \"answer\", \"tests\": \"assert answer() == 42\\n\"}}}"
	for (i = 0; i < n; i++) printf "{\"id\": \"c%06d\", \"prompt\": \"Write answer(), returning 42. (%d)\", \"answer\": \"42\"}\n", i, i
}' > "$W/tx.jsonl"
# q_run: the requests graded by regex, no backlog; x_run: graded by the exec
# grader, with its default cap while requests are in flight. Each sets P99,
# its p99 after the first wave, and puts its other figures.
q_run() {
	srv_start 50 -a "$CODE_ANSWER" -n "$n"
	WATCH=1 PROBE_N=$probe_n tb_run "$W/tq.jsonl" 64 --grade-queue "$n"
	put probe_q_p99 "$PROBE_P99"
	srv_stop
	ttft_put ttft_q_mean ttft_q_p99 > /dev/null
	put q_awaiting "$AWAITING"
	P99=$(ttft_put ttft_qs_mean ttft_qs_p99 64)
}
x_run() {
	srv_start 50 -a "$CODE_ANSWER" -n "$n"
	# shellcheck disable=SC2086
	WATCH=1 PROBE_N=$probe_n tb_run "$W/tx.jsonl" 64 --grade-queue "$n" $EXEC_OPT
	put probe_x_p99 "$PROBE_P99"
	srv_stop
	span=$(srv_stat span)
	ttft_put ttft_x_mean ttft_x_p99 > /dev/null
	put x_awaiting "$AWAITING"
	# graded while the requests ran (first request to last reply), and over the run
	put x_graded_span "$(calc "($n - $AWAITING) / $span")"
	put x_graded_run "$(calc "$n / $WALL")"
	P99=$(ttft_put ttft_xs_mean ttft_xs_p99 64)
}
# Each repetition runs A B B A (A without a backlog, B with), so that what
# drifts through a repetition, or what one run leaves to the next, weighs on
# both sides alike (optlog 45). The p99s without a backlog are floored at
# 1 ms: below it the ratio is noise.
for r in $(seq "$REPS"); do
	note "ttft at 64 in flight without and with a code-grading backlog, repetition $r"
	q_run; p0=$P99
	x_run; p1=$P99
	x_run; p1b=$P99
	q_run; pa=$P99
	without=$(calc "(($p0 > 1 ? $p0 : 1) + ($pa > 1 ? $pa : 1)) / 2")
	put x_ratio "$(calc "($p1 + $p1b) / 2 / $without")"
	# A/A: the second run without a backlog over the first
	put aa_ratio "$(calc "$pa / ($p0 > 1 ? $p0 : 1)")"
	# the same backlog with the graders at full speed (--exec-rate 0): what
	# the default cap on code answers while requests are in flight buys
	srv_start 50 -a "$CODE_ANSWER" -n "$n"
	# shellcheck disable=SC2086
	WATCH=1 tb_run "$W/tx.jsonl" 64 --grade-queue "$n" --exec-rate 0 $EXEC_OPT
	srv_stop
	span=$(srv_stat span)
	p2=$(ttft_put ttft_fs_mean ttft_fs_p99 64)
	put f_graded_span "$(calc "($n - $AWAITING) / $span")"
	put f_ratio "$(calc "$p2 / $without")"
done

# ---- 4. memory: 256 in flight, N and BIG samples ----
for r in $(seq "$REPS"); do
	note "memory, repetition $r"
	srv_start 0
	tb_run "$W/n.jsonl" 256
	small_kb=$RSS_KB
	put rss_n "$(calc "$RSS_KB / 1024")"
	tb_run "$W/big.jsonl" 256
	srv_stop
	put rss_big "$(calc "$RSS_KB / 1024")"
	put rss_growth "$(calc "($RSS_KB - $small_kb) / 1024")"
	BIGSTORE=$(dirname "$STORE")
done

# ---- 4b. memory with a grading backlog: a 1 s grader, 2,000 in flight ----
for r in $(seq "$REPS"); do
	note "memory with a grading backlog, repetition $r"
	set -- $(sh "$ROOT/scripts/bench/backlog.sh" "$B" 20)
	put rss_backlog "$1"
	put backlog_awaiting "$3"
done

# ---- 5. graders ----
GN=200000
settle
for r in $(seq "$REPS"); do
	note "graders, repetition $r"
	put regex "$("$W/gradebench" regex $GN | awk '{ print $4 }')"
	put numeric "$("$W/gradebench" numeric $GN | awk '{ print $4 }')"
	put math "$("$W/gradebench" math $((GN / 4)) | awk '{ print $4 }')"
done
EXEC_N=$((CORES * 50))
[ "$QUICK" = 1 ] && EXEC_N=$((CORES * 5))
for r in $(seq "$REPS"); do
	[ $exec_ok = 1 ] || break
	note "sandbox, repetition $r"
	per=$((EXEC_N / CORES))
	t0=$(now)
	for _ in $(seq "$CORES"); do
		( for _ in $(seq "$per"); do $BWRAP; done ) &
	done
	wait
	t1=$(now)
	put sandbox_base "$(calc "$per * $CORES / $(elapsed "$t0" "$t1")")"
	out=$("$W/gradebench" exec "$EXEC_N" "$CORES" || true)
	put sandbox_exec "$(echo "$out" | awk '{ print $4 }')"
done

# Sandboxed grading, warm against the commit before the warm sandbox and
# against the anchor (scripts/bench/warm.sh builds the former itself).
if [ $exec_ok = 1 ]; then
	note "warm sandbox vs cold vs anchor, $REPS repetitions"
	sh "$ROOT/scripts/bench/warm.sh" "$W/gradebench" "$EXEC_N" "$CORES" "$REPS" > "$W/warm.out"
	while read -r _ wv _ cv _ av; do
		put warm_exec "$wv"; put cold_exec "$cv"; put anchor_exec "$av"
		put warm_vs_cold "$(calc "$wv / $cv")"; put warm_vs_anchor "$(calc "$wv / $av")"
	done < "$W/warm.out"
fi

# C grading with the compile cache: 8 distinct sources among the answers
# (samples of one item often repeat their code) against every source new.
C_N=$((CORES * 50))
[ "$QUICK" = 1 ] && C_N=$((CORES * 5))
for r in $(seq "$REPS"); do
	[ $exec_ok = 1 ] || break
	note "C grading with the compile cache, repetition $r"
	set -- $("$W/gradebench" c "$C_N" "$CORES" 0)
	put c_new "$4"
	set -- $("$W/gradebench" c "$C_N" "$CORES" 8)
	put c_cached "$4"
done

# ---- 6. reports from the BIG-sample store ----
for r in $(seq "$REPS"); do
	note "report, repetition $r"
	settle
	t0=$(now)
	# Every plot's data and script, without gnuplot's own time.
	TB_GNUPLOT=/nonexistent "$TB" report "$BIGSTORE" --format text,csv --plots --out "$W/rep" \
		> /dev/null 2>&1
	t1=$(now)
	put report "$(elapsed "$t0" "$t1")"
done

# ---- BENCH.md ----
m() { get "$1" | awk '{ print $1 }'; }
# The judged ratios are shown to three decimals, so that the verdict can be
# read from the figure beside it (two showed 1.50 for a miss of a 1.5 bound).
mm() { get "$1" | awk -v d="${2:-0}" '{ printf "%.*f (%.*f–%.*f)", d, $1, d, $2, d, $3 }'; }
ratio() { awk "BEGIN { printf \"%.1f\", 100 * $1 / $2 }"; }
pass() { if awk "BEGIN { exit !($1) }"; then echo pass; else echo "**miss**"; fi; }

cs=$(m curl_stream); ts=$(m tb_stream); cp=$(m curl_plain); tp=$(m tb_plain)
rs=$(ratio "$ts" "$cs"); rp=$(ratio "$tp" "$cp")
ov64=$(m overlap_64)
tm64=$(m ttft_mean_64); tp64=$(m ttft_p99_64); tp1k=$(m ttft_p99_1024)
# The two 1,024 targets are relative to the floor client: the median of the
# ratios of pairs run back to back, as the backlog row's. A ratio of the
# medians would set one repetition's thinkbench against another's floor
# client, minutes apart on a host whose load moves the floor client's excess
# alone from 7 % to 13 %.
rtp1k=$(m ttft_p99_ratio_1024); rov1k=$(m overlap_ratio_1024)
rn=$(m rss_n); rg=$(m rss_growth)
rx=$(m regex); nu=$(m numeric); ma=$(m math)
rep=$(m report)
if [ $exec_ok = 1 ]; then
	sb=$(m sandbox_base); se=$(m sandbox_exec); rsb=$(ratio "$se" "$sb")
	sbline="| sandboxed Python grading vs bare sandbox start, $CORES cores | ≥ 80 % | $(mm sandbox_exec 1) /s vs $(mm sandbox_base 1) /s | $rsb % | $(pass "$rsb >= 80") |"
	wc_=$(m warm_vs_cold); wa=$(m warm_vs_anchor)
	sbline="$sbline
| sandboxed Python grading, warm sandbox vs the commit before it (cold), $CORES cores | ≥ 5× | $(mm warm_exec 1) /s vs $(mm cold_exec 1) /s | $(mm warm_vs_cold 2)× | $(pass "$wc_ >= 5") |
| same, vs the anchor (HumanEval's check_correctness design, no sandbox) | ≥ 1× | $(mm warm_exec 1) /s vs $(mm anchor_exec 1) /s | $(mm warm_vs_anchor 2)× | $(pass "$wa >= 1") |
| C grading (io tests, gradebench c), 8 distinct sources among $C_N answers vs every source new, $CORES cores | – | $(mm c_cached 1) /s vs $(mm c_new 1) /s | $(calc "$(m c_cached) / $(m c_new)")× | – |"
else
	sbline="| sandboxed Python grading | ≥ 80 % | bubblewrap cannot run here | – | – |"
fi
xnote=
[ $exec_ok = 1 ] || xnote=" (bubblewrap cannot run here: \`--unsafe-exec\`)"
commit=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
dirty=
if git -C "$ROOT" status --porcelain 2>/dev/null | grep -q .; then dirty=" (with uncommitted changes)"; fi
cpu=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)
# The kernel's preemption model (with none, a process in a system call
# keeps its core until the call yields): the debug file names the mode in
# use in parentheses; the boot log says it too.
preempt=$(sed -n 's/.*(\([a-z]*\)).*/\1/p' /sys/kernel/debug/sched/preempt 2>/dev/null || true)
[ -n "$preempt" ] || preempt=$(dmesg 2>/dev/null | sed -n 's/.*Dynamic Preempt: \([a-z]*\).*/\1/p' | tail -n 1 || true)
[ -n "$preempt" ] || preempt=unknown

{
	echo "# thinkbench benchmark"
	echo
	echo "Written by \`scripts/bench.sh\` on $(date -u +%Y-%m-%dT%H:%MZ). Commit $commit$dirty."
	echo "Machine: $CORES cores, $cpu, $(uname -sr) (preemption: $preempt), $(curl --version | head -n 1 | cut -d' ' -f1-2),"
	echo "SQLite $(sqlite3 --version | cut -d' ' -f1). Endpoint: scripts/bench/benchsrv.c on loopback"
	echo "(one thread, epoll, canned replies: a stream of 24 chunks, $STREAM_BYTES bytes, or one JSON"
	echo "body, $PLAIN_BYTES bytes; regex-graded, stored, all correct)."
	echo "Each figure: median of $REPS runs (min–max). $N samples per throughput run. Load average"
	echo "at the end: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine skews every figure)."
	echo "Each timed run starts once the files of the runs before it are on the disk (\`sync\`)"
	echo "and both cores have been at most 5 % busy for 200 ms (waiting at most 10 s)."
	echo
	echo "| measurement | target | measured | ratio | |"
	echo "|---|---|---|---|---|"
	echo "| samples/s, streaming, 0 delay, 64 in flight (vs \`curl -Z --parallel-max 64\`) | ≥ 75 % of curl | $(mm tb_stream) vs curl $(mm curl_stream) | $rs % | $(pass "$rs >= 75") |"
	echo "| samples/s, not streaming, same | ≥ 75 % of curl | $(mm tb_plain) vs curl $(mm curl_plain) | $rp % | $(pass "$rp >= 75") |"
	echo "| same with one transfer loop (\`--loops 1\`), streaming / not | – | $(mm tb1_stream) ($(ratio "$(m tb1_stream)" "$cs") %) / $(mm tb1_plain) ($(ratio "$(m tb1_plain)" "$cp") %) | – | – |"
	echo "| endpoint CPU during the thinkbench runs (stream / plain) | not the bottleneck | $(mm tb_stream_srvcpu 1) % / $(mm tb_plain_srvcpu 1) % of one core | – | – |"
	echo "| wall time over N x 200 ms / 64, N = $OVERLAP_N_64 | ≤ 2 % | $(mm overlap_64 2) % (curl: $(mm curl_overlap_64 2) %; floor client: $(mm floor_overlap_64 2) %) | – | $(pass "$ov64 <= 2") |"
	echo "| wall time over N x 200 ms / 1024, N = $OVERLAP_N_1024, vs the floor client run right after it | ≤ 2× the floor client's (median of the paired ratios) | $(mm overlap_1024 2) % (curl: $(mm curl_overlap_1024 2) %; floor client: $(mm floor_overlap_1024 2) %) | $(mm overlap_ratio_1024 3)× | $(pass "$rov1k <= 2") |"
	echo "| of which, at 64 / 1,024: the client's turnaround per request (mean); its time outside the endpoint's first request to last reply | – | $(mm turn_mean_64 3) / $(mm turn_mean_1024 3) ms; $(mm outside_64 1) / $(mm outside_1024 1) ms | – | – |"
	echo "| TTFT error, 50 ms injected, 64 in flight: mean | ≤ 1 ms | $(mm ttft_mean_64 3) ms | – | $(pass "$tm64 <= 1 && $tm64 >= -1") |"
	echo "| same, p99 | ≤ 3 ms | $(mm ttft_p99_64 3) ms | – | $(pass "$tp64 <= 3 && $tp64 >= -3") |"
	echo "| TTFT error at 1,024 in flight: mean / p99, p99 vs the floor client's, run right after it | p99 ≤ 1.25× the floor client's (median of the paired ratios) | $(mm ttft_mean_1024 3) / $(mm ttft_p99_1024 3) ms (floor client p99: $(mm floor_ttft_p99_1024 3) ms) | $(mm ttft_p99_ratio_1024 3)× | $(pass "$rtp1k <= 1.25 && $tp1k >= -5") |"
	echo "| TTFT error, 50 ms injected, 64 in flight, with a saturating code-grading backlog: mean / p99 after the first wave, vs without (same run) | p99 ≤ 1.5× the p99 without one | with: $(mm ttft_xs_mean 3) / $(mm ttft_xs_p99 3) ms; without: $(mm ttft_qs_mean 3) / $(mm ttft_qs_p99 3) ms (all samples, first wave too: with $(mm ttft_x_p99 3), without $(mm ttft_q_p99 3) ms); $(mm x_awaiting 0) of $TQ_N answers awaiting their grade at the last reply (without: $(mm q_awaiting 0)); graded $(mm x_graded_span 1) /s while the requests ran, $(mm x_graded_run 1) /s over the run$xnote | $(mm x_ratio 3)× (p99) | $(pass "$(m x_ratio) <= 1.5") |"
	echo "| the same, no backlog in either run (A/A: the last run without one over the first, with the two runs with one between them) | – | – | $(mm aa_ratio 3)× (p99) | – |"
	echo "| same backlog, code answers not capped while requests are in flight (\`--exec-rate 0\`): mean / p99 after the first wave, vs without a backlog | – | $(mm ttft_fs_mean 3) / $(mm ttft_fs_p99 3) ms; graded $(mm f_graded_span 1) /s while the requests ran | $(mm f_ratio 3)× (p99) | – |"
	echo "| a bare timer thread's wake-up lateness (scripts/bench/wakeprobe.c, 1 ms sleeps) through the backlog row's request phase: p99 with the backlog / without | – | $(mm probe_x_p99 3) / $(mm probe_q_p99 3) ms | – | – |"
	echo "| the floor client's time-to-first-byte error, mean / p99, at 64 / 1,024 | – | $(mm floor_ttft_mean_64 3) / $(mm floor_ttft_p99_64 3) ms; $(mm floor_ttft_mean_1024 3) / $(mm floor_ttft_p99_1024 3) ms | – | – |"
	echo "| of which the endpoint's own lateness, mean / p99, at 64 / 1,024 | – | $(mm srv_late_mean_64 3) / $(mm srv_late_p99_64 3) ms; $(mm srv_late_mean_1024 3) / $(mm srv_late_p99_1024 3) ms | – | – |"
	echo "| peak RSS, $N samples, 256 in flight | < 30 MB | $(mm rss_n 1) MB | – | $(pass "$rn < 30") |"
	echo "| RSS growth, $N → $BIG samples | < 5 MB | $(mm rss_growth 1) MB ($(mm rss_big 1) MB at $BIG) | – | $(pass "$rg < 5") |"
	echo "| peak RSS, a 1 s grader, 2,000 in flight, 20 s then SIGINT (scripts/bench/backlog.sh) | < 64 MB | $(mm rss_backlog 1) MB, $(mm backlog_awaiting 0) answers stored ungraded at the end | – | $(pass "$(m rss_backlog) < 64") |"
	echo "| regex grading, one core | ≥ 200,000/s | $(mm regex) /s | – | $(pass "$rx >= 200000") |"
	echo "| numeric grading, one core | ≥ 200,000/s | $(mm numeric) /s | – | $(pass "$nu >= 200000") |"
	echo "| math (LaTeX) grading, one core | ≥ 20,000/s | $(mm math) /s | – | $(pass "$ma >= 20000") |"
	echo "$sbline"
	echo "| report (text, CSV, every plot's data and script) of the $BIG-sample store | < 2 s | $(mm report 3) s | – | $(pass "$rep < 2") |"
	echo
	echo "TTFT error is the measured time to first token minus the injected 50 ms. thinkbench times"
	echo "from the moment a request is about to be sent on its connection (curl's pre-request"
	echo "callback) to the moment the kernel received the bytes (their receive stamp, peeked"
	echo "before curl reads them; the floor client stamps its first bytes the same way); the"
	echo "endpoint writes the whole stream 50 ms after it read the request, so the error holds the"
	echo "client's send and the endpoint's own delay in reading the request and writing the reply"
	echo "(its replies' lateness is reported beside it), not the client's delay in reading what"
	echo "came. The overlap rows send N requests: the issue's 2,000 in whole"
	echo "waves, and at least ten waves; the client's fixed start-up and wind-down weigh on a"
	echo "short run (the row of the time outside the endpoint's span gives them). They also time"
	echo "\`curl -Z --parallel-max J\` over the same N requests, and the floor client"
	echo "(scripts/bench/floorcli.c: one thread, raw sockets, each connection sends the canned"
	echo "request and reads the reply to its Content-Length, no parsing and no store): the least"
	echo "any client pays on this machine with this endpoint. The two rows at 1,024 in flight run"
	echo "the floor client right after thinkbench in each repetition and give the median of those"
	echo "paired ratios: the host's load, which moves the floor client's own excess from 7 to 13 %"
	echo "within minutes, then weighs on both sides of each ratio alike. The endpoint measures the client's"
	echo "turnaround (from a reply's last byte written to the next request read whole on that"
	echo "connection: the client's read, refill and send, and loopback) and the span from the first"
	echo "request to the last reply; what the wall time holds outside that span is the client's"
	echo "start-up (process, suites, store) and wind-down (last judgements, pass@k, closing the"
	echo "store). thinkbench runs one transfer loop per core unless told"
	echo "\`--loops 1\`. The report row runs \`report --format text,csv --plots\` with gnuplot out of"
	echo "reach, so it writes the plots' data and scripts but draws none."
	echo
	echo "The backlog row runs $TQ_N requests at 64 in flight, 50 ms, five times per repetition"
	echo "against the same endpoint, whose answer is a fenced Python block followed by a boxed 42,"
	echo "in the order A B B A: A graded by regex (no backlog), B by the exec grader in the sandbox"
	echo "(the real one, as users run it, with its default cap on code answers a second while"
	echo "requests are in flight, \`--exec-rate\`), whose queue grows through the whole run"
	echo "(answers awaiting their grade when the endpoint wrote its last reply, from the store);"
	echo "a fifth run grades at full speed (\`--exec-rate 0\`), for what the cap buys. The ratio is"
	echo "the mean p99 of the two runs with the backlog over that of the two without it in the"
	echo "same repetition (each floored at 1 ms), the median of the repetitions; the mean is"
	echo "given but not judged. The order weighs on both sides alike: run second, the same run"
	echo "without a backlog read 1.33 times the first over 12 pairs (the bench then ran the"
	echo "backlog second). The A/A row gives the last A over the first. Both p99s leave out the"
	echo "first wave (the first 64 answers stored): those requests go out before any answer"
	echo "exists, so no backlog can touch them, and on new connections, which wait 3-11 ms in"
	echo "the endpoint's accept queue while the run starts on the same two cores. Those 64 of"
	echo "$TQ_N (3 %) are one correlated burst, and they alone set the p99 of all samples in"
	echo "either run; that p99 is given beside it. The wake probe sleeps 1 ms at a time through"
	echo "the request phase of both runs (from the endpoint's first request, for about as long as"
	echo "its waves take) and gives its own p99 lateness: what the machine adds to any program's"
	echo "wake-up while the graders run, with no harness code in the path (optlog 42 below"
	echo "has what was tried against it)."
	echo
	echo "The sandbox row: $EXEC_N HumanEval-style answers (a quarter wrong) graded by \`gradebench"
	echo "exec\`, the exec grader on $CORES threads (each answer: a fresh bubblewrap sandbox under its"
	echo "own uid with the keeper, the harness's driver, the tests, the verdict from the nonce record),"
	echo "after one untimed grade that starts the grader (its bytecode for the driver), against $CORES"
	echo "shell loops running \`bwrap\` with the grader's own bwrap options and \`python3 -I -B -c pass\`"
	echo "for the same number of runs: our sandbox starting an empty program. The warm rows"
	echo "(scripts/bench/warm.sh) grade the same answers with this tree (a warm sandbox per"
	echo "thread: a verdict process that lives on, and each answer a fork of a warm interpreter"
	echo "with namespaces of its own, isolated in C; each thread starts its warm sandbox before"
	echo "the clock, as a run does before its first request), with the commit before the"
	echo "warm sandbox built in the same run, and with scripts/bench/anchor.py (a fresh"
	echo "multiprocessing process per answer, exec() with a 10 s limit, no isolation). The C row"
	echo "grades C answers with io tests (each in a sandbox of its own): with 8 distinct sources"
	echo "the compile cache runs the kept binary for all but the first of each."
	echo
	if [ -f "$ROOT/scripts/bench/optlog.md" ]; then cat "$ROOT/scripts/bench/optlog.md"; fi
} > "$OUT"
note "wrote $OUT"
cat "$OUT"
