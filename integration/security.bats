#!/usr/bin/env bats
# Process security for real: capability sets, seccomp (errno, kill, args
# operators, unknown names, the notify agent, docker's default profile),
# no_new_privs, personality, scheduler, I/O priority, CPU affinity, memory
# policy, session keyring, and LSM labels on a host without an LSM.

load helpers

setup() {
  setup_bundle ocitest caps
  ID="sec$$-$BATS_TEST_NUMBER"
  AGENT_PID=
}

teardown() {
  [ -z "$AGENT_PID" ] || kill "$AGENT_PID" 2>/dev/null || true
  teardown_bundle
}

# Nothing of container $ID remains: no state, no cgroup.
assert_nothing_left() {
  local left
  left=$("$OCIRUN" --root "$STATE_ROOT" list -q)
  [ -z "$left" ] || { echo "containers left: $left" >&2; return 1; }
  assert_no_cgroup "$ID"
}

# host_bounding_has CAP_NUMBER: whether ocirun (run by us) may hand it out.
host_bounding_has() {
  local bnd
  bnd=$(awk '/^CapBnd:/ {print $2}' /proc/self/status)
  (( (0x$bnd >> $1) & 1 ))
}

# caps JQ_LIST_OF_NAMES: every set the same.
all_caps() {
  update_config ".process.capabilities = {bounding: $1, effective: $1, permitted: $1, inheritable: $1, ambient: $1}"
}

@test "security: root gets exactly the configured capability sets" {
  # CAP_CHOWN 0, CAP_KILL 5, CAP_NET_BIND_SERVICE 10.
  update_config '.process.capabilities = {
      bounding: ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
      effective: ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
      permitted: ["CAP_CHOWN", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
      inheritable: ["CAP_KILL"],
      ambient: ["CAP_KILL"]}'
  run_container
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"bounding 0000000000000421"* ]]
  [[ "$output" == *"effective 0000000000000421"* ]]
  [[ "$output" == *"permitted 0000000000000421"* ]]
  [[ "$output" == *"inheritable 0000000000000020"* ]]
  [[ "$output" == *"ambient 0000000000000020"* ]]
}

@test "security: a non-root user keeps its capabilities through ambient (keep-caps around the user switch)" {
  update_config '.process.user = {uid: 1000, gid: 1000}'
  all_caps '["CAP_CHOWN", "CAP_NET_BIND_SERVICE"]'
  run_container
  echo "$output"
  [ "$status" -eq 0 ]
  local set
  for set in bounding effective permitted inheritable ambient; do
    [[ "$output" == *"$set 0000000000000401"* ]]
  done
}

@test "security: a non-root user without ambient capabilities has none effective after exec" {
  update_config '.process.user = {uid: 1000, gid: 1000}'
  update_config '.process.capabilities = {
      bounding: ["CAP_CHOWN", "CAP_NET_BIND_SERVICE"],
      effective: ["CAP_CHOWN"], permitted: ["CAP_CHOWN"], inheritable: ["CAP_NET_BIND_SERVICE"]}'
  run_container
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *"bounding 0000000000000401"* ]]
  [[ "$output" == *"effective 0000000000000000"* ]]
  [[ "$output" == *"permitted 0000000000000000"* ]]
  [[ "$output" == *"inheritable 0000000000000400"* ]]
  [[ "$output" == *"ambient 0000000000000000"* ]]
}

@test "security: a capability outside ocirun's bounding set is an error naming it, nothing is left" {
  # This host's bounding set lacks CAP_SYS_RESOURCE (24).
  if host_bounding_has 24; then skip "the host's bounding set has CAP_SYS_RESOURCE"; fi
  update_config '.process.capabilities.bounding += ["CAP_SYS_RESOURCE"]'
  run_container
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "$output" == *'$.process.capabilities.bounding['*']'*CAP_SYS_RESOURCE* ]]
  assert_nothing_left
}

