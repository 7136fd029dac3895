// sd_notify on both sides of NOTIFY_SOCKET proxying:
//   ocitest sd-notify MESSAGE          (in the container) send to $NOTIFY_SOCKET
//   ocitest notify-listen SOCKET FILE  (on the host) append each datagram to FILE,
//                                      closing any passed fd (answers BARRIER=1)
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "ocitest.hpp"
#include "runtime/base/unix_socket.hpp"

namespace {

int sd_notify(const std::vector<std::string>& args) {
  const char* path = std::getenv("NOTIFY_SOCKET");
  if (!path || args.empty()) return std::fprintf(stderr, "NOTIFY_SOCKET unset or no message\n"), 2;
  const int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
  socklen_t len;
  sockaddr_un addr = ocitest::unix_address(path, len);
  if (sendto(fd, args[0].data(), args[0].size(), 0, reinterpret_cast<sockaddr*>(&addr), len) < 0)
    return perror("sendto"), 1;
  return 0;
}

int notify_listen(const std::vector<std::string>& args) {
  if (args.size() < 2) return 2;
  const int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
  unlink(args[0].c_str());
  socklen_t len;
  sockaddr_un addr = ocitest::unix_address(args[0].c_str(), len);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), len) < 0) return perror("bind"), 1;
  const int out = open(args[1].c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  for (;;) {
    char buf[4096];
    auto received = rt::recv_with_fds(fd, buf);
    if (!received) return std::fprintf(stderr, "%s\n", received.error().to_string().c_str()), 1;
    std::string line(buf, received->size);
    if (line.empty() || line.back() != '\n') line += '\n';
    (void)!write(out, line.data(), line.size());
    // Closing a passed fd answers BARRIER=1: only after the line is written
    // (received->fds close here, at the end of the iteration).
  }
}

OCITEST_COMMAND("sd-notify", "MESSAGE", sd_notify);
OCITEST_COMMAND("notify-listen", "SOCKET FILE", notify_listen);

}  // namespace
