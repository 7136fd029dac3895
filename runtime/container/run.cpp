// run: create + start, and in the foreground wait for the container while
// forwarding signals (and terminal bytes) to it; its exit status becomes
// ours (128+signal when it was killed), then the container is deleted.
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <optional>

#include "runtime/base/log.hpp"
#include "runtime/console/console.hpp"
#include "runtime/console/proxy.hpp"
#include "runtime/container/notify_socket.hpp"
#include "runtime/container/run.hpp"
#include "runtime/sys/raw.hpp"

namespace rt::container {
namespace {

int exit_code(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return 255;
}

// Forwards signals until init exits; returns its exit status.
Result<int> supervise(pid_t init, console::TerminalProxy* tty) {
  sigset_t set;
  sigfillset(&set);
  UniqueFd sfd(::signalfd(-1, &set, SFD_CLOEXEC));
  if (!sfd) return ErrnoErr("signalfd");
  UniqueFd pidfd(sys::pidfd_open_raw(init, 0));
  bool input_open = tty != nullptr;
  bool output_open = tty != nullptr;
  std::optional<int> status;
  while (!status) {
    pollfd fds[4] = {{sfd.get(), POLLIN, 0},
                     {pidfd.get(), POLLIN, 0},
                     {input_open ? STDIN_FILENO : -1, POLLIN, 0},
                     {output_open ? tty->master_fd() : -1, POLLIN, 0}};
    if (::poll(fds, 4, -1) < 0) {
      if (errno == EINTR) continue;
      return ErrnoErr("poll");
    }
    if (fds[2].revents) input_open = tty->pump_input();
    if (fds[3].revents) output_open = tty->pump_output();
    if (fds[0].revents) {
      signalfd_siginfo si{};
      if (::read(sfd.get(), &si, sizeof si) != sizeof si) continue;
      const int sig = static_cast<int>(si.ssi_signo);
      if (sig == SIGWINCH && tty) tty->copy_window_size();
      else if (sig != SIGCHLD && pidfd) sys::pidfd_send_signal_raw(pidfd.get(), sig);
    }
    // Reap everything: as a subreaper we also inherit orphans of the container.
    int st = 0;
    pid_t pid;
    while ((pid = ::waitpid(-1, &st, WNOHANG)) > 0)
      if (pid == init) status = st;
    if (!status && fds[1].revents && pid < 0 && errno == ECHILD) {
      // Not our child (no subreaper): its status is not ours to know.
      log::warn("container init ", init, " exited; its exit status is not available without a subreaper");
      status = 0;
    }
  }
  if (tty) tty->drain_output();
  return exit_code(*status);
}

}  // namespace

Result<int> run(const Context& ctx, RunOptions o) {
  if (o.detach) {
    TRY_ASSIGN(auto created, create(ctx, o.create));
    TRY_ASSIGN(auto notify, NotifyProxy::bind(created.dir));
    TRY(start_created(created.dir, created.state));
    created.dir.unlock();
    if (notify) TRY(notify->wait(created.state.pid, created.state.pid_start_time));
    return 0;
  }
  if (!o.no_subreaper && ::prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) return ErrnoErr("becoming a subreaper");
  // Signals are taken through a signalfd; the container starts with the
  // mask we were given.
  sigset_t all, original;
  sigfillset(&all);
  sigprocmask(SIG_BLOCK, &all, &original);
  o.create.child_sigmask = &original;

  UniqueFd console_ours, console_theirs;
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) < 0) return ErrnoErr("socketpair");
  console_ours.reset(pair[0]);
  console_theirs.reset(pair[1]);
  o.create.console_fd = console_theirs.get();

  TRY_ASSIGN(auto created, create(ctx, o.create));
  std::optional<console::TerminalProxy> tty;
  if (created.terminal) {
    TRY_ASSIGN(auto master, console::receive_master(console_ours.get()));
    tty.emplace(std::move(master));
  }
  console_theirs.reset();
  auto started = start_created(created.dir, created.state);
  // Let other commands (kill, delete --force) act while it runs.
  created.dir.unlock();
  Result<int> code = started ? supervise(created.state.pid, tty ? &*tty : nullptr) : ErrFrom(started.error());
  tty.reset();
  sigprocmask(SIG_SETMASK, &original, nullptr);
  if (!o.keep) {
    if (auto locked = created.dir.relock(); locked) {
      if (auto r = destroy(created.dir, created.state); !r) log::warn(r.error().to_string());
    }
  }
  return code;
}

}  // namespace rt::container
