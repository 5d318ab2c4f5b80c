#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The benchmark harness, one command (root): builds a release build in its own
# directory, sets up the topology (client in netns fp-bench, veth pair
# fa-bench/fb-bench, server on fa-bench in the root namespace), then in one
# invocation runs every server on it, rounds alternating ABAB:
#   fastpath-afpacket  the appliance on net_af_packet, one worker ([dpdk] idle = poll, the default)
#   fastpath-adaptive  the same with [dpdk] idle = adaptive; for every fastpath server the
#                      worker threads' CPU while idle is measured before the cases
#   fastpath-2w        the same with two workers (two queue pairs, RSS by af_packet fanout)
#   fastpath-afxdp     the appliance on net_af_xdp (skipped, with the reason, if it fails here)
#   libevent, libuv    the reference kernel-socket echo servers (tools/bench/echo_*.c)
#   reuseport-N        N libevent processes sharing the port with SO_REUSEPORT
#   threadpool         a libuv loop handing every read to its thread pool (uv_queue_work)
#   firmware           lwip-fw's host build on a tap (netns fp-benchfw, tap ft-bench)
#   board              lwip-fw's MPS2 image under QEMU (mps2-an386) on the same tap:
#                      EMULATED figures, a Cortex-M on TCG, not hardware; max_flows 4,
#                      so only the cases with at most 4 connections (pp1, bulk)
# with the load client (bench-loadgen) pinned to CPU 0 and every thread of the
# server on CPU 1. Then the kernel-free microbenchmark (one worker, and two
# on two CPUs), the worker graph against the fixed loop in process
# (bench-fastpath-graph), next to dpdk-testpmd io and macswap forwarding on net_null,
# the per-flow memory figures, and a callgrind breakdown per function of the
# 64- and 10 000-flow cases (also of the --baseline commit, built here, for a
# before/after from the same run).
# Prints min/median/max tables and the ratios; exits 1 if any case errored.
#
# Usage: tools/bench/run.sh [--seconds S] [--rounds N] [--servers a,b,..] [--cases a,b,..]
#                           [--build DIR] [--out DIR] [--no-micro] [--no-profile] [--smoke]
#                           [--baseline REV]  also time (microbenchmark) and profile REV's lib/ (git checkout only)
#                           [--set KEY=VALUE]...  override a cfg/fastpath.conf key (fastpath, firmware)
set -euo pipefail

SRC=$(cd "$(dirname "$0")/../.." && pwd)
# Inside the checkout: a build directory belongs to one source tree.
BUILD=${BENCH_BUILD:-$SRC/build-bench}
SECONDS_PER_CASE=2
ROUNDS=5
SERVERS=fastpath-afpacket,fastpath-adaptive,fastpath-2w,fastpath-afxdp,libevent,libuv,reuseport-1,reuseport-2,threadpool,firmware,board
CASES=pp1,pp64,bulk,churn
MICRO=1
MICRO_SECONDS=2
PMD_SECONDS=6
MACSWAP_ROUNDS=3
# Each flow echoes 64 B once and its echo is ACKed (its chunk goes back).
MEM_FLOWS="1 10000 1000000 10000000"
# Flow counts whose memory row stops once they are open (no echo).
MEM_IDLE_ONLY=""
PROFILE=1
BASELINE=
IDLE_SECONDS=3
GRAPH_ARGS=
FP_SET=()
OUT=

while (($#)); do
	case $1 in
	--seconds) SECONDS_PER_CASE=$2; shift ;;
	--rounds) ROUNDS=$2; shift ;;
	--servers) SERVERS=$2; shift ;;
	--cases) CASES=$2; shift ;;
	--build) BUILD=$2; shift ;;
	--out) OUT=$2; shift ;;
	--no-micro) MICRO=0 ;;
	--no-profile) PROFILE=0 ;;
	--baseline) BASELINE=$2; shift ;;
	--set) FP_SET+=("$2"); shift ;;
	--smoke)
		SECONDS_PER_CASE=1 ROUNDS=1 MICRO_SECONDS=0.3 PMD_SECONDS=4 IDLE_SECONDS=1
		MACSWAP_ROUNDS=1
		MEM_FLOWS="1 10000" MEM_IDLE_ONLY='' PROFILE=0
		GRAPH_ARGS="-r 3 -p 8192"
		;;
	-h | --help) sed -n '3,32p' "$0"; exit 0 ;;
	*) echo "run.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
	esac
	shift
done

# The baseline is timed by the microbenchmark and counted by the profile: with neither, nothing.
if [[ -n $BASELINE ]] && ((!MICRO && !PROFILE)); then
	echo "run.sh: --baseline needs the microbenchmark or the profile (drop --no-micro or --no-profile)" >&2
	exit 2
