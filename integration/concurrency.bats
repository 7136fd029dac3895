#!/usr/bin/env bats
# Many runtimes at once: distinct containers do not disturb each other, one
# id is taken by exactly one creator, and readers never see a torn state.

load helpers

setup() {
  setup_bundle ocitest sleep
  # Unique on this host: the cgroup checks go by id.
  PREFIX="cc-$$-$BATS_TEST_NUMBER"
}

teardown() {
  teardown_bundle
}

# wait_all PID...: waits for each; fails (after waiting for all) when any
# exited non-zero.
wait_all() {
  local pid failed=0
  for pid in "$@"; do wait "$pid" || failed=1; done
  return $failed
}

# No process has the state root in its command line: no runtime and no
# init that has not executed the process yet.
assert_no_runtime_process() {
  ! pgrep -a -f -- "$STATE_ROOT" >&2 || { echo "process left behind" >&2; return 1; }
}

@test "concurrency: 50 parallel creates of distinct ids, then parallel start, kill and delete" {
  local n=50 i pids=()
  for ((i = 0; i < n; i++)); do
    "$OCIRUN" --root "$STATE_ROOT" create "$PREFIX-$i" </dev/null >/dev/null 2>"$BUNDLE/create-$i.err" &
    pids+=($!)
  done
  wait_all "${pids[@]}" || { cat "$BUNDLE"/create-*.err; return 1; }
  [ "$(ocirun list -q | wc -l)" -eq "$n" ]
  for ((i = 0; i < n; i++)); do
    [ "$(container_status "$PREFIX-$i")" = "created" ]
  done

  pids=()
  for ((i = 0; i < n; i++)); do ocirun start "$PREFIX-$i" & pids+=($!); done
  wait_all "${pids[@]}"
  for ((i = 0; i < n; i++)); do wait_for_status "$PREFIX-$i" running; done

  local inits=()
  for ((i = 0; i < n; i++)); do inits+=("$(init_pid "$PREFIX-$i")"); done
  pids=()
  for ((i = 0; i < n; i++)); do ocirun kill "$PREFIX-$i" KILL & pids+=($!); done
  wait_all "${pids[@]}"
  for ((i = 0; i < n; i++)); do wait_for_status "$PREFIX-$i" stopped; done

  pids=()
  for ((i = 0; i < n; i++)); do ocirun delete "$PREFIX-$i" & pids+=($!); done
  wait_all "${pids[@]}"
  [ -z "$(ls -A "$STATE_ROOT" | grep -v '^@seccomp-cache$')" ]
  for ((i = 0; i < n; i++)); do
    assert_no_cgroup "$PREFIX-$i"
    process_gone "${inits[$i]}"
  done
  assert_no_runtime_process
}

@test "concurrency: 20 parallel creates of one id: exactly one wins, intact; the others leave nothing" {
  local n=20 i pids=() won=0 lost=0 status
  for ((i = 0; i < n; i++)); do
    "$OCIRUN" --root "$STATE_ROOT" create "$PREFIX" </dev/null >/dev/null 2>"$BUNDLE/create-$i.err" &
    pids+=($!)
  done
  for ((i = 0; i < n; i++)); do
    status=0
    wait "${pids[$i]}" || status=$?
    if [ "$status" -eq 0 ]; then
      won=$((won + 1))
    else
      [ "$status" -eq 1 ]
      [ "$(wc -l <"$BUNDLE/create-$i.err")" -eq 1 ]
      grep -q "container with id exists: $PREFIX" "$BUNDLE/create-$i.err" || { cat "$BUNDLE/create-$i.err"; return 1; }
      lost=$((lost + 1))
    fi
  done
  [ "$won" -eq 1 ]
  [ "$lost" -eq $((n - 1)) ]

  # The winner: one init, alone in its cgroup, and it runs when started.
  [ "$(container_status "$PREFIX")" = "created" ]
  local pid
  pid=$(init_pid "$PREFIX")
  [ "$(pgrep -f -- "$STATE_ROOT" | wc -l)" -eq 1 ]
  [ "$(pgrep -f -- "$STATE_ROOT")" = "$pid" ]
  local procs
  for procs in $(find /sys/fs/cgroup -maxdepth 5 -path "*/ocirun/$PREFIX/cgroup.procs"); do
    [ "$(cat "$procs")" = "$pid" ] || { echo "$procs: $(cat "$procs")" >&2; return 1; }
  done
  [ -n "$procs" ]
  [ "$(ls -A "$STATE_ROOT" | grep -v '^@seccomp-cache$')" = "$PREFIX" ]
  ocirun start "$PREFIX"
  wait_for_status "$PREFIX" running
  ocirun delete --force "$PREFIX"
  assert_no_cgroup "$PREFIX"
  assert_no_runtime_process
}

# check_state_outputs DIR ID: every file DIR/*.out is either a whole state
# of ID with a known status, or the file DIR/*.err next to it says the
# container does not exist (deleted meanwhile). Never a damaged state.json.
check_state_outputs() {
  local dir=$1 id=$2 out err seen=0
  for out in "$dir"/*.out; do
    err=${out%.out}.err
    if [ -s "$out" ]; then
      jq -e --arg id "$id" '.id == $id and (.status | IN("creating", "created", "running", "stopped"))' \
        "$out" >/dev/null || { echo "torn or wrong state in $out:" >&2; cat "$out" "$err" >&2; return 1; }
      seen=$((seen + 1))
    else
      grep -q "container \"$id\" does not exist" "$err" || { echo "unexpected error:" >&2; cat "$err" >&2; return 1; }
    fi
  done
  [ "$seen" -gt 0 ] || { echo "no state was ever read" >&2; return 1; }
}

@test "concurrency: parallel state, kill and delete on one container never show a torn state.json" {
  local reads="$BUNDLE/reads" id="$PREFIX"
  mkdir "$reads"
  # state_reader N: N reads of the state, each into its own files.
  state_reader() {
    local r i
    r=$(mktemp -u "$reads/r.XXXXXX")
    for ((i = 0; i < $1; i++)); do
      "$OCIRUN" --root "$STATE_ROOT" state "$id" >"$r.$i.out" 2>"$r.$i.err" || true
    done
  }

  # Readers while create writes state.json (twice) and start removes the fifo.
  state_reader 40 & local r1=$!
  state_reader 40 & local r2=$!
  create_container "$id"
  ocirun start "$id"
  wait "$r1" "$r2"
  wait_for_status "$id" running

  # Readers, signals and listing while the container runs, then stops and is
  # deleted by three deleters at once.
  state_reader 40 & r1=$!
  state_reader 40 & r2=$!
  local pids=() i
  for i in 1 2 3 4 5; do ocirun kill "$id" CONT & pids+=($!); done
  for i in 1 2 3; do ocirun list --format json >"$reads/list.$i" & pids+=($!); done
  wait_all "${pids[@]}"
  ocirun kill "$id" KILL
  pids=()
  for i in 1 2 3; do ocirun delete --force "$id" 2>"$reads/delete.$i.err" & pids+=($!); done
  wait_all "${pids[@]}" || { cat "$reads"/delete.*.err; return 1; }
  wait "$r1" "$r2"

  check_state_outputs "$reads" "$id"
  for i in 1 2 3; do jq -e 'type == "array" or . == null' "$reads/list.$i" >/dev/null; done
  [ ! -e "$STATE_ROOT/$id" ]
  assert_no_cgroup "$id"
  assert_no_runtime_process
}
