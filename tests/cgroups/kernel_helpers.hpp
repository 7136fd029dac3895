// Helpers for the tests that need root and a real kernel. They skip cleanly
// otherwise, and never touch the host's own cgroup mounts: cgroup v2 runs
// are done in a child process with a private mount namespace and a fresh
// cgroup2 mount on a temp dir (the same unified hierarchy, so every test
// removes the cgroups it makes).
#pragma once

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <functional>
#include <string>

namespace rt::cgroups::testing {

inline bool is_root() { return ::geteuid() == 0; }

// Runs fn in a child; returns "" on success, "SKIP: ..." or a failure text.
inline std::string in_private_cgroup2(const std::function<std::string(const std::string& mount)>& fn) {
  int p[2];
  if (::pipe2(p, O_CLOEXEC) < 0) return "pipe failed";
  const pid_t child = ::fork();
  if (child < 0) return "fork failed";
  if (child == 0) {
    ::close(p[0]);
    std::string result;
    char tmpl[] = "/tmp/ocirun-cg2-XXXXXX";
    if (::unshare(CLONE_NEWNS) < 0 || ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) < 0) {
      result = "SKIP: cannot make a private mount namespace";
    } else if (!::mkdtemp(tmpl) || ::mount("none", tmpl, "cgroup2", 0, nullptr) < 0) {
      result = "SKIP: cannot mount cgroup2";
    } else {
      result = fn(tmpl);
      ::umount2(tmpl, MNT_DETACH);
    }
    ::rmdir(tmpl);
    (void)!::write(p[1], result.data(), result.size());
    ::_exit(0);
  }
  ::close(p[1]);
  std::string out;
  char buf[512];
  ssize_t n;
  while ((n = ::read(p[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  ::close(p[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  if (!WIFEXITED(status)) return "child crashed: " + out;
  return out;
}

// A sleeping child process; killed and reaped on destruction.
class Sleeper {
 public:
  Sleeper() {
    pid_ = ::fork();
    if (pid_ == 0) {
      ::execl("/bin/sleep", "sleep", "60", static_cast<char*>(nullptr));
      ::_exit(127);
    }
  }
  ~Sleeper() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      reap();
    }
  }
  pid_t pid() const { return pid_; }
  // Waits for the child; its wait status, or -1.
  int reap() {
    int status = -1;
    if (pid_ > 0 && ::waitpid(pid_, &status, 0) == pid_) pid_ = -1;
    return status;
  }

 private:
  pid_t pid_ = -1;
};

}  // namespace rt::cgroups::testing
