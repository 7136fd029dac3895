// What the init and exec launchers share around their child: the clone with
// its fallbacks, the reaping, the seccomp notify fd's way to the agent, and
// the child's wait for a given frame. One copy for both protocols of sync.hpp.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "oci/state.hpp"
#include "runtime/base/error.hpp"
#include "runtime/base/unique_fd.hpp"
#include "runtime/process/channel.hpp"
#include "runtime/process/sync.hpp"

namespace rt::security {
struct SeccompProgram;
}

namespace rt::process {

struct ClonedChild {
  pid_t pid = 0;            // 0 in the child, like fork()
  UniqueFd pidfd;           // runtime side
  bool in_cgroup = false;   // born in cgroup_fd (CLONE_INTO_CGROUP)
};

// clone3(ns_flags | CLONE_PIDFD [| CLONE_INTO_CGROUP when cgroup_fd >= 0]).
// A cgroup that refuses us (e.g. a v2 domain with threads) is left to the
// caller to join later; kernels without clone3 get a plain fork-like clone
// and a pidfd after. The error keeps clone's errno.
Result<ClonedChild> clone_child_process(uint64_t ns_flags, int cgroup_fd, std::string_view what);

// SIGKILL through the pidfd, then reap.
void kill_and_reap(pid_t pid, const UniqueFd& pidfd);

// After a failed exchange: EOF or a broken pipe means the child died, so the
// error says how ("container init exited before it was ready (exit status
// 1)") and `child` is reaped (set to 0). Other errors pass through.
Error early_exit_error(Error e, pid_t& child, std::string_view what);

// Runtime side of kSeccompFd: the fd goes to the agent at the program's
// listenerPath with the state, then kSeccompDone lets the child go on.
Result<> forward_seccomp_fd(Channel& channel, const Frame& frame, const security::SeccompProgram& program,
                            const oci::State& state, pid_t pid);

// Child side: moves this single-threaded process into its cgroups by
// writing "0" to each of `tasks_files` (cgroups::Manager::self_join_files).
Result<> join_cgroups_self(const std::vector<std::string>& tasks_files);
// Child side: the next frame must be `m`.
Result<Frame> expect_frame(Channel& channel, Msg m);
// Child side: kSeccompFd with the fd, then wait for kSeccompDone.
Result<> send_seccomp_fd(Channel& channel, const UniqueFd& notify_fd);

}  // namespace rt::process
