// delete: stop what is left of the container and remove everything it owns.
#include <poll.h>
#include <signal.h>

#include "oci/parse.hpp"
#include "runtime/base/fault.hpp"
#include "runtime/base/fs.hpp"
#include "runtime/base/log.hpp"
#include "runtime/base/proc.hpp"
#include "runtime/container/cgroup.hpp"
#include "runtime/container/bundle.hpp"
#include "runtime/container/lifecycle.hpp"
#include "runtime/hooks/hooks.hpp"
#include "runtime/sys/raw.hpp"

namespace rt::container {
namespace {

// SIGKILL the init and wait (up to 10 s) until it is gone; it need not be
// our child, so wait on a pidfd rather than waitpid.
Result<> kill_and_wait(const ContainerState& s) {
  if (s.pid <= 0) return {};
  UniqueFd pidfd(sys::pidfd_open_raw(s.pid, 0));
  if (!pidfd || !proc::alive(s.pid, s.pid_start_time)) return {};
  if (sys::pidfd_send_signal_raw(pidfd.get(), SIGKILL) < 0 && errno != ESRCH)
    return ErrnoErr("killing container init ", s.pid);
  pollfd pfd{pidfd.get(), POLLIN, 0};
  for (int waited = 0; waited < 10000; waited += 100) {
    if (::poll(&pfd, 1, 100) > 0) return {};
  }
  return Err(ETIMEDOUT, "container init ", s.pid, " did not die after SIGKILL");
}

void run_poststop_hooks(const ContainerDir& dir, const ContainerState& s) {
  auto spec = read_saved_config(dir);
  if (!spec || !spec->hooks || spec->hooks->poststop.empty()) return;
  oci::State st{oci::kSpecVersion, s.id, "stopped", 0, s.bundle, s.annotations};
  hooks::run_all_warn("poststop", spec->hooks->poststop, oci::to_json(st, oci::StateFormat::kOci));
}

}  // namespace

Result<> destroy(ContainerDir& dir, const ContainerState& state) {
  TRY_ASSIGN(auto cgroup, load_cgroup(state));
  // A frozen cgroup would keep SIGKILL pending forever: thaw it first.
  if (cgroup && cgroup->frozen().value_or(false)) TRY(cgroup->thaw());
  TRY(kill_and_wait(state));
  fault::point("delete:after-kill");
  // Processes of a container sharing its pid namespace survive init's death.
  if (cgroup) TRY(cgroup->destroy());
  fault::point("delete:after-cgroup");
  run_poststop_hooks(dir, state);
  return dir.remove();
}

Result<> remove(const Context& ctx, const std::string& id, bool force) {
  auto opened = ctx.store.open(id, Lock::kExclusive);
  if (!opened) {
    // runc: deleting what does not exist is fine with --force.
    if (force && validate_id(id)) return {};
    return ErrFrom(std::move(opened).error());
  }
  ContainerDir& dir = *opened;
  if (!dir.has_state()) {
    // We hold the lock, so its creator is gone: leftovers of a failed create
    // that died before it recorded anything but the directory.
    return dir.remove();
  }
  auto state = dir.read_state();
  if (!state) {
    if (!force) return ErrFrom(std::move(state).error());
    log::warn(state.error().to_string(), "; removing it anyway");
    return dir.remove();
  }
  TRY_ASSIGN(auto in, inspect(ctx, id));
  if ((in.status == Status::kRunning || in.status == Status::kPaused) && !force)
    return Err(0, "cannot delete container ", id, " that is not stopped: ", status_name(in.status));
  if (auto cgroup = load_cgroup(*state); !cgroup && force) {
    // Damaged cgroup paths: touch none of them, but do not keep the
    // container forever either.
    log::warn(cgroup.error().to_string(), "; removing the container without its cgroup");
    TRY(kill_and_wait(*state));
    return dir.remove();
  }
  return destroy(dir, *state);
}

}  // namespace rt::container
