#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# CI smoke run of the benchmark harness (tests/run.sh calls it): every server
# and case for about a second, one round, the microbenchmark and memory mode
# briefly. It checks that the benchmarks still run and that every echoed byte
# is right; it asserts nothing about speed. Exits non-zero if any case errors.
# It configures and builds the harness's own release build directory, as a
# user's first run from a fresh clone does, so a broken first run fails CI.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
exec "$src/tools/bench/run.sh" --smoke "$@"
