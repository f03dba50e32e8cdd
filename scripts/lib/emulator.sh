# Starting and stopping a local emulated tenant from a script: sourced by demo.sh, the
# conformance checks and the apply benchmark.
#   emulator_start BIN LOG [EMULATOR OPTIONS…]   starts `BIN emulator --port 0 …` in the
#       background; sets EMULATOR_PID and EMULATOR_URL (http://127.0.0.1:PORT), or prints the
#       emulator's log and exits 1 when it does not listen within 10 s (EMULATOR_WAIT_SECONDS).
#   emulator_stop                                 stops it (SIGTERM), if it runs.

EMULATOR_PID=""
EMULATOR_URL=""

emulator_start() {
  local bin=$1 log=$2
  shift 2
  emulator_stop
  "$bin" emulator --host 127.0.0.1 --port 0 "$@" >"$log" 2>&1 &
  EMULATOR_PID=$!
  EMULATOR_URL=""
  for _ in $(seq 1 $((${EMULATOR_WAIT_SECONDS:-10} * 10))); do
    EMULATOR_URL="$(grep -oE 'http://127\.0\.0\.1:[0-9]+' "$log" | head -1 || true)"
    [ -n "$EMULATOR_URL" ] && return 0
    kill -0 "$EMULATOR_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "$(basename "$0"): the emulator did not start listening:" >&2
  cat "$log" >&2
  exit 1
}

emulator_stop() {
  if [ -n "$EMULATOR_PID" ] && kill -0 "$EMULATOR_PID" 2>/dev/null; then
    kill -TERM "$EMULATOR_PID" 2>/dev/null || true
    wait "$EMULATOR_PID" 2>/dev/null || true
  fi
  EMULATOR_PID=""
}
