#!/usr/bin/env bash
# Benchmark of a large tenant on one machine: generates an export of N users (default
# 1,000,000), starts the emulator with them, plans everyone, and prints one table of wall time
# and peak memory for each step a user runs:
#   libcsv bare parse (the baseline), emulator start, plan, status (no journal), emit (NDJSON),
#   apply (30 s against the local emulator, no limit, then SIGINT), status (with the journal),
#   undo.
# Targets (issue 24): everything after plan under 150 MB whatever N; status under 1 s; apply's
# first request within 5 s; the emulator under 600 MB and 10 s for 1M users.
#   scripts/bench-scale.sh [N] [APPLY_SECONDS]
# BENCH_CONFIG=debug uses the debug build (scripts/bench-smoke.sh runs this tiny, to check that
# it still works); BENCH_BIN=PATH times another mfa-rollout binary (an older build, to compare);
# BENCH_BASE_BIN=PATH also runs apply and status with that binary, against the same emulator
# and plan in the same run (apply's start and throughput, before and after).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
apply_seconds=${2:-30}
work=.build-bench/scale-$n
mkdir -p "$work"

name=bench-scale
. scripts/lib/bench.sh
bench_require_libcsv
export_file=$(bench_export "$n")
bin=$(bench_binary)
bench_baseline "$work"

. scripts/lib/emulator.sh
trap 'emulator_stop' EXIT INT TERM
export MFA_ROLLOUT_STATE_DIR="$work/state"
rm -rf "$work/state" "$work/state-baseline" "$work/emit" "$work"/plan.json* "$work"/baseline.journal.sqlite* "$work"/undo.json
timed() { python3 scripts/bench/timed.py "$@"; }
rows=()

rows+=("$(timed "libcsv bare parse" -- "$work/libcsv_baseline" "$export_file")")

echo "bench-scale: starting the emulator with $n users" >&2
start=$(date +%s.%N)
EMULATOR_WAIT_SECONDS=600 emulator_start "$bin" "$work/emulator.log" --users "$export_file" --limits 100000/1000
ready=$(date +%s.%N)
emulator_peak=$(awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$EMULATOR_PID/status")
rows+=("emulator --users (start)|$(python3 -c "print(f'{$ready - $start:.2f}')")|$emulator_peak|0")
tenant=${EMULATOR_URL#http://}

printf 'version: 1\nrules:\n  - name: everyone\n    when: {column: user_id, exists: true}\n' >"$work/policy.yaml"
rows+=("$(timed plan -- "$bin" plan --users "$export_file" --policy "$work/policy.yaml" --tenant "$tenant" \
  --as-of 2026-11-20T00:00:00Z --out "$work/plan.json")")
fingerprint=$(tail -2 "$work/plan.json" | grep -oE 'sha256:[0-9a-f]{64}')
operations=$("$bin" status "$work/plan.json" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
echo "bench-scale: plan $(du -h "$work/plan.json" | cut -f1), $operations operations" >&2

rows+=("$(timed "status (no journal)" -- "$bin" status "$work/plan.json")")
rows+=("$(timed "emit --format ndjson" -- "$bin" emit "$work/plan.json" --format ndjson --out "$work/emit")")
apply_row="$(timed "apply ${apply_seconds} s, then SIGINT" --interrupt-after "$apply_seconds" --ok 0,1,4 \
  --stdout "$work/apply-summary.json" -- \
  env AUTH0_CLIENT_SECRET=emulator-secret "$bin" apply "$work/plan.json" --approve "$fingerprint" \
  --domain "$tenant" --allow-http --client-id emulator-client --rate 100000 --burst 1000 --concurrency 16 \
  --json)"
rows+=("$apply_row")
apply_wall=$(cut -d'|' -f2 <<<"$apply_row")
done_count=$("$bin" status "$work/plan.json" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["counts"]["done"])')
rows+=("$(timed "status (journal)" -- "$bin" status "$work/plan.json")")
rows+=("$(timed undo -- "$bin" undo "$work/plan.json" --out "$work/undo.json")")
if [ -n "${BENCH_BASE_BIN:-}" ]; then
  # The same apply and status with another build (an older one), against the same emulator in
  # the same run, with its own journal and state directory; it runs second, on flags the first
  # apply already set (the same requests, answered the same way).
  baseline_row="$(timed "apply ${apply_seconds} s (baseline build)" --interrupt-after "$apply_seconds" --ok 0,1,4 \
    --stdout "$work/apply-summary-baseline.json" -- \
    env AUTH0_CLIENT_SECRET=emulator-secret MFA_ROLLOUT_STATE_DIR="$work/state-baseline" "$BENCH_BASE_BIN" apply \
    "$work/plan.json" --journal "$work/baseline.journal.sqlite" --approve "$fingerprint" \
    --domain "$tenant" --allow-http --client-id emulator-client --rate 100000 --burst 1000 --concurrency 16 \
    --json)"
  rows+=("$baseline_row")
  rows+=("$(timed "status (journal, baseline build)" -- "$BENCH_BASE_BIN" status "$work/plan.json" \
    --journal "$work/baseline.journal.sqlite")")
fi
emulator_stop

printf '\n%s users, %s operations (%s done by apply in %s s); %s\n' "$n" "$operations" "$done_count" \
  "$apply_seconds" "$("$bin" --version 2>/dev/null || echo mfa-rollout)"
apply_line() {
  python3 - "$@" <<'PY'
import json, sys
summary = json.load(open(sys.argv[1]))
elapsed = summary["elapsed_seconds"]
print(f"{sys.argv[3]}: {summary['done_this_run']} done in {elapsed:.1f} s of sending, "
      f"{summary['done_this_run'] / elapsed if elapsed else 0:.0f} op/s; "
      f"journal and plan prepared in about {float(sys.argv[2]) - elapsed:.1f} s before the first request")
PY
}
apply_line "$work/apply-summary.json" "$apply_wall" apply
if [ -n "${BENCH_BASE_BIN:-}" ]; then
  apply_line "$work/apply-summary-baseline.json" "$(cut -d'|' -f2 <<<"$baseline_row")" "apply (baseline build)"
fi
printf '%-32s %10s %14s\n' "step" "time" "peak memory"
for row in "${rows[@]}"; do
  IFS='|' read -r name seconds peak _ <<<"$row"
  printf '%-32s %8s s %11s MB\n' "$name" "$seconds" "$peak"
done