fi
[[ $(id -u) -eq 0 ]] || { echo "run.sh: needs root (netns, veth, DPDK)" >&2; exit 1; }
for t in ip ethtool taskset python3 meson ninja; do
	command -v "$t" >/dev/null || { echo "run.sh: missing $t (tools/install-deps.sh)" >&2; exit 1; }
done

# One harness at a time: the names below are fixed, and a second run (CI's
# smoke run during a full run, say) would tear down the first one's topology.
LOCK=/run/lock/fp-bench.lock
mkdir -p "${LOCK%/*}"
exec 9>"$LOCK"
if ! flock -n 9; then
	echo "run.sh: another benchmark run holds $LOCK; waiting up to 15 min" >&2
	flock -w 900 9 || { echo "run.sh: gave up waiting for $LOCK" >&2; exit 1; }
fi

# The topology helpers the integration tests use (side-effect free to source).
. "$SRC/tests/integ/topo.sh"
fp_names bench
NS=$FP_NS
IF_SRV=$FP_IF_APP
FW_NS=fp-benchfw
FW_TAP=$FP_TAP
SRV_IP=$FP_APP_IP
CLI_IP=$FP_PEER_IP
PORT=7
CPU_CLIENT=0
CPU_SERVER=1
WORK=$(mktemp -d /tmp/fp-bench.XXXXXX)
OUT=${OUT:-$WORK}
mkdir -p "$OUT"
RESULTS=$OUT/results.jsonl
: >"$RESULTS"
SRV_PIDS=() # the server's processes (reuseport-N has N)
FAILS=0

log() { printf '[bench %s] %s\n' "$(date +%T)" "$*" >&2; }

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	stop_server >/dev/null 2>&1 || true
	fp_run_cleanups
	ip netns del "$FW_NS" 2>/dev/null || true
	log "logs and raw results in $WORK"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- build
build() {
	if [[ ! -f $BUILD/build.ninja ]]; then
		log "configuring a release build in $BUILD"
		# Warnings are CI's job (tests/run.sh); a benchmark build must not
		# fail on a new compiler warning in someone's code.
		meson setup "$BUILD" "$SRC" --buildtype=release -Dwerror=false \
			-Dtests=disabled >"$WORK/meson-setup.log" 2>&1 ||
			{ tail -20 "$WORK/meson-setup.log" >&2; return 1; }
	fi
	local want=(tools/bench/bench-loadgen tools/bench/bench-echo-libevent
		tools/bench/bench-echo-libuv tools/bench/bench-echo-threadpool
		tools/bench/bench-fastpath-micro tools/bench/bench-fastpath-graph
		app/fastpath lwip-fw/fastpath-fw lwip-fw/fastpath-fw-mps2.elf) targets=() t
	for t in "${want[@]}"; do
		ninja -C "$BUILD" -t query "$t" >/dev/null 2>&1 && targets+=("$t")
	done
	log "building ${targets[*]}"
	ninja -C "$BUILD" "${targets[@]}" >"$WORK/ninja.log" 2>&1 ||
		{ tail -30 "$WORK/ninja.log" >&2; return 1; }
}

# ---------------------------------------------------------------- topology
# Client-side TCP knobs, in the client namespace only: a wide port range, and
# no TIME_WAIT sockets (the churn case would otherwise run out of ports).
client_sysctls() { # <netns>
	ip netns exec "$1" sysctl -qw net.ipv4.ip_local_port_range="1024 65000"
	ip netns exec "$1" sysctl -qw net.ipv4.tcp_max_tw_buckets=0
}

topo_up() {
	fp_topo_veth
	client_sysctls "$NS"
}

# ---------------------------------------------------------------- servers
CLIENT_NS=$NS
SRV_LOG=

