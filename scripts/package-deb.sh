#!/usr/bin/env bash
# Builds the Debian package out/mfa-rollout_VERSION_ARCH.deb from this work tree, then runs
# lintian on it:
#   /usr/bin/mfa-rollout           the release binary of scripts/build-release.sh (stripped)
#   /usr/share/man/man1/           a page for the tool and one per subcommand, from
#                                  swift-argument-parser's generate-manual plugin
#                                  (mfa-rollout.1, mfa-rollout-plan.1, ...)
#   bash, zsh and fish completions from `mfa-rollout --generate-completion-script`
#   /lib/systemd/system/           samples/ops' reconcile service and timer (installed disabled)
#   /etc/mfa-rollout/reconcile.conf  the service's settings (a conffile)
#   /usr/share/doc/mfa-rollout/    README, copyright, changelog, examples (samples/)
# The maintainer scripts (packaging/debian/) create the mfa-rollout system user and
# /var/lib/mfa-rollout (mode 0750), and remove that directory on purge. Depends is computed by
# dpkg-shlibdeps from the libraries the binary links, plus adduser for postinst.
#
# Environment: SCRATCH_PATH (see scripts/build-release.sh), DEBUG_SCRATCH_PATH (the debug build
# the man pages are generated from, default .build as scripts/test.sh), OUT_DIR (default out),
# DEB_MAINTAINER (the Maintainer field), MFA_ROLLOUT_COMMIT.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch="${SCRATCH_PATH:-.build-release}"
out="${OUT_DIR:-out}"
maintainer="${DEB_MAINTAINER:-mfa-rollout maintainers <mfa-rollout@example.org>}"
for tool in dpkg-deb dpkg-shlibdeps dpkg-gencontrol; do
  command -v "$tool" >/dev/null || {
    echo "package-deb: $tool is missing (apt-get install dpkg-dev)" >&2
    exit 1
  }
done

# The man pages: generate-manual runs the binary's --experimental-dump-help, which is the same
# in every configuration, so the plugin is run on the debug build that scripts/test.sh makes
# (in CI an up-to-date build: nothing is compiled again) rather than on a second release build.
echo "package-deb: man pages (swift package plugin generate-manual)" >&2
debug_scratch="${DEBUG_SCRATCH_PATH:-.build}"
manuals="$debug_scratch/plugins/GenerateManual/outputs/mfa-rollout"
rm -rf "$manuals"
commit_date="$(git log -1 --format=%cs 2>/dev/null || date -u +%F)"
env -u MFA_ROLLOUT_COMMIT swift package --scratch-path "$debug_scratch" plugin generate-manual \
  --configuration debug --multi-page --date "$commit_date" >&2
[ -f "$manuals/mfa-rollout.1" ] || {
  echo "package-deb: generate-manual wrote no $manuals/mfa-rollout.1" >&2
  exit 1
}

bin="$(scripts/build-release.sh)"
commit="${MFA_ROLLOUT_COMMIT:-$("$bin" --version | sed -n 's/.*(commit \(.*\))$/\1/p')}"
version="$("$bin" --version | cut -d' ' -f1)"
arch="$(dpkg --print-architecture)"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
pkg="$work/pkg"
doc="$pkg/usr/share/doc/mfa-rollout"
umask 022

install -D -m 0755 "$bin" "$pkg/usr/bin/mfa-rollout"
# What dh_strip does for an executable: symbols and comments go, Swift's metadata stays.
strip --remove-section=.comment --remove-section=.note "$pkg/usr/bin/mfa-rollout"

