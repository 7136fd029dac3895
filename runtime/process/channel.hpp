// A SOCK_SEQPACKET channel between the runtime and the container's init:
// one datagram per frame, optional file descriptors passed with SCM_RIGHTS.
//
// Frame layout: { uint32 type; int32 err; uint32 len; } + len payload bytes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/base/error.hpp"
#include "runtime/base/unique_fd.hpp"

namespace rt::process {

struct Frame {
  uint32_t type = 0;
  int32_t err = 0;
  std::string payload;
  std::vector<UniqueFd> fds;
};

class Channel {
 public:
  static constexpr size_t kMaxPayload = 60 * 1024;  // fits one datagram
  static constexpr size_t kMaxFds = 4;

  Channel() = default;
  explicit Channel(UniqueFd fd) : fd_(std::move(fd)) {}

  // A connected pair; both ends are close-on-exec.
  static Result<std::pair<Channel, Channel>> make_pair();

  Result<> send(uint32_t type, int32_t err = 0, std::string_view payload = {}, const std::vector<int>& fds = {});
  // Blocks for one frame. EOF (peer closed) is an error with errnum EPIPE.
  Result<Frame> recv();

  int fd() const { return fd_.get(); }
  void close() { fd_.reset(); }
  bool is_open() const { return fd_.valid(); }

 private:
  UniqueFd fd_;
};

}  // namespace rt::process
