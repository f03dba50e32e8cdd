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
. scripts/lib/emulator.sh
trap 'emulator_stop; rm -rf "$WORK"' EXIT INT TERM
emulator_start "$BIN" "$WORK/emulator.log" --generate 50 --seed 7 --export-delay 1
URL=$EMULATOR_URL
echo "conformance-sdk: emulator at $URL" >&2

"$VENV/bin/python" scripts/conformance/sdk_conformance.py "$URL"
