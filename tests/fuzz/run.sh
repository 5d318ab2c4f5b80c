#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
# Builds the libFuzzer targets (ASan, UBSan) over lib/'s committed sources
# and fuzzes each for a bounded time:
#   fuzz_input  fp_input() and the TCP engine      seeds corpus/,     crashes regress/
#   fuzz_req    the management request parser      seeds req/corpus/, crashes req/regress/
#   fuzz_cfg    the configuration parser           seeds cfg/corpus/ and cfg/, crashes cfg/regress/
#   fuzz_cfg_set  a run-time change (fp_cfg_set)   seeds cfg_set/corpus/, crashes cfg_set/regress/
#   fuzz_pipeline  the pipeline parser (app/)      seeds pipelines/,  crashes regress-pipeline/
#   fuzz_prom   the metrics endpoint's Accept choice and label/HELP escaping
#                                                  seeds prom/corpus/,  crashes prom/regress/
# Exit status is non-zero when a regression input or a fuzzing run crashes;
# crash inputs are left in the artifact directory, to be committed to the
# target's regress/ folder with the fix.
#
#   tests/fuzz/run.sh [seconds [target...]]
#       seconds: the whole fuzzing budget, default 90: fuzz_input gets half
#       (the largest surface), the parsers share the other half; targets: default all
#   env: CC (default clang; needs libclang-rt-14-dev on Debian 12),
#        FUZZ_OUT (build/work dir, default a fresh mktemp -d), FUZZ_JOBS (default 1)
set -eu

secs=${1:-90}
[ $# -gt 0 ] && shift
targets=${*:-fuzz_input fuzz_req fuzz_cfg fuzz_cfg_set fuzz_pipeline fuzz_prom}
cc=${CC:-clang}
root=$(cd "$(dirname "$0")/../.." && pwd)
out=${FUZZ_OUT:-$(mktemp -d /tmp/fp-fuzz.XXXXXX)}
jobs=${FUZZ_JOBS:-1}
fuzz=$root/tests/fuzz
flags="-std=gnu11 -g -O1 -fno-omit-frame-pointer -fno-sanitize-recover=undefined
  -Wall -Wextra -Werror -I$root/lib/include"

# lib/ once, instrumented for the fuzzers, then one link per target.
# Only what git tracks, so half-written files in a working tree are left out.
mkdir -p "$out/lib"
cd "$root"
for src in $(git ls-files 'lib/*.c'); do
  obj=$out/lib/$(echo "$src" | tr / _).o
  # shellcheck disable=SC2086 # $flags is a list of options
  "$cc" $flags -fsanitize=fuzzer-no-link,address,undefined -c "$src" -o "$obj"
done
echo "fuzz: built lib/ into $out/lib"

# share <target>: this target's part of the budget, in seconds (at least 1)
share() {
  n=$(echo "$targets" | wc -w)
  if [ "$n" -eq 1 ]; then
    s=$secs
  elif [ "$1" = fuzz_input ]; then
    s=$((secs / 2))
  else
    s=$((secs / (2 * (n - 1))))
  fi
  [ "$s" -ge 1 ] || s=1
  echo "$s"
}

# dirs <target>: seed directories, then the crash reproducers
seeds() {
  case $1 in
  fuzz_input) echo "$fuzz/corpus" ;;
  fuzz_req) echo "$fuzz/req/corpus" ;;
  fuzz_cfg) echo "$fuzz/cfg/corpus $root/cfg" ;;
  fuzz_cfg_set) echo "$fuzz/cfg_set/corpus" ;;
  fuzz_pipeline) echo "$root/pipelines" ;;
  fuzz_prom) echo "$fuzz/prom/corpus" ;;
  *) echo "fuzz: unknown target $1" >&2; exit 2 ;;
  esac
}
regress() {
  case $1 in
  fuzz_input) echo "$fuzz/regress" ;;
  fuzz_pipeline) echo "$fuzz/regress-pipeline" ;;
  *) echo "$fuzz/${1#fuzz_}/regress" ;;
  esac
}

# extra <target>: what a target compiles besides lib/; the pipeline parser is
# app/ code that needs DPDK's limits (rte_config.h) only, not its libraries.
extra() {
  case $1 in
  fuzz_pipeline)
    echo "-I$root/app $(pkg-config --cflags libdpdk) $root/app/pipeline.c $root/app/acl_rule.c $root/app/text_file.c" ;;
  esac
}

# Parallel jobs write fuzz-N.log into the current directory: keep them in $out.
par=""
if [ "$jobs" -gt 1 ]; then
  par="-jobs=$jobs -workers=$jobs"
fi
for t in $targets; do
  seed_dirs=$(seeds "$t")
  mkdir -p "$out/$t/corpus" "$out/$t/artifacts"
  # shellcheck disable=SC2046,SC2086 # $flags and extra's output are lists
  "$cc" $flags -fsanitize=fuzzer,address,undefined "$fuzz/$t.c" $(extra "$t") "$out"/lib/*.o \
    -o "$out/$t/$t"
  echo "fuzz: built $out/$t/$t"
  # Every committed crash reproducer must now run clean.
  reg=$(regress "$t")
  if ls "$reg"/* >/dev/null 2>&1; then
    "$out/$t/$t" -runs=0 "$reg"/*
    echo "fuzz: $t: regression inputs pass"
  fi
  s=$(share "$t")
  # New corpus entries go to $out/$t/corpus; the committed seeds are read only.
  (
    cd "$out/$t"
    # shellcheck disable=SC2086 # $par is empty or two options, $seed_dirs a list
    "$out/$t/$t" -max_total_time="$s" -timeout=10 -rss_limit_mb=1024 $par \
      -print_final_stats=1 -artifact_prefix="$out/$t/artifacts/" "$out/$t/corpus" $seed_dirs
  )
  echo "fuzz: $t: no crash in ${s}s (work dir $out/$t)"
done
