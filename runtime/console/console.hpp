// The container's terminal (process.terminal) and the --console-socket
// protocol engines rely on (go-runc's, as containerd and conmon use it):
// one sendmsg carrying exactly one SCM_RIGHTS fd, the pty master, with the
// pty's name as the payload.
#pragma once

#include <string>

#include "oci/spec.hpp"
#include "runtime/base/error.hpp"
#include "runtime/base/unique_fd.hpp"

namespace rt::console {

// For a foreground run or exec, where ocirun itself is the caller: a
// connected pair standing in for the console socket; the first end is ours
// (receive_master), the second goes to the container's process.
struct LocalConsoleSocket {
  UniqueFd ours, theirs;
};
Result<LocalConsoleSocket> local_console_socket();

// Runtime side, before clone: connects to the caller's unix socket.
Result<UniqueFd> connect_socket(const std::string& path);

struct Pty {
  UniqueFd master;
  UniqueFd slave;
  std::string name;  // "/dev/pts/N" as seen in the container
};

// Child side, after pivot_root: opens a pty from the container's devpts,
// sizes it, and binds the slave onto /dev/console.
Result<Pty> open_container_pty(const std::optional<oci::ConsoleSize>& size, bool bind_dev_console);

// Sends the master over the socket (one fd, the name as payload).
Result<> send_master(int socket_fd, const Pty& pty);
// Receives it (used by `run` and tests).
Result<UniqueFd> receive_master(int socket_fd, std::string* name = nullptr);

// Makes the slave the controlling terminal and stdio of the calling process.
Result<> become_terminal_owner(int slave_fd);

}  // namespace rt::console
