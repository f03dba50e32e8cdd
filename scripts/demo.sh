#!/usr/bin/env bash
# The README's first command: runs mfa-rollout end to end on the built-in samples.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/lib/ensure-deps.sh
out=${DEMO_OUT:-demo-out}
mkdir -p "$out"

echo "==> Building mfa-rollout" >&2
swift build --product mfa-rollout >&2
bin="$(swift build --show-bin-path)/mfa-rollout"

echo "==> Planning: samples/users.csv.gz against samples/policy.yaml" >&2
set +e
"$bin" plan --users samples/users.csv.gz --policy samples/policy.yaml --as-of 2026-11-20T00:00:00Z \
  --out "$out/plan.json" --report "$out/report.md" --html "$out/report.html" --changes "$out/changes.csv"
status=$?
set -e
case $status in
  0) echo "==> plan: no changes needed (exit 0)" >&2 ;;
  2) echo "==> plan: changes planned (exit 2). Review $out/report.md, then approve the fingerprint." >&2 ;;
  3) echo "==> plan: a guard tripped (exit 3)" >&2 ;;
  *) echo "==> plan failed (exit $status)" >&2; exit "$status" ;;
esac
