#!/usr/bin/env bash
# Runs the tests N times in a row while every core is kept busy (scripts/cpu-burn.sh), and
# reports each run's result and wall time: the suite must pass on a machine that is busy with
# something else. Usage:
#   bash scripts/test-under-load.sh [-n RUNS] [-t BUSY_LOOPS] [vitest filters...]
#   bash scripts/test-under-load.sh -n 3                      # the whole suite three times
#   bash scripts/test-under-load.sh -n 5 test/example-pipeline-e2e.test.ts
# Each run's output is kept in test-artifacts/under-load/run-N.log. Exit status: 0 when every
# run passed.
set -uo pipefail
cd "$(dirname "$0")/.."

runs=3
threads=$(nproc)
while getopts 'n:t:' opt; do
  case $opt in
    n) runs=$OPTARG ;;
    t) threads=$OPTARG ;;
    *) echo "usage: $0 [-n RUNS] [-t BUSY_LOOPS] [vitest filters...]" >&2; exit 2 ;;
  esac
done
shift $((OPTIND - 1))

logs=test-artifacts/under-load
mkdir -p "$logs"
bash scripts/cpu-burn.sh "$threads" &
burner=$!
trap 'kill "$burner" 2>/dev/null; wait "$burner" 2>/dev/null' EXIT

failed=0
for run in $(seq 1 "$runs"); do
  start=$(date +%s)
  npx vitest run "$@" >"$logs/run-$run.log" 2>&1
  status=$?
  seconds=$(($(date +%s) - start))
  summary=$(sed -E 's/\x1b\[[0-9;]*m//g' "$logs/run-$run.log" | grep -E '^ *(Test Files|Tests) ' | sed -E 's/^ +//; s/ +/ /g' | tr '\n' ';')
  if [ "$status" -eq 0 ]; then result=passed; else result=FAILED; failed=$((failed + 1)); fi
  printf 'run %d/%d: %s in %ds (%s) log: %s\n' "$run" "$runs" "$result" "$seconds" "$summary" "$logs/run-$run.log"
  if [ "$status" -ne 0 ]; then
    sed -E 's/\x1b\[[0-9;]*m//g' "$logs/run-$run.log" | grep -E '^ *(FAIL|×)' | sort -u | head -20
  fi
done
echo "$((runs - failed)) of $runs runs passed under $threads busy loop(s)"
[ "$failed" -eq 0 ]
