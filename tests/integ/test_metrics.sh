#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The metrics endpoint against the real binary: a scrape passes `promtool
# check metrics`, the OpenMetrics page passes prometheus_client's strict
# parser, N pings show as N more icmp_echo_replies, every worker, drop,
# pipeline node, port, build and MQTT value equals what `fpctl --json
# stats/ports/status` says,
# the MQTT link state follows a real broker going away, and garbage,
# oversized and slowloris HTTP clients neither disturb TCP echo (byte-exact
# throughout) nor keep the endpoint from answering.
set -euo pipefail
FP_TEST=metrics
. "$(dirname "$0")/lib.sh"
fp_require_root ping promtool mosquitto

MPORT=19111
MQ_PORT=18837
URL=http://127.0.0.1:$MPORT/metrics
MC=("$FP_PY" "$FP_SRC/tests/integ/metrics_check.py")
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$FP_PID/status"; }
scrape() { "${MC[@]}" get "$URL" "$@"; }
metric() { # <page file> <name> [label=value ...]
	"${MC[@]}" value "$@"
}
wait_metric() { # <seconds> <want> <name> [label=value ...]: poll until the value is <want>
	local deadline=$((SECONDS + $1)) want=$2
	shift 2
	while ((SECONDS < deadline)); do
		scrape -o "$FP_WORK/poll.prom" || fp_fail "scrape failed"
		[[ $(metric "$FP_WORK/poll.prom" "$@") == "$want" ]] && return 0
		sleep 0.2
	done
	fp_fail "$* did not become $want: $(metric "$FP_WORK/poll.prom" "$@")"
}

fp_broker_conf "$MQ_PORT" 127.0.0.1 >"$FP_WORK/mosquitto.conf"
fp_broker_start main "$MQ_PORT" "$FP_WORK/mosquitto.conf"

fp_topo_veth
fp_cfg_set metrics listen "127.0.0.1:$MPORT"
fp_cfg_set mqtt enabled yes
fp_cfg_set mqtt port "$MQ_PORT"
fp_cfg_set mqtt node metrics-test
fp_start_app
grep -q "metrics: serving http://127.0.0.1:$MPORT/metrics" "$FP_LOG" || fp_fail "no 'serving' line in the log"

# --- both formats are well-formed ----------------------------------------------
scrape -o "$FP_WORK/text.prom"
out=$(promtool check metrics <"$FP_WORK/text.prom" 2>&1) || fp_fail "promtool check metrics: $out"
[[ -z $out ]] || fp_fail "promtool found problems: $out"
fp_log "ok: promtool check metrics: no problems in $(grep -vc '^#' "$FP_WORK/text.prom") samples"
scrape --openmetrics -o "$FP_WORK/om.prom"
out=$("${MC[@]}" om-parse "$FP_WORK/om.prom") || fp_fail "OpenMetrics page: $out"
fp_log "ok: OpenMetrics page parses strictly: $out"
[[ $(tail -n 1 "$FP_WORK/om.prom") == "# EOF" ]] || fp_fail "OpenMetrics page does not end with # EOF"

# --- MQTT link state follows the broker -------------------------------------------
wait_metric 15 1 fastpath_mqtt_connected
fp_log "ok: fastpath_mqtt_connected 1 with the broker up"
fp_broker_stop main
wait_metric 15 0 fastpath_mqtt_connected
fp_log "ok: fastpath_mqtt_connected 0 once the broker is gone"

# --- N pings: N more icmp_echo_replies ----------------------------------------------
N=9
st=$("${FPCTL[@]}" --json status)
lc=$(fp_jget "$st" "r['lcores'][0]['lcore']")
busy0=$(fp_jget "$st" "r['lcores'][0]['busy_us']")
scrape -o "$FP_WORK/before.prom"
out=$(fp_ns ping -c $N -i 0.2 -W 2 "$FP_APP_IP") || fp_fail "ping: $out"
scrape -o "$FP_WORK/after.prom"
st=$("${FPCTL[@]}" --json status)
# A polling worker is always on its CPU: busy_us is the time it worked.
fp_jget "$st" "$busy0 < r['lcores'][0]['busy_us'] <= r['uptime_ms'] * 1000" | grep -qx True ||
	fp_fail "busy_us did not grow with the pings, or exceeds the uptime: $busy0 -> $st"
