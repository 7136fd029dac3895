// Sending and receiving file descriptors over unix sockets (SCM_RIGHTS):
// one place for the cmsg plumbing the channel, the console socket, the
// seccomp agent and the notify socket all need.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/base/error.hpp"
#include "runtime/base/unique_fd.hpp"

namespace rt {

inline constexpr size_t kMaxPassedFds = 8;

// One sendmsg of `data` with `fds` attached (none: a plain message).
// Returns the bytes sent (a stream socket may take less than all).
Result<size_t> send_with_fds(int sock, std::string_view data, std::span<const int> fds);

struct Received {
  size_t size = 0;  // bytes placed in the buffer; 0 at EOF
  bool truncated = false;  // the datagram or its fds did not fit
  std::vector<UniqueFd> fds;
};
// One recvmsg into buf; passed fds come back close-on-exec.
Result<Received> recv_with_fds(int sock, std::span<char> buf);

}  // namespace rt
