#!/usr/bin/env bats
# Cgroups on this host, for real: limits written and enforced, pause/resume,
# update, ps, events, kill --all, cgroupsPath forms, devices, cleanup.

load helpers

setup() {
  setup_bundle ocitest sleep
  # Other suites (and other checkouts) may run at the same time and default
  # cgroup paths are shared ("/ocirun/<id>"): use ids of our own.
  ID="cg$$-$BATS_TEST_NUMBER"
  OWN_CGROUPS=()
}

teardown() {
  teardown_bundle
  local d
  for d in "${OWN_CGROUPS[@]}"; do rmdir "$d" 2>/dev/null || true; done
}

cg() {  # cg CONTROLLER [ID]: the container's directory for a default cgroupsPath
  echo "/sys/fs/cgroup/$1/ocirun/${2:-$ID}"
}

# Any directory named like $1 below any hierarchy (depth-limited).
cgroup_dirs_named() {
  find /sys/fs/cgroup -maxdepth 6 -type d -name "$1" 2>/dev/null || true
}

# A process that is gone, or a zombie waiting for its reaper.
gone() {
  [ ! -e "/proc/$1" ] || [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" = Z ]
}

wait_gone() {
  local i
  for ((i = 0; i < 100; i++)); do gone "$1" && return 0; sleep 0.05; done
  echo "process $1 is still alive" >&2
  return 1
}

# create must fail with status 1 (and $OCIRUN_ERR says why).
create_fails() {
  local rc=0
  create_container "$@" || rc=$?
  [ "$rc" -eq 1 ] || { echo "create exited with $rc" >&2; return 1; }
}

# The counter the ticker writes, read through the container's root.
ticks() {
  cat "/proc/$(init_pid "$ID")/root/dev/shm/ticks" 2>/dev/null
}

@test "cgroups: limits are written to the cgroup files and the container sees its own cgroup" {
  update_config '.linux.resources += {
      "memory": {"limit": 67108864, "reservation": 33554432, "swap": 134217728},
      "cpu": {"shares": 512, "quota": 20000, "period": 100000, "cpus": "0", "mems": "0"},
      "pids": {"limit": 33}}'
  # A blkio weight needs the bfq scheduler (or CFQ) on the host.
  local weight_file=""
  [ -e /sys/fs/cgroup/blkio/blkio.bfq.weight ] && weight_file=blkio.bfq.weight
  [ -e /sys/fs/cgroup/blkio/blkio.weight ] && weight_file=blkio.weight
  [ -z "$weight_file" ] || update_config '.linux.resources.blockIO = {"weight": 200}'
  set_args sh -c 'cat /sys/fs/cgroup/pids/pids.max /proc/self/cgroup; exec ocitest sleep'
  create_container "$ID"
  [ "$(cat "$(cg memory)/memory.limit_in_bytes")" = 67108864 ]
  [ "$(cat "$(cg memory)/memory.soft_limit_in_bytes")" = 33554432 ]
  [ "$(cat "$(cg memory)/memory.memsw.limit_in_bytes")" = 134217728 ]
  [ "$(cat "$(cg cpu)/cpu.shares")" = 512 ]
  [ "$(cat "$(cg cpu)/cpu.cfs_quota_us")" = 20000 ]
  [ "$(cat "$(cg cpu)/cpu.cfs_period_us")" = 100000 ]
  [ "$(cat "$(cg cpuset)/cpuset.cpus")" = 0 ]
  [ "$(cat "$(cg pids)/pids.max")" = 33 ]
  [ -z "$weight_file" ] || [ "$(cat "$(cg blkio)/$weight_file")" = 200 ]
  # init is in the container's cgroup in every hierarchy, the unified one too.
  local pid
  pid=$(init_pid "$ID")
  grep -qx "$pid" "$(cg pids)/cgroup.procs"
  grep -qx "$pid" "$(cg unified)/cgroup.procs"
  ocirun start "$ID"
  wait_for_status "$ID" running
  # Inside, with a cgroup namespace, its own cgroup is the root.
  for _ in $(seq 50); do [ -s "$BUNDLE/container.out" ] && break; sleep 0.05; done
  run cat "$BUNDLE/container.out"
  [ "${lines[0]}" = 33 ]
  [[ "$output" == *"pids:/"$'\n'* ]]
  [[ "$output" != *"ocirun"* ]]
}

