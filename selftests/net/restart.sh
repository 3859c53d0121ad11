#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Restart without loss: the data plane outlives the agent. kill -9 under a
# sequenced UDP stream loses nothing and the new agent resumes the state
# (offline, failed by probes) without re-announcing; a member that fails
# while no agent runs is found failed; pinned maps of another layout are
# replaced with a clean re-attach that keeps the state. systemd's
# notification protocol: READY, watchdog pings, STOPPING.
. "$(dirname "$0")/lib.sh"
require_root
tap_plan 27

FDT=1000
topo_create 3
write_probe_config "$TMP/ipmp.conf" $FDT

# a stand-in for systemd's notification socket
"$TRAFFIC" notify-listen "$TMP/notify.sock" 120 >"$TMP/notify.out" &
PIDS+=($!)
wait_until 2000 test -S "$TMP/notify.sock"
export NOTIFY_SOCKET=$TMP/notify.sock WATCHDOG_USEC=200000	# for every agent started below
agent_start "$TMP/ipmp.conf"
ASSERT "READY=1 once the groups are up" wait_until 3000 grep -q "READY=1" "$TMP/notify.out"
sleep 0.5
ASSERT "watchdog pings from the event loop (>= 4 in 0.5 s at WatchdogSec 0.2 s)" \
	test "$(grep -c 'WATCHDOG=1' "$TMP/notify.out")" -ge 4
ASSERT "all members active" wait_until 2000 active_is "m0 m1 m2"
ASSERT "probes are answered" wait_probe_replies 10 5000

# --- state worth keeping: m2 offline, m1 failed by probes (carrier up) ----------------
if_mpadm -d m2
member_path 1 down
ASSERT "m1's cut path is detected by probes" \
	wait_until $((3 * FDT)) agent_log_has "IP interface failure detected on m1 of group g0"
# the group's link-local passes DAD a moment after start: a data address from then on
wait_until 5000 sh -c "'$IPMPSTAT' -anP -o address | grep -q '^fe80'"
before_i=$(members_snapshot)
before_a=$(addresses_snapshot)
echo "# before: $(echo $before_i)"

# --- kill -9 under a sequenced stream ------------------------------------------------
agent_restart_hard() {
	kill -9 "$AGENT_PID"
	wait "$AGENT_PID" 2>/dev/null
	AGENT_PID=
	mark=$(wc -l <"$TMP/agent.log")
	"$@"
	agent_start "$TMP/ipmp.conf"
	wait_until 5000 "$IPMPSTAT" -g >/dev/null
}
since_mark() { tail -n +"$((mark + 1))" "$TMP/agent.log"; }
udp_stream_start "$DATA1" 3
sleep 1
agent_restart_hard :
udp_stream_wait
ASSERT_EQ "kill -9 and restart under 5,000 datagrams/s both ways: none lost" "lost=0" \
	"$(udp_stream_lost)"
ASSERT "the new agent resumed the previous state" \
	grep -q "resuming from the state the previous agent left" <(since_mark)
ASSERT_EQ "ipmpstat -i shows the same state" "$before_i" "$(members_snapshot)"
ASSERT_EQ "ipmpstat -a shows the same bindings" "$before_a" "$(addresses_snapshot)"
ASSERT_EQ "nothing re-announced: no address moved" "" "$(since_mark | grep 'is now bound')"
ASSERT "m1 stays failed until probes repair it" \
	grep -q "m1: failed when the previous agent stopped; probes will repair it" <(since_mark)
member_path 1 up
ASSERT "probes of the new agent repair m1" \
	wait_until $((5 * FDT)) sh -c "tail -n +$((mark + 1)) $TMP/agent.log | grep -q 'IP interface repair detected on m1'"

# --- a member fails while no agent runs ----------------------------------------------
ASSERT "m0 and m1 active" wait_until 2000 active_is "m0 m1"
agent_restart_hard member_link 0 down
ASSERT "found failed on restart" grep -q "The link has gone down on m0" <(since_mark)
ASSERT_EQ "ipmpstat -i: m0 failed, link down" "m0:no:down:failed" \
	"$("$IPMPSTAT" -iP -o interface,active,link,state | grep '^m0:')"
ASSERT "its addresses moved to m1 and were announced" wait_until 2000 peer_sees_is "$DATA1" m1
member_link 0 up
ASSERT "m0 repaired after the restart" wait_until $((5 * FDT)) active_is "m0 m1"

# --- pinned maps of another layout: a clean re-attach ---------------------------------
old_id=$(bpftool -j map show pinned "$BPFFS/g0/members" | jq .id)
kill -9 "$AGENT_PID"
wait "$AGENT_PID" 2>/dev/null
AGENT_PID=
# as if an older agent had pinned them: version 1, state version 1, layout 1
bpftool map update pinned "$BPFFS/g0/abi" key 0 0 0 0 value 1 0 0 0 1 0 0 0 1 0 0 0 0 0 0 0
udp_stream_start "$DATA1" 3
sleep 1
mark=$(wc -l <"$TMP/agent.log")
agent_start "$TMP/ipmp.conf"
wait_until 5000 "$IPMPSTAT" -g >/dev/null
udp_stream_wait
ASSERT "the layout change is logged" \
	grep -q "the maps pinned in $BPFFS/g0 are from another version (abi 1, layout 0000000000000001" <(since_mark)
ASSERT "fresh maps replace the old ones" \
	test "$(bpftool -j map show pinned "$BPFFS/g0/members" | jq .id)" != "$old_id"
ASSERT "the version record is this agent's now" \
	test "$(bpftool -j map dump pinned "$BPFFS/g0/abi" | jq '.[0].formatted.value.layout')" != 1
ASSERT_EQ "re-attach under 5,000 datagrams/s both ways: none lost" "lost=0" "$(udp_stream_lost)"
ASSERT_EQ "the state survives the re-attach: m2 still offline" "m2:no:offline" \
	"$("$IPMPSTAT" -iP -o interface,active,state | grep '^m2:')"

# --- the config changed while no agent ran: an address added, one removed --------------
kill -9 "$AGENT_PID"
wait "$AGENT_PID" 2>/dev/null
AGENT_PID=
sed -i "s|^addresses = .*|addresses = $DATA1/24 $DATA3/24|" "$TMP/ipmp.conf"
agent_start "$TMP/ipmp.conf"
wait_until 5000 "$IPMPSTAT" -g >/dev/null
ASSERT "the added address is on ipmp0 and bound" \
	wait_until 3000 sh -c "'$IPMPSTAT' -anP -o address,state | grep -qx '$DATA3:up'"
ASSERT "the removed address is gone from ipmp0" \
	sh -c "! ip -n $NS_H addr show dev ipmp0 | grep -q ' $DATA2/'"
binding_count() {
	bpftool -j map dump pinned "$BPFFS/g0/addr_binding" |
		jq "[.[] | select(.formatted.key.addr[0:4] == [$(echo "$1" | tr . ,)])] | length"
}
ASSERT_EQ "and from the data plane's bindings" "0 1" "$(binding_count "$DATA2") $(binding_count "$DATA3")"
index_count() {
	bpftool -j map dump pinned "$BPFFS/g0/addr_index" |
		jq "[.[] | select(.formatted.value.family == 4 and .formatted.value.addr[0:4] == [$(echo "$1" | tr . ,)])] | length"
}
ASSERT_EQ "and from its address index (the restarted agent read the pinned one)" "0 1" \
	"$(index_count "$DATA2") $(index_count "$DATA3")"

agent_stop
ASSERT "STOPPING=1 on SIGTERM" grep -q "STOPPING=1" "$TMP/notify.out"
