#!/usr/bin/env bash
# Benchmark of the emulator's start with a large tenant: `mfa-rollout emulator --users EXPORT`
# on an export of N users (default 1,000,000), timed until it listens, with its peak memory by
# then, against the bare libcsv parse of the same file (the baseline), interleaved over ROUNDS
# rounds (default 3; medians).
# Target (issue 24): 1,000,000 users in under 10 s and under 600 MB.
#   scripts/bench-emulator.sh [N] [ROUNDS]
# BENCH_BASE_BIN=PATH times a second mfa-rollout in the same run (the build before, to compare);
# BENCH_BIN=PATH times that binary instead of building; BENCH_CONFIG=debug uses the debug build
# (scripts/bench-smoke.sh runs this tiny, to check that it still works).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-1000000}
rounds=${2:-3}
work=.build-bench
mkdir -p "$work"

name=bench-emulator
. scripts/lib/bench.sh
bench_require_libcsv
export_file=$(bench_export "$n")
bin=$(bench_binary)
bench_baseline "$work"

options="emulator --host 127.0.0.1 --port 0 --users $export_file"
commands=("libcsv-bare=$work/libcsv_baseline $export_file")
[ -n "${BENCH_BASE_BIN:-}" ] && commands+=("emulator-before=$BENCH_BASE_BIN $options")
commands+=("emulator=$bin $options")
python3 scripts/bench/emulator_start.py "$rounds" "${commands[@]}"
