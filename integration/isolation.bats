#!/usr/bin/env bats
# The container's view of the system is what config.json says: namespaces
# (new, joined by path, or the host's), id mappings, time offsets, mounts and
# their options, devices, masked and read-only paths, sysctl, rootfs
# propagation and --no-pivot.

load helpers

NS_TYPES="cgroup ipc mnt net pid time user uts"

setup() {
  setup_bundle ocitest sleep
  ID="iso$$-$BATS_TEST_NUMBER"
  HOST_DIR=
  CLEANUP_MOUNTS=()
  CLEANUP_PIDS=
}

teardown() {
  teardown_bundle
  [ -z "$CLEANUP_PIDS" ] || kill $CLEANUP_PIDS 2>/dev/null || true
  local m
  for m in "${CLEANUP_MOUNTS[@]}"; do umount -l "$m" 2>/dev/null || true; done
  [ -z "$HOST_DIR" ] || rm -rf "$HOST_DIR"
}

# The container prints "TYPE INODE-LINK" for each namespace type.
print_namespaces() {
  set_args sh -c "for n in $NS_TYPES; do echo \$n \$(readlink /proc/self/ns/\$n); done"
}

# ns_of TYPE PID: the namespace link of a host process.
ns_of() {
  readlink "/proc/$2/ns/$1"
}

# Runs as root of a user namespace mapped to 100000..165535.
with_userns() {
  update_config '.linux.namespaces += [{type: "user"}]
    | .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
    | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
}

all_namespaces() {
  update_config '.linux.namespaces = [{type: "pid"}, {type: "network"}, {type: "ipc"}, {type: "uts"},
      {type: "mount"}, {type: "cgroup"}, {type: "time"}]'
  with_userns
}

# mounts_add JSON: appends one mount.
mounts_add() {
  update_config ".mounts += [$1]"
}

# A host directory for the test (removed in teardown).
make_host_dir() {
  HOST_DIR=$(mktemp -d /tmp/ocirun-iso.XXXXXX)
}

# host_mount ARGS... TARGET: a host mount undone in teardown.
host_mount() {
  mount "$@"
  CLEANUP_MOUNTS=("${@: -1}" "${CLEANUP_MOUNTS[@]}")
}

@test "isolation: every configured namespace type is new" {
  all_namespaces
  print_namespaces
  run_container
  echo "$output"
  [ "$status" -eq 0 ]
  local n
  for n in $NS_TYPES; do
    inside=$(awk -v n="$n" '$1 == n {print $2}' <<<"$output")
    [ -n "$inside" ]
    [ "$inside" != "$(ns_of "$n" $$)" ] || { echo "$n is the host's"; return 1; }
  done
}

@test "isolation: a namespace type absent from the config is the host's" {
  update_config '.linux.namespaces = [{type: "mount"}] | del(.hostname)'
  print_namespaces
  run_container
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(awk '$1 == "mnt" {print $2}' <<<"$output")" != "$(ns_of mnt $$)" ]
  local n
  for n in cgroup ipc net pid time user uts; do
    [ "$(awk -v n="$n" '$1 == n {print $2}' <<<"$output")" = "$(ns_of "$n" $$)" ] || { echo "$n is not the host's"; return 1; }
  done
}

