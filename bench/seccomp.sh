#!/usr/bin/env bash
# Measures what a large seccomp profile (docker's default, ~350 syscalls)
# costs a container start: `ocirun run` of /bin/true without seccomp, with the
# profile compiled on every start (cache emptied before each run), and with
# the compiled program taken from <root>/@seccomp-cache. Runs are interleaved.
# usage: bench/seccomp.sh [RUNS]   (root; after ./scripts/build.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
ocirun=$PWD/build/ocirun
rootfs=$PWD/build/test-rootfs
[ -x "$ocirun" ] || { echo "build first: ./scripts/build.sh" >&2; exit 1; }
if [ ! -x "$rootfs/bin/true" ]; then
  integration/lib/make-rootfs.sh "$rootfs" build/ocitest
fi
work=$(mktemp -d /tmp/ocirun-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
root=$work/state

make_bundle() {  # make_bundle DIR WITH_SECCOMP
  mkdir -p "$1"
  "$ocirun" spec --bundle "$1"
  local filter=".root.path = \"$rootfs\" | .root.readonly = true | .process.terminal = false | .process.args = [\"/bin/true\"] | del(.linux.seccomp)"
  if [ "$2" = yes ]; then
    filter="$filter | .linux.seccomp = \$p[0]"
  fi
  jq --slurpfile p spec-fixtures/seccomp/docker-default.json "$filter" "$1/config.json" >"$1/c.tmp"
  mv "$1/c.tmp" "$1/config.json"
}
make_bundle "$work/plain" no
make_bundle "$work/seccomp" yes

# ms_of CMD...: wall-clock milliseconds of one run.
ms_of() {
  local t0 t1
  t0=$(date +%s%N)
  "$@" >/dev/null
  t1=$(date +%s%N)
  echo $(((t1 - t0) / 1000000))
}

declare -A samples
for ((i = 0; i < runs; i++)); do
  samples[plain]+="$(ms_of "$ocirun" --root "$root" run --bundle "$work/plain" b$i) "
  rm -rf "$root/@seccomp-cache"
  samples[cold]+="$(ms_of "$ocirun" --root "$root" run --bundle "$work/seccomp" c$i) "
  samples[cached]+="$(ms_of "$ocirun" --root "$root" run --bundle "$work/seccomp" w$i) "
done

stats() {  # median min max of the numbers given
  printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {printf "%d %d %d", a[int((NR+1)/2)], a[1], a[NR]}'
}
read -r base _ _ <<<"$(stats ${samples[plain]})"
printf '%-34s %8s %6s %6s %7s\n' "ocirun run /bin/true ($runs runs)" median min max ratio
for k in plain cold cached; do
  read -r med min max <<<"$(stats ${samples[$k]})"
  case $k in
    plain) label="no seccomp" ;;
    cold) label="docker profile, compiled" ;;
    cached) label="docker profile, from the cache" ;;
  esac
  printf '%-34s %6sms %4sms %4sms %7s\n' "$label" "$med" "$min" "$max" \
    "$(awk -v a="$med" -v b="$base" 'BEGIN {printf "%.2fx", (b ? a / b : 0)}')"
done
