#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Per-function cost of fp_input() from callgrind, for tools/bench/run.sh.

Runs bench-fastpath-micro under valgrind --tool=callgrind with its cache
simulator, counting only inside fp_input()/fp_input_burst() (the frame
generator is left out), and prints one JSON object: per function, per packet,
instructions (Ir), first-level data misses (D1mr + D1mw), last-level misses
(DLmr + DLmw + ILmr) and KCachegrind's cycle estimate (CEst = Ir + 10 x L1
misses + 100 x LL misses). The VM has no PMU, so these are simulated: a
deterministic breakdown of where the per-packet work goes, not a timing.

Usage: profile.py LABEL FLOWS MICRO [micro args...]
The divisor is every frame fp_input() saw: the timed packets plus three per
flow (SYN, ACK of the handshake, ACK of the last echo).
"""
import json
import os
import re
import subprocess
import sys
import tempfile

# A Zen-class core: 48 KiB 12-way L1d, and for the last level a 32 MiB L3
# (valgrind models two levels; an L2 in between would only lower the figures).
CACHES = ["--I1=32768,8,64", "--D1=49152,12,64", "--LL=33554432,16,64"]
EVENTS = ["Ir", "I1mr", "D1mr", "D1mw", "ILmr", "DLmr", "DLmw"]


def main(label, flows, micro, *args):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "cg.out")
        cmd = ["valgrind", "--tool=callgrind", "--cache-sim=yes", *CACHES,
               "--toggle-collect=fp_input", "--toggle-collect=fp_input_burst",
               f"--callgrind-out-file={out}", micro, *args, "--json"]
        run = subprocess.run(cmd, capture_output=True, text=True, check=True)
        res = json.loads(run.stdout.strip().splitlines()[0])
        ann = subprocess.run(["callgrind_annotate", "--show=" + ",".join(EVENTS), out],
                             capture_output=True, text=True, check=True).stdout
    pkts = res["packets"] + 3 * int(flows)
    fns, total = [], None
    for line in ann.splitlines():
        tok = re.sub(r"\(\s*[\d.]+%\)", " ", line).split()
        if len(tok) <= len(EVENTS) or not all(re.fullmatch(r"[\d,]+|\.", t)
                                             for t in tok[:len(EVENTS)]):
            continue
        ev = {k: int(t.replace(",", "")) if t != "." else 0
              for k, t in zip(EVENTS, tok[:len(EVENTS)])}
        name = " ".join(tok[len(EVENTS):])
        if "PROGRAM TOTALS" in name:
            total = ev
            continue
        fn = name.split(" [")[0]
        fns.append((fn.split(":", 1)[1] if ":" in fn else fn, ev))

    def per(ev):
        l1 = ev["I1mr"] + ev["D1mr"] + ev["D1mw"]
        ll = ev["ILmr"] + ev["DLmr"] + ev["DLmw"]
        return {"ir": ev["Ir"] / pkts, "l1m": l1 / pkts, "llm": ll / pkts,
                "cest": (ev["Ir"] + 10 * l1 + 100 * ll) / pkts}

    rows = [dict(fn=fn, **per(ev)) for fn, ev in fns]
    rows.sort(key=lambda r: -r["cest"])
    print(json.dumps({"case": "profile", "label": label, "flows": int(flows),
                      "micro_case": res["case"], "packets": pkts,
                      "total": per(total) if total else None, "fns": rows}))


if __name__ == "__main__":
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
