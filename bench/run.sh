#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# make bench: every benchmark, measured side by side with its baseline in
# one run, printed as one table and written to build/bench/results.json.
# Not a test: nothing here passes or fails on a timing.
#
#   failover gap   a sequenced UDP stream both ways (peer -> data address ->
#                  echo) at PPS; the longest gap between echoes in a trial
#                  where m0's carrier drops, against the same stream with no
#                  failure (the machine's own jitter). TRIALS trials each,
#                  on veth members and on NIC-like (macvlan) members.
#   throughput     TCP through the group (datapath = veth, the default, and
#                  datapath = direct) vs. the same namespaces with the
#                  address on a member and no programs.
#   ns/packet      each program via BPF_PROG_TEST_RUN vs. a bare redirect.
. "$(dirname "$0")/../selftests/net/lib.sh"
trap - EXIT
trap cleanup EXIT

TRIALS=${TRIALS:-20}
PPS=${PPS:-5000}
OUT=$ROOT/build/bench
mkdir -p "$OUT"
[ "$(id -u)" = 0 ] || { echo "make bench needs root" >&2; exit 1; }

field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p"; }

# percentile P of the numbers on stdin (nearest rank)
pct() { sort -n | awk -v p="$1" '{a[NR]=$1} END {i=int((p/100)*NR+0.999); if(i<1)i=1; print a[i]}'; }

# The topology of one member kind; the next kind gets fresh namespaces.
topo_destroy() {
	agent_stop
	for ns in "$NS_H" "$NS_SW" "$NS_P" "$NS_R"; do ip netns del "$ns" 2>/dev/null; done
	mountpoint -q "$BPFFS" && umount "$BPFFS"
}

# One trial: agent up, stream 1 s, cut m0 (which holds DATA1) at 300 ms when
# asked, agent down, link restored. A fresh agent per trial keeps the flap
# rule out of it.
trial() {
	local cut=$1
	agent_start "$TMP/ipmp.conf"
	wait_until 2000 active_is "m0 m1"
	peer_ping "$DATA1"
	ip netns exec "$NS_H" "$TRAFFIC" udp-echo "$DATA1" 6000 3 >/dev/null &
	local echo_pid=$!
	sleep 0.1
	ip netns exec "$NS_P" "$TRAFFIC" udp-stream "$DATA1" 6000 "$PPS" 1 >"$TMP/stream.out" &
	local stream_pid=$!
	if [ "$cut" = cut ]; then
		sleep 0.3
		member_link 0 down
	fi
	wait "$stream_pid"
	kill "$echo_pid" 2>/dev/null; wait "$echo_pid" 2>/dev/null
	agent_stop
	nsx "$NS_H" "$AGENT" -c "$TMP/ipmp.conf" --bpffs "$BPFFS" --cleanup >/dev/null 2>&1
	member_link 0 up
	field max_gap_us <"$TMP/stream.out"
	field lost <"$TMP/stream.out" >>"$TMP/lost.$cut"
}

for MEMBER_KIND in macvlan veth; do	# veth last: the throughput below runs on it
	echo "bench: failover gap on $MEMBER_KIND members, $TRIALS trials each way at $PPS packets/s..." >&2
	[ "$MEMBER_KIND" = veth ] || topo_destroy
	topo_create 2
	write_config "$TMP/ipmp.conf"
	: >"$TMP/gap.cut"; : >"$TMP/gap.none"; : >"$TMP/lost.cut"; : >"$TMP/lost.none"
	for ((i = 0; i < TRIALS; i++)); do
		trial none >>"$TMP/gap.none"
		trial cut >>"$TMP/gap.cut"
	done
	for f in gap.cut gap.none lost.cut lost.none; do cp "$TMP/$f" "$TMP/$f.$MEMBER_KIND"; done
	[ "$MEMBER_KIND" = veth ] || topo_destroy
done

