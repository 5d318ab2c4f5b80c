#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Pipeline stages and reloads through the real binary, kernel clients in a
# namespace with two source addresses: $FP_PEER_IP (allowed) and $DENIED
# (in the prefix the tests filter).
#   acl        the denied source gets nothing for its connections and pings,
#              drop_acl_deny equals the IPv4 frames it sent (an nft counter on
#              the client's side), the allowed source echoes byte-exact
#   ratelimit  a ping flood from one source is capped: drop_rate_limit moves,
#              its replies are at most rate x time + burst; the other source
#              loses nothing
#   reflect    a UDP datagram comes back with addresses and ports swapped
#   reload     16 echo connections keep verifying data while a reload turns
#              the ACL on: no byte error, no reset; SIGHUP reloads too
#   badreload  a bad file is refused with its file:line error and the old
#              pipeline keeps serving (reload and SIGHUP)
#
#   test_pipeline.sh acl|ratelimit|reflect|reload|badreload
set -euo pipefail
mode=${1:?usage: test_pipeline.sh acl|ratelimit|reflect|reload|badreload}
FP_TEST=pl-$mode
. "$(dirname "$0")/lib.sh"
fp_require_root ping nft

DENIED=198.18.0.66 # in 198.18.0.64/26
fp_topo_veth
fp_ns ip addr add "$DENIED/$FP_PREFIX" dev "$FP_PEER_DEV"

pipeline() { # <name> <lines...>: write $FP_WORK/<name>.pipeline
	local f=$FP_WORK/$1.pipeline
	shift
	printf '%s\n' "$@" >"$f"
	echo "$f"
}

# IPv4 frames the client sends from a source, counted by nft on its way out.
count_from() { # <source address>
	fp_ns nft add table ip fpt
	fp_ns nft add chain ip fpt out '{ type filter hook output priority 0; }'
	fp_ns nft add rule ip fpt out ip saddr "$1" counter
}
counted() {
	fp_ns nft -j list chain ip fpt out |
		"$FP_PY" -c 'import json,sys; r=json.load(sys.stdin)["nftables"]
print(sum(e["rule"]["expr"][-1]["counter"]["packets"] for e in r if "rule" in e))'
}

stat_total() { # <counter>
	fp_jget "$("${FPCTL[@]}" --json stats)" "r['stats']['total']['$1']"
}

case $mode in
acl)
	fp_cfg_set dpdk pipeline "$(pipeline fw '[lcores all]' 'stages = rx arp acl icmp tcp_echo tx' \
		'acl.rule = count proto icmp' 'acl.rule = deny src 198.18.0.64/26')"
	fp_start_app
	count_from "$DENIED"
	out=$(fp_ns ping -c 5 -i 0.2 -W 1 -I "$DENIED" "$FP_APP_IP" || true)
	grep -q ' 0 received' <<<"$out" || fp_fail "the denied source got ping replies: $out"
	fp_log "ok: 0/5 pings answered from $DENIED"
	out=$(fp_echo --bind "$DENIED" --port 7 --expect-silence --timeout 3) ||
		fp_fail "denied connection: $out"
	fp_log "ok: a connection from $DENIED got neither SYN-ACK nor RST"
	out=$(fp_echo --port 7 --conns 4 --bytes 65536 --timeout 30) || fp_fail "allowed echo: $out"
	fp_log "ok: 4 x 64 KiB echoed byte-exact from $FP_PEER_IP: $out"
	sent=$(counted)
	fp_assert_ge "frames the denied source sent" 6 "$sent"
	fp_assert_eq "drop_acl_deny (= frames from $DENIED)" "$sent" "$(stat_total drop_acl_deny)"
	r=$("${FPCTL[@]}" --json pipeline)
	fp_assert_eq "acl node's drops" "$sent" \
		"$(fp_jget "$r" "[n['drops'] for n in r['workers'][0]['nodes'] if n['stage'] == 'acl'][0]")"
	;;
ratelimit)
	rate=50 burst=10
	fp_cfg_set dpdk pipeline "$(pipeline rl '[lcores all]' \
		'stages = rx arp ratelimit icmp tcp_echo tx' 'ratelimit.match = icmp' \
		"ratelimit.rate = $rate packets/s" "ratelimit.burst = $burst")"
	fp_start_app
	# The other source pings slowly all along; it has its own meter.
	fp_ns ping -c 20 -i 0.1 -W 1 "$FP_APP_IP" >"$FP_WORK/calm.log" 2>&1 &
	calm=$!
	t0=$(date +%s.%N)
	out=$(fp_ns ping -c 1000 -i 0.002 -W 1 -q -I "$DENIED" "$FP_APP_IP" || true)
	t1=$(date +%s.%N)
	got=$(sed -n 's/.* \([0-9]*\) received.*/\1/p' <<<"$out")
	max=$("$FP_PY" -c "import math,sys; print(math.floor($rate * ($t1 - $t0) + $burst))")
	fp_log "flood: $got of 1000 answered in $("$FP_PY" -c "print(round($t1 - $t0, 2))") s"
	((got <= max)) || fp_fail "flood got $got replies, more than rate x time + burst = $max"
	((got >= burst)) || fp_fail "flood got $got replies, fewer than the burst $burst"
	fp_log "ok: flood capped: $got <= $max"
	fp_assert_ge "drop_rate_limit" $((1000 - max)) "$(stat_total drop_rate_limit)"
	wait "$calm" || true
	grep -q ' 20 received' "$FP_WORK/calm.log" || fp_fail "the other source lost replies: $(cat "$FP_WORK/calm.log")"
	fp_log "ok: 20/20 pings from $FP_PEER_IP during the flood"
	;;
