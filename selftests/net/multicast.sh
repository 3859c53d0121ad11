#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Multicast on NIC-like members behind an IGMP/MLD-snooping switch
# (agent/mcast.h): the switch (br0) snoops, is the querier, and floods no
# unknown multicast to the members' ports.
#   - the link-layer groups of ipmp0 are on the list of the member
#     nominated for their family, and only there, followed live as an
#     application joins and leaves (no polling), moved with the nomination;
#   - IPv6 neighbour discovery for the data addresses works through the
#     switch, after the peer's neighbour entry is gone, before and after
#     the IPv6 nominee fails;
#   - a multicast stream joined on ipmp0 keeps arriving when the IPv4
#     nominee goes offline (its switch port stays up, as behind a path
#     failure): the group's memberships are reported through the new
#     nominee at once, long before the switch's next query;
#   - --cleanup takes what the agent put on the members' lists away.
# On a kernel that does not say when an interface joins a group (Debian
# 12's 6.1: no RTNLGRP_IPV4_MCADDR), the nominee is set allmulti instead
# of given the list: the same assertions then read the ALLMULTI flag.
. "$(dirname "$0")/lib.sh"
require_root
tap_plan 14

GROUP4=239.1.2.3
MAC4=01:00:5e:01:02:03
SOLICITED=33:33:ff:00:00:10	# of 2001:db8::10
topo_create 3
# A snooping switch and its querier. Three startup queries a second apart
# (the IPv6 one needs br0's link-local first; without a querier the bridge
# floods, and not to these ports), then a minute between queries: from
# then on only reports tell it anything new. The timers first: the bridge
# filters strictly only a query response interval after the querier starts.
nsx "$NS_SW" ip link set br0 type bridge mcast_startup_query_count 3 mcast_startup_query_interval 100 \
	mcast_query_interval 6000 mcast_query_response_interval 100
nsx "$NS_SW" ip link set br0 type bridge mcast_snooping 1 mcast_querier 1
for i in 0 1 2; do nsx "$NS_SW" bridge link set dev "s$i" mcast_flood off; done
nsx "$NS_P" ip -6 addr add 2001:db8::100/64 dev p0 nodad
GROUP_ADDRS="$DATA1/24 $DATA2/24 2001:db8::10/64 2001:db8::11/64"
write_config "$TMP/ipmp.conf"
agent_start "$TMP/ipmp.conf"

nominee() {	# nominee 4|6: the member nominated for the family (flag m or M)
	local flag=m
	[ "$1" = 6 ] && flag=M
	"$IPMPSTAT" -iP -o interface,flags | awk -F: -v f="$flag" 'index($2, f) {print $1}'
}
ALLMULTI=
agent_log_has "is set allmulti instead of given the group's list" && ALLMULTI=1
[ -n "$ALLMULTI" ] && echo "# this kernel has no multicast membership events: the allmulti fallback"
# members_with MAC: the members whose list has MAC as a static (SIOCADDMULTI)
# entry; with the fallback, the members set allmulti (which take MAC too)
members_with() {
	local i out=""
	for ((i = 0; i < NMEMBERS; i++)); do
		if [ -n "$ALLMULTI" ]; then
			ip -n "$NS_H" link show dev "m$i" | grep -q '[<,]ALLMULTI[,>]' && out="$out m$i"
		else
			ip -n "$NS_H" maddr show dev "m$i" | grep -q "link  *$1 .*static" && out="$out m$i"
		fi
	done
	echo "${out# }"
}
ping6_fresh() {	# the peer forgets the address's MAC, then asks for it again (ND through the switch)
	nsx "$NS_P" ip -6 neigh flush dev p0
	nsx "$NS_P" ping -6 -c1 -W1 -q "$1" >/dev/null 2>&1
}

