// Runtime side of the init protocol (see sync.hpp for the diagram).
#include <fcntl.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "oci/names.hpp"
#include "runtime/base/fault.hpp"
#include "runtime/base/fs.hpp"
#include "runtime/base/log.hpp"
#include "runtime/base/proc.hpp"
#include "runtime/base/trace.hpp"
#include "runtime/process/child_process.hpp"
#include "runtime/process/launch.hpp"
#include "runtime/security/seccomp.hpp"
#include "runtime/sys/raw.hpp"

namespace rt::process {

Launcher::~Launcher() {
  if (!done_) kill_child();
}

void Launcher::kill_child() {
  // The init (maybe a grandchild) first, then the cloned child, and reap.
  if (init_ > 0 && init_ != child_) ::kill(init_, SIGKILL);
  kill_and_reap(child_, child_pidfd_);
  child_ = 0;
}

Result<> Launcher::clone_child(cgroups::Manager* cgroup) {
  TRY_ASSIGN(auto pair, Channel::make_pair());
  auto& [parent_end, child_end] = pair;
  TRY_ASSIGN(auto cloned,
             clone_child_process(config_.ns.clone_flags, cgroup ? cgroup->clone_into_fd() : -1, "container init"));
  if (cloned.pid == 0) {
    parent_end.close();
    run_init(config_, std::move(child_end));
  }
  child_ = init_ = cloned.pid;
  child_pidfd_ = std::move(cloned.pidfd);
  born_in_cgroup_ = cloned.in_cgroup;
  channel_ = std::move(parent_end);
  return {};
}

Result<> apply_process_limits(pid_t pid, const oci::Process& p) {
  for (size_t i = 0; i < p.rlimits.size(); ++i) {
    const auto& r = p.rlimits[i];
    const auto resource = oci::names::rlimit(r.type);
    if (!resource) return Err(EINVAL, "$.process.rlimits[", i, "].type: unknown rlimit ", r.type);
    rlimit lim{r.soft, r.hard};
    if (::prlimit(pid, static_cast<__rlimit_resource>(*resource), &lim, nullptr) < 0)
      return ErrnoErr("$.process.rlimits[", i, "]: setting ", r.type, " to soft ", r.soft, " hard ", r.hard);
  }
  if (p.oom_score_adj)
    TRY_CTX(fs::write_file(cat("/proc/", pid, "/oom_score_adj"), std::to_string(*p.oom_score_adj)),
            "$.process.oomScoreAdj");
  return {};
}

Result<> Launcher::setup_from_parent(cgroups::Manager* cgroup) {
  const oci::Linux* l = config_.spec->linux ? &*config_.spec->linux : nullptr;
  const bool deny_setgroups = false;  // root may let the container call setgroups
  if (config_.expect.userns_request) {
    TRY_ASSIGN(Frame f, channel_.recv());
    if (f.type == static_cast<uint32_t>(Msg::kError)) return Err(0, f.payload);
    if (f.type != static_cast<uint32_t>(Msg::kUsernsReady))
      return Err(EPROTO, "protocol error: expected userns-ready from container init");
  }
  if (config_.ns.new_user) {
    TRY(write_id_maps(child_, l->uid_mappings, l->gid_mappings, deny_setgroups));
    if (config_.expect.userns_request) TRY(channel_.send(static_cast<uint32_t>(Msg::kUsernsMapped)));
  }
  if (config_.spec->process) TRY(apply_process_limits(child_, *config_.spec->process));
  if (cgroup && !born_in_cgroup_) {
    TRY(config_.cgroup_self_join.empty() ? cgroup->add_process(child_) : cgroup->add_self_joined_process(child_));
  }
  return channel_.send(static_cast<uint32_t>(Msg::kGo));
}

Result<> Launcher::drive(const MountsReadyHook& on_mounts_ready) {
  SyncExpectations after_go = config_.expect;
  after_go.userns_request = false;  // handled in setup_from_parent
  SyncSequence seq(after_go);
  while (!seq.ready()) {
    TRY_ASSIGN(Frame f, channel_.recv());
    const Msg m = static_cast<Msg>(f.type);
    // The message already carries the child's strerror.
    if (m == Msg::kError) return Err(0, f.payload);
    TRY(seq.accept(m));
    switch (m) {
      case Msg::kInitPid: {
        auto pid = parse_int<pid_t>(f.payload);
        if (!pid || *pid <= 0) return Err(EPROTO, "protocol error: bad init pid");
        init_ = *pid;
        break;
      }
      case Msg::kMountsReady:
        if (on_mounts_ready) TRY(on_mounts_ready(init_));
        TRY(channel_.send(static_cast<uint32_t>(Msg::kHooksDone), 0, std::to_string(init_)));
        break;
      case Msg::kSeccompFd: {
        oci::State st{oci::kSpecVersion, config_.id, "creating", init_, config_.bundle, config_.spec->annotations};
        TRY(forward_seccomp_fd(channel_, f, *config_.security.seccomp, st, init_));
        break;
      }
      case Msg::kReady:
        // With --trace the init's own phases come along.
        if (trace::enabled() && !f.payload.empty()) TRY(trace::import_init_events(f.payload));
        break;
      default:
        break;
    }
  }
  return {};
}

Error Launcher::child_failure(Error e) { return early_exit_error(std::move(e), child_, "container init"); }

Result<InitProcess> Launcher::start(cgroups::Manager* cgroup, const MountsReadyHook& on_mounts_ready) {
  trace::Phases phase("create: clone3 the init");
  TRY(clone_child(cgroup));
  fault::point("create:after-clone");
  phase.next("create: id maps, rlimits, cgroup.procs");
  if (auto r = setup_from_parent(cgroup); !r) return ErrFrom(child_failure(std::move(r).error()));
  phase.next("create: wait for the init (see its track)");
  if (auto r = drive(on_mounts_ready); !r) return ErrFrom(child_failure(std::move(r).error()));
  phase.end();
  InitProcess init;
  init.pid = init_;
  if (init_ != child_) {
    // The intermediate child has done its job (forked init); reap it.
    int status = 0;
    while (::waitpid(child_, &status, 0) < 0 && errno == EINTR) {
    }
    child_ = 0;
    child_pidfd_.reset();
    init.pidfd.reset(sys::pidfd_open_raw(init_, 0));
  } else {
    init.pidfd.reset(::fcntl(child_pidfd_.get(), F_DUPFD_CLOEXEC, 0));
  }
  auto st = proc::stat(init_);
  if (!st) return Err(ESRCH, "container init ", init_, " vanished");
  init.start_time = st->start_time;
  return init;
}

Result<> Launcher::finish() {
  TRY(channel_.send(static_cast<uint32_t>(Msg::kDone)));
  channel_.close();
  done_ = true;
  return {};
}

}  // namespace rt::process
