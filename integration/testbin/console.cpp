// The caller's side of --console-socket, as containerd and conmon use it:
//   ocitest recvtty SOCKET [INPUT]  (on the host) listen on SOCKET, accept one
//     connection, take the pty master it carries (exactly one fd, the pty
//     name as payload; anything else is an error, as go-runc treats it),
//     print "pty NAME" on stderr, write INPUT to the terminal, then copy the
//     terminal's output to stdout until the container side hangs up.
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <string>

#include "ocitest.hpp"
#include "runtime/base/unix_socket.hpp"

namespace {

int recvtty(const std::vector<std::string>& args) {
  if (args.empty()) return 2;
  const int listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  unlink(args[0].c_str());
  socklen_t len;
  sockaddr_un addr = ocitest::unix_address(args[0].c_str(), len);
  if (bind(listener, reinterpret_cast<sockaddr*>(&addr), len) < 0 || listen(listener, 1) < 0)
    return perror("bind/listen"), 1;
  const int conn = accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
  if (conn < 0) return perror("accept"), 1;
  char name[256];
  auto received = rt::recv_with_fds(conn, name);
  if (!received) return std::fprintf(stderr, "%s\n", received.error().to_string().c_str()), 1;
  if (received->fds.size() != 1 || received->truncated || received->size == 0)
    return std::fprintf(stderr, "expected exactly one fd and the pty name, got %zu fds\n", received->fds.size()), 1;
  std::fprintf(stderr, "pty %.*s\n", static_cast<int>(received->size), name);
  const int master = received->fds[0].get();
  if (args.size() > 1) (void)!write(master, args[1].data(), args[1].size());
  for (;;) {
    char buf[4096];
    const ssize_t n = read(master, buf, sizeof buf);
    if (n <= 0) break;  // EIO once the last slave fd is closed
    (void)!write(1, buf, static_cast<size_t>(n));
  }
  return 0;
}

}  // namespace

OCITEST_COMMAND("recvtty", "SOCKET [INPUT]", recvtty);