# The second container prints its namespaces; $1: "type:link ..." joined
# from process $2, compared with the second container's view.
assert_joined() {
  local t joins=
  for t in $1; do joins+="{type: \"${t%%:*}\", path: \"/proc/$2/ns/${t#*:}\"},"; done
  update_config ".linux.namespaces = [${joins%,}, {type: \"mount\"}]"
  print_namespaces
  run_container
  echo "$output"
  [ "$status" -eq 0 ]
  for t in $1; do
    [ "$(awk -v n="${t#*:}" '$1 == n {print $2}' <<<"$output")" = "$(ns_of "${t#*:}" "$2")" ] ||
      { echo "${t#*:} differs"; return 1; }
  done
}

@test "isolation: every namespace type joined by path is the one at that path" {
  # A first container owns a namespace of each type ...
  all_namespaces
  run_detached "$ID-owner"
  owner=$(init_pid "$ID-owner")
  # ... and a second one joins them (the user namespace first; its own mount
  # namespace, since the owner's has pivoted into another rootfs).
  update_config 'del(.linux.uidMappings, .linux.gidMappings)'
  assert_joined "pid:pid network:net ipc:ipc uts:uts cgroup:cgroup time:time user:user" "$owner"
}

@test "isolation: a mount namespace joined by path is the one at that path" {
  # A mount namespace of the host's (it still sees the rootfs where the
  # config says), and its network namespace.
  unshare --mount --net --propagation slave sleep 600 &
  holder=$!
  CLEANUP_PIDS=$holder
  for _ in $(seq 100); do [ "$(ns_of mnt $holder)" != "$(ns_of mnt $$)" ] && break; sleep 0.02; done
  update_config 'del(.hostname)'
  local t joins=
  for t in mount:mnt network:net; do joins+="{type: \"${t%%:*}\", path: \"/proc/$holder/ns/${t#*:}\"},"; done
  update_config ".linux.namespaces = [${joins%,}]"
  print_namespaces
  run_container
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(awk '$1 == "mnt" {print $2}' <<<"$output")" = "$(ns_of mnt $holder)" ]
  [ "$(awk '$1 == "net" {print $2}' <<<"$output")" = "$(ns_of net $holder)" ]
  [ "$(awk '$1 == "uts" {print $2}' <<<"$output")" = "$(ns_of uts $$)" ]
}

@test "isolation: uid and gid mappings are visible inside and the rootfs is usable" {
  with_userns
  update_config '.linux.uidMappings = [{containerID: 0, hostID: 100000, size: 1000}, {containerID: 1000, hostID: 201000, size: 10}]
    | .linux.gidMappings = [{containerID: 0, hostID: 300000, size: 2000}]
    | .root.readonly = false'
  set_args sh -c 'cat /proc/self/uid_map /proc/self/gid_map; id -u; echo x >/dev/null && echo devnull-ok; ls /proc/1/ns >/dev/null && echo proc-ok; stat -c "%u %g" /bin/busybox'
  run_container
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$(awk '{$1=$1; print}' <<<"${lines[0]}")" = "0 100000 1000" ]
  [ "$(awk '{$1=$1; print}' <<<"${lines[1]}")" = "1000 201000 10" ]
  [ "$(awk '{$1=$1; print}' <<<"${lines[2]}")" = "0 300000 2000" ]
  [ "${lines[3]}" = "0" ]
  [ "${lines[4]}" = "devnull-ok" ]
  [ "${lines[5]}" = "proc-ok" ]
  # The host's root is not mapped: it shows as the overflow ids.
  [ "${lines[6]}" = "65534 65534" ]
}

@test "isolation: the container's processes run as the mapped host ids" {
  with_userns
  run_detached "$ID"
  pid=$(init_pid "$ID")
  [ "$(awk '/^Uid:/ {print $2}' "/proc/$pid/status")" = "100000" ]
  [ "$(awk '/^Gid:/ {print $2}' "/proc/$pid/status")" = "100000" ]
}

@test "isolation: time offsets of a new time namespace" {
  update_config '.linux.namespaces += [{type: "time"}]
    | .linux.timeOffsets = {monotonic: {secs: 31536000, nanosecs: 0}, boottime: {secs: 63072000, nanosecs: 5}}'
  set_args sh -c 'cat /proc/self/timens_offsets; cut -d. -f1 /proc/uptime'
  run_container
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"monotonic"*"31536000"*"0"* ]]
  [[ "$(grep boottime <<<"$output" | awk '{print $2, $3}')" = "63072000 5" ]]
  # /proc/uptime counts boottime: at least the offset.
  [ "${lines[2]}" -ge 63072000 ]
  [ "$(cut -d. -f1 /proc/uptime)" -lt 63072000 ]
}

# A host directory with a file, an executable and a tmpfs submount "sub"
# holding "b"; the directory is itself a shared mount (for propagation).
make_bind_source() {
  make_host_dir
  host_mount --bind "$HOST_DIR" "$HOST_DIR"
  mount --make-shared "$HOST_DIR"
  echo hello >"$HOST_DIR/a"
  printf '#!/bin/sh\necho ran\n' >"$HOST_DIR/x.sh"
  chmod 755 "$HOST_DIR/x.sh"
  mkdir "$HOST_DIR/sub"
  host_mount -t tmpfs tmpfs "$HOST_DIR/sub"
  echo below >"$HOST_DIR/sub/b"
}

