#!/usr/bin/env bats
# Crashes at every phase: OCIRUN_FAULT=<point> (runtime/base/fault.hpp) makes
# the runtime SIGKILL itself there. Afterwards `state` tells the truth,
# `delete --force` succeeds, and no cgroup, mount, state dir, fifo or process
# of the container remains. Also: the init dying before start, a killed
# foreground `run`, and a full disk under --root.

load helpers

setup() {
  setup_bundle ocitest sleep
  # Unique on this host: the cgroup checks go by id.
  CID="fault-$$-$BATS_TEST_NUMBER"
  INIT_PIDS=()
}

teardown() {
  if [ -n "${FULL_ROOT:-}" ]; then
    "$OCIRUN" --root "$FULL_ROOT" delete --force "$CID" >/dev/null 2>&1 || true
    "$OCIRUN" --root "$FULL_ROOT" delete --force "$CID-2" >/dev/null 2>&1 || true
    umount "$FULL_ROOT" 2>/dev/null || true
    rmdir "$FULL_ROOT" 2>/dev/null || true
    STATE_ROOT=${STATE_ROOT_SAVED:-$STATE_ROOT}
  fi
  teardown_bundle
}

# crash_at POINT ARGS...: runs ocirun ARGS with the fault armed; it must die
# of its SIGKILL (status 137).
crash_at() {
  local point=$1
  shift
  local status=0
  OCIRUN_FAULT=$point "$OCIRUN" --root "$STATE_ROOT" "$@" </dev/null >>"$BUNDLE/container.out" 2>"$BUNDLE/crash.err" ||
    status=$?
  [ "$status" -eq 137 ] || { echo "$point: exit $status, expected the fault's SIGKILL:" >&2; cat "$BUNDLE/crash.err" >&2; return 1; }
}

# The pid state.json names, if any (remembered to check it is gone later).
remember_init() {
  local pid
  pid=$(jq -r '.pid // 0' "$STATE_ROOT/$CID/state.json" 2>/dev/null || echo 0)
  [ "$pid" = 0 ] || INIT_PIDS+=("$pid")
}

# Nothing of the container is left anywhere.
assert_nothing_left() {
  [ ! -e "$STATE_ROOT/$CID" ] || { echo "state dir left: $(ls -A "$STATE_ROOT/$CID")" >&2; return 1; }
  assert_no_cgroup "$CID"
  ! grep -F "$STATE_ROOT/" /proc/self/mountinfo >&2 || { echo "mount left behind" >&2; return 1; }
  ! pgrep -a -f -- "$STATE_ROOT" >&2 || { echo "runtime or init process left behind" >&2; return 1; }
  local pid
  for pid in "${INIT_PIDS[@]}"; do
    process_gone "$pid" || { echo "init $pid left behind" >&2; return 1; }
  done
}

# cleanup_after_crash: delete --force succeeds and leaves nothing.
cleanup_after_crash() {
  run ocirun delete --force "$CID"
  [ "$status" -eq 0 ] || { echo "delete --force: $output" >&2; return 1; }
  assert_nothing_left
}

# The truth after a crash in create: no container process ever ran, so once
# the orphaned init has noticed its runtime is gone, the container reads as
# stopped and cannot be started.
assert_stopped_and_unstartable() {
  wait_for_status "$CID" stopped
  run ocirun start "$CID"
  [ "$status" -eq 1 ]
}

@test "faults: a crash at any point of create leaves a stopped container that delete --force removes" {
  local point
  for point in create:after-state-dir create:after-cgroup create:after-clone create:before-pid-state \
    create:after-pid-state init:after-mounts; do
    if [ "$point" = init:after-mounts ]; then
      # The init dies, not the runtime: create fails cleanly by itself.
      run env OCIRUN_FAULT=$point "$OCIRUN" --root "$STATE_ROOT" create "$CID" </dev/null
      [ "$status" -eq 1 ] || { echo "$point: exit $status: $output"; return 1; }
      [[ "$output" == *"container init exited before it was ready"* ]]
      assert_nothing_left
      continue
    fi
    crash_at "$point" create "$CID"
    remember_init
    assert_stopped_and_unstartable || { echo "after $point" >&2; return 1; }
    cleanup_after_crash || { echo "after $point" >&2; return 1; }
  done
}