@test "cgroups: a pids limit stops a fork bomb" {
  update_config '.linux.resources.pids = {"limit": 10}'
  set_args ocitest forkbomb 40
  run ocirun run "$ID"
  [ "$status" -eq 0 ]
  [[ "$output" =~ ^forked\ ([0-9]+)\ failed\ ([0-9]+)$ ]]
  [ "${BASH_REMATCH[1]}" -lt 10 ]
  [ "${BASH_REMATCH[2]}" -gt 30 ]
  # The same bomb without the limit forks every child.
  update_config 'del(.linux.resources.pids)'
  run ocirun run "$ID"
  [ "$status" -eq 0 ]
  [ "$output" = "forked 40 failed 0" ]
}

@test "cgroups: a memory limit OOM-kills a hog" {
  # memory+swap = memory: no way out through swap.
  update_config '.linux.resources.memory = {"limit": 33554432, "swap": 33554432}'
  set_args ocitest memhog 8
  run ocirun run "$ID"
  [ "$status" -eq 0 ]
  [ "$output" = "allocated 8" ]
  set_args ocitest memhog 128
  create_container "$ID"
  ocirun start "$ID"
  wait_for_status "$ID" stopped
  grep -qx 'oom_kill 1' "$(cg memory)/memory.oom_control"
  ! grep -q allocated "$BUNDLE/container.out" || return 1
  ocirun delete "$ID"
  assert_no_cgroup "$ID"
}

@test "cgroups: pause freezes every process and resume thaws them" {
  set_args ocitest ticker /dev/shm/ticks
  run_detached "$ID"
  for _ in $(seq 100); do [ -n "$(ticks)" ] && break; sleep 0.05; done
  run ocirun pause "$ID"
  [ "$status" -eq 0 ]
  [ "$(container_status "$ID")" = paused ]
  [ "$(cat "$(cg freezer)/freezer.state")" = FROZEN ]
  local before
  before=$(ticks)
  sleep 0.3
  [ "$(ticks)" = "$before" ]
  run ocirun pause "$ID"
  [ "$status" -eq 1 ]
  [ "$output" = "container not running" ]
  run ocirun resume "$ID"
  [ "$status" -eq 0 ]
  [ "$(container_status "$ID")" = running ]
  for _ in $(seq 100); do [ "$(ticks)" != "$before" ] && break; sleep 0.05; done
  [ "$(ticks)" != "$before" ]
  run ocirun resume "$ID"
  [ "$status" -eq 1 ]
  [ "$output" = "container not paused" ]
  # A paused container can be deleted with --force (thawed, then killed).
  ocirun pause "$ID"
  ocirun delete --force "$ID"
  assert_no_cgroup "$ID"
}

@test "cgroups: kill 9 of a paused container thaws it so the init dies" {
  # containerd and podman stop a paused container with `kill ID 9` and wait.
  run_detached "$ID"
  ocirun pause "$ID"
  ocirun kill "$ID" 9
  wait_for_status "$ID" stopped
  [ "$(cat "$(cg freezer)/freezer.state")" = THAWED ]
  ocirun delete "$ID"
  assert_no_cgroup "$ID"
}

@test "cgroups: pause works on a created container and refuses a stopped or missing one" {
  create_container "$ID"
  ocirun pause "$ID"
  [ "$(container_status "$ID")" = paused ]
  ocirun resume "$ID"
  [ "$(container_status "$ID")" = created ]
  ocirun kill "$ID" KILL
  wait_for_status "$ID" stopped
  run ocirun pause "$ID"
  [ "$status" -eq 1 ]
  [ "$output" = "container not running" ]
  run ocirun resume "$ID"
  [ "$output" = "container not paused" ]
  run ocirun pause nosuch
  [ "$status" -eq 1 ]
  [ "$output" = 'container "nosuch" does not exist' ]
}

