# Shell helpers of the load scripts (sourced by run_scenarios.sh, audit_bench.sh, snapshot_stall.sh,
# smoke_test.sh and make_workspace_test.sh).

# a4pd's budgets raised for a load run: the demo has 12 users, so each holds many connections and
# sends many commands per second, and the anonymous viewers all come from 127.0.0.1.
load_limits=(--rate 1000000 --burst 1000000 --rate-bytes 1e9 --burst-bytes 1e9
  --max-user-connections 1000000 --user-connect-rate 0 --max-connections 100000
  --max-address-connections 1000000 --max-address-handshakes 1000000
  --public-rate 1e6 --public-burst 1e6 --public-rate-total 1e6 --public-burst-total 1e6
  --public-max-streams 100000 --public-max-address-streams 100000)

# wait_ready PORT [SECONDS]: until the a4pd on PORT answers /readyz (10 s unless told); false when
# it never did.
wait_ready() {
  local port=$1 tenths=$(( ${2:-10} * 10 ))
  for _ in $(seq "$tenths"); do
    curl -sf "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  return 1
}

# head_of PORT PASSWORD: the log's head, as the demo auditor reads it (X-A4P-Head).
head_of() {
  local port=$1 password=$2 token
  token=$(curl -sf -X POST -H 'Content-Type: application/json' "http://127.0.0.1:$port/api/session" \
    -d "{\"username\":\"un.auditor\",\"password\":\"$password\"}" |
    sed 's/.*"token":"\([0-9a-f]*\)".*/\1/')
  curl -sf -D - -o /dev/null -H "Authorization: Bearer $token" \
    "http://127.0.0.1:$port/api/events?after=0&limit=1" | tr -d '\r' |
    awk -F': ' 'tolower($1)=="x-a4p-head"{print $2}'
}

# fill_to LOAD PORT PASSWORD EVENTS: a4p_load's writers post comments as fast as the group commit
# takes them (the demo's users, 10 writers, a window of 128) until the log holds EVENTS events.
fill_to() {
  local load=$1 port=$2 password=$3 events=$4 head seconds
  while head=$(head_of "$port" "$password") && [ "$head" -lt "$events" ]; do
    # Rounds sized for 20,000 commands/s (an idle 2-core machine does about 15,000), so the log
    # ends a little past EVENTS: a4p_load's first client takes the whole state as its snapshot.
    seconds=$(( (events - head) / 20000 + 1 ))
    "$load" --port "$port" --password "$password" --clients 10 --writers 10 --rate 0 \
      --window 128 --duration "$seconds" --no-baseline | grep -E '^a4pd:|verdict' || true
  done
  echo "log at $(head_of "$port" "$password") events"
}

# listening_port LOG: the port of the a4pd whose output goes to LOG (its "listening on" line),
# waiting up to 30 s for it; empty when it never came.
listening_port() {
  local log=$1 port=
  for _ in $(seq 300); do
    port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\).*|\1|p' "$log" | head -1)
    [[ -n $port ]] && break
    sleep 0.1
  done
  echo "$port"
}
