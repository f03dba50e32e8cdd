#!/usr/bin/env bash
# Installs the system packages the build needs, when they are missing (Debian/Ubuntu):
# libcsv, SQLite, libcrypto (OpenSSL), zlib, PCRE2, Python for the scripts, and Node.js (the
# test that runs the printed post-login Action).
set -euo pipefail
missing=()
[ -f /usr/include/csv.h ] || missing+=(libcsv-dev)
[ -f /usr/include/sqlite3.h ] || missing+=(libsqlite3-dev)
[ -f /usr/include/openssl/sha.h ] || missing+=(libssl-dev)
[ -f /usr/include/zlib.h ] || missing+=(zlib1g-dev)
[ -f /usr/include/pcre2.h ] || missing+=(libpcre2-dev)
command -v python3 >/dev/null || missing+=(python3)
python3 -c 'import ensurepip' 2>/dev/null || missing+=(python3-venv)
command -v node >/dev/null || missing+=(nodejs)
if [ ${#missing[@]} -gt 0 ]; then
  echo "ensure-deps: installing ${missing[*]}" >&2
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >&2
fi
