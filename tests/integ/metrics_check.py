#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Scrape and check the appliance's metrics endpoint (tests/integ/test_metrics.sh).

  metrics_check.py get URL [--openmetrics] [--source IP] [-o FILE]
      one GET; exits 1 unless 200 with the Content-Type of the format asked for
  metrics_check.py om-parse FILE
      parse an OpenMetrics page with prometheus_client's strict parser
  metrics_check.py value FILE NAME [LABEL=VALUE ...]
      print one sample's value from a Prometheus text page
  metrics_check.py match PAGE_A PAGE_B STATUS STATS PORTS
      PAGE_A and PAGE_B are two scrapes around the fpctl replies (JSON
      files). Exit 3 when traffic moved a counter between A and B (try
      again); else compare every worker counter, drop reason, flows_open,
      port counter, build and MQTT value of A with fpctl's.
  metrics_check.py abuse HOST PORT
      garbage, oversized and slow (slowloris) HTTP clients; prints what
      happened and exits 1 when the endpoint misbehaved.
"""
import json
import os
import random
import socket
import sys
import threading
import time
import urllib.request

TEXT_CT = "text/plain; version=0.0.4; charset=utf-8"
OM_CT = "application/openmetrics-text; version=1.0.0; charset=utf-8"
OM_ACCEPT = ("application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
             "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1")

# Families whose values move with every scrape or fpctl call, or with the clock.
VOLATILE = ("fastpath_uptime_seconds", "fastpath_metrics_", "fastpath_mgmt_", "fastpath_lcore_loops",
            "fastpath_mqtt_dropped", "fastpath_mqtt_published",
            "fastpath_lcore_busy_loops", "fastpath_lcore_busy_seconds", "fastpath_node_calls",
            "fastpath_node_cycles")


def die(msg):
    print(f"metrics_check: {msg}", file=sys.stderr)
    sys.exit(1)


def http_get(url, accept=None, source=None, timeout=15):
    """GET with an optional source address; returns (status, content_type, body)."""
    host, _, rest = url.partition("//")[2].partition("/")
    addr, _, port = host.partition(":")
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    if source:
        s.bind((source, 0))
    s.connect((addr, int(port or 80)))
    req = f"GET /{rest} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n"
    if accept:
        req += f"Accept: {accept}\r\n"
    s.sendall((req + "\r\n").encode())
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        data += chunk
    s.close()
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1]) if lines and len(lines[0].split()) > 1 else 0
    ctype = ""
    for line in lines[1:]:
        k, _, v = line.partition(":")
        if k.strip().lower() == "content-type":
            ctype = v.strip()
    return status, ctype, body.decode()


def cmd_get(args):
    url, om, source, out = args[0], "--openmetrics" in args, None, None
    if "--source" in args:
        source = args[args.index("--source") + 1]
    if "-o" in args:
        out = args[args.index("-o") + 1]
    status, ctype, body = http_get(url, OM_ACCEPT if om else None, source)
    want = OM_CT if om else TEXT_CT
    if status != 200:
        die(f"GET {url}: status {status}: {body[:200]!r}")
    if ctype != want:
        die(f"GET {url}: Content-Type {ctype!r}, want {want!r}")
    if out:
        with open(out, "w") as f:
            f.write(body)
    else:
        sys.stdout.write(body)


def cmd_om_parse(args):
    from prometheus_client.openmetrics.parser import text_string_to_metric_families
    text = open(args[0]).read()
    fams = list(text_string_to_metric_families(text))
    print(f"{len(fams)} families, {sum(len(f.samples) for f in fams)} samples")


def samples(path):
    """{(name, frozenset(labels)): value} from a Prometheus text page."""
    from prometheus_client.parser import text_string_to_metric_families
    out = {}
    for fam in text_string_to_metric_families(open(path).read()):
        for s in fam.samples:
            key = (s.name, frozenset(s.labels.items()))
            if key in out:
                die(f"duplicate sample {s.name}{s.labels}")
            out[key] = s.value
    return out


def cmd_value(args):
    page, name, labels = args[0], args[1], dict(a.split("=", 1) for a in args[2:])
    key = (name, frozenset(labels.items()))
    v = samples(page).get(key)
    if v is None:
        die(f"no sample {name}{labels} in {page}")
    print(int(v) if v == int(v) else v)


def cmd_match(args):
    a, b = samples(args[0]), samples(args[1])
    status, stats, ports = (json.load(open(p)) for p in args[2:5])
    moved = [k for k in a if not k[0].startswith(VOLATILE) and a.get(k) != b.get(k)]
    if moved or set(a) != set(b):
        print(f"moved between the scrapes: {sorted(moved)[:5]}")
        sys.exit(3)
    want = {}
    nodes_between = []  # (sample, fpctl's value): a <= fpctl <= b
    lcores = set()
    for ctx in stats["stats"]["contexts"]:
        lc = str(ctx["id"])
        lcores.add(lc)
        for k, v in ctx.items():
            if k in ("id", "drops"):
                continue
            if k == "nodes":
                # packets and drops move with traffic only, so they must be
                # equal; calls and cycles may move between the scrapes
                for n in v:
                    lab = {"lcore": lc, "stage": n["stage"], "node": n["node"]}
                    for f in ("packets", "drops"):
                        want[(f"fastpath_node_{f}_total", frozenset(lab.items()))] = n[f]
                    for f in ("calls", "cycles"):
                        key = (f"fastpath_node_{f}_total", frozenset(lab.items()))
                        nodes_between.append((key, n[f]))
                continue
            if k == "flows_open":
                want[("fastpath_flows_open", frozenset({"lcore": lc}.items()))] = v
            elif k.startswith("drop_"):
                want[("fastpath_drops_total", frozenset({"lcore": lc, "reason": k[5:]}.items()))] = v
            else:
                want[(f"fastpath_{k}_total", frozenset({"lcore": lc}.items()))] = v
    fields = {"ipackets": "rx_packets", "opackets": "tx_packets", "ibytes": "rx_bytes", "obytes": "tx_bytes",
              "imissed": "rx_missed", "ierrors": "rx_errors", "oerrors": "tx_errors", "rx_nombuf": "rx_nombuf"}
    for p in ports["ports"]:
        port = str(p["index"])
        for k, name in fields.items():
            want[(f"fastpath_port_{name}_total", frozenset({"port": port}.items()))] = p["stats"][k]
        want[("fastpath_port_link_up", frozenset({"port": port}.items()))] = int(p["link"]["up"])
        want[("fastpath_port_info", frozenset({"port": port, "device": p["name"], "mac": p["mac"],
                                               "address": p["address"]}.items()))] = 1
    want[("fastpath_build_info", frozenset({"version": status["version"], "dpdk": status["dpdk"]}.items()))] = 1
    want[("fastpath_mqtt_enabled", frozenset())] = int(status["mqtt"]["enabled"])
    want[("fastpath_mqtt_connected", frozenset())] = int(status["mqtt"]["connected"])
    want[("fastpath_mqtt_connects_total", frozenset())] = status["mqtt"]["connects"]
    bad = [f"{k[0]}{dict(k[1])}: metrics {a.get(k)}, fpctl {v}" for k, v in want.items() if a.get(k) != v]
    bad += [f"{k[0]}{dict(k[1])}: fpctl {v} not within the scrapes' {a.get(k)}..{b.get(k)}"
            for k, v in nodes_between if a.get(k) is None or b.get(k) is None or not a[k] <= v <= b[k]]
    # every node sample on the page is a node fpctl lists
    listed = {k for k in want if k[0].startswith("fastpath_node_")} | {k for k, _ in nodes_between}
    bad += [f"stray node sample {k[0]}{dict(k[1])}" for k in a
            if k[0].startswith("fastpath_node_") and k not in listed]
    # busy time moves with any frame; the page has it in whole milliseconds
    for lc in status["lcores"]:
        key = ("fastpath_lcore_busy_seconds_total", frozenset({"lcore": str(lc["lcore"])}.items()))
        v = lc["busy_us"] / 1e6
        if a.get(key) is None or b.get(key) is None or not a[key] <= v < b[key] + 0.001:
            bad.append(f"{key[0]}{dict(key[1])}: fpctl {v} not within the scrapes' "
                       f"{a.get(key)}..{b.get(key)}")
    if not any(k[0] == "fastpath_node_packets_total" for k in want):
        bad.append("fpctl stats lists no pipeline node: nothing to compare")
    # every worker sample on the page is one fpctl knows (no stray lcore)
    stray = [k for k in a if dict(k[1]).get("lcore") not in (None, *lcores)]
    drops_sum = sum(v for k, v in a.items() if k[0] == "fastpath_drops_total")
    if drops_sum != stats["stats"]["total"]["drops"]:
        bad.append(f"sum of fastpath_drops_total {drops_sum} != total drops {stats['stats']['total']['drops']}")
    if bad or stray:
        die("mismatch:\n  " + "\n  ".join(bad + [f"stray {k}" for k in stray]))
    print(f"{len(want)} values equal to fpctl's, {len(nodes_between)} node figures between the scrapes")


# ------------------------------------------------------------------ abuse

def connect(host, port, source=None, timeout=10):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    if source:
        s.bind((source, 0))
    s.connect((host, port))
    return s


def complete(data):
    """A whole response (headers and Content-Length bytes of body) is in."""
    head, sep, body = data.partition(b"\r\n\r\n")
    if not sep:
        return False
    for line in head.split(b"\r\n")[1:]:
        k, _, v = line.partition(b":")
        if k.strip().lower() == b"content-length":
            return len(body) >= int(v.strip() or 0)
    return False


def answer(s, limit=12.0):
    """Read until close: ('status', code) for an HTTP answer, ('closed', 0) for none, ('hung', 0)."""
    data, t0 = b"", time.time()
    s.settimeout(1.0)
    while time.time() - t0 < limit:
        try:
            chunk = s.recv(65536)
        except socket.timeout:
            continue
        except OSError:
            break
        if not chunk:
            break
        data += chunk
        if complete(data):
            break
    else:
        return "hung", 0
    if data.startswith(b"HTTP/1."):
        try:
            return "status", int(data.split()[1])
        except (IndexError, ValueError):
            return "junk", 0
    return ("closed", 0) if not data else ("junk", 0)


def send_all(s, data):
    try:
        s.sendall(data)
        return True
    except OSError:
        return False  # the server closed first: fine for hostile input


def garbage(host, port, failures):
    rng = random.Random(13)
    fixed = [b"GARBAGE\r\n\r\n", b"GET /metrics HTTP/9.9\r\n\r\n", b"\x00\x01\x02\x03\r\n\r\n",
             b"GET\r\n\r\n", b"GET /metrics\r\n\r\n", b"GET /metrics HTTP/1.1\r\nHost\r\n\r\n",
             b"GET /metrics HTTP/1.1\r\n: x\r\n\r\n", b"\r\n\r\n\r\n\r\n",
             b"GET /metrics HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
             b"GET /metrics HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
             b"POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello",
             b"GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n",
             b"GET /metrics?x=%zz HTTP/1.1\r\nHost: x\r\n\r\n"]
    cases = fixed + [bytes(rng.randrange(256) for _ in range(rng.randrange(1, 3000))) + b"\r\n\r\n"
                     for _ in range(60)]
    results = {}
    lock = threading.Lock()

    def run(part, source):
        for data in part:
            s = connect(host, port, source)
            send_all(s, data)
            kind, code = answer(s)
            s.close()
            key = f"{kind} {code}" if code else kind
            with lock:
                results[key] = results.get(key, 0) + 1
                if kind == "hung":
                    failures.append(f"garbage {data[:30]!r}: connection still open after 12 s")
                # libmicrohttpd is lenient with a request line it can read (an empty
                # header name, a bad query): a page is fine there, never for anything else
                if kind == "status" and code == 200 and not data.startswith(b"GET /metrics"):
                    failures.append(f"garbage {data[:30]!r}: answered 200")

    # four clients at once, each from its own address (the per-address limit is 8)
    threads = [threading.Thread(target=run, args=(cases[i::4], f"127.0.2.{i + 1}")) for i in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    print(f"garbage: {len(cases)} requests: {results}")


def oversized(host, port, failures):
    out = []
    # a 1 MiB request line, 256 KiB of headers: refused within the per-connection memory
    for what, data in (("1 MiB URI", b"GET /" + b"a" * (1 << 20) + b" HTTP/1.1\r\nHost: x\r\n\r\n"),
                       ("256 KiB of headers", b"GET /metrics HTTP/1.1\r\nHost: x\r\n" +
                        b"".join(b"X-%d: %s\r\n" % (i, b"v" * 1000) for i in range(256)) + b"\r\n")):
        s = connect(host, port)
        threading.Thread(target=send_all, args=(s, data), daemon=True).start()
        kind, code = answer(s)
        s.close()
        out.append(f"{what}: {kind} {code}")
        if kind == "hung" or (kind == "status" and code < 400):
            failures.append(f"{what}: {kind} {code}")
    # a body announced as 1 GB: refused on the headers, without waiting for it
    for method in (b"POST", b"GET"):
        s = connect(host, port)
        send_all(s, method + b" /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000000\r\n\r\n")
        kind, code = answer(s)
        s.close()
        out.append(f"{method.decode()} announcing a 1 GB body: {kind} {code}")
        if kind != "status" or code not in (405, 413):
            failures.append(f"{method.decode()} announcing a 1 GB body: {kind} {code}")
    # ... and 16 MiB of it sent anyway: refused (or reset mid-upload), never served
    s = connect(host, port)
    th = threading.Thread(target=lambda: send_all(s, b"POST /metrics HTTP/1.1\r\nHost: x\r\n"
                                                     b"Content-Length: 1000000000\r\n\r\n" + b"z" * (16 << 20)),
                          daemon=True)
    th.start()
    kind, code = answer(s)
    s.close()
    out.append(f"POST sending 16 MiB: {kind} {code}")
    if kind == "hung" or (kind == "status" and code < 400):
        failures.append(f"POST sending 16 MiB: {kind} {code}")
    print("oversized: " + "; ".join(out))


def trickle(host, port, source, results, t_start):
    """Slowloris: a request one byte every 0.5 s, never finished. Records when the server ended it."""
    try:
        s = connect(host, port, source)
    except OSError as e:
        results.append(("refused", 0.0, str(e)))
        return
    data = b"GET /metrics HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 200
    s.settimeout(0.5)
    for i in range(len(data)):
        try:
            s.send(data[i:i + 1])
            if s.recv(1) == b"":
                break
        except socket.timeout:
            continue
        except OSError:
            break
        if time.time() - t_start > 30:
            results.append(("hung", time.time() - t_start, ""))
            s.close()
            return
    results.append(("ended", time.time() - t_start, ""))
    s.close()


def slowloris(host, port, failures, sources, conns_per_source, check_scrape_from, max_s):
    results, t0 = [], time.time()
    threads = [threading.Thread(target=trickle, args=(host, port, src, results, t0))
               for src in sources for _ in range(conns_per_source)]
    for th in threads:
        th.start()
    time.sleep(1.5)  # every slow client is connected and trickling
    t1 = time.time()
    try:
        status, _, body = http_get(f"http://{host}:{port}/metrics", source=check_scrape_from, timeout=20)
    except OSError as e:
        status, body = 0, str(e)
    waited = time.time() - t1
    for th in threads:
        th.join()
    hung = [r for r in results if r[0] == "hung"]
    last = max(r[1] for r in results)
    print(f"slowloris: {len(threads)} clients from {len(sources)} address(es): "
          f"all ended within {last:.1f} s; a scrape from {check_scrape_from} during it: "
          f"status {status} after {waited:.1f} s")
    if hung:
        failures.append(f"slowloris: {len(hung)} connections never closed by the server")
    if last > max_s:
        failures.append(f"slowloris: the last slow client ended only after {last:.1f} s")
    if status != 200 or "fastpath_build_info" not in body:
        failures.append(f"slowloris: scrape from {check_scrape_from} during the attack: {status} {body[:100]!r}")


def cmd_abuse(args):
    host, port = args[0], int(args[1])
    failures = []
    t0 = time.time()
    garbage(host, port, failures)
    print(f"  ({time.time() - t0:.1f} s)")
    t0 = time.time()
    oversized(host, port, failures)
    print(f"  ({time.time() - t0:.1f} s)")
    # one address: past the per-address limit it is refused; another address is served at once
    # (the 8 accepted are cut at the 5 s request deadline)
    slowloris(host, port, failures, ["127.0.0.1"], 24, "127.0.0.2", 9)
    # twenty addresses: all 16 connections are taken, the rest and a scrape wait in the
    # listen backlog until the deadline frees room; those 4 are cut 5 s later
    slowloris(host, port, failures, [f"127.0.1.{i}" for i in range(1, 21)], 1, "127.0.0.3", 15)
    for f in failures:
        print(f"FAIL: {f}", file=sys.stderr)
    sys.exit(1 if failures else 0)


def main():
    if len(sys.argv) < 3:
        die(__doc__)
    cmds = {"get": cmd_get, "om-parse": cmd_om_parse, "value": cmd_value, "match": cmd_match,
            "abuse": cmd_abuse}
    if sys.argv[1] not in cmds:
        die(f"unknown command {sys.argv[1]}")
    cmds[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
