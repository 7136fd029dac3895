// start: release the init waiting on exec.fifo, then run poststart hooks.
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include "oci/parse.hpp"
#include "runtime/base/fault.hpp"
#include "runtime/base/fs.hpp"
#include "runtime/base/trace.hpp"
#include "runtime/container/bundle.hpp"
#include "runtime/container/lifecycle.hpp"
#include "runtime/container/notify_socket.hpp"
#include "runtime/hooks/hooks.hpp"

namespace rt::container {

Result<> start_created(ContainerDir& dir, const ContainerState& state) {
  trace::Span span("start: release the init, wait for its execve");
  TRY_ASSIGN(auto spec, read_saved_config(dir));
  // runtime.md: a container created without a process cannot be started.
  if (!spec.process) return Err(0, "cannot start container ", state.id, ": $.process is not set in its config");
  // O_NONBLOCK: with no reader (init died) open fails with ENXIO at once.
  UniqueFd fifo(::openat(dir.fd(), kExecFifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC));
  if (!fifo) {
    if (errno == ENXIO) return Err(0, "cannot start container ", state.id, ": its init process has exited");
    return ErrnoErr("opening ", dir.path(), "/", kExecFifo);
  }
  fault::point("start:before-release");
  if (::write(fifo.get(), "0", 1) != 1) return ErrnoErr("writing ", dir.path(), "/", kExecFifo);
  // The init holds the read end until its execve (close-on-exec), after the
  // startContainer hooks: POLLERR (no reader left) means the process runs,
  // or the init died. poststart must come after that (runtime.md).
  pollfd pfd{fifo.get(), 0, 0};
  while (!(pfd.revents & (POLLERR | POLLHUP))) {
    if (::poll(&pfd, 1, -1) < 0 && errno != EINTR) return ErrnoErr("waiting for the container process to start");
  }
  fault::point("start:after-release");
  fifo.reset();
  // Gone: the container now reads as running.
  if (::unlinkat(dir.fd(), kExecFifo, 0) < 0) return ErrnoErr("removing ", dir.path(), "/", kExecFifo);

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
