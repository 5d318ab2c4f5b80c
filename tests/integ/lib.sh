# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# The integration-test harness, sourced by tests/integ/test_*.sh and demo.sh:
# on top of the side-effect-free helpers in topo.sh it names everything
# after FP_TEST, makes a work directory, tears everything down on any exit
# (failures included, from one EXIT trap), starts the system under test and
# checks the echo service's contract.
#
# Every name is derived from FP_TEST (short, unique per test), so tests can
# run in parallel: netns "fp-$FP_TEST", veths "fa-$FP_TEST"/"fb-$FP_TEST",
# DPDK --file-prefix "fp_$FP_TEST".

set -euo pipefail

FP_TEST=${FP_TEST:?set FP_TEST to a short unique name before sourcing lib.sh}
. "$(dirname "${BASH_SOURCE[0]}")/topo.sh"
fp_names "$FP_TEST"
FP_BUILD=${FP_BUILD:-$FP_SRC/build}
FP_BIN=${FP_BIN:-$FP_BUILD/app/fastpath}
FP_WORK=$(mktemp -d "/tmp/fp-$FP_TEST.XXXXXX")
FP_LOG=$FP_WORK/sut.log
FP_SOCK=${FP_SOCK:-$FP_WORK/mgmt.sock}
FP_PID=

fp_fail() {
	fp_log "FAIL: $*"
	if [[ -s $FP_LOG ]]; then
		fp_log "last lines of the system-under-test log ($FP_LOG):"
		tail -n 30 "$FP_LOG" >&2 || true
	fi
	fp__diagnose >&2 || true
	exit 1
}

# What the links looked like when a test failed: counters of every interface
# of this test and a short capture on the appliance's side.
fp__diagnose() {
	local i
	for i in "$FP_IF_APP" "fc-$FP_TEST" "fd-$FP_TEST"; do
		ip -s -d link show "$i" 2>/dev/null || continue
		[[ $i == "$FP_IF_APP" ]] && command -v tcpdump >/dev/null &&
			timeout 2 tcpdump -c 10 -eni "$i" 2>&1 | tail -n 12
	done
	fp_ns ip -s link 2>/dev/null
	fp_ns ip neigh 2>/dev/null
	[[ -s $FP_WORK/impair.log ]] && cat "$FP_WORK/impair.log"
}

fp_require_root() {
	[[ $(id -u) -eq 0 ]] || fp_fail "needs root (network namespaces, veth, DPDK); run as root"
	local t
	for t in ip ethtool "$FP_PY" "$@"; do
		command -v "$t" >/dev/null || fp_fail "missing tool '$t': run tests/run.sh, which installs it"
	done
}

fp__cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	fp_run_cleanups
	if [[ $rc -eq 0 && -z ${FP_KEEP_WORK:-} ]]; then
		rm -rf "$FP_WORK"
	else
		fp_log "work dir kept: $FP_WORK"
	fi
	exit "$rc"
}
trap fp__cleanup EXIT
trap 'exit 130' INT TERM

# Write a config for this test from the default one: our address and a
# private management socket.
fp_write_config() {
	FP_CFG=$FP_WORK/fastpath.conf
	sed -e "s|^address *=.*|address = $FP_APP_IP/$FP_PREFIX|" \
		-e "s|^socket *=.*|socket = $FP_SOCK|" \
		-e "s|^pipeline *=.*|pipeline = $FP_SRC/pipelines/echo.pipeline|" \
		"$FP_SRC/cfg/fastpath.conf" >"$FP_CFG"
}

