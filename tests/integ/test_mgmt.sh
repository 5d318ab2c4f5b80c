#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The management plane against the real binary: fpctl status/stats/flows agree
# exactly with traffic this test sent (N pings -> N icmp_echo_replies, K held
# TCP connections -> K ESTABLISHED flows and flows_opened += K), config get,
# log level, dpdk-telemetry.py reads /fastpath/stats, and `fpctl shutdown`
# drains an open connection (the client sees the FIN) and the process exits 0.
set -euo pipefail
FP_TEST=mgmt
. "$(dirname "$0")/lib.sh"
fp_require_root ping dpdk-telemetry.py

fpctl_json() { "${FPCTL[@]}" --json "$@"; }
total() { # <counter>: from a fresh `fpctl stats`
	fp_jget "$(fpctl_json stats)" "r['stats']['total']['$1']"
}

fp_topo_veth
fp_start_app

# --- status ------------------------------------------------------------------
st=$(fpctl_json status) || fp_fail "fpctl status: $st"
fp_assert_eq "status ok" True "$(fp_jget "$st" "r['ok']")"
fp_assert_eq "status version" "$(sed -n "s/^ *version: '\(.*\)',/\1/p" "$FP_SRC/meson.build")" \
	"$(fp_jget "$st" "r['version']")"
fp_assert_eq "status pid" "$FP_PID" "$(fp_jget "$st" "r['pid']")"
fp_assert_eq "status port address" "$FP_APP_IP/$FP_PREFIX" "$(fp_jget "$st" "r['ports'][0]['address']")"
fp_assert_eq "status link up" True "$(fp_jget "$st" "r['ports'][0]['link']['up']")"
fp_assert_eq "status worker lcores" 1 "$(fp_jget "$st" "len(r['lcores'])")"
fp_assert_eq "status worker running" True "$(fp_jget "$st" "r['lcores'][0]['running']")"
fp_assert_ge "status uptime_ms" 1 "$(fp_jget "$st" "r['uptime_ms']")"
"${FPCTL[@]}" status | grep -q "^fastpath " || fp_fail "human status has no header line"
fp_assert_eq "socket mode and owner (no [mgmt] group)" "600 root" "$(stat -c '%a %U' "$FP_SOCK")"

# --- stats: exact ping count ---------------------------------------------------
N=7
before=$(total icmp_echo_replies)
out=$(fp_ns ping -c $N -i 0.2 -W 2 "$FP_APP_IP") || fp_fail "ping: $out"
after=$(total icmp_echo_replies)
fp_assert_eq "icmp_echo_replies after $N pings" $N $((after - before))
s=$(fpctl_json stats)
fp_assert_eq "stats schema" fastpath.stats/2 "$(fp_jget "$s" "r['stats']['schema']")"
fp_assert_eq "per-lcore sum == total (rx_packets)" "$(fp_jget "$s" "r['stats']['total']['rx_packets']")" \
	"$(fp_jget "$s" "sum(c['rx_packets'] for c in r['stats']['contexts'])")"
"${FPCTL[@]}" stats | grep -qE "^icmp_echo_replies +$after +$after$" ||
	fp_fail "human stats table does not show icmp_echo_replies $after"

# --- flows: K held connections ----------------------------------------------------
K=5
opened0=$(total flows_opened)
closed0=$(($(total flows_closed) + $(total flows_timed_out)))
ctl=$FP_WORK/hold
mkdir -p "$ctl"
fp_ns_bg "$FP_PY" "$FP_SRC/tests/integ/hold.py" "$FP_APP_IP" $K "$ctl" >"$FP_WORK/hold.log" 2>&1
holder=$!
fp_on_exit "kill $holder"
fp__wait_for 15 test -e "$ctl/ready" || fp_fail "holder never connected: $(cat "$FP_WORK/hold.log")"

f=$(fpctl_json flows --port 7 --state ESTABLISHED)
fp_assert_eq "flows matched (ESTABLISHED, port 7)" $K "$(fp_jget "$f" "r['matched']")"
fp_assert_eq "flows total" $K "$(fp_jget "$f" "r['total']")"
fp_assert_eq "flows remote address" "['$FP_PEER_IP']" \
	"$(fp_jget "$f" "sorted(set(x['remote'].split(':')[0] for x in r['flows']))")"
fp_assert_eq "flows bytes_in per flow" "[1000]" "$(fp_jget "$f" "sorted(set(x['bytes_in'] for x in r['flows']))")"
f=$(fpctl_json flows --limit 2)
fp_assert_eq "flows limit 2: returned" 2 "$(fp_jget "$f" "r['returned']")"
fp_assert_eq "flows limit 2: truncated" True "$(fp_jget "$f" "r['truncated']")"
f=$(fpctl_json flows --state TIME_WAIT)
fp_assert_eq "flows in TIME_WAIT" 0 "$(fp_jget "$f" "r['matched']")"
f=$(fpctl_json flows --remote 192.0.2.1)
fp_assert_eq "flows from another host" 0 "$(fp_jget "$f" "r['matched']")"
fp_assert_eq "flows_opened after $K connections" $K $(($(total flows_opened) - opened0))
fp_assert_eq "flows_open gauge" $K "$(total flows_open)"
"${FPCTL[@]}" flows | grep -c ESTABLISHED | grep -qx $K || fp_fail "human flows table"
rc=0
fpctl_json flows --state BOGUS >/dev/null || rc=$?
fp_assert_eq "bad flows filter exit status" 1 "$rc"