# A writable tmpfs on /run to hold mount points (the shared test rootfs must
# not get new directories).
run_tmpfs() {
  mounts_add '{destination: "/run", type: "tmpfs", source: "tmpfs", options: ["mode=755"]}'
}

# mount_line MOUNTPOINT: that mount's line of the container's mountinfo
# (from the output of `cat /proc/self/mountinfo`).
mount_line() {
  awk -v m="$1" '$5 == m' <<<"$output" | tail -1
}

# mount_opts MOUNTPOINT: its per-mount options ("ro,nosuid,...").
mount_opts() {
  mount_line "$1" | awk '{print $6}'
}

@test "isolation: bind mounts a directory or a file; rbind brings the submounts" {
  make_bind_source
  run_tmpfs
  mounts_add "{destination: \"/run/bind\", type: \"bind\", source: \"$HOST_DIR\", options: [\"bind\"]}"
  mounts_add "{destination: \"/run/rbind\", type: \"none\", source: \"$HOST_DIR\", options: [\"rbind\"]}"
  mounts_add "{destination: \"/run/file\", type: \"bind\", source: \"$HOST_DIR/a\", options: [\"bind\"]}"
  set_args sh -c 'cat /run/bind/a; ls /run/bind/sub | wc -l; cat /run/rbind/sub/b; cat /run/file; test -f /run/file && echo file'
  run_container
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "hello" ]
  [ "${lines[1]}" = "0" ]
  [ "${lines[2]}" = "below" ]
  [ "${lines[3]}" = "hello" ]
  [ "${lines[4]}" = "file" ]
}

@test "isolation: ro, nosuid, nodev and noexec are applied and enforced; rw is writable" {
  make_bind_source
  run_tmpfs
  mounts_add "{destination: \"/run/locked\", type: \"bind\", source: \"$HOST_DIR\", options: [\"bind\", \"ro\", \"nosuid\", \"nodev\", \"noexec\"]}"
  mounts_add "{destination: \"/run/open\", type: \"bind\", source: \"$HOST_DIR\", options: [\"bind\", \"rw\"]}"
  set_args sh -c 'cat /proc/self/mountinfo; echo ===; touch /run/locked/new 2>&1; /run/locked/x.sh 2>&1; touch /run/open/new && echo written; /run/open/x.sh'
  run_container
  echo "$output"
  [ "$status" -eq 0 ]
  opts=$(mount_opts /run/locked)
  [[ ",$opts," == *,ro,* && ",$opts," == *,nosuid,* && ",$opts," == *,nodev,* && ",$opts," == *,noexec,* ]]
  [[ ",$(mount_opts /run/open)," == *,rw,* ]]
  [[ "$output" == *"/run/locked/new"*"Read-only file system"* ]]
  [[ "$output" == *"/run/locked/x.sh"*"Permission denied"* ]]
  [[ "$output" == *$'written\nran'* ]]
  [ -f "$HOST_DIR/new" ]
}

@test "isolation: rro makes the submounts of an rbind read-only too; ro does not" {
  make_bind_source
  run_tmpfs
  mounts_add "{destination: \"/run/ro\", type: \"bind\", source: \"$HOST_DIR\", options: [\"rbind\", \"ro\"]}"
  mounts_add "{destination: \"/run/rro\", type: \"bind\", source: \"$HOST_DIR\", options: [\"rbind\", \"rro\", \"rnosuid\"]}"
  set_args cat /proc/self/mountinfo
  run_container
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$(mount_opts /run/ro)" == ro,* ]]
  [[ "$(mount_opts /run/ro/sub)" == rw,* ]]
  [[ "$(mount_opts /run/rro)" == ro,nosuid* ]]
  [[ "$(mount_opts /run/rro/sub)" == ro,nosuid* ]]
}

