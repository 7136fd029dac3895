#include "runtime/container/supervise.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <optional>

#include "runtime/base/log.hpp"
#include "runtime/base/proc.hpp"
#include "runtime/sys/raw.hpp"

namespace rt::container {

Result<int> supervise(pid_t pid_to_wait, console::TerminalProxy* tty, NotifyProxy* notify) {
  sigset_t set;
  sigfillset(&set);
  UniqueFd sfd(::signalfd(-1, &set, SFD_CLOEXEC));
  if (!sfd) return ErrnoErr("signalfd");
  UniqueFd pidfd(sys::pidfd_open_raw(pid_to_wait, 0));
  bool input_open = tty != nullptr;
  bool output_open = tty != nullptr;
  std::optional<int> status;
  while (!status) {
    pollfd fds[5] = {{sfd.get(), POLLIN, 0},
                     {pidfd.get(), POLLIN, 0},
                     {input_open ? STDIN_FILENO : -1, POLLIN, 0},
                     {output_open ? tty->master_fd() : -1, POLLIN, 0},
                     {notify ? notify->fd() : -1, POLLIN, 0}};
    if (::poll(fds, 5, -1) < 0) {
      if (errno == EINTR) continue;
      return ErrnoErr("poll");
    }
    if (fds[2].revents) input_open = tty->pump_input();
    if (fds[3].revents) output_open = tty->pump_output();
    if (fds[4].revents) {
      // Once READY is forwarded the socket has done its job.
      auto ready = notify->forward_if_ready(pid_to_wait);
      if (!ready) log::warn(ready.error().to_string());
      if (!ready || *ready) notify = nullptr;
    }
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
      if (pid == pid_to_wait) status = st;
    if (!status && fds[1].revents && pid < 0 && errno == ECHILD) {
      // Not our child (no subreaper): its status is not ours to know.
      log::warn("process ", pid_to_wait, " exited; its exit status is not available without a subreaper");
      status = 0;
    }
  }
  if (tty) tty->drain_output();
  return proc::exit_code(*status);
}

}  // namespace rt::container