@test "cgroups: update changes the cgroup files and keeps what it is not told" {
  update_config '.linux.resources += {"memory": {"limit": 67108864}, "pids": {"limit": 30}}'
  run_detached "$ID"
  ocirun update --memory 128m --cpu-quota 30000 --cpu-period 100000 "$ID"
  [ "$(cat "$(cg memory)/memory.limit_in_bytes")" = 134217728 ]
  [ "$(cat "$(cg cpu)/cpu.cfs_quota_us")" = 30000 ]
  [ "$(cat "$(cg pids)/pids.max")" = 30 ]
  ocirun update --pids-limit 20 --cpu-share 256 --cpuset-cpus 0 "$ID"
  [ "$(cat "$(cg pids)/pids.max")" = 20 ]
  [ "$(cat "$(cg cpu)/cpu.shares")" = 256 ]
  [ "$(cat "$(cg cpuset)/cpuset.cpus")" = 0 ]
  # Only the quota: the period stays what the last update made it.
  ocirun update --cpu-quota 50000 "$ID"
  [ "$(cat "$(cg cpu)/cpu.cfs_quota_us")" = 50000 ]
  [ "$(cat "$(cg cpu)/cpu.cfs_period_us")" = 100000 ]
  echo '{"memory": {"limit": 100663296, "swap": 201326592}, "pids": {"limit": -1}}' | ocirun update -r - "$ID"
  [ "$(cat "$(cg memory)/memory.limit_in_bytes")" = 100663296 ]
  [ "$(cat "$(cg memory)/memory.memsw.limit_in_bytes")" = 201326592 ]
  [ "$(cat "$(cg pids)/pids.max")" = max ]
  echo '{"cpu": {"shares": 1024}}' >"$BUNDLE/res.json"
  ocirun update --resources "$BUNDLE/res.json" "$ID"
  [ "$(cat "$(cg cpu)/cpu.shares")" = 1024 ]
  # What it was told before still holds: a memory-only update needs the
  # stored swap limit to stay ordered.
  ocirun update --memory 80m "$ID"
  [ "$(cat "$(cg memory)/memory.limit_in_bytes")" = 83886080 ]
  [ "$(cat "$(cg memory)/memory.memsw.limit_in_bytes")" = 201326592 ]
}

@test "cgroups: update refuses bad values with a clear error and changes nothing" {
  update_config '.linux.resources += {"memory": {"limit": 67108864}, "pids": {"limit": 30}}'
  run_detached "$ID"
  run ocirun update --memory 1x "$ID"
  [ "$status" -eq 1 ]
  [ "$output" = "invalid value for memory: invalid size: '1x'" ]
  run ocirun update --pids-limit lots "$ID"
  [ "$status" -eq 1 ]
  [[ "$output" == *'"lots" for flag -pids-limit'* ]]
  run ocirun update --cpu-quota abc "$ID"
  [ "$status" -eq 1 ]
  [[ "$output" == "invalid value for cpu-quota"* ]]
  run sh -c "echo '{\"pids\": {\"limit\": \"x\"}}' | '$OCIRUN' --root '$STATE_ROOT' update -r - $ID"
  [ "$status" -eq 1 ]
  [[ "$output" == *'$.pids.limit: expected integer'* ]]
  # The kernel refuses a limit below the usage: the error says so, and the
  # writes made before it are undone.
  run ocirun update --pids-limit 25 --memory 4k "$ID"
  [ "$status" -eq 1 ]
  [[ "$output" == *'$.linux.resources.memory.limit: cannot set the memory limit to 4096: current usage'* ]]
  [ "$(cat "$(cg memory)/memory.limit_in_bytes")" = 67108864 ]
  [ "$(cat "$(cg pids)/pids.max")" = 30 ]
  run ocirun update --cpu-share 1 "$ID"
  [ "$status" -eq 1 ]
  [[ "$output" == *'$.linux.resources.cpu.shares: the kernel set'*'to 2 instead of 1'* ]]
  run ocirun update --l3-cache-schema L3:0=f "$ID"
  [ "$status" -eq 1 ]
  [ "$output" = "Intel RDT/CAT: l3 cache schema is not enabled" ]
  ocirun kill "$ID" KILL
  wait_for_status "$ID" stopped
  run ocirun update --pids-limit 5 "$ID"
  [ "$status" -eq 1 ]
  [ "$output" = "container not running" ]
}

