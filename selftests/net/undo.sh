#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# What the agent changes, it undoes, and nothing else (agent/undo.h):
#   - --cleanup after a run leaves the host namespace as it was before the
#     first start, byte for byte, with the administrator's own settings
#     kept: a sysctl set before, a test address put there by hand, a
#     clsact qdisc with a filter of theirs;
#   - a test address changed between two runs: the old one goes, an
#     address of the administrator's on the member stays;
#   - a member moved to another group across a restart works there: its
#     XDP program and filter are the new group's, it probes, it carries
#     the new group's address when the other member fails;
#   - a first start that fails half way (the second group's interface name
#     is taken by a bridge) leaves nothing: no group interface, sysctl,
#     address, filter, pin, nor the bpffs it mounted.
. "$(dirname "$0")/lib.sh"
require_root
tap_plan 31

DATA_G1=192.0.2.50
topo_create 3
for i in 0 1 2; do nsx "$NS_H" ip link set "m$i" up; done

# The administrator's own state before any agent ran.
nsx "$NS_H" sysctl -qw net.ipv4.conf.m0.arp_announce=1
nsx "$NS_H" ip addr add 192.0.2.22/24 dev m1 noprefixroute		# m1's test address, by hand
nsx "$NS_H" ip addr add 198.51.100.5/32 dev m0			# unrelated, on a member
nsx "$NS_H" tc qdisc add dev m2 clsact
nsx "$NS_H" tc filter add dev m2 ingress pref 100 protocol all bpf bytecode '1,6 0 0 0,'

# Everything in the host namespace an agent could change, and the pins.
host_snapshot() {
	local ns=$NS_H dev
	ip -n "$ns" -br link | awk '{print $1, $4}' | sed 's/@[^ ]*//'
	ip -n "$ns" -d link show | grep -c 'prog/xdp' | sed 's/^/xdp programs: /'
	ip -n "$ns" -br addr | awk '{$2=""; print}'
	for dev in $(ip -n "$ns" -br link | awk '{print $1}' | sed 's/@.*//'); do
		echo "== $dev"
		tc -n "$ns" qdisc show dev "$dev" | grep -v '^qdisc noqueue'
		tc -n "$ns" filter show dev "$dev" ingress
		tc -n "$ns" filter show dev "$dev" egress
		for k in arp_ignore arp_announce rp_filter; do
			echo "ipv4 $k $(nsx "$ns" cat /proc/sys/net/ipv4/conf/"$dev"/$k)"
		done
		for k in accept_ra autoconf disable_ipv6; do
			echo "ipv6 $k $(nsx "$ns" cat /proc/sys/net/ipv6/conf/"$dev"/$k 2>/dev/null)"
		done
	done
	echo "pins: $(ls -A "$BPFFS" | tr '\n' ' ')"
}
# a restart: the old group's address is up at once, so wait for the new agent to answer
agent_restart() {
	agent_stop
	agent_start "$1"
	wait_until 5000 "$IPMPSTAT" -g >/dev/null
}
cleanup_agent() { nsx "$NS_H" "$AGENT" -c "$1" --bpffs "$BPFFS" --cleanup >>"$TMP/agent.log" 2>&1; }

write_two_groups() {	# FILE G0-MEMBERS G1-MEMBERS [M0-TEST]
	cat >"$1" <<EOF
[global]
failure_detection_time = 1000
[group ipmp0]
name = g0
interfaces = $2
addresses = $DATA1/24
[group ipmp1]
name = g1
interfaces = $3
addresses = $DATA_G1/24
[interface m0]
test_address = ${4:-192.0.2.21/24}
[interface m1]
test_address = 192.0.2.22/24
[interface m2]
test_address = 192.0.2.23/24
EOF
}

before=$(host_snapshot)

# --- a first start that fails half way leaves nothing ----------------------------------------
nsx "$NS_H" ip link add ipmp1 type bridge		# the second group's name is taken
before_bridge=$(host_snapshot)
write_two_groups "$TMP/fail.conf" "m0 m1" "m2"
FRESH=$TMP/fresh-bpffs					# not a bpffs: the agent mounts one
out=$(nsx "$NS_H" timeout 20 "$AGENT" -c "$TMP/fail.conf" --bpffs "$FRESH" --socket "$TMP/fail.sock" 2>&1)
ASSERT_EQ "the start fails (ipmp1 is a bridge)" "1 yes" \
	"$? $(grep -q 'ipmp1 exists and is not a group interface' <<<"$out" && echo yes)"
ASSERT_EQ "nothing is left in the namespace: the first group undone too" "$before_bridge" \
	"$(host_snapshot)"
ASSERT_EQ "the bpffs it mounted is unmounted and the directory it made is gone" "no no" \
	"$(mountpoint -q "$FRESH" 2>/dev/null && echo yes || echo no) $(test -e "$FRESH" && echo yes || echo no)"
ASSERT_EQ "no control socket left" "no" "$(test -e "$TMP/fail.sock" && echo yes || echo no)"
nsx "$NS_H" ip link del ipmp1

# --- a run, then a restart with m0's test address changed --------------------------------------
write_two_groups "$TMP/ipmp.conf" "m0 m1" "m2"
agent_start "$TMP/ipmp.conf"
ASSERT "both groups up" wait_until 3000 sh -c "ip -n $NS_H addr show dev ipmp1 | grep -q $DATA_G1/"
# g1's own route: its members' router targets come from routes through ipmp1 (or them)
nsx "$NS_H" ip route add 203.0.113.0/24 via "$ROUTER" dev ipmp1
write_two_groups "$TMP/ipmp.conf" "m0 m1" "m2" 192.0.2.31/24
agent_restart "$TMP/ipmp.conf"
m0_addrs=$(ip -n "$NS_H" -br addr show dev m0 | awk '{$1=$2=""; print}' | tr ' ' '\n' | grep -v '^fe80\|^$' | sort | tr '\n' ' ')
ASSERT_EQ "m0: the old test address is gone, the new one and the administrator's are there" \
	"192.0.2.31/24 198.51.100.5/32 " "$m0_addrs"

