#!/usr/bin/env bats
# podman (Debian 4.3.1) runs its containers on ocirun, through conmon: the
# runtime is configured in a private containers.conf ([engine.runtimes],
# runtime_supports_json) with private storage; the image is the test rootfs
# imported from a tarball. Podman calls ocirun without --root, so the
# containers live in ocirun's default root; every one is removed again.

load engine_helpers

IMAGE=localhost/ocirun-busybox

setup_file() {
  requires_root
  install_engine podman conmon busybox-static
  make_engine_dir podman
  # podman's cgroup parent: removed in teardown_file only if podman made it here.
  LIBPOD_PARENT_BEFORE=$(cgroup_dirs libpod_parent)
  export LIBPOD_PARENT_BEFORE
  # podman import writes its blob cache there, whatever the storage config says.
  VAR_LIB_CONTAINERS_BEFORE=$([ -e /var/lib/containers ] && echo yes || true)
  export VAR_LIB_CONTAINERS_BEFORE
  local nofile
  nofile=$(ulimit -Hn)
  cat >"$ENGINE_DIR/containers.conf" <<CONF
[containers]
netns = "none"
# No CAP_SYS_RESOURCE here: podman's default ulimits could not be applied.
default_ulimits = ["nofile=$nofile:$nofile", "nproc=32768:32768"]

[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
tmp_dir = "$ENGINE_DIR/libpod"
static_dir = "$ENGINE_DIR/storage/libpod"
volume_path = "$ENGINE_DIR/storage/volumes"
runtime = "ocirun"
runtime_supports_json = ["ocirun"]

[engine.runtimes]
ocirun = ["$OCIRUN"]
CONF
  cat >"$ENGINE_DIR/storage.conf" <<CONF
[storage]
driver = "overlay"
graphroot = "$ENGINE_DIR/storage"
runroot = "$ENGINE_DIR/run"
CONF
  export CONTAINERS_CONF=$ENGINE_DIR/containers.conf
  export CONTAINERS_STORAGE_CONF=$ENGINE_DIR/storage.conf
  export TMPDIR=$ENGINE_DIR/tmp
  mkdir -p "$TMPDIR"
  image_tarball "$ENGINE_DIR/rootfs.tar"
  podman import -q "$ENGINE_DIR/rootfs.tar" "$IMAGE" >/dev/null
}

teardown_file() {
  [ -n "${ENGINE_DIR:-}" ] || return 0
  podman rm --all --force --time 0 >/dev/null 2>&1 || true
  podman rmi --all --force >/dev/null 2>&1 || true
  unmount_under "$ENGINE_DIR"
  rm -rf "$ENGINE_DIR"
  [ -n "$VAR_LIB_CONTAINERS_BEFORE" ] || rm -rf /var/lib/containers
  local dir
  for dir in $(cgroup_dirs libpod_parent); do
    [[ $'\n'$LIBPOD_PARENT_BEFORE$'\n' == *$'\n'$dir$'\n'* ]] || remove_cgroup_tree "$dir"
  done
}

# The full id of container NAME.
cid() {
  podman inspect --format '{{.Id}}' "$1"
}

# podman's view of NAME: "<status> <exit code>".
state_of() {
  podman inspect --format '{{.State.Status}} {{.State.ExitCode}}' "$1"
}

logs_contain() {
  [[ "$(podman logs "$1" 2>&1)" == *"$2"* ]]
}

@test "podman: run --rm returns the exit status and output; info; --runtime PATH works too" {
  run --separate-stderr podman run --rm "$IMAGE" sh -c 'echo hello from ocirun; exit 3'
  [ "$status" -eq 3 ]
  [ "$output" = "hello from ocirun" ]
  # podman info asks the runtime for --version (runc's format).
  run --separate-stderr podman info --format '{{.Host.OCIRuntime.Name}} {{.Host.OCIRuntime.Path}} {{.Host.OCIRuntime.Version}}'
  [[ "$output" == "ocirun $OCIRUN ocirun version "*$'\ncommit: '*$'\nspec: '* ]]
  podman --runtime "$OCIRUN" run -d --name by-path "$IMAGE" sleep 1000
  [ "$(podman inspect --format '{{.OCIRuntime}}' by-path)" = "$OCIRUN" ]
  "$OCIRUN" state "$(cid by-path)" | jq -e '.status == "running"'
  podman rm -f -t 0 by-path
}

@test "podman: run -d, logs, exec, exec -t, run -t" {
  podman run -d --name detached "$IMAGE" sh -c 'echo started; exec sleep 1000'
  retry 50 logs_contain detached started
  [ "$(state_of detached)" = "running 0" ]
  run --separate-stderr podman exec detached sh -c 'echo in $(readlink /proc/1/exe); exit 4'
  [ "$status" -eq 4 ]
  [ "$output" = "in /bin/busybox" ]
  run --separate-stderr podman exec -t detached tty
  [ "$status" -eq 0 ]
  [[ "$output" == /dev/pts/* ]]
  run --separate-stderr podman run --rm -t "$IMAGE" sh -c 'tty; stty size >/dev/null && echo sized'
  [ "$status" -eq 0 ]
  [[ "$output" == /dev/pts/0* ]]
  podman rm -f -t 0 detached
}

@test "podman: stop sends TERM, then KILL after the timeout" {
  podman run -d --name trapper "$IMAGE" sh -c 'trap "echo got TERM; exit 7" TERM; echo ready; while :; do sleep 0.1; done'
  retry 50 logs_contain trapper ready
  podman stop trapper
  [ "$(state_of trapper)" = "exited 7" ]
  logs_contain trapper "got TERM"
  # sleep as pid 1 has no TERM handler, so TERM is ignored: KILL after 1 s.
  podman run -d --name stubborn --stop-timeout 1 "$IMAGE" sleep 1000
  podman stop stubborn
  [ "$(state_of stubborn)" = "exited 137" ]
  podman rm trapper stubborn
}

@test "podman: kill -s delivers the named signal" {
  podman run -d --name signalled "$IMAGE" sh -c 'trap "echo got USR1" USR1; echo ready; while :; do sleep 0.1; done'
  retry 50 logs_contain signalled ready
  podman kill -s USR1 signalled
  retry 50 logs_contain signalled "got USR1"
  [ "$(state_of signalled)" = "running 0" ]
  podman kill -s KILL signalled
  podman wait signalled
  [ "$(state_of signalled)" = "exited 137" ]
  podman rm signalled
}

@test "podman: pause/unpause freeze the container's cgroup" {
  podman run -d --name frozen "$IMAGE" sleep 1000
  local freezer
  freezer=/sys/fs/cgroup/freezer/libpod_parent/libpod-$(cid frozen)/freezer.state
  podman pause frozen
  [ "$(state_of frozen)" = "paused 0" ]
  [ "$(cat "$freezer")" = FROZEN ]
  podman unpause frozen
  [ "$(state_of frozen)" = "running 0" ]
  [ "$(cat "$freezer")" = THAWED ]
  run --separate-stderr podman exec frozen echo alive
  [ "$output" = alive ]
  podman rm -f -t 0 frozen
}

@test "podman: --memory and --pids-limit, update --memory" {
  podman run -d --name limited --memory 32m --pids-limit 17 "$IMAGE" sleep 1000
  run --separate-stderr podman exec limited cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max
  [ "$output" = $'33554432\n17' ]
  podman update --memory 64m limited
  run --separate-stderr podman exec limited cat /sys/fs/cgroup/memory/memory.limit_in_bytes
  [ "$output" = 67108864 ]
  podman rm -f -t 0 limited
}

@test "podman: rm -f removes a running container from ocirun and its cgroups" {
  podman run -d --name doomed "$IMAGE" sleep 1000
  local id pid
  id=$(cid doomed)
  pid=$(podman inspect --format '{{.State.Pid}}' doomed)
  "$OCIRUN" state "$id" | jq -e '.status == "running"'
  podman rm -f -t 0 doomed
  run "$OCIRUN" state "$id"
  [ "$status" -eq 1 ]
  [[ "$output" == *"does not exist"* ]]
  retry 50 process_gone "$pid"
  [ -z "$(find /sys/fs/cgroup -maxdepth 3 -type d -name "libpod-$id" 2>/dev/null || true)" ]
}

@test "podman: --user, --read-only, --cap-drop" {
  run --separate-stderr podman run --rm --user 1000:1000 "$IMAGE" id
  [ "$output" = "uid=1000(user) gid=1000(user) groups=1000(user)" ]
  run --separate-stderr podman run --rm --read-only "$IMAGE" sh -c 'touch /x 2>&1; echo rc=$?'
  [[ "$output" == *"Read-only file system"*"rc=1" ]]
  run --separate-stderr podman run --rm --cap-drop all "$IMAGE" grep CapEff /proc/self/status
  [[ "$output" == *0000000000000000 ]]
  run --separate-stderr podman run --rm --cap-drop net_raw,chown "$IMAGE" sh -c 'chown 1000 /tmp; echo rc=$?'
  [[ "$output" == *"rc=1" ]]
}

@test "podman: --device, --privileged, run -i" {
  # podman passes the host device's st_mode as fileMode (020666 here).
  run podman run --rm --device /dev/null:/dev/mynull "$IMAGE" sh -c 'ls -l /dev/mynull; echo x >/dev/mynull'
  [ "$status" -eq 0 ] || { echo "$output"; return 1; }
  [[ "$output" == "crw-rw-rw-"*" 1,   3 "*/dev/mynull ]]
  # --privileged: the host's devices and no seccomp filter.
  local default_devices
  default_devices=$(podman run --rm "$IMAGE" ls /dev | wc -l)
  run podman run --rm --privileged "$IMAGE" sh -c 'ls /dev | wc -l; grep Seccomp: /proc/self/status'
  [ "$status" -eq 0 ] || { echo "$output"; return 1; }
  [ "${lines[0]}" -gt "$default_devices" ]
  [[ "${lines[1]}" == *0 ]]
  run podman run --rm -i "$IMAGE" cat <<<"from-stdin"
  [ "$status" -eq 0 ]
  [ "$output" = from-stdin ]
}

@test "podman: its default seccomp profile and --security-opt seccomp=FILE" {
  run --separate-stderr podman run --rm "$IMAGE" grep -E '^Seccomp:' /proc/self/status
  [[ "$output" == *2 ]]
  # add_key: podman's default profile answers ENOSYS (38); unconfined the kernel says EFAULT.
  run --separate-stderr podman run --rm "$IMAGE" ocitest syscall 248
  [ "$output" = "errno 38" ]
  run --separate-stderr podman run --rm --security-opt seccomp=unconfined "$IMAGE" ocitest syscall 248
  [ "$output" = "errno 14" ]
  cat >"$BATS_TEST_TMPDIR/profile.json" <<'JSON'
{"defaultAction": "SCMP_ACT_ALLOW",
 "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}
JSON
  run --separate-stderr podman run --rm --security-opt "seccomp=$BATS_TEST_TMPDIR/profile.json" "$IMAGE" sh -c 'mkdir /tmp/d 2>&1; echo rc=$?'
  [[ "$output" == *"Operation not permitted"*"rc=1" ]]
}

@test "podman: --sdnotify=container passes the container's READY=1 on" {
  local listener
  "$OCITEST" notify-listen "$ENGINE_DIR/notify.sock" "$ENGINE_DIR/notify.out" 3>&- &
  listener=$!
  retry 50 test -S "$ENGINE_DIR/notify.sock"
  NOTIFY_SOCKET=$ENGINE_DIR/notify.sock podman run -d --name notifier --sdnotify=container "$IMAGE" \
    sh -c 'ocitest sd-notify READY=1; exec sleep 1000'
  retry 50 grep -qx READY=1 "$ENGINE_DIR/notify.out" || { kill "$listener"; return 1; }
  kill "$listener"
  podman rm -f -t 0 notifier
}

@test "podman: ocirun's errors reach the user (json log with runtime_supports_json, stderr without)" {
  run -127 --separate-stderr podman run --rm "$IMAGE" /nonexistent
  [[ "$stderr" == *'ocirun: exec: "/nonexistent": no such file or directory'* ]]
  # A limit the host cannot grant: ocirun's own message, naming the field.
  run --separate-stderr podman run --rm --ulimit nofile=$(($(ulimit -Hn) + 1)):$(($(ulimit -Hn) + 1)) "$IMAGE" true
  [ "$status" -ne 0 ]
  [[ "$stderr" == *'ocirun: $.process.rlimits[0].hard: cannot raise RLIMIT_NOFILE'* ]]
  podman run -d --name errors "$IMAGE" sleep 1000
  run -127 --separate-stderr podman exec errors /nonexistent
  [[ "$stderr" == *'exec: "/nonexistent": no such file or directory'* ]]
  podman rm -f -t 0 errors
  # Without runtime_supports_json conmon passes on what ocirun wrote to stderr.
  grep -v runtime_supports_json "$CONTAINERS_CONF" >"$ENGINE_DIR/containers-stderr.conf"
  run -127 --separate-stderr env CONTAINERS_CONF="$ENGINE_DIR/containers-stderr.conf" podman run --rm "$IMAGE" /nonexistent
  [[ "$stderr" == *'ocirun: exec: "/nonexistent": no such file or directory'* ]]
  run --separate-stderr podman ps -a --format '{{.Names}}'
  [ -z "$output" ]
}
