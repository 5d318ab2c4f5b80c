#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Scale-out: two appliances behind a Linux router with an ECMP route, and
# their telemetry fanned in through MQTT bridges (docs/SCALING.md walks
# through it). Topology:
#
#   client ns fp-scale          router ns fp-scale-r                 root ns
#   198.18.1.2 fb-scale --- fr-scale 198.18.1.1
#                               fr-scale0 198.18.10.254 --- fa-scale0  appliance 0 (198.18.100.1)
#                               fr-scale1 198.18.11.254 --- fa-scale1  appliance 1 (198.18.100.1)
#   198.18.100.1/32: nexthop dev fr-scale0 nexthop dev fr-scale1, L4 hash (policy 1)
#
#   appliance i --MQTT--> local broker i (127.0.0.1:1885i) --bridge--> central (127.0.0.1:18850)
#
# Both appliances own the service address 198.18.100.1. Checked: connections
# from many source ports spread over both (each appliance's own counters),
# the central broker carries both appliances' stats with the counters their
# sockets report, SIGKILL of one makes its last will reach the central
# broker, its established flows reset once the router sends them to the
# survivor while the survivor's own flows carry on, new connections
# black-hole until the dead nexthop is withdrawn, and succeed on the
# survivor after. Correctness, not speed: one worker each, one per CPU.
#
# FP_SCALE_HOLD=1 stops before the failure part and waits for Enter, so the
# topology can be explored by hand (docs/SCALING.md says how).
set -euo pipefail
FP_TEST=scale
# The service address is every appliance's address (fp_write_config, fp_echo).
# shellcheck disable=SC2034 # read by lib.sh
FP_APP_IP=198.18.100.1 FP_PREFIX=32 FP_PEER_IP=198.18.1.2
. "$(dirname "$0")/lib.sh"
fp_require_root ping mosquitto mosquitto_sub

RT_NS=fp-scale-r
SVC_IP=$FP_APP_IP
CLIENT_IP=$FP_PEER_IP
ROUTER_IP=198.18.1.1
MQ_CENTRAL=18850
MQ_EDGE=(18851 18852)
NODES=(edge0 edge1)
APP_PID=("" "")
APP_LCORES=("0@0,1@1" "0@1,1@0") # each worker on its own CPU; mains sleep
rt() { ip netns exec "$RT_NS" "$@"; }
app_if() { echo "fa-$FP_TEST$1"; }
rt_if() { echo "fr-$FP_TEST$1"; }

# Everything either appliance, broker or the router saw, for a failure.
fp__diagnose() {
	local i
	for i in 0 1; do
		echo "--- appliance $i log (last 15 lines)"
		tail -n 15 "$FP_WORK/app$i.log" 2>/dev/null
	done
	for i in central edge0 edge1; do
		echo "--- broker $i log (last 5 lines)"
		tail -n 5 "$FP_WORK/$i.log" 2>/dev/null
	done
	rt ip route show 2>/dev/null
	rt ip neigh show 2>/dev/null
	rt ip -s link show 2>/dev/null
}

# ------------------------------------------------------------------ topology
topo_up() {
	local i a r
	fp_netns_create # the client's
	ip netns del "$RT_NS" 2>/dev/null || true
	ip netns add "$RT_NS"
	fp_on_exit "ip netns del $RT_NS"
	rt ip link set lo up
	rt sysctl -qw net.ipv4.ip_forward=1
	# L4 hash: flows from different source ports take different nexthops.
	rt sysctl -qw net.ipv4.fib_multipath_hash_policy=1
	rt sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0

	ip link add "$FP_IF_PEER" type veth peer name "fr-$FP_TEST" netns "$RT_NS"
	ip link set "$FP_IF_PEER" netns "$FP_NS"
	fp__quiet_if "$FP_NS" "$FP_IF_PEER"
	fp__quiet_if "$RT_NS" "fr-$FP_TEST"
	fp_ns ip addr add "$CLIENT_IP/24" dev "$FP_IF_PEER"
	fp_ns ip link set "$FP_IF_PEER" up
	fp_ns ip route add default via "$ROUTER_IP"
	rt ip addr add "$ROUTER_IP/24" dev "fr-$FP_TEST"
	rt ip link set "fr-$FP_TEST" up

	for i in 0 1; do
		a=$(app_if $i)
		r=$(rt_if $i)
		ip link del "$a" 2>/dev/null || true
		ip link add "$a" type veth peer name "$r" netns "$RT_NS"
		fp_on_exit "ip link del $a"
		fp__quiet_if "" "$a"
		# The root namespace's stack sees the frames fastpath reads from
		# this veth too: it must never route them anywhere.
		sysctl -qw "net.ipv4.conf.$a.forwarding=0"
		fp__quiet_if "$RT_NS" "$r"
		ip link set "$a" up
		rt ip addr add "198.18.1$i.254/24" dev "$r"
		rt ip link set "$r" up
	done
	route_both
}

