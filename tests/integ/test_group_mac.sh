#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# RFC 1122 3.3.6 through the real binary: pings and SYNs from the broadcast
# or a multicast source MAC, and unicast ones sent to the broadcast MAC, get
# no answer; drop_eth_src_group and drop_ip4_link_bcast move by exactly the
# frames sent and no flow opens. ARP (broadcast requests), ping and echo
# still work afterwards.
set -euo pipefail
FP_TEST=grpmac
. "$(dirname "$0")/lib.sh"
fp_require_root ping
"$FP_PY" -c 'import scapy' 2>/dev/null || fp_fail "python3-scapy missing: run tests/run.sh"

total() { fp_jget "$("${FPCTL[@]}" --json stats)" "r['stats']['total']['$1']"; }

fp_topo_veth
fp_start_app
mac=$(fp_ns ip neigh show "$FP_APP_IP" dev "$FP_PEER_DEV" | awk '/lladdr/ {print $3}')
src_mac=$(fp_ns cat "/sys/class/net/$FP_PEER_DEV/address")
grp0=$(total drop_eth_src_group)
bc0=$(total drop_ip4_link_bcast)
flows0=$(total flows_opened)
icmp0=$(total icmp_echo_replies)

out=$(fp_ns "$FP_PY" "$FP_SRC/tests/integ/group_mac.py" --iface "$FP_PEER_DEV" --dst-mac "$mac" \
	--src-mac "$src_mac" --dst "$FP_APP_IP" --src "$FP_PEER_IP" --count 10) ||
	fp_fail "group_mac.py: $out"
fp_log "sent: $out"
fp_assert_eq "answers to group-MAC probes" 0 "$(fp_jget "$out" "r['answers']")"
fp_assert_eq "drop_eth_src_group (pings + SYNs from ff:ff:ff:ff:ff:ff and 01:00:5e:00:00:01)" \
	"$(fp_jget "$out" "r['sent']['drop_eth_src_group']")" $(($(total drop_eth_src_group) - grp0))
fp_assert_eq "drop_ip4_link_bcast (unicast pings + SYNs to ff:ff:ff:ff:ff:ff)" \
	"$(fp_jget "$out" "r['sent']['drop_ip4_link_bcast']")" $(($(total drop_ip4_link_bcast) - bc0))
fp_assert_eq "flows opened by the probes" 0 $(($(total flows_opened) - flows0))
fp_assert_eq "echo replies to the probes" 0 $(($(total icmp_echo_replies) - icmp0))

# ARP after a neighbour flush, ping, echo and a closed port still work.
fp_expect_echo_service 4
rc=0
fp_stop_app || rc=$?
fp_assert_eq "exit status" 0 "$rc"
fp_log "PASS"
