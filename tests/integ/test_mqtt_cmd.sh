#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Who may run what over the MQTT cmd topic, against real mosquitto brokers
# this test starts on 127.0.0.1:
#  - by default only read-only commands run: shutdown, log and a pipeline
#    reload get an error reply, count in mqtt.commands_refused, and the
#    appliance keeps serving the pipeline it ran;
#  - allowing a write command without broker authentication is refused by
#    `fastpath -t` and at start, with file:line;
#  - with the ACL docs/TELEMETRY.md shows (taken from the document itself),
#    a "monitor" user cannot shut the appliance down, an "operator" can.
set -euo pipefail
FP_TEST=mqcmd
. "$(dirname "$0")/lib.sh"
fp_require_root ping mosquitto mosquitto_sub mosquitto_pub mosquitto_passwd

MQ_PORT=${MQ_PORT:-18833}
NODE=fpcmd
TOPIC=fastpath/$NODE
SUB_LOG=$FP_WORK/sub.log

sub_start() { # [mosquitto_sub auth args]: "topic payload" lines of this node into $SUB_LOG
	: >"$SUB_LOG"
	mosquitto_sub -h 127.0.0.1 -p "$MQ_PORT" "$@" -t "$TOPIC/#" -v >"$SUB_LOG" 2>&1 &
	fp_on_exit "kill $!"
	SUB_PID=$!
	sleep 0.3 # let the subscription reach the broker
}
replies() { grep -c "^$TOPIC/reply " "$SUB_LOG" || true; }
have_replies() { (($(replies) >= $1)); }
reply() { grep "^$TOPIC/reply " "$SUB_LOG" | sed -n "${1}p" | cut -d' ' -f2-; } # <n>
cmd() { # <json> [auth args]: publish one request
	local req=$1
	shift
	mosquitto_pub -h 127.0.0.1 -p "$MQ_PORT" "$@" -t "$TOPIC/cmd" -m "$req"
}
mqtt_status() { fp_jget "$("${FPCTL[@]}" --json status)" "r['mqtt']['$1']"; }
cfg_line() { grep -n "^$1 = " "$FP_CFG" | cut -d: -f1; } # <key>: its line in the config

base_config() {
	fp_write_config
	fp_cfg_set mqtt enabled yes
	fp_cfg_set mqtt port "$MQ_PORT"
	fp_cfg_set mqtt node "$NODE"
	fp_cfg_set mqtt commands yes
}

# --- a write command without broker authentication: refused at -t and at start -----------------
base_config
fp_cfg_set mqtt commands_allow "status, shutdown"
line=$(cfg_line commands_allow)
want="$FP_CFG:$line: commands_allow: shutdown changes the appliance, so the cmd topic may only take it from an authenticated broker"
rc=0
out=$("$FP_BIN" -- -c "$FP_CFG" -t 2>&1) || rc=$?
fp_assert_eq "fastpath -t exit status (shutdown allowed, anonymous broker)" 1 "$rc"
[[ $out == "$want"* ]] || fp_fail "fastpath -t said: $out"
fp_log "ok: -t refuses it: $out"
rc=0
out=$("$FP_BIN" -l 0-1 --no-huge -m 256 --no-pci --file-prefix="$FP_FILE_PREFIX" -- -c "$FP_CFG" 2>&1) || rc=$?
fp_assert_eq "start exit status (shutdown allowed, anonymous broker)" 1 "$rc"
grep -qF "$want" <<<"$out" || fp_fail "start said: $out"
fp_log "ok: start refuses it before EAL init"
fp_cfg_set mqtt tls_ca /etc/ssl/certs/ca-certificates.crt
"$FP_BIN" -- -c "$FP_CFG" -t >/dev/null 2>&1 && fp_fail "-t accepted shutdown with TLS server auth only"
fp_log "ok: TLS without a client certificate is not authentication"
fp_cfg_set mqtt username fastpath
out=$("$FP_BIN" -- -c "$FP_CFG" -t 2>&1) || fp_fail "-t with a broker user name: $out"
fp_log "ok: -t accepts it with a broker user name"

# --- default allow list on an anonymous broker: only read-only commands run --------------------
fp_broker_conf "$MQ_PORT" 127.0.0.1 >"$FP_WORK/anon.conf"
fp_broker_start anon "$MQ_PORT" "$FP_WORK/anon.conf"
sub_start
fp_topo_veth
base_config
fp_start_app
fp__wait_for 10 grep -q "^$TOPIC/status online" "$SUB_LOG" || fp_fail "no 'online' status"
grep -q "$TOPIC/cmd runs read-only commands: status stats flows ports pipeline config help" "$FP_LOG" ||
	fp_fail "start-up did not log the read-only command set"
cmd '{"cmd":"status"}'
cmd '{"cmd":"shutdown"}'
cmd '{"cmd":"log","level":"debug"}'
cmd "{\"cmd\":\"pipeline\",\"op\":\"reload\",\"path\":\"$FP_SRC/pipelines/reflect.pipeline\"}"
cmd '{"cmd":"help"}'
fp__wait_for 5 have_replies 5 || fp_fail "fewer than 5 replies: $(cat "$SUB_LOG")"
fp_assert_eq "status over MQTT" "True $FP_PID" "$(fp_jget "$(reply 1)" "r['ok'], r['pid']" | tr -d '(),')"
fp_assert_eq "shutdown over MQTT" "False shutdown is not allowed over mqtt (see [mqtt] commands_allow)" \
	"$(fp_jget "$(reply 2)" "str(r['ok']) + ' ' + r['error']")"
