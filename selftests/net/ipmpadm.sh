#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# ipmpadm: standby on/off at run time (spec 3.14's standby refresh), and
# monitor, which shows a failover with the address and the new member's
# MAC as it happens. Changing state needs privilege.
. "$(dirname "$0")/lib.sh"
require_root
tap_plan 16

topo_create 3
write_config "$TMP/ipmp.conf"
agent_start "$TMP/ipmp.conf"
wait_until 2000 active_is "m0 m1 m2"

"$IPMPADM" monitor >"$TMP/monitor.out" 2>&1 &
PIDS+=($!)
wait_until 2000 agent_log_has "control: a client follows events"

ASSERT_EQ "standby on m2" "" "$("$IPMPADM" standby m2 on 2>&1)"
ASSERT "m2 goes idle: two active members remain for two non-standby" wait_until 1000 active_is "m0 m1"
ASSERT_EQ "ipmpstat shows it standby and inactive" "m2:no:is-----" \
	"$("$IPMPSTAT" -iP -o interface,active,flags | grep '^m2:')"

member_link 0 down
ASSERT "the standby takes over when m0 fails" wait_until 1000 active_is "m1 m2"
m2mac=$(mac_of "$NS_H" m2)
ASSERT "monitor reports the failover with the new member's MAC" wait_until 2000 sh -c \
	"grep '\"event\":\"failover\"' $TMP/monitor.out | grep '\"address\":\"$DATA1\"' | grep '\"from\":\"m0\"' | grep '\"to\":\"m2\"' | grep -q '\"mac\":\"$m2mac\"'"
ASSERT "monitor reports m0's failure and the group degraded" sh -c \
	"grep -q '\"event\":\"member-state\",.*\"interface\":\"m0\",.*\"state\":\"failed\"' $TMP/monitor.out &&
	 grep -q '\"event\":\"group-state\",.*\"state\":\"degraded\"' $TMP/monitor.out"
# one decision, one commit: m0's state, then the standby's, then the failover; nothing else moves
order=$(awk '/"member-state".*"interface":"m0".*"failed"/ && !a {a=NR} /"member-state".*"interface":"m2".*"active":true/ && a && !b {b=NR}
	/"event":"failover"/ && b && !c {c=NR} END {print (a && b && c && a < b && b < c) ? "causal" : "a=" a " b=" b " c=" c}' "$TMP/monitor.out")
ASSERT_EQ "monitor hears m0 failed, then m2 active, then the failover" "causal" "$order"
ASSERT_EQ "only m0's address moved: $DATA2 stayed on m1" "0" \
	"$(grep '"event":"failover"' "$TMP/monitor.out" | grep -c "\"address\":\"$DATA2\"")"
ASSERT "every event has a monotonic and a wall-clock time" sh -c \
	"! grep -v '\"mono_ns\":[0-9]' $TMP/monitor.out | grep -q . && ! grep -v '\"wall\":[0-9]' $TMP/monitor.out | grep -q ."

ASSERT_EQ "standby off" "" "$("$IPMPADM" standby m2 off 2>&1)"

# --- data addresses at run time --------------------------------------------------------------
ASSERT_EQ "add-address" "" "$("$IPMPADM" add-address g0 "$DATA3/24" 2>&1)"
ASSERT "the new address answers the peer through a member" wait_until 2000 sh -c \
	"ip netns exec $NS_P ping -c1 -W1 -q $DATA3 >/dev/null && ip -n $NS_P neigh show $DATA3 | grep -q lladdr"
ASSERT_EQ "an address already in use is refused" \
	"ipmpadm: cannot add $DATA1/24 to g0: address $DATA1/24 is already a data address" \
	"$("$IPMPADM" add-address g0 "$DATA1/24" 2>&1)"
ASSERT_EQ "remove-address" "" "$("$IPMPADM" remove-address "$DATA3" 2>&1)"
ASSERT "the removed address is gone from the group and the data plane" sh -c \
	"! ip -n $NS_H addr show dev ipmp0 | grep -q '$DATA3/' && ! '$IPMPSTAT' -anP -o address | grep -qx '$DATA3'"
chmod 755 "$TMP"
ASSERT_EQ "an unprivileged user cannot change standby" \
	"ipmpadm: cannot set standby on on m1: Operation not permitted" \
	"$(setpriv --reuid=nobody --regid=nogroup --clear-groups "$IPMPADM" standby m1 on 2>&1)"
