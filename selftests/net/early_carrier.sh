#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Early carrier loss (agent/carrier.h): a member's carrier loss (a macvlan
# member's: its lower device's) is taken from the driver's
# netif_carrier_off(), before linkwatch's netlink event, and the failover
# is the same one. A device of another namespace with the member's ifindex
# losing its carrier moves nothing. early_carrier = no (reloaded) turns it
# off and netlink alone still fails over. A VLAN member loses its carrier
# with its lower device's: taken from the lower's. On a kernel that refuses the
# probe the agent says so and netlink does the work: then the probe's own
# checks are skipped, the rest still run.
. "$(dirname "$0")/lib.sh"
require_root
tap_plan 19

topo_create 2
write_config "$TMP/ipmp.conf"
agent_start "$TMP/ipmp.conf"
ASSERT "both members active" wait_until 2000 active_is "m0 m1"

# the device whose carrier is m0's: m0 itself, or the veth under the macvlan
watched=m0
[ "$MEMBER_KIND" = macvlan ] && watched=v0
watched_index=$(nsx "$NS_H" cat "/sys/class/net/$watched/ifindex")
early=yes
if wait_until 2000 agent_log_has "carrier losses come from netlink only"; then
	early=no
	why=$(grep -o 'cannot probe netif_carrier_off: .*' "$TMP/agent.log" | head -1)
fi
skip_or() {	# skip_or NAME COMMAND...: ASSERT, or a skip when the kernel refused the probe
	if [ "$early" = yes ]; then
		ASSERT "$@"
	else
		TAP_N=$((TAP_N + 1))
		echo "ok $TAP_N - $1 # SKIP this kernel refused the probe ($why)"
	fi
}
skip_or "the agent follows netif_carrier_off" \
	agent_log_has "carrier losses are taken from the driver"

# --- a device created here: a VLAN's init sets its carrier off before it has an ifindex ---
vlan=yes
ip -n "$NS_H" link add vx0 type veth peer name vx1
if ! ip -n "$NS_H" link add link vx0 name m2 type vlan id 5 2>/dev/null; then
	vlan=no	# no 802.1Q in this kernel (vlan.sh says so too)
fi
sleep 0.3
ASSERT "devices created in the namespace move nothing" active_is "m0 m1"
ASSERT "and none is taken for a member" sh -c "! grep -q 'carrier lost' $TMP/agent.log"

# --- another namespace's device with the same ifindex -------------------------
NS_X=ipmp-x-$SUFFIX
EXTRA_NS+=("$NS_X")
ip netns add "$NS_X"
# the peer's index given too: left to the kernel it could take the one wanted
ip -n "$NS_X" link add x0 index "$watched_index" type veth peer name x1 index $((watched_index + 100))
ip -n "$NS_X" link set x0 up
ip -n "$NS_X" link set x1 up
ASSERT "another namespace has a device with ifindex $watched_index, carrier up" \
	wait_until 1000 sh -c "[ \"\$(ip netns exec $NS_X cat /sys/class/net/x0/ifindex \
		/sys/class/net/x0/carrier | tr '\n' ' ')\" = '$watched_index 1 ' ]"
ip -n "$NS_X" link set x1 down	# x0 (ifindex $watched_index, not ours) loses its carrier
ASSERT "it lost its carrier" wait_until 1000 sh -c \
	"[ \"\$(ip netns exec $NS_X cat /sys/class/net/x0/carrier)\" = 0 ]"
sleep 0.3
ASSERT "a carrier loss in another namespace on ifindex $watched_index moves nothing" \
	active_is "m0 m1"
ASSERT "and is not taken for ours" sh -c "! grep -q 'carrier lost' $TMP/agent.log"

# --- m0's cable pulled ----------------------------------------------------------
member_link 0 down
ASSERT "m0 leaves the active set" wait_until 1000 active_is "m1"
skip_or "taken from the driver: $watched (ifindex $watched_index) for m0" \
	agent_log_has "m0: carrier lost (ifindex $watched_index), before its netlink event"
ASSERT "the peer reaches $DATA1 through m1" wait_until 2000 peer_sees_is "$DATA1" m1
sleep 0.3	# the netlink event has come by now: it finds the decision taken
ASSERT_EQ "m0 went down once, not again on the netlink event" 1 \
	"$(grep -c 'The link has gone down on m0' "$TMP/agent.log")"
member_link 0 up
ASSERT "m0 active again when its carrier returns" wait_until 2000 active_is "m0 m1"

# --- early_carrier = no, reloaded -----------------------------------------------
write_config "$TMP/ipmp.conf" "early_carrier = no"
lost_before=$(grep -c 'carrier lost' "$TMP/agent.log")
kill -HUP "$AGENT_PID"
skip_or "reload: early_carrier: no" wait_until 2000 agent_log_has "early_carrier: no"
member_link 1 down
ASSERT "netlink alone: m1 leaves the active set" wait_until 2000 active_is "m0"
ASSERT_EQ "without taking it from the driver" "$lost_before" \
	"$(grep -c 'carrier lost' "$TMP/agent.log")"

# --- a VLAN member: its carrier stacked on its lower's ----------------------------
if [ "$vlan" = yes ]; then
	for d in vx1 vx0 m2; do ip -n "$NS_H" link set "$d" up; done
	NMEMBERS=3 write_config "$TMP/ipmp.conf"	# early_carrier back to yes; m2 joins
	kill -HUP "$AGENT_PID"
fi
vlan_or() {	# vlan_or ASSERT|skip_or NAME COMMAND...: that, or a skip without 802.1Q
	local how=$1
	shift
	if [ "$vlan" = yes ]; then
		"$how" "$@"
	else
		TAP_N=$((TAP_N + 1))
		echo "ok $TAP_N - $1 # SKIP this kernel has no 802.1Q VLAN interfaces"
	fi
}
vlan_or ASSERT "reload: m2 (a VLAN over vx0) is a member, link up; early_carrier: yes" \
	wait_until 5000 sh -c "'$IPMPSTAT' -iP -o interface,link | grep -qx 'm2:up' &&
		grep -q 'early_carrier: yes' $TMP/agent.log"
vx0_index=$(nsx "$NS_H" cat /sys/class/net/vx0/ifindex)
ip -n "$NS_H" link set vx1 down	# vx0 loses its carrier
vlan_or skip_or "vx0's carrier loss is m2's: taken from the driver" \
	wait_until 2000 agent_log_has "m2: carrier lost (ifindex $vx0_index), before its netlink event"
vlan_or ASSERT "m2's link is down" \
	wait_until 2000 sh -c "'$IPMPSTAT' -iP -o interface,link | grep -qx 'm2:down'"
