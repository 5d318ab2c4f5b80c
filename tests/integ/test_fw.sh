#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The lwIP firmware's host build end to end, with the same client and
# expectations as the appliance (test_echo.sh): the firmware runs in a
# namespace on a tap it creates there; the kernel stack on the tap is the
# client. Checks ARP, ping, TCP echo byte-for-byte on 1 x 1 MiB and 16
# concurrent connections with clean closes (our FIN, no RST), RST for a port
# not served and past max_flows, raw-API edge cases, the stats document
# (lib/tlm schema) on demand and over MQTT to a broker in the namespace with
# the online/offline status, and the exit summary counters.
#
#   test_fw.sh      (FP_FW_BIN overrides the binary)
set -euo pipefail
FP_TEST=fw
. "$(dirname "$0")/lib.sh"
fp_require_root ping mosquitto mosquitto_sub
FW_BIN=${FP_FW_BIN:-$FP_BUILD/lwip-fw/fastpath-fw}
FW_STATS=$FP_WORK/stats.json
MAX_FLOWS=16
IDLE_S=3
MQ_PORT=18836
NODE=fwnode
TOPIC=fastpath/$NODE

# Start the firmware on the tap topology and wait until it answers ping.
fw_start() {
	[[ -x $FW_BIN ]] || fp_fail "no firmware binary at $FW_BIN: build first"
	fp_start_sut "$FW_BIN" -c "$FP_CFG" -i "$FP_TAP" -o "$FW_STATS"
}

fp_topo_tap

# The broker runs in the namespace on every address: the firmware reaches it
# at the peer address on the tap, our subscribers at 127.0.0.1 (which stays
# when the tap goes away with the firmware).
fp_broker_conf "$MQ_PORT" >"$FP_WORK/mosquitto.conf"
fp_broker_start fw "$MQ_PORT" "$FP_WORK/mosquitto.conf" "$FP_NS"
mq_sub() { fp_ns mosquitto_sub -h 127.0.0.1 -p $MQ_PORT "$@"; }
ip netns exec "$FP_NS" mosquitto_sub -h 127.0.0.1 -p $MQ_PORT -t "$TOPIC/#" -v >"$FP_WORK/sub.log" 2>&1 &
fp_on_exit "kill $!"
# The shared config file, with a small flow table and echo buffer so the
# refusal and the partial-write/backpressure paths are exercised.
fp_cfg_set tcp max_flows "$MAX_FLOWS"
fp_cfg_set tcp buffer_size 4096
fp_cfg_set tcp idle_timeout_s "$IDLE_S"
fp_cfg_set mqtt enabled yes
fp_cfg_set mqtt host "$FP_PEER_IP"
fp_cfg_set mqtt port "$MQ_PORT"
fp_cfg_set mqtt node "$NODE"
fp_cfg_set mqtt interval_ms 200
fw_start

fp_expect_echo_service $MAX_FLOWS

# max_flows: hold every slot, then one more connection must be reset. lwIP
# calls accept only after the handshake, so the refusal is an RST on an
# established connection (connect() may succeed, then recv() is reset).
full=$(fp_ns "$FP_PY" - "$FP_APP_IP" "$MAX_FLOWS" <<'PY'
import json, socket, sys
host, n = sys.argv[1], int(sys.argv[2])
held = []
for i in range(n):
    s = socket.create_connection((host, 7), timeout=5)
    s.sendall(b"x")
    assert s.recv(1) == b"x", f"held conn {i}: no echo"
    held.append(s)
try:
    extra = socket.create_connection((host, 7), timeout=5)
    got = extra.recv(1)
    print(json.dumps({"ok": False, "error": f"conn {n + 1} served ({got!r})"}))
    sys.exit(1)
except ConnectionResetError:
    pass
for i, s in enumerate(held):
    s.shutdown(socket.SHUT_WR)
    if s.recv(16) != b"":
        print(json.dumps({"ok": False, "error": f"held conn {i}: no FIN"}))
        sys.exit(1)
    s.close()
print(json.dumps({"ok": True, "held": n, "refused": 1}))
PY
) || fp_fail "max_flows refusal: $full"
fp_log "ok: connection $((MAX_FLOWS + 1)) refused with RST, $MAX_FLOWS held ones closed cleanly"

