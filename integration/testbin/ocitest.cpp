// The dispatcher; subcommands live in the other files of this directory.
#include "ocitest.hpp"

#include <sys/socket.h>

#include <cstdio>
#include <cstring>

namespace ocitest {
namespace {

std::vector<Command>& registry() {
  static std::vector<Command> commands;
  return commands;
}

}  // namespace

Registrar::Registrar(const char* name, const char* usage, Handler handler) {
  registry().push_back({name, usage, handler});
}

long recv_with_fds(int socket, char* buf, unsigned long size, std::vector<int>& fds, int flags) {
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * 4)];
  iovec iov{buf, size};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  const ssize_t n = recvmsg(socket, &msg, flags);
  if (n < 0) return -1;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    const size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (size_t i = 0; i < count; ++i) {
      int fd;
      std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
      fds.push_back(fd);
    }
  }
  return n;
}

}  // namespace ocitest

int main(int argc, char** argv) {
  const char* cmd = argc > 1 ? argv[1] : "";
  for (const auto& c : ocitest::registry()) {
    if (std::strcmp(c.name, cmd) == 0) return c.handler(std::vector<std::string>(argv + 2, argv + argc));
  }
  std::fprintf(stderr, "usage:\n");
  for (const auto& c : ocitest::registry()) std::fprintf(stderr, "  ocitest %s %s\n", c.name, c.usage);
  return 2;
}
