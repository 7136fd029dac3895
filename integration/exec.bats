#!/usr/bin/env bats
# exec: a new process in a running container, as engines drive it. It must
# land in every namespace and the cgroup of the container, get the
# settings of its process (flags or --process), report its exit status,
# and fail like runc when the container is paused or stopped.

load helpers

setup() {
  setup_bundle ocitest sleep
  ID="exec$$-$BATS_TEST_NUMBER"
  RECV_PID=
}

teardown() {
  [ -z "$RECV_PID" ] || kill "$RECV_PID" 2>/dev/null || true
  teardown_bundle
}

# ocirun exec with stdin closed; sets $status and $output.
exec_in() {
  run "$OCIRUN" --root "$STATE_ROOT" exec "$@" </dev/null
}

# Pids in the container's cgroup, as `ocirun ps` lists them.
container_pids() {
  "$OCIRUN" --root "$STATE_ROOT" ps --format json "$ID" | jq -r '.[]'
}

@test "exec: returns the process's exit status, 128+signal when killed" {
  run_detached "$ID"
  exec_in "$ID" sh -c 'echo hello from exec'
  [ "$status" -eq 0 ]
  [ "$output" = "hello from exec" ]
  exec_in "$ID" sh -c 'exit 7'
  [ "$status" -eq 7 ]
  exec_in "$ID" sh -c 'kill -KILL $$'
  [ "$status" -eq 137 ]
}

@test "exec: the process joins every namespace of the container" {
  # All eight types new, a user namespace with an identity mapping.
  update_config '.linux.namespaces = [{type:"pid"},{type:"network"},{type:"ipc"},{type:"uts"},{type:"mount"},
                                      {type:"cgroup"},{type:"user"},{type:"time"}]
                 | .linux.uidMappings = [{containerID:0, hostID:0, size:65536}]
                 | .linux.gidMappings = [{containerID:0, hostID:0, size:65536}]
                 | .linux.timeOffsets = {monotonic: {secs: 86400, nanosecs: 0}}
                 | .hostname = "exec-ns"'
  run_detached "$ID"
  local init host
  init=$(init_pid "$ID")
  exec_in "$ID" sh -c 'for n in cgroup ipc mnt net pid time uts user; do echo "$n $(readlink /proc/self/ns/$n)"; done'
  [ "$status" -eq 0 ]
  echo "$output"
  for n in cgroup ipc mnt net pid time uts user; do
    host=$(readlink "/proc/$init/ns/$n")
    [[ "$output" == *"$n $host"* ]] || { echo "$n: exec is not in $host" >&2; return 1; }
    [ "$host" != "$(readlink /proc/self/ns/$n)" ]
  done
  exec_in "$ID" hostname
  [ "$output" = "exec-ns" ]
  # In the container's pid namespace (init is 1) and its time namespace.
  exec_in "$ID" sh -c 'cat /proc/1/cmdline | tr "\0" " "; echo; cat /proc/self/timens_offsets'
  [[ "$output" == "ocitest sleep"* ]]
  [[ "$output" == *"monotonic"*"86400"* ]]
}

@test "exec: the process sees the container's root, not the host's" {
  run_detached "$ID"
  exec_in "$ID" sh -c 'ls /bin/ocitest && test ! -e "'"$OCIRUN_SOURCE_DIR"'" && echo contained'
  [ "$status" -eq 0 ]
  [[ "$output" == *contained* ]]
  # And the root is the container's when it shares our mount namespace.
  teardown_bundle
  setup_bundle ocitest sleep
  # Without a mount namespace the runtime writes /dev nodes into the rootfs:
  # a private copy keeps the shared test rootfs clean.
  cp -a "$TEST_ROOTFS" "$BUNDLE/rootfs"
  update_config '.linux.namespaces = [.linux.namespaces[] | select(.type != "mount")] | .linux.maskedPaths = []
                 | .linux.readonlyPaths = [] | .mounts = [] | .root.readonly = false | .root.path = "rootfs"'
  run_detached "$ID"
  exec_in "$ID" sh -c 'ls /bin/ocitest && test ! -e "'"$OCIRUN_SOURCE_DIR"'" && echo contained'
  [ "$status" -eq 0 ]
  [[ "$output" == *contained* ]]
}

