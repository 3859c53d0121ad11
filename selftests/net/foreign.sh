#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Every address on the group interface is a data address (as on illumos):
# one an operator adds with ip addr add, and keepalived's VIP, are bound to
# a member, answered with its MAC, listed by ipmpstat -a, failed over with
# the rest; when they go away they are released. The agent never removes
# what it did not add: not on reload, not on restart.
. "$(dirname "$0")/lib.sh"
require_root
tap_plan 16

VIP=192.0.2.200
HAND=192.0.2.77
topo_create 2
write_config "$TMP/ipmp.conf"
agent_start "$TMP/ipmp.conf"
ASSERT "both members active" wait_until 3000 active_is "m0 m1"
listed() { "$IPMPSTAT" -anP -o address,state | grep -qx "$1:up"; }
bound_to() { "$IPMPSTAT" -anP -o address,inbound | sed -n "s/^$1://p"; }
router_ping() { nsx "$NS_R" ping -c1 -W1 -q "$1" >/dev/null 2>&1; }
router_sees() { member_of_mac "$(ip -n "$NS_R" neigh show "$1" | awk '{print $5}')"; }

# --- ip addr add --------------------------------------------------------------------------------
nsx "$NS_H" ip addr add "$HAND/24" dev ipmp0
ASSERT "ip addr add on ipmp0: ipmpstat -a lists $HAND, up" wait_until 2000 listed "$HAND"
ASSERT "the agent says whose it is" agent_log_has "$HAND/24 appeared on ipmp0 (not the agent's): a data address now"
ASSERT "the peer reaches it" wait_until 2000 peer_ping "$HAND"
m=$(bound_to "$HAND")
ASSERT_EQ "answered with the MAC of the member it is bound to ($m)" "$m" "$(peer_sees "$HAND")"
member_link "${m#m}" down
ASSERT "its member fails: $HAND moves and answers" wait_until 3000 sh -c "[ \"\$('$IPMPSTAT' -anP -o address,inbound | sed -n 's/^$HAND://p')\" != $m ] && ip netns exec $NS_P ping -c1 -W1 -q $HAND >/dev/null"
member_link "${m#m}" up
wait_until 3000 active_is "m0 m1"
ASSERT "a reload leaves it alone" sh -c "'$IPMPADM' reload >/dev/null && ip -n $NS_H addr show dev ipmp0 | grep -q ' $HAND/'"
agent_stop
agent_start "$TMP/ipmp.conf"
wait_until 5000 "$IPMPSTAT" -g >/dev/null
ASSERT "a restart leaves it on ipmp0, and follows it" wait_until 3000 listed "$HAND"
nsx "$NS_H" ip addr del "$HAND/24" dev ipmp0
ASSERT "ip addr del: released" wait_until 2000 sh -c "! '$IPMPSTAT' -anP -o address | grep -qx '$HAND'"
ASSERT_EQ "and out of the data plane's bindings" "0" \
	"$(bpftool -j map dump pinned "$BPFFS/g0/addr_binding" | jq '[.[].formatted.key.addr[0:4] | select(. == [192,0,2,77])] | length')"

# --- keepalived: VRRP between the host (on ipmp0) and the peer -----------------------------------
keepalived_conf() {	# keepalived_conf FILE IFNAME PRIORITY
	cat >"$1" <<CONF
global_defs {
	router_id ipmp_test_$3
}
vrrp_instance V {
	state BACKUP
	interface $2
	virtual_router_id 51
	priority $3
	advert_int 1
	virtual_ipaddress {
		$VIP/24
	}
}
CONF
}
run_keepalived() {	# run_keepalived NS NAME CONF: started, its pid in PIDS (cleanup stops it)
	ip netns exec "$1" keepalived -n -l -D --vrrp -f "$3" -p "$TMP/$2.pid" -r "$TMP/$2.vrrp.pid" \
		-c "$TMP/$2.chk.pid" >"$TMP/$2.log" 2>&1 &
	PIDS+=($!)
}
keepalived_conf "$TMP/kh.conf" ipmp0 150
keepalived_conf "$TMP/kp.conf" p0 100
# not in $(...): a subshell's PIDS is not cleanup's, and the peer's keepalived outlived every run
run_keepalived "$NS_H" kh "$TMP/kh.conf"
kh=${PIDS[-1]}
run_keepalived "$NS_P" kp "$TMP/kp.conf"
ASSERT "keepalived on ipmp0 becomes master: its VIP $VIP is a data address" wait_until 8000 listed "$VIP"
ASSERT "the router reaches the VIP on the host" wait_until 3000 router_ping "$VIP"
m=$(bound_to "$VIP")
ASSERT_EQ "through the member it is bound to ($m)" "$m" "$(router_sees "$VIP")"
member_link "${m#m}" down
ASSERT "that member fails: the VIP moves with the group and answers" wait_until 3000 sh -c \
	"ip netns exec $NS_R ping -c1 -W1 -q $VIP >/dev/null && [ \"\$('$IPMPSTAT' -anP -o address,inbound | sed -n 's/^$VIP://p')\" != $m ]"
member_link "${m#m}" up
kill "$kh"
wait "$kh" 2>/dev/null
ASSERT "keepalived stops: its VIP leaves ipmp0 and the group releases it" wait_until 3000 sh -c \
	"! '$IPMPSTAT' -anP -o address | grep -qx '$VIP'"
ASSERT "the peer's keepalived takes the VIP over (the router reaches it there)" wait_until 8000 sh -c \
	"ip netns exec $NS_P ip addr show dev p0 | grep -q ' $VIP/' && ip netns exec $NS_R ping -c1 -W1 -q $VIP >/dev/null"
