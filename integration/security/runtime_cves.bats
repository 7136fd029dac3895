#!/usr/bin/env bats
# Regression tests for the known runtime vulnerability classes that are not
# about a hostile rootfs's symlinks and mount races (hostile_rootfs.bats has
# those). SECURITY.md maps each class to its test.

load ../helpers

setup() {
  setup_bundle ocitest sleep
  CID="cve-$$-$BATS_TEST_NUMBER"
}

teardown() {
  teardown_bundle
}

# CVE-2019-5736: the container's init is a clone of the runtime binary until
# it executes the process. A process of the container that can see it (a
# shared pid namespace) must not be able to open the runtime binary through
# /proc/<init>/exe, neither to read nor to overwrite it.
@test "CVE-2019-5736: a process sharing the pid namespace cannot open the runtime binary of a waiting init" {
  mkdir "$BUNDLE/probe"
  update_config ".mounts += [{\"destination\": \"/probe\", \"type\": \"bind\", \"source\": \"$BUNDLE/probe\", \"options\": [\"rbind\", \"rw\"]}]"
  set_args sh -c 'ocitest exe-probe /probe/go >/probe/out.tmp && mv /probe/out.tmp /probe/out; ocitest sleep'
  run_detached "$CID-watcher"
  local watcher
  watcher=$(init_pid "$CID-watcher")

  # The victim joins the watcher's pid namespace and waits in "created".
  update_config ".linux.namespaces |= map(if .type == \"pid\" then .path = \"/proc/$watcher/ns/pid\" else . end)"
  set_args ocitest sleep
  create_container "$CID"
  [ "$(container_status "$CID")" = "created" ]
  local init runtime_id
  init=$(init_pid "$CID")
  [ "$(cat "/proc/$init/comm")" = "ocirun:[INIT]" ]
  runtime_id=$(stat -L -c '%d:%i' "/proc/$init/exe")

  touch "$BUNDLE/probe/go"
  local i
  for ((i = 0; i < 200; i++)); do [ -e "$BUNDLE/probe/out" ] && break; sleep 0.05; done
  cat "$BUNDLE/probe/out"
  # The watcher saw the init (the pid namespace is shared: it is not pid 1) ...
  grep -Eq '^([2-9]|[1-9][0-9]+) ' "$BUNDLE/probe/out"
  # ... and got at the runtime binary through no pid, for reading or writing.
  ! grep -q "read=$runtime_id" "$BUNDLE/probe/out" || return 1
  ! grep -q "write=ok" "$BUNDLE/probe/out" || return 1
}

