#include "runtime/process/channel.hpp"

#include <sys/socket.h>

#include <cstring>

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
  Header h{type, err, static_cast<uint32_t>(payload.size())};
  iovec iov[2] = {{&h, sizeof h}, {const_cast<char*>(payload.data()), payload.size()}};
  msghdr msg{};
  msg.msg_iov = iov;
  msg.msg_iovlen = payload.empty() ? 1 : 2;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxFds)];
  if (!fds.empty()) {
    std::memset(control, 0, sizeof control);
    msg.msg_control = control;
    msg.msg_controllen = CMSG_SPACE(sizeof(int) * fds.size());
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int) * fds.size());
    std::memcpy(CMSG_DATA(c), fds.data(), sizeof(int) * fds.size());
  }
  while (::sendmsg(fd_.get(), &msg, MSG_NOSIGNAL) < 0) {
    if (errno != EINTR) return ErrnoErr("sending on the sync channel");
  }
  return {};
}

Result<Frame> Channel::recv() {
  Frame f;
  Header h{};
  std::string buf(sizeof h + kMaxPayload, '\0');
  iovec iov{buf.data(), buf.size()};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxFds)];
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  ssize_t n;
  while ((n = ::recvmsg(fd_.get(), &msg, MSG_CMSG_CLOEXEC)) < 0) {
    if (errno != EINTR) return ErrnoErr("receiving on the sync channel");
  }
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    const size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < count; ++i) {
      int fd;
      std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
      f.fds.emplace_back(fd);
    }
  }
  if (n == 0) return Err(EPIPE, "sync channel closed by peer");
  if (static_cast<size_t>(n) < sizeof h) return Err(EPROTO, "short frame on the sync channel");
  if (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) return Err(EPROTO, "truncated frame on the sync channel");
  std::memcpy(&h, buf.data(), sizeof h);
  if (h.len != static_cast<size_t>(n) - sizeof h) return Err(EPROTO, "frame length mismatch on the sync channel");
  f.type = h.type;
  f.err = h.err;
  f.payload.assign(buf.data() + sizeof h, h.len);
  return f;
}

}  // namespace rt::process
