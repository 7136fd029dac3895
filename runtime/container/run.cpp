// run: create + start, and in the foreground wait for the container while
// forwarding signals (and terminal bytes) to it; its exit status becomes
// ours (128+signal when it was killed), then the container is deleted.
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <optional>

#include "runtime/base/log.hpp"
#include "runtime/base/trace.hpp"
#include "runtime/console/console.hpp"
#include "runtime/console/proxy.hpp"
#include "runtime/container/notify_socket.hpp"
#include "runtime/container/run.hpp"
#include "runtime/container/supervise.hpp"

namespace rt::container {
Result<int> run(const Context& ctx, RunOptions o) {
  if (o.detach) {
    TRY_ASSIGN(auto created, create(ctx, o.create));
    TRY_ASSIGN(auto notify, NotifyProxy::bind(created.dir));
    TRY(start_created(created.dir, created.state));
    created.dir.unlock();
    if (notify) TRY(notify->wait(created.state.pid, created.state.pid_start_time));
    return 0;
  }
  if (!o.no_subreaper && ::prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) return ErrnoErr("becoming a subreaper");
  // Signals are taken through a signalfd; the container starts with the
  // mask we were given.
  sigset_t all, original;
  sigfillset(&all);
  sigprocmask(SIG_BLOCK, &all, &original);
  o.create.child_sigmask = &original;

  TRY_ASSIGN(auto console, console::local_console_socket());
  o.create.console_fd = console.theirs.get();

  TRY_ASSIGN(auto created, create(ctx, o.create));
  std::optional<console::TerminalProxy> tty;
  if (created.terminal) {
    TRY_ASSIGN(auto master, console::receive_master(console.ours.get()));
    tty.emplace(std::move(master));
  }
  console.theirs.reset();
  TRY_ASSIGN(auto notify, NotifyProxy::bind(created.dir));
  auto started = start_created(created.dir, created.state);
  // Let other commands (kill, delete --force) act while it runs.
  created.dir.unlock();
  trace::Phases phase("run: wait for the container to exit");
  Result<int> code = started ? supervise(created.state.pid, tty ? &*tty : nullptr, notify ? &*notify : nullptr) : ErrFrom(started.error());
  tty.reset();
  sigprocmask(SIG_SETMASK, &original, nullptr);
  phase.next("run: delete the container");
  if (!o.keep) {
    if (auto locked = created.dir.relock(); locked) {
      if (auto r = destroy(created.dir, created.state); !r) log::warn(r.error().to_string());
    }
  }
  return code;
}

}  // namespace rt::container
