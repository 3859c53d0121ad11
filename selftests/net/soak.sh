#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Soak: 1,000 link flaps on one member, at random intervals down to 1 ms,
# with a datagram stream running through the group. The agent never
# crashes, its memory does not grow, and the flap rule (spec 3.5: more
# than two link-ups in a minute) holds repair off: after the last flap m0
# stays failed with its link up, traffic stays on m1, and m0 is repaired
# only once the minute has passed. FLAPS overrides the count.
. "$(dirname "$0")/lib.sh"
require_root
tap_plan 10

FLAPS=${FLAPS:-1000}
topo_create 2
write_config "$TMP/ipmp.conf"
agent_start "$TMP/ipmp.conf" --log-time
wait_until 3000 active_is "m0 m1"
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$AGENT_PID/status"; }

# flap N times: down and up, each after a random 1-10 ms (bash's read
# timing out on a pipe that never speaks: a pause without a fork)
exec 9<> <(:)
pause_ms() { read -r -t "0.$(printf '%03d' "$1")" -u 9 || true; }
flap() {
	local i
	for ((i = 0; i < $1; i++)); do
		ip -n "$NS_SW" link set s0 down
		pause_ms $((RANDOM % 10 + 1))
		ip -n "$NS_SW" link set s0 up
		pause_ms $((RANDOM % 10 + 1))
	done
}

udp_stream_start "$DATA1" 60
flap 50		# warm-up: every path the flaps take has allocated what it keeps
rss_before=$(rss_kb)
t0=$(date +%s)
flap $((FLAPS - 50))
t_last=$(date +%s%N)
rss_after=$(rss_kb)
echo "# $FLAPS flaps in $(($(date +%s) - t0 + 1)) s; agent RSS $rss_before kB after 50, $rss_after kB after $FLAPS"

ASSERT "the agent survived $FLAPS flaps" kill -0 "$AGENT_PID"
if [ -n "${IPMP_SANITIZE:-}" ]; then
	ok "# SKIP memory growth: the sanitizer's quarantine holds freed memory (LeakSanitizer checks leaks)"
else
	ASSERT "its memory did not grow (RSS $rss_before -> $rss_after kB, at most +256 kB)" \
		test "$rss_after" -le $((rss_before + 256))
fi
ASSERT "the flap rule was logged" agent_log_has \
	"The link has come up on m0 more than 2 times in the last minute; disabling repair until it stabilizes"
ASSERT "m0's link is up" member_has_carrier 0
ASSERT "yet m0 stays failed while it flapped within the minute" \
	sh -c "sleep 2; '$IPMPSTAT' -P -o INTERFACE,STATE -i | grep -qx 'm0:failed'"
ASSERT_EQ "traffic stays on m1" "m1" "$(active_members)"
kill "$STREAM_PID" "$ECHO_PID" 2>/dev/null
wait "$STREAM_PID" "$ECHO_PID" 2>/dev/null

# Repair comes when the oldest of the last three link-ups leaves the minute.
ASSERT "m0 is repaired once the minute has passed" wait_until 75000 active_is "m0 m1"
repaired_ms=$((($(date +%s%N) - t_last) / 1000000))
echo "# repaired $repaired_ms ms after the last link-up"
ASSERT "not before 50 s after the last flap ($repaired_ms ms)" test "$repaired_ms" -ge 50000
ASSERT "the agent still answers" "$IPMPSTAT" -g
ASSERT "a stream after the soak loses nothing" sh -c "
	ip netns exec $NS_H '$TRAFFIC' udp-echo $DATA1 6001 4 >/dev/null & e=\$!
	sleep 0.3
	ip netns exec $NS_P '$TRAFFIC' udp-stream $DATA1 6001 2000 2 | grep -q ' lost=0 '
	r=\$?; kill \$e 2>/dev/null; wait \$e 2>/dev/null; exit \$r"
