#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Echo verification client shared by every target's integration tests.

Opens N TCP connections to an echo server from the kernel stack, sends
B bytes of per-connection pseudo-random data on each while reading the echo
concurrently, and checks that every byte comes back in order. Then it half-
closes (FIN) and expects the server's FIN (recv returns b'') without any RST.
Prints one JSON line with the result and exits non-zero on any failure.

  echo_client.py --host 198.18.0.1 --port 7 --conns 64 --bytes 65536
  echo_client.py --host 198.18.0.1 --port 9 --expect-rst
"""
import argparse
import errno
import json
import random
import selectors
import socket
import sys
import time


class Conn:
    def __init__(self, idx, nbytes, seed):
        self.idx = idx
        self.data = random.Random(seed * 1000003 + idx).randbytes(nbytes)
        self.sent = 0
        self.recvd = 0
        self.fin_sent = False
        self.events = 0
        self.fin_seen = False
        self.sock = None
        self.read_credit = 0.0
        self.paused = False


def fail(msg, **extra):
    print(json.dumps({"ok": False, "error": msg, **extra}))
    sys.exit(1)


def new_socket(args):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if args.bind:
        s.bind((args.bind, 0))
    return s


def expect_silence(args):
    """A SYN that a filter drops gets nothing back: no SYN-ACK, no RST, until the timeout."""
    s = new_socket(args)
    s.settimeout(args.timeout)
    try:
        s.connect((args.host, args.port))
    except socket.timeout:
        print(json.dumps({"ok": True, "silent": True}))
        return 0
    except ConnectionRefusedError:
        fail("answered with RST (expected silence)")
    finally:
        s.close()
    fail("connection was accepted (expected silence)")


def expect_rst(args):
    """A SYN to a port that is not served must be answered with RST."""
    s = new_socket(args)
    s.settimeout(args.timeout)
    try:
        s.connect((args.host, args.port))
    except ConnectionRefusedError:
        print(json.dumps({"ok": True, "refused": True}))
        return 0
    except socket.timeout:
        fail("no answer to SYN (expected RST)")
    finally:
        s.close()
    fail("connection was accepted (expected RST)")


def run(args):
    sel = selectors.DefaultSelector()
    conns = [Conn(i, args.bytes, args.seed) for i in range(args.conns)]

    def watch(c):
        """(Re)register c for what it still needs: read unless paused, write until sent."""
        ev = 0 if c.paused else selectors.EVENT_READ
        if c.sent < len(c.data):
            ev |= selectors.EVENT_WRITE
        if c.events == ev:
            return
        if c.events and ev:
            sel.modify(c.sock, ev, c)
        elif ev:
            sel.register(c.sock, ev, c)
        else:
            sel.unregister(c.sock)
        c.events = ev

    for c in conns:
        s = new_socket(args)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        if args.read_rate:
            # A small receive buffer makes a slow reader's window close fast.
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)
        s.setblocking(False)
        err = s.connect_ex((args.host, args.port))
        if err not in (0, errno.EINPROGRESS):
            fail(f"conn {c.idx}: connect: {errno.errorcode.get(err, err)}")
        c.sock = s
        watch(c)

    start = last = time.monotonic()
    deadline = start + args.timeout
    open_conns = len(conns)
    while open_conns:
        now = time.monotonic()
        if now > deadline:
            late = [c for c in conns if not c.fin_seen]
            fail("timeout", conns_unfinished=len(late),
                 first=[(c.idx, c.sent, c.recvd) for c in late][:5])
        if args.read_rate:
            # Token bucket per connection: a paused reader resumes when its
            # credit refills, so the echo has to wait on TCP flow control.
            for c in conns:
                if c.fin_seen:
                    continue
                c.read_credit = min(c.read_credit + (now - last) * args.read_rate, 65536.0)
                if c.paused and c.read_credit >= 1024:
                    c.paused = False
                    watch(c)
            last = now
        for key, mask in sel.select(timeout=0.05 if args.read_rate else 0.5):
            c = key.data
            s = c.sock
            try:
                if mask & selectors.EVENT_WRITE and c.sent < len(c.data):
                    c.sent += s.send(c.data[c.sent:c.sent + args.chunk])
                if mask & selectors.EVENT_READ and not c.paused:
                    n = int(c.read_credit) if args.read_rate else 65536
                    buf = s.recv(n) if n > 0 else None
                    if buf is None:
                        pass
                    elif not buf:
                        if c.recvd != len(c.data):
                            fail(f"conn {c.idx}: FIN after {c.recvd} of {len(c.data)} bytes")
                        c.fin_seen = True
                    else:
                        want = c.data[c.recvd:c.recvd + len(buf)]
                        if buf != want:
                            off = next(i for i in range(len(buf)) if i >= len(want) or buf[i] != want[i])
                            fail(f"conn {c.idx}: echo differs at byte {c.recvd + off}")
                        c.recvd += len(buf)
                        if args.read_rate:
                            c.read_credit -= len(buf)
                    if args.read_rate and c.read_credit < 1024:
                        c.paused = True
            except BlockingIOError:
                pass
            except (ConnectionResetError, BrokenPipeError) as e:
                fail(f"conn {c.idx}: reset by peer ({e.__class__.__name__}) after "
                     f"sent={c.sent} recvd={c.recvd}")
            except ConnectionRefusedError:
                fail(f"conn {c.idx}: connection refused")
            if c.fin_seen:
                if c.events:
                    sel.unregister(s)
                s.close()
                open_conns -= 1
                continue
            if c.sent == len(c.data) and c.recvd == len(c.data) and not c.fin_sent:
                # Half-close only after the echo is complete: the server's FIN
                # must then follow ours (RFC 9293 CLOSE-WAIT -> LAST-ACK).
                s.shutdown(socket.SHUT_WR)
                c.fin_sent = True
            watch(c)
    elapsed = time.monotonic() - start
    total = sum(len(c.data) for c in conns)
    print(json.dumps({
        "ok": True, "conns": len(conns), "bytes_per_conn": args.bytes,
        "seconds": round(elapsed, 3),
        "echo_mbytes_per_s": round(total / elapsed / 1e6, 2) if elapsed else None,
    }))
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--host", required=True)
    p.add_argument("--port", type=int, default=7)
    p.add_argument("--conns", type=int, default=1)
    p.add_argument("--bytes", type=int, default=1024, help="bytes per connection")
    p.add_argument("--chunk", type=int, default=16384, help="max bytes per send()")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--timeout", type=float, default=60.0, help="seconds for the whole run")
    p.add_argument("--read-rate", type=float, default=0,
                   help="read at most this many bytes/s per connection (slow reader)")
    p.add_argument("--expect-rst", action="store_true", help="expect the SYN to be refused")
    p.add_argument("--expect-silence", action="store_true",
                   help="expect no answer at all to the SYN within --timeout (a filter drops it)")
    p.add_argument("--bind", help="source address of the connections")
    args = p.parse_args()
    if args.expect_rst:
        return expect_rst(args)
    if args.expect_silence:
        return expect_silence(args)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
