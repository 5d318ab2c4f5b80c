#!/bin/sh
# SPDX-License-Identifier: BSD-3-Clause
#
# Reserve 2 MiB hugepages for fastpath and mount hugetlbfs. Idempotent: run it
# again and it only changes what differs. fastpath also runs without this
# (EAL --no-huge -m 512), which is what the tests use.
#
#   hugepage-setup.sh [PAGES]     reserve PAGES x 2 MiB (default 512 = 1 GiB)
#   hugepage-setup.sh --teardown  release the pages and unmount /dev/hugepages
#   hugepage-setup.sh --status    print the current state only
set -eu

SYS=/sys/kernel/mm/hugepages/hugepages-2048kB
MNT=/dev/hugepages

die() {
	echo "hugepage-setup: $*" >&2
	exit 1
}

status() {
	total=$(cat "$SYS/nr_hugepages")
	free=$(cat "$SYS/free_hugepages")
	echo "2 MiB hugepages: $total reserved, $free free"
	if mountpoint -q "$MNT"; then
		echo "hugetlbfs: mounted at $MNT ($(findmnt -n -o OPTIONS "$MNT"))"
	else
		echo "hugetlbfs: not mounted at $MNT"
	fi
	for node in /sys/devices/system/node/node[0-9]*; do
		f=$node/hugepages/hugepages-2048kB/nr_hugepages
		[ -r "$f" ] && echo "  $(basename "$node"): $(cat "$f") pages"
	done
	return 0
}

reserve() {
	want=$1
	cur=$(cat "$SYS/nr_hugepages")
	if [ "$cur" -ne "$want" ]; then
		echo "$want" >"$SYS/nr_hugepages" || die "cannot write $SYS/nr_hugepages"
		got=$(cat "$SYS/nr_hugepages")
		# The kernel gives what it can find contiguous; say so rather than fail.
		[ "$got" -eq "$want" ] ||
			echo "hugepage-setup: asked for $want pages, the kernel reserved $got" >&2
	fi
}

[ -d "$SYS" ] || die "no 2 MiB hugepage support ($SYS missing)"
[ "$(id -u)" -eq 0 ] || [ "${1:-}" = --status ] || die "must run as root"

case "${1:-512}" in
--status)
	status
	;;
--teardown)
	if mountpoint -q "$MNT"; then
		umount "$MNT" || die "cannot unmount $MNT (in use by a running DPDK process?)"
	fi
	reserve 0
	status
	;;
-h | --help)
	sed -n '4,11p' "$0" | sed 's/^# \{0,1\}//'
	;;
*[!0-9]* | '')
	die "bad page count '$1' (want a number, --teardown or --status)"
	;;
*)
	reserve "$1"
	if ! mountpoint -q "$MNT"; then
		mkdir -p "$MNT"
		mount -t hugetlbfs -o pagesize=2M nodev "$MNT" || die "cannot mount hugetlbfs at $MNT"
	fi
	status
	;;
esac
