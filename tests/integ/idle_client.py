#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""One echo connection that goes idle, then waits for the server to close.

Connects, checks one echo round trip and prints "ready". Then it sends
nothing and waits for the server's FIN (recv returns b''), half-closes in
turn and waits a little more for a RST that a clean close never sends.
Prints one JSON line: {"ok": true, "ended": "fin"} or the failure, and exits
non-zero unless the connection ended with the server's FIN and no RST.

  idle_client.py --host 198.18.0.1 --port 7 --timeout 20
"""
import argparse
import json
import socket
import sys
import time


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--host", required=True)
    p.add_argument("--port", type=int, default=7)
    p.add_argument("--timeout", type=float, default=20.0, help="seconds to wait for the FIN")
    p.add_argument("--linger", type=float, default=1.0, help="seconds to watch for a RST after it")
    a = p.parse_args()

    def done(ok, **kw):
        print(json.dumps({"ok": ok, **kw}), flush=True)
        sys.exit(0 if ok else 1)

    s = socket.create_connection((a.host, a.port), timeout=5)
    s.sendall(b"idle?")
    if s.recv(16) != b"idle?":
        done(False, error="no echo")
    print("ready", flush=True)
    s.settimeout(a.timeout)
    start = time.monotonic()
    try:
        data = s.recv(16)
    except socket.timeout:
        done(False, error="no FIN from the server")
    except ConnectionResetError:
        done(False, error="reset instead of FIN", after_s=round(time.monotonic() - start, 3))
    if data:
        done(False, error=f"unexpected data {data!r}")
    fin_s = round(time.monotonic() - start, 3)  # idle time plus the drain's start
    # Our own FIN, then nothing may come back but the ACK of it.
    try:
        s.shutdown(socket.SHUT_WR)
        time.sleep(a.linger)
        err = s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if err:
            done(False, error=f"socket error {err} after the FIN")
        if s.recv(16) != b"":
            done(False, error="data after the FIN")
    except OSError as e:
        done(False, error=f"after the FIN: {e.__class__.__name__} {e}")
    s.close()
    done(True, ended="fin", fin_after_s=fin_s)


if __name__ == "__main__":
    main()
