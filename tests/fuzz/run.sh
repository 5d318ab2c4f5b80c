#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Builds tests/fuzz/fuzz_input.c (libFuzzer, ASan, UBSan) over lib/'s committed
# sources and fuzzes fp_input() for a bounded time. Exit status is non-zero
# when a regression input or the fuzzing run crashes; crash inputs are left in
# the artifact directory, to be committed to tests/fuzz/regress/.
#
#   tests/fuzz/run.sh [seconds]          default 60
#   env: CC (default clang; needs libclang-rt-14-dev on Debian 12),
#        FUZZ_OUT (build/work dir, default a fresh mktemp -d), FUZZ_JOBS (default 1)
set -eu

secs=${1:-60}
cc=${CC:-clang}
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${FUZZ_OUT:-$(mktemp -d /tmp/fp-fuzz.XXXXXX)}
jobs=${FUZZ_JOBS:-1}

mkdir -p "$out/corpus" "$out/artifacts"
cd "$root"
# Only what git tracks, so half-written files in a working tree are left out.
srcs=$(git ls-files 'lib/*.c')
# shellcheck disable=SC2086 # word splitting of the source list is intended
"$cc" -std=gnu11 -g -O1 -fno-omit-frame-pointer \
  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
  -Wall -Wextra -Werror -Ilib/include \
  tests/fuzz/fuzz_input.c $srcs -o "$out/fuzz_input"
echo "fuzz: built $out/fuzz_input"

# Every committed crash reproducer must now run clean.
if ls tests/fuzz/regress/* >/dev/null 2>&1; then
  "$out/fuzz_input" -runs=0 tests/fuzz/regress/*
  echo "fuzz: regression inputs pass"
fi

# New corpus entries go to $out/corpus; the committed seeds are read only.
# Parallel jobs write fuzz-N.log into the current directory: keep them in $out.
par=""
if [ "$jobs" -gt 1 ]; then
  par="-jobs=$jobs -workers=$jobs"
fi
seeds="$root/tests/fuzz/corpus"
cd "$out"
# shellcheck disable=SC2086 # $par is empty or two options
"$out/fuzz_input" -max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 $par \
  -print_final_stats=1 -artifact_prefix="$out/artifacts/" "$out/corpus" "$seeds"
echo "fuzz: no crash in ${secs}s (work dir $out)"
