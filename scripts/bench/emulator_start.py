#!/usr/bin/env python3
"""Times how long `mfa-rollout emulator` takes to listen, and its peak memory by then.

Usage: emulator_start.py ROUNDS NAME=COMMAND [NAME=COMMAND ...]
Each COMMAND is started ROUNDS times, the commands interleaved round by round. A round ends
when the command prints its `listening on http://…` line: the time is until then, the peak
memory is the process's VmHWM (/proc/PID/status) at that moment. The process then gets
SIGTERM. A command that exits or stays silent for 900 s fails the script. Prints, per command,
the median time, the median peak memory, the user count it reported, and its ratio to the
first command (the baseline).
"""
import os
import re
import selectors
import shlex
import signal
import statistics
import subprocess
import sys
import time


def start_once(command):
    started = time.perf_counter()
    proc = subprocess.Popen(shlex.split(command), stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    selector = selectors.DefaultSelector()
    selector.register(proc.stdout, selectors.EVENT_READ)
    output = b""
    try:
        while True:
            if not selector.select(timeout=max(0.0, started + 900 - time.perf_counter())):
                sys.exit(f"emulator_start.py: {command!r} did not listen within 900 s")
            chunk = os.read(proc.stdout.fileno(), 65536)
            if not chunk:
                proc.wait()
                sys.exit(f"emulator_start.py: {command!r} exited {proc.returncode}: {output.decode(errors='replace')}")
            output += chunk
            match = re.search(rb"(\d+) users, listening on http://", output)
            if match:
                ready = time.perf_counter() - started
                with open(f"/proc/{proc.pid}/status") as status:
                    peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
                return ready, peak / 1024.0, int(match.group(1))
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def run_baseline(command):
    """A command that is not an emulator (the bare parse): time until it exits, peak memory."""
    started = time.perf_counter()
    proc = subprocess.Popen(shlex.split(command), stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"emulator_start.py: {command!r} failed")
    return time.perf_counter() - started, usage.ru_maxrss / 1024.0, None


def main():
    rounds = int(sys.argv[1])
    commands = [argument.split("=", 1) for argument in sys.argv[2:]]
    results = {name: [] for name, _ in commands}
    for round_number in range(rounds):
        for name, command in commands:
            measure = start_once if " emulator " in f" {command} " else run_baseline
            results[name].append(measure(command))
            seconds, peak, _ = results[name][-1]
            print(f"round {round_number + 1}: {name}: {seconds:.2f} s, {peak:.0f} MB", file=sys.stderr)
    baseline = statistics.median(r[0] for r in results[commands[0][0]])
    print(f"{'command':<28} {'time':>10} {'ratio':>8} {'peak memory':>13} {'users':>10}")
    for name, _ in commands:
        seconds = statistics.median(r[0] for r in results[name])
        peak = statistics.median(r[1] for r in results[name])
        users = results[name][-1][2]
        print(f"{name:<28} {seconds:>8.2f} s {seconds / baseline:>7.1f}x {peak:>10.0f} MB {users if users is not None else '':>10}")


if __name__ == "__main__":
    main()
