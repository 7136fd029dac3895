#!/usr/bin/env bats
# Hostile and broken input: every case fails with exit 1 and one clear line
# (naming the JSON path where there is one), and leaves nothing behind: no
# state dir, cgroup, mount or process.

load helpers

setup() {
  setup_bundle ocitest sleep
  # Unique on this host: other suites' containers are called c1 too, and the
  # cgroup check goes by id.
  CID="bad-$$-$BATS_TEST_NUMBER"
  GOOD_CONFIG=$(cat "$BUNDLE/config.json")
}

teardown() {
  [ -z "${BYSTANDER:-}" ] || kill "$BYSTANDER" 2>/dev/null || true
  teardown_bundle
}

# run_ocirun ARGS...: `run ocirun ARGS`, but with stdio on a file, so that a
# container created by mistake cannot hold bats' pipes open.
run_ocirun() {
  local out="$BATS_TEST_TMPDIR/ocirun.out"
  status=0
  timeout 60 "$OCIRUN" --root "$STATE_ROOT" "$@" </dev/null >"$out" 2>&1 || status=$?
  output=$(cat "$out")
  mapfile -t lines <"$out"
}

# refused EXPECTED ARGS...: ocirun ARGS exits 1 and prints exactly one line,
# which contains EXPECTED.
refused() {
  local expected=$1
  shift
  run_ocirun "$@"
  if [ "$status" -ne 1 ] || [ "${#lines[@]}" -ne 1 ] || [[ "$output" != *"$expected"* ]]; then
    echo "ocirun ${*:0:4}: exit $status, output:" >&2
    echo "${output:0:2000}" >&2
    echo "expected exit 1 and one line containing: $expected" >&2
    return 1
  fi
}

# Nothing of a container is left: no entry under --root, no cgroup, no mount
# or process naming the state root (the runtime's and the init's command
# lines carry it).
assert_nothing_left() {
  local left
  left=$(ls -A "$STATE_ROOT" 2>/dev/null | grep -v '^@seccomp-cache$' || true)
  [ -z "$left" ] || { echo "left under --root: $left" >&2; return 1; }
  assert_no_cgroup "$CID"
  ! grep -F "$STATE_ROOT" /proc/self/mountinfo >&2 || { echo "mount left behind" >&2; return 1; }
  ! pgrep -a -f -- "$STATE_ROOT" >&2 || { echo "process left behind" >&2; return 1; }
}

# create_refused EXPECTED: `create $CID` of the bundle as it is now fails
# cleanly with EXPECTED.
create_refused() {
  refused "$1" create --bundle "$BUNDLE" "$CID" || return 1
  assert_nothing_left
}

# with_config JQ_FILTER [RAW]: the good config edited by the filter; then
# the string "@RAW@" in it is replaced by RAW (JSON text jq cannot produce
# or would round through a double).
with_config() {
  local text
  text=$(jq "$1" <<<"$GOOD_CONFIG")
  printf '%s\n' "${text/\"@RAW@\"/${2:-}}" >"$BUNDLE/config.json"
}

@test "bad input: a bundle that is missing, not a directory, or without a readable regular config.json" {
  refused "bundle /nonexistent: No such file or directory" create --bundle /nonexistent "$CID"
  assert_nothing_left
  refused "bundle $BUNDLE/config.json: Not a directory" create --bundle "$BUNDLE/config.json" "$CID"
  assert_nothing_left

  rm "$BUNDLE/config.json"
  create_refused "$BUNDLE/config.json: No such file or directory"
  ln -s nowhere "$BUNDLE/config.json"
  create_refused "$BUNDLE/config.json: No such file or directory"
  rm "$BUNDLE/config.json" && mkdir "$BUNDLE/config.json"
  create_refused "$BUNDLE/config.json: not a regular file"
  rmdir "$BUNDLE/config.json" && ln -s /dev/zero "$BUNDLE/config.json"
  create_refused "$BUNDLE/config.json: not a regular file"
  # A FIFO without a writer: reading it would block create forever.
  rm "$BUNDLE/config.json" && mkfifo "$BUNDLE/config.json"
  create_refused "$BUNDLE/config.json: not a regular file"

  # Unreadable: root without CAP_DAC_OVERRIDE / CAP_DAC_READ_SEARCH.
  rm "$BUNDLE/config.json"
  echo "$GOOD_CONFIG" >"$BUNDLE/config.json"
  chmod 000 "$BUNDLE/config.json"
  local out="$BATS_TEST_TMPDIR/unreadable.out"
  run setpriv --bounding-set=-dac_override,-dac_read_search \
    "$OCIRUN" --root "$STATE_ROOT" create --bundle "$BUNDLE" "$CID" </dev/null
  [ "$status" -eq 1 ]
  [ "${#lines[@]}" -eq 1 ]
  [[ "$output" == *"$BUNDLE/config.json: Permission denied"* ]]
  assert_nothing_left
}