server_alive() {
	local pid
	((${#SRV_PIDS[@]})) || return 1
	for pid in "${SRV_PIDS[@]}"; do
		kill -0 "$pid" 2>/dev/null || return 1
	done
}
# wait_ready <seconds> <probe>: 0 once probe succeeds, 1 on timeout or when the server exits.
wait_ready() {
	local deadline=$((SECONDS + $1))
	until "$2"; do
		server_alive || return 1
		((SECONDS < deadline)) || return 1
		sleep 0.2
	done
}
ping_ok() { server_alive && ip netns exec "$CLIENT_NS" ping -c 1 -W 1 "$SRV_IP" >/dev/null 2>&1; }
port_ok() {
	server_alive && ip netns exec "$CLIENT_NS" bash -c "exec 3<>/dev/tcp/$SRV_IP/$PORT" 2>/dev/null
}
# Every process of a reuseport group listens (the first alone would take every connection).
listeners_ok() { # <count>
	(($(ss -Hltn "src $SRV_IP:$PORT" | wc -l) >= $1)) && port_ok
}

write_config() { # <file> [KEY=VALUE]... (after --set's)
	local out=$1 set=() kv
	shift
	for kv in "${FP_SET[@]}" "$@"; do
		set+=(-e "s|^${kv%%=*} *=.*|${kv%%=*} = ${kv#*=}|")
	done
	sed "${set[@]}" -e "s|^address *=.*|address = $SRV_IP/24|" \
		-e "s|^socket *=.*|socket = $WORK/mgmt.sock|" \
		-e "s|^pipeline *=.*|pipeline = $SRC/pipelines/echo.pipeline|" \
		"$SRC/cfg/fastpath.conf" >"$out"
}

# The firmware kinds serve on a tap they create in $FW_NS, the client's namespace.
tap_netns() {
	ip netns del "$FW_NS" 2>/dev/null || true
	ip netns add "$FW_NS"
	ip -n "$FW_NS" link set lo up
	client_sysctls "$FW_NS"
	CLIENT_NS=$FW_NS
}

# Give the tap the server started its client address; wait for ping. @return 0, or 1 (stopped)
tap_ready() {
	if ! fp__wait_for 10 ip -n "$FW_NS" link show "$FW_TAP" >/dev/null 2>&1; then
		SKIP_WHY="tap $FW_TAP never appeared: $(tail -n 3 "$SRV_LOG" | tr '\n' '|')"
		stop_server
		return 1
	fi
	fp__quiet_if "$FW_NS" "$FW_TAP"
	ip -n "$FW_NS" addr add "$CLI_IP/24" dev "$FW_TAP"
	ip -n "$FW_NS" link set "$FW_TAP" up
	if ! wait_ready 20 ping_ok; then
		SKIP_WHY="did not answer ping within 20 s: $(tail -n 3 "$SRV_LOG" | tr '\n' '|')"
		stop_server
		return 1
	fi
}

# One kernel-socket echo server process on CPU_SERVER, serving SRV_IP:PORT
# within 10 s: 0 = serving, 1 = failed (SKIP_WHY says why).
start_one_server() { # <binary>
	local bin=$1
	[[ -x $bin ]] || { SKIP_WHY="$bin not built"; return 1; }
	ip addr add "$SRV_IP/24" dev "$IF_SRV"
	taskset -c "$CPU_SERVER" "$bin" "$SRV_IP" "$PORT" >"$SRV_LOG" 2>&1 9>&- &
	SRV_PIDS=($!)
	if ! wait_ready 10 port_ok; then
		SKIP_WHY="not listening within 10 s: $(tail -n 3 "$SRV_LOG" | tr '\n' '|')"
		stop_server
		return 1
	fi
}

# start_server <name>: 0 = serving, 1 = failed (error), 2 = not available here (skip)
start_server() {
	local name=$1 cfg=$WORK/fastpath.conf
	SRV_LOG=$WORK/$name.log
	CLIENT_NS=$NS
	: >"$SRV_LOG"
	case $name in
	fastpath-afpacket | fastpath-adaptive | fastpath-2w | fastpath-afxdp)
		[[ -x $BUILD/app/fastpath ]] || { SKIP_WHY="app/fastpath not built"; return 2; }
		if [[ $name == fastpath-adaptive ]]; then
			write_config "$cfg" idle=adaptive
		else
			write_config "$cfg"
		fi
		local vdev="net_af_packet0,iface=$IF_SRV,framecnt=4096" prefix=fp_bench lcores=(-l 0-1)
		if [[ $name == fastpath-afxdp ]]; then
			vdev="net_af_xdp0,iface=$IF_SRV,start_queue=0,queue_count=1"
			prefix=fp_bench_xdp
		elif [[ $name == fastpath-2w ]]; then
			# Two workers on CPU 1, the main lcore on CPU 0 (EAL refuses
			# -l 0-2 on 2 CPUs); af_packet's qpairs=2 is a fanout group of
			# two sockets, the kernel's flow hash picking the queue.
			vdev+=,qpairs=2
			prefix=fp_bench_2w
			lcores=(--lcores "0@$CPU_CLIENT,1@$CPU_SERVER,2@$CPU_SERVER")
		fi
		"$BUILD/app/fastpath" "${lcores[@]}" --no-huge -m 512 --no-pci --file-prefix="$prefix" \
			--vdev "$vdev" -- -c "$cfg" >"$SRV_LOG" 2>&1 9>&- &
		SRV_PIDS=($!)
		if ! wait_ready 30 ping_ok; then
			SKIP_WHY="exited or did not answer ping within 30 s; last log lines: $(tail -n 5 "$SRV_LOG" | tr '\n' '|')"
			stop_server
			[[ $name == fastpath-afxdp ]] && return 2
			return 1
		fi
		;;
	libevent | libuv)
		start_one_server "$BUILD/tools/bench/bench-echo-$name" || return 1
		;;
	reuseport-[1-9])
		local bin=$BUILD/tools/bench/bench-echo-libevent n=${name#reuseport-} i
		[[ -x $bin ]] || { SKIP_WHY="$bin not built"; return 1; }
		ip addr add "$SRV_IP/24" dev "$IF_SRV"
		SRV_PIDS=()
		for ((i = 0; i < n; i++)); do
			taskset -c "$CPU_SERVER" "$bin" --reuseport "$SRV_IP" "$PORT" >>"$SRV_LOG" 2>&1 9>&- &
			SRV_PIDS+=($!)
		done
		# shellcheck disable=SC2317 # called through wait_ready
		all_listen() { listeners_ok "$n"; }
		if ! wait_ready 10 all_listen; then
			SKIP_WHY="not all $n listening within 10 s: $(tail -n 3 "$SRV_LOG" | tr '\n' '|')"
			stop_server
			return 1
		fi
		;;
	threadpool)
		# The loop and its pool threads share CPU 1, like every other server here.
		start_one_server "$BUILD/tools/bench/bench-echo-threadpool" || return 1
		;;
	firmware)
		local bin=$BUILD/lwip-fw/fastpath-fw
		[[ -x $bin ]] || { SKIP_WHY="lwip-fw/fastpath-fw not built (liblwip-dev missing?)"; return 2; }
		write_config "$cfg"
		tap_netns
		ip netns exec "$FW_NS" taskset -c "$CPU_SERVER" "$bin" -c "$cfg" -i "$FW_TAP" \
			-a "$SRV_IP/24" -s 0 >"$SRV_LOG" 2>&1 9>&- &
		SRV_PIDS=($!)
		tap_ready || return 1
		;;
	board)
		local img=$BUILD/lwip-fw/fastpath-fw-mps2.elf
		[[ -f $img ]] || { SKIP_WHY="no board image (arm-none-eabi-gcc or lwIP sources missing?)"; return 2; }
		command -v qemu-system-arm >/dev/null || { SKIP_WHY="qemu-system-arm missing"; return 2; }
		tap_netns
		# The image's address is built in (lwip-fw/cortex-m/board.conf): $SRV_IP.
		ip netns exec "$FW_NS" taskset -c "$CPU_SERVER" qemu-system-arm -M mps2-an386 \
			-display none -monitor none -serial stdio -kernel "$img" \
			-nic "tap,ifname=$FW_TAP,script=no,downscript=no,model=lan9118" \
			>"$SRV_LOG" 2>&1 9>&- &
		SRV_PIDS=($!)
		tap_ready || return 1
		;;
	*)
		SKIP_WHY="unknown server $name"
		return 1
		;;
	esac
	return 0
}

