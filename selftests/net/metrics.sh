#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Observability: the Prometheus textfile (ipmp.prom) appears, passes the
# format checks, and changes on a failover (a failover counted and timed,
# member state flipped); ipmpadm monitor prints the failover with the new
# MAC and its duration, and probe results with --probes; every pinned map
# dumps with field names under bpftool.
. "$(dirname "$0")/lib.sh"
require_root
tap_plan 23

PROMCHECK=$ROOT/selftests/tools/promcheck.pl
topo_create 2
write_probe_config "$TMP/ipmp.conf" 1000
sed -i "/^\[global\]/a metrics_interval = 1" "$TMP/ipmp.conf"
MDIR=$TMP/metrics
mkdir -p "$MDIR"
agent_start "$TMP/ipmp.conf" --metrics-dir "$MDIR"
PROM=$MDIR/ipmp.prom
# metric NAME LABEL-SUBSTRING: the value of the first sample that matches
metric() { grep "^$1[{ ]" "$PROM" | grep -F -- "${2:-}" | head -1 | awk '{print $NF}'; }

ASSERT "ipmp.prom appears" wait_until 3000 test -s "$PROM"
ASSERT "it passes the format checks (HELP/TYPE once, no timestamps, names, histograms)" \
	perl "$PROMCHECK" "$PROM"
ASSERT_EQ "group state ok" "1" "$(metric ipmp_group_state 'state="ok"')"
ASSERT_EQ "labels group and groupname" "1" \
	"$(grep -c '^ipmp_group_failovers_total{group="ipmp0",groupname="g0"} 0$' "$PROM")"
ASSERT_EQ "build info" "1" "$(metric ipmp_build_info 'version=')"
ASSERT "probe RTT per target, once probes are answered" \
	wait_until 6000 grep -q "^ipmp_probe_rtt_seconds{.*interface=\"m0\",target=\"$ROUTER\"}" "$PROM"
ASSERT "probes counted" test "$(metric ipmp_member_probes_sent_total 'interface="m0"')" -gt 0
peer_ping "$DATA1"
rx_m0() { [ "$(metric ipmp_member_receive_packets_total 'interface="m0"')" -gt 0 ]; }
ASSERT "traffic counted from the BPF counters (within metrics_interval)" wait_until 2500 rx_m0

