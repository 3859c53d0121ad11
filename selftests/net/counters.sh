#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The group interface counts and shows its traffic like any interface
# (datapath = veth, the default): ip -s link, node_exporter's netdev
# metrics and tcpdump -i ipmp0 see the group's frames both ways, with the
# right direction. Our own probes and announcements leave by the members
# and are not the group's. With datapath = direct, ipmp0 is bypassed on
# the way out: its tx counter stays still and tcpdump sees only inbound.
. "$(dirname "$0")/lib.sh"
require_root
tap_plan 15

topo_create 2
write_config "$TMP/ipmp.conf"
agent_start "$TMP/ipmp.conf"
ASSERT "both members active" wait_until 3000 active_is "m0 m1"
peer_ping "$DATA1"
stat_of() {	# stat_of rx|tx packets|bytes
	ip -n "$NS_H" -j -s link show ipmp0 | jq ".[0].stats64.$1.$2"
}
rx0=$(stat_of rx packets) tx0=$(stat_of tx packets) rxb0=$(stat_of rx bytes)
ip netns exec "$NS_H" timeout 6 tcpdump -i ipmp0 -n -l -Q in "icmp and host $PEER" >"$TMP/in.txt" 2>/dev/null &
dump_in=$!
ip netns exec "$NS_H" timeout 6 tcpdump -i ipmp0 -n -l -Q out "icmp and host $PEER" >"$TMP/out.txt" 2>/dev/null &
dump_out=$!
sleep 1
nsx "$NS_P" ping -c 20 -i 0.05 -q -s 1000 "$DATA1" >/dev/null
nsx "$NS_H" ping -c 20 -i 0.05 -q "$PEER" >/dev/null
wait "$dump_in" "$dump_out"
rx1=$(stat_of rx packets) tx1=$(stat_of tx packets) rxb1=$(stat_of rx bytes)
echo "# ipmp0: +$((rx1 - rx0)) packets in (+$((rxb1 - rxb0)) bytes), +$((tx1 - tx0)) out"
ASSERT "ip -s link: ipmp0 received the peer's 20 requests and the 20 replies to ours" test $((rx1 - rx0)) -ge 40
ASSERT "and sent 20 replies and 20 requests" test $((tx1 - tx0)) -ge 40
ASSERT "bytes counted too (20 x 1028 at least)" test $((rxb1 - rxb0)) -ge 20560
ASSERT_EQ "tcpdump -Q in on ipmp0: the peer's 20 requests and 20 replies" "20 20" \
	"$(grep -c 'echo request' "$TMP/in.txt") $(grep -c 'echo reply' "$TMP/in.txt")"
ASSERT_EQ "tcpdump -Q out on ipmp0: 20 replies and 20 requests" "20 20" \
	"$(grep -c 'echo reply' "$TMP/out.txt") $(grep -c 'echo request' "$TMP/out.txt")"

# --- node_exporter reads the same counters ----------------------------------------------------
nsx "$NS_H" prometheus-node-exporter --web.listen-address=127.0.0.1:9100 \
	--collector.disable-defaults --collector.netdev >"$TMP/ne.log" 2>&1 &
PIDS+=($!)
scrape() { nsx "$NS_H" curl -s http://127.0.0.1:9100/metrics; }
wait_until 3000 sh -c "ip netns exec $NS_H curl -s http://127.0.0.1:9100/metrics | grep -q node_network"
ne_tx=$(scrape | sed -n 's/^node_network_transmit_packets_total{device="ipmp0"} \(.*\)/\1/p')
ASSERT "node_exporter: node_network_transmit_packets_total{device=\"ipmp0\"} is ipmp0's ($ne_tx)" \
	test "${ne_tx%.*}" -ge "$tx1"

# --- datapath = direct --------------------------------------------------------------------------
sed -i "/^\[global\]/a datapath = direct" "$TMP/ipmp.conf"
ASSERT "reload with datapath = direct" sh -c "'$IPMPADM' reload >/dev/null"
tx2=$(stat_of tx packets)
ASSERT "the peer still reaches $DATA1" wait_until 2000 peer_ping "$DATA1"
nsx "$NS_P" ping -c 20 -i 0.05 -q "$DATA1" >/dev/null
echo "# datapath = direct: ipmp0 sent +$(($(stat_of tx packets) - tx2)) packets for 20 replies"
ASSERT "with datapath = direct ipmp0's tx counter misses the group's outbound" \
	test $(($(stat_of tx packets) - tx2)) -lt 20
ASSERT_EQ "and nothing of ours is left at the veth peer's ingress" "" \
	"$(nsx "$NS_H" tc filter show dev ipmp0-p ingress)"
ASSERT "group_egress is on ipmp0's egress instead" \
	sh -c "ip netns exec $NS_H tc filter show dev ipmp0 egress | grep -q group_egress"

# --- back to veth across a restart (the data plane stays, adopted) ---------------------------------
agent_stop
sed -i "/^datapath = direct/d" "$TMP/ipmp.conf"
: >"$TMP/agent.log"
agent_start "$TMP/ipmp.conf"
wait_until 5000 agent_log_has "ipmp-agent 0.1 running"
ASSERT "after a restart with datapath = veth, the peer reaches $DATA1" \
	wait_until 2000 peer_ping "$DATA1"
ASSERT "group_egress is back at the veth peer's ingress" \
	sh -c "ip netns exec $NS_H tc filter show dev ipmp0-p ingress | grep -q group_egress"
ASSERT_EQ "and off ipmp0's egress" "" "$(nsx "$NS_H" tc filter show dev ipmp0 egress)"