# Stop the running server's processes (SIGTERM, then SIGKILL after 15 s).
# @return 0 if every one exited 0, else the last non-zero status
stop_server() {
	local pids=("${SRV_PIDS[@]}") pid st rc=0
	SRV_PIDS=()
	((${#pids[@]})) && { kill -TERM "${pids[@]}" 2>/dev/null || true; }
	for pid in "${pids[@]}"; do
		if ! fp__wait_for 15 fp__gone "$pid"; then
			log "pid $pid ignored SIGTERM for 15 s, killing it"
			kill -KILL "$pid" 2>/dev/null || true
		fi
		st=0
		wait "$pid" 2>/dev/null || st=$?
		((st == 0)) || rc=$st
	done
	ip addr flush dev "$IF_SRV" 2>/dev/null || true
	ip netns del "$FW_NS" 2>/dev/null || true
	return "$rc"
}

# ---------------------------------------------------------------- load
case_args() { # <case>
	case $1 in
	pp1) echo "--mode pingpong --conns 1 --size 64" ;;
	pp64) echo "--mode pingpong --conns 64 --size 64" ;;
	bulk) echo "--mode bulk --conns 1" ;;
	churn) echo "--mode churn --conns 8 --size 64" ;;
	*) return 1 ;;
	esac
}

record_error() { # <server> <case> <round> <message>
	FAILS=$((FAILS + 1))
	python3 -c 'import json,sys; print(json.dumps({"label":sys.argv[1],"case":sys.argv[2],"round":int(sys.argv[3]),"errors":1,"first_error":sys.argv[4]}))' \
		"$1" "$2" "$3" "$4" >>"$RESULTS"
	log "ERROR $1 $2 (round $3): $4"
}

