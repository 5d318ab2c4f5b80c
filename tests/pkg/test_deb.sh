#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The Debian packages end to end: build fastpath and fastpath-fw from this
# tree with dpkg-buildpackage, lint them (no lintian error allowed), install
# them with dpkg -i, run the installed binaries from their installed paths
# (the config check, fpctl --help, the firmware's -h, every shipped example),
# start fastpath the way its systemd unit does (ExecStartPre and ExecStart
# with /etc/default/fastpath) on a veth pair and talk to it with the
# installed fpctl, then remove the package and check that nothing of it is
# left running and that purge removes its configuration.
# Needs root; run it under the integration-test lock (tests/run.sh does).
set -euo pipefail
FP_TEST=deb
. "$(dirname "$0")/../integ/lib.sh"
fp_require_root dpkg-buildpackage lintian

UNIT=/lib/systemd/system/fastpath.service
version=$(sed -n "s/^ *version: '\(.*\)',/\1/p" "$FP_SRC/meson.build")
for p in fastpath fastpath-fw; do
	if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		fp_fail "$p is installed already; this test installs and removes it (dpkg --purge $p first)"
	fi
done

# Processes running the installed binary, whoever started them.
installed_pids() {
	local p
	for p in /proc/[0-9]*; do
		[[ $(readlink "$p/exe" 2>/dev/null) == /usr/bin/fastpath* ]] && echo "${p#/proc/}"
	done
	return 0
}

# --- build (dpkg-buildpackage writes next to the source: use a copy) -----------------
src=$FP_WORK/fastpath-$version
mkdir -p "$src"
# The copy and its build tree are hundreds of MB: gone even when the work
# dir is kept for a failure (the logs and the .debs stay).
fp_on_exit "rm -rf '$src'"
if git -C "$FP_SRC" rev-parse --git-dir >/dev/null 2>&1; then
	git -C "$FP_SRC" ls-files -z -co --exclude-standard | tar -C "$FP_SRC" --null -T - -cf - | tar -C "$src" -xf -
else
	tar -C "$FP_SRC" --exclude='./build*' --exclude=./.git -cf - . | tar -C "$src" -xf -
fi
# The unit tests already ran in this CI; the package build need not repeat them.
t0=$SECONDS
(cd "$src" && DEB_BUILD_OPTIONS=nocheck dpkg-buildpackage -us -uc -b) >"$FP_WORK/build.log" 2>&1 ||
	fp_fail "dpkg-buildpackage failed: $(tail -n 30 "$FP_WORK/build.log")"
debs=("$FP_WORK/fastpath_${version}_"*.deb "$FP_WORK/fastpath-fw_${version}_"*.deb)
for d in "${debs[@]}"; do
	[[ -f $d ]] || fp_fail "not built: $d"
done
fp_log "ok: built $(cd "$FP_WORK" && echo fastpath*_"$version"_*.deb) in $((SECONDS - t0)) s"

rc=0
lintian --allow-root --fail-on error -I "$FP_WORK/fastpath_${version}_"*.changes >"$FP_WORK/lintian.log" 2>&1 || rc=$?
sed 's/^/    lintian: /' "$FP_WORK/lintian.log" >&2
((rc == 0)) || fp_fail "lintian reports errors"
fp_log "ok: lintian: no errors ($(grep -c '^[EW]:' "$FP_WORK/lintian.log" || true) errors or warnings)"

# --- install -----------------------------------------------------------------------------
fp_on_exit "dpkg --purge fastpath fastpath-fw"
dpkg -i "${debs[@]}" >"$FP_WORK/install.log" 2>&1 || fp_fail "dpkg -i: $(cat "$FP_WORK/install.log")"
fp_assert_eq "fastpath processes right after install (the unit is not started)" "" "$(installed_pids)"

out=$(/usr/bin/fastpath -t -c /etc/fastpath/fastpath.conf) || fp_fail "fastpath -t: $out"
fp_assert_eq "installed config check" \
	"/etc/fastpath/fastpath.conf: ok (1 port(s), pipeline /usr/share/fastpath/pipelines/echo.pipeline)" "$out"
