#!/bin/sh
# Builds the libFuzzer targets of tests/fuzz/ (SSE parser, response parser,
# suite loader, answer extractors, models file loader, math parser, io
# output comparison) with clang -fsanitize=fuzzer,address,undefined and runs
# each for SECONDS (default 60):
#
#     sh scripts/fuzz.sh [SECONDS] [TARGET...]
#
# New inputs go to build-fuzz/corpus/<target>/ (seeded from the kept corpus
# in tests/fuzz/corpus/<target>/). A crash is written to
# tests/fuzz/corpus/<target>/crash-<sha1>, so tests/check_fuzz_corpus.c keeps
# running it once it is fixed. Exits 77 (skipped) without clang or libFuzzer,
# 1 when a target crashed.
set -eu
cd "$(dirname "$0")/.."
secs=${1:-60}
[ $# -gt 0 ] && shift
targets=${*:-"sse resp suite extract models math iocompare"}
out=build-fuzz
CC=${CC_FUZZ:-clang}

if ! command -v "$CC" >/dev/null 2>&1; then
  echo "fuzz: skipped: $CC is not installed (apt-get install clang libclang-rt-14-dev)"
  exit 77
fi
mkdir -p "$out/obj" "$out/bin"
printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { (void)d; return (int)n * 0; }\n' > "$out/probe.c"
if ! "$CC" -fsanitize=fuzzer,address,undefined "$out/probe.c" -o "$out/probe" 2>/dev/null; then
  echo "fuzz: skipped: $CC cannot link -fsanitize=fuzzer (apt-get install libclang-rt-14-dev)"
  exit 77
fi

flags="-g -O1 -std=c11 -D_GNU_SOURCE -DTB_VERSION=\"fuzz\" -fsanitize=fuzzer-no-link,address,undefined"
flags="$flags -fno-sanitize-recover=undefined -fno-omit-frame-pointer -Iharness -Igraders -Iharness/sim -Iharness/report"
flags="$flags -Iharness/cmd $(pkg-config --cflags libcurl libpcre2-8 jansson sqlite3 libmicrohttpd libcrypto zlib libseccomp)"
export CC flags
libs="$(pkg-config --libs libcurl libpcre2-8 jansson sqlite3 libmicrohttpd libcrypto zlib libseccomp) -lpthread -lm"

# The library once, two compilers at a time; an object is rebuilt only when
# its source is newer.
for src in harness/*.c harness/cmd/*.c harness/sim/*.c harness/report/*.c graders/*.c; do
  [ "$src" = harness/main.c ] && continue
  obj="$out/obj/$(echo "$src" | tr / _).o"
  if [ ! -f "$obj" ] || [ "$src" -nt "$obj" ]; then echo "$src $obj"; fi
done | xargs -r -n 2 -P "$(nproc 2>/dev/null || echo 2)" sh -c '$CC $flags -c "$0" -o "$1"'
# the warm sandbox's tbwarm.so, embedded as the CMake build embeds it (built
# without sanitizers: the system's Python loads it)
if [ ! -f "$out/obj/tbwarm_so.o" ] || [ graders/drivers/tbwarm.c -nt "$out/obj/tbwarm_so.o" ]; then
  "$CC" -std=gnu11 -O2 -fPIC -shared -s -o "$out/tbwarm.so" graders/drivers/tbwarm.c
  cmake -DIN="$out/tbwarm.so" -DOUT="$out/tbwarm_so.c" -DNAME=tb_warm_so -P cmake/embed.cmake
  $CC $flags -c "$out/tbwarm_so.c" -o "$out/obj/tbwarm_so.o"
fi
ar rcs "$out/libtbfuzz.a" "$out"/obj/*.o

status=0
for t in $targets; do
  "$CC" $flags -fsanitize=fuzzer "tests/fuzz/fuzz_$t.c" "$out/libtbfuzz.a" $libs -o "$out/bin/fuzz_$t"
  mkdir -p "$out/corpus/$t" "tests/fuzz/corpus/$t"
  echo "fuzz: $t for ${secs}s"
  if ! ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 UBSAN_OPTIONS=print_stacktrace=1 \
      "$out/bin/fuzz_$t" -max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048 -timeout=10 \
      -print_final_stats=1 -artifact_prefix="tests/fuzz/corpus/$t/" \
      "$out/corpus/$t" "tests/fuzz/corpus/$t" > "$out/fuzz_$t.log" 2>&1; then
    echo "fuzz: $t FAILED; the input is in tests/fuzz/corpus/$t/ (log: $out/fuzz_$t.log)"
    tail -40 "$out/fuzz_$t.log"
    status=1
  else
    grep -E '^stat::number_of_executed_units|^stat::new_units_added' "$out/fuzz_$t.log" | tr '\n' ' '
    echo
  fi
done
exit $status
