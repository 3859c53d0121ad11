#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# ipmpstat's output against spec 1.2-1.5, from fixed snapshots (no agent,
# no root): the spec's rendered tables, the overflow rule, -P escaping,
# -o selection and its messages, header repetition, usage and exit codes.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
IPMPSTAT=${IPMPSTAT:-${IPMP_BUILD:-$HERE/../../build}/ipmpstat}
F=$HERE/fixtures
N=0
FAILED=0

echo "1..30"
check() {	# check NAME EXPECTED_RC EXPECTED_OUT ACTUAL_RC ACTUAL_OUT
	N=$((N + 1))
	if [ "$2" = "$4" ] && [ "$3" = "$5" ]; then
		echo "ok $N - $1"
	else
		FAILED=$((FAILED + 1))
		echo "not ok $N - $1"
		echo "#   expected (exit $2):"; printf '%s\n' "$3" | sed 's/^/#     |/'
		echo "#   seen (exit $4):"; printf '%s\n' "$5" | sed 's/^/#     |/'
	fi
}
run() {	# run SNAPSHOT ARGS...: stdout and stderr together
	local snap=$1
	shift
	OUT=$(IPMPSTAT_SNAPSHOT=$F/$snap "$IPMPSTAT" "$@" 2>&1)
	RC=$?
}

# --- the spec's rendered tables (1.5, "what the code actually prints") -----------
run spec.json -g
check "-g as spec 1.5 renders it" 0 "GROUP       GROUPNAME   STATE     FDT       INTERFACES
itops0      itops0      ok        10.00s    subitops0 subitops1
acctg1      acctg1      failed    --        [hme0 hme1]
field2      field2      degraded  20.00s    fops0 fops3 (fops2) [fops1]" "$RC" "$OUT"

run spec.json -an
check "-an: inbound/outbound only for bound up addresses" 0 "ADDRESS                   STATE  GROUP       INBOUND     OUTBOUND
198.51.100.10             up     itops0      subitops0   subitops0 subitops1
203.0.113.100             up     acctg1      --          --
192.0.2.102               down   field2      --          --" "$RC" "$OUT"

run spec.json -i
check "-i rows and flags" 0 "INTERFACE   ACTIVE  GROUP       FLAGS     LINK      PROBE     STATE
subitops0   yes     itops0      --mb---   up        ok        ok
subitops1   yes     itops0      -------   up        disabled  ok
hme0        no      acctg1      -------   unknown   disabled  offline
hme1        no      acctg1      -s-----   down      unknown   failed
fops0       yes     field2      --mb---   unknown   ok        ok
fops1       no      field2      -------   up        failed    failed
fops2       no      field2      i------   up        ok        ok
fops3       yes     field2      --mb---   up        ok        ok" "$RC" "$OUT"

run spec.json -nt
check "-nt: disabled rows show --" 0 "INTERFACE   MODE      TESTADDR            TARGETS
subitops0   routes    198.51.100.30       198.51.100.1 198.51.100.3
subitops1   disabled  --                  --
hme0        disabled  --                  --
hme1        routes    203.0.113.200       203.0.113.1
fops0       multicast 192.0.2.200         192.0.2.1 192.0.2.2
fops1       multicast 192.0.2.201         192.0.2.2 192.0.2.1
fops2       multicast 192.0.2.202         192.0.2.1 192.0.2.2
fops3       multicast 192.0.2.203         192.0.2.1 192.0.2.2" "$RC" "$OUT"

run dual.json -nt
check "-nt: an IPv6 row after the IPv4 one; only the IPv6 row when IPv4 does not probe" 0 \
"INTERFACE   MODE      TESTADDR            TARGETS
m1          multicast fe80::22            fe80::1
m0          routes    192.0.2.21          192.0.2.1
m0          multicast fe80::21            fe80::1 fe80::99" "$RC" "$OUT"
run dual.json -ntP -o interface,testaddr,targets
check "-ntP escapes the colons of IPv6 values" 0 'm1:fe80\:\:22:fe80\:\:1
m0:192.0.2.21:192.0.2.1
m0:fe80\:\:21:fe80\:\:1 fe80\:\:99' "$RC" "$OUT"

# --- overflow (spec 1.5) ------------------------------------------------------------
run overflow.json -an
check "an over-long value pushes the columns right, the next ones absorb it" 0 \
"ADDRESS                   STATE  GROUP       INBOUND     OUTBOUND
2001:db8:1234:5678:9abc:def0:1:2 up ipmp0    net0        net0 net1
192.0.2.1                 up     ipmp0       net0        net0 net1
fe80::1                   up     ipmp0       net0        net0 net1" "$RC" "$OUT"

