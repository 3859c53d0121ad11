#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# A configuration with errors is rejected with file:line, by --check and by
# the agent itself, and the agent then changes nothing on the system.
. "$(dirname "$0")/lib.sh"
require_root
tap_plan 10

topo_create 2
cat >"$TMP/bad.conf" <<CONF
[global]
failure_detection_time = 1000
[group ipmp0]
interfaces = m0 m1
standby = m3
addresses = $DATA1/24 192.0.2.300/24
CONF

out=$("$AGENT" -c "$TMP/bad.conf" --check 2>&1)
rc=$?
ASSERT_EQ "--check exits 1 on a bad file" 1 "$rc"
ASSERT "--check names file and line of the standby error" \
	grep -qF "$TMP/bad.conf:5: standby interface m3 is not in interfaces of group ipmp0" <<<"$out"
ASSERT "--check names file and line of the address error" \
	grep -qF "$TMP/bad.conf:6: address '192.0.2.300/24': not an IP address" <<<"$out"

before=$(ip -n "$NS_H" -d link show; nsx "$NS_H" sysctl net.ipv4.conf.m0.arp_ignore)
nsx "$NS_H" "$AGENT" -c "$TMP/bad.conf" --bpffs "$BPFFS" --socket "$IPMP_SOCKET" >"$TMP/agent.log" 2>&1
rc=$?
after=$(ip -n "$NS_H" -d link show; nsx "$NS_H" sysctl net.ipv4.conf.m0.arp_ignore)
ASSERT_EQ "the agent exits 1 on a bad file" 1 "$rc"
ASSERT_EQ "links and sysctls in the host namespace are unchanged" "$before" "$after"
ASSERT "nothing was pinned" sh -c "! ls -d $BPFFS/*/ 2>/dev/null | grep -q ."

write_config "$TMP/good.conf"
ASSERT "--check accepts a good file" "$AGENT" -c "$TMP/good.conf" --check

# An interface called ipmp0 that is not ours is refused, and left alone.
nsx "$NS_H" ip link add ipmp0 type bridge
nsx "$NS_H" "$AGENT" -c "$TMP/good.conf" --bpffs "$BPFFS" --socket "$IPMP_SOCKET" >"$TMP/agent.log" 2>&1
ASSERT_EQ "the agent exits 1 when ipmp0 is someone else's" 1 "$?"
ASSERT "it says why" grep -qF "ipmp0 exists and is not a group interface (kind 'bridge', not veth)" "$TMP/agent.log"
ASSERT "the bridge is still there and no filter was left on m0" sh -c \
	"ip -n $NS_H -d link show ipmp0 | grep -q bridge && [ -z \"\$(ip netns exec $NS_H tc filter show dev m0 ingress)\" ]"
