#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# ipmpadm add-interface / remove-interface on a running group: a new member
# takes its share of the addresses (announced from its MAC) and is listed
# first; a member that leaves hands its addresses over and leaves nothing of
# ours on its netdev; an offline-then-remove under a sequenced UDP stream
# loses nothing; the refusals say what is wrong; changes need privilege.
. "$(dirname "$0")/lib.sh"
require_root
tap_plan 21

topo_create 3
GROUP_ADDRS="$DATA1/24 $DATA2/24 $DATA3/24"
# m2 exists but is not configured
{
	echo "[global]"
	echo "failure_detection_time = 1000"
	echo "[group ipmp0]"
	echo "name = g0"
	echo "interfaces = m0 m1"
	echo "addresses = $GROUP_ADDRS"
} >"$TMP/ipmp.conf"
agent_start "$TMP/ipmp.conf"
wait_until 2000 active_is "m0 m1"
has_our_filter() { tc -n "$NS_H" filter show dev "$1" ingress | grep -q 'handle 0x49504d50'; }

# --- add ------------------------------------------------------------------------------------
ASSERT_EQ "add-interface g0 m2 succeeds silently" "" "$(adm add-interface g0 m2)"
ASSERT "m2 is active in the data plane" wait_until 2000 active_is "m0 m1 m2"
ASSERT_EQ "ipmpstat lists the newest member first" "m2 m1 m0" "$("$IPMPSTAT" -gP -o interfaces)"
ASSERT_EQ "three addresses, one per member" "m0 m1 m2" \
	"$(for a in $DATA1 $DATA2 $DATA3; do inbound_of "$a"; done | sort | tr '\n' ' ' | sed 's/ $//')"
moved=$(for a in $DATA1 $DATA2 $DATA3; do [ "$(inbound_of "$a")" = m2 ] && echo "$a"; done)
ASSERT "the address that moved to m2 is announced from m2's MAC" wait_until 2000 peer_sees_is "$moved" m2
ASSERT "m2 carries our ingress filter" has_our_filter m2

# --- refusals -------------------------------------------------------------------------------
ASSERT_EQ "a member of a group" "ipmpadm: cannot add m1 to g0: m1 is already in group g0" \
	"$(adm add-interface g0 m1)"
ASSERT_EQ "an interface that does not exist" \
	"ipmpadm: cannot add nosuch0 to g0: nosuch0: no such interface" "$(adm add-interface g0 nosuch0)"
ASSERT_EQ "the group interface itself" "ipmpadm: cannot add ipmp0 to g0: ipmp0 is a group interface" \
	"$(adm add-interface g0 ipmp0)"
ASSERT_EQ "an unknown group" "ipmpadm: cannot add lo to nog: unknown IPMP group" \
	"$(adm add-interface nog lo)"
ASSERT_EQ "a bad test address" \
	"ipmpadm: cannot add m2 to g0: bad test address: not an IP address" \
	"$(adm add-interface g0 m2 test-address 192.0.2.300/24)"
ASSERT_EQ "remove an interface in no group" "ipmpadm: cannot remove lo: not in an IPMP group" \
	"$(adm remove-interface lo)"

# --- remove a member under traffic: offline first, then remove -------------------------------
carrier=$(inbound_of "$DATA1")
udp_stream_start "$DATA1" 3
sleep 0.7
if_mpadm -d "$carrier"
sleep 0.7
ASSERT_EQ "remove-interface $carrier (the member $DATA1 was on)" "" "$(adm remove-interface "$carrier")"
udp_stream_wait
ASSERT_EQ "offline then remove under 5,000 datagrams/s both ways loses none" "lost=0" \
	"$(udp_stream_lost)"
ASSERT "ipmpstat no longer lists $carrier" sh -c "! '$IPMPSTAT' -iP -o interface | grep -qx $carrier"
ASSERT "the data plane forgets it" wait_until 1000 sh -c \
	"! bpftool -j map dump pinned $BPFFS/g0/members | jq -e '.[] | select(.formatted.value.ifindex == $(nsx "$NS_H" cat /sys/class/net/"$carrier"/ifindex))' >/dev/null"
ASSERT "its netdev keeps none of our filters" sh -c "! tc -n $NS_H filter show dev $carrier ingress | grep -q 49504d50"

# --- add it back as a probing standby; remove it again -------------------------------------------
ASSERT_EQ "add-interface with standby and a test address" "" \
	"$(adm add-interface g0 "$carrier" standby test-address 192.0.2.29/24)"
ASSERT "it is a standby with its test address" wait_until 2000 sh -c \
	"'$IPMPSTAT' -iP -o interface,flags | grep -qx '$carrier:is-----' &&
	 ip -n $NS_H addr show dev $carrier | grep -q '192.0.2.29/24'"
adm remove-interface "$carrier" >/dev/null
ASSERT "removing it takes its test address and XDP program away" sh -c \
	"! ip -n $NS_H addr show dev $carrier | grep -q 192.0.2.29 &&
	 ! ip -n $NS_H link show dev $carrier | grep -q xdp && [ ! -e $BPFFS/g0/xdp_$carrier ]"

# --- privilege --------------------------------------------------------------------------------------
chmod 755 "$TMP"
ASSERT_EQ "an unprivileged user cannot add or remove members" \
	"ipmpadm: cannot add $carrier to g0: Operation not permitted
ipmpadm: cannot remove m2: Operation not permitted" \
	"$(setpriv --reuid=nobody --regid=nogroup --clear-groups "$IPMPADM" add-interface g0 "$carrier" 2>&1
	   setpriv --reuid=nobody --regid=nogroup --clear-groups "$IPMPADM" remove-interface m2 2>&1)"
