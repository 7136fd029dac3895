# Shared setup for the Bats suites. Each test gets its own state root and
# bundle; the rootfs (busybox + ocitest) is built once per build directory.
# Tests need root; without it they skip.

OCIRUN_SOURCE_DIR=${OCIRUN_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
OCIRUN_BUILD_DIR=${OCIRUN_BUILD_DIR:-$OCIRUN_SOURCE_DIR/build}
OCIRUN=${OCIRUN:-$OCIRUN_BUILD_DIR/ocirun}
OCITEST=${OCITEST:-$OCIRUN_BUILD_DIR/ocitest}
TEST_ROOTFS=${TEST_ROOTFS:-$OCIRUN_BUILD_DIR/test-rootfs}

requires_root() {
  [ "$(id -u)" -eq 0 ] || skip "needs root"
}

# The shared rootfs, built once (a lock keeps parallel suites apart).
ensure_rootfs() {
  [ -x "$TEST_ROOTFS/bin/ocitest" ] && [ "$TEST_ROOTFS/bin/ocitest" -nt "$OCITEST" ] && return 0
  (
    flock 9
    if ! [ -x "$TEST_ROOTFS/bin/ocitest" ] || [ "$OCITEST" -nt "$TEST_ROOTFS/bin/ocitest" ]; then
      rm -rf "$TEST_ROOTFS.tmp"
      "$OCIRUN_SOURCE_DIR/integration/lib/make-rootfs.sh" "$TEST_ROOTFS.tmp" "$OCITEST"
      rm -rf "$TEST_ROOTFS"
      mv "$TEST_ROOTFS.tmp" "$TEST_ROOTFS"
    fi
  ) 9>"$OCIRUN_BUILD_DIR/.test-rootfs.lock"
}

# ocirun with this test's state root; use as `run ocirun ...`.
ocirun() {
  "$OCIRUN" --root "$STATE_ROOT" "$@"
}

# A bundle whose config is `ocirun spec` without a terminal, running "$@".
setup_bundle() {
  requires_root
  ensure_rootfs
  STATE_ROOT=$(mktemp -d /run/ocirun-test.XXXXXX)
  BUNDLE=$(mktemp -d "${BATS_TEST_TMPDIR:-/tmp}/bundle.XXXXXX")
  "$OCIRUN" spec --bundle "$BUNDLE"
  update_config ".root.path = \"$TEST_ROOTFS\" | .process.terminal = false | .root.readonly = true"
  if (($#)); then set_args "$@"; fi
  cd "$BUNDLE" || return 1
}

# update_config JQ_FILTER: edits config.json in place.
update_config() {
  local tmp="$BUNDLE/config.json.tmp"
  jq "$1" "$BUNDLE/config.json" >"$tmp" && mv "$tmp" "$BUNDLE/config.json"
}

set_args() {
  local json
  json=$(printf '%s\n' "$@" | jq -R . | jq -s .)
  update_config ".process.args = $json"
}

# Deletes every container of the test and checks nothing is left behind.
teardown_bundle() {
  [ -n "${STATE_ROOT:-}" ] || return 0
  local id
  for id in $("$OCIRUN" --root "$STATE_ROOT" list -q 2>/dev/null); do
    "$OCIRUN" --root "$STATE_ROOT" delete --force "$id" >/dev/null 2>&1 || true
  done
  rm -rf "$STATE_ROOT" "$BUNDLE"
  STATE_ROOT=
}

# The status field of `ocirun state ID`.
container_status() {
  "$OCIRUN" --root "$STATE_ROOT" state "$1" | jq -r .status
}

# wait_for_status ID STATUS [TRIES]: polls every 0.05 s.
wait_for_status() {
  local i
  for ((i = 0; i < ${3:-100}; i++)); do
    [ "$(container_status "$1" 2>/dev/null)" = "$2" ] && return 0
    sleep 0.05
  done
  echo "container $1 is $(container_status "$1" 2>&1), expected $2" >&2
  return 1
}

# No cgroup directory of container ID remains in any hierarchy.
assert_no_cgroup() {
  local left
  # find fails when a directory vanishes while it walks (any cgroup being
  # removed meanwhile); what it printed is still the answer.
  left=$(find /sys/fs/cgroup -maxdepth 4 -type d -path "*/ocirun/$1" 2>/dev/null || true)
  [ -z "$left" ] || { echo "leftover cgroups: $left" >&2; return 1; }
}

# The container's init pid.
init_pid() {
  "$OCIRUN" --root "$STATE_ROOT" state "$1" | jq -r .pid
}

# run_container [RUN FLAGS]: `ocirun run` of container $ID in the foreground
# with stdin closed; sets $status and $output like bats' run.
run_container() {
  run "$OCIRUN" --root "$STATE_ROOT" run "$@" "$ID" </dev/null
}

# The container's process inherits the stdio of `create` (and `run -d`):
# a test must not hand it bats' pipes, or bats would wait for the container.
# These run ocirun with stdio on files; $OCIRUN_ERR has what ocirun said.
create_container() {
  OCIRUN_ERR="$BUNDLE/ocirun.err"
  "$OCIRUN" --root "$STATE_ROOT" create "$@" </dev/null >>"$BUNDLE/container.out" 2>"$OCIRUN_ERR"
}

run_detached() {
  OCIRUN_ERR="$BUNDLE/ocirun.err"
  "$OCIRUN" --root "$STATE_ROOT" run -d "$@" </dev/null >>"$BUNDLE/container.out" 2>"$OCIRUN_ERR"
}

# A process that is gone or a zombie (a killed init whose parent has not
# reaped it yet is dead for our purposes). One read of its status: checking
# that /proc/PID exists and then reading it races with the reaper.
process_gone() {
  local state
  state=$(awk '/^State:/ { print $2 }' "/proc/$1/status" 2>/dev/null) || return 0
  [ -z "$state" ] || [ "$state" = Z ]
}
