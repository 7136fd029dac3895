// sd_notify proxying, as runc does it: when the runtime is called with
// NOTIFY_SOCKET set (systemd, podman --sdnotify=container), the container
// gets its own socket at /run/notify/notify.sock (bound from
// <state dir>/notify), and the runtime forwards the container's READY=1 to
// the caller's socket, with MAINPID set to the container's init.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

#include "runtime/base/error.hpp"
#include "runtime/base/unique_fd.hpp"
#include "runtime/container/state_store.hpp"

namespace rt::container {

inline constexpr const char* kNotifyDir = "notify";
inline constexpr const char* kNotifySocketInContainer = "/run/notify/notify.sock";

// The caller's socket, or empty when NOTIFY_SOCKET is not set.
std::string host_notify_socket();

class NotifyProxy {
 public:
  // Binds <dir>/notify/notify.sock when the container was created with a
  // notify socket and the caller gave one; nullopt otherwise.
  static Result<std::optional<NotifyProxy>> bind(const ContainerDir& dir);

  int fd() const { return socket_.get(); }
  // Reads one datagram; true once READY was seen and forwarded.
  Result<bool> forward_if_ready(pid_t main_pid);
  // Blocks until the container says READY (forwarded) or its init exits.
  Result<> wait(pid_t init_pid, uint64_t start_time);

 private:
  NotifyProxy(UniqueFd socket, std::string host) : socket_(std::move(socket)), host_(std::move(host)) {}
  UniqueFd socket_;
  std::string host_;
};

}  // namespace rt::container
