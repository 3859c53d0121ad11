#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# IPv6 data addresses: a dual-stack group and a v6-only one. The peer
# reaches every address (ping6, TCP), its neighbour cache holds member MACs
# only (the group's own MAC never leaks through ND, link-local included);
# a link failure moves IPv6 addresses with an unsolicited NA and traffic
# survives; ipmpstat lists them and flags the IPv6 nominee M.
. "$(dirname "$0")/lib.sh"
require_root
tap_plan 15

DATA6_1=2001:db8::10
DATA6_2=2001:db8::11
PEER6=2001:db8::100
topo_create 2
nsx "$NS_P" ip -6 addr add "$PEER6/64" dev p0 nodad
GROUP_ADDRS="$DATA1/24 $DATA6_1/64 $DATA6_2/64"
write_config "$TMP/ipmp.conf"
agent_start "$TMP/ipmp.conf"
wait_until 2000 active_is "m0 m1"

# the agent's addresses finish DAD through the group
v6_ready() { ! ip -n "$NS_H" -6 addr show dev ipmp0 | grep -q tentative &&
	ip -n "$NS_H" -6 addr show dev ipmp0 | grep -q "$DATA6_2/64"; }
ASSERT "IPv6 data addresses pass DAD on the group interface" wait_until 5000 v6_ready
ping6_peer() { nsx "$NS_P" ping -6 -c1 -W1 -q "$1" >/dev/null 2>&1; }
ASSERT "the peer pings both IPv6 data addresses" wait_until 3000 sh -c \
	"ip netns exec $NS_P ping -6 -c1 -W1 -q $DATA6_1 >/dev/null && ip netns exec $NS_P ping -6 -c1 -W1 -q $DATA6_2 >/dev/null"
ASSERT "and the IPv4 one" peer_ping "$DATA1"

group_mac=$(mac_of "$NS_H" ipmp0)
m0mac=$(mac_of "$NS_H" m0)
m1mac=$(mac_of "$NS_H" m1)
group_ll=$(ip -n "$NS_H" -6 -o addr show dev ipmp0 scope link | awk '{print $4}' | cut -d/ -f1)
ASSERT "the group's link-local answers too" wait_until 3000 sh -c \
	"ip netns exec $NS_P ping -6 -c1 -W1 -q $group_ll%p0 >/dev/null"
ASSERT "the peer's neighbour cache holds member MACs only, never the group's" sh -c \
	"[ -n \"\$(ip -n $NS_P neigh show dev p0)\" ] && ! ip -n $NS_P neigh show dev p0 | grep -q '$group_mac' &&
	 ! ip -n $NS_P neigh show dev p0 | grep -v -e '$m0mac' -e '$m1mac' | grep -q lladdr"
# -j: IPv6 addresses would need -P's "\:" escapes undone
ASSERT_EQ "the two IPv6 addresses are spread over both members" "m0 m1" \
	"$(for a in $DATA6_1 $DATA6_2; do inbound_of "$a"; done | sort | tr '\n' ' ' | sed 's/ $//')"
ASSERT "ipmpstat -a lists them and the group's link-local" sh -c \
	"'$IPMPSTAT' -anP -o address | grep -qx '$DATA6_1' && '$IPMPSTAT' -anP -o address | grep -qx '$group_ll'"
ASSERT "one member is nominated for IPv6 multicast (M)" sh -c \
	"[ \$('$IPMPSTAT' -iP -o flags | grep -c '^..mbM') -eq 1 ]"

# --- TCP over IPv6 across a link failure -------------------------------------------------------
on_m0=$DATA6_1
[ "$(inbound_of "$DATA6_1")" = m0 ] || on_m0=$DATA6_2
ip netns exec "$NS_H" "$TRAFFIC" tcp-sink "$on_m0" 5001 12 >"$TMP/sink.out" 2>&1 &
SINK_PID=$!
PIDS+=($SINK_PID)
wait_until 2000 sh -c "ip netns exec $NS_H ss -ltn | grep -q '5001'"
ip netns exec "$NS_P" "$TRAFFIC" tcp-send "$on_m0" 5001 3000000 3 >"$TMP/send.out" 2>&1 &
SEND_PID=$!
PIDS+=($SEND_PID)
sleep 1
member_link 0 down
ASSERT "m0's link failure is detected" wait_until 1000 agent_log_has "IP interface failure detected on m0 of group g0"
tcp_from_peer_wait
ASSERT_EQ "TCP over IPv6 across the failover arrives whole" "bytes=3000000 ok" "$TCP_RESULT"
ASSERT_EQ "$on_m0 is bound to m1 now" "m1" \
	"$(inbound_of "$on_m0")"
ASSERT "the peer learned m1's MAC for it from the unsolicited NA" wait_until 2000 sh -c \
	"ip -n $NS_P neigh show $on_m0 | grep -q '$m1mac'"
ASSERT "the monitor-visible failover is logged" agent_log_has "$on_m0 is now bound to m1 in group g0"

# --- a v6-only group -----------------------------------------------------------------------------
member_link 0 up
agent_restart_clean
GROUP_ADDRS="$DATA6_1/64"
write_config "$TMP/ipmp.conf"
agent_start "$TMP/ipmp.conf"
ASSERT "a v6-only group carries ping6" wait_until 5000 ping6_peer "$DATA6_1"
ASSERT "and has no IPv4 nominee (no m, b flags), one IPv6 nominee" sh -c \
	"[ \$('$IPMPSTAT' -iP -o flags | grep -c '^....M') -eq 1 ] && ! '$IPMPSTAT' -iP -o flags | grep -q 'mb'"
