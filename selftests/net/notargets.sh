#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# in.mpathd's PI_NOTARGETS on a running agent: members with test addresses
# but no target to probe (no route, no configured target, no host
# answering the all-hosts echo) show STATE and PROBE "unknown" and still
# carry data; a link failure then is not repaired by the link alone, only
# by probes once a router appears. ipmpstat -p follows the probes across
# an agent restart.
. "$(dirname "$0")/lib.sh"
require_root
tap_plan 13

FDT=700
topo_create 2
# no default route, and Linux ignores the all-hosts echo: nothing to probe
write_probe_config "$TMP/ipmp.conf" $FDT
ip netns exec "$NS_H" "$AGENT" -c "$TMP/ipmp.conf" --bpffs "$BPFFS" --socket "$IPMP_SOCKET" -d \
	>>"$TMP/agent.log" 2>&1 &
AGENT_PID=$!
wait_until 15000 group_up
ASSERT_EQ "a member with a test address and no target is unknown, probe unknown" \
	"m0:unknown:unknown" \
	"$(wait_until 3000 sh -c "[ \"\$('$IPMPSTAT' -iP -o interface,state | grep ^m0:)\" = m0:unknown ]";
	   "$IPMPSTAT" -iP -o interface,state,probe | grep '^m0:')"
ASSERT_EQ "and still carries data: both members active, the group ok" "m0 m1 ok" \
	"$(active_members) $(group_state)"
ASSERT "the peer reaches the group through it" peer_ping "$DATA1"

member_link 0 down
ASSERT "its link fails: failed" wait_until 2000 sh -c "[ \"\$('$IPMPSTAT' -iP -o interface,state | grep ^m0:)\" = m0:failed ]"
ASSERT_EQ "an interface failure, not the group's: m1, waiting for targets, carries on" \
	"m1:yes:unknown degraded" "$("$IPMPSTAT" -iP -o interface,active,state | grep '^m1:') $(group_state)"
member_link 0 up
ASSERT "link up again" wait_until 2000 sh -c "[ \"\$('$IPMPSTAT' -iP -o interface,link | grep ^m0:)\" = m0:up ]"
sleep 1.5	# two FDTs: a member without probing would be repaired by now
ASSERT_EQ "the link alone does not repair a member that probes" "failed" "$(member_state m0)"
ASSERT_EQ "no repair logged" "" "$(grep 'repair detected on m0' "$TMP/agent.log")"

# a router appears in the routing table: a target for both members
nsx "$NS_H" ip route replace default via "$ROUTER" dev ipmp0
ASSERT "a router becomes the target: m1 is ok" \
	wait_until 3000 sh -c "[ \"\$('$IPMPSTAT' -iP -o interface,state | grep ^m1:)\" = m1:ok ]"
ASSERT "ten answered probes repair m0" \
	wait_until $((3 * FDT)) agent_log_has "IP interface repair detected on m0 of group g0"
ASSERT_EQ "m0 ok, probing ok" "m0:ok:ok" "$("$IPMPSTAT" -iP -o interface,state,probe | grep '^m0:')"

# --- ipmpstat -p keeps following when the agent restarts ---------------------------------
"$IPMPSTAT" -p -n >"$TMP/probes.out" 2>&1 &
PSTAT_PID=$!
PIDS+=($PSTAT_PID)
ASSERT "ipmpstat -p prints probes as they resolve" \
	wait_until 3000 grep -q " $ROUTER" "$TMP/probes.out"
agent_stop
: >"$TMP/probes.mark"
lines=$(wc -l <"$TMP/probes.out")
agent_start "$TMP/ipmp.conf"
ASSERT "after the agent restarts it goes on, with the new agent's probes" \
	wait_until 5000 sh -c "kill -0 $PSTAT_PID && [ \$(wc -l <$TMP/probes.out) -gt $((lines + 2)) ]"
