#!/usr/bin/env bash
# CI's check that every benchmark script still runs: each at a tiny size, on the debug build.
# The figures of such a run mean nothing; the point is that the scripts do not rot (a benchmark
# that writes its own plan by hand once fell behind the plan format unnoticed).
set -euo pipefail
cd "$(dirname "$0")/.."
echo "bench-smoke: scripts/bench-plan.sh at 2,000 rows" >&2
BENCH_CONFIG=debug scripts/bench-plan.sh 2000 1
echo "bench-smoke: scripts/bench-apply.sh with 30 operations" >&2
SKIP_SDK="${SKIP_SDK:-0}" scripts/bench-apply.sh 30
echo "bench-smoke: scripts/bench-scale.sh at 300 users, apply for 3 s" >&2
# The debug build as its own baseline: checks the before/after path, not a difference.
BENCH_CONFIG=debug BENCH_BASE_BIN="$(swift build --show-bin-path)/mfa-rollout" scripts/bench-scale.sh 300 3
echo "bench-smoke: scripts/bench-emulator.sh at 300 users, one round" >&2
BENCH_CONFIG=debug scripts/bench-emulator.sh 300 1
