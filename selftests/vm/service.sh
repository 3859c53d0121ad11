#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The shipped unit as a real systemd service (make check-vm runs this in the
# test VM: systemd is PID 1 there, and the members are veths in the guest's
# own root namespace, which is the VM's and nobody else's). Start reaches
# READY (Type=notify); metrics reach the configured directory; reload
# applies a change; kill -9 and a frozen agent (the watchdog) are restarted
# by systemd and adopt the data plane with nothing lost; stop leaves it
# forwarding; ipmp-agent --cleanup removes it.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
if [ "$(id -u)" != 0 ] || ! systemd-detect-virt --vm -q || [ "$(cat /proc/1/comm)" != systemd ]; then
	echo "1..0 # SKIP needs root in a VM with systemd as PID 1 (make check-vm): it changes the root namespace"
	exit 0
fi
SBIN=${SBIN:-/usr/local/sbin}
TRAFFIC=${IPMP_BUILD:-$ROOT/build}/tools/ipmp-traffic
CONF=/etc/ipmp/ipmp.conf
METRICS=/var/lib/prometheus/node-exporter
NS=ipmp-vm-peer
DATA=192.0.2.10
DATA2=192.0.2.11
PEER=192.0.2.100
TMP=$(mktemp -d)
N=0
FAILED=0
ok() { N=$((N + 1)); echo "ok $N - $1"; }
not_ok() { N=$((N + 1)); FAILED=$((FAILED + 1)); echo "not ok $N - $1"; shift; for l in "$@"; do echo "#   $l"; done; }
ASSERT() { local name=$1 out; shift; if out=$("$@" 2>&1); then ok "$name"; else not_ok "$name" "command: $*" "output: ${out:0:400}"; fi; }
ASSERT_EQ() { if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "expected: $2" "seen:     $3"; fi; }
wait_until() {
	local deadline=$(($(date +%s%3N) + $1))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$(date +%s%3N)" -ge "$deadline" ] && return 1
		sleep 0.1
	done
}
prop() { systemctl show -P "$1" ipmp-agent; }
peer_ping() { ip netns exec "$NS" ping -c 1 -W 1 "$1"; }
cleanup() {
	local rc=$?
	kill $(jobs -p) 2>/dev/null
	wait 2>/dev/null
	if [ "$FAILED" -gt 0 ]; then
		echo "# journal of ipmp-agent:"
		journalctl -u ipmp-agent --no-pager -o cat 2>/dev/null | tail -n 60 | sed 's/^/#   /'
	fi
	systemctl stop ipmp-agent 2>/dev/null
	systemctl reset-failed ipmp-agent 2>/dev/null
	"$SBIN/ipmp-agent" --cleanup -c "$CONF" >/dev/null 2>&1
	ip netns del "$NS" 2>/dev/null
	ip link del m0 2>/dev/null
	ip link del m1 2>/dev/null
	rm -f "$CONF" "$METRICS/ipmp.prom"
	rm -rf "$TMP"
	exit $rc
}
trap cleanup EXIT
trap 'exit 1' INT TERM
echo "1..19"

# --- the topology: m0, m1 here; their switch (a bridge) and the peer in a namespace ------------
ip netns add "$NS"
ip -n "$NS" link add br0 type bridge
for i in 0 1; do
	ip link add "m$i" type veth peer name "s$i" netns "$NS"
	ip -n "$NS" link set "s$i" master br0 up
	ip link set "m$i" up
done
ip -n "$NS" addr add "$PEER/24" dev br0
ip -n "$NS" link set br0 up
ip -n "$NS" link set lo up
mkdir -p /etc/ipmp
cat >"$CONF" <<CONF
[global]
failure_detection_time = 1000
metrics_dir = $METRICS
[group ipmp0]
name = g0
interfaces = m0 m1
addresses = $DATA/24
[interface m0]
test_address = 192.0.2.21/24
[interface m1]
test_address = 192.0.2.22/24
CONF

