#!/usr/bin/env bash
# Benchmark of `mfa-rollout apply` against the local emulator (a separate process):
#   1. N operations at Enterprise limits (burst 50, 16/s: ~2 min for 2,000),
#   2. the same at a faster custom limit (200/s, burst 50),
#   3. the same operations sent by a plain loop over the official auth0-python SDK, at both limits;
# each on loopback and again with the emulator's --latency-ms 100 (a cron host to an Auth0
# region: what users see). LATENCIES="0 100" chooses the latencies.
# Reports sustained throughput / limit (PATCHes after the initial burst, from the emulator's
# request log) and the share of requests answered 429. Targets: >= 97 % of the limit, < 1 % 429.
# The plan is made by `mfa-rollout plan` from an export of the emulator's users, as a user
# makes one. Run by hand:  scripts/bench-apply.sh [N]   (default 2000; SKIP_SDK=1 to skip 3.);
# CI runs it at a tiny size to check that it still works (scripts/bench-smoke.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-2000}
config=${CONFIG:-debug}

# BENCH_BIN=PATH benchmarks that binary instead of building one.
if [ -n "${BENCH_BIN:-}" ]; then
  bin=$BENCH_BIN
else
  swift build -c "$config" --product mfa-rollout >&2
  bin="$(swift build -c "$config" --show-bin-path)/mfa-rollout"
fi
work="$(mktemp -d)"
. scripts/lib/emulator.sh
trap 'emulator_stop; rm -rf "$work"' EXIT INT TERM
export MFA_ROLLOUT_STATE_DIR="$work/state"

# start_emulator RATE/BURST LATENCY_MS: a fresh tenant with 2N generated users; sets $url.
start_emulator() {
  emulator_start "$bin" "$work/emulator.log" --generate $((n * 2)) --seed 5 --limits "$1" --latency-ms "$2"
  url=$EMULATOR_URL
}

# make_plan: exports N users without the flag and plans enabling it for them, for this tenant;
# prints the plan's fingerprint.
make_plan() {
  python3 scripts/bench/apply_bench.py export "$url" "$n" "$work/users.csv"
  printf 'version: 1\nrules:\n  - name: everyone\n    when: {column: user_id, exists: true}\n' >"$work/policy.yaml"
  rm -f "$work/plan.json" "$work/plan.json.journal.sqlite"*
  local status=0
  "$bin" plan --users "$work/users.csv" --policy "$work/policy.yaml" --tenant "${url#http://}" \
    --out "$work/plan.json" --json >"$work/plan-summary.json" || status=$?
  [ "$status" = 2 ] || { echo "bench-apply: plan exited $status" >&2; exit 1; }
  python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["fingerprint"])' "$work/plan-summary.json"
}

rows=()
# bench_apply NAME RATE BURST LATENCY_MS: apply N operations with limits equal to the server's.
bench_apply() {
  local name=$1 rate=$2 burst=$3 latency=$4
  start_emulator "$rate/$burst" "$latency"
  local fp
  fp="$(make_plan)"
  echo "bench-apply: $name: $n operations at $rate/s, burst $burst" >&2
  AUTH0_CLIENT_SECRET=emulator-secret "$bin" apply "$work/plan.json" --approve "$fp" \
    --domain "${url#http://}" --allow-http --client-id emulator-client \
    --rate "$rate" --burst "$burst" --json >"$work/summary.json" || true
  rows+=("$name, ${latency} ms|$rate|$burst|$(python3 scripts/bench/apply_bench.py measure "$url" "$burst" "$rate" "$work/summary.json")")
}

bench_sdk() {
  local name=$1 rate=$2 burst=$3 latency=$4
  start_emulator "$rate/$burst" "$latency"
  make_plan >/dev/null
  echo "bench-apply: $name: $n operations, auth0-python loop, server at $rate/s, burst $burst" >&2
  "$venv/bin/python" scripts/bench/apply_bench.py sdk "$url" "$work/plan.json" >"$work/sdk.json"
  rows+=("$name, ${latency} ms (failed: $(python3 -c "import json;print(json.load(open('$work/sdk.json'))['failed'])"))|$rate|$burst|$(python3 scripts/bench/apply_bench.py measure "$url" "$burst" "$rate")")
}

if [ "${SKIP_SDK:-0}" != 1 ]; then
  venv="${CONFORMANCE_VENV:-.build/conformance-venv}"
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r scripts/conformance/requirements.txt
fi
for latency in ${LATENCIES:-0 100}; do
  bench_apply "mfa-rollout apply, enterprise" 16 50 "$latency"
  bench_apply "mfa-rollout apply, custom" 200 50 "$latency"
  if [ "${SKIP_SDK:-0}" != 1 ]; then
    bench_sdk "auth0-python loop, enterprise" 16 50 "$latency"
    bench_sdk "auth0-python loop, custom" 200 50 "$latency"
  fi
done

printf '\n%-52s %8s %6s %9s %10s %8s %9s %8s %7s\n' "run" "limit/s" "burst" "requests" "sustained" "of limit" "429s" "429 %" "twice"
for row in "${rows[@]}"; do
  IFS='|' read -r name rate burst json <<<"$row"
  python3 - "$name" "$rate" "$burst" "$json" <<'PY'
import json, sys
name, rate, burst, data = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
print(f"{name:<52} {rate:>8} {burst:>6} {data['requests']:>9} {data['sustained_per_s']:>9.2f}/s "
      f"{data['ratio'] * 100:>7.1f}% {data['rate_limited']:>9} {data['share_429'] * 100:>7.2f}% {data['duplicates']:>7}")
PY
done
echo
echo "sustained = (successful PATCHes - burst) / (last - first success), from /__emulator/requests;"
echo "twice = successful PATCHes beyond one per operation (resends)."
