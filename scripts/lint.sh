#!/usr/bin/env bash
# The style check CI runs: swift format (it ships with the toolchain) with the package's
# .swift-format, over every Swift file git tracks; any finding fails. To fix what it can:
#   swift format format --in-place --configuration .swift-format $(git ls-files '*.swift')
set -euo pipefail
cd "$(dirname "$0")/.."
git ls-files -z '*.swift' | xargs -0 swift format lint --strict --configuration .swift-format
echo "lint: swift format finds nothing to change in $(git ls-files '*.swift' | wc -l) files" >&2
