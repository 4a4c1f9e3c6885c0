#!/bin/sh
# The main job: installs what is needed, builds, and runs the default suites
# against all three seed models in both modes. Without OPENROUTER_API_KEY the
# built-in simulator answers; the run ends with its summary and its folder.
set -eu
cd "$(dirname "$0")/.."
sh scripts/install-deps.sh
sh scripts/build.sh build
exec ./build/thinkbench run --suite suites \
	--model qwen/qwen3-14b --model qwen/qwq-32b --model qwen/qwen3-vl-32b-instruct \
	--mode both -j 64 "$@"
