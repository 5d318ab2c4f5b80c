#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Probe a TCP stack with every flag combination worth asking, no flow open.

Sends one segment per case (flags, with or without data) to a listening and
to a closed port of --dst, each from its own source port, all in one burst,
and captures for --wait seconds how the target answers. Prints one JSON
object, case -> answer, the answer normalised so two stacks compare:
"none", or the first reply's flags with its SEQ and ACK relative to the
probe ("RA seq=0 ack=seq+3", "R seq=ack", "SA seq=isn ack=seq+1").

  flags_probe.py --iface fb-x --src 198.18.0.2 --src-mac .. --dst 198.18.0.1 \
      --dst-mac .. --listen-port 7 --closed-port 9
"""
import argparse
import json
import sys
import time

from scapy.all import IP, TCP, AsyncSniffer, Ether, Raw, conf, sendp  # noqa: E402

# (name, scapy flags, payload bytes): no flags at all, the scanner's FIN and
# Xmas probes, ACK and SYN, what a stack must refuse (SYN+FIN, SYN+RST), RSTs,
# and lone PSH/URG bits, with and without data.
CASES = [
    ("none", "", 0),
    ("none+data", "", 3),
    ("FIN", "F", 0),
    ("FIN+data", "F", 3),
    ("FIN+PSH+URG", "FPU", 0),
    ("PSH", "P", 3),
    ("URG", "U", 0),
    ("ACK", "A", 0),
    ("ACK+data", "PA", 3),
    ("FIN+ACK", "FA", 0),
    ("SYN", "S", 0),
    ("SYN+data", "S", 3),
    ("SYN+ACK", "SA", 0),
    ("SYN+FIN", "SF", 0),
    ("SYN+FIN+PSH+URG", "SFPU", 0),
    ("SYN+RST", "SR", 0),
    ("RST", "R", 0),
    ("RST+ACK", "RA", 0),
]
SEQ = 0x10000000
ACK = 0x20000000
SPORT0 = 41000


def describe(probe, reply):
    """The reply's flags, SEQ and ACK in terms of the probe's."""
    t = reply[TCP]
    flags = "".join(f for f in "SRA" if f in str(t.flags)) + ("F" if "F" in str(t.flags) else "")
    if t.seq == probe.ack and probe.ack:
        seq = "ack"
    elif t.seq == 0:
        seq = "0"
    elif "S" in str(t.flags):
        seq = "isn"  # an ISN: random on both stacks
    else:
        seq = f"{t.seq:#x}"
    out = f"{flags} seq={seq}"
    if "A" in str(t.flags):
        out += f" ack=seq{t.ack - probe.seq:+d}"
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--iface", required=True)
    p.add_argument("--src", required=True)
    p.add_argument("--src-mac", required=True)
    p.add_argument("--dst", required=True)
    p.add_argument("--dst-mac", required=True)
    p.add_argument("--listen-port", type=int, required=True)
    p.add_argument("--closed-port", type=int, required=True)
    p.add_argument("--wait", type=float, default=1.5, help="seconds to capture answers")
    a = p.parse_args()
    conf.verb = 0

    probes = {}
    frames = []
    sport = SPORT0
    for port_name, port in (("listen", a.listen_port), ("closed", a.closed_port)):
        for name, flags, n in CASES:
            tcp = TCP(sport=sport, dport=port, flags=flags, seq=SEQ,
                      ack=ACK if "A" in flags else 0, window=8192)
            pkt = IP(src=a.src, dst=a.dst) / tcp
            if n:
                pkt = pkt / Raw(b"x" * n)
            probes[sport] = (f"{port_name} {name}", tcp)
            frames.append(Ether(src=a.src_mac, dst=a.dst_mac) / pkt)
            sport += 1

    def ours(pkt):
        return (IP in pkt and TCP in pkt and pkt[IP].src == a.dst and
                pkt[TCP].dport in probes)

    sniffer = AsyncSniffer(iface=a.iface, lfilter=ours, store=True)
    sniffer.start()
    time.sleep(0.3)  # the capture socket must be open before the first answer
    sendp(frames, iface=a.iface)
    time.sleep(a.wait)
    replies = sniffer.stop() or []

    answers = {name: "none" for name, _ in probes.values()}
    seen = set()
    for r in replies:
        dport = r[TCP].dport
        if dport in seen:
            continue  # the first answer only (a SYN-ACK may be resent)
        seen.add(dport)
        name, probe = probes[dport]
        answers[name] = describe(probe, r)
    print(json.dumps(answers, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
