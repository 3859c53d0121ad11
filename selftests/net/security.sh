#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# Who may change what (docs/design.md, "Threat model"):
#   - privilege is the peer's credentials at connect (SO_PEERCRED): nobody
#     as "root" of a user namespace, or nobody whose socket a setuid-root
#     program holds, is refused every request that changes state; members
#     of admin_group are not; anyone may read;
#   - one agent per host: a second one on the same pins stops at once,
#     naming the first, and changes nothing; --cleanup refuses meanwhile;
#   - an unprivileged user holding as many connections as it can, each
#     stuffed with requests it never reads, does not lock root out, and the
#     agent's memory stays bounded;
#   - in a metrics directory others may write, symlinks planted under the
#     temporary or the final name are never written through.
. "$(dirname "$0")/lib.sh"
require_root
tap_plan 24

topo_create 3
write_config "$TMP/ipmp.conf"
agent_start "$TMP/ipmp.conf"
wait_until 3000 active_is "m0 m1 m2"
chmod 755 "$TMP"
ctl() { "$TRAFFIC" ctl "$IPMP_SOCKET" "$@"; }
as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
req() { printf '{"version":1,"cmd":"%s"%s}' "$1" "${2:+,$2}"; }

MUTATING=(
	"$(req offline '"interface":"m1"')"
	"$(req undo-offline '"interface":"m1"')"
	"$(req standby '"interface":"m2","standby":true')"
	"$(req add-address '"group":"ipmp0","address":"192.0.2.1/24"')"
	"$(req remove-address '"address":"'$DATA2'"')"
	"$(req add-interface '"group":"ipmp0","interface":"lo"')"
	"$(req remove-interface '"interface":"m2"')"
	"$(req reload)"
)

# --- a user namespace's root is still nobody -----------------------------------------------
refused=0
for r in "${MUTATING[@]}"; do
	out=$(as_nobody unshare -Ur "$TRAFFIC" ctl "$IPMP_SOCKET" "$r" 2>&1)
	grep -q '"errno":1' <<<"$out" && grep -q 'Operation not permitted' <<<"$out" && refused=$((refused + 1))
done
ASSERT_EQ "unshare -Ur as nobody: every request that changes state is refused" \
	"${#MUTATING[@]}" "$refused"
ASSERT "it may still read" sh -c \
	"setpriv --reuid=nobody --regid=nogroup --clear-groups unshare -Ur '$IPMPSTAT' -gP -o state | grep -qx ok"
ASSERT_EQ "and nothing changed: every member active, $DATA2 and the router's address as they were" \
	"m0 m1 m2 no" \
	"$(active_members) $(ip -n "$NS_H" addr show dev ipmp0 | grep -q "$ROUTER/" && echo yes || echo no)"
ASSERT "the agent logged the refused offline" agent_log_has "Unprivileged request from uid 65534 for privileged command offline"

# --- a setuid-root program holding the pid that connected ------------------------------------
cp /bin/sleep "$TMP/suid-sleep"
chown root:root "$TMP/suid-sleep"
chmod 4755 "$TMP/suid-sleep"
refused=0
for r in "${MUTATING[@]}"; do
	out=$(as_nobody "$TRAFFIC" ctl-inherit "$IPMP_SOCKET" "$TMP/suid-sleep" "$r" 2>&1)
	grep -q 'Operation not permitted' <<<"$out" && refused=$((refused + 1))
done
ASSERT_EQ "a socket handed to a setuid-root program: every change refused" \
	"${#MUTATING[@]}" "$refused"
ASSERT_EQ "still every member active" "m0 m1 m2" "$(active_members)"

# --- admin_group: a primary or a supplementary group grants changes --------------------------
sed -i 's/^\[global\]$/[global]\nadmin_group = adm/' "$TMP/ipmp.conf"
ASSERT "reload with admin_group = adm" sh -c "'$IPMPADM' reload >/dev/null"
ASSERT_EQ "nobody in adm (supplementary) may offline m1" "" \
	"$(nsx "$NS_H" setpriv --reuid=nobody --regid=nogroup --groups=adm "$IF_MPADM" -d m1 2>&1)"
ASSERT_EQ "and undo it" "" \
	"$(nsx "$NS_H" setpriv --reuid=nobody --regid=nogroup --groups=adm "$IF_MPADM" -r m1 2>&1)"
ASSERT_EQ "nobody outside it may not" "if_mpadm: fatal: cannot offline m1: Operation not permitted" \
	"$(nsx "$NS_H" setpriv --reuid=nobody --regid=nogroup --clear-groups "$IF_MPADM" -d m1 2>&1)"
