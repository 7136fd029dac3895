// start: release the init waiting on exec.fifo, then run poststart hooks.
#include <fcntl.h>
#include <unistd.h>

#include "oci/parse.hpp"
#include "runtime/base/fault.hpp"
#include "runtime/base/fs.hpp"
#include "runtime/container/lifecycle.hpp"
#include "runtime/container/notify_socket.hpp"
#include "runtime/hooks/hooks.hpp"

namespace rt::container {
namespace {

Result<oci::Spec> read_config_snapshot(const ContainerDir& dir) {
  TRY_ASSIGN(auto text, fs::read_regular_file_at(dir.fd(), kConfigFile));
  auto spec = oci::parse_config(text);
  if (!spec) return Err(0, dir.path(), "/", kConfigFile, ": ", spec.error().to_string());
  return std::move(*spec);
}

}  // namespace

Result<> start_created(ContainerDir& dir, const ContainerState& state) {
  // O_NONBLOCK: with no reader (init died) open fails with ENXIO at once.
  UniqueFd fifo(::openat(dir.fd(), kExecFifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC));
  if (!fifo) {
    if (errno == ENXIO) return Err(0, "cannot start container ", state.id, ": its init process has exited");
    return ErrnoErr("opening ", dir.path(), "/", kExecFifo);
  }
  fault::point("start:before-release");
  if (::write(fifo.get(), "0", 1) != 1) return ErrnoErr("writing ", dir.path(), "/", kExecFifo);
  fault::point("start:after-release");
  fifo.reset();
  // Gone: the container now reads as running.
  if (::unlinkat(dir.fd(), kExecFifo, 0) < 0) return ErrnoErr("removing ", dir.path(), "/", kExecFifo);

  TRY_ASSIGN(auto spec, read_config_snapshot(dir));
  if (spec.hooks && !spec.hooks->poststart.empty()) {
    oci::State st{oci::kSpecVersion, state.id, "running", state.pid, state.bundle, state.annotations};
    TRY(hooks::run_all("poststart", spec.hooks->poststart, oci::to_json(st, oci::StateFormat::kOci)));
  }
  return {};
}

Result<> start(const Context& ctx, const std::string& id) {
  TRY_ASSIGN(auto dir, ctx.store.open(id, Lock::kExclusive));
  TRY_ASSIGN(auto in, inspect(ctx, id));
  switch (in.status) {
    case Status::kCreated: break;
    case Status::kStopped: return Err(0, "cannot start a container that has stopped");
    case Status::kRunning: return Err(0, "cannot start an already running container");
    case Status::kPaused: return Err(0, "cannot start a paused container");
    case Status::kCreating: return Err(0, "cannot start a container that is still being created");
  }
  TRY_ASSIGN(auto notify, NotifyProxy::bind(dir));
  TRY(start_created(dir, in.state));
  if (!notify) return {};
  // Waiting for READY may take long: let other commands in meanwhile.
  dir.unlock();
  return notify->wait(in.state.pid, in.state.pid_start_time);
}

}  // namespace rt::container
