#include "runtime/process/child_process.hpp"

#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/base/fs.hpp"
#include "runtime/base/proc.hpp"
#include "runtime/security/seccomp.hpp"
#include "runtime/security/seccomp_agent.hpp"
#include "runtime/sys/raw.hpp"

namespace rt::process {

Result<ClonedChild> clone_child_process(uint64_t ns_flags, int cgroup_fd, std::string_view what) {
  clone_args args{};
  int pidfd = -1;
  args.flags = ns_flags | CLONE_PIDFD;
  args.pidfd = reinterpret_cast<uint64_t>(&pidfd);
  args.exit_signal = SIGCHLD;
  if (cgroup_fd >= 0) {
    args.flags |= CLONE_INTO_CGROUP;
    args.cgroup = static_cast<uint64_t>(cgroup_fd);
  }
  long pid = sys::clone3(&args);
  if (pid < 0 && cgroup_fd >= 0 && errno != ENOSYS) {
    args.flags &= ~CLONE_INTO_CGROUP;
    args.cgroup = 0;
    pid = sys::clone3(&args);
  }
  if (pid < 0 && errno == ENOSYS) {
    // Kernels before 5.3: plain clone, fork-like (no new stack), pidfd after.
    pid = ::syscall(SYS_clone, static_cast<unsigned long>(ns_flags) | SIGCHLD, nullptr, nullptr, nullptr, 0);
    if (pid > 0) pidfd = sys::pidfd_open_raw(static_cast<pid_t>(pid), 0);
    args.flags &= ~CLONE_INTO_CGROUP;
  }
  if (pid < 0) return ErrnoErr("clone3 for the ", what);
  ClonedChild c;
  c.pid = static_cast<pid_t>(pid);
  if (pid == 0) return c;
  c.pidfd.reset(pidfd);
  c.in_cgroup = args.flags & CLONE_INTO_CGROUP;
  return c;
}

void kill_and_reap(pid_t pid, const UniqueFd& pidfd) {
  if (pidfd) sys::pidfd_send_signal_raw(pidfd.get(), SIGKILL);
  if (pid > 0) {
    while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
}

Error early_exit_error(Error e, pid_t& child, std::string_view what) {
  if (e.errnum != EPIPE && e.errnum != ECONNRESET) return e;
  int status = 0;
  if (child > 0 && ::waitpid(child, &status, 0) == child) {
    child = 0;
    return Error{0, cat(what, " exited before it was ready (", proc::describe_wait_status(status), ")")};
  }
  return e;
}

Result<> forward_seccomp_fd(Channel& channel, const Frame& frame, const security::SeccompProgram& program,
                            const oci::State& state, pid_t pid) {
  if (frame.fds.size() != 1) return Err(EPROTO, "protocol error: seccomp-fd without exactly one fd");
  TRY_CTX(security::send_to_seccomp_agent(program.listener_path, frame.fds[0].get(), state, pid,
                                          program.listener_metadata),
          "$.linux.seccomp.listenerPath");
  return channel.send(static_cast<uint32_t>(Msg::kSeccompDone));
}

Result<> join_cgroups_self(const std::vector<std::string>& tasks_files) {
  for (const std::string& tasks : tasks_files) TRY_CTX(fs::write_file(tasks, "0"), "joining cgroup ", tasks);
  return {};
}

Result<Frame> expect_frame(Channel& channel, Msg m) {
  TRY_ASSIGN(Frame f, channel.recv());
  if (f.type != static_cast<uint32_t>(m))
    return Err(EPROTO, "protocol error: expected ", msg_name(m), " from the runtime");
  return f;
}

Result<> send_seccomp_fd(Channel& channel, const UniqueFd& notify_fd) {
  TRY(channel.send(static_cast<uint32_t>(Msg::kSeccompFd), 0, {}, {notify_fd.get()}));
  TRY(expect_frame(channel, Msg::kSeccompDone));
  return {};
}

}  // namespace rt::process
