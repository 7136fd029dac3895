// The last steps before the user's process runs, shared by a container's
// init and by `exec`: both end in the same security sequence and execve.
// Child side only: they run in the cloned process, after its namespaces are
// in place.
#pragma once

#include <signal.h>

#include <functional>
#include <string>
#include <vector>

#include "oci/spec.hpp"
#include "runtime/base/error.hpp"
#include "runtime/base/unique_fd.hpp"
#include "runtime/security/process_security.hpp"

namespace rt::process {

// Closes every fd but those listed. The child starts with a copy of the
// runtime's fd table (state dir and its lock, cgroup dirs, the bundle...):
// only what it needs may survive, so no host fd reaches the container.
void close_fds_except(std::vector<int> keep);

// Receives the seccomp notify fd when the filter has a listener; the caller
// sends it to the runtime, which hands it to the agent.
using SeccompFdHandler = std::function<Result<>(const UniqueFd& notify_fd)>;

// runc's order: attributes; seccomp early unless no_new_privs (loading it
// needs CAP_SYS_ADMIN then); cwd; user and capabilities; the executable is
// looked up as the process's user; no_new_privs and a late seccomp. Returns
// the executable's path, so that a missing binary fails before the runtime
// reports success.
Result<std::string> prepare_user_process(const oci::Process& process, const security::ProcessSecurity& sec,
                                         const std::vector<std::string>& env, const SeccompFdHandler& hand_over);

// umask, final CPU affinity, fds 3+preserve_fds and up marked close-on-exec
// (CVE-2024-21626: only stdio and the preserved fds reach the process),
// default signal dispositions, the given mask, then execve. Returns only on
// failure, with the error.
Error exec_user_process(const oci::Process& process, const security::ProcessSecurity& sec,
                        const std::vector<std::string>& env, const std::string& executable, int preserve_fds,
                        const sigset_t& sigmask);

}  // namespace rt::process
