#!/usr/bin/env bats
# containerd (Debian 1.6.20) runs its tasks on ocirun through its runc-v2
# shim: a private daemon (own config, root, state and sockets, CRI plugin
# off) and ctr with --runc-binary (the shim's BinaryName option) and
# --runc-root; the image is an OCI layout of the test rootfs made with umoci.

load engine_helpers

IMAGE=localhost/ocirun-busybox:latest
NAMESPACE=ocirun-engines-test

setup_file() {
  requires_root
  install_engine containerd umoci busybox-static
  make_engine_dir containerd
  # ctr puts its FIFOs and the shims their sockets below /run/containerd whatever the config says.
  RUN_CONTAINERD_BEFORE=$([ -e /run/containerd ] && echo yes || true)
  export RUN_CONTAINERD_BEFORE
  cat >"$ENGINE_DIR/config.toml" <<CONF
version = 2
root = "$ENGINE_DIR/root"
state = "$ENGINE_DIR/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$ENGINE_DIR/containerd.sock"
[ttrpc]
  address = "$ENGINE_DIR/containerd.sock.ttrpc"
[debug]
  address = "$ENGINE_DIR/debug.sock"
CONF
  containerd --config "$ENGINE_DIR/config.toml" </dev/null >"$ENGINE_DIR/containerd.log" 2>&1 3>&- &
  echo $! >"$ENGINE_DIR/containerd.pid"
  retry 100 ctr_ version >/dev/null 2>&1
  local layout=$ENGINE_DIR/layout
  umoci init --layout "$layout"
  umoci new --image "$layout:latest"
  ensure_rootfs
  umoci insert --image "$layout:latest" "$TEST_ROOTFS" /
  tar -C "$layout" -cf "$ENGINE_DIR/image.tar" .
  ctr_ images import --base-name "${IMAGE%:latest}" "$ENGINE_DIR/image.tar" >/dev/null
}

teardown_file() {
  [ -n "${ENGINE_DIR:-}" ] || return 0
  local id pid
  if [ -S "$ENGINE_DIR/containerd.sock" ]; then
    for id in $(ctr_ tasks ls -q 2>/dev/null); do
      ctr_ tasks kill -s KILL "$id" >/dev/null 2>&1 || true
      retry 50 task_stopped "$id" 2>/dev/null || true
      ctr_ tasks delete -f "$id" >/dev/null 2>&1 || true
    done
    for id in $(ctr_ containers ls -q 2>/dev/null); do ctr_ containers rm "$id" >/dev/null 2>&1 || true; done
    ctr_ images rm "$IMAGE" >/dev/null 2>&1 || true
  fi
  stop_pid "$(cat "$ENGINE_DIR/containerd.pid" 2>/dev/null)"
  # A shim outlives its daemon; ours are the ones given our socket.
  for pid in $(pgrep -f -- "-address $ENGINE_DIR/containerd.sock" || true); do stop_pid "$pid"; done
  unmount_under "$ENGINE_DIR"
  rm -rf "$ENGINE_DIR"
  [ -n "$RUN_CONTAINERD_BEFORE" ] || rm -rf /run/containerd
  remove_cgroup_tree $(cgroup_dirs "$NAMESPACE")
}

ctr_() {
  ctr --address "$ENGINE_DIR/containerd.sock" --namespace "$NAMESPACE" "$@"
}

# ctr run on ocirun: the runc-v2 shim's BinaryName and Root options.
ctr_run() {
  ctr_ run --runc-binary "$OCIRUN" --runc-root "$ENGINE_DIR/ocirun" "$@"
}

task_status() {
  ctr_ tasks ls | awk -v id="$1" '$1 == id { print $3 }'
}

task_stopped() {
  [ "$(task_status "$1")" = STOPPED ]
}

# with_tty FUNCTION ARG...: runs it on a pseudo-terminal, as ctr -t needs one
# (script(1) runs a command line: this file's functions are passed to it by name).
with_tty() {
  local cmdline
  cmdline=$(printf '%q ' "$@")
  SHELL=/bin/bash ENGINE_DIR=$ENGINE_DIR NAMESPACE=$NAMESPACE OCIRUN=$OCIRUN \
    script -qec "$(declare -f ctr_ ctr_run); $cmdline" /dev/null </dev/null
}

# delete_task ID: deletes the stopped task and its container; prints what ctr said (the exit code).
delete_task() {
  ctr_ tasks delete "$1" 2>&1
  ctr_ containers rm "$1"
}

