#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The firmware image for ARM MPS2 AN386 booted in QEMU (Debian's
# qemu-system-arm, machine mps2-an386) on a tap in a test namespace: the
# same echo contract as the appliance and the host firmware (ARP, ping,
# 1 x 256 KiB echo, 4 concurrent connections, RST on a closed port), the
# stats document over MQTT to a real mosquitto in the namespace and on the
# UART console, both checked by tests/integ/stats_schema.py, and the
# counters they report. QEMU runs inside the namespace and creates the tap
# there; both go away on any exit.
#
#   test_fw_board.sh   (FP_FW_IMAGE overrides the image, FP_BOARD_CONFIG the
#                       configuration it was built from)
set -euo pipefail
FP_TEST=fwb
. "$(dirname "$0")/lib.sh"
fp_require_root ping mosquitto mosquitto_sub qemu-system-arm
IMAGE=${FP_FW_IMAGE:-$FP_BUILD/lwip-fw/fastpath-fw-mps2.elf}
BOARD_CFG=${FP_BOARD_CONFIG:-$FP_SRC/lwip-fw/cortex-m/board.conf}
[[ -f $IMAGE ]] || fp_fail "no firmware image at $IMAGE: build first (ninja -C build)"
[[ -f ${IMAGE%.elf}.size ]] && fp_log "image: $(cat "${IMAGE%.elf}.size")"

# The image's configuration is built in: read what this test must match.
cfg_get() { # <section> <key>
	awk -v sec="[$1]" -v key="$2" '/^\[/ {in_s = ($0 == sec)} in_s && $1 == key && $2 == "=" {v = $3} END {print v}' "$BOARD_CFG"
}
[[ $(cfg_get "port 0" address) == "$FP_APP_IP/$FP_PREFIX" && $(cfg_get mqtt host) == "$FP_PEER_IP" &&
	$(cfg_get mqtt enabled) == yes ]] ||
	fp_fail "$BOARD_CFG: this test needs [port 0] address = $FP_APP_IP/$FP_PREFIX, [mqtt] enabled = yes, host = $FP_PEER_IP"
MQ_PORT=$(cfg_get mqtt port)
TOPIC=$(cfg_get mqtt topic_prefix)/$(cfg_get mqtt node)
MAX_FLOWS=$(cfg_get tcp max_flows)
BULK=$((256 << 10))
# A fixed MAC for the board (QEMU's -nic mac=, read back by the driver).
BOARD_MAC=02:00:5e:10:00:01

fp_topo_tap
fp_broker_conf "$MQ_PORT" >"$FP_WORK/mosquitto.conf"
fp_broker_start fwb "$MQ_PORT" "$FP_WORK/mosquitto.conf" "$FP_NS"
ip netns exec "$FP_NS" mosquitto_sub -h 127.0.0.1 -p "$MQ_PORT" -t "$TOPIC/#" -v >"$FP_WORK/sub.log" 2>&1 &
fp_on_exit "kill $!"

# QEMU's stdout is the UART (the firmware's console): it lands in $FP_LOG,
# which fp_fail prints. fp_start_sut stops QEMU (SIGTERM) on any exit.
t_boot=$SECONDS
fp_start_sut qemu-system-arm -M mps2-an386 -display none -monitor none -serial stdio \
	-kernel "$IMAGE" -nic "tap,ifname=$FP_TAP,script=no,downscript=no,model=lan9118,mac=$BOARD_MAC"
fp_log "ok: booted and answered ping after $((SECONDS - t_boot)) s: $(grep -m 1 '^fastpath-fw' "$FP_LOG")"
fp_assert_eq "MAC the driver read from the LAN9118" "$BOARD_MAC" \
	"$(fp_ns ip neigh show "$FP_APP_IP" | awk '{for (i = 1; i < NF; i++) if ($i == "lladdr") print $(i + 1)}')"

fp_expect_echo_service "$MAX_FLOWS" "$BULK"

