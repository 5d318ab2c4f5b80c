#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Send pings and SYNs that must not be answered (RFC 1122 3.3.6), and listen.

Three kinds, --count pings and --count SYNs each, from the client namespace:
  - from the broadcast source MAC ff:ff:ff:ff:ff:ff,
  - from a multicast source MAC (01:00:5e:00:00:01),
  - from our own MAC but to the broadcast destination MAC, IPv4 unicast to the appliance.
Prints one JSON line: frames sent per drop counter the appliance must bump,
and how many answers came back from it (must be 0).

  group_mac.py --iface fb-x --dst-mac 02:.. --src-mac 02:.. --dst 198.18.0.1 --src 198.18.0.2
"""
import argparse
import json
import sys
import time

from scapy.all import ICMP, IP, TCP, AsyncSniffer, Ether, conf, sendp  # noqa: E402

BCAST = "ff:ff:ff:ff:ff:ff"
MCAST = "01:00:5e:00:00:01"


def probes(ip_src, ip_dst, n, base):
    for i in range(n):
        yield IP(src=ip_src, dst=ip_dst) / ICMP(id=0x4242, seq=base + i)
        yield IP(src=ip_src, dst=ip_dst) / TCP(sport=40000 + base + i, dport=7, flags="S", seq=1000)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--iface", required=True)
    p.add_argument("--dst-mac", required=True, help="the appliance's MAC")
    p.add_argument("--src-mac", required=True, help="the client interface's MAC")
    p.add_argument("--dst", required=True)
    p.add_argument("--src", required=True)
    p.add_argument("--count", type=int, default=10)
    a = p.parse_args()
    conf.verb = 0
    n = a.count
    frames, sent = [], {"drop_eth_src_group": 0, "drop_ip4_link_bcast": 0}
    for k, (src_mac, dst_mac, counter) in enumerate([
            (BCAST, a.dst_mac, "drop_eth_src_group"),
            (MCAST, a.dst_mac, "drop_eth_src_group"),
            (a.src_mac, BCAST, "drop_ip4_link_bcast")]):
        for pkt in probes(a.src, a.dst, n, k * n):
            frames.append(Ether(src=src_mac, dst=dst_mac) / pkt)
            sent[counter] += 1
    # Anything the appliance sends back: an echo reply or any TCP segment.
    sniff = AsyncSniffer(iface=a.iface, store=True,
                         lfilter=lambda f: IP in f and f[IP].src == a.dst and
                         (TCP in f or (ICMP in f and f[ICMP].type == 0)))
    sniff.start()
    time.sleep(0.5)
    sendp(frames, iface=a.iface, inter=0.005)
    time.sleep(1.5)
    got = sniff.stop()
    print(json.dumps({"sent": sent, "answers": len(got),
                      "answered": [f.summary() for f in got[:5]]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
