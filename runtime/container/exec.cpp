// exec: run another process in a running container, as runc does: same
// namespaces, cgroup, and the security settings of its process.json (the
// container's own where it is silent). Foreground exec waits and returns
// the process's exit status; --detach returns once it runs.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <optional>

#include "runtime/base/fs.hpp"
#include "runtime/base/proc.hpp"
#include "runtime/base/scope_exit.hpp"
#include "runtime/console/console.hpp"
#include "runtime/console/proxy.hpp"
#include "runtime/container/bundle.hpp"
#include "runtime/container/cgroup.hpp"
#include "runtime/container/exec_process.hpp"
#include "runtime/container/lifecycle.hpp"
#include "runtime/container/pid_file.hpp"
#include "runtime/container/supervise.hpp"
#include "runtime/process/exec_launch.hpp"
#include "runtime/process/namespaces.hpp"
#include "runtime/security/seccomp.hpp"
#include "runtime/sys/raw.hpp"

namespace rt::container {
namespace {

Result<> check_status(Status status, bool ignore_paused) {
  switch (status) {
    case Status::kCreated:
    case Status::kRunning: return {};
    case Status::kPaused:
      if (ignore_paused) return {};
      return Err(0, "cannot exec in a paused container (use --ignore-paused to override)");
    case Status::kStopped: return Err(0, "cannot exec in a stopped container");
    case Status::kCreating: return Err(0, "cannot exec in a container that is still being created");
  }
  return {};
}

Result<> check_console(const ExecOptions& o, bool terminal) {
  if (terminal && o.detach && o.console_socket.empty())
    return Err(0, "cannot allocate a tty when detaching without --console-socket");
  if (!o.console_socket.empty() && (!o.detach || !terminal))
    return Err(0, "--console-socket needs --detach and a terminal (--tty or process.terminal)");
  return {};
}

Result<std::string> read_process_file(const std::string& path) {
  if (path.empty()) return std::string();
  TRY_ASSIGN(auto text, with_context(fs::read_regular_file_at(AT_FDCWD, path), "reading --process ", path));
  if (text.empty()) return Err(0, path, ": empty process document");
  return text;
}

}  // namespace

Result<int> exec(const Context& ctx, const ExecOptions& o) {
  TRY(validate_id(o.id));
  TRY_ASSIGN(auto dir, ctx.store.open(o.id, Lock::kNone));
  TRY_ASSIGN(auto in, inspect(ctx, o.id));
  TRY(check_status(in.status, o.ignore_paused));
  TRY_ASSIGN(const oci::Spec spec, read_saved_config(dir));
  const oci::Linux* linux_config = spec.linux ? &*spec.linux : nullptr;

  TRY_ASSIGN(const std::string process_json, read_process_file(o.process_file));
  process::ExecConfig exec;
  TRY_ASSIGN(exec.process, exec_process(spec.process ? &*spec.process : nullptr, o.flags, process_json,
                                        o.process_file));
  TRY(check_console(o, exec.process.terminal));
  exec.id = o.id;
  exec.bundle = in.state.bundle;
  exec.annotations = in.state.annotations;
  exec.preserve_fds = o.preserve_fds;
  if (!o.sub_cgroup.empty()) {
    if (o.sub_cgroup.find(':') != std::string::npos)
      return Err(0, "invalid --cgroup value \"", o.sub_cgroup,
                 "\": give one sub-cgroup path for every controller (controller:path is not supported)");
    exec.sub_cgroup = o.sub_cgroup;
  }
  TRY_ASSIGN(exec.security, security::prepare(exec.process, linux_config, {seccomp_cache_dir(ctx)}));

  // Pin the init, then make sure the pid still names it.
  UniqueFd init_pidfd(sys::pidfd_open_raw(in.state.pid, 0));
  if (!init_pidfd || !proc::alive(in.state.pid, in.state.pid_start_time))
    return Err(0, "cannot exec in a stopped container");
  exec.init_pid = in.state.pid;
  exec.init_pidfd = init_pidfd.get();
  auto join_flags = process::namespaces_differing_from_self(in.state.pid);
  // The init died between the check and here.
  if (!join_flags && join_flags.error().errnum == ENOENT) return Err(0, "cannot exec in a stopped container");
  TRY_ASSIGN(exec.join_flags, std::move(join_flags));
  UniqueFd root;
  if (!(exec.join_flags & CLONE_NEWNS)) {
    root.reset(::open(cat("/proc/", in.state.pid, "/root").c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
    if (!root) return ErrnoErr("opening the root of container init ", in.state.pid);
    exec.root_fd = root.get();
  }
  TRY_ASSIGN(auto cgroup, load_cgroup(in.state));

  // A foreground terminal is proxied by us, like `run` does; otherwise the
  // pty master goes to the caller's socket.
  UniqueFd console_socket, console_ours;
  if (exec.process.terminal) {
    if (!o.console_socket.empty()) {
      TRY_ASSIGN(console_socket, console::connect_socket(o.console_socket));
    } else {
      TRY_ASSIGN(auto local, console::local_console_socket());
      console_ours = std::move(local.ours);
      console_socket = std::move(local.theirs);
    }
    exec.console_socket_fd = console_socket.get();
  }

  // In the foreground, signals queue for supervise(); the process starts
  // with the caller's mask.
  sigset_t all, original;
  sigfillset(&all);
  sigprocmask(SIG_BLOCK, o.detach ? nullptr : &all, &original);
  ScopeExit restore_mask([&] { sigprocmask(SIG_SETMASK, &original, nullptr); });
  exec.child_sigmask = original;

  process::ExecLauncher launcher(exec);
  TRY_ASSIGN(auto proc, launcher.start(cgroup.get()));
  std::optional<console::TerminalProxy> tty;
  if (console_ours) {
    TRY_ASSIGN(auto master, console::receive_master(console_ours.get()));
    tty.emplace(std::move(master));
  }
  console_socket.reset();
  TRY(launcher.finish());
  if (!o.pid_file.empty()) TRY(write_pid_file(o.pid_file, proc.pid));
  if (o.detach) return 0;
  return supervise(proc.pid, tty ? &*tty : nullptr);
}

}  // namespace rt::container
