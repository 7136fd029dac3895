#!/usr/bin/env bats
# A hostile image: symlinks in the rootfs pointing at host locations where
# the runtime mounts, creates device nodes, masks or chowns, and ".." in
# destinations. Every path is resolved inside the rootfs, so nothing may
# happen on the host: create either fails with a clear message or the effect
# lands inside the rootfs. The host target is a fresh directory, checked to
# stay empty (or unchanged) and unmounted.

load ../helpers

setup() {
  setup_bundle ocitest sleep
  ID="hostile$$-$BATS_TEST_NUMBER"
  # A private, writable copy of the test rootfs to make hostile.
  ROOTFS="$BUNDLE/rootfs"
  cp -a "$TEST_ROOTFS" "$ROOTFS"
  # As an image ships it: /dev empty (the runtime fills it).
  find "$ROOTFS/dev" -mindepth 1 -delete
  update_config ".root.path = \"rootfs\" | .root.readonly = false"
  HOST_DIR=$(mktemp -d /tmp/ocirun-hostile.XXXXXX)
}

teardown() {
  teardown_bundle
  rm -rf "$HOST_DIR"
}

# Nothing happened to the host target: still empty, nothing mounted on or
# below it, and no container left behind.
assert_host_untouched() {
  local left
  left=$(ls -A "$HOST_DIR")
  [ -z "$left" ] || { echo "created on the host: $left" >&2; return 1; }
  ! grep -q " $HOST_DIR" /proc/self/mountinfo || { echo "mounted on the host" >&2; return 1; }
  [ -z "$("$OCIRUN" --root "$STATE_ROOT" list -q)" ]
}

without_dev_tmpfs() {
  update_config '.mounts |= map(select(.destination != "/dev"))'
}

@test "hostile rootfs: a mount destination symlinked to the host lands inside the rootfs" {
  ln -s "$HOST_DIR/abs" "$ROOTFS/mnt"
  ln -s "../../../../../../..$HOST_DIR/rel" "$ROOTFS/tmp/mnt2"
  update_config '.mounts += [{destination: "/mnt", type: "tmpfs", source: "tmpfs"},
                             {destination: "/tmp/mnt2/deeper", type: "tmpfs", source: "tmpfs"}]'
  set_args sh -c "touch /mnt/inside /tmp/mnt2/deeper/inside && grep -c ' $HOST_DIR/' /proc/self/mountinfo"
  run_container
  echo "$output"
  [ "$status" -eq 0 ]
  # Both mounts are in the container, at the link targets taken as rootfs paths.
  [ "${lines[0]}" = "2" ]
  [ -d "$ROOTFS$HOST_DIR/abs" ] && [ -d "$ROOTFS$HOST_DIR/rel/deeper" ]
  assert_host_untouched
}

@test "hostile rootfs: a file bind destination symlinked to the host is created inside the rootfs" {
  echo "bound content" >"$BUNDLE/source-file"
  rm -f "$ROOTFS/etc/hosts"
  ln -s "$HOST_DIR/hosts" "$ROOTFS/etc/hosts"
  update_config ".mounts += [{destination: \"/etc/hosts\", type: \"bind\", source: \"$BUNDLE/source-file\", options: [\"bind\"]}]"
  set_args cat /etc/hosts
  run_container
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = "bound content" ]
  [ -f "$ROOTFS$HOST_DIR/hosts" ]
  assert_host_untouched
}

@test "hostile rootfs: .. in a mount destination and a device path stays inside the rootfs" {
  update_config ".mounts += [{destination: \"/../../..$HOST_DIR/../..$HOST_DIR/dots\", type: \"tmpfs\", source: \"tmpfs\"}]
    | .linux.devices = [{path: \"/dev/../../..$HOST_DIR/devdots\", type: \"c\", major: 1, minor: 3}]"
  set_args sh -c "grep -c ' $HOST_DIR/dots ' /proc/self/mountinfo; stat -c '%F %t:%T' $HOST_DIR/devdots"
  run_container
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "1" ]
  [ "${lines[1]}" = "character special file 1:3" ]
  assert_host_untouched
}

@test "hostile rootfs: /dev/null symlinked to the host becomes the container's own node" {
  without_dev_tmpfs
  ln -s "$HOST_DIR/null" "$ROOTFS/dev/null"
  # Masking a file binds the container's /dev/null.
  update_config '.linux.maskedPaths += ["/etc/group"]'
  set_args sh -c 'stat -c "%F %t:%T" /dev/null; wc -c </etc/group'
  run_container
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "character special file 1:3" ]
  [ "${lines[1]}" = "0" ]
  assert_host_untouched
}

@test "hostile rootfs: /dev symlinked to the host: its mounts and nodes stay inside the rootfs" {
  rmdir "$ROOTFS/dev"
  ln -s "$HOST_DIR" "$ROOTFS/dev"
  set_args sh -c 'stat -c "%F %t:%T" /dev/null /dev/zero; ls /dev/pts/ptmx'
  run_container
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "character special file 1:3" ]
  [ "${lines[1]}" = "character special file 1:5" ]
  [ "${lines[2]}" = "/dev/pts/ptmx" ]
  assert_host_untouched
}

