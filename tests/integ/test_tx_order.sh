#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The appliance sends a flow's segments in the order it made them. One bulk
# connection with a window wide enough that one ACK releases several
# segments: some are built in new mbufs, some in place of a received frame,
# in the same burst. Over a clean veth the kernel client then sees no
# segment out of order (TcpExtTCPOFOQueue) and no duplicate (the D-SACKs it
# sends, TcpExtTCPDSACKOldSent), and the appliance needs no fast retransmit.
# inline: the default pipeline (rx answers the burst itself); nodes: a node
# per stage (rx.deliver = nodes), where tcp_echo queues its replies.
#
#   test_tx_order.sh inline|nodes
set -euo pipefail
mode=${1:?usage: test_tx_order.sh inline|nodes}
FP_TEST=txo-$mode
. "$(dirname "$0")/lib.sh"
fp_require_root ping nstat
BYTES=$((48 << 20))

fp_topo_veth
fp_cfg_set tcp buffer_size 262144
if [[ $mode == nodes ]]; then
	printf '%s\n' '[lcores all]' 'stages = rx arp icmp tcp_echo tx' 'rx.deliver = nodes' \
		>"$FP_WORK/nodes.pipeline"
	fp_cfg_set dpdk pipeline "$FP_WORK/nodes.pipeline"
fi
fp_start_app

client_counter() { # <nstat name>: its value in the client namespace
	fp_ns nstat -asz "$1" | awk -v k="$1" '$1 == k {print $2; f=1} END {if (!f) print 0}'
}
ofo0=$(client_counter TcpExtTCPOFOQueue)
dup0=$(client_counter TcpExtTCPDSACKOldSent)
out=$(fp_echo --port 7 --conns 1 --bytes $BYTES --chunk 65536 --seed 3 --timeout 120) ||
	fp_fail "bulk echo: $out"
fp_log "ok: $BYTES bytes echoed: $out"
ofo=$(($(client_counter TcpExtTCPOFOQueue) - ofo0))
dup=$(($(client_counter TcpExtTCPDSACKOldSent) - dup0))

rc=0
fp_stop_app || rc=$?
fp_assert_eq "exit status after SIGTERM" 0 "$rc"
fp_assert_eq "tcp_bytes_echoed" $BYTES "$(fp_summary_counter tcp_bytes_echoed)"
fp_assert_eq "segments the client received out of order" 0 "$ofo"
fp_assert_eq "duplicate segments the client reported (D-SACK)" 0 "$dup"
fr=$(fp_summary_counter tcp_fast_retransmits)
fp_assert_eq "tcp_fast_retransmits" 0 "${fr:-0}"
fp_log "PASS"
