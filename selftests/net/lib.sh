# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Shared library for the netns tests: topology, the agent, waiting with
# deadlines, TAP assertions and cleanup. Sourced by each scenario script.
#
# Topology (every namespace name carries a random suffix):
#
#   host (agent) m0..mN-1 ----- s0..sN-1 [br0 in "sw"] sp ----- p0  peer
#                                                       sr ----- r0  router
#   The group interface ipmp0 lives in host; data addresses on it.
#   Router: 192.0.2.1 on the link, 198.51.100.1 behind it.
#
# Members come in two kinds (MEMBER_KIND; the suite runs every scenario on
# both, see scripts/run-tests.sh):
#   veth     m$i is a veth whose peer s$i is the switch port: it takes every
#            frame and every multicast group, and never resets.
#   macvlan  m$i is a macvlan over a veth v$i (peer s$i): like a NIC, it takes
#            unicast for its own MAC and only the multicast groups on its own
#            list, and its driver has no native XDP.

set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
# the build under test: build/, or the sanitizer build (make check SANITIZE=...)
BUILD_DIR=${IPMP_BUILD:-$ROOT/build}
AGENT=${AGENT:-$BUILD_DIR/ipmp-agent}
TRAFFIC=${TRAFFIC:-$BUILD_DIR/tools/ipmp-traffic}
IPMPADM=${IPMPADM:-$BUILD_DIR/ipmpadm}
IF_MPADM=${IF_MPADM:-$BUILD_DIR/if_mpadm}

SUFFIX=$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
NS_H=ipmp-h-$SUFFIX
NS_SW=ipmp-sw-$SUFFIX
NS_P=ipmp-p-$SUFFIX
NS_R=ipmp-r-$SUFFIX

# Addresses, named once. Documentation ranges only.
DATA1=192.0.2.10
DATA2=192.0.2.11
DATA3=192.0.2.12
PEER=192.0.2.100
ROUTER=192.0.2.1
FAR=198.51.100.1

TMP=$(mktemp -d /tmp/ipmp-test.XXXXXX)
BPFFS=$TMP/bpffs
# the agent's control socket, and where the tools look for it
export IPMP_SOCKET=$TMP/ipmp.sock
# the network managers' runtime files the agent writes: never the machine's /run
export IPMP_RUN_DIR=$TMP/run
IPMPSTAT=${IPMPSTAT:-$BUILD_DIR/ipmpstat}
AGENT_PID=
NMEMBERS=0
MEMBER_KIND=${MEMBER_KIND:-veth}
case $MEMBER_KIND in veth|macvlan) ;; *) echo "lib.sh: MEMBER_KIND is veth or macvlan" >&2; exit 2 ;; esac
TAP_N=0
TAP_FAILED=0
PIDS=()
EXTRA_NS=()	# a scenario's own namespaces, deleted with the topology's

tap_plan() { echo "1..$1"; }

ok() {
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N - $1"
}

not_ok() {
	TAP_N=$((TAP_N + 1))
	TAP_FAILED=$((TAP_FAILED + 1))
	echo "not ok $TAP_N - $1"
	shift
	for line in "$@"; do echo "#   $line"; done
}

# ASSERT "name" command...: ok when the command succeeds.
ASSERT() {
	local name=$1
	shift
	local out
	if out=$("$@" 2>&1); then
		ok "$name"
	else
		not_ok "$name" "command: $*" "output: ${out:0:600}"
	fi
}

# ASSERT_EQ "name" expected seen
ASSERT_EQ() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		not_ok "$1" "expected: $2" "seen:     $3"
	fi
}

# wait_until MS command...: run command until it succeeds or MS elapse.
wait_until() {
	local ms=$1
	shift
	local deadline=$(($(date +%s%3N) + ms))
	while :; do
		"$@" >/dev/null 2>&1 && return 0
		[ "$(date +%s%3N)" -ge "$deadline" ] && return 1
		sleep 0.02
	done
}

nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