fp_log "ok: the worker's busy_us grew with the pings"
fp_assert_eq "fastpath_icmp_echo_replies_total grew by the $N pings" $N \
	$(($(metric "$FP_WORK/after.prom" fastpath_icmp_echo_replies_total lcore="$lc") -
		$(metric "$FP_WORK/before.prom" fastpath_icmp_echo_replies_total lcore="$lc")))

# --- every value equals fpctl's --------------------------------------------------------
# Two scrapes around the fpctl calls; a stray frame between them (a neighbour
# probe) means try again, so the comparison is exact.
for try in 1 2 3 4 5; do
	scrape -o "$FP_WORK/a.prom"
	"${FPCTL[@]}" --json status >"$FP_WORK/status.json"
	"${FPCTL[@]}" --json stats >"$FP_WORK/stats.json"
	"${FPCTL[@]}" --json ports >"$FP_WORK/ports.json"
	scrape -o "$FP_WORK/b.prom"
	rc=0
	out=$("${MC[@]}" match "$FP_WORK/a.prom" "$FP_WORK/b.prom" "$FP_WORK/status.json" \
		"$FP_WORK/stats.json" "$FP_WORK/ports.json" 2>&1) || rc=$?
	((rc == 3)) || break
	fp_log "traffic between the scrapes ($out), again"
done
((rc == 0)) || fp_fail "metrics and fpctl disagree: $out"
fp_log "ok: $out"

# --- hostile HTTP clients while echo runs ---------------------------------------------
missed0=$(metric "$FP_WORK/a.prom" fastpath_port_rx_missed_total port=0)
rss0=$(rss_kb)
fp_echo_loop_start 20

"${MC[@]}" abuse 127.0.0.1 "$MPORT" >"$FP_WORK/abuse.log" 2>&1 ||
	fp_fail "hostile HTTP clients: $(cat "$FP_WORK/abuse.log")"
sed 's/^/    /' "$FP_WORK/abuse.log" >&2

fp_echo_loop_stop "the abuse"
rss1=$(rss_kb)
fp_log "RSS before ${rss0} kB, after ${rss1} kB"
((rss1 - rss0 < 32768)) || fp_fail "RSS grew by $((rss1 - rss0)) kB during the HTTP abuse"

scrape -o "$FP_WORK/end.prom"
# The worker kept up with the wire throughout (its core is not the one the
# HTTP clients and the management thread share).
fp_assert_eq "frames the port missed during the abuse" "$missed0" \
	"$(metric "$FP_WORK/end.prom" fastpath_port_rx_missed_total port=0)"
fp_assert_eq "HTTP connections open after the abuse (this scrape)" 1 \
	"$(metric "$FP_WORK/end.prom" fastpath_metrics_connections)"
# 8 slow clients of one address, then 16 + 4 of twenty addresses
fp_assert_ge "connections closed at the request deadline" 28 \
	"$(metric "$FP_WORK/end.prom" fastpath_metrics_deadline_closed_total)"
fp_assert_ge "requests refused for their method" 1 \
	"$(metric "$FP_WORK/end.prom" fastpath_metrics_requests_total code=405)"
fp_assert_ge "requests refused for their body" 1 \
	"$(metric "$FP_WORK/end.prom" fastpath_metrics_requests_total code=413)"
out=$(fp_echo --port 7 --conns 8 --bytes 65536 --seed 5 --timeout 60) || fp_fail "echo after the abuse: $out"
fp_log "ok: echo after the abuse: $out"

rc=0
fp_stop_app || rc=$?
fp_assert_eq "exit status after SIGTERM" 0 "$rc"
fp_log "PASS"