@test "security: seccomp ERRNO returns the configured errno, KILL_PROCESS kills with SIGSYS" {
  set_args ocitest syscall getppid
  update_config '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", syscalls: [
      {names: ["getppid"], action: "SCMP_ACT_ERRNO", errnoRet: 42}]}'
  run_container
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = "errno 42" ]

  # Without errnoRet, EPERM.
  update_config 'del(.linux.seccomp.syscalls[0].errnoRet)'
  run_container
  [ "$output" = "errno 1" ]

  update_config '.linux.seccomp.syscalls[0].action = "SCMP_ACT_KILL_PROCESS"'
  run_container
  echo "$output"
  [ "$status" -eq 159 ]  # 128 + SIGSYS
  assert_nothing_left
}

@test "security: seccomp defaultAction with defaultErrnoRet, and unknown syscall names are skipped" {
  set_args ocitest syscall getppid
  # Docker's profile (it allows what the runtime's last steps and the
  # process need) with getppid taken out and a name no kernel has put in.
  update_config ".linux.seccomp = $(cat "$OCIRUN_SOURCE_DIR/spec-fixtures/seccomp/docker-default.json")"
  update_config '.linux.seccomp.defaultErrnoRet = 77
      | .linux.seccomp.syscalls |= map(.names -= ["getppid"])
      | .linux.seccomp.syscalls[0].names += ["no_such_syscall_anywhere"]'
  run "$OCIRUN" --root "$STATE_ROOT" --log "$BUNDLE/log" --debug run "$ID" </dev/null
  echo "$output"
  cat "$BUNDLE/log"
  [ "$status" -eq 0 ]
  [ "$output" = "errno 77" ]
  grep -q no_such_syscall_anywhere "$BUNDLE/log"
  # The cache of compiled programs is no container.
  run "$OCIRUN" --root "$STATE_ROOT" list -q
  [ -z "$output" ]
}

