#!/usr/bin/env bash
# Keeps every core busy until stopped (SIGTERM/SIGINT): one busy loop per core. For proving the
# tests do not depend on an idle machine (scripts/test-under-load.sh starts and stops it).
# Usage: bash scripts/cpu-burn.sh [LOOPS]   (default: one per core)
set -u
loops=${1:-$(nproc)}
if ! [[ $loops =~ ^[1-9][0-9]*$ ]]; then
  echo "cpu-burn: LOOPS must be a positive whole number (got \"$loops\")" >&2
  exit 2
fi
pids=()
for _ in $(seq 1 "$loops"); do
  (while :; do :; done) &
  pids+=($!)
done
stop() {
  kill "${pids[@]}" 2>/dev/null
  exit 0
}
trap stop TERM INT
echo "cpu-burn: $loops busy loop(s), pid $$" >&2
wait