run_case() { # <server> <case> <round>
	local args line rc=0
	# The board image serves 4 flows (board_cfg.h): more connections are refused.
	if [[ $1 == board && ( $2 == pp64 || $2 == churn ) ]]; then
		log "board: $2 skipped (more connections than the image's max_flows 4)"
		return
	fi
	args=$(case_args "$2") || { record_error "$1" "$2" "$3" "unknown case"; return; }
	local stat0 stat1 csw0 csw1 t0 t1 work0="" work1=""
	[[ $1 == fastpath-* ]] && work0=$(worker_busy_us || true)
	stat0=$(grep -E '^cpu[0-9]+ ' /proc/stat | tr '\n' ';')
	csw0=$(ctx_switches "${SRV_PIDS[@]}")
	t0=$(date +%s.%N)
	# shellcheck disable=SC2086
	line=$(ip netns exec "$CLIENT_NS" taskset -c "$CPU_CLIENT" \
		"$BUILD/tools/bench/bench-loadgen" --host "$SRV_IP" --port "$PORT" $args \
		--seconds "$SECONDS_PER_CASE" --json --label "$1") || rc=$?
	stat1=$(grep -E '^cpu[0-9]+ ' /proc/stat | tr '\n' ';')
	csw1=$(ctx_switches "${SRV_PIDS[@]}")
	t1=$(date +%s.%N)
	[[ $1 == fastpath-* ]] && work1=$(worker_busy_us || true)
	if [[ -z $line ]]; then
		record_error "$1" "$2" "$3" "load client exited $rc without a result"
		return
	fi
	# Add how busy each CPU was (anything but idle and iowait) during the
	# run, and the server's context switches per operation: the handoffs its
	# threading model costs (the rate is per measured second; the count
	# covers the client's whole run, warm-up included, hence "about").
	python3 - "$line" "$2" "$3" "$stat0" "$stat1" "$((csw1 - csw0))" "$t0" "$t1" \
		"$work0" "$work1" >>"$RESULTS" <<'PY'
import json, sys
line, case, rnd, s0, s1, csw, t0, t1, w0, w1 = sys.argv[1:]
def parse(s):
    out = {}
    for l in filter(None, s.split(";")):
        f = l.split()
        v = [int(x) for x in f[1:9]]
        out[f[0]] = (sum(v), v[3] + v[4])
    return out
a, b = parse(s0), parse(s1)
d = json.loads(line)
d["case"], d["round"] = case, int(rnd)
for cpu in b:
    tot, idle = b[cpu][0] - a[cpu][0], b[cpu][1] - a[cpu][1]
    d[cpu + "_busy"] = round(1 - idle / tot, 3) if tot else 0
ops_per_s = d.get("rate", 0) if d.get("mode") != "bulk" else 0
wall = float(t1) - float(t0)
if ops_per_s > 0 and wall > 0:
    d["srv_csw_per_op"] = round(int(csw) / wall / ops_per_s, 3)
# fastpath: the workers' time on frames (busy_us) over the same window, the
# share of CPU 1 the traffic needed while the poller held all of it
if w0 and w1 and wall > 0:
    d["worker_work"] = round((int(w1) - int(w0)) / 1e6 / wall, 3)
print(json.dumps(d))
PY
	if ((rc != 0)); then
		FAILS=$((FAILS + 1))
		log "ERROR $1 $2 (round $3): $(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["first_error"])' "$line")"
	fi
}

# The fastpath workers' busy_us, summed (fpctl status): time spent on frames.
worker_busy_us() {
	python3 "$SRC/tools/fpctl/fpctl" -s "$WORK/mgmt.sock" --json status |
		python3 -c 'import json,sys; print(sum(l["busy_us"] for l in json.load(sys.stdin)["lcores"]))'
}

# The fastpath worker threads' share of a CPU (summed) over IDLE_SECONDS
# without traffic, a second after start-up (ARP and the readiness ping are done).
record_idle() { # <server> <round>
	local t1 t2 c1 c2
	sleep 1
	t1=$(date +%s.%N)
	c1=$(worker_ticks "${SRV_PIDS[0]}")
	sleep "$IDLE_SECONDS"
	t2=$(date +%s.%N)
	c2=$(worker_ticks "${SRV_PIDS[0]}")
	if [[ -z $c1 || -z $c2 ]]; then
		record_error "$1" idle "$2" "no EAL worker thread in /proc/${SRV_PIDS[0]}/task"
		return
	fi
	python3 -c 'import json,sys; n,r,c1,c2,t1,t2,hz=sys.argv[1:]; print(json.dumps({"case":"idle","label":n,"round":int(r),"worker_share":(int(c2)-int(c1))/int(hz)/(float(t2)-float(t1))}))' \
		"$1" "$2" "$c1" "$c2" "$t1" "$t2" "$(getconf CLK_TCK)" >>"$RESULTS"
}