# probe OP VALUE VALUE_TWO: runs `umask 1`, `umask 2`, `umask 3` under a rule
# on umask's first argument and prints which were blocked ("B") or not (".").
umask_probe() {
  update_config ".linux.seccomp = {defaultAction: \"SCMP_ACT_ALLOW\", syscalls: [
      {names: [\"umask\"], action: \"SCMP_ACT_ERRNO\", errnoRet: 99,
       args: [{index: 0, value: $2, valueTwo: $3, op: \"$1\"}]}]}"
  set_args sh -c 'for v in 1 2 3; do ocitest syscall umask $v; done'
  run "$OCIRUN" --root "$STATE_ROOT" run "$ID" </dev/null
  [ "$status" -eq 0 ] || { echo "$output" >&2; return 1; }
  echo "$output" | awk '{printf "%s", ($1 == "errno" && $2 == 99) ? "B" : "."} END {print ""}'
}

@test "security: seccomp args filters honour every operator" {
  [ "$(umask_probe SCMP_CMP_EQ 2 0)" = ".B." ]
  [ "$(umask_probe SCMP_CMP_NE 2 0)" = "B.B" ]
  [ "$(umask_probe SCMP_CMP_LT 2 0)" = "B.." ]
  [ "$(umask_probe SCMP_CMP_LE 2 0)" = "BB." ]
  [ "$(umask_probe SCMP_CMP_GT 2 0)" = "..B" ]
  [ "$(umask_probe SCMP_CMP_GE 2 0)" = ".BB" ]
  # value is the mask, valueTwo the datum: arg & 1 == 1.
  [ "$(umask_probe SCMP_CMP_MASKED_EQ 1 1)" = "B.B" ]
}

@test "security: several args in one rule must all match" {
  # lseek(fd, offset, whence) on fds that are not open: EBADF (9) when allowed.
  update_config '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", syscalls: [
      {names: ["lseek"], action: "SCMP_ACT_ERRNO", errnoRet: 55,
       args: [{index: 0, value: 100, op: "SCMP_CMP_EQ"}, {index: 2, value: 1, op: "SCMP_CMP_EQ"}]}]}'
  set_args sh -c 'ocitest syscall lseek 100 0 1; ocitest syscall lseek 100 0 0; ocitest syscall lseek 101 0 1'
  run_container
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = "errno 55" ]
  [ "${lines[1]}" = "errno 9" ]
  [ "${lines[2]}" = "errno 9" ]
}

@test "security: SCMP_ACT_NOTIFY hands the listener fd and the state to the agent, which answers" {
  local sock="$BUNDLE/agent.sock" out="$BUNDLE/agent.out"
  "$OCITEST" seccomp-agent "$sock" "$out" </dev/null >"$BUNDLE/agent.log" 2>&1 &
  AGENT_PID=$!
  local i
  for ((i = 0; i < 100; i++)); do [ -S "$sock" ] && break; sleep 0.05; done
  update_config ".linux.seccomp = {defaultAction: \"SCMP_ACT_ALLOW\", listenerPath: \"$sock\",
      listenerMetadata: \"agent-test\", syscalls: [{names: [\"umask\"], action: \"SCMP_ACT_NOTIFY\"}]}"
  # getpriority, which the runtime's init does not call after loading the
  # filter (it does call umask, say, and the agent would see that too).
  update_config '.linux.seccomp.syscalls[0].names = ["getpriority"]'
  set_args sh -c 'ocitest syscall getpriority 3; ocitest syscall getpriority 5; ocitest syscall getppid'
  run_container
  echo "$output"
  cat "$out"
  [ "$status" -eq 0 ]
  # The agent answers errno 120 + arg0 % 8.
  [ "${lines[0]}" = "errno 123" ]
  [ "${lines[1]}" = "errno 125" ]
  [[ "${lines[2]}" == "ok "* ]]
  grep -q '^fd received$' "$out"
  local state
  state=$(sed -n 's/^state //p' "$out")
  [ "$(jq -r '.fds[0]' <<<"$state")" = seccompFd ]
  [ "$(jq -r .metadata <<<"$state")" = agent-test ]
  [ "$(jq -r .state.id <<<"$state")" = "$ID" ]
  [ "$(jq -r .state.bundle <<<"$state")" = "$BUNDLE" ]
  [ "$(jq -r .pid <<<"$state")" -gt 0 ]
  [ "$(grep -c '^notify ' "$out")" -eq 2 ]
  grep -q '^notify .* arg0 3$' "$out"
  grep -q '^notify .* arg0 5$' "$out"
}

@test "security: noNewPrivileges shows in /proc/self/status" {
  set_args grep NoNewPrivs /proc/self/status
  update_config '.process.noNewPrivileges = true'
  run_container
  [ "$status" -eq 0 ]
  [[ "$output" =~ NoNewPrivs:[[:space:]]+1 ]]
  update_config '.process.noNewPrivileges = false'
  run_container
  [[ "$output" =~ NoNewPrivs:[[:space:]]+0 ]]
}

@test "security: personality LINUX32 makes uname -m say i686" {
  set_args uname -m
  update_config '.linux.personality = {domain: "LINUX32"}'
  run_container
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = i686 ]
  set_args ocitest personality
  run_container
  [ "$output" = 8 ]  # PER_LINUX32
}

@test "security: scheduler policy, priority and nice are applied" {
  set_args ocitest sched
  update_config '.process.scheduler = {policy: "SCHED_BATCH", nice: 7}'
  run_container
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == "policy 3 priority 0 nice 7 "* ]]
  update_config '.process.scheduler = {policy: "SCHED_IDLE"}'
  run_container
  [[ "$output" == "policy 5 "* ]]
  update_config '.process.scheduler = {policy: "SCHED_FIFO", priority: 12}'
  run_container
  echo "$output"
  if [ -e /sys/fs/cgroup/cpu/cpu.rt_runtime_us ]; then
    # RT group scheduling: the container's new cgroup has no realtime
    # runtime, so the kernel refuses, and the error names the field.
    [ "$status" -eq 1 ]
    [[ "$output" == *'$.process.scheduler'*SCHED_FIFO*realtimeRuntime* ]]
    assert_nothing_left
  else
    [ "$status" -eq 0 ]
    [[ "$output" == "policy 1 priority 12 "* ]]
  fi
}

