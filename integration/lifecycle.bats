#!/usr/bin/env bats
# The OCI lifecycle with runc's CLI behaviour: create, start, state, kill,
# delete, list, run.

load helpers

setup() {
  setup_bundle ocitest sleep
}

teardown() {
  teardown_bundle
}

@test "lifecycle: create leaves the init waiting; start runs the process" {
  create_container --pid-file "$BUNDLE/pid" c1
  [ "$(container_status c1)" = "created" ]
  pid=$(init_pid c1)
  [ "$(cat "$BUNDLE/pid")" = "$pid" ]
  # The process has not been executed yet: init is still ours.
  [[ "$(cat /proc/$pid/comm)" == "ocirun:[INIT]" ]]
  run ocirun start c1
  [ "$status" -eq 0 ]
  wait_for_status c1 running
  [ "$(readlink /proc/$pid/exe)" = "$TEST_ROOTFS/bin/ocitest" ] || [[ "$(cat /proc/$pid/comm)" == ocitest ]]
}

@test "lifecycle: state prints the OCI state with runc's fields" {
  create_container c1
  run ocirun state c1
  [ "$status" -eq 0 ]
  run jq -r '.ociVersion, .id, .status, .bundle, .rootfs, (.pid > 0), (.created | test("^[0-9-]+T[0-9:.]+Z$"))' <<<"$output"
  [ "${lines[0]}" = "1.3.0" ]
  [ "${lines[1]}" = "c1" ]
  [ "${lines[2]}" = "created" ]
  [ "${lines[3]}" = "$BUNDLE" ]
  [ "${lines[4]}" = "$TEST_ROOTFS" ]
  [ "${lines[5]}" = "true" ]
  [ "${lines[6]}" = "true" ]
}

@test "lifecycle: status is derived: a killed init reads as stopped" {
  create_container c1
  ocirun start c1
  kill -9 "$(init_pid c1)"
  wait_for_status c1 stopped
  run ocirun state c1
  [ "$(jq -r .pid <<<"$output")" = "0" ]
}

@test "lifecycle: start twice, or after the container stopped, fails like runc" {
  create_container c1
  ocirun start c1
  run ocirun start c1
  [ "$status" -eq 1 ]
  [[ "$output" == *"cannot start an already running container"* ]]
  ocirun kill c1 KILL
  wait_for_status c1 stopped
  run ocirun start c1
  [ "$status" -eq 1 ]
  [[ "$output" == *"cannot start a container that has stopped"* ]]
}

@test "lifecycle: kill accepts numbers, names and SIG names; default is SIGTERM" {
  update_config '.process.args = ["sh", "-c", "trap \"echo got-term; exit 3\" TERM; while true; do sleep 0.1; done"]'
  run_detached c1
  wait_for_status c1 running
  sleep 0.2
  run ocirun kill c1
  [ "$status" -eq 0 ]
  wait_for_status c1 stopped
  ocirun delete c1
  for sig in 9 KILL SIGKILL sigkill; do
    run_detached c2
    run ocirun kill c2 "$sig"
    [ "$status" -eq 0 ]
    wait_for_status c2 stopped
    ocirun delete c2
  done
}

@test "lifecycle: kill of a stopped container and bad signals fail with runc's texts" {
  run_detached c1
  ocirun kill c1 KILL
  wait_for_status c1 stopped
  run ocirun kill c1 KILL
  [ "$status" -eq 1 ]
  [[ "$output" == *"container not running"* ]]
  run_detached c2
  run ocirun kill c2 SIGBOGUS
  [ "$status" -eq 1 ]
  [[ "$output" == *'invalid signal "SIGBOGUS"'* ]]
  run ocirun kill c2 0
  [ "$status" -eq 1 ]
  [ "$(container_status c2)" = "running" ]
}

@test "lifecycle: unknown ids say does not exist; delete --force of one succeeds" {
  for cmd in state start delete "kill"; do
    run ocirun $cmd nosuch
    [ "$status" -eq 1 ]
    [[ "$output" == *'container "nosuch" does not exist'* ]]
  done
  run ocirun delete --force nosuch
  [ "$status" -eq 0 ]
}

@test "lifecycle: delete refuses a running container without --force and changes nothing" {
  run_detached c1
  pid=$(init_pid c1)
  run ocirun delete c1
  [ "$status" -eq 1 ]
  [[ "$output" == *"cannot delete container c1 that is not stopped: running"* ]]
  [ "$(container_status c1)" = "running" ]
  kill -0 "$pid"
  run ocirun delete --force c1
  [ "$status" -eq 0 ]
  process_gone "$pid"
  [ ! -e "$STATE_ROOT/c1" ]
  assert_no_cgroup c1
}

@test "lifecycle: delete of a created container kills its init (containerd relies on it)" {
  create_container c1
  pid=$(init_pid c1)
  run ocirun delete c1
  [ "$status" -eq 0 ]
  process_gone "$pid"
  [ ! -e "$STATE_ROOT/c1" ]
  assert_no_cgroup c1
}

