#!/usr/bin/env bash
# ctest load_make_workspace: a small large workspace (3,000 events, snapshots every 1,000) made
# by a4p_make_workspace; a4pctl verify passes (chain, data hashes, every snapshot the state its
# events make); a4pd serves it; the printed sign-ins work (Secretariat, auditor, a G10 member)
# and see the log's head and the busy pledge's thread.
# Usage: make_workspace_test.sh A4P_MAKE_WORKSPACE A4PCTL A4PD
set -euo pipefail
. "$(dirname "$0")/lib.sh"
make=$1
ctl=$2
a4pd=$3
work=$(mktemp -d /tmp/a4p-make-workspace-XXXXXX)
pid=
cleanup() { [[ -n $pid ]] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "FAILED: $*"; exit 1; }

"$make" --data "$work/data" --events 3000 --busy-comments 200 --snapshot-every 1000 \
  --password smoke-password --members 2 | tee "$work/made"
head=$(sed -n 's/^workspace (capped) in .*: \([0-9]*\) events, .*/\1/p' "$work/made")
[[ -n $head && $head -ge 3000 && $head -le 3002 ]] || fail "not 3,000 events: '$head'"
busy=$(sed -n 's/.*on the busy pledge, pledge:\([A-Z0-9]*\)).*/\1/p' "$work/made")
[[ -n $busy ]] || fail "no busy pledge printed"
grep -q '^  BGD.user0 / smoke-password$' "$work/made" || fail "no G10 sign-in printed"

"$ctl" --data "$work/data" verify | tee "$work/verify"
grep -q "^ok: head $head " "$work/verify" || fail "verify did not pass at head $head"
grep -q '^snapshots: [23], each the state its events make' "$work/verify" || fail "snapshots"

# A second run on the same directory must refuse (it would append a second workspace).
if "$make" --data "$work/data" --events 3000 --password smoke-password >/dev/null 2>&1; then
  fail "a4p_make_workspace wrote into a directory that holds a log"
fi

"$a4pd" --data "$work/data" --listen 127.0.0.1:0 --log-level warn >"$work/out" 2>&1 &
pid=$!
port=$(listening_port "$work/out")
[[ -n $port ]] || { cat "$work/out"; fail "a4pd did not start"; }

token_of() {
  curl -sf -X POST -H 'Content-Type: application/json' "http://127.0.0.1:$port/api/session" \
    -d "{\"username\":\"$1\",\"password\":\"smoke-password\"}" |
    sed -n 's/.*"token":"\([0-9a-f]*\)".*/\1/p'
}
for user in un.sec un.auditor BGD.user0; do
  token=$(token_of "$user")
  [[ -n $token ]] || fail "$user cannot sign in"
  curl -sf -D "$work/headers" -o /dev/null -H "Authorization: Bearer $token" \
    "http://127.0.0.1:$port/api/events?after=0&limit=1" || fail "$user: /api/events"
  tr -d '\r' <"$work/headers" | grep -qi "^x-a4p-head: $head\$" || fail "$user: head is not $head"
  curl -sf -o "$work/state.json" -H "Authorization: Bearer $token" \
    "http://127.0.0.1:$port/api/state?view=light" || fail "$user: /api/state?view=light"
  grep -q "\"$busy\":{" "$work/state.json" || fail "$user: the busy pledge is not in the skeleton"
done
[[ -z $(token_of M100.user0) ]] || fail "a member without a printed sign-in signed in"
echo "load_make_workspace: ok (busy pledge $busy)"