@test "isolation: tmpfs options reach the filesystem; tmpcopyup keeps the image's files" {
  update_config '.root.readonly = false'
  mounts_add '{destination: "/run", type: "tmpfs", source: "tmpfs", options: ["size=1m", "mode=700", "nodev", "noatime"]}'
  mounts_add '{destination: "/etc", type: "tmpfs", source: "tmpfs", options: ["tmpcopyup"]}'
  set_args sh -c 'cat /proc/self/mountinfo; echo ===; stat -c %a /run; grep -c ^user: /etc/passwd; echo added >>/etc/passwd && echo appended'
  run_container
  echo "$output"
  [ "$status" -eq 0 ]
  line=$(mount_line /run)
  [[ "$line" == *" - tmpfs "* ]]
  [[ "$(mount_opts /run)" == rw,nodev,noatime* ]]
  [[ "$line" == *size=1024k* && "$line" == *mode=700* ]]
  [[ "$output" == *$'===\n700\n1\nappended'* ]]
  [[ "$(mount_line /etc)" == *" - tmpfs "* ]]
  # The copy was written, not the image.
  ! grep -q added "$TEST_ROOTFS/etc/passwd" || return 1
}

@test "isolation: the default mounts have their types and options" {
  set_args cat /proc/self/mountinfo
  run_container
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$(mount_line /proc)" == *" - proc "* ]]
  [[ "$(mount_line /dev)" == *" - tmpfs "*mode=755* ]]
  [[ "$(mount_line /dev/pts)" == *" - devpts "*ptmxmode=666* ]]
  [[ "$(mount_line /dev/shm)" == *" - tmpfs "* ]]
  [[ "$(mount_line /dev/mqueue)" == *" - mqueue "* ]]
  [[ "$(mount_line /sys)" == *" - sysfs "* ]]
  [[ "$(mount_opts /sys)" == ro,* ]]
  [[ "$(mount_opts /sys/fs/cgroup)" == ro,* ]]
  [[ "$(mount_line /sys/fs/cgroup/memory)" == *" - cgroup "* ]]
  [[ "$(mount_opts /)" == ro,* ]]
}

@test "isolation: per-mount propagation options" {
  make_bind_source
  run_tmpfs
  mounts_add "{destination: \"/run/slave\", type: \"bind\", source: \"$HOST_DIR\", options: [\"rbind\", \"rslave\"]}"
  mounts_add "{destination: \"/run/private\", type: \"bind\", source: \"$HOST_DIR\", options: [\"rbind\", \"rprivate\"]}"
  mounts_add "{destination: \"/run/shared\", type: \"bind\", source: \"$HOST_DIR\", options: [\"rbind\", \"private\", \"shared\"]}"
  mounts_add "{destination: \"/run/unbindable\", type: \"bind\", source: \"$HOST_DIR\", options: [\"rbind\", \"unbindable\"]}"
  set_args cat /proc/self/mountinfo
  run_container
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$(mount_line /run/slave)" == *" master:"* ]]
  [[ "$(mount_line /run/slave/sub)" == *" master:"* ]]
  [[ "$(mount_line /run/private)" != *" master:"* && "$(mount_line /run/private)" != *" shared:"* ]]
  [[ "$(mount_line /run/private/sub)" != *" master:"* && "$(mount_line /run/private/sub)" != *" shared:"* ]]
  [[ "$(mount_line /run/shared)" == *" shared:"* && "$(mount_line /run/shared)" != *" master:"* ]]
  [[ "$(mount_line /run/unbindable)" == *" unbindable"* ]]
}