@test "lifecycle: delete of a stopped container removes state dir and cgroups" {
  set_args true
  create_container c1
  [ -d /sys/fs/cgroup/pids/ocirun/c1 ] || [ -d /sys/fs/cgroup/ocirun/c1 ]
  ocirun start c1
  wait_for_status c1 stopped
  run ocirun delete c1
  [ "$status" -eq 0 ]
  [ ! -e "$STATE_ROOT/c1" ]
  assert_no_cgroup c1
  run ocirun state c1
  [[ "$output" == *"does not exist"* ]]
}

@test "lifecycle: list shows containers as table, json and ids" {
  create_container a1
  run_detached b2
  run ocirun list
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" =~ ^ID\ +PID\ +STATUS\ +BUNDLE\ +CREATED\ +OWNER$ ]]
  [[ "${lines[1]}" =~ ^a1\ +[0-9]+\ +created\ +$BUNDLE ]]
  [[ "${lines[2]}" =~ ^b2\ +[0-9]+\ +running\ +$BUNDLE ]]
  run ocirun list -q
  [ "$output" = "$(printf 'a1\nb2')" ]
  run ocirun list --format json
  [ "$(jq -r '.[1].status' <<<"$output")" = "running" ]
}

@test "lifecycle: container ids are validated like runc's" {
  for id in "a/b" ".." "." "has space" "new
line" "$(printf 'x%.0s' {1..256})"; do
    run ocirun create "$id"
    [ "$status" -eq 1 ]
    [[ "$output" == *"invalid container id"* ]]
  done
  [ -z "$(ls -A "$STATE_ROOT" 2>/dev/null)" ]
}

@test "lifecycle: a duplicate id is refused and the existing container is untouched" {
  create_container c1
  pid=$(init_pid c1)
  run ocirun create c1
  [ "$status" -eq 1 ]
  [[ "$output" == *"container with id exists: c1"* ]]
  [ "$(container_status c1)" = "created" ]
  [ "$(init_pid c1)" = "$pid" ]
}

@test "lifecycle: a missing executable fails create, leaving nothing behind" {
  set_args /bin/nonexistent
  run ocirun create c1
  [ "$status" -eq 1 ]
  [[ "$output" == *'exec: "/bin/nonexistent": no such file or directory'* ]]
  [ ! -e "$STATE_ROOT/c1" ]
  assert_no_cgroup c1
  set_args nosuchcommand
  run ocirun create c1
  [ "$status" -eq 1 ]
  [[ "$output" == *'exec: "nosuchcommand": executable file not found in $PATH'* ]]
}

@test "lifecycle: bad bundles fail with one clear message and leave nothing" {
  run ocirun create --bundle /nonexistent c1
  [ "$status" -eq 1 ]
  [[ "$output" == *"bundle /nonexistent: No such file or directory"* ]]
  update_config '.root.path = "/nonexistent-rootfs"'
  run ocirun create c1
  [ "$status" -eq 1 ]
  [[ "$output" == *'$.root.path: rootfs /nonexistent-rootfs: No such file or directory'* ]]
  echo '{"ociVersion": ' >"$BUNDLE/config.json"
  run ocirun create c1
  [ "$status" -eq 1 ]
  [[ "$output" == *'$: invalid JSON'* ]]
  [ "${#lines[@]}" -eq 1 ]
  [ ! -e "$STATE_ROOT/c1" ]
  assert_no_cgroup c1
}

@test "lifecycle: run in the foreground returns the exit status and deletes the container" {
  set_args sh -c 'exit 42'
  run ocirun run c1
  [ "$status" -eq 42 ]
  [ ! -e "$STATE_ROOT/c1" ]
  assert_no_cgroup c1
  set_args sh -c 'echo out; echo err >&2'
  run ocirun run c2
  [ "$status" -eq 0 ]
  [[ "$output" == *out* ]] && [[ "$output" == *err* ]]
}

@test "lifecycle: run forwards signals and reports 128+signal" {
  set_args sleep 30
  "$OCIRUN" --root "$STATE_ROOT" run c1 </dev/null >/dev/null 2>&1 &
  runpid=$!
  wait_for_status c1 running
  kill -USR1 "$runpid"  # forwarded; sleep, pid 1 in its namespace, has no handler
  kill -KILL "$(init_pid c1)"
  rc=0
  wait "$runpid" || rc=$?
  [ "$rc" -eq 137 ]
  set_args sh -c 'trap "exit 5" INT; while :; do sleep 0.05; done'
  "$OCIRUN" --root "$STATE_ROOT" run c2 </dev/null >/dev/null 2>&1 &
  runpid=$!
  wait_for_status c2 running
  sleep 0.2
  kill -INT "$runpid"
  rc=0
  wait "$runpid" || rc=$?
  [ "$rc" -eq 5 ]
}

@test "lifecycle: run --keep leaves the stopped container for inspection" {
  set_args true
  run ocirun run --keep c1
  [ "$status" -eq 0 ]
  [ "$(container_status c1)" = "stopped" ]
  ocirun delete c1
}

@test "lifecycle: the process inherits stdio and only its stdio" {
  set_args ocitest fds
  run ocirun run c1
  [ "$status" -eq 0 ]
  # 0, 1, 2 and nothing else
  [ "${#lines[@]}" -eq 3 ]
  [[ "${lines[0]}" == "0 -> "* ]]
}

