#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# XDP attach modes (xdp = auto | native | generic | off, global and per
# interface):
#   - off: no XDP program on the member; member_ingress recognises the
#     probe replies, and a cut path is still detected and repaired;
#   - generic works on any member; native works where the driver has it
#     (veth) and is refused with a message naming what works where it has
#     not (macvlan), the member going on with link-based detection;
#   - a reload that changes a member's mode re-attaches in the new one;
#   - a driver that resets to take a native program (the carrier drops a
#     moment after our attach) is neither a failure nor a flap; the same
#     carrier loss later is a failure.
. "$(dirname "$0")/lib.sh"
require_root
tap_plan 14

FDT=1000
LINKWATCH_GRACE_S=2	# LINKWATCH_XDP_GRACE_MS
topo_create 2
write_probe_config "$TMP/ipmp.conf" $FDT
sed -i "/^\[global\]/a xdp = off" "$TMP/ipmp.conf"
export IPMP_TEST_XDP_RESET=m1	# see below
agent_start "$TMP/ipmp.conf"
xdp_mode_of() {	# the XDP attachment of a member as ip -d link shows it: xdp, xdpgeneric, or none
	ip -n "$NS_H" -d link show "$1" | grep -o 'xdp[a-z]* ' | head -1 | tr -d ' ' | grep . || echo none
}

# --- off -------------------------------------------------------------------------------------
ASSERT_EQ "xdp = off: no XDP program on the members" "none none" "$(xdp_mode_of m0) $(xdp_mode_of m1)"
ASSERT "probe replies are recognised in tc instead" wait_probe_replies 20 5000
ASSERT_PATH_CUT_DETECTED 0 $FDT "with xdp = off"

# --- generic, per interface; a reload re-attaches ---------------------------------------------------
printf 'xdp = generic\n' >>"$TMP/ipmp.conf"	# into the last [interface] section: m1
ASSERT "reload" sh -c "'$IPMPADM' reload >/dev/null"
ASSERT_EQ "m1 is generic now, m0 still off" "none xdpgeneric" "$(xdp_mode_of m0) $(xdp_mode_of m1)"
ASSERT "m1's replies are stamped by XDP again" wait_probe_replies 10 3000

# --- native ---------------------------------------------------------------------------------------
mark=$(wc -l <"$TMP/agent.log")
sed -i '$d' "$TMP/ipmp.conf"
printf 'xdp = native\n' >>"$TMP/ipmp.conf"
"$IPMPADM" reload >/dev/null 2>&1
if [ "$MEMBER_KIND" = macvlan ]; then
	ASSERT "native on a macvlan is refused, naming the modes that work" wait_until 2000 sh -c \
		"tail -n +$((mark + 1)) $TMP/agent.log | grep -q 'cannot attach member_xdp to m1 in native mode (driver macvlan).*xdp = generic or off works'"
	ASSERT_EQ "and m1 goes on without probes (PROBE disabled), m0 probing" "m0:ok m1:disabled" \
		"$("$IPMPSTAT" -iP -o interface,probe | sort | tr '\n' ' ' | sed 's/ $//')"
	for i in 1 2 3 4 5; do ok "# SKIP the driver's reset on a native attach: macvlan has no native XDP"; done
	exit 0
fi
ASSERT "native on a veth" wait_until 2000 sh -c \
	"tail -n +$((mark + 1)) $TMP/agent.log | grep -q 'm1: member_xdp attached (native)'"
ASSERT_EQ "ip link shows it in the driver" "xdp" "$(xdp_mode_of m1)"

# --- a driver's reset after our native attach ----------------------------------------------
# A veth never resets: the agent is told to treat m1's attach as a driver's
# reset (IPMP_TEST_XDP_RESET), and the test makes the carrier loss itself.
# m1 off, then native again: the attach is now; its "reset" follows within the grace time
sed -i '$d' "$TMP/ipmp.conf"
printf 'xdp = off\n' >>"$TMP/ipmp.conf"
"$IPMPADM" reload >/dev/null 2>&1
sed -i '$d' "$TMP/ipmp.conf"
printf 'xdp = native\n' >>"$TMP/ipmp.conf"
mark=$(wc -l <"$TMP/agent.log")
"$IPMPADM" reload >/dev/null 2>&1
member_link 1 down
sleep 1.2	# longer than five probe intervals: no probing while held, so no probe failure either
member_link 1 up
ASSERT "the carrier loss right after the attach is held" wait_until 2000 sh -c \
	"tail -n +$((mark + 1)) $TMP/agent.log | grep -q 'm1: the carrier came back after attaching XDP'"
ASSERT "not a failure" sh -c "! tail -n +$((mark + 1)) $TMP/agent.log | grep -q 'failure detected on m1'"
ASSERT_EQ "m1 active, ok" "m1:yes:ok" "$("$IPMPSTAT" -iP -o interface,active,state | grep '^m1:')"
ASSERT "nor counted as a flap (no link event at all)" sh -c \
	"! tail -n +$((mark + 1)) $TMP/agent.log | grep -q 'The link has gone down on m1'"
sleep $((LINKWATCH_GRACE_S + 1))
member_link 1 down
ASSERT "later, the same carrier loss is a failure" \
	wait_until 1000 agent_log_has "IP interface failure detected on m1 of group g0"
member_link 1 up