@test "isolation: devices are created with their type, numbers, mode and owner" {
  # block0's fileMode carries the file type bits (060660), as podman passes a
  # host device's st_mode: only the permission bits count.
  update_config '.linux.devices = [
      {path: "/dev/char0", type: "c", major: 1, minor: 3, fileMode: 416, uid: 1000, gid: 5},
      {path: "/dev/block0", type: "b", major: 7, minor: 200, fileMode: 25008, uid: 0, gid: 6},
      {path: "/dev/fifo0", type: "p", fileMode: 420},
      {path: "/dev/sub/unbuffered", type: "u", major: 1, minor: 5}]'
  set_args sh -c 'stat -c "%n %F %t:%T %a %u:%g" /dev/char0 /dev/block0 /dev/fifo0 /dev/sub/unbuffered /dev/null /dev/zero /dev/full /dev/random /dev/urandom /dev/tty; for l in ptmx fd stdin stdout stderr; do readlink /dev/$l; done'
  run_container
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "/dev/char0 character special file 1:3 640 1000:5" ]
  [ "${lines[1]}" = "/dev/block0 block special file 7:c8 660 0:6" ]
  [ "${lines[2]}" = "/dev/fifo0 fifo 0:0 644 0:0" ]
  [ "${lines[3]}" = "/dev/sub/unbuffered character special file 1:5 666 0:0" ]
  [ "${lines[4]}" = "/dev/null character special file 1:3 666 0:0" ]
  [ "${lines[5]}" = "/dev/zero character special file 1:5 666 0:0" ]
  [ "${lines[6]}" = "/dev/full character special file 1:7 666 0:0" ]
  [ "${lines[7]}" = "/dev/random character special file 1:8 666 0:0" ]
  [ "${lines[8]}" = "/dev/urandom character special file 1:9 666 0:0" ]
  [ "${lines[9]}" = "/dev/tty character special file 5:0 666 0:0" ]
  [ "${lines[10]}" = "pts/ptmx" ]
  [ "${lines[11]}" = "/proc/self/fd" ]
  [ "${lines[12]}" = "/proc/self/fd/0" ]
  [ "${lines[13]}" = "/proc/self/fd/1" ]
  [ "${lines[14]}" = "/proc/self/fd/2" ]
}

@test "isolation: in a user namespace the devices are the host's nodes, bound" {
  with_userns
  update_config '.linux.devices = [{path: "/dev/kmsg", type: "c", major: 1, minor: 11}]'
  set_args sh -c 'stat -c "%n %F %t:%T" /dev/kmsg /dev/null; echo x >/dev/null && echo written'
  run_container
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "/dev/kmsg character special file 1:b" ]
  [ "${lines[1]}" = "/dev/null character special file 1:3" ]
  [ "${lines[2]}" = "written" ]
}

@test "isolation: in a user namespace a device the host has not got at that path is refused" {
  with_userns
  update_config '.linux.devices = [{path: "/dev/kmsg", type: "c", major: 1, minor: 3}]'
  run_container
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "$output" == *"device /dev/kmsg: the host's node at this path is not c 1:3"* ]]
  [ -z "$("$OCIRUN" --root "$STATE_ROOT" list -q)" ]
}

@test "isolation: masked paths cannot be read; read-only paths cannot be written" {
  run_tmpfs
  mounts_add '{destination: "/home", type: "tmpfs", source: "tmpfs"}'
  update_config '.linux.maskedPaths += ["/etc/passwd", "/bin/missing"] | .linux.readonlyPaths += ["/run", "/bin/missing"]'
  set_args sh -c 'echo keys $(wc -c </proc/keys); echo passwd $(wc -c </etc/passwd); echo firmware $(stat -c %a /sys/firmware); touch /sys/firmware/x 2>/dev/null || echo firmware-ro; touch /run/x 2>/dev/null || echo run-ro; touch /home/x && echo home-rw; echo 1 2>/dev/null >/proc/sys/kernel/domainname || echo procsys-ro; echo 1 2>/dev/null >/proc/sysrq-trigger || echo sysrq-ro'
  run_container
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = "keys 0
passwd 0
firmware 0
firmware-ro
run-ro
home-rw
procsys-ro
sysrq-ro" ]
  # The image's file itself is untouched.
  grep -q ^user: "$TEST_ROOTFS/etc/passwd"
}

@test "isolation: namespaced sysctls are applied in the container only" {
  update_config '.linux.sysctl = {"net.ipv4.ip_forward": "1", "kernel.shmmni": "1234", "net.ipv4.ping_group_range": "0 42"}'
  set_args sh -c 'cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmni /proc/sys/net/ipv4/ping_group_range'
  host_shmmni=$(cat /proc/sys/kernel/shmmni)
  run_container
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "1" ]
  [ "${lines[1]}" = "1234" ]
  [ "$(tr -s '\t ' ' ' <<<"${lines[2]}")" = "0 42" ]
  [ "$(cat /proc/sys/kernel/shmmni)" = "$host_shmmni" ]
}