@test "bad input: config.json empty, 100 MB, deeply nested, not UTF-8, with raw control bytes" {
  : >"$BUNDLE/config.json"
  create_refused '$: invalid JSON: parse error at line 1, column 1: syntax error while parsing value - unexpected end of input'
  printf ' \n\t\n' >"$BUNDLE/config.json"
  create_refused '$: invalid JSON: parse error at line 3, column 1'

  # Refused by its size, before it is read into memory.
  { printf '{"ociVersion": "1.0.2", "pad": "'; head -c 100M /dev/zero | tr '\0' a; printf '"}'; } >"$BUNDLE/config.json"
  [ "$(stat -c %s "$BUNDLE/config.json")" -gt 100000000 ]
  create_refused "$BUNDLE/config.json: larger than 32 MiB, refusing to parse it"

  local open close
  open=$(printf '%.0s[' {1..100000})
  close=$(printf '%.0s]' {1..100000})
  # Deep nesting where a string is expected: the path says where.
  with_config '.process.args = "@RAW@"' "$open$close"
  create_refused '$.process.args[0]: expected string, got array'
  # Deep nesting in a member that is ignored: parsed (no stack overflow),
  # then the real problem is found.
  with_config 'del(.root) | .unknownDeep = "@RAW@"' "$open$close"
  create_refused '$.root: is required'
  # Unbalanced: a million open brackets.
  printf '%.0s[[[[[[[[[[' {1..100000} >"$BUNDLE/config.json"
  create_refused '$: invalid JSON: parse error at line 1, column 1000001'

  # Not UTF-8: a Latin-1 byte in a value, in a key, and a UTF-16 file.
  printf '{"ociVersion": "1.0.2", "hostname": "caf\xe9"}' >"$BUNDLE/config.json"
  create_refused "ill-formed UTF-8 byte; last read: '\"caf<E9>"
  printf '{"ociVersion": "1.0.2", "\xff": 1}' >"$BUNDLE/config.json"
  create_refused "ill-formed UTF-8 byte"
  printf '\xff\xfe{\0}\0' >"$BUNDLE/config.json"
  create_refused '$: invalid JSON: parse error at line 1, column 1'
  # A raw NUL and a raw newline inside strings are not JSON.
  printf '{"ociVersion": "1.0\0.2"}' >"$BUNDLE/config.json"
  create_refused "control character U+0000 (NUL) must be escaped"
  printf '{"ociVersion": "1.0\n.2"}' >"$BUNDLE/config.json"
  create_refused "control character U+000A (LF) must be escaped"
}

