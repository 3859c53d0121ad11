#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Notify hooks (agent/hooks.h): the notify program runs on state changes
# and failovers with the facts in its environment; one that hangs is
# killed after notify_timeout and never holds a failover up; one that
# fails is logged; one that others may write is refused.
. "$(dirname "$0")/lib.sh"
require_root
tap_plan 12

topo_create 2
chmod 755 "$TMP"
HOOK=$TMP/hook.sh
cat >"$HOOK" <<SCRIPT
#!/bin/sh
# what the agent told us, one line per call
env | grep '^IPMP_' | sort | tr '\n' ' ' >>$TMP/hook.log
echo >>$TMP/hook.log
[ -e $TMP/hang ] && exec sleep 61
[ -e $TMP/fail ] && exit 3
exit 0
SCRIPT
chmod 755 "$HOOK"
write_config "$TMP/ipmp.conf" "notify = $HOOK" "notify_timeout = 1"
agent_start "$TMP/ipmp.conf"
ASSERT "both members active" wait_until 3000 active_is "m0 m1"
: >"$TMP/hook.log"
calls() { grep -c . "$TMP/hook.log"; }

member_link 0 down
ASSERT "m0 fails: the hook hears of it" wait_until 3000 grep -q "IPMP_EVENT=member-state .*IPMP_INTERFACE=m0 .*IPMP_STATE=failed" "$TMP/hook.log"
# hooks run side by side (HOOKS_RUNNING): each call's line is waited for on its own
ASSERT "the group's state, with the previous one" wait_until 3000 \
	grep -q "IPMP_EVENT=group-state IPMP_GROUP=g0 IPMP_GROUP_INTERFACE=ipmp0 IPMP_PREVIOUS_STATE=ok IPMP_STATE=degraded" "$TMP/hook.log"
ASSERT "and the failover: address, from, to, the new MAC" wait_until 3000 \
	grep -q "IPMP_ADDRESS=$DATA1 IPMP_EVENT=failover IPMP_FROM=m0 IPMP_GROUP=g0 IPMP_GROUP_INTERFACE=ipmp0 IPMP_MAC=$(mac_of "$NS_H" m1) .*IPMP_TO=m1" "$TMP/hook.log"
ASSERT "with the time" grep -q "IPMP_TIME=[0-9]*\.[0-9]" "$TMP/hook.log"
member_link 0 up
wait_until 3000 active_is "m0 m1"

# --- a hook that hangs does not hold a failover up, and is killed ----------------------------
touch "$TMP/hang"
member_link 1 down	# its hooks now hang
wait_until 3000 active_is "m0"
t0=$(now_ms)
member_link 1 up
member_link 0 down
ASSERT "with hooks hanging, the next failover is at once" wait_until 1000 active_is "m1"
echo "# failover while hooks hang: $(($(now_ms) - t0)) ms"
ASSERT "a hook still running after notify_timeout is terminated" wait_until 4000 agent_log_has "still running after 1 s; terminated"
rm -f "$TMP/hang"
ASSERT "no hook process is left" wait_until 8000 sh -c "! pgrep -f '^sleep 61$' >/dev/null"
rm -f "$TMP/hang"
member_link 0 up
wait_until 3000 active_is "m0 m1"

# --- failing, unsafe (offline and back: no more link flaps, the flap rule would step in) ------
touch "$TMP/fail"
if_mpadm -d m1
ASSERT "a hook that fails is logged with its status" wait_until 3000 agent_log_has "exited with status 3"
rm -f "$TMP/fail"
if_mpadm -r m1
wait_until 3000 active_is "m0 m1"
wait_until 3000 sh -c "! pgrep -f '^/bin/sh $HOOK\$' >/dev/null"
chmod 777 "$HOOK"
n=$(calls)
if_mpadm -d m1
ASSERT "a hook others may write is refused" wait_until 3000 agent_log_has "not run: it may be written by someone other than root"
ASSERT_EQ "and not run" "$n" "$(calls)"
if_mpadm -r m1
ASSERT "the agent is fine" "$IPMPSTAT" -g
