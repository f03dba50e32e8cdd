#!/usr/bin/env bash
# CI's install test of the Debian package: builds it (scripts/package-deb.sh, lintian included),
# installs it with `apt-get install ./mfa-rollout_*.deb`, checks what an operator relies on —
# a man page for the tool and for every subcommand the binary has, bash completion, the systemd
# units (systemd-analyze verify; installed disabled), the mfa-rollout user and its 0750 state
# directory, `--version` naming this commit, `plan` on the installed examples as that user —
# then `apt-get purge`s it and checks that nothing is left but the system user, which Debian
# policy keeps. Runs as root, or with sudo; needs no running systemd.
# Environment: as scripts/package-deb.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
fail() {
  echo "check-package: FAIL: $*" >&2
  exit 1
}
started=$(date +%s)

missing=()
command -v dpkg-shlibdeps >/dev/null || missing+=(dpkg-dev)
command -v lintian >/dev/null || missing+=(lintian)
command -v man >/dev/null || missing+=(man-db)
command -v systemd-analyze >/dev/null || missing+=(systemd)
[ -f /usr/share/bash-completion/bash_completion ] || missing+=(bash-completion)
if [ ${#missing[@]} -gt 0 ]; then
  echo "check-package: installing ${missing[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >&2
fi
if grep -rqs '^path-exclude=*/usr/share/man' /etc/dpkg/dpkg.cfg.d/; then
  fail "dpkg on this machine drops man pages (path-exclude in /etc/dpkg/dpkg.cfg.d): man -w cannot pass"
fi

deb="$(scripts/package-deb.sh)"
built=$(date +%s)

# Start from a machine without the package (an earlier run may have left it installed).
if dpkg-query -W -f='${db:Status-Abbrev}' mfa-rollout 2>/dev/null | grep -q '^[ir]'; then
  $SUDO apt-get purge -y -qq mfa-rollout >&2
fi
echo "check-package: apt-get install ./$deb" >&2
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "./$deb" >&2
dpkg-query -W -f='${db:Status-Abbrev}' mfa-rollout | grep -q '^ii' || fail "mfa-rollout is not installed"
echo "check-package: installed $(dpkg-query -W -f='${Version}, Installed-Size ${Installed-Size} KiB, Depends: ${Depends}' mfa-rollout)" >&2

bin=/usr/bin/mfa-rollout
[ "$(command -v mfa-rollout)" = "$bin" ] || fail "mfa-rollout on PATH is $(command -v mfa-rollout), not $bin"
if ldd "$bin" | grep -q 'not found'; then fail "$(ldd "$bin" | grep 'not found')"; fi

# --version: the version and this commit.
version_line="$("$bin" --version)"
expected_commit="${MFA_ROLLOUT_COMMIT:-$(git rev-parse --short=12 HEAD)}"
case "$version_line" in
  *"(commit $expected_commit"*) echo "check-package: --version: $version_line" >&2 ;;
  *) fail "--version says '$version_line', expected commit $expected_commit" ;;
esac

# A man page for the tool and for every subcommand the binary has (asked of the binary itself).
pages="mfa-rollout $("$bin" --experimental-dump-help | python3 -c '
import json, sys
def walk(command, prefix):
    for sub in command.get("subcommands", []):
        if sub["commandName"] == "help":
            continue
        name = prefix + "-" + sub["commandName"]
        print(name)
        walk(sub, name)
walk(json.load(sys.stdin)["command"], "mfa-rollout")')"
for page in $pages; do
  man -w "$page" >/dev/null || fail "man -w $page finds no page"
done
echo "check-package: man -w mfa-rollout-plan: $(man -w mfa-rollout-plan)" >&2
echo "check-package: man pages for: ${pages//$'\n'/ }" >&2
# The page renders without groff warnings.
warnings="$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 man --warnings -E UTF-8 -l "$(man -w mfa-rollout-plan)" 2>&1 >/dev/null)"
[ -z "$warnings" ] || fail "man mfa-rollout-plan: $warnings"

