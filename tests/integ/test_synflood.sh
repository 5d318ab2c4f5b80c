#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# A SYN flood (100k spoofed SYNs) while 16 established connections keep
# echoing verified data: the flow table never passes its cap, SYN cookies
# absorb the flood, and the counters say what was done.
set -euo pipefail
FP_TEST=synflood
. "$(dirname "$0")/lib.sh"
fp_require_root ping
N_SYN=${FP_SYNFLOOD_COUNT:-100000}
CAP=256

fp_topo_veth
fp_cfg_set tcp max_flows $CAP
fp_cfg_set tcp syn_cookies auto
fp_start_app
flows_open() {
	"${FPCTL[@]}" --json stats | "$FP_PY" -c 'import json,sys; print(json.load(sys.stdin)["stats"]["total"]["flows_open"])'
}

mac=$(fp_ns ip neigh show "$FP_APP_IP" dev "$FP_PEER_DEV" | awk '/lladdr/ {print $3}')
src_mac=$(fp_ns cat "/sys/class/net/$FP_PEER_DEV/address")

# 16 echo connections that outlive the flood: 16 x 64 MiB in 4 KiB sends.
fp_echo --port 7 --conns 16 --bytes $((64 << 20)) --chunk 4096 --seed 6 --timeout 600 \
	>"$FP_WORK/echo.json" 2>&1 &
echo_pid=$!
fp_on_exit "kill $echo_pid"
sleep 0.3

fp_ns "$FP_PY" "$FP_SRC/tests/integ/synflood.py" --iface "$FP_PEER_DEV" --dst-mac "$mac" \
	--src-mac "$src_mac" --dst "$FP_APP_IP" --count "$N_SYN" >"$FP_WORK/flood.out" &
flood_pid=$!
fp_on_exit "kill $flood_pid"
max_seen=0
while kill -0 $flood_pid 2>/dev/null; do
	n=$(flows_open)
	((n > max_seen)) && max_seen=$n
	sleep 0.2
done
wait $flood_pid || fp_fail "synflood.py failed"
kill -0 $echo_pid 2>/dev/null || fp_fail "the echo run ended before the flood did: make it longer"
fp_log "flood done: $(cat "$FP_WORK/flood.out") SYNs sent; flows_open peaked at $max_seen"
wait $echo_pid || fp_fail "echo during the flood: $(cat "$FP_WORK/echo.json")"
fp_log "ok: 16 x 64 MiB echoed byte-exact during the flood: $(cat "$FP_WORK/echo.json")"
fp_assert_ge "flow table cap ($CAP) minus the peak seen" 0 $((CAP - max_seen))

# Echo still works for new clients after the flood.
out=$(fp_echo --port 7 --conns 4 --bytes 65536 --seed 7 --timeout 30) || fp_fail "echo after the flood: $out"

rc=0
fp_stop_app || rc=$?
fp_assert_eq "exit status after SIGTERM" 0 "$rc"
cookies=$(fp_summary_counter tcp_syn_cookies_sent)
refused=$(fp_summary_counter flows_refused)
fp_log "counters: tcp_syn_cookies_sent=$cookies flows_refused=$refused flows_opened=$(fp_summary_counter flows_opened)"
fp_assert_ge "SYNs answered by cookie or refused" $((N_SYN / 2)) $((cookies + refused))
# syn_cookies=auto: the first flood SYNs take half-open entries until the
# threshold, the rest are answered statelessly.
fp_assert_ge "flood SYNs that got no state" $((N_SYN - CAP)) $((N_SYN + 20 - $(fp_summary_counter flows_opened)))
fp_log "PASS"