echo "bench: TCP throughput..." >&2
tput() {
	ip netns exec "$NS_H" "$TRAFFIC" tcp-sink "$1" 5002 8 >"$TMP/tput.out" &
	local sink=$!
	wait_until 2000 sh -c "ip netns exec $NS_H ss -ltn | grep -q '$1:5002'"
	nsx "$NS_P" "$TRAFFIC" tcp-send "$1" 5002 0 3 >/dev/null
	wait "$sink"
	field mbit_per_s <"$TMP/tput.out"
}
# per packet: the mean round trip of 500 pings from the peer (us)
rtt() { nsx "$NS_P" ping -c 500 -i 0.002 -q "$1" | awk -F/ '/^rtt/ {printf "%.0f", $5 * 1000}'; }
ours_tput=() base_tput=() direct_tput=() ours_rtt=() base_rtt=() direct_rtt=()
sed '/^\[global\]/a datapath = direct' "$TMP/ipmp.conf" >"$TMP/direct.conf"
for round in 1 2 3; do
	agent_start "$TMP/ipmp.conf"
	ours_tput+=("$(tput "$DATA1")")
	ours_rtt+=("$(rtt "$DATA1")")
	agent_stop
	nsx "$NS_H" "$AGENT" -c "$TMP/ipmp.conf" --bpffs "$BPFFS" --cleanup >/dev/null 2>&1
	agent_start "$TMP/direct.conf"
	direct_tput+=("$(tput "$DATA1")")
	direct_rtt+=("$(rtt "$DATA1")")
	agent_stop
	nsx "$NS_H" "$AGENT" -c "$TMP/direct.conf" --bpffs "$BPFFS" --cleanup >/dev/null 2>&1
	nsx "$NS_H" ip addr add "$DATA1/24" dev m0
	base_tput+=("$(tput "$DATA1")")
	base_rtt+=("$(rtt "$DATA1")")
	nsx "$NS_H" ip addr del "$DATA1/24" dev m0
done

echo "bench: ns per packet..." >&2
prog=$("$ROOT/build/bench/prog_ns")

gap_p50=$(pct 50 <"$TMP/gap.cut"); gap_p99=$(pct 99 <"$TMP/gap.cut"); gap_max=$(pct 100 <"$TMP/gap.cut")
base_p50=$(pct 50 <"$TMP/gap.none"); base_p99=$(pct 99 <"$TMP/gap.none"); base_max=$(pct 100 <"$TMP/gap.none")
lost_p50=$(pct 50 <"$TMP/lost.cut"); lost_max=$(pct 100 <"$TMP/lost.cut")
mv_p50=$(pct 50 <"$TMP/gap.cut.macvlan"); mv_p99=$(pct 99 <"$TMP/gap.cut.macvlan")
mv_base50=$(pct 50 <"$TMP/gap.none.macvlan"); mv_base99=$(pct 99 <"$TMP/gap.none.macvlan")
mv_lost50=$(pct 50 <"$TMP/lost.cut.macvlan"); mv_lost_max=$(pct 100 <"$TMP/lost.cut.macvlan")
t_ours=$(printf '%s\n' "${ours_tput[@]}" | pct 50); t_base=$(printf '%s\n' "${base_tput[@]}" | pct 50)
t_direct=$(printf '%s\n' "${direct_tput[@]}" | pct 50)
r_ours=$(printf '%s\n' "${ours_rtt[@]}" | pct 50); r_base=$(printf '%s\n' "${base_rtt[@]}" | pct 50)
r_direct=$(printf '%s\n' "${direct_rtt[@]}" | pct 50)
# prog_ns: "program kind ours base ratio" for kind tcp, arp, nd
prog_row() {
	local label=$1 program=$2 kind=$3 goal=$4 ours base r
	read -r _ _ ours base r <<<"$(grep "^$program $kind " <<<"$prog")"
	printf '%-40s %14s %14s %8s  %s\n' "$label" "$ours" "$base" "$r" "$goal"
}

# outage_row LABEL KIND: p99 of the datagrams lost per trial as time at PPS, with the
# failure and without (the baseline)
outage_row() {
	local cut none
	cut=$(pct 99 <"$TMP/lost.cut.$2")
	none=$(pct 99 <"$TMP/lost.none.$2")
	printf '%-40s %14s %14s %8s  %s\n' "$1" \
		"$(awk -v l="$cut" -v r="$PPS" 'BEGIN {printf "%.2f ms", l * 1000 / r}')" \
		"$(awk -v l="$none" -v r="$PPS" 'BEGIN {printf "%.2f ms", l * 1000 / r}')" "-" "<= 1 ms"
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}'; }
ms() { awk -v u="$1" 'BEGIN {printf "%.2f ms", u / 1000}'; }

