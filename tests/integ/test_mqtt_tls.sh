#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# MQTT over TLS with a user name and password, all from the config file:
# a mosquitto broker started by this test on 127.0.0.1 with a throw-away CA,
# a server certificate for 127.0.0.1, and a password file. The appliance
# publishes over TLS when the credentials are right; with a wrong password
# the broker refuses it, and it keeps serving (and retrying) without ever
# reporting itself connected.
set -euo pipefail
FP_TEST=mqtls
. "$(dirname "$0")/lib.sh"
fp_require_root mosquitto mosquitto_sub mosquitto_passwd openssl

MQ_PORT=${MQ_PORT:-18832}
NODE=fptls
TOPIC=fastpath/$NODE
PKI=$FP_WORK/pki

# --- a CA, a server certificate for 127.0.0.1, a password file ----------------------------------
mkdir -p "$PKI"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=fastpath test CA" \
	-keyout "$PKI/ca.key" -out "$PKI/ca.crt" >/dev/null 2>&1 || fp_fail "openssl: CA"
openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" \
	-keyout "$PKI/server.key" -out "$PKI/server.csr" >/dev/null 2>&1 || fp_fail "openssl: CSR"
printf 'subjectAltName=IP:127.0.0.1\n' >"$PKI/san.ext"
openssl x509 -req -in "$PKI/server.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial \
	-days 1 -extfile "$PKI/san.ext" -out "$PKI/server.crt" >/dev/null 2>&1 || fp_fail "openssl: sign"
mosquitto_passwd -c -b "$PKI/passwd" fpuser 's3cret-pass' >/dev/null 2>&1 || fp_fail "mosquitto_passwd"
chmod 0600 "$PKI"/*

cat >"$FP_WORK/mosquitto.conf" <<EOF
listener $MQ_PORT 127.0.0.1
cafile $PKI/ca.crt
certfile $PKI/server.crt
keyfile $PKI/server.key
allow_anonymous false
password_file $PKI/passwd
persistence false
# started as root: keep root, or the broker cannot read the test's private files
user root
EOF
fp_broker_start tls "$MQ_PORT" "$FP_WORK/mosquitto.conf"
SUB=(mosquitto_sub -h 127.0.0.1 -p $MQ_PORT --cafile "$PKI/ca.crt" -u fpuser -P 's3cret-pass')
fp__wait_for 10 "${SUB[@]}" -t probe -W 1 -E >/dev/null 2>&1 ||
	fp_fail "TLS broker does not serve: $(tail -n 5 "$FP_WORK/mosquitto.log")"
"${SUB[@]}" -t "$TOPIC/#" -v >"$FP_WORK/sub.log" 2>&1 &
SUB_PID=$!
fp_on_exit "kill $SUB_PID"
sleep 0.3

have_stats() { (($(grep -c "^$TOPIC/stats {" "$FP_WORK/sub.log" || true) >= $1)); }

config_for() { # <password>
	fp_write_config
	fp_cfg_set mqtt enabled yes
	fp_cfg_set mqtt port "$MQ_PORT"
	fp_cfg_set mqtt node "$NODE"
	fp_cfg_set mqtt interval_ms 200
	fp_cfg_set mqtt username fpuser
	fp_cfg_set mqtt password "$1"
	fp_cfg_set mqtt tls_ca "$PKI/ca.crt"
}

# --- right credentials: TLS session, documents arrive -----------------------------------------------
fp_topo_veth
config_for 's3cret-pass'
fp_start_app
fp__wait_for 15 have_stats 3 || fp_fail "no stats documents over TLS: $(tail -n 5 "$FP_WORK/mosquitto.log")"
fp_log "ok: stats documents over TLS with user/password"
grep -q "^$TOPIC/status online" "$FP_WORK/sub.log" || fp_fail "no online status over TLS"
st=$("${FPCTL[@]}" --json status)
fp_assert_eq "mqtt connected over TLS" True "$(fp_jget "$st" "r['mqtt']['connected']")"
cfgtext=$("${FPCTL[@]}" config get)
grep -q "^password = (hidden)" <<<"$cfgtext" || fp_fail "config get does not hide the password"
! grep -q "s3cret" <<<"$cfgtext" || fp_fail "config get leaks the broker password"
fp_log "ok: config get hides the broker password"
rc=0
fp_stop_app || rc=$?
fp_assert_eq "exit status" 0 "$rc"

# --- wrong password: refused, never connected, still serving -------------------------------------------
rm -f "$FP_SOCK"
config_for 'wrong'
fp_start_app
sleep 3
st=$("${FPCTL[@]}" --json status)
fp_assert_eq "mqtt connected with a wrong password" False "$(fp_jget "$st" "r['mqtt']['connected']")"
fp_assert_eq "mqtt connects with a wrong password" 0 "$(fp_jget "$st" "r['mqtt']['connects']")"
fp_assert_ge "documents dropped while refused" 5 "$(fp_jget "$st" "r['mqtt']['dropped']")"
grep -q "broker refused the connection" "$FP_LOG" || fp_fail "refusal not logged"
attempts=$(grep -c "broker refused the connection" "$FP_LOG")
fp_assert_ge "connection attempts in 3 s (back-off, not a busy loop)" 2 "$attempts"
((attempts <= 6)) || fp_fail "$attempts attempts in 3 s: back-off is not working"
fp_ns ping -c 3 -i 0.2 -W 2 "$FP_APP_IP" >/dev/null || fp_fail "ping while MQTT is refused"
rc=0
fp_stop_app || rc=$?
fp_assert_eq "exit status" 0 "$rc"
fp_log "PASS"
