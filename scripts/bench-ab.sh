#!/usr/bin/env bash
# Compares the scale benchmark (bench/scale.ts) of a git revision with the working tree, the
# two running side by side, N times. On a shared machine the CPU time of one run moves by
# ±30% as the host's load moves; two runs at the same time see the same load, so their ratio
# is what tells a change apart from the noise (docs/benchmarks.md, "Scale on one server").
# Usage:
#   bash scripts/bench-ab.sh REV [RUNS]                        # both shapes, 3 pairs
#   GANTRY_SCALE_SHAPES=chain bash scripts/bench-ab.sh HEAD~3 5
# The benchmark's own variables (GANTRY_SCALE_*) pass through to both. Each run's output is
# kept in test-artifacts/bench-ab/.
set -euo pipefail
cd "$(dirname "$0")/.."

rev=${1:?usage: $0 REV [RUNS]}
runs=${2:-3}
out=test-artifacts/bench-ab
mkdir -p "$out"
base=$(mktemp -d)/base
git worktree add --quiet --detach "$base" "$rev"
trap 'git worktree remove --force "$base"' EXIT
# The same dependencies: what differs is the code.
ln -s "$PWD/node_modules" "$base/node_modules"

figures() {
  grep -E 'server CPU|of which' "$1" | sed -E 's/  +/ /g; s/^ //'
}

for run in $(seq 1 "$runs"); do
  (cd "$base" && node --import tsx bench/scale.ts >"$OLDPWD/$out/base-$run.log" 2>&1) &
  node --import tsx bench/scale.ts >"$out/tree-$run.log" 2>&1 &
  wait
  echo "pair $run"
  figures "$out/base-$run.log" | sed "s/^/  $rev: /"
  figures "$out/tree-$run.log" | sed 's/^/  working tree: /'
done
