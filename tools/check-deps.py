#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The project's dependency graphs, checked.

  tools/check-deps.py BUILD_DIR [--graph]

1. Includes, read from the sources (app/, lib/, lwip-fw/, tests/, tools/):
   no file includes a .c file (so nothing includes app/main.c), and the
   graph of headers including headers has no cycle.
2. Modules, read from the objects of each program in BUILD_DIR with nm: a
   source file depends on another when it uses a symbol the other defines.
   That graph has no cycle except inside lib/tcp/, whose files call each
   other through tcp_priv.h by design (input -> output -> timer -> input).

--graph prints each program's module graph. Exits 1 on a violation, listing
it. Python standard library and binutils' nm only.
"""
import collections
import os
import re
import subprocess
import sys

SRC = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CODE_DIRS = ["app", "lib", "lwip-fw", "tests", "tools"]
INCLUDE_DIRS = ["lib/include", "lib/tcp", "lib/proto", "tests/unit", "tests/fixtures", "app",
                "lwip-fw", "lwip-fw/cortex-m"]
CYCLE_OK = "lib/tcp/"
INCLUDE_RE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def sources():
    for top in CODE_DIRS:
        for root, dirs, files in os.walk(os.path.join(SRC, top)):
            dirs[:] = [d for d in dirs if not d.startswith(("build", "."))]
            for f in sorted(files):
                if f.endswith((".c", ".h")):
                    yield os.path.relpath(os.path.join(root, f), SRC)


def resolve(includer, name):
    for base in [os.path.dirname(includer)] + INCLUDE_DIRS:
        path = os.path.normpath(os.path.join(base, name))
        if os.path.isfile(os.path.join(SRC, path)):
            return path
    return None  # a system or third-party header


def cycles(graph):
    """Strongly connected components with more than one node (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def check_includes():
    problems, headers = [], collections.defaultdict(set)
    n = 0
    for f in sources():
        n += 1
        with open(os.path.join(SRC, f), encoding="utf-8", errors="replace") as fh:
            text = fh.read()
        for name in INCLUDE_RE.findall(text):
            if name.endswith(".c"):
                problems.append(f"{f} includes the source file {name}")
            target = resolve(f, name)
            if target and f.endswith(".h") and target.endswith(".h"):
                headers[f].add(target)
    for comp in cycles(headers):
        problems.append("headers include each other: " + " -> ".join(comp))
    print(f"check-deps: includes of {n} files: "
          + ("ok" if not problems else f"{len(problems)} problem(s)"))
    return problems


def lib_names():
    """meson's object name (tcp_tcp_input.c.o) -> lib/tcp/tcp_input.c"""
    names = {}
    for f in sources():
        if f.startswith("lib/") and f.endswith(".c"):
            names[f[len("lib/"):].replace("/", "_") + ".o"] = f
    return names


def nm(paths):
    """(defined, used) symbol sets per object, keyed by the object's path."""
    defined, used = collections.defaultdict(set), collections.defaultdict(set)
    out = subprocess.run(["nm", "-A", "-P"] + paths, check=True, capture_output=True,
                         text=True).stdout
    for line in out.splitlines():
        head, _, rest = line.rpartition(": ")
        if not head:
            continue
        fields = rest.split()
        if len(fields) < 2:
            continue
        sym, kind = fields[0], fields[1]
        obj = head.split("[")[-1].rstrip("]") if "[" in head else head
        if kind == "U":
            used[obj].add(sym)
        elif kind in "TDBRCGSVW":  # global: text, data, bss, rodata, common, small, weak
            defined[obj].add(sym)
    return defined, used


def module_graph(build, program_dir, lib_a):
    objdir = os.path.join(build, program_dir)
    if not os.path.isdir(objdir):
        return None
    objs = sorted(os.path.join(objdir, o) for o in os.listdir(objdir) if o.endswith(".o"))
    lib_members = lib_names()
    defined, used = nm(objs + [lib_a])
    graph, owner = collections.defaultdict(set), {}
    src_dir = os.path.dirname(program_dir)

    def label(o):
        base = os.path.basename(o)
        if base in lib_members:
            return lib_members[base]
        return os.path.join(src_dir, base[:-len(".o")])

    for o, syms in defined.items():
        for s in syms:
            owner.setdefault(s, label(o))
    for o, syms in used.items():
        me = label(o)
        graph.setdefault(me, set())
        for s in syms:
            dep = owner.get(s)
            if dep and dep != me:
                graph[me].add(dep)
    for o in defined:
        graph.setdefault(label(o), set())
    return graph


def check_modules(build, show):
    problems = []
    lib_a = os.path.join(build, "lib", "libfp.a")
    if not os.path.isfile(lib_a):
        return [f"no {lib_a}: build first (meson setup {build} && ninja -C {build})"]
    for prog in ["app/fastpath.p", "lwip-fw/fastpath-fw.p"]:
        graph = module_graph(build, prog, lib_a)
        if graph is None:
            continue
        bad = [c for c in cycles(graph) if not all(m.startswith(CYCLE_OK) for m in c)]
        for c in bad:
            problems.append(f"{prog.split('.p')[0]}: modules depend on each other: "
                            + ", ".join(c))
        edges = sum(len(v) for v in graph.values())
        print(f"check-deps: {prog.split('.p')[0]}: {len(graph)} modules, {edges} dependencies, "
              + ("no cycle outside " + CYCLE_OK if not bad else f"{len(bad)} cycle(s)"))
        if show:
            for m in sorted(graph):
                print(f"  {m} -> {', '.join(sorted(graph[m])) or '(nothing)'}")
    return problems


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 1:
        sys.exit(__doc__)
    problems = check_includes() + check_modules(args[0], "--graph" in sys.argv)
    for p in problems:
        print("check-deps: " + p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
