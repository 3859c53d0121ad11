#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Offloads: TCP through the group, both ways, with the members' GSO, TSO,
# GRO, scatter-gather and checksum offloads all on, then all off. The group
# interface hands the members whatever it builds (a 64 KB GSO frame, a
# partial checksum); a member that cannot take it has the kernel finish
# the job at its transmit. Every byte arrives as sent either way (the sink
# checks the pattern); the rates are printed, not judged (make bench
# compares throughput).
. "$(dirname "$0")/lib.sh"
require_root
tap_plan 6

topo_create 2
write_config "$TMP/ipmp.conf"
agent_start "$TMP/ipmp.conf"
ASSERT "both members active" wait_until 3000 active_is "m0 m1"
offloads() {	# offloads on|off: every member
	local i f
	for ((i = 0; i < NMEMBERS; i++)); do
		for f in tso gso gro sg tx rx; do
			# a macvlan offers what its lower does
			[ "$MEMBER_KIND" = macvlan ] && nsx "$NS_H" ethtool -K "v$i" "$f" "$1" >/dev/null 2>&1
			nsx "$NS_H" ethtool -K "m$i" "$f" "$1" >/dev/null 2>&1
		done
	done
}
tcp_to_peer() {	# as fast as it goes for 2 s, host to peer: prints the sink's line
	ip netns exec "$NS_P" "$TRAFFIC" tcp-sink "$PEER" 5002 15 >"$TMP/psink.out" 2>&1 &
	local sink=$!
	wait_until 2000 sh -c "ip netns exec $NS_P ss -ltn | grep -q ':5002'"
	nsx "$NS_H" "$TRAFFIC" tcp-send "$PEER" 5002 0 2 >/dev/null 2>&1
	wait "$sink"
	cat "$TMP/psink.out"
}
for state in on off; do
	offloads "$state"
	echo "# m0 offloads $state: $(nsx "$NS_H" ethtool -k m0 | grep -E '^(tcp-segmentation-offload|generic-segmentation-offload|tx-checksumming):' | tr -s ' ' | tr '\n' ' ')"
	tcp_from_peer_start "$DATA1" 0 2
	tcp_from_peer_wait
	echo "# offloads $state, peer -> $DATA1: $(cat "$TMP/sink.out")"
	ASSERT "offloads $state: 2 s of TCP at full speed from the peer arrive intact" \
		grep -Eq '^bytes=[1-9][0-9]* .*result=ok$' "$TMP/sink.out"
	out=$(tcp_to_peer)
	echo "# offloads $state, host -> peer: $out"
	ASSERT "offloads $state: 2 s of TCP at full speed to the peer arrive intact" \
		grep -Eq '^bytes=[1-9][0-9]* .*result=ok$' <<<"$out"
done
drops() { bpftool -j map dump pinned "$BPFFS/g0/drops" | jq -c "$1"; }
echo "# drops by reason (include/ipmp/maps.h): $(drops '[.[].formatted | {(.key|tostring): ([.values[].value] | add)}] | add')"
ASSERT_EQ "no frame the data plane found malformed" "0" \
	"$(drops '[.[].formatted | select(.key == 1) | .values[].value] | add')"
