#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Members that come and go: the agent starts with every member missing and
# takes each one the moment it appears; a member netdev deleted under
# traffic is failed over at once and adopted again when it is re-created
# with a new ifindex and MAC; two members with one MAC: the second is
# offlined with flag h (spec 3.16) and onlined when its MAC is unique.
. "$(dirname "$0")/lib.sh"
require_root
tap_plan 24

topo_create 2
write_config "$TMP/ipmp.conf"

# --- a sandbox without bpf(): said in one line, nothing made -------------------------
out=$(ip netns exec "$NS_H" setpriv --bounding-set=-all,+net_admin,+net_raw "$AGENT" -c "$TMP/ipmp.conf" \
	--bpffs "$BPFFS" --socket "$IPMP_SOCKET" 2>&1)
ASSERT_EQ "without CAP_BPF/CAP_SYS_ADMIN the agent exits 1" 1 "$?"
ASSERT "naming what is missing" grep -q "cannot use bpf(): Operation not permitted (the agent needs CAP_BPF" <<<"$out"
ASSERT "before it changes anything (no ipmp0)" sh -c "! ip -n $NS_H link show ipmp0"

# --- boot with every member missing ----------------------------------------------
member_delete 0
member_delete 1
agent_start "$TMP/ipmp.conf"
wait_until 5000 "$IPMPSTAT" -g >/dev/null
ASSERT "the agent starts with no member present" kill -0 "$AGENT_PID"
ASSERT "and says so" agent_log_has "IP interface m0 of group g0 does not exist; treating it as failed"
ASSERT_EQ "a missing member shows failed with its link down" "m0:no:-----d-:down:failed" "$(member_row m0)"
ASSERT_EQ "the group is failed" "failed" "$(group_state)"
member_create 0
ASSERT "m0 is adopted the moment it appears" \
	wait_until 3000 agent_log_has "IP interface m0 of group g0 appeared"
ASSERT "m0 carries the addresses" wait_until 3000 active_is "m0"
ASSERT_EQ "the group is degraded" "degraded" "$(group_state)"
ASSERT "the peer reaches $DATA1 through m0" wait_until 3000 peer_sees_is "$DATA1" m0
member_create 1
ASSERT "m1 joins as well" wait_until 3000 active_is "m0 m1"
ASSERT_EQ "the group is ok, no restart" "ok" "$(group_state)"
ASSERT "addresses spread over both" wait_until 3000 peer_sees_is "$DATA2" m1

# --- hot remove and re-add under traffic -----------------------------------------
old_ifindex=$(ip -n "$NS_H" -o link show m1 | cut -d: -f1)
old_mac=$(mac_of "$NS_H" m1)
udp_stream_start "$DATA2" 3
sleep 1
member_delete 1
ASSERT "a deleted member is failed over at once" \
	wait_until 1000 agent_log_has "IP interface m1 of group g0 has been removed"
udp_stream_wait
lost=$(udp_stream_lost)
lost=${lost#lost=}
echo "# $lost of 15000 datagrams lost across the deletion"
ASSERT "traffic to $DATA2 survives the deletion (lost $lost < 1% of 15000)" test "$lost" -lt 150
ASSERT "the peer reaches $DATA2 through m0" wait_until 2000 peer_sees_is "$DATA2" m0
member_create 1
ASSERT "the re-created m1 rejoins" wait_until 3000 active_is "m0 m1"
new_ifindex=$(ip -n "$NS_H" -o link show m1 | cut -d: -f1)
ASSERT "with a new ifindex ($old_ifindex -> $new_ifindex) and MAC" \
	test "$new_ifindex" != "$old_ifindex" -a "$(mac_of "$NS_H" m1)" != "$old_mac"
ASSERT "its new MAC is announced for $DATA2" wait_until 3000 peer_sees_is "$DATA2" m1

# --- duplicate hardware addresses ---------------------------------------------------
ip -n "$NS_H" link set m1 address "$(mac_of "$NS_H" m0)"
ASSERT "a member taking another's MAC is offlined with flag h" \
	wait_until 2000 sh -c "'$IPMPSTAT' -iP -o interface,flags,state | grep -qx 'm1:------h:offline'"
ASSERT "in.mpathd's words" \
	agent_log_has "IP interface m1 has a hardware address which is not unique in group g0; offlining"
ASSERT_EQ "if_mpadm -r cannot bring it back" \
	"if_mpadm: fatal: cannot undo-offline m1: interface has duplicate hardware address" \
	"$(if_mpadm -r m1 2>&1)"
ip -n "$NS_H" link set m1 address 02:00:5e:10:00:01
ASSERT "a unique MAC brings it back online" wait_until 2000 active_is "m0 m1"
