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

fp_expect_echo_service 64

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
