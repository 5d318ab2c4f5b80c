#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Two workers: fastpath with worker lcores 1 and 2 (both on CPU 1, the main
# lcore on CPU 0: EAL refuses -l 0-2 on 2 CPUs) and af_packet's qpairs=2,
# whose kernel fanout hashes each flow to one of the two queues. The same
# echo contract as with one worker (ARP, ping, 1 MiB bulk, 64 concurrent
# connections, RST to a closed port), and then: both workers poll, the
# connections spread over both (each worker opened some and closed what it
# opened: a flow never moved queues, or it would have been reset), and the
# per-worker counters add up to the totals. Oversubscribed on purpose:
# correctness and spread, not speed.
set -euo pipefail
FP_TEST=workers
. "$(dirname "$0")/lib.sh"
fp_require_root ping

fp_topo_veth
FP_VDEV+=,qpairs=2
FP_EAL_LCORES=(--lcores 0@0,1@1,2@1)
fp_start_app

st=$("${FPCTL[@]}" --json status)
fp_assert_eq "worker lcores" "1 2" "$(fp_jget "$st" "' '.join(str(l['lcore']) for l in r['lcores'])")"
fp_assert_eq "their queues" "0 1" "$(fp_jget "$st" "' '.join(str(l['queue']) for l in r['lcores'])")"

fp_expect_echo_service 64

# Each worker's own counters, read while the appliance runs.
sleep 0.5
stats=$("${FPCTL[@]}" --json stats)
per() { # <counter>: that counter of each worker, space separated
	fp_jget "$stats" "' '.join(str(c['$1']) for c in r['stats']['contexts'])"
}
total() { fp_jget "$stats" "r['stats']['total']['$1']"; }
opened=$(per flows_opened)
closed=$(per flows_closed)
fp_log "flows_opened per worker: $opened; flows_closed: $closed; rx_packets: $(per rx_packets)"
read -r o1 o2 <<<"$opened"
read -r c1 c2 <<<"$closed"
((o1 > 0 && o2 > 0)) || fp_fail "connections did not spread over both workers: flows_opened $opened"
fp_assert_eq "flows opened in all" 65 $((o1 + o2))
fp_assert_eq "worker 1 closed every flow it opened" "$o1" "$c1"
fp_assert_eq "worker 2 closed every flow it opened" "$o2" "$c2"
fp_assert_eq "flows_reset per worker" "0 0" "$(per flows_reset)"
for c in rx_packets tx_packets tcp_bytes_echoed; do
	read -r a b <<<"$(per $c)"
	fp_assert_eq "$c: worker sum = total" "$(total $c)" $((a + b))
done

rc=0
fp_stop_app || rc=$?
fp_assert_eq "exit status after SIGTERM" 0 "$rc"
fp_assert_eq "flows_closed (clean FIN handshakes)" 65 "$(fp_summary_counter flows_closed)"
fp_assert_eq "tcp_bytes_echoed" $(((1 << 20) + 64 * 65536)) "$(fp_summary_counter tcp_bytes_echoed)"
fp_log "PASS"
