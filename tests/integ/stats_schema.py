#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Validate one stats document against schema fastpath.stats/2 (docs/TELEMETRY.md).

The counter list is read from lib/include/fp/stats.h (FP_FOREACH_COUNTER), so
this check follows the header instead of a copy. Any target's document can
be checked (the appliance's MQTT/socket document, the firmware's):

  stats_schema.py --target lwip stats.json
  mosquitto_sub ... -C 1 | stats_schema.py --target dpdk -
Exits 0 and prints one JSON line {"ok": true, ...}, or 1 with the problem.
"""
import argparse
import json
import os
import re
import sys

TOP_KEYS = ["schema", "node", "target", "version", "seq", "uptime_ms", "time_ms",
            "n_contexts", "total", "contexts"]
OPTIONAL = {"node", "time_ms", "contexts"}


def counter_names(src):
    """FP_FOREACH_COUNTER's names in order, its sub-lists expanded."""
    text = open(os.path.join(src, "lib/include/fp/stats.h")).read()
    lists = {m.group(1): m.group(2) for m in re.finditer(
        r"#define (FP_FOREACH_\w+)\(X\)((?:[^\n]*\\\n)*[^\n]*)", text)}

    def expand(name, depth=0):
        if name not in lists or depth > 4:
            raise SystemExit(f"stats_schema: no list {name} in stats.h")
        out = []
        for m in re.finditer(r'(FP_FOREACH_\w+)\(X\)|X\(\s*\w+\s*,\s*"([a-z0-9_]+)"\s*\)',
                             lists[name]):
            out += expand(m.group(1), depth + 1) if m.group(1) else [m.group(2)]
        return out

    names = expand("FP_FOREACH_COUNTER")
    if not names:
        raise SystemExit("stats_schema: no counters found in stats.h")
    return names


def check_block(where, blk, names, extra_first=()):
    want = list(extra_first) + names + ["flows_open", "drops"]
    keys = list(blk)
    if keys != want:
        missing = [k for k in want if k not in blk]
        unknown = [k for k in keys if k not in want]
        raise ValueError(f"{where}: keys differ from the counter list "
                         f"(missing {missing[:5]}, unknown {unknown[:5]}, order ok: "
                         f"{not missing and not unknown})")
    for k, v in blk.items():
        if not isinstance(v, int) or isinstance(v, bool) or v < 0 or v >= 1 << 64:
            raise ValueError(f"{where}.{k}: not an unsigned 64-bit integer: {v!r}")
    drops = sum(v for k, v in blk.items() if k.startswith("drop_"))
    if blk["drops"] != drops:
        raise ValueError(f"{where}.drops = {blk['drops']}, sum of drop_* = {drops}")


def validate(doc, names, target=None):
    if not isinstance(doc, dict):
        raise ValueError("not a JSON object")
    keys = list(doc)
    order = [k for k in TOP_KEYS if k in doc]
    if keys != order:
        raise ValueError(f"top-level keys {keys} not in schema order {TOP_KEYS}")
    for k in TOP_KEYS:
        if k not in doc and k not in OPTIONAL:
            raise ValueError(f"missing key '{k}'")
    if doc["schema"] != "fastpath.stats/2":
        raise ValueError(f"schema is {doc['schema']!r}")
    if doc["target"] not in ("dpdk", "lwip"):
        raise ValueError(f"target is {doc['target']!r}")
    if target and doc["target"] != target:
        raise ValueError(f"target is {doc['target']!r}, expected {target!r}")
    for k in ("node", "version"):
        if k in doc and not isinstance(doc[k], str):
            raise ValueError(f"{k} is not a string")
    for k in ("seq", "uptime_ms", "time_ms", "n_contexts"):
        if k in doc and (not isinstance(doc[k], int) or isinstance(doc[k], bool) or doc[k] < 0):
            raise ValueError(f"{k} is not an unsigned integer: {doc[k]!r}")
    if doc["n_contexts"] < 1:
        raise ValueError("n_contexts < 1")
    check_block("total", doc["total"], names)
    if "contexts" in doc:
        ctxs = doc["contexts"]
        if not isinstance(ctxs, list) or len(ctxs) != doc["n_contexts"]:
            raise ValueError("contexts is not a list of n_contexts entries")
        for i, c in enumerate(ctxs):
            c = dict(c)
            nodes = c.pop("nodes", None)
            check_block(f"contexts[{i}]", c, names, extra_first=("id",))
            if nodes is not None:
                check_nodes(f"contexts[{i}].nodes", nodes)
    return {"ok": True, "target": doc["target"], "counters": len(names), "seq": doc["seq"]}


NODE_KEYS = ["stage", "node", "packets", "calls", "drops", "cycles"]


def check_nodes(where, nodes):
    """A context's pipeline nodes (schema 2): stage and node names, four unsigned counts."""
    if not isinstance(nodes, list) or not nodes:
        raise ValueError(f"{where}: not a non-empty list")
    for i, n in enumerate(nodes):
        if not isinstance(n, dict) or list(n) != NODE_KEYS:
            raise ValueError(f"{where}[{i}]: keys {list(n) if isinstance(n, dict) else n!r} "
                             f"are not {NODE_KEYS}")
        for k in ("stage", "node"):
            if not isinstance(n[k], str) or not n[k]:
                raise ValueError(f"{where}[{i}].{k}: not a non-empty string")
        for k in NODE_KEYS[2:]:
            v = n[k]
            if not isinstance(v, int) or isinstance(v, bool) or v < 0 or v >= 1 << 64:
                raise ValueError(f"{where}[{i}].{k}: not an unsigned 64-bit integer: {v!r}")
        if n["drops"] > n["packets"]:
            raise ValueError(f"{where}[{i}]: more drops than packets")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("file", help="document file, or - for stdin (first line)")
    p.add_argument("--target", choices=["dpdk", "lwip"])
    p.add_argument("--src", default=os.path.join(os.path.dirname(__file__), "../.."))
    a = p.parse_args()
    text = sys.stdin.readline() if a.file == "-" else open(a.file).read()
    try:
        res = validate(json.loads(text), counter_names(a.src), a.target)
    except (ValueError, KeyError, TypeError) as e:
        print(json.dumps({"ok": False, "error": str(e)}))
        return 1
    print(json.dumps(res))
    return 0


if __name__ == "__main__":
    sys.exit(main())
