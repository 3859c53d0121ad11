#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Run the test suite with prove (TAP):
#   unit tests (cmocka, no root) and the packaging check, then as root the eBPF tests
#   (BPF_PROG_TEST_RUN) and the netns scenarios.
# scripts/run-tests.sh unit   runs only the unit tests.
# IPMP_BUILD picks the build under test (build/, or build/san); with
# IPMP_SANITIZE set, every sanitizer report any process of the suite wrote
# fails the run, printed whole.
# MEMBER_KIND picks the netns scenarios' members (selftests/net/lib.sh):
# veth, or NIC-like macvlan. By default the plain build runs on veth and the
# sanitizer build on macvlan, so make check runs every scenario on both.
set -u
cd "$(dirname "$0")/.."
B=${IPMP_BUILD:-build}
case $B in /*) ;; *) B=$PWD/$B ;; esac
export IPMP_BUILD=$B

if [ -z "${MEMBER_KIND:-}" ]; then
	MEMBER_KIND=veth
	[ -n "${IPMP_SANITIZE:-}" ] && MEMBER_KIND=macvlan
fi
export MEMBER_KIND
echo "run-tests: netns scenarios on $MEMBER_KIND members" >&2

export CMOCKA_MESSAGE_OUTPUT=TAP
tests=()
for t in "$B"/selftests/test_*; do
	case $t in */test_bpf_*) ;; *) tests+=("$t") ;; esac
done
tests+=(selftests/cmd/ipmpstat_golden.sh selftests/pkg/install.sh selftests/pkg/layout.sh)
if [ "${1:-all}" != unit ]; then
	if [ "$(id -u)" = 0 ]; then
		tests+=("$B"/selftests/test_bpf_*)
		for t in selftests/net/*.sh; do
			[ "$t" = selftests/net/lib.sh ] || tests+=("$t")
		done
	elif [ "${CI:-}" = true ]; then
		echo "run-tests: CI must run as root: the eBPF and netns tests need it" >&2
		exit 1
	else
		echo "run-tests: not root: running the unit tests only" >&2
	fi
fi
for t in "${tests[@]}"; do
	if [ ! -x "$t" ]; then
		echo "run-tests: $t is missing; run make first" >&2
		exit 1
	fi
done

reports=
if [ -n "${IPMP_SANITIZE:-}" ]; then
	reports=$B/sanitizer
	rm -rf "$reports"
	mkdir -p "$reports"
	# every process writes its reports there (log_path gets .PID appended)
	export ASAN_OPTIONS="log_path=$reports/asan:detect_leaks=1:abort_on_error=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
	export UBSAN_OPTIONS="log_path=$reports/ubsan:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
	echo "run-tests: sanitizer build $B ($IPMP_SANITIZE); reports go to $reports" >&2
fi

prove --exec '' --timer ${PROVE_FLAGS:--v} "${tests[@]}"
rc=$?
if [ -n "$reports" ] && [ -n "$(ls -A "$reports")" ]; then
	echo "run-tests: sanitizer reports:" >&2
	for f in "$reports"/*; do
		echo "--- $f" >&2
		cat "$f" >&2
	done
	rc=1
fi
exit $rc
