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
. scripts/lib/emulator.sh
trap 'emulator_stop; rm -rf "$WORK"' EXIT INT TERM
emulator_start "$BIN" "$WORK/emulator.log" --users samples/users.csv
URL=$EMULATOR_URL
echo "conformance-spec: emulator at $URL" >&2

"$VENV/bin/python" scripts/conformance/spec_conformance.py "$URL" --work "$WORK/run" \
  --users samples/users.csv \
  --max-examples "${CONFORMANCE_SPEC_MAX_EXAMPLES:-200}" --seed "${CONFORMANCE_SPEC_SEED:-21}" \
  --schemathesis "$VENV/bin/schemathesis"
