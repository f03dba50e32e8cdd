#!/usr/bin/env python3
"""Holds mfa-rollout's emulator to Auth0's own Management API specification with schemathesis.

    spec_conformance.py BASE_URL --work DIR [--users samples/users.csv] [--max-examples N] [--seed S]

BASE_URL is a running emulator (scripts/conformance-spec.sh starts one). The script fetches a
token with the emulator's default client credentials, creates an export job so that a real job
id exists, applies the listed exceptions (spec/exceptions.json) to the vendored subset of Auth0's
OpenAPI description (spec/management-api-subset.json), and runs `schemathesis run` on the result
with every check on, the sample users' ids and the job id as values for ids, and a bounded
number of examples per operation. It prints the operations and test cases run and exits non-zero
on any failure.
"""
import argparse
import copy
import csv
import json
import os
import re
import subprocess
import sys
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ElementTree
from pathlib import Path

HERE = Path(__file__).resolve().parent
SPEC = HERE / "spec" / "management-api-subset.json"
EXCEPTIONS = HERE / "spec" / "exceptions.json"


def post(url: str, body: bytes, content_type: str, token: str | None = None) -> dict:
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": content_type})
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)


def fetch_token(base_url: str) -> str:
    form = urllib.parse.urlencode({
        "grant_type": "client_credentials",
        "client_id": "emulator-client",
        "client_secret": "emulator-secret",
        "audience": f"{base_url}/api/v2/",
    }).encode()
    return post(f"{base_url}/oauth/token", form, "application/x-www-form-urlencoded")["access_token"]


def create_job(base_url: str, token: str) -> str:
    body = json.dumps({"format": "csv", "fields": [{"name": "user_id"}, {"name": "email"}]}).encode()
    return post(f"{base_url}/api/v2/jobs/users-exports", body, "application/json", token)["id"]


