#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Turn tools/bench/run.sh's results.jsonl into the Markdown tables it prints
(and docs/BENCHMARKS.md quotes): min/median/max per server and case over the
ABAB rounds, ratios of medians, the microbenchmark next to testpmd, workers,
callgrind breakdowns, memory."""
import json
import statistics
import sys
from collections import defaultdict

SERVERS = ["fastpath-afpacket", "fastpath-adaptive", "fastpath-2w", "fastpath-afxdp", "libevent",
           "libuv", "reuseport-1", "reuseport-2", "threadpool", "firmware", "board"]
# Ratio columns (a/b), shown when both ran: fastpath against the single-loop
# servers, each multicore model against fastpath with as many workers, and
# what a second worker or process buys each model on this machine.
RATIOS = [
    ("fastpath-afpacket", "libevent"), ("fastpath-afpacket", "libuv"),
    ("fastpath-afxdp", "libevent"), ("fastpath-afxdp", "libuv"),
    ("fastpath-afpacket", "reuseport-1"), ("fastpath-afpacket", "threadpool"),
    ("fastpath-2w", "reuseport-2"),
    ("fastpath-2w", "fastpath-afpacket"), ("reuseport-2", "reuseport-1"),
]
SHORT = {"fastpath-afpacket": "afpacket", "fastpath-afxdp": "afxdp", "fastpath-2w": "fp-2w"}
# case: (title, key, unit)
METRICS = [
    ("pp1", "ping-pong 64 B, 1 conn", "rate", "req/s"),
    ("pp1", "  p50 latency", "p50_us", "us"),
    ("pp1", "  p99 latency", "p99_us", "us"),
    ("pp1", "  p99.9 latency", "p999_us", "us"),
    ("pp1", "  server context switches per request", "srv_csw_per_op", "per req"),
    ("pp64", "ping-pong 64 B, 64 conns", "rate", "req/s"),
    ("pp64", "  p50 latency", "p50_us", "us"),
    ("pp64", "  p99 latency", "p99_us", "us"),
    ("pp64", "  p99.9 latency", "p999_us", "us"),
    ("pp64", "  server context switches per request", "srv_csw_per_op", "per req"),
    ("bulk", "bulk echo, 1 conn", "mbps", "MB/s"),
    ("churn", "churn (connect, 64 B, close), 8 parallel", "rate", "conn/s"),
    ("churn", "  server context switches per connection", "srv_csw_per_op", "per conn"),
    ("pp1", "CPU 0 (client) busy, pp1", "cpu0_busy", "% of a CPU"),
    ("pp1", "CPU 1 (server) busy, pp1", "cpu1_busy", "% of a CPU"),
    ("pp64", "CPU 0 (client) busy, pp64", "cpu0_busy", "% of a CPU"),
    ("pp64", "CPU 1 (server) busy, pp64", "cpu1_busy", "% of a CPU"),
    ("bulk", "CPU 0 (client) busy, bulk", "cpu0_busy", "% of a CPU"),
    ("bulk", "CPU 1 (server) busy, bulk", "cpu1_busy", "% of a CPU"),
    ("churn", "CPU 0 (client) busy, churn", "cpu0_busy", "% of a CPU"),
    ("churn", "CPU 1 (server) busy, churn", "cpu1_busy", "% of a CPU"),
    ("pp1", "fastpath workers on frames (busy_us), pp1", "worker_work", "% of a CPU"),
    ("pp64", "fastpath workers on frames (busy_us), pp64", "worker_work", "% of a CPU"),
    ("bulk", "fastpath workers on frames (busy_us), bulk", "worker_work", "% of a CPU"),
    ("churn", "fastpath workers on frames (busy_us), churn", "worker_work", "% of a CPU"),
    ("cpu", "server's busiest thread during the cases", "share", "% of a CPU"),
    ("cpu", "server, all its threads during the cases", "total", "% of a CPU"),
    ("cpu", "server threads (processes x threads)", "threads", "count"),
    ("idle", "worker threads while idle (no traffic)", "worker_share", "% of a CPU"),
]
# [dpdk] idle = adaptive against poll, side by side: the idle polling goal is
# < 10% of a core while idle at < 10% latency cost under load.
IDLE_ROWS = [
    ("idle", "worker thread CPU while idle", "worker_share", "% of a core", 100),
    ("pp1", "ping-pong 64 B, 1 conn", "rate", "req/s", 1),
    ("pp1", "  p50 latency", "p50_us", "us", 1),
    ("pp1", "  p99 latency", "p99_us", "us", 1),
    ("pp64", "ping-pong 64 B, 64 conns", "rate", "req/s", 1),
    ("pp64", "  p99 latency", "p99_us", "us", 1),
]
# Units that are descriptions of a run, not figures of merit: no ratio.
NO_RATIO = {"% of a CPU", "per req", "per conn", "count"}


def fmt(v):
    if v >= 100:
        return f"{v:.0f}"
    if v >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


def row_cells(runs, servers, case, key, scale, show=fmt):
    """One table row: "median (min..max)" per server (or "-"), and the medians."""
    cells, med = [], {}
    for s in servers:
        vals = [r[key] * scale for r in runs.get((s, case), []) if key in r]
        if not vals:
            cells.append("-")
            continue
        med[s] = statistics.median(vals)
        cells.append(f"{show(med[s])} ({show(min(vals))}..{show(max(vals))})"
                     if len(vals) > 1 else show(med[s]))
    return cells, med


def median_row(rows):
    """The row with the median Mpps of several runs of one thing, or None."""
    if not rows:
        return None
    return sorted(rows, key=lambda r: r["mpps"])[(len(rows) - 1) // 2]


def ghz(r):
    return f"{r['core_ghz']:.2f}" if r.get("core_ghz") else "-"


def main(path):
    rows = [json.loads(l) for l in open(path) if l.strip()]
    runs = defaultdict(list)  # (server, case) -> [result]
    errors, skipped, micro, mem, pmd, env, graph = [], {}, [], [], {}, [], []
    workers, profiles, stores = [], [], []
    paired = defaultdict(dict)  # round -> {"tcp": micro row, "macswap": testpmd row}
    for r in rows:
        if "skipped" in r:
            skipped[r["label"]] = r["skipped"]
            continue
        if r.get("errors"):
            errors.append(r)
        c = r.get("case", "")
        if r.get("bench") == "graph":
            graph.append(r)
        elif c == "env":
            env.append(r)
        elif c in ("cpu", "idle"):
            runs[(r["label"], c)].append(r)
        elif c == "mem":
            mem.append(r)
        elif c.startswith("testpmd-"):
            mode = r.get("mode", "io")
            if r.get("round"):
                paired[r["round"]][mode] = r
            pmd.setdefault(mode, []).append(r)
        elif r.get("round") and "mpps" in r:
            paired[r["round"]]["tcp"] = r
        elif c == "profile":
            profiles.append(r)
        elif c == "store":
            stores.append(r)
        elif "workers" in r and "mpps" in r:
            workers.append(r)
        elif "mpps" in r and "label" not in r:
            micro.append(r)
        elif "label" in r and "mode" in r and not r.get("errors"):
            runs[(r["label"], c)].append(r)

    present = [s for s in SERVERS if any(k[0] == s and k[1] not in ("cpu", "idle") for k in runs)]
    rounds = max((len(v) for k, v in runs.items() if k[1] not in ("cpu", "idle")), default=0)
    out = []
    if present:
        out.append(f"Echo servers over veth, {rounds} round(s) ABAB; "
                   "cells: median (min..max) over rounds; ratios of medians.\n")
        ratio_cols = [(a, b) for a, b in RATIOS if a in present and b in present]
        head = ["case", "unit"] + present + [f"{SHORT.get(a, a)}/{SHORT.get(b, b)}"
                                             for a, b in ratio_cols]
        out.append("| " + " | ".join(head) + " |")
        out.append("|" + "---|" * len(head))
        for case, title, key, unit in METRICS:
            cells, med = row_cells(runs, present, case, key, 100 if unit == "% of a CPU" else 1,
                                   (lambda v: f"{v:.0f}") if unit == "count" else fmt)
            if not med:  # a case left out of this run (--cases), or a figure no server has
                continue
            for a, b in ratio_cols:
                ok = unit not in NO_RATIO and med.get(a) and med.get(b)
                cells.append(f"{med[a] / med[b]:.2f}x" if ok else "-")
            out.append(f"| {title} | {unit} | " + " | ".join(cells) + " |")
        out.append("")
        out.append("Ratios a/b: for latency below 1 means a is faster; for throughput above 1 does.")
        out.append("")
    if "fastpath-afpacket" in present and "fastpath-adaptive" in present:
        out.append("Idle polling: [dpdk] idle = poll (fastpath-afpacket) against adaptive, "
                   "same rounds; cells: median (min..max); adaptive/poll is the ratio of medians.\n")
        out.append("| case | unit | poll | adaptive | adaptive/poll |")
        out.append("|---|---|---|---|---|")
        for case, title, key, unit, scale in IDLE_ROWS:
            cells, med = row_cells(runs, ["fastpath-afpacket", "fastpath-adaptive"], case, key,
                                   scale)
            if not med:  # as in the table above: a case this run left out
                continue
            a, p = med.get("fastpath-adaptive"), med.get("fastpath-afpacket")
            cells.append(f"{a / p:.2f}x" if a is not None and p else "-")
            out.append(f"| {title} | {unit} | " + " | ".join(cells) + " |")
        out.append("")
    # Several macswap runs (the paired rounds): the column divides by their median.
    io, mac = (median_row(pmd.get(m)) for m in ("io", "macswap"))
    if micro or pmd:
        out.append("Microbenchmark: fp_input_burst() on prebuilt frames, one lcore (CPU 1), "
                   "no kernel, no PMD; testpmd io and macswap forwarding on net_null, one "
                   "forwarding lcore. Mpps and ns/pkt per CPU-second of the measuring thread, "
                   "median pass of 8192 packets (robust to a shared core); cycles = ns x TSC "
                   "rate; the fastest pass and the wall-clock rate are shown too. Core GHz: "
                   "the CPU's clock just after the row (a chain of dependent adds), which "
                   "this host changes for minutes at a time while the TSC stays fixed.\n")
        out.append("| case | Mpps | ns/pkt | cycles/pkt | best pass ns/pkt | wall-clock Mpps | "
                   "core GHz | / testpmd io | / testpmd macswap |")
        out.append("|---|---|---|---|---|---|---|---|---|")
        for m in micro:
            r_io = f"{m['mpps'] / io['mpps']:.2f}" if io and io.get("mpps") else "-"
            r_mac = f"{m['mpps'] / mac['mpps']:.2f}" if mac and mac.get("mpps") else "-"
            best = f"{m['best_ns_per_pkt']:.0f}" if "best_ns_per_pkt" in m else "-"
            out.append(f"| {m['case']} | {m['mpps']:.2f} | {m['ns_per_pkt']:.0f} | "
                       f"{m['cycles_per_pkt']:.0f} | {best} | {m['wall_mpps']:.2f} | {ghz(m)} | "
                       f"{r_io} | {r_mac} |")
        for name, t in (("io", io), ("macswap", mac)):
            if t:
                runs_of = len(pmd.get(name, []))
                label = f"testpmd {name}, 2 x net_null" + (
                    f" (median of {runs_of} runs)" if runs_of > 1 else "")
                out.append(f"| {label} | {t['mpps']:.2f} | "
                           f"{1000 / t['mpps']:.0f} | - | - | {t['wall_mpps']:.2f} "
                           f"(lcore had {t['cpu_share'] * 100:.0f}% of a CPU) | {ghz(t)} | "
                           f"{t['mpps'] / io['mpps'] if io else 0:.2f} | "
                           f"{t['mpps'] / mac['mpps'] if mac else 0:.2f} |")
        out.append("")
        rounds_done = [(n, p) for n, p in sorted(paired.items()) if "tcp" in p and "macswap" in p]
        if rounds_done:
            out.append("64 B echo over 64 flows against testpmd macswap in paired rounds: "
                       "macswap, then the 64-flow case at once on the same CPU; the ratio is "
                       "taken within each round, so a change of the CPU's speed between "
                       "rounds does not move it.\n")
            out.append("| round | 64 flows Mpps | core GHz | macswap Mpps | core GHz | ratio |")
            out.append("|---|---|---|---|---|---|")
            ratios = []
            for n, p in rounds_done:
                t, m = p["tcp"], p["macswap"]
                ratios.append(t["mpps"] / m["mpps"])
                out.append(f"| {n} | {t['mpps']:.2f} | {ghz(t)} | {m['mpps']:.2f} | {ghz(m)} | "
                           f"{ratios[-1]:.3f} |")
            out.append(f"| median | | | | | {statistics.median(ratios):.3f} |")
            out.append("")
        for m in micro:
            if m.get("frames_per_conn"):
                out.append(f"{m['case']}: {m['mconns'] * 1000:.0f} k connections/s on one "
                           f"lcore, {m['frames_per_conn']} frames received each (its row "
                           "is per frame, timed by the TSC inside the bursts only: the "
                           "frames of each stage are built from the replies to the one "
                           "before, untimed).")
                out.append("")
    if stores:
        out.append("Echo store alone (--case store): per segment appended, read back and "
                   "dropped when ACKed, flows in turn; ns per segment per CPU-second.\n")
        out.append("| flows | segment | ring per flow | chunk queues over one pool | "
                   "held per flow, ring | held per flow, chunks |")
        out.append("|---|---|---|---|---|---|")
        for r in stores:
            out.append(f"| {r['flows']} | {r['size']} B | {r['ring_ns']:.1f} ns | "
                       f"{r['chunk_ns']:.1f} ns | {r['ring_bytes_per_flow']} B | "
                       f"{r['chunk_bytes_per_flow']} B |")
        out.append("")
    if workers:
        one = next((w for w in workers if w["workers"] == 1), None)
        out.append("Workers: the same flows spread as RSS would over N threads, one per CPU, "
                   "each with its own engine, timed together. Mpps: sum of the workers' "
                   "per-CPU-second rates; wall-clock: sum of their rates over the wall time of "
                   "their timed passes (what scaling is judged by); CPU share: how much of "
                   "its CPU each worker got meanwhile.\n")
        out.append("| case | workers | Mpps | wall-clock Mpps | CPU share | "
                   "x one worker (Mpps) | x one worker (wall) |")
        out.append("|---|---|---|---|---|---|---|")
        for w in workers:
            x = f"{w['mpps'] / one['mpps']:.2f}" if one else "-"
            xw = f"{w['wall_mpps'] / one['wall_mpps']:.2f}" if one else "-"
            out.append(f"| {w['case']} | {w['workers']} | {w['mpps']:.2f} | "
                       f"{w['wall_mpps']:.2f} | {w['cpu_share'] * 100:.0f}% | {x} | {xw} |")
        out.append("")
    for flows in sorted({p["flows"] for p in profiles}):
        runs = [p for p in profiles if p["flows"] == flows]
        # Each run below says which it is: a --timed profile, or an older
        # baseline's (no timed_pass()) counted in fp_input() over every frame.
        timed, untimed = "timed frames", "frames, handshakes included"
        out.append(f"Callgrind, tcp 64 B over {flows} flows: per packet, counted over \"{timed}\" "
                   "inside the microbenchmark's timed passes (fp_input_burst() and "
                   "the loop that hands it the frames; timer ticks left out), or over "
                   f"\"{untimed}\" inside fp_input(); "
                   "instructions (Ir), L1 and last-level cache misses, and the cycle estimate "
                   "Ir + 10 x L1 misses + 100 x LL misses (simulated caches: 48 KiB L1d, "
                   "32 MiB LL; no PMU here).\n")
        for p in runs:
            t = p["total"] or {}
            what = timed if p.get("timed_only") else untimed
            out.append(f"{p['label']} ({p['micro_case']}, {p['packets']} {what}): "
                       f"{t.get('ir', 0):.0f} Ir, {t.get('l1m', 0):.2f} L1 misses, "
                       f"{t.get('llm', 0):.2f} LL misses, ~{t.get('cest', 0):.0f} cycles "
                       "per packet\n")
            out.append("| function | Ir/pkt | L1 miss/pkt | LL miss/pkt | est. cycles/pkt | share |")
            out.append("|---|---|---|---|---|---|")
            for f in p["fns"][:12]:
                share = f["cest"] / t["cest"] * 100 if t.get("cest") else 0
                out.append(f"| `{f['fn']}` | {f['ir']:.0f} | {f['l1m']:.2f} | {f['llm']:.2f} | "
                           f"{f['cest']:.0f} | {share:.0f}% |")
            out.append("")
    if graph:
        out.append("Worker graph (rte_graph) against the fixed loop (rx_burst -> fp_input() -> "
                   "tx_burst), in one process on ring ports: cycles per packet of the median "
                   "32-packet burst, bursts of both modes alternating, median of the rounds; "
                   "per node: cycles in process() per packet it took "
                   "(rte_graph_cluster_stats).\n")
        stages = ["rx", "acl", "ratelimit", "icmp", "tcp_echo", "tx"]
        out.append("| case | fixed | graph | graph/fixed | " + " | ".join(stages) +
                   " | reload ms | reload KiB |")
        out.append("|---|---|---|---|" + "---|" * len(stages) + "---|---|")
        for g in graph:
            fixed = g.get("fixed_cycles_per_pkt")
            nodes = g.get("nodes", {})
            out.append(f"| {g['case']} | {fmt(fixed) if fixed else '-'} | "
                       f"{fmt(g['graph_cycles_per_pkt'])} | "
                       f"{g['graph_over_fixed']:.2f}x | " if fixed else
                       f"| {g['case']} | - | {fmt(g['graph_cycles_per_pkt'])} | - | ")
            out[-1] += " | ".join(fmt(nodes[s]) if s in nodes else "-" for s in stages)
            out[-1] += f" | {fmt(g.get('reload_ms', 0))} | {fmt(g.get('reload_heap_kib', 0))} |"
        out.append("")
    if mem:
        m0 = mem[0]
        out.append(f"Memory: {m0['bytes_per_flow']} B of engine state per flow "
                   "(fp_tcp_mem_size growth per flow), plus a part shared by all flows "
                   "(working records and the echo chunk pool, bounded by active_flows and "
                   f"echo_pool_kb; buffer_size {m0['buffer_size']} B is only a per-flow cap). "
                   "RSS of the microbenchmark process:\n")
        out.append("| open flows | fp_tcp_mem_size | of it shared | RSS before init | "
                   "flows open (idle) | after one 64 B echo each, ACKed |")
        out.append("|---|---|---|---|---|---|")
        for m in mem:
            echo = (f"{m['rss_echo_kb'] / 1024:.1f} MiB" if m["rss_echo_kb"] >= 0
                    else "- (not run)")
            out.append(f"| {m['flows']} | {m['mem_size'] / 1048576:.1f} MiB | "
                       f"{m.get('shared_bytes', 0) / 1048576:.1f} MiB | "
                       f"{m['rss_base_kb'] / 1024:.1f} MiB | {m['rss_open_kb'] / 1024:.1f} MiB | "
                       f"{echo} |")
        out.append("")
    for s, why in skipped.items():
        out.append(f"- skipped {s}: {why}")
    for e in errors:
        out.append(f"- ERROR {e.get('label', e.get('case'))} {e.get('case', '')} "
                   f"round {e.get('round', '-')}: {e.get('first_error', '')} "
                   f"({e.get('errors')} error(s))")
    for e in env:
        out.append(f"- machine at {e['when']}: {e['cpus']} CPUs, kernel {e['kernel']}, "
                   f"load average {e['load']:.2f}; processes over 20% CPU: {e['busy'] or 'none'}")
    print("\n".join(out))


if __name__ == "__main__":
    main(sys.argv[1])
