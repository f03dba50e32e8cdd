#!/usr/bin/env bash
# Holds the tenant emulator to Auth0's own Management API specification: builds mfa-rollout,
# starts `mfa-rollout emulator --users samples/users.csv --port 0` on loopback, and runs
# scripts/conformance/spec_conformance.py against it: schemathesis (from PyPI, in a virtual
# environment) on the vendored subset of Auth0's OpenAPI description with the listed exceptions
# applied (scripts/conformance/spec/), every check on, the sample users and an export job as
# real ids, a bounded number of examples. Needs no network but PyPI. Exits non-zero on any
# failure.
#
# Arguments go to `swift build` (e.g. --scratch-path DIR). CONFORMANCE_SPEC_VENV overrides the
# venv location; CONFORMANCE_SPEC_MAX_EXAMPLES (default 200) and CONFORMANCE_SPEC_SEED
# (default 21) bound and fix the run.
set -euo pipefail
cd "$(dirname "$0")/.."

swift build --product mfa-rollout "$@" >&2
BIN="$(swift build --show-bin-path "$@")/mfa-rollout"

VENV="${CONFORMANCE_SPEC_VENV:-.build/conformance-spec-venv}"
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
"$VENV/bin/pip" install --quiet --disable-pip-version-check -r scripts/conformance/spec-requirements.txt

WORK="$(mktemp -d)"
EMULATOR_PID=""
cleanup() {
  if [ -n "$EMULATOR_PID" ] && kill -0 "$EMULATOR_PID" 2>/dev/null; then
    kill -TERM "$EMULATOR_PID" 2>/dev/null || true
    wait "$EMULATOR_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

"$BIN" emulator --users samples/users.csv --host 127.0.0.1 --port 0 >"$WORK/emulator.log" 2>&1 &
EMULATOR_PID=$!

URL=""
for _ in $(seq 1 100); do
  URL="$(grep -oE 'http://127\.0\.0\.1:[0-9]+' "$WORK/emulator.log" | head -1 || true)"
  [ -n "$URL" ] && break
  if ! kill -0 "$EMULATOR_PID" 2>/dev/null; then
    echo "conformance-spec: the emulator exited before listening:" >&2
    cat "$WORK/emulator.log" >&2
    exit 1
  fi
  sleep 0.1
done
if [ -z "$URL" ]; then
  echo "conformance-spec: the emulator did not print its URL within 10 s" >&2
  cat "$WORK/emulator.log" >&2
  exit 1
fi
echo "conformance-spec: emulator at $URL" >&2

"$VENV/bin/python" scripts/conformance/spec_conformance.py "$URL" --work "$WORK/run" \
  --users samples/users.csv \
  --max-examples "${CONFORMANCE_SPEC_MAX_EXAMPLES:-200}" --seed "${CONFORMANCE_SPEC_SEED:-21}" \
  --schemathesis "$VENV/bin/schemathesis"
