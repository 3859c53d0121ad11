#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Control-plane benchmarks (called by bench/run.sh; prints table rows):
#   ipmpstat latency  -an and -i against a live agent with 16 probing
#                     members and NADDRS data addresses (IPv4 documentation
#                     space holds ~660 here; the rest are IPv6 in
#                     2001:db8::/64), beside `ip -br addr` listing the same
#                     addresses; and -an over a saved 4,096-address snapshot.
#   agent CPU         the agent's CPU time over a few seconds with and
#                     without an ipmpstat -p client following every probe;
#                     per probe answered, beside bench/bare_probe sending the
#                     same probes (a plain prober, in.mpathd's way), and
#                     the machine's floor: the CPU of one wake-up that does
#                     nothing, at the agent's rate of wake-ups;
#                     RSS; idle (link detection only).
. "$(dirname "$0")/../selftests/net/lib.sh"
trap - EXIT
trap cleanup EXIT

NADDRS=${NADDRS:-4096}
RUNS=${RUNS:-20}
ROWS=${ROWS:-/dev/stdout}
[ "$(id -u)" = 0 ] || { echo "bench needs root" >&2; exit 1; }
row() { printf '%-40s %14s %14s %8s  %s\n' "$@" >>"$ROWS"; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ms_of() {	# ms_of CMD...: wall time of one run, in ms (3 decimals)
	local t0 t1
	t0=$(date +%s%N)
	"$@" >/dev/null 2>&1
	t1=$(date +%s%N)
	awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f\n", (b - a) / 1e6}'
}

topo_create 16
addrs=""
n=0
# 192.0.2.0/24 first: the agent is up once the first address is, and the default route
# (lib.sh) goes via the router on that subnet
for ((i = 100; i <= 254 && n < NADDRS; i++, n++)); do addrs="$addrs 192.0.2.$i/24"; done
for net in 198.51.100 203.0.113; do
	for ((i = 1; i <= 254 && n < NADDRS; i++, n++)); do addrs="$addrs $net.$i/24"; done
done
# the rest IPv6, on continuation lines (an ipmp.conf line holds 64 KiB)
for ((i = 1; n < NADDRS; i++, n++)); do
	addrs="$addrs$([ $((i % 200)) = 1 ] && printf '\n\t') 2001:db8::$(printf %x $i)/64"
done
GROUP_ADDRS=$addrs	# for agent_start too, not just the config
write_probe_config "$TMP/ipmp.conf" 1000 "targets = $ROUTER"	# IPv6: found by ff02::1
AGENT_START_MS=60000 agent_start "$TMP/ipmp.conf"
wait_until 60000 sh -c "[ \$(ip -n $NS_H -o addr show dev ipmp0 | grep -vc -e tentative -e 'scope link') -ge $n ]"
wait_probe_replies 100 20000

for mode in -an -i; do
	ours=$(for ((r = 0; r < RUNS; r++)); do ms_of "$IPMPSTAT" $mode; done | median)
	base=$(for ((r = 0; r < RUNS; r++)); do ms_of ip -n "$NS_H" -br addr show dev ipmp0; done | median)
	row "ipmpstat $mode, $n addresses, 16 members" "$ours ms" "$base ms" \
		"$(awk -v a="$ours" -v b="$base" 'BEGIN {printf "%.2f", a / b}')" "< 50 ms"
done

# 4,096 addresses from a saved snapshot: decoding and formatting only
{
	printf '{"groups": [{"ifname": "ipmp0", "name": "g0", "state": "ok", "fdt_ms": 1000, "interfaces": [], "outbound": ["m0", "m1"]}], "interfaces": [], "addresses": ['
	for ((i = 0; i < 4096; i++)); do
		printf '%s{"address": "2001:db8::%x", "state": "up", "group": "ipmp0", "inbound": "m%d"}' \
			"$([ $i = 0 ] || echo ,)" "$i" $((i % 16))
	done
	printf ']}'
} >"$TMP/snap4096.json"
ours=$(for ((r = 0; r < RUNS; r++)); do IPMPSTAT_SNAPSHOT=$TMP/snap4096.json ms_of "$IPMPSTAT" -an; done | median)
row "ipmpstat -an, 4,096 addresses (saved)" "$ours ms" "-" "-" "< 50 ms"

# agent CPU: clock ticks used over SECONDS, without and with a -p follower
# the agent's CPU time in ns (schedstat: not the 10 ms ticks of stat), every thread
cpu_ticks() { cat /proc/"$AGENT_PID"/task/*/schedstat | awk '{t += $1} END {printf "%.0f\n", t}'; }
SECONDS_CPU=${SECONDS_CPU:-5}
a=$(cpu_ticks); sleep "$SECONDS_CPU"; idle=$(($(cpu_ticks) - a))
"$IPMPSTAT" -pn >/dev/null 2>&1 &
follower=$!
PIDS+=($follower)
wait_until 2000 agent_log_has "control: a client follows probes"
a=$(cpu_ticks); sleep "$SECONDS_CPU"; busy=$(($(cpu_ticks) - a))
kill "$follower" 2>/dev/null
hz=1000000000	# "ticks" are ns
row "agent CPU, 16 members probing (%)" \
	"$(awk -v t="$busy" -v s="$SECONDS_CPU" -v h="$hz" 'BEGIN {printf "%.2f%%", 100 * t / h / s}')" \
	"$(awk -v t="$idle" -v s="$SECONDS_CPU" -v h="$hz" 'BEGIN {printf "%.2f%%", 100 * t / h / s}')" \
	"$(awk -v a="$busy" -v b="$idle" 'BEGIN {printf "%.2f", b ? a / b : 0}')" ""
echo "# agent CPU: ours = with an ipmpstat -p client, baseline = without; $(probe_replies) probe replies in all" >>"$ROWS"

# CPU per probe: the agent's time over a window / the probes sent and answered in it
# (16 members, both families, at FDT 1 s: about 7 probes a second each), beside a bare prober
# (bench/bare_probe) sending the same probes at the same rate from the same test addresses
# to the same targets, with the agent stopped. On veth the kernel delivers each probe to its
# target, and the reply back, inside the sender's sendto(): the bare prober's time in
# sendto() says what any prober pays for that here. (User time is not shown: stat's utime is
# the run time split by 4 ms tick samples, a handful in the window, so 0 or 11 us by chance.)
# Wake-ups are counted too (voluntary context switches: each sleep ends in one): on this kind
# of machine a wake-up costs tens of us of CPU by itself (the floor row: bare_probe with no
# instances, waking at the agent's rate and doing nothing else), so wake-ups per probe times
# that is what any prober waking as often pays before it sends anything.
per_us() { awk -v t="$1" -v n="$2" 'BEGIN {printf "%.1f", n ? t / 1000 / n : 0}'; }
wakeups() { cat /proc/"$AGENT_PID"/task/*/status | awk '/^voluntary_ctxt_switches/ {t += $2} END {print t}'; }
window() {	# window SECONDS: the agent's CPU (ns), probes answered and wake-ups in it
	local r0 a w0
	r0=$(probe_replies); a=$(cpu_ticks); w0=$(wakeups)
	sleep "$1"
	echo "$(($(cpu_ticks) - a)) $(($(probe_replies) - r0)) $(($(wakeups) - w0))"
}
read -r used probes woke < <(window "$SECONDS_CPU")
per_probe=$(per_us "$used" "$probes")
echo "# agent: $probes probe replies in ${SECONDS_CPU} s, $((used / 1000)) us of its CPU, $woke wake-ups" >>"$ROWS"

# The same with the network behind the members on the other core: RPS sends every veth's
# receive processing (the switch, the targets, the replies' way back) to CPU 1 and the
# prober is pinned to CPU 0, as a NIC's queues and the far end would be on real hardware.
# What is left is the prober's own: its sends down to the driver, its wake-ups, user space.
rps() {
	local ns q
	for ns in "$NS_SW" "$NS_R" "$NS_P" "$NS_H"; do
		for q in $(nsx "$ns" sh -c 'ls -d /sys/class/net/*/queues/rx-* 2>/dev/null'); do
			nsx "$ns" sh -c "echo $1 > $q/rps_cpus" 2>/dev/null
		done
	done
}
per_probe_rps=""
if [ "$(nproc)" -ge 2 ]; then
	rps 2
	taskset -a -c -p 0 "$AGENT_PID" >/dev/null
	sleep 1
	read -r used_rps probes_rps _ < <(window "$SECONDS_CPU")
	per_probe_rps=$(per_us "$used_rps" "$probes_rps")
	rps 0
	taskset -a -c -p "0-$(($(nproc) - 1))" "$AGENT_PID" >/dev/null
fi
rss=$(awk '/^VmRSS/ {print $2}' "/proc/$AGENT_PID/status")

# At the default FDT (10 s: a probe an instance every ~1.4 s) the probe grid's step is 178 ms;
# a longer window, for as many probes. Reloaded in place (SIGHUP), as a user would.
SECONDS_SLOW=${SECONDS_SLOW:-10}
sed -i 's/^failure_detection_time = .*/failure_detection_time = 10000/' "$TMP/ipmp.conf"
kill -HUP "$AGENT_PID"
wait_until 5000 agent_log_has "SIGHUP: rereading config file"
sleep 3
read -r used_slow probes_slow woke_slow < <(window "$SECONDS_SLOW")

# the bare prober: each instance's first target, at the agent's rate
"$IPMPSTAT" -tn -j | jq -r '.[] | select(.targets != "") |
	"\(.interface),\(.testaddr),\(.targets | split(" ")[0])"' >"$TMP/instances"
instances=$(wc -l <"$TMP/instances")
rate_of() { awk -v n="$1" -v s="$2" -v i="$instances" 'BEGIN {printf "%.2f", n / s / i}'; }
rate=$(rate_of "$probes" "$SECONDS_CPU")
agent_stop
nsx "$NS_H" "$AGENT" -c "$TMP/ipmp.conf" --bpffs "$BPFFS" --cleanup >/dev/null 2>&1
# the test addresses went with the agent: the bare prober's own, as the agent had them
awk -F, '$2 !~ /:/ {print $1, $2}' "$TMP/instances" | while read -r ifname addr; do
	nsx "$NS_H" ip addr add "$addr/24" dev "$ifname" noprefixroute
done
bare() {	# bare SECONDS RATE [taskset -c 0]: us per probe answered, in sendto(); replies; wake-ups
	local secs=$1 r=$2
	shift 2
	"$@" ip netns exec "$NS_H" "$BUILD_DIR/bench/bare_probe" "$secs" "$r" \
		$(cat "$TMP/instances") | tr ' =' '\n\n' | awk '
		{k = $0; getline v; f[k] = v}
		END {n = f["answered"]; if (!n) exit 1
		     printf "%.1f %.1f %d %d\n", f["cpu_ns"] / 1000 / n, f["send_ns"] / 1000 / n, n,
			f["wakeups"]}'
}
read -r bare_probe bare_send bare_n bare_woke < <(bare "$SECONDS_CPU" "$rate")
echo "# bare prober: $instances instances at $rate/s, $bare_n replies in ${SECONDS_CPU} s" >>"$ROWS"
# the floor: waking as often as the agent did, doing nothing
wake_rate=$(awk -v w="$woke" -v s="$SECONDS_CPU" 'BEGIN {printf "%.1f", w / s}')
read -r floor_ns floor_woke < <("$BUILD_DIR/bench/bare_probe" "$SECONDS_CPU" "$wake_rate" |
	tr ' =' '\n\n' | awk '{k = $0; getline v; f[k] = v} END {print f["cpu_ns"], f["wakeups"]}')
floor_us=$(per_us "$floor_ns" "$floor_woke")
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", b ? a / b : 0}'; }
row "agent CPU per probe answered (us)" "$per_probe us" "$bare_probe us" \
	"$(ratio "$per_probe" "$bare_probe")" "<= 20 us"
row "  the bare prober's sendto() alone" "-" "$bare_send us" "-" ""
row "  wake-ups per probe answered" "$(ratio "$woke" "$probes")" \
	"$(ratio "$bare_woke" "$bare_n")" "-" ""
row "  one wake-up doing nothing, $wake_rate/s" "-" "$floor_us us" "-" "machine's floor"
row "  of the agent's, its wake-ups at the floor" \
	"$(awk -v w="$woke" -v n="$probes" -v f="$floor_us" 'BEGIN {printf "%.1f us", n ? w * f / n : 0}')" \
	"-" "-" ""
if [ -n "$per_probe_rps" ]; then
	rps 2
	read -r bare_rps _ < <(bare "$SECONDS_CPU" "$rate" taskset -c 0)
	rps 0
	row "  the network on the other core (RPS)" "$per_probe_rps us" "$bare_rps us" \
		"$(ratio "$per_probe_rps" "$bare_rps")" "<= 20 us"
fi
rate_slow=$(rate_of "$probes_slow" "$SECONDS_SLOW")
read -r bare_slow _ bare_n_slow bare_woke_slow < <(bare "$SECONDS_SLOW" "$rate_slow")
per_slow=$(per_us "$used_slow" "$probes_slow")
row "  at the default FDT, 10 s" "$per_slow us" "$bare_slow us" "$(ratio "$per_slow" "$bare_slow")" ""
row "    its wake-ups per probe answered" "$(ratio "$woke_slow" "$probes_slow")" \
	"$(ratio "$bare_woke_slow" "$bare_n_slow")" "-" ""
row "    agent CPU at the default FDT (%)" \
	"$(awk -v t="$used_slow" -v s="$SECONDS_SLOW" 'BEGIN {printf "%.3f%%", 100 * t / 1e9 / s}')" \
	"-" "-" ""
row "agent RSS, 16 members, $n addresses" "$((rss / 1024)) MiB" "-" "-" "< 16 MiB"

# idle: link detection only (no test addresses), the same members and addresses
write_config "$TMP/idle.conf"
sed -i '/^\[group ipmp0\]/a probe = off' "$TMP/idle.conf"
AGENT_START_MS=60000 agent_start "$TMP/idle.conf"
wait_until 60000 sh -c "[ \$(ip -n $NS_H -o addr show dev ipmp0 | grep -vc -e tentative -e 'scope link') -ge $n ]"
sleep 2
a=$(cpu_ticks); sleep "$SECONDS_CPU"; idle=$(($(cpu_ticks) - a))
row "agent CPU idle (probe = off, 16 members)" \
	"$(awk -v t="$idle" -v s="$SECONDS_CPU" -v h="$hz" 'BEGIN {printf "%.2f%%", 100 * t / h / s}')" "-" "-" "< 0.1%"
rss=$(awk '/^VmRSS/ {print $2}' "/proc/$AGENT_PID/status")
row "  its RSS" "$((rss / 1024)) MiB" "-" "-" "< 16 MiB"