# --- parsable (1.2, 1.5) ----------------------------------------------------------------
run spec.json -gP -o group,fdt
check "-gP -o group,fdt" 0 "itops0:10.00s
acctg1:
field2:20.00s" "$RC" "$OUT"
run overflow.json -anP -o address,group
check "-P escapes : when more than one field" 0 '2001\:db8\:1234\:5678\:9abc\:def0\:1\:2:ipmp0
192.0.2.1:ipmp0
fe80\:\:1:ipmp0' "$RC" "$OUT"
run overflow.json -anP -o address
check "-P does not escape a single field" 0 "2001:db8:1234:5678:9abc:def0:1:2
192.0.2.1
fe80::1" "$RC" "$OUT"
run spec.json -gP -o groupname,fdt,interfaces
check "the Oracle guide's parsable example" 0 "itops0:10.00s:subitops0 subitops1
acctg1::[hme0 hme1]
field2:20.00s:fops0 fops3 (fops2) [fops1]" "$RC" "$OUT"

# --- -o -------------------------------------------------------------------------------
run spec.json -g -o STATE,group,state
check "-o: case-insensitive, in the order given, duplicates allowed" 0 "STATE     GROUP       STATE
ok        itops0      ok
failed    acctg1      failed
degraded  field2      degraded" "$RC" "$OUT"
run spec.json -g -o group,foo
check "-o: unknown field warned about in human mode" 0 "ipmpstat: warning: ignoring unknown output field: \`foo'
GROUP
itops0
acctg1
field2" "$RC" "$OUT"
run spec.json -gP -o group,foo,bar
check "-P: unknown fields are fatal" 1 "ipmpstat: unknown output fields: \`foo' \`bar'" "$RC" "$OUT"
run spec.json -g -o foo
check "no valid output fields" 1 "ipmpstat: no valid output fields" "$RC" "$OUT"
run spec.json -gP -o foo,bar
check "-P with no valid field: no valid output fields, as ofmt says it first" 1 \
	"ipmpstat: no valid output fields" "$RC" "$OUT"
run spec.json -g -o ,,,
check "only commas: no valid output fields" 1 "ipmpstat: no valid output fields" "$RC" "$OUT"
run spec.json -gP
check "-P without -o" 1 "ipmpstat: output fields must be specified in parsable mode" "$RC" "$OUT"
run spec.json -gP -o all
check "-P -o all" 1 "ipmpstat: output field \`all' invalid in parsable mode" "$RC" "$OUT"
run spec.json -g -o group,groupname,state,fdt,interfaces,group
check "more names than fields fail as illumos does (ENOMEM)" 1 "ipmpstat: Not enough space" "$RC" "$OUT"

# --- modes, usage -------------------------------------------------------------------------
run spec.json -g -i
check "two modes" 1 "ipmpstat: only one output format may be specified" "$RC" "$OUT"
USAGE=$(printf 'usage: ipmpstat [-n] [-o <field> [-P]] -a|-g|-i|-p|-t\n\n  output modes:\t -a  display IPMP data address information\n\t\t -g  display IPMP group information\n\t\t -i  display IPMP-related IP interface information\n\t\t -p  display IPMP probe information\n\t\t -t  display IPMP target information\n\n       options:\t -n  display IP addresses numerically\n\t\t -o  display only the specified fields, in order\n\t\t -P  display using parsable output mode')
run spec.json
check "no mode: usage, exit 1" 1 "$USAGE" "$RC" "$OUT"
run spec.json -x -g
check "unknown option: getopt's complaint, usage, exit 1" 1 "ipmpstat: illegal option -- x
$USAGE" "$RC" "$OUT"
run spec.json -g -o
check "-o without its list: getopt's complaint, usage, exit 1" 1 "ipmpstat: option requires an argument -- o
$USAGE" "$RC" "$OUT"

# --- header repetition (1.2): non-tty stdout -> 24 rows, header every 23 data rows --------
{
	printf '{"groups": [{"ifname": "ipmp0", "name": "ipmp0", "state": "ok", "fdt_ms": 0, "interfaces": []}], "interfaces": [], "addresses": ['
	for i in $(seq 1 50); do printf '%s{"address": "192.0.2.%d", "state": "down", "group": "ipmp0", "inbound": "", "outbound": []}' "$([ $i = 1 ] || echo ,)" "$i"; done
	printf ']}'
} >"${TMPDIR:-/tmp}/ipmpstat-many.$$.json"
OUT=$(IPMPSTAT_SNAPSHOT=${TMPDIR:-/tmp}/ipmpstat-many.$$.json "$IPMPSTAT" -an 2>&1)
RC=$?
rm -f "${TMPDIR:-/tmp}/ipmpstat-many.$$.json"
check "header on lines 1, 25 and 49 of 53" 0 "1 25 49 53" "$RC" \
	"$(printf '%s\n' "$OUT" | grep -n '^ADDRESS' | cut -d: -f1 | tr '\n' ' ')$(printf '%s\n' "$OUT" | wc -l)"