# generate-manual names a subcommand's page mfa-rollout.plan.1, titled MFA-ROLLOUT.PLAN, with
# `.Nm "mfa-rollout plan"` as its name. Pages of subcommands are named with a dash
# (git-commit(1)) so that `man mfa-rollout-plan` finds them and their whatis entry (NAME) names
# the page: the file, the .Dt title, the .Xr cross-references and the NAME entry are renamed,
# while the SYNOPSIS keeps the command as it is typed (`mfa-rollout plan`). Empty lines between
# a discussion's paragraphs, which mdoc warns about, become .Pp (mdoc's paragraph break).
install -d "$pkg/usr/share/man/man1"
for page in "$manuals"/*.1; do
  dashed="$(basename "$page" .1)"
  dashed="${dashed//./-}"
  python3 - "$page" <<'PY' | gzip -9n >"$pkg/usr/share/man/man1/$dashed.1.gz"
import re, sys
lines = open(sys.argv[1]).read().split("\n")
command = None
for i, line in enumerate(lines):
    if line.startswith(".Dt "):
        title, section = line[4:].rsplit(" ", 1)
        lines[i] = f".Dt {title.replace('.', '-')} {section}"
    elif line.startswith(".Xr "):
        lines[i] = re.sub(r"^\.Xr (\S+)", lambda m: ".Xr " + m.group(1).replace(".", "-"), line)
    elif line.startswith('.Nm "') and command is None:
        command = line[4:]
        lines[i] = ".Nm " + command.strip('"').replace(" ", "-")
    elif line == ".Nm" and command is not None:
        lines[i] = ".Nm " + command
    elif line == "" and i < len(lines) - 1:
        lines[i] = ".Pp"
print("\n".join(lines), end="")
PY
done

install -d "$pkg/usr/share/bash-completion/completions" "$pkg/usr/share/zsh/vendor-completions" \
  "$pkg/usr/share/fish/vendor_completions.d"
# bash-completion sources the file: a #! line would only mislead.
"$bin" --generate-completion-script bash | sed '1{/^#!/d}' >"$pkg/usr/share/bash-completion/completions/mfa-rollout"
"$bin" --generate-completion-script zsh >"$pkg/usr/share/zsh/vendor-completions/_mfa-rollout"
"$bin" --generate-completion-script fish >"$pkg/usr/share/fish/vendor_completions.d/mfa-rollout.fish"

install -D -m 0644 samples/ops/mfa-rollout-reconcile.service "$pkg/lib/systemd/system/mfa-rollout-reconcile.service"
install -D -m 0644 samples/ops/mfa-rollout-reconcile.timer "$pkg/lib/systemd/system/mfa-rollout-reconcile.timer"
install -D -m 0644 packaging/debian/reconcile.conf "$pkg/etc/mfa-rollout/reconcile.conf"

install -d "$doc/examples/lists" "$doc/examples/plain" "$doc/examples/ops"
gzip -9n <README.md >"$doc/README.md.gz"
install -m 0644 samples/policy.yaml samples/users.csv.gz "$doc/examples/"
install -m 0644 samples/lists/* "$doc/examples/lists/"
install -m 0644 samples/plain/* "$doc/examples/plain/"
install -m 0644 samples/ops/crontab samples/ops/github-actions-mfa-rollout.yml "$doc/examples/ops/"
scripts/lib/deb-copyright.sh "$scratch" "$commit" >"$doc/copyright"

# The control data: dpkg-gencontrol and dpkg-shlibdeps read debian/control and debian/changelog.
mkdir -p "$work/src/debian" "$pkg/DEBIAN"
sed "s|@MAINTAINER@|$maintainer|" packaging/debian/control >"$work/src/debian/control"
{
  echo "mfa-rollout ($version) unstable; urgency=medium"
  echo
  echo "  * Built from commit $commit."
  echo
  echo " -- $maintainer  $(git log -1 --format=%cD 2>/dev/null || date -uR)"
} >"$work/src/debian/changelog"
gzip -9n <"$work/src/debian/changelog" >"$doc/changelog.gz"
install -D -m 0644 packaging/debian/lintian-overrides "$pkg/usr/share/lintian/overrides/mfa-rollout"
install -m 0755 packaging/debian/postinst packaging/debian/prerm packaging/debian/postrm "$pkg/DEBIAN/"
echo /etc/mfa-rollout/reconcile.conf >"$pkg/DEBIAN/conffiles"
(
  cd "$work/src"
  dpkg-shlibdeps -Tdebian/substvars -e"$pkg/usr/bin/mfa-rollout"
  dpkg-gencontrol -pmfa-rollout -Tdebian/substvars -P"$pkg" -DArchitecture="$arch"
)
(cd "$pkg" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | sort -z | xargs -0 md5sum >DEBIAN/md5sums)
chmod 0644 "$pkg/DEBIAN/md5sums" "$pkg/DEBIAN/control" "$pkg/DEBIAN/conffiles"

mkdir -p "$out"
deb="$out/mfa-rollout_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$pkg" "$deb" >&2
{
  echo "package-deb: $deb"
  echo "  size:    $(stat -c %s "$deb") bytes ($(du -h "$deb" | cut -f1)), installed $(dpkg-deb -f "$deb" Installed-Size) KiB"
  echo "  Depends: $(dpkg-deb -f "$deb" Depends)"
} >&2

if command -v lintian >/dev/null; then
  echo "package-deb: lintian $deb" >&2
  # Errors and warnings fail the build; info tags are printed with their explanations. The
  # overrides (packaging/debian/lintian-overrides, shipped) say why each is justified. Not
  # shown: spelling-error-in-binary, which reads fragments of ICU's data and of the vendored C
  # libraries ("Portugese", "HANDSHAK") as misspelt words; none is in this repository's text.
  lintian --info --display-info --fail-on error,warning --suppress-tags spelling-error-in-binary "$deb" >&2
  echo "package-deb: lintian: no errors or warnings" >&2
else
  echo "package-deb: lintian is not installed; skipped (apt-get install lintian)" >&2
fi
echo "$deb"
