#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Malformed frames from the client namespace (scapy) are each counted under
# their own drop reason, and the appliance keeps serving ping and echo after.
#
#   test_hostile.sh veth|tap
set -euo pipefail
topo=${1:?usage: test_hostile.sh veth|tap}
FP_TEST=hostile-$topo
. "$(dirname "$0")/lib.sh"
fp_require_root ping
"$FP_PY" -c 'import scapy' 2>/dev/null || fp_fail "python3-scapy missing: run tests/run.sh"

frag_opt=()
case $topo in
veth) fp_topo_veth && frag_opt=(--no-fragments) ;; # see hostile.py on fanout defrag
tap) fp_topo_tap ;;
*) fp_fail "unknown topology $topo" ;;
esac
fp_start_app
mac=$(fp_ns ip neigh show "$FP_APP_IP" dev "$FP_PEER_DEV" | awk '/lladdr/ {print $3}')
src_mac=$(fp_ns cat "/sys/class/net/$FP_PEER_DEV/address")
sent=$(fp_ns "$FP_PY" "$FP_SRC/tests/integ/hostile.py" --iface "$FP_PEER_DEV" \
	--dst-mac "$mac" --src-mac "$src_mac" --dst "$FP_APP_IP" --src "$FP_PEER_IP" --count 25 "${frag_opt[@]}") ||
	fp_fail "hostile.py failed: $sent"

out=$(fp_echo --port 7 --conns 16 --bytes 32768 --timeout 60) || fp_fail "echo after hostile frames: $out"
fp_log "ok: echo still byte-exact after hostile frames: $out"
fp_ns ping -c 3 -i 0.2 -W 2 "$FP_APP_IP" >/dev/null || fp_fail "ping after hostile frames"

rc=0
fp_stop_app || rc=$?
fp_assert_eq "exit status after SIGTERM" 0 "$rc"
# The random tail adds to some counters, so each named case is a lower bound.
while read -r counter n; do
	fp_assert_ge "$counter" "$n" "$(fp_summary_counter "$counter")"
done <<<"$sent"
fp_log "PASS"
