#!/usr/bin/env bash
# The checks that read the code without running it — format, lint (type-aware eslint and the
# import rules), typecheck — at the same time: each is one process on one core, so together
# they take about as long as the slowest. Each one's output is printed whole, in order, and
# the script fails if any of them failed.
set -uo pipefail
cd "$(dirname "$0")/.."
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
checks=(format:check lint typecheck)
pids=()
for check in "${checks[@]}"; do
  npm run --silent "$check" >"$out/$check" 2>&1 &
  pids+=($!)
done
failed=0
for i in "${!checks[@]}"; do
  if wait "${pids[$i]}"; then
    echo "✓ npm run ${checks[$i]}"
  else
    echo "✗ npm run ${checks[$i]}:"
    failed=1
  fi
  cat "$out/${checks[$i]}"
done
exit "$failed"