@test "isolation: a sysctl of a namespace the container shares with the host is refused" {
  update_config '.linux.namespaces |= map(select(.type != "network")) | .linux.sysctl = {"net.ipv4.ip_forward": "1"}'
  run_container
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *'net.ipv4.ip_forward'* ]]
}

# propagation_case PROPAGATION: a container with $HOST_DIR bound at /vol
# (no propagation option of its own) and linux.rootfsPropagation as given;
# the host then mounts below $HOST_DIR, and the container below /vol.
# Sets $output to the container's "host-to-container yes|no" and "root:"
# lines (its / in mountinfo) and "container-to-host yes|no". Not to be used
# with `run`: the mounts it makes are undone by teardown.
propagation_case() {
  make_bind_source
  update_config "del(.linux.rootfsPropagation) | .mounts += [{destination: \"/run\", type: \"tmpfs\", source: \"tmpfs\"},
      {destination: \"/run/vol\", type: \"bind\", source: \"$HOST_DIR\", options: [\"rbind\"]}]
    | .process.capabilities.bounding += [\"CAP_SYS_ADMIN\"] | .process.capabilities.effective += [\"CAP_SYS_ADMIN\"]
    | .process.capabilities.permitted += [\"CAP_SYS_ADMIN\"]"
  [ -z "$1" ] || update_config ".linux.rootfsPropagation = \"$1\""
  mkdir "$HOST_DIR/from-host" "$HOST_DIR/from-container"
  # The container waits for the host's mount, mounts its own and reports.
  set_args sh -c 'while ! [ -e /run/ready ]; do sleep 0.05; done; mount -t tmpfs inner /run/vol/from-container && touch /run/vol/from-container/mark; grep -q " /run/vol/from-host " /proc/self/mountinfo && echo host-to-container yes || echo host-to-container no; grep -E "^([^ ]+ ){4}/ " /proc/self/mountinfo | sed s/^/root:/'
  run_detached "$ID"
  pid=$(init_pid "$ID")
  host_mount -t tmpfs outer "$HOST_DIR/from-host"
  CLEANUP_MOUNTS+=("$HOST_DIR/from-container")
  touch "/proc/$pid/root/run/ready"
  for _ in $(seq 200); do [ "$(container_status "$ID")" = stopped ] && break; sleep 0.05; done
  output=$(cat "$BUNDLE/container.out" "$OCIRUN_ERR")
  if grep -q " $HOST_DIR/from-container " /proc/self/mountinfo; then
    output+=$'\ncontainer-to-host yes'
  else
    output+=$'\ncontainer-to-host no'
  fi
}

@test "isolation: by default host mounts reach the container and container mounts never reach the host" {
  propagation_case ""
  echo "$output"
  [[ "$output" == *"host-to-container yes"* ]]
  [[ "$output" == *"container-to-host no"* ]]
  [ ! -e "$HOST_DIR/from-container/mark" ]
}

@test "isolation: rprivate rootfs propagation cuts the host's mounts off" {
  propagation_case rprivate
  echo "$output"
  [[ "$output" == *"host-to-container no"* ]]
  [[ "$output" == *"container-to-host no"* ]]
  [[ "$(grep ^root: <<<"$output")" != *" master:"* && "$(grep ^root: <<<"$output")" != *" shared:"* ]]
}

@test "isolation: rshared rootfs propagation carries mounts under a shared volume both ways" {
  propagation_case rshared
  echo "$output"
  [[ "$output" == *"host-to-container yes"* ]]
  [[ "$output" == *"container-to-host yes"* ]]
  [ -e "$HOST_DIR/from-container/mark" ]
  [[ "$(grep ^root: <<<"$output")" == *" shared:"* ]]
}

# host_mounts_in_container_ns: how many lines of the container's mount
# namespace, seen from the namespace's own root, mention $HOST_DIR (a
# host-only mount).
host_mounts_in_container_ns() {
  nsenter -t "$(init_pid "$ID")" -m -p grep -c " $HOST_DIR " /proc/self/mountinfo || true
}

@test "isolation: after pivot_root the old root is fully detached" {
  make_host_dir
  host_mount --bind "$HOST_DIR" "$HOST_DIR"
  run_detached "$ID"
  [ "$(host_mounts_in_container_ns)" = "0" ]
}

@test "isolation: --no-pivot runs the container in its rootfs without pivot_root" {
  set_args sh -c 'grep ^user: /etc/passwd; ls /bin/ocitest; grep -c " /proc " /proc/self/mountinfo'
  run_container --no-pivot
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "user:x:1000:1000:user:/home/user:/bin/sh" ]
  [ "${lines[1]}" = "/bin/ocitest" ]
  [ "${lines[2]}" = "1" ]
}

# A host directory with files owned by 0 and 1000, for id-mapped mounts.
make_idmap_source() {
  make_host_dir
  chmod 777 "$HOST_DIR"
  echo root >"$HOST_DIR/by-root"
  echo user >"$HOST_DIR/by-user"
  chown 1000:1000 "$HOST_DIR/by-user"
}

@test "isolation: an idmap bind mount shows and stores ownership through its own maps" {
  make_idmap_source
  run_tmpfs
  update_config '.root.readonly = true'
  mounts_add "{destination: \"/run/mapped\", type: \"bind\", source: \"$HOST_DIR\", options: [\"bind\", \"idmap\"],
      uidMappings: [{containerID: 0, hostID: 5000, size: 2000}], gidMappings: [{containerID: 0, hostID: 7000, size: 2000}]}"
  mounts_add "{destination: \"/run/plain\", type: \"bind\", source: \"$HOST_DIR\", options: [\"bind\"]}"
  # uid 5000 is the source's root through the mount.
  update_config '.process.user = {uid: 5000, gid: 7000}'
  set_args sh -c 'stat -c "%n %u:%g" /run/mapped/by-root /run/mapped/by-user /run/plain/by-root; touch /run/mapped/new && echo created; grep -c idmapped /proc/self/mountinfo'
  run_container
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "/run/mapped/by-root 5000:7000" ]
  [ "${lines[1]}" = "/run/mapped/by-user 6000:8000" ]
  [ "${lines[2]}" = "/run/plain/by-root 0:0" ]
  [ "${lines[3]}" = "created" ]
  [ "${lines[4]}" = "1" ]
  # On the host the new file belongs to the source's root, not to 5000.
  [ "$(stat -c %u:%g "$HOST_DIR/new")" = "0:0" ]
}

