#!/usr/bin/env bash
# Writes the Debian package's copyright file to standard output: mfa-rollout's own notice, then
# the Swift runtime and every Swift package the build resolved (their code is linked into the
# binary), each with its version and licence as its own LICENSE file states it; the MIT notices
# in full, Apache-2.0 by reference to /usr/share/common-licenses.
# Usage: deb-copyright.sh SCRATCH_PATH COMMIT
set -euo pipefail
scratch="$1"
commit="$2"
cat <<EOF
mfa-rollout, built from commit $commit of its repository.

mfa-rollout itself: Copyright the mfa-rollout authors. Its repository does not state a licence
yet; ask its maintainers before redistributing this package.

The binary links in the following, statically.

The Swift runtime, standard library, Foundation and Dispatch ($(swift --version 2>/dev/null | head -1)):
  Copyright Apple Inc. and the Swift project authors.
  Licence: Apache License 2.0 with Runtime Library Exception
  (/usr/share/common-licenses/Apache-2.0, and the exception below).

EOF
python3 - "$scratch" <<'EOF'
import json, os, sys
scratch = sys.argv[1]
pins = {}
for path in ("Package.resolved", os.path.join(scratch, "Package.resolved")):
    if os.path.exists(path):
        for pin in json.load(open(path)).get("pins", []):
            pins[pin["identity"]] = pin
checkouts = os.path.join(scratch, "checkouts")
mit = []
for name in sorted(os.listdir(checkouts), key=str.lower):
    files = [f for f in os.listdir(os.path.join(checkouts, name)) if f.lower().startswith(("license", "copying"))]
    if not files:
        print(f"{name}: no licence file found in its checkout\n")
        continue
    text = open(os.path.join(checkouts, name, sorted(files)[0]), errors="replace").read()
    pin = pins.get(name.lower(), {})
    version = pin.get("state", {}).get("version") or pin.get("state", {}).get("revision", "?")
    location = pin.get("location", "")
    if "Apache License" in text and "Version 2.0" in text:
        licence = "Apache License 2.0 (/usr/share/common-licenses/Apache-2.0)"
    elif "Permission is hereby granted, free of charge" in text:
        licence = "MIT (its notice follows at the end of this file)"
        mit.append((name, text.strip()))
    else:
        licence = "see its licence, reproduced at the end of this file"
        mit.append((name, text.strip()))
    print(f"{name} {version} ({location}):\n  Licence: {licence}\n")
for name, text in mit:
    print(f"--- {name} ---\n")
    print(text + "\n")
EOF
cat <<'EOF'
--- Runtime Library Exception to the Apache 2.0 License (Swift) ---

As an exception, if you use this Software to compile your source code and portions of this
Software are embedded into the binary product as a result, you may redistribute such product
without providing attribution as would otherwise be required by Sections 4(a), 4(b) and 4(d)
of the License.
EOF
