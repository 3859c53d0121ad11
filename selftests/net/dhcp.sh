#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# DHCP on the group interface: dhclient on ipmp0 gets a lease from dnsmasq
# on the peer, renews it, and keeps it across a failover of the member
# that carried the exchange, an agent restart, and a re-creation of ipmp0
# (--cleanup, then a fresh start: a reboot). The server knows the client
# by ipmp0's MAC (the hardware address and client id in the messages),
# which never reaches the wire and is the same whenever ipmp0 is made
# again; group_egress sets the BOOTP broadcast flag so the server's answers
# reach the group through the nominee.
. "$(dirname "$0")/lib.sh"
require_root
tap_plan 13

topo_create 2
write_config "$TMP/ipmp.conf"
agent_start "$TMP/ipmp.conf"
ASSERT "both members active" wait_until 3000 active_is "m0 m1"
# dnsmasq on the peer: leases in 192.0.2.150-159, renewal (T1) after 5 s
ip netns exec "$NS_P" dnsmasq -k --port=0 --interface=p0 --bind-interfaces \
	--dhcp-range=192.0.2.150,192.0.2.159,255.255.255.0,2m --dhcp-option=58,5 --dhcp-option=59,8 \
	--dhcp-leasefile="$TMP/leases" --pid-file="$TMP/dnsmasq.pid" --log-dhcp \
	--log-facility="$TMP/dnsmasq.log" 2>>"$TMP/dnsmasq.log" &
PIDS+=($!)
# the client's script (dhclient gives it no environment of ours): put the
# lease on ipmp0 (and only that), say what happened
cat >"$TMP/dhclient-script" <<SCRIPT
#!/bin/sh
DHCP_EVENTS=$TMP/events
case "\$reason" in
BOUND|RENEW|REBIND|REBOOT)
	ip addr replace "\$new_ip_address/24" dev "\$interface" valid_lft "\$new_dhcp_lease_time" preferred_lft "\$new_dhcp_lease_time" ;;
EXPIRE|FAIL|RELEASE|STOP)
	[ -n "\$old_ip_address" ] && ip addr del "\$old_ip_address/24" dev "\$interface" ;;
esac
echo "\$reason \$new_ip_address" >>"\$DHCP_EVENTS"
exit 0
SCRIPT
chmod +x "$TMP/dhclient-script"
dhclient_run() {	# dhclient_run ARGS...: in the host namespace, our script and files, 20 s at most
	timeout 20 ip netns exec "$NS_H" dhclient -4 -sf "$TMP/dhclient-script" \
		-lf "$TMP/dhclient.leases" -pf "$TMP/dhclient.pid" "$@"
}
lease() { sed -n 's/^\(BOUND\|REBOOT\|RENEW\) \([0-9.]*\)$/\2/p' "$TMP/events" | tail -1; }

ASSERT "dhclient on ipmp0 gets a lease" dhclient_run -1 ipmp0
addr=$(lease)
echo "# lease: $addr; the server saw: $(grep -m1 -o 'DHCPACK([^)]*) [0-9.]* [0-9a-f:]*' "$TMP/dnsmasq.log")"
ASSERT "the lease is on ipmp0 and a data address" wait_until 2000 sh -c \
	"'$IPMPSTAT' -anP -o address,state | grep -qx '$addr:up'"
ASSERT_EQ "the server knows the client by ipmp0's MAC" "$(mac_of "$NS_H" ipmp0)" \
	"$(awk '{print $2}' "$TMP/leases")"
ASSERT "the peer reaches it" wait_until 2000 peer_ping "$addr"

# --- a daemon renews (T1 = 5 s) through the group ---------------------------------------------
ip netns exec "$NS_H" dhclient -4 -sf "$TMP/dhclient-script" -lf "$TMP/dhclient.leases" \
	-pf "$TMP/dhclient.pid" -nw ipmp0 >/dev/null 2>&1	# a daemon: killed below
ASSERT "dhclient renews the lease (unicast, through a member)" wait_until 15000 grep -q "^RENEW $addr" "$TMP/events"
kill "$(cat "$TMP/dhclient.pid")" 2>/dev/null
wait_until 2000 sh -c "! kill -0 $(cat "$TMP/dhclient.pid") 2>/dev/null"

# --- the member that carried the exchange fails ----------------------------------------------
n=$("$IPMPSTAT" -iP -o interface,flags | awk -F: 'index($2, "b") {print $1}')
member_link "${n#m}" down
ASSERT "the nominee $n fails: another takes over" wait_until 2000 sh -c "[ \"\$('$IPMPSTAT' -iP -o interface,flags | awk -F: 'index(\$2, \"b\") {print \$1}')\" != $n ]"
: >"$TMP/events"
ASSERT "dhclient asks again through the new nominee: the same lease" dhclient_run -1 ipmp0
ASSERT_EQ "the same address" "$addr" "$(lease)"
member_link "${n#m}" up

# --- an agent restart, and a re-made ipmp0 (as after a reboot) ----------------------------------
agent_stop
agent_start "$TMP/ipmp.conf"
wait_until 5000 "$IPMPSTAT" -g >/dev/null
ASSERT "after an agent restart the lease is still a data address" wait_until 3000 sh -c \
	"'$IPMPSTAT' -anP -o address,state | grep -qx '$addr:up'"
mac_before=$(mac_of "$NS_H" ipmp0)
agent_stop
nsx "$NS_H" "$AGENT" -c "$TMP/ipmp.conf" --bpffs "$BPFFS" --cleanup >>"$TMP/agent.log" 2>&1
agent_start "$TMP/ipmp.conf"
ASSERT_EQ "ipmp0 made again has the same MAC" "$mac_before" "$(mac_of "$NS_H" ipmp0)"
: >"$TMP/events"
ASSERT "dhclient after the re-creation (INIT-REBOOT)" dhclient_run -1 ipmp0
ASSERT_EQ "gets the same address" "$addr" "$(lease)"
