#!/bin/bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
# The source tree keeps the shape STYLE.md asks for: headers include each
# other without cycles; a C file past ~600 lines says at its top why it is
# one concern; internal headers (*_int.h) are included only inside their
# module; only the data plane includes the BPF skeletons. No root needed.
set -u
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT" || exit 1
N=0
FAILED=0
ok() { N=$((N + 1)); echo "ok $N - $1"; }
not_ok() { N=$((N + 1)); FAILED=$((FAILED + 1)); echo "not ok $N - $1"; shift; for l in "$@"; do echo "#   $l"; done; }
echo "1..4"

cycles=$(python3 - <<'PY'
import glob, os, re
files = glob.glob('agent/*.h') + glob.glob('lib/*.h') + glob.glob('include/ipmp/*.h') + glob.glob('bpf/*.h')
names = {os.path.basename(f) for f in files}
edges = {}
for f in files:
    incs = re.findall(r'#include [<"](?:ipmp/)?([A-Za-z_0-9.]+\.h)[>"]', open(f).read())
    edges[os.path.basename(f)] = [i for i in incs if i in names and i != os.path.basename(f)]
state, found = {}, []
def walk(n, path):
    if state.get(n) == 1:
        found.append(' -> '.join(path[path.index(n):] + [n])); return
    if state.get(n) == 2: return
    state[n] = 1
    for m in edges.get(n, []): walk(m, path + [n])
    state[n] = 2
for n in sorted(edges): walk(n, [])
print('\n'.join(found))
PY
)
if [ -z "$cycles" ]; then ok "no header include cycles"; else not_ok "no header include cycles" "$cycles"; fi

long=""
for f in agent/*.c lib/*.c cmd/*/*.c bpf/*.c; do
	[ "$(wc -l <"$f")" -gt 650 ] || continue
	head -30 "$f" | grep -q "one concern" || long="$long $f($(wc -l <"$f"))"
done
if [ -z "$long" ]; then ok "no C file past 650 lines without its reason at the top"
else not_ok "no C file past 650 lines without its reason at the top" "long:$long"; fi

leaks=""
for h in agent/*_int.h; do
	module=$(basename "$h" _int.h)
	for f in $(grep -l "#include \"$(basename "$h")\"" agent/*.c agent/*.h 2>/dev/null); do
		case $(basename "$f") in
		"$module"*|group.c|offline.c|membership.c|probe.c|probe_reply.c) ;;
		*) leaks="$leaks $f:$(basename "$h")" ;;
		esac
	done
done
if [ -z "$leaks" ]; then ok "internal headers stay inside their module"
else not_ok "internal headers stay inside their module" "$leaks"; fi

skel=$(grep -l '\.skel\.h"' agent/*.c | grep -v '^agent/dataplane' | tr '\n' ' ')
if [ -z "$skel" ]; then ok "only the data plane touches the BPF skeletons"
else not_ok "only the data plane touches the BPF skeletons" "$skel"; fi
[ "$FAILED" = 0 ]