@test "hostile rootfs: /dev symlinked to the host without a /dev mount: nodes stay inside the rootfs" {
  without_dev_tmpfs
  update_config '.mounts |= map(select(.destination | startswith("/dev") | not))'
  rmdir "$ROOTFS/dev"
  ln -s "$HOST_DIR" "$ROOTFS/dev"
  set_args stat -c "%F %t:%T" /dev/null
  run_container
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = "character special file 1:3" ]
  [ -c "$ROOTFS$HOST_DIR/null" ]
  assert_host_untouched
}

@test "hostile rootfs: /proc as a symlink is refused" {
  rmdir "$ROOTFS/proc"
  ln -s "$HOST_DIR" "$ROOTFS/proc"
  run_container
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "$output" == *'$.mounts[0] (/proc): the destination must be a directory, not a symlink'* ]]
  assert_host_untouched
}

@test "hostile rootfs: /sys as a symlink is refused" {
  rmdir "$ROOTFS/sys"
  ln -s "$HOST_DIR" "$ROOTFS/sys"
  run_container
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "$output" == *'(/sys): the destination must be a directory, not a symlink'* ]]
  assert_host_untouched
}

@test "hostile rootfs: masked and read-only paths symlinked to the host act inside the rootfs" {
  echo "host secret" >"$HOST_DIR/secret"
  mkdir "$HOST_DIR/dir"
  ln -s "$HOST_DIR/secret" "$ROOTFS/etc/secret"
  ln -s "$HOST_DIR/dir" "$ROOTFS/etc/maskdir"
  ln -s "$HOST_DIR" "$ROOTFS/etc/rodir"
  # The same names inside the rootfs, to show where the effect lands.
  mkdir -p "$ROOTFS$HOST_DIR/dir"
  echo "image secret" >"$ROOTFS$HOST_DIR/secret"
  update_config '.linux.maskedPaths += ["/etc/secret", "/etc/maskdir"] | .linux.readonlyPaths += ["/etc/rodir"]'
  set_args sh -c "wc -c </etc/secret; stat -L -c %a /etc/maskdir; touch /etc/rodir/x 2>/dev/null || echo ro"
  run_container
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "0" ]
  [ "${lines[1]}" = "0" ]
  [ "${lines[2]}" = "ro" ]
  [ "$(cat "$HOST_DIR/secret")" = "host secret" ]
  [ "$(ls -A "$HOST_DIR")" = "$(printf 'dir\nsecret')" ]
  [ -z "$(ls -A "$HOST_DIR/dir")" ]
  ! grep -q " $HOST_DIR" /proc/self/mountinfo || return 1
}

@test "hostile rootfs: device paths symlinked to the host are created (and chowned) inside the rootfs" {
  without_dev_tmpfs
  echo "host file" >"$HOST_DIR/victim"
  chmod 600 "$HOST_DIR/victim"
  ln -s "$HOST_DIR/victim" "$ROOTFS/dev/victim"
  ln -s "$HOST_DIR/newnode" "$ROOTFS/dev/newnode"
  ln -s "$HOST_DIR" "$ROOTFS/dev/sub"
  update_config '.linux.devices = [
      {path: "/dev/victim", type: "c", major: 1, minor: 5, uid: 1234, gid: 1234},
      {path: "/dev/newnode", type: "c", major: 1, minor: 5, uid: 1234, gid: 1234},
      {path: "/dev/sub/node", type: "b", major: 7, minor: 0, uid: 1234, gid: 1234}]'
  set_args sh -c 'stat -c "%n %F %u" /dev/victim /dev/newnode /dev/sub/node'
  run_container
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "/dev/victim character special file 1234" ]
  [ "${lines[1]}" = "/dev/newnode character special file 1234" ]
  [ "${lines[2]}" = "/dev/sub/node block special file 1234" ]
  # The host's file is the same regular, root-owned file; nothing else.
  [ "$(stat -c '%F %u %g %a' "$HOST_DIR/victim")" = "regular file 0 0 600" ]
  [ "$(cat "$HOST_DIR/victim")" = "host file" ]
  [ "$(ls -A "$HOST_DIR")" = "victim" ]
  [ -b "$ROOTFS$HOST_DIR/node" ]
}

@test "hostile rootfs: a tmpcopyup destination symlinked to the host copies from inside the rootfs" {
  mkdir -p "$HOST_DIR/etc-on-host"
  echo "host only" >"$HOST_DIR/etc-on-host/host-file"
  mkdir -p "$ROOTFS$HOST_DIR/etc-on-host"
  echo "image" >"$ROOTFS$HOST_DIR/etc-on-host/image-file"
  ln -s "$HOST_DIR/etc-on-host" "$ROOTFS/copyup"
  update_config '.mounts += [{destination: "/copyup", type: "tmpfs", source: "tmpfs", options: ["tmpcopyup"]}]'
  set_args ls /copyup
  run_container
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = "image-file" ]
  [ "$(ls -A "$HOST_DIR/etc-on-host")" = "host-file" ]
}