# --- start ------------------------------------------------------------------------------------------
ASSERT "systemctl start ipmp-agent" systemctl start ipmp-agent
ASSERT_EQ "Type=notify: active (running) once it said READY" "active running" "$(prop ActiveState) $(prop SubState)"
ASSERT "ipmpstat -g: g0 ok" wait_until 10000 sh -c "'$SBIN/ipmpstat' -gP -o groupname,state | grep -qx 'g0:ok'"
ASSERT "the peer reaches the data address" wait_until 10000 peer_ping "$DATA"
ASSERT "metrics in the configured directory ($METRICS/ipmp.prom)" \
	wait_until 15000 grep -q '^ipmp_group_state' "$METRICS/ipmp.prom"

# --- reload -----------------------------------------------------------------------------------------
sed -i "s|^addresses = .*|addresses = $DATA/24 $DATA2/24|" "$CONF"
ASSERT "systemctl reload ipmp-agent" systemctl reload ipmp-agent
ASSERT "applies the change: $DATA2 on ipmp0" \
	wait_until 5000 sh -c "ip -4 -o addr show dev ipmp0 | grep -q ' $DATA2/24'"
ASSERT "and the new address answers" wait_until 5000 peer_ping "$DATA2"

# stream SECONDS: the peer sends 1,000 sequenced datagrams/s to DATA, the host echoes them
stream_start() {
	"$TRAFFIC" udp-echo "$DATA" 6000 $(($1 + 10)) >/dev/null &
	ECHO=$!
	wait_until 3000 sh -c "ss -lun | grep -q '$DATA:6000'"
	ip netns exec "$NS" "$TRAFFIC" udp-stream "$DATA" 6000 1000 "$1" >"$TMP/stream.out" &
	STREAM=$!
}
stream_wait() { wait "$STREAM"; kill "$ECHO" 2>/dev/null; wait "$ECHO" 2>/dev/null; }
lost() { grep -o 'lost=[0-9]*' "$TMP/stream.out"; }

# --- kill -9: systemd restarts it, the new agent adopts the data plane ------------------------------
pid=$(prop MainPID)
stream_start 6
sleep 1
kill -9 "$pid"
ASSERT "kill -9: systemd restarts the agent" \
	wait_until 15000 sh -c "[ \$(systemctl show -P NRestarts ipmp-agent) = 1 ] && [ \$(systemctl show -P SubState ipmp-agent) = running ]"
stream_wait
ASSERT_EQ "a stream across the crash and restart loses nothing" "lost=0" "$(lost)"
ASSERT "the new agent resumed from the pinned state" \
	sh -c "journalctl -u ipmp-agent -o cat | grep -q 'resuming from the state the previous agent left'"

# --- frozen: the watchdog fires, systemd restarts it ------------------------------------------------
pid=$(prop MainPID)
stream_start 16
sleep 1
kill -STOP "$pid"
ASSERT "SIGSTOP: the watchdog (WatchdogSec=10s) has systemd restart it" \
	wait_until 25000 sh -c "[ \$(systemctl show -P NRestarts ipmp-agent) = 2 ] && [ \$(systemctl show -P SubState ipmp-agent) = running ]"
ASSERT "the journal says why" sh -c "journalctl -u ipmp-agent -o cat | grep -qi 'watchdog timeout'"
stream_wait
ASSERT_EQ "a stream across the frozen agent and its restart loses nothing" "lost=0" "$(lost)"

# --- stop: the data plane keeps forwarding; --cleanup removes it ------------------------------------
ASSERT "systemctl stop ipmp-agent" systemctl stop ipmp-agent
ASSERT_EQ "inactive" "inactive" "$(prop ActiveState)"
ASSERT "stopped, the data plane still forwards" peer_ping "$DATA"
ASSERT "ipmp-agent --cleanup" "$SBIN/ipmp-agent" --cleanup -c "$CONF"
ASSERT "removes the group interface and the pins" \
	sh -c "! ip link show ipmp0 && ! ls /sys/fs/bpf/ipmp/g0"
[ "$FAILED" = 0 ]
