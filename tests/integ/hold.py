#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Hold echo connections open for a test, from the client namespace.

  hold.py HOST K CTL [--stall]

Opens K connections to HOST port 7 and checks a 1000-byte echo on each.
With --stall it then sends on every connection without ever reading again,
until the appliance's echo buffer and window are full: those flows cannot
drain. It creates CTL/ready and waits for CTL/release, whose content says
what to do: "close" closes every connection (prints "closed"); "eof" waits
for the appliance to close each one (its FIN: EOF, no data) and prints
"eof K". A stalled holder only ever waits to be killed.
"""
import os
import socket
import sys
import time


def main():
    host, k, ctl = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    stall = "--stall" in sys.argv[4:]
    socks = []
    for i in range(k):
        s = socket.socket()
        if stall:  # a small receive window fills fast
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.settimeout(10)
        s.connect((host, 7))
        s.sendall(bytes([65 + i]) * 1000)
        got = b""
        while len(got) < 1000:
            got += s.recv(4096)
        assert got == bytes([65 + i]) * 1000, "echo mismatch"
        socks.append(s)
    if stall:
        for s in socks:
            s.setblocking(False)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                try:
                    s.send(b"x" * 4096)
                except BlockingIOError:
                    break
            else:
                sys.exit("the appliance never closed its window")
    open(os.path.join(ctl, "ready"), "w").close()
    release = os.path.join(ctl, "release")
    while stall or not os.path.exists(release):
        time.sleep(0.05)
    mode = open(release).read().strip()
    if mode == "close":
        for s in socks:
            s.close()
        print("closed")
    else:  # wait for the appliance to close (drain): expect EOF on every socket
        for s in socks:
            s.settimeout(10)
            assert s.recv(10) == b"", "data instead of FIN"
            s.close()
        print("eof", len(socks))
    return 0


if __name__ == "__main__":
    sys.exit(main())
