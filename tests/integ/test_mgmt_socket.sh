#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Where the management socket may live, through the real binary: a directory
# that is writable by everyone, owned by another user, group-writable without
# [mgmt] group, or a symbolic link, a symbolic link at the socket path, and a
# socket someone listens on, are each refused at start with a message that
# names the problem (and the link's target is left alone); a missing
# directory is created, a normal one gets a 0600 socket, and with [mgmt]
# group a 0660 socket of that group in a directory that group may write. Replies stay UTF-8 JSON whatever bytes a
# client or the config puts in them: a long multibyte command name is cut on
# a character boundary, and a Latin-1 byte in the config reads back as U+FFFD.
set -euo pipefail
FP_TEST=mgsock
. "$(dirname "$0")/lib.sh"
fp_require_root ping getent

GROUP=nogroup # present on every Debian system
getent group "$GROUP" >/dev/null || fp_fail "group $GROUP missing"
OTHER_UID=$(id -u nobody) || fp_fail "user nobody missing"

use_socket() { # <path>: this socket for the config and for fpctl
	FP_SOCK=$1
	FPCTL=("$FP_PY" "$FP_SRC/tools/fpctl/fpctl" -s "$FP_SOCK")
	fp_cfg_set mgmt socket "$FP_SOCK"
}

# Start the appliance, which must exit 1 on its own, saying <message>.
expect_refused() { # <what> <message>
	local rc=0 out
	out=$(timeout 60 "$FP_BIN" -l 0-1 --no-huge -m 512 --no-pci --file-prefix="$FP_FILE_PREFIX" \
		--vdev "$FP_VDEV" -- -c "$FP_CFG" 2>&1) || rc=$?
	echo "$out" >>"$FP_LOG"
	fp_assert_eq "$1: exit status" 1 "$rc"
	grep -qF -- "$2" <<<"$out" || fp_fail "$1: no '$2' in: $(tail -n 5 <<<"$out")"
	fp_log "ok: $1 refused: $2"
}

fp_topo_veth
fp_write_config
W=$FP_WORK

# --- directories and paths that must be refused ----------------------------------------------
mkdir -m 0777 "$W/world"
chmod 0777 "$W/world" # whatever the umask
use_socket "$W/world/mgmt.sock"
expect_refused "world-writable directory" "socket directory $W/world is writable by everyone (mode 0777)"
[[ ! -e $W/world/mgmt.sock ]] || fp_fail "a socket was created in the world-writable directory"

mkdir -m 0755 "$W/other"
chown nobody "$W/other"
use_socket "$W/other/mgmt.sock"
expect_refused "directory of another user" \
	"socket directory $W/other is owned by uid $OTHER_UID, not by root or by us (uid 0)"
[[ ! -e $W/other/mgmt.sock ]] || fp_fail "a socket was created in another user's directory"

mkdir -m 0755 "$W/real"
ln -s "$W/real" "$W/link"
use_socket "$W/link/mgmt.sock"
expect_refused "symlinked directory" "socket directory $W/link is a symbolic link"
[[ ! -e $W/real/mgmt.sock ]] || fp_fail "a socket was created through the symlink"

mkdir -m 0770 "$W/grpw"
chmod 0770 "$W/grpw"
use_socket "$W/grpw/mgmt.sock"
expect_refused "group-writable directory without [mgmt] group" \
	"socket directory $W/grpw is writable by group 0 (mode 0770), which is not the [mgmt] group"

mkdir -m 0755 "$W/dir"
echo "precious" >"$W/target"
chmod 0644 "$W/target"
ln -s "$W/target" "$W/dir/mgmt.sock"
use_socket "$W/dir/mgmt.sock"
expect_refused "symlink at the socket path" "socket $W/dir/mgmt.sock is a symbolic link: refusing to replace it"
fp_assert_eq "symlink target untouched" "644 root precious" "$(stat -c '%a %U' "$W/target") $(cat "$W/target")"
rm "$W/dir/mgmt.sock"