has_nominee() { [ -n "$(nominee "$1")" ]; }
nominee_is_not() { [ "$(nominee "$1")" != "$2" ]; }
# list_is MAC MEMBERS; with the fallback the flag cannot tell the families
# apart: then MEMBERS are every family's nominee
list_is() {
	local want=$2
	if [ -n "$ALLMULTI" ] && [ -n "$want" ]; then
		want=$(printf '%s\n' "$(nominee 4)" "$(nominee 6)" | sort -u | tr '\n' ' ')
		want=${want% }
	fi
	[ "$(members_with "$1")" = "$want" ]
}
both_nominees() { has_nominee 4 && has_nominee 6; }
ASSERT "both nominees chosen" wait_until 3000 both_nominees
n6=$(nominee 6)
ASSERT "the solicited-node group of 2001:db8::10 is on the IPv6 nominee's list only ($n6)" \
	wait_until 2000 list_is $SOLICITED "$n6"
ASSERT "ND through the snooping switch: the peer finds 2001:db8::10 afresh" \
	wait_until 5000 ping6_fresh 2001:db8::10

# --- an application joins on ipmp0 --------------------------------------------------------------
nsx "$NS_H" "$TRAFFIC" mcast-recv "$GROUP4" 5000 ipmp0 9 >"$TMP/recv.out" &
RECV=$!
PIDS+=($RECV)
n4=$(nominee 4)
t0=$(now_ms)
ASSERT "its group reaches the IPv4 nominee's list ($n4), and no other" \
	wait_until 2000 list_is $MAC4 "$n4"
echo "# on the nominee's list $(($(now_ms) - t0)) ms after the join"
nsx "$NS_P" "$TRAFFIC" mcast-send "$GROUP4" 5000 p0 1000 7 >/dev/null &
PIDS+=($!)
sleep 2
# --- the IPv4 nominee goes offline: its switch port stays up, so only a report through the new
# nominee tells the switch (a path failure behind the port looks the same to it) ---------------
idx=${n4#m}
if_mpadm -d "$n4"
ASSERT "a new IPv4 nominee" wait_until 2000 nominee_is_not 4 "$n4"
new4=$(nominee 4)
ASSERT "the group moved to its list ($new4)" list_is $MAC4 "$new4"
ASSERT "the agent reported the group's memberships through $new4" \
	agent_log_has "IGMP report(s) through $new4, the new IPv4 nominee"
wait "$RECV"
read -r received lost gap <<<"$(sed -n 's/received=\([0-9]*\) lost=\([0-9]*\) max_gap_us=\([0-9]*\).*/\1 \2 \3/p' "$TMP/recv.out")"
echo "# stream: $(cat "$TMP/recv.out") (1000 datagrams/s; the nominee went offline at 2 s)"
ASSERT "the stream kept arriving through the new nominee (longest silence ${gap:-?} us < 1 s)" \
	test "${gap:-99999999}" -lt 1000000
ASSERT "and most of it arrived (${received:-0} datagrams)" test "${received:-0}" -ge 5000
if [ -n "$ALLMULTI" ]; then	# allmulti stays with the nominee: it takes every group
	ASSERT "the application left: allmulti stays on the nominee only ($new4)" list_is $MAC4 "$new4"
else
	ASSERT "the application left: its group is off every list" wait_until 2000 list_is $MAC4 ""
fi

# --- the IPv6 nominee fails: ND still works ---------------------------------------------------
n6=$(nominee 6)
member_link "${n6#m}" down
ASSERT "a new IPv6 nominee" wait_until 2000 nominee_is_not 6 "$n6"
new6=$(nominee 6)
ASSERT "the solicited-node group moved to $new6" wait_until 1000 list_is $SOLICITED "$new6"
ASSERT "ND through the new nominee: the peer finds 2001:db8::11 afresh" \
	wait_until 3000 ping6_fresh 2001:db8::11
member_link "${n6#m}" up
if_mpadm -r "$n4"

# --- --cleanup -----------------------------------------------------------------------------------
agent_stop
nsx "$NS_H" "$AGENT" -c "$TMP/ipmp.conf" --bpffs "$BPFFS" --cleanup >>"$TMP/agent.log" 2>&1
ASSERT_EQ "after --cleanup no member has an entry of the agent's" "" \
	"$(echo $(members_with $SOLICITED) $(members_with 33:33:ff:00:00:11) $(members_with 33:33:00:00:00:01))"
