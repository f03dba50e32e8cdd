#!/usr/bin/env bash
# Builds the container image mfa-rollout:VERSION from packaging/container/Containerfile with
# buildah: FROM scratch (nothing is pulled), holding the fully static executable of
# `scripts/build-release.sh --static`, Debian's CA certificates, a passwd entry for the user it
# runs as (65532), /tmp and /work. Then tests it: `--version`, and `plan` on the samples inside
# the image, which must exit 2 (changes planned) and write its plan. Then saves it as an OCI
# archive, out/mfa-rollout-image_VERSION.oci.tar (`podman load -i` or `skopeo copy` take it),
# and prints its size.
#
# The image is tested with `buildah run --isolation chroot`, which needs no user namespace or
# cgroup set-up; `podman run` is tried too and its result printed (it needs a machine where crun
# may set resource limits: in some sandboxes it fails with "setrlimit RLIMIT_NOFILE: Operation
# not permitted", which says nothing about the image).
#
# Image storage lives in the scratch path (vfs driver), apart from the machine's own.
# Environment: SCRATCH_PATH and MFA_ROLLOUT_COMMIT (see scripts/build-release.sh), OUT_DIR.
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
missing=()
command -v buildah >/dev/null || missing+=(buildah)
[ -f /etc/ssl/certs/ca-certificates.crt ] || missing+=(ca-certificates)
if [ ${#missing[@]} -gt 0 ]; then
  echo "build-image: installing ${missing[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >&2
fi

bin="$(scripts/build-release.sh --static)"
if ldd "$bin" >/dev/null 2>&1; then
  echo "build-image: $bin is not a static executable (ldd: $(ldd "$bin" | head -1)); no image" >&2
  exit 1
fi
version="$("$bin" --version | cut -d' ' -f1)"
scratch="${SCRATCH_PATH:-.build-release}"
out="${OUT_DIR:-out}"
storage="$PWD/$scratch/containers"
buildah=(${SUDO:+"$SUDO"} buildah --root "$storage/root" --runroot "$storage/run" --storage-driver vfs)
image="localhost/mfa-rollout:$version"

context="$(mktemp -d)"
container=""
cleanup() {
  [ -z "$container" ] || "${buildah[@]}" rm "$container" >/dev/null 2>&1 || true
  rm -rf "$context"
}
trap cleanup EXIT
rootfs="$context/rootfs"
install -d -m 0755 "$rootfs/usr/bin" "$rootfs/etc/ssl/certs"
install -d -m 1777 "$rootfs/tmp" "$rootfs/work"
install -m 0755 "$bin" "$rootfs/usr/bin/mfa-rollout"
strip --remove-section=.comment --remove-section=.note "$rootfs/usr/bin/mfa-rollout"
install -m 0644 /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
printf 'root:x:0:0:root:/root:/sbin/nologin\nmfa-rollout:x:65532:65532:mfa-rollout:/work:/sbin/nologin\n' >"$rootfs/etc/passwd"
printf 'root:x:0:\nmfa-rollout:x:65532:\n' >"$rootfs/etc/group"
cp packaging/container/Containerfile "$context/Containerfile"

echo "build-image: buildah bud -t $image" >&2
"${buildah[@]}" bud --isolation chroot --layers=false -t "$image" -f "$context/Containerfile" "$context" >&2

# Tests inside the image: the binary runs there alone, plans the samples, exits 2.
container="$("${buildah[@]}" from "$image")"
run=("${buildah[@]}" run --isolation chroot --user 65532:65532 -v "$PWD/samples:/samples:ro" "$container" --)
inside_version="$("${run[@]}" /usr/bin/mfa-rollout --version)"
echo "build-image: inside the image, --version: $inside_version" >&2
set +e
"${run[@]}" /usr/bin/mfa-rollout plan --users /samples/users.csv.gz --policy /samples/policy.yaml \
  --tenant acme.eu.auth0.com --out /tmp/plan.json --report /tmp/report.md >&2
code=$?
set -e
[ "$code" = 2 ] || {
  echo "build-image: FAIL: plan on the samples inside the image exited $code, expected 2" >&2
  exit 1
}
"${run[@]}" /usr/bin/mfa-rollout status /tmp/plan.json >&2 || true
echo "build-image: plan on the samples inside the image: exit 2 (changes planned)" >&2

if command -v podman >/dev/null; then
  if podman_out="$($SUDO podman --root "$storage/root" --runroot "$storage/run" --storage-driver vfs \
    run --rm "$image" --version 2>&1)"; then
    echo "build-image: podman run $image --version: $podman_out" >&2
  else
    echo "build-image: podman run could not start a container on this machine: $podman_out" >&2
  fi
fi

mkdir -p "$out"
archive="$out/mfa-rollout-image_${version}.oci.tar"
rm -f "$archive"
"${buildah[@]}" push "$image" "oci-archive:$archive:mfa-rollout:$version" >&2
{
  echo "build-image: $image"
  echo "  image size (uncompressed): $("${buildah[@]}" images --format '{{.Size}}' "$image")"
  echo "  OCI archive: $archive, $(stat -c %s "$archive") bytes ($(du -h "$archive" | cut -f1)); gzip -9: $(gzip -9c "$archive" | wc -c) bytes"
} >&2
echo "$archive"
