#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# lib/ is shared with the firmware: it must not name DPDK, lwIP, libuv or
# mosquitto, and must not allocate from the heap. Code outside lib/ reaches
# lib/ headers through meson include directories (fp_inc, and fp_priv_inc
# for the tests), never by a relative path into lib/. Fails listing offenders.
set -euo pipefail
cd "$(dirname "$0")/.."
pattern='#include *<(rte_|lwip/|uv\.|mosquitto)|\b(rte_[a-z_]+|uv_[a-z_]+|mosquitto_[a-z_]+|malloc|calloc|realloc|free)\s*\('
if hits=$(grep -rnE "$pattern" lib/ --include='*.c' --include='*.h'); then
  echo "check-boundaries: lib/ must stay free of DPDK/lwIP/libuv/mosquitto and heap use:" >&2
  echo "$hits" >&2
  exit 1
fi
if hits=$(grep -rnE '#include *"(\.\./)+lib/' app/ lwip-fw/ tests/ tools/ --include='*.c' --include='*.h'); then
  echo "check-boundaries: include lib/ headers through meson include directories, not a path:" >&2
  echo "$hits" >&2
  exit 1
fi
echo "check-boundaries: lib/ is clean ($(find lib -name '*.[ch]' | wc -l) files)"