@test "cgroups: ps lists the container's processes as json and as a table" {
  set_args sh -c 'ocitest sleep & exec ocitest sleep'
  run_detached "$ID"
  local pid
  pid=$(init_pid "$ID")
  for _ in $(seq 100); do [ "$(ocirun ps -f json "$ID" | jq length)" = 2 ] && break; sleep 0.05; done
  run ocirun ps --format json "$ID"
  [ "$status" -eq 0 ]
  [ "$(jq length <<<"$output")" = 2 ]
  jq -e --argjson p "$pid" 'index($p) != null' <<<"$output"
  run ocirun ps "$ID"
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" == *PID*CMD* ]]
  [ "${#lines[@]}" -eq 3 ]
  [[ "$output" == *" $pid "*"ocitest sleep"* ]]
  run ocirun ps "$ID" -o pid,comm
  [ "$status" -eq 0 ]
  [[ "${lines[0]}" =~ ^\ *PID\ COMMAND$ ]]
  [[ "$output" == *"$pid ocitest"* ]]
  run ocirun ps -f yaml "$ID"
  [ "$status" -eq 1 ]
  [ "$output" = "invalid format option" ]
  run ocirun ps "$ID" -o comm
  [ "$status" -eq 1 ]
  [ "$output" = "couldn't find PID field in ps output" ]
}

@test "cgroups: events --stats prints one stats event in runc's shape" {
  update_config '.linux.resources += {"memory": {"limit": 67108864}, "pids": {"limit": 30}}'
  run_detached "$ID"
  run ocirun events --stats "$ID"
  [ "$status" -eq 0 ]
  [ "${#lines[@]}" -eq 1 ]
  jq -e --arg id "$ID" '.type == "stats" and .id == $id' <<<"$output"
  jq -e '.data | keys_unsorted == ["cpu","cpuset","memory","pids","blkio","hugetlb","intel_rdt","network_interfaces"]' <<<"$output"
  jq -e '.data.memory.usage.limit == 67108864 and .data.memory.usage.usage > 0' <<<"$output"
  jq -e '.data.pids == {"current": 1, "limit": 30}' <<<"$output"
  jq -e '.data.cpu.usage.total > 0 and (.data.cpu.usage | has("kernel") and has("user"))' <<<"$output"
  jq -e '.data.cpuset.cpus | length > 0' <<<"$output"
  run ocirun events --interval 0 "$ID"
  [ "$status" -eq 1 ]
  [ "$output" = "duration interval must be greater than 0" ]
  run ocirun events --interval 5x "$ID"
  [ "$status" -eq 1 ]
  [[ "$output" == 'invalid value "5x" for flag -interval'* ]]
  ocirun kill "$ID" KILL
  wait_for_status "$ID" stopped
  run ocirun events --stats "$ID"
  [ "$status" -eq 1 ]
  [ "$output" = "container with id $ID is not running" ]
}

@test "cgroups: events streams stats, reports an OOM kill and exits when the container stops" {
  update_config '.linux.resources.memory = {"limit": 33554432, "swap": 33554432}'
  set_args sh -c 'while [ ! -e /dev/shm/go ]; do sleep 0.05; done; exec ocitest memhog 128'
  run_detached "$ID"
  "$OCIRUN" --root "$STATE_ROOT" events --interval 100ms "$ID" >"$BUNDLE/events.out" 2>"$BUNDLE/events.err" 3>&- &
  local events_pid=$! rc=0
  # The first stats line means the OOM notification is registered.
  for _ in $(seq 100); do [ -s "$BUNDLE/events.out" ] && break; sleep 0.05; done
  touch "/proc/$(init_pid "$ID")/root/dev/shm/go"
  wait "$events_pid" || rc=$?
  [ "$rc" -eq 0 ]
  [ "$(container_status "$ID")" = stopped ]
  run grep -c '"type":"stats"' "$BUNDLE/events.out"
  [ "$output" -ge 1 ]
  run grep -v '"type":"stats"' "$BUNDLE/events.out"
  [ "$output" = "{\"type\":\"oom\",\"id\":\"$ID\"}" ]
}

