#!/usr/bin/env bash
# The README's test command: installs what the build needs (libcsv-dev, libsqlite3-dev, …)
# when it is missing, then builds and runs the whole test suite with `swift test`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/lib/ensure-deps.sh
swift build --build-tests "$@"
swift test --skip-build "$@"
