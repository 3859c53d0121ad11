#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The control socket under bad and heavy use: malformed JSON, unknown
# commands and versions, an oversized line, a half-closed client, many
# clients at once, and a subscriber that never reads while a failover
# happens. The agent answers, stays up, and fails over on time.
. "$(dirname "$0")/lib.sh"
require_root
tap_plan 14

topo_create 2
write_config "$TMP/ipmp.conf"
agent_start "$TMP/ipmp.conf"
ctl() { "$TRAFFIC" ctl "$IPMP_SOCKET" "$@"; }

ASSERT_EQ "ping" '{"ok":true,"version":1}' "$(ctl '{"version":1,"cmd":"ping"}')"
ASSERT "malformed JSON gets an error reply" sh -c \
	"'$TRAFFIC' ctl '$IPMP_SOCKET' '{\"version\":1,' | grep -q '\"ok\":false,\"error\":\"malformed request'"
ASSERT_EQ "unknown command" "{\"ok\":false,\"error\":\"unknown command 'frobnicate'\",\"version\":1}" \
	"$(ctl '{"version":1,"cmd":"frobnicate"}')"
ASSERT "another protocol version is refused" sh -c \
	"'$TRAFFIC' ctl '$IPMP_SOCKET' '{\"version\":7,\"cmd\":\"ping\"}' | grep -q 'unsupported protocol version'"
ASSERT_EQ "an oversized line gets an error and the connection is closed" \
	'{"ok":false,"error":"request too long","version":1}
<eof>' "$(ctl @big:200000)"
ASSERT_EQ "a half-closed client still gets its answer" '{"ok":true,"version":1}
<eof>' "$(ctl '{"version":1,"cmd":"ping"}' @half)"
# a snapshot's addresses: an object each (the default), none, or one table (what ipmpstat asks for)
snap() { ctl "{\"version\":1,\"cmd\":\"snapshot\",$1}" | jq -c "$2"; }
ASSERT_EQ "snapshot: an object per address by default" \
	"[{\"address\":\"$DATA1\",\"state\":\"up\",\"group\":\"ipmp0\"},{\"address\":\"$DATA2\",\"state\":\"up\",\"group\":\"ipmp0\"}]" \
	"$(snap '"addresses":true' '[.snapshot.addresses[] | select(.address | startswith("fe80") | not) | {address, state, group}] | sort_by(.address)')"
ASSERT_EQ "snapshot with addresses \"table\": the same rows, a line each" \
	"[\"$DATA1 up ipmp0\",\"$DATA2 up ipmp0\"]" \
	"$(snap '"addresses":"table"' '[.snapshot.address_table | split("\n")[] | select(. != "" and (startswith("fe80") | not)) | split("\t")[0:3] | join(" ")] | sort')"
ASSERT "any other word is refused, by name" sh -c \
	"'$TRAFFIC' ctl '$IPMP_SOCKET' '{\"version\":1,\"cmd\":\"snapshot\",\"addresses\":\"tables\"}' | grep -q 'bad addresses .tables.'"
ASSERT_EQ "200 clients at once all get answers" "answered=200 of 200" \
	"$("$TRAFFIC" ctl-many "$IPMP_SOCKET" 200)"

# A client that floods requests and never reads its replies: once 64 KiB of
# replies wait, the agent stops reading it; 10 s without progress, it is dropped
"$TRAFFIC" ctl-stall "$IPMP_SOCKET" 14 >"$TMP/stall.out" &
PIDS+=($!)
stall=$!
member_link 0 down
ASSERT "failover still happens at once" wait_until 1000 active_is "m1"
ASSERT "ipmpstat still answers" "$IPMPSTAT" -g
ASSERT "the agent is still running" kill -0 "$AGENT_PID"
wait "$stall"
ASSERT_EQ "the client that never read was dropped" "dropped by the agent" "$(cat "$TMP/stall.out")"