# The service address over both links; the router ARPs for it on each.
route_both() {
	rt ip route replace "$SVC_IP/32" nexthop dev "$(rt_if 0)" nexthop dev "$(rt_if 1)"
}

# What an operator's health check (or a BGP session going down) does.
route_withdraw() { # <appliance>
	rt ip route replace "$SVC_IP/32" dev "$(rt_if $((1 - $1)))"
}

# ------------------------------------------------------------------ brokers
brokers_up() {
	local i conf
	fp_broker_conf "$MQ_CENTRAL" 127.0.0.1 >"$FP_WORK/central.conf"
	fp_broker_start central "$MQ_CENTRAL" "$FP_WORK/central.conf"
	# The fan-in view: everything any appliance publishes, as the central broker has it.
	mosquitto_sub -h 127.0.0.1 -p "$MQ_CENTRAL" -t 'fastpath/#' -t 'bridge/#' -v \
		>"$FP_WORK/sub-central.log" 2>&1 &
	fp_on_exit "kill $!"
	for i in 0 1; do
		conf=$FP_WORK/${NODES[$i]}.conf
		{
			fp_broker_conf "${MQ_EDGE[$i]}" 127.0.0.1
			# mosquitto's bridge: forward this appliance's topics to the
			# central broker; announce the bridge's state there (retained,
			# with a last will of 0 if this broker dies).
			printf 'connection %s\naddress 127.0.0.1:%s\ntopic fastpath/# out 0\n' \
				"${NODES[$i]}" "$MQ_CENTRAL"
			printf 'notification_topic bridge/%s/state\nrestart_timeout 1\n' "${NODES[$i]}"
		} >"$conf"
		fp_broker_start "${NODES[$i]}" "${MQ_EDGE[$i]}" "$conf"
	done
	fp__wait_for 15 bridges_up || fp_fail "bridges to the central broker did not come up"
	fp_log "ok: both edge brokers bridged to the central broker"
}
central_has() { grep -q "$1" "$FP_WORK/sub-central.log"; } # <regex>
bridges_up() { central_has '^bridge/edge0/state 1' && central_has '^bridge/edge1/state 1'; }

# ------------------------------------------------------------------ appliances
app_start() { # <i>
	local i=$1
	fp_write_config
	FP_CFG=$FP_WORK/app$i.conf
	mv "$FP_WORK/fastpath.conf" "$FP_CFG"
	fp_cfg_set mgmt socket "$FP_WORK/app$i.sock"
	fp_cfg_set mqtt enabled yes
	fp_cfg_set mqtt port "${MQ_EDGE[$i]}"
	fp_cfg_set mqtt node "${NODES[$i]}"
	fp_cfg_set mqtt interval_ms 200
	"$FP_BIN" --lcores "${APP_LCORES[$i]}" --no-huge -m 512 --no-pci \
		--file-prefix="$FP_FILE_PREFIX$i" --vdev "net_af_packet0,iface=$(app_if "$i"),framecnt=4096" \
		-- -c "$FP_CFG" >"$FP_WORK/app$i.log" 2>&1 &
	APP_PID[i]=$!
	fp_on_exit "app_stop $i; rm -rf /var/run/dpdk/$FP_FILE_PREFIX$i"
}
app_stop() { # <i>: SIGTERM; @return the exit status
	local pid=${APP_PID[$1]} rc=0
	[[ -n $pid ]] || return 0
	APP_PID[$1]=
	kill -TERM "$pid" 2>/dev/null || true
	fp__wait_for 15 fp__gone "$pid" || kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" || rc=$?
	return "$rc"
}
# Appliance i answers on its own link (ping bound to the router's interface to it).
app_answers() { # <i>
	if [[ -z ${APP_PID[$1]} ]] || fp__gone "${APP_PID[$1]}"; then
		fp_fail "appliance $1 exited: $(tail -n 5 "$FP_WORK/app$1.log")"
	fi
	rt ping -c 1 -W 1 -I "$(rt_if "$1")" "$SVC_IP" >/dev/null 2>&1
}
fpctl_app() { "$FP_PY" "$FP_SRC/tools/fpctl/fpctl" -s "$FP_WORK/app$1.sock" --json "${@:2}"; }
app_counter() { fp_jget "$(fpctl_app "$1" stats)" "r['stats']['total']['$2']"; } # <i> <name>
# Local ports of this appliance's ESTABLISHED port-7 flows, one a line.
app_flow_ports() {
	fp_jget "$(fpctl_app "$1" flows --port 7 --state ESTABLISHED --limit 1000)" \
		"'\n'.join(x['remote'].split(':')[1] for x in r['flows'])"
}