ROWS=$OUT/results.txt
{
	printf '%-40s %14s %14s %8s  %s\n' figure ours baseline ratio goal
	printf '%-40s %14s %14s %8s  %s\n' "failover gap p50 (carrier drop, veth)" "$(ms "$gap_p50")" "$(ms "$base_p50")" "$(ratio "$gap_p50" "$base_p50")" ""
	printf '%-40s %14s %14s %8s  %s\n' "failover gap p99" "$(ms "$gap_p99")" "$(ms "$base_p99")" "$(ratio "$gap_p99" "$base_p99")" "p99 <= 2 ms"
	printf '%-40s %14s %14s %8s  %s\n' "failover gap max" "$(ms "$gap_max")" "$(ms "$base_max")" "$(ratio "$gap_max" "$base_max")" ""
	printf '%-40s %14s %14s %8s  %s\n' "datagrams lost per failover p50/max" "$lost_p50/$lost_max" "$(pct 50 <"$TMP/lost.none")/$(pct 100 <"$TMP/lost.none")" "-" ""
	printf '%-40s %14s %14s %8s  %s\n' "NIC-like (macvlan): failover gap p50" "$(ms "$mv_p50")" "$(ms "$mv_base50")" "$(ratio "$mv_p50" "$mv_base50")" ""
	printf '%-40s %14s %14s %8s  %s\n' "NIC-like (macvlan): failover gap p99" "$(ms "$mv_p99")" "$(ms "$mv_base99")" "$(ratio "$mv_p99" "$mv_base99")" "p99 <= 2 ms"
	printf '%-40s %14s %14s %8s  %s\n' "NIC-like: lost per failover p50/max" "$mv_lost50/$mv_lost_max" "$(pct 50 <"$TMP/lost.none.macvlan")/$(pct 100 <"$TMP/lost.none.macvlan")" "-" ""
	printf '%-40s %14s %14s %8s  %s\n' "outage = lost / rate, p50/max" "$(ms "$(awk -v l="$lost_p50" -v r="$PPS" 'BEGIN{print l*1e6/r}')")/$(ms "$(awk -v l="$lost_max" -v r="$PPS" 'BEGIN{print l*1e6/r}')")" "-" "-" ""
	outage_row "carrier-loss outage p99, veth" veth
	outage_row "carrier-loss outage p99, NIC-like" macvlan
	printf '%-40s %14s %14s %8s  %s\n' "TCP throughput (Mbit/s, median of 3)" "$t_ours" "$t_base" "$(ratio "$t_ours" "$t_base")" ">= 0.95"
	printf '%-40s %14s %14s %8s  %s\n' "  datapath = direct (Mbit/s)" "$t_direct" "$t_base" "$(ratio "$t_direct" "$t_base")" ""
	printf '%-40s %14s %14s %8s  %s\n' "ping round trip, mean (us, median of 3)" "$r_ours" "$r_base" "$(ratio "$r_ours" "$r_base")" ""
	printf '%-40s %14s %14s %8s  %s\n' "  datapath = direct (us)" "$r_direct" "$r_base" "$(ratio "$r_direct" "$r_base")" ""
	prog_row "group_egress ns/packet, TCP data" group_egress tcp "<= 1.5"
	prog_row "  group_egress, ARP reply" group_egress arp ""
	prog_row "  group_egress, ND advertisement" group_egress nd ""
	prog_row "member_ingress ns/packet, TCP data" member_ingress tcp "<= 1.3"
	prog_row "  member_ingress, ARP request" member_ingress arp ""
	prog_row "  member_ingress, ND solicitation" member_ingress nd ""
	echo "# failover baseline: the same stream with no failure; $TRIALS trials each, $PPS pkt/s both ways"
} >"$ROWS"

# the probe benchmarks add their rows to the same table
cleanup_topology_for_next() { agent_stop; for ns in "$NS_H" "$NS_SW" "$NS_P" "$NS_R"; do ip netns del "$ns" 2>/dev/null; done; mountpoint -q "$BPFFS" && umount "$BPFFS"; }
cleanup_topology_for_next
ROWS=$ROWS TRIALS=$TRIALS bash "$ROOT/bench/probe.sh"
ROWS=$ROWS bash "$ROOT/bench/control.sh"
ROWS=$ROWS bash "$ROOT/bench/scale.sh"

cat "$ROWS"
# the same rows as JSON: figure, ours, baseline, ratio, goal
awk -F '  +' 'BEGIN {print "["} NR > 1 && !/^#/ {
	gsub(/"/, "\\\"");
	printf "%s{\"figure\": \"%s\", \"ours\": \"%s\", \"baseline\": \"%s\", \"ratio\": \"%s\", \"goal\": \"%s\"}", sep, $1, $2, $3, $4, $5; sep = ",\n"
} END {print "\n]"}' "$ROWS" >"$OUT/results.json"