# Set one key of the test's config: fp_cfg_set tcp max_flows 64
fp_cfg_set() { # <section> <key> <value>
	[[ -n ${FP_CFG:-} ]] || fp_write_config
	awk -v sec="[$1]" -v key="$2" -v val="$3" '
		$0 == sec { insec = 1; print; next }
		/^\[/ { if (insec && !done) { print key " = " val; done = 1 } insec = 0 }
		insec && $1 == key { print key " = " val; done = 1; next }
		{ print }
		END { if (insec && !done) print key " = " val }' "$FP_CFG" >"$FP_CFG.new"
	mv "$FP_CFG.new" "$FP_CFG"
	grep -qxF "$2 = $3" "$FP_CFG" || fp_fail "fp_cfg_set: no section [$1] in $FP_CFG"
}

# Start a system under test (fastpath or the firmware) on the current
# topology and wait until it answers ping. On the tap topology it runs in
# the namespace and we give the kernel side of its tap the client address.
fp_start_sut() { # <command...>
	"${FP_RUN_IN[@]}" "$@" >"$FP_LOG" 2>&1 &
	FP_PID=$!
	fp_on_exit "fp_stop_app"
	if [[ ${#FP_RUN_IN[@]} -gt 0 ]]; then
		fp__wait_for 20 fp__ns_has_link "$FP_TAP" || fp_fail "tap $FP_TAP never appeared"
		fp__quiet_if "$FP_NS" "$FP_TAP"
		fp_ns ip addr add "$FP_PEER_IP/$FP_PREFIX" dev "$FP_TAP"
		fp_ns ip link set "$FP_TAP" up
	fi
	fp__wait_for 30 fp_ping_once || fp_fail "$1 never answered ping"
}

# EAL memory arguments of fp_start_app: no hugepages, which the tests do not
# need; a test that does (a secondary process attaching) sets FP_EAL_MEM=().
[[ -v FP_EAL_MEM ]] || FP_EAL_MEM=(--no-huge -m 512)

# EAL lcore arguments of fp_start_app: the main lcore and one worker. A
# test of two workers maps both onto CPU 1 (EAL refuses -l 0-2 on 2 CPUs).
[[ -v FP_EAL_LCORES ]] || FP_EAL_LCORES=(-l 0-1)

# Start fastpath with the test's config (extra app args may follow).
fp_start_app() {
	[[ -x $FP_BIN ]] || fp_fail "no binary at $FP_BIN: build first (meson setup build && ninja -C build)"
	[[ -n ${FP_CFG:-} ]] || fp_write_config
	fp_start_sut "$FP_BIN" "${FP_EAL_LCORES[@]}" "${FP_EAL_MEM[@]}" --no-pci --file-prefix="$FP_FILE_PREFIX" \
		--vdev "$FP_VDEV" -- -c "$FP_CFG" "$@"
}

fp_ping_once() {
	kill -0 "$FP_PID" 2>/dev/null || fp_fail "system under test exited early"
	fp_ns ping -c 1 -W 1 "$FP_APP_IP" >/dev/null 2>&1
}

# Stop the system under test with SIGTERM and return its exit status.
fp_stop_app() {
	[[ -n $FP_PID ]] || return 0
	local pid=$FP_PID rc=0
	FP_PID=
	kill -TERM "$pid" 2>/dev/null || true
	if ! fp__wait_for 15 fp__gone "$pid"; then
		fp_log "pid $pid ignored SIGTERM for 15 s, killing"
		kill -KILL "$pid" 2>/dev/null || true
	fi
	wait "$pid" || rc=$?
	return "$rc"
}

# Wait for the system under test to exit by itself (after `fpctl shutdown`)
# and return its exit status. Call it from the test's shell, not $(...).
fp_wait_app_exit() { # <seconds>
	local pid=$FP_PID rc=0
	FP_PID=
	fp__wait_for "$1" fp__gone "$pid" || fp_fail "system under test still running $1 s after shutdown"
	wait "$pid" || rc=$?
	return "$rc"
}

# The management CLI against this test's socket: "${FPCTL[@]}" stats
FPCTL=("$FP_PY" "$FP_SRC/tools/fpctl/fpctl" -s "$FP_SOCK")

# fp_jget <json> <python expression over r>: print one value of a reply
fp_jget() { "$FP_PY" -c 'import json,sys; r=json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$1" "$2"; }

# Run the shared echo client from the client namespace.
fp_echo() { # echo_client.py args...
	fp_ns "$FP_PY" "$FP_SRC/tests/integ/echo_client.py" --host "$FP_APP_IP" "$@"
}

# The echo service's contract, checked the same way on every target (the
# appliance, the host firmware, the board image under QEMU): ARP resolves
# after a neighbour flush, 5 of 5 pings are answered, 1 x <bulk bytes>
# (default 1 MiB) and <conns> concurrent connections of 64 KiB are echoed
# byte-exact and closed cleanly (our FIN, no RST), and a port that is not
# served answers a SYN with RST.
fp_expect_echo_service() { # <concurrent conns> [<bulk bytes>]
	local conns=$1 bulk=${2:-$((1 << 20))} mac out
	fp_ns ip neigh flush dev "$FP_PEER_DEV"
	fp_ns ping -c 1 -W 2 "$FP_APP_IP" >/dev/null || fp_fail "ping after neigh flush"
	mac=$(fp_ns ip neigh show "$FP_APP_IP" dev "$FP_PEER_DEV" | awk '/lladdr/ {print $3}')
	[[ $mac =~ ^([0-9a-f]{2}:){5}[0-9a-f]{2}$ ]] || fp_fail "ARP did not resolve $FP_APP_IP (neigh: '$mac')"
	fp_log "ok: ARP resolved $FP_APP_IP to $mac"

	out=$(fp_ns ping -c 5 -i 0.2 -W 2 "$FP_APP_IP") || fp_fail "ping: $out"
	grep -q ' 5 received' <<<"$out" || fp_fail "ping lost replies: $out"
	fp_log "ok: 5/5 ping replies"

	out=$(fp_echo --port 7 --conns 1 --bytes "$bulk" --timeout 60) || fp_fail "1 x $bulk bytes echo: $out"
	fp_log "ok: 1 x $bulk bytes: $out"
	out=$(fp_echo --port 7 --conns "$conns" --bytes 65536 --seed 2 --timeout 90) ||
		fp_fail "$conns x 64 KiB echo: $out"
	fp_log "ok: $conns x 64 KiB concurrent: $out"

	out=$(fp_echo --port 9 --expect-rst --timeout 5) || fp_fail "closed port: $out"
	fp_log "ok: closed port 9 answered with RST"
}

# TCP echo in the background, rounds of 4 x 1 MiB (byte-exact, clean
# closes), until fp_echo_loop_stop: for "this must not disturb echo" checks.
# Both must be called from the test's own shell (only it can wait).
fp_echo_loop_start() { # <seed of the first round>
	local seed=$1
	rm -f "$FP_WORK/stop_echo"
	(
		i=0
		while [[ ! -e $FP_WORK/stop_echo ]]; do
			fp_echo --port 7 --conns 4 --bytes $((1 << 20)) --seed $((seed + i)) --timeout 60 || exit 1
			i=$((i + 1))
		done
		echo "$i rounds of 4 x 1 MiB"
	) >"$FP_WORK/echo_during.log" 2>&1 &
	FP_ECHO_LOOP_PID=$!
	fp_on_exit "kill $FP_ECHO_LOOP_PID"
}

# Stop the loop after its current round; fail if any round failed.
fp_echo_loop_stop() { # <what went on meanwhile, for the messages>
	touch "$FP_WORK/stop_echo"
	wait "$FP_ECHO_LOOP_PID" || fp_fail "echo during $1: $(tail -n 3 "$FP_WORK/echo_during.log")"
	fp_log "ok: echo during $1: $(tail -n 1 "$FP_WORK/echo_during.log")"
}

# Value of one counter from the summary fastpath prints on exit
# ("name value" lines in the total block), or from `fpctl stats` while running.
fp_summary_counter() { # <name>
	awk -v k="$1" '$1 == "total" {t = 1} t && $1 == k {print $2; exit}' "$FP_LOG"
}

fp_assert_eq() { # <what> <expected> <actual>
	[[ $2 == "$3" ]] || fp_fail "$1: expected $2, got $3"
	fp_log "ok: $1 = $3"
}

fp_assert_ge() { # <what> <min> <actual>
	[[ $3 =~ ^[0-9]+$ ]] || fp_fail "$1: not a number: '$3'"
	(($3 >= $2)) || fp_fail "$1: expected >= $2, got $3"
	fp_log "ok: $1 = $3 (>= $2)"
}
