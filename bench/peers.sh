#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# make bench-peers (in the test VM: bonding is a module of Debian 12's
# kernel, not of this machine's): the tools our users run today beside our
# group, on the same topology (lib.sh: two veth members on a switch, a peer,
# a router) with the same sequenced UDP stream, one after the other in one
# run. Not a test: nothing passes or fails.
#
#   carrier     the cable of the member carrying the stream is pulled while
#               it runs: the longest gap between echoes, the datagrams lost
#   path        that member's switch port leaves the switch (carrier up): how
#               long until traffic flows again, or "never" when the mechanism
#               cannot see it
#   TCP         throughput through the aggregate, 3 s
# ipmp runs twice: as configured by default (carrier losses taken from the
# driver, agent/carrier.h) and with early_carrier = no (netlink alone).
# Under QEMU without KVM every timing is slow and noisy: read the ratio to
# our group, not the absolute figures.
. "$(dirname "$0")/../selftests/net/lib.sh"
trap - EXIT
trap cleanup EXIT
[ "$(id -u)" = 0 ] || { echo "bench-peers needs root" >&2; exit 1; }

TRIALS=${TRIALS:-3}
PPS=${PPS:-1000}
FDT=${FDT:-300}		# our failure detection time (ms)
ARP_MS=${ARP_MS:-100}	# bonding's ARP monitor interval: it declares a miss after ~2-3
MII_MS=${MII_MS:-100}
MEMBER_KIND=veth
topo_create 2
nsx "$NS_H" ip link set lo up
field() { sed -n "s/.*$1=\([0-9.]*\).*/\1/p"; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR ? a[int((NR+1)/2)] : "")}'; }

# --- each mechanism: up (DATA1 reachable through it) and down -----------------------------------
bond_up() {	# bond_up MODE OPTIONS...
	local mode=$1
	shift
	ip -n "$NS_H" link add bond0 type bond mode "$mode" "$@"
	for i in 0 1; do
		ip -n "$NS_H" link set "m$i" down
		ip -n "$NS_H" link set "m$i" master bond0
	done
	nsx "$NS_H" ip addr add "$DATA1/24" dev bond0
	ip -n "$NS_H" link set bond0 up
	for i in 0 1; do ip -n "$NS_H" link set "m$i" up; done
	wait_until 5000 peer_ping "$DATA1"
}
bond_down() { ip -n "$NS_H" link del bond0; for i in 0 1; do ip -n "$NS_H" link set "m$i" up; done; }
ours_up() {	# ours_up [global lines...]
	GROUP_EXTRA=("$@")
	GROUP_ADDRS="$DATA1/24" write_probe_config "$TMP/ipmp.conf" "$FDT"
	agent_start "$TMP/ipmp.conf" >/dev/null
	wait_until 5000 active_is "m0 m1"
	wait_until 5000 peer_ping "$DATA1"
	# probing is past its start: every member has a confirmed target
	wait_until $((10 * FDT)) sh -c "'$IPMPSTAT' -iP -o interface,probe | grep -c ':ok$' | grep -qx 2"
}
ours_down() {
	agent_stop
	nsx "$NS_H" "$AGENT" -c "$TMP/ipmp.conf" --bpffs "$BPFFS" --cleanup >/dev/null 2>&1
}

bare_up() { nsx "$NS_H" ip addr add "$DATA1/24" dev m0; wait_until 5000 peer_ping "$DATA1"; }
bare_down() { nsx "$NS_H" ip addr flush dev m0 scope global; }

# PEERS_MECHS picks some of them (ours first: the ratios are to it)
read -r -a MECHS <<<"${PEERS_MECHS:-ours ours_nl ours_tc ab_mii ab_arp alb bare}"
declare -A NAME UP
NAME[ours]="ipmp (probes, FDT $FDT ms)";             UP[ours]=ours_up
NAME[ours_nl]="ipmp, early_carrier = no (netlink)";    UP[ours_nl]="ours_up early_carrier=no"
NAME[ours_tc]="ipmp, xdp = off (replies seen in tc)";  UP[ours_tc]="ours_up xdp=off"
NAME[ab_mii]="bonding active-backup, miimon $MII_MS";  UP[ab_mii]="bond_up active-backup miimon $MII_MS"
NAME[ab_arp]="bonding active-backup, ARP $ARP_MS ms";  UP[ab_arp]="bond_up active-backup arp_interval $ARP_MS arp_ip_target $ROUTER arp_validate all"
NAME[alb]="bonding balance-alb, miimon $MII_MS";       UP[alb]="bond_up balance-alb miimon $MII_MS"
NAME[bare]="no aggregation (the address on m0)";       UP[bare]=bare_up
down_of() { case $1 in ours*) echo ours_down ;; bare) echo bare_down ;; *) echo bond_down ;; esac; }
# the member that carries the stream to DATA1: the bond's active slave, else
# the one whose MAC the peer has for DATA1
carrying() {
	local active
	active=$(nsx "$NS_H" cat /sys/class/net/bond0/bonding/active_slave 2>/dev/null)
	if [ -n "$active" ]; then echo "${active#m}"; return; fi
	peer_ping "$DATA1"
	active=$(peer_sees "$DATA1")
	echo "${active#m}"
}
if command -v teamd >/dev/null; then
	echo "bench-peers: teamd is installed but not measured yet" >&2
else
	echo "bench-peers: teamd is not installed (libteam-utils): not measured" >&2
fi

