#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Run each libFuzzer target for SECONDS from its seed corpus.
#   scripts/fuzz.sh BUILD SECONDS TARGET...
# The seeds in fuzz/corpus/TARGET are read, never written: what a run
# finds goes to BUILD/corpus/TARGET (kept between runs), a crash to
# BUILD/crashes/. Fails when any target finds a crash; the input that
# did it is printed with the command that replays it. fuzz_frames needs
# root (it loads the eBPF programs); without root it is skipped, said so.
set -u
cd "$(dirname "$0")/.."
B=$1 SECONDS_EACH=$2
shift 2
failed=0
mkdir -p "$B/crashes"
for t in "$@"; do
	bin=$B/fuzz/fuzz_$t
	if [ "$t" = frames ] && [ "$(id -u)" != 0 ]; then
		echo "fuzz: $t skipped: needs root"
		continue
	fi
	mkdir -p "$B/corpus/$t"
	log=$B/fuzz_$t.log
	dict=
	case $t in config) dict=-dict=fuzz/config.dict ;; request | snapshot) dict=-dict=fuzz/json.dict ;; esac
	# -max_total_time bounds the run; -timeout and -rss_limit_mb bound one input
	if "$bin" -max_total_time="$SECONDS_EACH" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$B/crashes/$t-" $dict \
		"$B/corpus/$t" "fuzz/corpus/$t" >"$log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
		echo "fuzz: $t: ${runs:-?} inputs in ${SECONDS_EACH}s, $cov, no crash"
	else
		failed=1
		echo "fuzz: $t: FAILED"
		tail -40 "$log"
		for a in "$B/crashes/$t-"*; do
			[ -e "$a" ] && echo "fuzz: replay with: $bin $a"
		done
	fi
done
exit $failed
