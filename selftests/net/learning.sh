#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Switch tables stay fresh (agent/learning.h). The switch here forgets a
# MAC after 3 s. A member that only receives (the peer's traffic to its
# address comes in through it, the replies leave by another) keeps its
# place in the switch's table through learning frames, so what the peer
# sends it is not flooded to every port. With learn_interval = 0 the same
# member ages out, and the peer's frames to it are flooded (the router's
# port sees them): the check can see what it checks.
. "$(dirname "$0")/lib.sh"
require_root
tap_plan 8

topo_create 2
nsx "$NS_SW" ip link set br0 type bridge ageing_time 300	# 3 s
write_config "$TMP/ipmp.conf" "learn_interval = 500"
agent_start "$TMP/ipmp.conf"
ASSERT "both members active" wait_until 3000 active_is "m0 m1"
learned() { nsx "$NS_SW" bridge fdb show br br0 | grep -v permanent | grep -q "^$1 "; }
# frames_to MAC: how many frames to MAC the router's port sees while the peer pings DATA2 3 times
frames_to() {
	nsx "$NS_R" timeout 3 tcpdump -i r0 -n -e -l "ether dst $1 and icmp" >"$TMP/flood.txt" 2>/dev/null &
	local dump=$!
	sleep 0.7
	for i in 1 2 3; do peer_ping "$DATA2"; done
	wait "$dump"
	grep -c . "$TMP/flood.txt"
}

ASSERT "the peer reaches $DATA2" wait_until 2000 peer_ping "$DATA2"
b=$(peer_sees "$DATA2")
mac=$(mac_of "$NS_H" "$b")
sleep 6	# twice the ageing time: the peer keeps $DATA2's MAC, the switch would not
ASSERT "after 6 s of silence $b's MAC is still in the switch's table" learned "$mac"
n=$(frames_to "$mac")
ASSERT_EQ "the peer's pings to $DATA2 ($b) are not flooded to the router's port" "0" "$n"

# --- without learning frames ----------------------------------------------------------------------
sed -i 's/^learn_interval = 500$/learn_interval = 0/' "$TMP/ipmp.conf"
ASSERT "reload with learn_interval = 0" sh -c "'$IPMPADM' reload >/dev/null"
sleep 6
ASSERT "now $b's MAC ages out of the switch's table" sh -c "! ip netns exec $NS_SW bridge fdb show br br0 | grep -v permanent | grep -q '^$mac '"
n=$(frames_to "$mac")
echo "# frames to $b's MAC on the router's port without learning frames: $n"
ASSERT "and the peer's pings to $DATA2 are flooded to the router's port" test "$n" -gt 0
ASSERT "the agent is fine" "$IPMPSTAT" -g