# The newest stats document of a node at the central broker.
central_stats() { # <node>
	grep "^fastpath/$1/stats {" "$FP_WORK/sub-central.log" | tail -n 1 | cut -d' ' -f2-
}
# True once the central broker has a document of node i whose counter equals
# what the appliance's own socket says now.
central_agrees() { # <i> <counter>
	local doc want
	doc=$(central_stats "${NODES[$1]}")
	[[ -n $doc ]] || return 1
	want=$(app_counter "$1" "$2")
	[[ $(fp_jget "$doc" "r['total']['$2']") == "$want" ]]
}

hold() { # hold_conns.py args...
	fp_ns "$FP_PY" "$FP_SRC/tests/integ/hold_conns.py" --host "$SVC_IP" --port 7 "$@"
}

# ================================================================== the test
[[ -x $FP_BIN ]] || fp_fail "no binary at $FP_BIN: build first (meson setup build && ninja -C build)"
topo_up
brokers_up
app_start 0
app_start 1
for i in 0 1; do
	fp__wait_for 30 app_answers $i || fp_fail "appliance $i never answered ping on $(rt_if $i)"
done
fp_log "ok: both appliances answer $SVC_IP on their own link"
for i in 0 1; do
	fp__wait_for 10 central_has "^fastpath/${NODES[$i]}/status online" ||
		fp_fail "central broker never saw ${NODES[$i]} online"
done
fp_log "ok: central broker sees both appliances online (through the bridges)"

# --- ECMP spreads connections by source port ---------------------------------------
N=64
out=$(fp_echo --port 7 --conns $N --bytes 4096 --timeout 60) ||
	fp_fail "$N x 4 KiB through the router: $out"
fp_log "ok: $N connections echoed through the ECMP route: $out"
f0=$(app_counter 0 flows_opened)
f1=$(app_counter 1 flows_opened)
fp_log "flows_opened: appliance 0 $f0, appliance 1 $f1"
fp_assert_eq "flows over both appliances" $N $((f0 + f1))
fp_assert_ge "flows on appliance 0" 1 "$f0"
fp_assert_ge "flows on appliance 1" 1 "$f1"
fp_assert_eq "bytes echoed over both" $((N * 4096)) \
	$(($(app_counter 0 tcp_bytes_echoed) + $(app_counter 1 tcp_bytes_echoed)))

# --- telemetry fan-in: the central broker has both appliances' own counters -----------
for i in 0 1; do
	fp__wait_for 10 central_agrees $i flows_opened ||
		fp_fail "central broker's ${NODES[$i]} document disagrees with its socket (flows_opened)"
	doc=$(central_stats "${NODES[$i]}")
	fp_assert_eq "central: ${NODES[$i]} document node, target" "${NODES[$i]} dpdk" \
		"$(fp_jget "$doc" "r['node'] + ' ' + r['target']")"
done
fp_log "ok: central broker's documents match each appliance's counters"

if [[ -n ${FP_SCALE_HOLD:-} ]]; then
	fp_log "holding the topology (docs/SCALING.md has commands to try); press Enter to go on"
	fp_log "  appliance sockets: $FP_WORK/app0.sock $FP_WORK/app1.sock"
	fp_log "  central broker: 127.0.0.1:$MQ_CENTRAL, edge brokers: ${MQ_EDGE[*]}"
	read -r _ || true
fi

