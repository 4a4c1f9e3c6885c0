#!/bin/sh
# Configures and builds thinkbench and its tests into a build folder:
#   build.sh [DIR] [cmake options...]
# TB_TESTS is turned on here (the demo turns it off in the same folder).
set -eu
cd "$(dirname "$0")/.."
dir=${1:-build}
[ $# -gt 0 ] && shift
cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTB_TESTS=ON "$@" >/dev/null
cmake --build "$dir" -j"$(nproc)"