@test "security: ioPriority class and priority are applied" {
  set_args ocitest ioprio
  update_config '.process.ioPriority = {class: "IOPRIO_CLASS_BE", priority: 6}'
  run_container
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = "class 2 data 6" ]
  update_config '.process.ioPriority = {class: "IOPRIO_CLASS_IDLE", priority: 0}'
  run_container
  [ "$output" = "class 3 data 0" ]
}

@test "security: execCPUAffinity, and no narrowed affinity inherited from the caller" {
  [ "$(nproc --all)" -ge 2 ] || skip "needs two CPUs"
  set_args ocitest affinity
  update_config '.process.execCPUAffinity = {initial: "1", final: "0"}'
  run_container
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = 0 ]
  update_config '.process.execCPUAffinity = {initial: "1"}'
  run_container
  [ "$output" = 1 ]
  # The caller runs on CPU 1 only; the container gets every CPU.
  update_config 'del(.process.execCPUAffinity)'
  run taskset -c 1 "$OCIRUN" --root "$STATE_ROOT" run "$ID" </dev/null
  echo "$output"
  [ "$output" = "$("$OCITEST" affinity)" ]
}

@test "security: memoryPolicy mode, flags and nodes are applied" {
  set_args ocitest mempolicy
  update_config '.linux.memoryPolicy = {mode: "MPOL_BIND", nodes: "0", flags: ["MPOL_F_STATIC_NODES"]}'
  run_container
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = "mode 2 flags 8000 nodes 1" ]
  update_config '.linux.memoryPolicy = {mode: "MPOL_INTERLEAVE", nodes: "0"}'
  run_container
  [ "$output" = "mode 3 flags 0 nodes 1" ]
}

@test "security: a new session keyring per container; --no-new-keyring keeps the caller's" {
  set_args ocitest keyring
  run_container
  echo "$output"
  [ "$status" -eq 0 ]
  [[ "$output" == *" _ses.$ID" ]]
  run_container --no-new-keyring
  echo "$output"
  [ "$status" -eq 0 ]
  [ "$output" = "$("$OCITEST" keyring)" ]
}

@test "security: docker's default seccomp profile runs busybox normally and unshare gets EPERM" {
  update_config ".linux.seccomp = $(cat "$OCIRUN_SOURCE_DIR/spec-fixtures/seccomp/docker-default.json")"
  # 1000: newer than any syscall the profile names, so ENOSYS (38), not the
  # profile's EPERM, and glibc would fall back to an older call.
  set_args sh -c 'echo hello | tr a-z A-Z; ls /bin/sh >/dev/null && echo ls-ok; ocitest syscall unshare 0x20000; ocitest syscall 1000; unshare -m true; echo unshare=$?'
  run_container
  echo "$output"
  [ "$status" -eq 0 ]
  [ "${lines[0]}" = HELLO ]
  [ "${lines[1]}" = ls-ok ]
  [ "${lines[2]}" = "errno 1" ]
  [ "${lines[3]}" = "errno 38" ]
  [[ "$output" == *"unshare=1"* ]]
}

@test "security: apparmorProfile and selinuxLabel on a host without them are errors naming the field" {
  [ ! -e /sys/kernel/security/apparmor ] || skip "AppArmor is enabled here"
  update_config '.process.apparmorProfile = "ocirun-test"'
  run_container
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "$output" == *'$.process.apparmorProfile'*AppArmor* ]]
  assert_nothing_left
  [ "$(getenforce 2>/dev/null || echo Disabled)" = Disabled ] || skip "SELinux is enabled here"
  update_config 'del(.process.apparmorProfile) | .process.selinuxLabel = "system_u:system_r:container_t:s0"'
  run_container
  echo "$output"
  [ "$status" -eq 1 ]
  [[ "$output" == *'$.process.selinuxLabel'*SELinux* ]]
  assert_nothing_left
}

