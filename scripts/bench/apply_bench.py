#!/usr/bin/env python3
"""Helpers for scripts/bench-apply.sh (standard library only, except the `sdk` command).

  apply_bench.py export BASE_URL N OUT      a CSV of N emulator users without the flag (for `plan`)
  apply_bench.py measure BASE_URL BURST RATE [SUMMARY_JSON]
                                             one table row from /__emulator/requests
  apply_bench.py sdk BASE_URL PLAN          send the plan's operations with auth0-python, in a plain loop

The plans themselves are made by `mfa-rollout plan`, so they cannot fall behind the format.
No secret or token is ever printed.
"""

import csv
import datetime
import json
import sys
import time
import urllib.request

def admin(base_url, path):
    with urllib.request.urlopen(base_url + path, timeout=60) as response:
        return json.loads(response.read().decode())


def export(base_url, count, out):
    """A plain CSV of `count` emulator users without the flag, for `mfa-rollout plan`."""
    users = admin(base_url, "/__emulator/users")
    rows = []
    for user in users:
        flag = (user.get("app_metadata") or {}).get("use_mfa")
        if flag is True or flag not in (None, False):
            continue
        rows.append((user["user_id"], "" if flag is None else "false"))
        if len(rows) == count:
            break
    if len(rows) < count:
        sys.exit(f"apply_bench: only {len(rows)} users without the flag; generate more")
    with open(out, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["user_id", "app_metadata.use_mfa"])
        writer.writerows(rows)


def parse_time(text):
    return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def measure(base_url, burst, rate, summary_path=None):
    """achieved/limit over the PATCHes (sustained part: after the initial burst), 429 share."""
    log = [e for e in admin(base_url, "/__emulator/requests") if e["method"] in ("PATCH", "GET") and e["path"].startswith("/api/v2/")]
    ok = [e for e in log if e["status"] == 200]
    limited = sum(1 for e in log if e["status"] == 429)
    times = sorted(parse_time(e["time"]) for e in ok)
    span = (times[-1] - times[0]) if len(times) > 1 else 0.0
    sustained = (len(ok) - burst) / span if span > 0 else float("nan")
    applied = sum(1 for e in log if e.get("changed"))
    # The SDK sends no correlation id: fall back to the (encoded) path, one user per operation.
    twice = len(ok) - len({e.get("correlation_id") or e["path"] for e in ok})
    result = {
        "requests": len(log), "ok": len(ok), "rate_limited": limited,
        "share_429": limited / len(log) if log else 0.0,
        "span_s": span, "sustained_per_s": sustained, "ratio": sustained / rate,
        "applied": applied, "duplicates": twice,
    }
    if summary_path:
        with open(summary_path) as handle:
            result["client_elapsed_s"] = json.load(handle).get("elapsed_seconds")
    print(json.dumps(result))


def sdk(base_url, plan_path):
    from auth0.authentication import GetToken
    from auth0.management import Auth0

    host = base_url.split("://", 1)[1]
    token = GetToken(host, "emulator-client", "emulator-secret", protocol="http").client_credentials(
        audience=base_url + "/api/v2/")["access_token"]
    client = Auth0(base_url=base_url + "/api/v2", token=token)
    with open(plan_path) as handle:
        operations = json.load(handle)["operations"]
    failed = 0
    started = time.monotonic()
    for op in operations:
        try:
            client.users.update(op["user_id"], app_metadata={"use_mfa": True})
        except Exception:  # the SDK gave up (its own retries used up); the loop goes on
            failed += 1
    print(json.dumps({"elapsed_s": time.monotonic() - started, "failed": failed, "operations": len(operations)}))


if __name__ == "__main__":
    command = sys.argv[1]
    if command == "export":
        export(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    elif command == "measure":
        measure(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5] if len(sys.argv) > 5 else None)
    elif command == "sdk":
        sdk(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