@test "containerd: run returns the exit status and output; nothing is left after --rm" {
  run --separate-stderr ctr_run --rm "$IMAGE" once sh -c 'echo hello from ocirun; exit 3'
  [ "$status" -eq 3 ]
  [ "$output" = "hello from ocirun" ]
  run ctr_ containers ls -q
  [ -z "$output" ]
  [ -z "$(ls "$ENGINE_DIR/ocirun/$NAMESPACE")" ]
}

@test "containerd: run -t, tasks exec (also -t), tasks ps" {
  run with_tty ctr_run --rm -t "$IMAGE" tty-run sh -c 'tty; exit 4'
  [ "$status" -eq 4 ]
  [[ "$output" == *"/dev/pts/0"* ]]
  ctr_run -d "$IMAGE" server sleep 1000
  [ "$(task_status server)" = RUNNING ]
  run --separate-stderr ctr_ tasks exec --exec-id plain server sh -c 'echo in $(readlink /proc/1/exe); exit 5'
  [ "$status" -eq 5 ]
  [ "$output" = "in /bin/busybox" ]
  run with_tty ctr_ tasks exec -t --exec-id term server sh -c 'tty; exit 6'
  [ "$status" -eq 6 ]
  [[ "$output" == *"/dev/pts/"* ]]
  # tasks ps comes from `ocirun ps --format json`: the init's host pid.
  local pid
  pid=$(ctr_ tasks ls | awk '$1 == "server" { print $2 }')
  run --separate-stderr ctr_ tasks ps server
  [[ "$output" == *$'\n'"$pid "* ]]
  "$OCIRUN" --root "$ENGINE_DIR/ocirun/$NAMESPACE" ps --format json server | jq -e --argjson pid "$pid" '. == [$pid]'
  ctr_ tasks kill -s KILL server
  retry 50 task_stopped server
  run delete_task server
  [[ "$output" == *"exit code 137"* ]]
}

@test "containerd: tasks kill delivers TERM (and numbered signals)" {
  ctr_run -d "$IMAGE" trapper sh -c 'trap "exit 7" TERM; while :; do sleep 0.1; done'
  sleep 0.2  # the trap is set once the shell has started
  ctr_ tasks kill trapper
  retry 50 task_stopped trapper
  run delete_task trapper
  [[ "$output" == *"exit code 7"* ]]
  ctr_run -d "$IMAGE" victim sleep 1000
  ctr_ tasks kill -s 9 victim
  retry 50 task_stopped victim
  run delete_task victim
  [[ "$output" == *"exit code 137"* ]]
}

@test "containerd: pause/resume freeze the task; metrics read its cgroup" {
  ctr_run -d --memory-limit 67108864 "$IMAGE" frozen sleep 1000
  ctr_ tasks pause frozen
  [ "$(task_status frozen)" = PAUSED ]
  [ "$(cat /sys/fs/cgroup/freezer/$NAMESPACE/frozen/freezer.state)" = FROZEN ]
  ctr_ tasks resume frozen
  [ "$(task_status frozen)" = RUNNING ]
  [ "$(cat /sys/fs/cgroup/freezer/$NAMESPACE/frozen/freezer.state)" = THAWED ]
  ctr_ tasks metrics --format json frozen | jq -e '.pids.current == 1 and .memory.usage.limit == 67108864'
  ctr_ tasks kill -s KILL frozen
  retry 50 task_stopped frozen
  delete_task frozen
  run "$OCIRUN" --root "$ENGINE_DIR/ocirun/$NAMESPACE" state frozen
  [ "$status" -eq 1 ]
  [[ "$output" == *"does not exist"* ]]
  [ ! -e "/sys/fs/cgroup/freezer/$NAMESPACE/frozen" ]
}

@test "containerd: ocirun's error (json log) reaches the user; nothing is left behind" {
  run --separate-stderr ctr_run --rm "$IMAGE" broken /nonexistent
  [ "$status" -ne 0 ]
  [[ "$stderr" == *'OCI runtime create failed: exec: "/nonexistent": no such file or directory'* ]]
  run ctr_ containers ls -q
  [[ $'\n'"$output"$'\n' != *$'\n'broken$'\n'* ]]
  [ ! -e "$ENGINE_DIR/ocirun/$NAMESPACE/broken" ]
  [ ! -e "/sys/fs/cgroup/memory/$NAMESPACE/broken" ]
  ctr_run -d "$IMAGE" execfail sleep 1000
  run --separate-stderr ctr_ tasks exec --exec-id bad execfail /nonexistent
  [ "$status" -ne 0 ]
  [[ "$stderr" == *'exec: "/nonexistent": no such file or directory'* ]]
  ctr_ tasks kill -s KILL execfail
  retry 50 task_stopped execfail
  delete_task execfail
}