# bash completion: bash-completion loads it on demand, and it completes a subcommand.
completion="$(bash -c '
  source /usr/share/bash-completion/bash_completion
  _completion_loader mfa-rollout
  complete -p mfa-rollout >/dev/null || exit 1
  COMP_WORDS=(mfa-rollout pl); COMP_CWORD=1; COMP_LINE="mfa-rollout pl"; COMP_POINT=${#COMP_LINE}
  $(complete -p mfa-rollout | sed "s/.*-F \([^ ]*\) .*/\1/") mfa-rollout pl mfa-rollout
  echo "${COMPREPLY[*]}"')" || fail "bash completion for mfa-rollout does not load"
[[ " $completion " == *" plan "* ]] || fail "bash completes 'mfa-rollout pl' to '$completion', not plan"
echo "check-package: bash completes 'mfa-rollout pl' to: $completion" >&2
[ -s /usr/share/zsh/vendor-completions/_mfa-rollout ] || fail "no zsh completion"
[ -s /usr/share/fish/vendor_completions.d/mfa-rollout.fish ] || fail "no fish completion"

# The systemd units: valid, pointing at the installed binary, installed disabled.
units=(/lib/systemd/system/mfa-rollout-reconcile.service /lib/systemd/system/mfa-rollout-reconcile.timer)
systemd-analyze verify "${units[@]}" || fail "systemd-analyze verify ${units[*]}"
grep -q '^ExecStart=/usr/bin/mfa-rollout ' "${units[0]}" || fail "the service does not start /usr/bin/mfa-rollout"
grep -q '^UMask=0077$' "${units[0]}" || fail "the service's UMask is not 0077"
for unit in "${units[@]}"; do
  state="$(systemctl is-enabled "$(basename "$unit")" 2>/dev/null || true)"
  [ "$state" = disabled ] || fail "$(basename "$unit") is '$state', not disabled"
done
echo "check-package: systemd-analyze verify: clean; both units disabled" >&2

# The system user and its state directory.
getent passwd mfa-rollout >/dev/null || fail "no mfa-rollout user"
[ "$(stat -c '%U:%G %a' /var/lib/mfa-rollout)" = "mfa-rollout:mfa-rollout 750" ] ||
  fail "/var/lib/mfa-rollout is $(stat -c '%U:%G %a' /var/lib/mfa-rollout)"

# plan on the installed examples, as the service user, with the service's umask: exit 2
# (changes planned), files readable by that user only.
examples=/usr/share/doc/mfa-rollout/examples
set +e
$SUDO runuser -u mfa-rollout -- sh -c "umask 0077 && cd /var/lib/mfa-rollout && $bin plan \
  --users $examples/users.csv.gz --policy $examples/policy.yaml --tenant acme.eu.auth0.com \
  --out check-plan.json --report check-report.md" >&2
code=$?
set -e
[ "$code" = 2 ] || fail "plan on the installed examples exited $code, expected 2 (changes planned)"
[ "$(stat -c '%U %a' /var/lib/mfa-rollout/check-plan.json)" = "mfa-rollout 600" ] ||
  fail "the plan is $(stat -c '%U %a' /var/lib/mfa-rollout/check-plan.json), expected mfa-rollout 600"
echo "check-package: plan on the installed examples: exit 2, plan mode 600" >&2

# purge: only the system user may stay.
installed_files="$(dpkg-query -L mfa-rollout)"
$SUDO apt-get purge -y -qq mfa-rollout >&2
! dpkg-query -W -f='${db:Status-Abbrev}' mfa-rollout 2>/dev/null | grep -q '^[a-z]i' || fail "still installed"
left=()
while IFS= read -r path; do
  case "$path" in
    /usr/share/man/man1/mfa-rollout*|/usr/bin/mfa-rollout|*/mfa-rollout*|*/_mfa-rollout) [ ! -e "$path" ] || left+=("$path") ;;
  esac
done <<<"$installed_files"
for path in /var/lib/mfa-rollout /etc/mfa-rollout /usr/share/doc/mfa-rollout /var/lib/dpkg/info/mfa-rollout.list \
  /etc/systemd/system/timers.target.wants/mfa-rollout-reconcile.timer; do
  [ ! -e "$path" ] || left+=("$path")
done
[ ${#left[@]} -eq 0 ] || fail "left after purge: ${left[*]}"
getent passwd mfa-rollout >/dev/null && echo "check-package: after purge only the mfa-rollout system user remains (Debian policy keeps it)" >&2

finished=$(date +%s)
echo "check-package: build $((built - started)) s, install test $((finished - built)) s" >&2
echo "check-package: all checks passed" >&2