# stream SECONDS CUT_AT_MS WHAT: the stream, with the member carrying it cut
# (carrier or path) at CUT_AT_MS
stream() {
	local secs=$1 at=$2 what=$3 i
	i=$(carrying)
	wait_until 5000 sh -c "! ip netns exec $NS_H ss -lun | grep -q ':6000 '"	# the last echo is gone
	nsx "$NS_H" "$TRAFFIC" udp-echo "$DATA1" 6000 $((secs + 3)) >/dev/null &
	local echo_pid=$!
	wait_until 2000 sh -c "ip netns exec $NS_H ss -lun | grep -q '$DATA1:6000'"
	nsx "$NS_P" "$TRAFFIC" udp-stream "$DATA1" 6000 "$PPS" "$secs" >"$TMP/stream.out" &
	local stream_pid=$!
	sleep "$(awk -v m="$at" 'BEGIN {print m / 1000}')"
	if [ "$what" = carrier ]; then member_link "$i" down; else member_path "$i" down; fi
	wait "$stream_pid"
	kill "$echo_pid" 2>/dev/null
	wait "$echo_pid" 2>/dev/null
	if [ "$what" = carrier ]; then member_link "$i" up; else member_path "$i" up; fi
}

declare -A GAP LOST OUTAGE TPUT
for mech in "${MECHS[@]}"; do
	echo "bench-peers: ${NAME[$mech]}..." >&2
	: >"$TMP/gap"; : >"$TMP/lost"; : >"$TMP/outage"; : >"$TMP/tput"
	for ((t = 0; t < TRIALS; t++)); do
		${UP[$mech]} >/dev/null 2>&1
		stream 2 500 carrier
		field max_gap_us <"$TMP/stream.out" >>"$TMP/gap"
		field lost <"$TMP/stream.out" >>"$TMP/lost"
		$(down_of "$mech") >/dev/null 2>&1
		wait_until 3000 ports_forwarding 4

		${UP[$mech]} >/dev/null 2>&1
		stream 5 500 path
		# traffic after the cut that never came back: the mechanism did not see it
		lost=$(field lost <"$TMP/stream.out")
		if [ "$lost" -ge $((PPS * 4 * 9 / 10)) ]; then
			echo never >>"$TMP/outage"
		else
			awk -v l="$lost" -v r="$PPS" 'BEGIN {printf "%.0f\n", l * 1000 / r}' >>"$TMP/outage"
		fi
		$(down_of "$mech") >/dev/null 2>&1
		wait_until 3000 ports_forwarding 4
	done
	${UP[$mech]} >/dev/null 2>&1
	for ((t = 0; t < 3; t++)); do
		nsx "$NS_H" "$TRAFFIC" tcp-sink "$DATA1" 5002 8 >"$TMP/tput.out" &
		sink=$!
		wait_until 2000 sh -c "ip netns exec $NS_H ss -ltn | grep -q '$DATA1:5002'"
		nsx "$NS_P" "$TRAFFIC" tcp-send "$DATA1" 5002 0 3 >/dev/null
		wait "$sink"
		field mbit_per_s <"$TMP/tput.out" >>"$TMP/tput"
	done
	$(down_of "$mech") >/dev/null 2>&1
	GAP[$mech]=$(median <"$TMP/gap")
	LOST[$mech]=$(median <"$TMP/lost")
	if grep -q never "$TMP/outage"; then OUTAGE[$mech]=never; else OUTAGE[$mech]=$(median <"$TMP/outage"); fi
	TPUT[$mech]=$(median <"$TMP/tput")
done

# how far ahead of netlink the early carrier path was, in every carrier trial of ours
sed -n 's/.*netlink event came \([0-9]*\) us after the driver.s carrier loss.*/\1/p' \
	"$TMP/agent.log" >"$TMP/headstart"
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {if (a == "never" || b == "never" || b <= 0) print "-"; else printf "%.2f", a / b}'; }
echo
echo "Peers side by side: kernel $(uname -r), $(systemd-detect-virt 2>/dev/null || echo unknown) (QEMU TCG: timings"
echo "are emulated, read the ratios to ipmp, measured in this one run). Median of $TRIALS trials;"
echo "stream $PPS datagrams/s both ways; TCP median of 3 x 3 s."
printf '%-42s %12s %10s %12s %10s %12s %10s %10s %8s\n' mechanism "carrier gap" "x ipmp" "lost" "x ipmp" "path outage" "x ipmp" "TCP Mbit/s" "x ipmp"
for mech in "${MECHS[@]}"; do
	printf '%-42s %9.1f ms %10s %12s %10s %12s %10s %10s %8s\n' "${NAME[$mech]}" \
		"$(awk -v u="${GAP[$mech]}" 'BEGIN {print u / 1000}')" "$(ratio "${GAP[$mech]}" "${GAP[ours]}")" \
		"${LOST[$mech]}" "$(ratio "${LOST[$mech]}" "${LOST[ours]}")" \
		"${OUTAGE[$mech]}$([ "${OUTAGE[$mech]}" = never ] || echo ' ms')" "$(ratio "${OUTAGE[$mech]}" "${OUTAGE[ours]}")" \
		"${TPUT[$mech]}" "$(ratio "${TPUT[$mech]}" "${TPUT[ours]}")"
done
if [ -s "$TMP/headstart" ]; then
	echo "ipmp's early carrier loss: its netlink event came $(median <"$TMP/headstart") us later" \
		"(median of $(wc -l <"$TMP/headstart"); max $(sort -n "$TMP/headstart" | tail -1) us)"
else
	echo "ipmp's early carrier loss: not followed on this kernel (the agent's log says why)"
fi
