#!/usr/bin/env bash
# install.sh PACKAGE...: installs the Debian packages an engine suite needs
# when they are missing (one apt-get update per run, no recommends), under a
# lock so suites started in parallel do not fight over dpkg. Package scripts
# must not start the distribution's own daemons (the suites start private
# ones), so a policy-rc.d refusing service starts is in place meanwhile.
set -euo pipefail
missing=()
for pkg in "$@"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
((${#missing[@]})) || exit 0
exec 9>/var/lock/ocirun-engines-install.lock
flock 9
policy=/usr/sbin/policy-rc.d
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy"
  chmod +x "$policy"
  trap 'rm -f "$policy"' EXIT
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
