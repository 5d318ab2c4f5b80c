# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash disable=SC2034 # variables for the scripts that source this
#
# Topology, wait and broker helpers shared by the integration tests
# (through lib.sh), demo.sh and tools/bench/run.sh. Sourcing this file only
# defines functions and default addresses: it creates nothing, sets no trap
# and needs no FP_TEST, so any script can build on it. Cleanups registered
# with fp_on_exit run when the caller calls fp_run_cleanups (lib.sh does it
# from its EXIT trap, run.sh from its own).
#
# Names come from fp_names NAME: netns "fp-NAME", veths "fa-NAME"/"fb-NAME",
# tap "ft-NAME", DPDK --file-prefix "fp_NAME".

FP_SRC=${FP_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
FP_APP_IP=${FP_APP_IP:-198.18.0.1}
FP_PEER_IP=${FP_PEER_IP:-198.18.0.2}
FP_PREFIX=${FP_PREFIX:-24}
# Debian's interpreter, not whatever python3 comes first on PATH (pyenv),
# because the tests use Debian's python3-scapy.
FP_PY=${FP_PY:-/usr/bin/python3}
FP_CLEANUPS=()
declare -gA FP_BROKER_PIDS=()

fp_log() { printf '[%s] %s\n' "${FP_TEST:-${FP_NAME:-fp}}" "$*" >&2; }

# lib.sh replaces this with a version that prints the evidence first.
declare -F fp_fail >/dev/null || fp_fail() {
	fp_log "FAIL: $*"
	exit 1
}

# Derive every name of a topology from one short name (interface names are
# limited to 15 bytes, so "fa-" + NAME must fit).
fp_names() { # <name>
	((${#1} <= 12)) || fp_fail "name '$1' is longer than 12 characters"
	FP_NAME=$1
	FP_NS=fp-$1
	FP_IF_APP=fa-$1
	FP_IF_PEER=fb-$1
	FP_TAP=ft-$1
	FP_FILE_PREFIX=fp_$1
}

# Register a cleanup step; fp_run_cleanups runs them in reverse order.
fp_on_exit() { FP_CLEANUPS+=("$*"); }

fp_run_cleanups() {
	local i
	for ((i = ${#FP_CLEANUPS[@]} - 1; i >= 0; i--)); do
		eval "${FP_CLEANUPS[$i]}" >/dev/null 2>&1 || true
	done
	FP_CLEANUPS=()
}

# Run a command inside the client namespace.
fp_ns() { ip netns exec "$FP_NS" "$@"; }

# The same in the background, with $! the command itself (ip netns exec
# execs it): `fp_ns ... &` would make $! a subshell, and killing that leaves
# the command running. stdin is passed on explicitly, since a background
# command's default stdin is /dev/null.
fp_ns_bg() { ip netns exec "$FP_NS" "$@" <&0 & }

fp__wait_for() { # <seconds> <command...>
	local deadline=$((SECONDS + $1))
	shift
	until "$@"; do
		((SECONDS < deadline)) || return 1
		sleep 0.2
	done
}

fp__gone() { ! kill -0 "$1" 2>/dev/null; }

fp__ns_has_link() { fp_ns ip link show "$1" >/dev/null 2>&1; }

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
# fd-X, and fd-X is the veth peer of fa-X, which fastpath drives. The relay's
# report goes to $FP_WORK/impair.log.
fp_topo_impaired() { # impair options: --loss PCT --dup PCT --reorder PCT ...
	local fc=fc-$FP_NAME fd=fd-$FP_NAME
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

# Topology for net_tap: the system under test runs inside the client
# namespace so the tap it creates is born there and its ioctls keep working
# at shutdown; the kernel stack on the tap is the client.
fp_topo_tap() {
	fp_netns_create
	FP_VDEV="net_tap0,iface=$FP_TAP"
	FP_PEER_DEV=$FP_TAP
	FP_RUN_IN=(ip netns exec "$FP_NS")
}

# ------------------------------------------------------------------ MQTT brokers

# A broker config with one anonymous listener, no persistence.
fp_broker_conf() { # <port> [<bind address>]
	printf 'listener %s%s\nallow_anonymous true\npersistence false\n' "$1" "${2:+ $2}"
}

fp__port_listening() { # <port> [<netns>]
	local pre=()
	[[ -n ${2:-} ]] && pre=(ip netns exec "$2")
	[[ -n $("${pre[@]}" ss -Hltn "sport = :$1" 2>/dev/null) ]]
}

# Start a mosquitto broker from a config file and wait until it listens.
# It logs next to its config (x.conf -> x.log); fp_broker_stop NAME (registered as a cleanup)
# kills it. NAME tells several brokers of one script apart.
fp_broker_start() { # <name> <port> <conf> [<netns>]
	local name=$1 port=$2 conf=$3 ns=${4:-} pre=() log=${3%.conf}.log
	[[ -n $ns ]] && pre=(ip netns exec "$ns")
	# ip netns exec directly, not a function: $! must be the broker itself,
	# not a subshell that a kill would leave the broker behind.
	"${pre[@]}" mosquitto -c "$conf" >>"$log" 2>&1 &
	FP_BROKER_PIDS[$name]=$!
	fp_on_exit "fp_broker_stop $name"
	fp__wait_for 10 fp__port_listening "$port" "$ns" ||
		fp_fail "broker $name did not listen on port $port: $(tail -n 5 "$log")"
}

# SIGKILL, as a crashed broker would go: no goodbye to its clients.
fp_broker_stop() { # <name>
	local pid=${FP_BROKER_PIDS[$1]:-}
	[[ -n $pid ]] || return 0
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	FP_BROKER_PIDS[$1]=
}
