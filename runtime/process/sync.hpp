// The runtime <-> container init protocol, in one place.
//
//  runtime (create/run/exec)                          container init (child of clone3)
//  ─ state dir, exec.fifo, cgroup dirs, console socket connected
//  ─ clone3(CLONE_NEW* | CLONE_PIDFD [| CLONE_INTO_CGROUP]) ─▶ starts; waits for kGo
//  │                                    [joined namespaces: setns all, user first]
//  │                                    [new userns after a join: unshare(USER)]
//  │                                                ◀─ kUsernsReady
//  ─ [kUsernsReady, or userns created by clone3] write setgroups/uid_map/gid_map
//  ─ prlimit rlimits, oom_score_adj, cgroup.procs (when not born in the cgroup)
//  ─ kGo ─────────────────────────────────────────────▶ unshare remaining namespaces
//  │                                    [pid/time ns via unshare or join: fork;
//  │                                     the grandchild is init]
//  │                                                ◀─ kInitPid(pid)  (only after a fork)
//  │                                    mounts, devices (before pivot_root)
//  │                                                ◀─ kMountsReady  (only with prestart/
//  ─ prestart + createRuntime hooks                                  createRuntime hooks)
//  ─ kHooksDone ──────────────────────────────────────▶ createContainer hooks, pivot_root,
//  │                                    masked/readonly paths, sysctl, hostname, console,
//  │                                    attributes, user + caps, seccomp,
//  │                                    executable looked up
//  │                                                ◀─ kSeccompFd + fd (only for NOTIFY)
//  ─ hand the fd to the seccomp agent
//  ─ kSeccompDone ────────────────────────────────────▶
//  │                                                ◀─ kReady
//  ─ state.json, pid file
//  ─ kDone ───────────────────────────────────────────▶ (create exits; init is reparented)
//                                       wait on exec.fifo; startContainer hooks; execve
//
// At any point the child may send one kError frame (errno + message), after
// which it exits; it logs warnings itself, through the log fd it inherited. If the runtime
// goes away before kDone the child sees EOF and exits: a half-made container
// never runs. SyncSequence checks, without forking, that the child's frames
// arrive in this order and only when expected for the given config.
#pragma once

#include <cstdint>
#include <string>

#include "runtime/base/error.hpp"

namespace rt::process {

enum class Msg : uint32_t {
  // runtime -> child
  kGo = 1,
  kHooksDone = 2,
  kSeccompDone = 3,
  kDone = 4,
  kUsernsMapped = 5,
  // child -> runtime
  kUsernsReady = 101,
  kInitPid = 102,
  kMountsReady = 103,
  kSeccompFd = 104,
  kReady = 105,
  kError = 111,
};

const char* msg_name(Msg m);

// Which optional steps the child will take, derived from the config.
struct SyncExpectations {
  bool userns_request = false;  // child unshares the user namespace itself
  bool init_pid = false;        // child forks: init is a grandchild
  bool mounts_ready = false;    // prestart/createRuntime hooks to run in between
  bool seccomp_fd = false;      // SCMP_ACT_NOTIFY with a listener
};

// Parent-side validator of the child's frames (kError is always accepted and
// is not fed to it).
class SyncSequence {
 public:
  explicit SyncSequence(const SyncExpectations& e) : expect_(e) {}

  // Accepts the next child frame or says why it is out of order.
  Result<> accept(Msg m);
  bool ready() const { return phase_ == Phase::kReady; }

 private:
  enum class Phase { kStart, kUsernsReady, kInitPid, kMountsReady, kSeccompFd, kReady };
  Phase phase_ = Phase::kStart;
  SyncExpectations expect_;
};

}  // namespace rt::process
