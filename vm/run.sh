#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# vm/run.sh: run tests in a VM on Debian 12's own kernel (make check-vm).
# QEMU without KVM (TCG) boots the stock 6.1 kernel (vm/kernel.sh) with this
# machine's root filesystem shared read-only under a tmpfs overlay, systemd
# as PID 1 and no network device. The guest installs the project (make
# install) and runs VM_TESTS (default: the netns suite); its TAP output and
# a summary are printed here and the exit status is the suite's.
#   VM_TESTS="selftests/net/x.sh selftests/vm/y.sh"   what runs in the guest
#   VM_TIMEOUT=seconds   the whole run, boot to power-off (default 2400)
#   VM_CPUS, VM_MEM      the guest's size (default 2, 3G)
#   VM_MODE=bench        run VM_TESTS as plain scripts, not TAP (make bench-peers;
#                        TRIALS and PEERS_MECHS pass through to bench/peers.sh)
#   VM_OPTIONAL=1        where QEMU or the kernel is not to be had, say so and exit 0 (make check)
# A guest that does not power off in time is killed and its console printed.
set -u
cd "$(dirname "$0")/.."
REPO=$PWD
BUILD=${IPMP_BUILD:-build}
case $BUILD in /*) BUILD=${BUILD#"$REPO"/} ;; esac
CACHE=${VM_CACHE:-$REPO/build/vm}
TIMEOUT=${VM_TIMEOUT:-2400}
if [ -z "${VM_TESTS:-}" ]; then
	VM_TESTS=$(ls selftests/net/*.sh | grep -v '/lib\.sh$' | tr '\n' ' ')
fi
for t in $VM_TESTS; do
	[ -f "$t" ] || { echo "check-vm: no such test: $t" >&2; exit 2; }
done

# the guest installs what is built here (make install builds nothing there: emulated, it would take long)
make --no-print-directory -s all BUILD="$BUILD" >/dev/null || { echo "check-vm: the build failed" >&2; exit 2; }
cannot() {
	if [ -n "${VM_OPTIONAL:-}" ]; then
		echo "check-vm: SKIPPED, $*: the tests on Debian 12's kernel did not run"
		exit 0
	fi
	echo "check-vm: $*" >&2
	exit 2
}
qemu=$(command -v qemu-system-x86_64) || cannot "qemu-system-x86_64 is missing (make deps)"
"$qemu" -version >/dev/null 2>&1 || cannot "$qemu does not run"
release=$(vm/kernel.sh "$CACHE") || cannot "cannot get Debian 12's kernel (apt-get download)"
kdir=$CACHE/$release
out=$(mktemp -d "${TMPDIR:-/tmp}/ipmp-vm.XXXXXX")
chmod 0755 "$out"
qpid=
cleanup() {
	[ -n "$qpid" ] && kill -9 "$qpid" 2>/dev/null
	# the last run's console stays for a look: build/vm/console.log
	cp "$out/console.log" "$CACHE/console.log" 2>/dev/null
	rm -rf "$out"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cp vm/guest.sh "$out/guest.sh"
{
	echo "REPO='$REPO'"
	echo "BUILD='$BUILD'"
	echo "TESTS='$VM_TESTS'"
	echo "CI='${CI:-}'"
	echo "MEMBER_KIND='${MEMBER_KIND:-}'"
	echo "MODE='${VM_MODE:-}'"
	# a benchmark's knobs (bench/peers.sh), when given
	for v in TRIALS PEERS_MECHS; do
		[ -n "${!v:-}" ] && echo "export $v='${!v}'"
	done
} >"$out/job"

echo "check-vm: Debian 12 kernel $release under QEMU (TCG), $(echo "$VM_TESTS" | wc -w) test file(s), at most ${TIMEOUT}s"
start=$(date +%s)
p9="security_model=none,multidevs=remap"
"$qemu" -machine q35 -accel tcg,thread=multi -cpu max -smp "${VM_CPUS:-2}" -m "${VM_MEM:-3G}" \
	-kernel "$kdir/boot/vmlinuz-$release" -initrd "$CACHE/initrd-$release.cpio.gz" \
	-append "console=ttyS0 panic=-1 loglevel=4 systemd.unit=ipmp-vm.target systemd.show_status=error" \
	-nic none -display none -monitor none -serial "file:$out/console.log" -no-reboot \
	-virtfs "local,path=/,mount_tag=root,readonly=on,$p9" \
	-virtfs "local,path=$kdir/lib/modules/$release,mount_tag=kmod,readonly=on,$p9" \
	-virtfs "local,path=$out,mount_tag=out,$p9" &
qpid=$!
done_at=
while kill -0 "$qpid" 2>/dev/null; do
	# finished but still up 30 s later: the results are in, the guest goes
	if [ -f "$out/done" ]; then
		done_at=${done_at:-$(date +%s)}
		if [ $(($(date +%s) - done_at)) -ge 30 ]; then
			echo "check-vm: the guest did not power off 30 s after the tests; killed" >&2
			kill -9 "$qpid"
			break
		fi
	fi
	if [ $(($(date +%s) - start)) -ge "$TIMEOUT" ]; then
		kill -9 "$qpid"
		wait "$qpid" 2>/dev/null
		qpid=
		echo "check-vm: the guest did not finish within ${TIMEOUT}s; killed. Its console:" >&2
		tail -n 100 "$out/console.log" >&2
		[ -f "$out/guest.log" ] && sed 's/^/check-vm: guest: /' "$out/guest.log" >&2
		[ -f "$out/tap.log" ] && { echo "check-vm: its TAP output so far:" >&2; cat "$out/tap.log" >&2; }
		exit 124
	fi
	sleep 1
done
wait "$qpid"
qpid=
took=$(($(date +%s) - start))

if [ ! -f "$out/rc" ]; then
	echo "check-vm: the guest stopped without running the tests (${took}s). Its console:" >&2
	tail -n 100 "$out/console.log" >&2
	[ -f "$out/guest.log" ] && cat "$out/guest.log" >&2
	exit 125
fi
rc=$(cat "$out/rc")
echo "check-vm: guest kernel $(cat "$out/uname" 2>/dev/null), up to the test unit in $(cat "$out/boot_s" 2>/dev/null) s"
cat "$out/tap.log" 2>/dev/null
[ -s "$out/guest.log" ] && sed 's/^/check-vm: guest: /' "$out/guest.log"
echo "check-vm: exit $rc after ${took}s (boot, install, tests and power-off)"
exit "$rc"
