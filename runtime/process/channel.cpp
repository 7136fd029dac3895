#include "runtime/process/channel.hpp"

#include <sys/socket.h>

#include <cstring>

#include "runtime/base/unix_socket.hpp"

namespace rt::process {
namespace {

struct Header {
  uint32_t type;
  int32_t err;
  uint32_t len;
};

}  // namespace

Result<std::pair<Channel, Channel>> Channel::make_pair() {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) return ErrnoErr("socketpair");
  return std::pair<Channel, Channel>{Channel(UniqueFd(sv[0])), Channel(UniqueFd(sv[1]))};
}

Result<> Channel::send(uint32_t type, int32_t err, std::string_view payload, const std::vector<int>& fds) {
  if (payload.size() > kMaxPayload) payload = payload.substr(0, kMaxPayload);
  if (fds.size() > kMaxFds) return Err(EINVAL, "too many fds for one frame");
  const Header h{type, err, static_cast<uint32_t>(payload.size())};
  std::string frame(reinterpret_cast<const char*>(&h), sizeof h);
  frame.append(payload);
  TRY_CTX(send_with_fds(fd_.get(), frame, fds), "sending on the sync channel");
  return {};
}

Result<Frame> Channel::recv() {
  std::string buf(sizeof(Header) + kMaxPayload, '\0');
  TRY_ASSIGN(auto r, with_context(recv_with_fds(fd_.get(), buf), "receiving on the sync channel"));
  if (r.size == 0) return Err(EPIPE, "sync channel closed by peer");
  if (r.truncated) return Err(EPROTO, "truncated frame on the sync channel");
  Header h{};
  if (r.size < sizeof h) return Err(EPROTO, "short frame on the sync channel");
  std::memcpy(&h, buf.data(), sizeof h);
  if (h.len != r.size - sizeof h) return Err(EPROTO, "frame length mismatch on the sync channel");
  Frame f;
  f.type = h.type;
  f.err = h.err;
  f.payload.assign(buf.data() + sizeof h, h.len);
  f.fds = std::move(r.fds);
  return f;
}

}  // namespace rt::process