@test "isolation: ridmap maps the submounts of an rbind too; idmap only the top" {
  make_idmap_source
  mkdir "$HOST_DIR/sub"
  host_mount -t tmpfs tmpfs "$HOST_DIR/sub"
  touch "$HOST_DIR/sub/below"
  run_tmpfs
  local maps='uidMappings: [{containerID: 0, hostID: 5000, size: 2000}], gidMappings: [{containerID: 0, hostID: 5000, size: 2000}]'
  mounts_add "{destination: \"/run/r\", type: \"bind\", source: \"$HOST_DIR\", options: [\"rbind\", \"ridmap\"], $maps}"
  mounts_add "{destination: \"/run/i\", type: \"bind\", source: \"$HOST_DIR\", options: [\"rbind\", \"idmap\"], $maps}"
  set_args stat -c "%n %u" /run/r/by-root /run/r/sub/below /run/i/by-root /run/i/sub/below
  run_container
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "/run/r/by-root 5000" ]
  [ "${lines[1]}" = "/run/r/sub/below 5000" ]
  [ "${lines[2]}" = "/run/i/by-root 5000" ]
  [ "${lines[3]}" = "/run/i/sub/below 0" ]
}

@test "isolation: an idmap mount of a filesystem that cannot be id-mapped fails naming the mount" {
  run_tmpfs
  mounts_add '{destination: "/run/p", type: "bind", source: "/proc", options: ["bind", "idmap"],
      uidMappings: [{containerID: 0, hostID: 5000, size: 10}], gidMappings: [{containerID: 0, hostID: 5000, size: 10}]}'
  run_container
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "$output" == *'$.mounts[8] (/run/p): the filesystem of /proc (or of a mount below it) cannot be id-mapped'* ]]
  [ -z "$("$OCIRUN" --root "$STATE_ROOT" list -q)" ]
}