@test "exec: the process lands in the container's cgroup (and a named sub-cgroup)" {
  run_detached "$ID"
  local init
  init=$(init_pid "$ID")
  # Same cgroups as the init, hierarchy by hierarchy (seen from the host).
  "$OCIRUN" --root "$STATE_ROOT" exec -d --pid-file "$BUNDLE/first.pid" "$ID" ocitest sleep </dev/null >/dev/null 2>&1
  [ "$(cat "/proc/$(cat "$BUNDLE/first.pid")/cgroup")" = "$(cat /proc/$init/cgroup)" ]
  "$OCIRUN" --root "$STATE_ROOT" exec -d --pid-file "$BUNDLE/exec.pid" "$ID" ocitest sleep </dev/null >/dev/null 2>&1
  container_pids | grep -qx "$(cat "$BUNDLE/exec.pid")"
  exec_in --cgroup sub "$ID" cat /proc/self/cgroup
  [ "$status" -eq 0 ]
  echo "$output"
  [[ "$(grep pids <<<"$output")" == */sub ]]
  run "$OCIRUN" --root "$STATE_ROOT" delete --force "$ID"
  [ "$status" -eq 0 ]
  assert_no_cgroup "$ID"
  exec_in --cgroup ../escape "$ID" true
  [ "$status" -ne 0 ]
}

@test "exec: user, groups, cwd, env and capabilities from the flags" {
  update_config '.process.env += ["FOO=container"]'
  run_detached "$ID"
  exec_in -u 1000:1000 -g 5 -g 6 "$ID" id
  [ "$status" -eq 0 ]
  [[ "$output" == "uid=1000"*"gid=1000"*"groups="*"5"*"6"* ]]
  exec_in --cwd /tmp -e FOO=flag -e BAR=x "$ID" sh -c 'pwd; echo "$FOO $BAR"; env | grep -c ^FOO='
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "/tmp" ]
  [ "${lines[1]}" = "flag x" ]
  [ "${lines[2]}" = "1" ]
  # CAP_SYS_ADMIN is bit 21: added to bounding, effective and permitted.
  exec_in --cap CAP_SYS_ADMIN "$ID" ocitest caps
  echo "$output"
  [[ "$output" == *"effective 0000000020200420"* ]]
  [[ "$output" == *"bounding 0000000020200420"* ]]
  exec_in "$ID" ocitest caps
  [[ "$output" == *"effective 0000000020000420"* ]]
  exec_in --no-new-privs "$ID" grep NoNewPrivs /proc/self/status
  [[ "$output" == *"1" ]]
  exec_in --cap CAP_BOGUS "$ID" true
  [ "$status" -eq 255 ]
  [[ "$output" == *"CAP_BOGUS"* ]]
}

@test "exec: --process runs a process.json; what it leaves out comes from the container" {
  update_config '.process.rlimits = [{type:"RLIMIT_NOFILE", soft:512, hard:512}]'
  run_detached "$ID"
  jq -n '{args: ["sh", "-c", "echo $WHO; id -u; pwd; ulimit -n"], env: ["WHO=processjson", "PATH=/bin"],
          cwd: "/etc", user: {uid: 42, gid: 42}}' >"$BUNDLE/process.json"
  exec_in --process "$BUNDLE/process.json" "$ID"
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "processjson" ]
  [ "${lines[1]}" = "42" ]
  [ "${lines[2]}" = "/etc" ]
  [ "${lines[3]}" = "512" ]
  # A broken document names the file and the field.
  echo '{"args": "sh", "cwd": "/"}' >"$BUNDLE/bad.json"
  exec_in --process "$BUNDLE/bad.json" "$ID"
  [ "$status" -eq 255 ]
  [[ "$output" == *"bad.json"*"\$.args"* ]]
}

@test "exec: the container's seccomp filter applies" {
  update_config '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
                   syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO", errnoRet: 1}]}
                 | .root.readonly = false'
  run_detached "$ID"
  exec_in "$ID" mkdir /tmp/blocked
  [ "$status" -ne 0 ]
  [[ "$output" == *"Operation not permitted"* ]]
}

