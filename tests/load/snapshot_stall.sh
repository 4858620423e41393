#!/bin/bash
# Do state snapshots hold up the writers? (decision 0103) A fresh a4pd, its log filled to
# 100,000 events, then 10 writers at 250 commands/s for 30 s with --snapshot-every 2000 (a
# snapshot of ~35 MB every ~8 s, saved on the readers' lane at --reader-nice 19). Prints the
# writers' ack p50/p99 and each second's slowest ack: a snapshot that stalls the write path
# shows as a spike every ~8 s.
# Usage: tests/load/snapshot_stall.sh BUILD_DIR [A4PD]   (A4PD: another a4pd binary, to compare)
set -euo pipefail
cd "$(dirname "$0")/../.."
. tests/load/lib.sh
build=${1:-build/ci}
a4pd=${2:-$build/server/a4pd}
load=$build/tests/load/a4p_load
port=${A4P_LOAD_PORT:-28499}
work=$(mktemp -d /tmp/a4p-snapshot-stall-XXXXXX)
pid=
trap '[[ -n $pid ]] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"' EXIT
"$a4pd" --data "$work/data" --listen "127.0.0.1:$port" --demo --demo-password load-password \
  "${load_limits[@]}" --reader-nice 19 --snapshot-every 2000 --log-level warn >"$work/a4pd.log" 2>&1 &
pid=$!
wait_ready "$port" || { echo "a4pd did not start:"; cat "$work/a4pd.log"; exit 1; }
fill_to "$load" "$port" load-password 100000 >/dev/null
echo "=== $a4pd, load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%H:%M:%S) UTC"
"$load" --port "$port" --password load-password --server-pid "$pid" --clients 10 --writers 10 \
  --rate 250 --duration 30 --no-baseline >"$work/out" 2>&1
grep -E "^a4pd: 30" "$work/out" | sed 's/.*ack p50/writers: ack p50/'
echo "slowest ack of each second (ms): $(grep slowest "$work/out" | awk '{printf "%d ", $(NF-1)}')"
