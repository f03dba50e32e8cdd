#!/usr/bin/env bash
# The README's first command: runs mfa-rollout end to end on the built-in samples.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/lib/ensure-deps.sh
out=${DEMO_OUT:-demo-out}
mkdir -p "$out"

echo "==> Building mfa-rollout" >&2
swift build --product mfa-rollout >&2
bin="$(swift build --show-bin-path)/mfa-rollout"

echo "==> Planning: samples/users.csv.gz against samples/policy.yaml" >&2
set +e
"$bin" plan --users samples/users.csv.gz --policy samples/policy.yaml --as-of 2026-11-20T00:00:00Z \
  --out "$out/plan.json" --report "$out/report.md" --html "$out/report.html" --changes "$out/changes.csv"
status=$?
set -e
case $status in
  0) echo "==> plan: no changes needed (exit 0)" >&2 ;;
  2) echo "==> plan: changes planned (exit 2). Review $out/report.md, then approve the fingerprint." >&2 ;;
  3) echo "==> plan: a guard tripped (exit 3)" >&2 ;;
  *) echo "==> plan failed (exit $status)" >&2; exit "$status" ;;
esac

# --- Apply: the plan against a local emulated tenant, then a fresh export shows no drift ---
[ "$status" = 2 ] || exit 0
echo "==> Starting a local emulated tenant seeded from samples/users.csv" >&2
"$bin" emulator --users samples/users.csv --port 0 >"$out/emulator.log" 2>&1 &
emulator_pid=$!
trap 'kill -TERM "$emulator_pid" 2>/dev/null || true; wait "$emulator_pid" 2>/dev/null || true' EXIT
url=""
for _ in $(seq 1 100); do
  url="$(grep -oE 'http://127\.0\.0\.1:[0-9]+' "$out/emulator.log" | head -1 || true)"
  [ -n "$url" ] && break
  kill -0 "$emulator_pid" 2>/dev/null || { cat "$out/emulator.log" >&2; exit 1; }
  sleep 0.1
done
[ -n "$url" ] || { echo "==> the emulator did not start" >&2; exit 1; }
domain="${url#http://}"
fingerprint="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["fingerprint"])' "$out/plan.json")"
echo "==> Emulator at $url. Applying the approved plan ($fingerprint)" >&2
rm -f "$out/plan.json.journal.sqlite" "$out/plan.json.journal.sqlite-wal" "$out/plan.json.journal.sqlite-shm"
# The emulator's demo credentials; a real secret comes from AUTH0_CLIENT_SECRET or --client-secret-file.
export AUTH0_CLIENT_SECRET=emulator-secret
"$bin" apply "$out/plan.json" --domain "$domain" --allow-http --client-id emulator-client \
  --approve "$fingerprint" --rate 50 --burst 20

echo "==> Status from the journal" >&2
"$bin" status "$out/plan.json"

echo "==> Exporting the tenant again (export job, as from Auth0) and planning against it" >&2
python3 - "$url" "$out/after-export.csv.gz" <<'PY'
import json, sys, time, urllib.request
base, dest = sys.argv[1], sys.argv[2]
def call(method, path, body=None, token=None, form=False):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(path if path.startswith("http") else base + path, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(request, timeout=30) as response:
        raw = response.read()
        return raw if form else json.loads(raw)
token = call("POST", "/oauth/token", {"grant_type": "client_credentials", "client_id": "emulator-client",
              "client_secret": "emulator-secret", "audience": base + "/api/v2/"})["access_token"]
columns = ["user_id", "email", "email_verified", "name", "identities[0].connection", "created_at", "last_login",
           "logins_count", "department", "app_metadata.use_mfa"]
job = call("POST", "/api/v2/jobs/users-exports", {"format": "csv", "fields": [{"name": c} for c in columns]}, token)
while job.get("status") != "completed":
    time.sleep(0.5)
    job = call("GET", "/api/v2/jobs/" + job["id"], token=token)
with open(dest, "wb") as handle:
    handle.write(call("GET", job["location"], token=token, form=True))
PY
set +e
"$bin" plan --users "$out/after-export.csv.gz" --policy samples/policy.yaml --as-of 2026-11-20T00:00:00Z \
  --out "$out/replan.json"
replan=$?
set -e
if [ "$replan" = 0 ]; then
  echo "==> Re-plan: no changes (exit 0). The tenant now matches the policy: zero drift." >&2
else
  echo "==> Re-plan exited $replan: the tenant does not match the policy" >&2
  exit 1
fi
