#!/usr/bin/env bash
# Issue 18's resume storm after a restart, in snapshot mode: a4pd serves DATA_DIR (made by
# a4p_make_workspace); CLIENTS clients connect (resuming from the head); a4pd is stopped
# (SIGTERM) and started again; every client reconnects at once with a fresh hello asking for
# VIEW and takes a snapshot. a4p_load prints the time from a4pd listening again (and from the
# drop) until every client holds its snapshot, and the bytes received in all. One run per VIEW.
# Usage: tests/load/restart_storm.sh BUILD_DIR DATA_DIR [CLIENTS] [VIEW...]
#   CLIENTS: 5000; VIEW: light full light-gzip (light, the snapshot as one gzip binary frame,
#   decision 0213; a4p_load inflates every 500th whole and the head of the others). A4PD_BIN (an a4pd other than BUILD_DIR's), A4P_STORM_PASSWORD (large-password), A4P_STORM_USERS (the
#   G10 members of a4p_make_workspace), A4PD_EXTRA (more a4pd flags, for example
#   --max-full-snapshot-bytes 300000000 to let whole-state snapshots of a large log through).
set -euo pipefail
cd "$(dirname "$0")/../.."
build=$1
data=$2
clients=${3:-5000}
shift 3 || shift $#
views=${*:-light full}
a4pd=${A4PD_BIN:-$build/server/a4pd}
load="$build/tests/load/a4p_load"
port=${A4P_LOAD_PORT:-28451}
password=${A4P_STORM_PASSWORD:-large-password}
g10="BGD BRA CIV ETH FRA IDN NLD RWA GBR URY"
users=${A4P_STORM_USERS:-$(for o in $g10; do printf '%s.user0,%s.user1,' "$o" "$o"; done | sed 's/,$//')}
work=$(mktemp -d /tmp/a4p-restart-storm-XXXXXX)
pid=
lpid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; [ -n "$lpid" ] && kill "$lpid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"' EXIT
ulimit -n "$(ulimit -Hn)"

start_server() {
  # shellcheck disable=SC2086 # A4PD_EXTRA is a list of flags
  "$a4pd" --data "$data" --listen "127.0.0.1:$port" \
    --rate 1000000 --burst 1000000 --rate-bytes 1e12 --burst-bytes 1e12 \
    --max-user-connections 1000000 --user-connect-rate 0 --max-connections 100000 \
    --max-address-connections 1000000 --max-address-handshakes 1000000 \
    ${A4PD_EXTRA:-} --log-level warn >>"$work/a4pd.log" 2>&1 &
  pid=$!
  local t0=$SECONDS
  for _ in $(seq 3000); do
    curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && {
      echo "  a4pd ready in $((SECONDS - t0)) s (RSS $(awk '/VmRSS/{print $2/1024 " MiB"}' /proc/$pid/status))"
      return 0
    }
    sleep 0.1
  done
  echo "a4pd did not start:"; tail "$work/a4pd.log"; exit 1
}
stop_server() { kill -TERM "$pid"; wait "$pid" || true; pid=; }

for view in $views; do
  echo "=== restart storm, view $view, $clients clients, $data (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
  start_server
  "$load" --port "$port" --password "$password" --users "$users" --server-pid "$pid" \
    --clients "$clients" --writers 0 --duration 0 --no-baseline --view "${view%-gzip}" \
    $([ "$view" = light-gzip ] && echo --snapshot-encoding gzip) \
    --restart-storm >"$work/load.out" 2>&1 &
  lpid=$!
  until grep -qs 'restart a4pd now' "$work/load.out"; do
    kill -0 "$lpid" 2>/dev/null || { cat "$work/load.out"; exit 1; }
    sleep 0.2
  done
  grep -E '^(signed in|first client|connected)' "$work/load.out" || true
  echo "  restarting a4pd (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
  stop_server
  start_server
  wait "$lpid" || true
  lpid=
  grep -vE '^(fd limit|signed in|first client|connected|restart storm:|  [0-9]+ of)' "$work/load.out"
  echo "  a4pd RSS after the storm: $(awk '/VmRSS/{print $2/1024 " MiB"}' /proc/$pid/status) (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
  stop_server
done