# The server's busiest thread's share of a CPU while the cases ran (100% for a
# polling fastpath worker that had its core alone; less means it was sharing),
# and all its threads' together (processes of a reuseport group included).
record_cpu() { # <server> <round> <ticks1> <ticks2> <t1> <t2>
	python3 - "$@" "$(getconf CLK_TCK)" >>"$RESULTS" <<'PY' || true
import json, sys
name, rnd, c1, c2, t1, t2, hz = sys.argv[1:]
d1 = dict(x.split(":") for x in c1.split())
d2 = dict(x.split(":") for x in c2.split())
# A thread born during the cases (libuv starts its pool on the first job) from 0.
used = [int(d2[k]) - int(d1.get(k, 0)) for k in d2]
wall = float(t2) - float(t1)
print(json.dumps({"case": "cpu", "label": name, "round": int(rnd),
                  "share": max(used, default=0) / int(hz) / wall,
                  "total": sum(used) / int(hz) / wall, "threads": len(used)}))
PY
}

run_servers() {
	local round name rc case skipped=" "
	IFS=, read -ra servers <<<"$SERVERS"
	IFS=, read -ra cases <<<"$CASES"
	for ((round = 1; round <= ROUNDS; round++)); do
		for name in "${servers[@]}"; do
			[[ $skipped == *" $name "* ]] && continue
			SKIP_WHY=
			rc=0
			start_server "$name" || rc=$?
			if ((rc == 2)); then
				log "SKIP $name: $SKIP_WHY"
				echo "{\"label\":\"$name\",\"skipped\":$(python3 -c 'import json,sys; print(json.dumps(sys.argv[1]))' "$SKIP_WHY")}" >>"$RESULTS"
				skipped+="$name "
				continue
			elif ((rc != 0)); then
				record_error "$name" start "$round" "$SKIP_WHY"
				continue
			fi
			log "round $round/$ROUNDS: $name"
			[[ $name == fastpath-* ]] && record_idle "$name" "$round"
			local t1 t2 cpu1 cpu2
			t1=$(date +%s.%N)
			cpu1=$(thread_ticks "${SRV_PIDS[@]}")
			for case in "${cases[@]}"; do
				server_alive || { record_error "$name" "$case" "$round" "server died"; break; }
				run_case "$name" "$case" "$round"
			done
			t2=$(date +%s.%N)
			cpu2=$(thread_ticks "${SRV_PIDS[@]}")
			record_cpu "$name" "$round" "$cpu1" "$cpu2" "$t1" "$t2"
			if ! stop_server; then
				record_error "$name" stop "$round" "server exited non-zero (log: $SRV_LOG)"
			fi
		done
	done
}

# ---------------------------------------------------------------- micro + memory
thread_ticks() { # <pid>...: "tid:utime+stime ..." for each thread of each process
	local st pid tid ut stime
	for pid in "$@"; do
		for st in /proc/"$pid"/task/*/stat; do
			read -r tid ut stime < <(cut -d' ' -f1,14,15 "$st" 2>/dev/null) || continue
			printf '%s:%s ' "$tid" "$((ut + stime))"
		done
	done
}

# Voluntary + involuntary context switches of every thread of the given processes.
ctx_switches() { # <pid>...
	local pid
	for pid in "$@"; do
		cat /proc/"$pid"/task/*/status 2>/dev/null
	done | awk '/^(non)?voluntary_ctxt_switches:/ {n += $2} END {print n + 0}'
}

