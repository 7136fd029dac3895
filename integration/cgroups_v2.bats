#!/usr/bin/env bats
# The cgroup v2 code path for whole containers on this hybrid host: every
# ocirun command runs in a private mount namespace where /sys/fs/cgroup is
# replaced by a cgroup2 mount, and in a cgroup namespace rooted at a cgroup
# of the test's own (so nothing above it is written). The runtime reads
# /proc/self/mountinfo and sees a pure v2 host. The host's mounts are never
# touched: the namespace is private and goes away with the command.

load helpers

setup() {
  setup_bundle ocitest sleep
  ID="v2c$$-$BATS_TEST_NUMBER"
  V2TOP=/sys/fs/cgroup/unified/ocirun-v2-$$-$BATS_TEST_NUMBER
  mkdir "$V2TOP"
}

teardown() {
  local id
  for id in $(v2 "$OCIRUN" --root "$STATE_ROOT" list -q 2>/dev/null); do
    v2 "$OCIRUN" --root "$STATE_ROOT" delete --force "$id" >/dev/null 2>&1 || true
  done
  teardown_bundle
  # Whatever a failed test left: kill it and remove our cgroups bottom-up.
  if [ -d "$V2TOP" ]; then
    echo 1 >"$V2TOP/cgroup.kill" 2>/dev/null || true
    find "$V2TOP" -mindepth 1 -depth -type d -exec rmdir {} + 2>/dev/null || true
    rmdir "$V2TOP" 2>/dev/null || true
  fi
}

# v2 CMD...: runs CMD where the runtime sees a pure cgroup v2 host.
v2() {
  (
    echo "$BASHPID" >"$V2TOP/cgroup.procs"
    exec unshare --mount --cgroup --propagation private sh -c \
      'umount -R /sys/fs/cgroup && mount -t cgroup2 none /sys/fs/cgroup && exec "$@"' sh "$@"
  )
}

v2_ocirun() {
  v2 "$OCIRUN" --root "$STATE_ROOT" "$@"
}

# Like create_container / run_detached: the container keeps files as stdio.
v2_create() {
  OCIRUN_ERR="$BUNDLE/ocirun.err"
  v2_ocirun create "$@" </dev/null >>"$BUNDLE/container.out" 2>"$OCIRUN_ERR"
}

v2_run_detached() {
  OCIRUN_ERR="$BUNDLE/ocirun.err"
  v2_ocirun run -d "$@" </dev/null >>"$BUNDLE/container.out" 2>"$OCIRUN_ERR"
}

v2_status() {
  v2_ocirun state "$1" | jq -r .status
}

# The container's cgroup as the host sees it.
host_dir() {
  echo "$V2TOP/ocirun/$ID"
}

