# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
#
# Shared integration-test helper: builds the demo topology (a network
# namespace holding a kernel client, joined to the appliance by a veth pair
# or a tap), starts the system under test, and tears everything down on any
# exit, including failures. Sourced by tests/integ/test_*.sh and demo.sh.
#
# Every name is derived from FP_TEST (short, unique per test), so tests can
# run in parallel: netns "fp-$FP_TEST", veths "fa-$FP_TEST"/"fb-$FP_TEST",
# DPDK --file-prefix "fp_$FP_TEST".

set -euo pipefail

FP_SRC=${FP_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
FP_BUILD=${FP_BUILD:-$FP_SRC/build}
FP_BIN=${FP_BIN:-$FP_BUILD/app/fastpath}
FP_APP_IP=${FP_APP_IP:-198.18.0.1}
FP_PEER_IP=${FP_PEER_IP:-198.18.0.2}
FP_PREFIX=${FP_PREFIX:-24}
FP_TEST=${FP_TEST:?set FP_TEST to a short unique name before sourcing lib.sh}
# Interface names are limited to 15 bytes: "fa-" + FP_TEST must fit.
((${#FP_TEST} <= 12)) || { echo "lib.sh: FP_TEST '$FP_TEST' is longer than 12 characters" >&2; exit 1; }
FP_NS=fp-$FP_TEST
FP_IF_APP=fa-$FP_TEST
FP_IF_PEER=fb-$FP_TEST
FP_TAP=ft-$FP_TEST
FP_FILE_PREFIX=fp_$FP_TEST
FP_WORK=$(mktemp -d "/tmp/fp-$FP_TEST.XXXXXX")
FP_LOG=$FP_WORK/sut.log
FP_SOCK=${FP_SOCK:-$FP_WORK/mgmt.sock}
FP_PID=
FP_CLEANUPS=()
# Debian's interpreter, not whatever python3 comes first on PATH (pyenv),
# because the tests use Debian's python3-scapy.
FP_PY=/usr/bin/python3

fp_log() { printf '[%s] %s\n' "$FP_TEST" "$*" >&2; }
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

# Run a command inside the client namespace.
fp_ns() { ip netns exec "$FP_NS" "$@"; }

# Register a cleanup step; steps run in reverse order on exit.
fp_on_exit() { FP_CLEANUPS+=("$*"); }

fp__cleanup() {
	local rc=$? i
	trap - EXIT INT TERM
	for ((i = ${#FP_CLEANUPS[@]} - 1; i >= 0; i--)); do
		eval "${FP_CLEANUPS[$i]}" >/dev/null 2>&1 || true
	done
	if [[ $rc -eq 0 && -z ${FP_KEEP_WORK:-} ]]; then
		rm -rf "$FP_WORK"
	else
		fp_log "work dir kept: $FP_WORK"
	fi
	exit "$rc"
}
trap fp__cleanup EXIT
trap 'exit 130' INT TERM

fp_netns_create() {
	ip netns del "$FP_NS" 2>/dev/null || true
	ip netns add "$FP_NS"
	fp_on_exit "ip netns del $FP_NS"
	fp_ns ip link set lo up
}

# Kernel-side knobs both topologies need: no offloads (af_packet/tap would
# hand us partial checksums or 64 KB super-frames), no IPv6 noise.
fp__quiet_if() { # <netns-or-empty> <ifname>
	local pre=()
	[[ -n $1 ]] && pre=(ip netns exec "$1")
	"${pre[@]}" ethtool -K "$2" tx off tso off gso off gro off >/dev/null 2>&1 || true
	"${pre[@]}" sysctl -qw "net.ipv6.conf.$2.disable_ipv6=1" >/dev/null 2>&1 || true
}

# Topology for net_af_packet: fa-X (root ns, driven by fastpath) <-> fb-X (client ns).
fp_topo_veth() {
	fp_netns_create
	ip link del "$FP_IF_APP" 2>/dev/null || true
	ip link add "$FP_IF_APP" type veth peer name "$FP_IF_PEER"
	fp_on_exit "ip link del $FP_IF_APP"
	ip link set "$FP_IF_PEER" netns "$FP_NS"
	fp__quiet_if "" "$FP_IF_APP"
	fp__quiet_if "$FP_NS" "$FP_IF_PEER"
	ip link set "$FP_IF_APP" up
	fp_ns ip addr add "$FP_PEER_IP/$FP_PREFIX" dev "$FP_IF_PEER"
	fp_ns ip link set "$FP_IF_PEER" up
	# framecnt: the default 512-frame ring overflows under 64 concurrent
	# echo flows (silently: imissed stays 0) and costs TCP retransmissions.
	FP_VDEV="net_af_packet0,iface=$FP_IF_APP,framecnt=4096"
	FP_PEER_DEV=$FP_IF_PEER
	FP_RUN_IN=()
}

# Topology for net_af_packet with a lossy link: the client's veth ends in
# fc-X, a relay (tests/integ/impair.c, our netem stand-in) bridges fc-X and
# fd-X, and fd-X is the veth peer of fa-X, which fastpath drives.
fp_topo_impaired() { # impair options: --loss PCT --dup PCT --reorder PCT ...
	local fc=fc-$FP_TEST fd=fd-$FP_TEST
	[[ -x ${FP_IMPAIR:-} ]] || FP_IMPAIR=$FP_BUILD/tests/integ/impair
	[[ -x $FP_IMPAIR ]] || fp_fail "no impair relay at $FP_IMPAIR: build first"
	fp_netns_create
	ip link del "$fc" 2>/dev/null || true
	ip link del "$fd" 2>/dev/null || true
	ip link add "$fc" type veth peer name "$FP_IF_PEER"
	fp_on_exit "ip link del $fc"
	ip link add "$fd" type veth peer name "$FP_IF_APP"
	fp_on_exit "ip link del $fd"
	ip link set "$FP_IF_PEER" netns "$FP_NS"
	local i
	for i in "$fc" "$fd" "$FP_IF_APP"; do
		fp__quiet_if "" "$i"
		ip link set "$i" up
	done
	fp__quiet_if "$FP_NS" "$FP_IF_PEER"
	fp_ns ip addr add "$FP_PEER_IP/$FP_PREFIX" dev "$FP_IF_PEER"
	fp_ns ip link set "$FP_IF_PEER" up
	"$FP_IMPAIR" "$@" "$fc" "$fd" >"$FP_WORK/impair.log" 2>&1 &
	FP_IMPAIR_PID=$!
	fp_on_exit "kill $FP_IMPAIR_PID"
	FP_VDEV="net_af_packet0,iface=$FP_IF_APP,framecnt=4096"
	FP_PEER_DEV=$FP_IF_PEER
	FP_RUN_IN=()
}

# Stop the relay; its report (frames dropped/duplicated/reordered per
# direction) is then complete in $FP_WORK/impair.log. Call it from the test's
# own shell, not from $(...): only the parent shell can wait for the relay.
fp_impair_stop() {
	kill -TERM "$FP_IMPAIR_PID" 2>/dev/null || true
	wait "$FP_IMPAIR_PID" || true
}

# Topology for net_tap: fastpath itself runs inside the client namespace so
# the tap it creates is born there and its ioctls keep working at shutdown;
# the kernel stack on the tap is the client.
fp_topo_tap() {
	fp_netns_create
	FP_VDEV="net_tap0,iface=$FP_TAP"
	FP_PEER_DEV=$FP_TAP
	FP_RUN_IN=(ip netns exec "$FP_NS")
}

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

# Start fastpath with the test's config (extra app args may follow).
fp_start_app() {
	[[ -x $FP_BIN ]] || fp_fail "no binary at $FP_BIN: build first (meson setup build && ninja -C build)"
	[[ -n ${FP_CFG:-} ]] || fp_write_config
	fp_start_sut "$FP_BIN" -l 0-1 --no-huge -m 512 --no-pci --file-prefix="$FP_FILE_PREFIX" \
		--vdev "$FP_VDEV" -- -c "$FP_CFG" "$@"
}

fp__ns_has_link() { fp_ns ip link show "$1" >/dev/null 2>&1; }

fp_ping_once() {
	kill -0 "$FP_PID" 2>/dev/null || fp_fail "system under test exited early"
	fp_ns ping -c 1 -W 1 "$FP_APP_IP" >/dev/null 2>&1
}

fp__wait_for() { # <seconds> <command...>
	local deadline=$((SECONDS + $1))
	shift
	until "$@"; do
		((SECONDS < deadline)) || return 1
		sleep 0.2
	done
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
fp__gone() { ! kill -0 "$1" 2>/dev/null; }

# The management CLI against this test's socket: "${FPCTL[@]}" stats
FPCTL=("$FP_PY" "$FP_SRC/tools/fpctl/fpctl" -s "$FP_SOCK")

# fp_jget <json> <python expression over r>: print one value of a reply
fp_jget() { "$FP_PY" -c 'import json,sys; r=json.loads(sys.argv[1]); print(eval(sys.argv[2]))' "$1" "$2"; }

# Run the shared echo client from the client namespace.
fp_echo() { # echo_client.py args...
	fp_ns "$FP_PY" "$FP_SRC/tests/integ/echo_client.py" --host "$FP_APP_IP" "$@"
}

# The echo service's contract, checked the same way on every target (the
# appliance and the firmware): ARP resolves after a neighbour flush, 5 of 5
# pings are answered, 1 x 1 MiB and <conns> concurrent connections are echoed
# byte-exact and closed cleanly (our FIN, no RST), and a port that is not
# served answers a SYN with RST.
fp_expect_echo_service() { # <concurrent conns>
	local conns=$1 mac out
	fp_ns ip neigh flush dev "$FP_PEER_DEV"
	fp_ns ping -c 1 -W 2 "$FP_APP_IP" >/dev/null || fp_fail "ping after neigh flush"
	mac=$(fp_ns ip neigh show "$FP_APP_IP" dev "$FP_PEER_DEV" | awk '/lladdr/ {print $3}')
	[[ $mac =~ ^([0-9a-f]{2}:){5}[0-9a-f]{2}$ ]] || fp_fail "ARP did not resolve $FP_APP_IP (neigh: '$mac')"
	fp_log "ok: ARP resolved $FP_APP_IP to $mac"

	out=$(fp_ns ping -c 5 -i 0.2 -W 2 "$FP_APP_IP") || fp_fail "ping: $out"
	grep -q ' 5 received' <<<"$out" || fp_fail "ping lost replies: $out"
	fp_log "ok: 5/5 ping replies"

	out=$(fp_echo --port 7 --conns 1 --bytes $((1 << 20)) --timeout 60) || fp_fail "1 x 1 MiB echo: $out"
	fp_log "ok: 1 x 1 MiB: $out"
	out=$(fp_echo --port 7 --conns "$conns" --bytes 65536 --seed 2 --timeout 90) ||
		fp_fail "$conns x 64 KiB echo: $out"
	fp_log "ok: $conns x 64 KiB concurrent: $out"

	out=$(fp_echo --port 9 --expect-rst --timeout 5) || fp_fail "closed port: $out"
	fp_log "ok: closed port 9 answered with RST"
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
