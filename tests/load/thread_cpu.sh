#!/bin/bash
# Samples the CPU (utime+stime ticks, per 5 s) of each of a4pd's thread lanes (server/README.md,
# --threads) for the a4pd that tests/load/run_scenarios.sh runs. Usage: tests/load/thread_cpu.sh [SECONDS]
# beside a run_scenarios.sh run.
declare -A last
end=$((SECONDS + ${1:-300}))
while [ $SECONDS -lt $end ]; do
  pid=$(pgrep -f "a4pd --data /tmp/a4p-load" | head -1)
  [ -z "$pid" ] && { sleep 0.5; continue; }
  out="$(date +%H:%M:%S) pid $pid"
  declare -A agg=()
  for t in /proc/$pid/task/*; do
    line=$(cat $t/stat 2>/dev/null) || continue
    name=$(cat $t/comm 2>/dev/null); rest=${line#*) }; set -- $rest
    ticks=$(( ${12} + ${13} )); tid=$pid.${t##*/}
    d=$(( ticks - ${last[$tid]:-$ticks} )); last[$tid]=$ticks
    agg[$name]=$(( ${agg[$name]:-0} + d ))
  done
  for k in "${!agg[@]}"; do out+=" $k=${agg[$k]}"; done
  echo "$out"
  unset agg
  sleep 5
done
