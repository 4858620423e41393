#!/usr/bin/env bash
# Runs the four load scenarios of issue 4 item 7, and the mixed one of issue 11 item 4, each
# against a fresh a4pd on a fresh demo data directory, and prints a4p_load's report. Usage:
#   tests/load/run_scenarios.sh [BUILD_DIR] [scenario...]
# scenarios: fanout rss writers storm (the default set), mixed (a log filled to 100,000 events,
# then 1,000 subscribers and 10 writers, without and with 4 auditors and 2 reconnectors),
# public (issue 15: 10 writers, a publisher of 20 reports/s on the published UN pledges, without
# and with 10,000 anonymous public feed viewers; PUBLIC_VIEWERS overrides the number).
# ROUNDS (public, mixed; 3): a4p_load --rounds, the without/with runs alternate this many times.
# BYSTANDER_NICE (public, mixed): a4p_load --bystander-nice, the nice value of the simulated
# auditors', reconnectors' and anonymous viewers' threads (clients of other machines; 0 default).
# BUILD_DIR defaults to build/release. Needs about 2 x 15,000 file descriptors in all (the
# server and the load generator each stay under 20,000).
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build/release}
shift || true
scenarios=${*:-fanout rss writers storm}
a4pd="$build/server/a4pd"
load="$build/tests/load/a4p_load"
port=${A4P_LOAD_PORT:-28431}
work=$(mktemp -d /tmp/a4p-load-XXXXXX)
trap 'kill "$pid" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
ulimit -n "$(ulimit -Hn)"
. tests/load/lib.sh

start_server() {
  rm -rf "$work/data"
  "$a4pd" --data "$work/data" --listen "127.0.0.1:$port" --demo --demo-password load-password \
    "${load_limits[@]}" --log-level warn >"$work/a4pd.log" 2>&1 &
  pid=$!
  wait_ready "$port" && return 0
  echo "a4pd did not start:"; cat "$work/a4pd.log"; exit 1
}
stop_server() { kill -TERM "$pid"; wait "$pid" || true; }

run() {
  local name=$1; shift
  echo "=== $name: a4p_load $* (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
  start_server
  "$load" --port "$port" --password load-password --server-pid "$pid" "$@" | grep -v '^  t='
  stop_server
}

for s in $scenarios; do
  case $s in
    fanout)  run fanout --clients 1000 --writers 10 --rate 250 --duration 20 ;;
    rss)     run rss --clients 15000 --writers 1 --rate 10 --duration 3 --no-baseline ;;
    writers) run writers --clients 10 --writers 10 --rate 0 --window 128 --duration 10 ;;
    storm)   run storm --clients 5010 --writers 10 --rate 100 --duration 3 \
               --reconnect-storm 5000 --storm-missed 200 --no-baseline ;;
    public)  run public --clients 10 --writers 10 --rate 250 --duration 15 \
               --public-viewers "${PUBLIC_VIEWERS:-10000}" --public-report-rate 20 --no-baseline \
               --bystander-nice "${BYSTANDER_NICE:-0}" --rounds "${ROUNDS:-3}" ;;
    mixed)
      echo "=== mixed: fill to 100,000 events (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
      start_server
      fill_to "$load" "$port" load-password 100000
      echo "=== mixed: a4p_load (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
      "$load" --port "$port" --password load-password --server-pid "$pid" --clients 1000 \
        --writers 10 --rate 250 --duration 20 --auditors 4 --reconnectors 2 \
        --resume-back 50000 --no-baseline --bystander-nice "${BYSTANDER_NICE:-0}" \
        --rounds "${ROUNDS:-3}" | grep -v '^  t='
      stop_server ;;
    *) echo "unknown scenario $s"; exit 2 ;;
  esac
done
