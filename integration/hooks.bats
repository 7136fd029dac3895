#!/usr/bin/env bats
# The six hook points: when each runs (order seen through a log), what it
# gets on stdin (the state), exactly its args and env, its timeout, and what
# a failure does (create/start fail and clean up; poststop only warns).

load helpers

setup() {
  setup_bundle ocitest sleep
  ID="hooks$$-$BATS_TEST_NUMBER"
  LOG_DIR="$BUNDLE/log"
  mkdir -p "$LOG_DIR"
  # startContainer runs inside the container: it sees LOG_DIR as /tmp.
  update_config ".mounts += [{destination: \"/tmp\", type: \"bind\", source: \"$LOG_DIR\", options: [\"rbind\", \"rw\"]}]"
}

teardown() {
  teardown_bundle
}

# hook NAME LOG: a hook that logs "NAME STATUS PID" from the state on stdin.
hook() {
  local script="s=\$(cat); st=\$(echo \"\$s\" | sed -n 's/.*\"status\": *\"\\([a-z]*\\)\".*/\\1/p');"
  script+=" pid=\$(echo \"\$s\" | sed -n 's/.*\"pid\": *\\([0-9]*\\).*/\\1/p'); echo \"$1 \$st \$pid\" >> $2"
  jq -n --arg s "$script" '{path: "/bin/sh", args: ["sh", "-c", $s]}'
}

set_all_hooks() {
  local log="$LOG_DIR/hooks.log"
  update_config ".hooks = {prestart: [$(hook prestart "$log")], createRuntime: [$(hook createRuntime "$log")],
                 createContainer: [$(hook createContainer "$log")], startContainer: [$(hook startContainer /tmp/hooks.log)],
                 poststart: [$(hook poststart "$log")], poststop: [$(hook poststop "$log")]}"
}

@test "hooks: each point runs at its moment with the state on stdin" {
  set_all_hooks
  create_container "$ID"
  local pid
  pid=$(init_pid "$ID")
  cat "$LOG_DIR/hooks.log"
  [ "$(cut -d' ' -f1 "$LOG_DIR/hooks.log" | tr '\n' ' ')" = "prestart createRuntime createContainer " ]
  grep -qx "createRuntime creating $pid" "$LOG_DIR/hooks.log"
  grep -qx "prestart created $pid" "$LOG_DIR/hooks.log"
  "$OCIRUN" --root "$STATE_ROOT" start "$ID"
  cat "$LOG_DIR/hooks.log"
  [ "$(cut -d' ' -f1 "$LOG_DIR/hooks.log" | tr '\n' ' ')" = "prestart createRuntime createContainer startContainer poststart " ]
  grep -qx "poststart running $pid" "$LOG_DIR/hooks.log"
  "$OCIRUN" --root "$STATE_ROOT" kill "$ID" KILL
  wait_for_status "$ID" stopped
  "$OCIRUN" --root "$STATE_ROOT" delete "$ID"
  [ "$(tail -n1 "$LOG_DIR/hooks.log" | cut -d' ' -f1,2)" = "poststop stopped" ]
}

@test "hooks: a hook gets exactly its args and env, nothing inherited" {
  local script="{ echo \"\$0 \$1\"; env | sort; } > $LOG_DIR/env.log"
  jq --arg s "$script" '.hooks.prestart = [{path: "/bin/sh", args: ["sh", "-c", $s, "arg0", "arg1"], env: ["HOOKVAR=yes"]}]' \
    config.json >config.json.tmp && mv config.json.tmp config.json
  FOO_FROM_CALLER=leak create_container "$ID"
  cat "$LOG_DIR/env.log"
  [ "$(head -n1 "$LOG_DIR/env.log")" = "arg0 arg1" ]
  grep -qx HOOKVAR=yes "$LOG_DIR/env.log"
  ! grep -q FOO_FROM_CALLER "$LOG_DIR/env.log" || return 1
}

@test "hooks: a hook past its timeout is killed and create fails, leaving nothing" {
  # A number no other process sleeps for, so pgrep finds only the hook's.
  local marker=$((4000 + $$ % 1000))
  update_config ".hooks.createRuntime = [{path: \"/bin/sh\", args: [\"sh\", \"-c\", \"sleep $marker; true\"], timeout: 1}]"
  run "$OCIRUN" --root "$STATE_ROOT" create "$ID" </dev/null
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "$output" == *createRuntime*time* ]]
  [ -z "$("$OCIRUN" --root "$STATE_ROOT" list -q)" ]
  assert_no_cgroup "$ID"
  # Killed with its process group (SIGKILL takes a moment to finish it).
  for _ in $(seq 40); do pgrep -f "sleep $marker" >/dev/null || break; sleep 0.05; done
  ! pgrep -f "sleep $marker" >/dev/null || return 1
}

@test "hooks: a failing prestart, createContainer or startContainer hook fails the container and cleans up" {
  local point
  for point in prestart createContainer; do
    update_config ".hooks = {$point: [{path: \"/bin/sh\", args: [\"sh\", \"-c\", \"exit 3\"]}]}"
    run "$OCIRUN" --root "$STATE_ROOT" create "$ID" </dev/null
    echo "$output"
    [ "$status" -eq 1 ]
    [[ "$output" == *"$point"*3* ]]
    [ -z "$("$OCIRUN" --root "$STATE_ROOT" list -q)" ]
    assert_no_cgroup "$ID"
  done
  # startContainer fails inside the container, right before the process:
  # the process never runs.
  update_config '.hooks = {startContainer: [{path: "/bin/sh", args: ["sh", "-c", "exit 4"]}]} | .process.args = ["sh", "-c", "echo ran > /tmp/ran"]'
  create_container "$ID"
  "$OCIRUN" --root "$STATE_ROOT" start "$ID" || true
  wait_for_status "$ID" stopped
  [ ! -e "$LOG_DIR/ran" ]
}

@test "hooks: poststart failure fails start; poststop failure only warns" {
  update_config '.hooks = {poststart: [{path: "/bin/sh", args: ["sh", "-c", "exit 5"]}],
                           poststop: [{path: "/bin/sh", args: ["sh", "-c", "exit 6"]}]}'
  create_container "$ID"
  run "$OCIRUN" --root "$STATE_ROOT" start "$ID"
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "$output" == *poststart* ]]
  "$OCIRUN" --root "$STATE_ROOT" kill "$ID" KILL
  wait_for_status "$ID" stopped
  run "$OCIRUN" --root "$STATE_ROOT" delete "$ID"
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *poststop* ]]
  [ -z "$("$OCIRUN" --root "$STATE_ROOT" list -q)" ]
  assert_no_cgroup "$ID"
}
