#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# make demo: a sandbox host with three NICs (m0 m1 m2, m2 standby) on one
# switch, a peer and a router, all in private network namespaces. The
# agent forms group ipmp0; we watch the peer reach the data addresses
# through member MACs, cut m0's cable, watch the standby take over with
# traffic flowing, then repair it. Everything is removed at the end.
. "$(dirname "$0")/../selftests/net/lib.sh"

if [ "$(id -u)" != 0 ]; then
	echo "make demo needs root (it creates network namespaces)" >&2
	exit 1
fi

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@" 2>&1 | sed 's/^/  /'; }

neigh_table() {
	local a
	for a in $DATA1 $DATA2; do
		peer_ping "$a"
		printf '  %-12s -> %s (%s)\n' "$a" "$(peer_neigh_mac "$a")" "$(peer_sees "$a")"
	done
}

topo_create 3
STANDBY=m2 write_probe_config "$TMP/ipmp.conf" 2000 "targets = $ROUTER"
sed -i '/^\[interface m2\]/,$d' "$TMP/ipmp.conf"	# the standby: link detection only
say "The configuration"
sed 's/^/  /' "$TMP/ipmp.conf"

say "Start the agent (log: $TMP/agent.log)"
agent_start "$TMP/ipmp.conf"
wait_until 2000 active_is "m0 m1"
sed 's/^/  agent: /' "$TMP/agent.log"

say "The group is one IP interface; the members hold no data address"
show ip -n "$NS_H" -br addr show
for i in 0 1 2; do printf '  m%d MAC %s\n' $i "$(mac_of "$NS_H" m$i)"; done
printf '  ipmp0 MAC %s (never on the wire)\n' "$(mac_of "$NS_H" ipmp0)"

ipmpstat_all() {
	local m
	for m in -g -i -an -nt; do
		printf '$ ipmpstat %s\n' "$m"
		"$IPMPSTAT" "$m" | sed 's/^/  /'
	done
}

say "ipmpstat: the group as illumos shows it"
ipmpstat_all

say "The peer reaches each data address through a member's MAC"
neigh_table
echo "  active members (from the pinned BPF map): $(active_members)"

say "Cut m0's cable while the peer streams 2 MB over TCP to $DATA1"
tcp_from_peer_start "$DATA1" 2000000 2
sleep 0.7
mark=$(wc -l <"$TMP/agent.log")
member_link 0 down
wait_until 1000 active_is "m1 m2"
sleep 0.2
tail -n +"$((mark + 1))" "$TMP/agent.log" | sed 's/^/  agent: /'
tcp_from_peer_wait
echo "  TCP transfer: $TCP_RESULT"
echo "  active members: $(active_members)"
neigh_table
ipmpstat_all

say "Restore m0's cable: ten answered probes repair it, failback idles the standby"
mark=$(wc -l <"$TMP/agent.log")
member_link 0 up
wait_until 8000 active_is "m0 m1"	# probing members come back after 10 answered probes
sleep 0.2
tail -n +"$((mark + 1))" "$TMP/agent.log" | sed 's/^/  agent: /'
echo "  active members: $(active_members)"
neigh_table
ipmpstat_all

say "Data plane counters (bpftool, BTF-typed)"
bpftool -j map dump pinned "$BPFFS/g0/stats" | jq -r '.[] | select(.formatted.key < 3) | "  m\(.formatted.key) (slot \(.formatted.key)): tx \([.formatted.values[].value.tx_packets] | add) rx \([.formatted.values[].value.rx_packets] | add) packets"'

say "Done; removing the sandbox"
