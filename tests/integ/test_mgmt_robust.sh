#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The management socket under abuse, while TCP echo runs: 1,000 garbage lines
# (each gets an error reply, the connection survives), a 10 MB line ("line
# too long", then closed), 100 concurrent clients (64 served, 36 told "too
# many clients"), 64 silent clients (the one silent longest makes room for a
# newcomer), clients that never read their replies (cut off, bounded memory),
# half-open clients (closed by the idle timer) and clients that hang up before
# their replies (no SIGPIPE). Afterwards a
# well-formed stats still answers, the client count is back to normal, and
# echo is still byte-exact.
set -euo pipefail
FP_TEST=mgmtr
. "$(dirname "$0")/lib.sh"
fp_require_root

rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$FP_PID/status"; }

fp_topo_veth
# [mgmt] group: the socket is 0660 and owned by that group
fp_cfg_set mgmt group daemon
# half-open clients are closed after 2 s of silence instead of 60 s
export FP_MGMT_IDLE_MS=2000
fp_start_app
unset FP_MGMT_IDLE_MS
fp_assert_eq "socket mode and group with [mgmt] group = daemon" "660 daemon" "$(stat -c '%a %G' "$FP_SOCK")"
rss0=$(rss_kb)

# Echo traffic during the abuse: the fast path must not notice the socket.
fp_echo_loop_start 10

"$FP_PY" - "$FP_SOCK" <<'EOF' || fp_fail "socket abuse checks failed"
import json, os, random, select, socket, sys, threading, time

path = sys.argv[1]
rng = random.Random(5)
failures = []


def check(cond, what):
    print(("ok: " if cond else "FAIL: ") + what, file=sys.stderr)
    if not cond:
        failures.append(what)


def connect():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(path)
    return s


def read_lines(s, n):
    buf, out = b"", []
    while len(out) < n:
        chunk = s.recv(65536)
        if not chunk:
            break
        buf += chunk
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            out.append(json.loads(line))
    return out


# 1. 1000 garbage lines on one connection: 1000 error replies, then it still works.
s = connect()
structured = [b'{"cmd":', b'{"cmd":"stats"', b"[]", b'{"cmd":1}', b"null", b'{"a":{"b":1}}',
              b'{"cmd":"stats"}}', b'{"cmd":"\xff"}', b'{"cmd":"nope"}', b"{}", b'"cmd"',
              b'{"cmd":"flows","limit":-1}', b'{"cmd":"flows","limit":1.5}']
