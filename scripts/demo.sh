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

# --- A local emulated tenant, seeded from the same users: the tenant the plan is made for ---
echo "==> Starting a local emulated tenant seeded from samples/users.csv" >&2
. scripts/lib/emulator.sh
trap emulator_stop EXIT
emulator_start "$bin" "$out/emulator.log" --users samples/users.csv \
  --memberships samples/members/members.csv
url=$EMULATOR_URL
domain="${url#http://}"
echo "==> Emulator at $url" >&2

echo "==> Planning: samples/users.csv.gz against samples/policy.yaml, for tenant $domain" >&2
# The plan names its tenant: apply refuses any other. Replace the previous demo's plan and
# journal (moved aside, never deleted).
set +e
"$bin" plan --users samples/users.csv.gz --policy samples/policy.yaml --as-of 2026-11-20T00:00:00Z \
  --tenant "$domain" --force \
  --out "$out/plan.json" --report "$out/report.md" --html "$out/report.html" --changes "$out/changes.csv"
status=$?
set -e
case $status in
  0) echo "==> plan: no changes needed (exit 0)" >&2 ;;
  2) echo "==> plan: changes planned (exit 2). Review $out/report.md, then approve the fingerprint." >&2 ;;
  3) echo "==> plan: a guard tripped (exit 3)" >&2 ;;
  *) echo "==> plan failed (exit $status)" >&2; exit "$status" ;;
esac

# --- Apply: the approved plan against the local tenant, then a fresh export shows no drift ---
[ "$status" = 2 ] || exit 0
fingerprint="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["fingerprint"])' "$out/plan.json")"
# Each demo run is a new plan (its own creation time): host-wide run locks of old ones go too.
export MFA_ROLLOUT_STATE_DIR="$out/state"
# The emulator's demo credentials; a real secret comes from AUTH0_CLIENT_SECRET or --client-secret-file.
export AUTH0_CLIENT_SECRET=emulator-secret

echo "==> Checking that the tenant turns the flag into MFA (scopes, factors, MFA policy, Actions, Rules)" >&2
# apply runs the same check first and refuses when nothing reads the flag.
"$bin" check --policy samples/policy.yaml --domain "$domain" --allow-http --client-id emulator-client

echo "==> Applying the approved plan ($fingerprint), with an enrollment ticket per user turned on" >&2
# --no-send-mail: the ticket URLs go to $out/plan.json.tickets.csv (mode 600), not to anyone's inbox.
rm -f "$out/plan.json.tickets.csv"
"$bin" apply "$out/plan.json" --domain "$domain" --allow-http --client-id emulator-client \
  --approve "$fingerprint" --rate 50 --burst 20 --enroll --no-send-mail

echo "==> Status from the journal" >&2
"$bin" status "$out/plan.json"

echo "==> Ten users follow their ticket and enroll (the emulator's admin call stands in for them)" >&2
python3 - "$url" <<'PY'
import json, sys, urllib.request
base = sys.argv[1]
tickets = json.load(urllib.request.urlopen(base + "/__emulator/tickets"))
for ticket in [t for t in tickets if not t.get("confirmed")][:10]:
    urllib.request.urlopen(urllib.request.Request(
        base + "/__emulator/tickets/" + ticket["ticket_id"] + "/confirm", method="POST"))
PY

echo "==> Reconciling: a fresh export job from the tenant, planned against the same policy" >&2
set +e
"$bin" reconcile --domain "$domain" --allow-http --client-id emulator-client \
  --policy samples/policy.yaml --out "$out/reconcile"
replan=$?
set -e
if [ "$replan" = 0 ]; then
  echo "==> Reconcile: in sync (exit 0). The tenant now matches the policy: zero drift." >&2
  echo "==> Enrollment progress (from the export's multifactor, also in $out/reconcile/mfa_rollout.prom):" >&2
  grep -E '^mfa_rollout_(flagged|enrolled)_users' "$out/reconcile/mfa_rollout.prom" >&2
else
  echo "==> Reconcile exited $replan: the tenant does not match the policy" >&2
  exit 1
fi

# --- Roles and organizations: who holds the admin role, who belongs to northwind ---
echo "==> Reading the admin role's users and northwind's members from the tenant" >&2
"$bin" members --domain "$domain" --allow-http --client-id emulator-client \
  --role admin --organization northwind --out "$out/members.csv"
echo "==> Reconciling against samples/members/policy.yaml (MFA for admins and northwind)" >&2
set +e
"$bin" reconcile --domain "$domain" --allow-http --client-id emulator-client \
  --policy samples/members/policy.yaml --out "$out/members-reconcile"
members_status=$?
set -e
case $members_status in
  0) echo "==> Members reconcile: in sync (exit 0)" >&2 ;;
  2) echo "==> Members reconcile: changes planned for approval (exit 2); see $out/members-reconcile/report-*.md" >&2 ;;
  *) echo "==> Members reconcile failed (exit $members_status)" >&2; exit 1 ;;
esac
