// state/list: the status derived from facts (see status.hpp).
#include "runtime/base/fs.hpp"
#include "runtime/base/proc.hpp"
#include "runtime/base/str.hpp"
#include "runtime/container/cgroup.hpp"
#include "runtime/container/lifecycle.hpp"
#include "runtime/process/launch.hpp"

namespace rt::container {
namespace {

bool still_waiting_for_start(pid_t init_pid) {
  auto comm = fs::read_file(cat("/proc/", init_pid, "/comm"), 64);
  return !comm || trim(*comm) == process::kInitProcessName;  // unreadable: trust the fifo
}

}  // namespace

Result<Inspection> inspect(const Context& ctx, const std::string& id) {
  TRY_ASSIGN(auto dir, ctx.store.open(id, Lock::kNone));
  Inspection in;
  StatusFacts facts;
  facts.has_state = dir.has_state();
  if (!facts.has_state) {
    facts.creator_active = ctx.store.is_locked(dir);
    in.state.id = id;
    in.status = derive_status(facts);
    return in;
  }
  TRY_ASSIGN(in.state, dir.read_state());
  in.has_state = true;
  if (in.state.pid == 0) {
    facts.has_state = false;
    facts.creator_active = ctx.store.is_locked(dir);
    in.status = derive_status(facts);
    return in;
  }
  facts.init_alive = proc::alive(in.state.pid, in.state.pid_start_time);
  // A `start` that died between releasing the init and removing exec.fifo
  // leaves the fifo behind a container that runs.
  facts.exec_fifo = dir.has_exec_fifo() && still_waiting_for_start(in.state.pid);
  if (facts.init_alive && !in.state.cgroup.dirs.empty()) {
    auto cgroup = load_cgroup(in.state);
    if (cgroup && *cgroup) facts.frozen = (*cgroup)->frozen().value_or(false);
  }
  in.status = derive_status(facts);
  return in;
}

oci::State to_oci_state(const Inspection& in) {
  oci::State s;
  s.id = in.state.id;
  s.status = std::string(status_name(in.status));
  s.pid = in.status == Status::kStopped ? 0 : in.state.pid;
  s.bundle = in.state.bundle;
  s.annotations = in.state.annotations;
  s.rootfs = in.state.rootfs;
  s.created = in.state.created;
  s.owner = in.state.owner;
  return s;
}

}  // namespace rt::container