gone() {
  [ ! -e "/proc/$1" ] || [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" = Z ]
}

@test "cgroups v2: create puts init in its cgroup and the container sees that cgroup as root" {
  set_args sh -c 'cat /proc/self/cgroup; grep -c cgroup2 /proc/self/mountinfo; exec ocitest sleep'
  v2_create "$ID"
  [ "$(v2_status "$ID")" = created ]
  grep -qx "$(init_pid "$ID")" "$(host_dir)/cgroup.procs"
  # No v1 hierarchy took part.
  [ ! -e "/sys/fs/cgroup/pids/ocirun/$ID" ]
  [ "$(v2_ocirun ps -f json "$ID")" = "[$(init_pid "$ID")]" ]
  v2_ocirun start "$ID"
  [ "$(v2_status "$ID")" = running ]
  for _ in $(seq 50); do [ -s "$BUNDLE/container.out" ] && break; sleep 0.05; done
  # Its cgroup namespace starts at its own cgroup (the kernel still lists
  # the host's v1 hierarchies in /proc/self/cgroup), and it gets a cgroup2
  # mount only.
  run cat "$BUNDLE/container.out"
  [[ "$output" == *$'\n0::/\n'* ]]
  [ "${lines[-1]}" = 1 ]
  v2_ocirun delete --force "$ID"
  [ ! -e "$(host_dir)" ]
  [ ! -e "$V2TOP/ocirun" ]
}

@test "cgroups v2: pause and resume through cgroup.freeze" {
  set_args ocitest ticker /dev/shm/ticks
  v2_run_detached "$ID"
  local file
  file="/proc/$(init_pid "$ID")/root/dev/shm/ticks"
  for _ in $(seq 100); do [ -s "$file" ] && break; sleep 0.05; done
  v2_ocirun pause "$ID"
  [ "$(v2_status "$ID")" = paused ]
  [ "$(cat "$(host_dir)/cgroup.freeze")" = 1 ]
  grep -qx 'frozen 1' "$(host_dir)/cgroup.events"
  local before
  before=$(cat "$file")
  sleep 0.3
  [ "$(cat "$file")" = "$before" ]
  run v2_ocirun pause "$ID"
  [ "$status" -eq 1 ]
  [ "$output" = "container not running" ]
  v2_ocirun resume "$ID"
  [ "$(v2_status "$ID")" = running ]
  [ "$(cat "$(host_dir)/cgroup.freeze")" = 0 ]
  for _ in $(seq 100); do [ "$(cat "$file")" != "$before" ] && break; sleep 0.05; done
  [ "$(cat "$file")" != "$before" ]
  # Delete of a paused container thaws and kills it.
  v2_ocirun pause "$ID"
  v2_ocirun delete --force "$ID"
  [ ! -e "$(host_dir)" ]
}

@test "cgroups v2: kill --all kills every process through cgroup.kill" {
  set_args sh -c 'ocitest sleep & ocitest sleep & exec ocitest sleep'
  v2_run_detached "$ID"
  for _ in $(seq 100); do [ "$(wc -l <"$(host_dir)/cgroup.procs")" -eq 3 ] && break; sleep 0.05; done
  local pids p
  pids=$(cat "$(host_dir)/cgroup.procs")
  [ "$(wc -w <<<"$pids")" -eq 3 ]
  v2_ocirun kill --all "$ID" KILL
  for p in $pids; do
    for _ in $(seq 100); do gone "$p" && break; sleep 0.05; done
    gone "$p"
  done
  [ "$(v2_status "$ID")" = stopped ]
  v2_ocirun delete "$ID"
  [ ! -e "$V2TOP/ocirun" ]
}

@test "cgroups v2: the device filter (eBPF) denies what the rules deny" {
  update_config '.mounts += [{"destination": "/dev/fuse", "type": "bind", "source": "/dev/fuse", "options": ["bind"]}]'
  set_args ocitest open /dev/fuse r
  run v2_ocirun run "$ID"
  [ "$status" -eq 1 ]
  [ "$output" = "/dev/fuse: Operation not permitted" ]
  update_config '.linux.resources.devices += [{"allow": true, "type": "c", "major": 10, "minor": 229, "access": "r"}]'
  set_args sh -c 'ocitest open /dev/null rw && ocitest open /dev/fuse r && ocitest open /dev/fuse w'
  run v2_ocirun run "$ID"
  [ "$status" -eq 1 ]
  [ "$output" = $'ok\nok\n/dev/fuse: Operation not permitted' ]
  [ ! -e "$V2TOP/ocirun" ]
}

@test "cgroups v2: stats and updates without controllers; missing ones are errors naming the field" {
  v2_run_detached "$ID"
  run v2_ocirun events --stats "$ID"
  [ "$status" -eq 0 ]
  jq -e --arg id "$ID" '.type == "stats" and .id == $id and (.data | has("memory"))' <<<"$output"
  run v2_ocirun update --pids-limit 5 "$ID"
  [ "$status" -eq 1 ]
  [[ "$output" == *'$.linux.resources.pids.limit: the pids cgroup controller is not available on this host'* ]]
  v2_ocirun delete --force "$ID"
  # A failing create leaves no cgroup and no state.
  update_config '.linux.resources.memory = {"limit": 67108864}'
  run v2_create "$ID"
  [ "$status" -eq 1 ]
  grep -q '\$.linux.resources.memory: the memory cgroup controller is not available' "$BUNDLE/ocirun.err"
  [ ! -e "$V2TOP/ocirun" ]
  [ -z "$(v2_ocirun list -q)" ]
}
