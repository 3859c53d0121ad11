#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Failover at scale (called by bench/run.sh; prints table rows): a group of
# two members with N data addresses (N = 256, 1,024, 4,096; mostly IPv6,
# 2001:db8::/64), half of them on m0. m0's cable is pulled; measured:
#   rebound    the agent's own figure, the netlink read to the end of the
#              commit (every address rebound in the maps): "rebound in" of
#              its -d log's "link events handled in" line
#   decision   the same to the end of the decision: the first
#              announcements (up to 256 at once) sent too
#   announced  the pull to the last first announcement (gratuitous ARP or
#              unsolicited NA) of a moved address seen on m1's switch port
# The baseline of each row is the same figure at 256 addresses: the growth.
. "$(dirname "$0")/../selftests/net/lib.sh"
trap - EXIT
trap cleanup EXIT
ROWS=${ROWS:-/dev/stdout}
RUNS=${RUNS:-3}
[ "$(id -u)" = 0 ] || { echo "bench needs root" >&2; exit 1; }
row() { printf '%-40s %14s %14s %8s  %s\n' "$@" >>"$ROWS"; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

topo_create 2
addresses() {	# addresses N: the config's list, 100 IPv4 then IPv6
	local n=$1 i out=""
	for ((i = 1; i <= 100 && i <= n; i++)); do out="$out 198.51.100.$i/24"; done
	for ((i = 1; i <= n - 100; i++)); do
		out="$out$([ $((i % 200)) = 1 ] && printf '\n\t') 2001:db8::$(printf %x $i)/64"
	done
	echo "$out"
}

declare -A DECIDE REBOUND ANNOUNCED
for n in 256 1024 4096; do
	: >"$TMP/decide"; : >"$TMP/rebound"; : >"$TMP/announced"
	for ((r = 0; r < RUNS; r++)); do
		GROUP_ADDRS=$(addresses "$n")
		write_config "$TMP/ipmp.conf"
		AGENT_START_MS=60000 agent_start "$TMP/ipmp.conf"
		wait_until 60000 sh -c "[ \$('$IPMPSTAT' -an -j | jq '[.[] | select(.inbound == \"m0\")] | length') -ge $((n / 2 - 2)) ]"
		moved=$("$IPMPSTAT" -an -j | jq '[.[] | select(.inbound == "m0")] | length')
		sleep 1	# the start's own announcements are over
		nsx "$NS_SW" tcpdump -tt -n -i s1 -Q in -w "$TMP/ann.pcap" 'arp or icmp6' 2>/dev/null &
		dump=$!
		sleep 0.5
		mark=$(wc -l <"$TMP/agent.log")
		t0=$(date +%s%N)
		member_link 0 down
		sleep 2
		kill "$dump"; wait "$dump" 2>/dev/null
		tail -n +$((mark + 1)) "$TMP/agent.log" |
			sed -n 's/.*group g0: link events handled in \([0-9]*\) us (rebound in \([0-9]*\) us).*/\1 \2/p' |
			head -1 >"$TMP/handled"
		read -r handled rebound <"$TMP/handled"
		echo "$handled" >>"$TMP/decide"
		echo "$rebound" >>"$TMP/rebound"
		# the first announcement of each moved address: the moved-th distinct address announced
		# (other frames pass that port too: count until as many addresses as moved)
		tcpdump -tt -n -r "$TMP/ann.pcap" 2>/dev/null |
			awk -v want="$moved" '/ARP, Request who-has/ {a=$5} /neighbor advertisement/ {a=$NF; for (i=1;i<=NF;i++) if ($i=="tgt") a=$(i+2)}
			     n < want && a != "" && !(a in seen) {seen[a]=1; n++; t=$1} END {printf "%d %.6f\n", n, t}' >"$TMP/last"
		read -r got last <"$TMP/last"
		awk -v t="$last" -v t0="$t0" 'BEGIN {printf "%.1f\n", (t * 1e9 - t0) / 1e6}' >>"$TMP/announced"
		echo "# scale: $n addresses, $moved moved, $got announced in the capture" >>"$ROWS"
		agent_stop
		nsx "$NS_H" "$AGENT" -c "$TMP/ipmp.conf" --bpffs "$BPFFS" --cleanup >/dev/null 2>&1
		member_link 0 up
		wait_until 3000 ports_forwarding 2
	done
	DECIDE[$n]=$(median <"$TMP/decide")
	REBOUND[$n]=$(median <"$TMP/rebound")
	ANNOUNCED[$n]=$(median <"$TMP/announced")
done
ms_of_us() { awk -v u="$1" 'BEGIN {printf "%.1f ms", u / 1000}'; }
growth() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", b ? a / b : 0}'; }
for n in 256 1024 4096; do
	row "failover, $n addresses: rebound" "$(ms_of_us "${REBOUND[$n]}")" \
		"$(ms_of_us "${REBOUND[256]}")" "$(growth "${REBOUND[$n]}" "${REBOUND[256]}")" "growth"
	row "failover, $n: first announcements sent" "$(ms_of_us "${DECIDE[$n]}")" \
		"$(ms_of_us "${DECIDE[256]}")" "$(growth "${DECIDE[$n]}" "${DECIDE[256]}")" "growth"
	row "failover, $n addresses: last announced" "${ANNOUNCED[$n]} ms" "${ANNOUNCED[256]} ms" \
		"$(growth "${ANNOUNCED[$n]}" "${ANNOUNCED[256]}")" "paced"
done
echo "# failover at scale: half the addresses on m0, its cable pulled; baseline = the 256-address figure; median of $RUNS" >>"$ROWS"
