#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Path monitoring with no test addresses: probe = arp sends RFC 5227 ARP
# probes (sender IP 0.0.0.0) from each member's MAC to the targets. A cut
# path is detected and repaired like with ICMP, and no peer's neighbour
# cache learns anything from the probes.
. "$(dirname "$0")/lib.sh"
require_root
tap_plan 8

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