# --- dpdk-telemetry.py --------------------------------------------------------
tel=$(echo /fastpath/stats | dpdk-telemetry.py -f "$FP_FILE_PREFIX") || fp_fail "dpdk-telemetry.py: $tel"
tel_line=$(grep '/fastpath/stats' <<<"$tel" | tail -n 1)
fp_assert_eq "telemetry icmp_echo_replies" "$(total icmp_echo_replies)" \
	"$(fp_jget "$tel_line" "r['/fastpath/stats']['icmp_echo_replies']")"
fp_assert_eq "telemetry flows_open" $K "$(fp_jget "$tel_line" "r['/fastpath/stats']['flows_open']")"
lc=$(fp_jget "$st" "r['lcores'][0]['lcore']")
tel=$(echo "/fastpath/stats,$lc" | dpdk-telemetry.py -f "$FP_FILE_PREFIX" | grep '/fastpath/stats' | tail -n 1)
fp_assert_eq "telemetry per-lcore flows_opened" "$(total flows_opened)" \
	"$(fp_jget "$tel" "r['/fastpath/stats']['flows_opened']")"
# The per-node figures of the stats document, in telemetry's parallel arrays.
doc_nodes=$(fp_jget "$(fpctl_json stats)" \
	"[(n['node'], n['stage']) for n in r['stats']['contexts'][0]['nodes']]")
fp_assert_eq "telemetry nodes (the stats document's)" "$doc_nodes" \
	"$(fp_jget "$tel" "list(zip(r['/fastpath/stats']['node_names'], r['/fastpath/stats']['node_stages']))")"
fp_assert_ge "telemetry: packets of the rx node" 7 \
	"$(fp_jget "$tel" "r['/fastpath/stats']['node_packets'][0]")"

# --- config get, log level, pipeline, ports ----------------------------------------
"${FPCTL[@]}" config get | grep -q "^address = $FP_APP_IP/$FP_PREFIX" || fp_fail "config get has no address"
fp_assert_eq "log level set" "user.fp.app: debug" "$("${FPCTL[@]}" log level debug)"
fp_assert_eq "log level get" "user.fp.app: debug" "$("${FPCTL[@]}" log level)"
fp_assert_eq "log level set back" "user.fp.app: info" "$("${FPCTL[@]}" log level 7)"
rc=0
"${FPCTL[@]}" log level loud 2>/dev/null || rc=$?
fp_assert_eq "bad log level exit status" 1 "$rc"
p=$(fpctl_json pipeline)
fp_assert_eq "pipeline stages" "['rx', 'arp', 'icmp', 'tcp_echo', 'tx']" "$(fp_jget "$p" "r['workers'][0]['stages']")"
p=$(fpctl_json ports)
fp_assert_ge "ports: ethdev ipackets" $((N + 2 * K)) "$(fp_jget "$p" "r['ports'][0]['stats']['ipackets']")"
fp_assert_ge "ports: xstats present" 1 "$(fp_jget "$p" "len(r['ports'][0]['xstats'])")"
"${FPCTL[@]}" top -n 2 -i 0.3 | grep -q "^total " || fp_fail "fpctl top printed no total row"

# --- shutdown drains the held connections, then exit 0 ---------------------------------
echo eof >"$ctl/release"
"${FPCTL[@]}" shutdown --timeout-ms 5000 | grep -q draining || fp_fail "shutdown not acknowledged"
wait "$holder" || fp_fail "holder: $(cat "$FP_WORK/hold.log")"
fp_assert_eq "holder saw the appliance's FIN on every connection" "eof $K" "$(cat "$FP_WORK/hold.log")"
rc=0
fp_wait_app_exit 20 || rc=$?
fp_assert_eq "exit status after fpctl shutdown" 0 "$rc"
[[ ! -e $FP_SOCK ]] || fp_fail "socket file left behind"
fp_assert_eq "flows_open at exit" 0 "$(awk '$1 == "flows_open" {v = $2} END {print v}' "$FP_LOG")"
# The appliance closed first, so each flow ended through TIME_WAIT (counted
# as flows_timed_out by the engine) or a clean close (flows_closed).
ended=$(($(fp_summary_counter flows_closed) + $(fp_summary_counter flows_timed_out) - closed0))
fp_assert_eq "flows ended cleanly at exit (drained)" $K "$ended"
fp_assert_eq "flows_reset at exit" 0 "$(fp_summary_counter flows_reset)"
fp_log "PASS"
