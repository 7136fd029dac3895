#!/usr/bin/env bats
# docker (Debian docker.io 20.10) runs its containers on ocirun: a private
# dockerd (own data-root, exec-root, socket; no iptables, no bridge; the
# cgroupfs driver) with "runtimes": {"ocirun": {"path": ...}}, and every
# container run with --runtime ocirun; the image is the test rootfs imported
# from a tarball.

load engine_helpers

IMAGE=localhost/ocirun-busybox

setup_file() {
  requires_root
  install_engine docker.io busybox-static
  make_engine_dir docker
  # dockerd writes these outside its data-root and exec-root; removed in teardown_file only if it made them here.
  local path
  PREEXISTING=
  for path in /etc/docker/key.json /etc/docker /run/docker $(cgroup_dirs docker); do
    [ -e "$path" ] && PREEXISTING+="$path"$'\n'
  done
  export PREEXISTING
  cat >"$ENGINE_DIR/daemon.json" <<CONF
{
  "data-root": "$ENGINE_DIR/data",
  "exec-root": "$ENGINE_DIR/exec",
  "pidfile": "$ENGINE_DIR/docker.pid",
  "hosts": ["unix://$ENGINE_DIR/docker.sock"],
  "iptables": false, "ip6tables": false, "ip-forward": false, "ip-masq": false,
  "bridge": "none",
  "exec-opts": ["native.cgroupdriver=cgroupfs"],
  "runtimes": {"ocirun": {"path": "$OCIRUN"}}
}
CONF
  export DOCKER_HOST=unix://$ENGINE_DIR/docker.sock
  dockerd --config-file "$ENGINE_DIR/daemon.json" --containerd-namespace ocirun-engines-docker \
    </dev/null >"$ENGINE_DIR/dockerd.log" 2>&1 3>&- &
  echo $! >"$ENGINE_DIR/dockerd.pid"
  retry 200 docker version >/dev/null 2>&1
  image_tarball "$ENGINE_DIR/rootfs.tar"
  docker import "$ENGINE_DIR/rootfs.tar" "$IMAGE" >/dev/null
}

teardown_file() {
  [ -n "${ENGINE_DIR:-}" ] || return 0
  local ids pid path
  ids=$(docker ps -aq 2>/dev/null || true)
  [ -z "$ids" ] || docker rm -f $ids >/dev/null 2>&1 || true
  docker rmi -f "$IMAGE" >/dev/null 2>&1 || true
  stop_pid "$(cat "$ENGINE_DIR/dockerd.pid" 2>/dev/null)"
  # dockerd stops its containerd; a shim would outlive both: ours were given our socket.
  for pid in $(pgrep -f -- "$ENGINE_DIR/exec/containerd/containerd" || true); do stop_pid "$pid"; done
  # dockerd may leave its data-root bind and the default netns mounted.
  unmount_under "$ENGINE_DIR"
  rm -rf "$ENGINE_DIR"
  for path in /etc/docker/key.json /etc/docker /run/docker; do
    [[ "$PREEXISTING" == *"$path"$'\n'* ]] || rm -rf "$path"
  done
  for path in $(cgroup_dirs docker); do
    [[ "$PREEXISTING" == *"$path"$'\n'* ]] || remove_cgroup_tree "$path"
  done
}

# docker run through ocirun, without a network (there is no bridge).
docker_run() {
  docker run --runtime ocirun --network none "$@"
}

state_of() {
  docker inspect --format '{{.State.Status}} {{.State.ExitCode}}' "$1"
}

# The container's state directory in ocirun's root (the shim gives --root).
ocirun_state_dir() {
  find "$ENGINE_DIR/exec" -mindepth 3 -maxdepth 3 -type d -name "$1"
}

logs_contain() {
  [[ "$(docker logs "$1" 2>&1)" == *"$2"* ]]
}

