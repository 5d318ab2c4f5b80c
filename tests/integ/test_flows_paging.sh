#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# A flow listing over a table of 100k flows (half-open ones from spoofed SYNs,
# syn_cookies off) does not stall the management plane: status is answered,
# with the listing's page request in flight, before the listing's reply
# arrives -- checked by the order of the replies, not by time. The listing
# is complete (total from the flow count, every flow walked once), and one
# that has found more than its limit stops after its first page.
set -euo pipefail
FP_TEST=flowpage
. "$(dirname "$0")/lib.sh"
fp_require_root ping
N=100000

fp_topo_veth
fp_cfg_set tcp max_flows 110000
# A half-open flow holds a working record (its SYN-ACK timer): one for each.
fp_cfg_set tcp active_flows 110000
fp_cfg_set tcp buffer_size 1024
fp_cfg_set tcp syn_cookies off
# No SYN-ACK retransmission storm while the test runs: the first retry is a minute away.
fp_cfg_set tcp rto_initial_ms 60000
fp_start_app
total() { fp_jget "$("${FPCTL[@]}" --json stats)" "r['stats']['total']['$1']"; }
requests() { fp_jget "$("${FPCTL[@]}" --json status)" "r['mgmt']['worker_requests']"; }

mac=$(fp_ns ip neigh show "$FP_APP_IP" dev "$FP_PEER_DEV" | awk '/lladdr/ {print $3}')
src_mac=$(fp_ns cat "/sys/class/net/$FP_PEER_DEV/address")
have_all() { (($(total flows_open) >= N)); }
# A SYN the receive ring dropped (the CPU is shared) is sent again: the same
# SYNs once more only retransmit SYN-ACKs for the flows that exist.
for try in 1 2 3; do
	fp_ns "$FP_PY" "$FP_SRC/tests/integ/synflood.py" --iface "$FP_PEER_DEV" --dst-mac "$mac" \
		--src-mac "$src_mac" --dst "$FP_APP_IP" --count $N --unique >"$FP_WORK/flood.out" ||
		fp_fail "synflood.py: $(cat "$FP_WORK/flood.out")"
	fp__wait_for 5 have_all && break
	fp_log "round $try: $(total flows_open) of $N flows; sending the SYNs again"
done
have_all || fp_fail "only $(total flows_open) of $N flows after three rounds of SYNs"
fp_assert_eq "half-open flows" $N "$(total flows_open)"

# A listing that matches none of them walks all of them.
out=$("$FP_PY" "$FP_SRC/tests/integ/mgmt_order.py" "$FP_SOCK" \
	'{"cmd":"flows","state":"ESTABLISHED","limit":10}') || fp_fail "mgmt_order.py: $out"
fp_log "listing: $out"
fp_assert_ge "status replies that arrived before the listing's reply" 1 \
	"$(fp_jget "$out" "r['status_before']")"
fp_assert_ge "of those, answered while a page request was in flight" 1 \
	"$(fp_jget "$out" "r['in_flight_before']")"
fp_assert_eq "listing ok" True "$(fp_jget "$out" "r['long']['ok']")"
fp_assert_eq "listing total (the flow count)" $N "$(fp_jget "$out" "r['long']['total']")"
fp_assert_eq "listing matched" 0 "$(fp_jget "$out" "r['long']['matched']")"
fp_assert_eq "listing complete" "False None" \
	"$(fp_jget "$out" "r['long']['truncated'], r['long'].get('workers_not_answering')" | tr -d '(),')"

# Every flow is walked once: the same listing over SYN_RECEIVED matches all of them.
r0=$(requests)
f=$("${FPCTL[@]}" --json flows --state SYN_RECEIVED --limit 1)
r1=$(requests)
fp_assert_eq "SYN_RECEIVED listing: returned" 1 "$(fp_jget "$f" "r['returned']")"
fp_assert_eq "SYN_RECEIVED listing: truncated" True "$(fp_jget "$f" "r['truncated']")"
# ... and stops with its first page: more than its limit matched there.
fp_assert_eq "requests for a listing with limit 1" 1 $((r1 - r0))
# The full walk: 512 flows a page, nothing read twice; at most two more pages
# for the free slots after the last flow (a page looks at 16 slots per flow).
r0=$(requests)
"${FPCTL[@]}" --json flows --remote 192.0.2.1 >/dev/null
pages=$(($(requests) - r0))
fp_assert_ge "pages for a walk of $N flows" $(((N + 511) / 512)) $pages
fp_assert_ge "pages beyond one per 512 flows, at most 2" 0 $(((N + 511) / 512 + 2 - pages))

"${FPCTL[@]}" shutdown --timeout-ms 0 | grep -q draining || fp_fail "shutdown not acknowledged"
rc=0
fp_wait_app_exit 20 || rc=$?
fp_assert_eq "exit status" 0 "$rc"
fp_log "PASS"
