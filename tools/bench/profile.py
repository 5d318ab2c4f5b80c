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

Usage: profile.py [--timed] LABEL FLOWS MICRO [micro args...]
--timed counts inside the microbenchmark's timed passes only (timed_pass(),
never inlined in this tree's micro.c), over the timed packets: handshakes
and frame building stay out. Without it (for an older micro.c, where
timed_pass() may be inlined) it counts inside fp_input()/fp_input_burst()
and divides by every frame they saw: the timed packets plus three per flow
(SYN, ACK of the handshake, ACK of the last echo), which at 10 000 flows and
few passes is mostly handshakes: use --timed where the micro has it.
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


def main(label, flows, micro, *args, timed=False):
    # Inside timed_pass(), the timer tick toggles collection off again: under
    # valgrind the clock runs ~50x ahead of the work, so timers fire there
    # that never would at full speed. The toggle names fp_tcp_tick(), the
    # tick's work, because link-time optimisation inlines fp_tick().
    # The wildcard takes GCC's clones too (timed_pass.constprop.0 where a
    # caller passes constant flags, as the ARP and ICMP cases do).
    toggles = (["--toggle-collect=timed_pass*", "--toggle-collect=fp_tcp_tick"] if timed else
               ["--toggle-collect=fp_input", "--toggle-collect=fp_input_burst"])
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "cg.out")
        cmd = ["valgrind", "--tool=callgrind", "--cache-sim=yes", *CACHES, *toggles,
               f"--callgrind-out-file={out}", micro, *args, "--json"]
        run = subprocess.run(cmd, capture_output=True, text=True, check=True)
        res = json.loads(run.stdout.strip().splitlines()[0])
        ann = subprocess.run(["callgrind_annotate", "--auto=no", "--show=" + ",".join(EVENTS), out],
                             capture_output=True, text=True, check=True).stdout
    pkts = res["packets"] if timed else res["packets"] + 3 * int(flows)
    fns, total = [], None
    for line in ann.splitlines():
        tok = re.sub(r"\(\s*[\d.]+%\)", " ", line).split()
        if len(tok) <= len(EVENTS) or not all(re.fullmatch(r"[\d,]+|\.", t)
                                             for t in tok[:len(EVENTS)]):
            continue
        ev = {k: int(t.replace(",", "")) if t != "." else 0
              for k, t in zip(EVENTS, tok[:len(EVENTS)])}
        name = " ".join(tok[len(EVENTS):])
        # Call lines (=> callee (Nx)) repeat costs counted where they are spent.
        if "=>" in name or re.search(r"\([\d,]+x\)", name) or "events annotated" in name:
            continue
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

    # Nothing counted: the toggles matched no function (inlined, renamed).
    if not total or total["Ir"] == 0:
        sys.exit(f"profile.py: callgrind counted nothing in {' or '.join(t.split('=')[1] for t in toggles)}")
    rows = [dict(fn=fn, **per(ev)) for fn, ev in fns]
    rows.sort(key=lambda r: -r["cest"])
    print(json.dumps({"case": "profile", "label": label, "flows": int(flows),
                      "micro_case": res["case"], "packets": pkts, "timed_only": timed,
                      "total": per(total), "fns": rows}))


if __name__ == "__main__":
    argv = sys.argv[1:]
    timed = bool(argv) and argv[0] == "--timed"
    if timed:
        argv = argv[1:]
    if len(argv) < 3:
        sys.exit(__doc__)
    main(*argv, timed=timed)