# The stats document over MQTT: every interval_ms, valid, no gap in seq.
n_stats() { grep -c "^$TOPIC/stats {" "$FP_WORK/sub.log" || true; }
three_docs() { (($(n_stats) >= 3)); }
fp__wait_for 15 three_docs ||
	fp_fail "no stats documents on $TOPIC/stats: $(head -c 300 "$FP_WORK/sub.log")"
grep "^$TOPIC/stats {" "$FP_WORK/sub.log" | tail -n 1 | cut -d' ' -f2- >"$FP_WORK/mqtt.json"
mq=$("$FP_PY" "$FP_SRC/tests/integ/stats_schema.py" --target lwip "$FP_WORK/mqtt.json") ||
	fp_fail "MQTT stats document: $mq"
gaps=$(grep "^$TOPIC/stats {" "$FP_WORK/sub.log" | cut -d' ' -f2- | "$FP_PY" -c '
import json, sys
seqs = [json.loads(l)["seq"] for l in sys.stdin]
print(sum(b - a - 1 for a, b in zip(seqs, seqs[1:])))')
fp_assert_eq "documents missing from the MQTT sequence" 0 "$gaps"
fp_log "ok: $(n_stats) stats documents on $TOPIC/stats through lwIP's MQTT client: $mq"
fp_assert_eq "retained status" online \
	"$(fp_ns mosquitto_sub -h 127.0.0.1 -p "$MQ_PORT" -t "$TOPIC/status" --retained-only -C 1 -W 3 || true)"

# The console prints the same document; wait for one that saw all the
# traffic above, then check it and its counters.
exact=$((BULK + MAX_FLOWS * 65536))
# A document is one line: take the last complete one (the UART may be mid-line).
uart_doc() { grep '^{.*}}$' "$FP_LOG" | tail -n 1 >"$FP_WORK/uart.json"; }
saw_traffic() {
	uart_doc && "$FP_PY" -c 'import json, sys
sys.exit(json.load(open(sys.argv[1]))["total"]["tcp_bytes_echoed"] < int(sys.argv[2]))' "$FP_WORK/uart.json" "$exact" 2>/dev/null
}
fp__wait_for 10 saw_traffic ||
	fp_fail "console: no stats document with the echoed bytes: $(tail -c 400 "$FP_LOG")"
doc=$("$FP_PY" "$FP_SRC/tests/integ/stats_schema.py" --target lwip "$FP_WORK/uart.json") ||
	fp_fail "UART stats document: $doc"
fp_log "ok: UART console stats document valid: $doc"
ctr() { "$FP_PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["total"][sys.argv[2]])' "$FP_WORK/uart.json" "$1"; }
fp_assert_eq "tcp_bytes_echoed (256 KiB + $MAX_FLOWS x 64 KiB)" "$exact" "$(ctr tcp_bytes_echoed)"
fp_assert_eq "flows_opened" $((1 + MAX_FLOWS)) "$(ctr flows_opened)"
fp_assert_eq "flows_closed (clean FIN handshakes)" $((1 + MAX_FLOWS)) "$(ctr flows_closed)"
fp_assert_eq "flows_open" 0 "$(ctr flows_open)"
fp_assert_ge "tcp_rst_sent (closed port)" 1 "$(ctr tcp_rst_sent)"
fp_assert_ge "arp_requests" 1 "$(ctr arp_requests)"
fp_assert_ge "arp_replies_sent" 1 "$(ctr arp_replies_sent)"
fp_assert_ge "icmp_echo_replies" 6 "$(ctr icmp_echo_replies)"
fp_assert_eq "drop_tx_full (frames the MAC refused)" 0 "$(ctr drop_tx_full)"
fp_log "board clock: uptime_ms $("$FP_PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["uptime_ms"])' "$FP_WORK/uart.json") after $((SECONDS - t_boot)) s of wall time"

rc=0
fp_stop_app || rc=$?
fp_assert_eq "QEMU exit status after SIGTERM" 0 "$rc"
fp__ns_has_link "$FP_TAP" && fp_fail "tap $FP_TAP still there after QEMU stopped"
fp_log "ok: QEMU stopped, tap $FP_TAP gone"
fp_log "PASS"