@test "bad input: wrong types anywhere are refused with the JSON path" {
  local cases=(
    '.ociVersion = 1|$.ociVersion: expected string, got number'
    '.root = "/"|$.root: expected object, got string'
    '.process.args = "sh"|$.process.args: expected array, got string'
    '.process.args = [["sh"]]|$.process.args[0]: expected string, got array'
    '.process.env = [1]|$.process.env[0]: expected string, got number'
    '.process.terminal = 1|$.process.terminal: expected boolean, got number'
    '.process.user.uid = "0"|$.process.user.uid: expected integer, got string'
    '.process.user.additionalGids = {}|$.process.user.additionalGids: expected array, got object'
    '.process.capabilities.bounding = "CAP_KILL"|$.process.capabilities.bounding: expected array, got string'
    '.process.rlimits[0].hard = true|$.process.rlimits[0].hard: expected integer, got boolean'
    '.mounts = {}|$.mounts: expected array, got object'
    '.mounts[0].options = "ro"|$.mounts[0].options: expected array, got string'
    '.hooks = []|$.hooks: expected object, got array'
    '.hooks = {"prestart": [{"path": 1}]}|$.hooks.prestart[0].path: expected string, got number'
    '.annotations = ["a"]|$.annotations: expected object, got array'
    '.annotations = {"a": 1}|$.annotations["a"]: expected string, got number'
    '.linux.namespaces = {}|$.linux.namespaces: expected array, got object'
    '.linux.namespaces[0] = "pid"|$.linux.namespaces[0]: expected object, got string'
    '.linux.resources = {"memory": {"limit": "1G"}}|$.linux.resources.memory.limit: expected integer, got string'
    '.linux.resources = {"pids": {"limit": 1.5}}|$.linux.resources.pids.limit: expected integer, got fractional number 1.5'
    '.linux.sysctl = {"net.ipv4.ip_forward": 1}|$.linux.sysctl["net.ipv4.ip_forward"]: expected string, got number'
    '.linux.seccomp = {"defaultAction": ["SCMP_ACT_ALLOW"]}|$.linux.seccomp.defaultAction: expected string, got array'
  )
  local c
  for c in "${cases[@]}"; do
    with_config "${c%%|*}"
    create_refused "${c#*|}"
  done
}

@test "bad input: NUL bytes in strings are refused, naming the field" {
  local cases=(
    '.process.args[0] = "ocitest\u0000x"|$.process.args[0]: contains a NUL byte'
    '.process.cwd = "/\u0000tmp"|$.process.cwd: contains a NUL byte'
    '.process.env[0] = "A=\u0000"|$.process.env[0]'
    '.root.path = .root.path + "\u0000"|$.root.path: contains a NUL byte'
    '.hostname = "h\u0000"|$.hostname: contains a NUL byte'
    '.mounts[0].destination = "/pr\u0000oc"|$.mounts[0].destination: contains a NUL byte'
    '.mounts[0].options = ["nosuid\u0000"]|$.mounts[0].options[0]: contains a NUL byte'
    '.hooks = {"prestart": [{"path": "/bin/true\u0000"}]}|$.hooks.prestart[0].path: contains a NUL byte'
    '.linux.cgroupsPath = "/a\u0000b"|$.linux.cgroupsPath: contains a NUL byte'
    '.linux.maskedPaths[0] = "/proc/\u0000"|$.linux.maskedPaths[0]: contains a NUL byte'
    '.linux.sysctl = {"net.ipv4.ip_forward\u0000": "1"}|$.linux.sysctl["net.ipv4.ip_forward\u0000"]'
  )
  local c
  for c in "${cases[@]}"; do
    with_config "${c%%|*}"
    create_refused "${c#*|}"
  done
}