def sample_user_ids(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8") as handle:
        # Auth0's export prefixes strings with ' (CSV-injection escaping).
        return [row["user_id"].removeprefix("'") for row in csv.DictReader(handle) if row.get("user_id")]


# --- RFC 6902 JSON Patch (add, remove, replace, move, copy), for the exceptions ---

def _tokens(pointer: str) -> list[str]:
    return [token.replace("~1", "/").replace("~0", "~") for token in pointer.split("/")[1:]]


def _parent(document: dict, pointer: str) -> tuple[dict, str]:
    *path, last = _tokens(pointer)
    node = document
    for token in path:
        node = node[token]
    return node, last


def apply_patch(document: dict, operations: list[dict]) -> dict:
    document = copy.deepcopy(document)
    for operation in operations:
        op = operation["op"]
        if op in ("move", "copy"):
            source, key = _parent(document, operation["from"])
            value = copy.deepcopy(source[key])
            if op == "move":
                del source[key]
            target, key = _parent(document, operation["path"])
            target[key] = value
        elif op == "remove":
            target, key = _parent(document, operation["path"])
            del target[key]
        elif op in ("add", "replace"):
            target, key = _parent(document, operation["path"])
            if op == "replace" and key not in target:
                raise KeyError(operation["path"])
            target[key] = copy.deepcopy(operation["value"])
        else:
            raise ValueError(f"unsupported patch operation {op}")
    return document


def add_examples(spec: dict, user_id: str, job_id: str) -> None:
    """Real values for the examples phase: a sample user, the job, and the bodies mfa-rollout
    itself sends. Test data only; the schemas are untouched."""
    for path, methods in spec["paths"].items():
        for operation in methods.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and parameter["name"] == "id":
                    parameter["example"] = job_id if path.startswith("/jobs/") else user_id
    bodies = {
        ("/users/{id}", "patch"): {"app_metadata": {"use_mfa": True}},
        ("/jobs/users-exports", "post"): {
            "format": "csv",
            "fields": [{"name": "user_id"}, {"name": "app_metadata.use_mfa", "export_as": "use_mfa"}],
        },
        ("/guardian/enrollments/ticket", "post"): {"user_id": user_id, "send_mail": False, "factor": "otp"},
    }
    for (path, method), example in bodies.items():
        spec["paths"][path][method]["requestBody"]["content"]["application/json"]["example"] = example


def toml_string(text: str) -> str:
    # A JSON string is a valid TOML basic string for these values.
    return json.dumps(text)


def write_config(path: Path, user_ids: list[str], job_id: str) -> None:
    users = ", ".join(toml_string(user_id) for user_id in user_ids)
    path.write_text(f"""# Written by scripts/conformance/spec_conformance.py for one run.
[auth.openapi.bearerAuth]
bearer = "${{MFA_ROLLOUT_SPEC_TOKEN}}"

[dictionaries.users]
values = [{users}]

[dictionaries.jobs]
values = [{toml_string(job_id)}]

# Real ids half of the time, so operations reach users and jobs that exist, not only 404s.
[[operations]]
include-path-regex = "^/users/"
parameters = {{ "path.id" = {{ dictionary = "users", probability = 0.5 }} }}

[[operations]]
include-operation-id = "get_jobs_by_id"
parameters = {{ "path.id" = {{ dictionary = "jobs", probability = 0.5 }} }}

[[operations]]
include-operation-id = "post_ticket"
parameters = {{ "body.user_id" = {{ dictionary = "users", probability = 0.5 }} }}
""", encoding="utf-8")


def failing_operations(junit: Path) -> int:
    """Operations (and stateful suites) with a failure or an error in the JUnit report."""
    root = ElementTree.parse(junit).getroot()
    return sum(1 for case in root.findall(".//testcase") if case.find("failure") is not None or case.find("error") is not None)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("base_url")
    parser.add_argument("--work", required=True, type=Path, help="directory for the effective spec, config and reports")
    parser.add_argument("--users", default=HERE.parent.parent / "samples" / "users.csv", type=Path)
    parser.add_argument("--max-examples", type=int, default=40)
    parser.add_argument("--seed", type=int, default=21)
    parser.add_argument("--schemathesis", default="schemathesis")
    args = parser.parse_args()
    base_url = args.base_url.rstrip("/")
    # Schemathesis runs in the work directory: every path it gets is absolute.
    args.work = args.work.resolve()
    args.work.mkdir(parents=True, exist_ok=True)
    if os.sep in args.schemathesis:
        args.schemathesis = os.path.abspath(args.schemathesis)

    token = fetch_token(base_url)
    job_id = create_job(base_url, token)
    user_ids = sample_user_ids(args.users)

    spec = json.loads(SPEC.read_text(encoding="utf-8"))
    exceptions = json.loads(EXCEPTIONS.read_text(encoding="utf-8"))["exceptions"]
    for exception in exceptions:
        spec = apply_patch(spec, exception["patch"])
    add_examples(spec, user_ids[0], job_id)
    effective = args.work / "effective-spec.json"
    effective.write_text(json.dumps(spec, indent=2), encoding="utf-8")
    config = args.work / "schemathesis.toml"
    write_config(config, user_ids, job_id)

    operations = sum(1 for methods in spec["paths"].values() for _ in methods)
    print(f"conformance-spec: {operations} operations of Auth0's Management API spec, "
          f"{len(user_ids)} sample users, job {job_id}, at most {args.max_examples} examples per operation and phase")
    print("conformance-spec: exceptions (spec/exceptions.json):")
    for exception in exceptions:
        print(f"  - {exception['id']} ({exception['operation']})")
    sys.stdout.flush()

    report = args.work / "report"
    command = [
        args.schemathesis, "--config-file", str(config), "run", str(effective),
        "--url", f"{base_url}/api/v2",
        "--checks", "all",
        "--phases", "examples,coverage,fuzzing,stateful",
        "--max-examples", str(args.max_examples),
        "--seed", str(args.seed),
        "--workers", "1",
        "--request-timeout", "10",
        "--suppress-health-check", "too_slow,filter_too_much",
        # No example database: every run starts from the seed alone.
        "--generation-database", "none",
        "--no-color",
        "--report", "junit,ndjson",
        "--report-dir", str(report),
    ]
    environment = {**os.environ, "MFA_ROLLOUT_SPEC_TOKEN": token}
    # Schemathesis's own summary is passed through; its counts are read from it.
    # In the work directory, so schemathesis's own files stay out of the repository.
    process = subprocess.Popen(
        command, env=environment, cwd=args.work, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    generated = failures = None
    assert process.stdout is not None
    for line in process.stdout:
        sys.stdout.write(line)
        if match := re.search(r"(\d+) generated", line):
            generated = int(match.group(1))
            found = re.search(r"(\d+) unique failures?", line)
            failures = int(found.group(1)) if found else 0
    status = process.wait()
    junit = next(report.glob("*.xml"), None)
    failing = failing_operations(junit) if junit is not None else None
    print(f"conformance-spec: {operations} operations, {generated} test cases, {failures} failures "
          f"({failing} failing in the JUnit report), {len(exceptions)} listed exceptions; schemathesis exit {status}")
    if status == 0 and (generated is None or failures != 0 or failing != 0):
        return 1
    return status

if __name__ == "__main__":
    sys.exit(main())