# --- a member fails -----------------------------------------------------------------
rm -f "$FP_WORK/held" "$FP_WORK/go"
hold --conns 16 --ready "$FP_WORK/held" --go "$FP_WORK/go" --timeout 5 >"$FP_WORK/hold.out" 2>&1 &
HOLD_PID=$!
fp_on_exit "kill $HOLD_PID"
fp__wait_for 15 test -s "$FP_WORK/held" || fp_fail "held connections: $(cat "$FP_WORK/hold.out")"
on0=$(app_flow_ports 0 | sort)
on1=$(app_flow_ports 1 | sort)
fp_assert_ge "held flows on appliance 0" 1 "$(grep -c . <<<"$on0")"
fp_assert_ge "held flows on appliance 1" 1 "$(grep -c . <<<"$on1")"

kill -KILL "${APP_PID[0]}"
wait "${APP_PID[0]}" 2>/dev/null || true
APP_PID[0]=
fp__wait_for 10 central_has "^fastpath/${NODES[0]}/status offline" ||
	fp_fail "no last will of ${NODES[0]} at the central broker after SIGKILL"
fp_log "ok: SIGKILL of appliance 0: its last will 'offline' reached the central broker"
fp_assert_eq "retained status of ${NODES[0]} at the central broker" offline \
	"$(mosquitto_sub -h 127.0.0.1 -p $MQ_CENTRAL -t "fastpath/${NODES[0]}/status" --retained-only -C 1 -W 3)"
fp_assert_eq "retained status of ${NODES[1]} at the central broker" online \
	"$(mosquitto_sub -h 127.0.0.1 -p $MQ_CENTRAL -t "fastpath/${NODES[1]}/status" --retained-only -C 1 -W 3)"
# Had the whole host gone, its broker could not have sent that will; the
# bridge's own last will says so instead.
fp_broker_stop "${NODES[0]}"
fp__wait_for 10 central_has "^bridge/${NODES[0]}/state 0" ||
	fp_fail "no bridge state 0 for ${NODES[0]} at the central broker after its broker died"
fp_log "ok: SIGKILL of edge broker 0: the central broker has bridge/${NODES[0]}/state 0"

# Until the router stops using it, the dead member black-holes its share.
# Within the first SYN's 1 s RTO: a retransmitted SYN gets a new flow hash
# (the kernel rehashes on RTO, TcpExtTcpTimeoutRehash), so half the lost
# connects would find the live nexthop, and 16 of them all got through in
# about one run in a hundred. Without the retransmission each of 32
# connects is lost with probability 1/2.
p=$(hold --conns 32 --probe --timeout 0.8) || fp_fail "probe: $p"
fp_assert_ge "new connects lost while the dead nexthop is in the route" 1 "$(fp_jget "$p" "r['failed']")"

route_withdraw 0
fp_log "withdrew the nexthop of appliance 0: $(rt ip route show "$SVC_IP")"
touch "$FP_WORK/go"
wait "$HOLD_PID" || fp_fail "held connections: $(cat "$FP_WORK/hold.out")"
res=$(cat "$FP_WORK/hold.out")
# Flows that lived on the dead member now reach the survivor, which has no
# state for them and answers RST; the survivor's own flows carry on.
"$FP_PY" - "$res" "$on0" "$on1" <<'EOF' || fp_fail "held connections after the withdrawal: $res"
import json, sys
out = json.loads(sys.argv[1])["outcome"]
on0, on1 = sys.argv[2].split(), sys.argv[3].split()
assert sorted(on0 + on1) == sorted(out), ("ports", on0, on1, sorted(out))
bad = {p: out[p] for p in on0 if out[p] != "reset"}
bad.update({p: out[p] for p in on1 if out[p] != "echoed"})
assert not bad, bad
EOF
fp_log "ok: the dead member's $(grep -c . <<<"$on0") flows were reset by the survivor; its own $(grep -c . <<<"$on1") kept echoing"

before=$(app_counter 1 flows_opened)
out=$(fp_echo --port 7 --conns 32 --bytes 4096 --timeout 60) ||
	fp_fail "new connections after the withdrawal: $out"
fp_assert_eq "new flows, all on the survivor" 32 $(($(app_counter 1 flows_opened) - before))

rc=0
app_stop 1 || rc=$?
fp_assert_eq "survivor's exit status after SIGTERM" 0 "$rc"
fp_log "PASS"
