#!/usr/bin/env python3
"""Runs one command and prints its wall time and peak memory (for scripts/bench-scale.sh).

Usage: timed.py NAME [--interrupt-after SECONDS] [--ok CODES] [--stdout FILE] -- COMMAND [ARGS...]
Prints `NAME|SECONDS|PEAK_RSS_MB|EXIT_CODE` on standard output. With --interrupt-after, the
command gets SIGINT after that many seconds (as a person pressing Ctrl-C) and the time is
until it exits. Exit codes outside --ok (default 0,2,3: plan's outcomes) fail the script.
"""
import os
import signal
import subprocess
import sys
import time


def main():
    args = sys.argv[1:]
    name = args.pop(0)
    interrupt = None
    ok = {0, 2, 3}
    stdout = None
    while args and args[0] != "--":
        flag = args.pop(0)
        if flag == "--interrupt-after":
            interrupt = float(args.pop(0))
        elif flag == "--stdout":
            stdout = args.pop(0)
        elif flag == "--ok":
            ok = {int(code) for code in args.pop(0).split(",")}
        else:
            sys.exit(f"timed.py: unknown option {flag}")
    command = args[1:]
    start = time.perf_counter()
    output = open(stdout, "wb") if stdout else subprocess.DEVNULL
    proc = subprocess.Popen(command, stdout=output)
    result = None
    if interrupt is not None:
        # wait4 with WNOHANG, not Popen.poll(): poll would reap the child and lose its usage.
        deadline = start + interrupt
        while time.perf_counter() < deadline:
            result = os.wait4(proc.pid, os.WNOHANG)
            if result[0] != 0:
                break
            result = None
            time.sleep(0.05)
        if result is None:
            proc.send_signal(signal.SIGINT)
    _, status, usage = result if result is not None else os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if code not in ok:
        sys.exit(f"timed.py: {name}: {' '.join(command)!r} exited {code}")
    print(f"{name}|{wall:.2f}|{usage.ru_maxrss / 1024.0:.0f}|{code}")


if __name__ == "__main__":
    main()