# --- m1 moves between groups across restarts --------------------------------------------------
in_group() { "$IPMPSTAT" -iP -o interface,group | grep -qx "$1:$2"; }
probe_ok() { "$IPMPSTAT" -iP -o interface,probe | grep -qx "$1:ok"; }
# moved_works GROUP IFNAME ADDR OLD OTHER: m1 is fully GROUP's; with OTHER's link down it carries ADDR
moved_works() {
	local g=$1 ifname=$2 addr=$3 old=$4 other=$5 xdp_id g_xdp ing g_ing
	ASSERT "m1 is listed in $ifname ($g)" wait_until 3000 in_group m1 "$ifname"
	ASSERT "$g took $old's XDP link on m1 over (no moment without XDP)" \
		agent_log_has "m1: took over group $old's XDP link; the member is group $g's now"
	ASSERT_EQ "$old's XDP link on m1 is unpinned" "" "$(ls "$BPFFS/$old" | grep '^xdp_m1$')"
	xdp_id=$(ip -n "$NS_H" -d link show m1 | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p')
	g_xdp=$(bpftool -j link show pinned "$BPFFS/$g/xdp_m1" 2>/dev/null | jq -r .prog_id)
	ASSERT_EQ "the XDP program on m1 is $g's" "$g_xdp" "${xdp_id:-none}"
	ing=$(tc -n "$NS_H" filter show dev m1 ingress | sed -n 's/.* id \([0-9]*\) .*/\1/p' | head -1)
	g_ing=$(bpftool -j prog show pinned "$BPFFS/$g/member_ingress" | jq -r .id)
	ASSERT_EQ "the ingress filter on m1 is $g's" "$g_ing" "${ing:-none}"
	ASSERT "m1 probes in $g (PROBE ok)" wait_until 20000 probe_ok m1
	member_link "$other" down
	ASSERT "with m$other down, $addr moves to m1 and answers" \
		wait_until 3000 sh -c "ip netns exec $NS_P ping -c1 -W1 -q $addr >/dev/null &&
			[ \"\$(ip -n $NS_P neigh show $addr | awk '{print \$5}')\" = \"$(mac_of "$NS_H" m1)\" ]"
	member_link "$other" up
}
# to g1, which is set up after g0 (g0 lets go of it first)
write_two_groups "$TMP/ipmp.conf" "m0" "m1 m2" 192.0.2.31/24
agent_restart "$TMP/ipmp.conf"
moved_works g1 ipmp1 "$DATA_G1" g0 2
ASSERT "g0 still works with m0 alone" peer_ping "$DATA1"
# back to g0, which is set up first: g1's pins still hold m1 then
write_two_groups "$TMP/ipmp.conf" "m0 m1" "m2" 192.0.2.31/24
agent_restart "$TMP/ipmp.conf"
moved_works g0 ipmp0 "$DATA1" g1 0
ASSERT "g1 still works with m2 alone" sh -c "ip netns exec $NS_P ping -c1 -W1 -q $DATA_G1 >/dev/null"

# --- g1 leaves the config across a restart: removed as a reload would have --------------------
m2_before=$(grep -A9 '^== m2$' <<<"$before")
cat >"$TMP/one.conf" <<EOF
[global]
failure_detection_time = 1000
[group ipmp0]
name = g0
interfaces = m0 m1
addresses = $DATA1/24
EOF
agent_restart "$TMP/one.conf"
ASSERT "the agent says g1 is no longer configured" \
	wait_until 3000 agent_log_has "group g1 is no longer configured; removing what it left"
ASSERT_EQ "ipmp1 and g1's pins are gone" "no no" \
	"$(ip -n "$NS_H" link show ipmp1 >/dev/null 2>&1 && echo yes || echo no) $(test -e "$BPFFS/g1" && echo yes || echo no)"
ASSERT_EQ "m2 is as it was before any agent: filters, qdisc, sysctls" "$m2_before" \
	"$(host_snapshot | grep -A9 '^== m2$')"
ASSERT_EQ "m2 has no test address and no XDP program" "no no" \
	"$(ip -n "$NS_H" addr show dev m2 | grep -q 192.0.2.23 && echo yes || echo no) $(ip -n "$NS_H" -d link show m2 | grep -q prog/xdp && echo yes || echo no)"

# --- --cleanup: exactly back to before ---------------------------------------------------------
agent_stop
cleanup_agent "$TMP/one.conf"
after=$(host_snapshot)
ASSERT_EQ "after --cleanup the namespace is as before the first start" "$before" "$after"
if [ "$before" != "$after" ]; then diff <(echo "$before") <(echo "$after") | sed 's/^/# /'; fi
ASSERT_EQ "m0's arp_announce is the administrator's 1 again" "1" \
	"$(nsx "$NS_H" cat /proc/sys/net/ipv4/conf/m0/arp_announce)"
ASSERT "m1's hand-made test address stayed" sh -c "ip -n $NS_H addr show dev m1 | grep -q '192.0.2.22/24'"
ASSERT "m2's clsact qdisc and the administrator's filter stayed" sh -c \
	"tc -n $NS_H filter show dev m2 ingress | grep -q 'pref 100 bpf'"
# (maps.debug and progs.debug are the bpffs's own)
ASSERT_EQ "no pins, no undo record" "" "$(ls -A "$BPFFS" | grep -v '\.debug$')"
