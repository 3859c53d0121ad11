#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Packaging: make install into a DESTDIR puts every file where it belongs;
# every man page renders without a warning; the systemd unit verifies.
# Needs no root.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TMP=$(mktemp -d /tmp/ipmp-pkg.XXXXXX)
trap 'rm -rf "$TMP"' EXIT
N=0
FAILED=0
ok() { N=$((N + 1)); echo "ok $N - $1"; }
not_ok() { N=$((N + 1)); FAILED=$((FAILED + 1)); echo "not ok $N - $1"; shift; for l in "$@"; do echo "#   $l"; done; }

MANS="man8/ipmp-agent.8 man8/ipmpstat.8 man8/if_mpadm.8 man8/ipmpadm.8 man5/ipmp.conf.5"
echo "1..$((4 + 5 + 3))"

DEST=$TMP/dest
if out=$(make -C "$ROOT" --no-print-directory install DESTDIR="$DEST" PREFIX=/usr 2>&1); then
	ok "make install DESTDIR=... PREFIX=/usr"
else
	not_ok "make install DESTDIR=... PREFIX=/usr" "${out:0:600}"
fi

missing=""
for f in sbin/ipmp-agent sbin/ipmpstat sbin/if_mpadm sbin/ipmpadm; do
	[ -x "$DEST/usr/$f" ] || missing="$missing $f"
done
for f in $MANS; do [ -f "$DEST/usr/share/man/$f" ] || missing="$missing $f"; done
for f in share/doc/ipmp/ipmp.conf.example lib/systemd/system/ipmp-agent.service; do
	[ -f "$DEST/usr/$f" ] || missing="$missing $f"
done
if [ -z "$missing" ]; then ok "binaries, man pages, example and unit installed"; else
	not_ok "binaries, man pages, example and unit installed" "missing:$missing"; fi

# nothing outside the prefix, nothing that is not ours
extra=$(cd "$DEST" && find . -type f | grep -v -e '^./usr/sbin/' -e '^./usr/share/man/' \
	-e '^./usr/share/doc/ipmp/' -e '^./usr/lib/systemd/system/ipmp-agent.service$')
if [ -z "$extra" ]; then ok "nothing installed elsewhere"; else not_ok "nothing installed elsewhere" "$extra"; fi

unit=$DEST/usr/lib/systemd/system/ipmp-agent.service
if grep -q '@[A-Z]*@' "$unit"; then
	not_ok "unit has its paths filled in" "$(grep '@[A-Z]*@' "$unit")"
else
	ok "unit has its paths filled in"
fi

for f in $MANS; do
	# groff -ww: every warning; -z: no output, only diagnostics
	w=$(LC_ALL=C.UTF-8 groff -ww -z -man -Tutf8 "$DEST/usr/share/man/$f" 2>&1)
	if [ -z "$w" ]; then ok "$f renders without warnings (groff -ww)"; else
		not_ok "$f renders without warnings (groff -ww)" "$w"; fi
done

grep -q '^Type=notify$' "$unit" && grep -q '^WatchdogSec=' "$unit" &&
	grep -q '^Restart=on-failure$' "$unit" && grep -q '^CapabilityBoundingSet=' "$unit" &&
	ok "unit: Type=notify, WatchdogSec, Restart=on-failure, capabilities bounded" ||
	not_ok "unit: Type=notify, WatchdogSec, Restart=on-failure, capabilities bounded"

# ProtectSystem=strict makes every path read-only unless listed: the example's metrics_dir must be
mdir=$(sed -n 's/^metrics_dir *= *\([^ ;]*\).*/\1/p' "$ROOT/etc/ipmp.conf.example")
rw=$(sed -n 's/^ReadWritePaths=//p' "$unit" | tr ' ' '\n' | sed 's/^-//')
if [ -n "$mdir" ] && grep -qxF "$mdir" <<<"$rw"; then
	ok "the unit may write the example's metrics_dir ($mdir)"
else
	not_ok "the unit may write the example's metrics_dir" "metrics_dir: '$mdir'" "ReadWritePaths: $rw"
fi

if command -v systemd-analyze >/dev/null; then
	# the unit as installed, pointed at the DESTDIR's binaries; its man pages from there too
	sed "s|/usr/sbin/|$DEST/usr/sbin/|g" "$unit" >"$TMP/ipmp-agent.service"
	if out=$(MANPATH=$DEST/usr/share/man systemd-analyze verify "$TMP/ipmp-agent.service" 2>&1); then
		ok "systemd-analyze verify"
	else
		not_ok "systemd-analyze verify" "$out"
	fi
else
	ok "systemd-analyze verify # SKIP systemd-analyze not installed"
fi
[ "$FAILED" = 0 ]
