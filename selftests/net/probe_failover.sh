#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Probe-based detection sees past the cable: a member whose path dies
# while its carrier stays up fails, its address moves and a TCP transfer
# survives; it comes back only after sustained success. The target is the
# router, found in the routing table. Cutting every target at once is a
# group failure, not a failure of each member.
. "$(dirname "$0")/lib.sh"
require_root
tap_plan 15

FDT=${FDT:-1000}
topo_create 2
write_probe_config "$TMP/ipmp.conf" $FDT
agent_start "$TMP/ipmp.conf"	# adds the default route via $ROUTER

ASSERT "router target found in the routing table" \
	wait_until 3000 agent_log_has "m0: probe target $ROUTER (router)"
ASSERT "both members active" wait_until 2000 active_is "m0 m1"
ASSERT "probes are answered (replies seen in XDP)" wait_probe_replies 10 3000
peer_ping "$DATA1"

# --- the path dies, the cable does not ----------------------------------------
tcp_from_peer_start "$DATA1" 3000000 3
sleep 0.5
member_path 0 down
cut=$(now_ms)
ASSERT "m0 keeps its carrier" member_has_carrier 0
ASSERT "m0's failure is detected by probes" \
	wait_until $((3 * FDT)) agent_log_has "IP interface failure detected on m0 of group g0"
echo "# detected $(($(now_ms) - cut)) ms after the cut (FDT $FDT ms)"
ASSERT "m0 leaves the active set" wait_until 1000 active_is "m1"
ASSERT_EQ "no link event was involved" "" "$(grep 'link has gone down' "$TMP/agent.log")"
tcp_from_peer_wait
ASSERT_EQ "TCP transfer across the probe failover arrives whole" "bytes=3000000 ok" "$TCP_RESULT"
ASSERT "peer reaches $DATA1 through m1" wait_until 2000 peer_sees_is "$DATA1" m1

# --- repair: only after 10 answered probes -------------------------------------
member_path 0 up
healed=$(now_ms)
ASSERT "m0 is repaired" wait_until $((4 * FDT)) agent_log_has "IP interface repair detected on m0 of group g0"
took=$(($(now_ms) - healed))
echo "# repaired $took ms after the path came back"
# ten probes, each at least half an interval (FDT/7/2) after the last
ASSERT "repair waited for ten answered probes (>= $((9 * FDT / 14)) ms, took $took ms)" \
	test "$took" -ge $((9 * FDT / 14))
ASSERT "m0 active again" wait_until 1000 active_is "m0 m1"

# --- every target dies at once: a group failure ------------------------------
mark=$(wc -l <"$TMP/agent.log")
nsx "$NS_SW" ip link set sr nomaster
ASSERT "cutting the only target fails the group" \
	wait_until $((3 * FDT)) agent_log_has "All IP interfaces in group g0 are now unusable"
ASSERT_EQ "not as a failure of each member" "" \
	"$(tail -n +"$((mark + 1))" "$TMP/agent.log" | grep 'IP interface failure detected')"
nsx "$NS_SW" ip link set sr master br0
ASSERT "the group recovers when the target answers again" \
	wait_until $((5 * FDT)) agent_log_has "At least 1 IP interface"