# What naive raw-API code gets wrong, from the client side: a peer that stops
# reading (windows close both ways, nothing is lost when it reads again), a
# FIN right behind the data (the echo is completed before our FIN), a peer
# that resets with data in flight, and an idle flow (reset after
# idle_timeout_s).
edge=$(fp_ns "$FP_PY" - "$FP_APP_IP" <<'PY'
import json, os, socket, struct, sys, threading, time
host = sys.argv[1]
res = {}

s = socket.create_connection((host, 7), timeout=10)
s.setblocking(False)
data = os.urandom(4 << 20)
sent, got, stall = 0, bytearray(), None
t0 = time.monotonic()
while time.monotonic() - t0 < 1.5:  # send without reading until it blocks
    try:
        sent += s.send(data[sent:sent + 65536])
    except BlockingIOError:
        stall = sent
        time.sleep(0.05)
res["stalled_after"] = stall
deadline = time.monotonic() + 30
while len(got) < len(data) and time.monotonic() < deadline:
    try:
        if sent < len(data):
            sent += s.send(data[sent:sent + 65536])
    except BlockingIOError:
        pass
    try:
        b = s.recv(65536)
        if not b:
            raise SystemExit(json.dumps({"ok": False, "error": "FIN during stall test"}))
        got += b
    except BlockingIOError:
        time.sleep(0.001)
if bytes(got) != data or stall is None:
    raise SystemExit(json.dumps({"ok": False, "error": "stall test", "got": len(got), "stall": stall}))
s.setblocking(True)
s.shutdown(socket.SHUT_WR)
assert s.recv(1) == b"", "no FIN after stall test"
s.close()

s = socket.create_connection((host, 7), timeout=10)
half = os.urandom(1 << 20)
back = bytearray()
rd = threading.Thread(target=lambda: [back.extend(b) for b in iter(lambda: s.recv(65536), b"")])
rd.start()
s.sendall(half)
s.shutdown(socket.SHUT_WR)
rd.join(30)
if bytes(back) != half:
    raise SystemExit(json.dumps({"ok": False, "error": "half-close test", "got": len(back)}))
s.close()

s = socket.create_connection((host, 7), timeout=10)
s.sendall(os.urandom(200000))
s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
s.close()  # RST with data in flight both ways

s = socket.create_connection((host, 7), timeout=10)
s.sendall(b"z")
assert s.recv(1) == b"z"
t0 = time.monotonic()
try:
    s.settimeout(15)
    s.recv(1)
    raise SystemExit(json.dumps({"ok": False, "error": "idle flow was not reset"}))
except ConnectionResetError:
    res["idle_reset_after_s"] = round(time.monotonic() - t0, 1)
print(json.dumps({"ok": True, **res}))
PY
) || fp_fail "edge cases: $edge"
fp_log "ok: zero-window stall, FIN behind data, peer RST, idle reset: $edge"

# The stats document on demand (SIGUSR1): the appliance's schema, checked by
# the same validator the appliance's documents can go through.
kill -USR1 "$FP_PID"
fp__wait_for 5 test -s "$FW_STATS" || fp_fail "no stats document at $FW_STATS"
doc=$("$FP_PY" "$FP_SRC/tests/integ/stats_schema.py" --target lwip "$FW_STATS") ||
	fp_fail "stats document: $doc: $(cat "$FW_STATS")"
"$FP_PY" - "$FW_STATS" <<'PY' || fp_fail "stats document counters: $(cat "$FW_STATS")"
import json, sys
t = json.load(open(sys.argv[1]))["total"]
assert t["flows_opened"] >= 1 and t["tcp_bytes_echoed"] >= 1 << 20, t
PY
fp_log "ok: stats document valid (tests/integ/stats_schema.py): $doc"

