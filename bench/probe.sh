#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Probe-detection benchmarks (called by bench/run.sh; prints table rows):
#   detection time   a member's path is cut (carrier stays up) at a random
#                    point of the probe interval; the time until the agent
#                    logs the failure, TRIALS times for each FDT. in.mpathd
#                    promises detection within the FDT: that is the baseline.
#                    FDTS (default "1000 100") lists the FDTs, in ms.
#   false failures   LOSS_PERMILLE of probe frames dropped at random on both
#                    members' switch ports for LOSS_SECONDS at FDT 1000 ms.
#   reply latency    how long replies waited between XDP and the agent:
#                    what NETRTT (kernel time) excludes and RTT includes.
. "$(dirname "$0")/../selftests/net/lib.sh"
trap - EXIT
trap cleanup EXIT

TRIALS=${TRIALS:-20}
LOSS_PERMILLE=${LOSS_PERMILLE:-50}
LOSS_SECONDS=${LOSS_SECONDS:-60}
ROWS=${ROWS:-/dev/stdout}
[ "$(id -u)" = 0 ] || { echo "bench needs root" >&2; exit 1; }

pct() { sort -n | awk -v p="$1" '{a[NR]=$1} END {i=int((p/100)*NR+0.999); if(i<1)i=1; print a[i]}'; }
row() { printf '%-40s %14s %14s %8s  %s\n' "$@" >>"$ROWS"; }

topo_create 2

# One ip process in the switch namespace reads commands from a FIFO, so a
# cut takes effect within a millisecond of its timestamp (starting a new
# ip per cut takes tens of milliseconds).
mkfifo "$TMP/sw.fifo"
ip netns exec "$NS_SW" ip -force -batch "$TMP/sw.fifo" &
PIDS+=($!)
exec 7>"$TMP/sw.fifo"
sw() { echo "$*" >&7; }
path_cut() { sw link set "s$1" nomaster; }
path_restore() { sw link set "s$1" master br0; }

count_lines() { grep -c -- "$1" "$TMP/agent.log"; }
last_time() { grep -- "$1" "$TMP/agent.log" | tail -1 | cut -d' ' -f1; }

detection_trials() {
	local fdt=$1 out=$2 upi=$(($1 / 7)) i before t_cut t_det
	: >"$TMP/agent.log"
	write_probe_config "$TMP/ipmp.conf" "$fdt" "targets = $ROUTER"
	agent_start "$TMP/ipmp.conf" --log-time
	wait_probe_replies 30 $((30 * fdt))
	: >"$out"
	: >"$out.cutcmd"
	for ((i = 0; i < TRIALS; i++)); do
		sleep "$(awk -v u="$upi" -v r="$RANDOM" 'BEGIN {printf "%.3f", u * (r % 1000) / 1e6}')"
		before=$(count_lines "IP interface failure detected on m0")
		t_cut=$(date +%s.%N)
		path_cut 0
		wait_until 1000 sh -c "! ip -n $NS_SW -o link show s0 | grep -q 'master br0'"
		awk -v b="$t_cut" -v a="$(date +%s.%N)" 'BEGIN {printf "%.1f\n", (a - b) * 1000}' >>"$out.cutcmd"
		if wait_until $((5 * fdt + 1000)) sh -c "[ \$(grep -c 'IP interface failure detected on m0' $TMP/agent.log) -gt $before ]"; then
			t_det=$(last_time "IP interface failure detected on m0")
			awk -v a="$t_det" -v b="$t_cut" 'BEGIN {printf "%d\n", (a - b) * 1000}' >>"$out"
		else
			echo 999999 >>"$out"	# not detected: counts as over the FDT
		fi
		before=$(count_lines "IP interface repair detected on m0")
		path_restore 0
		wait_until $((10 * fdt + 2000)) sh -c "[ \$(grep -c 'IP interface repair detected on m0' $TMP/agent.log) -gt $before ]"
		wait_probe_replies 12 $((10 * fdt))
	done
	agent_stop
	nsx "$NS_H" "$AGENT" -c "$TMP/ipmp.conf" --bpffs "$BPFFS" --cleanup >/dev/null 2>&1
}

FDTS=${FDTS:-1000 100}
for fdt in $FDTS; do
	echo "bench: probe detection at FDT $fdt ms, $TRIALS trials..." >&2
	detection_trials $fdt "$TMP/detect.$fdt"
	over=$(awk -v f=$fdt '$1 > f' "$TMP/detect.$fdt" | wc -l)
	p50=$(pct 50 <"$TMP/detect.$fdt"); p99=$(pct 99 <"$TMP/detect.$fdt"); max=$(pct 100 <"$TMP/detect.$fdt")
	row "probe detection p50, FDT $fdt ms" "$p50 ms" "$fdt ms" "$(awk -v a="$p50" -v b=$fdt 'BEGIN {printf "%.2f", a / b}')" ""
	row "probe detection p99, FDT $fdt ms" "$p99 ms" "$fdt ms" "$(awk -v a="$p99" -v b=$fdt 'BEGIN {printf "%.2f", a / b}')" "<= 1.00"
	row "probe detection max, FDT $fdt ms" "$max ms" "$fdt ms" "$(awk -v a="$max" -v b=$fdt 'BEGIN {printf "%.2f", a / b}')" ""
	row "  detections over the FDT (of $TRIALS)" "$over" "0" "-" "0"
	row "  (cut seen done within p50/max, ms)" "$(pct 50 <"$TMP/detect.$fdt.cutcmd")/$(pct 100 <"$TMP/detect.$fdt.cutcmd")" "-" "-" ""
	grep "XDP to agent" "$TMP/agent.log" | sed 's/^[0-9.]* //' >"$TMP/lag.$fdt"
done

echo "bench: false failures, ${LOSS_PERMILLE}/1000 probe loss for ${LOSS_SECONDS} s at FDT 1000 ms..." >&2
: >"$TMP/agent.log"
write_probe_config "$TMP/ipmp.conf" 1000 "targets = $ROUTER"
agent_start "$TMP/ipmp.conf" --log-time
wait_probe_replies 30 30000
nsx "$NS_SW" "$ROOT/build/bench/lossy" "$LOSS_PERMILLE" "$LOSS_SECONDS" s0 s1
false_failures=$(count_lines "IP interface failure detected")
exec 7>&-
probes=$(probe_replies)
agent_stop
row "false failures, $((LOSS_PERMILLE / 10))% loss, ${LOSS_SECONDS} s" "$false_failures" "0" "-" "0 at FDT 1000 ms"
lag=$(cat "$TMP/lag.${FDTS%% *}")	# from the first FDT's run
row "XDP -> agent lag p50 (NETRTT excludes)" "$(sed -n 's/.*p50 \([0-9]*\) us.*/\1/p' <<<"$lag") us" "-" "-" ""
row "XDP -> agent lag p99" "$(sed -n 's/.*p99 \([0-9]*\) us.*/\1/p' <<<"$lag") us" "-" "-" ""
echo "# $lag; $probes replies during the loss run" >>"$ROWS"
