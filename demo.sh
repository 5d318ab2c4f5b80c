#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Install, build and run fastpath on the demo topology:
#
#   namespace fp-demo                         root namespace
#   [ kernel client 198.18.0.2 ] fb-demo <--veth--> fa-demo [ fastpath 198.18.0.1 ]
#                                                     net_af_packet
#
# Ctrl-C stops the appliance (it prints its counters) and removes the topology.
set -euo pipefail
cd "$(dirname "$0")"
[[ $(id -u) -eq 0 ]] || { echo "demo.sh: run as root (namespaces, DPDK)" >&2; exit 1; }
tools/install-deps.sh
[[ -d build ]] || meson setup build --buildtype=release >/dev/null
ninja -C build >/dev/null

# The default management socket, so a plain `tools/fpctl/fpctl` finds it.
FP_TEST=demo FP_BUILD=$PWD/build FP_KEEP_WORK=1 FP_SOCK=/run/fastpath/fastpath.sock
. tests/integ/lib.sh
fp_topo_veth
fp_write_config
fp_start_app

cat <<MSG

fastpath is running (pid $FP_PID) and answers on $FP_APP_IP. Try, in another shell:

  ip netns exec $FP_NS ping -c 3 $FP_APP_IP
  ip netns exec $FP_NS nc $FP_APP_IP 7          # type lines: they come back
  ip netns exec $FP_NS nc -z -v $FP_APP_IP 9    # not served: refused (RST)
  tools/fpctl/fpctl stats                          # counters; also: status, flows, top

Press Ctrl-C to stop. Log: $FP_LOG
MSG
tail -n +1 -f "$FP_LOG" --pid="$FP_PID" || true
