#!/usr/bin/env bash
# The auditor's reads on a directory of a4p_make_workspace (issue 13 on the large workspace):
# starts A4PD on DATA_DIR, waits for /readyz, runs audit_bench.py as un.auditor (REQUESTS
# random /api/state?at=S, then the export through /api/events) with the extra arguments (for
# example --view light), prints a4pd's CPU time and RSS, and stops it. It first waits for
# a4pd's kept past states (a4p_kept_states_building 0 in /metrics).
# Usage: tests/load/large_reads.sh A4PD DATA_DIR [REQUESTS] [audit_bench.py arguments...]
#   A4P_LOAD_PORT (28461), A4P_STORM_PASSWORD (large-password).
set -euo pipefail
a4pd=$1
data=$2
requests=${3:-200}
shift 3 || shift $#
port=${A4P_LOAD_PORT:-28461}
password=${A4P_STORM_PASSWORD:-large-password}
log=$(mktemp /tmp/a4p-large-reads-XXXXXX.log)
"$a4pd" --data "$data" --listen "127.0.0.1:$port" --log-level warn >"$log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -f "$log"' EXIT
t0=$SECONDS
until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; do
  kill -0 "$pid" 2>/dev/null || { cat "$log"; exit 1; }
  sleep 0.2
done
echo "a4pd ready in $((SECONDS - t0)) s (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
# The states kept for ?at reads (--kept-state-every, decision 0331) are built in the background
# after start; measure once they are (A4P_LOAD_NO_KEPT_WAIT=1: measure at once).
if [[ -z ${A4P_LOAD_NO_KEPT_WAIT:-} ]]; then
  t1=$SECONDS
  sleep 0.5
  metrics() { curl -sf "http://127.0.0.1:$port/metrics" || true; }
  while [[ $(metrics) == *$'\na4p_kept_states_building 1'* ]]; do sleep 0.5; done
  echo "kept states built in about $((SECONDS - t1)) s: $(metrics | grep -E '^a4p_kept_(states|state_bytes|state_seq) ' | tr '\n' ' ')"
fi
python3 "$(dirname "$0")/audit_bench.py" --port "$port" --user un.auditor --password "$password" \
  --requests "$requests" "$@"
echo "a4pd: $(awk '{print ($14 + $15) / 100 " s CPU"}' "/proc/$pid/stat"), RSS $(awk '/VmRSS/{print $2 / 1024 " MiB"}' "/proc/$pid/status") (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
