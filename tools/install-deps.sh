#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Install what a fresh Debian 12 machine lacks to build, run and test
# fastpath, and fetch lwIP's sources (Debian's `lwip` source package) for
# the firmware into $FP_LWIP_CACHE (default /var/cache/fastpath), where the
# build finds them. Idempotent: only missing packages are fetched, and the
# source package only when the cache lacks the version of liblwip-dev.
set -euo pipefail

pkgs=(
  # build
  gcc pkg-config meson ninja-build clang libclang-rt-14-dev
  libdpdk-dev dpdk dpdk-dev libuv1-dev libmosquitto-dev libmicrohttpd-dev check liblwip-dev
  gcc-arm-none-eabi libnewlib-arm-none-eabi binutils-arm-none-eabi libevent-dev
  # Debian packaging (debian/, tests/pkg/test_deb.sh)
  dpkg-dev debhelper dh-python pkgconf fakeroot lintian
  # run and test
  iproute2 ethtool iputils-ping tcpdump socat netcat-openbsd python3 python3-scapy nftables
  mosquitto mosquitto-clients procps kmod qemu-system-arm
  # metrics endpoint checks: promtool, a strict OpenMetrics parser, and curl
  # for the scrape docs/METRICS.md shows
  prometheus python3-prometheus-client curl
  # benchmarks: the per-function breakdown (tools/bench/profile.py)
  valgrind
)
cache=${FP_LWIP_CACHE:-/var/cache/fastpath}

need_root() { [[ $(id -u) -eq 0 ]] || { echo "install-deps: need root to $*" >&2; exit 1; }; }

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  need_root "install: ${missing[*]}"
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# The Debian mosquitto package starts a system broker on port 1883, and the
# prometheus package (installed for promtool) a server on port 9090; tests
# start their own broker on other ports and use neither, so it does not
# matter either way.
echo "install-deps: all ${#pkgs[@]} packages present"

# deb-src entries for Debian's own archive, written the way this machine
# writes its deb entries: deb822 stanzas (/etc/apt/sources.list.d/*.sources,
# Debian 12's default) copied with "Types: deb-src", or one-line entries
# (sources.list) copied as "deb-src" lines. Other vendors' repositories are
# left out. Comments are dropped; the new file is ours alone.
add_deb_src() {
  local dir=/etc/apt/sources.list.d f
  local -a stanzas=() lists=()
  for f in "$dir"/*.sources; do
    [[ -f $f && $f != "$dir/fastpath-deb-src.sources" ]] && stanzas+=("$f")
  done
  for f in /etc/apt/sources.list "$dir"/*.list; do
    [[ -f $f && $f != "$dir/fastpath-deb-src.list" ]] && lists+=("$f")
  done
  if ((${#stanzas[@]})); then
    awk '
      function flush() {
        if (types ~ /(^| )deb( |$)/ && uris ~ /debian/) printf "Types: deb-src\n%s\n", body
        types = ""; uris = ""; body = ""
      }
      /^[ \t]*#/ { next }
      /^[ \t]*$/ { flush(); next }
      /^Types:/ { types = $0; sub(/^Types:[ \t]*/, "", types); next }
      /^URIs:/ { uris = $0 }
      { body = body $0 "\n" }
      END { flush() }' "${stanzas[@]}" >"$dir/fastpath-deb-src.sources.new"
    [[ -s $dir/fastpath-deb-src.sources.new ]] &&
      mv "$dir/fastpath-deb-src.sources.new" "$dir/fastpath-deb-src.sources"
    rm -f "$dir/fastpath-deb-src.sources.new"
  fi
  if ((${#lists[@]})); then
    awk '$1 == "deb" && /debian/ { $1 = "deb-src"; print }' "${lists[@]}" \
      >"$dir/fastpath-deb-src.list.new"
    [[ -s $dir/fastpath-deb-src.list.new ]] &&
      mv "$dir/fastpath-deb-src.list.new" "$dir/fastpath-deb-src.list"
    rm -f "$dir/fastpath-deb-src.list.new"
  fi
  [[ -f $dir/fastpath-deb-src.sources || -f $dir/fastpath-deb-src.list ]] || {
    echo "install-deps: found no Debian archive entry in the apt sources to add deb-src for" >&2
    exit 1
  }
}

# lwIP's full sources (src/core, src/apps/mqtt, ...), the version of the
# installed liblwip-dev with Debian's patches applied, in $cache/lwip-<version>;
# $cache/lwip points at it. The firmware build looks there (meson option lwip_src).
fetch_lwip_src() {
  local ver dest
  ver=$(dpkg-query -W -f='${source:Version}' liblwip-dev)
  dest=$cache/lwip-$ver
  if [[ -f $dest/src/core/init.c && -f $dest/src/apps/mqtt/mqtt.c ]]; then
    [[ $(readlink "$cache/lwip" 2>/dev/null) == "lwip-$ver" ]] || ln -sfn "lwip-$ver" "$cache/lwip"
    echo "install-deps: lwIP $ver sources in $cache/lwip"
    return
  fi
  need_root "fetch the lwip source package into $cache"
  if [[ -z $(apt-cache showsrc lwip 2>/dev/null) ]]; then
    add_deb_src
    apt-get update -qq
  fi
  local tmp
  mkdir -p "$cache"
  tmp=$(mktemp -d "$cache/.fetch.XXXXXX")
  # Exactly the version the host build links; any lwip source if the archive
  # moved on (the board build does not depend on liblwip's headers).
  (cd "$tmp" && { apt-get source -qq "lwip=$ver" || apt-get source -qq lwip; }) >"$tmp/log" 2>&1 || {
    cat "$tmp/log" >&2
    rm -rf "$tmp"
    echo "install-deps: apt-get source lwip failed" >&2
    exit 1
  }
  local got
  got=$(find "$tmp" -mindepth 1 -maxdepth 1 -type d -name 'lwip-*' | head -n 1)
  [[ -n $got && -f $got/src/core/init.c ]] || { rm -rf "$tmp"; echo "install-deps: no lwIP tree in the source package" >&2; exit 1; }
  rm -rf "$dest"
  mv "$got" "$dest"
  rm -rf "$tmp"
  ln -sfn "lwip-$ver" "$cache/lwip"
  echo "install-deps: lwIP $ver sources fetched into $cache/lwip"
}
fetch_lwip_src
