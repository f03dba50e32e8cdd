#!/usr/bin/env python3
"""Cuts the operations the emulator serves out of Auth0's Management API OpenAPI description.

    python3 scripts/conformance/extract_spec_subset.py FULL_SPEC.json SOURCE_COMMIT > scripts/conformance/spec/management-api-subset.json

FULL_SPEC.json is `main/docs/oas/management/v2/management-api-oas.json` of github.com/auth0/docs-v2
(MIT licence) at SOURCE_COMMIT. The operations kept are listed in OPERATIONS below: when the
emulator serves a new endpoint, add it there, re-run, and the conformance check (and the Swift
test that keeps the emulator's schema tables in step with this file) cover it. Everything an
operation refers to (`$ref`) is kept; code samples are dropped; nothing else is changed.
"""
import json
import sys

SOURCE_REPOSITORY = "https://github.com/auth0/docs-v2"
SOURCE_PATH = "main/docs/oas/management/v2/management-api-oas.json"

# (path, method) of every Management API operation the emulator serves.
OPERATIONS = [
    ("/users/{id}", "get"),
    ("/users/{id}", "patch"),
    ("/users/{id}/enrollments", "get"),
    ("/jobs/users-exports", "post"),
    ("/jobs/{id}", "get"),
    ("/guardian/enrollments/ticket", "post"),
    ("/roles", "get"),
    ("/roles", "post"),
    ("/roles/{id}/users", "get"),
    ("/roles/{id}/users", "post"),
    ("/organizations", "post"),
    ("/organizations/name/{name}", "get"),
    ("/organizations/{id}", "get"),
    ("/organizations/{id}/members", "get"),
    ("/organizations/{id}/members", "post"),
]


def main() -> None:
    full_path, commit = sys.argv[1], sys.argv[2]
    with open(full_path, encoding="utf-8") as handle:
        full = json.load(handle)
    schemas = full["components"]["schemas"]
    kept: dict = {}

    def collect(node) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "$ref" and isinstance(value, str) and value.startswith("#/components/schemas/"):
                    name = value.rsplit("/", 1)[1]
                    if name not in kept:
                        kept[name] = schemas[name]
                        collect(schemas[name])
                else:
                    collect(value)
        elif isinstance(node, list):
            for item in node:
                collect(item)

    paths: dict = {}
    scopes: set = set()
    for path, method in OPERATIONS:
        operation = {key: value for key, value in full["paths"][path][method].items() if key != "x-codeSamples"}
        collect(operation)
        for requirement in operation.get("security", []):
            scopes.update(requirement.get("oAuth2ClientCredentials", []))
        paths.setdefault(path, {})[method] = operation

    security_schemes = json.loads(json.dumps(full["components"]["securitySchemes"]))
    flow = security_schemes["oAuth2ClientCredentials"]["flows"]["clientCredentials"]
    flow["scopes"] = {name: text for name, text in flow["scopes"].items() if name in scopes}

    subset = {
        "openapi": full["openapi"],
        "info": {
            **full["info"],
            "x-source": {
                "repository": SOURCE_REPOSITORY,
                "path": SOURCE_PATH,
                "commit": commit,
                "license": "MIT (see LICENSE in this directory)",
                "note": "The operations mfa-rollout's emulator serves, cut out by scripts/conformance/extract_spec_subset.py; otherwise unchanged.",
            },
        },
        "servers": full["servers"],
        "security": full["security"],
        "paths": paths,
        "components": {
            "schemas": {name: kept[name] for name in sorted(kept)},
            "securitySchemes": security_schemes,
        },
    }
    json.dump(subset, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