cleanup() {
	local rc=$?
	[ -n "$AGENT_PID" ] && kill "$AGENT_PID" 2>/dev/null
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
	[ -n "$AGENT_PID" ] && wait "$AGENT_PID" 2>/dev/null
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
	if [ "$TAP_FAILED" -gt 0 ] && [ -f "$TMP/agent.log" ]; then
		echo "# agent log:"
		sed 's/^/#   /' "$TMP/agent.log"
	fi
	for ns in "$NS_H" "$NS_SW" "$NS_P" "$NS_R" ${EXTRA_NS[@]+"${EXTRA_NS[@]}"}; do
		ip netns del "$ns" 2>/dev/null
	done
	mountpoint -q "$BPFFS" && umount "$BPFFS"
	rm -rf "$TMP"
	[ "$TAP_FAILED" -gt 0 ] && exit 1
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

require_root() {
	if [ "$(id -u)" != 0 ]; then
		echo "1..0 # SKIP needs root (network namespaces)"
		trap - EXIT
		rm -rf "$TMP"
		exit 0
	fi
}

# member_create I: a fresh member m$I in the host (new ifindex, new MAC), of
# MEMBER_KIND, cabled to switch port s$I on br0 (m$I itself left down).
member_create() {
	if [ "$MEMBER_KIND" = macvlan ]; then
		ip -n "$NS_H" link add "v$1" type veth peer name "s$1" netns "$NS_SW"
		# the lower is the rig's wire, not a host interface: it answers nothing
		nsx "$NS_H" sysctl -qw "net.ipv4.conf.v$1.arp_ignore=8" "net.ipv6.conf.v$1.disable_ipv6=1"
		ip -n "$NS_H" link set "v$1" up
		ip -n "$NS_H" link add "m$1" link "v$1" type macvlan mode private
	else
		ip -n "$NS_H" link add "m$1" type veth peer name "s$1" netns "$NS_SW"
	fi
	nsx "$NS_SW" ip link set "s$1" master br0 up
}
# member_delete I: the member's netdev goes, as when a NIC is unplugged (hot removal).
member_delete() { ip -n "$NS_H" link del "m$1"; [ "$MEMBER_KIND" = veth ] || ip -n "$NS_H" link del "v$1"; }
# skip_kind KIND WHY: this scenario cannot run on members of KIND; says why and stops.
skip_kind() {
	if [ "$MEMBER_KIND" = "$1" ]; then
		echo "1..0 # SKIP on $1 members: $2"
		trap - EXIT
		rm -rf "$TMP"
		exit 0
	fi
}

# ports_forwarding N: at least N ports of br0 forward.
ports_forwarding() { [ "$(nsx "$NS_SW" bridge link show | grep -c 'state forwarding')" -ge "$1" ]; }

# topo_create N: host with members m0..m(N-1) on a bridge with a peer and a router.
topo_create() {
	NMEMBERS=$1
	local i
	for ns in "$NS_H" "$NS_SW" "$NS_P" "$NS_R"; do
		ip netns add "$ns"
		nsx "$ns" ip link set lo up
	done
	nsx "$NS_SW" ip link add br0 type bridge
	nsx "$NS_SW" ip link set br0 up
	for ((i = 0; i < NMEMBERS; i++)); do
		member_create "$i"
	done
	ip -n "$NS_P" link add p0 type veth peer name sp netns "$NS_SW"
	nsx "$NS_SW" ip link set sp master br0 up
	nsx "$NS_P" ip addr add "$PEER/24" dev p0
	nsx "$NS_P" ip link set p0 up
	ip -n "$NS_R" link add r0 type veth peer name sr netns "$NS_SW"
	nsx "$NS_SW" ip link set sr master br0 up
	nsx "$NS_R" ip addr add "$ROUTER/24" dev r0
	nsx "$NS_R" ip addr add "$FAR/32" dev lo
	nsx "$NS_R" ip link set r0 up
	nsx "$NS_R" sysctl -qw net.ipv4.ip_forward=1
	# a switch port forwards a moment after its carrier (link events are
	# rate-limited to one a second per device): every port whose far end is
	# up forwards before a test starts (a veth member is down until the agent)
	local up=2
	[ "$MEMBER_KIND" = macvlan ] && up=$((NMEMBERS + 2))
	wait_until 3000 ports_forwarding "$up"
	mkdir -p "$BPFFS"
	mount -t bpf bpf "$BPFFS"
}

# write_config FILE: a group ipmp0 over every member; extra lines follow.
write_config() {
	local f=$1
	shift
	local members=""
	for ((i = 0; i < NMEMBERS; i++)); do members="$members m$i"; done
	{
		echo "[global]"
		echo "failure_detection_time = 1000"
		for line in "$@"; do echo "$line"; done
		echo "[group ipmp0]"
		echo "name = g0"
		echo "interfaces =$members"
		echo "addresses = ${GROUP_ADDRS:-$DATA1/24 $DATA2/24}"
		[ -n "${STANDBY:-}" ] && echo "standby = $STANDBY"
	} >"$f"
}

# The group is up once its first configured data address is on ipmp0.
group_up() {
	local first
	read -r first _ <<<"${GROUP_ADDRS:-$DATA1/24}"
	ip -n "$NS_H" addr show dev ipmp0 2>/dev/null | grep -q "inet6\? ${first%/*}/"
}

# agent_start CONF [args]: run the agent in the host namespace.
agent_start() {
	local conf=$1
	shift
	ip netns exec "$NS_H" "$AGENT" -c "$conf" --bpffs "$BPFFS" --socket "$IPMP_SOCKET" -d "$@" \
		>>"$TMP/agent.log" 2>&1 &
	AGENT_PID=$!
	if ! wait_until "${AGENT_START_MS:-15000}" group_up; then
		not_ok "agent starts" "the group interface did not get its first address within ${AGENT_START_MS:-15000} ms"
		exit 1
	fi
	case "${GROUP_ADDRS:-$DATA1/24}" in
	*.*) nsx "$NS_H" ip route replace default via "$ROUTER" dev ipmp0 ;;
	esac
}

