#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# A group of three members: every data address answers ping and TCP from
# the peer, the peer learns member MACs (one address per member), routed
# traffic leaves through the group, and the group's own MAC never shows
# up on the wire.
. "$(dirname "$0")/lib.sh"
require_root
tap_plan 13

topo_create 3
GROUP_ADDRS="$DATA1/24 $DATA2/24 $DATA3/24"
write_config "$TMP/ipmp.conf"
ip netns exec "$NS_SW" tcpdump -i br0 -nn -e -U -w "$TMP/br0.pcap" >/dev/null 2>&1 &
PIDS+=($!)
wait_until 3000 test -s "$TMP/br0.pcap"
agent_start "$TMP/ipmp.conf"

ASSERT "all three members active in the data plane" wait_until 2000 active_is "m0 m1 m2"
for a in $DATA1 $DATA2 $DATA3; do
	ASSERT "peer pings $a" wait_until 2000 peer_ping "$a"
done
seen="$(peer_sees $DATA1) $(peer_sees $DATA2) $(peer_sees $DATA3)"
ASSERT_EQ "peer's neighbour table spreads the addresses over the members" \
	"m0 m1 m2" "$(echo $seen | tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/ $//')"
gmac=$(mac_of "$NS_H" ipmp0)
ASSERT "peer never learned the group MAC" sh -c "! ip -n $NS_P neigh | grep -qi '$gmac'"

for a in $DATA1 $DATA2 $DATA3; do
	tcp_from_peer_start "$a" 1000000 1
	tcp_from_peer_wait
	ASSERT_EQ "TCP transfer from the peer to $a" "bytes=1000000 ok" "$TCP_RESULT"
done
ASSERT "host reaches $FAR through the router" nsx "$NS_H" ping -c1 -W1 -q "$FAR"

# Several outbound flows from the host: more than one member transmits.
for port in 7001 7002 7003 7004 7005 7006 7007 7008; do
	nsx "$NS_H" sh -c "echo x > /dev/udp/$PEER/$port" 2>/dev/null
done
txers=$(bpftool -j map dump pinned "$BPFFS/g0/stats" |
	jq '[.[] | select(([.formatted.values[].value.tx_packets] | add) > 0)] | length')
ASSERT "outbound flows spread over more than one member ($txers transmitted)" test "$txers" -ge 2

sleep 0.2
kill "${PIDS[0]}" 2>/dev/null; wait "${PIDS[0]}" 2>/dev/null
frames=$(tcpdump -r "$TMP/br0.pcap" -nn 2>/dev/null | wc -l)
leaks=$(tcpdump -r "$TMP/br0.pcap" -nn -e "ether host $gmac" 2>/dev/null | wc -l)
ASSERT "bridge capture saw traffic ($frames frames)" test "$frames" -gt 50
ASSERT_EQ "frames on the wire carrying the group MAC $gmac" 0 "$leaks"