# utime+stime ticks of the EAL worker threads together, or nothing. DPDK 22.11
# names them rte-worker-N (older releases lcore-worker-N, newer dpdk-worker<N>).
worker_ticks() { # <pid>
	local st comm n=0 found=
	for st in /proc/"$1"/task/*; do
		comm=$(cat "$st/comm" 2>/dev/null) || continue
		[[ $comm == rte-worker-* || $comm == lcore-worker-* || $comm == dpdk-worker* ]] || continue
		n=$((n + $(cut -d' ' -f14,15 "$st/stat" | awk '{print $1 + $2}')))
		found=1
	done
	[[ -z $found ]] || echo "$n"
}

# The microbenchmark's cases, one per line: the one-lcore rows, then the
# workers rows (the same 10 000 flows on one worker, then spread over two).
MICRO_CASES=(
	"--case tcp --flows 64"
	"--case tcp-csum-ok --flows 64"
	"--case tcp-offload --flows 64"
	"--case tcp --flows 10000"
	"--case tcp --flows 10000 --per-packet"
	"--case tcp --flows 1000000 --buffer-size 1024"
	"--case churn --flows 64"
	"--case tcp --flows 64 --size 1460"
	"--case tcp-offload --flows 64 --size 1460"
	"--case arp"
	"--case icmp"
	"--case store --flows 64"
	"--case store --flows 10000"
)
MICRO_WORKERS=("--workers 1 --flows 10000" "--workers 2 --flows 10000")

# testpmd_run <mode> [round]: one forwarding lcore between two net_null ports.
testpmd_run() {
	local mode=$1 round=${2:-0} log=$WORK/testpmd-$1.log ghz
	log "dpdk-testpmd $mode forwarding on net_null (lcore 1), $PMD_SECONDS s"
	if ! command -v dpdk-testpmd >/dev/null; then
		record_error testpmd "$mode" 1 "dpdk-testpmd not installed"
		return
	fi
	# The core's clock on the forwarding lcore's CPU, as each microbenchmark row has it.
	ghz=$(taskset -c "$CPU_SERVER" "$BUILD/tools/bench/bench-fastpath-micro" --case clock |
		awk '{print $3}')
	dpdk-testpmd -l 0-1 --no-huge -m 512 --no-pci --file-prefix=fp_bench_pmd \
		--vdev net_null0 --vdev net_null1 -- --forward-mode="$mode" --stats-period 1 -a \
		--total-num-mbufs=16384 >"$log" 2>&1 9>&- &
	local pmd=$! cpu1 cpu2 t1 t2
	# The forwarding lcore's share of a CPU over the measured window, from
	# its thread's utime+stime: on a shared core the wall-clock rate is
	# divided by it, as the microbenchmark uses its own CPU time.
	sleep 2
	t1=$(date +%s.%N)
	cpu1=$(thread_ticks "$pmd")
	sleep "$((PMD_SECONDS - 2))"
	t2=$(date +%s.%N)
	cpu2=$(thread_ticks "$pmd")
	kill -INT "$pmd" 2>/dev/null || true
	fp__wait_for 10 eval "! kill -0 $pmd 2>/dev/null" || kill -KILL "$pmd" 2>/dev/null || true
	wait "$pmd" 2>/dev/null || true
	python3 - "$log" "$mode" "$cpu1" "$cpu2" "$t1" "$t2" "$(getconf CLK_TCK)" "$round" \
		"${ghz:-0}" >>"$RESULTS" <<'PY' ||
import json, os, re, statistics, sys
log, mode, cpu1, cpu2, t1, t2, hz, rnd, ghz = sys.argv[1:]
rx = [int(m) for m in re.findall(r"Rx-pps:\s+(\d+)", open(log).read())]
# Two ports per stats period; skip the first two periods (start-up).
tot = [rx[i] + rx[i + 1] for i in range(0, len(rx) - 1, 2)]
tot = tot[2:] or tot[1:] or tot
if not tot:
    sys.exit(1)
d1 = dict(x.split(":") for x in cpu1.split())
d2 = dict(x.split(":") for x in cpu2.split())
busy = max(int(d2[k]) - int(d1[k]) for k in d2 if k in d1) / int(hz)
share = busy / (float(t2) - float(t1))
wall = statistics.median(tot) / 1e6
print(json.dumps({"case": "testpmd-" + mode + "-null", "mode": mode, "wall_mpps": wall,
                  "cpu_share": round(share, 3), "mpps": wall / share if share > 0.05 else wall,
                  "samples": len(tot), "round": int(rnd), "core_ghz": float(ghz),
                  "errors": 0}))
PY
		record_error testpmd "$mode" 1 "no Rx-pps in testpmd output ($log)"
}

run_micro() {
	local micro=$BUILD/tools/bench/bench-fastpath-micro n args
	log "microbenchmark: fp_input_burst on prebuilt frames (CPU $CPU_SERVER)"
	for args in "${MICRO_CASES[@]}"; do
		# shellcheck disable=SC2086
		taskset -c "$CPU_SERVER" "$micro" $args --seconds "$MICRO_SECONDS" --json >>"$RESULTS" ||
			record_error micro "$args" 1 "microbenchmark failed"
	done
	log "worker graph against the fixed loop, in process (CPU $CPU_SERVER)"
	# shellcheck disable=SC2086
	taskset -c "$CPU_SERVER" "$BUILD/tools/bench/bench-fastpath-graph" $GRAPH_ARGS >>"$RESULTS" ||
		record_error graph all 1 "graph benchmark failed"
	log "microbenchmark: workers, one thread per CPU"
	for args in "${MICRO_WORKERS[@]}"; do
		# shellcheck disable=SC2086
		"$micro" $args --seconds "$MICRO_SECONDS" --json >>"$RESULTS" ||
			record_error micro "$args" 1 "microbenchmark failed"
	done
	testpmd_run io
	# The 64-flow row against macswap, each round one of each back to back:
	# the CPU's speed changes for minutes at a time, so the ratio is taken
	# within a round and the median of the rounds' ratios is reported.
	local round
	for ((round = 1; round <= MACSWAP_ROUNDS; round++)); do
		testpmd_run macswap "$round"
		taskset -c "$CPU_SERVER" "$micro" --case tcp --flows 64 --seconds "$MICRO_SECONDS" \
			--json | sed "s/^{/{\"round\":$round,/" >>"$RESULTS" ||
			record_error micro "macswap round $round" 1 "microbenchmark failed"
	done
	for n in $MEM_FLOWS; do
		"$micro" --mem "$n" --json >>"$RESULTS" || record_error mem "$n" 1 "memory run failed"
	done
	for n in $MEM_IDLE_ONLY; do
		"$micro" --mem "$n" --no-echo --json >>"$RESULTS" ||
			record_error mem "$n" 1 "memory run failed"
	done
}

# ---------------------------------------------------------------- profile
# The --baseline commit's microbenchmark, built from a clean archive of it.
build_baseline() {
	local src=$WORK/baseline-src dir=$WORK/baseline-build
	log "building the baseline $BASELINE in $dir"
	mkdir -p "$src"
	git -C "$SRC" archive "$BASELINE" | tar -x -C "$src" ||
		{ record_error baseline build 1 "git archive $BASELINE failed"; return 1; }
	{ meson setup "$dir" "$src" --buildtype=release -Dwerror=false -Dtests=disabled \
		-Dapp=disabled -Dmqtt=disabled -Dlwip_fw=disabled &&
		ninja -C "$dir" tools/bench/bench-fastpath-micro; } >"$WORK/baseline-build.log" 2>&1 ||
		{ record_error baseline build 1 "see $WORK/baseline-build.log"; return 1; }
	BASELINE_MICRO=$dir/tools/bench/bench-fastpath-micro
}

run_profile() {
	local micro=$BUILD/tools/bench/bench-fastpath-micro fl timed=() secs=0.01
	command -v valgrind >/dev/null || { record_error profile valgrind 1 "valgrind not installed"; return; }
	# A baseline whose micro.c has the timed passes is counted inside them,
	# like the tree; an older one inside fp_input().
	if [[ -n ${BASELINE_MICRO:-} ]] &&
		grep -q 'timed_pass' "$WORK/baseline-src/tools/bench/micro.c"; then
		timed=(--timed)
		secs=2
	fi
	for fl in 64 10000; do
		log "callgrind: tcp, $fl flows"
		nice python3 "$SRC/tools/bench/profile.py" --timed after "$fl" "$micro" --case tcp \
			--flows "$fl" --seconds 2 >>"$RESULTS" ||
			record_error profile "after $fl" 1 "callgrind run failed"
		if [[ -n ${BASELINE_MICRO:-} ]]; then
			nice python3 "$SRC/tools/bench/profile.py" "${timed[@]}" "before ($BASELINE)" "$fl" \
				"$BASELINE_MICRO" --case tcp --flows "$fl" --seconds "$secs" >>"$RESULTS" ||
				record_error profile "before $fl" 1 "callgrind run failed"
		fi
	done
}

# The baseline's own microbenchmark, timed in this run too, after the tree's.
run_baseline_micro() {
	local fl

	[[ -n ${BASELINE_MICRO:-} ]] || return 0
	for fl in 64 10000; do
		taskset -c "$CPU_SERVER" "$BASELINE_MICRO" --case tcp --flows "$fl" \
			--seconds "$MICRO_SECONDS" --json |
			python3 -c 'import json,sys; d=json.loads(sys.stdin.readline()); d["case"]="baseline "+sys.argv[1]+" "+d["case"]; print(json.dumps(d))' "$BASELINE" >>"$RESULTS" ||
			record_error baseline "micro $fl" 1 "baseline microbenchmark failed"
	done
}

# The machine is shared: say how busy it was, so noisy figures can be recognised.
record_env() { # <when>
	local busy
	# Second top sample: CPU use over the last half second, not since start.
	busy=$(top -bn2 -d 0.5 -w 200 | awk '/^top -/ {n++} n == 2 && $1 ~ /^[0-9]+$/ && $9 >= 20 {printf "%s %s%%, ", $12, $9}')
	python3 -c 'import json,os,platform,sys; print(json.dumps({"case":"env","when":sys.argv[1],"load":os.getloadavg()[0],"busy":sys.argv[2].rstrip(", "),"kernel":platform.release(),"cpus":os.cpu_count()}))' \
		"$1" "$busy" >>"$RESULTS"
}

# ---------------------------------------------------------------- main
t_start=$SECONDS
build
record_env start
topo_up
run_servers
if [[ -n $BASELINE ]]; then
	build_baseline || true # counted in FAILS; the rest of the run goes on without it
fi
if ((MICRO)); then
	run_micro
	run_baseline_micro
fi
((PROFILE)) && run_profile
record_env end
python3 "$SRC/tools/bench/report.py" "$RESULTS" | tee "$OUT/table.md"
log "done in $((SECONDS - t_start)) s; $FAILS error(s)"
((FAILS == 0))
