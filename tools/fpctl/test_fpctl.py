#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""fpctl against a fake management socket with canned replies.

Checks the requests fpctl sends for each command line, that every human view
renders the documented reply members (docs/TELEMETRY.md), and the exit codes:
0 ok, 1 "ok":false, 2 no answer. Runs without DPDK: the unit suite runs it.
"""
import contextlib
import importlib.machinery
import importlib.util
import io
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading

sys.dont_write_bytecode = True  # nothing written into the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
loader = importlib.machinery.SourceFileLoader("fpctl", os.path.join(HERE, "fpctl"))
spec = importlib.util.spec_from_loader("fpctl", loader)
fpctl = importlib.util.module_from_spec(spec)
loader.exec_module(fpctl)

COUNTERS = {"rx_packets": 10, "rx_bytes": 900, "tx_packets": 9, "tx_bytes": 880,
            "icmp_echo_replies": 7, "flows_opened": 3, "tcp_retransmits": 0,
            "drop_ip4_csum": 1, "flows_open": 2, "drops": 1}
LINK = {"up": True, "speed_mbps": 10000, "duplex": "full", "autoneg": False}
PORT = {"index": 0, "port_id": 0, "name": "net_af_packet0", "mac": "02:00:00:00:00:01",
        "address": "198.18.0.1/24", "mtu": 1500, "link": LINK}
REPLIES = {
    "status": {"ok": True, "version": "0.1.0", "dpdk": "DPDK 22.11.11", "pid": 42, "uptime_ms": 3723000,
               "config": "/etc/fp.conf", "draining": False, "main_lcore": 0,
               "eal": {"file_prefix": "fp_demo", "hugepages": True},
               "lcores": [{"lcore": 1, "queue": 0, "running": True, "loops": 5, "busy_loops": 2,
                           "busy_us": 1500000,
                           "flows_open": 2, "stages": ["rx", "arp", "icmp", "tcp_echo", "tx"]}],
               "ports": [PORT], "mgmt": {"socket": "/x.sock", "clients": 1, "refused": 4, "cut_off": 2},
               "mqtt": {"enabled": True, "connected": False, "connects": 1, "published": 5,
                        "dropped": 3, "commands": 2, "commands_refused": 1}},
    "stats": {"ok": True, "stats": {"schema": "fastpath.stats/2", "target": "dpdk", "version": "0.1.0",
                                     "seq": 0, "uptime_ms": 1000, "n_contexts": 1, "total": COUNTERS,
                                     "contexts": [dict(id=1, **COUNTERS)]}},
    "flows": {"ok": True, "total": 2, "matched": 2, "returned": 1, "truncated": True,
              "flows": [{"lcore": 1, "local": "198.18.0.1:7", "remote": "198.18.0.2:40000",
                         "state": "ESTABLISHED", "snd_wnd": 65535, "rcv_wnd": 16384, "unacked": 0,
                         "buffered": 0, "srtt_us": 120, "rto_us": 200000, "bytes_in": 1000,
                         "bytes_out": 1000, "retransmits": 0, "age_ms": 50}]},
    "ports": {"ok": True, "ports": [dict(PORT, stats={"ipackets": 10, "opackets": 9},
                                         xstats={"rx_good_packets": 10, "rx_q0_errors": 0})]},
    "pipeline": {"ok": True, "path": "p.pipeline", "text": "[lcores all]\nstages = rx arp acl tx\n",
                 "generation": 2,
                 "workers": [{"lcore": 1, "stages": ["rx", "arp", "acl", "tx"], "graph": "fp-l1s0",
                              "nodes": [{"stage": "rx", "node": "fp_rx-l1s0", "packets": 100,
                                         "calls": 10, "drops": 4, "cycles": 2800},
                                        {"stage": "acl", "node": "fp_acl-l1s0", "packets": 96,
                                         "calls": 10, "drops": 6, "cycles": 1920},
                                        {"stage": "drop_acl_deny", "node": "fp_drop_acl_deny",
                                         "packets": 6, "calls": 2, "drops": 6, "cycles": 60},
                                        {"stage": "drop_ip4_ttl", "node": "fp_drop_ip4_ttl",
                                         "packets": 0, "calls": 0, "drops": 0, "cycles": 0}]}]},
    "config": {"ok": True, "path": "/etc/fp.conf", "text": "[port 0]\naddress = 198.18.0.1/24\n"},
    "config set": {"ok": True, "key": "tcp.idle_timeout_s", "value": "5", "old": "300", "workers": 1},
    "config set bad": {"ok": False, "error": "config set: tcp.idle_timeout_s: 0 out of range (1..86400)",
                       "reason": "invalid"},
    "config diff": {"ok": True, "path": "/etc/fp.conf",
                    "changes": [{"key": "tcp.idle_timeout_s", "running": "5", "file": "300", "live": True},
                                {"key": "tcp.max_flows", "running": "4096", "file": "8192", "live": False,
                                 "restart": "it sizes the TCP engine's memory, allocated at start"}]},
    "config diff none": {"ok": True, "path": "/etc/fp.conf", "changes": []},
    "config keys": {"ok": True, "keys": [{"key": "tcp.mss", "value": "1460", "live": True},
                                         {"key": "tcp.max_flows", "value": "4096", "live": False,
                                          "restart": "it sizes"}]},
    "log": {"ok": True, "logtype": "user.fp.app", "level": "debug"},
    "shutdown": {"ok": True, "draining": True, "timeout_ms": 5000},
    "help": {"ok": True, "commands": {"status": "version", "stats": "counters"}},
}


class FakeServer:
    def __init__(self, path):
        self.requests = []
        self.no_diff = False
        self.srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.srv.bind(path)
        self.srv.listen(8)
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            c, _ = self.srv.accept()
            threading.Thread(target=self.client, args=(c,), daemon=True).start()

    def client(self, c):
        buf = b""
        while True:
            chunk = c.recv(4096)
            if not chunk:
                return
            buf += chunk
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                req = json.loads(line)
                self.requests.append(req)
                rep = REPLIES.get(req.get("cmd"), {"ok": False, "error": "unknown command"})
                if req.get("cmd") == "pipeline" and req.get("dot"):
                    rep = {"ok": True, "dot": [{"lcore": 1, "graph": "fp-l1s0",
                                                "text": "Digraph fp-l1s0 {\n}\n"}]}
                if req.get("op") == "reload":
                    rep = ({"ok": False, "error": "bad.pipeline:2: unknown stage 'x'"}
                           if req.get("path", "").endswith("bad.pipeline") else
                           {"ok": True, "path": req.get("path", "p.pipeline"), "generation": 3,
                            "workers": 1})
                if req.get("cmd") == "set":
                    rep = REPLIES["config set bad" if req.get("value") == "0" else "config set"]
                if req.get("cmd") == "config" and req.get("op") in ("diff", "keys"):
                    rep = REPLIES["config " + req["op"]]
                    if req["op"] == "diff" and self.no_diff:
                        rep = REPLIES["config diff none"]
                if req.get("cmd") == "flows" and req.get("state") == "BOGUS":
                    rep = {"ok": False, "error": "unknown state 'BOGUS'"}
                c.sendall(json.dumps(rep).encode() + b"\n")


def run(sock, *args):
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = fpctl.main(["-s", sock, *args])
    return rc, out.getvalue(), err.getvalue()


def main():
    failures = []

    def check(cond, what):
        print(("ok: " if cond else "FAIL: ") + what)
        if not cond:
            failures.append(what)

    with tempfile.TemporaryDirectory() as d:
        sock = os.path.join(d, "s.sock")
        srv = FakeServer(sock)

        rc, out, _ = run(sock, "status")
        check(rc == 0 and "fastpath 0.1.0 (DPDK 22.11.11), pid 42, up 01:02:03" in out, "status header")
        check("rx arp icmp tcp_echo tx" in out and "198.18.0.1/24" in out and "10000 Mb/s full" in out,
              "status lcore and port rows")
        check(" 1.500 " in out, "status shows busy_us in seconds")
        check("mqtt NOT connected: 1 connects, 5 published, 3 dropped, 2 commands (1 refused)" in out,
              "status mqtt line")
        check("(1 clients, 4 refused, 2 cut off)" in out, "status mgmt line")
        check("EAL file prefix fp_demo (hugepages)" in out, "status EAL line")

        rc, out, _ = run(sock, "stats")
        check(rc == 0 and "icmp_echo_replies" in out and "lcore 1" in out, "stats table")
        check("tcp_retransmits" not in out, "stats hides zero counters")
        rc, out, _ = run(sock, "stats", "--all")
        check("tcp_retransmits" in out, "stats --all shows zero counters")

        rc, out, _ = run(sock, "flows", "--limit", "1", "--port", "7", "--state", "ESTABLISHED",
                         "--remote", "198.18.0.2", "--lcore", "1")
        check(srv.requests[-1] == {"cmd": "flows", "limit": 1, "port": 7, "state": "ESTABLISHED",
                                   "remote": "198.18.0.2", "lcore": 1}, "flows request")
        check(rc == 0 and "truncated" in out and "198.18.0.2:40000" in out, "flows table")
        rc, out, err = run(sock, "flows", "--state", "BOGUS")
        check(rc == 1 and "unknown state" in err, "flows error -> exit 1")

        rc, out, _ = run(sock, "ports")
        check(rc == 0 and "ipackets 10" in out and "rx_good_packets" in out and "rx_q0_errors" not in out,
              "ports view")
        rc, out, _ = run(sock, "pipeline")
        check(rc == 0 and "stages = rx arp acl tx" in out and "(generation 2)" in out, "pipeline view")
        check("lcore 1 graph fp-l1s0: rx arp acl tx" in out, "pipeline lcore line")
        check([l.split() for l in out.splitlines() if l.startswith("acl ")] ==
              [["acl", "fp_acl-l1s0", "96", "10", "6", "20.0"]], "pipeline node row: cycles/packet")
        check("drop_acl_deny" in out and "drop_ip4_ttl" not in out, "pipeline hides idle drop sinks")
        rc, out, _ = run(sock, "pipeline", "--dot")
        check(srv.requests[-1] == {"cmd": "pipeline", "dot": True} and "Digraph fp-l1s0" in out,
              "pipeline --dot")
        rc, out, _ = run(sock, "pipeline", "reload")
        check(srv.requests[-1] == {"cmd": "pipeline", "op": "reload"} and "generation 3" in out,
              "pipeline reload of the running file")
        rc, out, err = run(sock, "pipeline", "reload", "bad.pipeline")
        check(srv.requests[-1] == {"cmd": "pipeline", "op": "reload",
                                   "path": os.path.abspath("bad.pipeline")} and rc == 1 and
              "bad.pipeline:2: unknown stage" in err, "pipeline reload FILE refused -> exit 1")
        rc, _, err = run(sock, "pipeline", "relaod")
        check(rc == 2 and "usage: fpctl pipeline" in err, "pipeline with a typo")
        rc, out, _ = run(sock, "config", "get")
        check(rc == 0 and out == "[port 0]\naddress = 198.18.0.1/24\n", "config get prints the text")
        rc, out, _ = run(sock, "config", "set", "tcp.idle_timeout_s", "5")
        check(srv.requests[-1] == {"cmd": "set", "key": "tcp.idle_timeout_s", "value": "5"},
              "config set request: its own command, the value as text")
        check(rc == 0 and out == "tcp.idle_timeout_s = 5 (was 300)\n", "config set prints old and new")
        rc, out, err = run(sock, "config", "set", "tcp.idle_timeout_s", "0")
        check(rc == 1 and out == "" and "0 out of range (1..86400)" in err, "config set refused -> exit 1")
        n = len(srv.requests)
        rc, out, err = run(sock, "config", "set", "tcp.idle_timeout_s")
        check(rc == 2 and "usage: fpctl config set" in err and len(srv.requests) == n,
              "config set without a value is not sent")
        rc, out, err = run(sock, "config", "frob")
        check(rc == 2 and "unknown operation 'frob'" in err, "config: unknown operation")
        rc, out, _ = run(sock, "config", "diff")
        check(srv.requests[-1] == {"cmd": "config", "op": "diff"}, "config diff request")
        check(rc == 0 and "tcp.idle_timeout_s" in out and "live" in out and "restart" in out
              and "8192" in out, "config diff table")
        srv.no_diff = True
        rc, out, _ = run(sock, "config", "diff")
        check(rc == 0 and "is the one in /etc/fp.conf" in out, "config diff: no differences")
        rc, out, _ = run(sock, "config", "keys")
        check(rc == 0 and "tcp.max_flows" in out and "restart" in out, "config keys table")
        rc, out, _ = run(sock, "log", "level", "debug")
        check(srv.requests[-1] == {"cmd": "log", "level": "debug"} and out == "user.fp.app: debug\n",
              "log level set")
        run(sock, "log", "level", "8")
        check(srv.requests[-1] == {"cmd": "log", "level": 8}, "numeric log level is sent as a number")
        rc, out, _ = run(sock, "shutdown", "--timeout-ms", "1000")
        check(srv.requests[-1] == {"cmd": "shutdown", "timeout_ms": 1000} and "draining" in out, "shutdown")
        rc, out, _ = run(sock, "help")
        check(rc == 0 and "counters" in out, "help table")
        rc, out, _ = run(sock, "--json", "status")
        check(rc == 0 and json.loads(out) == REPLIES["status"], "--json prints the reply")
        rc, out, _ = run(sock, "raw", '{"cmd":"nope"}')
        check(rc == 1 and json.loads(out)["ok"] is False, "raw passes through, exit 1 on ok:false")
        rc, out, _ = run(sock, "top", "-n", "2", "-i", "0.05")
        check(rc == 0 and out.count("fastpath top") == 2 and "total" in out, "top -n 2")

        # capture: the dumpcap command from status (prefix, port name), then exec
        rc, out, _ = run(sock, "capture", "--dry-run", "-w", "/tmp/x y.pcapng", "-c", "10", "-a", "5",
                         "-f", "tcp port 7")
        check(rc == 0 and out == "dpdk-dumpcap --file-prefix=fp_demo -i net_af_packet0 -w '/tmp/x y.pcapng'"
              " -c 10 -a duration:5 -f 'tcp port 7'\n", f"capture --dry-run: {out!r}")
        rc, out, _ = run(sock, "capture", "--dry-run")
        check(rc == 0 and " -w fastpath-" in out and out.endswith(".pcapng\n"), "capture default file name")
        rc, _, err = run(sock, "capture", "--dry-run", "-p", "3")
        check(rc == 2 and "no port 3" in err, "capture of a port that does not exist")
        fake = os.path.join(d, "fake-dumpcap")
        with open(fake, "w") as f:
            f.write('#!/bin/sh\nprintf "%s\\n" "$@" > "$0.args"\n')
        os.chmod(fake, 0o755)
        p = subprocess.run([sys.executable, os.path.join(HERE, "fpctl"), "-s", sock, "capture", "--dumpcap", fake,
                            "-w", "out.pcapng", "-f", "tcp port 7"], capture_output=True, text=True, timeout=30)
        args = open(fake + ".args").read().splitlines() if os.path.exists(fake + ".args") else []
        check(p.returncode == 0 and args == ["--file-prefix=fp_demo", "-i", "net_af_packet0", "-w", "out.pcapng",
                                             "-f", "tcp port 7"], f"capture runs dumpcap with {args}")
        rc, _, err = run(sock, "capture", "--dumpcap", os.path.join(d, "no-such-dumpcap"))
        check(rc == 2 and "not found" in err, "capture without dumpcap")
        REPLIES["status"]["eal"]["hugepages"] = False
        rc, _, err = run(sock, "capture", "--dry-run")
        check(rc == 2 and "without hugepages" in err, "capture refused on --no-huge")
        REPLIES["status"]["eal"]["hugepages"] = True

        rc, _, err = run(os.path.join(d, "missing.sock"), "status")
        check(rc == 2 and "cannot connect" in err, "no socket -> exit 2")

    print(f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
