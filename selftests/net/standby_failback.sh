#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# A standby member stays idle until an active one fails, takes over, and
# goes idle again on failback (failback = yes). With failback = no the
# repaired member stays inactive until another fails. --cleanup removes
# what the agent made.
. "$(dirname "$0")/lib.sh"
require_root
tap_plan 16

topo_create 3
STANDBY=m2 write_config "$TMP/ipmp.conf"
agent_start "$TMP/ipmp.conf"

m2mac=$(mac_of "$NS_H" m2)
ASSERT "standby m2 starts inactive" wait_until 2000 active_is "m0 m1"
peer_ping "$DATA1"; peer_ping "$DATA2"
ASSERT "no data address answers with the standby's MAC" \
	sh -c "! ip -n $NS_P neigh | grep -qi '$m2mac'"

member_link 0 down
ASSERT "standby m2 takes over when m0 fails" wait_until 1000 active_is "m1 m2"
ASSERT "peer reaches $DATA1 through m2" wait_until 2000 peer_sees_is "$DATA1" m2
ASSERT "peer still reaches $DATA2 through m1" peer_sees_is "$DATA2" m1

member_link 0 up
ASSERT "failback: m0 active and m2 idle again" wait_until 1000 active_is "m0 m1"
ASSERT "peer reaches $DATA1 through m0 after failback" wait_until 2000 peer_sees_is "$DATA1" m0

# --- --cleanup removes what the agent made -----------------------------------
agent_stop
ASSERT "data plane keeps forwarding with the agent stopped" peer_ping "$DATA1"
nsx "$NS_H" "$AGENT" -c "$TMP/ipmp.conf" --bpffs "$BPFFS" --cleanup >>"$TMP/agent.log" 2>&1
ASSERT "cleanup removed ipmp0" sh -c "! ip -n $NS_H link show ipmp0"
ASSERT "cleanup removed the pins" test ! -e "$BPFFS/g0"
ASSERT_EQ "cleanup removed our filter from m0" "" \
	"$(nsx "$NS_H" tc filter show dev m0 ingress)"

# --- failback = no --------------------------------------------------------------
STANDBY=m2 write_config "$TMP/ipmp.conf" "failback = no"
agent_start "$TMP/ipmp.conf"
ASSERT "restarted with failback = no: m0 m1 active" wait_until 2000 active_is "m0 m1"
member_link 0 down
ASSERT "m2 takes over" wait_until 1000 active_is "m1 m2"
member_link 0 up
ASSERT "repair logged" wait_until 1000 agent_log_has "IP interface repair detected on m0 of group g0"
sleep 0.2
ASSERT_EQ "failback = no: repaired m0 stays inactive" "m1 m2" "$(active_members)"
member_link 1 down
ASSERT "inactive m0 is activated when m1 fails" wait_until 1000 active_is "m0 m2"