sed -i '/^admin_group = /d' "$TMP/ipmp.conf"
"$IPMPADM" reload >/dev/null
echo "admin_group = nosuchgroup-ipmp" >"$TMP/bad.conf"
sed -n '1,$p' "$TMP/ipmp.conf" >>"$TMP/bad.conf"
sed -i '1{h;d};/^\[global\]$/G' "$TMP/bad.conf"
ASSERT "an admin_group that does not exist is a config error with its line" sh -c \
	"'$AGENT' -c '$TMP/bad.conf' --check 2>&1 | grep -q \"bad.conf:[0-9]*: admin_group 'nosuchgroup-ipmp': no such group\""

# --- one agent per host ---------------------------------------------------------------------
sock_ino=$(stat -c %i "$IPMP_SOCKET")
pins_before=$(ls -R "$BPFFS" | md5sum)
t0=$(now_ms)
out=$(nsx "$NS_H" timeout 10 "$AGENT" -c "$TMP/ipmp.conf" --bpffs "$BPFFS" --socket "$IPMP_SOCKET" 2>&1)
rc=$?
ASSERT_EQ "a second agent on the same pins exits 1 at once" "1" "$rc"
echo "# it took $(($(now_ms) - t0)) ms"
ASSERT "naming the running one's pid" grep -q "another ipmp-agent (pid $AGENT_PID) is running on $BPFFS; not starting" <<<"$out"
ASSERT_EQ "the socket is the running agent's still, and answers" "$sock_ino ok" \
	"$(stat -c %i "$IPMP_SOCKET") $("$IPMPSTAT" -gP -o state)"
ASSERT_EQ "no pin was touched" "$pins_before" "$(ls -R "$BPFFS" | md5sum)"
out=$(nsx "$NS_H" "$AGENT" -c "$TMP/ipmp.conf" --bpffs "$BPFFS" --cleanup 2>&1)
ASSERT_EQ "--cleanup refuses while an agent runs" \
	"1 another ipmp-agent (pid $AGENT_PID) is running on $BPFFS; stop it before --cleanup yes" \
	"$? $(grep -o 'another.*' <<<"$out") $(ip -n "$NS_H" link show ipmp0 >/dev/null 2>&1 && echo yes)"

# --- per-user limits ------------------------------------------------------------------------
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$AGENT_PID/status"; }
rss_before=$(rss_kb)
as_nobody "$TRAFFIC" ctl-hog "$IPMP_SOCKET" 400 6 >"$TMP/hog.out" &
hog=$!
PIDS+=($hog)
sleep 2
ASSERT_EQ "meanwhile root's if_mpadm -d works" "" "$(if_mpadm -d m2 2>&1)"
ASSERT_EQ "and -r" "" "$(if_mpadm -r m2 2>&1)"
rss_during=$(rss_kb)
wait "$hog"
accepted=$(sed -n 's/.*accepted=\([0-9]*\).*/\1/p' "$TMP/hog.out")
echo "# nobody: $(cat "$TMP/hog.out"); agent RSS $rss_before kB before, $rss_during kB under the hog"
ASSERT "nobody got at most 32 connections of the 400 it tried" test "${accepted:-999}" -le 32
if [ -n "${IPMP_SANITIZE:-}" ]; then
	ok "# SKIP memory bound: the sanitizer's quarantine holds freed memory (LeakSanitizer checks leaks)"
else
	ASSERT "the agent's memory stayed bounded (+$((rss_during - rss_before)) kB)" \
		test $((rss_during - rss_before)) -lt 16384
fi

# --- files: a shared metrics directory with symlinks planted in it --------------------------
MDIR=$TMP/metrics
mkdir -m 1777 "$MDIR"
printf 'precious\n' >"$TMP/victim"
printf 'precious\n' >"$TMP/victim2"
as_nobody ln -s "$TMP/victim" "$MDIR/.ipmp.prom.$AGENT_PID"
as_nobody ln -s "$TMP/victim2" "$MDIR/ipmp.prom"
sed -i "s|^\[global\]$|[global]\nmetrics_dir = $MDIR\nmetrics_interval = 1|" "$TMP/ipmp.conf"
"$IPMPADM" reload >/dev/null
prom_is_ours() { [ -f "$MDIR/ipmp.prom" ] && [ ! -L "$MDIR/ipmp.prom" ] &&
	grep -q '^ipmp_group_state{' "$MDIR/ipmp.prom"; }
ASSERT "ipmp.prom is written, a regular file in place of the planted symlink" \
	wait_until 3000 prom_is_ours
sleep 1.2	# another write, through the same names
ASSERT_EQ "neither symlink's target was written through" "precious precious" \
	"$(cat "$TMP/victim") $(cat "$TMP/victim2")"
ASSERT_EQ "the planted temporary name is gone, nothing else left beside ipmp.prom" "ipmp.prom" \
	"$(ls -A "$MDIR")"
ASSERT_EQ "owned by root, mode 0644" "root 644" "$(stat -c '%U %a' "$MDIR/ipmp.prom")"
