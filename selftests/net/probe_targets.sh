#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Where probe targets come from, and what cannot fake them:
#   - configured targets win over routers in the routing table;
#   - with neither, hosts answering the all-hosts echo become targets;
#   - a namespace forging echo replies (wrong tags, or replays of old
#     sequence numbers with the right one) does not keep a dead member alive;
#   - nor does a host that only sees what every host on the link sees (the
#     all-hosts echo) and answers for the target that stopped answering.
. "$(dirname "$0")/lib.sh"
require_root
tap_plan 15

FDT=700
topo_create 2
# peers answer the all-hosts echo (Linux ignores it by default)
nsx "$NS_P" sysctl -qw net.ipv4.icmp_echo_ignore_broadcasts=0
nsx "$NS_R" sysctl -qw net.ipv4.icmp_echo_ignore_broadcasts=0

# --- configured targets ----------------------------------------------------------
write_probe_config "$TMP/ipmp.conf" $FDT "targets = $PEER"
agent_start "$TMP/ipmp.conf"
ASSERT "members probe from their test addresses" \
	wait_until 2000 agent_log_has "m1: probing from ${TEST_ADDR_BASE}2"
wait_probe_replies 20 3000
ASSERT_EQ "the configured target wins over the router in the routing table" "" \
	"$(grep '(router)' "$TMP/agent.log")"
ASSERT_PATH_CUT_DETECTED 1 $FDT "with a configured target"
agent_restart_clean

# --- multicast discovery -----------------------------------------------------------
write_probe_config "$TMP/ipmp.conf" $FDT
ip netns exec "$NS_H" "$AGENT" -c "$TMP/ipmp.conf" --bpffs "$BPFFS" --socket "$IPMP_SOCKET" -d >>"$TMP/agent.log" 2>&1 &
AGENT_PID=$!		# no default route this time: no routers to find
ASSERT "hosts answering the all-hosts echo become targets" \
	wait_until 3000 sh -c "grep -q 'm0: probe target .* (found by multicast)' $TMP/agent.log"
ASSERT "both hosts on the link are found" wait_until 3000 sh -c \
	"grep -q 'm0: probe target $PEER (found' $TMP/agent.log && grep -q 'm0: probe target $ROUTER (found' $TMP/agent.log"
wait_probe_replies 20 3000
ASSERT_PATH_CUT_DETECTED 0 $FDT "with discovered targets"
agent_restart_clean

# --- forged replies --------------------------------------------------------------------
# m0's port moves to an island shared only with a forger, who claims to be
# the router. It knows m0's identifier and, for the replays, even the key
# the probe tags are made with (read from the pinned map: what only root can).
write_probe_config "$TMP/ipmp.conf" $FDT "targets = $ROUTER"
agent_start "$TMP/ipmp.conf"
wait_until 3000 active_is "m0 m1"
wait_probe_replies 40 5000	# sequence numbers 1..20 are old by now
NS_F=ipmp-f-$SUFFIX
ip netns add "$NS_F"
cleanup_forger() { ip netns del "$NS_F" 2>/dev/null; }
trap 'cleanup_forger; cleanup' EXIT
nsx "$NS_SW" ip link add br1 type bridge
nsx "$NS_SW" ip link set br1 up
ip -n "$NS_F" link add f0 type veth peer name sf netns "$NS_SW"
nsx "$NS_SW" ip link set sf master br1 up
nsx "$NS_F" ip addr add 192.0.2.66/24 dev f0
nsx "$NS_F" ip link set f0 up
nsx "$NS_SW" ip link set s0 master br1	# m0's carrier stays up

# m0's probe_cfg entry, raw: key (16 bytes), echo_id (2 bytes, network order)
entry=$(bpftool -j map dump pinned "$BPFFS/g0/probe_cfg" |
	jq -c '.[] | select(.formatted.key == '"$(nsx "$NS_H" cat /sys/class/net/m0/ifindex)"') | .value')