@test "bad input: absurd numbers are refused with the field's range" {
  local cases=(
    '.process.user.uid = 4294967296|$.process.user.uid: expected integer in [0, 4294967295], got 4294967296'
    '.process.user.gid = -1|$.process.user.gid: expected integer in [0, 4294967295], got -1'
    '.process.user.additionalGids = [18446744073709551616]|$.process.user.additionalGids[0]: expected integer in [0, 4294967295], got 1.8446744073709552e+19'
    '.process.rlimits[0].soft = -1|$.process.rlimits[0].soft: expected integer in [0, 18446744073709551615], got -1'
    '.process.oomScoreAdj = 100000000000000000000|$.process.oomScoreAdj: expected integer in [-2147483648, 2147483647], got 1e+20'
    '.process.consoleSize = {"height": -1, "width": 1}|$.process.consoleSize.height: expected integer in [0, 4294967295], got -1'
    '.linux.resources = {"cpu": {"shares": -5}}|$.linux.resources.cpu.shares: expected integer in [0, 18446744073709551615], got -5'
    '.linux.resources = {"pids": {"limit": -9223372036854775809}}|$.linux.resources.pids.limit'
    '.hooks = {"prestart": [{"path": "/bin/true", "timeout": -1}]}|$.hooks.prestart[0].timeout: must be greater than 0, got -1'
  )
  local c
  for c in "${cases[@]}"; do
    with_config "${c%%|*}"
    create_refused "${c#*|}"
  done
  # Just beyond int64 (jq would round it through a double, so it goes in raw).
  with_config '.linux.resources = {"memory": {"limit": "@RAW@"}}' 9223372036854775808
  create_refused '$.linux.resources.memory.limit: expected integer in [-9223372036854775808, 9223372036854775807], got 9223372036854775808'
  # Beyond what a double holds: the JSON parser itself refuses it.
  with_config '.process.oomScoreAdj = "@RAW@"' 1e400
  create_refused "$: invalid JSON: number overflow parsing '1e400'"
}

@test "bad input: a hook timeout of 2^32 seconds is a long timeout, not an immediate one" {
  # The deadline in milliseconds did not fit poll's int: it wrapped to 0.
  local t
  for t in 4294967296 9223372036854775807; do
    with_config '.hooks = {"prestart": [{"path": "/bin/true", "timeout": "@RAW@"}]}' "$t"
    run_ocirun create --bundle "$BUNDLE" "$CID"
    [ "$status" -eq 0 ] || { echo "timeout $t: $output"; return 1; }
    [ "$(container_status "$CID")" = "created" ]
    run_ocirun delete --force "$CID"
    [ "$status" -eq 0 ]
    assert_nothing_left
  done
}

