#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Living with network managers (agent/managers.h): the agent writes the
# runtime configuration that tells NetworkManager and systemd-networkd to
# leave the groups' interfaces alone (here under the test's own run
# directory), rewrites it when a reload changes the interfaces, and
# --cleanup removes it; an address or a route another tool puts on a
# member is said, once.
. "$(dirname "$0")/lib.sh"
require_root
tap_plan 9

topo_create 3
STANDBY=
write_config "$TMP/ipmp.conf"
sed -i 's/^interfaces = m0 m1 m2$/interfaces = m0 m1/' "$TMP/ipmp.conf"
agent_start "$TMP/ipmp.conf"
NM=$IPMP_RUN_DIR/NetworkManager/conf.d/90-ipmp.conf
ND=$IPMP_RUN_DIR/systemd/network/10-ipmp.network
ASSERT_EQ "NetworkManager: unmanaged-devices names the group interface, its peer, the members" \
	"unmanaged-devices=interface-name:ipmp0;interface-name:ipmp0-p;interface-name:m0;interface-name:m1" \
	"$(grep '^unmanaged-devices=' "$NM")"
ASSERT_EQ "systemd-networkd: Unmanaged=yes for the same names" "Name=ipmp0 ipmp0-p m0 m1|Unmanaged=yes" \
	"$(grep -E '^(Name|Unmanaged)=' "$ND" | tr '\n' '|' | sed 's/|$//')"
ASSERT "the agent says so" agent_log_has "told NetworkManager to leave the groups' interfaces alone"
sed -i 's/^interfaces = m0 m1$/interfaces = m0 m1 m2/' "$TMP/ipmp.conf"
"$IPMPADM" reload >/dev/null
ASSERT "a reload that adds m2 rewrites both" sh -c "grep -q 'interface-name:m2' $NM && grep -q '^Name=ipmp0 ipmp0-p m0 m1 m2$' $ND"

# --- something else on a member --------------------------------------------------------------------
nsx "$NS_H" ip addr add 198.51.100.7/24 dev m1
ASSERT "an address someone else puts on a member is said" wait_until 2000 agent_log_has \
	"m1: 198.51.100.7/24 appeared on this member of group g0, not the agent's"
nsx "$NS_H" ip route add 203.0.113.0/24 dev m2
ASSERT "so is a route through a member" wait_until 2000 agent_log_has \
	"m2: a route to 203.0.113.0/24 through this member of group g0, not the agent's"
nsx "$NS_H" ip addr add 198.51.100.8/24 dev m0
wait_until 2000 agent_log_has "m0: 198.51.100.8/24 appeared"
ASSERT_EQ "each once" "1" "$(grep -c 'm1: 198.51.100.7/24 appeared' "$TMP/agent.log")"

# --- --cleanup ---------------------------------------------------------------------------------------
agent_stop
nsx "$NS_H" "$AGENT" -c "$TMP/ipmp.conf" --bpffs "$BPFFS" --cleanup >>"$TMP/agent.log" 2>&1
ASSERT_EQ "--cleanup removes both files" "no no" \
	"$(test -e "$NM" && echo yes || echo no) $(test -e "$ND" && echo yes || echo no)"
echo mine >"$IPMP_RUN_DIR/systemd/network/20-other.network"
nsx "$NS_H" "$AGENT" -c "$TMP/ipmp.conf" --bpffs "$BPFFS" --cleanup >/dev/null 2>&1
ASSERT "and leaves a file that is not ours" test -e "$IPMP_RUN_DIR/systemd/network/20-other.network"
