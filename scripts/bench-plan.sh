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

[ -f /usr/include/csv.h ] || { echo "bench-plan: libcsv-dev is missing (scripts/test.sh installs it)" >&2; exit 1; }

export_file="$work/users-$rows.csv"
if [ ! -f "$export_file" ]; then
  echo "bench-plan: generating $rows rows into $export_file" >&2
  python3 scripts/lib/generate_export.py --rows "$rows" --seed 7 --out "$export_file"
fi
echo "bench-plan: export $(du -h "$export_file" | cut -f1), $(wc -l < "$export_file") lines" >&2

if [ -n "${BENCH_BIN:-}" ]; then
  # Another build to time (an older one, to compare).
  bin=$BENCH_BIN
elif [ "${BENCH_CONFIG:-release}" = debug ]; then
  # For a smoke run (scripts/bench-smoke.sh): the debug build the tests use; timings mean nothing.
  swift build --product mfa-rollout >&2
  bin="$(swift build --show-bin-path)/mfa-rollout"
else
  echo "bench-plan: building (release)" >&2
  # A scratch path of its own, so the benchmark's release build never fights the debug build.
  # Built as a release binary is shipped: with the Swift runtime and Foundation linked in
  # (--static-swift-stdlib), which spares every run the loading of some twenty shared libraries.
  swift build -c release --static-swift-stdlib --scratch-path .build-release --product mfa-rollout >&2
  bin="$(swift build -c release --static-swift-stdlib --scratch-path .build-release --show-bin-path)/mfa-rollout"
fi
cc -O2 -o "$work/libcsv_baseline" scripts/bench/libcsv_baseline.c -lcsv

python3 scripts/bench/measure.py "$rounds" \
  "libcsv-bare=$work/libcsv_baseline $export_file" \
  "plan=$bin plan --users $export_file --policy scripts/bench/policy.yaml --as-of 2026-11-20T00:00:00Z --out $work/plan.json" \
  "plan-enrolled=$bin plan --users $export_file --policy scripts/bench/policy-enrolled.yaml --as-of 2026-11-20T00:00:00Z --out $work/plan-enrolled.json" \
  "plan-sample-policy=$bin plan --users $export_file --policy samples/policy.yaml --as-of 2026-11-20T00:00:00Z --out $work/plan-sample.json"
