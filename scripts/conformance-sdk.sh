#!/usr/bin/env bash
# Checks the tenant emulator against Auth0's official Python SDK (auth0-python):
# builds mfa-rollout, starts `mfa-rollout emulator --generate 50 --port 0` on loopback, and
# runs scripts/conformance/sdk_conformance.py against it. Needs no network but PyPI.
# Exits non-zero on any mismatch. CONFORMANCE_VENV overrides the venv location.
set -euo pipefail
cd "$(dirname "$0")/.."

swift build --product mfa-rollout >&2
BIN="$(swift build --show-bin-path)/mfa-rollout"

VENV="${CONFORMANCE_VENV:-.build/conformance-venv}"
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
"$VENV/bin/pip" install --quiet --disable-pip-version-check -r scripts/conformance/requirements.txt

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

"$BIN" emulator --generate 50 --seed 7 --host 127.0.0.1 --port 0 --export-delay 1 >"$WORK/emulator.log" 2>&1 &
EMULATOR_PID=$!

URL=""
for _ in $(seq 1 100); do
  URL="$(grep -oE 'http://127\.0\.0\.1:[0-9]+' "$WORK/emulator.log" | head -1 || true)"
  [ -n "$URL" ] && break
  if ! kill -0 "$EMULATOR_PID" 2>/dev/null; then
    echo "conformance-sdk: the emulator exited before listening:" >&2
    cat "$WORK/emulator.log" >&2
    exit 1
  fi
  sleep 0.1
done
if [ -z "$URL" ]; then
  echo "conformance-sdk: the emulator did not print its URL within 10 s" >&2
  cat "$WORK/emulator.log" >&2
  exit 1
fi
echo "conformance-sdk: emulator at $URL" >&2

"$VENV/bin/python" scripts/conformance/sdk_conformance.py "$URL"
