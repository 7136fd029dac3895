#!/usr/bin/env bash
# bench/run.sh: ocirun against runc and crun (Debian's, installed with apt-get
# when missing) and the kernel floor, every runtime interleaved in one loop.
# Prints one table per scenario: median/min/max wall and CPU (user+system of
# the whole process tree) in ms, the median peak RSS, and each ocirun row's
# ratio to each peer.
#
# crun refuses hybrid cgroup hosts, so the whole benchmark runs in a private
# mount namespace in which the copy of /sys/fs/cgroup/unified is unmounted
# (plain cgroup v1 there); every runtime runs in that same namespace. Two
# ocirun rows: the binary as built (it re-executes itself through a read-only
# bind mount of its own file, see runtime/security/protected_exe.cpp) and a
# copy installed on a read-only bind mount (no such re-exec needed).
#
# Everything made here (state roots, bundles, cgroups under /ocirun-bench-PID,
# the read-only mount) is removed on exit, Ctrl-C included; the mounts live
# only in the private namespace.
#
# usage: bench/run.sh [--quick] [--runs N] [--also NAME=BINARY]...
#   (root, after ./scripts/build.sh)
#   --also: one more ocirun row (e.g. a build before a change), named
#           ocirun-NAME, run from a read-only mount like ocirun-ro.
#   --quick: 2 runs per row, no apt-get; a smoke check that every runtime
#            command works and every row is printed (exit 1 otherwise).
set -euo pipefail
cd "$(dirname "$0")/.."
src=$PWD
build=${OCIRUN_BUILD_DIR:-$src/build}
quick=no
runs=20
also=()
while [ $# -gt 0 ]; do
  case $1 in
    --quick) quick=yes; runs=2 ;;  # before --runs: an explicit count wins
    --runs) runs=$2; shift ;;
    --also) also+=("$2"); shift ;;
    *) echo "usage: bench/run.sh [--quick] [--runs N] [--also NAME=BINARY]..." >&2; exit 2 ;;
  esac
  shift
done
[ "$(id -u)" = 0 ] || { echo "bench/run.sh: needs root" >&2; exit 1; }
ocirun=$build/ocirun
measure=$build/bench_measure
for f in "$ocirun" "$measure" "$build/ocitest"; do
  [ -x "$f" ] || { echo "bench/run.sh: $f missing; build first (./scripts/build.sh)" >&2; exit 1; }
done

