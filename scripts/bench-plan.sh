#!/usr/bin/env bash
# Benchmark: `mfa-rollout plan` (release build) against a bare C program that parses the same
# 1,000,000-row export with libcsv and empty callbacks, in one run, as a ratio; with the
# benchmark's policy, the same with enrollment progress counted (columns.enrolled), and with
# the sample policy users start from (regexes, lists, dates).
# Targets: plan within 1.5x of the bare parse; peak memory under 150 MB.
#   scripts/bench-plan.sh [ROWS] [ROUNDS]     (BENCH_BIN=PATH times that binary instead of building)
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
rounds=${2:-5}
work=.build-bench
mkdir -p "$work"

name=bench-plan
. scripts/lib/bench.sh
bench_require_libcsv
export_file=$(bench_export "$rows")
echo "bench-plan: export $(du -h "$export_file" | cut -f1), $(wc -l < "$export_file") lines" >&2
bin=$(bench_binary)
bench_baseline "$work"

python3 scripts/bench/measure.py "$rounds" \
  "libcsv-bare=$work/libcsv_baseline $export_file" \
  "plan=$bin plan --users $export_file --policy scripts/bench/policy.yaml --as-of 2026-11-20T00:00:00Z --out $work/plan.json" \
  "plan-enrolled=$bin plan --users $export_file --policy scripts/bench/policy-enrolled.yaml --as-of 2026-11-20T00:00:00Z --out $work/plan-enrolled.json" \
  "plan-sample-policy=$bin plan --users $export_file --policy samples/policy.yaml --as-of 2026-11-20T00:00:00Z --out $work/plan-sample.json"