@test "cgroups: kill --all signals every process of the container" {
  set_args sh -c 'ocitest sleep & ocitest sleep & exec ocitest sleep'
  run_detached "$ID"
  for _ in $(seq 100); do [ "$(ocirun ps -f json "$ID" | jq length)" = 3 ] && break; sleep 0.05; done
  local pids p
  pids=$(ocirun ps -f json "$ID" | jq -r '.[]')
  [ "$(wc -w <<<"$pids")" -eq 3 ]
  ocirun kill --all "$ID" KILL
  for p in $pids; do wait_gone "$p"; done
  wait_for_status "$ID" stopped
}

@test "cgroups: kill --all reaches every process with a shared pid namespace" {
  update_config '.linux.namespaces -= [{"type": "pid"}]'
  set_args sh -c 'ocitest sleep & ocitest sleep & exec ocitest sleep'
  run_detached "$ID"
  for _ in $(seq 100); do [ "$(ocirun ps -f json "$ID" | jq length)" = 3 ] && break; sleep 0.05; done
  local pids p
  pids=$(ocirun ps -f json "$ID" | jq -r '.[]')
  [ "$(wc -w <<<"$pids")" -eq 3 ]
  # Not pid 1 of a namespace: SIGTERM kills each of them.
  ocirun kill --all "$ID" TERM
  for p in $pids; do wait_gone "$p"; done
  wait_for_status "$ID" stopped
  ocirun delete "$ID"
  assert_no_cgroup "$ID"
}

@test "cgroups: an empty cgroupsPath is /ocirun/<id> in every hierarchy, removed on delete" {
  create_container "$ID"
  local h
  for h in pids memory cpu cpuset devices freezer blkio systemd unified; do
    [ -d "$(cg "$h")" ] || { echo "missing $(cg "$h")"; return 1; }
  done
  ocirun delete --force "$ID"
  assert_no_cgroup "$ID"
  [ -z "$(cgroup_dirs_named "$ID")" ]
}

@test "cgroups: an absolute cgroupsPath is below each mount, and delete removes what create made" {
  local top="ocirun-abs$$-$BATS_TEST_NUMBER"
  update_config ".linux.cgroupsPath = \"/$top/sub/$ID\""
  create_container "$ID"
  [ -d "/sys/fs/cgroup/pids/$top/sub/$ID" ]
  [ -d "/sys/fs/cgroup/unified/$top/sub/$ID" ]
  grep -qx "$(init_pid "$ID")" "/sys/fs/cgroup/memory/$top/sub/$ID/cgroup.procs"
  ocirun delete --force "$ID"
  [ -z "$(cgroup_dirs_named "$top")" ]
}

@test "cgroups: a relative cgroupsPath is below the runtime's own cgroup" {
  # Run ocirun from cgroups of our own, so nothing goes below the cgroups
  # the test itself was started in.
  local own="ocirun-own$$-$BATS_TEST_NUMBER" h
  for h in pids memory; do
    mkdir "/sys/fs/cgroup/$h/$own"
    OWN_CGROUPS+=("/sys/fs/cgroup/$h/$own")
  done
  update_config ".linux.cgroupsPath = \"rel/$ID\""
  (
    for h in pids memory; do echo "$BASHPID" >"/sys/fs/cgroup/$h/$own/cgroup.procs"; done
    create_container "$ID"
  )
  grep -qx "$(init_pid "$ID")" "/sys/fs/cgroup/pids/$own/rel/$ID/cgroup.procs"
  grep -qx "$(init_pid "$ID")" "/sys/fs/cgroup/memory/$own/rel/$ID/cgroup.procs"
  [ -d "/sys/fs/cgroup/cpu/rel/$ID" ]  # our cgroup there is the root
  ocirun delete --force "$ID"
  [ ! -e "/sys/fs/cgroup/pids/$own/rel" ]
  [ ! -e "/sys/fs/cgroup/memory/$own/rel" ]
  [ ! -e "/sys/fs/cgroup/cpu/rel/$ID" ]
}