mkdir -m 0755 "$W/live"
"$FP_PY" -c 'import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen()
time.sleep(120)' "$W/live/mgmt.sock" &
LISTENER=$!
fp_on_exit "kill $LISTENER"
fp__wait_for 10 test -S "$W/live/mgmt.sock" || fp_fail "the stand-in listener did not start"
use_socket "$W/live/mgmt.sock"
expect_refused "a socket someone listens on" "socket $W/live/mgmt.sock: another instance is listening on it"
kill "$LISTENER"

# --- a missing directory is created; the socket is 0600, replies are UTF-8 JSON ----------------
use_socket "$W/new/sub/mgmt.sock"
# a Latin-1 e-acute in a config value (not UTF-8)
fp_cfg_set mqtt node "caf$(printf '\351')"
fp_start_app
fp_assert_eq "created socket directory" "755 root" "$(stat -c '%a %U' "$W/new/sub")"
fp_assert_eq "socket mode and owner (no [mgmt] group)" "600 root root" "$(stat -c '%a %U %G' "$FP_SOCK")"
st=$("${FPCTL[@]}" --json status) || fp_fail "fpctl status: $st"
fp_assert_eq "fpctl status over the socket" True "$(fp_jget "$st" "r['ok']")"

# "xy" and 22 x 3-byte euro signs: byte 64 is inside the 21st euro sign
name=xy$(printf '\342\202\254%.0s' $(seq 22))
rc=0
out=$("${FPCTL[@]}" --json raw "{\"cmd\":\"$name\"}") || rc=$?
fp_assert_eq "fpctl exit status for an unknown multibyte command (1 = an error reply)" 1 "$rc"
want="unknown command 'xy$(printf '\342\202\254%.0s' $(seq 20))...' (try help)"
fp_assert_eq "error reply, cut on a character boundary" "$want" "$(fp_jget "$out" "r['error']")"
"$FP_PY" - "$FP_SOCK" "$name" <<'EOF' || fp_fail "a reply is not UTF-8 JSON"
import json, socket, sys
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall(json.dumps({"cmd": sys.argv[2]}, ensure_ascii=False).encode() + b"\n")
s.sendall(b'{"cmd":"config"}\n')
buf = b""
while buf.count(b"\n") < 2:
    buf += s.recv(65536)
for line in buf.split(b"\n")[:2]:
    json.loads(line.decode("utf-8"))  # strict: raises on invalid UTF-8
EOF
cfg=$("${FPCTL[@]}" config get) || fp_fail "fpctl config get: $cfg"
grep -qxF "node = caf$(printf '\357\277\275')" <<<"$cfg" ||
	fp_fail "config get does not show the Latin-1 byte as U+FFFD: $(grep '^node' <<<"$cfg")"
fp_log "ok: config get shows the Latin-1 byte as U+FFFD"
rc=0
fp_stop_app || rc=$?
fp_assert_eq "exit status" 0 "$rc"

# --- [mgmt] group: a 0660 socket of that group, in a directory the group may write --------------
mkdir -m 0770 "$W/grp"
chgrp "$GROUP" "$W/grp"
chmod 0770 "$W/grp"
use_socket "$W/grp/mgmt.sock"
fp_cfg_set mgmt group "$GROUP"
# a stale socket from a dead instance is replaced
"$FP_PY" -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$FP_SOCK"
fp_start_app
fp_assert_eq "socket mode and group ([mgmt] group)" "660 root $GROUP" "$(stat -c '%a %U %G' "$FP_SOCK")"
st=$("${FPCTL[@]}" --json status) || fp_fail "fpctl status: $st"
fp_assert_eq "fpctl status over the group socket" True "$(fp_jget "$st" "r['ok']")"
rc=0
fp_stop_app || rc=$?
fp_assert_eq "exit status" 0 "$rc"
[[ ! -e $FP_SOCK ]] || fp_fail "socket file left behind"
fp_log "PASS"
