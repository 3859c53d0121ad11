#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Broken configurations, one per row: the agent itself (not only --check)
# rejects each with file:line and a message saying what is wrong, exits
# 1, and changes nothing: links, addresses, sysctls, qdiscs, bpffs, socket.
# A failure detection time below 100 ms is corrected, as in.mpathd does
# (spec: "Too small failure detection time"), not rejected.
. "$(dirname "$0")/lib.sh"
require_root

topo_create 2
CASES=()
# row NAME LINE MESSAGE: the config on stdin; LINE where the error is
row() {
	local f=$TMP/case${#CASES[@]}.conf
	cat >"$f"
	CASES+=("$1|$2|$3|$f")
}
LONG=averyveryverylongname0

row "unknown key in [global]" 2 "unknown key 'colour' in [global]" <<CONF
[global]
colour = blue
[group ipmp0]
interfaces = m0 m1
CONF
row "unknown key in [group]" 3 "unknown key 'adresses' in [group ipmp0]" <<CONF
[group ipmp0]
interfaces = m0 m1
adresses = $DATA1/24
CONF
row "unknown section, even without keys" 3 "unknown section [groups ipmp0]" <<CONF
[group ipmp0]
interfaces = m0 m1
[groups ipmp0]
CONF
row "bad IPv4 address" 3 "address '192.0.2.300/24': not an IP address" <<CONF
[group ipmp0]
interfaces = m0 m1
addresses = $DATA1/24 192.0.2.300/24
CONF
row "bad IPv6 address" 3 "address '2001:db8::g/64': not an IP address" <<CONF
[group ipmp0]
interfaces = m0 m1
addresses = 2001:db8::g/64
CONF
row "multicast data address" 3 "address 224.0.0.5/24 cannot be a data address" <<CONF
[group ipmp0]
interfaces = m0 m1
addresses = 224.0.0.5/24
CONF
row "address listed twice" 3 "address $DATA1 is listed twice (group ipmp0)" <<CONF
[group ipmp0]
interfaces = m0 m1
addresses = $DATA1/24 $DATA1/24
CONF
row "duplicate member" 2 "m0 is listed twice in interfaces" <<CONF
[group ipmp0]
interfaces = m0 m1 m0
CONF
row "a member in two groups" 5 "m1 is already a member of group ipmp0 (line 2)" <<CONF
[group ipmp0]
interfaces = m0 m1

[group ipmp1]
interfaces = m1
CONF
row "standby not in interfaces" 3 "standby interface m3 is not in interfaces of group ipmp0" <<CONF
[group ipmp0]
interfaces = m0 m1
standby = m3
CONF
row "overlong member name" 2 "'$LONG' is not a valid interface name" <<CONF
[group ipmp0]
interfaces = m0 $LONG
CONF
row "overlong group interface" 1 "[group $LONG]: not a valid interface name" <<CONF
[group $LONG]
interfaces = m0 m1
CONF
row "overlong group name" 3 "group name 'abcdefghijabcdefghijabcdefghijabc' must be 1 to 15 letters" <<CONF
[group ipmp0]
interfaces = m0 m1
name = abcdefghijabcdefghijabcdefghijabc
CONF
row "a group name that is a path" 3 "group name '../../etc' must be 1 to 15 letters" <<CONF
[group ipmp0]
interfaces = m0 m1
name = ../../etc
CONF
row "target not a host address" 3 "target 192.0.2.0/24: must be an IPv4 host address" <<CONF
[group ipmp0]
interfaces = m0 m1
targets = 192.0.2.0/24
CONF
row "unknown probe method" 3 "probe must be icmp, arp or off, not 'ping'" <<CONF
[group ipmp0]
interfaces = m0 m1
probe = ping
CONF
row "IPv6 test address" 4 "test_address 2001:db8::21/64: an IPv6 test address is the" <<CONF
[group ipmp0]
interfaces = m0 m1
[interface m0]
test_address = 2001:db8::21/64
CONF
row "[interface] of no group" 3 "[interface m7]: m7 is not in the interfaces of" <<CONF
[group ipmp0]
interfaces = m0 m1
[interface m7]
test_address = 192.0.2.27/24
CONF
row "key set twice" 3 "'interfaces' is set twice in [group ipmp0]" <<CONF
[group ipmp0]
interfaces = m0 m1
interfaces = m0
CONF
row "key outside any section" 1 "'failback' is outside any section" <<CONF
failback = no
[group ipmp0]
interfaces = m0 m1
CONF
row "group without interfaces" 1 "[group ipmp0] has no interfaces" <<CONF
[group ipmp0]
addresses = $DATA1/24
CONF
row "no group at all" 2 "no [group IFNAME] section" <<CONF
[global]
failback = yes
CONF
row "not a number" 2 "garp_count must be a whole number from" <<CONF
[global]
garp_count = -1
[group ipmp0]
interfaces = m0 m1
CONF
row "relative metrics_dir" 2 "metrics_dir 'metrics' is not an absolute path" <<CONF
[global]
metrics_dir = metrics
[group ipmp0]
interfaces = m0 m1
CONF
row "syntax error" 3 "syntax error (expected [section], key = value or a comment)" <<CONF
[group ipmp0]
interfaces = m0 m1
just some words
CONF
row "line too long" 3 "line too long (at most 65533 characters)" <<CONF
[group ipmp0]
interfaces = m0 m1
name = $(head -c 70000 /dev/zero | tr '\0' a)
CONF

tap_plan $((${#CASES[@]} * 3 + 3))

# Everything the agent would touch in its namespace.
system_state() {
	ip -n "$NS_H" -d link show
	ip -n "$NS_H" addr show
	ip netns exec "$NS_H" tc qdisc show
	nsx "$NS_H" sysctl net.ipv4.conf.m0.arp_ignore net.ipv4.conf.m1.arp_ignore \
		net.ipv6.conf.m0.disable_ipv6
	ls -A "$TMP"/bpffs 2>/dev/null
	[ -e "$IPMP_SOCKET" ] && echo "socket exists"
}
before=$(system_state)

for c in "${CASES[@]}"; do
	IFS='|' read -r name line msg file <<<"$c"
	out=$(nsx "$NS_H" timeout 10 "$AGENT" -c "$file" --bpffs "$BPFFS" --socket "$IPMP_SOCKET" 2>&1)
	rc=$?
	ASSERT_EQ "$name: the agent exits 1" 1 "$rc"
	if grep -qF "$file:$line: $msg" <<<"$out"; then
		ok "$name: says $(basename "$file"):$line: $msg"
	else
		not_ok "$name: says $(basename "$file"):$line: $msg" "agent said: ${out:0:400}"
	fi
	if changed=$(diff <(echo "$before") <(system_state)); then
		ok "$name: nothing on the system changed"
	else
		not_ok "$name: nothing on the system changed" "${changed:0:600}"
	fi
done

# A too small failure detection time is corrected with in.mpathd's message.
cat >"$TMP/fdt.conf" <<CONF
[global]
failure_detection_time = 50
[group ipmp0]
interfaces = m0 m1
CONF
out=$("$AGENT" -c "$TMP/fdt.conf" --check 2>&1)
ASSERT_EQ "FDT 50: accepted (corrected, as in.mpathd does)" 0 "$?"
ASSERT "FDT 50: says $TMP/fdt.conf:2: Too small failure detection time of 50, assuming minimum of 100 ms" \
	grep -qF "$TMP/fdt.conf:2: Too small failure detection time of 50, assuming minimum of 100 ms" <<<"$out"
cat >"$TMP/fdt0.conf" <<CONF
[global]
failure_detection_time = soon
[group ipmp0]
interfaces = m0 m1
CONF
ASSERT "FDT 'soon': says line 2, Invalid failure detection time soon, assuming default" \
	sh -c "'$AGENT' -c '$TMP/fdt0.conf' --check 2>&1 | grep -qF '$TMP/fdt0.conf:2: Invalid failure detection time soon, assuming default of 10000 ms'"
