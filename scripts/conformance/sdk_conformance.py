#!/usr/bin/env python3
"""Drive mfa-rollout's tenant emulator with Auth0's official Python SDK (auth0-python 6.x).

Usage: sdk_conformance.py BASE_URL [--client-id ID] [--client-secret SECRET]

Every check prints one line; the script exits 1 on the first mismatch (with what was
expected and what came back) and 0 when all pass. Secrets and tokens are never printed.
"""

import argparse
import csv
import gzip
import io
import json
import sys
import time
import urllib.parse
import urllib.request

from auth0.authentication import GetToken
from auth0.authentication.exceptions import Auth0Error
from auth0.management import Auth0
from auth0.management.core.api_error import ApiError


class Mismatch(Exception):
    pass


def check(name, condition, detail=""):
    if not condition:
        raise Mismatch(f"{name}: {detail}")
    print(f"ok   {name}")


def admin(base_url, path, method="GET", body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base_url + path, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=30) as response:
        text = response.read().decode()
        return json.loads(text) if text else None


def as_dict(model):
    """A pydantic model (or a dict) as a plain dict."""
    if model is None:
        return None
    if isinstance(model, dict):
        return model
    dump = getattr(model, "model_dump", None) or getattr(model, "dict")
    return dump(by_alias=True, exclude_unset=False)