@test "faults: a crash while prestart hooks run leaves a stopped container that delete --force removes" {
  update_config '.hooks = {"prestart": [{"path": "/bin/true"}]}'
  crash_at create:prestart-hooks create "$CID"
  remember_init
  assert_stopped_and_unstartable
  cleanup_after_crash
}

@test "faults: a crash in start before releasing the init leaves it created, and start works again" {
  create_container "$CID"
  remember_init
  crash_at start:before-release start "$CID"
  [ "$(container_status "$CID")" = "created" ]
  # The dying start opened exec.fifo and closed it without writing: that
  # must not have released the init.
  [ "$(cat "/proc/${INIT_PIDS[0]}/comm")" = "ocirun:[INIT]" ]
  run ocirun start "$CID"
  [ "$status" -eq 0 ]
  wait_for_status "$CID" running
  cleanup_after_crash
}

@test "faults: a crash in start after releasing the init leaves it running" {
  create_container "$CID"
  remember_init
  crash_at start:after-release start "$CID"
  wait_for_status "$CID" running
  run ocirun start "$CID"
  [ "$status" -eq 1 ]
  [[ "$output" == *"cannot start an already running container"* ]]
  cleanup_after_crash
}

@test "faults: a crash at any point of delete leaves a stopped container that delete --force removes" {
  local point
  for point in delete:after-kill delete:after-cgroup; do
    create_container "$CID"
    remember_init
    ocirun start "$CID"
    crash_at "$point" delete --force "$CID"
    [ "$(container_status "$CID")" = "stopped" ]
    cleanup_after_crash || { echo "after $point" >&2; return 1; }
  done
}

@test "faults: the init dying before start reads as stopped; start refuses, delete cleans up" {
  create_container "$CID"
  remember_init
  kill -9 "${INIT_PIDS[0]}"
  wait_for_status "$CID" stopped
  run ocirun start "$CID"
  [ "$status" -eq 1 ]
  [[ "$output" == *"cannot start a container that has stopped"* ]]
  run ocirun delete "$CID"
  [ "$status" -eq 0 ]
  assert_nothing_left
}

@test "faults: SIGKILL of a foreground run leaves a container that state reports and delete --force removes" {
  "$OCIRUN" --root "$STATE_ROOT" run "$CID" </dev/null >"$BUNDLE/container.out" 2>&1 &
  local runner=$!
  wait_for_status "$CID" running
  remember_init
  kill -9 "$runner"
  wait "$runner" || true
  # The container outlives its runtime, and state says so.
  [ "$(container_status "$CID")" = "running" ]
  ! process_gone "${INIT_PIDS[0]}" || return 1
  cleanup_after_crash
}

@test "faults: a full disk under --root is a clear error; what was there stays intact" {
  FULL_ROOT=$(mktemp -d /run/ocirun-full.XXXXXX)
  mount -t tmpfs -o size=256k,mode=0700 tmpfs "$FULL_ROOT"
  STATE_ROOT_SAVED=$STATE_ROOT
  STATE_ROOT=$FULL_ROOT
  create_container "$CID"
  remember_init
  # Fill it up: the next create cannot even save its config.
  dd if=/dev/zero of="$FULL_ROOT/filler" bs=4k 2>/dev/null || true
  run ocirun create "$CID-2"
  [ "$status" -eq 1 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ "$output" == *"No space left on device"* ]]
  [ ! -e "$FULL_ROOT/$CID-2" ]
  assert_no_cgroup "$CID-2"
  # The first container is untouched and still works on the full disk.
  run ocirun state "$CID"
  [ "$status" -eq 0 ]
  [ "$(jq -r .status <<<"$output")" = "created" ]
  ocirun start "$CID"
  wait_for_status "$CID" running
  ocirun kill "$CID" KILL
  wait_for_status "$CID" stopped
  ocirun delete "$CID"
  assert_nothing_left
  rm "$FULL_ROOT/filler"
  STATE_ROOT=$STATE_ROOT_SAVED
}
