# Shared by the engine suites: each file installs its engine, starts it with
# private state under $ENGINE_DIR, runs its containers through ocirun and in
# teardown_file leaves no process, mount or cgroup behind.

load ../helpers

bats_require_minimum_version 1.5.0

ENGINES_DIR=$OCIRUN_SOURCE_DIR/integration/engines

# install_engine PACKAGE...: apt-get install of what is missing.
install_engine() {
  "$ENGINES_DIR/install.sh" "$@"
}

# make_engine_dir NAME: a private directory for the engine's state.
make_engine_dir() {
  ENGINE_DIR=$(mktemp -d "/tmp/ocirun-$1.XXXXXX")
  chmod 0755 "$ENGINE_DIR"
  export ENGINE_DIR
}

# image_tarball FILE: the test rootfs (busybox + ocitest) as a tarball.
image_tarball() {
  ensure_rootfs
  tar -C "$TEST_ROOTFS" -cf "$1" .
}

# unmount_under DIR: unmounts everything mounted at or below DIR, deepest first.
unmount_under() {
  local mnt
  for mnt in $(awk -v dir="$1" '$5 == dir || index($5, dir "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r); do
    umount -l "$mnt" 2>/dev/null || true
  done
}

# mounts_under DIR: the mount points at or below DIR (none when clean).
mounts_under() {
  awk -v dir="$1" '$5 == dir || index($5, dir "/") == 1 { print $5 }' /proc/self/mountinfo
}

# cgroup_dirs NAME: the directories named NAME directly below the root of any hierarchy.
cgroup_dirs() {
  find /sys/fs/cgroup -mindepth 1 -maxdepth 3 -type d -name "$1" 2>/dev/null || true
}

# remove_cgroup_tree DIR...: removes cgroup directories bottom-up (they must be empty of processes).
remove_cgroup_tree() {
  local dir
  for dir in "$@"; do
    [ -d "$dir" ] || continue
    find "$dir" -depth -type d -exec rmdir {} \; 2>/dev/null || true
  done
}

# stop_pid PID: TERM, then KILL after 10 s; waits until it is gone (or a zombie).
stop_pid() {
  local pid=$1 i
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 200; i++)); do
    process_gone "$pid" && return 0
    sleep 0.05
  done
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    process_gone "$pid" && return 0
    sleep 0.05
  done
}

# retry TRIES CMD...: runs CMD every 0.1 s until it succeeds.
retry() {
  local tries=$1 i
  shift
  for ((i = 0; i < tries; i++)); do
    "$@" && return 0
    sleep 0.1
  done
  "$@"
}
