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

[ -f /usr/include/csv.h ] || { echo "bench-emulator: libcsv-dev is missing (scripts/test.sh installs it)" >&2; exit 1; }

export_file="$work/users-$n.csv"
if [ ! -f "$export_file" ]; then
  echo "bench-emulator: generating $n rows into $export_file" >&2
  python3 scripts/lib/generate_export.py --rows "$n" --seed 7 --out "$export_file"
fi

if [ -n "${BENCH_BIN:-}" ]; then
  bin=$BENCH_BIN
elif [ "${BENCH_CONFIG:-release}" = debug ]; then
  swift build --product mfa-rollout >&2
  bin="$(swift build --show-bin-path)/mfa-rollout"
else
  echo "bench-emulator: building (release)" >&2
  scratch=${BENCH_SCRATCH:-.build-release}
  swift build -c release --static-swift-stdlib --scratch-path "$scratch" --product mfa-rollout >&2
  bin="$(swift build -c release --static-swift-stdlib --scratch-path "$scratch" --show-bin-path)/mfa-rollout"
fi
cc -O2 -o "$work/libcsv_baseline" scripts/bench/libcsv_baseline.c -lcsv

options="emulator --host 127.0.0.1 --port 0 --users $export_file"
commands=("libcsv-bare=$work/libcsv_baseline $export_file")
[ -n "${BENCH_BASE_BIN:-}" ] && commands+=("emulator-before=$BENCH_BASE_BIN $options")
commands+=("emulator=$bin $options")
python3 scripts/bench/emulator_start.py "$rounds" "${commands[@]}"
