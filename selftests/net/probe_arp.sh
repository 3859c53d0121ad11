#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Path monitoring with no test addresses: probe = arp sends RFC 5227 ARP
# probes (sender IP 0.0.0.0) from each member's MAC to the targets. A cut
# path is detected and repaired like with ICMP, and no peer's neighbour
# cache learns anything from the probes.
. "$(dirname "$0")/lib.sh"
require_root
tap_plan 13

FDT=700
topo_create 2
write_config "$TMP/ipmp.conf"
sed -i "s/failure_detection_time = .*/failure_detection_time = $FDT/" "$TMP/ipmp.conf"
sed -i "/^\[group ipmp0\]/a probe = arp" "$TMP/ipmp.conf"
nsx "$NS_R" ip neigh flush all
agent_start "$TMP/ipmp.conf"	# adds the default route: the router is the target

ASSERT "members probe with ARP" wait_until 2000 agent_log_has "m0: probing with ARP (no test address)"
ASSERT_EQ "no member has an IPv4 address" "" "$(ip -n "$NS_H" -4 -o addr show dev m0; ip -n "$NS_H" -4 -o addr show dev m1)"
ASSERT "router target found" wait_until 3000 agent_log_has "m0: probe target $ROUTER (router)"
ASSERT "ARP replies are answered and seen in XDP" wait_probe_replies 30 5000
ASSERT_EQ "the router's neighbour table learned nothing from the probes" "" \
	"$(ip -n "$NS_R" neigh show | grep -v FAILED)"

ASSERT_PATH_CUT_DETECTED 0 $FDT "by ARP probes"
ASSERT "the peer reaches $DATA1 throughout" peer_ping "$DATA1"

# --- IPv6 without ICMPv6 echo: neighbour solicitations from the link-local -------------------------
agent_restart_clean
GROUP_ADDRS="$DATA1/24 2001:db8::10/64"
write_config "$TMP/ipmp.conf"
sed -i "s/failure_detection_time = .*/failure_detection_time = $FDT/" "$TMP/ipmp.conf"
sed -i "/^\[group ipmp0\]/a probe = arp" "$TMP/ipmp.conf"
router_ll=$(ip -n "$NS_R" -6 -o addr show dev r0 scope link | awk '{print $4}' | cut -d/ -f1)
agent_start "$TMP/ipmp.conf"
nsx "$NS_H" ip -6 route add 2001:db8:1::/64 via "$router_ll" dev ipmp0
ASSERT "with IPv6 addresses, members also probe with NS from their link-local" \
	wait_until 5000 sh -c "grep -q 'm0: probing with NS from fe80::' $TMP/agent.log &&
		grep -q 'm1: probing with NS from fe80::' $TMP/agent.log"
ASSERT "the router's link-local is an IPv6 target (link-local next hop)" \
	wait_until 3000 agent_log_has "m0: probe target $router_ll (router)"
timeout 3 "$IPMPSTAT" -pnP -o interface,target,rtt >"$TMP/probes.out" 2>&1
ASSERT "solicited NAs answer the NS probes (XDP stamps them)" \
	grep -q "^m0:fe80.*:[0-9.]*ms\$" "$TMP/probes.out"
ASSERT_PATH_CUT_DETECTED 1 $FDT "by ARP and NS probes"
