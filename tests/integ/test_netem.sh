#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# TCP over an impaired link, both directions (so our retransmission and the
# client's are both exercised): 8 connections each echo FP_NETEM_MB (default
# 64) MiB byte-exact to a clean close. The impairment comes from impair.c,
# a userspace relay, because the CI kernel has no sch_netem.
#
#   test_netem.sh loss      2% loss each way
#   test_netem.sh reorder   25% of frames held back past the next, 1% duplicated
set -euo pipefail
mode=${1:?usage: test_netem.sh loss|reorder}
FP_TEST=nm-$mode
. "$(dirname "$0")/lib.sh"
fp_require_root ping
mib=${FP_NETEM_MB:-64}

case $mode in
loss) impair=(--loss 2 --seed 11) ;;
reorder) impair=(--reorder 25 --dup 1 --hold-us 500 --seed 12) ;;
*) fp_fail "unknown mode $mode" ;;
esac

fp_topo_impaired "${impair[@]}"
fp_start_app
start=$SECONDS
out=$(fp_echo --port 7 --conns 8 --bytes $((mib << 20)) --seed 4 --timeout 900) ||
	fp_fail "8 x $mib MiB over '${impair[*]}': $out"
fp_log "ok: 8 x $mib MiB byte-exact over '${impair[*]}' in $((SECONDS - start)) s: $out"
# The client is done once it has its bytes, but our side of a close may still
# be retransmitting its FIN (the peer's last ACK was lost): the impaired link
# stays up until every flow has closed.
flows_open() { fp_jget "$("${FPCTL[@]}" --json stats)" "r['stats']['total']['flows_open']"; }
fp__wait_for 60 eval '(($(flows_open) == 0))' ||
	fp_fail "$(flows_open) flows still open 60 s after the echo ended"
fp_impair_stop
report=$(grep -- '->.*frames' "$FP_WORK/impair.log")
fp_log "$report"

sleep 0.5
rc=0
fp_stop_app || rc=$?
fp_assert_eq "exit status after SIGTERM" 0 "$rc"
fp_assert_eq "flows_opened" 8 "$(fp_summary_counter flows_opened)"
fp_assert_eq "flows_closed" 8 "$(fp_summary_counter flows_closed)"
fp_assert_eq "tcp_bytes_echoed" $(((mib << 20) * 8)) "$(fp_summary_counter tcp_bytes_echoed)"
if [[ $mode == loss ]]; then
	dropped=$(awk '{s += $6} END {print s + 0}' <<<"$report")
	fp_assert_ge "frames the relay dropped" 100 "$dropped"
	fp_assert_ge "tcp_retransmits (our lost segments were resent)" 1 "$(fp_summary_counter tcp_retransmits)"
else
	reordered=$(awk '{s += $10} END {print s + 0}' <<<"$report")
	fp_assert_ge "frames the relay reordered" 100 "$reordered"
	fp_assert_ge "tcp_ooo_segs (reordering reached us)" 1 "$(fp_summary_counter tcp_ooo_segs)"
fi
fp_log "PASS"
