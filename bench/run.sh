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
#   --quick: 2 runs per row; a smoke check that every runtime command works
#            and every row is printed (exit 1 otherwise).
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
    # --quick too: CI's smoke run starts on a machine without the peers.
    apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null 2>&1 ||
      { apt-get update -qq && apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null; }
  fi
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
  jq --arg root "$rootfs" --argjson args "$args" --slurpfile profile "$src/spec-fixtures/seccomp/docker-default.json" \
    --arg cg "/$cgroup_parent/$rt-$(basename "$dir")" \
    ".root.path = \$root | .root.readonly = true | .process.terminal = false
     | .ociVersion = \"1.0.2\" | .process.args = \$args | del(.linux.seccomp) | .linux.cgroupsPath = \$cg | $extra" \
    "$dir/config.json" >"$dir/config.tmp"
  mv "$dir/config.tmp" "$dir/config.json"
}

# ---- statistics and tables ---------------------------------------------------
declare -A wall cpu rss
failures=0
scenario=""  # the samples of each scenario are kept apart: key "scenario|row"

# sample ROW CMD...: runs CMD through bench_measure once, records the row's numbers.
sample() {
  local row=$1 out
  shift
  if ! out=$("$measure" "$@" 2>"$work/err"); then
    echo "bench/run.sh: $row failed: $(cat "$work/err")" >&2
    failures=$((failures + 1))
    return 0
  fi
  local w c r key="$scenario|$row"
  read -r w c r <<<"$out"
  wall[$key]+="$w "
  cpu[$key]+="$c "
  rss[$key]+="$r "
}

# stats NUMBERS...: "median min max" of the numbers.
stats() {
  printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)], a[1], a[NR]}'
}

# median_of KIND ROW: the median of one row's wall or cpu samples in the
# current scenario (empty without samples).
median_of() {
  local -n samples=$1
  local key="$scenario|$2"
  [ -n "${samples[$key]:-}" ] || return 0
  stats ${samples[$key]} | cut -d' ' -f1
}

# table TITLE ROW...: prints the current scenario's table; a row without
# samples counts as a failure. Each ocirun row gets its ratio (wall, cpu) to
# every peer row.
table() {
  local title=$1
  shift
  printf '\n%s (%d runs each, interleaved)\n' "$title" "$runs"
  printf '%-22s %23s %23s %9s  %s\n' "" "wall ms med/min/max" "cpu ms med/min/max" "RSS MB" "ratio to peer (wall, cpu)"
  local row
  for row in "$@"; do
    local key="$scenario|$row"
    if [ -z "${wall[$key]:-}" ]; then
      printf '%-22s %s\n' "$row" "MISSING"
      failures=$((failures + 1))
      continue
    fi
    local wm wn wx cm cn cx rm _
    read -r wm wn wx <<<"$(stats ${wall[$key]})"
    read -r cm cn cx <<<"$(stats ${cpu[$key]})"
    read -r rm _ _ <<<"$(stats ${rss[$key]})"
    local ratios="" peer
    if [ "${row#ocirun}" != "$row" ]; then
      for peer in "$@"; do
        case $peer in ocirun*|kernel*) continue ;; esac
        ratios+=$(awk -v p="$peer" -v a="$wm" -v b="$(median_of wall "$peer")" -v c="$cm" -v d="$(median_of cpu "$peer")" \
          'BEGIN {printf "%s %.2fx %.2fx  ", p, (b ? a / b : 0), (d ? c / d : 0)}')
      done
    fi
    awk -v r="$row" -v wm="$wm" -v wn="$wn" -v wx="$wx" -v cm="$cm" -v cn="$cn" -v cx="$cx" \
      -v rm="$rm" -v ra="$ratios" 'BEGIN {
        printf "%-22s %7.2f %7.2f %7.2f %7.2f %7.2f %7.2f %9.2f  %s\n",
          r, wm / 1000, wn / 1000, wx / 1000, cm / 1000, cn / 1000, cx / 1000, rm / 1024, ra }'
  done
}

