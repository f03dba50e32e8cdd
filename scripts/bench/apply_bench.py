#!/usr/bin/env python3
"""Helpers for scripts/bench-apply.sh (standard library only, except the `sdk` command).

  apply_bench.py plan BASE_URL N OUT        write a plan enabling the flag for N emulator users
  apply_bench.py measure BASE_URL BURST RATE [SUMMARY_JSON]
                                             one table row from /__emulator/requests
  apply_bench.py sdk BASE_URL PLAN          send the plan's operations with auth0-python, in a plain loop

Plans follow the README's format and fingerprint, so `mfa-rollout apply` verifies them like
any other. No secret or token is ever printed.
"""

import datetime
import hashlib
import json
import sys
import time
import urllib.request

FLAG = "app_metadata.use_mfa"


def admin(base_url, path):
    with urllib.request.urlopen(base_url + path, timeout=60) as response:
        return json.loads(response.read().decode())


def op_id(user_id, action):
    text = f"mfa-rollout op v1\n{FLAG}\n{len(user_id.encode())}:{user_id}\n{action}"
    return "op_" + hashlib.sha256(text.encode()).hexdigest()[:24]


def fingerprint(operations):
    lines = ["mfa-rollout plan fingerprint v1", f"flag {FLAG}"]
    for op in operations:
        uid = op["user_id"]
        lines.append(f"op {op['id']} {len(uid.encode())}:{uid} {op['action']} {op['current']} {op['desired']}")
    return "sha256:" + hashlib.sha256(("\n".join(lines) + "\n").encode()).hexdigest()


def make_plan(base_url, count, out):
    users = admin(base_url, "/__emulator/users")
    operations = []
    for user in users:
        flag = (user.get("app_metadata") or {}).get("use_mfa")
        if flag is True:
            continue
        current = "absent" if flag is None else ("false" if flag is False else None)
        if current is None:
            continue
        operations.append({
            "action": "enable", "current": current, "desired": "true", "id": op_id(user["user_id"], "enable"),
            "reason": "bench", "source": "emulator", "user_id": user["user_id"],
        })
        if len(operations) == count:
            break
    if len(operations) < count:
        sys.exit(f"apply_bench: only {len(operations)} users without the flag; generate more")
    now = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    plan = {
        "format": "mfa-rollout-plan", "format_version": 1,
        "producer": {"tool": "mfa-rollout", "version": "bench", "created_at": now, "as_of": now},
        "inputs": [], "flag": {"container": "app_metadata", "key": "use_mfa", "column": "use_mfa", "location": FLAG},
        "mode": "enable-only",
        "summary": {"rows": len(operations), "selected": len(operations), "enable": len(operations), "disable": 0,
                    "unchanged": 0, "kept_by_enable_only": 0, "rejected": 0, "by_reason": {}},
        "guards": [], "outcome": "changes", "applicable": True, "fingerprint": fingerprint(operations),
        "operations": operations, "rejected": [],
    }
    with open(out, "w") as handle:
        json.dump(plan, handle, indent=1, sort_keys=True)
    print(plan["fingerprint"])


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
    if command == "plan":
        make_plan(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    elif command == "measure":
        measure(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5] if len(sys.argv) > 5 else None)
    elif command == "sdk":
        sdk(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
