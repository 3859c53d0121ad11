#!/bin/sh
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Inside the test VM (run by ipmp-vm.service, vm/init): install the project
# as a user would, run the tests the job names, leave the TAP output and
# the exit status in /ipmp-vm for vm/run.sh. The VM powers off after.
out=/ipmp-vm
. "$out/job"	# REPO, BUILD, TESTS, MODE
exec >"$out/guest.log" 2>&1
uname -r >"$out/uname"
cut -d" " -f1 /proc/uptime >"$out/boot_s"	# seconds from the kernel to this unit
cd "$REPO" || exit 1
echo 99 >"$out/rc"
make --no-print-directory -s install BUILD="$BUILD" PREFIX=/usr/local >"$out/install.log" 2>&1 || {
	echo "vm: make install failed"; cat "$out/install.log"; exit 1; }
systemctl daemon-reload
export IPMP_BUILD="$REPO/$BUILD" CI=${CI:-} MEMBER_KIND=${MEMBER_KIND:-}
[ -n "$MEMBER_KIND" ] || unset MEMBER_KIND
if [ "${MODE:-}" = bench ]; then
	# shellcheck disable=SC2086
	bash $TESTS >"$out/tap.log" 2>&1
else
	# shellcheck disable=SC2086
	prove -v --timer $TESTS >"$out/tap.log" 2>&1
fi
echo $? >"$out/rc"
echo done >"$out/done"
# nothing here needs an orderly shutdown (the root is a tmpfs overlay, the
# results are written): power off at once
sync
systemctl poweroff --force --force
