#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# SIGTERM drains, through the real binary: (1) open connections get the
# appliance's FIN, close cleanly, and the process exits 0 once none is open;
# (2) a connection that cannot drain (its client never reads) holds the exit
# back only for the drain bound; (3) a second SIGTERM during that drain
# stops at once, before the bound, with the flow still open.
set -euo pipefail
FP_TEST=signal
. "$(dirname "$0")/lib.sh"
fp_require_root ping
K=3

fp_topo_veth
# A short TIME_WAIT: the drain ends when the last flow leaves it.
fp_cfg_set tcp time_wait_ms 1000 # the minimum the config accepts

# Start the appliance with its own log and a holder of $1 connections
# (extra hold.py options follow); wait until they are established.
start_with_holder() { # <part> <conns> [hold.py options]
	local part=$1 conns=$2
	shift 2
	FP_LOG=$FP_WORK/sut-$part.log
	ctl=$FP_WORK/hold-$part
	mkdir -p "$ctl"
	fp_start_app
	fp_ns_bg "$FP_PY" "$FP_SRC/tests/integ/hold.py" "$FP_APP_IP" "$conns" "$ctl" "$@" \
		>"$ctl.log" 2>&1
	holder=$!
	fp_on_exit "kill $holder"
	fp__wait_for 15 test -e "$ctl/ready" || fp_fail "holder never got ready: $(cat "$ctl.log")"
}

draining() { [[ $(fp_jget "$("${FPCTL[@]}" --json status)" "r['draining']") == True ]]; }

# --- 1: SIGTERM drains open connections, then exits 0 -----------------------------
start_with_holder clean $K
echo eof >"$ctl/release"
kill -TERM "$FP_PID"
rc=0
fp_wait_app_exit 20 || rc=$?
wait "$holder" || fp_fail "holder: $(cat "$ctl.log")"
fp_assert_eq "exit status after SIGTERM" 0 "$rc"
fp_assert_eq "holder saw the appliance's FIN on every connection" "eof $K" "$(cat "$ctl.log")"
grep -q "SIGTERM: draining $K flows" "$FP_LOG" || fp_fail "no drain started by SIGTERM in the log"
grep -q "drained, stopping" "$FP_LOG" || fp_fail "the drain did not complete"
fp_assert_eq "flows_open at exit" 0 "$(fp_summary_counter flows_open)"
fp_assert_eq "flows_reset at exit" 0 "$(fp_summary_counter flows_reset)"
fp_assert_eq "flows ended cleanly" $K \
	$(($(fp_summary_counter flows_closed) + $(fp_summary_counter flows_timed_out)))

# --- 2: a flow that cannot drain holds the exit only for the bound ---------------------
start_with_holder bound 1 --stall
kill -TERM "$FP_PID"
rc=0
fp_wait_app_exit 20 || rc=$?
fp_assert_eq "exit status after a timed-out drain" 0 "$rc"
grep -q "drain timed out with 1 flows open, stopping anyway" "$FP_LOG" ||
	fp_fail "the drain was not bounded"
fp_assert_eq "flows_open at exit (the stalled flow)" 1 "$(fp_summary_counter flows_open)"
kill "$holder" 2>/dev/null || true

# --- 3: a second SIGTERM during the drain stops at once --------------------------------
start_with_holder twice 1 --stall
kill -TERM "$FP_PID"
fp__wait_for 10 draining || fp_fail "status never said draining after SIGTERM"
fp_log "ok: draining after the first SIGTERM"
kill -TERM "$FP_PID"
rc=0
fp_wait_app_exit 20 || rc=$?
fp_assert_eq "exit status after a second SIGTERM" 0 "$rc"
! grep -q "drain timed out\|drained, stopping" "$FP_LOG" ||
	fp_fail "the second SIGTERM waited for the drain to end"
fp_assert_eq "flows_open at exit (stopped during the drain)" 1 "$(fp_summary_counter flows_open)"
fp_log "PASS"
