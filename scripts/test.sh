#!/bin/sh
# The whole test suite: installs what is needed, builds twice (plain, and with
# AddressSanitizer + UndefinedBehaviorSanitizer) and runs every test with CTest
# in both builds.
set -eu
cd "$(dirname "$0")/.."
sh scripts/install-deps.sh test
sh scripts/build.sh build
(cd build && ctest --output-on-failure --timeout 900)
sh scripts/build.sh build-asan -DTB_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	ctest --output-on-failure --timeout 1800)
