// Runtime side of the exec protocol (see sync.hpp).
#include <fcntl.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include "oci/state.hpp"
#include "runtime/base/proc.hpp"
#include "runtime/process/exec_launch.hpp"
#include "runtime/process/launch.hpp"
#include "runtime/process/sync.hpp"
#include "runtime/security/seccomp.hpp"
#include "runtime/security/seccomp_agent.hpp"
#include "runtime/sys/raw.hpp"

namespace rt::process {
namespace {

// While alive, children this process clones are born in the pid namespace
// of `pidfd`'s process; afterwards ours again. setns(CLONE_NEWPID) only
// changes the namespace for children: the runtime itself stays where it is.
class PidNamespaceForChildren {
 public:
  static Result<PidNamespaceForChildren> enter(int pidfd, pid_t pid) {
    PidNamespaceForChildren s;
    s.own_.reset(::open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC));
    if (!s.own_) return ErrnoErr("opening /proc/self/ns/pid");
    if (::setns(pidfd, CLONE_NEWPID) == 0) return s;
    if (errno != EINVAL) return ErrnoErr("entering the pid namespace of process ", pid);
    // Kernels before 5.8 take no pidfd here.
    const std::string path = cat("/proc/", pid, "/ns/pid");
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd || ::setns(fd.get(), CLONE_NEWPID) < 0) return ErrnoErr("entering ", path);
    return s;
  }
  PidNamespaceForChildren(PidNamespaceForChildren&&) = default;
  ~PidNamespaceForChildren() {
    // Our own active namespace is always a valid target.
    if (own_) (void)::setns(own_.get(), CLONE_NEWPID);
  }

 private:
  PidNamespaceForChildren() = default;
  UniqueFd own_;
};

}  // namespace

ExecLauncher::~ExecLauncher() {
  if (!done_) kill_child();
}

void ExecLauncher::kill_child() {
  if (child_pidfd_) sys::pidfd_send_signal_raw(child_pidfd_.get(), SIGKILL);
  if (child_ > 0) {
    while (::waitpid(child_, nullptr, 0) < 0 && errno == EINTR) {
    }
  }
  child_ = 0;
}

Result<> ExecLauncher::clone_child(cgroups::Manager* cgroup) {
  TRY_ASSIGN(auto pair, Channel::make_pair());
  auto& [parent_end, child_end] = pair;

  std::optional<PidNamespaceForChildren> pid_ns;
  if (config_.join_flags & CLONE_NEWPID) {
    TRY_ASSIGN(auto entered, PidNamespaceForChildren::enter(config_.init_pidfd, config_.init_pid));
    pid_ns.emplace(std::move(entered));
  }
  clone_args args{};
  int pidfd = -1;
  args.flags = CLONE_PIDFD;
  args.pidfd = reinterpret_cast<uint64_t>(&pidfd);
  args.exit_signal = SIGCHLD;
  // A sub-cgroup (exec --cgroup) is joined by path, after the clone.
  const int cgroup_fd = cgroup && config_.sub_cgroup.empty() ? cgroup->clone_into_fd() : -1;
  if (cgroup_fd >= 0) {
    args.flags |= CLONE_INTO_CGROUP;
    args.cgroup = static_cast<uint64_t>(cgroup_fd);
  }
  long pid = sys::clone3(&args);
  if (pid < 0 && cgroup_fd >= 0 && errno != ENOSYS && errno != ENOMEM) {
    args.flags &= ~CLONE_INTO_CGROUP;
    args.cgroup = 0;
    pid = sys::clone3(&args);
  }
  if (pid < 0 && errno == ENOSYS) {
    pid = ::fork();
    if (pid > 0) pidfd = sys::pidfd_open_raw(static_cast<pid_t>(pid), 0);
    args.flags &= ~CLONE_INTO_CGROUP;
  }
  if (pid < 0) {
    // The pid namespace has no init any more: the container has stopped.
    if (errno == ENOMEM && pid_ns) return Err(0, "cannot exec in a stopped container");
    return ErrnoErr("clone3 for the exec process");
  }
  if (pid == 0) {
    parent_end.close();
    run_exec_child(config_, std::move(child_end));
  }
  pid_ns.reset();
  child_ = static_cast<pid_t>(pid);
  child_pidfd_.reset(pidfd);
  channel_ = std::move(parent_end);
  if (cgroup && !(args.flags & CLONE_INTO_CGROUP)) TRY(cgroup->add_process(child_, config_.sub_cgroup));
  return {};
}

Result<> ExecLauncher::drive() {
  TRY(apply_process_limits(child_, config_.process));
  TRY(channel_.send(static_cast<uint32_t>(Msg::kGo)));
  SyncExpectations expect;
  expect.seccomp_fd = config_.seccomp_fd;
  SyncSequence seq(expect);
  while (!seq.ready()) {
    TRY_ASSIGN(Frame f, channel_.recv());
    const Msg m = static_cast<Msg>(f.type);
    if (m == Msg::kError) return Err(0, f.payload);
    TRY(seq.accept(m));
    if (m == Msg::kSeccompFd) {
      if (f.fds.size() != 1) return Err(EPROTO, "protocol error: seccomp-fd without exactly one fd");
      oci::State st{oci::kSpecVersion, config_.id, "running", config_.init_pid, config_.bundle, config_.annotations};
      TRY_CTX(security::send_to_seccomp_agent(config_.security.seccomp->listener_path, f.fds[0].get(), st, child_,
                                              config_.security.seccomp->listener_metadata),
              "$.linux.seccomp.listenerPath");
      TRY(channel_.send(static_cast<uint32_t>(Msg::kSeccompDone)));
    }
  }
  return {};
}

Error ExecLauncher::child_failure(Error e) {
  if (e.errnum != EPIPE && e.errnum != ECONNRESET) return e;
  int status = 0;
  if (child_ > 0 && ::waitpid(child_, &status, 0) == child_) {
    child_ = 0;
    return Error{0, cat("exec process exited before it was ready (", proc::describe_wait_status(status), ")")};
  }
  return e;
}

Result<ExecProcess> ExecLauncher::start(cgroups::Manager* cgroup) {
  if (auto r = clone_child(cgroup); !r) return ErrFrom(std::move(r).error());
  if (auto r = drive(); !r) return ErrFrom(child_failure(std::move(r).error()));
  ExecProcess p;
  p.pid = child_;
  p.pidfd.reset(::fcntl(child_pidfd_.get(), F_DUPFD_CLOEXEC, 0));
  return p;
}

Result<> ExecLauncher::finish() {
  TRY(channel_.send(static_cast<uint32_t>(Msg::kDone)));
  // The channel is close-on-exec: EOF means execve succeeded; otherwise
  // the child reports why it failed.
  auto f = channel_.recv();
  channel_.close();
  if (!f) {
    if (f.error().errnum != EPIPE && f.error().errnum != ECONNRESET) return ErrFrom(std::move(f).error());
    done_ = true;
    return {};
  }
  if (f->type == static_cast<uint32_t>(Msg::kError)) return Err(0, f->payload);
  return Err(EPROTO, "protocol error: unexpected ", msg_name(static_cast<Msg>(f->type)), " after done");
}

}  // namespace rt::process