@test "cgroups: a resource the kernel refuses fails create and leaves nothing behind" {
  local top="ocirun-bad$$-$BATS_TEST_NUMBER"
  update_config ".linux.cgroupsPath = \"/$top/$ID\" | .linux.resources.cpu = {\"shares\": 1}"
  create_fails "$ID"
  grep -q '\$.linux.resources.cpu.shares: the kernel set .* to 2 instead of 1' "$OCIRUN_ERR"
  [ -z "$(cgroup_dirs_named "$top")" ]
  [ -z "$(ocirun list -q)" ]
  update_config 'del(.linux.cgroupsPath) | .linux.resources.cpu = {"cpus": "99"}'
  create_fails "$ID"
  grep -q '\$.linux.resources.cpu.cpus: writing "99"' "$OCIRUN_ERR"
  [ -z "$(cgroup_dirs_named "$ID")" ]
  [ -z "$(ocirun list -q)" ]
  update_config '.linux.resources.cpu = {} | .linux.resources.blockIO.throttleReadBpsDevice = [{"major": 4095, "minor": 4095, "rate": 1}]'
  create_fails "$ID"
  grep -q '\$.linux.resources.blockIO.throttleReadBpsDevice\[0\].rate: .*(no block device 4095:4095 on this host)' "$OCIRUN_ERR"
  [ -z "$(cgroup_dirs_named "$ID")" ]
  [ -z "$(ocirun list -q)" ]
}

@test "cgroups: a controller this host lacks is an error naming the field" {
  update_config '.linux.resources.hugepageLimits = [{"pageSize": "2MB", "limit": 4194304}]'
  create_fails "$ID"
  grep -q '\$.linux.resources.hugepageLimits: the hugetlb cgroup controller is not available' "$OCIRUN_ERR"
  update_config 'del(.linux.resources.hugepageLimits) | .linux.resources.network = {"classID": 1048577}'
  create_fails "$ID"
  grep -q '\$.linux.resources.network.classID: the net_cls cgroup controller is not available' "$OCIRUN_ERR"
  update_config '.linux.resources.network = {"priorities": [{"name": "lo", "priority": 1}]}'
  create_fails "$ID"
  grep -q '\$.linux.resources.network.priorities: the net_prio cgroup controller is not available' "$OCIRUN_ERR"
  [ -z "$(cgroup_dirs_named "$ID")" ]
  [ -z "$(ocirun list -q)" ]
  if [ ! -e /sys/fs/cgroup/blkio/blkio.bfq.weight ] && [ ! -e /sys/fs/cgroup/blkio/blkio.weight ]; then
    update_config 'del(.linux.resources.network) | .linux.resources.blockIO = {"weight": 200}'
    create_fails "$ID"
    grep -q '\$.linux.resources.blockIO.weight: ' "$OCIRUN_ERR"
    [ -z "$(cgroup_dirs_named "$ID")" ]
    [ -z "$(ocirun list -q)" ]
    update_config 'del(.linux.resources.blockIO)'
  fi
  # An empty network object asks for nothing: no error.
  update_config '.linux.resources.network = {}'
  create_container "$ID"
}

@test "cgroups: devices the rules deny cannot be opened; allowed ones can" {
  update_config '.mounts += [{"destination": "/dev/fuse", "type": "bind", "source": "/dev/fuse", "options": ["bind"]}]'
  set_args ocitest open /dev/fuse r
  run ocirun run "$ID"
  [ "$status" -eq 1 ]
  [ "$output" = "/dev/fuse: Operation not permitted" ]
  set_args ocitest open /dev/null rw
  run ocirun run "$ID"
  [ "$status" -eq 0 ]
  [ "$output" = ok ]
  update_config '.linux.resources.devices += [{"allow": true, "type": "c", "major": 10, "minor": 229, "access": "r"}]'
  set_args sh -c 'ocitest open /dev/fuse r && ocitest open /dev/fuse w'
  run ocirun run "$ID"
  [ "$status" -eq 1 ]
  [ "$output" = $'ok\n/dev/fuse: Operation not permitted' ]
  # The v1 list shows the config's rules first, in their order.
  create_container "$ID"
  [ "$(head -1 "$(cg devices)/devices.list")" = "c 10:229 r" ]
}
