#!/bin/sh
# scripts/bench/warm.sh: sandboxed HumanEval-style Python grading, three ways
# on the same answers and cores, in one run: this tree (the warm sandbox),
# the commit before the warm sandbox (built here, from a git worktree in a
# temp dir), and the anchor (scripts/bench/anchor.py: the HumanEval authors'
# check_correctness design, no sandbox).
#
#   sh scripts/bench/warm.sh GRADEBENCH N CORES REPS [BASE_REV]
#
# GRADEBENCH is this tree's gradebench; BASE_REV defaults to 5921f22. Prints
# one line per repetition: "warm <answers/s> cold <answers/s> anchor <answers/s>".
set -eu

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
NEW=$1 N=$2 CORES=$3 REPS=$4 BASE=${5:-5921f22}
W=$(mktemp -d /tmp/tb-warm.XXXXXX)
cleanup() {
	git -C "$ROOT" worktree remove --force "$W/base" 2>/dev/null || true
	rm -rf "$W"
}
trap cleanup EXIT INT TERM

git -C "$ROOT" worktree add --detach "$W/base" "$BASE" >/dev/null 2>&1
cmake -S "$W/base" -B "$W/base/b" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$W/base/b" -j"$CORES" --target tbcore >/dev/null
cc -O2 -std=gnu11 -Wall -Wextra -I"$W/base/harness" -I"$W/base/graders" -o "$W/gradebench-base" \
	"$W/base/scripts/bench/gradebench.c" "$W/base/b/libtbcore.a" \
	-lpcre2-8 -ljansson -lsqlite3 -lcurl -lmicrohttpd -lcrypto -lseccomp -lpthread -lm

for _ in $(seq "$REPS"); do
	warm=$("$NEW" exec "$N" "$CORES" | awk '{ print $4 }')
	cold=$("$W/gradebench-base" exec "$N" "$CORES" | awk '{ print $4 }')
	anchor=$(cd "$W" && python3 "$ROOT/scripts/bench/anchor.py" "$N" "$CORES" 10 2>/dev/null | awk '{ print $4 }')
	echo "warm $warm cold $cold anchor $anchor"
done
