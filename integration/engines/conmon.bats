#!/usr/bin/env bats
# conmon (Debian 2.1.6), the monitor CRI-O (and podman) start for every
# container and exec, driving ocirun as CRI-O does: conmon runs `create`
# (and `exec --detach`), the caller runs `start`; conmon records the exit
# code in its exit directory and the output in a k8s-file log. ocirun gets
# a private --root through --runtime-arg.

load engine_helpers

setup_file() {
  requires_root
  install_engine conmon busybox-static
  make_engine_dir conmon
  mkdir "$ENGINE_DIR/sockets"
  ensure_rootfs
}

teardown_file() {
  [ -n "${ENGINE_DIR:-}" ] || return 0
  local id file
  for id in $("$OCIRUN" --root "$ENGINE_DIR/ocirun" list -q 2>/dev/null); do
    "$OCIRUN" --root "$ENGINE_DIR/ocirun" delete --force "$id" >/dev/null 2>&1 || true
  done
  for file in "$ENGINE_DIR"/*/conmon.pid; do
    [ -f "$file" ] && stop_pid "$(cat "$file")"
  done
  [ -n "${KEEP:-}" ] || rm -rf "$ENGINE_DIR"
}

ocirun_() {
  "$OCIRUN" --root "$ENGINE_DIR/ocirun" "$@"
}

# make_bundle ID [JQ_FILTER]: $ENGINE_DIR/ID with a config for the test rootfs, read-only, no terminal.
make_bundle() {
  local dir=$ENGINE_DIR/$1
  mkdir -p "$dir"
  "$OCIRUN" spec --bundle "$dir"
  jq ".root.path = \"$TEST_ROOTFS\" | .root.readonly = true | .process.terminal = false | ${2:-.}" \
    "$dir/config.json" >"$dir/config.tmp"
  mv "$dir/config.tmp" "$dir/config.json"
}

# conmon_ ID SESSION [FLAG...]: conmon for container ID, its files in $ENGINE_DIR/ID/SESSION.*,
# exit codes in $ENGINE_DIR/ID/exits-SESSION (conmon names the file after the container).
conmon_() {
  local id=$1 session=$2 dir=$ENGINE_DIR/$1
  shift 2
  mkdir -p "$dir/exits-$session"
  conmon --api-version 1 -c "$id" -u "$session" -n "$id" -r "$OCIRUN" -b "$dir" \
    -p "$dir/$session.pid" -P "$dir/$session.conmon-pid" --exit-dir "$dir/exits-$session" \
    -l "k8s-file:$dir/$session.log" --socket-dir-path "$ENGINE_DIR/sockets" \
    --runtime-arg --root --runtime-arg "$ENGINE_DIR/ocirun" \
    --runtime-arg --log --runtime-arg "$dir/$session.runtime-log" --runtime-arg --log-format --runtime-arg json \
    "$@" </dev/null >"$dir/$session.out" 2>&1 3>&-
}

# exit_code ID SESSION: waits for conmon's exit file and prints it.
exit_code() {
  local file=$ENGINE_DIR/$1/exits-$2/$1
  retry 100 test -s "$file" || return 1
  cat "$file"
}

# The lines a session wrote, from conmon's k8s-file log ("TIME stdout F LINE").
log_lines() {
  sed -E 's/^[^ ]+ (stdout|stderr) [FP] //' "$ENGINE_DIR/$1/$2.log"
}

@test "conmon: create through conmon, start, exit code in the exit dir, output in the log" {
  make_bundle once '.process.args = ["sh", "-c", "echo hello from ocirun; exit 3"]'
  conmon_ once once
  retry 50 test -s "$ENGINE_DIR/once/once.pid"
  [ "$(ocirun_ state once | jq -r .status)" = created ]
  [ "$(ocirun_ state once | jq -r .pid)" = "$(cat "$ENGINE_DIR/once/once.pid")" ]
  ocirun_ start once
  [ "$(exit_code once once)" = 3 ]
  [ "$(log_lines once once)" = "hello from ocirun" ]
  [ "$(ocirun_ state once | jq -r .status)" = stopped ]
  ocirun_ delete once
}

@test "conmon: a terminal container (console socket from conmon)" {
  make_bundle term '.process.terminal = true | .process.args = ["sh", "-c", "tty; exit 4"]'
  conmon_ term term -t
  retry 50 test -s "$ENGINE_DIR/term/term.pid"
  ocirun_ start term
  [ "$(exit_code term term)" = 4 ]
  [[ "$(log_lines term term)" == /dev/pts/0* ]]
  ocirun_ delete term
}

@test "conmon: exec through conmon (also with a terminal), exit codes in the exit dir" {
  make_bundle server '.process.args = ["sleep", "1000"]'
  conmon_ server init
  retry 50 test -s "$ENGINE_DIR/server/init.pid"
  ocirun_ start server
  jq -n '{args: ["sh", "-c", "echo in $(readlink /proc/1/exe); exit 5"], cwd: "/", env: ["PATH=/bin"], user: {uid: 0, gid: 0}}' \
    >"$ENGINE_DIR/server/exec.json"
  conmon_ server exec1 -e --exec-process-spec "$ENGINE_DIR/server/exec.json"
  [ "$(exit_code server exec1)" = 5 ]
  [ "$(log_lines server exec1)" = "in /bin/busybox" ]
  jq '.terminal = true | .args = ["sh", "-c", "tty; exit 6"]' "$ENGINE_DIR/server/exec.json" >"$ENGINE_DIR/server/exec-t.json"
  conmon_ server exec2 -e -t --exec-process-spec "$ENGINE_DIR/server/exec-t.json"
  [ "$(exit_code server exec2)" = 6 ]
  [[ "$(log_lines server exec2)" == /dev/pts/* ]]
  # CRI-O stops with kill ID KILL, then delete --force.
  ocirun_ kill server KILL
  [ "$(exit_code server init)" = 137 ]
  ocirun_ delete --force server
  run ocirun_ state server
  [ "$status" -eq 1 ]
  [[ "$output" == *"does not exist"* ]]
}

@test "conmon: a failed create leaves ocirun's error in its json log and no container" {
  make_bundle broken '.process.args = ["/nonexistent"]'
  conmon_ broken broken
  retry 50 grep -q '"level":"error"' "$ENGINE_DIR/broken/broken.runtime-log"
  jq -e 'select(.level == "error") | .msg == "exec: \"/nonexistent\": no such file or directory"' \
    "$ENGINE_DIR/broken/broken.runtime-log"
  [ ! -e "$ENGINE_DIR/broken/broken.pid" ]
  run ocirun_ state broken
  [[ "$output" == *"does not exist"* ]]
}