# interleave ROUNDS FN ROW...: calls FN ROW ROUND for every row, ROUNDS
# times. The order rotates from one round to the next: what runs just before
# a runtime changes its numbers (a cgroup move right after another one skips
# the RCU grace period the first one waits for).
interleave() {
  local rounds=$1 fn=$2 i k
  shift 2
  local rows=("$@")
  for ((i = 0; i < rounds; i++)); do
    for ((k = 0; k < ${#rows[@]}; k++)); do
      "$fn" "${rows[(i + k) % ${#rows[@]}]}" "$i"
    done
  done
}

# ---- scenario: run /bin/true ---------------------------------------------------
for rt in "${runtimes[@]}"; do
  make_bundle "$work/true-$rt" "$rt" '["/bin/true"]'
  make_bundle "$work/seccomp-$rt" "$rt" '["/bin/true"]' '.linux.seccomp = $profile[0]'
done
run_true() {  # ROW ROUND
  if [ "$1" = "kernel floor" ]; then
    sample "$1" unshare --fork --pid --net --ipc --uts --mount chroot "$rootfs" /bin/true
  else
    local argv
    mapfile -t argv < <(rt_argv "$1")
    sample "$1" "${argv[@]}" run --bundle "$work/true-$1" "t$2"
  fi
}
scenario=run
interleave "$runs" run_true "${runtimes[@]}" "kernel floor"
table "run /bin/true (cgroups on)" "${runtimes[@]}" "kernel floor"

# ---- scenario: create, start, wait, delete ----------------------------------------
lifecycle() {  # ROW ROUND; the delete is retried until the container has stopped
  local argv
  mapfile -t argv < <(rt_argv "$1")
  sample "$1" "${argv[@]}" create --bundle "$work/true-$1" "l$2" ::: "${argv[@]}" start "l$2" \
    ::: @until-ok "${argv[@]}" delete "l$2"
}
scenario=lifecycle
interleave "$runs" lifecycle "${runtimes[@]}"
table "create, start, wait, delete of /bin/true" "${runtimes[@]}"

# ---- scenario: exec /bin/true into a running container ----------------------------
for rt in "${runtimes[@]}"; do
  make_bundle "$work/sleep-$rt" "$rt" '["/bin/sleep", "1000"]'
  rt_cmd "$rt" run -d --bundle "$work/sleep-$rt" "x-$rt" </dev/null >/dev/null 2>"$work/err" ||
    { echo "bench/run.sh: $rt run -d failed: $(cat "$work/err")" >&2; failures=$((failures + 1)); }
done
exec_true() {  # ROW ROUND
  local argv
  mapfile -t argv < <(rt_argv "$1")
  sample "$1" "${argv[@]}" exec "x-$1" /bin/true
}
scenario=exec
interleave "$runs" exec_true "${runtimes[@]}"
table "exec /bin/true into a running container" "${runtimes[@]}"
for rt in "${runtimes[@]}"; do rt_cmd "$rt" delete -f "x-$rt" >/dev/null 2>&1 || true; done

# ---- scenario: run /bin/true with docker's default seccomp profile ---------------
run_seccomp() {  # ROW ROUND
  local argv
  mapfile -t argv < <(rt_argv "$1")
  sample "$1" "${argv[@]}" run --bundle "$work/seccomp-$1" "s$2"
}
scenario=seccomp
interleave "$runs" run_seccomp "${runtimes[@]}"
table "run /bin/true with docker's default seccomp profile" "${runtimes[@]}"
for rt in "${runtimes[@]}"; do
  with=$(median_of wall "$rt")
  without=$(scenario=run median_of wall "$rt")
  awk -v r="$rt" -v a="$with" -v b="$without" 'BEGIN {printf "  %s: with / without the profile: %.2fx wall\n", r, (b ? a / b : 0)}'
done

# ---- scenario: many containers (ocirun-ro) -------------------------------------
# N copies of the /bin/true bundle, each with a cgroup of its own.
many_bundles() {  # PREFIX N
  local i
  make_bundle "$work/$1-TEMPLATE" ocirun-ro '["/bin/true"]'
  for ((i = 0; i < $2; i++)); do
    mkdir -p "$work/$1-$i"
    sed "s/-$1-TEMPLATE\"/-$1-$i\"/" "$work/$1-TEMPLATE/config.json" >"$work/$1-$i/config.json"
  done
}
# leaked_cgroups PREFIX: the cgroup directories of ocirun-ro's PREFIX-* containers still there.
leaked_cgroups() {
  find /sys/fs/cgroup/*/"$cgroup_parent" -maxdepth 1 -name "ocirun-ro-$1-*" -type d 2>/dev/null | wc -l
}
scale_n=200
list_n=1000
[ $quick = no ] || { scale_n=16; list_n=20; }
ro_root=$work/state-ocirun-ro
many_bundles scale "$scale_n"
t0=$(date +%s%N)
scale_failed=$(seq 0 $((scale_n - 1)) | xargs -P 8 -I{} sh -c \
  '"$1" --root "$2" create --bundle "$3/scale-$4" "scale-$4" && "$1" --root "$2" start "scale-$4" || echo FAILED' \
  sh "$work/ro/ocirun" "$ro_root" "$work" {} 2>"$work/err" | grep -c FAILED || true)
t1=$(date +%s%N)
seq 0 $((scale_n - 1)) | xargs -P 8 -I{} sh -c \
  'for i in $(seq 400); do "$1" --root "$2" delete "scale-$3" 2>/dev/null && exit 0; "$1" --root "$2" state "scale-$3" >/dev/null 2>&1 || exit 0; sleep 0.005; done; exit 1' \
  sh "$work/ro/ocirun" "$ro_root" {} || { echo "bench/run.sh: deleting the scale containers failed" >&2; failures=$((failures + 1)); }
leaked=$(leaked_cgroups scale)
printf '\n%d containers created+started, 8 at a time (ocirun-ro): %d ms, %d failed, %d cgroups left after delete\n' \
  "$scale_n" $(((t1 - t0) / 1000000)) "$scale_failed" "$leaked"
if [ "$scale_failed" != 0 ] || [ "$leaked" != 0 ]; then
  echo "bench/run.sh: the scale run failed: $(head -c 2000 "$work/err")" >&2
  failures=$((failures + 1))
fi

# list and state with list_n created containers.
many_bundles idle "$list_n"
seq 0 $((list_n - 1)) | xargs -P 8 -I{} "$work/ro/ocirun" --root "$ro_root" create --bundle "$work/idle-{}" "idle-{}" \
  2>"$work/err" || { echo "bench/run.sh: creating $list_n containers failed: $(head -c 2000 "$work/err")" >&2; failures=$((failures + 1)); }
list_state() {  # ROW ROUND
  case $1 in
    list) sample "$1" "$work/ro/ocirun" --root "$ro_root" list ;;
    list-json) sample "$1" "$work/ro/ocirun" --root "$ro_root" list --format json ;;
    state) sample "$1" "$work/ro/ocirun" --root "$ro_root" state "idle-$(($2 % list_n))" ;;
  esac
}
scenario=list
interleave "$runs" list_state list list-json state
listed=$("$work/ro/ocirun" --root "$ro_root" list -q | grep -c '^idle-' || true)
table "ocirun-ro with $list_n created containers ($listed listed)" list list-json state
[ "$listed" = "$list_n" ] || { echo "bench/run.sh: list showed $listed of $list_n containers" >&2; failures=$((failures + 1)); }
seq 0 $((list_n - 1)) | xargs -P 8 -I{} "$work/ro/ocirun" --root "$ro_root" delete -f "idle-{}" 2>"$work/err" ||
  { echo "bench/run.sh: deleting the idle containers failed: $(head -c 2000 "$work/err")" >&2; failures=$((failures + 1)); }
leaked=$(leaked_cgroups idle)
[ "$leaked" = 0 ] || { echo "bench/run.sh: $leaked cgroups of the idle containers left" >&2; failures=$((failures + 1)); }

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
