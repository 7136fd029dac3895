// Starting a process in a running container (`exec`): the runtime side
// (ExecLauncher) and the child side (run_exec_child), speaking the exec
// protocol of sync.hpp over one Channel.
//
// The new process is a direct child of the runtime, born where the
// container's processes live: the runtime points its own pid namespace for
// children at the container's (setns CLONE_NEWPID) just for the clone3, so
// no intermediate fork is needed, and clone3(CLONE_INTO_CGROUP) places it in
// the container's cgroup at birth where the hierarchy allows. The child then
// joins the other namespaces through the init's pidfd.
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "oci/spec.hpp"
#include "runtime/base/error.hpp"
#include "runtime/base/unique_fd.hpp"
#include "runtime/cgroups/manager.hpp"
#include "runtime/process/channel.hpp"
#include "runtime/security/process_security.hpp"

namespace rt::process {

struct ExecConfig {
  std::string id;
  std::string bundle;
  std::map<std::string, std::string> annotations;  // for the seccomp agent's state
  oci::Process process;            // what runs, with the container's settings filled in
  security::ProcessSecurity security;
  pid_t init_pid = 0;              // the container's init, as the host sees it
  int init_pidfd = -1;             // pins it while we join its namespaces
  int join_flags = 0;              // CLONE_NEW* of the namespaces to join (pid included)
  int root_fd = -1;                // the init's root, when it has no mount namespace of its own
  int console_socket_fd = -1;      // where the pty master goes (process.terminal)
  int preserve_fds = 0;
  std::string sub_cgroup;          // exec --cgroup: relative to the container's cgroup
  // The child writes "0" to these first (cgroups::Manager::self_join_files);
  // empty: the runtime moves it. Set by ExecLauncher.
  std::vector<std::string> cgroup_self_join;
  sigset_t child_sigmask{};
};

struct ExecProcess {
  pid_t pid = 0;  // host pid
  UniqueFd pidfd;
};

class ExecLauncher {
 public:
  explicit ExecLauncher(ExecConfig& config) : config_(config) {}
  ~ExecLauncher();  // kills and reaps the child unless finish() succeeded

  // Clones the child into the container and drives it until its executable
  // is found; nothing of it runs yet.
  Result<ExecProcess> start(cgroups::Manager* cgroup);
  // Lets it execve and waits until it has (or says why it could not).
  Result<> finish();

 private:
  Result<> clone_child(cgroups::Manager* cgroup);
  Result<> drive();
  Error child_failure(Error e);
  void kill_child();

  ExecConfig& config_;
  Channel channel_;
  pid_t child_ = 0;
  UniqueFd child_pidfd_;
  bool done_ = false;
};

// The child side; never returns.
[[noreturn]] void run_exec_child(const ExecConfig& config, Channel channel);

}  // namespace rt::process
