#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Size report of the firmware image, run by the board build after linking:
# flash (text + data) and RAM (data + bss + stack) against the budget that
# mps2.ld enforces (the link fails past it). There is no C heap to count:
# mps2.c's _sbrk refuses every request (see there).
#
# Also fails if lib/ references the C heap (its state lives in caller memory).
#
#   image-report.sh IMAGE.elf OUT.size SIZE NM LWIP_SRC LIBFP.a
set -euo pipefail
elf=$1 out=$2 size=$3 nm=$4 lwip_src=$5 libfp=$6
heap=$("$nm" -u "$libfp" | awk '$2 ~ /^(malloc|calloc|realloc|free|_sbrk)$/ {print $2}' | sort -u)
if [[ -n $heap ]]; then
	echo "image-report: lib/ references the heap allocator: $(echo $heap)" >&2
	exit 1
fi
flash_budget=$((128 * 1024)) ram_budget=$((64 * 1024))

read -r text exidx data bss stack < <("$size" -A "$elf" | awk '
	$1 == ".text" {t = $2} $1 == ".ARM.exidx" {x = $2} $1 == ".data" {d = $2}
	$1 == ".bss" {b = $2} $1 == ".stack" {s = $2}
	END {print t + 0, x + 0, d + 0, b + 0, s + 0}')
flash=$((text + exidx + data))
ram=$((data + bss + stack))
{
	echo "fastpath-fw-mps2.elf ($(basename "$(readlink -f "$lwip_src")"), arm-none-eabi-gcc -Os, cortex-m4):"
	"$size" -B "$elf" | sed 's/^/  /'
	printf '  flash %d of %d bytes (%d%%): text %d, data %d\n' "$flash" "$flash_budget" \
		$((flash * 100 / flash_budget)) $((text + exidx)) "$data"
	printf '  RAM   %d of %d bytes (%d%%): data %d, bss %d, stack %d\n' "$ram" "$ram_budget" \
		$((ram * 100 / ram_budget)) "$data" "$bss" "$stack"
} | tee "$out"
