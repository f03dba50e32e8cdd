#!/usr/bin/env python3
"""Deterministic Auth0-style user export generator.

Writes a CSV in the format of Auth0's user export job (see the reference document):
every string value double-quoted with inner quotes doubled and a ' prepended (OWASP CSV
injection escaping), ISO-8601 dates quoted without the ', numbers and booleans bare, an
absent value empty. The header row is quoted, without '.

Used for samples/users.csv and, with --rows 1000000, for the plan benchmark.
"""
import argparse
import gzip
import random
import sys
from datetime import datetime, timedelta, timezone

FIELDS = [
    "user_id", "email", "email_verified", "name", "identities[0].connection",
    "created_at", "last_login", "logins_count", "app_metadata.department", "app_metadata.use_mfa",
]
FIRST = ["Ana", "Bruno", "Chloé", "Dmitri", "Eve", "Fatima", "Gustav", "Hana", "Ivan", "Jürgen",
         "Kofi", "Lena", "Mateo", "Noor", "Olga", "Pieter", "Quinn", "Rosa", "Søren", "Tariq",
         "Uma", "Vera", "Wen", "Ximena", "Yusuf", "Zoë"]
LAST = ["Okafor", "Müller", "Smith", "García", "Nakamura", "O'Brien", "Kowalski", "Haddad",
        "Ivanova", "Lindqvist", "Nguyen", "Rossi", "Dubois", "Silva", "Chen", "Patel"]
DEPARTMENTS = ["engineering", "sales", "it", "finance", "support", "marketing", "legal", ""]
CONNECTIONS = [
    ("Username-Password-Authentication", 0.55),
    ("google-oauth2", 0.25),
    ("acme-saml", 0.15),
    ("github", 0.05),
]
DOMAINS = ["acme.com", "acme.com", "acme.com", "gmail.com", "example.org", "contractors.acme.com", "outlook.com"]


def quote(value):
    return '"' + value.replace('"', '""') + '"'


def string(value):
    return quote("'" + value) if value is not None else ""


def date(value):
    return quote(value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z") if value else ""


def pick_connection(rng):
    r = rng.random()
    acc = 0.0
    for name, share in CONNECTIONS:
        acc += share
        if r < acc:
            return name
    return CONNECTIONS[-1][0]


def user(rng, i, now, used):
    first, last = rng.choice(FIRST), rng.choice(LAST)
    connection = pick_connection(rng)
    domain = "acme.com" if connection == "acme-saml" else rng.choice(DOMAINS)
    local = f"{first}.{last}".lower().replace("'", "").replace(" ", "")
    local = local.encode("ascii", "ignore").decode() or f"user{i}"
    email = f"{local}{i}@{domain}"
    if connection == "Username-Password-Authentication":
        uid = "auth0|" + "".join(rng.choice("0123456789abcdef") for _ in range(24))
    elif connection == "google-oauth2":
        uid = "google-oauth2|" + str(rng.randrange(10**20, 10**21))
    elif connection == "acme-saml":
        uid = f"samlp|acme-saml|{email}"
    else:
        uid = f"github|{rng.randrange(10**6, 10**8)}"
    while uid in used:  # ids are unique in a real export; draws only differ after a collision
        uid = f"{uid}{rng.randrange(10)}"
    used.add(uid)
    created = now - timedelta(days=rng.randrange(30, 1500), seconds=rng.randrange(86400))
    never = rng.random() < 0.08
    last_login = None if never else now - timedelta(days=min(rng.expovariate(1 / 40), 1400), seconds=rng.randrange(86400))
    logins = 0 if never else int(rng.expovariate(1 / 30)) + 1
    verified = rng.random() < 0.85
    r = rng.random()
    flag = "true" if r < 0.12 else ("false" if r < 0.20 else "")
    name = f"{first} {last}"
    return [string(uid), string(email), "true" if verified else "false", string(name), string(connection),
            date(created), date(last_login), str(logins), (string(d) if (d := rng.choice(DEPARTMENTS)) else ""), flag]


EDGE_CASES = [
    # A display name with a comma, quotes and a newline; an id with a slash.
    ['"\'auth0|edge/slash-0001"', '"\'edge.slash@acme.com"', "true", '"\'Dana ""DJ"" Lee, Jr.\nSecond line"', '"\'Username-Password-Authentication"',
     '"2023-01-05T08:00:00.000Z"', '"2026-11-20T09:15:00.000Z"', "42", '"\'it"', ""],
    # A value that starts with = (Auth0 prepends ' so it is inert), and an enabled flag.
    ['"\'auth0|edge-formula-0002"', '"\'formula@example.org"', "true", '"\'=HYPERLINK(""http://x"")"', '"\'Username-Password-Authentication"',
     '"2023-02-05T08:00:00.000Z"', '"2026-11-01T09:15:00.000Z"', "7", '"\'finance"', "true"],
    # A value that really starts with an apostrophe: Auth0 writes two.
    ['"\'google-oauth2|100000000000000000042"', '"\'o.brien@gmail.com"', "false", '"\'\'Tis Himself"', '"\'google-oauth2"',
     '"2022-06-01T12:00:00.000Z"', "", "0", "", "false"],
]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=300)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--now", default="2026-11-20T00:00:00Z", help="the export's notional date")
    parser.add_argument("--out", required=True, help="output path; .gz compresses")
    parser.add_argument("--edge-cases", action="store_true", help="append hand-written tricky rows")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    now = datetime.fromisoformat(args.now.replace("Z", "+00:00")).astimezone(timezone.utc)
    opener = gzip.open if args.out.endswith(".gz") else open
    with opener(args.out, "wt", encoding="utf-8", newline="") as out:
        out.write(",".join(quote(f) for f in FIELDS) + "\n")
        used = set()
        for i in range(args.rows):
            out.write(",".join(user(rng, i, now, used)) + "\n")
        if args.edge_cases:
            for row in EDGE_CASES:
                out.write(",".join(row) + "\n")


if __name__ == "__main__":
    sys.exit(main())
