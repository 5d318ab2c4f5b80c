#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Clients that read slowly get every byte: the appliance applies TCP
# back-pressure (its echo buffer fills, it advertises less window, it probes
# the client's zero window) instead of dropping or buffering without bound.
# Its resident memory stays flat and no flow holds more than buffer_size.
set -euo pipefail
FP_TEST=slowrd
. "$(dirname "$0")/lib.sh"
fp_require_root ping
BUF=16384
CONNS=4
BYTES=$((2 << 20))
RATE=$((512 << 10)) # bytes/s per connection: about 4 s per connection

fp_topo_veth
fp_cfg_set tcp buffer_size $BUF
fp_start_app
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$FP_PID/status"; }

rss0=$(rss_kb)
fp_echo --port 7 --conns $CONNS --bytes $BYTES --read-rate $RATE --seed 8 --timeout 120 \
	>"$FP_WORK/echo.json" 2>&1 &
echo_pid=$!
fp_on_exit "kill $echo_pid"
max_buffered=0
samples=0
while kill -0 $echo_pid 2>/dev/null; do
	b=$("${FPCTL[@]}" --json flows | "$FP_PY" -c \
		'import json,sys; print(max([f["buffered"] for f in json.load(sys.stdin)["flows"]] or [0]))')
	((b > max_buffered)) && max_buffered=$b
	samples=$((samples + 1))
	sleep 0.25
done
wait $echo_pid || fp_fail "slow readers: $(cat "$FP_WORK/echo.json")"
rss1=$(rss_kb)
fp_log "ok: $CONNS slow readers at $RATE B/s got $BYTES bytes each: $(cat "$FP_WORK/echo.json")"
fp_assert_ge "flow samples taken while the readers ran" 4 "$samples"
fp_assert_ge "buffer_size minus the most any flow held ($max_buffered)" 0 $((BUF - max_buffered))
fp_assert_ge "some flow filled its buffer (back-pressure reached us)" $((BUF / 2)) "$max_buffered"
fp_log "RSS before $rss0 KiB, after $rss1 KiB"
fp_assert_ge "RSS growth under 4 MiB" 0 $((4096 - (rss1 - rss0)))

rc=0
fp_stop_app || rc=$?
fp_assert_eq "exit status after SIGTERM" 0 "$rc"
fp_assert_eq "tcp_bytes_echoed" $((CONNS * BYTES)) "$(fp_summary_counter tcp_bytes_echoed)"
fp_log "PASS"
