#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Carrier loss on a member under a TCP transfer: its address moves to the
# other member (announced by gratuitous ARP, so the peer follows without
# asking), the transfer completes intact, and repair moves it back. Then a
# failure of every member (group failure), and the link-flap rule.
. "$(dirname "$0")/lib.sh"
require_root
tap_plan 20

topo_create 2
write_config "$TMP/ipmp.conf"
agent_start "$TMP/ipmp.conf"

ASSERT "both members active" wait_until 2000 active_is "m0 m1"
ASSERT "peer reaches $DATA1 through m0" wait_until 2000 peer_sees_is "$DATA1" m0
ASSERT "peer reaches $DATA2 through m1" wait_until 2000 peer_sees_is "$DATA2" m1

# --- link failure under traffic -----------------------------------------------
tcp_from_peer_start "$DATA1" 3000000 3
sleep 1
member_link 0 down
ASSERT "m0 leaves the active set at once" wait_until 1000 active_is "m1"
ASSERT "peer's entry for $DATA1 moves to m1 by gratuitous ARP alone" \
	wait_until 1000 sh -c "[ \"\$(ip -n $NS_P neigh show $DATA1 | sed -n 's/.*lladdr \([0-9a-f:]*\).*/\1/p')\" = '$(mac_of "$NS_H" m1)' ]"
ASSERT "logged: The link has gone down on m0" agent_log_has "The link has gone down on m0"
ASSERT "logged: IP interface failure detected on m0 of group g0" \
	agent_log_has "IP interface failure detected on m0 of group g0"
tcp_from_peer_wait
ASSERT_EQ "TCP transfer across the failover arrives whole" "bytes=3000000 ok" "$TCP_RESULT"
ASSERT "peer still pings $DATA2" peer_ping "$DATA2"

# --- repair -------------------------------------------------------------------
member_link 0 up
ASSERT "m0 active again after its link returns" wait_until 1000 active_is "m0 m1"
ASSERT "logged: IP interface repair detected on m0 of group g0" \
	agent_log_has "IP interface repair detected on m0 of group g0"
ASSERT "addresses spread over both members again" \
	wait_until 2000 sh -c "peer_ping() { ip netns exec $NS_P ping -c1 -W1 -q \$1 >/dev/null; }; \
		peer_ping $DATA1 && peer_ping $DATA2 && \
		[ \"\$(ip -n $NS_P neigh show $DATA1 | sed -n 's/.*lladdr \([0-9a-f:]*\).*/\1/p')\" != \
		  \"\$(ip -n $NS_P neigh show $DATA2 | sed -n 's/.*lladdr \([0-9a-f:]*\).*/\1/p')\" ]"

# --- group failure ------------------------------------------------------------
member_link 0 down
member_link 1 down
ASSERT "no member active when every link is down" wait_until 1000 active_is ""
ASSERT "logged: All IP interfaces in group g0 are now unusable" \
	wait_until 1000 agent_log_has "All IP interfaces in group g0 are now unusable"
member_link 1 up
ASSERT "m1 carries the group after its link returns" wait_until 1000 active_is "m1"
ASSERT "logged: At least 1 IP interface (m1) in group g0 is now usable" \
	agent_log_has "At least 1 IP interface (m1) in group g0 is now usable"
ASSERT "peer pings $DATA1 through m1" wait_until 2000 peer_sees_is "$DATA1" m1

# --- link flapping: the third link-up within a minute does not repair ---------
member_link 0 up		# m0's second link-up this minute: repaired
ASSERT "second link-up within a minute repairs m0" wait_until 1000 active_is "m0 m1"
member_link 0 down
wait_until 1000 active_is "m1"
member_link 0 up		# third: repair deferred
ASSERT "logged: the flap rule defers repair" wait_until 1000 agent_log_has \
	"The link has come up on m0 more than 2 times in the last minute; disabling repair until it stabilizes"
sleep 0.3
ASSERT_EQ "m0 stays out of the active set while flapping" "m1" "$(active_members)"