@test "docker: run --rm returns the exit status and output; 127/126 for a bad command" {
  run --separate-stderr docker_run --rm "$IMAGE" sh -c 'echo hello from ocirun; exit 3'
  [ "$status" -eq 3 ]
  [ "$output" = "hello from ocirun" ]
  run -127 --separate-stderr docker_run --rm "$IMAGE" /nonexistent
  [[ "$stderr" == *'OCI runtime create failed: exec: "/nonexistent": no such file or directory'* ]]
  run -126 --separate-stderr docker_run --rm "$IMAGE" /etc/passwd
  [[ "$stderr" == *'exec: "/etc/passwd": permission denied'* ]]
}

@test "docker: run -d, exec, exec -t, run -t, top" {
  local id
  id=$(docker_run -d --name server "$IMAGE" sleep 1000)
  [ -n "$(ocirun_state_dir "$id")" ]
  [ "$(docker inspect --format '{{.HostConfig.Runtime}}' server)" = ocirun ]
  run --separate-stderr docker exec server sh -c 'echo in $(readlink /proc/1/exe); exit 5'
  [ "$status" -eq 5 ]
  [ "$output" = "in /bin/busybox" ]
  # As with runc: 126, and the runtime's message.
  run -126 docker exec server /nonexistent
  [[ "$output" == *'OCI runtime exec failed: exec failed: exec: "/nonexistent": no such file or directory'* ]]
  run --separate-stderr docker exec -t server tty
  [[ "$output" == /dev/pts/* ]]
  run --separate-stderr docker_run --rm -t "$IMAGE" tty
  [[ "$output" == /dev/pts/0* ]]
  # top comes from `ocirun ps --format json`.
  local pid
  pid=$(docker inspect --format '{{.State.Pid}}' server)
  run --separate-stderr docker top server -o pid,args
  [[ "$output" == *$'\n'"$pid "*"sleep 1000"* ]]
  docker rm -f server
}

@test "docker: pause/unpause, update, --memory and --pids-limit" {
  local id
  id=$(docker_run -d --name limited --memory 32m --pids-limit 17 "$IMAGE" sleep 1000)
  run --separate-stderr docker exec limited cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max
  [ "$output" = $'33554432\n17' ]
  docker update --memory 64m --memory-swap 128m --pids-limit 20 limited
  run --separate-stderr docker exec limited cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max
  [ "$output" = $'67108864\n20' ]
  docker pause limited
  [ "$(state_of limited)" = "paused 0" ]
  [ "$(cat "/sys/fs/cgroup/freezer/docker/$id/freezer.state")" = FROZEN ]
  docker unpause limited
  [ "$(state_of limited)" = "running 0" ]
  [ "$(cat "/sys/fs/cgroup/freezer/docker/$id/freezer.state")" = THAWED ]
  docker rm -f limited
}

@test "docker: stop (TERM, then KILL), start, restart, rm -f" {
  docker_run -d --name trapper "$IMAGE" sh -c 'trap "exit 7" TERM; echo ready; while :; do sleep 0.1; done'
  retry 50 logs_contain trapper ready
  docker stop trapper
  [ "$(state_of trapper)" = "exited 7" ]
  local id pid
  id=$(docker_run -d --name stubborn "$IMAGE" sleep 1000)
  docker stop -t 1 stubborn
  [ "$(state_of stubborn)" = "exited 137" ]
  docker start stubborn
  [ "$(state_of stubborn)" = "running 0" ]
  pid=$(docker inspect --format '{{.State.Pid}}' stubborn)
  docker restart -t 1 stubborn
  [ "$(state_of stubborn)" = "running 0" ]
  [ "$(docker inspect --format '{{.State.Pid}}' stubborn)" != "$pid" ]
  pid=$(docker inspect --format '{{.State.Pid}}' stubborn)
  docker rm -f trapper stubborn
  retry 50 process_gone "$pid"
  [ -z "$(ocirun_state_dir "$id")" ]
  [ ! -e "/sys/fs/cgroup/memory/docker/$id" ]
}
