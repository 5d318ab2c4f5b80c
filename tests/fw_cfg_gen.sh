#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The board image's configuration generator (lwip-fw/cortex-m/fw_cfg_gen.c):
# a valid file becomes C that compiles; a bad key, a bad value and a
# setting past the image's limits each fail with "file:line: problem". With
# BUILD_IMAGE set (the board build is enabled), the real cross build is set
# up with a broken configuration and must fail the same way.
#
#   fw_cfg_gen.sh FW_CFG_GEN SRC_DIR CC [BUILD_IMAGE LWIP_SRC]
set -euo pipefail
gen=$1 src=$2 cc=$3 build_image=${4:-} lwip_src=${5:-}
work=$(mktemp -d /tmp/fp-cfg-gen.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "fw_cfg_gen.sh: FAIL: $*" >&2; exit 1; }
board=$src/lwip-fw/cortex-m/board.conf

# A valid file: C that compiles, holding the text byte for byte.
"$gen" "$board" "$work/ok.c" lwip-fw/cortex-m/board.conf || fail "board.conf rejected"
"$cc" -std=c11 -Wall -Wextra -Werror -c "$work/ok.c" -o "$work/ok.o" || fail "generated C does not compile"
grep -q 'fw_board_config_name\[\] = "lwip-fw/cortex-m/board.conf"' "$work/ok.c" || fail "no config name"
echo "ok: board.conf -> $(wc -l <"$work/ok.c") lines of C that compile"

# expect_fail <name> <line> <message part> <sed script applied to board.conf>
expect_fail() {
	local name=$1 line=$2 what=$3 out rc=0
	sed "$4" "$board" >"$work/$name.conf"
	out=$("$gen" "$work/$name.conf" "$work/$name.c" 2>&1) || rc=$?
	((rc == 1)) || fail "$name: exit $rc, want 1 ($out)"
	[[ $out == "$work/$name.conf:$line: "*"$what"* ]] || fail "$name: got '$out', want '$work/$name.conf:$line: ...$what...'"
	[[ ! -e $work/$name.c ]] || fail "$name: output written despite the error"
	echo "ok: $name: $out"
}
n_flows=$(grep -n '^max_flows' "$board" | cut -d: -f1)
n_buf=$(grep -n '^buffer_size' "$board" | cut -d: -f1)
expect_fail bad-key "$n_flows" "max_flowz" 's/^max_flows/max_flowz/'
expect_fail bad-value "$n_buf" "power of two" 's/^buffer_size = .*/buffer_size = 3000/'
expect_fail over-limit "$n_flows" "exceeds the image's 4" 's/^max_flows = .*/max_flows = 64/'

# The real build: the cross build stops at the generator with file:line.
if [[ -n $build_image ]]; then
	sed 's/^max_flows/max_flowz/' "$board" >"$work/broken.conf"
	rc=0
	out=$(bash "$build_image" "$src" "$work/mps2" "$work/broken.conf" "$lwip_src" "$work/img.elf" \
		lwip-fw/cortex-m/fw_board_config.c 2>&1) || rc=$?
	((rc != 0)) || fail "the image built from a broken configuration"
	grep -q "^$work/broken.conf:$n_flows: .*max_flowz" <<<"$out" ||
		fail "the build failed without file:line: $(tail -n 5 <<<"$out")"
	echo "ok: the board build fails: $(grep "^$work/broken.conf:" <<<"$out")"
fi
echo "fw_cfg_gen.sh: PASS"
