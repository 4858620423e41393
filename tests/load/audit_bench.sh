#!/usr/bin/env bash
# The auditor's read benchmarks (issue 13 item 4) on a large log: builds (or reuses) a data
# directory of EVENTS events by driving a demo a4pd with a4p_load's writers, then measures
#   - /api/state?at=<random seq> end to end (tests/load/audit_bench.py): p50/p99;
#   - the export of the whole log through /api/events (audit_bench.py) and with
#     `a4pctl export` on the stopped server's directory: events/s.
# Usage: tests/load/audit_bench.sh [BUILD_DIR] [EVENTS] [DATA_DIR]
#   BUILD_DIR: build/release; EVENTS: 1000000; DATA_DIR: kept (reused when it already holds
#   EVENTS events), default /tmp/a4p-audit-bench.
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build/release}
events=${2:-1000000}
data=${3:-/tmp/a4p-audit-bench}
a4pd="$build/server/a4pd"
load="$build/tests/load/a4p_load"
a4pctl="$build/server/admin/a4pctl"
port=${A4P_LOAD_PORT:-28441}
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true' EXIT

start_server() {
  "$a4pd" --data "$data" --listen "127.0.0.1:$port" --demo --demo-password bench-pw \
    "${load_limits[@]}" --log-level warn >>"$data.a4pd.log" 2>&1 &
  pid=$!
  wait_ready "$port" 60 && return 0
  echo "a4pd did not start:"; tail "$data.a4pd.log"; exit 1
}
stop_server() { kill -TERM "$pid"; wait "$pid" || true; pid=; }
. tests/load/lib.sh

start_server
h=$(head_of "$port" bench-pw)
echo "log at $h events (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
if [ "$h" -lt "$events" ]; then
  # Writers post comments as fast as the group commit takes them (the demo's 12 users), in one
  # run: a4p_load's first client takes a snapshot, which a large log's state would not fit
  # (64 MiB message limit), so the log is filled in one go from the demo's size.
  "$load" --port "$port" --password bench-pw --clients 10 --writers 10 --rate 0 --window 128 \
    --duration "${A4P_BENCH_FILL_SECONDS:-300}" --no-baseline | grep -E '^a4pd:|verdict' || true
  h=$(head_of "$port" bench-pw)
  echo "log at $h events"
fi

echo "=== reads at head $h (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
python3 tests/load/audit_bench.py --port "$port" --password bench-pw --requests "${A4P_BENCH_REQUESTS:-200}"
stop_server
echo "=== a4pctl export (stopped server) (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
/usr/bin/time -f "%e s wall, %M KB maxrss" "$a4pctl" --data "$data" export --format jsonl --out /dev/null