@test "security: features lists the capabilities, seccomp vocabulary and flags, LSMs and memory policies" {
  run "$OCIRUN" features
  [ "$status" -eq 0 ]
  local f="$output"
  [ "$(jq '.linux.capabilities | index("CAP_SYS_ADMIN") != null' <<<"$f")" = true ]
  [ "$(jq .linux.seccomp.enabled <<<"$f")" = true ]
  [ "$(jq '.linux.seccomp.actions | index("SCMP_ACT_NOTIFY") != null' <<<"$f")" = true ]
  [ "$(jq '.linux.seccomp.operators | length' <<<"$f")" -eq 7 ]
  [ "$(jq '.linux.seccomp.archs | index("SCMP_ARCH_X86_64") != null' <<<"$f")" = true ]
  # Supported flags are a subset of the known ones.
  [ "$(jq '.linux.seccomp | (.supportedFlags - .knownFlags) | length' <<<"$f")" -eq 0 ]
  [ "$(jq '.linux.seccomp.knownFlags | index("SECCOMP_FILTER_FLAG_LOG") != null' <<<"$f")" = true ]
  # Compiled in, whatever this host has.
  [ "$(jq .linux.apparmor.enabled <<<"$f")" = true ]
  [ "$(jq .linux.selinux.enabled <<<"$f")" = true ]
  [ "$(jq '.linux.memoryPolicy.modes | index("MPOL_BIND") != null' <<<"$f")" = true ]
}

@test "security: check lists every capability and LSM problem of this host at once" {
  if host_bounding_has 24; then skip "the host's bounding set has CAP_SYS_RESOURCE"; fi
  [ ! -e /sys/kernel/security/apparmor ] || skip "AppArmor is enabled here"
  update_config '.process.capabilities.bounding += ["CAP_SYS_RESOURCE"]
      | .process.capabilities.effective += ["CAP_MKNOD"]
      | .process.apparmorProfile = "ocirun-test"'
  run "$OCIRUN" check --bundle "$BUNDLE"
  echo "$output"
  [ "$status" -ne 0 ]
  [[ "$output" == *'error: $.process.capabilities.bounding['*']: CAP_SYS_RESOURCE is not in the runtime'*'bounding set'* ]]
  [[ "$output" == *'error: $.process.capabilities.effective['*']: CAP_MKNOD is effective but not permitted'* ]]
  [[ "$output" == *'error: $.process.apparmorProfile: AppArmor is not enabled on this host'* ]]
}

@test "security: without CAP_SYS_RESOURCE a hard rlimit above ocirun's own is refused before anything is created" {
  if host_bounding_has 24; then skip "the host's bounding set has CAP_SYS_RESOURCE"; fi
  local hard
  hard=$(ulimit -Hn)
  [ "$hard" != unlimited ] || skip "the hard RLIMIT_NOFILE is unlimited"
  update_config ".process.rlimits = [{type: \"RLIMIT_NOFILE\", hard: $((hard + 1)), soft: 1024}]"
  run_container
  echo "$output"
  [ "$status" -eq 1 ]
  [ "$output" = "\$.process.rlimits[0].hard: cannot raise RLIMIT_NOFILE hard limit above $hard without CAP_SYS_RESOURCE" ]
  assert_nothing_left
  # Lowering works.
  update_config ".process.rlimits = [{type: \"RLIMIT_NOFILE\", hard: $((hard - 1)), soft: 1000}]"
  set_args grep 'open files' /proc/self/limits
  run_container
  [ "$status" -eq 0 ]
  [[ "$output" =~ files[[:space:]]+1000[[:space:]]+$((hard - 1)) ]]
}