lines = []
for i in range(1000):
    if i % 10 == 0:
        lines.append(structured[(i // 10) % len(structured)])
    else:
        n = rng.randint(1, 300)
        lines.append(bytes(b for b in rng.randbytes(n) if b not in (10, 13)) or b"x")
s.sendall(b"\n".join(lines) + b"\n")
replies = read_lines(s, 1000)
check(len(replies) == 1000, f"1000 garbage lines -> {len(replies)} replies")
check(all(r.get("ok") is False and r.get("error") for r in replies), "every garbage reply is ok:false with an error")
s.sendall(b'{"cmd":"stats"}\n')
r = read_lines(s, 1)
check(len(r) == 1 and r[0]["ok"] is True, "same connection still answers stats after the garbage")
# A line of exactly the 64 KiB cap, sent with CRLF, is still a line.
req = b'{"cmd":"status"}'
s.sendall(req + b" " * (64 * 1024 - len(req)) + b"\r\n")
r = read_lines(s, 1)
check(len(r) == 1 and r[0].get("ok") is True, f"64 KiB line with CRLF -> {str(r)[:120]}")
s.close()

# 2. A 10 MB line: "line too long", then the appliance closes the connection.
s = connect()
got = []


def reader():
    # the reply, then EOF or ECONNRESET (our unsent bytes are discarded)
    buf = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            buf += chunk
    except OSError:
        pass
    got.extend(json.loads(x) for x in buf.split(b"\n") if x)


t = threading.Thread(target=reader)
t.start()
try:
    s.sendall(b"A" * (10 * 1024 * 1024))
    s.sendall(b"\n")
    sent_all = True
except OSError:
    sent_all = False
t.join(15)
check(not t.is_alive(), "10 MB line: connection closed by the appliance")
check(len(got) == 1 and got[0].get("error") == "line too long", f"10 MB line -> {got[:1]}")
check(not sent_all, "10 MB line: the appliance stopped reading (send failed)")
s.close()

# 3. 100 concurrent clients: 64 are served, 36 are told "too many clients".
socks = [connect() for _ in range(100)]
time.sleep(0.5)
ok = refused = other = 0
for c in socks:
    try:
        c.sendall(b'{"cmd":"status"}\n')
    except OSError:
        pass
for c in socks:
    try:
        r = read_lines(c, 1)
    except OSError:
        r = []
    if r and r[0].get("ok"):
        ok += 1
    elif r and r[0].get("error") == "too many clients":
        refused += 1
    else:
        other += 1
check((ok, refused, other) == (64, 36, 0), f"100 clients: served {ok}, refused {refused}, other {other}")
for c in socks:
    c.close()

# 3b. 64 silent clients hold every slot: a new client still gets in, by
#     evicting the one silent longest (after idle/4 = 0.5 s here).
idle = [connect() for _ in range(64)]
time.sleep(1.0)
s = connect()
s.sendall(b'{"cmd":"status"}\n')
r = read_lines(s, 1)
check(len(r) == 1 and r[0]["ok"] is True, "a new client is served while 64 silent ones hold the slots")
s.close()
time.sleep(0.1)  # still well before the 2 s idle timeout
readable, _, _ = select.select(idle, [], [], 0)
evicted = 0
for c in readable:
    c.setblocking(False)
    try:
        if c.recv(10) == b"":
            evicted += 1
    except OSError:
        evicted += 1
check(evicted == 1, f"exactly one silent client evicted for it: {evicted}")
for c in idle:
    c.close()

# 4. Clients that never read: they are cut off, memory stays bounded.
def flood(c):
    req = b'{"cmd":"stats"}\n' * 200
    c.setblocking(False)
    deadline = time.time() + 20
    while time.time() < deadline:
        try:
            c.send(req)
        except BlockingIOError:
            time.sleep(0.01)
        except OSError:
            return "cut"
        # a closed connection shows up as EOF once our side drains
    return "alive"


floods = [connect() for _ in range(8)]
results = []
threads = [threading.Thread(target=lambda c=c: results.append(flood(c))) for c in floods]
for th in threads:
    th.start()
for th in threads:
    th.join()
check(results.count("cut") == 8, f"8 non-reading flooders: {results.count('cut')} cut off")
for c in floods:
    c.close()

# 5. Half-open clients: a partial line and silence; closed by the idle timer.
half = [connect() for _ in range(20)]
for c in half:
    c.sendall(b'{"cmd":"st')
t0 = time.time()
closed = 0
for c in half:
    c.settimeout(max(0.1, 8 - (time.time() - t0)))
    try:
        if c.recv(100) == b"":
            closed += 1
    except OSError:
        pass
check(closed == 20, f"20 half-open clients closed by the idle timer: {closed} in {time.time() - t0:.1f} s")
for c in half:
    c.close()

# 6. Clients that ask and hang up before the reply: writing to them must not
#    kill the appliance (SIGPIPE).
for i in range(50):
    c = connect()
    c.sendall(b'{"cmd":"stats"}\n' * 20)
    c.close()
time.sleep(0.5)
s = connect()
s.sendall(b'{"cmd":"status"}\n')
r = read_lines(s, 1)
check(len(r) == 1 and r[0]["ok"] is True, "alive after 50 clients hung up before their replies")
s.close()

# 7. A client that half-closes after its requests (like socat or nc -N) still
#    gets every reply, even when they do not fit the socket buffer at once.
s = connect()
s.sendall(b'{"cmd":"stats"}\n' * 100)
s.shutdown(socket.SHUT_WR)
time.sleep(0.3)  # let the appliance see the EOF while replies are still queued
r = read_lines(s, 101)
check(len(r) == 100 and all(x["ok"] for x in r), f"half-closed client got {len(r)}/100 replies")
s.close()

sys.exit(1 if failures else 0)
EOF

rss1=$(rss_kb)
fp_log "RSS before ${rss0} kB, after ${rss1} kB"
(( rss1 - rss0 < 65536 )) || fp_fail "RSS grew by $((rss1 - rss0)) kB during the socket abuse"

fp_echo_loop_stop "the abuse"

s=$("${FPCTL[@]}" --json stats) || fp_fail "stats after the abuse: $s"
fp_assert_eq "stats after the abuse" True "$(fp_jget "$s" "r['ok']")"
st=$("${FPCTL[@]}" --json status)
fp_assert_eq "clients connected after the abuse (just this one)" 1 "$(fp_jget "$st" "r['mgmt']['clients']")"
fp_assert_eq "clients refused at the limit" 36 "$(fp_jget "$st" "r['mgmt']['refused']")"
# 1 over-long line + 1 evicted + 8 flooders + 20 half-open
fp_assert_eq "clients cut off" 30 "$(fp_jget "$st" "r['mgmt']['cut_off']")"
r=$(fp_echo --port 7 --conns 8 --bytes 65536 --seed 4 --timeout 60) || fp_fail "echo after the abuse: $r"
fp_log "ok: echo after the abuse: $r"

rc=0
fp_stop_app || rc=$?
fp_assert_eq "exit status after SIGTERM" 0 "$rc"
fp_assert_eq "drop_tcp_no_buffer (removed: no path drops for lack of buffer)" "" \
	"$(fp_summary_counter drop_tcp_no_buffer)"
fp_log "PASS"
