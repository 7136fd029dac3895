// The exec process: the child side of the exec protocol (sync.hpp). It runs
// the init's final steps in the namespaces of a running container; the
// first failure goes to the runtime as one kError frame.
#include <sys/prctl.h>
#include <unistd.h>

#include "runtime/base/log.hpp"
#include "runtime/console/console.hpp"
#include "runtime/process/child_process.hpp"
#include "runtime/process/exec_launch.hpp"
#include "runtime/process/keyring.hpp"
#include "runtime/process/namespaces.hpp"
#include "runtime/process/sync.hpp"
#include "runtime/process/user_process.hpp"

namespace rt::process {
namespace {

class ExecChild {
 public:
  ExecChild(const ExecConfig& c, Channel ch) : c_(c), ch_(std::move(ch)) {}
  [[noreturn]] void run();

 private:
  Result<> expect(Msg m);
  Result<> enter_container();
  Result<> open_terminal();
  [[noreturn]] void fail(const Error& e);

  const ExecConfig& c_;
  Channel ch_;
  UniqueFd pty_slave_;
};

Result<> ExecChild::expect(Msg m) {
  TRY(expect_frame(ch_, m));
  return {};
}

Result<> ExecChild::enter_container() {
  // kGo: the runtime has set our rlimits and cgroup.
  TRY(expect(Msg::kGo));
  // The pid namespace was entered by the clone itself.
  TRY(join_namespaces_of(c_.init_pidfd, c_.init_pid, c_.join_flags & ~CLONE_NEWPID));
  ::close(c_.init_pidfd);
  if (c_.root_fd >= 0) {
    // The container shares our mount namespace: its root is a directory.
    if (::fchdir(c_.root_fd) < 0 || ::chroot(".") < 0) return ErrnoErr("entering the container's root");
    ::close(c_.root_fd);
  }
  return join_session_keyring(c_.id);
}

Result<> ExecChild::open_terminal() {
  if (!c_.process.terminal) return {};
  TRY_ASSIGN(auto pty, console::open_container_pty(c_.process.console_size, /*bind_dev_console=*/false));
  TRY(console::send_master(c_.console_socket_fd, pty));
  ::close(c_.console_socket_fd);
  pty_slave_ = std::move(pty.slave);
  return console::become_terminal_owner(pty_slave_.get());
}

void ExecChild::fail(const Error& e) {
  (void)ch_.send(static_cast<uint32_t>(Msg::kError), e.errnum, e.to_string());
  _exit(127);
}

void ExecChild::run() {
  ::prctl(PR_SET_NAME, "ocirun:[EXEC]", 0, 0, 0);
  // Until execve, /proc/<pid>/exe is the runtime's binary and processes of
  // the container can see us: a non-dumpable process cannot be opened
  // through /proc by them (CVE-2019-5736). execve resets the flag.
  ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
  std::vector<int> keep = {0, 1, 2, ch_.fd(), c_.init_pidfd, c_.root_fd, c_.console_socket_fd, log::sink_fd()};
  for (int fd = 3; fd < 3 + c_.preserve_fds; ++fd) keep.push_back(fd);
  close_fds_except(std::move(keep));
  auto step = [&](Result<> r) {
    if (!r) fail(r.error());
  };
  step(join_cgroups_self(c_.cgroup_self_join));
  step(enter_container());
  step(open_terminal());
  auto executable = prepare_user_process(c_.process, c_.security, c_.process.env,
                                         [this](const UniqueFd& fd) { return send_seccomp_fd(ch_, fd); });
  if (!executable) fail(executable.error());
  step(ch_.send(static_cast<uint32_t>(Msg::kReady)));
  step(expect(Msg::kDone));
  fail(exec_user_process(c_.process, c_.security, c_.process.env, *executable, c_.preserve_fds, c_.child_sigmask));
}

}  // namespace

[[noreturn]] void run_exec_child(const ExecConfig& config, Channel channel) {
  try {
    ExecChild(config, std::move(channel)).run();
  } catch (...) {
  }
  _exit(1);
}

}  // namespace rt::process