# --- numbers as illumos prints them: floats (MS2FLOATSEC), so 155 ms is 0.16s ------------
printf '{"groups": [{"ifname": "ipmp0", "name": "g", "state": "ok", "fdt_ms": 155, "interfaces": []}, {"ifname": "ipmp1", "name": "h", "state": "ok", "fdt_ms": 1005, "interfaces": []}], "interfaces": [], "addresses": []}' \
	>"${TMPDIR:-/tmp}/ipmpstat-fdt.$$.json"
OUT=$(IPMPSTAT_SNAPSHOT=${TMPDIR:-/tmp}/ipmpstat-fdt.$$.json "$IPMPSTAT" -gP -o group,fdt 2>&1)
RC=$?
rm -f "${TMPDIR:-/tmp}/ipmpstat-fdt.$$.json"
check "FDT in seconds as a float rounds: 155 ms 0.16s, 1005 ms 1.00s" 0 "ipmp0:0.16s
ipmp1:1.00s" "$RC" "$OUT"

# --- -j ---------------------------------------------------------------------------------
run spec.json -gj -o group,fdt
check "-j: the selection as JSON, lower-case keys" 0 '[
  {"group": "itops0", "fdt": "10.00s"},
  {"group": "acctg1", "fdt": ""},
  {"group": "field2", "fdt": "20.00s"}
]' "$RC" "$OUT"

# --- the agent's address table (agent/snapshot.h): the same rows as an object each ---------
G='{"ifname": "ipmp0", "name": "g0", "state": "degraded", "fdt_ms": 1000, "interfaces": [], "outbound": ["m1", "m0"]}'
printf '{"groups": [%s], "interfaces": [], "addresses": [%s, %s, %s]}' "$G" \
	'{"address": "192.0.2.10", "state": "up", "group": "ipmp0", "inbound": "m1"}' \
	'{"address": "2001:db8::10", "state": "up", "group": "ipmp0", "inbound": ""}' \
	'{"address": "192.0.2.99", "state": "down", "group": "ipmp0", "inbound": ""}' \
	>"${TMPDIR:-/tmp}/ipmpstat-objs.$$.json"
printf '{"groups": [%s], "interfaces": [], "address_table": "%s"}' "$G" \
	'192.0.2.10\tup\tipmp0\tm1\n2001:db8::10\tup\tipmp0\t\n192.0.2.99\tdown\tipmp0\t\n' \
	>"${TMPDIR:-/tmp}/ipmpstat-table.$$.json"
printf '{"groups": [%s], "interfaces": [], "address_table": "%s"}' "$G" '192.0.2.10\tup\tipmp0\n' \
	>"${TMPDIR:-/tmp}/ipmpstat-badtable.$$.json"
OUT=$(IPMPSTAT_SNAPSHOT=${TMPDIR:-/tmp}/ipmpstat-objs.$$.json "$IPMPSTAT" -an 2>&1)
OBJS_RC=$? OBJS=$OUT
OUT=$(IPMPSTAT_SNAPSHOT=${TMPDIR:-/tmp}/ipmpstat-table.$$.json "$IPMPSTAT" -an 2>&1)
RC=$?
check "-an from an address table: as from an object each" 0 "$OBJS" "$RC" "$OUT"
check "... which is the rows as they should be" 0 "ADDRESS                   STATE  GROUP       INBOUND     OUTBOUND
192.0.2.10                up     ipmp0       m1          m1 m0
2001:db8::10              up     ipmp0       --          --
192.0.2.99                down   ipmp0       --          --" "$OBJS_RC" "$OBJS"
OUT=$(IPMPSTAT_SNAPSHOT=${TMPDIR:-/tmp}/ipmpstat-badtable.$$.json "$IPMPSTAT" -an 2>&1)
RC=$?
rm -f "${TMPDIR:-/tmp}"/ipmpstat-{objs,table,badtable}.$$.json
check "a table line short of a field is refused, nothing printed" 1 \
	"ipmpstat: cannot snapshot IPMP state: malformed snapshot from the agent" "$RC" "$OUT"

[ "$FAILED" = 0 ]
