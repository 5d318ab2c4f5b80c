#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Is the management socket served while a long request is in progress?

  mgmt_order.py SOCKET 'LONG_REQUEST_JSON'

Connection A sends the long request once; connection B then asks "status"
again and again, each time after the previous status reply, until A's reply
arrives. Prints one JSON object: A's reply ("long"), how many status replies
arrived before it ("status_before"), and how many of those reported a worker
request in flight ("in_flight_before"). The order of arrival is the result;
no time is measured.
"""
import json
import selectors
import socket
import sys


class Conn:
    def __init__(self, path):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.connect(path)
        self.s.setblocking(False)
        self.buf = b""

    def send(self, obj):
        self.s.setblocking(True)
        self.s.sendall(json.dumps(obj).encode() + b"\n")
        self.s.setblocking(False)

    def lines(self):
        data = self.s.recv(1 << 20)
        if not data:
            raise SystemExit("the appliance closed a connection")
        self.buf += data
        *done, self.buf = self.buf.split(b"\n")
        return [json.loads(x) for x in done]


def main():
    path, long_req = sys.argv[1], json.loads(sys.argv[2])
    a, b = Conn(path), Conn(path)
    sel = selectors.DefaultSelector()
    sel.register(a.s, selectors.EVENT_READ, a)
    sel.register(b.s, selectors.EVENT_READ, b)
    a.send(long_req)
    b.send({"cmd": "status"})
    status_before = in_flight_before = 0
    long_reply = None
    while long_reply is None:
        events = sel.select(timeout=30)
        if not events:
            raise SystemExit("no reply in 30 s")
        # A first: a status reply read in the same wake-up came after it.
        for key, _ in sorted(events, key=lambda e: e[0].data is not a):
            conn = key.data
            for r in conn.lines():
                if conn is a:
                    long_reply = r
                elif long_reply is None:
                    status_before += 1
                    in_flight_before += r["mgmt"]["worker_requests_in_flight"] > 0
                    b.send({"cmd": "status"})
    print(json.dumps({"long": long_reply, "status_before": status_before,
                      "in_flight_before": in_flight_before}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
