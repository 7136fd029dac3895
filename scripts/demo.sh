#!/usr/bin/env bash
# Installs what is missing, builds ocirun, makes a busybox bundle (Debian's
# busybox-static, no registry) and runs a container in it (run as root).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
./scripts/build.sh
bundle=build/demo-bundle
rm -rf "$bundle"
mkdir -p "$bundle"
integration/lib/make-rootfs.sh "$bundle/rootfs"
build/ocirun spec --bundle "$bundle"
jq '.process.terminal = false
    | .process.args = ["sh", "-c", "echo \"Hello from a container: $(hostname), pid $$, $(id -un)\"; uname -sr"]' \
  "$bundle/config.json" >"$bundle/config.json.tmp"
mv "$bundle/config.json.tmp" "$bundle/config.json"
build/ocirun run --bundle "$bundle" "demo-$$"
