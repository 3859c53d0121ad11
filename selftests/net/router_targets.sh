#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Routers win over hosts as probe targets whenever they come (spec 3.12,
# in.mpathd's target and router tables): a route added after discovery
# found hosts replaces them within a probe interval, in both families; a
# withdrawn router gives way to the all-hosts echo again; a route on an
# interface outside the group names no target; a default route learned
# from a router advertisement on ipmp0 counts like one added by hand.
. "$(dirname "$0")/lib.sh"
require_root
tap_plan 15

FDT=1400	# one probe interval: FDT/7 = 200 ms
DATA6_1=2001:db8::10
topo_create 2
# hosts answer the all-hosts echo (Linux ignores it by default)
nsx "$NS_P" sysctl -qw net.ipv4.icmp_echo_ignore_broadcasts=0
nsx "$NS_R" sysctl -qw net.ipv4.icmp_echo_ignore_broadcasts=0
R6=$(ip -n "$NS_R" -6 -o addr show dev r0 scope link | awk '{print $4}' | cut -d/ -f1)
P6=$(ip -n "$NS_P" -6 -o addr show dev p0 scope link | awk '{print $4}' | cut -d/ -f1)
B6=$(ip -n "$NS_SW" -6 -o addr show dev br0 scope link | awk '{print $4}' | cut -d/ -f1)	# the switch is a host too
GROUP_ADDRS="$DATA1/24 $DATA6_1/64" write_probe_config "$TMP/ipmp.conf" "$FDT"

# row FAMILY: m0's ipmpstat -t row of that family as MODE:TARGETS (targets sorted)
row() {
	"$IPMPSTAT" -nt -j | jq -r --arg f "$1" '.[] | select(.interface == "m0") |
		select((.testaddr | test(":")) == ($f == "6")) |
		.mode + ":" + ((.targets | split(" ") | map(select(. != "")) | sort | join(",")))'
}
# MODE:TARGETS, or multicast:HOSTS for "found by the all-hosts echo": one or
# more of the hosts on the link (discovery need not find every one)
row_is() {
	local r t
	r=$(row "$1")
	[ "$r" = "$2" ] && return 0
	case $2 in multicast:HOSTS*) ;; *) return 1 ;; esac
	[ "${r%%:*}" = multicast ] && [ -n "${r#multicast:}" ] || return 1
	for t in $(tr ',' ' ' <<<"${r#multicast:}"); do
		grep -qw -- "$t" <<<"${2#multicast:HOSTS}" || return 1
	done
}
# ASSERT_ROW NAME MS FAMILY MODE:TARGETS: wait up to MS for the row, then compare
ASSERT_ROW() {
	if wait_until "$2" row_is "$3" "$4" || row_is "$3" "$4"; then ok "$1"
	else not_ok "$1" "expected: $4" "seen:     $(row "$3")"; fi
}
hosts4="HOSTS $ROUTER $PEER"
hosts6="HOSTS $R6 $P6 $B6"

# --- no routes: hosts found by the all-hosts echo, both families -------------------------------
GROUP_ADDRS="$DATA6_1/64" agent_start "$TMP/ipmp.conf"	# (the IPv4 default route comes later)
ASSERT_ROW "no routes: IPv4 targets are the hosts found by multicast" 5000 4 "multicast:$hosts4"
ASSERT_ROW "and IPv6 ones" 5000 6 "multicast:$hosts6"

# --- the routers come after discovery ------------------------------------------------------------
nsx "$NS_H" ip -6 route replace default via "$R6" dev ipmp0
t0=$(now_ms)
ASSERT_ROW "an IPv6 default route added later: its router replaces the hosts within a probe interval" $((FDT / 7)) 6 "routes:$R6"
echo "# IPv6 targets followed the route in $(($(now_ms) - t0)) ms (probe interval $((FDT / 7)) ms)"
nsx "$NS_H" ip route replace default via "$ROUTER" dev ipmp0
ASSERT_ROW "an IPv4 default route added later: likewise" $((FDT / 7)) 4 "routes:$ROUTER"

# --- withdrawn: back to the all-hosts echo ---------------------------------------------------------
nsx "$NS_H" ip -6 route del default via "$R6" dev ipmp0
ASSERT_ROW "the IPv6 router withdrawn: the hosts again" $((3 * FDT)) 6 "multicast:$hosts6"
nsx "$NS_H" ip route del default via "$ROUTER" dev ipmp0
ASSERT_ROW "the IPv4 router withdrawn: the hosts again" $((3 * FDT)) 4 "multicast:$hosts4"

# --- a route through an interface outside the group names no target --------------------------------
ip -n "$NS_H" link add x0 type veth peer name x1
ip -n "$NS_H" link set x0 up
ip -n "$NS_H" link set x1 up
nsx "$NS_H" ip -6 route add 2001:db8:99::/48 via "$R6" dev x0
nsx "$NS_H" ip route add 203.0.113.0/24 via "$ROUTER" dev x0 onlink
sleep $((2 * FDT / 1000))
ASSERT_ROW "a route via $R6 on another interface: not a target" 0 6 "multicast:$hosts6"
ASSERT_ROW "nor an IPv4 one via $ROUTER there" 0 4 "multicast:$hosts4"
# on a member it is the group's link
nsx "$NS_H" ip -6 route add 2001:db8:77::/48 via "$R6" dev m1
ASSERT_ROW "a route via $R6 on member m1 counts for the group" $((FDT / 2)) 6 "routes:$R6"
nsx "$NS_H" ip -6 route del 2001:db8:77::/48 via "$R6" dev m1
ASSERT_ROW "gone again: the hosts" $((3 * FDT)) 6 "multicast:$hosts6"

# --- a default route from a router advertisement -------------------------------------------------
nsx "$NS_R" "$TRAFFIC" send-ra r0 1800 >/dev/null
ASSERT "a router advertisement gives ipmp0 a default route" wait_until 2000 sh -c \
	"ip -n $NS_H -6 route show default dev ipmp0 | grep -q 'via $R6 .*proto ra'"
ASSERT_ROW "and its router is the target" $((FDT / 2)) 6 "routes:$R6"
nsx "$NS_R" "$TRAFFIC" send-ra r0 0 >/dev/null
ASSERT "router lifetime 0: the route goes" wait_until 2000 sh -c \
	"! ip -n $NS_H -6 route show default dev ipmp0 | grep -q 'via $R6'"
ASSERT_ROW "and the hosts are the targets again" $((3 * FDT)) 6 "multicast:$hosts6"

# --- the route first, then the agent: routes from the start ------------------------------------------
agent_restart_clean
nsx "$NS_H" ip -6 route replace default via "$R6" dev ipmp0 2>/dev/null
GROUP_ADDRS="$DATA6_1/64" agent_start "$TMP/ipmp.conf"
nsx "$NS_H" ip -6 route replace default via "$R6" dev ipmp0	# ipmp0 is new: the route too
ASSERT_ROW "a route there before discovery: routes from the start" 5000 6 "routes:$R6"
