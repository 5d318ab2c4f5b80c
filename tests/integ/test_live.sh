#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Live settings on the real binary: `fpctl config set` changes a running
# appliance's behaviour. A flow idle for 3 s under idle_timeout_s = 300 is
# closed by the appliance (RST) once the timeout is set to 2 s; bad values
# (0, which the engine would read as "never", and junk) are refused with the
# parser's message and the 2 s timeout stays in effect (a second idle flow is
# closed by it); a key that needs a restart is refused with the reason, an
# unknown key too; `config diff` names what differs from the file; the other
# live keys are taken and checked across keys (SYN cookies set on make the
# next connections go through cookies); the log level follows
# `config set log.level` and `fpctl log level` alike.
set -euo pipefail
FP_TEST=live
. "$(dirname "$0")/lib.sh"
fp_require_root

fpctl_json() { "${FPCTL[@]}" --json "$@"; }
total() { fp_jget "$(fpctl_json stats)" "r['stats']['total']['$1']"; }
running_key() { # <section> <key>: the value `config get` shows
	"${FPCTL[@]}" config get | awk -v sec="[$1]" -v key="$2" '
		$0 == sec { s = 1; next } /^\[/ { s = 0 } s && $1 == key { print $3 }'
}

# Open one TCP connection to port 7, echo a line, then stay silent. The
# client reports how the appliance ended it ("reset" or "fin") and when, in
# seconds since the connection went idle, into <file>.
idle_flow() { # <file>
	fp_ns "$FP_PY" - "$FP_APP_IP" "$1" <<'EOF' &
import socket, sys, time
host, out = sys.argv[1], sys.argv[2]
s = socket.create_connection((host, 7), timeout=5)
s.sendall(b"hello\n")
assert s.recv(100) == b"hello\n", "no echo"
idle = time.monotonic()
open(out + ".ready", "w").close()
s.settimeout(60)
try:
    how = "fin" if s.recv(100) == b"" else "data"
except ConnectionResetError:
    how = "reset"
except socket.timeout:
    how = "timeout"
open(out, "w").write(f"{how} {time.monotonic() - idle:.2f}\n")
EOF
	fp__wait_for 10 test -e "$1.ready" || fp_fail "idle flow never connected"
}

fp_topo_veth
fp_write_config
fp_cfg_set tcp idle_timeout_s 300
fp_start_app

# --- a shortened idle_timeout_s closes a flow already idle longer ---------------
timed_out0=$(total flows_timed_out)
idle_flow "$FP_WORK/a"
sleep 3
fp_assert_eq "flow open after 3 s idle at idle_timeout_s 300" 1 "$(total flows_open)"
out=$("${FPCTL[@]}" config set tcp.idle_timeout_s 2) || fp_fail "config set: $out"
fp_assert_eq "config set output" "tcp.idle_timeout_s = 2 (was 300)" "$out"
fp__wait_for 5 test -s "$FP_WORK/a" || fp_fail "the idle flow was not closed within 5 s of the change"
read -r how after <"$FP_WORK/a"
fp_assert_eq "idle flow ended by" reset "$how"
fp_log "ok: closed after $after s idle (3 s before the change)"
fp_assert_eq "flows_timed_out" $((timed_out0 + 1)) "$(total flows_timed_out)"
fp_assert_eq "running tcp.idle_timeout_s" 2 "$(running_key tcp idle_timeout_s)"

# --- bad values are refused, and 2 s stays in effect --------------------------
for bad in "0|config set: tcp.idle_timeout_s: 0 out of range (1..86400)" \
	"soon|config set: tcp.idle_timeout_s: 'soon' is not a number" \
	"5 6|config set: tcp.idle_timeout_s: trailing junk '6'"; do
	rc=0
	err=$("${FPCTL[@]}" config set tcp.idle_timeout_s "${bad%%|*}" 2>&1 >/dev/null) || rc=$?
	fp_assert_eq "exit status of config set tcp.idle_timeout_s '${bad%%|*}'" 1 "$rc"
	fp_assert_eq "its message" "fpctl: ${bad#*|}" "$err"
done
r=$(fpctl_json config set tcp.idle_timeout_s 0 || true)
fp_assert_eq "refusal reason" invalid "$(fp_jget "$r" "r['reason']")"
fp_assert_eq "running tcp.idle_timeout_s after refusals" 2 "$(running_key tcp idle_timeout_s)"
idle_flow "$FP_WORK/b"
fp__wait_for 8 test -s "$FP_WORK/b" || fp_fail "a new idle flow outlived the 2 s timeout: a refused value took effect"
read -r how after <"$FP_WORK/b"
fp_assert_eq "second idle flow ended by" reset "$how"
python3 -c "import sys; sys.exit(not 1.5 <= float(sys.argv[1]) <= 4.5)" "$after" ||
	fp_fail "second idle flow ended after $after s, not about 2 s"
fp_log "ok: the 2 s timeout is still in effect (closed after $after s)"

# --- keys that need a restart, unknown keys ----------------------------------
rc=0
err=$("${FPCTL[@]}" config set tcp.max_flows 16 2>&1 >/dev/null) || rc=$?
fp_assert_eq "exit status of config set tcp.max_flows" 1 "$rc"
fp_assert_eq "its message" "fpctl: config set: tcp.max_flows: needs a restart: it sizes the TCP engine's memory, allocated at start" "$err"
r=$(fpctl_json config set tcp.max_flows 16 || true)
fp_assert_eq "refusal reason" restart "$(fp_jget "$r" "r['reason']")"
fp_assert_eq "running tcp.max_flows" 4096 "$(running_key tcp max_flows)"
r=$(fpctl_json config set tcp.nope 1 || true)
fp_assert_eq "unknown key reason" unknown "$(fp_jget "$r" "r['reason']")"

# --- diff against the file -------------------------------------------------------
d=$(fpctl_json config diff) || fp_fail "config diff: $d"
fp_assert_eq "diff keys" "['tcp.idle_timeout_s']" "$(fp_jget "$d" "[c['key'] for c in r['changes']]")"
fp_assert_eq "diff values" "2 300 True" \
	"$(fp_jget "$d" "' '.join(str(r['changes'][0][k]) for k in ('running', 'file', 'live'))")"
# An edit of the file shows as a difference that waits for a restart.
fp_cfg_set tcp max_flows 2048
d=$(fpctl_json config diff) || fp_fail "config diff: $d"
fp_assert_eq "diff after editing the file" "tcp.max_flows:False tcp.idle_timeout_s:True" \
	"$(fp_jget "$d" "' '.join(c['key'] + ':' + str(c['live']) for c in r['changes'])")"
"${FPCTL[@]}" config diff | grep -qE '^tcp\.max_flows +4096 +2048 +restart$' ||
	fp_fail "human diff: $("${FPCTL[@]}" config diff)"

# --- the other live keys: taken by the running appliance, checked across keys --
for kv in "tcp.time_wait_ms 1500" "tcp.rto_initial_ms 800" "tcp.rto_min_ms 100" \
	"tcp.rto_max_ms 30000" "mqtt.interval_ms 500" "tcp.syn_cookies on"; do
	key=${kv% *} value=${kv#* }
	out=$("${FPCTL[@]}" config set "$key" "$value") || fp_fail "config set $kv: $out"
	fp_assert_eq "running $key" "$value" "$(running_key "${key%%.*}" "${key#*.}")"
done
for bad in "tcp.rto_min_ms 5000|rto_min_ms (5000) must not exceed rto_initial_ms (800)" \
	"tcp.time_wait_ms 500|tcp.time_wait_ms: 500 out of range (1000..240000)" \
	"tcp.syn_cookies sometimes|tcp.syn_cookies: 'sometimes' is not one of off, on, auto"; do
	kv=${bad%%|*}
	rc=0
	err=$("${FPCTL[@]}" config set "${kv% *}" "${kv#* }" 2>&1 >/dev/null) || rc=$?
	fp_assert_eq "exit status of config set $kv" 1 "$rc"
	fp_assert_eq "its message" "fpctl: config set: ${bad#*|}" "$err"
done
fp_assert_eq "running tcp.rto_min_ms after the refusal" 100 "$(running_key tcp rto_min_ms)"
# syn_cookies = on: every new connection is answered with a cookie, and works.
cookies0=$(total tcp_syn_cookies_ok)
out=$(fp_echo --port 7 --conns 4 --bytes 4096 --timeout 20) || fp_fail "echo with SYN cookies on: $out"
fp_assert_ge "connections made through a SYN cookie" $((cookies0 + 4)) "$(total tcp_syn_cookies_ok)"

# --- the log level, both ways --------------------------------------------------
"${FPCTL[@]}" config set log.level debug >/dev/null || fp_fail "config set log.level"
fp_assert_eq "fpctl log level after config set" "user.fp.app: debug" "$("${FPCTL[@]}" log level)"
"${FPCTL[@]}" log level notice >/dev/null || fp_fail "fpctl log level notice"
fp_assert_eq "running log.level after fpctl log level" notice "$(running_key log level)"

# --- still serving -------------------------------------------------------------------
out=$(fp_echo --port 7 --conns 4 --bytes 65536 --timeout 20) || fp_fail "echo after the changes: $out"
fp_log "ok: echo after the changes: $out"
fp_stop_app || fp_fail "fastpath exited non-zero"
fp_log "PASS"
