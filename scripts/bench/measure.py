#!/usr/bin/env python3
"""Runs commands side by side, several rounds, and reports wall time and peak memory.

Usage: measure.py ROUNDS NAME=COMMAND [NAME=COMMAND ...]
Prints one line per command (median wall seconds, peak RSS MB) and the ratio of each to the
first (the baseline). Commands run interleaved, round by round, so that machine load hits
both alike. Exit codes 0 and 2 count as success (2 is `plan`'s "changes planned").
"""
import os
import shlex
import statistics
import subprocess
import sys
import time


def run(command):
    start = time.perf_counter()
    proc = subprocess.Popen(command, shell=True, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    # plan exits 0, 2 or 3 (no changes, changes, a guard tripped): all are finished runs.
    if code not in (0, 2, 3):
        sys.exit(f"measure: {command!r} exited {code}")
    return wall, usage.ru_maxrss / 1024.0


def main():
    rounds = int(sys.argv[1])
    named = [arg.split("=", 1) for arg in sys.argv[2:]]
    results = {name: [] for name, _ in named}
    for _ in range(rounds):
        for name, command in named:
            results[name].append(run(command))
    base = statistics.median(w for w, _ in results[named[0][0]])
    for name, _ in named:
        walls = [w for w, _ in results[name]]
        peak = max(m for _, m in results[name])
        median = statistics.median(walls)
        print(f"{name:>16}: median {median:7.3f} s (min {min(walls):.3f}, max {max(walls):.3f}), "
              f"peak RSS {peak:7.1f} MB, ratio to {named[0][0]} {median / base:5.2f}x")


if __name__ == "__main__":
    main()
