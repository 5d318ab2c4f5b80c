#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Echo connections held open across a change of the path to the server,
for the scale-out test (test_scaleout.sh).

  hold_conns.py --host H --port 7 --conns 16 --ready FILE --go FILE
      opens N connections, echoes one message on each, writes their local
      ports to --ready (one JSON line), waits until --go exists, sends a
      second message on each and prints one JSON line mapping each local port
      to what became of it: "echoed", "reset", "closed", "timeout" or "wrong".
  hold_conns.py --host H --port 7 --conns 32 --probe --timeout 0.8
      starts N connects at once and prints how many completed within the
      timeout ({"connected": k, "failed": n - k}); a black-holed path shows
      as failed connects.
Exits 1 if the first phase fails (a connection that never worked says
nothing about the change).
"""
import argparse
import json
import os
import selectors
import socket
import sys
import time

MSG = 64


def fail(msg):
    print(json.dumps({"ok": False, "error": msg}))
    sys.exit(1)


def connect_all(host, port, n, timeout):
    """Start n connects at once; return (connected sockets, failed count)."""
    sel = selectors.DefaultSelector()
    pending = []
    for _ in range(n):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.connect_ex((host, port))
        sel.register(s, selectors.EVENT_WRITE)
        pending.append(s)
    done, resolved, deadline = [], 0, time.monotonic() + timeout
    while resolved < n and time.monotonic() < deadline:
        for key, _ in sel.select(max(0.0, deadline - time.monotonic())):
            sel.unregister(key.fileobj)
            resolved += 1
            if key.fileobj.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0:
                done.append(key.fileobj)
    for s in pending:
        if s not in done:
            s.close()
    return done, n - len(done)


def exchange(socks, payload_of, timeout):
    """Send payload_of(i) on every socket, read its echo; return {index: outcome}."""
    sel = selectors.DefaultSelector()
    got, outcome = {}, {}
    for i, s in enumerate(socks):
        try:
            s.sendall(payload_of(i))
        except ConnectionResetError:
            outcome[i] = "reset"
            continue
        except OSError:
            outcome[i] = "closed"
            continue
        got[i] = b""
        sel.register(s, selectors.EVENT_READ, i)
    deadline = time.monotonic() + timeout
    while len(outcome) < len(socks) and time.monotonic() < deadline:
        for key, _ in sel.select(max(0.0, deadline - time.monotonic())):
            i = key.data
            try:
                data = key.fileobj.recv(4096)
                if not data:
                    outcome[i] = "closed"
            except ConnectionResetError:
                outcome[i] = "reset"
            else:
                got[i] += data
                if len(got[i]) >= MSG:
                    outcome[i] = "echoed" if got[i] == payload_of(i) else "wrong"
            if i in outcome:
                sel.unregister(key.fileobj)
    for i in range(len(socks)):
        outcome.setdefault(i, "timeout")
    return outcome


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--host", required=True)
    ap.add_argument("--port", type=int, default=7)
    ap.add_argument("--conns", type=int, default=16)
    ap.add_argument("--timeout", type=float, default=5.0)
    ap.add_argument("--probe", action="store_true")
    ap.add_argument("--ready")
    ap.add_argument("--go")
    args = ap.parse_args()

    if args.probe:
        socks, failed = connect_all(args.host, args.port, args.conns, args.timeout)
        for s in socks:
            s.close()
        print(json.dumps({"connected": len(socks), "failed": failed}))
        return 0
    if not args.ready or not args.go:
        ap.error("--ready and --go are needed without --probe")

    socks, failed = connect_all(args.host, args.port, args.conns, args.timeout)
    if failed:
        fail(f"{failed} of {args.conns} connects failed before the change")
    first = exchange(socks, lambda i: bytes([i % 251]) * MSG, args.timeout)
    bad = {i: o for i, o in first.items() if o != "echoed"}
    if bad:
        fail(f"first echo failed: {bad}")
    ports = [s.getsockname()[1] for s in socks]
    with open(args.ready + ".tmp", "w") as f:
        f.write(json.dumps({"ports": ports}) + "\n")
    os.rename(args.ready + ".tmp", args.ready)

    while not os.path.exists(args.go):
        time.sleep(0.05)
    second = exchange(socks, lambda i: bytes([(i + 7) % 251]) * MSG, args.timeout)
    print(json.dumps({"ok": True, "outcome": {str(ports[i]): o for i, o in second.items()}}))
    for s in socks:
        s.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
