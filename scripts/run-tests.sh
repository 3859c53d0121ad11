#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Run the test suite with prove (TAP):
#   unit tests (cmocka, no root) and the packaging check, then as root the eBPF tests
#   (BPF_PROG_TEST_RUN) and the netns scenarios.
# scripts/run-tests.sh unit   runs only the unit tests.
set -u
cd "$(dirname "$0")/.."

export CMOCKA_MESSAGE_OUTPUT=TAP
tests=(build/selftests/test_config build/selftests/test_group build/selftests/test_probe
	build/selftests/test_prom
	selftests/cmd/ipmpstat_golden.sh selftests/pkg/install.sh)
if [ "${1:-all}" != unit ]; then
	if [ "$(id -u)" = 0 ]; then
		tests+=(build/selftests/test_bpf_*)
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
exec prove --exec '' --timer ${PROVE_FLAGS:--v} "${tests[@]}"