@test "lifecycle: --preserve-fds passes extra fds through" {
  set_args ocitest fds
  exec 5>"$BUNDLE/extra"
  run ocirun run --preserve-fds 3 c1 3>/dev/null 4>/dev/null
  exec 5>&-
  [ "$status" -eq 0 ]
  [[ "$output" == *"5 -> $BUNDLE/extra"* ]] || [[ "$output" == *"5 -> "*extra* ]]
}

@test "lifecycle: concurrent operations on one id never corrupt state" {
  create_container c1
  for i in 1 2 3 4 5 6; do ocirun start c1 >/dev/null 2>&1 & done
  for i in 1 2 3 4 5 6; do ocirun state c1 >/dev/null & done
  wait || true
  wait_for_status c1 running
  run ocirun state c1
  jq -e . <<<"$output"
  for i in 1 2 3; do ocirun delete --force c1 & done
  wait || true
  [ ! -e "$STATE_ROOT/c1" ]
  assert_no_cgroup c1
}

@test "lifecycle: the shim's call sequence works with a json log" {
  "$OCIRUN" --root "$STATE_ROOT" --log "$BUNDLE/log.json" --log-format json \
    create --bundle "$BUNDLE" --pid-file "$BUNDLE/init.pid" shim1 </dev/null >/dev/null 2>&1
  "$OCIRUN" --root "$STATE_ROOT" --log "$BUNDLE/log.json" --log-format json start shim1
  "$OCIRUN" --root "$STATE_ROOT" --log "$BUNDLE/log.json" --log-format json kill shim1 9
  wait_for_status shim1 stopped
  "$OCIRUN" --root "$STATE_ROOT" --log "$BUNDLE/log.json" --log-format json delete shim1
  run "$OCIRUN" --root "$STATE_ROOT" --log "$BUNDLE/log.json" --log-format json delete shim1
  [ "$status" -eq 1 ]
  [ "$(tail -n1 "$BUNDLE/log.json" | jq -r .msg)" = 'container "shim1" does not exist' ]
}

@test "lifecycle: NOTIFY_SOCKET: start waits for READY=1 and forwards it with MAINPID" {
  "$OCITEST" notify-listen "$BUNDLE/host.sock" "$BUNDLE/notified" &
  listener=$!
  sleep 0.1
  set_args sh -c 'sleep 0.3; ocitest sd-notify READY=1; ocitest sleep'
  NOTIFY_SOCKET="$BUNDLE/host.sock" create_container n1
  [ -S "$BUNDLE/host.sock" ]
  run grep -q READY "$BUNDLE/notified"
  [ "$status" -ne 0 ]
  NOTIFY_SOCKET="$BUNDLE/host.sock" ocirun start n1
  kill "$listener"
  run cat "$BUNDLE/notified"
  [ "${lines[0]}" = "READY=1" ]
  [ "${lines[1]}" = "MAINPID=$(init_pid n1)" ]
  [ "${lines[2]}" = "BARRIER=1" ]
  ocirun delete --force n1
  [ ! -e "$STATE_ROOT/n1" ]
}

@test "lifecycle: NOTIFY_SOCKET: run in the foreground forwards READY=1 while it waits" {
  "$OCITEST" notify-listen "$BUNDLE/host.sock" "$BUNDLE/notified" &
  listener=$!
  sleep 0.1
  set_args sh -c 'ocitest sd-notify READY=1; sleep 0.5; exit 3'
  local rc=0
  NOTIFY_SOCKET="$BUNDLE/host.sock" "$OCIRUN" --root "$STATE_ROOT" run n2 </dev/null >"$BUNDLE/run.out" 2>&1 || rc=$?
  kill "$listener"
  cat "$BUNDLE/run.out" "$BUNDLE/notified"
  [ "$rc" -eq 3 ]
  run cat "$BUNDLE/notified"
  [ "${lines[0]}" = "READY=1" ]
  [[ "${lines[1]}" == MAINPID=* ]]
  [ ! -e "$STATE_ROOT/n2" ]
}

@test "lifecycle: --console-socket gets exactly one fd, the pty master, and the pty name" {
  update_config '.process.terminal = true'
  set_args sh -c 'tty; read line; echo "got $line"'
  "$OCITEST" recvtty "$BUNDLE/console.sock" $'typed\n' >"$BUNDLE/tty.out" 2>"$BUNDLE/tty.err" &
  local receiver=$!
  for _ in $(seq 50); do [ -S "$BUNDLE/console.sock" ] && break; sleep 0.05; done
  create_container --console-socket "$BUNDLE/console.sock" c1
  ocirun start c1
  wait "$receiver"
  cat "$BUNDLE/tty.err" "$BUNDLE/tty.out"
  grep -q '^pty /dev/pts/' "$BUNDLE/tty.err"
  grep -q '^/dev/pts/' "$BUNDLE/tty.out"
  grep -q 'got typed' "$BUNDLE/tty.out"
  ocirun delete --force c1
}
