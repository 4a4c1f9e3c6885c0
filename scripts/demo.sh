#!/bin/sh
# The demo: installs what is needed, builds the program (not the tests: the
# test command builds those), installs it on PATH, runs the default suites
# against all three seed models in both modes (the built-in simulator answers
# without OPENROUTER_API_KEY), writes the run's CSV files, report.html and
# plots, and says what to do next. Set-up output goes to a log file; the
# terminal gets one line per step.
#   sh scripts/demo.sh [run options...]
# PREFIX (default /usr/local) is where `cmake --install` puts bin/thinkbench.
set -eu
cd "$(dirname "$0")/.."
prefix=${PREFIX:-/usr/local}
mkdir -p build
log=$(pwd)/build/demo-setup.log
: >"$log"
echo "demo: set-up output goes to $log"

step() {
	what=$1
	shift
	echo "demo: $what"
	if ! "$@" >>"$log" 2>&1; then
		echo "demo: failed: $what; the end of $log:" >&2
		tail -n 20 "$log" >&2
		exit 1
	fi
}

sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd=sudo
step "installing the Debian packages it needs (scripts/install-deps.sh)" sh scripts/install-deps.sh
step "configuring the build (build/)" \
	cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTB_TESTS=OFF
step "building thinkbench" cmake --build build --target thinkbench -j"$(nproc)"
step "installing it as $prefix/bin/thinkbench" $sudo_cmd cmake --install build --prefix "$prefix"

tb=thinkbench
if [ "$(command -v thinkbench || true)" != "$prefix/bin/thinkbench" ]; then
	echo "demo: note: $prefix/bin is not first on your PATH; add it to run 'thinkbench' by name"
	tb=$prefix/bin/thinkbench
fi

if [ -n "${OPENROUTER_API_KEY:-}" ]; then
	echo "demo: running the suites against OpenRouter (OPENROUTER_API_KEY is set)"
else
	echo "demo: running the suites against the built-in simulator (no OPENROUTER_API_KEY)"
fi
out=$(mktemp)
trap 'rm -f "$out"' EXIT
status=0
"$tb" run --suite suites \
	--model qwen/qwen3-14b --model qwen/qwq-32b --model qwen/qwen3-vl-32b-instruct \
	--mode both -j 64 "$@" >"$out" || status=$?
cat "$out"
run_dir=$(sed -n 's/^run folder: //p' "$out" | tail -n 1)
if [ -z "$run_dir" ]; then
	echo "demo: the run did not start (exit $status)" >&2
	exit "$status"
fi
step "writing the CSV files, report.html and the plots into $run_dir" \
	"$tb" report "$run_dir" --format csv,html --plots

cat <<EOF

What next:
  open the report:     $run_dir/report.html (any browser; it needs no network)
  the CSV files:       $run_dir/summary.csv, samples.csv, modes.csv, flips.csv, by_lang.csv,
                       by_tag.csv, reasoning.csv
  the plots:           $run_dir/plots/*.png (edit a .gp file and run gnuplot on it to restyle)
  browse every sample: thinkbench view   (prints a local URL; Ctrl-C stops it)
  the model cards:     thinkbench report $run_dir --claims share/claims/qwen-cards.json
  compare two runs:    thinkbench run --mode both --limit 20 --seed 2 --run-id other
                       thinkbench compare $run_dir results/other
  what would it cost:  thinkbench run --mode both --dry-run   (then --max-cost USD to cap it)
  real models:         export OPENROUTER_API_KEY=sk-or-...   then: sh scripts/demo.sh
  import a benchmark:  thinkbench import gsm8k examples/gsm8k-sample.jsonl --out suites-extra/gsm8k.jsonl
                       thinkbench run --suite suites-extra/gsm8k.jsonl
  everything else:     README.md, and thinkbench --help
EOF
exit "$status"
