#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Availability under a flood: a host on the link sends 50,000 ARP replies a
# second at an ARP-probing member, shaped exactly like the answer to its
# probe, from the router it probes. member_xdp cannot tell them from real
# answers; its per-member budget hands the agent a bounded share and
# counts the rest. Meanwhile another member's path is cut: the agent must
# still detect it in time, answer ipmpstat, and fail nobody falsely.
. "$(dirname "$0")/lib.sh"
require_root
tap_plan 9

FDT=1000
topo_create 3
write_config "$TMP/ipmp.conf"
sed -i "/^\[group ipmp0\]/a probe = arp" "$TMP/ipmp.conf"
sed -i "/^\[global\]/a metrics_interval = 1" "$TMP/ipmp.conf"
MDIR=$TMP/metrics
mkdir -p "$MDIR"
agent_start "$TMP/ipmp.conf" --metrics-dir "$MDIR"
PROM=$MDIR/ipmp.prom
xdp_outcome() {
	grep "^ipmp_group_probe_replies_total{.*outcome=\"$1\"}" "$PROM" | awk '{print $NF}'
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$AGENT_PID/stat"; }

ASSERT "router target found" wait_until 3000 agent_log_has "m0: probe target $ROUTER (router)"
ASSERT "probing is past its quiet period" wait_probe_replies 30 5000

m0mac=$(mac_of "$NS_H" m0)
ticks0=$(cpu_ticks)
t0=$(now_ms)
nsx "$NS_P" "$TRAFFIC" arp-flood p0 "$m0mac" "$ROUTER" 50000 8 >"$TMP/flood.out" &
FLOOD=$!
PIDS+=($FLOOD)
sleep 1
member_path 1 down
ASSERT "m1's cut path is detected within 3 FDT while m0 is flooded" \
	wait_until $((3 * FDT)) agent_log_has "IP interface failure detected on m1 of group g0"
slowest=0
answered=0
for i in 1 2 3 4 5; do
	s=$(now_ms)
	timeout 3 "$IPMPSTAT" -i >/dev/null 2>&1 && answered=$((answered + 1))
	e=$(($(now_ms) - s))
	[ "$e" -gt "$slowest" ] && slowest=$e
	sleep 0.3
done
ASSERT_EQ "ipmpstat -i answers every time during the flood" 5 "$answered"
echo "# slowest ipmpstat -i during the flood: $slowest ms"
member_path 1 up
wait "$FLOOD"
t1=$(now_ms)
ticks1=$(cpu_ticks)
hz=$(getconf CLK_TCK)
echo "# flood: $(cat "$TMP/flood.out"); agent CPU $(( (ticks1 - ticks0) * 1000 / hz )) ms in $((t1 - t0)) ms"

ASSERT "m1 is repaired after the flood" \
	wait_until $((5 * FDT)) agent_log_has "IP interface repair detected on m1 of group g0"
ASSERT "no member failed falsely (m0 flooded, m2 beside it)" \
	sh -c "! grep -E 'failure detected on m[02] ' $TMP/agent.log"
ASSERT_EQ "every member ok after the flood" "m0:ok m1:ok m2:ok" \
	"$(for m in m0 m1 m2; do printf '%s:%s ' $m "$(member_state $m)"; done | sed 's/ $//')"
ASSERT "the flood beyond the budget is counted as rate_limited (metrics)" \
	wait_until 2500 sh -c "[ \"\$(grep '^ipmp_group_probe_replies_total{.*outcome=\"rate_limited\"}' $PROM | awk '{print \$NF}')\" -gt 100000 ]"
delivered=$(xdp_outcome delivered)
limited=$(xdp_outcome rate_limited)
echo "# member_xdp: delivered=$delivered rate_limited=$limited"
# the budget (include/ipmp/probe.h): 16 reports per 10 ms per CPU, here for 8 s and a bit
bound=$((16 * 100 * 9 * $(nproc)))
ASSERT "the agent got no more than the budget ($bound of 400,000 sent)" test "$delivered" -le "$bound"