def strip_quote(value):
    """Auth0 exports prefix strings with ' (OWASP); readers remove it."""
    return value[1:] if value.startswith("'") else value


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base_url")
    parser.add_argument("--client-id", default="emulator-client")
    parser.add_argument("--client-secret", default="emulator-secret")
    args = parser.parse_args()
    base_url = args.base_url.rstrip("/")
    domain = urllib.parse.urlsplit(base_url).netloc
    audience = base_url + "/api/v2/"

    # 1. Token, through the SDK's authentication client over plain HTTP.
    token_answer = GetToken(domain, args.client_id, args.client_secret, protocol="http").client_credentials(audience=audience)
    token = token_answer.get("access_token")
    check("token: access_token issued", isinstance(token, str) and len(token) > 0, "no access_token")
    check("token: token_type Bearer", token_answer.get("token_type") == "Bearer", repr(token_answer.get("token_type")))
    check("token: expires_in positive", isinstance(token_answer.get("expires_in"), int) and token_answer["expires_in"] > 0,
          repr(token_answer.get("expires_in")))
    scopes = set(token_answer.get("scope", "").split())
    check("token: scopes", {"read:users", "update:users_app_metadata"} <= scopes, repr(sorted(scopes)))

    try:
        GetToken(domain, args.client_id, "wrong-" + args.client_secret, protocol="http").client_credentials(audience=audience)
        raise Mismatch("token: wrong secret was accepted")
    except Auth0Error as error:
        check("token: wrong secret → 401 access_denied", error.status_code == 401 and error.error_code == "access_denied",
              f"{error.status_code} {error.error_code}")
        check("token: error does not echo the secret", "wrong-" not in json.dumps(error.content or ""), "secret echoed")

    client = Auth0(base_url=base_url + "/api/v2", token=token, max_retries=0)

    # 2. Reads, with ids that need percent-encoding.
    users = admin(base_url, "/__emulator/users")
    check("admin: users listed", isinstance(users, list) and len(users) > 0, f"{len(users or [])} users")
    by_id = {user["user_id"]: user for user in users}
    slash_id = next((uid for uid in by_id if "/" in uid), None)
    saml_id = next((uid for uid in by_id if uid.startswith("samlp|")), None)
    check("admin: tenant has an id with / and a samlp id", slash_id is not None and saml_id is not None,
          f"slash={slash_id!r} saml={saml_id!r}")
    for uid in (saml_id, slash_id):
        user = as_dict(client.users.get(uid))
        check(f"users.get({uid})", user.get("user_id") == uid and user.get("email") == by_id[uid].get("email"),
              f"got user_id={user.get('user_id')!r}")

    try:
        client.users.get("auth0|does-not-exist")
        raise Mismatch("users.get(unknown) did not fail")
    except ApiError as error:
        body = error.body if isinstance(error.body, dict) else {}
        check("users.get(unknown) → 404 inexistent_user",
              error.status_code == 404 and body.get("errorCode") == "inexistent_user" and body.get("statusCode") == 404,
              f"{error.status_code} {body}")

    # 3. PATCH app_metadata: merged, the rest untouched, logged as changed with the raw path.
    admin(base_url, "/__emulator/requests", method="DELETE")
    before = by_id[slash_id]
    new_flag = not bool((before.get("app_metadata") or {}).get("use_mfa", False))
    updated = as_dict(client.users.update(slash_id, app_metadata={"use_mfa": new_flag}))
    expected_app = dict(before.get("app_metadata") or {})
    expected_app["use_mfa"] = new_flag
    check("users.update: app_metadata merged", updated.get("app_metadata") == expected_app,
          f"expected {expected_app}, got {updated.get('app_metadata')}")
    check("users.update: user_metadata untouched", (updated.get("user_metadata") or {}) == (before.get("user_metadata") or {}),
          f"got {updated.get('user_metadata')}")
    check("users.update: updated_at moved", updated.get("updated_at") not in (None, before.get("updated_at")),
          repr(updated.get("updated_at")))
    log = admin(base_url, "/__emulator/requests")
    patches = [entry for entry in log if entry["method"] == "PATCH"]
    check("request log: one PATCH, changed, path percent-encoded",
          len(patches) == 1 and patches[0]["changed"] is True and "%2F" in patches[0]["path"].upper()
          and patches[0]["status"] == 200,
          json.dumps(patches))
    again = as_dict(client.users.update(slash_id, app_metadata={"use_mfa": new_flag}))
    log = admin(base_url, "/__emulator/requests")
    patches = [entry for entry in log if entry["method"] == "PATCH"]
    check("users.update again: same value, logged changed=false",
          len(patches) == 2 and patches[1]["changed"] is False and again.get("app_metadata") == expected_app,
          json.dumps(patches))

    # 4. Export job: create, poll, download, compare with the tenant.
    job = as_dict(client.jobs.users_exports.create(
        format="csv",
        fields=[{"name": "user_id"}, {"name": "email"}, {"name": "app_metadata.use_mfa", "export_as": "use_mfa"}],
    ))
    job_id = job.get("id")
    check("jobs.users_exports.create: pending users_export", job.get("status") == "pending" and job.get("type") == "users_export"
          and isinstance(job_id, str), json.dumps(job, default=str))
    deadline = time.monotonic() + 60
    while True:
        status = as_dict(client.jobs.get(job_id))
        if status.get("status") == "completed":
            break
        check("jobs.get: pending or processing", status.get("status") in ("pending", "processing"), repr(status.get("status")))
        if time.monotonic() > deadline:
            raise Mismatch("jobs.get: job did not complete within 60 s")
        time.sleep(0.3)
    location = status.get("location")
    check("jobs.get: completed with an absolute location", isinstance(location, str) and location.startswith(base_url + "/"),
          "location missing or not on the emulator")
    with urllib.request.urlopen(location, timeout=30) as response:
        raw = response.read()
    check("export: gzip file", raw[:2] == b"\x1f\x8b", repr(raw[:2]))
    rows = list(csv.reader(io.StringIO(gzip.decompress(raw).decode("utf-8"))))
    check("export: header uses export_as", rows[0] == ["user_id", "email", "use_mfa"], repr(rows[0]))
    check("export: strings carry the leading '", all(row[0].startswith("'") for row in rows[1:]), repr(rows[1][:1]))
    state = {user["user_id"]: user for user in admin(base_url, "/__emulator/users")}
    exported = {strip_quote(row[0]): row for row in rows[1:]}
    check("export: one row per user", set(exported) == set(state), f"{len(exported)} rows, {len(state)} users")
    for uid, row in exported.items():
        flag = (state[uid].get("app_metadata") or {}).get("use_mfa")
        want = "" if flag is None else ("true" if flag else "false")
        if strip_quote(row[1]) != (state[uid].get("email") or "") or row[2] != want:
            raise Mismatch(f"export: row for {uid} is {row}, tenant has email={state[uid].get('email')!r} use_mfa={flag!r}")
    print("ok   export: every row matches the tenant")

    # 5. Enrollment ticket.
    ticket = as_dict(client.guardian.enrollments.create_ticket(user_id=saml_id, send_mail=False))
    check("guardian.enrollments.create_ticket: ticket_id and /mfa/enrollment URL",
          isinstance(ticket.get("ticket_id"), str) and "/mfa/enrollment?ticket=" in (ticket.get("ticket_url") or ""),
          "missing ticket_id or ticket_url")
    enrollments = [as_dict(item) for item in client.users.enrollments.get(saml_id)]
    check("users.enrollments.get: one pending enrollment", len(enrollments) == 1 and enrollments[0].get("status") == "pending",
          json.dumps(enrollments, default=str))
    tickets = admin(base_url, "/__emulator/tickets")
    check("admin: ticket recorded with send_mail=false", tickets and tickets[-1]["user_id"] == saml_id and tickets[-1]["send_mail"] is False,
          json.dumps(tickets))

    print("conformance: all checks passed")


if __name__ == "__main__":
    try:
        main()
    except Mismatch as mismatch:
        print(f"FAIL {mismatch}", file=sys.stderr)
        sys.exit(1)
    except (Auth0Error, ApiError) as error:
        # The SDK refused an answer (or the emulator answered an error where none was due).
        print(f"FAIL unexpected error from the SDK: {type(error).__name__} {getattr(error, 'status_code', '')}", file=sys.stderr)
        sys.exit(1)
