#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The appliance end to end from a kernel client in its own namespace:
# ARP resolves, ping is answered, TCP echo is byte-exact on 1 x 1 MiB and
# 64 concurrent connections with clean closes, a port not served gets RST,
# and SIGTERM gives exit 0 with counters that match what we sent.
#
#   test_echo.sh veth|tap
set -euo pipefail
topo=${1:?usage: test_echo.sh veth|tap}
FP_TEST=echo-$topo
. "$(dirname "$0")/lib.sh"
fp_require_root ping

case $topo in
veth) fp_topo_veth ;;
tap) fp_topo_tap ;;
*) fp_fail "unknown topology $topo" ;;
esac
fp_start_app

# ARP: forget what the readiness ping learned, then resolve again.
fp_ns ip neigh flush dev "$FP_PEER_DEV"
fp_ns ping -c 1 -W 2 "$FP_APP_IP" >/dev/null || fp_fail "ping after neigh flush"
mac=$(fp_ns ip neigh show "$FP_APP_IP" dev "$FP_PEER_DEV" | awk '/lladdr/ {print $3}')
[[ $mac =~ ^([0-9a-f]{2}:){5}[0-9a-f]{2}$ ]] || fp_fail "ARP did not resolve $FP_APP_IP (neigh: '$mac')"
fp_log "ok: ARP resolved $FP_APP_IP to $mac"

out=$(fp_ns ping -c 5 -i 0.2 -W 2 "$FP_APP_IP") || fp_fail "ping: $out"
grep -q ' 5 received' <<<"$out" || fp_fail "ping lost replies: $out"
fp_log "ok: 5/5 ping replies"

r1=$(fp_echo --port 7 --conns 1 --bytes $((1 << 20)) --timeout 60) || fp_fail "1 x 1 MiB echo: $r1"
fp_log "ok: 1 x 1 MiB: $r1"
r64=$(fp_echo --port 7 --conns 64 --bytes 65536 --seed 2 --timeout 90) || fp_fail "64 x 64 KiB echo: $r64"
fp_log "ok: 64 x 64 KiB: $r64"

rst=$(fp_echo --port 9 --expect-rst --timeout 5) || fp_fail "closed port: $rst"
fp_log "ok: closed port 9 answered with RST"

# Give the last ACKs of the closes a moment to arrive, then stop cleanly.
sleep 0.5
rc=0
fp_stop_app || rc=$?
fp_assert_eq "exit status after SIGTERM" 0 "$rc"
fp_assert_eq "flows_opened" 65 "$(fp_summary_counter flows_opened)"
fp_assert_eq "flows_closed (clean FIN handshakes)" 65 "$(fp_summary_counter flows_closed)"
fp_assert_eq "tcp_rst_sent (only the closed port)" 1 "$(fp_summary_counter tcp_rst_sent)"
fp_assert_ge "icmp_echo_replies" 6 "$(fp_summary_counter icmp_echo_replies)"
fp_assert_eq "tcp_bytes_echoed" $(((1 << 20) + 64 * 65536)) "$(fp_summary_counter tcp_bytes_echoed)"
fp_log "PASS"
