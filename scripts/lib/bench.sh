# What the benchmark scripts share: the generated export, the binary to time, the baseline.
# Sourced (not run) from the repository's root by scripts/bench-*.sh, after `name=` is set.

# Fails unless libcsv's header is installed (the baseline links it).
bench_require_libcsv() {
  [ -f /usr/include/csv.h ] || { echo "$name: libcsv-dev is missing (scripts/test.sh installs it)" >&2; exit 1; }
}

# Prints the path of an export of N rows (seed 7), generating it into .build-bench/ once.
bench_export() {
  local rows=$1 file=".build-bench/users-$1.csv"
  mkdir -p .build-bench
  if [ ! -f "$file" ]; then
    echo "$name: generating $rows rows into $file" >&2
    python3 scripts/lib/generate_export.py --rows "$rows" --seed 7 --out "$file"
  fi
  echo "$file"
}

# Prints the mfa-rollout binary to time: BENCH_BIN as given (another build, to compare);
# with BENCH_CONFIG=debug the debug build the tests use (for smoke runs: timings mean nothing);
# otherwise a release build linked as a deployed binary is (--static-swift-stdlib), in a
# scratch path of its own (BENCH_SCRATCH, default .build-release) so it never fights the debug
# build.
bench_binary() {
  if [ -n "${BENCH_BIN:-}" ]; then
    echo "$BENCH_BIN"
  elif [ "${BENCH_CONFIG:-release}" = debug ]; then
    swift build --product mfa-rollout >&2
    echo "$(swift build --show-bin-path)/mfa-rollout"
  else
    echo "$name: building (release)" >&2
    local scratch=${BENCH_SCRATCH:-.build-release}
    swift build -c release --static-swift-stdlib --scratch-path "$scratch" --product mfa-rollout >&2
    echo "$(swift build -c release --static-swift-stdlib --scratch-path "$scratch" --show-bin-path)/mfa-rollout"
  fi
}

# Builds the baseline, a C program that parses a CSV file with libcsv and empty callbacks, into
# DIR/libcsv_baseline.
bench_baseline() {
  cc -O2 -o "$1/libcsv_baseline" scripts/bench/libcsv_baseline.c -lcsv
}
