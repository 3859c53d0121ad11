#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# if_mpadm: a planned offline under a sequenced UDP stream loses nothing;
# ipmpstat shows it; undo brings the member back; the refusals and
# messages are illumos'; changing state needs privilege, reading does not.
. "$(dirname "$0")/lib.sh"
require_root
tap_plan 17

topo_create 3
write_config "$TMP/ipmp.conf"
agent_start "$TMP/ipmp.conf"
wait_until 2000 active_is "m0 m1 m2"
peer_ping "$DATA1"
mpadm() { if_mpadm "$@" 2>&1; }

# --- offline under traffic: nothing lost -------------------------------------------------
udp_stream_start "$DATA1" 2
sleep 0.7
ASSERT_EQ "if_mpadm -d m0 succeeds silently" "" "$(mpadm -d m0)"
udp_stream_wait
ASSERT_EQ "a planned offline under 5,000 datagrams/s both ways loses none" "lost=0" \
	"$(udp_stream_lost)"
off_m0() { peer_ping "$1"; [ "$(peer_sees "$1")" != m0 ] && [ "$(peer_sees "$1")" != "?" ]; }
ASSERT "$DATA1 moved off m0" wait_until 2000 off_m0 "$DATA1"
ASSERT_EQ "ipmpstat -i shows m0 offline" "m0:no:offline" \
	"$("$IPMPSTAT" -iP -o interface,active,state | grep '^m0:')"
ASSERT_EQ "ipmpstat -g puts it among the unusable" "m2 m1 [m0]" "$("$IPMPSTAT" -gP -o interfaces)"

# --- refusals --------------------------------------------------------------------------------
ASSERT_EQ "offline twice" "if_mpadm: fatal: interface m0 is already offline" "$(mpadm -d m0)"
ASSERT_EQ "undo a member that is not offline" "if_mpadm: fatal: interface m1 is not offline" "$(mpadm -r m1)"
mpadm -d m1 >/dev/null
ASSERT_EQ "the last usable member cannot go offline" \
	"if_mpadm: fatal: cannot offline m2: no other functioning interfaces are in its IPMP group" \
	"$(mpadm -d m2)"
ASSERT_EQ "an interface not in a group" \
	"if_mpadm: fatal: cannot offline lo: not a physical interface or not in an IPMP group" \
	"$(nsx "$NS_H" "$IF_MPADM" -d lo 2>&1)"
ASSERT_EQ "an interface that does not exist" \
	"if_mpadm: fatal: cannot get interface flags on nosuch0: No such device or address" \
	"$(mpadm -d nosuch0)"
ASSERT_EQ "an unknown option: getopt's complaint, then the usage" \
	"if_mpadm: illegal option -- x
Usage: if_mpadm [-d | -r] <interface>" "$(mpadm -x m0)"
ASSERT_EQ "a missing operand" "if_mpadm: option requires an argument -- d
Usage: if_mpadm [-d | -r] <interface>" "$(mpadm -d)"

# --- privilege ---------------------------------------------------------------------------------
chmod 755 "$TMP"
ASSERT_EQ "an unprivileged user cannot offline" \
	"if_mpadm: fatal: cannot offline m2: Operation not permitted" \
	"$(nsx "$NS_H" setpriv --reuid=nobody --regid=nogroup --clear-groups "$IF_MPADM" -d m2 2>&1)"

out=$("$IPMPSTAT" -p 2>&1)
ASSERT_EQ "ipmpstat -p with no member probing" \
	"ipmpstat: probe-based failure detection is disabled (exit 1)" "$out (exit $?)"

# --- undo -----------------------------------------------------------------------------------------
ASSERT_EQ "if_mpadm -r m0 and -r m1" "" "$(mpadm -r m0; mpadm -r m1)"
ASSERT "both are back in the active set" wait_until 2000 active_is "m0 m1 m2"

# the interface is checked first, as illumos' if_mpadm does: no agent needed to say it is missing
agent_stop
ASSERT_EQ "without an agent, a missing interface is still named as such" \
	"if_mpadm: fatal: cannot get interface flags on nosuch0: No such device or address" \
	"$(mpadm -d nosuch0)"