# The same document over MQTT, every interval_ms, and the retained status.
n_stats() { grep -c "^$TOPIC/stats {" "$FP_WORK/sub.log" || true; }
fp__wait_for 10 test "$(n_stats)" -ge 3 || fp_fail "no stats documents on $TOPIC/stats: $(head -c 300 "$FP_WORK/sub.log")"
grep "^$TOPIC/stats {" "$FP_WORK/sub.log" | tail -n 1 | cut -d' ' -f2- >"$FP_WORK/mqtt.json"
mq=$("$FP_PY" "$FP_SRC/tests/integ/stats_schema.py" --target lwip "$FP_WORK/mqtt.json") ||
	fp_fail "MQTT stats document: $mq"
fp_assert_eq "MQTT document node" $NODE "$("$FP_PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["node"])' "$FP_WORK/mqtt.json")"
gaps=$(grep "^$TOPIC/stats {" "$FP_WORK/sub.log" | cut -d' ' -f2- | "$FP_PY" -c '
import json, sys
seqs = [json.loads(l)["seq"] for l in sys.stdin]
print(sum(b - a - 1 for a, b in zip(seqs, seqs[1:])))')
fp_assert_eq "documents missing from the MQTT sequence while connected" 0 "$gaps"
fp_log "ok: $(n_stats) stats documents on $TOPIC/stats, valid: $mq"
fp_assert_eq "retained status while running" online "$(mq_sub -t "$TOPIC/status" --retained-only -C 1 -W 3 || true)"

sleep 0.5
rc=0
fp_stop_app || rc=$?
fp_assert_eq "retained status after a clean exit" offline "$(mq_sub -t "$TOPIC/status" --retained-only -C 1 -W 3 || true)"
mq=$(grep '^mqtt:' "$FP_LOG") || fp_fail "no mqtt line in the exit summary"
[[ $mq =~ connects\ 1\ published\ ([0-9]+) ]] && ((BASH_REMATCH[1] >= 3)) ||
	fp_fail "MQTT client: $mq (want one connection, >= 3 documents)"
fp_log "ok: $mq"
fp_assert_eq "exit status after SIGTERM" 0 "$rc"
# 1 + 16 echo, 16 held, 4 edge cases (one reset by the peer, one timed out).
opened=$((1 + MAX_FLOWS + MAX_FLOWS + 4))
fp_assert_eq "flows_opened" "$opened" "$(fp_summary_counter flows_opened)"
fp_assert_eq "flows_closed (clean FIN handshakes)" $((opened - 2)) "$(fp_summary_counter flows_closed)"
fp_assert_eq "flows_reset (by the peer)" 1 "$(fp_summary_counter flows_reset)"
fp_assert_eq "flows_timed_out" 1 "$(fp_summary_counter flows_timed_out)"
fp_assert_eq "flows_refused" 1 "$(fp_summary_counter flows_refused)"
fp_assert_eq "tcp_rst_sent (closed port, refusal, idle)" 3 "$(fp_summary_counter tcp_rst_sent)"
fp_assert_ge "arp_replies_sent" 2 "$(fp_summary_counter arp_replies_sent)"
fp_assert_ge "icmp_echo_replies" 6 "$(fp_summary_counter icmp_echo_replies)"
# Exact except for the flow the peer reset: 0..200000 of its bytes were echoed.
echoed=$(fp_summary_counter tcp_bytes_echoed)
exact=$(((1 << 20) + MAX_FLOWS * 65536 + MAX_FLOWS + (4 << 20) + (1 << 20) + 1))
fp_assert_ge "tcp_bytes_echoed" "$exact" "$echoed"
((echoed <= exact + 200000)) || fp_fail "tcp_bytes_echoed: $echoed > $exact + 200000"
fp_assert_eq "flows_open" 0 "$(fp_summary_counter flows_open)"
fp_assert_eq "drop_tx_full (frames the tap refused)" 0 "$(fp_summary_counter drop_tx_full)"
fp_log "PASS"
