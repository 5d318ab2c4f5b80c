#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Send malformed frames at the appliance from the client namespace.

Each case sends --count copies of one kind of bad frame and names the drop
counter the appliance must bump for it. Prints "counter count" lines for
the caller to check against the appliance's counters.

  hostile.py --iface fb-x --dst-mac 02:.. --dst 198.18.0.1 --src 198.18.0.2
"""
import argparse
import random
import sys

from scapy.all import ICMP, IP, TCP, Ether, Raw, conf, raw, sendp  # noqa: E402


def cases(a):
    eth = Ether(src=a.src_mac, dst=a.dst_mac, type=0x0800)
    syn = IP(src=a.src, dst=a.dst) / TCP(sport=40000, dport=7, flags="S", seq=1)

    def ip_bytes(pkt):
        return raw(pkt)

    good_ip = ip_bytes(syn)
    yield "drop_ip4_truncated", eth / Raw(good_ip[:12])
    yield "drop_ip4_bad_ihl", eth / Raw(bytes([0x43]) + good_ip[1:])
    yield "drop_ip4_version", eth / Raw(bytes([0x65]) + good_ip[1:])
    bad_csum = bytearray(good_ip)
    bad_csum[10] ^= 0xff
    yield "drop_ip4_csum", eth / Raw(bytes(bad_csum))
    yield "drop_ip4_bad_len", eth / IP(src=a.src, dst=a.dst, len=400) / TCP(dport=7)
    yield "drop_ip4_options", eth / IP(src=a.src, dst=a.dst, options=b"\x01\x01\x01\x00") / TCP(dport=7, flags="S")
    if a.fragments:
        yield "drop_ip4_fragment", eth / IP(src=a.src, dst=a.dst, flags="MF") / TCP(dport=7, flags="S")
        yield "drop_ip4_fragment", eth / IP(src=a.src, dst=a.dst, frag=3) / Raw(b"x" * 24)
    yield "drop_ip4_ttl", eth / IP(src=a.src, dst=a.dst, ttl=0) / TCP(dport=7, flags="S")
    yield "drop_ip4_bad_src", eth / IP(src="255.255.255.255", dst=a.dst) / TCP(dport=7, flags="S")
    yield "drop_ip4_proto", eth / IP(src=a.src, dst=a.dst, proto=17) / Raw(b"\x00" * 16)
    yield "drop_tcp_bad_doff", eth / IP(src=a.src, dst=a.dst) / TCP(dport=7, flags="S", dataofs=3)
    yield "drop_tcp_bad_doff", eth / IP(src=a.src, dst=a.dst) / TCP(dport=7, flags="S", dataofs=15)
    yield "drop_tcp_csum", eth / IP(src=a.src, dst=a.dst) / TCP(dport=7, flags="S", chksum=0xdead)
    yield "drop_tcp_truncated", eth / IP(src=a.src, dst=a.dst, proto=6) / Raw(b"\x9c\x40\x00\x07" + b"\x00" * 6)
    yield "drop_icmp_csum", eth / IP(src=a.src, dst=a.dst) / ICMP(chksum=0x1234) / Raw(b"ping")
    yield "drop_eth_type", Ether(src=a.src_mac, dst=a.dst_mac, type=0x88b5) / Raw(b"\x00" * 46)
    yield "drop_eth_vlan", Ether(src=a.src_mac, dst=a.dst_mac, type=0x8100) / Raw(b"\x00\x01\x08\x00" + good_ip)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--iface", required=True)
    p.add_argument("--dst-mac", required=True)
    p.add_argument("--src-mac", required=True)
    p.add_argument("--dst", required=True)
    p.add_argument("--src", required=True)
    p.add_argument("--count", type=int, default=20)
    # The af_packet PMD opens its socket with PACKET_FANOUT_FLAG_DEFRAG, so the
    # kernel holds incomplete fragments and they never reach the appliance:
    # only send them where they can arrive (tap).
    p.add_argument("--no-fragments", dest="fragments", action="store_false")
    p.add_argument("--random", type=int, default=500, help="random garbage frames after the cases")
    a = p.parse_args()
    conf.verb = 0
    sent = {}
    for counter, frame in cases(a):
        sendp([frame] * a.count, iface=a.iface)
        sent[counter] = sent.get(counter, 0) + a.count
    # Random bytes behind a valid Ethernet + IPv4 start: exercises every
    # length and field combination the parser can meet.
    rng = random.Random(7)
    junk = []
    for _ in range(a.random):
        ip = bytearray(rng.randbytes(rng.randrange(0, 120)))
        if ip:
            ip[0] = 0x45 if rng.random() < 0.7 else ip[0]
        junk.append(Ether(src=a.src_mac, dst=a.dst_mac, type=0x0800) / Raw(bytes(ip)))
    sendp(junk, iface=a.iface)
    for counter, n in sorted(sent.items()):
        print(counter, n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
