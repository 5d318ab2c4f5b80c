#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Packet capture from the running appliance: fastpath runs on 2 MiB
# hugepages reserved by ./hugepage-setup.sh (not --no-huge), dpdk-dumpcap
# attaches to it as a DPDK secondary process (same --file-prefix) and
# captures one echo session to pcapng; tcpdump -r must show the client's
# SYN, our SYN-ACK, the data both ways and a FIN from each side. Then the
# same through `fpctl capture`, which finds the file prefix and the port
# itself, with a capture filter that keeps a ping out of the file.
# Hugepages are left as they were found.
set -euo pipefail
FP_TEST=capture
. "$(dirname "$0")/lib.sh"
fp_require_root dpdk-dumpcap tcpdump

HP=/sys/kernel/mm/hugepages/hugepages-2048kB
MNT=/dev/hugepages
PAYLOAD="fastpath-capture-$$-$RANDOM"

# --- hugepages, restored on exit ------------------------------------------------------
hp_pages0=$(cat "$HP/nr_hugepages")
hp_mounted0=no
mountpoint -q "$MNT" && hp_mounted0=yes
hp_dir0=no
[[ -d $MNT ]] && hp_dir0=yes
hp_restore() {
	# our hugepage files and runtime directory, whatever state EAL left them in
	rm -f "$MNT/${FP_FILE_PREFIX}"map_* 2>/dev/null || true
	rm -rf "/var/run/dpdk/$FP_FILE_PREFIX"
	if [[ $hp_mounted0 == no ]] && mountpoint -q "$MNT"; then
		umount "$MNT"
	fi
	echo "$hp_pages0" >"$HP/nr_hugepages"
	[[ $hp_dir0 == yes ]] || rmdir "$MNT" 2>/dev/null || true
}
fp_on_exit hp_restore
"$FP_SRC/hugepage-setup.sh" 256 >"$FP_WORK/hugepages.log" || fp_fail "hugepage-setup.sh: $(cat "$FP_WORK/hugepages.log")"
free=$(cat "$HP/free_hugepages")
((free >= 128)) || fp_fail "only $free free 2 MiB pages after hugepage-setup.sh 256"
fp_log "ok: $free free 2 MiB hugepages (found $hp_pages0, hugetlbfs mounted: $hp_mounted0)"

fp_topo_veth
# hugepages: a secondary process can only attach to those. It maps them at
# the primary's addresses; EAL's default base (4 GiB) lies in ASan's shadow
# gap, so an ASan primary would map wherever mmap put it, among the
# secondary's own libraries. A base far above both keeps the two layouts apart.
FP_EAL_MEM=(--base-virtaddr=0x200000000000)
fp_start_app
dev=$(fp_jget "$("${FPCTL[@]}" --json status)" "r['ports'][0]['name']")

# One echo session: connect, send the payload, read it back, half-close, wait
# for the appliance's FIN.
session() {
	fp_ns "$FP_PY" - "$FP_APP_IP" "$PAYLOAD" <<'EOF'
import socket, sys
s = socket.create_connection((sys.argv[1], 7), timeout=10)
s.sendall(sys.argv[2].encode())
got = b""
while len(got) < len(sys.argv[2]):
    got += s.recv(4096)
assert got == sys.argv[2].encode(), got
s.shutdown(socket.SHUT_WR)
assert s.recv(100) == b"", "data instead of FIN"
s.close()
EOF
}

# Start a capture command in the background, wait until it reports that it
# captures, run the session, let the last ACK pass, stop it with SIGINT.
capture() { # <log> <command...>
	local log=$1 pid
	shift
	# line-buffered: dumpcap's "Capturing on" must reach the log when said
	stdbuf -oL -eL "$@" >"$log" 2>&1 &
	pid=$!
	fp_on_exit "kill -INT $pid"
	fp__wait_for 20 grep -q "^Capturing on" "$log" ||
		fp_fail "$1 did not start capturing: $(cat "$log")"
	session || fp_fail "echo session during the capture failed"
	fp_ns ping -c 2 -i 0.2 -W 1 "$FP_APP_IP" >/dev/null || fp_fail "ping during the capture"
	sleep 0.5
	kill -INT "$pid"
	fp__wait_for 15 fp__gone "$pid" || fp_fail "$1 ignored SIGINT"
	wait "$pid" || fp_fail "$1 exited with $?: $(cat "$log")"
}

