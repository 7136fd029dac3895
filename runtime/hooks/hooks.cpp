#include "runtime/hooks/hooks.hpp"
#include "runtime/base/proc.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstring>

#include "runtime/base/log.hpp"
#include "runtime/base/unique_fd.hpp"
#include "runtime/sys/raw.hpp"

namespace rt::hooks {
namespace {

constexpr size_t kMaxCapturedStderr = 4096;

std::vector<char*> c_strings(const std::vector<std::string>& v) {
  std::vector<char*> out;
  for (const auto& s : v) out.push_back(const_cast<char*>(s.c_str()));
  out.push_back(nullptr);
  return out;
}

int64_t now_ms() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

[[noreturn]] void exec_hook(const oci::Hook& hook, int stdin_fd, int output_fd) {
  // Only stdin (the state) and stdout/stderr (captured for errors) reach the hook.
  ::dup2(stdin_fd, 0);
  ::dup2(output_fd, 1);
  ::dup2(output_fd, 2);
  ::close_range(3, ~0U, 0);
  // Its own process group, so a timeout kills whatever it started too.
  ::setpgid(0, 0);
  sigset_t all;
  sigemptyset(&all);
  sigprocmask(SIG_SETMASK, &all, nullptr);
  std::vector<std::string> args = hook.args.empty() ? std::vector<std::string>{hook.path} : hook.args;
  auto argv = c_strings(args);
  auto envp = c_strings(hook.env);
  ::execve(hook.path.c_str(), argv.data(), envp.data());
  const std::string msg = cat("exec ", hook.path, ": ", std::strerror(errno), "\n");
  (void)!::write(2, msg.data(), msg.size());
  _exit(127);
}


}  // namespace

Result<> run_one(std::string_view kind, size_t index, const oci::Hook& hook, std::string_view state_json) {
  const std::string what = cat(kind, " hook #", index, " (", hook.path, ")");
  int in[2], err[2];
  if (::pipe2(in, O_CLOEXEC) < 0) return ErrnoErr(what, ": pipe");
  UniqueFd in_r(in[0]), in_w(in[1]);
  if (::pipe2(err, O_CLOEXEC) < 0) return ErrnoErr(what, ": pipe");
  UniqueFd err_r(err[0]), err_w(err[1]);
  const pid_t pid = ::fork();
  if (pid < 0) return ErrnoErr(what, ": fork");
  if (pid == 0) exec_hook(hook, in_r.get(), err_w.get());
  in_r.reset();
  err_w.reset();
  UniqueFd pidfd(sys::pidfd_open_raw(pid, 0));

  // The state goes in whole (a hook may not read it: ignore EPIPE).
  signal(SIGPIPE, SIG_IGN);
  std::string_view rest = state_json;
  while (!rest.empty()) {
    ssize_t n = ::write(in_w.get(), rest.data(), rest.size());
    if (n < 0) break;
    rest.remove_prefix(static_cast<size_t>(n));
  }
  in_w.reset();

  std::string captured;
  // Reads the hook's output; returns false once the pipe is at EOF. `once`:
  // a single read (poll said it is readable), else drain without blocking.
  auto capture = [&](bool once) {
    if (!once) ::fcntl(err_r.get(), F_SETFL, O_NONBLOCK);
    char buf[1024];
    while (true) {
      const ssize_t n = ::read(err_r.get(), buf, sizeof buf);
      if (n > 0) {
        if (captured.size() < kMaxCapturedStderr) captured.append(buf, static_cast<size_t>(n));
        if (once) return true;
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      return n < 0 && errno == EAGAIN;
    }
  };
  // The spec puts no upper bound on timeout: beyond a century it is as good
  // as none (and seconds * 1000 must not overflow).
  constexpr int64_t kForeverSeconds = int64_t{100} * 365 * 24 * 3600;
  const int64_t deadline =
      hook.timeout && *hook.timeout < kForeverSeconds ? now_ms() + *hook.timeout * 1000 : -1;
  bool timed_out = false;
  bool output_open = true;
  while (true) {
    pollfd fds[2] = {{pidfd.get(), POLLIN, 0}, {output_open ? err_r.get() : -1, POLLIN, 0}};
    // poll takes an int: wait in slices of at most INT_MAX ms (24.8 days).
    const int wait_ms = deadline < 0 ? -1
                                     : static_cast<int>(std::clamp<int64_t>(deadline - now_ms(), 0, INT_MAX));
    const int r = ::poll(fds, 2, wait_ms);
    if (r < 0 && errno == EINTR) continue;
    if (r == 0) {
      if (deadline - now_ms() > 0) continue;  // a slice of a long timeout ended
      timed_out = true;
      ::kill(-pid, SIGKILL);
      ::kill(pid, SIGKILL);
      break;
    }
    if (fds[1].revents) output_open = capture(true);
    if (fds[0].revents) break;
  }
  // What the hook wrote last; a grandchild holding the pipe must not block us.
  if (output_open) capture(false);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) return Err(ETIMEDOUT, what, ": timed out after ", *hook.timeout, "s");
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return {};
  std::string detail(trim(captured));
  return Err(0, what, " failed: ", proc::describe_wait_status(status), detail.empty() ? "" : ": ", detail);
}

Result<> run_all(std::string_view kind, const std::vector<oci::Hook>& hooks, std::string_view state_json) {
  for (size_t i = 0; i < hooks.size(); ++i) TRY(run_one(kind, i, hooks[i], state_json));
  return {};
}

void run_all_warn(std::string_view kind, const std::vector<oci::Hook>& hooks, std::string_view state_json) {
  for (size_t i = 0; i < hooks.size(); ++i) {
    if (auto r = run_one(kind, i, hooks[i], state_json); !r) log::warn(r.error().to_string());
  }
}

}  // namespace rt::hooks
