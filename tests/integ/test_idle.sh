#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Idle polling on the real binary. With [dpdk] idle = adaptive an idle worker
# sleeps (its idle_sleeps counter in `fpctl status` grows, each sleep at
# most 100 us and no more sleep asked for than time passed), still answers
# the first ping and serves echo traffic, and `config set dpdk.idle poll`
# stops the sleeping at once (the counter stands still) until adaptive is set
# again. How much CPU it saves and what it costs in latency is measured by
# tools/bench/run.sh, not asserted here.
set -euo pipefail
FP_TEST=idle
. "$(dirname "$0")/lib.sh"
fp_require_root ping

fpctl_json() { "${FPCTL[@]}" --json "$@"; }
worker() { # <member>: of the one worker in `fpctl status`
	fp_jget "$(fpctl_json status)" "r['lcores'][0]['$1']"
}

fp_topo_veth
fp_write_config
fp_cfg_set dpdk idle adaptive
fp_start_app

fp_assert_eq "worker idle mode" adaptive "$(worker idle)"
st1=$(fpctl_json status)
sleep 0.5
st2=$(fpctl_json status)
# Over the window between the two replies: how many sleeps, their asked-for
# total and the wall time (the uptime in each reply).
read -r n slept wall < <("$FP_PY" -c 'import json, sys
a, b = (json.loads(x) for x in sys.argv[1:])
d = lambda k: b["lcores"][0][k] - a["lcores"][0][k]
print(d("idle_sleeps"), d("idle_sleep_us"), (b["uptime_ms"] - a["uptime_ms"]) * 1000)' "$st1" "$st2")
fp_log "idle window: $n sleeps, $slept us asked for, $wall us of wall time"
# A loaded machine gives fewer; an idle one about one per 100 us.
fp_assert_ge "sleeps in 0.5 s idle" 100 "$n"
# Bounded: none longer than 100 us, and no more sleeping than time passed
# (sleeps that return early would add up to more).
((slept <= 100 * n)) || fp_fail "$n sleeps asked for $slept us: some longer than 100 us"
((slept <= wall)) || fp_fail "$slept us of sleep asked for in $wall us: sleeps return early"

# The first packet after a quiet spell is answered, and so is traffic.
out=$(fp_ns ping -c 1 -W 2 "$FP_APP_IP") || fp_fail "first ping after idle: $out"
out=$(fp_ns ping -c 50 -i 0.01 -W 2 "$FP_APP_IP") || fp_fail "ping burst: $out"
grep -q ' 50 received' <<<"$out" || fp_fail "ping burst lost replies: $out"
fp_log "ok: 50/50 pings while adaptive"
out=$(fp_echo --port 7 --conns 8 --bytes 262144 --timeout 30) || fp_fail "echo while adaptive: $out"
fp_log "ok: echo while adaptive: $out"

# Poll mode: no sleeps at all.
out=$("${FPCTL[@]}" config set dpdk.idle poll) || fp_fail "config set dpdk.idle poll: $out"
fp_assert_eq "config set output" "dpdk.idle = poll (was adaptive)" "$out"
fp_assert_eq "worker idle mode" poll "$(worker idle)"
s3=$(worker idle_sleeps)
sleep 0.5
fp_assert_eq "sleeps in 0.5 s idle in poll mode" "$s3" "$(worker idle_sleeps)"

# And back.
"${FPCTL[@]}" config set dpdk.idle adaptive >/dev/null || fp_fail "config set dpdk.idle adaptive"
sleep 0.5
fp_assert_ge "sleeps after switching back" $((s3 + 100)) "$(worker idle_sleeps)"
out=$(fp_ns ping -c 3 -i 0.2 -W 2 "$FP_APP_IP") || fp_fail "ping after switching back: $out"
fp_stop_app || fp_fail "fastpath exited non-zero"
fp_log "PASS"
