// The foreground half of `run` and `exec`: wait for the container's process
// while forwarding signals (and terminal bytes) to it.
#pragma once

#include <sys/types.h>

#include "runtime/base/error.hpp"
#include "runtime/console/proxy.hpp"
#include "runtime/container/notify_socket.hpp"

namespace rt::container {

// Forwards every signal but SIGCHLD (SIGWINCH resizes the pty) to `pid`
// until it exits, reaping whatever else is ours meanwhile (as a subreaper,
// orphans of the container); returns its exit code, 128+signal when it was
// killed. The caller blocks all signals first, so that they queue for us.
// With a notify proxy (run with NOTIFY_SOCKET), the container's READY=1 is
// forwarded to the caller meanwhile.
Result<int> supervise(pid_t pid, console::TerminalProxy* tty, NotifyProxy* notify = nullptr);

}  // namespace rt::container
