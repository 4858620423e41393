#!/usr/bin/env bash
# ctest smoke test of the load generator (not a measurement): a fresh a4pd on an ephemeral
# port, 50 clients, 3 writers for 2 s, a reconnect storm of 20, and the baseline; then the
# comparisons (readers, public viewers) over two rounds each, pooled. a4p_load exits non-zero
# on any failed connection, gap, duplicate or storm timeout.
# Usage: smoke_test.sh A4PD A4P_LOAD
set -euo pipefail
. "$(dirname "$0")/lib.sh"
a4pd=$1
load=$2
work=$(mktemp -d /tmp/a4p-load-smoke-XXXXXX)
pid=
cleanup() { [[ -n $pid ]] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
"$a4pd" --data "$work/data" --listen 127.0.0.1:0 --demo --demo-password smoke-password \
  --rate 100000 --burst 100000 --rate-bytes 1e9 --burst-bytes 1e9 --max-user-connections 1000 --user-connect-rate 0 --max-address-handshakes 1000 \
  --public-max-address-streams 100 \
  --log-level warn >"$work/out" 2>&1 &
pid=$!
port=$(listening_port "$work/out")
[[ -n $port ]] || { echo "a4pd did not start"; cat "$work/out"; exit 1; }
"$load" --port "$port" --password smoke-password --server-pid "$pid" --clients 50 --writers 3 \
  --rate 150 --duration 2 --reconnect-storm 20 --storm-missed 30 | grep -v '^  t='
out=$("$load" --port "$port" --password smoke-password --server-pid "$pid" --clients 20 --writers 2 \
  --rate 100 --duration 1 --no-baseline --auditors 1 --reconnectors 1 --resume-back 50 \
  --public-viewers 10 --public-report-rate 5 --rounds 2 | grep -v '^  t=')
echo "$out"
for what in readers "public viewers"; do
  grep -q "^$what, pooled over 2 rounds" <<<"$out" || { echo "no pooled line for $what"; exit 1; }
done