key=$(jq -r '.[0:16] | map(.[2:]) | join("")' <<<"$entry")
id_wire=$(jq -r '.[16:18] | map(.[2:]) | join("")' <<<"$entry")
id_wire=$((16#$id_wire))
forge() { nsx "$NS_F" "$TRAFFIC" echo-forge "${TEST_ADDR_BASE}1" "$ROUTER" "$id_wire" "$@"; }
# a wrong key, every recent sequence number; then the right key with old ones
(for round in 1 2 3 4 5 6; do
	forge 0123456789abcdef0123456789abcdef 1 400 1 >/dev/null
	forge "$key" 1 20 5 >/dev/null
	sleep 0.2
done) &
PIDS+=($!)
ASSERT "forged replies do not keep m0 alive" \
	wait_until $((4 * FDT)) agent_log_has "IP interface failure detected on m0 of group g0"
wait "${PIDS[-1]}"
spoofed=$(bpftool -j map dump pinned "$BPFFS/g0/probe_stats" | jq '.[1].formatted.values | map(.value) | add')
ASSERT "XDP counted and dropped the wrong-tag replies ($spoofed of 2400)" test "$spoofed" -eq 2400
ASSERT "replayed sequence numbers were refused (duplicate or out of window)" \
	sh -c "grep -qE 'Duplicate probe reply|out of window probe seq' $TMP/agent.log"

# --- a host on the link that sees the all-hosts echo -----------------------------------------
# m0's port goes back to the switch. Only the peer answers the all-hosts
# echo, so it is m0's one target; with one host target an all-hosts echo
# goes out with every probe, and every host on the link, the forger
# included, receives it. Then the peer stops answering m0 (its replies to
# m0's test address are blackholed); the forger answers in its place with
# what those echoes carried.
agent_stop
nsx "$NS_SW" ip link set s0 master br0
nsx "$NS_SW" ip link set sf master br0
nsx "$NS_R" sysctl -qw net.ipv4.icmp_echo_ignore_broadcasts=1
agent_restart_clean
write_probe_config "$TMP/ipmp.conf" $FDT
ip netns exec "$NS_H" "$AGENT" -c "$TMP/ipmp.conf" --bpffs "$BPFFS" --socket "$IPMP_SOCKET" -d >>"$TMP/agent.log" 2>&1 &
AGENT_PID=$!
wait_until 15000 group_up
ASSERT "the peer, answering the all-hosts echo, is m0's target" \
	wait_until 3000 agent_log_has "m0: probe target $PEER (found by multicast)"
wait_probe_replies 30 5000
spoofed0=$(bpftool -j map dump pinned "$BPFFS/g0/probe_stats" | jq '.[1].formatted.values | map(.value) | add')
nsx "$NS_F" "$TRAFFIC" echo-sniff-forge f0 "${TEST_ADDR_BASE}1" "$PEER" $((6 * FDT / 1000 + 3)) >"$TMP/sniff.out" &
PIDS+=($!)
sleep 0.5
nsx "$NS_P" ip route add blackhole "${TEST_ADDR_BASE}1/32"
ASSERT "the sniffer's answers for the peer do not keep m0 alive" \
	wait_until $((4 * FDT)) agent_log_has "IP interface failure detected on m0 of group g0"
wait "${PIDS[-1]}"
echo "# sniffer: $(cat "$TMP/sniff.out")"
ASSERT "the sniffer saw m0's all-hosts echoes and answered them" \
	grep -qE 'seen=[1-9][0-9]* forged=[1-9]' "$TMP/sniff.out"
spoofed=$(bpftool -j map dump pinned "$BPFFS/g0/probe_stats" | jq '.[1].formatted.values | map(.value) | add')
ASSERT "XDP dropped them all as forged ($((spoofed - spoofed0)))" \
	test "$((spoofed - spoofed0))" -ge "$(sed -n 's/.*forged=\([0-9]*\).*/\1/p' "$TMP/sniff.out")"
