#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The agent under valgrind (memcheck) through a failover and a failback,
# a reload, an ipmpstat client and an orderly stop: no invalid access, no
# use of uninitialised memory, no leak. Runs the plain build (valgrind
# cannot run a sanitizer build); skipped in make check SANITIZE=.
. "$(dirname "$0")/lib.sh"
require_root
if [ -n "${IPMP_SANITIZE:-}" ]; then
	echo "1..0 # SKIP valgrind runs on the plain build only"
	exit 0
fi
command -v valgrind >/dev/null || { echo "1..0 # SKIP valgrind is not installed"; exit 0; }
tap_plan 8

topo_create 2
write_config "$TMP/ipmp.conf"
PLAIN=$ROOT/build/ipmp-agent
cat >"$TMP/agent-vg" <<SH
#!/bin/sh
exec valgrind --tool=memcheck --suppressions=$ROOT/selftests/net/valgrind.supp --leak-check=full --show-leak-kinds=definite,indirect \\
	--errors-for-leak-kinds=definite,indirect --error-exitcode=99 \\
	--log-file=$TMP/valgrind.log "$PLAIN" "\$@"
SH
chmod +x "$TMP/agent-vg"
AGENT=$TMP/agent-vg AGENT_START_MS=60000 agent_start "$TMP/ipmp.conf"
ASSERT "both members active under valgrind" wait_until 20000 active_is "m0 m1"
member_link 0 down
ASSERT "failover to m1" wait_until 10000 active_is "m1"
member_link 0 up
ASSERT "failback to m0 and m1" wait_until 10000 active_is "m0 m1"
nsx "$NS_H" kill -HUP "$AGENT_PID"
ASSERT "ipmpstat answers" "$IPMPSTAT" -a
kill "$AGENT_PID"
wait "$AGENT_PID"
rc=$?
AGENT_PID=
ASSERT_EQ "the agent exits 0 under valgrind (99: valgrind found errors)" 0 "$rc"
ASSERT "valgrind: 0 errors" grep -q "ERROR SUMMARY: 0 errors" "$TMP/valgrind.log"
ASSERT "valgrind: nothing definitely lost" sh -c \
	"! grep -q 'definitely lost: [1-9]' '$TMP/valgrind.log'"
ASSERT "valgrind: nothing indirectly lost" sh -c \
	"! grep -q 'indirectly lost: [1-9]' '$TMP/valgrind.log'"
if [ "$TAP_FAILED" != 0 ]; then
	sed 's/^/# /' "$TMP/valgrind.log" | head -80
fi