fp_assert_eq "log over MQTT" "False log is not allowed over mqtt (see [mqtt] commands_allow)" \
	"$(fp_jget "$(reply 3)" "str(r['ok']) + ' ' + r['error']")"
fp_assert_eq "pipeline reload over MQTT" \
	"False pipeline_reload is not allowed over mqtt (see [mqtt] commands_allow)" \
	"$(fp_jget "$(reply 4)" "str(r['ok']) + ' ' + r['error']")"
fp_assert_eq "help over MQTT" True "$(fp_jget "$(reply 5)" "r['ok']")"
sleep 1 # a shutdown that had been accepted would be draining by now
kill -0 "$FP_PID" 2>/dev/null || fp_fail "the appliance exited after a refused shutdown"
fp_ns ping -c 2 -i 0.2 -W 2 "$FP_APP_IP" >/dev/null || fp_fail "ping after refused commands"
fp_assert_eq "draining" False "$(fp_jget "$("${FPCTL[@]}" --json status)" "r['draining']")"
fp_assert_eq "log level untouched" "user.fp.app: info" "$("${FPCTL[@]}" log level)"
fp_assert_eq "pipeline untouched (generation)" 0 \
	"$(fp_jget "$("${FPCTL[@]}" --json pipeline)" "r['generation']")"
fp_assert_eq "mqtt.commands" 5 "$(mqtt_status commands)"
fp_assert_eq "mqtt.commands_refused" 3 "$(mqtt_status commands_refused)"
grep -q "refused a command on $TOPIC/cmd" "$FP_LOG" || fp_fail "refusal not logged"
rc=0
fp_stop_app || rc=$?
fp_assert_eq "exit status after SIGTERM" 0 "$rc"
kill "$SUB_PID" 2>/dev/null || true
fp_broker_stop anon

# --- the documented ACL on an authenticated broker: monitor cannot, operator can -----------------
awk '/^# mosquitto acl_file for fastpath/ {on = 1} on && /^```/ {exit} on' \
	"$FP_SRC/docs/TELEMETRY.md" >"$FP_WORK/fastpath.acl"
grep -q "^user operator" "$FP_WORK/fastpath.acl" || fp_fail "no ACL example found in docs/TELEMETRY.md"
mosquitto_passwd -c -b "$FP_WORK/passwd" fastpath 'fp-pass' >/dev/null 2>&1
mosquitto_passwd -b "$FP_WORK/passwd" operator 'op-pass' >/dev/null 2>&1
mosquitto_passwd -b "$FP_WORK/passwd" monitor 'mon-pass' >/dev/null 2>&1
chmod 0600 "$FP_WORK/passwd" "$FP_WORK/fastpath.acl"
cat >"$FP_WORK/acl.conf" <<EOF
listener $MQ_PORT 127.0.0.1
allow_anonymous false
password_file $FP_WORK/passwd
acl_file $FP_WORK/fastpath.acl
persistence false
# started as root: keep root, or the broker cannot read the test's private files
user root
EOF
fp_broker_start acl "$MQ_PORT" "$FP_WORK/acl.conf"
OPERATOR=(-u operator -P op-pass)
MONITOR=(-u monitor -P mon-pass)
sub_start "${OPERATOR[@]}"
base_config
fp_cfg_set mqtt username fastpath
fp_cfg_set mqtt password fp-pass
fp_cfg_set mqtt commands_allow "status, stats, shutdown"
rm -f "$FP_SOCK"
fp_start_app
fp__wait_for 10 grep -q "^$TOPIC/status online" "$SUB_LOG" || fp_fail "no 'online' status with the ACL"
grep -q "$TOPIC/cmd runs commands that change the appliance (status stats shutdown)" "$FP_LOG" ||
	fp_fail "start-up did not warn about write commands"
st=$(mosquitto_sub -h 127.0.0.1 -p "$MQ_PORT" "${MONITOR[@]}" -t "$TOPIC/status" -C 1 -W 3) ||
	fp_fail "monitor cannot read the status"
fp_assert_eq "monitor reads the status" online "$st"
cmd '{"cmd":"shutdown"}' "${MONITOR[@]}"
sleep 1.5
kill -0 "$FP_PID" 2>/dev/null || fp_fail "a monitor shut the appliance down"
fp_assert_eq "commands that reached the appliance from monitor" 0 "$(mqtt_status commands)"
fp_assert_eq "replies after monitor's shutdown" 0 "$(replies)"
cmd '{"cmd":"status"}' "${OPERATOR[@]}"
fp__wait_for 5 have_replies 1 || fp_fail "no reply to the operator's status"
fp_assert_eq "operator's status" True "$(fp_jget "$(reply 1)" "r['ok']")"
cmd '{"cmd":"shutdown","timeout_ms":2000}' "${OPERATOR[@]}"
fp__wait_for 5 have_replies 2 || fp_fail "no reply to the operator's shutdown"
fp_assert_eq "operator's shutdown" "True True" "$(fp_jget "$(reply 2)" "r['ok'], r['draining']" | tr -d '(),')"
pid=$FP_PID
FP_PID=
fp__wait_for 20 fp__gone "$pid" || fp_fail "still running 20 s after the operator's shutdown"
rc=0
wait "$pid" || rc=$?
fp_assert_eq "exit status after shutdown over MQTT" 0 "$rc"
fp_log "PASS"
