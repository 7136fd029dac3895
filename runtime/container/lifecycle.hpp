// The OCI lifecycle operations (runtime.md), as the CLI verbs call them.
// Each takes the state store and the command's options; errors carry
// runc's texts where callers match them ("does not exist", "container not
// running", "no such process").
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "oci/state.hpp"
#include "runtime/base/error.hpp"
#include "runtime/container/exec_process.hpp"
#include "runtime/container/state_store.hpp"
#include "runtime/container/status.hpp"

namespace rt::container {

// Global settings every operation needs.
struct Context {
  StateStore store;
  bool systemd_cgroup = false;
  bool rootless = false;
};

// Where compiled seccomp programs are cached. '@' is not allowed in
// container ids: the cache can never be taken for a container by list, nor
// collide with one.
std::string seccomp_cache_dir(const Context& ctx);

struct CreateOptions {
  std::string id;
  std::string bundle;
  std::string pid_file;
  std::string console_socket;
  bool no_pivot = false;
  bool no_new_keyring = false;
  int preserve_fds = 0;
  // For `run` in the foreground: an fd to receive the pty master on (instead
  // of console_socket), and the signal mask the process must start with.
  int console_fd = -1;
  const sigset_t* child_sigmask = nullptr;
};

struct Created {
  ContainerDir dir;  // still locked
  ContainerState state;
  bool terminal = false;  // the pty master went to the console socket
};

Result<Created> create(const Context& ctx, const CreateOptions& options);
Result<> start(const Context& ctx, const std::string& id);
// Starts a container this process has just created (run): same dir, same lock.
Result<> start_created(ContainerDir& dir, const ContainerState& state);

struct ExecOptions {
  std::string id;
  std::string process_file;  // --process: a runtime-spec process document
  ExecProcessFlags flags;    // otherwise: the command and its settings
  bool detach = false;
  std::string pid_file;
  std::string console_socket;
  int preserve_fds = 0;
  std::string sub_cgroup;    // --cgroup, relative to the container's cgroup
  bool ignore_paused = false;
};

// Runs a process in a created, running (or, with ignore_paused, paused)
// container. Returns its exit status in the foreground, 0 with detach.
Result<int> exec(const Context& ctx, const ExecOptions& options);

struct Inspection {
  Status status = Status::kStopped;
  ContainerState state;  // partial when the container is still being created
  bool has_state = false;
};
Result<Inspection> inspect(const Context& ctx, const std::string& id);
oci::State to_oci_state(const Inspection& in);

// signal: a number, "KILL" or "SIGKILL" (as runc parses it).
Result<int> parse_signal(std::string_view signal);
Result<> kill(const Context& ctx, const std::string& id, int signal, bool all);

Result<> remove(const Context& ctx, const std::string& id, bool force);
// Cleans up a container this process owns and knows is stopped (run).
Result<> destroy(ContainerDir& dir, const ContainerState& state);

}  // namespace rt::container
