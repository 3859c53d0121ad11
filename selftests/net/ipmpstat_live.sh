#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# ipmpstat against a running agent: what it shows before and after a link
# failure (standby taking over) and a probe failure, and that anyone may
# read it (the control socket needs no privilege for reading).
. "$(dirname "$0")/lib.sh"
require_root
tap_plan 15

FDT=700
topo_create 3
STANDBY=m2 write_probe_config "$TMP/ipmp.conf" $FDT "targets = $ROUTER"
sed -i '/^\[interface m2\]/,$d' "$TMP/ipmp.conf"	# the standby has no test address
agent_start "$TMP/ipmp.conf"
wait_until 2000 active_is "m0 m1"
wait_probe_replies 20 3000
st() { "$IPMPSTAT" "$@" 2>&1; }
# the group's IPv6 link-local is a data address too, once the kernel has made it
ll=$(wait_until 3000 sh -c "ip -n $NS_H -6 addr show dev ipmp0 scope link | grep -q inet6" &&
	ip -n "$NS_H" -6 -o addr show dev ipmp0 scope link | awk '{print $4}' | cut -d/ -f1)
wait_until 2000 sh -c "'$IPMPSTAT' -an -o address | grep -q '$ll'"
ll_p=$(sed 's/:/\\:/g' <<<"$ll")	# -P escapes ':' in values

ASSERT_EQ "-g: group, name, state, FDT" "ipmp0:g0:ok:0.70s:m1 m0 (m2)" \
	"$(st -gP -o group,groupname,state,fdt,interfaces)"
ASSERT_EQ "-i: active members, the standby, nomination" \
"m2:no:is-----:up:disabled:ok
m1:yes:-------:up:ok:ok
m0:yes:--mbM--:up:ok:ok" "$(st -iP -o interface,active,flags,link,probe,state)"
ASSERT_EQ "-a: each address bound to a member, outbound over the active ones" \
"$DATA1:up:ipmp0:m0:m1 m0
$DATA2:up:ipmp0:m1:m1 m0
$ll_p:up:ipmp0:m0:m1 m0" "$(st -anP -o address,state,group,inbound,outbound)"
ASSERT_EQ "-t: test addresses and targets" \
"m2:disabled::
m1:routes:${TEST_ADDR_BASE}2:$ROUTER
m0:routes:${TEST_ADDR_BASE}1:$ROUTER" "$(st -ntP -o interface,mode,testaddr,targets)"
ASSERT "human -g output has the spec's header" sh -c "'$IPMPSTAT' -g | head -1 | grep -qx 'GROUP       GROUPNAME   STATE     FDT       INTERFACES'"

# --- a link failure: the standby takes over ---------------------------------------------------
member_link 0 down
wait_until 2000 active_is "m1 m2"
ASSERT_EQ "-g after m0's link fails" "degraded:m2 m1 [m0]" "$(st -gP -o state,interfaces)"
ASSERT_EQ "-i after m0's link fails: standby active, nomination moved to m1" \
"m2:yes:-s-----:up:ok
m1:yes:--mbM--:up:ok
m0:no:-------:down:failed" "$(st -iP -o interface,active,flags,link,state)"
ASSERT_EQ "-a: $DATA1 now bound to the standby" "$DATA1:m2" "$(st -anP -o address,inbound | head -1)"
member_link 0 up
wait_until 3000 active_is "m0 m1"

# --- a probe failure: link up, probe failed -----------------------------------------------------
member_path 1 down
ASSERT "m1's probe failure shows in -i" wait_until $((3 * FDT)) sh -c \
	"'$IPMPSTAT' -iP -o interface,link,probe,state | grep -qx 'm1:up:failed:failed'"
member_path 1 up
ASSERT "and its repair" wait_until $((5 * FDT)) sh -c \
	"'$IPMPSTAT' -iP -o interface,probe,state | grep -qx 'm1:ok:ok'"

# --- -p: probes as they resolve -----------------------------------------------------------------
timeout -s INT 1.5 "$IPMPSTAT" -pn >"$TMP/p.out" 2>&1
ASSERT_EQ "-p header (RTTDEV left out at 80 columns)" \
	"TIME      INTERFACE   PROBE  NETRTT    RTT       RTTAVG    TARGET" "$(head -1 "$TMP/p.out")"
ASSERT "-p rows: answered probes of both members with NETRTT and RTT" sh -c \
	"grep -Eq '^-?[0-9]+\.[0-9]{2}s +m0 +[0-9]+ +[0-9]+\.[0-9]{2}ms +[0-9]+\.[0-9]{2}ms +[0-9.]+ms +$ROUTER\$' $TMP/p.out &&
	 grep -Eq ' m1 +[0-9]+ +[0-9.]+ms ' $TMP/p.out"
member_path 1 down
timeout -s INT 1.5 "$IPMPSTAT" -pn -o interface,netrtt,rtt,target,rttdev >"$TMP/p.out" 2>&1
ASSERT "-p: lost probes show no NETRTT or RTT" grep -Eq '^m1 +-- +-- +'"$ROUTER" "$TMP/p.out"
member_path 1 up
wait_until $((5 * FDT)) sh -c "'$IPMPSTAT' -iP -o interface,probe | grep -qx 'm1:ok'"
# --- anyone may read ---------------------------------------------------------------------------
chmod 755 "$TMP"	# our own directory; the socket in it is 0666
ASSERT "an unprivileged user can run ipmpstat" \
	setpriv --reuid=nobody --regid=nogroup --clear-groups "$IPMPSTAT" -g
out=$(IPMP_SOCKET=$TMP/nothing.sock "$IPMPSTAT" -g 2>&1)
ASSERT_EQ "without an agent: illumos' message, exit 1" \
	"ipmpstat: cannot contact in.mpathd(1M) -- is IPMP in use? (exit 1)" "$out (exit $?)"
