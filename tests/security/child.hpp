// Runs a function in a forked child and returns what it wrote and how it
// ended. The security functions change the calling process for good, so the
// tests apply them for real in a child and report back over a pipe.
#pragma once

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <functional>
#include <string>
#include <string_view>

#include "runtime/base/error.hpp"
#include "runtime/base/fs.hpp"

namespace rt::security::testing {

struct ChildResult {
  int status = 0;
  std::string output;
  bool exited_ok() const { return WIFEXITED(status) && WEXITSTATUS(status) == 0; }
  bool killed_by(int sig) const { return WIFSIGNALED(status) && WTERMSIG(status) == sig; }
};

inline void put(int fd, std::string_view s) { (void)fs::write_all(fd, s); }

// Reports a failed Result and exits the child with status 2.
inline void put_error(int fd, const Error& e) {
  put(fd, "ERROR: " + e.to_string() + "\n");
  ::syscall(SYS_exit_group, 2);
  __builtin_unreachable();
}

// `fn` runs in the child with the write end of the pipe; its return value
// becomes the exit status. The child never returns into the test runner.
inline ChildResult run_in_child(const std::function<int(int out)>& fn) {
  int p[2];
  if (::pipe2(p, O_CLOEXEC) < 0) return {-1, "pipe failed"};
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::close(p[0]);
    // Seccomp kill actions must not leave core files behind.
    const rlimit no_core{0, 0};
    ::setrlimit(RLIMIT_CORE, &no_core);
    // exit_group directly: sanitizers hook _exit() to run their leak
    // checker, which needs syscalls (clone, ptrace) a test filter denies.
    ::syscall(SYS_exit_group, fn(p[1]));
  }
  ::close(p[1]);
  ChildResult r;
  auto out = fs::read_fd(p[0]);
  ::close(p[0]);
  r.output = out ? *out : std::string("read failed");
  ::waitpid(pid, &r.status, 0);
  return r;
}

// The value of "Key:\t..." in /proc/self/status, without surrounding blanks.
inline std::string status_field(const std::string& status, const std::string& key) {
  const auto pos = status.find("\n" + key + ":");
  if (pos == std::string::npos) return "";
  const auto start = status.find_first_not_of(" \t", pos + key.size() + 2);
  return std::string(trim(status.substr(start, status.find('\n', start) - start)));
}

}  // namespace rt::security::testing
