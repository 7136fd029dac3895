#include "runtime/process/user_process.hpp"

#include <linux/close_range.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>

#include "runtime/base/trace.hpp"
#include "runtime/process/exec_path.hpp"

namespace rt::process {

void close_fds_except(std::vector<int> keep) {
  std::sort(keep.begin(), keep.end());
  unsigned next = 0;
  for (int fd : keep) {
    if (fd < 0 || static_cast<unsigned>(fd) < next) continue;
    if (static_cast<unsigned>(fd) > next) ::close_range(next, static_cast<unsigned>(fd) - 1, 0);
    next = static_cast<unsigned>(fd) + 1;
  }
  ::close_range(next, ~0U, 0);
}

namespace {

Result<> load_seccomp_and_hand_over(const security::ProcessSecurity& sec, const SeccompFdHandler& hand_over) {
  trace::Span span("init: load the seccomp filter");
  TRY_ASSIGN(auto notify_fd, security::load_seccomp(sec));
  if (notify_fd) TRY(hand_over(notify_fd));
  return {};
}

}  // namespace

Result<std::string> prepare_user_process(const oci::Process& p, const security::ProcessSecurity& sec,
                                         const std::vector<std::string>& env, const SeccompFdHandler& hand_over) {
  // CVE-2019-5736: from here on our capabilities may be no more than the
  // container's, and its processes could open /proc/<us>/exe, the runtime's
  // binary. Non-dumpable, /proc/<us> is closed to them; execve resets it.
  if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) return ErrnoErr("prctl(PR_SET_DUMPABLE)");
  TRY(security::apply_attributes(sec));
  if (!sec.no_new_privileges) TRY(load_seccomp_and_hand_over(sec, hand_over));
  // A directory only the process's user may enter is retried after the
  // switch (as runc does).
  const bool cwd_ok = ::chdir(p.cwd.c_str()) == 0;
  if (!cwd_ok && errno != EACCES && errno != EPERM) return ErrnoErr("$.process.cwd: chdir ", p.cwd);
  TRY(security::apply_user_and_caps(sec, p.user));
  if (!cwd_ok && ::chdir(p.cwd.c_str()) < 0) return ErrnoErr("$.process.cwd: chdir ", p.cwd);
  TRY_ASSIGN(std::string executable, find_executable(p.args[0], env));
  if (sec.no_new_privileges) {
    TRY(security::set_no_new_privs());
    TRY(load_seccomp_and_hand_over(sec, hand_over));
  }
  return executable;
}

Error exec_user_process(const oci::Process& p, const security::ProcessSecurity& sec,
                        const std::vector<std::string>& env, const std::string& executable, int preserve_fds,
                        const sigset_t& sigmask) {
  ::umask(p.user.umask.value_or(022));
  if (auto r = security::apply_final_affinity(sec); !r) return std::move(r).error();
  // Close-on-exec rather than closed: a caller may still report an execve
  // failure over its channel; nothing beyond stdio and the preserved fds
  // survives a successful execve either way.
  const unsigned first = 3 + static_cast<unsigned>(preserve_fds);
  if (::close_range(first, ~0U, CLOSE_RANGE_CLOEXEC) < 0) ::close_range(first, ~0U, 0);
  for (int sig = 1; sig < NSIG; ++sig) ::signal(sig, SIG_DFL);
  sigprocmask(SIG_SETMASK, &sigmask, nullptr);
  std::vector<char*> argv, envp;
  argv.reserve(p.args.size() + 1);
  envp.reserve(env.size() + 1);
  for (const auto& a : p.args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (const auto& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  ::execve(executable.c_str(), argv.data(), envp.data());
  return Error{errno, cat("exec ", executable)};
}

}  // namespace rt::process