@test "isolation: idmap without maps of its own takes the user namespace's: the source's root is the container's root" {
  "$OCIRUN" features | jq -e .linux.mountExtensions.idmap.enabled >/dev/null || skip "features: idmap not enabled"
  make_idmap_source
  run_tmpfs
  with_userns
  mounts_add "{destination: \"/run/mapped\", type: \"bind\", source: \"$HOST_DIR\", options: [\"bind\", \"idmap\"]}"
  mounts_add "{destination: \"/run/plain\", type: \"bind\", source: \"$HOST_DIR\", options: [\"bind\"]}"
  set_args sh -c 'stat -c "%n %u:%g" /run/mapped/by-root /run/mapped/by-user /run/plain/by-root; touch /run/mapped/new && echo created'
  run_container
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "/run/mapped/by-root 0:0" ]
  [ "${lines[1]}" = "/run/mapped/by-user 1000:1000" ]
  [ "${lines[2]}" = "/run/plain/by-root 65534:65534" ]
  [ "${lines[3]}" = "created" ]
  [ "$(stat -c %u:%g "$HOST_DIR/new")" = "0:0" ]
}

# A rootfs inside a host mount that is shared: the container's own mounts
# (its rootfs, /proc, /dev...) must not propagate to the host, whatever the
# rootfs propagation.
rootfs_on_shared_mount() {
  make_bind_source
  cp -a "$TEST_ROOTFS" "$HOST_DIR/rootfs"
  update_config ".root.path = \"$HOST_DIR/rootfs\""
  [ -z "$1" ] || update_config ".linux.rootfsPropagation = \"$1\""
  run_detached "$ID" || { cat "$OCIRUN_ERR"; return 1; }
  local leaked
  leaked=$(grep " $HOST_DIR/rootfs" /proc/self/mountinfo || true)
  [ -z "$leaked" ] || { echo "on the host: $leaked"; return 1; }
}

@test "isolation: with a rootfs on a shared mount the container's mounts stay off the host (default)" {
  rootfs_on_shared_mount ""
}

@test "isolation: with a rootfs on a shared mount the container's mounts stay off the host (slave)" {
  rootfs_on_shared_mount slave
}

@test "isolation: with a rootfs on a shared mount the container's mounts stay off the host (shared)" {
  rootfs_on_shared_mount shared
}

@test "isolation: with a rootfs on a shared mount the container's mounts stay off the host (rshared)" {
  rootfs_on_shared_mount rshared
}

@test "isolation: with a cgroup namespace the container's cgroup is its root; without one it sees its path" {
  set_args sh -c 'cat /proc/self/cgroup; cat /proc/self/mountinfo'
  run_container
  echo "$output"
  [ "$status" -eq 0 ]
  # Every hierarchy shows "/" as our cgroup, and is mounted from its root.
  ! grep -E '^[0-9]+:[^:]*:/.+' <<<"$output" || return 1
  [ "$(mount_line /sys/fs/cgroup/memory | awk '{print $4}')" = "/" ]
  [ "$(mount_line /sys/fs/cgroup/unified | awk '{print $4}')" = "/" ]

  update_config '.linux.namespaces |= map(select(.type != "cgroup"))'
  ID=$ID-shared run_container
  echo "$output"
  [ "$status" -eq 0 ]
  grep -E "^[0-9]+:memory:/.*$ID-shared\$" <<<"$output"
  # The container's own cgroup directory is what is mounted.
  [[ "$(mount_line /sys/fs/cgroup/memory | awk '{print $4}')" == */"$ID-shared" ]]
}

@test "isolation: hostname and domainname are set in the new uts namespace" {
  update_config '.hostname = "box-name" | .domainname = "box.domain"'
  set_args sh -c 'hostname; cat /proc/sys/kernel/domainname'
  run_container
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "box-name" ]
  [ "${lines[1]}" = "box.domain" ]
  [ "$(hostname)" != "box-name" ]
}
