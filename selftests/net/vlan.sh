#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# VLANs, both ways round:
#   - a VLAN on top of the group (ipmp0.100, its own addresses): they are
#     data addresses of the group (bound, answered with a member's MAC,
#     announced with their tag on a failover) and survive a failover like
#     the group's own;
#   - a group whose members are VLAN interfaces (m0.200, m1.200): it works
#     and fails over like any group, beside the first on the same NICs.
. "$(dirname "$0")/lib.sh"
require_root
# VLAN interfaces need the kernel's 802.1Q support (8021q): tried in a namespace of our own
ns=ipmp-vlan-$SUFFIX
ip netns add "$ns"
ip -n "$ns" link add vp type veth peer name vq
if ! ip -n "$ns" link add link vp name vp.1 type vlan id 1 2>/dev/null; then
	ip netns del "$ns"
	echo "1..0 # SKIP this kernel has no 802.1Q VLAN interfaces (8021q)"
	trap - EXIT
	rm -rf "$TMP"
	exit 0
fi
ip netns del "$ns"
tap_plan 12

V100=203.0.113.10
V100_6=2001:db8:100::10
V200=198.51.100.10
topo_create 2
# the peer on both VLANs (the switch passes tags)
nsx "$NS_P" ip link add link p0 name p0.100 type vlan id 100
nsx "$NS_P" ip link add link p0 name p0.200 type vlan id 200
nsx "$NS_P" ip addr add 203.0.113.100/24 dev p0.100
nsx "$NS_P" ip -6 addr add 2001:db8:100::100/64 dev p0.100 nodad
nsx "$NS_P" ip addr add 198.51.100.100/24 dev p0.200
nsx "$NS_P" ip link set p0.100 up
nsx "$NS_P" ip link set p0.200 up
# the members' VLAN 200 interfaces, for the second group
for i in 0 1; do
	nsx "$NS_H" ip link add link "m$i" name "m$i.200" type vlan id 200
done
write_config "$TMP/ipmp.conf"
cat >>"$TMP/ipmp.conf" <<CONF
[group ipmp1]
name = g1
interfaces = m0.200 m1.200
addresses = $V200/24
CONF
agent_start "$TMP/ipmp.conf"
ASSERT "both groups up" wait_until 3000 sh -c "ip -n $NS_H addr show dev ipmp1 | grep -q ' $V200/'"

# --- a VLAN on the group -----------------------------------------------------------------------
nsx "$NS_H" ip link add link ipmp0 name ipmp0.100 type vlan id 100
nsx "$NS_H" ip addr add "$V100/24" dev ipmp0.100
nsx "$NS_H" ip -6 addr add "$V100_6/64" dev ipmp0.100 nodad
nsx "$NS_H" ip link set ipmp0.100 up
listed() { "$IPMPSTAT" -an -j | jq -e --arg a "$1" '.[] | select(.address == $a and .state == "up")' >/dev/null; }
ASSERT "ipmp0.100's address is a data address of g0" wait_until 3000 listed "$V100"
ASSERT "so is its IPv6 one" wait_until 3000 listed "$V100_6"
vping() { nsx "$NS_P" ping -c1 -W1 -q "$@" >/dev/null 2>&1; }
ASSERT "the peer reaches it over VLAN 100" wait_until 3000 vping "$V100"
ASSERT "and over IPv6" wait_until 3000 vping -6 "$V100_6"
m=$("$IPMPSTAT" -anP -o address,inbound | sed -n "s/^$V100://p")
vlan_mac() { ip -n "$NS_P" neigh show dev p0.100 "$1" | awk '{print $3}'; }
ASSERT_EQ "answered with the MAC of its member ($m)" "$(mac_of "$NS_H" "$m")" "$(vlan_mac "$V100")"
member_link "${m#m}" down
other=m0; [ "$m" = m0 ] && other=m1
ASSERT "its member fails: the tagged announcement tells the peer the other member's MAC" \
	wait_until 3000 sh -c "[ \"\$(ip -n $NS_P neigh show dev p0.100 $V100 | awk '{print \$3}')\" = $(mac_of "$NS_H" "$other") ]"
ASSERT "and it still answers" vping "$V100"
tcp_over() {	# tcp_over ADDR: 2 MB from the peer
	ip netns exec "$NS_H" "$TRAFFIC" tcp-sink "$1" 5003 10 >"$TMP/vsink.out" 2>&1 &
	local sink=$!
	wait_until 2000 sh -c "ip netns exec $NS_H ss -ltn | grep -q ':5003'"
	nsx "$NS_P" "$TRAFFIC" tcp-send "$1" 5003 2000000 1 >/dev/null 2>&1
	wait "$sink"
	grep -q 'result=ok' "$TMP/vsink.out"
}
ASSERT "TCP over VLAN 100 after the failover" tcp_over "$V100"
member_link "${m#m}" up

# --- a group of VLAN interfaces ---------------------------------------------------------------
ASSERT "g1 (members m0.200 and m1.200) is reached over VLAN 200" wait_until 3000 vping "$V200"
m=$("$IPMPSTAT" -anP -o address,inbound | sed -n "s/^$V200://p")
idx=${m#m}
member_link "${idx%.200}" down	# the NIC under the VLAN interface
ASSERT "its member's NIC fails: g1 fails over and still answers" wait_until 3000 sh -c \
	"[ \"\$('$IPMPSTAT' -anP -o address,inbound | sed -n 's/^$V200://p')\" != $m ] && ip netns exec $NS_P ping -c1 -W1 -q $V200 >/dev/null"
ASSERT "TCP over VLAN 200" tcp_over "$V200"
