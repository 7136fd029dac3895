#!/usr/bin/env bash
# Installs what building and testing ocirun needs on Debian 12, if missing.
set -euo pipefail

packages=(
  build-essential cmake pkg-config git jq
  nlohmann-json3-dev libseccomp-dev libcap-dev libgtest-dev libgmock-dev libsystemd-dev
  bats busybox-static iproute2 util-linux procps
  clang libclang-rt-dev  # the libFuzzer targets of tests/fuzz (libFuzzer and the sanitizer runtimes)
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
