#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# `fpctl shutdown` drains a connection that has been idle for longer than
# [tcp] time_wait_ms: the client gets our FIN, closes in turn, and no RST is
# sent (the closing linger starts when our FIN goes out, not at the flow's
# last segment); the drain then reports success and fastpath exits 0. The
# client is 10 ms away (impair --delay-us), so its ACK of our FIN cannot
# overtake a timer that fires a millisecond after the FIN.
set -euo pipefail
FP_TEST=drainidle
. "$(dirname "$0")/lib.sh"
fp_require_root ping
IDLE_S=3 # > time_wait_ms (2000 in cfg/fastpath.conf)

fp_topo_impaired --delay-us 5000
fp_cfg_set tcp time_wait_ms 2000
fp_start_app

fp_ns "$FP_PY" "$FP_SRC/tests/integ/idle_client.py" --host "$FP_APP_IP" --port 7 --timeout 20 \
	>"$FP_WORK/client.out" 2>&1 &
client=$!
fp_on_exit "kill $client"
fp__wait_for 10 grep -q '^ready$' "$FP_WORK/client.out" || fp_fail "client: $(cat "$FP_WORK/client.out")"
sleep "$IDLE_S"
fp_assert_eq "flows open before the drain" 1 \
	"$(fp_jget "$("${FPCTL[@]}" --json stats)" "r['stats']['total']['flows_open']")"

"${FPCTL[@]}" shutdown --timeout-ms 10000 | grep -q draining || fp_fail "shutdown not acknowledged"
wait "$client" || fp_fail "client: $(cat "$FP_WORK/client.out")"
fp_log "ok: client: $(tail -n 1 "$FP_WORK/client.out")"

rc=0
fp_wait_app_exit 20 || rc=$?
fp_assert_eq "exit status after fpctl shutdown" 0 "$rc"
grep -q 'drained, stopping' "$FP_LOG" || fp_fail "the drain did not report success"
fp_log "ok: the drain reported success"
fp_assert_eq "tcp_rst_sent" 0 "$(fp_summary_counter tcp_rst_sent)"
fp_assert_eq "flows_timed_out" 0 "$(fp_summary_counter flows_timed_out)"
fp_assert_eq "flows_reset" 0 "$(fp_summary_counter flows_reset)"
fp_assert_eq "flows_closed" 1 "$(fp_summary_counter flows_closed)"
fp_impair_stop
fp_log "PASS"
