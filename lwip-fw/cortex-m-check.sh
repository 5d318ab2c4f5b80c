#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Cortex-M build check (issue 6): compile lib/'s protocol core (every
# lib/**/*.c) and lwip-fw/'s application code (echo service, netif counters,
# the NO_SYS=1 board main loop) with arm-none-eabi-gcc for a Cortex-M4,
# warnings as errors, against Debian's lwIP headers plus our own
# cortex-m/lwipopts.h and arch/cc.h. Nothing is linked (no lwIP sources are
# vendored); the check also fails if lib/ references the heap allocator.
# Prints arm-none-eabi-size per object and the totals of lib/'s core.
#
#   lwip-fw/cortex-m-check.sh     (FP_CM_OUT=dir keeps the objects there)
set -euo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
cc=${ARM_CC:-arm-none-eabi-gcc}
lwip_inc=${LWIP_INC:-/usr/include/lwip}
fail() { echo "cortex-m-check: FAIL: $*" >&2; exit 1; }

command -v "$cc" >/dev/null ||
	fail "$cc not found: apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi (tools/install-deps.sh)"
for t in arm-none-eabi-size arm-none-eabi-nm; do
	command -v "$t" >/dev/null || fail "$t not found: apt-get install binutils-arm-none-eabi"
done
[[ -f $lwip_inc/lwip/tcp.h ]] || fail "no lwIP headers at $lwip_inc: apt-get install liblwip-dev"

if [[ -n ${FP_CM_OUT:-} ]]; then
	out=$FP_CM_OUT
	mkdir -p "$out"
else
	out=$(mktemp -d /tmp/fp-cortex-m.XXXXXX)
	trap 'rm -rf "$out"' EXIT
fi

version=$(sed -n "s/^ *version: *'\([^']*\)'.*/\1/p" "$src/meson.build" | head -n 1)
# The project's warning list (meson.build), plus -Werror and the MCU flags.
cflags=(-mcpu=cortex-m4 -mthumb -Os -ffunction-sections -fdata-sections -std=gnu11
	-Wall -Wextra -Werror -Wcast-qual -Wformat=2 -Wmissing-prototypes -Wstrict-prototypes
	-Wold-style-definition -Wnested-externs -Wpointer-arith -Wshadow -Wundef
	-Wwrite-strings -Wvla -Wno-missing-field-initializers
	-DFP_STATS_NO_ATOMIC "-DFP_VERSION=\"$version\"" -I"$src/lib/include")

broken=()
compile() { # <out-dir> <source relative to the tree> [extra flags...]
	local dir=$1 file=$2 obj
	shift 2
	obj=$dir/$(basename "$(dirname "$file")")-$(basename "${file%.c}").o
	"$cc" "${cflags[@]}" "$@" -c "$src/$file" -o "$obj" || broken+=("$file")
}

echo "cortex-m-check: $("$cc" --version | head -n 1)"
echo "cortex-m-check: flags: ${cflags[*]}"

mkdir -p "$out/lib" "$out/fw"
cd "$out" # object names in the size tables read lib/proto-arp.o
mapfile -t lib_srcs < <(cd "$src" && find lib -name '*.c' | sort)
((${#lib_srcs[@]})) || fail "no lib/ sources found"
for f in "${lib_srcs[@]}"; do
	compile lib "$f"
done

# lwIP's headers are system headers (their own warnings are not ours); our
# lwipopts.h and arch/cc.h come first on the -I path, so they win over
# Debian's (which describe its NO_SYS=0 host library).
fw_flags=(-I"$src/lwip-fw/cortex-m" -I"$src/lwip-fw" -isystem "$lwip_inc")
for f in fw_echo.c fw_mqtt.c fw_netif.c cortex-m/board_main.c; do
	compile fw "lwip-fw/$f" "${fw_flags[@]}"
done

((${#broken[@]} == 0)) || fail "does not compile for Cortex-M4: ${broken[*]}"

# lib/ must not use the heap (state lives in caller memory).
heap=$(arm-none-eabi-nm -u lib/*.o | grep -Ew 'malloc|calloc|realloc|free|_sbrk' || true)
[[ -z $heap ]] || fail "lib/ references the heap allocator: $heap"

echo
echo "lib/ protocol core (${#lib_srcs[@]} files), arm-none-eabi-size:"
arm-none-eabi-size -t lib/*.o
echo
echo "lwip-fw application code (without lwIP itself):"
arm-none-eabi-size -t fw/*.o
echo
arm-none-eabi-size -t lib/*.o | awk '/TOTALS/ {
	printf "cortex-m-check: lib/ core: text %d, data %d, bss %d bytes (-Os, cortex-m4, thumb)\n", $1, $2, $3 }'
echo "cortex-m-check: ok"