@test "bad input: hostile container ids are refused by every command and make nothing" {
  local long
  long=$(printf 'x%.0s' {1..1000})
  local ids=("a/b" ".." "." "../escape-$$" "/abs" "x
y" "$long" " " "a:b" "ä" "a\\b")
  local id cmd
  for id in "${ids[@]}"; do
    refused "invalid container id" create --bundle "$BUNDLE" "$id"
    for cmd in state start delete pause resume ps events; do
      refused "invalid container id" "$cmd" "$id"
    done
    refused "invalid container id" kill "$id" KILL
    refused "invalid container id" delete --force "$id"
    assert_nothing_left
  done
  [ ! -e "$(dirname "$STATE_ROOT")/escape-$$" ]
  run_ocirun create --bundle "$BUNDLE"
  [ "$status" -eq 1 ]
  [ "${lines[0]}" = 'ocirun: "create" requires exactly 1 argument(s)' ]
  refused "invalid container id" create --bundle "$BUNDLE" ""
  assert_nothing_left
}

# ---- a state directory with a damaged state.json ------------------------------

# damaged_state_case: `state`, `kill`, `start` and `delete` of $CID fail
# cleanly, `list` still works and lists the good container, `delete --force`
# removes it and nothing else; the bystander lives through it all.
damaged_state_case() {
  local what=$1
  refused "state.json" state "$CID" || { echo "case: $what" >&2; return 1; }
  refused "state.json" kill "$CID" KILL || { echo "case: $what" >&2; return 1; }
  refused "state.json" start "$CID" || { echo "case: $what" >&2; return 1; }
  refused "state.json" delete "$CID" || { echo "case: $what" >&2; return 1; }
  [ -d "$STATE_ROOT/$CID" ]
  run_ocirun list -q
  [ "$status" -eq 0 ] || { echo "case $what: list: $output" >&2; return 1; }
  [[ "$output" == *good* ]]
  [[ "$output" == *"load container $CID: "* ]] || { echo "case $what: list did not warn: $output" >&2; return 1; }
  run_ocirun delete --force "$CID"
  [ "$status" -eq 0 ] || { echo "case $what: delete --force: $output" >&2; return 1; }
  [ ! -e "$STATE_ROOT/$CID" ]
  process_gone "$BYSTANDER" && { echo "case $what: the bystander was killed" >&2; return 1; }
  [ "$(container_status good)" = "created" ]
}

@test "bad input: garbage state.json: state, kill, start, delete and list stay sane and hit no other process" {
  create_container good
  # A process that is not the container's: damaged state must never reach it.
  sleep 1000 </dev/null >/dev/null 2>&1 &
  BYSTANDER=$!
  local start_time
  start_time=$(awk '{print $22}' /proc/$BYSTANDER/stat)
  local cases=(
    ''
    'null'
    '{'
    '[]'
    '"c1"'
    '{"id": "@ID@"}'
    '{"id": "@ID@", "bundle": "/b", "pid": -5, "pid_start_time": 1}'
    '{"id": "@ID@", "bundle": "/b", "pid": "1"}'
    '{"id": "@ID@", "bundle": "/b", "pid": 4294967296, "pid_start_time": 1}'
    '{"id": "@ID@", "bundle": "/b", "pid": 1}'
    "{\"id\": \"@ID@\", \"bundle\": \"/b\", \"pid\": $BYSTANDER}"
    "{\"id\": \"other\", \"bundle\": \"/b\", \"pid\": $BYSTANDER, \"pid_start_time\": $start_time}"
    "{\"id\": \"@ID@\", \"bundle\": \"/b\", \"pid\": $BYSTANDER, \"pid_start_time\": $start_time, \"cgroup\": {\"driver\": \"none\"}}"
  )
  local c
  for c in "${cases[@]}"; do
    mkdir "$STATE_ROOT/$CID"
    printf '%s' "${c//@ID@/$CID}" >"$STATE_ROOT/$CID/state.json"
    damaged_state_case "$c"
  done
  # Random bytes, a state.json larger than any the runtime writes, a
  # directory, and a FIFO (reading it would block).
  mkdir "$STATE_ROOT/$CID"
  head -c 4096 /dev/urandom >"$STATE_ROOT/$CID/state.json"
  damaged_state_case "random bytes"
  mkdir "$STATE_ROOT/$CID"
  { printf '{"id": "%s", "bundle": "' "$CID"; head -c 2M /dev/zero | tr '\0' b; printf '", "pid": 0}'; } >"$STATE_ROOT/$CID/state.json"
  damaged_state_case "2 MiB"
  mkdir -p "$STATE_ROOT/$CID/state.json"
  damaged_state_case "a directory"
  mkdir "$STATE_ROOT/$CID"
  mkfifo "$STATE_ROOT/$CID/state.json"
  damaged_state_case "a FIFO"
}

@test "bad input: damaged cgroup paths in state.json are left alone, and delete --force still removes the container" {
  mkdir "$STATE_ROOT/$CID"
  printf '{"id": "%s", "bundle": "/b", "pid": 0, "cgroup": {"driver": "cgroupfs", "dirs": {"": "/etc", "pids": "/etc"}}}' \
    "$CID" >"$STATE_ROOT/$CID/state.json"
  refused "/etc is not below" delete "$CID"
  [ -d "$STATE_ROOT/$CID" ]
  run_ocirun delete --force "$CID"
  [ "$status" -eq 0 ]
  [[ "$output" == *"/etc is not below"*"removing the container without its cgroup"* ]]
  [ -d /etc ]
  assert_nothing_left
}

@test "bad input: a state dir without state.json reads as stopped and delete removes it" {
  # What a create that died before writing anything leaves.
  mkdir "$STATE_ROOT/$CID"
  run_ocirun state "$CID"
  [ "$status" -eq 0 ]
  [ "$(jq -r .status <<<"$output")" = "stopped" ]
  refused "container not running" kill "$CID" KILL
  run_ocirun delete "$CID"
  [ "$status" -eq 0 ]
  assert_nothing_left
}
