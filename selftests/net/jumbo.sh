#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Jumbo frames: members at MTU 9000 in every XDP mode. The group interface
# takes the members' MTU; a peer's 8,000-byte ping (don't fragment) and TCP
# both ways pass through the group; probes go on being answered; when the
# members' MTU changes at run time the group follows, down and up.
. "$(dirname "$0")/lib.sh"
require_root
tap_plan 20

topo_create 2
link_mtu() {	# link_mtu NS DEV MTU
	ip -n "$1" link set "$2" mtu "$3"
}
members_mtu() {
	local i
	for ((i = 0; i < NMEMBERS; i++)); do
		[ "$MEMBER_KIND" = macvlan ] && [ "$1" -gt 1500 ] && link_mtu "$NS_H" "v$i" "$1"
		link_mtu "$NS_H" "m$i" "$1"
		[ "$MEMBER_KIND" = macvlan ] && [ "$1" -le 1500 ] && link_mtu "$NS_H" "v$i" "$1"
	done
}
for i in 0 1; do link_mtu "$NS_SW" "s$i" 9000; done
for d in sp sr br0; do link_mtu "$NS_SW" "$d" 9000; done
link_mtu "$NS_P" p0 9000
link_mtu "$NS_R" r0 9000
members_mtu 9000
write_probe_config "$TMP/ipmp.conf" 1000
agent_start "$TMP/ipmp.conf"
group_mtu() { ip -n "$NS_H" -o link show ipmp0 | sed -n 's/.* mtu \([0-9]*\) .*/\1/p'; }
big_ping() { nsx "$NS_P" ping -c1 -W1 -q -M do -s "$2" "$1" >/dev/null 2>&1; }

ASSERT "the group interface takes the members' MTU (9000)" wait_until 2000 sh -c "[ \"\$(ip -n $NS_H -o link show ipmp0 | sed -n 's/.* mtu \([0-9]*\) .*/\1/p')\" = 9000 ]"
for mode in auto native generic off; do
	sed -i '/^xdp = /d' "$TMP/ipmp.conf"
	sed -i "/^\[global\]/a xdp = $mode" "$TMP/ipmp.conf"
	"$IPMPADM" reload >/dev/null 2>&1
	if [ "$mode" = native ] && [ "$MEMBER_KIND" = macvlan ]; then
		ok "# SKIP native at MTU 9000: macvlan has no native XDP (xdp_modes.sh checks the refusal)"
		ok "# SKIP native at MTU 9000: macvlan has no native XDP"
		ok "# SKIP native at MTU 9000: macvlan has no native XDP"
		ok "# SKIP native at MTU 9000: macvlan has no native XDP"
		continue
	fi
	ASSERT "xdp = $mode: probes answered at MTU 9000" wait_probe_replies 10 5000
	ASSERT "xdp = $mode: the peer's 8000-byte ping (DF) to $DATA1" wait_until 3000 big_ping "$DATA1" 8000
	tcp_from_peer_start "$DATA1" 20000000 1
	tcp_from_peer_wait
	ASSERT_EQ "xdp = $mode: 20 MB of TCP from the peer arrive whole" "bytes=20000000 ok" "$TCP_RESULT"
	ip netns exec "$NS_P" "$TRAFFIC" tcp-sink "$PEER" 5001 10 >"$TMP/psink.out" 2>&1 &
	sink=$!
	wait_until 2000 sh -c "ip netns exec $NS_P ss -ltn | grep -q ':5001'"
	nsx "$NS_H" "$TRAFFIC" tcp-send "$PEER" 5001 20000000 1 >/dev/null 2>&1
	wait "$sink"
	ASSERT_EQ "xdp = $mode: 20 MB of TCP to the peer arrive whole" "bytes=20000000 ok" \
		"$(sed -n 's/^bytes=\([0-9]*\).*result=\(.*\)/bytes=\1 \2/p' "$TMP/psink.out")"
done

# --- the members' MTU changes at run time ------------------------------------------------------
members_mtu 1500
ASSERT "the members go to 1500: the group follows" wait_until 2000 sh -c "[ \"\$(ip -n $NS_H -o link show ipmp0 | sed -n 's/.* mtu \([0-9]*\) .*/\1/p')\" = 1500 ]"
ASSERT "an 8000-byte DF ping no longer passes" sh -c "! ip netns exec $NS_P ping -c1 -W1 -q -M do -s 8000 $DATA1 >/dev/null 2>&1"
members_mtu 9000
ASSERT "back to 9000: the group follows again" wait_until 2000 sh -c "[ \"\$(ip -n $NS_H -o link show ipmp0 | sed -n 's/.* mtu \([0-9]*\) .*/\1/p')\" = 9000 ]"
