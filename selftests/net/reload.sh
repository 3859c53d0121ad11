#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# ipmpadm reload (and SIGHUP): the agent re-reads its config file and
# applies only the difference. What stays in the file is not disturbed
# (a stream to an unchanged address loses nothing, its binding stays);
# runtime changes not in the file are undone; a member moves between
# groups; groups come and go; a file with errors changes nothing and
# the errors reach the caller with file and line.
. "$(dirname "$0")/lib.sh"
require_root
tap_plan 18

DATA4=192.0.2.13
OTHER=203.0.113.10
topo_create 3
conf=$TMP/ipmp.conf
# write_group IFNAME NAME MEMBERS ADDRESSES [extra lines]
write_group() {
	printf '[group %s]\nname = %s\ninterfaces = %s\naddresses = %s\n' "$1" "$2" "$3" "$4"
	shift 4
	for line in "$@"; do echo "$line"; done
}
{
	printf '[global]\nfailure_detection_time = 1000\n'
	write_group ipmp0 g0 "m0 m1" "$DATA1/24 $DATA2/24"
} >"$conf"
agent_start "$conf"
wait_until 2000 active_is "m0 m1"

ASSERT_EQ "reload of an unchanged file" "no changes" "$(adm reload)"

# a runtime change the file does not have
adm add-address g0 "$DATA3/24" >/dev/null
before=$(inbound_of "$DATA1")

# --- a file with changes, applied under traffic to an address it keeps ------------------------
{
	printf '[global]\nfailure_detection_time = 1000\n'
	write_group ipmp0 g0 "m0 m1 m2" "$DATA1/24 $DATA4/24" "standby = m1"
} >"$conf"
udp_stream_start "$DATA1" 2
sleep 0.5
ASSERT_EQ "reload says what it changed" "address $DATA3/24 removed from group g0
address $DATA2/24 removed from group g0
m1: standby on
interface m2 added to group g0
address $DATA4/24 added to group g0" "$(adm reload)"
udp_stream_wait
ASSERT_EQ "a stream to an address the file keeps loses nothing" "lost=0" \
	"$(udp_stream_lost)"
ASSERT_EQ "and its binding did not move" "$before" "$(inbound_of "$DATA1")"
ASSERT_EQ "the group's addresses are the file's" "$DATA1/24 $DATA4/24" \
	"$(ip -n "$NS_H" -4 -o addr show dev ipmp0 | awk '{print $4}' | sort | tr '\n' ' ' | sed 's/ $//')"
ASSERT "m1 went idle as a standby, m2 took over" wait_until 2000 active_is "m0 m2"
ASSERT "the new address answers the peer" wait_until 2000 peer_ping "$DATA4"

# --- a member moves to a new group --------------------------------------------------------------
{
	printf '[global]\nfailure_detection_time = 1000\n'
	write_group ipmp0 g0 "m0 m1" "$DATA1/24 $DATA4/24" "standby = m1"
	write_group ipmp1 g1 "m2" "$OTHER/24"
} >"$conf"
ASSERT_EQ "m2 leaves g0 before it joins the new group g1" "interface m2 removed from group g0
group g1 (ipmp1) added" "$(adm reload)"
ASSERT_EQ "ipmpstat -g shows both groups, the newest first" "ipmp1:g1:ok
ipmp0:g0:ok" "$("$IPMPSTAT" -gP -o group,groupname,state)"
ASSERT "g1's address is on ipmp1 and its maps are pinned" sh -c \
	"ip -n $NS_H addr show dev ipmp1 | grep -q '$OTHER/24' && [ -e $BPFFS/g1/members ]"

# --- errors change nothing ---------------------------------------------------------------------------
snap=$("$IPMPSTAT" -anP -o address,state,group,inbound,outbound; "$IPMPSTAT" -iP -o interface,active,group,flags,link,probe,state)
ASSERT "ipmpstat reads both groups before the bad files" test "$(echo "$snap" | grep -c ":ipmp[01]:")" -ge 4
cp "$conf" "$TMP/good.conf"
printf '[group ipmp2]\nname = g2\ninterfaces = m0\nbogus = 1\n' >>"$conf"
adm reload >"$TMP/reload.out"
ASSERT "a file with errors: each error with file and line" sh -c \
	"grep -qx '$conf:15: unknown key .bogus. in \[group ipmp2\]' $TMP/reload.out &&
	 grep -qx '$conf:14: m0 is already a member of group ipmp0 (line 5)' $TMP/reload.out"
ASSERT_EQ "and the verdict, exit 1" "ipmpadm: cannot reload: $conf has errors; nothing changed (exit 1)" \
	"$(tail -1 "$TMP/reload.out") (exit $(adm reload >/dev/null; echo $?))"
cp "$TMP/good.conf" "$conf"
sed -i 's/^name = g1$/name = renamed/' "$conf"
ASSERT_EQ "renaming a group needs a restart" \
	"$conf:8: group ipmp1: the name changes from g1 to renamed; that needs a restart
ipmpadm: cannot reload: $conf cannot be applied; nothing changed" "$(adm reload)"
ASSERT_EQ "nothing changed" "$snap" "$("$IPMPSTAT" -anP -o address,state,group,inbound,outbound; "$IPMPSTAT" -iP -o interface,active,group,flags,link,probe,state)"

# --- SIGHUP, and a group removed ----------------------------------------------------------------------
cp "$TMP/good.conf" "$conf"
sed -i '/^\[group ipmp1\]/,$d' "$conf"
kill -HUP "$AGENT_PID"
ASSERT "SIGHUP reloads: g1 is gone" wait_until 3000 sh -c "! '$IPMPSTAT' -gP -o group | grep -qx g1"
ASSERT "with its group interface and its pins" sh -c \
	"! ip -n $NS_H link show ipmp1 2>/dev/null && [ ! -e $BPFFS/g1 ] && ! tc -n $NS_H filter show dev m2 ingress | grep -q 49504d50"
chmod 755 "$TMP"
ASSERT_EQ "an unprivileged user cannot reload" "ipmpadm: cannot reload: Operation not permitted" \
	"$(setpriv --reuid=nobody --regid=nogroup --clear-groups "$IPMPADM" reload 2>&1)"
