#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# CI smoke run of the benchmark harness (tests/run.sh calls it): every server
# and case for about a second, one round, the microbenchmark and memory mode
# briefly. It checks that the benchmarks still run and that every echoed byte
# is right; it asserts nothing about speed. Exits non-zero if any case errors.
# Reuses the CI build directory (build/) when there is one.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
args=(--smoke)
if [[ -z ${BENCH_BUILD:-} && -f $src/build/build.ninja ]]; then
	args+=(--build "$src/build")
fi
exec "$src/tools/bench/run.sh" "${args[@]}" "$@"