# CVE-2019-5736, the classic route: the container's process is a
# `#!/proc/self/exe` script, so the init's execve runs the init's own binary,
# the runtime, inside the container; the container's root takes an fd of
# /proc/<pid>/exe and, once no process runs the binary, reopens it for
# writing. The runtime must run from a view of its binary that cannot be
# written (runtime/security/protected_exe.hpp). Here the runtime that the
# script runs blocks on opening its --log, a FIFO, so the route is held open
# deterministically; the host's loader and libraries are mounted for it.
@test "CVE-2019-5736: a #!/proc/self/exe process cannot reopen the runtime binary for writing" {
  local rootfs="$BUNDLE/rootfs"
  mkdir "$rootfs" "$BUNDLE/probe"
  cp -a "$TEST_ROOTFS"/. "$rootfs"/
  printf '#!/proc/self/exe --log=/probe/fifo\n' >"$rootfs/selfexe"
  chmod 755 "$rootfs/selfexe"
  mkfifo "$BUNDLE/probe/fifo"
  local libdir
  libdir=$(dirname "$(readlink -f "$(ldd "$OCIRUN" | awk '/libc.so/ {print $3}')")")
  update_config ".root.path = \"$rootfs\" | .mounts += [
    {\"destination\": \"/probe\", \"type\": \"bind\", \"source\": \"$BUNDLE/probe\", \"options\": [\"rbind\", \"rw\"]},
    {\"destination\": \"/lib64\", \"type\": \"bind\", \"source\": \"$(readlink -f /lib64)\", \"options\": [\"rbind\", \"ro\"]},
    {\"destination\": \"$libdir\", \"type\": \"bind\", \"source\": \"$libdir\", \"options\": [\"rbind\", \"ro\"]},
    {\"destination\": \"/lib/x86_64-linux-gnu\", \"type\": \"bind\", \"source\": \"$libdir\", \"options\": [\"rbind\", \"ro\"]}]"
  set_args /selfexe
  run_detached "$CID"
  local pid
  pid=$(init_pid "$CID")
  # The route is live: the container's process runs the runtime's binary.
  [ "$(stat -L -c '%i' "/proc/$pid/exe")" = "$(stat -L -c '%i' "$OCIRUN")" ]
  exec 7<"/proc/$pid/exe"
  cat "$BUNDLE/probe/fifo" >/dev/null
  wait_for_status "$CID" stopped
  local err=0
  ( : >>/proc/self/fd/7 ) 2>"$BUNDLE/reopen.err" || err=$?
  exec 7<&-
  cat "$BUNDLE/reopen.err"
  [ "$err" -ne 0 ]
  grep -q "Read-only file system" "$BUNDLE/reopen.err"
}

# CVE-2019-5736 too: nothing of the runtime is left open in the init that
# waits for start (an fd of the binary would be reachable via /proc/1/fd).
# CVE-2024-21626: no host fd reaches the container: the waiting init holds
# no directory (the leaked cgroup fd was the way out), and the process
# starts with stdio only, even when the caller leaks fds into the runtime.
@test "CVE-2024-21626: no host fd reaches the init or the process, even ones the caller leaked" {
  set_args sh -c 'ocitest fds; ocitest sleep'
  # fds 7 and 8 are open in the runtime, not close-on-exec: a host directory
  # and a host file.
  create_container "$CID" 7</sys/fs/cgroup 8<"$OCIRUN"
  local init fd target runtime_id container_root
  init=$(init_pid "$CID")
  runtime_id=$(stat -L -c '%d:%i' "$OCIRUN")
  container_root=$(stat -L -c '%d:%i' "/proc/$init/root")
  for fd in /proc/"$init"/fd/*; do
    target=$(readlink "$fd")
    # The one directory it may hold is the container's own root.
    [ ! -d "$fd" ] || [ "$(stat -L -c '%d:%i' "$fd")" = "$container_root" ] ||
      { echo "init holds a host directory: $fd -> $target"; return 1; }
    [ "$(stat -L -c '%d:%i' "$fd")" != "$runtime_id" ] || { echo "init holds the runtime binary: $fd"; return 1; }
    [[ "$target" != /sys/fs/cgroup* ]] || { echo "init holds a cgroup fd: $fd -> $target"; return 1; }
  done
  ocirun start "$CID"
  local i
  for ((i = 0; i < 100; i++)); do [ -s "$BUNDLE/container.out" ] && break; sleep 0.05; done
  cat "$BUNDLE/container.out"
  # Only stdio: 0, 1 and 2.
  [ "$(grep -c ' -> ' "$BUNDLE/container.out")" -eq 3 ]
  ! grep -Eq '^[3-9][0-9]* -> ' "$BUNDLE/container.out" || return 1
}

@test "CVE-2024-21626: a cwd of /proc/self/fd/N cannot reach the host" {
  local n
  for n in 3 4 5 6 7 8 9 10; do
    update_config ".process.cwd = \"/proc/self/fd/$n\""
    set_args sh -c 'pwd -P; ls /'
    local status=0
    run_detached "$CID" 7</sys/fs/cgroup || status=$?
    if [ "$status" -eq 0 ]; then
      # Started: the cwd must be inside the container, not a host directory.
      local i
      for ((i = 0; i < 100; i++)); do [ -s "$BUNDLE/container.out" ] && break; sleep 0.05; done
      ! grep -q "cgroup\|ocirun" "$BUNDLE/container.out" || { cat "$BUNDLE/container.out"; return 1; }
      ocirun delete --force "$CID"
    else
      [ "$(cat "$OCIRUN_ERR")" != "" ]
      grep -q '$.process.cwd' "$OCIRUN_ERR" || { cat "$OCIRUN_ERR"; return 1; }
      [ ! -e "$STATE_ROOT/$CID" ]
      assert_no_cgroup "$CID"
    fi
    : >"$BUNDLE/container.out"
  done
}

# CVE-2019-16884 and the procfs redirections: an image whose /proc is not
# procfs (here a symlink to a directory of ordinary files it controls) must
# not receive the runtime's writes of sysctls and the oom score; they go to
# the real procfs, or create fails.
@test "CVE-2019-16884: sysctl and oom score writes reach the real procfs, not the image's fake /proc" {
  local rootfs="$BUNDLE/rootfs"
  mkdir "$rootfs"
  cp -a "$TEST_ROOTFS"/. "$rootfs"/
  rmdir "$rootfs/proc"
  mkdir -p "$rootfs/fakeproc/sys/kernel" "$rootfs/fakeproc/self"
  echo 0 >"$rootfs/fakeproc/sys/kernel/shm_rmid_forced"
  echo 0 >"$rootfs/fakeproc/self/oom_score_adj"
  ln -s /fakeproc "$rootfs/proc"
  update_config ".root.path = \"$rootfs\" | .linux.sysctl = {\"kernel.shm_rmid_forced\": \"1\"} | .process.oomScoreAdj = 123"
  set_args sh -c 'cat /proc/sys/kernel/shm_rmid_forced /proc/self/oom_score_adj; ocitest sleep'
  run_detached "$CID" || true
  # Whether create refused the image or ran it, the fake files are untouched.
  [ "$(cat "$rootfs/fakeproc/sys/kernel/shm_rmid_forced")" = 0 ]
  [ "$(cat "$rootfs/fakeproc/self/oom_score_adj")" = 0 ]
  if [ -e "$STATE_ROOT/$CID" ]; then
    local init
    init=$(init_pid "$CID")
    [ "$(cat "/proc/$init/oom_score_adj")" = 123 ]
    local i
    for ((i = 0; i < 100; i++)); do [ -s "$BUNDLE/container.out" ] && break; sleep 0.05; done
    [ "$(head -1 "$BUNDLE/container.out")" = 1 ]
  else
    assert_no_cgroup "$CID"
  fi
}

# exec into a container whose root filesystem its processes changed after
# start: executables, the cwd and the interpreter named through symlinks
# (absolute, and relative with more `..` than the path is deep) resolve
# inside the container's root, never on the host.
@test "exec: a rootfs changed after start cannot make exec run host binaries or enter host directories" {
  local rootfs="$BUNDLE/rootfs" hostdir="$BUNDLE/hostdir"
  mkdir "$rootfs" "$hostdir"
  cp -a "$TEST_ROOTFS"/. "$rootfs"/
  printf '#!/bin/sh\necho HOST-REACHED\n' >"$hostdir/hostbin"
  chmod 755 "$hostdir/hostbin"
  update_config ".root.path = \"$rootfs\" | .root.readonly = false"
  run_detached "$CID"
  # What a process of the container could do to its own root.
  ln -s "$hostdir/hostbin" "$rootfs/abs-bin"
  ln -s "../../../../../../../../..$hostdir/hostbin" "$rootfs/rel-bin"
  ln -s "$hostdir" "$rootfs/abs-dir"
  printf '#!%s/hostbin\n' "$hostdir" >"$rootfs/script"
  chmod 755 "$rootfs/script"
  local target
  for target in /abs-bin /rel-bin /script; do
    run "$OCIRUN" --root "$STATE_ROOT" exec "$CID" "$target" </dev/null
    echo "$target: $status: $output"
    [ "$status" -ne 0 ]
    [[ "$output" != *HOST-REACHED* ]]
  done
  run "$OCIRUN" --root "$STATE_ROOT" exec --cwd /abs-dir "$CID" sh -c 'pwd -P; ls' </dev/null
  echo "cwd: $status: $output"
  [ "$status" -ne 0 ]
  [[ "$output" != *hostbin* ]]
  # The container still works: the same names inside it are its own.
  mkdir -p "$rootfs$hostdir"
  printf '#!/bin/sh\necho CONTAINER-FILE\n' >"$rootfs$hostdir/hostbin"
  chmod 755 "$rootfs$hostdir/hostbin"
  run "$OCIRUN" --root "$STATE_ROOT" exec "$CID" /rel-bin </dev/null
  [ "$status" -eq 0 ]
  [ "$output" = CONTAINER-FILE ]
  run "$OCIRUN" --root "$STATE_ROOT" exec --cwd /abs-dir "$CID" ls </dev/null
  [ "$status" -eq 0 ]
  [ "$output" = hostbin ]
}
