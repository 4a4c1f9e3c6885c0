#!/bin/sh
# The README is tested: every fenced ```sh block of README.md runs, in order and
# verbatim, in a scratch folder that stands for a fresh clone (a copy of its
# suites/ and examples/), with a fresh HOME, the built thinkbench first on PATH
# and no OPENROUTER_API_KEY (so models are simulated). A block whose fence is
# preceded by the line `<!-- readme-test: skip (why) -->` is not run.
#   sh tests/readme_test.sh SOURCE_DIR THINKBENCH_BINARY
# Fails with README.md:LINE and the block's output on the first block that
# exits non-zero or runs past its time limit.
set -u
src=$1
bin=$2
limit=${README_BLOCK_TIMEOUT:-240}
readme=$src/README.md
bindir=$(cd "$(dirname "$bin")" && pwd)
[ "$(basename "$bin")" = thinkbench ] || { echo "readme_test: $bin is not a thinkbench binary"; exit 1; }

scratch=$(mktemp -d /tmp/tbtest.readme.XXXXXX)
cleanup() { [ -n "${TB_KEEP:-}" ] && echo "kept $scratch" || rm -rf "$scratch"; }
trap cleanup EXIT
mkdir -p "$scratch/clone" "$scratch/home" "$scratch/blocks"
cp -R "$src/suites" "$src/examples" "$scratch/clone/"

# One file per block, named by the README line of its fence; a skip marker
# must give its reason.
awk -v out="$scratch/blocks" '
	/^```sh[ \t]*$/ && !inblock {
		inblock = 1; start = NR
		if (prev ~ /^<!-- readme-test: skip \(.+\) -->$/) { skip = 1 } else { skip = 0 }
		if (prev ~ /readme-test/ && !skip) { printf "README.md:%d: malformed skip marker\n", NR - 1 > "/dev/stderr"; bad = 1 }
		file = sprintf("%s/%06d.sh", out, NR); if (!skip) printf "" > file
		prev = $0; next
	}
	/^```[ \t]*$/ && inblock { inblock = 0; if (!skip) close(file); prev = $0; next }
	inblock && !skip { print >> file }
	{ prev = $0 }
	END { if (inblock) { printf "README.md:%d: unclosed ```sh block\n", start > "/dev/stderr"; bad = 1 } exit bad }
' "$readme" || exit 1

n=0
for block in "$scratch"/blocks/*.sh; do
	[ -e "$block" ] || continue
	line=$(basename "$block" .sh | sed 's/^0*//')
	n=$((n + 1))
	(cd "$scratch/clone" && env -i HOME="$scratch/home" PATH="$bindir:/usr/local/bin:/usr/bin:/bin" \
		LANG=C.UTF-8 TMPDIR=/tmp timeout -k 5 "$limit" sh -e "$block") >"$scratch/out" 2>&1
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "README.md:$line: the sh block exited $rc$([ $rc -eq 124 ] && echo " (over ${limit}s)"):"
		sed 's/^/    /' "$block"
		echo "its output (last 40 lines):"
		tail -n 40 "$scratch/out"
		exit 1
	fi
done
echo "readme_test: $n blocks of README.md ran"