@test "exec: --detach returns once the process runs; the pid file names it" {
  run_detached "$ID"
  # Its stdio must not be bats' pipes, or bats would wait for it.
  "$OCIRUN" --root "$STATE_ROOT" exec --detach --pid-file "$BUNDLE/exec.pid" "$ID" ocitest sleep \
    </dev/null >"$BUNDLE/exec.out" 2>&1
  local pid
  pid=$(cat "$BUNDLE/exec.pid")
  [ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" = "ocitest sleep " ]
  [ "$(readlink /proc/$pid/ns/pid)" = "$(readlink /proc/$(init_pid "$ID")/ns/pid)" ]
}

@test "exec: only stdio and the preserved fds reach the process" {
  run_detached "$ID"
  run "$OCIRUN" --root "$STATE_ROOT" exec "$ID" ocitest fds </dev/null
  [ "$status" -eq 0 ]
  echo "$output"
  [ "$(grep -cv '^[012] ->' <<<"$output")" -eq 0 ]
  run "$OCIRUN" --root "$STATE_ROOT" exec --preserve-fds 1 "$ID" ocitest fds 3<"$BUNDLE/config.json" </dev/null
  [[ "$output" == *"3 -> "* ]]
  [ "$(grep -cv '^[0123] ->' <<<"$output")" -eq 0 ]
}

@test "exec: --tty with --console-socket sends the pty master; in the foreground ocirun proxies it" {
  run_detached "$ID"
  local sock="$BUNDLE/console.sock"
  "$OCITEST" recvtty "$sock" $'tty; exit 3\n' >"$BUNDLE/tty.out" 2>"$BUNDLE/tty.err" &
  RECV_PID=$!
  for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.05; done
  "$OCIRUN" --root "$STATE_ROOT" exec -d -t --console-socket "$sock" "$ID" sh </dev/null
  wait "$RECV_PID"
  RECV_PID=
  cat "$BUNDLE/tty.err" "$BUNDLE/tty.out"
  grep -q '^pty /dev/pts/' "$BUNDLE/tty.err"
  grep -q '^/dev/pts/' "$BUNDLE/tty.out"
  # Foreground: a terminal for us too (script gives one), exit status kept.
  run script -eqc "$OCIRUN --root $STATE_ROOT exec -t $ID sh -c 'tty; exit 4'" /dev/null </dev/null
  echo "$output"
  [ "$status" -eq 4 ]
  [[ "$output" == *"/dev/pts/"* ]]
  # A detached terminal needs somewhere to go.
  exec_in -d -t "$ID" sh
  [ "$status" -eq 255 ]
  [[ "$output" == *"console-socket"* ]]
}

@test "exec: signals sent to ocirun reach the process" {
  run_detached "$ID"
  "$OCIRUN" --root "$STATE_ROOT" exec "$ID" ocitest sleep </dev/null &
  local runner=$!
  for _ in $(seq 100); do [ "$(container_pids | wc -l)" -eq 2 ] && break; sleep 0.05; done
  kill -USR1 "$runner"
  local rc=0
  wait "$runner" || rc=$?
  [ "$rc" -eq 138 ]
}

@test "exec: runc's errors for a paused or stopped container; --ignore-paused waits for resume" {
  update_config '.root.readonly = false'
  run_detached "$ID"
  "$OCIRUN" --root "$STATE_ROOT" pause "$ID"
  exec_in "$ID" true
  [ "$status" -eq 255 ]
  [[ "$output" == *"cannot exec in a paused container (use --ignore-paused to override)"* ]]
  "$OCIRUN" --root "$STATE_ROOT" exec --ignore-paused "$ID" sh -c 'echo ran >/tmp/ignored-pause' </dev/null &
  local runner=$!
  sleep 0.3
  "$OCIRUN" --root "$STATE_ROOT" resume "$ID"
  wait "$runner"
  exec_in "$ID" cat /tmp/ignored-pause
  [ "$output" = "ran" ]
  "$OCIRUN" --root "$STATE_ROOT" kill "$ID" KILL
  wait_for_status "$ID" stopped
  exec_in "$ID" true
  [ "$status" -eq 255 ]
  [[ "$output" == *"cannot exec in a stopped container"* ]]
  exec_in "nosuch-$ID" true
  [ "$status" -eq 255 ]
  [[ "$output" == *"does not exist"* ]]
}

@test "exec: a missing binary or bad flags fail before anything runs" {
  run_detached "$ID"
  exec_in "$ID" /no/such/binary
  [ "$status" -eq 255 ]
  [[ "$output" == *"/no/such/binary"* ]]
  exec_in "$ID"
  [ "$status" -eq 255 ]
  [[ "$output" == *"args cannot be empty"* ]]
  exec_in -u alice "$ID" true
  [ "$status" -eq 255 ]
  [[ "$output" == *"--user"* ]]
  exec_in --console-socket /nonexistent "$ID" true
  [ "$status" -eq 255 ]
  # Nothing is left running but the init.
  [ "$(container_pids | wc -l)" -eq 1 ]
}

@test "exec: into a created container, before start" {
  create_container "$ID"
  exec_in "$ID" sh -c 'echo early'
  [ "$status" -eq 0 ]
  [ "$output" = "early" ]
  [ "$(container_status "$ID")" = "created" ]
}

@test "exec: 20 concurrent execs into one container all succeed" {
  run_detached "$ID"
  local i pids=()
  for i in $(seq 20); do
    "$OCIRUN" --root "$STATE_ROOT" exec "$ID" sh -c "echo out-$i; exit $((i % 5))" >"$BUNDLE/exec.$i" 2>&1 </dev/null &
    pids+=($!)
  done
  for i in $(seq 20); do
    local rc=0
    wait "${pids[$((i - 1))]}" || rc=$?
    [ "$rc" -eq $((i % 5)) ] || { cat "$BUNDLE/exec.$i" >&2; return 1; }
    [ "$(cat "$BUNDLE/exec.$i")" = "out-$i" ]
  done
  [ "$(container_pids | wc -l)" -eq 1 ]
}