agent_stop() {
	[ -n "$AGENT_PID" ] || return 0
	kill "$AGENT_PID" 2>/dev/null
	wait "$AGENT_PID" 2>/dev/null
	AGENT_PID=
}

agent_log_has() { grep -qF -- "$1" "$TMP/agent.log"; }

# if_mpadm as an operator runs it: beside the agent, in the host's namespace
# (it reads the interface's flags itself before it asks the agent).
if_mpadm() { ip netns exec "$NS_H" "$IF_MPADM" "$@"; }

mac_of() { ip -n "$1" -o link show "$2" | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'; }

# The MAC the peer has for an address (empty if none usable).
peer_neigh_mac() {
	ip -n "$NS_P" neigh show "$1" | sed -n 's/.*lladdr \([0-9a-f:]*\).*/\1/p'
}

peer_ping() { nsx "$NS_P" ping -c1 -W1 -q "$1" >/dev/null 2>&1; }

# member_link IFINDEX up|down: cut or restore a member's cable (its switch end).
member_link() { nsx "$NS_SW" ip link set "s$1" "$2"; }

member_of_mac() {
	local i
	for ((i = 0; i < NMEMBERS; i++)); do
		[ "$(mac_of "$NS_H" "m$i")" = "$1" ] && { echo "m$i"; return 0; }
	done
	echo "?"
}

ifname_of_index() { ip -n "$NS_H" -o link show | awk -F': ' -v i="$1" '$1 == i {sub(/@.*/, "", $2); print $2}'; }

# Members the data plane treats as active, from the pinned members map (by slot).
active_members() {
	local idx out=""
	for idx in $(bpftool -j map dump pinned "$BPFFS/g0/members" |
		jq -r '.[] | select(.formatted.value.flags == 1) | .formatted.value.ifindex' | sort -n); do
		out="$out $(ifname_of_index "$idx")"
	done
	echo "${out# }" | tr ' ' '\n' | sort | tr '\n' ' ' | sed 's/ $//'
}

active_is() { [ "$(active_members)" = "$1" ]; }

# The member (m0, m1...) whose MAC the peer has for an address.
peer_sees() { member_of_mac "$(peer_neigh_mac "$1")"; }

# Every MAC the peer's neighbour table holds on its link, one per line.
peer_neigh_macs() { ip -n "$NS_P" neigh show dev p0 | sed -n 's/.*lladdr \([0-9a-f:]*\).*/\1/p' | sort -u; }

# --- what ipmpstat says ----------------------------------------------------------------------
# The member a data address is bound to (ipmpstat -a INBOUND), any family.
inbound_of() { "$IPMPSTAT" -an -j -o address,inbound | jq -r ".[] | select(.address == \"$1\") | .inbound"; }
# A member's row of ipmpstat -i: interface:active:flags:link:state
member_row() { "$IPMPSTAT" -iP -o interface,active,flags,link,state | grep "^$1:"; }
# A member's STATE column (ok, failed, offline, unknown).
member_state() { "$IPMPSTAT" -iP -o interface,state | sed -n "s/^$1://p"; }
# The first group's STATE column.
group_state() { "$IPMPSTAT" -gP -o state | head -1; }
# Every member's and every address's row, sorted: to compare before and after.
members_snapshot() { "$IPMPSTAT" -iP -o interface,active,flags,link,state | sort; }
addresses_snapshot() { "$IPMPSTAT" -anP -o address,state,inbound | sort; }
# ipmpadm, its errors with its output.
adm() { "$IPMPADM" "$@" 2>&1; }

# Refresh the peer's neighbour entry (a ping resolves it) and check it.
peer_sees_is() { peer_ping "$1"; [ "$(peer_sees "$1")" = "$2" ]; }

# pattern-checked TCP from the peer to ADDR, paced over SECONDS; prints sink result
tcp_from_peer_start() {
	local addr=$1 bytes=$2 secs=$3
	# ip netns exec, not nsx: $! must be the process itself, not a subshell
	ip netns exec "$NS_H" "$TRAFFIC" tcp-sink "$addr" 5001 $((secs + 10)) >"$TMP/sink.out" 2>&1 &
	SINK_PID=$!
	PIDS+=($SINK_PID)
	wait_until 2000 sh -c "ip netns exec $NS_H ss -ltn | grep -q '$addr:5001'"
	ip netns exec "$NS_P" "$TRAFFIC" tcp-send "$addr" 5001 "$bytes" "$secs" >"$TMP/send.out" 2>&1 &
	SEND_PID=$!
	PIDS+=($SEND_PID)
}

# Wait for the transfer (not in a subshell: only this shell can wait for
# its children); TCP_RESULT becomes "bytes=N ok|corrupt".
tcp_from_peer_wait() {
	wait "$SEND_PID"
	wait "$SINK_PID"
	TCP_RESULT=$(sed -n 's/^bytes=\([0-9]*\).*result=\(.*\)/bytes=\1 \2/p' "$TMP/sink.out")
}

# member_path IDX down|up: cut or restore a member's path behind its cable:
# the switch-side port leaves the bridge, the member keeps its carrier.
member_path() {
	if [ "$2" = down ]; then
		nsx "$NS_SW" ip link set "s$1" nomaster
	else
		nsx "$NS_SW" ip link set "s$1" master br0
	fi
}

carrier_of() { cat "/sys/class/net/$1/carrier" 2>/dev/null; }
member_has_carrier() { [ "$(nsx "$NS_H" cat "/sys/class/net/m$1/carrier")" = 1 ]; }

# write_probe_config FILE FDT_MS [extra group lines...]: members probe from
# test addresses 192.0.2.21, .22, ...
TEST_ADDR_BASE=192.0.2.2
write_probe_config() {
	local f=$1 fdt=$2
	shift 2
	write_config "$f" "${GROUP_EXTRA[@]}"
	sed -i "s/failure_detection_time = .*/failure_detection_time = $fdt/" "$f"
	for line in "$@"; do
		sed -i "/^\[group ipmp0\]/a $line" "$f"
	done
	for ((i = 0; i < NMEMBERS; i++)); do
		printf '[interface m%d]\ntest_address = %s%d/24\n' "$i" "$TEST_ADDR_BASE" $((i + 1)) >>"$f"
	done
}

# udp_stream_start ADDR SECONDS: the peer sends 5,000 sequenced datagrams/s to
# ADDR for SECONDS, the host echoes them. udp_stream_wait (not in a subshell:
# only this shell can wait for its children), then udp_stream_lost prints lost=N.
udp_stream_start() {
	local addr=$1 secs=$2
	ip netns exec "$NS_H" "$TRAFFIC" udp-echo "$addr" 6000 $((secs + 4)) >/dev/null &
	ECHO_PID=$!
	PIDS+=($ECHO_PID)
	wait_until 2000 sh -c "ip netns exec $NS_H ss -lun | grep -q '$addr\]*:6000'"
	ip netns exec "$NS_P" "$TRAFFIC" udp-stream "$addr" 6000 5000 "$secs" >"$TMP/stream.out" &
	STREAM_PID=$!
	PIDS+=($STREAM_PID)
}
# The echo goes with its stream, so the next stream can bind the port at once.
udp_stream_wait() {
	wait "$STREAM_PID"
	kill "$ECHO_PID" 2>/dev/null
	wait "$ECHO_PID" 2>/dev/null
}
# On a loss the whole line and both ends' UDP buffer errors go to the log, to
# tell the data path's loss from a test process starved of CPU.
udp_stream_lost() {
	local lost
	lost=$(grep -o 'lost=[0-9]*' "$TMP/stream.out")
	if [ "$lost" != "lost=0" ]; then
		echo "# stream: $(cat "$TMP/stream.out")" >&2
		for ns in "$NS_H" "$NS_P"; do
			echo "# $ns: $(ip netns exec "$ns" nstat -asz Udp6RcvbufErrors UdpRcvbufErrors UdpSndbufErrors Udp6SndbufErrors 2>/dev/null | awk 'NR>1 && $2 != 0 {printf "%s=%s ", $1, $2}')" >&2
		done
	fi
	echo "$lost"
}

# Milliseconds since the epoch, for diagnostics (never asserted as an upper bound).
now_ms() { date +%s%3N; }

# Probe replies the XDP programs handed to the agent so far.
probe_replies() {
	bpftool -j map dump pinned "$BPFFS/g0/probe_stats" | jq '.[0].formatted.values | map(.value) | add'
}

# Wait until N more replies arrive: probing is past its quiet period (spec 3.8).
wait_probe_replies() {
	local want=$(($(probe_replies) + $1))
	wait_until "$2" sh -c "[ \$(bpftool -j map dump pinned $BPFFS/g0/probe_stats | jq '.[0].formatted.values | map(.value) | add') -ge $want ]"
}

# ASSERT_PATH_CUT_DETECTED IDX FDT WHAT: cut member IDX's path (carrier up),
# expect probes to fail it within 3 FDT, restore it, expect the repair.
ASSERT_PATH_CUT_DETECTED() {
	local i=$1 fdt=$2 what=$3
	member_path "$i" down
	ASSERT "a cut path is detected $what" \
		wait_until $((3 * fdt)) agent_log_has "IP interface failure detected on m$i of group g0"
	member_path "$i" up
	ASSERT "and m$i is repaired $what" \
		wait_until $((5 * fdt)) agent_log_has "IP interface repair detected on m$i of group g0"
}

# agent_restart_clean: stop the agent and remove what it made, log emptied.
agent_restart_clean() {
	agent_stop
	nsx "$NS_H" "$AGENT" -c "$TMP/ipmp.conf" --bpffs "$BPFFS" --cleanup >>"$TMP/agent.log" 2>&1
	: >"$TMP/agent.log"
}