reflect)
	fp_cfg_set dpdk pipeline "$(pipeline rf '[lcores all]' 'stages = rx arp reflect tx')"
	fp_start_app
	fp_ns "$FP_PY" - "$FP_APP_IP" <<'PY' || fp_fail "no reflected datagram"
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 5001))
s.settimeout(3)
payload = b"reflect me, byte for byte"
s.sendto(payload, (sys.argv[1], 9))
data, src = s.recvfrom(2048)
# Swapped: it comes from the appliance's address and our destination port, to our port.
assert data == payload, data
assert src == (sys.argv[1], 9), src
print("reflected", src)
PY
	fp_log "ok: the datagram came back from $FP_APP_IP:9 to port 5001, payload intact"
	;;
reload)
	fp_start_app
	fp_echo --port 7 --conns 16 --bytes $((4 << 20)) --read-rate 400000 --timeout 60 \
		>"$FP_WORK/echo.json" 2>&1 &
	echo_pid=$!
	sleep 2
	acl=$(pipeline fw '[lcores all]' 'stages = rx arp acl icmp tcp_echo tx' \
		'acl.rule = deny src 198.18.0.64/26')
	out=$("${FPCTL[@]}" pipeline reload "$acl") || fp_fail "reload refused: $out"
	fp_log "ok: $out"
	fp_assert_eq "running pipeline" "$acl" "$(fp_jget "$("${FPCTL[@]}" --json pipeline)" "r['path']")"
	out=$(fp_ns ping -c 2 -i 0.2 -W 1 -I "$DENIED" "$FP_APP_IP" || true)
	grep -q ' 0 received' <<<"$out" || fp_fail "the new acl does not deny: $out"
	# SIGHUP reloads the running file too (the next generation).
	kill -HUP "$FP_PID"
	fp__wait_for 10 eval '[[ $(fp_jget "$("${FPCTL[@]}" --json pipeline)" "r[\"generation\"]") -ge 2 ]]' ||
		fp_fail "SIGHUP did not reload"
	wait "$echo_pid" || fp_fail "echo during the reloads: $(cat "$FP_WORK/echo.json")"
	fp_log "ok: 16 x 4 MiB echoed byte-exact across two reloads: $(cat "$FP_WORK/echo.json")"
	fp_assert_eq "flows_reset" 0 "$(stat_total flows_reset)"
	fp_assert_eq "tcp_rst_sent" 0 "$(stat_total tcp_rst_sent)"
	;;
badreload)
	running=$(pipeline running '[lcores all]' 'stages = rx arp icmp tcp_echo tx')
	fp_cfg_set dpdk pipeline "$running"
	fp_start_app
	bad=$(pipeline bad '[lcores all]' 'stages = rx arp acl icmp tcp_echo tx' \
		'acl.rule = deny src 198.18.0.65/26')
	if out=$("${FPCTL[@]}" pipeline reload "$bad" 2>&1); then
		fp_fail "a bad file was accepted: $out"
	fi
	grep -q "$bad:3: src prefix '198.18.0.65/26' has host bits set" <<<"$out" ||
		fp_fail "reload refused without the file:line error: $out"
	fp_log "ok: refused: $out"
	# The running file turns bad; SIGHUP re-reads it, refuses it, and logs why.
	cp "$bad" "$running"
	kill -HUP "$FP_PID"
	fp__wait_for 5 grep -q "has host bits set" "$FP_LOG" || fp_fail "SIGHUP: no refusal in the log"
	kill -0 "$FP_PID" || fp_fail "SIGHUP with a bad file stopped the appliance"
	r=$("${FPCTL[@]}" --json pipeline)
	fp_assert_eq "generation (nothing swapped)" 0 "$(fp_jget "$r" "r['generation']")"
	fp_assert_eq "stages still running" "rx arp icmp tcp_echo tx" \
		"$(fp_jget "$r" "' '.join(r['workers'][0]['stages'])")"
	fp_expect_echo_service 8
	;;
*) fp_fail "unknown mode $mode" ;;
esac

rc=0
fp_stop_app || rc=$?
fp_assert_eq "exit status after SIGTERM" 0 "$rc"
if [[ $mode == reload ]]; then
	# The exit summary names the stages running at exit: the reloaded ones.
	grep -Eq '^lcore [0-9]+ \(queue 0: rx arp acl icmp tcp_echo tx\)' "$FP_LOG" ||
		fp_fail "exit summary: not the reloaded stages: $(grep -E '^lcore ' "$FP_LOG")"
	fp_log "ok: the exit summary names the reloaded stages"
fi
fp_log "PASS"
