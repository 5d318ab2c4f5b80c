#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The whole test suite, as CI runs it: install what is missing, then
#   1. optimised build (warnings are errors): unit + integration tests,
#      (the optimised build also builds the MPS2 firmware image and boots it
#      in QEMU: fw-board),
#   2. ASan/UBSan build: unit + integration tests (no board image: the
#      sanitizers are for host code, and its QEMU test runs once),
#   3. extra checks: lib/ boundaries, fuzz smoke, bench smoke, the Debian
#      packages (build, lintian, install, run, remove).
# Needs root (network namespaces). Usage: tests/run.sh [--quick]
#   --quick  skips the sanitizer build and the extra checks.
set -euo pipefail
cd "$(dirname "$0")/.."
quick=${1:-}

[[ $(id -u) -eq 0 ]] || { echo "tests/run.sh: run as root (namespaces, DPDK)" >&2; exit 1; }
tools/install-deps.sh

step() { printf '\n=== %s ===\n' "$*"; }
fails=0
run_step() { # <name> <command...>
  local name=$1
  shift
  step "$name"
  if "$@"; then
    echo "--- $name: ok"
  else
    echo "--- $name: FAILED"
    fails=$((fails + 1))
  fi
}

setup() { # <dir> <meson args...>
  local dir=$1
  shift
  if [[ -d $dir ]]; then
    meson setup --reconfigure "$dir" "$@" >/dev/null
  else
    meson setup "$dir" "$@" >/dev/null
  fi
  ninja -C "$dir"
}

# The extra checks of a full run. A step that went missing or lost its run
# bit fails the run at once, before the long builds, instead of being skipped.
extras=(tests/fuzz/run.sh tools/bench/smoke.sh tests/pkg/test_deb.sh)
extras_present() {
  local extra missing=0
  for extra in "${extras[@]}"; do
    if [[ ! -f $extra ]]; then
      echo "$extra: missing" >&2
      missing=1
    elif [[ ! -x $extra ]]; then
      echo "$extra: not executable (chmod +x, and commit the mode)" >&2
      missing=1
    fi
  done
  return "$missing"
}

step "extra steps present"
extras_present || { echo "tests/run.sh: FAILED: every step must exist and be executable" >&2; exit 1; }
run_step "lib/ boundaries" tools/check-boundaries.sh
run_step "build (optimised)" setup build --buildtype=debugoptimized
# The firmware image's flash and RAM use against its budget, in the CI log.
run_step "firmware image size" cat build/lwip-fw/fastpath-fw-mps2.size
run_step "tests (optimised)" meson test -C build --print-errorlogs --num-processes 2

if [[ $quick != --quick ]]; then
  # clang's UBSan runtime needs b_lundef off; gcc is fine either way.
  # No LTO there: a debug build gains nothing from it but link time.
  run_step "build (ASan+UBSan)" setup build-asan --buildtype=debug \
    -Db_sanitize=address,undefined -Db_lundef=false -Db_lto=false -Dboard=disabled
  run_step "tests (ASan+UBSan)" env ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    meson test -C build-asan --print-errorlogs --num-processes 2
  for extra in "${extras[@]}"; do
    run_step "$extra" "$extra"
  done
fi

# One closing line over both builds' meson results, "N passed, N failed".
count_results() { # <builddir>: adds to passed/failed from meson's JSON log
  local log=$1/meson-logs/testlog.json ok all
  [[ -f $log ]] || return 0
  all=$(grep -c '"result": ' "$log" || true)
  ok=$(grep -c '"result": "OK"' "$log" || true)
  passed=$((passed + ok))
  failed=$((failed + all - ok))
}
passed=0 failed=0
count_results build
[[ $quick == --quick ]] || count_results build-asan

step "summary"
if ((fails)); then
  echo "tests/run.sh: $fails step(s) failed; meson tests of both builds:"
  echo "tests: $passed passed, $failed failed"
  exit 1
fi
echo "tests/run.sh: all steps passed; meson tests of both builds:"
echo "tests: $passed passed, $failed failed"
