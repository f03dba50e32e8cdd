#!/usr/bin/env bash
# Builds the release binary that the Debian package ships and the README's "Install" section
# describes, then prints its size, its `ldd` output and its SHA-256 (to standard error) and its
# path (to standard output, for scripts/package-deb.sh).
#
# The binary links the Swift runtime, Foundation and Dispatch in (--static-swift-stdlib), so the
# machine it runs on needs no Swift toolchain; the C libraries it uses (libcsv, SQLite, libcrypto,
# zlib, libstdc++, glibc) stay shared, so Debian's security updates of them apply: this is the
# binary the Debian package ships.
#
# `scripts/build-release.sh --static` then links the same object files again into a fully
# static executable (mfa-rollout-static beside it), the one the container image and the
# standalone download ship. glibc warns that getpwuid, getaddrinfo and friends in a static
# binary load NSS modules of the same glibc version at run time when nsswitch.conf asks for
# others than files and dns; those warnings are filtered out here (README, "Install").
#
# The commit `mfa-rollout --version` names comes from MFA_ROLLOUT_COMMIT (see Package.swift);
# unset, it is HEAD's (with -dirty when tracked files have changes).
#
# Environment: SCRATCH_PATH (default .build-release: the scratch path scripts/bench-plan.sh's
# release mode uses too, with the same compiler flags, so the two share one build).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/lib/ensure-deps.sh
scratch="${SCRATCH_PATH:-.build-release}"

if [ -z "${MFA_ROLLOUT_COMMIT:-}" ] && commit="$(git rev-parse --short=12 HEAD 2>/dev/null)"; then
  [ -z "$(git status --porcelain --untracked-files=no 2>/dev/null)" ] || commit="$commit-dirty"
  export MFA_ROLLOUT_COMMIT="$commit"
fi
echo "build-release: commit ${MFA_ROLLOUT_COMMIT:-unknown}, scratch path $scratch" >&2

# -z now: all symbols bound at start, so the whole GOT is read-only after it (full RELRO; lintian's
# hardening-no-bindnow). Linker flags only: scripts/bench-plan.sh's build in the same scratch
# path differs in the link alone.
swift build -c release --scratch-path "$scratch" --product mfa-rollout --static-swift-stdlib \
  -Xlinker -z -Xlinker now >&2
bin="$scratch/release/mfa-rollout"

if [ "${1:-}" = "--static" ]; then
  # The fully static executable: the same object files linked again by the same swiftc command
  # SwiftPM used (read from its build manifest), with -static-executable instead of
  # -static-stdlib: glibc's libc.a, libstdc++.a and Debian's libcsv.a, libsqlite3.a,
  # libcrypto.a and libz.a come in too. No second compilation.
  static="$bin-static"
  python3 - "$scratch/release.yaml" "$static" >"$scratch/static-link.args" <<'PY'
import json, sys
manifest, output = sys.argv[1], sys.argv[2]
lines = open(manifest).read().splitlines()
start = next(i for i, line in enumerate(lines)
             if line.startswith('  "C.mfa-rollout-') and line.endswith('-release.exe":'))
args = json.loads(next(line for line in lines[start + 1:] if line.startswith("    args: "))[len("    args: "):])
if "-static-stdlib" not in args:
    sys.exit("build-release: the link command has no -static-stdlib to replace")
args = ["-static-executable" if a == "-static-stdlib" else a for a in args]
args[args.index("-o") + 1] = output
print("\0".join(args), end="")
PY
  echo "build-release: linking $static with -static-executable" >&2
  rm -f "$static"
  # shellcheck disable=SC2016 # "$0" "$@" are the link command's, expanded by that sh.
  if ! xargs -0 -a "$scratch/static-link.args" sh -c '"$0" "$@"' >"$scratch/static-link.log" 2>&1; then
    cat "$scratch/static-link.log" >&2
    echo "build-release: the static link failed" >&2
    exit 1
  fi
  grep -v "statically linked applications requires at runtime" "$scratch/static-link.log" >&2 || true
  bin="$static"
fi

{
  echo "build-release: $bin"
  echo "  version: $("$bin" --version)"
  echo "  size:    $(stat -c %s "$bin") bytes ($(du -h "$bin" | cut -f1))"
  echo "  sha256:  $(sha256sum "$bin" | cut -d' ' -f1)"
  echo "  ldd:"
  ldd "$bin" 2>&1 | sed 's/^/    /' || true
} >&2
echo "$bin"
