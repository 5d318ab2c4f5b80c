#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Send spoofed TCP SYNs at the appliance from the client namespace.

Frames are built by hand (no scapy: it is too slow for 100k frames) and
sent on an AF_PACKET socket. Source addresses are drawn from 198.19.0.0/16
(RFC 2544 benchmarking space, off the test subnet), so the SYN-ACKs go back
to the client namespace's MAC and die there. With --unique every SYN has its
own source address and port, so each one can make a flow. Prints the number
sent.

  synflood.py --iface fb-x --dst-mac .. --src-mac .. --dst 198.18.0.1 --count 100000
"""
import argparse
import random
import socket
import struct
import sys


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def mac(s):
    return bytes(int(x, 16) for x in s.split(":"))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--iface", required=True)
    p.add_argument("--dst-mac", required=True)
    p.add_argument("--src-mac", required=True)
    p.add_argument("--dst", required=True)
    p.add_argument("--port", type=int, default=7)
    p.add_argument("--count", type=int, default=100000)
    p.add_argument("--seed", type=int, default=5)
    p.add_argument("--unique", action="store_true", help="no two SYNs share a 4-tuple")
    a = p.parse_args()
    rng = random.Random(a.seed)
    dst = socket.inet_aton(a.dst)
    eth = mac(a.dst_mac) + mac(a.src_mac) + b"\x08\x00"
    # MSS 1460 and window scale 7, as a kernel SYN would carry.
    opts = b"\x02\x04\x05\xb4\x01\x03\x03\x07"
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((a.iface, 0))
    sent = 0
    for i in range(a.count):
        if a.unique:  # 250 * 256 addresses, then the next source port
            host = i % 64000
            src = bytes([198, 19, host // 250, 1 + host % 250])
            sport = 1024 + i // 64000
        else:
            src = bytes([198, 19, rng.randrange(256), rng.randrange(1, 255)])
            sport = rng.randrange(1024, 65536)
        seq = rng.getrandbits(32)
        tcp = struct.pack("!HHIIBBHHH", sport, a.port, seq, 0, (5 + len(opts) // 4) << 4,
                          0x02, 64240, 0, 0) + opts
        pseudo = src + dst + struct.pack("!BBH", 0, 6, len(tcp))
        tcp = tcp[:16] + struct.pack("!H", csum(pseudo + tcp)) + tcp[18:]
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), rng.getrandbits(16), 0x4000,
                         64, 6, 0, src, dst)
        ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
        while True:
            try:
                s.send(eth + ip + tcp)
                break
            except BlockingIOError:
                continue
        sent += 1
    print(sent)
    return 0


if __name__ == "__main__":
    sys.exit(main())
