#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# No connection open, fastpath and the Linux stack must answer alike, case by
# case, every TCP flag combination a scanner or a confused peer sends (none,
# FIN, FIN+PSH+URG, ACK, SYN, SYN+FIN, RST, ... with and without data), to a
# closed port and to the listening port: a RST with the same SEQ and ACK, a
# SYN-ACK, or nothing (RFC 9293 3.10.7.1 and 3.10.7.2). The client namespace
# reaches fastpath on one veth and, on a second one, a namespace this test
# creates where a Linux socket listens on the same port.
set -euo pipefail
FP_TEST=rstcmp
. "$(dirname "$0")/lib.sh"
fp_require_root ping
"$FP_PY" -c 'import scapy' 2>/dev/null || fp_fail "python3-scapy missing: run tests/run.sh"
LINUX_NS=fpl-$FP_TEST
LINUX_IP=198.18.1.1
CLIENT_IP2=198.18.1.2
IF_C=fc-$FP_TEST # client side of the Linux link
IF_L=fl-$FP_TEST # Linux side

fp_topo_veth
fp_start_app

# The Linux peer: its own namespace, a veth to the client, a socket that
# listens on port 7 and never accepts (port 9 stays closed).
ip netns del "$LINUX_NS" 2>/dev/null || true
ip netns add "$LINUX_NS"
fp_on_exit "ip netns del $LINUX_NS"
ip link del "$IF_C" 2>/dev/null || true
ip link add "$IF_C" type veth peer name "$IF_L"
fp_on_exit "ip link del $IF_C"
ip link set "$IF_C" netns "$FP_NS"
ip link set "$IF_L" netns "$LINUX_NS"
fp__quiet_if "$FP_NS" "$IF_C"
fp__quiet_if "$LINUX_NS" "$IF_L"
ip netns exec "$LINUX_NS" ip link set lo up
ip netns exec "$LINUX_NS" ip addr add "$LINUX_IP/24" dev "$IF_L"
ip netns exec "$LINUX_NS" ip link set "$IF_L" up
fp_ns ip addr add "$CLIENT_IP2/24" dev "$IF_C"
fp_ns ip link set "$IF_C" up
ip netns exec "$LINUX_NS" "$FP_PY" -c '
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], 7))
s.listen(64)
time.sleep(600)' "$LINUX_IP" &
listener=$!
fp_on_exit "kill $listener"
fp__wait_for 10 fp__port_listening 7 "$LINUX_NS" || fp_fail "the Linux listener did not start"
fp_ns ping -c 1 -W 2 "$LINUX_IP" >/dev/null || fp_fail "no route to the Linux namespace"

probe() { # <iface> <src ip> <dst ip> <output file>
	local mac src_mac
	mac=$(fp_ns ip neigh show "$3" dev "$1" | awk '/lladdr/ {print $3}')
	src_mac=$(fp_ns cat "/sys/class/net/$1/address")
	[[ -n $mac ]] || fp_fail "no neighbour entry for $3 on $1"
	fp_ns "$FP_PY" "$FP_SRC/tests/integ/flags_probe.py" --iface "$1" --src "$2" --src-mac "$src_mac" \
		--dst "$3" --dst-mac "$mac" --listen-port 7 --closed-port 9 >"$4" ||
		fp_fail "flags_probe.py against $3 failed: $(cat "$4")"
}
probe "$FP_PEER_DEV" "$FP_PEER_IP" "$FP_APP_IP" "$FP_WORK/fastpath.json"
probe "$IF_C" "$CLIENT_IP2" "$LINUX_IP" "$FP_WORK/linux.json"

"$FP_PY" - "$FP_WORK/fastpath.json" "$FP_WORK/linux.json" <<'EOF' || fp_fail "fastpath and Linux answer differently (above)"
import json, sys
fp = json.load(open(sys.argv[1]))
lx = json.load(open(sys.argv[2]))
bad = 0
print(f"{'case':28} {'fastpath':24} linux")
for case in sorted(lx):
    mark = "" if fp.get(case) == lx[case] else "   <-- differs"
    bad += bool(mark)
    print(f"{case:28} {fp.get(case, '?'):24} {lx[case]}{mark}")
# The capture must work at all: Linux answers each of these.
for case, want in (("closed none", "RA seq=0 ack=seq+0"), ("listen SYN", "SA seq=isn ack=seq+1"),
                   ("closed ACK", "R seq=ack")):
    if lx.get(case) != want:
        print(f"harness check: Linux answered '{case}' with {lx.get(case)}, expected {want}")
        bad += 1
sys.exit(1 if bad else 0)
EOF
fp_log "ok: fastpath and Linux answered all $(fp_jget "$(cat "$FP_WORK/linux.json")" "len(r)") cases alike"

rc=0
fp_stop_app || rc=$?
fp_assert_eq "exit status after SIGTERM" 0 "$rc"
fp_log "PASS"
