#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Install what a fresh Debian 12 machine lacks to build, run and test
# fastpath. Idempotent: only missing packages are fetched.
set -euo pipefail

pkgs=(
  # build
  gcc pkg-config meson ninja-build clang libclang-rt-14-dev
  libdpdk-dev dpdk dpdk-dev libuv1-dev libmosquitto-dev check liblwip-dev
  gcc-arm-none-eabi libnewlib-arm-none-eabi libevent-dev
  # run and test
  iproute2 ethtool iputils-ping tcpdump socat netcat-openbsd python3 python3-scapy
  mosquitto mosquitto-clients procps kmod
)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  [[ $(id -u) -eq 0 ]] || { echo "install-deps: need root to install: ${missing[*]}" >&2; exit 1; }
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The Debian mosquitto package starts a system broker on port 1883; tests
# start their own on other ports, so it does not matter either way.
echo "install-deps: all ${#pkgs[@]} packages present"