# The frames of the session in a capture file, checked with tcpdump -r.
check_capture() { # <pcapng> <what>
	local f=$1 what=$2 out c=$FP_PEER_IP a=$FP_APP_IP
	out=$(tcpdump -nn -r "$f" 'tcp port 7' 2>/dev/null) || fp_fail "tcpdump -r $f"
	grep -qE "IP $c\.[0-9]+ > $a\.7: Flags \[S\]," <<<"$out" || fp_fail "$what: no SYN from the client:
$out"
	grep -qE "IP $a\.7 > $c\.[0-9]+: Flags \[S\.\]," <<<"$out" || fp_fail "$what: no SYN-ACK:
$out"
	grep -qE "IP $c\.[0-9]+ > $a\.7: Flags \[P?\.\], .*length ${#PAYLOAD}\$" <<<"$out" ||
		fp_fail "$what: no ${#PAYLOAD}-byte data segment from the client:
$out"
	grep -qE "IP $a\.7 > $c\.[0-9]+: Flags \[P?\.\], .*length ${#PAYLOAD}\$" <<<"$out" ||
		fp_fail "$what: no ${#PAYLOAD}-byte echo from the appliance:
$out"
	grep -qE "IP $c\.[0-9]+ > $a\.7: Flags \[F\.\]," <<<"$out" || fp_fail "$what: no FIN from the client:
$out"
	grep -qE "IP $a\.7 > $c\.[0-9]+: Flags \[F\.\]," <<<"$out" || fp_fail "$what: no FIN from the appliance:
$out"
	(($(tcpdump -nn -A -r "$f" 'tcp port 7' 2>/dev/null | grep -c "$PAYLOAD") >= 2)) ||
		fp_fail "$what: the payload is not in the file both ways"
	fp_log "ok: $what: SYN, SYN-ACK, data both ways, FIN both ways ($(wc -l <<<"$out") TCP frames)"
}

# --- dpdk-dumpcap as a secondary process ----------------------------------------------
capture "$FP_WORK/dumpcap.log" dpdk-dumpcap --file-prefix="$FP_FILE_PREFIX" -i "$dev" \
	-w "$FP_WORK/raw.pcapng"
# pcapng starts with a Section Header Block, type 0x0a0d0d0a
fp_assert_eq "pcapng block type" "0a0d0d0a" "$(od -An -tx1 -N4 "$FP_WORK/raw.pcapng" | tr -d ' ')"
check_capture "$FP_WORK/raw.pcapng" "dpdk-dumpcap"
(($(tcpdump -nn -r "$FP_WORK/raw.pcapng" icmp 2>/dev/null | wc -l) == 4)) ||
	fp_fail "dpdk-dumpcap: expected 2 echo requests and 2 replies"
# "Packets received/dropped on interface 'net_af_packet0': 13/0 (100.0)"
counts=$(sed -n "s|^Packets received/dropped on interface '$dev': \([0-9]*/[0-9]*\) .*|\1|p" "$FP_WORK/dumpcap.log")
fp_assert_eq "dpdk-dumpcap received/dropped = frames in the file/0" \
	"$(tcpdump -nn -r "$FP_WORK/raw.pcapng" 2>/dev/null | wc -l)/0" "$counts"

# --- fpctl capture: finds the prefix and the port, passes the filter ------------------------
capture "$FP_WORK/fpctl.log" "${FPCTL[@]}" capture -w "$FP_WORK/fpctl.pcapng" -f 'tcp port 7'
check_capture "$FP_WORK/fpctl.pcapng" "fpctl capture"
fp_assert_eq "frames outside the filter (the pings)" 0 \
	"$(tcpdump -nn -r "$FP_WORK/fpctl.pcapng" 'not tcp port 7' 2>/dev/null | wc -l)"

# The appliance did not notice: the sessions were echoed and counted.
rc=0
fp_stop_app || rc=$?
fp_assert_eq "exit status after SIGTERM" 0 "$rc"
fp_assert_eq "flows_closed (two captured sessions)" 2 "$(fp_summary_counter flows_closed)"
fp_log "PASS"
