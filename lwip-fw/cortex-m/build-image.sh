#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Build the MPS2 firmware image in its own cross build directory (meson
# cannot build for two machines' C compilers in one build): set it up with
# arm-none-eabi.ini the first time or when the options change, run ninja,
# and copy the image (and its size report) to where the native build wants it.
# The native build runs this on every ninja invocation; ninja inside makes
# that a no-op when nothing changed.
#
#   build-image.sh SRC_DIR BUILD_DIR BOARD_CONFIG LWIP_SRC OUT.elf [NINJA_TARGET]
set -euo pipefail
src=$1 dir=$2 conf=$3 lwip=$4 out=$5 target=${6:-}
# No LTO for the image: its vector table and handlers are reached from the
# linker script, not from code, and an image has no per-packet budget to win.
opts=(--cross-file "$src/lwip-fw/cortex-m/arm-none-eabi.ini" --buildtype=minsize -Db_lto=false
	-Dboard_config="$conf" -Dlwip_src="$lwip")
stamp=$dir/.fp-options

if [[ ! -f $dir/build.ninja || $(cat "$stamp" 2>/dev/null) != "${opts[*]}" ]]; then
	rm -rf "$dir"
	log=$(mktemp)
	if ! meson setup "$dir" "$src" "${opts[@]}" >"$log" 2>&1; then
		cat "$log" >&2
		rm -f "$log"
		exit 1
	fi
	rm -f "$log"
	echo "${opts[*]}" >"$stamp"
fi
if [[ -n $target ]]; then
	exec ninja -C "$dir" "$target"
fi
if ! log=$(ninja -C "$dir" 2>&1); then
	printf '%s\n' "$log" >&2
	exit 1
fi
# Only what was built (the size report among it), not ninja's directory chatter.
printf '%s\n' "$log" | grep -v '^ninja: \(Entering\|Leaving\) directory\|^ninja: no work to do' || true
img=$dir/lwip-fw/cortex-m/fastpath-fw-mps2.elf
cmp -s "$img" "$out" || cp "$img" "$out"
cp "$dir/lwip-fw/cortex-m/fastpath-fw-mps2.size" "${out%.elf}.size"
