#!/usr/bin/env bash
# The README's test command: installs what the build needs, then runs the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
[ -f /usr/include/csv.h ] || missing+=(libcsv-dev)
[ -f /usr/include/sqlite3.h ] || missing+=(libsqlite3-dev)
[ -f /usr/include/zlib.h ] || missing+=(zlib1g-dev)
command -v python3 >/dev/null || missing+=(python3 python3-venv)
if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: installing ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi

swift build --build-tests "$@"
swift test --skip-build "$@"
