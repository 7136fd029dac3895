// Runtime side of the exec protocol (see sync.hpp).
#include <fcntl.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include "oci/state.hpp"
#include "runtime/base/proc.hpp"
#include "runtime/process/child_process.hpp"
#include "runtime/process/exec_launch.hpp"
#include "runtime/process/launch.hpp"
#include "runtime/process/sync.hpp"
#include "runtime/security/seccomp.hpp"
#include "runtime/sys/raw.hpp"

namespace rt::process {
namespace {

// While alive, children this process clones are born in the pid namespace
// of `pidfd`'s process; afterwards ours again. setns(CLONE_NEWPID) only
// changes the namespace for children: the runtime itself stays where it is.
class PidNamespaceForChildren {
 public:
  PidNamespaceForChildren() = default;
  PidNamespaceForChildren(const PidNamespaceForChildren&) = delete;
  PidNamespaceForChildren& operator=(const PidNamespaceForChildren&) = delete;
  ~PidNamespaceForChildren() { leave(); }

  Result<> enter(int pidfd, pid_t pid) {
    UniqueFd own(::open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC));
    if (!own) return ErrnoErr("opening /proc/self/ns/pid");
    if (::setns(pidfd, CLONE_NEWPID) < 0) {
      if (errno != EINVAL) return ErrnoErr("entering the pid namespace of process ", pid);
      // Kernels before 5.8 take no pidfd here.
      const std::string path = cat("/proc/", pid, "/ns/pid");
      UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
      if (!fd || ::setns(fd.get(), CLONE_NEWPID) < 0) return ErrnoErr("entering ", path);
    }
    own_ = std::move(own);
    return {};
  }
  bool entered() const { return own_.valid(); }
  void leave() {
    // Our own active namespace is always a valid target.
    if (own_) (void)::setns(own_.get(), CLONE_NEWPID);
    own_.reset();
  }

 private:
  UniqueFd own_;
};

}  // namespace

ExecLauncher::~ExecLauncher() {
  if (!done_) kill_child();
}

void ExecLauncher::kill_child() {
  kill_and_reap(child_, child_pidfd_);
  child_ = 0;
}

Result<> ExecLauncher::clone_child(cgroups::Manager* cgroup) {
  TRY_ASSIGN(auto pair, Channel::make_pair());
  auto& [parent_end, child_end] = pair;

  PidNamespaceForChildren pid_ns;
  if (config_.join_flags & CLONE_NEWPID) TRY(pid_ns.enter(config_.init_pidfd, config_.init_pid));
  // A sub-cgroup (exec --cgroup) is joined by path, after the clone.
  const int cgroup_fd = cgroup && config_.sub_cgroup.empty() ? cgroup->clone_into_fd() : -1;
  // Root, before its setns into a user namespace, the child can move itself
  // (see Manager::self_join_files): no wait for an RCU grace period.
  if (cgroup && config_.sub_cgroup.empty() && cgroup_fd < 0 && ::geteuid() == 0)
    config_.cgroup_self_join = cgroup->self_join_files();
  auto cloned = clone_child_process(0, cgroup_fd, "exec process");
  // The pid namespace has no init any more: the container has stopped.
  if (!cloned && cloned.error().errnum == ENOMEM && pid_ns.entered()) return Err(0, "cannot exec in a stopped container");
  TRY(cloned);
  if (cloned->pid == 0) {
    parent_end.close();
    run_exec_child(config_, std::move(child_end));
  }
  pid_ns.leave();
  child_ = cloned->pid;
  child_pidfd_ = std::move(cloned->pidfd);
  channel_ = std::move(parent_end);
  if (cgroup && !cloned->in_cgroup) {
    TRY(config_.cgroup_self_join.empty() ? cgroup->add_process(child_, config_.sub_cgroup)
                                         : cgroup->add_self_joined_process(child_));
  }
  return {};
}

Result<> ExecLauncher::drive() {
  TRY(apply_process_limits(child_, config_.process));
  TRY(channel_.send(static_cast<uint32_t>(Msg::kGo)));
  SyncExpectations expect;
  expect.seccomp_fd = config_.security.seccomp && config_.security.seccomp->notify();
  SyncSequence seq(expect);
  while (!seq.ready()) {
    TRY_ASSIGN(Frame f, channel_.recv());
    const Msg m = static_cast<Msg>(f.type);
    if (m == Msg::kError) return Err(0, f.payload);
    TRY(seq.accept(m));
    if (m == Msg::kSeccompFd) {
      oci::State st{oci::kSpecVersion, config_.id, "running", config_.init_pid, config_.bundle, config_.annotations};
      TRY(forward_seccomp_fd(channel_, f, *config_.security.seccomp, st, child_));
    }
  }
  return {};
}

Error ExecLauncher::child_failure(Error e) { return early_exit_error(std::move(e), child_, "exec process"); }

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
