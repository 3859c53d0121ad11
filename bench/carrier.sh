#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Early carrier loss against netlink alone (agent/carrier.h), where the
# kernel lets the agent probe netif_carrier_off() and has the dummy driver
# (the test VM: VM_MODE=bench VM_TESTS=bench/carrier.sh vm/run.sh). Not a
# test: nothing passes or fails.
#
# A dummy member stands for a physical NIC: to linkwatch its carrier loss
# is not urgent (a veth's or a macvlan's is), so its netlink event waits
# for linkwatch's next run, at most once a second after the last. Each
# trial: another dummy (not a member) loses its carrier, the member's
# 200 ms later, as when two NICs fail one after the other or one flaps;
# measured, from the `ip link set d0 carrier off` to the agent's "The link
# has gone down on d0", with early_carrier = yes and = no, TRIALS each.
. "$(dirname "$0")/../selftests/net/lib.sh"
trap - EXIT
trap cleanup EXIT
[ "$(id -u)" = 0 ] || { echo "bench needs root" >&2; exit 1; }
TRIALS=${TRIALS:-5}
median() { sort -n | awk '{a[NR]=$1} END {print (NR ? a[int((NR+1)/2)] : "-")}'; }

topo_create 2
if ! ip -n "$NS_H" link add d0 type dummy 2>/dev/null; then
	echo "bench-carrier: no dummy driver in this kernel: nothing measured"
	exit 0
fi
ip -n "$NS_H" link add d1 type dummy
ip -n "$NS_H" link set d0 up
ip -n "$NS_H" link set d1 up
for early in yes no; do
	: >"$TMP/lat.$early"
	for ((t = 0; t < TRIALS; t++)); do
		write_config "$TMP/ipmp.conf" "early_carrier = $early"
		sed -i 's/^interfaces = .*/& d0/' "$TMP/ipmp.conf"
		: >"$TMP/agent.log"
		agent_start "$TMP/ipmp.conf" --log-time
		wait_until 5000 sh -c "'$IPMPSTAT' -iP -o interface,link | grep -qx 'd0:up'"
		sleep 1.5	# past linkwatch's last run for the start
		ip -n "$NS_H" link set d1 carrier off
		sleep 0.2
		t0=$(date +%s.%N)
		ip -n "$NS_H" link set d0 carrier off
		wait_until 3000 agent_log_has "The link has gone down on d0"
		t1=$(grep "The link has gone down on d0" "$TMP/agent.log" | head -1 | cut -d' ' -f1)
		awk -v a="$t1" -v b="$t0" 'BEGIN {printf "%.1f\n", (a - b) * 1000}' >>"$TMP/lat.$early"
		agent_stop
		nsx "$NS_H" "$AGENT" -c "$TMP/ipmp.conf" --bpffs "$BPFFS" --cleanup >/dev/null 2>&1
		ip -n "$NS_H" link set d0 carrier on
		ip -n "$NS_H" link set d1 carrier on
		ip -n "$NS_H" link set d0 up
	done
	grep -h "carrier losses" "$TMP/agent.log" | head -1 | cut -d' ' -f2- | sed 's/^/# /'
done
echo "Carrier loss of a dummy member 200 ms after another device's, kernel $(uname -r)"
echo "(TCG timings: read the two side by side), $TRIALS trials each, ms from the command to the"
echo "agent's \"The link has gone down\":"
for early in yes no; do
	printf '  early_carrier = %-3s  median %8s ms   all: %s\n' "$early" \
		"$(median <"$TMP/lat.$early")" "$(tr '\n' ' ' <"$TMP/lat.$early")"
done
