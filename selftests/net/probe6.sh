#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# ICMPv6 probing from the members' link-local addresses (spec 3.19): targets
# found with ff02::1, replies stamped by XDP; ipmpstat -t shows an IPv6 row.
# Both families probe on their own: a member whose IPv4 path dies while
# IPv6 still answers is not failed; when IPv6 dies too it is, within the
# FDT; either family's answers repair it. A v6-only group detects a cut
# path by ICMPv6 alone; with probe = off it probes in neither family and
# detects by link state alone.
. "$(dirname "$0")/lib.sh"
require_root
tap_plan 18

DATA6_1=2001:db8::10
FDT=1000
topo_create 2
GROUP_ADDRS="$DATA1/24 $DATA6_1/64"
write_probe_config "$TMP/ipmp.conf" "$FDT"
agent_start "$TMP/ipmp.conf"
wait_until 2000 active_is "m0 m1"

m0_ll=$(ip -n "$NS_H" -6 -o addr show dev m0 scope link | awk '{print $4}' | cut -d/ -f1)
ASSERT "m0 probes from its link-local address too" wait_until 5000 agent_log_has "m0: probing from $m0_ll"
ASSERT "ipmpstat -t: an IPv6 row with targets found by ff02::1" wait_until 5000 sh -c \
	"'$IPMPSTAT' -nt -j | jq -e '.[] | select(.interface == \"m0\" and .testaddr == \"$m0_ll\") | select(.mode == \"multicast\" and (.targets | test(\"fe80::\")))' >/dev/null"
ASSERT "two rows per member, IPv4 first" wait_until 5000 sh -c \
	"[ \"\$('$IPMPSTAT' -ntP -o interface,mode | tr '\n' ' ')\" = 'm1:routes m1:multicast m0:routes m0:multicast ' ]"
ASSERT "no member is its own group's target" sh -c \
	"! '$IPMPSTAT' -nt -j | jq -r '.[].targets' | grep -q \"\$(ip -n $NS_H -6 -o addr show dev m1 scope link | awk '{print \$4}' | cut -d/ -f1)\""
# past the quiet period, with history in both families
wait_probe_replies 40 8000

# --- IPv4 dies on m0's path, IPv6 lives: the IPv4 targets stop answering its test address --------
for ns in "$NS_R" "$NS_P"; do ip -n "$ns" route add blackhole "${TEST_ADDR_BASE}1/32"; done
timeout $((3 * FDT / 1000)) "$IPMPSTAT" -pnP -o interface,target,rtt >"$TMP/probes.out" 2>&1
ASSERT "m0's IPv4 probes are lost, its IPv6 ones answered" sh -c \
	"grep -qx 'm0:$ROUTER:' $TMP/probes.out && ! grep -q '^m0:$ROUTER:[0-9]' $TMP/probes.out &&
	 grep -q '^m0:fe80.*:[0-9.]*ms\$' $TMP/probes.out"
ASSERT "m0's IPv4 probes go unanswered, but IPv6 answers, so m0 is not failed" sh -c \
	"! grep -q 'IP interface failure detected on m0' $TMP/agent.log && '$IPMPSTAT' -iP -o interface,state | grep -qx 'm0:ok'"

# --- and now IPv6 too (the whole path): failed within the FDT ------------------------------------------
member_path 0 down
cut=$(now_ms)
ASSERT "with IPv6 gone as well, m0 fails" \
	wait_until $((3 * FDT)) agent_log_has "IP interface failure detected on m0 of group g0"
echo "# detected $(($(now_ms) - cut)) ms after the path was cut (FDT $FDT ms)"
ASSERT "m1 carries the group" wait_until 1000 active_is "m1"
ASSERT "and every address, IPv6 ones included (none left on m0)" sh -c \
	"[ \$('$IPMPSTAT' -an -j | jq '[.[] | select(.inbound == \"m0\")] | length') -eq 0 ] &&
	 '$IPMPSTAT' -an -j | jq -e '.[] | select(.address == \"$DATA6_1\" and .inbound == \"m1\")' >/dev/null"

# --- the path back, IPv4 still unanswered: IPv6's answers alone repair it ---------------------------------
member_path 0 up
ASSERT "IPv6 answers alone repair m0" \
	wait_until $((5 * FDT)) agent_log_has "IP interface repair detected on m0 of group g0"
for ns in "$NS_R" "$NS_P"; do ip -n "$ns" route del blackhole "${TEST_ADDR_BASE}1/32"; done

# --- a v6-only group: ICMPv6 alone detects a cut path -----------------------------------------------
agent_restart_clean
GROUP_ADDRS="$DATA6_1/64"
write_config "$TMP/ipmp.conf"
sed -i "s/failure_detection_time = .*/failure_detection_time = $FDT/" "$TMP/ipmp.conf"
agent_start "$TMP/ipmp.conf"
ASSERT "v6-only: both members probe over ICMPv6" wait_until 5000 sh -c \
	"[ \$(grep -c 'probing from fe80::' $TMP/agent.log) -eq 2 ]"
wait_probe_replies 40 8000
ASSERT_PATH_CUT_DETECTED 0 "$FDT" "by ICMPv6 alone"

# --- probe = off: no probing in either family, link state alone -----------------------------------------
agent_restart_clean
GROUP_ADDRS="$DATA1/24 $DATA6_1/64"
write_probe_config "$TMP/ipmp.conf" "$FDT" "probe = off"
agent_start "$TMP/ipmp.conf"
ASSERT "probe = off: said for each member" wait_until 3000 sh -c \
	"[ \$(grep -c 'probe = off for interface m[01]; probe-based failure detection is disabled' $TMP/agent.log) -eq 2 ]"
replies=$(probe_replies)
sleep $((2 * FDT / 1000))
ASSERT_EQ "no probe in either family (no reply in $((2 * FDT)) ms, no probing line)" "$replies 0" \
	"$(probe_replies) $(grep -c 'probing from' "$TMP/agent.log")"
member_path 0 down
sleep $((3 * FDT / 1000))
ASSERT_EQ "a cut path behind the switch is not seen (as bonding's miimon)" "m0:ok" \
	"$("$IPMPSTAT" -iP -o interface,state | grep '^m0:')"
member_path 0 up
member_link 0 down
ASSERT "a carrier loss is" wait_until 1000 agent_log_has "IP interface failure detected on m0 of group g0"
member_link 0 up
member_create 2
NMEMBERS=3
"$IPMPADM" add-interface g0 m2 probe off >"$TMP/add.out" 2>&1 || cat "$TMP/add.out" >&2
sleep 3	# past its link-local's DAD, when it would start probing over ICMPv6
ASSERT "ipmpadm add-interface ... probe off: a member that does not probe" sh -c \
	"'$IPMPSTAT' -iP -o interface | grep -qx m2 && ! grep -q 'probing from' $TMP/agent.log"