for f in /usr/share/fastpath/examples/*.conf; do
	/usr/bin/fastpath -t -c "$f" >/dev/null || fp_fail "installed example $f does not check"
done
for pl in /usr/share/fastpath/pipelines/*.pipeline; do
	/usr/bin/fastpath -t -c /etc/fastpath/fastpath.conf -p "$pl" >/dev/null ||
		fp_fail "installed pipeline $pl does not check"
done
/usr/bin/fpctl --help | grep -q "capture" || fp_fail "fpctl --help"
[[ $(head -n 1 /usr/bin/fpctl) == "#! /usr/bin/python3" ]] || fp_fail "fpctl's interpreter: $(head -n 1 /usr/bin/fpctl)"
/usr/bin/fastpath-fw -h | grep -q "^usage: fastpath-fw" || fp_fail "fastpath-fw -h"
for m in fastpath fpctl fastpath-fw; do
	[[ -f /usr/share/man/man8/$m.8.gz ]] || fp_fail "no manual page $m(8)"
done
conffiles=$(dpkg-query -W -f='${Conffiles}' fastpath | awk '{print $1}' | sort | tr '\n' ' ')
fp_assert_eq "conffiles" "/etc/default/fastpath /etc/fastpath/fastpath.conf " "$conffiles"
if command -v systemd-analyze >/dev/null; then
	out=$(systemd-analyze verify "$UNIT" 2>&1) || fp_fail "systemd-analyze verify: $out"
	fp_log "ok: systemd-analyze verify $UNIT"
fi
fp_log "ok: installed paths: binaries, fpctl, firmware, manual pages, examples, unit"

# --- start it as the unit does ------------------------------------------------------------
fp_topo_veth
cat >/etc/default/fastpath <<EOT
FASTPATH_EAL_ARGS="-l 0-1 --no-huge -m 512 --no-pci --file-prefix=$FP_FILE_PREFIX --vdev $FP_VDEV"
FASTPATH_CONFIG=/etc/fastpath/fastpath.conf
EOT
# systemd's expansion: $VAR splits into words, ${VAR} does not (no blanks here)
set -a
. /etc/default/fastpath
set +a
eval "pre=($(sed -n 's/^ExecStartPre=//p' "$UNIT"))"
eval "start=($(sed -n 's/^ExecStart=//p' "$UNIT"))"
"${pre[@]}" >/dev/null || fp_fail "ExecStartPre failed: ${pre[*]}"
fp_start_sut "${start[@]}"
pid=$FP_PID
st=$(/usr/bin/fpctl --json status) || fp_fail "installed fpctl on the default socket: $st"
fp_assert_eq "installed fpctl: version" "$version" "$(fp_jget "$st" "r['version']")"
fp_assert_eq "installed fpctl: config" /etc/fastpath/fastpath.conf "$(fp_jget "$st" "r['config']")"
out=$(fp_echo --port 7 --conns 4 --bytes 65536 --timeout 30) || fp_fail "echo from the installed binary: $out"
fp_log "ok: the installed fastpath echoes: $out"

# --- remove: nothing left running, purge removes the configuration ----------------------------
dpkg -r fastpath >"$FP_WORK/remove.log" 2>&1 || fp_fail "dpkg -r: $(cat "$FP_WORK/remove.log")"
fp__wait_for 5 fp__gone "$pid" || fp_fail "fastpath (pid $pid) still runs after dpkg -r"
FP_PID=
rc=0
wait "$pid" || rc=$?
fp_assert_eq "exit status of the instance dpkg -r stopped (SIGTERM)" 0 "$rc"
fp_assert_eq "processes of the installed binary after dpkg -r" "" "$(installed_pids)"
[[ ! -e /run/fastpath/fastpath.sock ]] || fp_fail "management socket left behind"
[[ ! -e /usr/bin/fastpath && ! -e /usr/bin/fpctl ]] || fp_fail "binaries left after dpkg -r"
[[ -e /etc/fastpath/fastpath.conf ]] || fp_fail "dpkg -r removed a conffile (only purge should)"
dpkg --purge fastpath fastpath-fw >"$FP_WORK/purge.log" 2>&1 || fp_fail "dpkg --purge: $(cat "$FP_WORK/purge.log")"
[[ ! -e /etc/fastpath && ! -e /etc/default/fastpath ]] || fp_fail "configuration left after purge"
[[ ! -e /usr/bin/fastpath-fw ]] || fp_fail "fastpath-fw left after purge"
fp_log "ok: dpkg -r stopped it; purge left no file"
fp_log "PASS ($SECONDS s)"
