#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# CI smoke run of the benchmark harness (tests/run.sh calls it): every server
# and case for about a second, one round, the microbenchmark and memory mode
# briefly. It checks that the benchmarks still run and that every echoed byte
# is right; it asserts nothing about speed. Exits non-zero if any case errors
# or a benchmark leaves its scratch files in /tmp.
# It configures and builds the harness's own release build directory, as a
# user's first run from a fresh clone does, so a broken first run fails CI.
set -euo pipefail
src=$(cd "$(dirname "$0")/../.." && pwd)
# The benchmarks' scratch files (the graph benchmark's ACL rules) must not
# outlive them: any left in /tmp that is newer than this mark fails the run.
mark=$(mktemp /tmp/fp-smoke-mark.XXXXXX)
trap 'rm -f "$mark"' EXIT
rc=0
"$src/tools/bench/run.sh" --smoke "$@" || rc=$?
left=$(find /tmp -maxdepth 1 -name 'bench-graph-rules.*' -newer "$mark" 2>/dev/null)
if [[ -n $left ]]; then
	echo "smoke: scratch files left behind:" $left >&2
	rm -f $left
	rc=1
fi
exit "$rc"