# Outside the private namespace: install the peers, then re-enter in one.
if [ -z "${OCIRUN_BENCH_INNER:-}" ]; then
  missing=()
  command -v runc >/dev/null || missing+=(runc)
  command -v crun >/dev/null || missing+=(crun)
  if [ ${#missing[@]} -gt 0 ]; then
    if [ $quick = yes ]; then
      echo "bench/run.sh: ${missing[*]} not installed (run bench/run.sh once without --quick, or apt-get install ${missing[*]})" >&2
      exit 1
    fi
    apt-get install -y "${missing[@]}" >/dev/null
  fi
  trap '' INT  # the inner run cleans up on Ctrl-C; wait for it
  inner_args=(--runs "$runs")
  [ $quick = no ] || inner_args+=(--quick)
  for spec in "${also[@]}"; do inner_args+=(--also "$spec"); done
  OCIRUN_BENCH_INNER=1 exec unshare -m --propagation private "$0" "${inner_args[@]}"
fi

if mountpoint -q /sys/fs/cgroup/unified; then
  umount /sys/fs/cgroup/unified
fi
work=$(mktemp -d /tmp/ocirun-bench.XXXXXX)
cgroup_parent=ocirun-bench-$$
rootfs=$work/rootfs
runtimes=(ocirun ocirun-ro)
declare -A extra_bins
for spec in "${also[@]}"; do
  runtimes+=("ocirun-${spec%%=*}")
  extra_bins[ocirun-${spec%%=*}]=$work/ro/${spec%%=*}
done
runtimes+=(crun runc)

cleanup() {
  set +e
  trap '' INT TERM
  for rt in "${runtimes[@]}"; do
    local root=$work/state-$rt
    [ -d "$root" ] || continue
    for id in $(ls "$root" 2>/dev/null); do
      [ "${id#@}" = "$id" ] || continue  # ocirun's @seccomp-cache and friends
      rt_cmd "$rt" delete -f "$id" >/dev/null 2>&1
    done
  done
  # Only the cgroups this run created: the tree under /ocirun-bench-PID.
  for controller in /sys/fs/cgroup/*/; do
    [ -d "$controller$cgroup_parent" ] || continue
    find "$controller$cgroup_parent" -depth -type d -exec rmdir {} + 2>/dev/null
  done
  mountpoint -q "$work/ro" && umount "$work/ro"
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# rt_argv RUNTIME: the runtime's command line with its private state root,
# one word a line (for bench_measure).
rt_argv() {
  case $1 in
    ocirun) printf '%s\n' "$ocirun" --root "$work/state-$1" ;;
    ocirun-ro) printf '%s\n' "$work/ro/ocirun" --root "$work/state-$1" ;;
    crun) printf '%s\n' crun --cgroup-manager=cgroupfs --root "$work/state-$1" ;;
    runc) printf '%s\n' runc --root "$work/state-$1" ;;
    *) printf '%s\n' "${extra_bins[$1]}" --root "$work/state-$1" ;;
  esac
}
# rt_cmd RUNTIME ARGS...: runs the runtime.
rt_cmd() {
  local argv
  mapfile -t argv < <(rt_argv "$1")
  shift
  "${argv[@]}" "$@"
}

# The read-only copy of ocirun.
mkdir -p "$work/ro"
cp "$ocirun" "$work/ro/ocirun"
for spec in "${also[@]}"; do
  cp "${spec#*=}" "$work/ro/${spec%%=*}"
done
mount --bind "$work/ro" "$work/ro"
mount -o remount,bind,ro "$work/ro"

integration/lib/make-rootfs.sh "$rootfs" "$build/ocitest"

# make_bundle DIR RUNTIME ARGS_JSON [EXTRA_JQ]: a bundle for RUNTIME whose
# process runs ARGS_JSON, in cgroup /ocirun-bench-PID/RUNTIME-<bundle name>.
make_bundle() {
  local dir=$1 rt=$2 args=$3 extra=${4:-.}
  mkdir -p "$dir"
  "$ocirun" spec --bundle "$dir"
  jq --arg root "$rootfs" --argjson args "$args" \
    --arg cg "/$cgroup_parent/$rt-$(basename "$dir")" \
    ".root.path = \$root | .root.readonly = true | .process.terminal = false
     | .ociVersion = \"1.0.2\" | .process.args = \$args | del(.linux.seccomp) | .linux.cgroupsPath = \$cg | $extra" \
    "$dir/config.json" >"$dir/config.tmp"
  mv "$dir/config.tmp" "$dir/config.json"
}

# ---- statistics and tables ---------------------------------------------------
declare -A wall cpu rss
failures=0

# sample ROW CMD...: runs CMD through bench_measure once, records the row's numbers.
sample() {
  local row=$1 out
  shift
  if ! out=$("$measure" "$@" 2>"$work/err"); then
    echo "bench/run.sh: $row failed: $(cat "$work/err")" >&2
    failures=$((failures + 1))
    return 0
  fi
  local w c r
  read -r w c r <<<"$out"
  wall[$row]+="$w "
  cpu[$row]+="$c "
  rss[$row]+="$r "
}

# stats NUMBERS...: "median min max" of the numbers.
stats() {
  printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)], a[1], a[NR]}'
}

# table TITLE ROW...: prints the table of one scenario; a row without samples
# counts as a failure.
table() {
  local title=$1
  shift
  printf '\n%s (%d runs each, interleaved)\n' "$title" "$runs"
  printf '%-22s %23s %23s %9s  %s\n' "" "wall ms med/min/max" "cpu ms med/min/max" "RSS MB" "ratio (wall, cpu)"
  local row
  declare -A med_w med_c
  for row in "$@"; do
    if [ -z "${wall[$row]:-}" ]; then
      printf '%-22s %s\n' "$row" "MISSING"
      failures=$((failures + 1))
      continue
    fi
    local wm wn wx cm cn cx rm _
    read -r wm wn wx <<<"$(stats ${wall[$row]})"
    read -r cm cn cx <<<"$(stats ${cpu[$row]})"
    read -r rm _ _ <<<"$(stats ${rss[$row]})"
    med_w[$row]=$wm
    med_c[$row]=$cm
    local ratios=""
    if [ "${row#ocirun}" != "$row" ]; then
      local peer
      for peer in "$@"; do
        case $peer in ocirun*|kernel*) continue ;; esac
        [ -n "${med_w[$peer]:-}" ] || read -r med_w[$peer] _ _ <<<"$(stats ${wall[$peer]:-0})"
        [ -n "${med_c[$peer]:-}" ] || read -r med_c[$peer] _ _ <<<"$(stats ${cpu[$peer]:-0})"
        ratios+=$(awk -v p="$peer" -v a="$wm" -v b="${med_w[$peer]}" -v c="$cm" -v d="${med_c[$peer]}" \
          'BEGIN {printf "%s %.2fx %.2fx  ", p, (b ? a / b : 0), (d ? c / d : 0)}')
      done
    fi
    awk -v r="$row" -v wm="$wm" -v wn="$wn" -v wx="$wx" -v cm="$cm" -v cn="$cn" -v cx="$cx" \
      -v rm="$rm" -v ra="$ratios" 'BEGIN {
        printf "%-22s %7.2f %7.2f %7.2f %7.2f %7.2f %7.2f %9.2f  %s\n",
          r, wm / 1000, wn / 1000, wx / 1000, cm / 1000, cn / 1000, cx / 1000, rm / 1024, ra }'
  done
}

# ---- scenario: run /bin/true -------------------------------------------------
for rt in "${runtimes[@]}"; do
  make_bundle "$work/true-$rt" "$rt" '["/bin/true"]'
done
# The order rotates from one round to the next: what runs just before a
# runtime changes its numbers (a cgroup move right after another one skips
# the RCU grace period the first one waits for).
rows=("${runtimes[@]}" "kernel floor")
for ((i = 0; i < runs; i++)); do
  for ((k = 0; k < ${#rows[@]}; k++)); do
    rt=${rows[(i + k) % ${#rows[@]}]}
    if [ "$rt" = "kernel floor" ]; then
      sample "$rt" unshare --fork --pid --net --ipc --uts --mount chroot "$rootfs" /bin/true
    else
      mapfile -t argv < <(rt_argv "$rt")
      sample "$rt" "${argv[@]}" run --bundle "$work/true-$rt" "t$i"
    fi
  done
done
table "run /bin/true (cgroups on)" "${runtimes[@]}" "kernel floor"

# ---- one traced start (--trace), as a phase table ------------------------------
trace_file=$work/trace.json
if ! "$work/ro/ocirun" --root "$work/state-ocirun-ro" --trace "$trace_file" run --bundle "$work/true-ocirun-ro" traced >/dev/null; then
  echo "bench/run.sh: ocirun --trace run failed" >&2
  failures=$((failures + 1))
elif ! jq -e '[.traceEvents[].name] | index("create: cgroup") and index("init: pivot_root")' "$trace_file" >/dev/null; then
  echo "bench/run.sh: the trace lacks the runtime's or the init's phases" >&2
  failures=$((failures + 1))
else
  printf '\none traced run (ocirun-ro --trace): start ms, duration ms, phase\n'
  jq -r '.traceEvents[] | select(.ph == "X") | [.ts, .dur, (if .pid < 0 then "  " else "" end) + .name] | @tsv' "$trace_file" |
    sort -n | awk -F'\t' 'NR == 1 {t0 = $1} {printf "%8.2f %7.2f  %s\n", ($1 - t0) / 1000, $2 / 1000, $3}'
fi

if [ $failures -gt 0 ]; then
  echo "bench/run.sh: $failures failure(s)" >&2
  exit 1
fi
