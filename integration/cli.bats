#!/usr/bin/env bats
# The command-line frame: help, version, spec, features, check, bad input.

load helpers

setup() {
  WORK=$(mktemp -d)
}

teardown() {
  rm -rf "$WORK"
}

@test "cli: --version prints the lines engines parse" {
  run "$OCIRUN" --version
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" =~ ^ocirun\ version\ [0-9]+\.[0-9]+\.[0-9]+ ]]
  [[ "${lines[1]}" == commit:\ * ]]
  [ "${lines[2]}" = "spec: 1.3.0" ]
  [[ "${lines[3]}" =~ ^libseccomp:\ [0-9]+\.[0-9]+\.[0-9]+$ ]]
  run "$OCIRUN" -v
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == ocirun\ version* ]]
}

@test "cli: --help lists every command" {
  run "$OCIRUN" --help
  [ "$status" -eq 0 ]
  for cmd in check create delete features kill list run spec start state; do
    [[ "$output" == *"   $cmd "* ]]
  done
  run "$OCIRUN" help create
  [ "$status" -eq 0 ]
  [[ "$output" == *"--console-socket"* ]]
  run "$OCIRUN" create --help
  [ "$status" -eq 0 ]
  [[ "$output" == *"--pid-file"* ]]
}

@test "cli: unknown command and unknown flags are usage errors with exit 1" {
  run "$OCIRUN" bogus
  [ "$status" -eq 1 ]
  [[ "$output" == *'unknown command "bogus"'* ]]
  run "$OCIRUN" --bogus list
  [ "$status" -eq 1 ]
  [[ "$output" == *"flag provided but not defined: -bogus"* ]]
  run "$OCIRUN" list --bogus
  [ "$status" -eq 1 ]
  [[ "$output" == *"flag provided but not defined: -bogus"* ]]
  run "$OCIRUN" state
  [ "$status" -eq 1 ]
  [[ "$output" == *'"state" requires exactly 1 argument(s)'* ]]
}

@test "cli: --log-format json writes one JSON object per line to --log" {
  run "$OCIRUN" --root "$WORK/root" --log "$WORK/log.json" --log-format json state nosuch
  [ "$status" -eq 1 ]
  [[ "$output" == *'container "nosuch" does not exist'* ]]
  run jq -r 'select(.level == "error") | .msg' "$WORK/log.json"
  [ "$status" -eq 0 ]
  [ "$output" = 'container "nosuch" does not exist' ]
  run jq -r .time "$WORK/log.json"
  [[ "$output" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$ ]]
  run "$OCIRUN" --log-format yaml list
  [ "$status" -eq 1 ]
}

@test "cli: single-dash long flags and --flag=value are accepted (as runc)" {
  run "$OCIRUN" -root="$WORK/root" list -q
  [ "$status" -eq 0 ]
  run "$OCIRUN" --root="$WORK/root" -log-format=json list -format json
  [ "$status" -eq 0 ]
  [ "$output" = "null" ]
}

@test "cli: spec writes a config that check accepts" {
  requires_root
  ensure_rootfs
  run "$OCIRUN" spec --bundle "$WORK"
  [ "$status" -eq 0 ]
  ln -s "$TEST_ROOTFS" "$WORK/rootfs"
  run jq -r '.ociVersion, .process.args[0], .root.path' "$WORK/config.json"
  [ "${lines[0]}" = "1.3.0" ]
  [ "${lines[1]}" = "sh" ]
  [ "${lines[2]}" = "rootfs" ]
  run "$OCIRUN" check --bundle "$WORK"
  [ "$status" -eq 0 ]
  [[ "$output" == *": ok (0 error(s)"* ]]
  # A second spec does not overwrite the first.
  run "$OCIRUN" spec --bundle "$WORK"
  [ "$status" -eq 1 ]
  [[ "$output" == *"exists"* ]]
}

@test "cli: spec --rootless maps the caller to root in a user namespace" {
  run "$OCIRUN" spec --rootless --bundle "$WORK"
  [ "$status" -eq 0 ]
  run jq -r '[.linux.namespaces[].type] | join(",")' "$WORK/config.json"
  [[ "$output" == *user* ]]
  [[ "$output" != *network* ]]
  run jq -r '.linux.uidMappings[0].hostID' "$WORK/config.json"
  [ "$output" = "$(id -u)" ]
}

@test "cli: check reports every problem with its JSON path, in text and json" {
  "$OCIRUN" spec --bundle "$WORK"
  jq '.process.cwd = "relative" | .process.capabilities.bounding += ["CAP_BOGUS"]' "$WORK/config.json" >"$WORK/c" &&
    mv "$WORK/c" "$WORK/config.json"
  run "$OCIRUN" check --bundle "$WORK"
  [ "$status" -eq 1 ]
  [[ "$output" == *'error: $.process.cwd: must be an absolute path, got "relative"'* ]]
  [[ "$output" == *'error: $.process.capabilities.bounding[3]: unknown capability "CAP_BOGUS"'* ]]
  run "$OCIRUN" check --bundle "$WORK" --format json
  [ "$status" -eq 1 ]
  run jq -r '.valid, (.issues | length), .issues[0].path' <<<"$output"
  [ "${lines[0]}" = "false" ]
  [ "${lines[1]}" = "2" ]
  [ "${lines[2]}" = '$.process.cwd' ]
}

@test "cli: check names a missing rootfs and a missing bundle" {
  "$OCIRUN" spec --bundle "$WORK"
  run "$OCIRUN" check --bundle "$WORK"
  [ "$status" -eq 1 ]
  [[ "$output" == *'error: $.root.path: rootfs '"$WORK"'/rootfs: No such file or directory'* ]]
  run "$OCIRUN" check --bundle "$WORK/nope"
  [ "$status" -eq 1 ]
  [[ "$output" == *"bundle $WORK/nope: No such file or directory"* ]]
}

@test "cli: features is valid JSON describing the runtime" {
  run "$OCIRUN" features
  [ "$status" -eq 0 ]
  local doc=$output
  run jq -e '.ociVersionMin == "1.0.0" and .ociVersionMax == "1.3.0" and (.linux | type == "object")' <<<"$doc"
  [ "$status" -eq 0 ]
  # Every hook point and namespace type; rro and idmap mounts work.
  [ "$(jq -c .hooks <<<"$doc")" = '["prestart","createRuntime","createContainer","startContainer","poststart","poststop"]' ]
  [ "$(jq -c .linux.namespaces <<<"$doc")" = '["pid","network","mount","ipc","uts","user","cgroup","time"]' ]
  jq -e '(.mountOptions | index("rro")) and (.mountOptions | index("idmap"))
         and .linux.mountExtensions.idmap.enabled == true' <<<"$doc"
}

@test "cli: every invalid spec fixture fails create with its exact message and exit 1" {
  requires_root
  local fixtures="$OCIRUN_SOURCE_DIR/spec-fixtures/invalid" f name expected
  for f in "$fixtures"/*.json; do
    name=$(basename "$f" .json)
    expected=$(cat "$fixtures/$name.err")
    rm -rf "$WORK/b" && mkdir -p "$WORK/b"
    cp "$f" "$WORK/b/config.json"
    run "$OCIRUN" --root "$WORK/root" create --bundle "$WORK/b" "fx-$name"
    [ "$status" -eq 1 ] || { echo "$name: exit $status"; return 1; }
    [[ "$output" == *"$expected"* ]] || { echo "$name: got: $output"; echo "want: $expected"; return 1; }
    [ ! -e "$WORK/root/fx-$name" ] || { echo "$name: state dir left behind"; return 1; }
  done
}