# --- a failover: the file follows, the monitor tells ---------------------------------
"$IPMPADM" monitor >"$TMP/monitor.out" 2>&1 &
PIDS+=($!)
"$IPMPADM" monitor --probes >"$TMP/probes.out" 2>&1 &
PIDS+=($!)
sleep 0.5
peer_ping "$DATA1"
bound=$(peer_sees "$DATA1")
other=m1; [ "$bound" = m1 ] && other=m0
idx=${bound#m}
before=$(stat -c %Y.%N "$PROM" 2>/dev/null)
member_link "$idx" down
ASSERT "failovers_total goes to 1" \
	wait_until 3000 sh -c "grep -q '^ipmp_group_failovers_total{group=\"ipmp0\",groupname=\"g0\"} 1$' $PROM"
ASSERT_EQ "one failover duration observed" "1" \
	"$(metric ipmp_group_failover_duration_seconds_count 'groupname="g0"')"
ASSERT_EQ "$bound's state flips to failed" "1" \
	"$(grep "^ipmp_member_state{.*interface=\"$bound\",state=\"failed\"}" "$PROM" | awk '{print $NF}')"
ASSERT "last failover timestamp set" \
	test "$(metric ipmp_group_last_failover_timestamp_seconds | cut -d. -f1)" -gt 1700000000
ASSERT "the file still passes after the change" perl "$PROMCHECK" "$PROM"
ASSERT_EQ "no temporary file left beside it" "ipmp.prom" "$(ls -A "$MDIR")"
newmac=$(mac_of "$NS_H" "$other")
ASSERT "ipmpadm monitor prints the failover with the new member's MAC" \
	wait_until 2000 sh -c "grep '\"event\": *\"failover\"' $TMP/monitor.out | grep -q '\"mac\": *\"$newmac\"'"
fo=$(grep '"event": *"failover"' "$TMP/monitor.out" | grep -F "\"$DATA1\"" | head -1)
echo "# $fo"
ASSERT "with from, to, duration and both clocks" \
	sh -c "echo '$fo' | jq -e '.from == \"$bound\" and .to == \"$other\" and .duration_us >= 0 and .mono_ns > 0 and .wall > 1700000000'"
ASSERT "and the member and group state changes" \
	sh -c "grep -q '\"event\": *\"member-state\"' $TMP/monitor.out && grep -q '\"event\": *\"group-state\"' $TMP/monitor.out"
ASSERT "monitor --probes adds probe results, stamped" \
	sh -c "grep '\"event\": *\"probe\"' $TMP/probes.out | head -1 | jq -e '.group == \"ipmp0\" and .mono_ns > 0 and .wall > 0'"
member_link "$idx" up

# --- bpftool reads every pinned map with field names -----------------------------------
fields_ok() {
	local map=$1 field=$2
	bpftool -j map dump pinned "$BPFFS/g0/$map" | jq -e "[.. | objects | has(\"$field\")] | any" >/dev/null
}
missing=""
for pair in group_cfg:group_ifindex members:flags tx_set:count addr_binding:ifindex \
	addr_index:more buckets:value member_index:value probe_tc:value \
	stats:tx_packets drops:value abi:layout agent_state:ifname probe_cfg:test_addr \
	probe_stats:value; do
	fields_ok "${pair%%:*}" "${pair#*:}" || missing="$missing $pair"
done
ASSERT_EQ "bpftool -j map dump pinned: field names in every map" "" "$missing"

# --- --syslog: ident ipmp-agent, facility daemon ----------------------------------------
agent_stop
"$TRAFFIC" notify-listen "$TMP/log.sock" 10 >"$TMP/syslog.out" &
PIDS+=($!)
wait_until 2000 test -S "$TMP/log.sock"
nrunning=$(grep -c 'ipmp-agent .* running' "$TMP/agent.log")
# a private /dev whose log is our socket: nothing of the machine's is touched
unshare -m sh -c "mount --make-rprivate / && mount -t tmpfs tmpfs /dev && touch /dev/log && \
	mount --bind '$TMP/log.sock' /dev/log && mknod -m 666 /dev/null c 1 3 && \
	exec ip netns exec '$NS_H' '$AGENT' -c '$TMP/ipmp.conf' --bpffs '$BPFFS' --socket '$IPMP_SOCKET' --syslog" \
	>>"$TMP/agent.log" 2>&1 &
AGENT_PID=$!
ASSERT "syslog gets the agent's lines, ident ipmp-agent, facility daemon (<30> info)" \
	wait_until 5000 grep -q '^<30>.*ipmp-agent\[[0-9]*\]: ipmp-agent .* running' "$TMP/syslog.out"
ASSERT_EQ "and not on stderr" "$nrunning" "$(grep -c 'ipmp-agent .* running' "$TMP/agent.log")"
# a failover's lines are held until its first announcements: through syslog, each at its level
wait_until 3000 active_is "m0 m1"
member_link 0 down
ASSERT "a failover's held lines reach syslog, an error as an error (<27> err)" \
	wait_until 5000 grep -q '^<27>.*ipmp-agent\[[0-9]*\]: IP interface failure detected on m0' \
	"$TMP/syslog.out"
ASSERT "and the rebinding after it as info (<30>)" awk '/IP interface failure detected on m0/ {f = 1}
	f && /^<30>.*ipmp-agent\[[0-9]*\]: .* is now bound to m1 in group g0/ {ok = 1} END {exit !ok}' \
	"$TMP/syslog.out"
member_link 0 up
