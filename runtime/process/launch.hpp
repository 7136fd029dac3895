// Starting a container's init: the runtime side (Launcher) and the child side
// (run_init), speaking the protocol of sync.hpp over one Channel.
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "oci/spec.hpp"
#include "runtime/base/error.hpp"
#include "runtime/base/unique_fd.hpp"
#include "runtime/cgroups/manager.hpp"
#include "runtime/process/channel.hpp"
#include "runtime/process/namespaces.hpp"
#include "runtime/process/sync.hpp"
#include "runtime/rootfs/mount_plan.hpp"
#include "runtime/security/process_security.hpp"

namespace rt::process {

// Everything the init needs, prepared by the runtime before clone. The child
// gets a copy-on-write image of it: nothing is serialised.
struct InitConfig {
  std::string id;
  std::string bundle;
  const oci::Spec* spec = nullptr;
  rootfs::Plan rootfs;
  NamespacePlan ns;
  security::ProcessSecurity security;
  std::vector<std::string> env;  // process.env plus what the runtime adds
  int exec_fifo_fd = -1;         // read end of exec.fifo; -1: exec right after kDone
  // The init writes "0" to these first (cgroups::Manager::self_join_files);
  // empty: the runtime moves it into its cgroup.
  std::vector<std::string> cgroup_self_join;
  int console_socket_fd = -1;    // where the pty master goes (process.terminal)
  int preserve_fds = 0;          // fds 3 .. 3+N-1 are passed to the process
  bool no_new_keyring = false;
  SyncExpectations expect;
  sigset_t child_sigmask{};      // the signal mask the process starts with
};

struct InitProcess {
  pid_t pid = 0;  // host pid
  uint64_t start_time = 0;
  UniqueFd pidfd;
};

// Called when the child has its mounts but has not pivoted yet; runs the
// prestart and createRuntime hooks with the init's pid.
using MountsReadyHook = std::function<Result<>(pid_t init_pid)>;

class Launcher {
 public:
  explicit Launcher(InitConfig& config) : config_(config) {}
  ~Launcher();

  // Clones the child and drives it until it is ready to wait for `start`.
  // On error the child is killed and reaped.
  Result<InitProcess> start(cgroups::Manager* cgroup, const MountsReadyHook& on_mounts_ready);
  // Tells the init the runtime has recorded it (state.json, pid file).
  Result<> finish();

 private:
  Result<> clone_child(cgroups::Manager* cgroup);
  Result<> setup_from_parent(cgroups::Manager* cgroup);
  Result<> drive(const MountsReadyHook& on_mounts_ready);
  Error child_failure(Error e);
  void kill_child();

  InitConfig& config_;
  Channel channel_;
  pid_t child_ = 0;        // the cloned process
  pid_t init_ = 0;         // the container's init (child_ or its child)
  UniqueFd child_pidfd_;
  bool born_in_cgroup_ = false;
  bool done_ = false;
};

// Rlimits and oom_score_adj of `pid`, set from the runtime: raising a hard
// limit needs CAP_SYS_RESOURCE in the runtime's user namespace, which a
// container's root would lack. Used for the init and for exec.
Result<> apply_process_limits(pid_t pid, const oci::Process& process);

// The name (comm) the init carries until it executes the container's
// process: how `state` tells an init still waiting for `start` from one a
// dying `start` already released.
inline constexpr const char* kInitProcessName = "ocirun:[INIT]";

// The child side; never returns.
[[noreturn]] void run_init(const InitConfig& config, Channel channel);

}  // namespace rt::process
